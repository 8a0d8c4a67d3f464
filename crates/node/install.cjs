#!/usr/bin/env node
'use strict';
// Runs when this package is installed (npm's `install` script). A checkout ships no prebuilt
// native addon, so `npm install ./crates/node` would give a package that fails at import:
// when the addon for this platform is missing, build it with cargo (Rust must be installed)
// and put it where native.cjs looks for it. Installing inside this folder (developing the
// package) builds nothing: there `npm run build` does it with the napi CLI.
const { existsSync, copyFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { spawnSync } = require('node:child_process');

const here = __dirname;

/** The platform part of the addon's file name, as napi-rs names it. */
function platformName() {
  const { platform, arch } = process;
  if (platform === 'linux') {
    const glibc = process.report?.getReport()?.header?.glibcVersionRuntime;
    return `linux-${arch}-${glibc ? 'gnu' : 'musl'}`;
  }
  if (platform === 'win32') return `win32-${arch}-msvc`;
  return `${platform}-${arch}`;
}

function fail(message) {
  console.error(`liberation-gates: ${message}`);
  process.exit(1);
}

if (resolve(process.env.INIT_CWD || '') === here) process.exit(0);
const addon = join(here, `liberation-gates.${platformName()}.node`);
if (existsSync(addon)) process.exit(0);

const cargo = spawnSync('cargo', ['--version'], { encoding: 'utf8' });
if (cargo.error || cargo.status !== 0) {
  fail(`there is no prebuilt native addon for ${platformName()}, and cargo is not installed to build one. Install Rust (https://rustup.rs), then install this package again.`);
}
console.log(`liberation-gates: building the native addon for ${platformName()} with ${cargo.stdout.trim()} (a few minutes, once)`);
const build = spawnSync(
  'cargo',
  ['build', '--release', '--message-format=json-render-diagnostics', '-p', 'liberation-gates-node', '--manifest-path', join(here, 'Cargo.toml')],
  { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 1 << 28 },
);
if (build.status !== 0) fail('cargo build failed (its messages are above)');
let built;
for (const line of build.stdout.split('\n')) {
  if (!line.startsWith('{')) continue;
  const m = JSON.parse(line);
  if (m.reason === 'compiler-artifact' && m.target?.name === 'liberation_gates_node' && m.target.kind.includes('cdylib')) {
    built = m.filenames.find((f) => /\.(so|dylib|dll)$/.test(f));
  }
}
if (!built) fail('cargo built no liberation_gates_node library');
copyFileSync(built, addon);
console.log(`liberation-gates: built ${addon}`);
