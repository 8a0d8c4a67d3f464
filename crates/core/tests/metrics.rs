//! The Prometheus exposition (issue 20): what each family says after the library decided
//! something, in OpenMetrics and in the classic text format.
#![cfg(feature = "metrics")]

use liberation_gates::audit::{audit, Paid};
use liberation_gates::breaker::{BreakerConfig, CircuitBreaker, Outcome, WindowConfig};
use liberation_gates::clock::ManualClock;
use liberation_gates::deployment::{Deployment, Setup};
use liberation_gates::governance::Proposal;
use liberation_gates::metrics::{Metrics, OPENMETRICS_CONTENT_TYPE, TEXT_CONTENT_TYPE};
use liberation_gates::policy::{Observation, Policy};
use liberation_gates::rollout::{Rollout, RolloutPlan};
use liberation_gates::split::SplitInput;
use std::sync::Arc;

/// The value of the one sample `name{labels}` whose labels include all of `labels`.
fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> String {
    let found: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter(|l| {
            let (series, _) = l.rsplit_once(' ').unwrap();
            let (n, rest) = series.split_once('{').unwrap_or((series, ""));
            n == name
                && labels
                    .iter()
                    .all(|(k, v)| rest.contains(&format!("{k}=\"{v}\"")))
        })
        .map(|l| l.rsplit_once(' ').unwrap().1)
        .collect();
    assert_eq!(found.len(), 1, "{name}{labels:?} in\n{text}");
    found[0].to_string()
}

fn observation(t: f64, ux: bool) -> Observation {
    let text = format!(
        r#"{{"t": {t}, "metrics": {{"http_error_rate": 0.001, "response_time_degradation": 0.1, "creator_share": 0.8,
            "governance_participation_drop": 0.05, "capacity_utilization": 0.5}},
          "checks": {{"database": true, "cache": true, "storage": true, "api_gateway": true, "auth": true,
            "business_logic": true, "integration": true, "community_protection": true, "trauma_informed_ux": {ux}}}}}"#
    );
    Observation::from_json(&text).unwrap()
}

#[test]
fn breakers_are_read_at_each_scrape_under_resilience4j_names() {
    let clock = Arc::new(ManualClock::new(0.0));
    let config = BreakerConfig {
        window: WindowConfig::Count { size: 4 },
        minimum_calls: 3,
        ..BreakerConfig::default()
    };
    let b = Arc::new(CircuitBreaker::with_clock(config, clock.clone()).unwrap());
    let m = Metrics::new();
    m.add_breaker("ivor", b.clone());
    let text = m.encode();
    assert_eq!(
        sample(
            &text,
            "resilience4j_circuitbreaker_state",
            &[("name", "ivor"), ("state", "closed")]
        ),
        "1"
    );
    assert_eq!(
        sample(
            &text,
            "resilience4j_circuitbreaker_failure_rate",
            &[("name", "ivor")]
        ),
        "-1.0"
    );

    b.record(Outcome::Success, 0.01);
    b.record(Outcome::Failure, 0.01);
    b.record(Outcome::Failure, 0.01);
    assert!(b.try_acquire().is_err());
    let text = m.encode();
    assert_eq!(
        sample(
            &text,
            "resilience4j_circuitbreaker_state",
            &[("name", "ivor"), ("state", "open")]
        ),
        "1"
    );
    assert_eq!(
        sample(
            &text,
            "resilience4j_circuitbreaker_state",
            &[("name", "ivor"), ("state", "closed")]
        ),
        "0"
    );
    assert_eq!(
        sample(
            &text,
            "resilience4j_circuitbreaker_calls_total",
            &[("name", "ivor"), ("kind", "successful")]
        ),
        "1"
    );
    assert_eq!(
        sample(
            &text,
            "resilience4j_circuitbreaker_calls_total",
            &[("name", "ivor"), ("kind", "failed")]
        ),
        "2"
    );
    assert_eq!(
        sample(
            &text,
            "resilience4j_circuitbreaker_not_permitted_calls_total",
            &[("name", "ivor")]
        ),
        "1"
    );
    assert_eq!(
        sample(
            &text,
            "resilience4j_circuitbreaker_buffered_calls",
            &[("name", "ivor"), ("kind", "failed")]
        ),
        "2"
    );
    let rate: f64 = sample(
        &text,
        "resilience4j_circuitbreaker_failure_rate",
        &[("name", "ivor")],
    )
    .parse()
    .unwrap();
    assert!((rate - 200.0 / 3.0).abs() < 1e-9, "{rate}");
}

#[test]
fn decisions_count_once_per_reason_and_liberation_rules_show_their_inputs() {
    let m = Metrics::new();
    let policy = Policy::builtin();
    let mut ev = policy.evaluator();
    let fine = observation(0.0, true);
    m.record_decision("web", &policy, &fine, &ev.observe(&fine).unwrap());
    let harmful = observation(60.0, false);
    let d = ev.observe(&harmful).unwrap();
    m.record_decision("web", &policy, &harmful, &d);
    let text = m.encode();
    let labels = [("service", "web"), ("action", "proceed"), ("rule", "none")];
    assert_eq!(
        sample(&text, "liberation_gates_decisions_total", &labels),
        "1"
    );
    assert!(!d.reasons.is_empty());
    for rule in &d.reasons {
        let labels = [
            ("service", "web"),
            ("action", d.action.as_str()),
            ("severity", d.severity.as_str()),
            ("rule", rule.as_str()),
        ];
        assert_eq!(
            sample(&text, "liberation_gates_decisions_total", &labels),
            "1"
        );
    }
    let ux = [("service", "web"), ("rule", "trauma_informed_ux")];
    assert_eq!(
        sample(
            &text,
            "liberation_rule_status",
            &[ux[0], ux[1], ("status", "failing")]
        ),
        "1"
    );
    assert_eq!(
        sample(
            &text,
            "liberation_rule_check",
            &[ux[0], ux[1], ("check", "trauma_informed_ux")]
        ),
        "0"
    );
    let share = [("service", "web"), ("metric", "creator_share")];
    assert_eq!(sample(&text, "liberation_rule_value", &share), "0.8");
}

#[test]
fn audits_add_up_exactly_in_minor_units() {
    let m = Metrics::new();
    let sale = SplitInput::new("30.00", "GBP")
        .creator("amara", "2")
        .creator("kofi", "1");
    let short = audit(
        &sale,
        &[Paid::new("amara", "14.90"), Paid::new("kofi", "7.45")],
    )
    .unwrap();
    m.record_audit(&short);
    let exact = audit(
        &sale,
        &[Paid::new("amara", "15.00"), Paid::new("kofi", "7.50")],
    )
    .unwrap();
    m.record_audit(&exact);
    let text = m.encode();
    let gbp = [("currency", "GBP")];
    assert_eq!(
        sample(&text, "liberation_payout_shortfall_minor_units_total", &gbp),
        "15"
    );
    assert_eq!(
        sample(&text, "liberation_payout_expected_minor_units_total", &gbp),
        "4500"
    );
    assert_eq!(
        sample(&text, "liberation_payout_paid_minor_units_total", &gbp),
        "4485"
    );
    assert_eq!(
        sample(&text, "liberation_payout_floor_broken_total", &gbp),
        "1"
    );
    assert_eq!(sample(&text, "liberation_payout_audits_total", &gbp), "2");
    assert_eq!(sample(&text, "liberation_creator_floor_held", &gbp), "1");
    assert_eq!(sample(&text, "liberation_creator_share_paid", &gbp), "0.75");
}

#[test]
fn rollouts_deployments_and_proposals_report_their_state() {
    let m = Metrics::new();
    let mut r = Rollout::start(RolloutPlan::default(), 0.0);
    let st = r
        .observe(0.0, liberation_gates::policy::Action::Proceed)
        .unwrap();
    m.set_rollout("web", &st);
    let d = Deployment::new(Setup::builtin("checkout").unwrap());
    m.set_deployment(&d.state());
    let mut p = Proposal::new(vec!["a".into(), "b".into()], "0.5", "0.5", 0.0, 10.0).unwrap();
    p.cast(1.0, "a", "yes").unwrap();
    m.set_proposal("p1", &p, 2.0);
    let text = m.encode();
    let status = st.status.as_str();
    assert_eq!(
        sample(
            &text,
            "liberation_gates_rollout_status",
            &[("rollout", "web"), ("status", status)]
        ),
        "1"
    );
    assert_eq!(
        sample(
            &text,
            "liberation_gates_rollout_weight_percent",
            &[("rollout", "web")]
        ),
        st.weight.to_string()
    );
    let running = d.state().status;
    assert_eq!(
        sample(
            &text,
            "liberation_gates_deployment_status",
            &[("service", "checkout"), ("status", running.as_str())]
        ),
        "1"
    );
    assert_eq!(
        sample(
            &text,
            "liberation_gates_deployment_attempt",
            &[("service", "checkout")]
        ),
        "1"
    );
    assert_eq!(
        sample(
            &text,
            "liberation_governance_participation",
            &[("proposal", "p1")]
        ),
        "0.5"
    );
    // Before any observation a deployment's liberation rules are unknown.
    let labels = [
        ("service", "checkout"),
        ("rule", "creator_sovereignty"),
        ("status", "unknown"),
    ];
    assert_eq!(sample(&text, "liberation_rule_status", &labels), "1");
}

#[test]
fn the_classic_format_names_counters_by_their_series_and_scrape_negotiates() {
    let m = Metrics::new();
    assert_eq!(m.encode(), "# EOF\n");
    let sale = SplitInput::new("10.00", "EUR").creator("amara", "1");
    m.record_audit(&audit(&sale, &[Paid::new("amara", "7.50")]).unwrap());
    let open = m.encode();
    assert!(open.contains("# TYPE liberation_payout_audits counter\n"));
    let text = m.encode_text();
    assert!(text.contains("# TYPE liberation_payout_audits_total counter\n"));
    assert!(text.contains("# HELP liberation_payout_audits_total "));
    assert!(text.contains("\nliberation_payout_audits_total{currency=\"EUR\"} 1\n"));
    assert!(!text.contains("# EOF"));
    // The same samples, only the counters' descriptor lines and the end marker differ.
    let samples = |t: &str| {
        t.lines()
            .filter(|l| !l.starts_with('#'))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(samples(&open), samples(&text));
    let prometheus = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    assert_eq!(m.scrape(Some(prometheus)), (OPENMETRICS_CONTENT_TYPE, open));
    assert_eq!(m.scrape(Some("*/*")), (TEXT_CONTENT_TYPE, text.clone()));
    assert_eq!(m.scrape(None), (TEXT_CONTENT_TYPE, text));
}
