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
 *
 * Given `toggles` (a `Toggles` of an Unleash server's state), the provider serves them too,
 * under the community's votes (`Toggles.resolve`): a boolean is decided by the toggle's
 * strategies for the context (`targetingKey` = userId; attributes with Unleash's field names
 * fill those fields, the others are properties).
 */
const { OpenFeatureEventEmitter, ProviderEvents } = require('@openfeature/server-sdk');
const { FlagSet } = require('./lib.cjs');

class LiberationGatesProvider {
  /** A provider over `flags` (default: the built-in flag set) and, if given, `toggles`. */
  constructor(flags = FlagSet.builtin(), toggles = null) {
    this.metadata = { name: 'liberation-gates' };
    this.runsOn = 'server';
    this.events = new OpenFeatureEventEmitter();
    this.flags = flags;
    this.toggles = toggles;
  }

  /** `flags.apply(key, op, value, options)`, then ConfigurationChanged naming `key`. */
  apply(key, op, value, options) {
    const state = this.flags.apply(key, op, value, options);
    this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: [key] });
    return state;
  }

  /** The core's resolution in the SDK's terms: the value, or the default with the error. */
  _resolve(flagKey, defaultValue, context, asType) {
    const targetingKey = context?.targetingKey ?? null;
    let r;
    if (this.toggles === null) {
      r = this.flags.resolve(flagKey, asType, targetingKey);
    } else {
      // The attributes Unleash can read: text, numbers and booleans.
      const { targetingKey: _, ...rest } = context ?? {};
      const attributes = Object.fromEntries(Object.entries(rest).filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v)));
      r = this.toggles.resolve(flagKey, this.flags, asType, targetingKey, attributes);
    }
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
