// @ts-check
/**
 * A plain `http` service (no framework) that guards a flaky dependency with a breaker and an
 * attributed fallback, splits payments, and answers whether a deployment may go on.
 *
 *   node examples/node/service.mjs              serve on 127.0.0.1:8787
 *   node examples/node/service.mjs --port 0     serve on a free port (it prints which)
 *   node examples/node/service.mjs --self-test  start on a free port, call each route, stop
 *
 * Routes: GET /split?gross=30.00&currency=GBP&creators=amara:2,kofi:1
 *         GET /events/42        (the events API fails 70% of the time)
 *         POST /decision        body: {"t", "metrics", "checks"}
 *         POST /audit           body: {"gross", "currency", "creators", "paid"}
 *         GET /metrics          Prometheus: the breaker, decisions, audits (docs/metrics.md)
 */
import http from 'node:http';
import * as lg from '../../crates/node/lib.mjs';

const breaker = new lg.CircuitBreaker({ name: 'events', window: { type: 'count', size: 10 }, minimumCalls: 5, openSeconds: 30, timeout: 500 });
breaker.on('open', () => console.log('events breaker opened: serving cached, attributed answers'));
const cache = new lg.FallbackCache(500, 600);
const policy = lg.Policy.builtin();
const evaluator = policy.evaluator();
const exposition = new lg.Metrics();
exposition.addBreaker('events', breaker);
let calls = 0;

/** @param {string} id */
async function eventsApi(id) {
  calls++;
  if (calls > 1 && calls % 10 < 7) throw new Error('events API timed out');
  return { value: { id, title: 'Jazz night at the co-op' }, attribution: { creators: ['amara', 'kofi'], revenue: 'creators 75% / platform 25%' } };
}

/** @param {http.ServerResponse} res @param {number} status @param {unknown} body */
function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** @param {unknown} e */
function failure(e) {
  if (e instanceof lg.LiberationGatesError) return { status: 422, body: { error: e.code, message: e.detail } };
  return { status: 503, body: { error: 'unavailable', message: String(e) } };
}

export const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  try {
    if (req.method === 'GET' && url.pathname === '/split') {
      const creators = (url.searchParams.get('creators') ?? '').split(',').filter(Boolean).map((c) => {
        const [id, weight] = c.split(':');
        return { id, weight: weight ?? '1' };
      });
      return send(res, 200, lg.split(url.searchParams.get('gross') ?? '', url.searchParams.get('currency') ?? '', creators, { creatorShare: url.searchParams.get('share') ?? undefined }));
    }
    if (req.method === 'GET' && url.pathname.startsWith('/events/')) {
      const id = url.pathname.slice('/events/'.length);
      return send(res, 200, await cache.fire(breaker, `event:${id}`, eventsApi, id));
    }
    if (req.method === 'POST' && url.pathname === '/decision') {
      let body = '';
      for await (const chunk of req) body += chunk;
      const o = JSON.parse(body || '{}');
      const decision = evaluator.observe(o.t, o.metrics, o.checks);
      exposition.recordDecision('events-api', policy, decision, o.metrics, o.checks);
      return send(res, 200, decision);
    }
    if (req.method === 'POST' && url.pathname === '/audit') {
      let body = '';
      for await (const chunk of req) body += chunk;
      const a = JSON.parse(body || '{}');
      return send(res, 200, exposition.recordAudit(a.gross, a.currency, a.creators, a.paid));
    }
    if (req.method === 'GET' && url.pathname === '/metrics') {
      const { contentType, body } = exposition.scrape(req.headers.accept);
      res.writeHead(200, { 'content-type': contentType });
      return res.end(body);
    }
    send(res, 404, { error: 'not_found' });
  } catch (e) {
    const { status, body } = failure(e);
    send(res, status, body);
  }
});

if (process.argv.includes('--self-test')) {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const addr = server.address();
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const get = async (/** @type {string} */ path, /** @type {RequestInit} */ init = {}) => {
    const r = await fetch(base + path, init);
    return [r.status, await r.json()];
  };
  console.log(await get('/split?gross=30.00&currency=GBP&creators=amara:2,kofi:1'));
  console.log(await get('/split?gross=30.00&currency=GBP&creators=amara:1&share=0.6'));
  for (let i = 0; i < 8; i++) console.log(await get('/events/42'));
  const checks = Object.fromEntries(['database', 'cache', 'storage', 'api_gateway', 'auth', 'business_logic', 'integration', 'community_protection', 'trauma_informed_ux'].map((c) => [c, true]));
  const metrics = { http_error_rate: 0.002, response_time_degradation: 0.1, creator_share: 0.8, governance_participation_drop: 0, capacity_utilization: 0.4 };
  console.log(await get('/decision', { method: 'POST', body: JSON.stringify({ t: 0, metrics, checks }) }));
  console.log(await get('/decision', { method: 'POST', body: JSON.stringify({ t: 60, metrics: { ...metrics, http_error_rate: 0.02 }, checks }) }));
  const sale = { gross: '30.00', currency: 'GBP', creators: [{ id: 'amara', weight: '2' }, { id: 'kofi', weight: '1' }] };
  console.log(await get('/audit', { method: 'POST', body: JSON.stringify({ ...sale, paid: [{ id: 'amara', amount: '14.90' }, { id: 'kofi', amount: '7.45' }] }) }));
  const scraped = await fetch(base + '/metrics');
  console.log(scraped.headers.get('content-type'), (await scraped.text()).split('\n').length, 'lines of metrics');
  server.close();
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf('--port');
  const port = at > 0 ? Number(process.argv[at + 1]) : 8787;
  server.listen(port, '127.0.0.1', () => {
    const addr = server.address();
    console.log(`listening on http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : port}`);
  });
}
