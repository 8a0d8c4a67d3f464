// One test body for Node and WASM (each runs it on its own package): a batch of successes
// leaves a breaker machine as the same number of single records does.
import assert from 'node:assert/strict';

export function checkRecordSuccesses(lg) {
  const config = { window: { type: 'count', size: 10 }, minimumCalls: 4, halfOpenCalls: 3, openSeconds: 1 };
  const bulk = new lg.BreakerMachine(config);
  const single = new lg.BreakerMachine(config);
  const both = (f) => [f(bulk), f(single)];
  // Failures open the breaker; after the open period the half-open trial closes it again.
  for (let t = 0; t < 4; t++) both((m) => m.apply(t, 'record', 'failure', 0.1));
  assert.deepEqual(both((m) => m.state), ['open', 'open']);
  for (const [t, k] of [[3, 2], [5, 5], [6, 12n], [7, 0]]) {
    bulk.recordSuccesses(t, k);
    for (let i = 0; i < Number(k); i++) single.apply(t, 'record', 'success', 0);
    assert.equal(bulk.state, single.state, `after ${k} successes at ${t}`);
  }
  assert.equal(bulk.state, 'closed');
  // Four failures in a window of ten calls, six of them successes: below the 50% threshold.
  for (const m of [bulk, single]) for (let t = 8; t < 12; t++) m.apply(t, 'record', 'failure', 0.1);
  assert.deepEqual(both((m) => m.state), ['closed', 'closed']);
  for (let i = 0; i < 3; i++) single.apply(12, 'record', 'success', 0);
  assert.equal(bulk.recordSuccesses(12, 3), single.state);
  assert.throws(() => bulk.recordSuccesses(13, 1.5), (e) => e.code === 'invalid_op');
  assert.throws(() => bulk.recordSuccesses(13, -1), (e) => e.code === 'invalid_op');
  assert.throws(() => bulk.recordSuccesses(1, 1), (e) => e.code === 'out_of_order');
}
