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

const { errors, guarded, translate, wrapClass } = require('./errors.cjs');

// Every native class and function with its errors translated; the breakers' natives stay
// inside (breakers.cjs builds the JavaScript breakers on them).
const INTERNAL = ['__napiBindingTarget', 'NativeBreaker', 'NativeFallbackCache', 'NativeSharedBreaker', 'breakerAcquire', 'breakerFinish', 'breakerLease', 'breakerStates', 'callEnds', 'guardStep', 'guardSteps', 'splitTermsHandle', 'splitTermsMinorInto'];
const api = {};
for (const [name, value] of Object.entries(native)) {
  if (typeof value === 'function' && !INTERNAL.includes(name)) api[name] = /^[A-Z]/.test(name) ? wrapClass(value) : guarded(value);
}
{
  const { append } = api.Store.prototype;
  /**
   * Appends a record; `body` is JSON text, or a value written with JSON.stringify and stored
   * as that text. A bigint has no JSON form: the promise rejects with a TypeError (napi
   * turned it into a string, so the stored value was not the one given).
   */
  api.Store.prototype.append = async function (stream, id, body) {
    return append.call(this, stream, id, typeof body === 'string' ? body : JSON.stringify(body));
  };
}

// SplitTerms#splitMinorInto, the prepared split's hot path, calls a function on a handle: a
// napi class method unwraps `this` on every call and a function on an External does not
// (benches/profile/node_split.md times both). Each terms object takes its handle (a copy of
// the immutable terms) at its first call. Errors are translated inline rather than through
// guarded(), which would add a rest-parameter array to every call.
{
  const HANDLE = Symbol('splitTermsHandle');
  const { splitTermsHandle, splitTermsMinorInto } = native;
  const d = Object.getOwnPropertyDescriptor(api.SplitTerms.prototype, 'splitMinorInto');
  d.value = function splitMinorInto(gross, out) {
    try {
      return splitTermsMinorInto(this[HANDLE] ?? (this[HANDLE] = splitTermsHandle(this)), gross, out);
    } catch (e) {
      throw translate(e);
    }
  };
  Object.defineProperty(api.SplitTerms.prototype, 'splitMinorInto', d);
}

// A durable object's calls run one at a time, in call order: each starts once the one before
// it settled, so a write is stored before the next call reads or writes, and no call waits
// on the event loop for the lock of one in flight (the store work runs on libuv's pool).
{
  const queues = new WeakMap();
  for (const C of [api.Store, api.DurableLedger, api.DurableDeployment]) {
    for (const name of Object.getOwnPropertyNames(C.prototype)) {
      const d = Object.getOwnPropertyDescriptor(C.prototype, name);
      if (name === 'constructor' || typeof d.value !== 'function') continue;
      const call = d.value;
      d.value = function (...args) {
        const run = () => call.apply(this, args);
        const result = (queues.get(this) || Promise.resolve()).then(run);
        queues.set(this, result.then(() => undefined, () => undefined));
        return result;
      };
      Object.defineProperty(C.prototype, name, d);
    }
  }
}

const { CircuitBreaker, SharedCircuitBreaker, BreakerRegistry, FallbackCache } = require('./breakers.cjs')(native);
{
  const { addBreaker } = api.Metrics.prototype;
  /** Reports a CircuitBreaker as `name` on every scrape (the core reads its native half). */
  api.Metrics.prototype.addBreaker = function (name, breaker) {
    if (!(breaker instanceof CircuitBreaker)) throw new TypeError('addBreaker takes a CircuitBreaker (a SharedCircuitBreaker is not reported)');
    return addBreaker.call(this, name, breaker._native);
  };
}

module.exports = { ...api, CircuitBreaker, SharedCircuitBreaker, BreakerRegistry, FallbackCache, ...errors };
