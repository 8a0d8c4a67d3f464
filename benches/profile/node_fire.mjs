// Where Node's fire() time goes (issue 19: fire() against cockatiel, aim 1.0; opossum, 0.25).
//
//   node benches/profile/node_fire.mjs [--smoke]
//
// Times in one run: fire() as benches/node/bench.mjs measures it; fire() with a clock that
// costs nothing (the two clock reads' share); an async wrapper that awaits the same function
// and does nothing else (what any promise-returning breaker pays); the default clock alone;
// one napi crossing (what fire() paid per call before the success lease); and cockatiel.
// Each monotonic clock Node has is timed too, read twice as fire() reads it; the last row
// adds the cheapest to the async wrapper: about what a promise breaker that times its calls
// pays before doing anything else (a sum of parts timed alone, not a bound).
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
  ['the default clock, read twice', () => { clock(); clock(); }, 'sync', 'monotonic'],
  ['performance.now(), read twice', () => { performance.now(); performance.now(); }, 'sync', 'monotonic'],
  ['process.hrtime(), read twice', () => { process.hrtime(); process.hrtime(); }, 'sync', 'monotonic'],
  ['process.hrtime.bigint(), read twice', () => { process.hrtime.bigint(); process.hrtime.bigint(); }, 'sync', 'monotonic'],
  ['Date.now(), read twice (the wall clock: it can step back or forward, so no use for durations)', () => { Date.now(); Date.now(); }, 'sync'],
  ['one napi crossing: breakerAcquire(handle, t, 0, 0)', () => native.breakerAcquire(handle, (t += 1e-6), 0, 0), 'sync'],
  ['cockatiel ConsecutiveBreaker execute(trivial)', () => ck.execute(trivial)],
  ['cockatiel SamplingBreaker execute(trivial)', () => cks.execute(trivial)],
];
console.log('| piece | ns per call |');
console.log('|---|---|');
const wrapperRow = 'an async wrapper awaiting trivial, nothing else';
let wrapperNs = 0;
let cheapestTwice = Infinity;
for (const [name, fn, sync, monotonic] of rows) {
  const ns = sync ? measureSync(fn) : await measure(fn);
  if (name === wrapperRow) wrapperNs = ns;
  if (monotonic) cheapestTwice = Math.min(cheapestTwice, ns);
  console.log(`| ${name} | ${ns.toFixed(0)} |`);
}
// Any promise breaker that times a call pays the await and two monotonic clock reads.
console.log(`| the async wrapper + the cheapest monotonic clock read twice (computed: the sum of their rows) | ${(wrapperNs + cheapestTwice).toFixed(0)} |`);
