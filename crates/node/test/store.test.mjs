// Durable stores from Node: a ledger kept in SQLite or PostgreSQL, and the store itself.
// PostgreSQL runs when LG_TEST_POSTGRES_URL is set (scripts/test starts a server and sets
// LG_REQUIRE_SERVERS=1, which turns a missing server into a failure instead of a skip).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
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

function fill(ledger) {
  ledger.recordSplit('tx-1', 1767225600, '12.00', 'GBP', [{ id: 'amara', weight: '1' }]);
  ledger.recordSplit('tx-2', 1767229200, 3000n, 'GBP', [{ id: 'amara', weight: '2' }, { id: 'kofi', weight: '1' }], { fee: '0.75' });
  ledger.recordRefund('rf-1', 1767232800, 'tx-2', '10.00');
}

for (const [name, fresh] of backends()) {
  test(`${name}: a durable ledger survives reopening and reports like its lines`, () => {
    const expected = lg.Ledger.fromJsonl(LINES.map((l) => JSON.stringify(l)).join('\n')).report('day');
    const url = fresh();
    const ledger = new lg.Ledger({ store: url });
    assert.equal(ledger.storeBackend, name);
    fill(ledger);
    assert.deepEqual(ledger.report('day'), expected);
    const again = new lg.Ledger({ store: url });
    assert.equal(again.length, 3);
    assert.deepEqual(again.report('day'), expected);
    assert.equal(new lg.Ledger().storeBackend, null);
  });

  test(`${name}: a refused record is neither stored nor recorded`, () => {
    const url = fresh();
    const ledger = new lg.Ledger({ store: url });
    fill(ledger);
    assert.throws(() => ledger.recordSplit('tx-3', 1767300000, '10.00', 'GBP', [{ id: 'a', weight: '1' }], { creatorShare: '0.7' }),
      (e) => e instanceof lg.SplitError && e.code === 'sovereignty_violation');
    assert.throws(() => ledger.recordRefund('rf-2', 1767300000, 'tx-1', '12.01'),
      (e) => e instanceof lg.SplitError && e.code === 'refund_exceeds_balance');
    assert.equal(ledger.length, 3);
    assert.equal(new lg.Store(url).verify(), 3);
  });

  test(`${name}: the store keeps records chained, once per id, and state`, () => {
    const store = new lg.Store(fresh());
    assert.equal(store.backend, name);
    const a = store.append('flags', 'change-1', { flag: 'new_event_cards', enabled: true });
    const b = store.append('flags', 'change-2', '{"flag":"x"}');
    assert.deepEqual([a.seq, b.seq], [1, 2]);
    assert.deepEqual(JSON.parse(a.body), { flag: 'new_event_cards', enabled: true });
    assert.equal(a.checksum.length, 64);
    assert.throws(() => store.append('flags', 'change-1', {}), (e) => e instanceof lg.StoreError && e.code === 'duplicate_id');
    assert.deepEqual(store.records('flags').map((r) => r.id), ['change-1', 'change-2']);
    assert.deepEqual(store.record('flags', 'change-2'), b);
    assert.equal(store.record('flags', 'nope'), null);
    // Issue 16.9: a bigint has no JSON form: refused, not stored as a string.
    assert.throws(() => store.append('flags', 'change-big', { n: 10n ** 20n }), TypeError);
    assert.equal(store.record('flags', 'change-big'), null);
    store.putState('rollout', 'step 1');
    assert.equal(store.state('rollout'), 'step 1');
    assert.equal(store.state('other'), null);
    assert.equal(store.verify(), 2);
  });
}

test('a bad URL or an unreachable database is a StoreError', () => {
  for (const bad of ['', 'ledger.db', 'mysql://x/y', 'sqlite:']) {
    assert.throws(() => new lg.Store(bad), (e) => e instanceof lg.StoreError && e.code === 'invalid_url', bad);
    assert.throws(() => new lg.Ledger({ store: bad }), (e) => e instanceof lg.StoreError, bad);
  }
  assert.throws(() => new lg.Store('postgres://lg@127.0.0.1:1/nothing'), (e) => e instanceof lg.StoreError && e.code === 'unavailable');
});
