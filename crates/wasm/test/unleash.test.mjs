// Unleash-compatible evaluation from the WASM package under Node (issue 21): Unleash's own
// client specification through `Toggles`, the community's votes on top, and bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lg, isError } from '../conformance.mjs';
import { DEFAULT_INDEX, specFiles, runSpec } from '../../node/unleash-spec.mjs';

test("every file of Unleash's client specification passes", () => {
  const lines = [];
  let passed = 0;
  for (const f of specFiles([DEFAULT_INDEX])) passed += runSpec(lg, f, (l) => lines.push(l)).passed;
  assert.deepEqual(lines, []);
  assert.ok(passed >= 279, `${passed}`);
});

test('a date constraint reads the JavaScript clock when the context has no currentTime', () => {
  const t = lg.Toggles.fromJson(JSON.stringify({ features: [
    { name: 'past', enabled: true, strategies: [{ name: 'default', constraints: [{ contextName: 'currentTime', operator: 'DATE_AFTER', value: '2020-01-01T00:00:00Z' }] }] },
    { name: 'future', enabled: true, strategies: [{ name: 'default', constraints: [{ contextName: 'currentTime', operator: 'DATE_AFTER', value: '2999-01-01T00:00:00Z' }] }] }] }));
  assert.equal(t.isEnabled('past'), true);
  assert.equal(t.isEnabled('future', null), false);
  assert.equal(t.isEnabled('future', { currentTime: '3000-06-01T00:00:00Z' }), true);
});

test('the community decides whether a protected flag is on; bad input is a FlagError', () => {
  const t = lg.Toggles.fromJson(JSON.stringify({ features: [{ name: 'creator_sovereignty_enforcement', enabled: false, strategies: [] }] }));
  const flags = lg.FlagSet.builtin();
  assert.equal(t.isEnabled('creator_sovereignty_enforcement'), false);
  assert.equal(t.isEnabledGoverned('creator_sovereignty_enforcement', flags), true);
  assert.throws(() => lg.Toggles.fromJson('[]'), (e) => isError(e) && e.code === 'invalid_toggle_state');
  assert.throws(() => t.isEnabled('x', { userId: { a: 1 } }), (e) => isError(e) && e.code === 'invalid_context');
});
