#!/usr/bin/env node
// Runs the shared conformance vectors through the JavaScript API (napi addon):
//   node crates/node/conformance.mjs tests/vectors [more files or folders...]
// Prints each failing case with what differed, then `N passed, M failed`; exits 1 on a
// failure, 2 on unreadable input.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as lg from './lib.mjs';
import { makeRunners, runDocument } from './runner.mjs';

export const RUNNERS = makeRunners(lg, (e) => e instanceof lg.LiberationGatesError);

export function files(paths) {
  return paths.flatMap((p) => (statSync(p).isDirectory() ? readdirSync(p).filter((f) => f.endsWith('.json')).sort().map((f) => join(p, f)) : [p]));
}

/** Runs every case of every file (folders expanded); logs failures; returns the counts. */
export function run(paths, runners = RUNNERS, log = console.log) {
  let passed = 0;
  let failed = 0;
  for (const f of files(paths)) {
    const r = runDocument(runners, JSON.parse(readFileSync(f, 'utf8')));
    passed += r.passed;
    failed += r.failed;
    for (const x of r.failures) {
      log(`FAIL ${r.family} :: ${x.name}`);
      for (const p of x.problems) log(`    ${p}`);
    }
  }
  return { passed, failed };
}

export function main(runners = RUNNERS) {
  const args = process.argv.slice(2);
  try {
    const { passed, failed } = run(args.length ? args : ['tests/vectors'], runners);
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(failed ? 1 : 0);
  } catch (e) {
    console.error(`error: ${e.message}`);
    process.exit(2);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
