// The shared bad-input corpus (tests/bad-inputs/) through the Node API: every bad file throws
// the family, kind (`code`) and line that cases.json names, as in Rust, Python and WASM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const lg = createRequire(import.meta.url)('../lib.cjs');
const corpus = new URL('../../../tests/bad-inputs/', import.meta.url);
const read = (name) => readFileSync(new URL(name, corpus), 'utf8');
const cases = JSON.parse(read('cases.json'));

function call(c) {
  const text = read(c.file);
  const format = c.format ?? 'json';
  const calls = {
    policy: () => lg.Policy.parse(text, format),
    rollout_plan: () => lg.RolloutPlan.parse(text, format),
    deployment_plan: () => lg.DeploymentPlan.parse(text, format),
    observations: () => lg.Policy.builtin().evaluator().observeJsonl(text),
    simulation: () => lg.simulate(text),
    ledger: () => lg.Ledger.fromJsonl(text),
    proposal: () => lg.readProposal(text),
    split_terms: () => lg.auditFiles(text, ''),
    payouts: () => lg.auditFiles(read(c.split), text),
    deployment_events: () => new lg.Deployment('events').applyJsonl(text),
  };
  return calls[c.input];
}

test('the corpus is there', () => assert.ok(cases.length >= 40));

for (const c of cases) {
  test(`bad input file: ${c.name}`, () => {
    assert.throws(call(c), (e) => {
      assert.ok(e instanceof lg.LiberationGatesError, `${e.name}: ${e.message}`);
      assert.deepEqual([e.family, e.code, e.line], [c.family, c.kind, c.line], e.message);
      return true;
    });
  });
}
