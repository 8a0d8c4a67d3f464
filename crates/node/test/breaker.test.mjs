import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import * as lg from '../lib.mjs';

const SMALL = { window: { type: 'count', size: 4 }, minimum_calls: 4, open_seconds: 30, half_open_calls: 1 };
const fakeClock = () => {
  const c = () => c.ms;
  c.ms = 0;
  return c;
};

test('fire resolves real async functions and opens after failures', async () => {
  const clock = fakeClock();
  const b = new lg.CircuitBreaker({ ...SMALL, clock });
  assert.equal(await b.fire(async (x) => x * 2, 21), 42);
  for (let i = 0; i < 3; i++) {
    await assert.rejects(b.fire(async () => { throw new Error('down'); }), /down/);
  }
  assert.equal(b.state, 'open');
  await assert.rejects(b.fire(async () => 1), (e) => e instanceof lg.CircuitOpenError && e.code === 'call_rejected');
  clock.ms = 30_000;
  assert.equal(b.state, 'half_open');
  assert.equal(await b.fire(async () => 'ok'), 'ok');
  assert.equal(b.state, 'closed');
});

test('events arrive in order: open, halfOpen, close', async () => {
  const clock = fakeClock();
  const b = new lg.CircuitBreaker({ ...SMALL, clock });
  const seen = [];
  for (const ev of ['open', 'halfOpen', 'close', 'reject', 'failure', 'success']) b.on(ev, () => seen.push(ev));
  for (let i = 0; i < 4; i++) await b.fire(async () => { throw new Error('x'); }).catch(() => {});
  await b.fire(async () => 1).catch(() => {});
  clock.ms = 31_000;
  await b.fire(async () => 1);
  assert.deepEqual(seen, ['failure', 'failure', 'failure', 'failure', 'open', 'reject', 'halfOpen', 'success', 'close']);
});

test('the fallback receives the arguments and the error', async () => {
  const b = new lg.CircuitBreaker({ ...SMALL, fallback: (user, err) => `cached:${user}:${err.code ?? err.message}` });
  const fallbacks = [];
  b.on('fallback', () => fallbacks.push(1));
  assert.equal(await b.fire(async (u) => { throw new Error(`no ${u}`); }, 'amara'), 'cached:amara:no amara');
  for (let i = 0; i < 3; i++) await b.fire(async () => { throw new Error('x'); }, 'sol');
  assert.equal(await b.fire(async () => 'live', 'kofi'), 'cached:kofi:call_rejected');
  assert.equal(fallbacks.length, 5);
});

test('timeouts fail the call; what counts as slow is the config, as in every language', async () => {
  const b = new lg.CircuitBreaker({ window: { type: 'count', size: 2 }, minimum_calls: 2, slow_call_rate_threshold: 1, timeout: 20 });
  const timeouts = [];
  b.on('timeout', (e) => timeouts.push(e.code));
  for (let i = 0; i < 2; i++) {
    await assert.rejects(b.fire(() => sleep(200)), (e) => e.code === 'ETIMEDOUT');
  }
  assert.deepEqual(timeouts, ['ETIMEDOUT', 'ETIMEDOUT']);
  assert.equal(b.state, 'open');
  const s = b.stats;
  assert.equal(s.stats.failures, 2);
});

test('a timeout is not the slow-call limit: that is slow_call_seconds, as in every language', async () => {
  // Timeouts filtered out are recorded as successes; with the old rule (timeout = slow-call
  // limit) these 20 ms calls were slow and opened the breaker.
  const b = new lg.CircuitBreaker({ window: { type: 'count', size: 2 }, minimum_calls: 2, slow_call_rate_threshold: 0.5, timeout: 20, errorFilter: (e) => e.code === 'ETIMEDOUT' });
  for (let i = 0; i < 2; i++) {
    await assert.rejects(b.fire(() => sleep(200)), (e) => e.code === 'ETIMEDOUT');
  }
  assert.equal(b.state, 'closed');
  assert.equal(b.stats.calls, 2);
  assert.equal(b.stats.slowCallRate, 0);
  assert.equal(b.opened, false);
  b.open();
  assert.equal(b.opened, true, 'forced open refuses calls');
});

test('errorFilter keeps caller errors from counting', async () => {
  const b = new lg.CircuitBreaker({ ...SMALL, errorFilter: (e) => e.status === 404 });
  for (let i = 0; i < 10; i++) {
    await assert.rejects(b.fire(async () => { throw Object.assign(new Error('not found'), { status: 404 }); }));
  }
  assert.equal(b.state, 'closed');
  assert.equal(b.stats.stats.successes, 10);
});

test('10,000 concurrent promises are counted exactly', async () => {
  const b = new lg.CircuitBreaker({ window: { type: 'count', size: 100 }, minimum_calls: 50, open_seconds: 0.001 });
  const results = await Promise.allSettled(
    Array.from({ length: 10_000 }, (_, i) => b.fire(async () => { await Promise.resolve(); if (i % 3 === 0) throw new Error('flaky'); return i; })),
  );
  const s = b.stats.stats;
  assert.equal(s.permitted + s.rejected, 10_000);
  assert.equal(results.filter((r) => r.status === 'rejected' && r.reason instanceof lg.CircuitOpenError).length, s.rejected);
  assert.equal(s.successes + s.failures + s.ignored, s.permitted);
});

test('the fallback cache serves attributed answers while the dependency is down', async () => {
  const clock = fakeClock();
  const b = new lg.CircuitBreaker({ ...SMALL, clock });
  const cache = new lg.FallbackCache(10, 60, clock);
  const credit = { creators: ['amara', 'kofi'], revenue: 'creators 75% / platform 25%' };
  const fresh = await cache.fire(b, 'event:1', async () => ({ value: { title: 'Jazz' }, attribution: credit }));
  assert.deepEqual([fresh.fromCache, fresh.value], [false, { title: 'Jazz' }]);
  clock.ms = 12_000;
  const served = await cache.fire(b, 'event:1', async () => { throw new Error('down'); });
  assert.equal(served.fromCache, true);
  assert.equal(served.ageSeconds, 12);
  assert.deepEqual(served.attribution.creators, ['amara', 'kofi']);
  await assert.rejects(cache.fire(b, 'event:2', async () => { throw new Error('down'); }), /down/);
  clock.ms = 100_000;
  assert.equal(cache.get('event:1'), undefined);
});

test('an errorFilter that throws in half_open still records the permit (issue 16.2)', async () => {
  const clock = fakeClock();
  const errorFilter = (err) => {
    if (err.message === 'odd') throw new Error('the filter itself failed');
    return false;
  };
  const b = new lg.CircuitBreaker({ ...SMALL, clock, errorFilter });
  for (let i = 0; i < 4; i++) await assert.rejects(b.fire(async () => { throw new Error('down'); }), /down/);
  assert.equal(b.state, 'open');
  clock.ms = 30_000;
  assert.equal(b.state, 'half_open');
  // The filter's own error reaches the caller; the trial call is recorded as a failure, so the
  // breaker re-opens instead of waiting for a permit that never comes back.
  await assert.rejects(b.fire(async () => { throw new Error('odd'); }), /the filter itself failed/);
  assert.equal(b.state, 'open');
  clock.ms = 60_000;
  assert.equal(await b.fire(async () => 'ok'), 'ok');
  assert.equal(b.state, 'closed');
});

test('acquires skipped while every call is permitted are all counted, and end when it opens', async () => {
  const b = new lg.CircuitBreaker({ window: { type: 'count', size: 4 }, minimumCalls: 4, openSeconds: 60 });
  let [permitted, refused] = [0, 0];
  for (let i = 0; i < 20; i++) {
    try {
      await b.fire(async () => {
        if (i >= 6) throw new Error('down');
        return i;
      });
      permitted++;
    } catch (e) {
      if (e instanceof lg.CircuitOpenError) refused++;
      else permitted++;
    }
  }
  const s = b.stats.stats;
  assert.deepEqual([s.permitted, s.rejected], [permitted, refused]);
  assert.deepEqual([permitted, refused], [8, 12], 'two failures in four calls open it; every later call is refused');
  assert.deepEqual([s.successes, s.failures, s.ignored], [6, 2, 0]);
  b.close();
  await b.fire(async () => 1);
  assert.equal(b.stats.stats.permitted, 9);
});

test('successes fire() counts itself under the core lease are recorded as single records are', async () => {
  const clock = fakeClock();
  const b = new lg.CircuitBreaker({ window: { type: 'time', seconds: 2 }, minimum_calls: 10, clock });
  for (let i = 1; i <= 3000; i++) {
    clock.ms = i;
    assert.equal(await b.fire(async () => i), i);
  }
  // At t = 3 s the window keeps seconds 2 and 3: the calls at 2.000–2.999 s and at 3.000 s.
  let m = b.stats;
  assert.deepEqual([m.calls, m.stats.permitted, m.stats.successes], [1001, 3000, 3000]);
  const opened = [];
  b.on('open', (t) => opened.push(t.t));
  let failed = 0;
  for (let i = 0; i < 1200 && opened.length === 0; i++) {
    clock.ms += 0.5;
    await b.fire(async () => { throw new Error('down'); }).catch(() => failed++);
  }
  m = b.stats;
  assert.equal(opened.length, 1, 'more failures than successes in the window open it');
  assert.equal(m.state, 'open');
  assert.deepEqual([m.stats.successes, m.stats.failures], [3000, failed]);
});
