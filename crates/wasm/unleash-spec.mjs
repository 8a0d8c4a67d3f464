#!/usr/bin/env node
// Runs Unleash's client specification through the WASM package's `Toggles` under Node:
//   node crates/wasm/unleash-spec.mjs [FILE...]   (default: tests/external/unleash/index.json)
// (build first: crates/wasm/build.sh). Prints failures, then `N passed, M failed`.
import { createRequire } from 'node:module';
import { main } from '../node/unleash-spec.mjs';

const require = createRequire(import.meta.url);
export const lg = require('./pkg-node/liberation_gates_wasm.js');

if (import.meta.url === `file://${process.argv[1]}`) main(lg);
