// Capabilities every language offers (issue 17): blue-green deployments, the redeploy guard,
// governance participation and the ledger's sovereignty summary, through the Node API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const lg = createRequire(import.meta.url)('../lib.cjs');
const root = new URL('../../../', import.meta.url);

test('blue-green switches back when the post-promotion gate fails, completes after the watch', () => {
  const bg = new lg.BlueGreen(600);
  assert.equal(bg.status, 'staged');
  assert.equal(bg.preGate(10, true), 'promoted');
  assert.equal(bg.postGate(100, false), 'switched_back');
  const ok = new lg.BlueGreen(600);
  ok.preGate(10, true);
  assert.equal(ok.postGate(300, true), 'promoted');
  assert.equal(ok.postGate(700, true), 'completed');
});

test('a liberation rollback needs the community to redeploy', () => {
  const policy = lg.Policy.builtin();
  const [metrics, checks] = policy.inputs();
  const m = Object.fromEntries(metrics.map((k) => [k, 0]));
  m.creator_share = 0.8;
  const c = Object.fromEntries(checks.map((k) => [k, true]));
  c.community_protection = false;
  const d = policy.evaluator().observe(0, m, c);
  assert.equal(d.action, 'rollback');
  const guard = new lg.RedeployGuard();
  guard.record(policy, 'events', d);
  assert.deepEqual(guard.blockedBy('events'), ['community_protection']);
  assert.throws(() => guard.start('events', null, 100), (e) => e.code === 'redeploy_needs_approval');
  const rollout = guard.start('events', null, 100, { subject: 'redeploy:events', action: 'redeploy', status: 'passed' });
  assert.equal(rollout.state.status, 'progressing');
  assert.equal(guard.blockedBy('events'), null);
});

test('participation: the drop, and bad rates refused', () => {
  const p = new lg.Participation(3);
  assert.equal(p.drop, null);
  for (const r of [0.6, 0.5, 0.7, 0.24]) p.record(r);
  assert.ok(Math.abs(p.drop - 0.6) < 1e-12);
  assert.throws(() => p.record(1.5), (e) => e instanceof lg.GovernanceError && e.code === 'invalid_participation');
  assert.throws(() => p.record(NaN), (e) => e.code === 'invalid_participation');
  assert.throws(() => new lg.Participation(0), (e) => e.code === 'invalid_participation');
});

test("a ledger's sovereignty summary and currencies", () => {
  const ledger = lg.Ledger.fromJsonl(readFileSync(new URL('examples/ledger.jsonl', root), 'utf8'));
  assert.deepEqual(ledger.currencies, ['GBP', 'JPY']);
  assert.equal(ledger.sovereigntySummary('GBP').floor_held, true);
  assert.equal(ledger.sovereigntySummary('EUR'), null);
});
