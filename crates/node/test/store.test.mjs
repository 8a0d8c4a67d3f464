// Durable stores from Node: a ledger kept in SQLite or PostgreSQL, and the store itself.
// PostgreSQL runs when LG_TEST_POSTGRES_URL is set (scripts/test starts a server and sets
// LG_REQUIRE_SERVERS=1, which turns a missing server into a failure instead of a skip).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lg from '../lib.mjs';

const LINES = [
  { type: 'split', id: 'tx-1', t: 1767225600, gross: '12.00', currency: 'GBP', creators: [{ id: 'amara', weight: '1' }] },
  { type: 'split', id: 'tx-2', t: 1767229200, gross: '30.00', currency: 'GBP', creators: [{ id: 'amara', weight: '2' }, { id: 'kofi', weight: '1' }], fee: '0.75' },
  { type: 'refund', id: 'rf-1', t: 1767232800, split: 'tx-2', amount: '10.00' },
];
const dir = mkdtempSync(join(tmpdir(), 'lg-node-store-'));
let n = 0;

function backends() {
  const out = [['sqlite', () => `sqlite:${join(dir, `t${n++}.db`)}`]];
  const base = process.env.LG_TEST_POSTGRES_URL;
  if (base) {
    out.push(['postgres', () => {
      const name = `lg_node_${process.pid}_${n++}`;
      execFileSync('psql', [base, '-q', '-c', `DROP DATABASE IF EXISTS ${name}`]);
      execFileSync('psql', [base, '-q', '-c', `CREATE DATABASE ${name}`]);
      return `${base.slice(0, base.lastIndexOf('/'))}/${name}`;
    }]);
  } else if (process.env.LG_REQUIRE_SERVERS === '1') {
    throw new Error('LG_REQUIRE_SERVERS=1 but LG_TEST_POSTGRES_URL is not set');
  }
  return out;
}

async function fill(ledger) {
  await ledger.recordSplit('tx-1', 1767225600, '12.00', 'GBP', [{ id: 'amara', weight: '1' }]);
  await ledger.recordSplit('tx-2', 1767229200, 3000n, 'GBP', [{ id: 'amara', weight: '2' }, { id: 'kofi', weight: '1' }], { fee: '0.75' });
  await ledger.recordRefund('rf-1', 1767232800, 'tx-2', '10.00');
}

for (const [name, fresh] of backends()) {
  test(`${name}: a durable ledger survives reopening and reports like its lines`, async () => {
    const expected = lg.Ledger.fromJsonl(LINES.map((l) => JSON.stringify(l)).join('\n')).report('day');
    const url = fresh();
    const ledger = await lg.DurableLedger.open(url);
    assert.equal(ledger.storeBackend, name);
    await fill(ledger);
    assert.deepEqual((await ledger.snapshot()).report('day'), expected);
    const again = (await lg.DurableLedger.open(url)).snapshot();
    assert.equal((await again).length, 3);
    assert.deepEqual((await again).report('day'), expected);
    assert.equal(new lg.Ledger().storeBackend, null);
    assert.throws(() => new lg.Ledger({ store: url }), (e) => e instanceof TypeError && /DurableLedger\.open/.test(e.message));
  });

  test(`${name}: a refused record is neither stored nor recorded`, async () => {
    const url = fresh();
    const ledger = await lg.DurableLedger.open(url);
    await fill(ledger);
    await assert.rejects(ledger.recordSplit('tx-3', 1767300000, '10.00', 'GBP', [{ id: 'a', weight: '1' }], { creatorShare: '0.7' }),
      (e) => e instanceof lg.SplitError && e.code === 'sovereignty_violation');
    await assert.rejects(ledger.recordRefund('rf-2', 1767300000, 'tx-1', '12.01'),
      (e) => e instanceof lg.SplitError && e.code === 'refund_exceeds_balance');
    // Calls made without awaiting run in call order: the payout sees the split before it.
    const queued = [ledger.recordSplit('tx-4', 1767300001, '8.00', 'GBP', [{ id: 'amara', weight: '1' }]), ledger.recordPayout('po-1', 1767300002, 'tx-4', 'amara', 600n)];
    await Promise.all(queued);
    assert.equal((await ledger.snapshot()).length, 5);
    assert.equal(await (await lg.Store.open(url)).verify(), 5);
  });

  test(`${name}: the store keeps records chained, once per id, and state`, async () => {
    const store = await lg.Store.open(fresh());
    assert.equal(store.backend, name);
    const a = await store.append('flags', 'change-1', { flag: 'new_event_cards', enabled: true });
    const b = await store.append('flags', 'change-2', '{"flag":"x"}');
    assert.deepEqual([a.seq, b.seq], [1, 2]);
    assert.deepEqual(JSON.parse(a.body), { flag: 'new_event_cards', enabled: true });
    assert.equal(a.checksum.length, 64);
    await assert.rejects(store.append('flags', 'change-1', {}), (e) => e instanceof lg.StoreError && e.code === 'duplicate_id');
    assert.deepEqual((await store.records('flags')).map((r) => r.id), ['change-1', 'change-2']);
    assert.deepEqual(await store.record('flags', 'change-2'), b);
    assert.equal(await store.record('flags', 'nope'), null);
    // Issue 16.9: a bigint has no JSON form: refused, not stored as a string.
    await assert.rejects(store.append('flags', 'change-big', { n: 10n ** 20n }), TypeError);
    assert.equal(await store.record('flags', 'change-big'), null);
    await store.putState('rollout', 'step 1');
    assert.equal(await store.state('rollout'), 'step 1');
    assert.equal(await store.state('other'), null);
    assert.equal(await store.verify(), 2);
  });
}

test('a store in memory, and the synchronous constructor refuses a URL', async () => {
  const store = new lg.Store();
  assert.equal(store.backend, 'memory');
  assert.equal((await store.append('s', 'a', {})).seq, 1);
  assert.throws(() => new lg.Store('sqlite:x.db'), (e) => e instanceof TypeError && /Store\.open/.test(e.message));
});

test('a bad URL or an unreachable database is a StoreError', async () => {
  for (const bad of ['', 'ledger.db', 'mysql://x/y', 'sqlite:']) {
    await assert.rejects(lg.Store.open(bad), (e) => e instanceof lg.StoreError && e.code === 'invalid_url', bad);
    await assert.rejects(lg.DurableLedger.open(bad), (e) => e instanceof lg.StoreError, bad);
  }
  await assert.rejects(lg.Store.open('postgres://lg@127.0.0.1:1/nothing'), (e) => e instanceof lg.StoreError && e.code === 'unavailable');
});

const postgres = process.env.LG_TEST_POSTGRES_URL;
test('timers keep running while a slow PostgreSQL append is in flight', { skip: !postgres && 'LG_TEST_POSTGRES_URL is not set' }, async () => {
  const url = backends().find(([name]) => name === 'postgres')[1]();
  const store = await lg.Store.open(url);
  await store.append('s', 'first', {});
  // Another session holds the records table locked for 2 s: the next append waits for it.
  const locker = spawn('psql', [url, '-q', '-c', 'BEGIN; LOCK TABLE lg_records IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(2); COMMIT;'], { stdio: 'ignore' });
  const unlocked = new Promise((resolve) => locker.on('exit', resolve));
  await new Promise((r) => setTimeout(r, 300)); // the lock is taken
  let ticks = 0;
  const timer = setInterval(() => ticks++, 20);
  const started = performance.now();
  const appended = await store.append('s', 'second', {});
  const waited = performance.now() - started;
  clearInterval(timer);
  await unlocked;
  assert.equal(appended.seq, 2);
  assert.ok(waited > 1000, `the append waited for the lock (${waited.toFixed(0)} ms)`);
  // A blocked event loop would have run the timer at most once after the append returned.
  assert.ok(ticks >= waited / 20 / 4, `${ticks} timer ticks in ${waited.toFixed(0)} ms`);
});
