// Types of liberation-gates/openfeature: the community flags as an OpenFeature provider.
import type { EvaluationContext, JsonValue, OpenFeatureEventEmitter, Provider, ResolutionDetails } from '@openfeature/server-sdk';
import type { FlagSet, Toggles } from './native';
import type { FlagOptions, FlagState } from './types';

/** The community flag set as a provider for `@openfeature/server-sdk`. */
export declare class LiberationGatesProvider implements Provider {
  /** `toggles`: an Unleash toggle state served under the community's votes in `flags`. */
  constructor(flags?: FlagSet, toggles?: Toggles | null);
  readonly metadata: { readonly name: 'liberation-gates' };
  readonly runsOn: 'server';
  readonly events: OpenFeatureEventEmitter;
  readonly flags: FlagSet;
  readonly toggles: Toggles | null;
  /** `flags.apply(...)`, then the ConfigurationChanged event naming `key`. */
  apply(key: string, op: string, value?: number | null, options?: FlagOptions | null): FlagState;
  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext): Promise<ResolutionDetails<boolean>>;
  resolveNumberEvaluation(flagKey: string, defaultValue: number, context: EvaluationContext): Promise<ResolutionDetails<number>>;
  resolveStringEvaluation(flagKey: string, defaultValue: string, context: EvaluationContext): Promise<ResolutionDetails<string>>;
  resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T, context: EvaluationContext): Promise<ResolutionDetails<T>>;
}
