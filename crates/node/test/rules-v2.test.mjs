// Rules v2 through the Node API: consultations wait for the community, gentle rollbacks ramp,
// payouts are audited against the split, and health follows the L1–L5 hierarchy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as lg from '../lib.mjs';

const PLAN = [{ weight: 10, bake_seconds: 600 }, { weight: 50, bake_seconds: 600 }, { weight: 100, bake_seconds: 0 }];
const state = (status, step, weight) => ({ status, step, weight });

test('a consultation waits for the community, and its answer restarts the bake', () => {
  const r = new lg.Rollout(new lg.RolloutPlan(PLAN), 0);
  assert.deepEqual(r.observe(100, 'consult'), state('consulting', 0, 10));
  assert.deepEqual(r.observe(700, 'proceed'), state('consulting', 0, 10));
  assert.deepEqual(r.consulted(900, 'proceed'), state('progressing', 0, 10));
  assert.deepEqual(r.tick(1499), state('progressing', 0, 10));
  assert.deepEqual(r.tick(1500), state('progressing', 1, 50));
});

test('a gentle rollback steps down one plan step per gentleStepSeconds', () => {
  const plan = new lg.RolloutPlan(PLAN, 60);
  assert.equal(plan.gentleStepSeconds, 60);
  const r = new lg.Rollout(plan, 0);
  r.tick(600);
  assert.deepEqual(r.observe(700, 'gentle_rollback'), state('ramping_down', 1, 50));
  assert.deepEqual(r.tick(830), state('rolled_back', 0, 0));
  assert.deepEqual(r.rampSteps, [
    { t: 760, status: 'ramping_down', step: 0, weight: 10 },
    { t: 820, status: 'rolled_back', step: 0, weight: 0 },
  ]);
});

test('an audit names each shortfall; bigint amounts are minor units', () => {
  const creators = [{ id: 'alice', weight: '1' }, { id: 'bob', weight: '1' }];
  const a = lg.audit('100.00', 'GBP', creators, [{ id: 'alice', amount: '37.50' }, { id: 'bob', amount: 3675n }]);
  assert.deepEqual(a.shortfalls, [{ id: 'bob', amount: '0.75' }]);
  assert.equal(a.paidTotal, '74.25');
  assert.equal(a.shortfallTotal, '0.75');
  assert.equal(a.floorHeld, false);
  assert.equal(a.exact, false);
  assert.equal(a.creatorSharePaid, '0.7425');
  assert.equal(lg.audit('0', 'GBP', creators, []).creatorSharePaid, null);
});

test('a ledger with payouts reports owed, paid and shortfall, and the metric reads money paid', () => {
  const ledger = new lg.Ledger();
  ledger.recordSplit('tx1', 0, '100.00', 'GBP', [{ id: 'alice', weight: '1' }, { id: 'bob', weight: '1' }]);
  assert.equal(ledger.creatorShare(10, 60, 'GBP'), 0.75);
  ledger.recordPayout('p1', 5, 'tx1', 'alice', '37.50');
  ledger.recordPayout('p2', 6, 'tx1', 'bob', 3000n);
  const paid = ledger.report().rows[0].paid;
  assert.equal(paid.shortfallTotal, '7.50');
  assert.deepEqual(paid.creators.bob, { owed: '37.50', paid: '30.00', shortfall: '7.50' });
  assert.equal(ledger.creatorShare(10, 60, 'GBP'), 0.675);
  assert.throws(() => ledger.recordPayout('p3', 7, 'tx1', 'carol', '1.00'), (e) => e instanceof lg.SplitError && e.code === 'unknown_creator');
});

test('custom health models', () => {
  const model = new lg.HealthModel([{ name: 'db', level: 1 }, { name: 'search', level: 3, critical: false }, { name: 'care', level: 5 }]);
  const r = model.evaluate({ db: 'up', search: 'down', care: null });
  assert.deepEqual(r.levels.map((l) => l.status), ['up', 'up', 'degraded', 'up', 'unknown']);
  assert.deepEqual([r.overall, r.action, r.failing], ['unknown', 'hold', ['care']]);
  assert.throws(() => model.evaluate({ zeta: 'up', alpha: 'broken' }), (e) => e instanceof lg.HealthError && e.code === 'unknown_check' && e.message.includes('alpha'));
});
