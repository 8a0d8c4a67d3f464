// Prometheus metrics from Node (issue 20): the exposition, promtool on it, and a real
// Prometheus server scraping the example service (examples/node/service.mjs). Prometheus comes
// from Debian's `prometheus` package (scripts/test installs it); without it the server tests
// are skipped with the reason, and with LG_REQUIRE_SERVERS=1 they fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lg from '../lib.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const which = (cmd) => {
  try {
    return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
};
const PROMETHEUS = which('prometheus');
const PROMTOOL = which('promtool');
if ((!PROMETHEUS || !PROMTOOL) && process.env.LG_REQUIRE_SERVERS === '1') {
  throw new Error('LG_REQUIRE_SERVERS=1 but prometheus/promtool are not installed (Debian package prometheus)');
}
const NO_PROMETHEUS = (!PROMETHEUS || !PROMTOOL) && 'prometheus is not installed (Debian package prometheus; scripts/test installs it)';

/** The value of the one sample `name{labels…}` whose labels include `labels`. */
function sample(text, name, labels = {}) {
  const found = [];
  for (const line of text.split('\n')) {
    const m = /^([a-z_0-9]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) found.push(Number(m[3]));
  }
  assert.equal(found.length, 1, `${name} ${JSON.stringify(labels)} in\n${text}`);
  return found[0];
}

const CHECKS = Object.fromEntries(['database', 'cache', 'storage', 'api_gateway', 'auth', 'business_logic', 'integration', 'community_protection', 'trauma_informed_ux'].map((c) => [c, true]));
const VALUES = { http_error_rate: 0.002, response_time_degradation: 0.1, creator_share: 0.8, governance_participation_drop: 0, capacity_utilization: 0.4 };

test('a CircuitBreaker is read at each scrape under resilience4j names', async () => {
  const m = new lg.Metrics();
  const b = new lg.CircuitBreaker({ name: 'events', window: { type: 'count', size: 4 }, minimumCalls: 2 });
  m.addBreaker('events', b);
  assert.equal(sample(m.encode(), 'resilience4j_circuitbreaker_state', { name: 'events', state: 'closed' }), 1);
  assert.equal(await b.fire(async () => 1), 1);
  await assert.rejects(b.fire(async () => { throw new Error('down'); }), /down/);
  await assert.rejects(b.fire(async () => 3), (e) => e instanceof lg.CircuitOpenError);
  const text = m.encode();
  assert.equal(sample(text, 'resilience4j_circuitbreaker_state', { name: 'events', state: 'open' }), 1);
  assert.equal(sample(text, 'resilience4j_circuitbreaker_calls_total', { name: 'events', kind: 'successful' }), 1);
  assert.equal(sample(text, 'resilience4j_circuitbreaker_calls_total', { name: 'events', kind: 'failed' }), 1);
  assert.equal(sample(text, 'resilience4j_circuitbreaker_not_permitted_calls_total', { name: 'events' }), 1);
  assert.equal(sample(text, 'resilience4j_circuitbreaker_failure_rate', { name: 'events' }), 50);
  assert.throws(() => m.addBreaker('x', {}), TypeError);
});

test('decisions, audits, rollouts, deployments and proposals', () => {
  const m = new lg.Metrics();
  const policy = lg.Policy.builtin();
  const ev = policy.evaluator();
  m.recordDecision('api', policy, ev.observe(0, VALUES, CHECKS), VALUES, CHECKS);
  const harmful = { ...CHECKS, trauma_informed_ux: false };
  const d = ev.observe(60, VALUES, harmful);
  m.recordDecision('api', policy, d, VALUES, harmful);
  const a = m.recordAudit('30.00', 'GBP', [{ id: 'amara', weight: '2' }, { id: 'kofi', weight: '1' }], [{ id: 'amara', amount: '14.90' }, { id: 'kofi', amount: '7.45' }]);
  assert.deepEqual(a, lg.audit('30.00', 'GBP', [{ id: 'amara', weight: '2' }, { id: 'kofi', weight: '1' }], [{ id: 'amara', amount: '14.90' }, { id: 'kofi', amount: '7.45' }]));
  const r = new lg.Rollout();
  r.observe(0, 'proceed');
  m.setRollout('web', r);
  m.setDeployment(new lg.Deployment('checkout'));
  const p = new lg.Proposal(['a', 'b', 'c', 'd'], '0.5', '0.5', 0, 100);
  p.cast(1, 'a', 'yes');
  m.setProposal('p1', p, 2);
  const text = m.encode();
  for (const rule of d.reasons) {
    assert.equal(sample(text, 'liberation_gates_decisions_total', { service: 'api', action: d.action, severity: d.severity, rule }), 1);
  }
  assert.equal(sample(text, 'liberation_rule_status', { service: 'api', rule: 'trauma_informed_ux', status: 'failing' }), 1);
  assert.equal(sample(text, 'liberation_payout_shortfall_minor_units_total', { currency: 'GBP' }), 15);
  assert.equal(sample(text, 'liberation_creator_share_paid', { currency: 'GBP' }), 0.745);
  assert.equal(sample(text, 'liberation_gates_rollout_status', { rollout: 'web', status: r.state.status }), 1);
  assert.equal(sample(text, 'liberation_gates_deployment_attempt', { service: 'checkout' }), 1);
  assert.equal(sample(text, 'liberation_governance_participation', { proposal: 'p1' }), 0.25);
  assert.throws(() => m.recordAudit('10.00', 'GBP', [{ id: 'amara', weight: '1' }], [{ id: 'nobody', amount: '1.00' }]), (e) => e instanceof lg.SplitError && e.code === 'unknown_creator');
  assert.equal(sample(m.encode(), 'liberation_payout_audits_total', { currency: 'GBP' }), 1);
});

test('scrape negotiates; the classic format passes promtool', { skip: NO_PROMETHEUS }, () => {
  const m = new lg.Metrics();
  m.recordAudit('30.00', 'GBP', [{ id: 'amara', weight: '1' }], [{ id: 'amara', amount: '22.50' }]);
  const open = m.scrape('application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5');
  assert.match(open.contentType, /^application\/openmetrics-text/);
  assert.equal(open.body, m.encode());
  const classic = m.scrape(null);
  assert.match(classic.contentType, /^text\/plain; version=0\.0\.4/);
  assert.equal(classic.body, m.encodeText());
  const checked = spawnSync(PROMTOOL, ['check', 'metrics'], { input: classic.body, encoding: 'utf8' });
  assert.equal(checked.status, 0, checked.stdout + checked.stderr);
});

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

test('a real Prometheus scrapes the example service and answers a query', { skip: NO_PROMETHEUS, timeout: 120_000 }, async (t) => {
  const service = spawn(process.execPath, [join(ROOT, 'examples/node/service.mjs'), '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => service.kill());
  const address = await new Promise((resolve, reject) => {
    let out = '';
    service.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /listening on http:\/\/(\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    service.on('exit', (code) => reject(new Error(`the example service exited with ${code}: ${out}`)));
  });
  const base = `http://${address}`;
  // Something to report: an underpaid sale and a harmful decision.
  const sale = { gross: '30.00', currency: 'GBP', creators: [{ id: 'amara', weight: '2' }, { id: 'kofi', weight: '1' }] };
  await fetch(`${base}/audit`, { method: 'POST', body: JSON.stringify({ ...sale, paid: [{ id: 'amara', amount: '14.90' }, { id: 'kofi', amount: '7.45' }] }) });
  await fetch(`${base}/decision`, { method: 'POST', body: JSON.stringify({ t: 0, metrics: VALUES, checks: { ...CHECKS, community_protection: false } }) });
  const served = await fetch(`${base}/metrics`);
  const checked = spawnSync(PROMTOOL, ['check', 'metrics'], { input: await served.text(), encoding: 'utf8' });
  assert.equal(checked.status, 0, checked.stdout + checked.stderr);

  const dir = mkdtempSync(join(tmpdir(), 'lg-prometheus-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'prometheus.yml'), `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: liberation-gates-node\n    static_configs:\n      - targets: ['${address}']\n`);
  const web = `127.0.0.1:${await freePort()}`;
  const log = openSync(join(dir, 'prometheus.log'), 'w');
  const server = spawn(PROMETHEUS, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=${web}`], { stdio: ['ignore', 'ignore', log] });
  const exited = new Promise((resolve) => server.on('exit', resolve));
  t.after(async () => {
    server.kill();
    await exited;
  });
  const query = async (q) => {
    const r = await fetch(`http://${web}/api/v1/query?query=${encodeURIComponent(q)}`);
    const body = await r.json();
    assert.equal(body.status, 'success', JSON.stringify(body));
    return body.data.result;
  };
  let shortfall = [];
  for (let i = 0; i < 90 && shortfall.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    shortfall = await query('liberation_payout_shortfall_minor_units_total{currency="GBP"}').catch(() => []);
  }
  assert.equal(shortfall.length, 1, 'Prometheus did not scrape the example service within 90 s');
  assert.equal(shortfall[0].value[1], '15');
  assert.equal(shortfall[0].metric.job, 'liberation-gates-node');
  const [protection] = await query('liberation_rule_check{rule="community_protection"}');
  assert.equal(protection.value[1], '0');
  const [state] = await query('resilience4j_circuitbreaker_state{name="events",state="closed"}');
  assert.equal(state.value[1], '1');
});
