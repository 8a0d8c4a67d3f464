// The deployment (docs/deploy.md): the stories of examples/deploy end as in the CLI and
// Python, decisions are verified, and a deployment kept in SQLite resumes where it stopped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lg from '../lib.mjs';

const stories = new URL('../../../examples/deploy/', import.meta.url);
const read = (name) => readFileSync(new URL(name, stories), 'utf8');

const ENDS = {
  'clean-launch.jsonl': ['completed', 'full_launch', 1, null],
  'participation-consult.jsonl': ['running', 'canary', 1, null],
  'trauma-ux-gentle.jsonl': ['rolled_back', 'canary', 1, 'liberation'],
  'underpaid-creators.jsonl': ['rolled_back', 'canary', 1, 'liberation'],
  'redeploy-after-rollback.jsonl': ['running', 'canary', 2, null],
};

test('each story ends as documented, with camelCase keys', () => {
  for (const [story, end] of Object.entries(ENDS)) {
    const d = new lg.Deployment('events');
    const steps = d.applyJsonl(read(story));
    const s = d.state;
    assert.deepEqual([s.status, s.phase, s.attempt, s.rollback && s.rollback.cause], end, story);
    assert.deepEqual(steps.at(-1).state, s);
    assert.ok('phaseIndex' in s && 'redeployNeeds' in s && !('phase_index' in s), story);
    assert.deepEqual(d.notices().map((n) => n.id), d.notices().map((_, i) => `events/${i + 1}`));
  }
});

test('a forged approval is a DeploymentError naming its line', () => {
  const d = new lg.Deployment('events');
  assert.throws(() => d.applyJsonl(read('forged-approval.jsonl')), (e) => e instanceof lg.DeploymentError && e.code === 'unverified_decision' && e.line === 32);
});

const healthy = (t, change = {}) => {
  const line = JSON.parse(read('clean-launch.jsonl').split('\n')[1]);
  line.t = t;
  for (const [k, v] of Object.entries(change)) (typeof v === 'boolean' ? line.checks : line.metrics)[k] = v;
  return line;
};

test('decisions must be backed by a passed proposal, given whole in camelCase too', () => {
  const d = new lg.Deployment('events');
  d.apply(healthy(0));
  assert.equal(d.apply(healthy(60, { community_protection: false })).state.rollback.cause, 'liberation');
  assert.throws(() => d.apply({ t: 70, redeploy: { subject: 'redeploy:events', action: 'redeploy', status: 'passed' } }), (e) => e.code === 'unverified_decision');
  const whole = { subject: 'redeploy:events', action: 'redeploy', electorate: ['a', 'b'], quorum: '0.5', passThreshold: '0.5', opensAt: 0, closesAt: 100, votes: [{ t: 1, member: 'a', choice: 'no' }] };
  assert.throws(() => d.apply({ t: 200, redeploy: whole }), (e) => e instanceof lg.DeploymentError && e.code === 'decision_not_passed');
  assert.throws(() => d.apply({ t: 200, redeploy: { ...whole, subject: 'redeploy:x' } }), (e) => e.code === 'decision_mismatch');
  const passed = { ...whole, votes: [{ t: 1, member: 'a', choice: 'yes' }] };
  const refused = d.apply({ t: 210, redeploy: passed });
  assert.match(refused.refused, /staging/);
  assert.equal(refused.notices[0].kind, 'redeploy_refused');
  d.apply({ t: 220, staging: true });
  assert.equal(d.apply({ t: 230, redeploy: passed }).state.attempt, 2);
  assert.throws(() => d.apply({ t: 230, tick: true }), (e) => e.code === 'out_of_order');
  assert.throws(() => d.apply({ t: 240, tick: true, color: 'red' }), (e) => e.code === 'invalid_event' && /color/.test(e.message));
});

test('a deployment kept in SQLite resumes, and notices are marked delivered once sent', async () => {
  const url = `sqlite:${join(mkdtempSync(join(tmpdir(), 'lg-deploy-')), 'deploy.db')}`;
  const lines = read('clean-launch.jsonl').split('\n');
  const whole = new lg.Deployment('events');
  whole.applyJsonl(lines.join('\n'));
  let d = await lg.DurableDeployment.open('events', url);
  assert.equal(d.storeBackend, 'sqlite');
  await d.applyJsonl(lines.slice(0, 30).join('\n'));
  const first = await d.undelivered();
  await d.markDelivered(first[2].id);
  d = await lg.DurableDeployment.open('events', url);
  assert.equal((await d.undelivered())[0].id, 'events/4');
  await d.applyJsonl(lines.slice(30).join('\n'));
  assert.deepEqual(await d.state(), whole.state);
  assert.deepEqual(await d.notices(), whole.notices());
  await assert.rejects(d.markDelivered('events/999'), (e) => e instanceof lg.DeploymentError && e.code === 'invalid_event');
  // In memory only: a store is opened with DurableDeployment.open, off the event loop.
  assert.throws(() => new lg.Deployment('events', null, null, null, url), (e) => e instanceof TypeError && /DurableDeployment\.open/.test(e.message));
  await assert.rejects(lg.DurableDeployment.open(' ', url), (e) => e.code === 'invalid_setup');
});

test('a custom blue-green plan, policy and health model', () => {
  const plan = lg.DeploymentPlan.parse(JSON.stringify({ strategy: 'blue_green', watch_seconds: 60, phases: [
    { name: 'gate', technical: [{ check: 'db' }] },
    { name: 'switch', kind: 'canary', technical: [{ check: 'db' }] },
    { name: 'watch', kind: 'launch', technical: [{ check: 'db' }] }] }), 'json');
  const policy = lg.Policy.parse(JSON.stringify({ rules: [{ id: 'db', checks: ['db'], action: 'rollback', severity: 'high' }] }), 'json');
  const model = new lg.HealthModel([{ name: 'db', level: 1 }]);
  const d = new lg.Deployment('shop', plan, policy, model);
  let step;
  for (const t of [0, 10, 20, 90]) step = d.apply({ t, checks: { db: true } });
  assert.deepEqual([step.state.status, step.state.blueGreen], ['completed', 'completed']);
  assert.throws(() => new lg.Deployment(' '), (e) => e.code === 'invalid_setup');
});

test('a store dump is a read-only view, and a changed one is refused', () => {
  const dump = readFileSync(new URL('../../../examples/sovereignty-dashboard/store-dump.jsonl', import.meta.url), 'utf8');
  const view = lg.Deployment.fromDump('events', dump);
  assert.deepEqual(view.state.rollback.reasons, ['trauma_informed_ux']);
  assert.equal(view.storeBackend, null);
  assert.throws(() => lg.Deployment.fromDump('events', dump.replace('0.78', '0.99')), (e) => e instanceof lg.StoreError && e.code === 'tampered');
  // The same dump holds the ledger the dashboard shows: the one its JSON-lines file gives.
  const ledger = lg.Ledger.fromDump(dump);
  const source = lg.Ledger.fromJsonl(readFileSync(new URL('../../../examples/sovereignty-dashboard/ledger.jsonl', import.meta.url), 'utf8'));
  assert.deepEqual(ledger.currencies, source.currencies);
  assert.deepEqual(ledger.sovereigntySummary('GBP'), source.sovereigntySummary('GBP'));
  assert.throws(() => lg.Ledger.fromDump(dump.replace('12.00', '11.00')), (e) => e instanceof lg.StoreError && e.code === 'tampered');
});

test('a decision pinned by checksum names exactly the votes seen', () => {
  const lines = read('clean-launch.jsonl').split('\n').filter((x) => x && !x.startsWith('#')).map((x) => JSON.parse(x));
  const approval = lines.findIndex((x) => 'approve' in x);
  const d = new lg.Deployment('events');
  for (const line of lines.slice(0, approval - 1)) d.apply(line);
  const seen = d.state.proposals[0];
  d.apply(lines[approval - 1]); // the last vote
  const now = d.state.proposals[0];
  assert.equal(now.id, seen.id);
  assert.notEqual(now.checksum, seen.checksum);
  assert.ok('closesAt' in now && now.participation === 1);
  const stale = { ...lines[approval], decision: { proposal: now.id, checksum: seen.checksum } };
  assert.throws(() => d.apply(stale), (e) => e instanceof lg.DeploymentError && e.code === 'unverified_decision');
  const step = d.apply({ ...stale, decision: { proposal: now.id, checksum: now.checksum } });
  assert.equal(step.community.status, 'passed');
});
