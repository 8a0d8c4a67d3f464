//! A service's day with liberation-gates, from Rust: split a payment, gate a canary on the
//! built-in policy, and protect a dependency with a breaker and an attributed fallback.
//!
//! Run: `cargo run -p liberation-gates --example guard_a_deploy`

use liberation_gates::breaker::{BreakerConfig, CircuitBreaker, WindowConfig};
use liberation_gates::clock::ManualClock;
use liberation_gates::fallback::{Attribution, FallbackCache};
use liberation_gates::policy::{Observation, Policy};
use liberation_gates::rollout::{Rollout, RolloutPlan};
use liberation_gates::split::{split, SplitInput};
use std::sync::Arc;

fn main() -> Result<(), liberation_gates::Error> {
    // 1. A £30.00 ticket for an event by two creators, weights 2:1, card fee absorbed by the platform.
    let s = split(
        &SplitInput::new("30.00", "GBP")
            .creator("amara", "2")
            .creator("kofi", "1")
            .fee("0.75", "platform"),
    )?;
    for p in &s.creators {
        println!("{:>6} gets £{}", p.id, p.amount);
    }
    println!(
        "platform keeps £{} after the £{} fee (creators: £{})",
        s.platform, s.fee, s.creator_total
    );

    // 2. A canary on the default plan, gated by the built-in policy.
    let policy = Policy::builtin();
    let mut eval = policy.evaluator();
    let mut rollout = Rollout::start(RolloutPlan::default(), 0.0);
    let healthy = |t: f64, error_rate: f64| {
        Observation::new(t)
            .metric("http_error_rate", error_rate)
            .metric("response_time_degradation", 0.1)
            .metric("creator_share", 0.78)
            .metric("governance_participation_drop", 0.0)
            .metric("capacity_utilization", 0.4)
            .checks(
                [
                    "database",
                    "cache",
                    "storage",
                    "api_gateway",
                    "auth",
                    "business_logic",
                    "integration",
                    "community_protection",
                    "trauma_informed_ux",
                ],
                true,
            )
    };
    for (t, rate) in [(0.0, 0.002), (600.0, 0.07), (900.0, 0.07), (1200.0, 0.07)] {
        let d = eval.observe(&healthy(t, rate))?;
        let st = rollout.observe(t, d.action)?;
        println!(
            "t={t:>6}: {} ({}) → rollout {} at {}%",
            d.action,
            d.reasons.join(", "),
            st.status,
            st.weight
        );
    }

    // 3. A breaker around the events API, with a fallback that keeps attribution.
    let clock = Arc::new(ManualClock::new(0.0));
    let config = BreakerConfig {
        window: WindowConfig::Count { size: 4 },
        minimum_calls: 4,
        ..BreakerConfig::default()
    };
    let breaker = CircuitBreaker::with_clock(config, clock.clone())?;
    breaker.on_transition(|tr| println!("breaker: {} → {} at t={}", tr.from, tr.to, tr.t));
    let cache = FallbackCache::new(1_000, 3_600.0, clock.clone())?;
    let credit = Attribution {
        creators: vec!["amara".into(), "kofi".into()],
        revenue: Some("creators £22.50 / platform £6.75".into()),
        note: None,
    };
    let fresh = cache.guard(&breaker, "event:42", || {
        Ok::<_, String>(("Jazz night, 8pm".to_string(), credit.clone()))
    });
    println!("served: {:?}", fresh.map(|s| (s.value, s.from_cache)));
    for _ in 0..4 {
        clock.advance(5.0);
        let served = cache.guard(&breaker, "event:42", || {
            Err::<(String, Attribution), _>("timeout".to_string())
        });
        if let Ok(s) = served {
            println!(
                "events API down: serving '{}' from cache ({} s old), credited to {}",
                s.value,
                s.age_seconds,
                s.attribution.creators.join(" & ")
            );
        }
    }
    println!("breaker now {}", breaker.state());
    Ok(())
}
