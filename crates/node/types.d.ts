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
