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
  ['zero modulus', () => lg.bucket('u', 'g', 0), 'invalid_modulus'],
  ['garbage policy', () => lg.Policy.fromJson('{not json'), 'invalid_policy'],
  ['huge policy text', () => lg.Policy.fromJson('x'.repeat(1_000_000)), 'invalid_policy'],
  ['NaN metric', () => lg.Policy.builtin().evaluator().observe(0, { http_error_rate: NaN }, {}), 'invalid_observation'],
  ['metrics of the wrong type', () => lg.Policy.builtin().evaluator().observe(0, { http_error_rate: 'high' }, {}), TypeError],
  ['plan not ending at 100', () => new lg.RolloutPlan([{ weight: 50, bake_seconds: 0 }]), 'invalid_plan'],
];

for (const [name, call, expected] of MATRIX) {
  test(`bad input: ${name}`, () => {
    assert.throws(call, (e) => {
      assert.ok(!String(e?.message).includes('unreachable'), `a panic reached JS: ${e?.message}`);
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
