import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { lg, isError, RUNNERS } from '../conformance.mjs';
import { runDocument } from '../../node/runner.mjs';
import { checkSplitTerms } from '../../node/testing/split-terms.mjs';
import { checkRecordSuccesses } from '../../node/testing/record-successes.mjs';

const root = new URL('../../../', import.meta.url).pathname;
const dir = join(root, 'tests/vectors');

test('every vector through the WASM API', () => {
  let total = 0;
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) {
    const r = runDocument(RUNNERS, JSON.parse(readFileSync(join(dir, f), 'utf8')));
    assert.deepEqual(r.failures, [], f);
    total += r.passed;
  }
  assert.ok(total >= 523, `${total}`);
});

test('errors are Errors with .code equal to the core kind, for every family', () => {
  const cases = [
    [() => lg.split('1', 'XXX', [{ id: 'a', weight: '1' }]), 'split', 'unknown_currency'],
    [() => lg.split('100.00', 'GBP', [{ id: 'a', weight: '1' }], { creatorShare: '0.7' }), 'split', 'sovereignty_violation'],
    [() => new lg.Threshold('==', 1, 0), 'threshold', 'invalid_rule'],
    [() => new lg.WindowRate(0), 'window_rate', 'invalid_config'],
    [() => new lg.BreakerMachine({ minimum_calls: 0 }), 'breaker', 'invalid_config'],
    [() => lg.Proposal.read([], '0.5', '0.5', 0, 1, [], 0), 'governance', 'empty_electorate'],
    [() => new lg.FlagSet([{ key: 'x', kind: 'weird' }]), 'flags', 'invalid_flag'],
    [() => lg.Policy.fromJson('{"rules": 3}'), 'policy', 'invalid_policy'],
    [() => new lg.RolloutPlan([{ weight: 50, bake_seconds: 0 }]), 'rollout', 'invalid_plan'],
    [() => lg.bucket('', 'g'), 'bucket', 'invalid_id'],
  ];
  for (const [call, family, code] of cases) {
    assert.throws(call, (e) => isError(e) && e.code === code && e.family === family && e instanceof Error);
  }
  // The core's whole list of kinds, the same as every binding's; the WASM package keeps no
  // store, so nothing here raises the store family.
  assert.deepEqual(Object.keys(lg.errorKinds()).sort(), ['breaker', 'bucket', 'deployment', 'flags', 'governance', 'health', 'policy', 'rollout', 'split', 'store', 'threshold', 'window_rate']);
});

test('numbers are refused as money; bigint is minor units', () => {
  assert.throws(() => lg.split(100, 'GBP', [{ id: 'a', weight: '1' }]), (e) => e instanceof TypeError && /binary float/.test(e.message));
  assert.throws(() => lg.split('100.00', 'GBP', [{ id: 'a', weight: '1' }], { fee: 1.2 }), TypeError);
  assert.equal(lg.split(10000n, 'GBP', [{ id: 'a', weight: 1 }]).gross, '100.00');
  // A missing amount says what it got, word for word as the Node package does.
  assert.throws(() => lg.split(null, 'GBP', [{ id: 'a', weight: '1' }]), { name: 'TypeError', message: 'gross must be a decimal string (e.g. "12.50") or a bigint of minor units, not null' });
  assert.throws(() => lg.split(undefined, 'GBP', [{ id: 'a', weight: '1' }]), { name: 'TypeError', message: /^gross must be .* not undefined$/ });
});

test('the same split as the backend, to the cent', () => {
  const s = lg.split('99.99', 'EUR', [{ id: 'a', weight: '1' }]);
  assert.deepEqual([s.creators[0].amount, s.platform, s.creatorTotal], ['75.00', '24.99', '75.00']);
});

test('a ledger gives the transparency report and the sovereignty summary', () => {
  const ledger = lg.Ledger.fromJsonl(readFileSync(join(root, 'examples/ledger.jsonl'), 'utf8'));
  assert.deepEqual(ledger.currencies, ['GBP', 'JPY']);
  const s = ledger.sovereigntySummary('GBP');
  assert.equal(s.creatorShare, '14833/18224');
  assert.equal(s.creatorSharePercent, '81.39');
  assert.equal(s.floorHeld, true);
  assert.deepEqual(s.creators.map((c) => [c.id, c.amount]), [['amara', '55.77'], ['kofi', '41.85'], ['lena', '50.71']]);
  assert.equal(ledger.report('month').rows.length, 3);
  assert.throws(() => lg.Ledger.fromJsonl('{"type":"refund","id":"r","t":0,"split":"nope","amount":"1.00"}'), (e) => e.code === 'invalid_record' && /line 1/.test(e.message));
});

test('policy decisions and client-side rollouts', () => {
  const ev = lg.Policy.builtin().evaluator();
  const d = ev.observe(0, { http_error_rate: 0.02 }, { database: true });
  assert.equal(d.action, 'hold');
  assert.ok(d.reasons.includes('error_rate_alert'));
  const flags = new lg.FlagSet([{ key: 'cards', kind: 'standard', enabled: true, rollout_percent: 5 }]);
  for (const u of ['alice', 'bob', 'carol', 'dave', 'erin']) {
    assert.equal(flags.isEnabledFor('cards', u), lg.bucket(u, 'cards') <= 5);
  }
});

test('prepared split terms give the split of every gross, in minor units too', () => checkSplitTerms(lg));
test('a batch of successes leaves a breaker machine as single records do', () => checkRecordSuccesses(lg));
