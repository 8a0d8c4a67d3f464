#!/usr/bin/env node
// Browser tests in Debian's Chromium (never a downloaded browser), driven by playwright-core:
// 1. every conformance vector, and every test of Unleash's client specification, through the
//    WASM package inside the page;
// 2. the sovereignty dashboard end to end: its figures against the same ledger computed by the
//    WASM package under Node, the calculator driven by the keyboard, a screenshot saved under
//    target/ for people to look at.
// Pages are served from 127.0.0.1 by a small static server started here.
import http from 'node:http';
import { readFile, readdir, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';

const root = new URL('../../../', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const wasm = require('../pkg-node/liberation_gates_wasm.js');
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.jsonl': 'text/plain', '.wasm': 'application/wasm', '.png': 'image/png' };

const server = http.createServer(async (req, res) => {
  let path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  if (path.endsWith('/')) path += 'index.html';
  const file = normalize(join(root, path));
  if (!file.startsWith(root)) return res.writeHead(403).end();
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
  } catch {
    res.writeHead(404).end('not found');
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let checks = 0;
let failures = 0;
const check = (ok, what) => {
  checks++;
  if (!ok) {
    failures++;
    console.log(`FAIL ${what}`);
  }
};

try {
  // 1. Vectors.
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const families = (await readdir(join(root, 'tests/vectors'))).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));
  await page.goto(`${base}/crates/wasm/browser/vectors.html?files=${families.join(',')}`);
  await page.waitForFunction(() => window.__result, null, { timeout: 60_000 });
  const r = await page.evaluate(() => window.__result);
  for (const l of r.lines) console.log(l);
  console.log(`browser vectors: ${r.passed} passed, ${r.failed} failed`);
  check(r.failed === 0 && r.passed >= 523 && families.length >= 11 && errors.length === 0, `vectors in the browser (${errors.join('; ')})`);

  // 1b. Unleash's client specification (tests/external/unleash), every file of its index.
  const unleash = await browser.newPage();
  unleash.on('pageerror', (e) => errors.push(String(e)));
  await unleash.goto(`${base}/crates/wasm/browser/unleash.html`);
  await unleash.waitForFunction(() => window.__result, null, { timeout: 60_000 });
  const u = await unleash.evaluate(() => window.__result);
  for (const l of u.lines) console.log(l);
  console.log(`browser Unleash specification: ${u.passed} passed, ${u.failed} failed (${u.files} files)`);
  check(u.failed === 0 && u.passed >= 279 && u.files === 22 && errors.length === 0, `Unleash's specification in the browser (${errors.join('; ')})`);

  // 2. The dashboard.
  const dash = await browser.newPage({ viewport: { width: 1100, height: 1350 }, reducedMotion: 'reduce' });
  dash.on('pageerror', (e) => errors.push(String(e)));
  await dash.goto(`${base}/examples/sovereignty-dashboard/`);
  await dash.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  const ledger = wasm.Ledger.fromJsonl(await readFile(join(root, 'examples/sovereignty-dashboard/ledger.jsonl'), 'utf8'));
  // The page reads the ledger from the store dump: the same ledger as the file it was loaded from.
  const dumped = wasm.Ledger.fromDump(await readFile(join(root, 'examples/sovereignty-dashboard/store-dump.jsonl'), 'utf8'));
  check(JSON.stringify(dumped.sovereigntySummary('GBP')) === JSON.stringify(ledger.sovereigntySummary('GBP')) && JSON.stringify(dumped.currencies) === JSON.stringify(ledger.currencies), 'the store dump holds the sample ledger');
  const text = async (sel) => (await dash.textContent(sel))?.trim();
  // The figures of each currency, as the page shows them, against the WASM package in Node.
  for (const currency of ledger.currencies) {
    await dash.selectOption('#currency', currency);
    const expected = ledger.sovereigntySummary(currency);
    check((await text('#share-percent')) === expected.creatorSharePercent, `${currency} gauge percent ${await text('#share-percent')} vs ${expected.creatorSharePercent}`);
    check((await text('#share-exact')) === expected.creatorShare, `${currency} exact share`);
    check((await dash.getAttribute('#gauge', 'aria-valuenow')) === String(Number(expected.creatorSharePercent)), `${currency} gauge aria-valuenow`);
    check((await text('#floor-status')) === (expected.floorHeld ? 'The 75% floor held in every transaction.' : 'The 75% floor did NOT hold.'), `${currency} floor status`);
    const rows = await dash.$$eval('#payouts tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent.trim())));
    check(JSON.stringify(rows) === JSON.stringify(expected.creators.map((c) => [c.id, `${c.amount} ${currency}`, `${c.shareOfCreatorsPercent}%`])), `${currency} payout rows ${JSON.stringify(rows)}`);
  }
  // Paid against owed: shown for a currency whose ledger rows have payouts, hidden otherwise.
  for (const currency of ledger.currencies) {
    await dash.selectOption('#currency', currency);
    const paid = ledger.sovereigntySummary(currency).paid;
    check((await dash.isVisible('#paid-section')) === Boolean(paid), `${currency} paid section visibility`);
    if (!paid) continue;
    const rows = await dash.$$eval('#paid-table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent.trim())));
    const want = Object.entries(paid.creators).map(([id, l]) => [id, `${l.owed} ${currency}`, `${l.paid} ${currency}`, `${l.shortfall} ${currency}`]);
    check(JSON.stringify(rows) === JSON.stringify(want), `${currency} paid rows ${JSON.stringify(rows)}`);
    check((await text('#paid-text')).includes(`Shortfall ${paid.shortfallTotal} ${currency}`), `${currency} shortfall text: ${await text('#paid-text')}`);
  }
  const gbpPaid = ledger.sovereigntySummary('GBP').paid;
  check(gbpPaid.shortfallTotal === '1.66' && gbpPaid.creators['Sol Reyes'].shortfall === '1.66' && gbpPaid.floorHeld, 'the sample payouts leave Sol Reyes 1.66 short, floor held');
  await dash.selectOption('#currency', 'GBP');
  check((await text('#paid-text')).includes('Sol Reyes is owed 1.66 GBP more'), 'the shortfall is named in words');
  const gbp = ledger.sovereigntySummary('GBP');
  check(Number(gbp.creatorSharePercent) > 75 && gbp.creators.length >= 4 && gbp.refunds === 1, 'the sample ledger tells a real story');

  // The deployment panel, against the same store dump replayed by the WASM package in Node.
  const view = wasm.Deployment.fromDump('events', await readFile(join(root, 'examples/sovereignty-dashboard/store-dump.jsonl'), 'utf8'));
  const vs = view.state;
  check(vs.status === 'rolled_back' && vs.rollback.cause === 'liberation' && vs.rollback.reasons.includes('trauma_informed_ux'), `the sample deployment is the trauma-informed UX story: ${JSON.stringify(vs.rollback)}`);
  const deployText = await text('#deploy-text');
  check(deployText.includes('rolled back in phase 5 (canary)') && deployText.includes('liberation rules: trauma_informed_ux') && deployText.includes('a community vote and a staging re-test'), `deployment text: ${deployText}`);
  check((await text('#weight')) === String(vs.weight) && (await dash.getAttribute('#weight-gauge', 'aria-valuenow')) === String(vs.weight), 'canary weight and its meter');
  const phaseItems = await dash.$$eval('#phases li', (lis) => lis.map((li) => li.textContent.trim()));
  check(JSON.stringify(phaseItems) === JSON.stringify(['infrastructure: passed', 'api gateway: passed', 'business logic: passed', 'integration: passed', 'canary: rolled back', 'full launch: not reached']), `phases ${JSON.stringify(phaseItems)}`);
  const noticeRows = await dash.$$eval('#notices tbody tr', (trs) => trs.map((tr) => tr.children[3].textContent.trim()));
  check(JSON.stringify(noticeRows) === JSON.stringify(view.undelivered().map((n) => n.message)) && noticeRows.length === 9, `notice rows ${noticeRows.length}`);
  check(noticeRows.filter((m) => m.includes('rolled back gently')).length === 2, 'each gentle ramp step is a notice');
  // Liberation values and governance participation, as the core judged them from the dump.
  const libRows = await dash.$$eval('#liberation tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent.trim())));
  check(libRows.length === vs.liberation.length && libRows.length === 4, `one row per liberation rule: ${libRows.length}`);
  const libStatus = Object.fromEntries(vs.liberation.map((l, i) => [l.rule, libRows[i]?.[1]]));
  check(libStatus.trauma_informed_ux === 'failing (gentle rollback)' && libStatus.community_protection === 'holding' && libStatus.creator_sovereignty === 'holding' && libStatus.participation_drop === 'holding', `liberation statuses ${JSON.stringify(libStatus)}`);
  check(libRows.some((r) => r[2] === 'trauma_informed_ux: failed') && libRows.some((r) => r[2] === 'creator_share = 0.78'), `what was last reported: ${JSON.stringify(libRows.map((r) => r[2]))}`);
  const propRows = await dash.$$eval('#proposals tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent.trim())));
  check(JSON.stringify(propRows) === JSON.stringify(vs.proposals.map((p) => [p.id, `${p.subject} ${p.action}`, p.status.replace('_', ' '), `${p.tally.yes} / ${p.tally.no} / ${p.tally.abstain}`, `${Math.round(p.participation * 100)}%`])) && propRows.length === 1 && propRows[0][4] === '100%', `participation rows ${JSON.stringify(propRows)}`);

  // The calculator, by keyboard: focus the amount, type, submit with Enter.
  await dash.focus('#amount');
  await dash.keyboard.press('Control+A');
  await dash.keyboard.type('49.99');
  await dash.keyboard.press('Enter');
  await dash.waitForFunction(() => document.querySelector('#split-table caption')?.textContent.includes('49.99'));
  const shown = await dash.$$eval('#split-table tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent.trim())));
  const s = wasm.split('49.99', 'GBP', [{ id: 'Amara Okafor', weight: '2' }, { id: 'Kofi Mensah', weight: '1' }], { creatorShare: '0.75' });
  const want = [...s.creators.map((p) => [p.id, `${p.amount} GBP`]), ['Platform', `${s.platform} GBP`], ['All creators', `${s.creatorTotal} GBP`]];
  check(JSON.stringify(shown) === JSON.stringify(want), `calculator rows ${JSON.stringify(shown)} vs ${JSON.stringify(want)}`);
  check(JSON.stringify(want.slice(0, 3)) === JSON.stringify([['Amara Okafor', '25.00 GBP'], ['Kofi Mensah', '12.50 GBP'], ['Platform', '12.49 GBP']]), 'calculator figures by hand: pool 37.4925 rounds up to 37.50');

  // A share below the floor is refused with its kind, announced to screen readers.
  await dash.fill('#share', '0.7');
  await dash.click('button[type=submit]');
  await dash.waitForFunction(() => document.getElementById('split-error').textContent.length > 0);
  check((await text('#split-error')).startsWith('sovereignty_violation'), 'the floor is enforced in the page');
  await dash.fill('#share', '0.75');
  await dash.keyboard.press('Enter');
  await dash.waitForFunction(() => document.getElementById('split-error').textContent === '');

  // Every input has a label; the gauge has a text equivalent.
  const unlabelled = await dash.$$eval('input, select, textarea', (els) => els.filter((el) => !(el.labels && el.labels.length)).map((el) => el.id));
  check(unlabelled.length === 0, `unlabelled inputs: ${unlabelled}`);
  check(((await dash.getAttribute('#gauge', 'aria-valuetext')) ?? '').includes('75'), 'gauge aria-valuetext');
  check(errors.length === 0, `page errors: ${errors.join('; ')}`);

  // Issue 16.17: without a built package the page says how to build it, not empty boxes.
  const unbuilt = await browser.newPage();
  await unbuilt.route('**/crates/wasm/pkg/**', (route) => route.fulfill({ status: 404, body: 'not found' }));
  await unbuilt.goto(`${base}/examples/sovereignty-dashboard/`);
  await unbuilt.waitForSelector('body[data-ready="error"]', { timeout: 30_000 });
  const note = (await unbuilt.textContent('#not-built')) ?? '';
  check((await unbuilt.isVisible('#not-built')) && note.includes('sh crates/wasm/build.sh'), `the unbuilt page explains itself: ${note}`);
  await unbuilt.close();

  await mkdir(join(root, 'target'), { recursive: true });
  await dash.screenshot({ path: join(root, 'target/sovereignty-dashboard.png'), fullPage: true });
  console.log('screenshot: target/sovereignty-dashboard.png');
} finally {
  await browser.close();
  server.close();
}
console.log(`browser: ${checks - failures} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
