// The bad-input matrix for Node: wrong types, NaN and infinities, empty and huge strings,
// negative and enormous amounts, duplicate ids, unknown currencies, out-of-order times and
// invalid policy files each get the documented error; nothing crashes the process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as lg from '../lib.mjs';

const C = [{ id: 'a', weight: '1' }];
const twice = (make, first, second) => () => {
  const o = make();
  first(o);
  return second(o);
};

export const MATRIX = [
  ['number gross', () => lg.split(1.5, 'GBP', C), TypeError],
  ['null gross', () => lg.split(null, 'GBP', C), TypeError],
  ['number fee', () => lg.split('1.00', 'GBP', C, { fee: 0.1 }), TypeError],
  ['creators not an array', () => lg.split('1.00', 'GBP', 'ab'), TypeError],
  ['creator without weight', () => lg.split('1.00', 'GBP', [{ id: 'a' }]), TypeError],
  ['empty gross', () => lg.split('', 'GBP', C), 'invalid_amount'],
  ['NaN gross', () => lg.split('NaN', 'GBP', C), 'invalid_amount'],
  ['exponent gross', () => lg.split('1e3', 'GBP', C), 'invalid_amount'],
  ['huge string gross', () => lg.split('9'.repeat(100_000), 'GBP', C), 'invalid_amount'],
  ['negative gross', () => lg.split('-0.01', 'GBP', C), 'invalid_amount'],
  ['negative bigint gross', () => lg.split(-1n, 'GBP', C), 'invalid_amount'],
  ['enormous bigint gross', () => lg.split(10n ** 40n, 'GBP', C), 'invalid_amount'],
  ['unknown currency', () => lg.split('1', 'ABC', C), 'unknown_currency'],
  ['lowercase currency', () => lg.split('1', 'gbp', C), 'unknown_currency'],
  ['no creators', () => lg.split('1', 'GBP', []), 'no_creators'],
  ['duplicate creator', () => lg.split('1', 'GBP', [{ id: 'a', weight: '1' }, { id: 'a', weight: '2' }]), 'duplicate_creator'],
  ['zero weight', () => lg.split('1', 'GBP', [{ id: 'a', weight: 0 }]), 'invalid_weight'],
  ['NaN weight', () => lg.split('1', 'GBP', [{ id: 'a', weight: NaN }]), 'invalid_weight'],
  ['Infinity weight', () => lg.split('1', 'GBP', [{ id: 'a', weight: Infinity }]), 'invalid_weight'],
  ['share below the floor', () => lg.split('1', 'GBP', C, { creatorShare: '0.7' }), 'sovereignty_violation'],
  ['share not a number', () => lg.split('1', 'GBP', C, { creatorShare: 'most' }), 'invalid_share'],
  ['unknown fee mode', () => lg.split('1', 'GBP', C, { fee: '0.01', feeMode: 'after' }), 'invalid_fee_mode'],
  ['bad ledger line', () => lg.Ledger.fromJsonl('{not json'), 'invalid_record'],
  ['unknown op', () => new lg.Threshold('==', 1, 0), 'invalid_rule'],
  ['NaN threshold', () => new lg.Threshold('>', NaN, 0), 'invalid_rule'],
  ['NaN sample', () => new lg.Threshold('>', 1, 0).observe(0, NaN), 'invalid_sample'],
  ['infinite time', () => new lg.Threshold('>', 1, 0).observe(Infinity, 1), 'invalid_sample'],
  ['sample out of order', twice(() => new lg.Threshold('>', 1, 0), (t) => t.observe(10, 1), (t) => t.observe(5, 1)), 'out_of_order'],
  ['zero window', () => new lg.WindowRate(0), 'invalid_config'],
  ['negative requests', () => new lg.WindowRate(60).push(0, -1, 0), 'invalid_sample'],
  ['fractional requests', () => new lg.WindowRate(60).push(0, 2.5, 0), 'invalid_sample'],
  ['enormous bigint requests', () => new lg.WindowRate(60).push(0, 10n ** 40n, 0), 'invalid_sample'],
  ['string count', () => new lg.WindowRate(60).push(0, '1', 0), TypeError],
  ['unknown window', () => new lg.BreakerMachine({ window: { type: 'weird' } }), 'invalid_config'],
  ['fractional minimum_calls', () => new lg.BreakerMachine({ minimum_calls: 1.5 }), 'invalid_config'],
  // issue 17: a NaN was a bare TypeError ("Failed to convert js number to serde_json::Number")
  ['NaN threshold in a config', () => new lg.BreakerMachine({ failure_rate_threshold: NaN }), 'invalid_config'],
  ['unknown config key', () => new lg.BreakerMachine({ colour: 'red' }), 'invalid_config'],
  ['unknown operation', () => new lg.BreakerMachine().apply(0, 'explode'), 'invalid_op'],
  ['operation out of order', twice(() => new lg.BreakerMachine(), (m) => m.apply(10, 'acquire'), (m) => m.apply(5, 'acquire')), 'out_of_order'],
  ['breaker threshold above 1', () => new lg.CircuitBreaker({ failure_rate_threshold: 1.5 }), 'invalid_config'],
  ['empty electorate', () => new lg.Proposal([], '0.5', '0.5', 0, 1), 'empty_electorate'],
  ['quorum above 1', () => new lg.Proposal(['a'], '1.5', '0.5', 0, 1), 'invalid_quorum'],
  ['NaN period', () => new lg.Proposal(['a'], '0.5', '0.5', NaN, 1), 'invalid_period'],
  ['invalid choice', () => new lg.Proposal(['a'], '0.5', '0.5', 0, 10).cast(1, 'a', 'YES'), 'invalid_choice'],
  ['unknown decision status', () => lg.FlagSet.builtin().disable('creator_sovereignty_enforcement', { decision: { subject: 'x', action: 'disable', status: 'maybe' } }), 'invalid_status'],
  ['misspelt flag option', () => lg.FlagSet.builtin().disable('creator_sovereignty_enforcement', { decison: { subject: 'x', action: 'disable', status: 'passed' } }), TypeError],
  ['misspelt decision field', () => new lg.RedeployGuard().start('events', null, 0, { subject: 'redeploy:events', action: 'redeploy', satus: 'passed' }), 'invalid_proposal'],
  ['duplicate flag', () => new lg.FlagSet([{ key: 'x', kind: 'standard' }, { key: 'x', kind: 'standard' }]), 'invalid_flag'],
  ['unknown flag', () => lg.FlagSet.builtin().enable('nope'), 'unknown_flag'],
  ['NaN intensity', () => lg.FlagSet.builtin().setIntensity('cultural_celebration', NaN), 'invalid_intensity'],
  ['empty bucket id', () => lg.bucket('', 'g'), 'invalid_id'],
  ['zero modulus', () => lg.bucket('u', 'g', 0), 'invalid_modulus'],
  ['fractional modulus', () => lg.bucket('u', 'g', 2.5), 'invalid_modulus'],
  // issue 17: the same kind as in Python and WASM (it was a TypeError here, a ValueError there)
  ['negative seed', () => lg.bucket('u', 'g', 100, -1), 'invalid_seed'],
  ['seed above 32 bits', () => lg.bucket('u', 'g', 100, 2 ** 32), 'invalid_seed'],
  ['garbage policy', () => lg.Policy.parse('\u0000 not toml', 'toml'), 'invalid_policy'],
  ['huge policy text', () => lg.Policy.parse('x'.repeat(1_000_000), 'yaml'), 'invalid_policy'],
  ['missing policy file', () => lg.Policy.fromPath('/nonexistent/policy.toml'), 'invalid_policy'],
  ['observation out of order', twice(() => lg.Policy.builtin().evaluator(), (e) => e.observe(10, {}, {}), (e) => e.observe(10, {}, {})), 'out_of_order'],
  ['NaN metric', () => lg.Policy.builtin().evaluator().observe(0, { http_error_rate: NaN }, {}), 'invalid_observation'],
  ['plan not ending at 100', () => new lg.RolloutPlan([{ weight: 50, bake_seconds: 0 }]), 'invalid_plan'],
  ['unknown decision', () => new lg.Rollout().observe(0, 'panic'), 'invalid_event'],
  // issue 16.3/16.4: unknown options and fields are refused by name; numbers are not exact ratios
  ['snake_case split option', () => lg.split('1.00', 'GBP', C, { creator_share: '0.9' }), TypeError],
  ['unknown split option', () => lg.split('1.00', 'GBP', C, { feeMood: 'platform' }), TypeError],
  ['unknown creator field', () => lg.split('1.00', 'GBP', [{ id: 'a', weight: '1', share: '0.9' }]), TypeError],
  ['unknown option on recordSplit', () => new lg.Ledger().recordSplit('t', 0, '1.00', 'GBP', C, { creator_share: '0.9' }), TypeError],
  ['unknown ledger line field', () => lg.Ledger.fromJsonl('{"type":"split","id":"s","t":0,"gross":"1.00","currency":"GBP","creators":[{"id":"a","weight":"1"}],"creatorShare":"0.9"}'), 'invalid_record'],
  ['number creatorShare', () => lg.split('1.00', 'GBP', C, { creatorShare: 0.8 }), 'invalid_share'],
  ['number weight', () => lg.split('1.00', 'GBP', [{ id: 'a', weight: 0.5 }]), 'invalid_weight'],
  ['number quorum', () => new lg.Proposal(['a'], 0.5, '0.5', 0, 1), 'invalid_quorum'],
  // issue 16.6: repeated keys and empty policies
  ['repeated key in a json policy', () => lg.Policy.parse('{"name": "a", "name": "b", "rules": []}', 'json'), 'invalid_policy'],
  ['json [] policy', () => lg.Policy.parse('[]', 'json'), 'invalid_policy'],
  ['empty yaml policy', () => lg.Policy.parse('', 'yaml'), 'invalid_policy'],
  ['repeated check name', () => lg.Policy.builtin().evaluator().observeJsonl('{"t": 0, "checks": {"database": false, "database": true}}'), 'invalid_observation'],
  // rules v2: consultations and ramps
  ['negative gentleStepSeconds', () => new lg.RolloutPlan(null, -1), 'invalid_plan'],
  ['NaN gentleStepSeconds', () => new lg.RolloutPlan(null, NaN), 'invalid_plan'],
  ['unknown consultation outcome', () => new lg.Rollout().consulted(0, 'maybe'), 'invalid_event'],
  ['consulted without an outcome', () => new lg.Rollout().apply(0, 'consulted'), 'invalid_event'],
  ['tick before startedAt', () => new lg.Rollout(null, 10).tick(5), 'out_of_order'],
  // rules v2: payout audits
  ['audit: number paid amount', () => lg.audit('1.00', 'GBP', C, [{ id: 'a', amount: 0.75 }]), TypeError],
  ['audit: paid not an array', () => lg.audit('1.00', 'GBP', C, 'a'), TypeError],
  ['audit: paid too precise', () => lg.audit('1.00', 'GBP', C, [{ id: 'a', amount: '0.755' }]), 'invalid_amount'],
  ['audit: negative paid', () => lg.audit('1.00', 'GBP', C, [{ id: 'a', amount: -1n }]), 'invalid_amount'],
  ['audit: unknown creator', () => lg.audit('1.00', 'GBP', C, [{ id: 'b', amount: '0.75' }]), 'unknown_creator'],
  ['audit: duplicate payout', () => lg.audit('1.00', 'GBP', C, [{ id: 'a', amount: '0.50' }, { id: 'a', amount: '0.25' }]), 'duplicate_payout'],
  ['audit: the split error first', () => lg.audit('1.00', 'GBP', C, [{ id: 'b', amount: 'x' }], { creatorShare: '0.5' }), 'sovereignty_violation'],
  ['payout: number amount', () => new lg.Ledger().recordPayout('p', 0, 's', 'a', 1.5), TypeError],
  ['payout of an unknown split', () => new lg.Ledger().recordPayout('p', 0, 'nope', 'a', '1.00'), 'invalid_record'],
  // rules v2: health models
  ['health: level 0', () => new lg.HealthModel([{ name: 'db', level: 0 }]), 'invalid_check'],
  ['health: fractional level', () => new lg.HealthModel([{ name: 'db', level: 1.5 }]), 'invalid_check'],
  ['health: unknown field', () => new lg.HealthModel([{ name: 'db', level: 1, weight: 2 }]), 'invalid_check'],
  ['health: duplicate check', () => new lg.HealthModel([{ name: 'db', level: 1 }, { name: 'db', level: 2 }]), 'duplicate_check'],
  ['health: unknown check', () => lg.HealthModel.builtin().evaluate({ nope: 'up' }), 'unknown_check'],
  ['health: invalid status', () => lg.HealthModel.builtin().evaluate({ database: 'fine' }), 'invalid_status'],
  ['health: boolean status', () => lg.HealthModel.builtin().evaluate({ database: true }), 'invalid_status'],
  ['health: status not an object', () => lg.HealthModel.builtin().evaluate('database'), 'invalid_status'],
];

for (const [name, call, expected] of MATRIX) {
  test(`bad input: ${name}`, () => {
    assert.throws(call, (e) => {
      if (typeof expected === 'string') {
        assert.ok(e instanceof lg.LiberationGatesError, `${e?.constructor?.name}: ${e?.message}`);
        assert.equal(e.code, expected, e.message);
      } else {
        assert.ok(e instanceof expected, `${e?.constructor?.name}: ${e?.message}`);
      }
      return true;
    });
  });
}
