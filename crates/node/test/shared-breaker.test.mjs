// Breakers shared through Redis, from Node. Needs LG_TEST_REDIS_URL (scripts/test starts a
// server); with LG_REQUIRE_SERVERS=1 a missing server fails instead of skipping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { randomUUID } from 'node:crypto';
import * as lg from '../lib.mjs';

const url = process.env.LG_TEST_REDIS_URL;
if (!url && process.env.LG_REQUIRE_SERVERS === '1') throw new Error('LG_REQUIRE_SERVERS=1 but LG_TEST_REDIS_URL is not set');
const SMALL = { window: { type: 'count', size: 4 }, minimum_calls: 4, open_seconds: 60 };

test('two breakers of one name share their window and state', { skip: !url && 'LG_TEST_REDIS_URL is not set' }, async () => {
  const name = `payments-${randomUUID()}`;
  const a = new lg.SharedCircuitBreaker(url, { ...SMALL, name });
  const b = new lg.SharedCircuitBreaker(url, { ...SMALL, name, fallback: () => 'cached' });
  const opened = [];
  b.on('open', (t) => opened.push(t));
  const down = async () => { throw new Error('down'); };
  await assert.rejects(a.fire(down), /down/);
  await assert.rejects(a.fire(down), /down/);
  assert.equal(await b.fire(async () => 1), 1);
  assert.equal(a.state, 'closed');
  assert.equal(await b.fire(async () => 2), 2); // 2 of 4 failed: b opens the shared breaker
  assert.equal(a.state, 'open');
  await assert.rejects(a.fire(async () => 3), (e) => e instanceof lg.CircuitOpenError);
  assert.equal(await b.fire(async () => 4), 'cached', 'b falls back while the shared state is open');
  assert.deepEqual(opened.map((t) => [t.from, t.to]), [['closed', 'open']]);
  assert.ok(a.isShared && b.isShared);
  assert.deepEqual([a.stats.permitted, a.stats.failures, a.stats.rejected], [4, 2, 2]);
});

test('an unreachable Redis is local, says so, and is no outage', async () => {
  const port = await new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => { const p = srv.address().port; srv.close(() => resolve(p)); });
  });
  const b = new lg.SharedCircuitBreaker(`redis://127.0.0.1:${port}/`, { ...SMALL, name: 'offline' });
  const lost = [];
  b.on('sharedLost', (e) => lost.push(e));
  for (let i = 0; i < 10; i++) assert.equal(await b.fire(async () => i), i);
  assert.equal(b.isShared, false);
  assert.equal(lost.length, 1);
  assert.match(lost[0].reason, /redis/);
  assert.equal(b.stats.permitted, 10);
});

test('a shared breaker refuses a clock and a bad URL', () => {
  assert.throws(() => new lg.SharedCircuitBreaker('redis://127.0.0.1:1/', { clock: () => 0 }), TypeError);
  assert.throws(() => new lg.SharedCircuitBreaker('http://nope', {}), (e) => e instanceof lg.StoreError && e.code === 'invalid_url');
});
