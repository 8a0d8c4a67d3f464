#!/usr/bin/env node
// Runs Unleash's client specification through the JavaScript API's `Toggles`:
//   node crates/node/unleash-spec.mjs [FILE...]   (default: tests/external/unleash/index.json)
// A file is a spec file, or an index.json listing the files beside it. Prints one line per
// failing test, then `N passed, M failed`; exits 1 on a failure, 2 on unreadable input.
import { readFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lg from './lib.mjs';
import { runSpecDocument } from './unleash-runner.mjs';

export const DEFAULT_INDEX = join(dirname(fileURLToPath(import.meta.url)), '../../tests/external/unleash/index.json');

/** The spec files named by `paths` (an index.json expands to the files it lists). */
export function specFiles(paths) {
  return paths.flatMap((p) => (basename(p) === 'index.json' ? JSON.parse(readFileSync(p, 'utf8')).map((f) => join(dirname(p), f)) : [p]));
}

/** Runs every test and variant test of `file` through `Toggles` (of `api`); the counts. */
export function runSpec(api, file, log = console.log) {
  const r = runSpecDocument(api, JSON.parse(readFileSync(file, 'utf8')), basename(file));
  for (const l of r.lines) log(l);
  return r;
}

export function main(api, args = process.argv.slice(2)) {
  let passed = 0;
  let failed = 0;
  try {
    for (const f of specFiles(args.length ? args : [DEFAULT_INDEX])) {
      const r = runSpec(api, f);
      passed += r.passed;
      failed += r.failed;
    }
  } catch (e) {
    console.error(`unleash-spec: ${e.message}`);
    process.exit(2);
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

if (import.meta.url === `file://${process.argv[1]}`) main(lg);
