// Node side by side (issue 8): our breaker's fire() against opossum and cockatiel on a trivial
// async function, and our split against dinero.js's allocate. Medians of repeated timed
// batches, in nanoseconds per call.
//   node benches/node/bench.mjs [--smoke] [--json benches/results/node.json]
import { timer } from './measure.mjs';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import CircuitBreakerOpossum from 'opossum';
import { circuitBreaker, handleAll, ConsecutiveBreaker, SamplingBreaker } from 'cockatiel';
import { dinero, allocate, toDecimal, GBP } from 'dinero.js';
import * as lg from '../../crates/node/lib.mjs';

const smoke = process.argv.includes('--smoke');
const jsonAt = process.argv.indexOf('--json');
const { measure, measureSync } = timer(smoke);

const trivial = async () => 1;
const ours = new lg.CircuitBreaker();
const opossum = new CircuitBreakerOpossum(trivial);
const cockatiel = circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) });
// cockatiel's windowed breaker, like ours (a failure rate over a time window, with a minimum
// rate of calls), beside its consecutive-failures one, which keeps only a counter.
const cockatielSampling = circuitBreaker(handleAll, {
  halfOpenAfter: 10_000,
  breaker: new SamplingBreaker({ threshold: 0.5, duration: 60_000, minimumRps: 5 }),
});

// Both splits must agree before they are timed: 1234.57 GBP, 80% to creators 3:1 (dinero's
// allocate of the pool, the pool computed the same way).
const s = lg.split('1234.57', 'GBP', [{ id: 'a', weight: '3' }, { id: 'b', weight: '1' }], { creatorShare: '0.8' });
const [da, db] = allocate(dinero({ amount: 98766, currency: GBP }), [3, 1]);
const fmt = (d) => toDecimal(d);
if (JSON.stringify([s.creators[0].amount, s.creators[1].amount]) !== JSON.stringify([fmt(da), fmt(db)])) {
  throw new Error(`the splits disagree: ${s.creators.map((c) => c.amount)} vs ${fmt(da)}, ${fmt(db)}`);
}

const results = [];
const add = (group, name, ns) => results.push({ group, name, ns: Math.round(ns * 10) / 10 });
add('breaker_fire', 'liberation_gates fire()', await measure(() => ours.fire(trivial)));
add('breaker_fire', 'opossum fire()', await measure(() => opossum.fire()));
add('breaker_fire', 'cockatiel execute()', await measure(() => cockatiel.execute(trivial)));
add('breaker_fire', 'cockatiel SamplingBreaker execute()', await measure(() => cockatielSampling.execute(trivial)));
// Refusals: each breaker opened by hand, every call refused (the promise rejects).
const [oursOpen, opossumOpen] = [new lg.CircuitBreaker(), new CircuitBreakerOpossum(trivial)];
const cockatielOpen = circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) });
oursOpen.open();
opossumOpen.open();
cockatielOpen.isolate();
const refused = () => 'refused';
add('breaker_reject', 'liberation_gates fire() while open', await measure(() => oursOpen.fire(trivial).catch(refused)));
add('breaker_reject', 'opossum fire() while open', await measure(() => opossumOpen.fire().catch(refused)));
add('breaker_reject', 'cockatiel execute() while isolated', await measure(() => cockatielOpen.execute(trivial).catch(refused)));
add('split_2_creators', 'liberation_gates split()', measureSync(() => lg.split('1234.57', 'GBP', [{ id: 'a', weight: '3' }, { id: 'b', weight: '1' }], { creatorShare: '0.8' })));
// The prepared split: terms checked once, minor units in and out (bigints), one crossing.
const terms = new lg.SplitTerms('GBP', [{ id: 'a', weight: '3' }, { id: 'b', weight: '1' }], { creatorShare: '0.8' });
const minor = terms.splitMinor(123457n);
if (`${minor.creators}` !== '74075,24691') throw new Error(`the prepared split disagrees: ${minor.creators}`);
add('split_2_creators', 'liberation_gates SplitTerms.splitMinor()', measureSync(() => terms.splitMinor(123457n)));
const into = new BigInt64Array(5);
add('split_2_creators', 'liberation_gates SplitTerms.splitMinorInto()', measureSync(() => terms.splitMinorInto(123457n, into)));
add('split_2_creators', 'dinero.js allocate()', measureSync(() => allocate(dinero({ amount: 98766, currency: GBP }), [3, 1])));
add('core_call_overhead', 'liberation_gates bucket()', measureSync(() => lg.bucket('user-42', 'new_event_cards')));
add('core_call_overhead', 'javascript no-op function', measureSync(() => undefined));
// Where fire()'s time goes: the same acquire as a napi class method and as a free function
// on an External handle (fire() uses the latter), and the clock it reads twice per call.
const native = createRequire(import.meta.url)('../../crates/node/native.cjs');
const nb = new native.NativeBreaker();
const handle = nb.handle();
let t = 0;
add('napi_call', 'NativeBreaker#acquire(t) method', measureSync(() => nb.acquire((t += 1e-6))));
add('napi_call', 'breakerAcquire(handle, t) function', measureSync(() => native.breakerAcquire(handle, (t += 1e-6), 0, 0)));
add('napi_call', 'performance.now()', measureSync(() => performance.now()));
add('napi_call', 'performance.timeOrigin + performance.now() (the default clock)', measureSync(() => performance.timeOrigin + performance.now()));

for (const r of results) console.log(`${r.group.padEnd(20)} ${r.name.padEnd(30)} ${r.ns.toFixed(1).padStart(10)} ns`);
if (jsonAt > 0) writeFileSync(process.argv[jsonAt + 1], JSON.stringify({ language: 'node', node: process.version, smoke, results }, null, 2));
