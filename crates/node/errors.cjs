'use strict';
/**
 * The error classes of liberation-gates for Node, and the one translation of the native
 * addon's errors into them (`code = "family/kind"`, `"family/kind:LINE"` for a file's line).
 */

// -- Errors ----------------------------------------------------------------------------------

/** Base of every error of the library; `code` is the core's stable error kind. */
class LiberationGatesError extends Error {
  constructor(code, message, family, line) {
    super(message ? `${code}: ${message}` : code);
    this.name = new.target.name;
    this.code = code;
    this.family = family;
    this.detail = message;
    /** The 1-based line of the file the error was found at, or undefined. */
    this.line = line;
  }
}
/** The breaker refused the call (code `call_rejected`). */
class CircuitOpenError extends LiberationGatesError {}

/** The error class of each family of the core's errors. */
const FAMILIES = {
  split: class SplitError extends LiberationGatesError {},
  threshold: class ThresholdError extends LiberationGatesError {},
  window_rate: class WindowError extends LiberationGatesError {},
  breaker: class BreakerError extends LiberationGatesError {},
  governance: class GovernanceError extends LiberationGatesError {},
  flags: class FlagError extends LiberationGatesError {},
  policy: class PolicyError extends LiberationGatesError {},
  /** Health models and statuses (`invalid_check`, `duplicate_check`, `unknown_check`, `invalid_status`). */
  health: class HealthError extends LiberationGatesError {},
  rollout: class RolloutError extends LiberationGatesError {},
  bucket: class BucketError extends LiberationGatesError {},
  /** Durable stores (`invalid_url`, `duplicate_id`, `tampered`, `unavailable`, ...). */
  store: class StoreError extends LiberationGatesError {},
  /** Deployments and the community decisions they take (`invalid_event`, `unverified_decision`, ...). */
  deployment: class DeploymentError extends LiberationGatesError {},
};

/**
 * Native errors carry `code = "family/kind"` (`"family/kind:LINE"` for an error found at a
 * line of a file); argument-shape errors become TypeErrors.
 */
function translate(e) {
  if (!(e instanceof Error) || typeof e.code !== 'string' || e instanceof LiberationGatesError) return e;
  const m = /^([a-z_]+)\/([a-z_]+)(?::(\d+))?$/.exec(e.code);
  if (m) {
    const [, family, kind, line] = m;
    const Cls = kind === 'call_rejected' ? CircuitOpenError : FAMILIES[family] || LiberationGatesError;
    return new Cls(kind, e.message, family, line === undefined ? undefined : Number(line));
  }
  const t = new TypeError(e.message);
  t.code = e.code;
  return t;
}

/**
 * What an async native call (a store's, off the event loop: src/durable.rs) resolves with:
 * `{lgOk: value}`, `{lgErr: [code, message]}` (thrown as the error class of its family), or
 * an object it opened.
 */
function settle(r) {
  if (r !== null && typeof r === 'object' && Object.getPrototypeOf(r) === Object.prototype) {
    if ('lgErr' in r) {
      const e = new Error(r.lgErr[1]);
      e.code = r.lgErr[0];
      throw translate(e);
    }
    if ('lgOk' in r) return r.lgOk;
  }
  return r;
}

function guarded(fn) {
  return function (...args) {
    let r;
    try {
      r = fn.apply(this, args);
    } catch (e) {
      throw translate(e);
    }
    return r instanceof Promise ? r.then(settle, (e) => Promise.reject(translate(e))) : r;
  };
}

/** Wraps a native class: its constructor, statics, methods and getters translate errors. */
function wrapClass(C) {
  const proto = C.prototype;
  for (const name of Object.getOwnPropertyNames(proto)) {
    if (name === 'constructor') continue;
    const d = Object.getOwnPropertyDescriptor(proto, name);
    if (typeof d.value === 'function') d.value = guarded(d.value);
    if (typeof d.get === 'function') d.get = guarded(d.get);
    Object.defineProperty(proto, name, d);
  }
  const W = {
    [C.name]: function (...args) {
      if (!new.target) throw new TypeError(`Class constructor ${C.name} cannot be invoked without 'new'`);
      try {
        return Reflect.construct(C, args, C);
      } catch (e) {
        throw translate(e);
      }
    },
  }[C.name];
  W.prototype = proto;
  for (const name of Object.getOwnPropertyNames(C)) {
    if (['length', 'name', 'prototype'].includes(name)) continue;
    const v = C[name];
    if (typeof v === 'function') W[name] = guarded(v);
  }
  return W;
}

/** The error classes, exported as they are by the package. */
const errors = { LiberationGatesError, ...Object.fromEntries(Object.values(FAMILIES).map((C) => [C.name, C])), CircuitOpenError };

module.exports = { errors, CircuitOpenError, translate, guarded, wrapClass };
