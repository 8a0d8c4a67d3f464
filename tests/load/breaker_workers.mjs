// 8 Node worker threads on one breaker (issue 22's load across languages; the Python half is
// breaker_threads.py, run at the same time by breaker_threads.sh).
//
//   node tests/load/breaker_workers.mjs CALLS
//
// The main thread makes a CircuitBreaker with a 2-second time window and shares it
// (`share()`); each worker attaches (`CircuitBreaker.attach(token)`) and fires CALLS/8 calls,
// one in 1,000 failing. What must hold: every call counted once (permitted + rejected =
// CALLS; successes + failures + ignored = the calls that ran), no crash, and the window never
// holding more than its 2 one-second buckets (sampled every 20 ms, and at the end).
import { Worker } from 'node:worker_threads';
import * as lg from '../../crates/node/lib.mjs';

const WORKERS = 8;
const SECONDS = 2;
const calls = Number(process.argv[2] || 1_000_000);
const perWorker = Math.floor(calls / WORKERS);
const LIB = new URL('../../crates/node/lib.mjs', import.meta.url).href;

const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
import(workerData.lib).then(async (lg) => {
  const b = lg.CircuitBreaker.attach(workerData.token);
  const tally = { ok: 0, failed: 0, rejected: 0 };
  const work = async (fail) => { if (fail) throw new Error('one call in 1,000 fails'); return 1; };
  for (let i = 0; i < workerData.calls; i++) {
    try {
      await b.fire(work, (i + workerData.k) % 1000 === 0);
      tally.ok++;
    } catch (e) {
      if (e instanceof lg.CircuitOpenError) tally.rejected++;
      else tally.failed++;
    }
  }
  parentPort.postMessage(tally);
});
`;

const breaker = new lg.CircuitBreaker({ window: { type: 'time', seconds: SECONDS }, minimum_calls: 100 });
const token = breaker.share();
let most = 0;
const watch = setInterval(() => { most = Math.max(most, breaker.stats.windowBuckets); }, 20);
const started = performance.now();
const tallies = await Promise.all([...Array(WORKERS).keys()].map((k) => new Promise((resolve, reject) => {
  const w = new Worker(WORKER, { eval: true, workerData: { lib: LIB, token, k, calls: perWorker } });
  w.once('message', resolve);
  w.once('error', reject);
})));
clearInterval(watch);
const took = (performance.now() - started) / 1000;
const m = breaker.stats;
most = Math.max(most, m.windowBuckets);
const total = { ok: 0, failed: 0, rejected: 0 };
for (const t of tallies) for (const k of Object.keys(total)) total[k] += t[k];
const made = perWorker * WORKERS;
const s = m.stats;
const failed = [
  [total.ok + total.failed + total.rejected === made, `the workers made ${total.ok + total.failed + total.rejected} calls, not ${made}`],
  [s.permitted + s.rejected === made, `permitted ${s.permitted} + rejected ${s.rejected} != ${made}`],
  [s.rejected === total.rejected, 'rejections counted differently'],
  [s.successes + s.failures + s.ignored === total.ok + total.failed, 'outcomes counted differently'],
  [s.failures === total.failed, 'failures counted differently'],
  [most >= 1 && most <= SECONDS, `the window held ${most} buckets (bound ${SECONDS})`],
].filter(([ok]) => !ok).map(([, why]) => why);
const n = (x) => x.toLocaleString('en');
console.log(`Node: ${WORKERS} worker threads, ${n(made)} calls on one breaker in ${took.toFixed(1)} s: `
  + `${n(total.ok)} ok, ${n(total.failed)} failed, ${n(total.rejected)} rejected, counted exactly; `
  + `the window held at most ${most} of ${SECONDS} buckets${failed.length ? ` -- FAILED: ${failed.join('; ')}` : ''}`);
process.exitCode = failed.length ? 1 : 0;
