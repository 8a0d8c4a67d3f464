#!/usr/bin/env node
// Runs the shared conformance vectors through the WASM package under Node:
//   node crates/wasm/conformance.mjs tests/vectors [more files or folders...]
// (build first: crates/wasm/build.sh). Prints failures, then `N passed, M failed`.
import { createRequire } from 'node:module';
import { makeRunners } from '../node/runner.mjs';
import { main } from '../node/conformance.mjs';

const require = createRequire(import.meta.url);
export const lg = require('./pkg-node/liberation_gates_wasm.js');
export const isError = (e) => e instanceof Error && e.name === 'LiberationGatesError' && typeof e.code === 'string';
export const RUNNERS = makeRunners(lg, isError);

if (import.meta.url === `file://${process.argv[1]}`) main(RUNNERS);
