// The conformance vectors as calls of a liberation-gates JavaScript API. No imports: the same
// file runs in Node (napi and WASM packages) and in the browser.
const num = (o, k) => (typeof o?.[k] === 'number' ? o[k] : NaN);
// A decimal string as given (null/undefined when absent). Anything else in its place — a JSON
// number among them — is not a decimal string (SPEC's conventions): it is passed on as text
// the API refuses with the field's invalid-value error.
const text = (v) => (v === null || v === undefined || typeof v === 'string' ? v : `${JSON.stringify(v)} (JSON ${typeof v}, not a decimal string)`);
const amounts = (list) => list.map((p) => ({ id: p.id, amount: p.amount }));

/**
 * The conformance runners over a liberation-gates API object `lg` (the napi package or the
 * WASM one: both expose the same names and result shapes). `isError(e)` tells the
 * library's errors (carrying `.code`, the core's kind) from anything else, which is rethrown.
 */
// The vote that gives each status when tallied at t = 0: [quorum, closesAt, choice or null].
const VOTES_FOR = { passed: ['0', 0, 'yes'], rejected: ['0', 0, 'no'], no_quorum: ['1', 0, null], open: ['0', 1, 'yes'] };

/**
 * A vector's decision {subject, action, status} as the flag rule needs it: a real one-member
 * proposal whose votes give that status at t = 0, handed over whole (`proposal.terms`). Any
 * other status is handed over as a record made by hand, refused as the rule says.
 */
function backedByVotes(lg, d) {
  const subject = d.subject ?? '';
  const action = d.action ?? '';
  if (typeof d.status !== 'string' || !Object.hasOwn(VOTES_FOR, d.status)) return { subject, action, status: d.status ?? '' };
  const [quorum, closesAt, choice] = VOTES_FOR[d.status];
  const p = new lg.Proposal(['m'], quorum, '0.5', -2, closesAt);
  if (choice) p.cast(-1, 'm', choice);
  return p.terms(subject, action);
}

export function makeRunners(lg, isError) {
const error = (e) => {
  if (isError(e)) return { error: e.code };
  throw e;
};
const seqError = (key, items, e, at) => {
  if (!isError(e)) throw e;
  return { [key]: items, error: e.code, at };
};

return {
  split(i) {
    try {
      const s = lg.split(text(i.gross ?? ''), i.currency ?? '', (i.creators ?? []).map((c) => ({ id: c.id ?? '', weight: text(c.weight ?? '') })), {
        creatorShare: text(i.creator_share) ?? undefined,
        fee: text(i.fee) ?? undefined,
        feeMode: i.fee_mode ?? undefined,
      });
      return { creators: s.creators.map((p) => ({ id: p.id, amount: p.amount })), platform: s.platform, fee: s.fee, creator_total: s.creatorTotal };
    } catch (e) {
      return error(e);
    }
  },
  threshold(i) {
    const r = i.rule ?? {};
    let th;
    try {
      th = new lg.Threshold(r.op ?? '', num(r, 'threshold'), num(r, 'for_seconds'), { keepFiringForSeconds: r.keep_firing_for_seconds, maxGapSeconds: r.max_gap_seconds });
    } catch (e) {
      return error(e);
    }
    const states = [];
    for (const [n, s] of (i.samples ?? []).entries()) {
      try {
        states.push(th.observe(num(s, 't'), typeof s.value === 'number' ? s.value : null));
      } catch (e) {
        return seqError('states', states, e, n);
      }
    }
    return { states };
  },
  window_rate(i) {
    let w;
    try {
      w = new lg.WindowRate(num(i, 'window_seconds'), num(i, 'min_requests'));
    } catch (e) {
      return error(e);
    }
    const rates = [];
    for (const [n, s] of (i.samples ?? []).entries()) {
      try {
        rates.push(w.push(num(s, 't'), num(s, 'requests'), num(s, 'errors')));
      } catch (e) {
        return seqError('rates', rates, e, n);
      }
    }
    return { rates };
  },
  breaker(i) {
    let m;
    try {
      m = new lg.BreakerMachine(i.config ?? {});
    } catch (e) {
      return error(e);
    }
    const steps = [];
    for (const [n, op] of (i.ops ?? []).entries()) {
      let permitted;
      try {
        permitted = m.apply(num(op, 't'), op.op ?? '', op.outcome, op.seconds);
      } catch (e) {
        return seqError('steps', steps, e, n);
      }
      steps.push(permitted === null || permitted === undefined ? { state: m.state } : { state: m.state, permitted });
    }
    return { steps };
  },
  governance(i) {
    try {
      const votes = (i.votes ?? []).map((v) => ({ t: num(v, 't'), member: v.member ?? '', choice: v.choice ?? '' }));
      const r = lg.Proposal.read(i.electorate ?? [], text(i.quorum ?? ''), text(i.pass_threshold ?? ''), num(i, 'opens_at'), num(i, 'closes_at'), votes, num(i, 'now'));
      return { status: r.status, yes: r.yes, no: r.no, abstain: r.abstain, refused: r.refused.map((x) => ({ index: x.index, error: x.error })) };
    } catch (e) {
      return error(e);
    }
  },
  flags(i) {
    let flags;
    try {
      flags = new lg.FlagSet(i.flags ?? []);
    } catch (e) {
      return error(e);
    }
    const steps = [];
    for (const op of i.ops ?? []) {
      const d = op.decision;
      try {
        const decision = d && typeof d === 'object' ? backedByVotes(lg, d) : undefined;
        const s = flags.apply(op.key ?? '', op.op ?? '', typeof op.value === 'number' ? op.value : undefined, { decision });
        steps.push({ ok: true, enabled: s.enabled, intensity: s.intensity });
      } catch (e) {
        if (!isError(e)) throw e;
        steps.push({ ok: false, error: e.code });
      }
    }
    return { steps };
  },
  policy(i) {
    const ev = lg.Policy.builtin().evaluator();
    const decisions = [];
    for (const [n, o] of (i.observations ?? []).entries()) {
      try {
        const d = ev.observe(num(o, 't'), o.metrics ?? {}, o.checks ?? {});
        decisions.push({ action: d.action, severity: d.severity, reasons: d.reasons });
      } catch (e) {
        return seqError('decisions', decisions, e, n);
      }
    }
    return { decisions };
  },
  rollout(i) {
    let plan;
    try {
      plan = new lg.RolloutPlan(i.steps ?? null, i.gentle_step_seconds === undefined || i.gentle_step_seconds === null ? undefined : num(i, 'gentle_step_seconds'));
    } catch (e) {
      return error(e);
    }
    const r = new lg.Rollout(plan, typeof i.started_at === 'number' ? i.started_at : 0);
    const states = [];
    for (const [n, ev] of (i.events ?? []).entries()) {
      try {
        const s = r.apply(num(ev, 't'), ev.type ?? '', ev.decision, typeof ev.step === 'number' ? ev.step : undefined, ev.outcome);
        states.push({ status: s.status, step: s.step, weight: s.weight });
      } catch (e) {
        return seqError('states', states, e, n);
      }
    }
    return { states };
  },
  bucket(i) {
    try {
      return { bucket: lg.bucket(i.id ?? '', i.group ?? '', i.modulus, i.seed) };
    } catch (e) {
      return error(e);
    }
  },
  payout_audit(i) {
    const s = i.split ?? {};
    try {
      const a = lg.audit(
        text(s.gross ?? ''),
        s.currency ?? '',
        (s.creators ?? []).map((c) => ({ id: c.id ?? '', weight: text(c.weight ?? '') })),
        (i.paid ?? []).map((p) => ({ id: p.id ?? '', amount: text(p.amount ?? '') })),
        { creatorShare: text(s.creator_share) ?? undefined, fee: text(s.fee) ?? undefined, feeMode: s.fee_mode ?? undefined },
      );
      return {
        expected: amounts(a.expected),
        creator_total: a.creatorTotal,
        paid_total: a.paidTotal,
        shortfalls: amounts(a.shortfalls),
        exact: a.exact,
        floor_held: a.floorHeld,
        creator_share_paid: a.creatorSharePaid ?? null,
      };
    } catch (e) {
      return error(e);
    }
  },
  health(i) {
    try {
      const r = new lg.HealthModel(i.checks ?? []).evaluate(i.status ?? {});
      return { levels: r.levels, overall: r.overall, action: r.action, failing: r.failing };
    } catch (e) {
      return error(e);
    }
  },
};

}

/** What differs between two JSON values (empty when equal); numbers within 1e-12 relative when `tolerant`. */
export function diff(expected, actual, tolerant, path = '$') {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const same = expected === actual || (tolerant && Math.abs(expected - actual) <= 1e-12 * Math.max(Math.abs(expected), Math.abs(actual)));
    return same ? [] : [`${path}: expected ${expected}, got ${actual}`];
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const out = expected.length === actual.length ? [] : [`${path}: expected ${expected.length} items, got ${actual.length}`];
    expected.forEach((x, n) => n < actual.length && out.push(...diff(x, actual[n], tolerant, `${path}[${n}]`)));
    return out;
  }
  if (expected && actual && typeof expected === 'object' && typeof actual === 'object' && !Array.isArray(expected) && !Array.isArray(actual)) {
    const out = [];
    for (const [k, x] of Object.entries(expected)) out.push(...(k in actual ? diff(x, actual[k], tolerant, `${path}.${k}`) : [`${path}.${k}: expected ${JSON.stringify(x)}, missing`]));
    for (const k of Object.keys(actual)) if (!(k in expected)) out.push(`${path}.${k}: unexpected ${JSON.stringify(actual[k])}`);
    return out;
  }
  return expected === actual ? [] : [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}

/** Runs one case; returns the actual result and the differences from `expect`. */
export function runCase(runners, family, c) {
  const actual = runners[family](c.input ?? {});
  return { actual, problems: diff(c.expect, actual, family === 'window_rate') };
}

/** Runs a parsed vector document; returns `{passed, failed, failures: [{name, problems}]}`. */
export function runDocument(runners, doc) {
  if (!(doc.family in runners)) throw new Error(`unknown family ${doc.family}`);
  const out = { family: doc.family, passed: 0, failed: 0, failures: [] };
  for (const c of doc.cases ?? []) {
    const { problems } = runCase(runners, doc.family, c);
    if (problems.length) {
      out.failed++;
      out.failures.push({ name: c.name, problems });
    } else out.passed++;
  }
  return out;
}


