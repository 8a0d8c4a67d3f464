// Unleash-compatible evaluation from Node (issue 21): Unleash's own client specification
// through `Toggles`, the community's votes on top, and bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as lg from '../lib.mjs';
import { DEFAULT_INDEX, specFiles, runSpec } from '../unleash-spec.mjs';

test("every file of Unleash's client specification passes", () => {
  const files = specFiles([DEFAULT_INDEX]);
  assert.equal(files.length, 22);
  const lines = [];
  let passed = 0;
  for (const f of files) {
    const r = runSpec(lg, f, (l) => lines.push(l));
    passed += r.passed;
  }
  assert.deepEqual(lines, []);
  assert.ok(passed >= 279, `${passed}`);
});

test('a rollout matches bucket; variants are camelCase objects', () => {
  const t = lg.Toggles.fromJson(JSON.stringify({ features: [{ name: 'cards', enabled: true, strategies: [
    { name: 'flexibleRollout', parameters: { rollout: '40', stickiness: 'userId', groupId: 'cards' } }],
    variants: [{ name: 'blue', weight: 1, payload: { type: 'string', value: 'b' } }] }] }));
  for (let i = 0; i < 100; i++) assert.equal(t.isEnabled('cards', { userId: `user-${i}` }), lg.bucket(`user-${i}`, 'cards') <= 40);
  const on = [...Array(100).keys()].map((i) => `user-${i}`).find((u) => lg.bucket(u, 'cards') <= 40);
  assert.deepEqual(t.getVariant('cards', { userId: on }), { name: 'blue', enabled: true, featureEnabled: true, payload: { type: 'string', value: 'b' } });
  assert.deepEqual(t.getVariant('nope'), { name: 'disabled', enabled: false, featureEnabled: false });
  assert.deepEqual(t.names, ['cards']);
});

test('the community decides whether a protected flag is on', () => {
  const t = lg.Toggles.fromJson(JSON.stringify({ features: [{ name: 'creator_sovereignty_enforcement', enabled: false, strategies: [
    { name: 'userWithId', parameters: { userIds: 'amara,kofi' } }] }] }));
  const flags = lg.FlagSet.builtin();
  assert.equal(t.isEnabled('creator_sovereignty_enforcement', { userId: 'amara' }), false);
  assert.equal(t.isEnabledGoverned('creator_sovereignty_enforcement', flags, { userId: 'amara' }), true);
  assert.equal(t.isEnabledGoverned('creator_sovereignty_enforcement', flags, { userId: 'someone' }), false);
});

test('bad states and contexts are FlagErrors', () => {
  for (const bad of ['', '[]', '{"features": [{"enabled": true}]}']) {
    assert.throws(() => lg.Toggles.fromJson(bad), (e) => e instanceof lg.FlagError && e.code === 'invalid_toggle_state', bad);
  }
  const spec = JSON.parse(readFileSync(new URL('../../../tests/external/unleash/01-simple-examples.json', import.meta.url), 'utf8'));
  const t = lg.Toggles.fromJson(JSON.stringify(spec.state));
  assert.ok(t.names.length > 0);
  assert.throws(() => t.isEnabled('x', { userId: ['a'] }), (e) => e instanceof lg.FlagError && e.code === 'invalid_context');
  t.applyJson(JSON.stringify({ events: [{ type: 'feature-updated', feature: { name: 'x', enabled: true, strategies: [] } }] }));
  assert.equal(t.isEnabled('x'), true);
});
