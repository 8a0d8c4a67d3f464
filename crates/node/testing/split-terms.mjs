// One test body for Node and WASM (each runs it on its own package): prepared split terms
// give the split of every gross, in minor units too.
import assert from 'node:assert/strict';

export function checkSplitTerms(lg) {
  const creators = [{ id: 'amara', weight: '2' }, { id: 'kofi', weight: 1 }, { id: 'li', weight: '1' }];
  const options = { creatorShare: '0.8', fee: '0.30', step: '0.05' };
  const terms = new lg.SplitTerms('CHF', creators, options);
  const cents = (s) => BigInt(s.replace('.', ''));
  for (const gross of ['10.00', '33.35', 705n, 12345n]) {
    const whole = lg.split(gross, 'CHF', creators, options);
    assert.deepEqual(terms.split(gross), whole);
    const minor = terms.splitMinor(gross);
    assert.deepEqual(minor.creators, whole.creators.map((c) => cents(c.amount)));
    assert.deepEqual([minor.creatorTotal, minor.platform, minor.fee], [cents(whole.creatorTotal), cents(whole.platform), cents(whole.fee)]);
  }
  assert.throws(() => new lg.SplitTerms('GBP', [{ id: 'a', weight: '1' }], { creatorShare: '0.7' }), (e) => e.code === 'sovereignty_violation');
  assert.throws(() => terms.splitMinor(1.5), TypeError);
}
