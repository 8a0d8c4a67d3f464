// The deployment in the browser build (docs/deploy.md): the same stories end as in Node,
// Python and the CLI; decisions are verified; results are camelCase.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const lg = createRequire(import.meta.url)('../pkg-node/liberation_gates_wasm.js');
const read = (name) => readFileSync(new URL(`../../../examples/deploy/${name}`, import.meta.url), 'utf8');

test('the stories end as in every other language', () => {
  const ends = {
    'clean-launch.jsonl': ['completed', 'full_launch', 1, null],
    'trauma-ux-gentle.jsonl': ['rolled_back', 'canary', 1, 'liberation'],
    'redeploy-after-rollback.jsonl': ['running', 'canary', 2, null],
  };
  for (const [story, end] of Object.entries(ends)) {
    const d = new lg.Deployment('events');
    d.applyJsonl(read(story));
    const s = d.state;
    assert.deepEqual([s.status, s.phase, s.attempt, s.rollback && s.rollback.cause], end, story);
    assert.ok('redeployNeeds' in s && 'phaseIndex' in s);
  }
  const d = new lg.Deployment('events');
  assert.throws(() => d.applyJsonl(read('forged-approval.jsonl')), (e) => e.code === 'unverified_decision' && e.family === 'deployment' && e.line === 32);
});

test('notices are read, marked delivered, and a hand-made decision is refused', () => {
  const d = new lg.Deployment('events');
  const steps = d.applyJsonl(read('underpaid-creators.jsonl'));
  assert.equal(steps.at(-1).notices[0].kind, 'rollback');
  assert.equal(d.undelivered().length, d.notices().length);
  d.markDelivered(d.notices().at(-1).id);
  assert.deepEqual(d.undelivered(), []);
  assert.throws(() => d.apply({ t: 9999, redeploy: { subject: 'redeploy:events', action: 'redeploy', status: 'passed' } }), (e) => e.code === 'unverified_decision');
  assert.throws(() => d.apply({ t: 9999, tick: 'yes' }), (e) => e.code === 'invalid_event');
  assert.throws(() => new lg.Deployment(7), TypeError);
});

test('a store dump is a read-only view, and a changed one is refused', () => {
  const dump = readFileSync(new URL('../../../examples/sovereignty-dashboard/store-dump.jsonl', import.meta.url), 'utf8');
  const view = lg.Deployment.fromDump('events', dump);
  assert.equal(view.state.weight, 0);
  assert.equal(view.undelivered().length, 9);
  assert.throws(() => lg.Deployment.fromDump('events', dump.replace('0.78', '0.99')), (e) => e.code === 'tampered' && e.family === 'store');
  assert.equal(lg.Ledger.fromDump(dump).sovereigntySummary('GBP').gross, '414.49');
  assert.throws(() => lg.Ledger.fromDump(dump.replace('12.00', '11.00')), (e) => e.code === 'tampered' && e.family === 'store');
});
