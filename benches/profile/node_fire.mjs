// Where Node's fire() time goes (issue 19: fire() against cockatiel, aim 1.0; opossum, 0.25).
//
//   node benches/profile/node_fire.mjs [--smoke]
//
// Times in one run: fire() as benches/node/bench.mjs measures it; fire() with a clock that
// costs nothing (the two clock reads' share); an async wrapper that awaits the same function
// and does nothing else (what any promise-returning breaker pays); the default clock alone;
// one napi crossing (what fire() paid per call before the success lease); and cockatiel.
import { createRequire } from 'node:module';
import * as lg from '../../crates/node/lib.mjs';
import { timer } from '../node/measure.mjs';

const require = createRequire(new URL('../node/bench.mjs', import.meta.url));
const { circuitBreaker, handleAll, ConsecutiveBreaker, SamplingBreaker } = require('cockatiel');
const native = require('../../crates/node/native.cjs');
const smoke = process.argv.includes('--smoke');
const { measure, measureSync } = timer(smoke);

const trivial = async () => 1;
const ours = new lg.CircuitBreaker();
const free = new lg.CircuitBreaker({ clock: () => 1000 });
const ck = circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) });
const cks = circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new SamplingBreaker({ threshold: 0.5, duration: 10_000 }) });
const wrapper = async (fn) => fn();
const nb = new native.NativeBreaker();
const handle = nb.handle();
let t = 0;
const ORIGIN = performance.timeOrigin;
const clock = () => ORIGIN + performance.now();

// Asynchronous pieces are awaited like fire(); synchronous ones are timed without an await.
const rows = [
  ['fire(trivial), default clock (the bench\'s row)', () => ours.fire(trivial)],
  ['fire(trivial), a clock that costs nothing', () => free.fire(trivial)],
  ['an async wrapper awaiting trivial, nothing else', () => wrapper(trivial)],
  ['the default clock, read twice', () => { clock(); clock(); }, 'sync'],
  ['one napi crossing: breakerAcquire(handle, t, 0, 0)', () => native.breakerAcquire(handle, (t += 1e-6), 0, 0), 'sync'],
  ['cockatiel ConsecutiveBreaker execute(trivial)', () => ck.execute(trivial)],
  ['cockatiel SamplingBreaker execute(trivial)', () => cks.execute(trivial)],
];
console.log('| piece | ns per call |');
console.log('|---|---|');
for (const [name, fn, sync] of rows) console.log(`| ${name} | ${(sync ? measureSync(fn) : await measure(fn)).toFixed(0)} |`);
