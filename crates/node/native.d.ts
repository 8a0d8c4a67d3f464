// The shapes of the core's results as they cross into JavaScript (serde values), shared by
// the Node and WASM packages: each generated declaration file begins with this one (napi's
// `dtsHeaderFile`, a wasm-bindgen custom section), so their signatures name these types.
// Keys are camelCase, as everywhere in JavaScript (the core's `casing`); enum values keep
// the SPEC's spelling (`half_open`, `gentle_rollback`).

/** A count of requests or errors: a number, or a bigint. */
export type Count = number | bigint;
export type Action = 'proceed' | 'alert' | 'hold' | 'consult' | 'gentle_rollback' | 'rollback';
export type Severity = 'none' | 'medium' | 'high' | 'critical';
export type HealthStatus = 'up' | 'degraded' | 'down' | 'unknown';
export type RolloutStatus =
  | 'progressing' | 'awaiting_approval' | 'paused' | 'consulting' | 'ramping_down' | 'completed' | 'rolled_back';
export type BreakerState = 'closed' | 'open' | 'half_open' | 'forced_open' | 'disabled';

/** A breaker's state change: when, from and to. */
export interface TransitionObject {
  t: number;
  from: BreakerState;
  to: BreakerState;
}

export interface PayoutObject { id: string; amount: string }
/** A split; amounts are decimal strings with the currency's digits. */
export interface SplitResult {
  currency: string;
  gross: string;
  creators: PayoutObject[];
  platform: string;
  fee: string;
  creatorTotal: string;
  creatorShare: string;
  feeMode: string;
  method: string;
}
/** Payouts checked against the split (SPEC §10); amounts are decimal strings. */
export interface AuditResult {
  currency: string;
  expected: PayoutObject[];
  paid: PayoutObject[];
  creatorTotal: string;
  /** The split's creator share, what `floorHeld` compares against. */
  creatorShare: string;
  paidTotal: string;
  shortfalls: PayoutObject[];
  shortfallTotal: string;
  exact: boolean;
  floorHeld: boolean;
  creatorSharePaid: string | null;
}
export interface RefundResult { amount: string; creators: PayoutObject[]; platform: string }

export interface PhaseResult {
  phase: string;
  passed: boolean;
  action: string;
  failed: string[];
  missing: string[];
  liberationFailed: boolean;
}

export interface CheckDef { name: string; level: number; critical?: boolean }
export interface LevelReport { level: number; status: HealthStatus }
export interface CheckReport { name: string; level: number; status: HealthStatus; countsAs: HealthStatus }
export interface HealthReport {
  levels: LevelReport[];
  overall: HealthStatus;
  action: Action;
  failing: string[];
  checks: CheckReport[];
}

export interface PaidLine { owed: string; paid: string; shortfall: string }
export interface PaidSummary {
  payouts: number;
  owedTotal: string;
  paidTotal: string;
  shortfallTotal: string;
  creatorSharePaid: string | null;
  floorHeld: boolean;
  creators: Record<string, PaidLine>;
}
export interface ReportRow {
  period: string;
  currency: string;
  transactions: number;
  refunds: number;
  gross: string;
  fees: string;
  refunded: string;
  creatorTotal: string;
  platformTotal: string;
  creatorShare: string;
  creatorSharePercent: string;
  floorHeldEveryTransaction: boolean;
  floorHeldOverall: boolean;
  creators: Record<string, string>;
  paid?: PaidSummary;
}
export interface TransparencyReport {
  period: 'day' | 'month' | 'all';
  allocationMethod: string;
  rows: ReportRow[];
  floorHeld: boolean;
}
export interface SovereigntySummary {
  currency: string;
  transactions: number;
  refunds: number;
  gross: string;
  creatorTotal: string;
  platformTotal: string;
  creatorShare: string;
  creatorSharePercent: string;
  floorPercent: string;
  floorHeld: boolean;
  creators: Array<{ id: string; amount: string; shareOfCreatorsPercent: string }>;
  paid: PaidSummary | null;
}

/** An event of a shared breaker: Redis failed (`local`), answers again (`shared`), or this process moved the breaker (`transition`). */
export type SharedEvent =
  | { kind: 'local'; reason: string }
  | { kind: 'shared' }
  | { kind: 'transition'; t: number; from: string; to: string };
export interface BreakerStats { permitted: number; rejected: number; successes: number; failures: number; ignored: number }
/** A breaker's settings (SPEC §4); every field optional, defaults as the SPEC says. */
export interface BreakerConfig {
  window?: { type: 'count'; size: number } | { type: 'time'; seconds: number };
  failureRateThreshold?: number;
  slowCallRateThreshold?: number;
  slowCallSeconds?: number;
  minimumCalls?: number;
  openSeconds?: number;
  halfOpenCalls?: number;
}
export interface BurnRateRule {
  objective: number;
  longWindowSeconds: number;
  shortWindowSeconds: number;
  burnRate: number;
  minRequests?: number;
}
export interface BreakerMetrics {
  state: BreakerState;
  calls: number;
  failedCalls: number;
  slowCalls: number;
  /** One-second buckets a time window holds (at most its seconds); 0 for a count window. */
  windowBuckets: number;
  failureRate: number;
  slowCallRate: number;
  secondsUntilHalfOpen: number | null;
  stats: BreakerStats;
}

export interface RolloutStateObject { status: RolloutStatus; step: number; weight: number }
export interface RampStep { t: number; status: RolloutStatus; step: number; weight: number }
export interface Step { weight: number; bakeSeconds: number; approval: boolean }
/** A step of a rollout plan as `new RolloutPlan(steps)` takes it (`approval` defaults to false). */
export interface StepArg { weight: number; bakeSeconds: number; approval?: boolean }
export interface Notification { audience: string; severity: Severity; rules: string[]; message: string }
/** A policy decision (SPEC §7), as `Evaluator.observe` returns it and `liberationCause` takes it. */
export interface Decision { t: number; action: Action; severity: Severity; reasons: string[]; notification?: Notification }
export interface SimStep {
  t: number;
  decision: Decision | null;
  approved: number | null;
  consulted: 'proceed' | 'rollback' | 'gentle_rollback' | null;
  ramp: RampStep[];
  state: { status: RolloutStatus; step: number; weight: number };
}

export interface FlagDef {
  key: string;
  kind: 'protected' | 'community' | 'always_on' | 'standard';
  enabled?: boolean;
  intensity?: number;
  rolloutPercent?: number;
  description?: string;
}
export interface FlagState { kind: string; enabled: boolean; intensity: number; rolloutPercent?: number }
export interface CommunityDecision { subject: string; action: string; status: string; tally?: { yes: number; no: number; abstain: number }; closedAt?: number }
export interface AuditEntry {
  seq: number;
  t: number;
  actor: string;
  key: string;
  op: 'enable' | 'disable' | 'set_intensity';
  before: FlagState;
  after: FlagState;
  decision: CommunityDecision | null;
}

export interface Served { value: unknown; attribution: Attribution; fromCache: boolean; ageSeconds: number }
export interface Attribution { creators: string[]; revenue?: string | null; note?: string | null }
/** A record of a durable store, its place in the checksum chain included. */
export interface StoredRecord {
  /** 1, 2, 3, … across the store, in the order appended. */
  seq: number;
  stream: string;
  id: string;
  /** The record, as JSON text. */
  body: string;
  /** SHA-256 (hex) chaining this record to the one before. */
  checksum: string;
}
export interface Tally { yes: number; no: number; abstain: number }
export interface VoteArg { t: number; member: string; choice: string }
/** A proposal read from its votes (SPEC §5), in the vectors' shape. */
export interface ProposalReading {
  status: string;
  yes: number;
  no: number;
  abstain: number;
  refused: Array<{ index: number; error: string }>;
}
/** A threshold's optional parts (defaults: keep firing for 0 s, no gap limit). */
export interface ThresholdOptions { keepFiringForSeconds?: number; maxGapSeconds?: number }
/**
 * How a flag change is authorised and attributed (`actor` default "", `t` default 0). The
 * decision is the proposal given whole with its votes (`proposal.terms(subject, action)`),
 * tallied by the core at `t`; a `{subject, action, status}` record made by hand is refused
 * with `unverified_decision`.
 */
export interface FlagOptions { decision?: ProposalTerms; actor?: string; t?: number }

// The deployment (docs/deploy.md) ---------------------------------------------------------

/** A proposal with its votes, given whole as a decision (`Proposal.terms`). */
export interface ProposalTerms {
  id?: string;
  subject: string;
  action: string;
  electorate: string[];
  quorum: string;
  passThreshold: string;
  opensAt: number;
  closesAt: number;
  votes?: Array<{ t: number; member: string; choice: string }>;
}
/** The same shape under the name the deployment's types first used. */
export type BackedDecision = ProposalTerms;
/** A decision an event carries: a recorded proposal's id (optionally pinned by its votes'
 * checksum), or a proposal with its votes. */
export type DecisionRef = string | { proposal: string; checksum: string } | ProposalTerms;
/** One event: a line of an events file. */
export type DeploymentEvent =
  | { t: number; metrics?: Record<string, number | null>; checks?: Record<string, boolean | null> }
  | { t: number; health: Record<string, 'up' | 'degraded' | 'down' | null> }
  | { t: number; proposal: Omit<ProposalTerms, 'votes'> & { id: string } }
  | { t: number; vote: { proposal: string; member: string; choice: string } }
  | { t: number; approve: number; decision: DecisionRef }
  | { t: number; consulted: 'proceed' | 'rollback' | 'gentle_rollback'; decision: DecisionRef }
  | { t: number; community: DecisionRef }
  | { t: number; staging: boolean }
  | { t: number; redeploy: DecisionRef | null }
  | { t: number; tick: true };
export type NoticeKind =
  | 'phase_passed' | 'consultation_opened' | 'approval_needed' | 'ramp_step' | 'rollback'
  | 'redeploy_refused' | 'redeployed' | 'completed';
/** A message for the community; the same notice always has the same id. */
export interface Notice {
  id: string;
  t: number;
  kind: NoticeKind;
  audience: string;
  severity: Severity;
  rules: string[];
  message: string;
}
export interface DeploymentRollback {
  t: number;
  phase: string;
  cause: 'technical' | 'liberation' | 'community';
  reasons: string[];
}
export interface DeploymentState {
  service: string;
  attempt: number;
  phase: string;
  phaseIndex: number;
  status: 'running' | 'consulting' | 'rolled_back' | 'completed';
  strategy: 'canary' | 'blue_green';
  canary: { status: RolloutStatus; step: number; weight: number } | null;
  blueGreen: 'staged' | 'aborted' | 'promoted' | 'switched_back' | 'completed' | null;
  weight: number;
  rollback: DeploymentRollback | null;
  redeployNeeds: string[];
  t: number | null;
  /** The proposals recorded by `proposal` events, read at `t`. */
  proposals: RecordedProposal[];
  /** Each liberation rule of the policy, as the last observation left it. */
  liberation: LiberationStatus[];
}
/** A liberation rule of the policy at a deployment's last observation. */
export interface LiberationStatus {
  rule: string;
  description: string | null;
  status: 'holding' | 'failing' | 'unknown';
  action: Action;
  metric: string | null;
  value: number | null;
  checks: Record<string, boolean | null>;
}
/** A proposal recorded in a deployment; `checksum` pins its votes (`{ proposal, checksum }`). */
export interface RecordedProposal {
  id: string;
  subject: string;
  action: string;
  status: 'open' | 'passed' | 'rejected' | 'no_quorum';
  tally: { yes: number; no: number; abstain: number };
  participation: number;
  closesAt: number;
  checksum: string;
}
/** What one event did. */
export interface DeploymentStep {
  t: number;
  event: string;
  decision: Decision | null;
  gate: PhaseResult | null;
  community: CommunityDecision | null;
  refused: string | null;
  state: DeploymentState;
  notices: Notice[];
}
export interface PolicyTestOutcome { name: string; checked: number; mismatches: Array<{ at: number; expected: string; actual: string }> }
/** An amount of money: a decimal string in major units ("12.50") or a bigint of minor units. */
export type Money = string | bigint;
/** A creator and its weight: a decimal string, or a whole number. */
export interface CreatorArg { id: string; weight: string | number }
/** Options of a split: `creatorShare` (default "0.75", never below), the processor's `fee`,
 * `feeMode` ("platform", the default, or "before_split") and a cash `step` ("0.05" CHF). */
export interface SplitOptions { creatorShare?: string | number; fee?: Money; feeMode?: string; step?: Money }
export interface PaidArg { id: string; amount: Money }
/** Options of a ledger: a durable store ("sqlite:PATH" or "postgres://USER@HOST:PORT/DB") the
 * ledger is replayed from and every record written to first (Node only). */
export interface LedgerOptions { store?: string }
export interface ProposalFileReading {
  status: string;
  tally: Tally;
  refused: Array<[number, string]>;
  decision: CommunityDecision | null;
}
/** A split in minor units (`SplitTerms.splitMinor`): every amount a bigint, creators in order. */
export interface MinorSplit { creators: bigint[]; creatorTotal: bigint; platform: bigint; fee: bigint }

/** Who asks, as Unleash's context has it (`Toggles.isEnabled`); other fields go in `properties`. */
export interface UnleashContext {
  userId?: string;
  sessionId?: string;
  remoteAddress?: string;
  environment?: string;
  appName?: string;
  /** RFC 3339; the date constraints read now when absent. */
  currentTime?: string;
  properties?: Record<string, string | number | boolean | null>;
}
/** A toggle's variant (`Toggles.getVariant`); `disabled` when none applies. */
export interface UnleashVariant {
  name: string;
  enabled: boolean;
  featureEnabled: boolean;
  payload?: { type: string; value: string };
}

/** A flag resolved as OpenFeature asks (`FlagSet.resolve`). */
export interface FlagResolution {
  /** The value; absent when `error` is set (the caller's default applies). */
  value?: boolean | number;
  reason: 'STATIC' | 'TARGETING_MATCH' | 'SPLIT' | 'DISABLED' | 'DEFAULT' | 'ERROR';
  error?: 'FLAG_NOT_FOUND' | 'TYPE_MISMATCH' | 'TARGETING_KEY_MISSING';
  message?: string;
  /** The flag's kind and the community decision that last changed it. */
  metadata?: { kind: string; decision?: string };
}

export declare class ExternalObject<T> {
  readonly '': {
    readonly '': unique symbol
    [K: symbol]: T
  }
}

/**
 * Which binding artifact the generated loader actually loaded: `'native'` for
 * a native addon, otherwise the `platformArchABI` of the WASI flavor. Every
 * flavor napi-rs can build is listed, because `NAPI_RS_NATIVE_LIBRARY_PATH`
 * can point the loader at a WASI artifact this package does not build itself.
 */
export declare const __napiBindingTarget: 'native' | 'wasm32-wasi' | 'wasm32-wasip1'

/**
 * A blue-green deployment: green staged beside blue, a pre-promotion gate, then a
 * post-promotion gate watched for `watchSeconds` (SPEC §8).
 */
export declare class BlueGreen {
  constructor(watchSeconds: number)
  /** "staged", "aborted", "promoted", "switched_back" or "completed". */
  get status(): string
  /** Reports the pre-promotion gate at `t`: passing promotes, failing aborts. */
  preGate(t: number, passed: boolean): string
  /**
   * Reports the post-promotion gate at `t`: failing switches back to blue; passing
   * until the watch period is over completes.
   */
  postGate(t: number, passed: boolean): string
}

/** The breaker state machine driven with explicit times (SPEC §4). */
export declare class BreakerMachine {
  /**
   * A machine with `config` (`{failureRateThreshold, slowCallRateThreshold, …}`,
   * each defaulted; BreakerError `invalid_config` naming what is wrong).
   */
  constructor(config?: BreakerConfig | null)
  /** Applies `op` at `t`; for `acquire`, whether it was permitted (else null). */
  apply(t: number, op: string, outcome?: string, seconds?: number): boolean | null
  /**
   * Records `k` successful, non-slow calls at `t` at once: the machine ends as after
   * `k` single records (BreakerError `invalid_op` unless `k` is a whole number ≥ 0).
   */
  recordSuccesses(t: number, k: Count): string
  get state(): string
}

/**
 * A multi-window burn-rate rule (SRE workbook): fires when the error rate over the
 * long window and over the short window both reach `burnRate × (1 − objective)`.
 */
export declare class BurnRate {
  /**
   * `rule`: `{objective, longWindowSeconds, shortWindowSeconds, burnRate,
   * minRequests?}`; WindowError `invalid_config` naming what is wrong.
   */
  constructor(rule: BurnRateRule)
  /** Adds one interval's counts; whether both windows burn too fast. */
  push(t: number, requests: Count, errors: Count): boolean
  /** Whether both windows are at or above the threshold rate. */
  get firing(): boolean
}

/**
 * The six-phase deployment of one service, with verified community decisions and a
 * notice outbox; in memory, or (Node) kept in a store and resumed from it.
 */
export declare class Deployment {
  /**
   * `plan`, `policy`, `health`: null for the built-in ones (WASM takes over the
   * objects given); in memory. (A deployment kept in a store is Node's
   * `await DurableDeployment.open(...)`, whose writes run off the event loop; WASM
   * has no store backends and says so when `store` is given.)
   */
  constructor(service: string, plan?: DeploymentPlan | undefined | null, policy?: Policy | undefined | null, health?: HealthModel | undefined | null, store?: string)
  /**
   * A read-only view of a deployment of `service` (built-in plan, policy and health
   * model) from a dump of its store (`liberation-gates store dump`): the dump's
   * checksum chain is checked (StoreError `tampered`), then its events replayed.
   */
  static fromDump(service: string, dump: string): Deployment
  /**
   * Applies one event (an object, as a line of an events file); the step. A refused
   * event changes nothing.
   */
  apply(event: DeploymentEvent): DeploymentStep
  /** Applies an events file's text, line by line; an error names its line. */
  applyJsonl(text: string): DeploymentStep[]
  /**
   * The state: service, attempt, phase, status, strategy, canary, weight, rollback,
   * proposals, liberation, …
   */
  get state(): DeploymentState
  /** Every notice raised, in order. */
  notices(): Notice[]
  /**
   * The notices not delivered yet, in order: send each, then `markDelivered(id)` (at
   * least once; ids make a repeat harmless).
   */
  undelivered(): Notice[]
  /** Marks notice `id` and every one before it delivered. */
  markDelivered(id: string): void
  /** The store's backend ("sqlite", "postgres"), or null in memory. */
  get storeBackend(): string | null
}

/** The six-phase deployment plan (SPEC §9). */
export declare class DeploymentPlan {
  /** The built-in plan. */
  static builtin(): DeploymentPlan
  /**
   * Reads a deployment plan's text in `format` ("toml", "yaml" or "json"; "json"
   * only in the WASM build).
   */
  static parse(text: string, format: string): DeploymentPlan
  /** Phase names, in order. */
  get phases(): Array<string>
  /**
   * Evaluates one phase: `{phase, passed, action, failed, missing,
   * liberationFailed}`.
   */
  evaluate(phase: string, metrics?: Record<string, number | null> | null, checks?: Record<string, boolean | null> | null): PhaseResult
}

/**
 * A deployment kept in a durable store, replayed from it on open; every event is written
 * there first, off the event loop. Reads return Promises too: they wait for the writes
 * before them.
 */
export declare class DurableDeployment {
  /**
   * Opens the deployment of `service` kept in `store` ("sqlite:PATH", "postgres://…");
   * `plan`, `policy`, `health`: null for the built-in ones.
   */
  static open(service: string, store: string, plan?: DeploymentPlan | undefined | null, policy?: Policy | undefined | null, health?: HealthModel | undefined | null): Promise<DurableDeployment>
  /**
   * Applies one event (an object, as a line of an events file); the step. A refused event
   * changes nothing.
   */
  apply(event: DeploymentEvent): Promise<DeploymentStep>
  /** Applies an events file's text, line by line; an error names its line. */
  applyJsonl(text: string): Promise<DeploymentStep[]>
  /** The state: service, attempt, phase, status, strategy, canary, weight, rollback, … */
  state(): Promise<DeploymentState>
  /** Every notice raised, in order. */
  notices(): Promise<Notice[]>
  /** The notices not delivered yet, in order: send each, then `markDelivered(id)`. */
  undelivered(): Promise<Notice[]>
  /** Marks notice `id` and every one before it delivered (kept in the store). */
  markDelivered(id: string): Promise<void>
  /** The store's backend ("sqlite", "postgres", "memory"). */
  get storeBackend(): string | null
}

/**
 * A ledger kept in a durable store: every record is written there first, off the event loop.
 * Read it through `snapshot()`, an in-memory `Ledger` with the reports.
 */
export declare class DurableLedger {
  /**
   * Opens the ledger kept in `store` ("sqlite:PATH", "postgres://…", "memory:"), replayed
   * from it.
   */
  static open(store: string): Promise<DurableLedger>
  /** Computes a split, stores it, then records it; the split, as `split()` returns it. */
  recordSplit(id: string, t: number, gross: Money, currency: string, creators: CreatorArg[], options?: SplitOptions | null): Promise<SplitResult>
  /** Refunds `amount` of the recorded split `splitId`, stores it, then records it. */
  recordRefund(id: string, t: number, splitId: string, amount: Money): Promise<void>
  /** Records a payout the payment system made: `amount` to `creator` for split `splitId`. */
  recordPayout(id: string, t: number, splitId: string, creator: string, amount: Money): Promise<void>
  /**
   * The ledger as it stands after the calls before this one, in memory: `report`,
   * `sovereigntySummary`, … on it.
   */
  snapshot(): Promise<Ledger>
  /** The store's backend ("sqlite", "postgres", "memory"). */
  get storeBackend(): string | null
}

/** Evaluates a policy over observations in time order. */
export declare class Evaluator {
  /**
   * One observation: `metrics` `{name: number | null}`, `checks` `{name: boolean |
   * null}`; a value given as null is missing.
   */
  observe(t: number, metrics?: Record<string, number | null> | null, checks?: Record<string, boolean | null> | null): Decision
  /** Evaluates a JSON-lines observation file's text; an error names its line. */
  observeJsonl(text: string): Decision[]
}

/** Feature flags under community control (SPEC §6). */
export declare class FlagSet {
  /** `flags`: `[{key, kind, enabled?, intensity?, rolloutPercent?}]`. */
  constructor(flags: FlagDef[])
  /** The platform's built-in flags. */
  static builtin(): FlagSet
  /**
   * Applies "enable", "disable" or "set_intensity" with `{decision?, actor?, t?}`;
   * a protected or community flag needs `decision`, a proposal given whole.
   */
  apply(key: string, op: string, value?: number, options?: FlagOptions | null): FlagState
  enable(key: string, options?: FlagOptions | null): FlagState
  disable(key: string, options?: FlagOptions | null): FlagState
  setIntensity(key: string, value: number, options?: FlagOptions | null): FlagState
  isEnabled(key: string): boolean
  /** Enabled, and inside the flag's rollout percentage for `userId`. */
  isEnabledFor(key: string, userId: string): boolean
  intensity(key: string): number
  get keys(): Array<string>
  /** The audit log: every change, with the decision that authorised it. */
  get log(): AuditEntry[]
  /**
   * `key` resolved as OpenFeature asks: `{value, reason, error?, message?,
   * metadata?}` as a boolean for `targetingKey` (`asType` "boolean"), a number
   * ("number") or another type (TYPE_MISMATCH); what `LiberationGatesProvider` serves.
   */
  resolve(key: string, asType: string, targetingKey?: string | null): FlagResolution
}

/** A health model (SPEC §11): checks `{name, level, critical}` in levels 1–5. */
export declare class HealthModel {
  /** `checks`: `[{name, level, critical?}]` (`critical` defaults to true). */
  constructor(checks: CheckDef[])
  /** The platform's model, with the check names the built-in policy and plan share. */
  static builtin(): HealthModel
  /** The declared checks, `[{name, level, critical}]`. */
  get checks(): CheckDef[]
  /**
   * Evaluates `{name: "up" | "degraded" | "down" | null}`:
   * `{levels, overall, action, failing, checks}`.
   */
  evaluate(status: Record<string, HealthStatus | null>): HealthReport
  /** Evaluates boolean results as observations carry them (true up, false down). */
  evaluateChecks(checks: Record<string, boolean>): HealthReport
}

/**
 * A ledger of splits, refunds and payouts, with the transparency report and the
 * sovereignty summary: in memory, or (Node) kept in a durable store.
 */
export declare class Ledger {
  /**
   * An empty ledger in memory. (A ledger kept in a store is Node's
   * `await DurableLedger.open(url)`, whose writes run off the event loop; the WASM
   * build has no store backends and says so.)
   */
  constructor(options?: LedgerOptions | null)
  /**
   * The ledger kept in a store dump (`liberation-gates store dump`), in memory, its
   * checksum chain checked first (StoreError `tampered` otherwise).
   */
  static fromDump(text: string): Ledger
  /** Reads a JSON-lines ledger; an error names its line. */
  static fromJsonl(text: string): Ledger
  /** Computes and records a split; the split, as `split()` returns it. */
  recordSplit(id: string, t: number, gross: Money, currency: string, creators: CreatorArg[], options?: SplitOptions | null): SplitResult
  /** Refunds `amount` of the recorded split `splitId` and records it. */
  recordRefund(id: string, t: number, splitId: string, amount: Money): void
  /**
   * Records a payout the payment system made: `amount` to `creator` for split
   * `splitId`.
   */
  recordPayout(id: string, t: number, splitId: string, creator: string, amount: Money): void
  /** The number of records. */
  get length(): number
  /** The store's backend ("sqlite", "postgres"), or null for a ledger in memory. */
  get storeBackend(): string | null
  /** The transparency report by "day", "month" or "all" (the default). */
  report(period?: string): TransparencyReport
  /** The transparency report as CSV, one row per period and currency. */
  reportCsv(period?: string): string
  /**
   * The `creator_share` metric over `(now - windowSeconds, now]` in `currency`, or
   * null.
   */
  creatorShare(now: number, windowSeconds: number, currency: string): number | null
  /**
   * The creators' share against the 75% floor and each creator's amount in
   * `currency`, or null when the ledger holds nothing in it.
   */
  sovereigntySummary(currency: string): SovereigntySummary | null
  /** The currencies in the ledger, sorted. */
  get currencies(): Array<string>
}

/**
 * Prometheus metrics (OpenMetrics text) of breakers, rollouts, deployments, decisions,
 * payout audits and proposals; `encode()` is what a `/metrics` endpoint serves.
 */
export declare class Metrics {
  constructor()
  /**
   * Reports the breaker as `name` on every scrape (lib.cjs passes a `CircuitBreaker`'s
   * native half).
   */
  addBreaker(name: string, breaker: import('./lib').CircuitBreaker): void
  /**
   * Counts `decision` (as `Evaluator.observe` returned it) for `service`, with the
   * observation's `metrics` and `checks` for the liberation rules' status and values.
   */
  recordDecision(service: string, policy: Policy, decision: Decision, metrics?: Record<string, number | null> | null, checks?: Record<string, boolean | null> | null): void
  /** Reports the rollout's current state as `name`. */
  setRollout(name: string, rollout: Rollout): void
  /** Reports the deployment's current state under its service. */
  setDeployment(deployment: Deployment): void
  /** Reports the proposal's status and participation at `now` as `id`. */
  setProposal(id: string, proposal: Proposal, now: number): void
  /** Audits payouts as `audit()` does, adds the audit to its currency's totals and returns it. */
  recordAudit(gross: Money, currency: string, creators: CreatorArg[], paid: PaidArg[], options?: SplitOptions | null): AuditResult
  /** The exposition now (OpenMetrics text, ending `# EOF`). */
  encode(): string
  /**
   * The exposition now in Prometheus' classic text format (0.0.4, what `promtool check
   * metrics` reads).
   */
  encodeText(): string
  /**
   * `{contentType, body}` answering a scrape whose `Accept` header is `accept`:
   * OpenMetrics when asked for (Prometheus asks), the classic format otherwise.
   */
  scrape(accept?: string | undefined | null): { contentType: string; body: string }
}

/**
 * A thread-safe circuit breaker driven with the caller's clock; `acquire` and `record` return
 * a bit set: 1 = permitted (acquire only), 2 = transitions are waiting in `takeTransitions()`.
 */
export declare class NativeBreaker {
  constructor(config?: object | undefined | null)
  /**
   * A token naming this breaker to the other threads of this process (worker threads):
   * `NativeBreaker.attach(token)` there drives the same breaker. The token keeps nothing
   * alive: once every breaker over it is collected, attaching fails.
   */
  share(): number
  /**
   * The breaker another thread of this process shared as `token` (see `share`), with its
   * own transition events.
   */
  static attach(token: number): NativeBreaker
  /** A handle for `breakerAcquire` / `breakerRecord`. */
  handle(): ExternalObject<'BreakerHandle'>
  acquire(t: number): number
  /**
   * Counts `permits` acquires skipped while every call was permitted, then `successes`
   * counted under a lease.
   */
  countLocal(permits: number, successes: number): void
  /** Transitions since the last call, in order: `{t, from, to}`. */
  takeTransitions(): TransitionObject[]
  forceOpen(t: number): string
  disable(t: number): string
  reset(t: number): string
  /** A snapshot at `t`: state, calls, failure_rate, slow_call_rate, seconds_until_half_open, stats. */
  metrics(t: number): import('./types').BreakerMetrics
  /** Whether the breaker refuses calls at `t` (`open` or `forced_open`). */
  rejectsCalls(t: number): boolean
}

/** Last good answers (JSON values) with attribution, bounded and expiring; times from the caller. */
export declare class NativeFallbackCache {
  constructor(capacity?: number | undefined | null, ttlSeconds?: number | undefined | null)
  store(key: string, value: unknown, attribution: import('./types').Attribution | null, t: number): void
  get(key: string, t: number): import('./types').Served | null
  /**
   * What to serve once a call has settled (the core's rule): `succeeded` stores `value` and
   * serves it fresh; otherwise the cached answer within the TTL, if any.
   */
  settle(key: string, succeeded: boolean, value: unknown, attribution: import('./types').Attribution | null, t: number): import('./types').Served | null
  get size(): number
}

/**
 * A breaker whose window and state live in Redis (shared by every process using the same
 * name), with a local breaker while Redis is unreachable. Its Redis round trips run on the
 * libuv thread pool (`acquire` and `record` return promises), never on the event loop.
 */
export declare class NativeSharedBreaker {
  constructor(url: string, name: string, config?: object | undefined | null)
  /** Resolves to 1 (permitted, shared), 0 (permitted by the local breaker) or -1 (rejected). */
  acquire(): Promise<number>
  /** Records a call of `seconds` that `acquire` permitted (`shared`: it answered 1). */
  record(shared: boolean, failure: boolean, seconds: number): Promise<string>
  /** Events since the last call, in order. */
  takeEvents(): Array<import('./types').SharedEvent>
  /** Whether calls currently go through Redis. */
  get isShared(): boolean
  /** The state (a Redis round trip on the calling thread). */
  get state(): string
  /** Lifetime counters (every process's, when shared). */
  stats(): import('./types').BreakerStats
  forceOpen(): string
  disable(): string
  reset(): string
}

/**
 * Participation across closed proposals: the `governance_participation_drop`
 * metric.
 */
export declare class Participation {
  /**
   * A baseline of the `baseline` proposals before the latest (default 3;
   * GovernanceError `invalid_participation` for 0).
   */
  constructor(baseline?: number)
  /** Adds a closed proposal's participation rate, 0–1. */
  record(rate: number): void
  /** The relative drop of the latest rate against the baseline's mean, or null. */
  get drop(): number | null
}

/** A deployment-safety policy (SPEC §7). The WASM build reads JSON only. */
export declare class Policy {
  /** The built-in liberation-safe policy. */
  static builtin(): Policy
  /** Parses policy text in `format` ("toml", "yaml" or "json"). */
  static parse(text: string, format: string): Policy
  /** Parses a policy written as JSON. */
  static fromJson(text: string): Policy
  /** Writes the policy in `format` (default "toml"; "json" in the WASM build). */
  dumps(format?: string): string
  get ruleIds(): Array<string>
  /** The names of the breakers the policy file configures, sorted. */
  get breakerNames(): Array<string>
  /**
   * The config of the breaker called `name` (for `CircuitBreaker`); BreakerError
   * `unknown_breaker` when the policy configures none.
   */
  breakerConfig(name: string): Required<BreakerConfig>
  /** `[metrics, checks]`: the names the policy reads. */
  inputs(): [string[], string[]]
  /** A fresh evaluator. */
  evaluator(): Evaluator
  /**
   * The liberation rules behind a rollback decision as `observe` returned it (empty
   * for a technical one).
   */
  liberationCause(decision: Decision): Array<string>
  /** Reads a policy file (.toml, .yaml/.yml, .json). */
  static fromPath(path: string): Policy
}

/** One member, one vote (SPEC §5). */
export declare class Proposal {
  /**
   * A proposal to `electorate`, open from `opensAt` to `closesAt`; `quorum` and
   * `passThreshold` are exact decimals ("0.5"; a whole number may be a number).
   */
  constructor(electorate: string[], quorum: string | number, passThreshold: string | number, opensAt: number, closesAt: number)
  /**
   * Casts a vote; a refusal throws GovernanceError with its code and changes
   * nothing.
   */
  cast(t: number, member: string, choice: string): void
  /** The votes counted at `now`. */
  tally(now: number): Tally
  /** "open", "passed", "rejected" or "no_quorum" at `now`. */
  status(now: number): string
  /**
   * The decision the proposal makes about `subject` at `now`, with its tally (a
   * record to read; to authorise a change, hand over `terms(subject, action)`).
   */
  decision(subject: string, action: string, now: number): CommunityDecision
  /**
   * The proposal given whole with its votes, as a decision about `subject` and
   * `action`: what flag changes and the redeploy guard take, tallied by the core
   * when used.
   */
  terms(subject: string, action: string): ProposalTerms
  /**
   * Reads a proposal at `now` from votes `[{t, member, choice}]` in the order cast
   * (votes after `now` are neither counted nor refused): `{status, yes, no,
   * abstain, refused: [{index, error}]}`.
   */
  static read(electorate: string[], quorum: string | number, passThreshold: string | number, opensAt: number, closesAt: number, votes: VoteArg[], now: number): ProposalReading
}

/**
 * After a rollback caused by a liberation rule, a service redeploys only with a
 * passed community decision `redeploy:<service>`.
 */
export declare class RedeployGuard {
  constructor()
  /**
   * Notes a policy decision (as `observe` returned it) about `service`; a
   * liberation rollback blocks redeployment.
   */
  record(policy: Policy, service: string, decision: Decision): void
  /** The liberation rules that blocked `service`, or null. */
  blockedBy(service: string): string[] | null
  /**
   * Starts a rollout of `service`; a blocked service needs a passed
   * `redeploy:<service>` decision, the proposal given whole
   * (`proposal.terms(...)`; RolloutError `redeploy_needs_approval` otherwise,
   * `unverified_decision` for a record made by hand).
   */
  start(service: string, plan?: RolloutPlan | undefined | null, startedAt?: number | undefined | null, decision?: ProposalTerms | null): Rollout
}

/** The unrefunded balances of one split, to take refunds from. */
export declare class Refundable {
  /** The balances of a split result as `split()` returns it. */
  constructor(split: SplitResult)
  /**
   * Takes `amount` from the parties in proportion to their unrefunded balances:
   * `{amount, creators: [{id, amount}], platform}`.
   */
  refund(amount: Money): RefundResult
  /** What remains refundable. */
  get remaining(): string
}

/** A running canary rollout (SPEC §8). */
export declare class Rollout {
  /**
   * A rollout of `plan` (default: the default plan) started at `startedAt`
   * (default 0).
   */
  constructor(plan?: RolloutPlan | undefined | null, startedAt?: number | undefined | null)
  /** `observe {decision}` at `t`. */
  observe(t: number, decision: string): RolloutStateObject
  /** `approve {step}` at `t`. */
  approve(t: number, step: number): RolloutStateObject
  /**
   * `consulted {outcome}` at `t`: the community's answer ("proceed", "rollback" or
   * "gentle_rollback").
   */
  consulted(t: number, outcome: string): RolloutStateObject
  /** `tick` at `t`: the passage of time alone. */
  tick(t: number): RolloutStateObject
  /**
   * An event by name, as in the vectors: "observe" with a decision, "approve" with
   * a step, "consulted" with an outcome, or "tick".
   */
  apply(t: number, kind: string, decision?: string, step?: number, outcome?: string): RolloutStateObject
  /** The gentle-ramp steps the last event caught up on: `[{t, status, step, weight}]`. */
  get rampSteps(): RampStep[]
  get state(): RolloutStateObject
}

/** A progressive-rollout plan. */
export declare class RolloutPlan {
  /**
   * `steps`: `[{weight, bakeSeconds, approval}]`, or null for the default plan;
   * `gentleStepSeconds`: how long a gentle rollback stays on each step on its way
   * down (default 300).
   */
  constructor(steps?: StepArg[] | null, gentleStepSeconds?: number)
  /** Reads a rollout plan file's text in `format` ("toml", "yaml" or "json"). */
  static parse(text: string, format: string): RolloutPlan
  get steps(): Step[]
  /** How long a gentle rollback stays on each step on its way down, seconds. */
  get gentleStepSeconds(): number
}

/**
 * Split terms prepared once (currency, creators, share, fee, step) to split many
 * payments: `split(gross)` as `split()` does, `splitMinor(gross)` in minor units.
 */
export declare class SplitTerms {
  /**
   * The terms of `split(gross, currency, creators, options)` but the gross; the
   * same errors, checked here once.
   */
  constructor(currency: string, creators: CreatorArg[], options?: SplitOptions | null)
  /** Splits `gross`: the result of `split()`. */
  split(gross: Money): SplitResult
  /**
   * Splits `gross` in minor units: `{creators, creatorTotal, platform, fee}`, every
   * amount a bigint of minor units, creators in order.
   */
  splitMinor(gross: Money): MinorSplit
  /**
   * Splits `gross` (a bigint of minor units) into `out`, a `BigInt64Array` of the creators'
   * amounts in order, then the creators' total, the platform's amount and the fee (so
   * creators + 3 places): `splitMinor` without building an object, for hot paths. Every
   * amount within the money limit fits; `out` of another type or length is a TypeError.
   */
  splitMinorInto(gross: bigint, out: BigInt64Array): void
}

/**
 * Append-only records with a checksum chain, and state, in a durable store; every method
 * returns a Promise.
 */
export declare class Store {
  /** A store in memory (`url` absent or "memory:"); a durable one is `await Store.open(url)`. */
  constructor(url?: string | undefined | null)
  /** Opens `url` ("memory:", "sqlite:PATH", "postgres://…") and verifies its history. */
  static open(url: string): Promise<Store>
  /** The backend's name. */
  get backend(): string
  /** Appends a record; `body` is JSON text, or any JSON value (written as JSON). */
  append(stream: string, id: string, body: unknown): Promise<import('./types').StoredRecord>
  /** The records of `stream` (every stream when omitted), oldest first. */
  records(stream?: string | undefined | null): Promise<Array<import('./types').StoredRecord>>
  /** The record `id` of `stream`, or null. */
  record(stream: string, id: string): Promise<import('./types').StoredRecord | null>
  /** Recomputes the checksum chain; the number of records (StoreError `tampered` if broken). */
  verify(): Promise<number>
  /** Sets `key` to `value`. */
  putState(key: string, value: string): Promise<void>
  /** The value of `key`, or null. */
  state(key: string): Promise<string | null>
}

/** Prometheus-style sustained condition (SPEC §2). */
export declare class Threshold {
  constructor(op: string, threshold: number, forSeconds: number, options?: ThresholdOptions | null)
  /**
   * Feeds a sample: "inactive", "pending" or "firing". A null value is
   * `invalid_sample`.
   */
  observe(t: number, value?: number | undefined | null): string
  get state(): string
}

/**
 * Unleash toggles evaluated as Unleash's SDKs do (docs/unleash.md), with the
 * community's votes on top for the flags of a `FlagSet`.
 */
export declare class Toggles {
  /**
   * Reads a toggle state: Unleash's `features` document (`{features, segments}`) or
   * a delta document (`{events}`), as JSON text.
   */
  static fromJson(text: string): Toggles
  /** Applies a delta document's events (a `features` document replaces the state). */
  applyJson(text: string): void
  /**
   * Whether toggle `name` is on for `context` (`{userId, sessionId, remoteAddress,
   * environment, appName, currentTime, properties}`); false when there is none.
   */
  isEnabled(name: string, context?: UnleashContext | null): boolean
  /**
   * The variant of toggle `name` for `context`: `{name, enabled, featureEnabled,
   * payload?}` (`disabled` when none applies).
   */
  getVariant(name: string, context?: UnleashContext | null): UnleashVariant
  /**
   * As `isEnabled`, but a protected, community or always-on flag of `flags` is on
   * only while the community's votes say so; the toggle's strategies still decide
   * who sees it.
   */
  isEnabledGoverned(name: string, flags: FlagSet, context?: UnleashContext | null): boolean
  /** As `getVariant`, under the community's votes (see `isEnabledGoverned`). */
  getVariantGoverned(name: string, flags: FlagSet, context?: UnleashContext | null): UnleashVariant
  /**
   * `key` resolved as OpenFeature asks, under the community's votes in `flags`:
   * `{value, reason, error?, message?, metadata?}` as a "boolean" (decided by the
   * toggle's strategies for `targetingKey` and `attributes`), a "number" (the flag's
   * intensity) or another type; what `LiberationGatesProvider` serves with toggles.
   */
  resolve(key: string, flags: FlagSet, asType: string, targetingKey?: string | null, attributes?: Record<string, string | number | boolean> | null): FlagResolution
  /** The toggles' names, sorted. */
  get names(): Array<string>
}

/** Error rate over a sliding window of per-interval counts (SPEC §3). */
export declare class WindowRate {
  /** `minRequests` defaults to 0 (the core's default). */
  constructor(windowSeconds: number, minRequests?: Count)
  /** Adds one interval's counts; the rate, or null below `minRequests`. */
  push(t: number, requests: Count, errors: Count): number | null
  /** The rate over the window, or null below `minRequests`. */
  get rate(): number | null
}

/**
 * Audits payouts made elsewhere (`paid`: `[{id, amount}]`) against the split that
 * says what creators are owed (SPEC §10).
 */
export declare function audit(gross: Money, currency: string, creators: CreatorArg[], paid: PaidArg[], options?: SplitOptions | null): AuditResult

/**
 * Audits a payout file's text (JSON lines `{id, amount}`) against a split terms
 * file's text (the CLI's `audit --split --paid`); an error in the payouts names its
 * line.
 */
export declare function auditFiles(splitTerms: string, paid: string): AuditResult

/**
 * `NativeBreaker#acquire` through a handle, after counting `permits` acquires skipped while
 * every call was permitted (see bit 8) and `successes` counted under a lease (bit 4).
 */
export declare function breakerAcquire(handle: ExternalObject<'BreakerHandle'>, t: number, permits: number, successes: number): number

/**
 * Ends a permitted call through a handle, after counting `permits` skipped acquires and
 * `successes` counted under a lease: records
 * it as the guard protocol says and returns bits 2 and 8 (see `acquire`) with the
 * `GuardStep` index in bits 4 and up.
 */
export declare function breakerFinish(handle: ExternalObject<'BreakerHandle'>, t: number, end: number, seconds: number, hasFallback: boolean, permits: number, successes: number): number

/**
 * The core's success lease (`CircuitBreaker::success_lease`): `[until, slowCallSeconds]`, or
 * `null` when there is none.
 */
export declare function breakerLease(handle: ExternalObject<'BreakerHandle'>): [number, number] | null

/** The names of the breaker states, in the order their indices mean. */
export declare function breakerStates(): Array<string>

/** Unleash-compatible bucket of `id` in `group`: 1..=modulus. */
export declare function bucket(id: string, group: string, modulus?: number, seed?: number): number

/** The names of the call ends, in the order their indices mean. */
export declare function callEnds(): Array<string>

/**
 * How many times slower `current` is than `baseline` (`current / baseline − 1`,
 * SPEC §2).
 */
export declare function degradation(current: number, baseline: number): number

/** Every error kind of every family: `{family: [kinds]}`. */
export declare function errorKinds(): Record<string, string[]>

/**
 * The guard protocol's verdict alone (for the shared breaker, which records through Redis):
 * what to record (0 nothing, 1 success, 2 failure) with the `GuardStep` index in bits 4 and up.
 */
export declare function guardStep(end: number, hasFallback: boolean): number

/** The names of the guard steps, in the order their indices mean. */
export declare function guardSteps(): Array<string>

/** L1–L5 health of the built-in model from boolean check results. */
export declare function health(checks: Record<string, boolean>): HealthReport

/**
 * The JSON Schema (draft 2020-12) of `kind` files: "policy", "plan" (deployment
 * plans) or "rollout_plan"; PolicyError `invalid_policy` for another kind.
 */
export declare function jsonSchema(kind: string): Record<string, unknown>

/** A split in minor units, every amount a bigint. */
export interface MinorSplitObject {
  creators: Array<bigint>
  creatorTotal: bigint
  platform: bigint
  fee: bigint
}

/** Throws the error the package maps `family`/`kind` to (for tests of the mapping). */
export declare function raiseForTest(family: string, kind: string): void

/**
 * Reads a proposal file's text (the CLI's `vote` file): `{status, tally, refused,
 * decision}`.
 */
export declare function readProposal(text: string): ProposalFileReading

/**
 * Runs a promtool-style policy test file's text in `format` against `policy`
 * (default: the built-in one): `{name, checked, mismatches: [{at, expected, actual}]}`.
 */
export declare function runPolicyTest(text: string, format: string, policy?: Policy | undefined | null): PolicyTestOutcome

/**
 * Runs a simulation file's text (observations, approvals, consultation answers)
 * through a policy (default: the built-in one) and a canary rollout; one step per
 * line. An error names its line and keeps its kind.
 */
export declare function simulate(text: string, policy?: Policy | undefined | null, plan?: RolloutPlan | undefined | null, startedAt?: number | undefined | null): SimStep[]

/**
 * Splits a payment so creators keep at least 75% (SPEC §1): `{currency, gross,
 * creators: [{id, amount}], platform, fee, creatorTotal, creatorShare, feeMode,
 * method}`.
 */
export declare function split(gross: Money, currency: string, creators: CreatorArg[], options?: SplitOptions | null): SplitResult

/**
 * `split()` for arguments lib.cjs has checked and packed into one string, its result packed
 * the same way: reading the arguments and building the result through napi takes an N-API
 * call per property, this two calls in all. `packed` joins with U+0000 the gross, the currency, then the
 * creator share, fee, fee mode and step (an empty field for each one absent; bits 0 to 3 of
 * `present` say which are given), then each creator's id and weight. The result joins the
 * currency, gross, platform, fee, creators' total, creator share, fee mode and method,
 * then each creator's amount in order.
 */
export declare function splitPacked(packed: string, present: number): string

/**
 * A handle on a copy of `terms` (they never change): lib.cjs takes one per `SplitTerms` and
 * calls `splitTermsMinorInto` with it, because a class method pays for unwrapping `this` on
 * every call and a function on an External does not.
 */
export declare function splitTermsHandle(terms: SplitTerms): ExternalObject<'SplitTermsHandle'>

/** `SplitTerms#splitMinorInto` through a handle from `splitTermsHandle`. */
export declare function splitTermsMinorInto(handle: ExternalObject<'SplitTermsHandle'>, gross: bigint, out: BigInt64Array): void

/**
 * How many places `splitMinorInto` writes for the terms behind `handle`: the creators, then
 * the creators' total, the platform's amount and the fee.
 */
export declare function splitTermsPlaces(handle: ExternalObject<'SplitTermsHandle'>): number
