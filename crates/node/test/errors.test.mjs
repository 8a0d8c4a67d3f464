import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as lg from '../lib.mjs';

const FAMILY = {
  split: lg.SplitError, threshold: lg.ThresholdError, window_rate: lg.WindowError, breaker: lg.BreakerError,
  governance: lg.GovernanceError, flags: lg.FlagError, policy: lg.PolicyError, rollout: lg.RolloutError, bucket: lg.BucketError,
  store: lg.StoreError, health: lg.HealthError, deployment: lg.DeploymentError,
};

test('every core kind becomes its family class with .code', () => {
  const kinds = lg.errorKinds();
  assert.deepEqual(Object.keys(kinds).sort(), Object.keys(FAMILY).sort());
  let n = 0;
  for (const [family, list] of Object.entries(kinds)) {
    for (const kind of list) {
      assert.throws(() => lg.raiseForTest(family, kind), (e) => {
        const cls = kind === 'call_rejected' ? lg.CircuitOpenError : FAMILY[family];
        assert.ok(e instanceof cls, `${family}/${kind}: ${e.constructor.name}`);
        assert.ok(e instanceof lg.LiberationGatesError && e instanceof Error);
        assert.equal(e.code, kind);
        assert.equal(e.family, family);
        assert.ok(e.message.startsWith(`${kind}: `));
        return true;
      });
      n++;
    }
  }
  assert.ok(n >= 50, `${n} kinds`);
});

test('numbers are refused as money with a TypeError that says why', () => {
  const creators = [{ id: 'a', weight: '1' }];
  for (const call of [
    () => lg.split(100, 'GBP', creators),
    () => lg.split('100.00', 'GBP', creators, { fee: 1.2 }),
    () => new lg.Ledger().recordSplit('t', 0, 12.5, 'GBP', creators),
    () => new lg.Refundable(lg.split('1.00', 'GBP', creators)).refund(0.5),
  ]) {
    assert.throws(call, (e) => e instanceof TypeError && /binary float/.test(e.message));
  }
  assert.equal(lg.split(10000n, 'GBP', creators).gross, '100.00', 'bigint is minor units');
});

test('a missing amount is a TypeError naming the argument and what it got, as in WASM', () => {
  const creators = [{ id: 'a', weight: '1' }];
  assert.throws(() => lg.split(null, 'GBP', creators), { name: 'TypeError', message: 'gross must be a decimal string (e.g. "12.50") or a bigint of minor units, not null' });
  assert.throws(() => lg.audit('1.00', 'GBP', creators, [{ id: 'a' }]), { name: 'TypeError', message: /^paid amount must be .* not undefined$/ });
  assert.throws(() => new lg.Ledger().recordSplit('t', 0, {}, 'GBP', creators), { name: 'TypeError', message: /^gross must be .* not object$/ });
});

test('real calls throw the documented kinds', () => {
  const cases = [
    [() => lg.split('1', 'XXX', [{ id: 'a', weight: '1' }]), lg.SplitError, 'unknown_currency'],
    [() => lg.split('100.00', 'GBP', [{ id: 'a', weight: '1' }], { creatorShare: '0.7' }), lg.SplitError, 'sovereignty_violation'],
    [() => new lg.Threshold('==', 1, 0), lg.ThresholdError, 'invalid_rule'],
    [() => new lg.WindowRate(0), lg.WindowError, 'invalid_config'],
    [() => new lg.BreakerMachine({ minimum_calls: 0 }), lg.BreakerError, 'invalid_config'],
    [() => new lg.Proposal([], '0.5', '0.5', 0, 1), lg.GovernanceError, 'empty_electorate'],
    [() => new lg.FlagSet([{ key: 'x', kind: 'weird' }]), lg.FlagError, 'invalid_flag'],
    [() => lg.Policy.parse('rules = 3', 'toml'), lg.PolicyError, 'invalid_policy'],
    [() => new lg.RolloutPlan([{ weight: 50, bake_seconds: 0 }]), lg.RolloutError, 'invalid_plan'],
    [() => lg.bucket('', 'g'), lg.BucketError, 'invalid_id'],
  ];
  for (const [call, cls, kind] of cases) {
    assert.throws(call, (e) => e instanceof cls && e.code === kind);
  }
});

test('hostile input never crashes the process', () => {
  for (const gross of ['', '-', '1e400', '9'.repeat(5000), '١٢', 'NaN', ' 1']) {
    assert.throws(() => lg.split(gross, 'GBP', [{ id: 'a', weight: '1' }]), lg.SplitError);
  }
  assert.throws(() => lg.split('1', 'GBP', [{ id: 'a', weight: '9'.repeat(400) }]), lg.SplitError);
  assert.throws(() => new lg.Threshold('>', Infinity, 1), lg.ThresholdError);
  assert.throws(() => lg.split('1', 'GBP', 'not a list'), TypeError);
});

test('require and import give the same API', () => {
  const require = createRequire(import.meta.url);
  const cjs = require('../lib.cjs');
  assert.equal(cjs.split, lg.split);
  assert.equal(cjs.bucket('123', 'gr1'), 73);
});
