import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import * as lg from '../lib.mjs';

const LIB = new URL('../lib.mjs', import.meta.url).href;

/** A worker that attaches to `token` and fires `calls` calls, every `failEvery`th one failing. */
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
import(workerData.lib).then(async (lg) => {
  const b = lg.CircuitBreaker.attach(workerData.token, { name: 'w' + workerData.k });
  const seen = [];
  b.on('open', (t) => seen.push(t.to));
  const tally = { ok: 0, failed: 0, rejected: 0 };
  for (let i = 0; i < workerData.calls; i++) {
    try {
      await b.fire(async (fail) => { if (fail) throw new Error('flaky'); return i; }, (i + workerData.k) % workerData.failEvery === 0);
      tally.ok++;
    } catch (e) {
      if (e instanceof lg.CircuitOpenError) tally.rejected++;
      else tally.failed++;
    }
  }
  parentPort.postMessage({ tally, seen });
});
`;

function run(token, k, calls, failEvery) {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER, { eval: true, workerData: { lib: LIB, token, k, calls, failEvery } });
    w.once('message', resolve);
    w.once('error', reject);
  });
}

test('eight worker threads share one breaker: every call counted once', async () => {
  const b = new lg.CircuitBreaker({ window: { type: 'count', size: 50 }, minimum_calls: 10, open_seconds: 0.001 });
  const token = b.share();
  assert.equal(b.share(), token, 'one token per breaker');
  const calls = 2000;
  const results = await Promise.all([...Array(8).keys()].map((k) => run(token, k, calls, 3)));
  const total = { ok: 0, failed: 0, rejected: 0 };
  for (const { tally } of results) for (const key of Object.keys(total)) total[key] += tally[key];
  const { stats } = b.stats;
  assert.equal(total.ok + total.failed + total.rejected, 8 * calls);
  assert.equal(stats.permitted + stats.rejected, 8 * calls);
  assert.equal(stats.rejected, total.rejected);
  assert.equal(stats.successes + stats.failures + stats.ignored, total.ok + total.failed);
  assert.ok(total.failed > 0, 'one call in three failed');
});

test('a worker sees the state another thread set, and its own events', async () => {
  const b = new lg.CircuitBreaker({ window: { type: 'count', size: 4 }, minimum_calls: 4, open_seconds: 600 });
  b.open();
  const { tally } = await run(b.share(), 0, 5, 1000);
  assert.deepEqual(tally, { ok: 0, failed: 0, rejected: 5 });
  b.close();
  const { tally: after, seen } = await run(b.share(), 1, 8, 1);
  assert.equal(after.failed, 4, 'four failures fill the window and open it');
  assert.equal(after.rejected, 4);
  assert.deepEqual(seen, ['open']);
  assert.equal(b.state, 'open');
});

test('attach refuses an unknown token and a config of its own', () => {
  assert.throws(() => lg.CircuitBreaker.attach(987654), (e) => e instanceof TypeError && /token 987654/.test(e.message));
  const token = new lg.CircuitBreaker().share();
  assert.throws(() => lg.CircuitBreaker.attach(token, { minimum_calls: 3 }), (e) => e instanceof TypeError && /minimum_calls/.test(e.message));
});
