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
  const forged = { subject: 'redeploy:events', action: 'redeploy', status: 'passed' };
  assert.throws(() => guard.start('events', null, 100, forged), (e) => e instanceof lg.RolloutError && e.code === 'unverified_decision');
  assert.deepEqual(guard.blockedBy('events'), ['community_protection']);
  const vote = new lg.Proposal(['ana', 'ben'], '0.5', '0.5', 10, 50);
  vote.cast(20, 'ben', 'yes');
  const rollout = guard.start('events', null, 100, vote.terms('redeploy:events', 'redeploy'));
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
  assert.equal(ledger.sovereigntySummary('GBP').floorHeld, true);
  assert.equal(ledger.sovereigntySummary('EUR'), null);
});

test('a burn rate fires when both windows burn; a bad rule is invalid_config', () => {
  const rule = { objective: 0.999, long_window_seconds: 3600, short_window_seconds: 300, burn_rate: 14.4 };
  const br = new lg.BurnRate(rule);
  assert.equal(br.push(60, 1000, 5), false);
  assert.equal(br.push(120, 1000, 100), true);
  assert.equal(br.firing, true);
  assert.throws(() => new lg.BurnRate({ ...rule, objective: 1.5 }), (e) => e instanceof lg.WindowError && e.code === 'invalid_config');
  assert.throws(() => new lg.BurnRate({ ...rule, objective: NaN }), (e) => e.code === 'invalid_config');
});

test('a policy test file runs and reports mismatches', () => {
  const text = readFileSync(new URL('examples/policy-tests/error-spike.yaml', root), 'utf8');
  const outcome = lg.runPolicyTest(text, 'yaml');
  assert.ok(outcome.checked > 0);
  assert.deepEqual(outcome.mismatches, []);
  assert.ok(lg.runPolicyTest(text.replace('action: alert', 'action: proceed'), 'yaml').mismatches.length > 0);
});

test('a window rate reads back its rate', () => {
  const w = new lg.WindowRate(60, 10);
  w.push(0, 100, 5);
  assert.equal(w.rate, 0.05);
});

test("a breaker registry from a policy file's breakers section", () => {
  const policy = lg.Policy.fromPath(new URL('examples/policies/service.yaml', root).pathname);
  const registry = new lg.BreakerRegistry(policy);
  assert.deepEqual(registry.names, policy.breakerNames);
  const name = registry.names[0];
  const b = registry.get(name);
  assert.equal(registry.get(name), b);
  assert.equal(b.name, name);
  assert.equal(b.state, 'closed');
  assert.throws(() => registry.get('no-such-breaker'), (e) => e instanceof lg.BreakerError && e.code === 'unknown_breaker');
});

test('a fallback cache refuses capacity 0 or 1.5 instead of correcting it', () => {
  for (const [c, ttl] of [[0, 60], [1.5, 60], [2, -1]]) {
    assert.throws(() => new lg.FallbackCache(c, ttl), (e) => e instanceof lg.BreakerError && e.code === 'invalid_config');
  }
});

// One key casing: every object the package returns spells its fields in camelCase, like the
// WASM package (crates/wasm/test/surface.test.mjs asserts the same of the same calls). The
// inputs here name nobody and nothing with an underscore, so any `_` in a key is a field.
test('every result object has camelCase keys, and config objects go back in as they came out', () => {
  const snake = (v, path = '$') => {
    if (Array.isArray(v)) return v.flatMap((x, i) => snake(x, `${path}[${i}]`));
    if (v === null || typeof v !== 'object') return [];
    return Object.entries(v).flatMap(([k, x]) => [...(k.includes('_') ? [`${path}.${k}`] : []), ...snake(x, `${path}.${k}`)]);
  };
  const ledger = lg.Ledger.fromJsonl(readFileSync(new URL('examples/ledger.jsonl', root), 'utf8'));
  const policy = lg.Policy.fromPath(new URL('examples/policies/service.yaml', root).pathname);
  const results = {
    split: lg.split('30.00', 'GBP', [{ id: 'amara', weight: '2' }, { id: 'kofi', weight: '1' }], { fee: '0.75' }),
    audit: lg.audit('30.00', 'GBP', [{ id: 'amara', weight: '1' }], [{ id: 'amara', amount: '20.00' }]),
    report: ledger.report('all'),
    summary: ledger.sovereigntySummary('GBP'),
    simulation: lg.simulate(readFileSync(new URL('examples/clean-rollout.jsonl', root), 'utf8')),
    health: new lg.HealthModel([{ name: 'db', level: 1 }]).evaluate({ db: 'up' }),
    breaker: new lg.CircuitBreaker({ minimumCalls: 2 }).stats,
    breakerConfig: policy.breakerConfig(policy.breakerNames[0]),
    plan: new lg.RolloutPlan([{ weight: 50, bakeSeconds: 60 }, { weight: 100, bakeSeconds: 0 }]).steps,
  };
  assert.deepEqual(snake(results), []);
  assert.equal(results.report.floorHeld, true);
  assert.equal(results.audit.shortfallTotal, '2.50');
  assert.equal(results.plan[0].bakeSeconds, 60);
  // What comes out goes back in: a policy's breaker config builds a breaker.
  const b = new lg.CircuitBreaker({ ...results.breakerConfig, minimumCalls: 3 });
  assert.equal(b.state, 'closed');
});

test('a threshold keeps firing for its keepFiringForSeconds; a misspelt option is refused', () => {
  const th = new lg.Threshold('>', 1, 10, { keepFiringForSeconds: 30 });
  assert.deepEqual([th.observe(0, 2), th.observe(10, 2), th.observe(20, 0), th.observe(41, 0), th.observe(51, 0)], ['pending', 'firing', 'firing', 'firing', 'inactive']);
  assert.equal(new lg.Threshold('>', 1, 10, null).observe(0, 2), 'pending');
  assert.throws(() => new lg.Threshold('>', 1, 10, { keepFiringFor: 30 }), TypeError);
  assert.throws(() => new lg.Threshold('>', 1, 10, { keepFiringForSeconds: -1 }), (e) => e.code === 'invalid_rule');
});
