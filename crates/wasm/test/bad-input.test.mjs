// The bad-input matrix for the WASM package: each wrong input gets the documented error (a
// JS Error named LiberationGatesError with .code, or a TypeError); no panic reaches JS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lg, isError } from '../conformance.mjs';

const C = [{ id: 'a', weight: '1' }];
const MATRIX = [
  ['number gross', () => lg.split(1.5, 'GBP', C), TypeError],
  ['null gross', () => lg.split(null, 'GBP', C), TypeError],
  ['number fee', () => lg.split('1.00', 'GBP', C, { fee: 0.1 }), TypeError],
  ['creators not an array', () => lg.split('1.00', 'GBP', 'ab'), TypeError],
  ['empty gross', () => lg.split('', 'GBP', C), 'invalid_amount'],
  ['huge string gross', () => lg.split('9'.repeat(100_000), 'GBP', C), 'invalid_amount'],
  ['negative bigint gross', () => lg.split(-1n, 'GBP', C), 'invalid_amount'],
  ['enormous bigint gross', () => lg.split(10n ** 40n, 'GBP', C), 'invalid_amount'],
  ['unknown currency', () => lg.split('1', 'ABC', C), 'unknown_currency'],
  ['no creators', () => lg.split('1', 'GBP', []), 'no_creators'],
  ['duplicate creator', () => lg.split('1', 'GBP', [{ id: 'a', weight: '1' }, { id: 'a', weight: '2' }]), 'duplicate_creator'],
  ['NaN weight', () => lg.split('1', 'GBP', [{ id: 'a', weight: NaN }]), 'invalid_weight'],
  ['share below the floor', () => lg.split('1', 'GBP', C, { creatorShare: '0.7' }), 'sovereignty_violation'],
  ['bad ledger line', () => lg.Ledger.fromJsonl('{not json'), 'invalid_record'],
  ['unknown currency in summary', () => lg.Ledger.fromJsonl('').sovereigntySummary('ABC'), 'unknown_currency'],
  ['unknown op', () => new lg.Threshold('==', 1, 0), 'invalid_rule'],
  ['NaN sample', () => new lg.Threshold('>', 1, 0).observe(0, NaN), 'invalid_sample'],
  ['zero window', () => new lg.WindowRate(0), 'invalid_config'],
  ['fractional requests', () => new lg.WindowRate(60).push(0, 2.5, 0), 'invalid_sample'],
  ['unknown window', () => new lg.BreakerMachine({ window: { type: 'weird' } }), 'invalid_config'],
  ['unknown operation', () => new lg.BreakerMachine().apply(0, 'explode'), 'invalid_op'],
  ['empty electorate', () => lg.Proposal.read([], '0.5', '0.5', 0, 1, [], 0), 'empty_electorate'],
  ['votes not a list', () => lg.Proposal.read(['a'], '0.5', '0.5', 0, 1, 'x', 0), TypeError],
  ['duplicate flag', () => new lg.FlagSet([{ key: 'x', kind: 'standard' }, { key: 'x', kind: 'standard' }]), 'invalid_flag'],
  ['unknown flag', () => new lg.FlagSet([]).apply('nope', 'enable'), 'unknown_flag'],
  ['unknown decision status', () => new lg.FlagSet([{ key: 'x', kind: 'protected' }]).apply('x', 'disable', undefined, { decision: { subject: 'flag:x', action: 'disable', status: 'maybe' } }), 'invalid_status'],
  ['misspelt flag option', () => new lg.FlagSet([{ key: 'x', kind: 'protected' }]).apply('x', 'disable', undefined, { decison: { subject: 'flag:x', action: 'disable', status: 'passed' } }), TypeError],
  ['misspelt decision field', () => new lg.RedeployGuard().start('events', undefined, 0, { subject: 'redeploy:events', action: 'redeploy', satus: 'passed' }), 'invalid_proposal'],
  ['zero modulus', () => lg.bucket('u', 'g', 0), 'invalid_modulus'],
  ['negative seed', () => lg.bucket('u', 'g', 100, -1), 'invalid_seed'],
  ['seed above 32 bits', () => lg.bucket('u', 'g', 100, 2 ** 32), 'invalid_seed'],
  ['garbage policy', () => lg.Policy.fromJson('{not json'), 'invalid_policy'],
  ['huge policy text', () => lg.Policy.fromJson('x'.repeat(1_000_000)), 'invalid_policy'],
  ['NaN metric', () => lg.Policy.builtin().evaluator().observe(0, { http_error_rate: NaN }, {}), 'invalid_observation'],
  ['metrics of the wrong type', () => lg.Policy.builtin().evaluator().observe(0, { http_error_rate: 'high' }, {}), 'invalid_observation'],
  ['plan not ending at 100', () => new lg.RolloutPlan([{ weight: 50, bake_seconds: 0 }]), 'invalid_plan'],
  // issue 16.5: non-strings where strings are expected threw "memory access out of bounds"
  ['number currency', () => lg.split('1', 826, C), TypeError],
  ['number bucket id', () => lg.bucket(123, 'g'), TypeError],
  ['number bucket group', () => lg.bucket('u', {}), TypeError],
  ['number policy text', () => lg.Policy.fromJson(5), TypeError],
  // A number is an exact decimal only when whole, as in Node: 0.5 is refused by the core.
  ['fractional number quorum', () => lg.Proposal.read(['a'], 0.5, '0.5', 0, 1, [], 0), 'invalid_quorum'],
  ['boolean quorum', () => lg.Proposal.read(['a'], true, '0.5', 0, 1, [], 0), TypeError],
  ['number in the electorate', () => lg.Proposal.read(['a', 7], '0.5', '0.5', 0, 1, [], 0), TypeError],
  ['number ledger text', () => lg.Ledger.fromJsonl(42), TypeError],
  ['number report period', () => lg.Ledger.fromJsonl('').report(7), TypeError],
  ['number threshold op', () => new lg.Threshold(1, 1, 0), TypeError],
  ['number rollout event kind', () => new lg.Rollout(new lg.RolloutPlan(null)).apply(0, 5), TypeError],
  ['number rollout decision', () => new lg.Rollout(new lg.RolloutPlan(null)).apply(0, 'observe', 5), TypeError],
  ['number breaker op', () => new lg.BreakerMachine(null).apply(0, 3), TypeError],
  ['number flag key', () => new lg.FlagSet([]).apply(1, 'enable'), TypeError],
  ['number user id', () => new lg.FlagSet([]).isEnabledFor('x', 12), TypeError],
  ['number audit currency', () => lg.audit('1', 826, C, []), TypeError],
  // issue 16.3/16.4
  ['snake_case split option', () => lg.split('1.00', 'GBP', C, { creator_share: '0.9' }), TypeError],
  ['unknown creator field', () => lg.split('1.00', 'GBP', [{ id: 'a', weight: '1', share: '0.9' }]), TypeError],
  ['unknown payout field', () => lg.audit('1.00', 'GBP', C, [{ id: 'a', amount: '0.75', note: 'x' }]), TypeError],
  ['unknown ledger line field', () => lg.Ledger.fromJsonl('{"type":"split","id":"s","t":0,"gross":"1.00","currency":"GBP","creators":[{"id":"a","weight":"1"}],"creatorShare":"0.9"}'), 'invalid_record'],
  ['number creatorShare', () => lg.split('1.00', 'GBP', C, { creatorShare: 0.8 }), 'invalid_share'],
  ['number weight', () => lg.split('1.00', 'GBP', [{ id: 'a', weight: 0.5 }]), 'invalid_weight'],
  // issue 16.6: repeated keys and empty policies
  ['repeated key in a json policy', () => lg.Policy.fromJson('{"name": "a", "name": "b", "rules": []}'), 'invalid_policy'],
  ['json [] policy', () => lg.Policy.fromJson('[]'), 'invalid_policy'],
  // rules v2
  ['negative gentleStepSeconds', () => new lg.RolloutPlan(null, -1), 'invalid_plan'],
  ['unknown consultation outcome', () => new lg.Rollout(new lg.RolloutPlan(null)).consulted(0, 'maybe'), 'invalid_event'],
  ['tick before startedAt', () => new lg.Rollout(new lg.RolloutPlan(null), 10).tick(5), 'out_of_order'],
  ['audit: number paid amount', () => lg.audit('1.00', 'GBP', C, [{ id: 'a', amount: 0.75 }]), TypeError],
  ['audit: paid not an array', () => lg.audit('1.00', 'GBP', C, 'a'), TypeError],
  ['audit: payout without an id', () => lg.audit('1.00', 'GBP', C, [{ amount: '0.75' }]), TypeError],
  ['audit: paid too precise', () => lg.audit('1.00', 'GBP', C, [{ id: 'a', amount: '0.755' }]), 'invalid_amount'],
  ['audit: unknown creator', () => lg.audit('1.00', 'GBP', C, [{ id: 'b', amount: '0.75' }]), 'unknown_creator'],
  ['audit: duplicate payout', () => lg.audit('1.00', 'GBP', C, [{ id: 'a', amount: '0.50' }, { id: 'a', amount: '0.25' }]), 'duplicate_payout'],
  ['payout line of an unknown split', () => lg.Ledger.fromJsonl('{"type": "payout", "id": "p", "t": 0, "split": "s", "creator": "a", "amount": "1.00"}'), 'invalid_record'],
  ['health: level 0', () => new lg.HealthModel([{ name: 'db', level: 0 }]), 'invalid_check'],
  ['health: unknown field', () => new lg.HealthModel([{ name: 'db', level: 1, weight: 2 }]), 'invalid_check'],
  ['breaker: unknown config key', () => new lg.BreakerMachine({ colour: 'red' }), 'invalid_config'],
  ['plan: unknown step key', () => new lg.RolloutPlan([{ weight: 100, bake_seconds: 0, wieght: 5 }]), 'invalid_plan'],
  ['health: duplicate check', () => new lg.HealthModel([{ name: 'db', level: 1 }, { name: 'db', level: 2 }]), 'duplicate_check'],
  ['health: unknown check', () => lg.HealthModel.builtin().evaluate({ nope: 'up' }), 'unknown_check'],
  ['health: invalid status', () => lg.HealthModel.builtin().evaluate({ database: 'fine' }), 'invalid_status'],
  ['health: status not an object', () => lg.HealthModel.builtin().evaluate('database'), 'invalid_status'],
];

for (const [name, call, expected] of MATRIX) {
  // Every case runs on the one module instance: a trap in one would break the ones after it.
  test(`bad input: ${name}`, () => {
    assert.throws(call, (e) => {
      assert.ok(!String(e?.message).includes('unreachable'), `a panic reached JS: ${e?.message}`);
      assert.ok(!(e instanceof WebAssembly.RuntimeError), `the module trapped: ${e?.message}`);
      if (typeof expected === 'string') {
        assert.ok(isError(e), `${e?.constructor?.name}: ${e?.message}`);
        assert.equal(e.code, expected, e.message);
      } else {
        assert.ok(e instanceof expected, `${e?.constructor?.name}: ${e?.message}`);
      }
      return true;
    });
  });
}
