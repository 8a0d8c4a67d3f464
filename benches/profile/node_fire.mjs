// Where Node's fire() time goes (issue 19: fire() against cockatiel, aim 1.0; opossum, 0.25).
//
//   node benches/profile/node_fire.mjs [--smoke]
//
// Times in one run: fire() as benches/node/bench.mjs measures it; fire() with a clock that
// costs nothing (the two clock reads' share); an async wrapper that awaits the same function
// and does nothing else (what any promise-returning breaker pays); the default clock alone;
// one napi crossing (what fire() paid per call before the success lease); and cockatiel.
// Each monotonic clock Node has is timed too, read twice as fire() reads it (the default
// is the cheapest in fire() itself: a default on process.hrtime() measured worse), and the
// least a promise breaker that times its calls can do.
import { createRequire } from 'node:module';
import * as lg from '../../crates/node/lib.mjs';
import { profileTable } from '../node/measure.mjs';

const require = createRequire(new URL('../node/bench.mjs', import.meta.url));
const { circuitBreaker, handleAll, ConsecutiveBreaker, SamplingBreaker } = require('cockatiel');
const native = require('../../crates/node/native.cjs');
const smoke = process.argv.includes('--smoke');

const trivial = async () => 1;
const ours = new lg.CircuitBreaker();
const free = new lg.CircuitBreaker({ clock: () => 1000 });
const ck = circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) });
const cks = circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new SamplingBreaker({ threshold: 0.5, duration: 10_000 }) });
const ORIGIN = performance.timeOrigin;
const clock = () => ORIGIN + performance.now();
const nowSeconds = () => (ORIGIN + performance.now()) / 1000;
const wrapper = async (fn) => fn();
// The least a promise breaker that times its calls can do: read the default clock, await
// the call, read the clock, compare the duration with the slow-call time, count. Not a
// breaker; a measured lower bound for one on this clock.
const least = { until: Infinity, slow: 60, successes: 0 };
async function leastTimed(fn) {
  const started = nowSeconds();
  const value = await fn();
  const ended = nowSeconds();
  if (ended < least.until && ended - started <= least.slow) least.successes = (least.successes + 1) & 1023;
  return value;
}
const nb = new native.NativeBreaker();
const handle = nb.handle();
let t = 0;

// Asynchronous pieces are awaited like fire(); synchronous ones are timed without an await.
const rows = [
  ['fire(trivial), default clock (the bench\'s row)', () => ours.fire(trivial)],
  ['fire(trivial), a clock that costs nothing', () => free.fire(trivial)],
  ['an async wrapper awaiting trivial, nothing else', () => wrapper(trivial)],
  ['the least a promise breaker that times its calls can do: clock, await, clock, compare, count', () => leastTimed(trivial)],
  ['the default clock, read twice', () => { clock(); clock(); }, 'sync'],
  ['performance.now(), read twice', () => { performance.now(); performance.now(); }, 'sync'],
  ['process.hrtime(), read twice', () => { process.hrtime(); process.hrtime(); }, 'sync'],
  ['process.hrtime.bigint(), read twice', () => { process.hrtime.bigint(); process.hrtime.bigint(); }, 'sync'],
  ['Date.now(), read twice (the wall clock: it can step back or forward, so no use for durations)', () => { Date.now(); Date.now(); }, 'sync'],
  ['one napi crossing: breakerAcquire(handle, t, 0, 0)', () => native.breakerAcquire(handle, (t += 1e-6), 0, 0), 'sync'],
  ['cockatiel ConsecutiveBreaker execute(trivial)', () => ck.execute(trivial)],
  ['cockatiel SamplingBreaker execute(trivial)', () => cks.execute(trivial)],
];
await profileTable(rows, smoke);
