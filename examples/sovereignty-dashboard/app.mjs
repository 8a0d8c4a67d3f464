// The dashboard's logic is display only: every figure comes from the WASM package.
const $ = (id) => document.getElementById(id);

// Loaded dynamically so that a missing build says so, instead of leaving empty boxes.
let wasm;
try {
  wasm = await import('../../crates/wasm/pkg/liberation_gates_wasm.js');
  await wasm.default();
} catch (e) {
  const note = $('not-built');
  note.hidden = false;
  note.textContent = `The WebAssembly package could not be loaded (${e.message}). Build it first: sh crates/wasm/build.sh (scripts/test does), then reload this page.`;
  document.body.dataset.ready = 'error';
  throw e;
}
const { Deployment, DeploymentPlan, Ledger, split } = wasm;

let ledger;

function showSummary() {
  const currency = $('currency').value;
  const s = ledger.sovereigntySummary(currency);
  if (!s) return;
  const pct = Number(s.creatorSharePercent);
  $('gauge-fill').style.width = `${Math.min(pct, 100)}%`;
  $('gauge').setAttribute('aria-valuenow', String(pct));
  $('gauge').setAttribute('aria-valuetext', `${s.creatorSharePercent}% to creators; the floor is ${s.floorPercent}%`);
  $('share-percent').textContent = s.creatorSharePercent;
  $('share-exact').textContent = s.creatorShare;
  const status = $('floor-status');
  status.textContent = s.floorHeld ? 'The 75% floor held in every transaction.' : 'The 75% floor did NOT hold.';
  status.className = s.floorHeld ? 'held' : 'broken';
  $('gross').textContent = `${s.gross} ${currency}`;
  $('creator-total').textContent = `${s.creatorTotal} ${currency}`;
  $('platform-total').textContent = `${s.platformTotal} ${currency}`;
  $('transactions').textContent = `${s.transactions} (${s.refunds} refunded)`;
  const body = $('payouts').querySelector('tbody');
  body.replaceChildren(
    ...s.creators.map((c) => {
      const tr = document.createElement('tr');
      tr.append(cell('th', c.id, { scope: 'row' }), cell('td', `${c.amount} ${currency}`, { class: 'num' }), cell('td', `${c.shareOfCreatorsPercent}%`, { class: 'num' }));
      return tr;
    }),
  );
  showPaid(s.paid, currency);
  document.body.dataset.ready = 'true';
}

// Payouts made by the payment system, audited against the splits (shown when the ledger has any).
function showPaid(paid, currency) {
  const section = $('paid-section');
  section.hidden = !paid;
  if (!paid) return;
  // A shortfall is a decimal string: any non-zero digit means the creator is owed more.
  const short = Object.entries(paid.creators).filter(([, l]) => /[1-9]/.test(l.shortfall));
  $('paid-text').textContent =
    `Paid ${paid.paidTotal} ${currency} of ${paid.owedTotal} ${currency} owed` +
    ` (creators' paid share ${paid.creatorSharePaid ?? 'n/a'}). ` +
    (paid.floorHeld ? 'The 75% floor held on money actually paid. ' : 'The 75% floor did NOT hold on money actually paid. ') +
    (short.length ? `Shortfall ${paid.shortfallTotal} ${currency}: ${short.map(([id, l]) => `${id} is owed ${l.shortfall} ${currency} more`).join('; ')}.` : 'Nobody is owed anything more.');
  $('paid-table').querySelector('tbody').replaceChildren(
    ...Object.entries(paid.creators).map(([id, l]) => {
      const tr = document.createElement('tr');
      if (short.some(([s]) => s === id)) tr.className = 'short';
      tr.append(cell('th', id, { scope: 'row' }), ...[l.owed, l.paid, l.shortfall].map((a) => cell('td', `${a} ${currency}`, { class: 'num' })));
      return tr;
    }),
  );
}

function cell(tag, text, attrs = {}) {
  const el = document.createElement(tag);
  el.textContent = text;
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

// A ledger from a JSON-lines file, or (fromDump) the one kept in the sample store dump.
function loadLedger(text, fromDump = false) {
  ledger = fromDump ? Ledger.fromDump(text) : Ledger.fromJsonl(text);
  const select = $('currency');
  select.replaceChildren(...ledger.currencies.map((c) => cell('option', c)));
  showSummary();
}

// The deployment, replayed by the core from a store dump: phases, traffic, notices.
function showDeployment(dump) {
  const d = Deployment.fromDump('events', dump);
  const s = d.state;
  $('deploy-text').textContent =
    `${s.service}: ${s.status.replace('_', ' ')} in phase ${s.phaseIndex + 1} (${s.phase})` +
    (s.rollback ? `, rolled back because of ${s.rollback.cause} rules: ${s.rollback.reasons.join(', ')}.` : '.') +
    (s.redeployNeeds.length ? ` A redeploy needs ${s.redeployNeeds.map((n) => (n === 'decision' ? 'a community vote' : 'a staging re-test')).join(' and ')}.` : '');
  $('phases').replaceChildren(
    ...DeploymentPlan.builtin().phases.map((name, i) => {
      const state = i < s.phaseIndex || s.status === 'completed' ? 'passed' : i === s.phaseIndex ? s.status.replace('_', ' ') : 'not reached';
      const li = cell('li', `${name.replaceAll('_', ' ')}: ${state}`);
      li.className = state.replace(' ', '-');
      return li;
    }),
  );
  $('weight').textContent = String(s.weight);
  $('weight-fill').style.width = `${s.weight}%`;
  $('weight-gauge').setAttribute('aria-valuenow', String(s.weight));
  $('weight-gauge').setAttribute('aria-valuetext', `${s.weight}% of people see the new version`);
  // Liberation values: each rule's status as the core judged it, and what was last reported.
  const STATUS = { holding: 'holding', failing: 'failing', unknown: 'unknown: not reported' };
  $('liberation').querySelector('tbody').replaceChildren(
    ...s.liberation.map((l) => {
      const tr = document.createElement('tr');
      tr.className = `liberation-${l.status}`;
      const reported = [
        ...(l.metric ? [`${l.metric} = ${l.value ?? 'not reported'}`] : []),
        ...Object.entries(l.checks).map(([c, v]) => `${c}: ${v === null ? 'not reported' : v ? 'passed' : 'failed'}`),
      ];
      const status = l.status === 'failing' ? `failing (${l.action.replace('_', ' ')})` : STATUS[l.status];
      tr.append(cell('th', l.rule.replaceAll('_', ' '), { scope: 'row' }), cell('td', status), cell('td', reported.join('; ')), cell('td', l.description ?? ''));
      return tr;
    }),
  );
  $('proposals').querySelector('tbody').replaceChildren(
    ...s.proposals.map((p) => {
      const tr = document.createElement('tr');
      const took = `${Math.round(p.participation * 100)}%`;
      tr.append(cell('th', p.id, { scope: 'row' }), cell('td', `${p.subject} ${p.action}`), cell('td', p.status.replace('_', ' ')),
        cell('td', `${p.tally.yes} / ${p.tally.no} / ${p.tally.abstain}`, { class: 'num' }), cell('td', took, { class: 'num' }));
      return tr;
    }),
  );
  $('notices').querySelector('tbody').replaceChildren(
    ...d.undelivered().map((n) => {
      const tr = document.createElement('tr');
      tr.className = `severity-${n.severity}`;
      tr.append(cell('td', `t=${n.t}`, { class: 'num' }), cell('td', n.kind.replace('_', ' ')), cell('td', n.severity), cell('td', n.message));
      return tr;
    }),
  );
}

function calculate(event) {
  event?.preventDefault();
  const out = $('split-result');
  $('split-error').textContent = '';
  const currency = $('calc-currency').value;
  const creators = $('creators').value.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
    const [id, weight = '1'] = l.split('=').map((x) => x.trim());
    return { id, weight };
  });
  try {
    const s = split($('amount').value.trim(), currency, creators, { creatorShare: $('share').value.trim() || undefined });
    const table = document.createElement('table');
    table.id = 'split-table';
    table.append(cell('caption', `Split of ${s.gross} ${currency} (creators' pool rounded up; leftover cents by largest remainder)`));
    for (const p of s.creators) table.append(row(p.id, p.amount));
    table.append(row('Platform', s.platform), row('All creators', s.creatorTotal));
    out.replaceChildren(table);
  } catch (e) {
    out.replaceChildren();
    $('split-error').textContent = e.code ? `${e.code}: ${e.detail ?? e.message}` : String(e.message ?? e);
  }

  function row(label, amount) {
    const tr = document.createElement('tr');
    tr.append(cell('th', label, { scope: 'row' }), cell('td', `${amount} ${currency}`, { class: 'num' }));
    return tr;
  }
}

$('reduce-motion').addEventListener('change', (e) => document.body.classList.toggle('reduce-motion', e.target.checked));
$('currency').addEventListener('change', showSummary);
$('calculator').addEventListener('submit', calculate);
$('ledger-file').addEventListener('change', async (e) => {
  const file = e.target.files?.[0];
  if (!file) return;
  try {
    loadLedger(await file.text());
  } catch (err) {
    $('split-error').textContent = `${err.code ?? 'error'}: ${err.detail ?? err.message}`;
  }
});
// One store dump (`liberation-gates store dump`) holds the ledger and the deployment.
const dump = await (await fetch('store-dump.jsonl')).text();
loadLedger(dump, true);
showDeployment(dump);
calculate();
