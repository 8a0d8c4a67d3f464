// The community flags through OpenFeature's server SDK (issue 20): a real @openfeature/server-sdk
// client asks, LiberationGatesProvider (liberation-gates/openfeature) answers from the flag set
// the community controls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { OpenFeature, ProviderEvents, ErrorCode } from '@openfeature/server-sdk';

const require = createRequire(import.meta.url);
const lg = require('../lib.cjs');
const { LiberationGatesProvider } = require('liberation-gates/openfeature');

/** A community flag on for 30% of users, at intensity 0.6. */
const feed = () => new lg.FlagSet([{ key: 'community_feed', kind: 'community', enabled: true, intensity: 0.6, rolloutPercent: 30 }]);

async function client(domain, provider) {
  await OpenFeature.setProviderAndWait(domain, provider);
  return OpenFeature.getClient(domain);
}

test('the ESM entry of liberation-gates/openfeature is the CommonJS one', async () => {
  const esm = await import('liberation-gates/openfeature');
  assert.equal(esm.LiberationGatesProvider, LiberationGatesProvider);
});

test('a percentage rollout splits users as bucket does', async () => {
  const c = await client('rollout', new LiberationGatesProvider(feed()));
  let inside = 0;
  for (let i = 0; i < 300; i++) {
    const id = `user-${i}`;
    const d = await c.getBooleanDetails('community_feed', false, { targetingKey: id });
    assert.equal(d.value, lg.bucket(id, 'community_feed') <= 30, id);
    assert.equal(d.reason, 'SPLIT');
    assert.equal(d.flagMetadata.kind, 'community');
    inside += d.value ? 1 : 0;
  }
  assert.ok(inside >= 60 && inside <= 120, `${inside} of 300`);
  const missing = await c.getBooleanDetails('community_feed', true, {});
  assert.deepEqual([missing.value, missing.errorCode, missing.reason], [true, ErrorCode.TARGETING_KEY_MISSING, 'ERROR']);
});

test('a verified vote flips the flag and emits ConfigurationChanged', async () => {
  const provider = new LiberationGatesProvider(feed());
  const c = await client('votes', provider);
  const changed = [];
  c.addHandler(ProviderEvents.ConfigurationChanged, (e) => changed.push(e.flagsChanged));
  assert.equal((await c.getNumberDetails('community_feed', 1)).value, 0.6);
  assert.throws(() => provider.apply('community_feed', 'disable', null, { actor: 'operator', t: 5 }), lg.FlagError);
  const vote = new lg.Proposal(['amara', 'kofi'], '0.5', '0.5', 0, 10);
  vote.cast(1, 'amara', 'yes');
  vote.cast(2, 'kofi', 'yes');
  provider.apply('community_feed', 'disable', null, { decision: vote.terms('flag:community_feed', 'disable'), actor: 'council', t: 10 });
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(changed, [['community_feed']]);
  for (let i = 0; i < 50; i++) {
    const d = await c.getBooleanDetails('community_feed', true, { targetingKey: `user-${i}` });
    assert.deepEqual([d.value, d.reason], [false, 'DISABLED']);
    assert.equal(d.flagMetadata.decision, 'disable flag:community_feed (passed)');
  }
  const number = await c.getNumberDetails('community_feed', 1);
  assert.deepEqual([number.value, number.reason], [0, 'DISABLED']);
});

test('unknown flags and other types resolve to the default with an error code', async () => {
  const c = await client('errors', new LiberationGatesProvider());
  const on = await c.getBooleanDetails('creator_sovereignty_enforcement', false);
  assert.deepEqual([on.value, on.reason, on.flagMetadata.kind], [true, 'STATIC', 'protected']);
  const missing = await c.getBooleanDetails('no_such_flag', false);
  assert.deepEqual([missing.value, missing.errorCode], [false, ErrorCode.FLAG_NOT_FOUND]);
  const text = await c.getStringDetails('creator_sovereignty_enforcement', 'x');
  assert.deepEqual([text.value, text.errorCode], ['x', ErrorCode.TYPE_MISMATCH]);
});

test('Unleash toggles through the SDK under the community votes', async () => {
  const state = { features: [
    { name: 'creator_sovereignty_enforcement', enabled: false, strategies: [{ name: 'remoteAddress', parameters: { IPs: '10.0.0.0/8' } }] },
    { name: 'event_cards', enabled: true, strategies: [{ name: 'flexibleRollout', parameters: { rollout: '50', stickiness: 'userId', groupId: 'event_cards' } }] }] };
  const c = await client('unleash', new LiberationGatesProvider(lg.FlagSet.builtin(), lg.Toggles.fromJson(JSON.stringify(state))));
  // On by the community's state (the toggle's enabled: false does not count); the strategy matched.
  let d = await c.getBooleanDetails('creator_sovereignty_enforcement', false, { targetingKey: 'amara', remoteAddress: '10.1.2.3' });
  assert.deepEqual([d.value, d.reason, d.flagMetadata.kind], [true, 'TARGETING_MATCH', 'protected']);
  d = await c.getBooleanDetails('creator_sovereignty_enforcement', true, { targetingKey: 'amara', remoteAddress: '192.168.1.2' });
  assert.deepEqual([d.value, d.reason], [false, 'DEFAULT']);
  for (let i = 0; i < 40; i++) {
    const id = `user-${i}`;
    assert.equal(await c.getBooleanValue('event_cards', false, { targetingKey: id }), lg.bucket(id, 'event_cards') <= 50, id);
  }
  d = await c.getNumberDetails('event_cards', 0.5);
  assert.deepEqual([d.value, d.errorCode], [0.5, ErrorCode.TYPE_MISMATCH]);
  assert.equal(await c.getBooleanValue('democratic_governance', true), false);
});
