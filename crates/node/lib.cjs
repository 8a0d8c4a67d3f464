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
const INTERNAL = ['__napiBindingTarget', 'NativeBreaker', 'NativeFallbackCache', 'NativeSharedBreaker', 'breakerAcquire', 'breakerFinish', 'breakerLease', 'breakerStates', 'callEnds', 'guardStep', 'guardSteps', 'splitPacked', 'splitTermsHandle', 'splitTermsMinorInto', 'splitTermsPlaces'];
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
// SplitTerms#splitMinor with a bigint gross in 64 bits goes the same way, into an array the
// terms object keeps, and builds its object here: napi builds one property by property.
// Any other gross, and any error, takes the native method, so its answers and errors are the
// native ones.
{
  const HANDLE = Symbol('splitTermsHandle');
  const PLACES = Symbol('splitTermsPlaces');
  const I64_MAX = 2n ** 63n - 1n;
  const { splitTermsHandle, splitTermsMinorInto, splitTermsPlaces } = native;
  const handle = (terms) => terms[HANDLE] ?? (terms[HANDLE] = splitTermsHandle(terms));
  const proto = api.SplitTerms.prototype;
  const into = Object.getOwnPropertyDescriptor(proto, 'splitMinorInto');
  into.value = function splitMinorInto(gross, out) {
    try {
      return splitTermsMinorInto(handle(this), gross, out);
    } catch (e) {
      throw translate(e);
    }
  };
  Object.defineProperty(proto, 'splitMinorInto', into);
  const minor = Object.getOwnPropertyDescriptor(proto, 'splitMinor');
  const nativeSplitMinor = minor.value;
  minor.value = function splitMinor(gross) {
    if (typeof gross !== 'bigint' || gross < 0n || gross > I64_MAX) {
      return nativeSplitMinor.call(this, gross);
    }
    let out;
    try {
      const h = handle(this);
      out = this[PLACES] ?? (this[PLACES] = new BigInt64Array(splitTermsPlaces(h)));
      splitTermsMinorInto(h, gross, out);
    } catch {
      return nativeSplitMinor.call(this, gross);
    }
    const n = out.length - 3;
    const creators = new Array(n);
    for (let i = 0; i < n; i++) creators[i] = out[i];
    return { creators, creatorTotal: out[n], platform: out[n + 1], fee: out[n + 2] };
  };
  Object.defineProperty(proto, 'splitMinor', minor);
}

// split() with every argument a string, in plain objects and arrays (the common case), crosses
// into Rust once with the arguments packed into one string and builds its result here from
// one string back: read and built through napi it takes an N-API call per property (10.9 µs
// before, 1.8 µs this way, in the scripts/bench runs BENCHMARKS.md reports). Anything else
// (a bigint, a number, another key, another kind of object, a U+0000 inside a string) and any
// error take the native split(), so every answer and every error is the native one.
{
  const { splitPacked } = native;
  const nativeSplit = api.split;
  const OPTIONS = ['creatorShare', 'fee', 'feeMode', 'step'];
  const plain = (o) => typeof o === 'object' && o !== null && Object.getPrototypeOf(o) === Object.prototype;
  const text = (s) => typeof s === 'string' && !s.includes('\0');
  // The packed arguments and which options are given, or undefined for the native way.
  const pack = (gross, currency, creators, options) => {
    if (!text(gross) || !text(currency) || !Array.isArray(creators)) return undefined;
    let present = 0;
    const given = ['', '', '', ''];
    if (options !== undefined && options !== null) {
      if (!plain(options)) return undefined;
      for (const key in options) {
        const i = OPTIONS.indexOf(key);
        if (i < 0 || !text(options[key])) return undefined;
        given[i] = options[key];
        present |= 1 << i;
      }
    }
    let packed = `${gross}\0${currency}\0${given[0]}\0${given[1]}\0${given[2]}\0${given[3]}`;
    for (let i = 0; i < creators.length; i++) {
      const c = creators[i];
      if (!plain(c) || !text(c.id) || !text(c.weight)) return undefined;
      let keys = 0;
      for (const _ in c) keys++;
      if (keys !== 2) return undefined;
      packed += `\0${c.id}\0${c.weight}`;
    }
    return [packed, present];
  };
  api.split = function split(gross, currency, creators, options) {
    const args = pack(gross, currency, creators, options);
    if (args === undefined) return nativeSplit(gross, currency, creators, options);
    let f;
    try {
      f = splitPacked(args[0], args[1]).split('\0');
    } catch {
      return nativeSplit(gross, currency, creators, options);
    }
    const payouts = new Array(creators.length);
    for (let i = 0; i < payouts.length; i++) payouts[i] = { amount: f[8 + i], id: creators[i].id };
    // The native result's keys, in its order.
    return { creatorShare: f[5], creatorTotal: f[4], creators: payouts, currency: f[0], fee: f[3], feeMode: f[6], gross: f[1], method: f[7], platform: f[2] };
  };
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
