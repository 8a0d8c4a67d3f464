// The shapes of the core's results as they cross into JavaScript (serde values), for the
// generated declarations in native.d.ts, which refer to them as import('./types').Name.
// Keys are the core's own (snake_case), as the conformance vectors spell them.

export type Action = 'proceed' | 'alert' | 'hold' | 'consult' | 'gentle_rollback' | 'rollback';
export type Severity = 'none' | 'medium' | 'high' | 'critical';
export type HealthStatus = 'up' | 'degraded' | 'down' | 'unknown';
export type RolloutStatus =
  | 'progressing' | 'awaiting_approval' | 'paused' | 'consulting' | 'ramping_down' | 'completed' | 'rolled_back';
export type BreakerState = 'closed' | 'open' | 'half_open' | 'forced_open' | 'disabled';

export interface PhaseResult {
  phase: string;
  passed: boolean;
  action: string;
  failed: string[];
  missing: string[];
  liberation_failed: boolean;
}

export interface CheckDef { name: string; level: number; critical?: boolean }
export interface LevelReport { level: number; status: HealthStatus }
export interface CheckReport { name: string; level: number; status: HealthStatus; counts_as: HealthStatus }
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
  owed_total: string;
  paid_total: string;
  shortfall_total: string;
  creator_share_paid: string | null;
  floor_held: boolean;
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
  creator_total: string;
  platform_total: string;
  creator_share: string;
  creator_share_percent: string;
  floor_held_every_transaction: boolean;
  floor_held_overall: boolean;
  creators: Record<string, string>;
  paid?: PaidSummary;
}
export interface TransparencyReport {
  period: 'day' | 'month' | 'all';
  allocation_method: string;
  rows: ReportRow[];
  floor_held: boolean;
}
export interface SovereigntySummary {
  currency: string;
  transactions: number;
  refunds: number;
  gross: string;
  creator_total: string;
  platform_total: string;
  creator_share: string;
  creator_share_percent: string;
  floor_percent: string;
  floor_held: boolean;
  creators: Array<{ id: string; amount: string; share_of_creators_percent: string }>;
  paid: PaidSummary | null;
}

export interface BreakerStats { permitted: number; rejected: number; successes: number; failures: number; ignored: number }
export interface BreakerMetrics {
  state: BreakerState;
  calls: number;
  failure_rate: number;
  slow_call_rate: number;
  seconds_until_half_open: number | null;
  stats: BreakerStats;
}

export interface RampStep { t: number; status: RolloutStatus; step: number; weight: number }
export interface Step { weight: number; bake_seconds: number; approval: boolean }
export interface Notification { audience: string; severity: Severity; rules: string[]; message: string }
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
  rollout_percent?: number;
  description?: string;
}
export interface FlagState { kind: string; enabled: boolean; intensity: number; rollout_percent?: number }
export interface CommunityDecision { subject: string; action: string; status: string; tally?: { yes: number; no: number; abstain: number }; closed_at?: number }
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

export interface Attribution { creators: string[]; revenue?: string | null; note?: string | null }
