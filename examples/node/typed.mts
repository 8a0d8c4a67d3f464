// Type-checked (tsc --noEmit) against the package's declarations; not run.
import { split, CircuitBreaker, CircuitOpenError, Policy, SplitError, FlagSet, type SplitResult, type PolicyDecision } from '../../crates/node/lib.mjs';

const s: SplitResult = split('100.00', 'GBP', [{ id: 'alice', weight: '3' }, { id: 'bob', weight: 1 }], { fee: 120n, feeMode: 'platform' });
const total: string = s.creatorTotal;

// @ts-expect-error money is never a number
split(100, 'GBP', [{ id: 'a', weight: '1' }]);

const breaker = new CircuitBreaker({ minimumCalls: 20, timeout: 250, errorFilter: (e) => e instanceof SplitError });
breaker.on('open', (t) => console.log(`opened at ${t.t}`));
async function guarded(): Promise<number> {
  try {
    return await breaker.fire(async (x: number) => x * 2, 21);
  } catch (e) {
    if (e instanceof CircuitOpenError) return -1;
    throw e;
  }
}

const d: PolicyDecision = Policy.builtin().evaluator().observe(0, { http_error_rate: 0.02 }, { database: true });
const reasons: string[] = d.reasons;
const flags = FlagSet.builtin();
const state: { enabled: boolean; intensity: number } = flags.enable('cultural_celebration', { actor: 'ops', t: 1 });
export { total, guarded, reasons, state };
