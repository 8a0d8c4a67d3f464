'use strict';
/**
 * liberation-gates for Node: the Rust core's rules (creator split, deployment gates,
 * breakers, governance, flags) with JavaScript's idioms.
 *
 * This file converts errors and argument types, and adds the opossum-style breaker API;
 * every rule lives in the Rust core (native.cjs loads it).
 */
const native = loadNative();

/** The napi addon; without one for this platform, an error that says how to get it (the
 * generated loader's own message blames npm). */
function loadNative() {
  try {
    return require('./native.cjs');
  } catch (e) {
    const err = new Error(
      `liberation-gates: the native addon for ${process.platform}-${process.arch} is not built. ` +
        'Install the package again with Rust (cargo) available — its install script builds the addon — ' +
        `or run \`npm run build\` in ${__dirname}.`,
    );
    err.code = 'ERR_LIBERATION_GATES_NOT_BUILT';
    err.cause = e;
    throw err;
  }
}

const { LiberationGatesError, SplitError, ThresholdError, WindowError, BreakerError, GovernanceError, FlagError, PolicyError, RolloutError, HealthError, BucketError, StoreError, DeploymentError, CircuitOpenError, guarded, wrapClass } = require('./errors.cjs');

// -- Money -----------------------------------------------------------------------------------

/** An amount of money as the native functions take it; anything else is a TypeError naming it. */
function money(value, what) {
  if (typeof value === 'string' || typeof value === 'bigint') return value;
  const got = value === null ? 'null' : typeof value;
  const why = got === 'number' ? ': a binary float cannot hold an amount of money exactly' : '';
  throw new TypeError(`${what} must be a decimal string (e.g. "12.50") or a bigint of minor units, not ${got}${why}`);
}

/**
 * Refuses keys an argument object does not have, naming them: napi would drop them silently,
 * and on a money path a misspelt `creator_share: '0.9'` would pay creators the default 75%.
 */
function known(obj, keys, what) {
  if (obj && typeof obj === 'object') {
    for (const k of Object.keys(obj)) {
      if (!keys.includes(k)) throw new TypeError(`unknown ${what} ${JSON.stringify(k)}: expected ${keys.join(', ')}`);
    }
  }
  return obj;
}
const SPLIT_OPTIONS = ['creatorShare', 'fee', 'feeMode', 'step'];
function knownCreators(creators) {
  if (Array.isArray(creators)) for (const c of creators) known(c, ['id', 'weight'], 'creator field');
  return creators;
}

function moneyOptions(options) {
  known(options, SPLIT_OPTIONS, 'split option');
  if (options) {
    if (options.fee !== undefined && options.fee !== null) money(options.fee, 'fee');
    if (options.step !== undefined && options.step !== null) money(options.step, 'step');
  }
  return options;
}

const nativeSplit = guarded(native.split);
/** Splits a payment so creators keep at least 75% (see README). */
function split(gross, currency, creators, options) {
  return nativeSplit(money(gross, 'gross'), currency, knownCreators(creators), moneyOptions(options));
}

const nativeAudit = guarded(native.audit);
/** Audits payouts made elsewhere against the split (SPEC §10); amounts as in `split`. */
function audit(gross, currency, creators, paid, options) {
  const checked = Array.isArray(paid) ? paid.map((p) => (p && typeof p === 'object' ? { ...known(p, ['id', 'amount'], 'payout field'), amount: money(p.amount, 'paid amount') } : p)) : paid;
  return nativeAudit(money(gross, 'gross'), currency, knownCreators(creators), checked, moneyOptions(options));
}

const Ledger = wrapClass(native.Ledger);
{
  const { recordSplit, recordRefund, recordPayout } = Ledger.prototype;
  Ledger.prototype.recordPayout = function (id, t, splitId, creator, amount) {
    return recordPayout.call(this, id, t, splitId, creator, money(amount, 'amount'));
  };
  Ledger.prototype.recordSplit = function (id, t, gross, currency, creators, options) {
    return recordSplit.call(this, id, t, money(gross, 'gross'), currency, knownCreators(creators), moneyOptions(options));
  };
  Ledger.prototype.recordRefund = function (id, t, splitId, amount) {
    return recordRefund.call(this, id, t, splitId, money(amount, 'amount'));
  };
}
const Store = wrapClass(native.Store);
{
  const { append } = Store.prototype;
  /**
   * Appends a record; `body` is JSON text, or a value written with JSON.stringify and stored
   * as that text. A bigint has no JSON form: TypeError (napi turned it into a string, so the
   * stored value was not the one given).
   */
  Store.prototype.append = function (stream, id, body) {
    return append.call(this, stream, id, typeof body === 'string' ? body : JSON.stringify(body));
  };
}
const Refundable = wrapClass(native.Refundable);
{
  const { refund } = Refundable.prototype;
  Refundable.prototype.refund = function (amount) {
    return refund.call(this, money(amount, 'amount'));
  };
}

const { CircuitBreaker, SharedCircuitBreaker, BreakerRegistry, FallbackCache } = require('./breakers.cjs')(native);

module.exports = {
  split,
  audit,
  Refundable,
  Ledger,
  Threshold: wrapClass(native.Threshold),
  WindowRate: wrapClass(native.WindowRate),
  BurnRate: wrapClass(native.BurnRate),
  runPolicyTest: guarded(native.runPolicyTest),
  degradation: guarded(native.degradation),
  Policy: wrapClass(native.Policy),
  Evaluator: wrapClass(native.Evaluator),
  RolloutPlan: wrapClass(native.RolloutPlan),
  Rollout: wrapClass(native.Rollout),
  DeploymentPlan: wrapClass(native.DeploymentPlan),
  Deployment: wrapClass(native.Deployment),
  BlueGreen: wrapClass(native.BlueGreen),
  RedeployGuard: wrapClass(native.RedeployGuard),
  Participation: wrapClass(native.Participation),
  health: guarded(native.health),
  HealthModel: wrapClass(native.HealthModel),
  simulate: guarded(native.simulate),
  readProposal: guarded(native.readProposal),
  auditFiles: guarded(native.auditFiles),
  Proposal: wrapClass(native.Proposal),
  FlagSet: wrapClass(native.FlagSet),
  bucket: guarded(native.bucket),
  BreakerMachine: wrapClass(native.BreakerMachine),
  Store,
  CircuitBreaker,
  SharedCircuitBreaker,
  BreakerRegistry,
  FallbackCache,
  errorKinds: native.errorKinds,
  raiseForTest: guarded(native.raiseForTest),
  LiberationGatesError,
  SplitError,
  ThresholdError,
  WindowError,
  BreakerError,
  GovernanceError,
  FlagError,
  PolicyError,
  RolloutError,
  DeploymentError,
  HealthError,
  BucketError,
  StoreError,
  CircuitOpenError,
};
