'use strict';
/**
 * The opossum-style breakers for Node over the core's state machine and guard protocol: what a
 * call records and what happens next are the core's (`breaker::guard`); this file times
 * calls, emits events and awaits promises.
 */
const { EventEmitter } = require('node:events');
const { performance } = require('node:perf_hooks');
const { CircuitOpenError, wrapClass } = require('./errors.cjs');

/** The breakers over `native`, the loaded addon. */
module.exports = function breakers(native) {

  const EVENT_OF_STATE = { open: 'open', half_open: 'halfOpen', closed: 'close', forced_open: 'forcedOpen', disabled: 'disabled' };
  const NativeBreaker = wrapClass(native.NativeBreaker);
  const NativeFallbackCache = wrapClass(native.NativeFallbackCache);

  // The guard protocol's names, in the order of the indices the core exchanges.
  const END = Object.fromEntries(native.callEnds().map((name, i) => [name, i]));
  const STEP = Object.fromEntries(native.guardSteps().map((name, i) => [name, i]));
  const REFUSED = -1;
  const STATES = native.breakerStates();
  // What the guard protocol does with a refused call, without and with a fallback (the core
  // answers the same every time: asked once).
  const REFUSAL = [false, true].map((hasFallback) => native.guardStep(REFUSED, hasFallback) >> 4);
  // Whether a call that returned may be counted under a lease, without and with a fallback:
  // only when the guard protocol (asked once, as above) would just return its value.
  const LEASABLE = [false, true].map((hasFallback) => (native.guardStep(END.returned, hasFallback) >> 4) === STEP.return);
  const NO_ARGS = Object.freeze([]);
  // Most successes counted in JavaScript before they are handed to the core.
  const BATCH = 1024;

  /**
   * What both breakers share: the opossum-like options (`name`, `timeout`, `errorFilter`,
   * `fallback`), the error filter and the fallback.
   */
  class BreakerBase extends EventEmitter {
    constructor(options) {
      super();
      this.name = options.name || 'breaker';
      this.timeout = options.timeout;
      this.errorFilter = options.errorFilter;
      this.fallbackFn = options.fallback;
    }

    /** Whether `err` counts against the dependency. */
    isFailure(err) {
      return !(this.errorFilter && this.errorFilter(err));
    }

    /**
     * How a call that threw `err` ended, for the core's guard protocol: `failed` or
     * `ignored`, or `classifier_failed` (with `filterError`) when the error filter threw.
     */
    _classify(err) {
      try {
        return { end: this.isFailure(err) ? END.failed : END.ignored, filterError: undefined };
      } catch (filterError) {
        return { end: END.classifier_failed, filterError };
      }
    }

    /** Refuses a call (`state` refused it): the `reject` event, then the fallback or the refusal, as the core says. */
    _refuse(args, state) {
      const err = new CircuitOpenError('call_rejected', `call rejected: circuit breaker ${this.name} is ${state}`, 'breaker');
      this.emit('reject', err);
      return this._then(REFUSAL[this.fallbackFn === undefined ? 0 : 1], undefined, err, undefined, args);
    }

    /**
     * Runs `fn(...args)`; with a `timeout`, a call still pending after it fails with an
     * `ETIMEDOUT` error. Its value, or its error and how it ended.
     */
    async _run(fn, args) {
      let timer;
      try {
        let pending = fn(...args);
        const ms = this.timeout;
        if (ms !== undefined) {
          const timedOut = new Promise((_, reject) => {
            timer = setTimeout(() => reject(Object.assign(new Error(`Timed out after ${ms} ms`), { code: 'ETIMEDOUT' })), ms);
          });
          pending = Promise.race([pending, timedOut]);
        }
        return { value: await pending, err: undefined, end: END.returned, filterError: undefined };
      } catch (err) {
        return { value: undefined, err, ...this._classify(err) };
      } finally {
        clearTimeout(timer);
      }
    }

    /** Does what the core's guard protocol said (`step`, a GuardStep index). */
    _then(step, value, err, filterError, args) {
      switch (step) {
        case STEP.return: return value;
        case STEP.fallback: return this._fallback(err, args);
        case STEP.rethrow_classifier_error: throw filterError;
        default: throw err;
      }
    }

    /** Events for how a permitted call ended (before the transitions it caused, as opossum). */
    _emitEnd(end, value, err, ms) {
      if (end === END.returned) {
        this.emit('success', value, ms);
        return;
      }
      if (err && err.code === 'ETIMEDOUT') this.emit('timeout', err);
      if (end === END.failed || end === END.classifier_failed) this.emit('failure', err, ms);
    }

    async _fallback(err, args) {
      if (!this.fallbackFn) throw err;
      this.emit('fallback', err);
      return this.fallbackFn(...args, err);
    }

    /** Rejects every call until `close()` (a shared breaker: in every process). */
    open() {
      return this._control('forceOpen');
    }
    /** Closes the breaker with an empty window. */
    close() {
      return this._control('reset');
    }
    /** Permits every call and records nothing. */
    disable() {
      return this._control('disable');
    }

    /** Sets the function used when a call is rejected or fails. */
    fallback(fn) {
      this.fallbackFn = fn;
      return this;
    }
  }

  // Milliseconds since the epoch, and the same in seconds: `timeOrigin` is read once (it is
  // constant for a thread; reading the property each time costs a call into the runtime).
  const ORIGIN = performance.timeOrigin;
  const defaultClock = () => ORIGIN + performance.now();
  const nowSeconds = () => (ORIGIN + performance.now()) / 1000;

  /** The native breaker `CircuitBreaker.attach` is building a wrapper over. */
  let attaching;

  /** The SPEC's config keys of breaker options (the rest are this wrapper's own). */
  function coreConfig(options) {
    const { timeout, errorFilter, fallback, clock, name, ...config } = options;
    return Object.keys(config).length ? config : undefined;
  }

  /**
   * A circuit breaker with an opossum-like API on the core's state machine (SPEC §4,
   * resilience4j's defaults).
   *
   * `options`: the SPEC's config keys (`window`, `failure_rate_threshold`, ...), plus
   * `timeout` (ms; a timed-out call fails — what counts as slow is `slow_call_seconds`, as in
   * every language), `errorFilter(err)` (true: the
   * error does not count against the dependency), `fallback(...args)`, and `clock()` in
   * milliseconds (default `performance.timeOrigin + performance.now()`).
   *
   * Events: `open`, `halfOpen`, `close`, `forcedOpen`, `disabled` (transitions, in order),
   * `success`, `failure`, `timeout`, `reject`, `fallback`.
   */
  class CircuitBreaker extends BreakerBase {
    constructor(options = {}) {
      super(options);
      // Milliseconds since the epoch: one time line for every thread (a worker's
      // performance.now() starts at its own origin), so a breaker shared with workers sees
      // their times in order.
      this.clock = options.clock || defaultClock;
      // The default clock read in seconds without the indirection (fire() reads it twice).
      this._now = options.clock ? this._clockSeconds : nowSeconds;
      this._native = attaching || new NativeBreaker(coreConfig(options));
      // fire()'s calls go through free functions on a handle: cheaper than methods.
      this._handle = this._native.handle();
      // While the core says every acquire is permitted (closed or disabled: bit 8 of its last
      // answer), fire() skips asking and counts the permits here; the next call into the
      // core counts them there first. JavaScript runs one call at a time, so nothing else
      // reaches the breaker in between.
      this._free = false;
      this._permits = 0;
      // While the core gives a success lease (bit 4: successes cannot move the machine
      // before `until`), fire() counts successful calls no slower than `slow` here, up to
      // BATCH of them and for at most a second, and hands them over with the next call
      // into the core, which records them as that many successes. A breaker shared with
      // other threads takes no lease: they may change it in between.
      this._leases = !attaching;
      this._until = -Infinity;
      this._slow = 0;
      this._successes = 0;
    }

    /**
     * A token (a number) naming this breaker to the worker threads of this process: post it
     * to a worker and `CircuitBreaker.attach(token)` there calls through the same window and
     * state. A token from another process, or of a breaker since collected, is refused.
     */
    share() {
      this._flush();
      this._leases = false;
      this._until = -Infinity;
      return this._native.share();
    }

    /**
     * The breaker `share()` gave `token` for, in this thread, with its own events and the
     * options of this wrapper (`name`, `timeout`, `errorFilter`, `fallback`, `clock`); the
     * config is the shared breaker's.
     */
    static attach(token, options = {}) {
      if (coreConfig(options) !== undefined) {
        throw new TypeError(`CircuitBreaker.attach(token, options): the config is the shared breaker's; options take only name, timeout, errorFilter, fallback and clock (got ${Object.keys(coreConfig(options)).join(', ')})`);
      }
      attaching = NativeBreaker.attach(token);
      try {
        return new CircuitBreaker(options);
      } finally {
        attaching = undefined;
      }
    }

    /** The permits counted here since the last call into the core (see the constructor). */
    _takePermits() {
      const n = this._permits;
      this._permits = 0;
      return n;
    }

    /** The successes counted here under the lease since the last call into the core. */
    _takeSuccesses() {
      const n = this._successes;
      this._successes = 0;
      return n;
    }

    /** Hands what fire() counted here to the core. */
    _flush() {
      this._native.countLocal(this._takePermits(), this._takeSuccesses());
    }

    _clockSeconds() {
      return this.clock() / 1000;
    }

    _transitions(bits, now) {
      this._free = (bits & 8) !== 0;
      this._until = -Infinity;
      if ((bits & 4) && this._leases) {
        const lease = native.breakerLease(this._handle);
        if (lease !== null) {
          this._until = Math.min(lease[0], now + 1);
          this._slow = lease[1];
        }
      }
      if (bits & 2) {
        for (const t of this._native.takeTransitions()) this.emit(EVENT_OF_STATE[t.to], t);
      }
    }

    /** Calls `fn(...args)` through the breaker; resolves with its result or the fallback's. */
    async fire(fn) {
      // No rest parameter: most calls pass no arguments, and an array per call is measurable.
      const args = arguments.length > 1 ? Array.prototype.slice.call(arguments, 1) : NO_ARGS;
      const started = this._now();
      if (this._free) {
        this._permits++;
      } else {
        const bits = native.breakerAcquire(this._handle, started, this._takePermits(), this._takeSuccesses());
        this._transitions(bits, started);
        if (!(bits & 1)) {
          return this._refuse(args, STATES[bits >> 4]);
        }
      }
      const hasFallback = this.fallbackFn !== undefined;
      let value, err, end, filterError;
      if (this.timeout === undefined) {
        // Awaited here rather than in _run: one promise fewer per call.
        try {
          value = await (args === NO_ARGS ? fn() : fn(...args));
          end = END.returned;
        } catch (e) {
          err = e;
          ({ end, filterError } = this._classify(e));
        }
      } else {
        ({ value, err, end, filterError } = await this._run(fn, args));
      }
      const ended = this._now();
      if (end === END.returned && ended < this._until && ended - started <= this._slow
          && this._successes < BATCH && LEASABLE[hasFallback ? 1 : 0]) {
        // Under the core's lease: counted here, handed over with the next crossing.
        this._successes++;
        this.emit('success', value, (ended - started) * 1000);
        return value;
      }
      // The core records the call as the guard protocol says and tells what to do next.
      const bits2 = native.breakerFinish(this._handle, ended, end, ended - started, hasFallback, this._takePermits(), this._takeSuccesses());
      this._emitEnd(end, value, err, (ended - started) * 1000);
      this._transitions(bits2, ended);
      return this._then(bits2 >> 4, value, err, filterError, args);
    }

    get state() {
      return this._native.metrics(this._now()).state;
    }
    /** Whether the breaker refuses calls now (`open` or `forced_open`), as the core says. */
    get opened() {
      return this._native.rejectsCalls(this._now());
    }
    get halfOpen() {
      return this.state === 'half_open';
    }
    get closed() {
      return this.state === 'closed';
    }
    /** State, calls, failure and slow-call rates, time until half-open, lifetime stats. */
    get stats() {
      this._flush();
      return this._native.metrics(this._now());
    }
    _control(op) {
      this._flush();
      const now = this._now();
      const s = this._native[op](now);
      this._transitions(2, now);
      return s;
    }
  }

  const NativeSharedBreaker = wrapClass(native.NativeSharedBreaker);

  /**
   * A circuit breaker whose window and state live in Redis, shared by every process that uses
   * the same `name` (SPEC §4; one compare-and-set per operation). If Redis cannot be reached,
   * calls go through a local breaker of the same config and the breaker emits `sharedLost`
   * (`{ reason }`), then `sharedRestored` when Redis answers again. Redis round trips run on
   * libuv's thread pool, never on the event loop.
   *
   * `new SharedCircuitBreaker(url, options)`: `url` like "redis://127.0.0.1:6379/"; `options`
   * as `CircuitBreaker`'s (`name` matters: it is the shared key), without `clock` (shared
   * breakers run on wall-clock time). Events as `CircuitBreaker`'s, for transitions this
   * process makes.
   */
  class SharedCircuitBreaker extends BreakerBase {
    constructor(url, options = {}) {
      if (options.clock !== undefined) throw new TypeError('a shared breaker runs on wall-clock time: it takes no clock');
      super(options);
      this._native = new NativeSharedBreaker(url, this.name, coreConfig(options));
    }

    _drainShared() {
      for (const e of this._native.takeEvents()) {
        if (e.kind === 'transition') this.emit(EVENT_OF_STATE[e.to], { t: e.t, from: e.from, to: e.to });
        else if (e.kind === 'local') this.emit('sharedLost', { reason: e.reason });
        else this.emit('sharedRestored', {});
      }
    }

    /** Calls `fn(...args)` through the shared breaker; resolves with its result or the fallback's. */
    async fire(fn, ...args) {
      const permit = await this._native.acquire();
      this._drainShared();
      const hasFallback = this.fallbackFn !== undefined;
      if (permit < 0) {
        return this._refuse(args, this.state);
      }
      const started = performance.now();
      const { value, err, end, filterError } = await this._run(fn, args);
      const ms = performance.now() - started;
      // The core says what to record (1 success, 2 failure) and what to do next.
      const verdict = native.guardStep(end, hasFallback);
      if (verdict & 3) await this._native.record(permit === 1, (verdict & 3) === 2, ms / 1000);
      this._emitEnd(end, value, err, ms);
      this._drainShared();
      return this._then(verdict >> 4, value, err, filterError, args);
    }

    /** Whether calls currently go through Redis (else through the local breaker). */
    get isShared() {
      return this._native.isShared;
    }
    /** The shared state (a Redis round trip; the local breaker's while Redis is unavailable). */
    get state() {
      return this._native.state;
    }
    /** Lifetime counters of every process sharing the breaker. */
    get stats() {
      return this._native.stats();
    }
    _control(op) {
      const s = this._native[op]();
      this._drainShared();
      return s;
    }
  }

  /**
   * The breakers a policy file configures (its `breakers` section), one `CircuitBreaker` per
   * name, made on first use with the config the core validated. `get` of a name the policy
   * does not configure throws BreakerError `unknown_breaker`. `options` (`clock`, `timeout`,
   * `errorFilter`, `fallback`) go to every breaker.
   */
  class BreakerRegistry {
    constructor(policy, options = {}) {
      this._policy = policy;
      this._options = options;
      this._breakers = new Map();
    }
    /** The breakers the policy configures, sorted. */
    get names() {
      return this._policy.breakerNames;
    }
    /** The breaker called `name` (the same object on every call). */
    get(name) {
      let b = this._breakers.get(name);
      if (b === undefined) {
        b = new CircuitBreaker({ ...this._options, ...this._policy.breakerConfig(name), name });
        this._breakers.set(name, b);
      }
      return b;
    }
  }

  /**
   * Last good answers per key with their attribution, served while a dependency is down.
   * Bounded (`capacity`, oldest evicted first) and expiring (`ttlSeconds`).
   */
  class FallbackCache {
    constructor(capacity = 1024, ttlSeconds = 3600, clock) {
      this.clock = clock || (() => performance.now());
      this._native = new NativeFallbackCache(capacity, ttlSeconds);
    }
    _now() {
      return this.clock() / 1000;
    }
    store(key, value, attribution) {
      this._native.store(key, value, attribution || null, this._now());
    }
    get(key) {
      return this._native.get(key, this._now()) || undefined;
    }
    get size() {
      return this._native.size;
    }
    /**
     * Fires `fn(...args)` (resolving to `{value, attribution}`) through `breaker`: a success is
     * stored and returned fresh; a rejection or a counted failure serves the cached answer
     * (`fromCache: true`, with its `ageSeconds`); with nothing cached the error is thrown.
     */
    async fire(breaker, key, fn, ...args) {
      let answer;
      try {
        answer = await breaker.fire(fn, ...args);
      } catch (err) {
        // Errors the breaker does not count are the caller's: they pass through untouched.
        if (!(err instanceof CircuitOpenError) && !breaker.isFailure(err)) throw err;
        const cached = this._native.settle(key, false, null, null, this._now());
        if (cached) return cached;
        throw err;
      }
      return this._native.settle(key, true, answer.value, answer.attribution ?? null, this._now());
    }
  }

  return { CircuitBreaker, SharedCircuitBreaker, BreakerRegistry, FallbackCache };
};
