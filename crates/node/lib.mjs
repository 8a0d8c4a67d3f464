// ESM entry: the same objects as lib.cjs.
import lg from './lib.cjs';

export const {
  split, audit, SplitTerms, HealthModel, HealthError, Refundable, Ledger, Threshold, WindowRate, degradation, Policy, Evaluator, RolloutPlan, Rollout,
  DeploymentPlan, Deployment, health, simulate, Proposal, FlagSet, bucket, BreakerMachine, CircuitBreaker, SharedCircuitBreaker, FallbackCache,
  errorKinds, raiseForTest, LiberationGatesError, SplitError, ThresholdError, WindowError, BreakerError,
  GovernanceError, FlagError, PolicyError, RolloutError, BucketError, StoreError, DeploymentError, CircuitOpenError, Store,
  runPolicyTest, auditFiles, readProposal, BlueGreen, BurnRate, RedeployGuard, Participation, BreakerRegistry, jsonSchema, Metrics, DurableLedger, DurableDeployment, Toggles,
} = lg;
export default lg;
