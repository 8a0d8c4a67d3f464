'use strict';
/**
 * An OpenFeature provider of the community flags for `@openfeature/server-sdk` (install it
 * beside this package): application code asks OpenFeature's client as for any flag, and the
 * answers are the flags the community controls, resolved by the core (`FlagSet.resolve`).
 * A boolean is the flag's enabled state, its percentage rollout decided on the context's
 * `targetingKey` (reason SPLIT; TARGETING_KEY_MISSING without one); a number is its intensity
 * (0 while disabled, reason DISABLED); any other type is TYPE_MISMATCH and an unknown key
 * FLAG_NOT_FOUND. Each result's `flagMetadata` names the flag's `kind` and the `decision` that
 * last changed it. A change made through `apply` (a verified community decision, as
 * `FlagSet.apply` takes it) emits ConfigurationChanged.
 */
const { OpenFeatureEventEmitter, ProviderEvents } = require('@openfeature/server-sdk');
const { FlagSet } = require('./lib.cjs');

class LiberationGatesProvider {
  /** A provider over `flags` (default: the built-in flag set). */
  constructor(flags = FlagSet.builtin()) {
    this.metadata = { name: 'liberation-gates' };
    this.runsOn = 'server';
    this.events = new OpenFeatureEventEmitter();
    this.flags = flags;
  }

  /** `flags.apply(key, op, value, options)`, then ConfigurationChanged naming `key`. */
  apply(key, op, value, options) {
    const state = this.flags.apply(key, op, value, options);
    this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: [key] });
    return state;
  }

  /** The core's resolution in the SDK's terms: the value, or the default with the error. */
  _resolve(flagKey, defaultValue, context, asType) {
    const r = this.flags.resolve(flagKey, asType, context?.targetingKey ?? null);
    const flagMetadata = r.metadata ?? {};
    if (r.error) return { value: defaultValue, reason: r.reason, errorCode: r.error, errorMessage: r.message, flagMetadata };
    return { value: r.value, reason: r.reason, flagMetadata };
  }

  async resolveBooleanEvaluation(flagKey, defaultValue, context) {
    return this._resolve(flagKey, defaultValue, context, 'boolean');
  }
  async resolveNumberEvaluation(flagKey, defaultValue, context) {
    return this._resolve(flagKey, defaultValue, context, 'number');
  }
  async resolveStringEvaluation(flagKey, defaultValue, context) {
    return this._resolve(flagKey, defaultValue, context, 'string');
  }
  async resolveObjectEvaluation(flagKey, defaultValue, context) {
    return this._resolve(flagKey, defaultValue, context, 'object');
  }
}

module.exports = { LiberationGatesProvider };
