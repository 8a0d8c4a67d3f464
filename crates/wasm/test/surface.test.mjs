// Capabilities every language offers (issue 17), through the WASM API: blue-green, the
// redeploy guard, participation, ledger writes, refunds, CSV, the built-in flags and their
// log, fallback caches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const lg = createRequire(import.meta.url)('../pkg-node/liberation_gates_wasm.js');
const C = [{ id: 'amara', weight: '2' }, { id: 'kofi', weight: '1' }];

test('blue-green and the redeploy guard', () => {
  const bg = new lg.BlueGreen(600);
  assert.equal(bg.preGate(10, true), 'promoted');
  assert.equal(bg.postGate(100, false), 'switched_back');
  const policy = lg.Policy.builtin();
  const [metrics, checks] = policy.inputs();
  const m = Object.fromEntries(metrics.map((k) => [k, 0]));
  m.creator_share = 0.8;
  const c = Object.fromEntries(checks.map((k) => [k, true]));
  c.community_protection = false;
  const d = policy.evaluator().observe(0, m, c);
  assert.equal(d.action, 'rollback');
  assert.deepEqual(policy.liberationCause(d), ['community_protection']);
  const guard = new lg.RedeployGuard();
  guard.record(policy, 'events', d);
  assert.throws(() => guard.start('events', undefined, 100, undefined), (e) => e.code === 'redeploy_needs_approval');
  const forged = { subject: 'redeploy:events', action: 'redeploy', status: 'passed' };
  assert.throws(() => guard.start('events', undefined, 100, forged), (e) => e.family === 'rollout' && e.code === 'unverified_decision');
  const vote = new lg.Proposal(['ana', 'ben'], '0.5', '0.5', 10, 50);
  vote.cast(20, 'ben', 'yes');
  const r = guard.start('events', undefined, 100, vote.terms('redeploy:events', 'redeploy'));
  assert.equal(r.state.status, 'progressing');
});

test('participation refuses a rate outside 0..1', () => {
  const p = new lg.Participation(3);
  for (const x of [0.6, 0.5, 0.7, 0.24]) p.record(x);
  assert.ok(Math.abs(p.drop - 0.6) < 1e-12);
  assert.throws(() => p.record(-1), (e) => e.code === 'invalid_participation');
});

test('a ledger written in the browser: splits, refunds, payouts, CSV, creator share', () => {
  const l = new lg.Ledger();
  const s = l.recordSplit('tx-1', 100, '30.00', 'GBP', C, undefined);
  assert.equal(s.creatorTotal, '22.50');
  l.recordRefund('rf-1', 200, 'tx-1', 300n); // bigint = minor units of the split's currency
  assert.throws(() => l.recordRefund('rf-2', 300, 'tx-1', '100.00'), (e) => e.code === 'refund_exceeds_balance');
  l.recordPayout('po-1', 400, 'tx-1', 'amara', '13.50');
  assert.equal(l.length, 3);
  assert.match(l.reportCsv('all'), /GBP/);
  assert.equal(typeof l.creatorShare(500, 3600, 'GBP'), 'number');
});

test('refunds from a split result', () => {
  const r = new lg.Refundable(lg.split('30.00', 'GBP', C, undefined));
  const out = r.refund('3.00');
  assert.deepEqual(out.creators.map((p) => p.id), ['amara', 'kofi']);
  assert.equal(r.remaining, '27.00');
  assert.throws(() => r.refund(3), TypeError);
});

test('the built-in flags and their audit log; degradation', () => {
  const f = lg.FlagSet.builtin();
  assert.ok(Array.isArray(f.log));
  assert.equal(lg.degradation(300, 100), 2);
});

test('a fallback cache keeps creator attribution', () => {
  const cache = new lg.FallbackCache(2, 60);
  cache.store('event-1', { title: 'Open mic' }, { creators: ['amara'], revenue: 'shared', note: '' }, 0);
  const got = cache.get('event-1', 30);
  assert.deepEqual(got.value, { title: 'Open mic' });
  assert.deepEqual(got.attribution.creators, ['amara']);
  assert.equal(cache.get('event-1', 61), undefined);
});

test('burn rates and policy tests (JSON in this build)', () => {
  const rule = { objective: 0.999, long_window_seconds: 3600, short_window_seconds: 300, burn_rate: 14.4 };
  const br = new lg.BurnRate(rule);
  br.push(60, 1000, 5);
  assert.equal(br.push(120, 1000, 100), true);
  assert.throws(() => new lg.BurnRate({ ...rule, colour: 'red' }), (e) => e.code === 'invalid_config');
  const test = { interval: 60, series: { http_error_rate: '0.002x3' }, series_defaults: { response_time_degradation: 0.1, creator_share: 0.8, governance_participation_drop: 0, capacity_utilization: 0.5 }, checks_default: true, expect: [{ at: 120, action: 'proceed' }] };
  assert.deepEqual(lg.runPolicyTest(JSON.stringify(test), 'json', undefined).mismatches, []);
  const w = new lg.WindowRate(60, 10);
  w.push(0, 100, 5);
  assert.equal(w.rate, 0.05);
});

test('a proposal voted in the browser makes a decision the flags accept', () => {
  const p = new lg.Proposal(['amara', 'kofi'], '0.5', '0.5', 0, 100);
  p.cast(1, 'amara', 'yes');
  assert.throws(() => p.cast(2, 'mallory', 'yes'), (e) => e.code === 'not_a_member');
  assert.deepEqual(p.tally(100), { yes: 1, no: 0, abstain: 0 });
  assert.equal(p.status(100), 'passed');
  const d = p.decision('flag:democratic_governance', 'enable', 100);
  assert.equal(d.status, 'passed');
  const flags = lg.FlagSet.builtin();
  assert.throws(() => flags.apply('democratic_governance', 'enable', undefined, { decision: d, t: 100 }), (e) => e.family === 'flags' && e.code === 'unverified_decision');
  const terms = p.terms('flag:democratic_governance', 'enable');
  assert.throws(() => flags.apply('democratic_governance', 'enable', undefined, { decision: terms, t: 50 }), (e) => e.code === 'decision_not_passed');
  assert.equal(flags.apply('democratic_governance', 'enable', undefined, { decision: terms, t: 100 }).enabled, true);
  assert.equal(flags.log.at(-1).decision.closedAt, 100);
});

test('a fallback cache refuses capacity 0 instead of correcting it', () => {
  assert.throws(() => new lg.FallbackCache(0, 60), (e) => e.code === 'invalid_config');
});

// One key casing: the same calls as the Node package's test of the same name, the same
// camelCase keys. The inputs name nobody and nothing with an underscore, so any `_` in a key
// is a field.
test('every result object has camelCase keys, and config objects go back in as they came out', () => {
  const { readFileSync } = createRequire(import.meta.url)('node:fs');
  const root = new URL('../../../', import.meta.url);
  const snake = (v, path = '$') => {
    if (Array.isArray(v)) return v.flatMap((x, i) => snake(x, `${path}[${i}]`));
    if (v === null || typeof v !== 'object') return [];
    return Object.entries(v).flatMap(([k, x]) => [...(k.includes('_') ? [`${path}.${k}`] : []), ...snake(x, `${path}.${k}`)]);
  };
  const ledger = lg.Ledger.fromJsonl(readFileSync(new URL('examples/ledger.jsonl', root), 'utf8'));
  const results = {
    split: lg.split('30.00', 'GBP', C, { fee: '0.75' }),
    audit: lg.audit('30.00', 'GBP', [{ id: 'amara', weight: '1' }], [{ id: 'amara', amount: '20.00' }]),
    report: ledger.report('all'),
    summary: ledger.sovereigntySummary('GBP'),
    simulation: lg.simulate(readFileSync(new URL('examples/clean-rollout.jsonl', root), 'utf8')),
    health: new lg.HealthModel([{ name: 'db', level: 1 }]).evaluate({ db: 'up' }),
    phase: lg.DeploymentPlan.builtin().evaluate('infrastructure', {}, {}),
  };
  assert.deepEqual(snake(results), []);
  assert.equal(results.report.floorHeld, true);
  assert.equal(results.audit.shortfallTotal, '2.50');
  assert.equal(typeof results.phase.liberationFailed, 'boolean');
  // Config objects in camelCase, as the declarations spell them.
  const m = new lg.BreakerMachine({ window: { type: 'count', size: 2 }, minimumCalls: 2, failureRateThreshold: 0.5 });
  m.apply(0, 'acquire'); m.apply(0, 'record', 'failure');
  m.apply(1, 'acquire'); m.apply(1, 'record', 'failure');
  assert.equal(m.state, 'open');
  assert.throws(() => new lg.BurnRate({ objective: 0.999, longWindowSeconds: 3600, shortWindowSeconds: 300, burnRate: 14.4, minRequest: 1 }), (e) => e.code === 'invalid_config' && /minRequest/.test(e.message));
});

test('a threshold keeps firing for its keepFiringForSeconds; a misspelt option is refused', () => {
  const th = new lg.Threshold('>', 1, 10, { keepFiringForSeconds: 30 });
  assert.deepEqual([th.observe(0, 2), th.observe(10, 2), th.observe(20, 0), th.observe(41, 0), th.observe(51, 0)], ['pending', 'firing', 'firing', 'firing', 'inactive']);
  assert.equal(new lg.Threshold('>', 1, 10, undefined).observe(0, 2), 'pending');
  assert.throws(() => new lg.Threshold('>', 1, 10, { keepFiringFor: 30 }), TypeError);
  assert.throws(() => new lg.Threshold('>', 1, 10, { keepFiringForSeconds: -1 }), (e) => e.code === 'invalid_rule');
});

test('the JSON Schemas are the ones the packages ship, keys as they are (issue 20)', async () => {
  const { readFileSync } = await import('node:fs');
  for (const [kind, file] of [['policy', 'policy.schema.json'], ['plan', 'plan.schema.json'], ['rollout_plan', 'rollout-plan.schema.json']]) {
    const shipped = JSON.parse(readFileSync(new URL(`../../../schemas/${file}`, import.meta.url), 'utf8'));
    assert.deepEqual(lg.jsonSchema(kind), shipped, kind);
  }
  // Field names are data here: a camelCase conversion would rename gentle_step_seconds.
  assert.ok('gentle_step_seconds' in lg.jsonSchema('rollout_plan').properties);
  assert.throws(() => lg.jsonSchema('nope'), (e) => e.code === 'invalid_policy');
});

test('a flag resolves as OpenFeature asks, by the core rules Node and Python use (issue 20)', () => {
  const flags = new lg.FlagSet([{ key: 'feed', kind: 'community', enabled: true, intensity: 0.6, rolloutPercent: 30 }]);
  const r = flags.resolve('feed', 'boolean', 'user-7');
  assert.deepEqual([r.value, r.reason, r.metadata.kind], [lg.bucket('user-7', 'feed') <= 30, 'SPLIT', 'community']);
  assert.equal(flags.resolve('feed', 'boolean').error, 'TARGETING_KEY_MISSING');
  assert.deepEqual([flags.resolve('feed', 'number').value, flags.resolve('feed', 'number').reason], [0.6, 'STATIC']);
  assert.equal(flags.resolve('nope', 'boolean').error, 'FLAG_NOT_FOUND');
  assert.equal(flags.resolve('feed', 'string').error, 'TYPE_MISMATCH');
});
