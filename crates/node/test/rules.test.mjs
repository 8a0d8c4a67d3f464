import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as lg from '../lib.mjs';
import { checkSplitTerms } from '../testing/split-terms.mjs';
import { checkRecordSuccesses } from '../testing/record-successes.mjs';

const root = new URL('../../../', import.meta.url).pathname;
const CHECKS = Object.fromEntries(['database', 'cache', 'storage', 'api_gateway', 'auth', 'business_logic', 'integration', 'community_protection', 'trauma_informed_ux'].map((c) => [c, true]));
const METRICS = { http_error_rate: 0.001, response_time_degradation: 0.1, creator_share: 0.8, governance_participation_drop: 0, capacity_utilization: 0.5 };

test('split, refunds and the ledger stay exact', () => {
  const s = lg.split('100.00', 'GBP', [{ id: 'alice', weight: '3' }, { id: 'bob', weight: 1 }], { fee: '1.20' });
  assert.deepEqual(s.creators, [{ id: 'alice', amount: '56.25' }, { id: 'bob', amount: '18.75' }]);
  assert.equal(s.platform, '23.80');
  const r = new lg.Refundable(s);
  // Taken in proportion to every unrefunded balance, the platform's 23.80 included.
  const part = r.refund('10.00');
  assert.deepEqual(part.creators.map((p) => p.amount), ['5.69', '1.90']);
  assert.equal(part.platform, '2.41');
  r.refund(r.remaining);
  assert.equal(r.remaining, '0.00');
  assert.throws(() => r.refund(1n), (e) => e.code === 'refund_exceeds_balance');
  const ledger = lg.Ledger.fromJsonl(readFileSync(`${root}examples/ledger.jsonl`, 'utf8'));
  assert.equal(ledger.length, 7);
  assert.equal(ledger.report('all').floorHeld, true);
  assert.match(ledger.reportCsv('month'), /^period,currency/);
});

test('policy decisions, notifications and observation files', () => {
  const ev = lg.Policy.builtin().evaluator();
  assert.equal(ev.observe(0, METRICS, CHECKS).action, 'proceed');
  const d = ev.observe(60, METRICS, { ...CHECKS, trauma_informed_ux: false });
  assert.deepEqual([d.action, d.severity, d.reasons], ['gentle_rollback', 'high', ['trauma_informed_ux']]);
  assert.equal(d.notification.audience, 'community');
  assert.throws(() => ev.observe(60, METRICS, CHECKS), (e) => e instanceof lg.PolicyError && e.code === 'out_of_order');
  const decisions = lg.Policy.builtin().evaluator().observeJsonl(readFileSync(`${root}examples/error-spike.jsonl`, 'utf8'));
  assert.equal(decisions.at(-1).action, 'rollback');
  const service = lg.Policy.fromPath(`${root}examples/policies/service.yaml`);
  assert.deepEqual(service.ruleIds, ['fast_burn', 'creator_sovereignty', 'slow_gateway']);
});

test('rollouts, simulations, plans and health', () => {
  const r = new lg.Rollout(new lg.RolloutPlan(), 0);
  assert.deepEqual(r.observe(86400, 'proceed'), { status: 'awaiting_approval', step: 0, weight: 5 });
  assert.deepEqual(r.approve(86401, 0), { status: 'progressing', step: 1, weight: 25 });
  const steps = lg.simulate(readFileSync(`${root}examples/clean-rollout.jsonl`, 'utf8'));
  assert.deepEqual(steps.at(-1).state, { status: 'completed', step: 3, weight: 100 });
  const plan = lg.DeploymentPlan.builtin();
  assert.equal(plan.phases.length, 6);
  assert.equal(plan.evaluate('canary', { page_load_seconds: 1.5, http_error_rate: 0.01, creator_share: 0.8 }, { governance: true, community_protection: true }).action, 'rollback');
  const everyCheck = Object.fromEntries(lg.HealthModel.builtin().checks.map((c) => [c.name, true]));
  const h = lg.health({ ...everyCheck, auth: false });
  assert.equal(h.action, 'rollback');
  assert.deepEqual(h.failing, ['auth']);
  assert.deepEqual(h.levels.map((l) => l.status), ['up', 'down', 'skipped', 'skipped', 'skipped']);
});

test('governance decisions unlock protected flags; bucketing matches Unleash', () => {
  const p = new lg.Proposal(['ana', 'ben', 'chi'], '0.5', '0.5', 0, 100);
  p.cast(1, 'ana', 'yes');
  p.cast(2, 'ben', 'yes');
  assert.throws(() => p.cast(3, 'ana', 'no'), (e) => e instanceof lg.GovernanceError && e.code === 'already_voted');
  const flags = lg.FlagSet.builtin();
  const key = 'creator_sovereignty_enforcement';
  assert.throws(() => flags.disable(key), (e) => e.code === 'vote_required');
  // A record that says "passed", even the one the proposal itself reports, is not proof of a vote.
  const record = p.decision(`flag:${key}`, 'disable', 100);
  assert.equal(record.status, 'passed');
  assert.throws(() => flags.disable(key, { decision: record, t: 100 }), (e) => e instanceof lg.FlagError && e.code === 'unverified_decision');
  assert.equal(flags.isEnabled(key), true);
  assert.deepEqual(flags.log, []);
  // The proposal given whole is tallied at the change's time: still open at t = 50.
  const terms = p.terms(`flag:${key}`, 'disable');
  assert.deepEqual(terms.votes, [{ t: 1, member: 'ana', choice: 'yes' }, { t: 2, member: 'ben', choice: 'yes' }]);
  assert.throws(() => flags.disable(key, { decision: terms, t: 50 }), (e) => e.code === 'decision_not_passed');
  assert.deepEqual(flags.disable(key, { decision: terms, actor: 'council', t: 100 }), { kind: 'protected', enabled: false, intensity: 1 });
  assert.equal(flags.log.at(-1).actor, 'council');
  assert.deepEqual(flags.log.at(-1).decision.tally, { yes: 2, no: 0, abstain: 0 });
  assert.equal(lg.bucket('123', 'gr1'), 73);
  assert.equal(lg.bucket('999', 'groupX'), 25);
});

test('prepared split terms give the split of every gross, in minor units too', () => checkSplitTerms(lg));
test('a batch of successes leaves a breaker machine as single records do', () => checkRecordSuccesses(lg));

test('splitMinorInto writes what splitMinor returns into a BigInt64Array, and refuses what does not fit', () => {
  for (const n of [1, 2, 12]) {
    const creators = [...Array(n).keys()].map((i) => ({ id: `c${i}`, weight: String(1 + (i % 4)) }));
    const terms = new lg.SplitTerms('GBP', creators, { creatorShare: '0.8', fee: '0.30' });
    const out = new BigInt64Array(n + 3);
    const pounds = (g) => `${g / 100n}.${String(g % 100n).padStart(2, '0')}`;
    for (let g = 200n; g < 2_000_000n; g = g * 3n + 13n) {
      terms.splitMinorInto(g, out);
      // A string gross takes the native splitMinor; a bigint, lib.cjs's way through splitMinorInto.
      const m = terms.splitMinor(pounds(g));
      assert.deepEqual([...out], [...m.creators, m.creatorTotal, m.platform, m.fee]);
      assert.deepEqual(terms.splitMinor(g), m);
    }
    assert.throws(() => terms.splitMinorInto(100n, out), (e) => e.code === 'fee_exceeds_platform_share' && e instanceof lg.SplitError);
    // The same error from splitMinor, whichever way it went.
    const refused = (gross) => { try { terms.splitMinor(gross); } catch (e) { return e; } assert.fail(`${gross} was split`); };
    const [viaBigint, viaText] = [refused(100n), refused('1.00')];
    assert.ok(viaBigint instanceof lg.SplitError);
    assert.deepEqual([viaBigint.code, viaBigint.message], [viaText.code, viaText.message]);
    assert.throws(() => terms.splitMinorInto(100n, new BigInt64Array(n + 2)), (e) => e instanceof TypeError && /BigInt64Array of/.test(e.message));
  }
  const terms = new lg.SplitTerms('GBP', [{ id: 'a', weight: '1' }]);
  const out = new BigInt64Array(4);
  terms.splitMinorInto(10n ** 17n, out); // the money limit, 10^15 pounds: fits easily
  assert.equal(out[0] + out[2], 10n ** 17n);
  assert.throws(() => terms.splitMinorInto(10n ** 17n + 1n, out), (e) => e.code === 'invalid_amount');
  // splitMinor takes what splitMinorInto refuses, and refuses it as the money limit says.
  for (const gross of [10n ** 17n + 1n, 2n ** 63n, 2n ** 64n + 5n, -1n]) {
    assert.throws(() => terms.splitMinor(gross), (e) => e.code === 'invalid_amount' && e instanceof lg.SplitError);
  }
  assert.deepEqual(terms.splitMinor(10n ** 17n), terms.splitMinor('1000000000000000.00'));
  for (const gross of [2n ** 63n, 2n ** 64n + 5n, -(2n ** 63n), -1n, 100, '1.00', undefined]) {
    assert.throws(() => terms.splitMinorInto(gross, out), (e) => e instanceof TypeError && /2\^63/.test(e.message));
  }
  for (const bad of [new Float64Array(4), [0n, 0n, 0n, 0n], null]) {
    assert.throws(() => terms.splitMinorInto(100n, bad), (e) => e instanceof TypeError && /BigInt64Array/.test(e.message));
  }
});

test('split() answers and refuses as the native split, whichever way lib.cjs sends its arguments', () => {
  // Strings in plain objects go packed into one string; objects without a prototype, a
  // bigint or a number take the native split(). Both must give the same result or error.
  const bare = (o) => (o && typeof o === 'object' ? Object.assign(Object.create(null), o) : o);
  const outcome = (f) => {
    try {
      return { ok: f() };
    } catch (e) {
      return { error: [e.constructor.name, e.code, e.message] };
    }
  };
  const grosses = ['1234.57', '0.00', '0.01', '99.99', '1000000000000000.00', '1000000000000000.01', '12.345', '-1', '1e3', '', ' 1'];
  const currencies = ['GBP', 'JPY', 'KWD', 'gbp', 'XXX', ''];
  const creatorLists = [
    [{ id: 'a', weight: '3' }, { id: 'b', weight: '1' }],
    [{ id: 'amara', weight: '0.000001' }],
    [],
    [{ id: 'a', weight: '1' }, { id: 'a', weight: '2' }],
    [{ id: 'a', weight: '0' }],
    [{ id: 'a\u0000b', weight: '1' }, { id: 'c', weight: '1000000000' }],
    [{ id: 'a', weight: '1', extra: '1' }],
    [{ id: 'a' }],
  ];
  const optionSets = [undefined, null, {}, { creatorShare: '0.8' }, { creatorShare: '0.7' }, { creatorShare: '1.5' }, { fee: '1.20' },
    { fee: '1.20', feeMode: 'before_split' }, { fee: '5000.00' }, { step: '0.05' }, { feeMode: 'bogus' }, { colour: 'red' }, { creatorShare: '' }];
  let compared = 0;
  for (const gross of grosses) {
    for (const currency of currencies) {
      for (const creators of creatorLists) {
        for (const options of optionSets) {
          const packed = outcome(() => lg.split(gross, currency, creators, options));
          const native = outcome(() => lg.split(gross, currency, creators.map(bare), bare(options)));
          assert.deepEqual(packed, native, JSON.stringify([gross, currency, creators, options]));
          compared++;
        }
      }
    }
  }
  assert.equal(compared, grosses.length * currencies.length * creatorLists.length * optionSets.length);
  // The same split with a bigint gross (native) and its text (packed).
  const cs = [{ id: 'a', weight: '3' }, { id: 'b', weight: '1' }];
  assert.deepEqual(lg.split(123457n, 'GBP', cs, { creatorShare: '0.8' }), lg.split('1234.57', 'GBP', cs, { creatorShare: '0.8' }));
});

test('splitMinorInto keeps each SplitTerms its own terms, called in turn', () => {
  // lib.cjs gives each terms object a handle at its first call: two objects used in turn must
  // each split by their own creators, share and fee.
  const a = new lg.SplitTerms('GBP', [{ id: 'a', weight: '1' }]);
  const b = new lg.SplitTerms('GBP', [{ id: 'x', weight: '1' }, { id: 'y', weight: '3' }], { creatorShare: '0.9', fee: '0.10' });
  const [oa, ob] = [new BigInt64Array(4), new BigInt64Array(5)];
  for (const gross of [1000n, 12345n, 99999n]) {
    a.splitMinorInto(gross, oa);
    b.splitMinorInto(gross, ob);
    const [ma, mb] = [a.splitMinor(gross), b.splitMinor(gross)];
    assert.deepEqual([...oa], [...ma.creators, ma.creatorTotal, ma.platform, ma.fee]);
    assert.deepEqual([...ob], [...mb.creators, mb.creatorTotal, mb.platform, mb.fee]);
  }
  assert.throws(() => lg.SplitTerms.prototype.splitMinorInto.call({}, 1000n, oa), TypeError);
  assert.throws(() => lg.SplitTerms.prototype.splitMinor.call({}, 1000n), TypeError);
});
