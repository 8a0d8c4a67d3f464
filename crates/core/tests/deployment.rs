//! The deployment (issue 18): six phases end to end, community decisions verified when they
//! are used, notices as durable records, and a deployment resumed from its store.

use liberation_gates::deployment::{Deployment, Event, Setup};
use liberation_gates::health::HealthModel;
use liberation_gates::plan::DeploymentPlan;
use liberation_gates::policy::{Format, Policy};
use serde_json::{json, Value};

const CHECKS: &[&str] = &[
    "database",
    "database_replica",
    "cache",
    "storage",
    "monitoring",
    "api_gateway",
    "auth",
    "business_logic",
    "ivor",
    "events_api",
    "newsroom",
    "integration",
    "creator_sovereignty",
    "community_protection",
    "trauma_informed_ux",
    "governance",
    "schema_validated",
    "anti_extraction",
    "access_controls",
    "governance_endpoints",
    "revenue_transparency",
    "cultural_authenticity",
    "dashboard_accuracy",
    "community_validation",
    "community_representative_input",
];

/// A healthy observation at `t` with every metric and check the built-in plan, policy and
/// health model read; `change` overrides some.
fn obs(t: f64, change: Value) -> Value {
    let mut metrics = json!({
        "http_error_rate": 0.002, "response_time_degradation": 0.05, "creator_share": 0.78,
        "governance_participation_drop": 0.0, "capacity_utilization": 0.55,
        "gateway_latency_ms": 40, "ivor_latency_ms": 200, "ivor_error_rate": 0.001,
        "events_api_query_ms": 30, "page_load_seconds": 1.1,
    });
    let mut checks = serde_json::Map::new();
    for c in CHECKS {
        checks.insert(c.to_string(), Value::Bool(true));
    }
    let mut checks = Value::Object(checks);
    for (k, v) in change.as_object().unwrap() {
        if v.is_boolean() {
            checks[k] = v.clone();
        } else {
            metrics[k] = v.clone();
        }
    }
    json!({"t": t, "metrics": metrics, "checks": checks})
}

/// A plan with a short canary: 10% for 60 s needing approval, 50% for 30 s, then 100%.
fn setup(strategy: &str) -> Setup {
    let mut plan: Value =
        serde_json::to_value(DeploymentPlan::builtin()).expect("the plan serialises");
    plan["strategy"] = json!(strategy);
    plan["canary"] = json!({"steps": [
        {"weight": 10, "bake_seconds": 60, "approval": true},
        {"weight": 50, "bake_seconds": 30}, {"weight": 100, "bake_seconds": 0}], "gentle_step_seconds": 30});
    plan["watch_seconds"] = json!(120);
    let plan = DeploymentPlan::parse(&plan.to_string(), Format::Json).unwrap();
    Setup::new("events", plan, Policy::builtin(), HealthModel::builtin()).unwrap()
}

fn ev(v: Value) -> Event {
    Event::from_value(&v).unwrap_or_else(|e| panic!("{v}: {e}"))
}

fn apply(d: &mut Deployment, v: Value) -> liberation_gates::deployment::Step {
    d.apply(&ev(v.clone()))
        .unwrap_or_else(|e| panic!("{v}: {e}"))
}

/// A proposal on `deploy:events` (or `subject`) with every member voting yes: events.
fn passed_vote(id: &str, subject: &str, action: &str, opens: f64) -> Vec<Value> {
    let mut out = vec![
        json!({"t": opens, "proposal": {"id": id, "subject": subject, "action": action,
        "electorate": ["ana", "ben", "chi"], "quorum": "0.5", "pass_threshold": "0.5",
        "opens_at": opens, "closes_at": opens + 10.0}}),
    ];
    for (i, m) in ["ana", "ben", "chi"].iter().enumerate() {
        out.push(json!({"t": opens + 1.0 + i as f64, "vote": {"proposal": id, "member": m, "choice": "yes"}}));
    }
    out
}

fn kinds(d: &Deployment) -> Vec<&'static str> {
    d.notices().iter().map(|n| n.kind.as_str()).collect()
}

/// The clean launch, as events: four gates, the canary with an approval by vote, the launch.
fn clean_launch() -> Vec<Value> {
    let mut e: Vec<Value> = (0..5).map(|i| obs(i as f64 * 10.0, json!({}))).collect();
    // Phase 5 began at t=40 (the fifth observation passed nothing yet: canary at 10%).
    e.push(obs(100.0, json!({})));
    e.extend(passed_vote(
        "approve-0",
        "deploy:events",
        "approve:0",
        110.0,
    ));
    e.push(json!({"t": 125, "approve": 0, "decision": "approve-0"}));
    e.push(obs(130.0, json!({})));
    e.push(obs(160.0, json!({})));
    e.push(obs(170.0, json!({})));
    e
}

#[test]
fn a_clean_launch_passes_six_phases_with_the_community_approving_the_canary() {
    let mut d = Deployment::new(setup("canary"));
    let mut states = Vec::new();
    for v in clean_launch() {
        states.push(apply(&mut d, v).state);
    }
    let phases: Vec<&str> = states.iter().map(|s| s.phase.as_str()).collect();
    assert_eq!(
        &phases[..5],
        [
            "api_gateway",
            "business_logic",
            "integration",
            "canary",
            "canary"
        ]
    );
    let s = d.state();
    assert_eq!(
        (s.status.as_str(), s.phase.as_str(), s.weight),
        ("completed", "full_launch", 100)
    );
    assert_eq!(
        kinds(&d),
        [
            "phase_passed",
            "phase_passed",
            "phase_passed",
            "phase_passed",
            "approval_needed",
            "phase_passed",
            "phase_passed",
            "completed"
        ]
    );
    let ids: Vec<&str> = d.notices().iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids[0], "events/1");
    assert_eq!(ids[7], "events/8");
}

#[test]
fn a_hand_made_or_wrong_decision_is_refused_and_changes_nothing() {
    let mut d = Deployment::new(setup("canary"));
    for v in &clean_launch()[..6] {
        apply(&mut d, v.clone());
    }
    let before = d.state();
    let forged = Event::from_value(&json!({"t": 111, "approve": 0,
        "decision": {"subject": "deploy:events", "action": "approve:0", "status": "passed"}}));
    assert_eq!(forged.unwrap_err().kind(), "unverified_decision");
    let unknown = d.apply(&ev(
        json!({"t": 111, "approve": 0, "decision": "never-proposed"}),
    ));
    assert_eq!(unknown.unwrap_err().kind(), "unverified_decision");
    for v in passed_vote("other", "deploy:events", "approve:1", 112.0) {
        apply(&mut d, v);
    }
    let wrong = d.apply(&ev(json!({"t": 130, "approve": 0, "decision": "other"})));
    assert_eq!(wrong.unwrap_err().kind(), "decision_mismatch");
    // Open until t=10 after it opened: not passed while voting is open.
    for v in passed_vote("early", "deploy:events", "approve:0", 131.0) {
        apply(&mut d, v);
    }
    let open = d.apply(&ev(json!({"t": 135, "approve": 0, "decision": "early"})));
    assert_eq!(open.unwrap_err().kind(), "decision_not_passed");
    // A proposal given whole, with too few votes for its quorum.
    let thin = json!({"subject": "deploy:events", "action": "approve:0", "electorate": ["ana", "ben", "chi"],
        "quorum": "0.9", "pass_threshold": "0.5", "opens_at": 0, "closes_at": 50,
        "votes": [{"t": 1, "member": "ana", "choice": "yes"}]});
    let r = d.apply(&ev(json!({"t": 136, "approve": 0, "decision": thin})));
    assert_eq!(r.unwrap_err().kind(), "decision_not_passed");
    assert_eq!(d.state().canary, before.canary);
    assert_eq!(d.state().status, before.status);
    // The same proposal, passed: accepted.
    let mut whole = thin.clone();
    whole["quorum"] = json!("0.3");
    let ok = apply(&mut d, json!({"t": 137, "approve": 0, "decision": whole}));
    assert_eq!(ok.community.unwrap().tally.unwrap().yes, 1);
}

#[test]
fn a_decision_pinned_by_id_and_checksum_names_exactly_the_votes_it_was_made_from() {
    let mut d = Deployment::new(setup("canary"));
    let events = clean_launch();
    // Up to the proposal and two of its three votes.
    for v in &events[..9] {
        apply(&mut d, v.clone());
    }
    let seen = d.state().proposals[0].clone();
    assert_eq!((seen.id.as_str(), seen.tally.yes), ("approve-0", 2));
    assert!((seen.participation - 2.0 / 3.0).abs() < 1e-12);
    assert_eq!(seen.status.as_str(), "open");
    // The third vote changes the checksum: a decision pinned to what was seen before it is
    // not proof of the votes now recorded.
    apply(&mut d, events[9].clone());
    let now = d.state().proposals[0].clone();
    assert_ne!(now.checksum, seen.checksum);
    assert_eq!(now.tally.yes, 3);
    let before = d.state();
    let stale = d.apply(&ev(json!({"t": 125, "approve": 0,
        "decision": {"proposal": "approve-0", "checksum": seen.checksum}})));
    assert_eq!(stale.unwrap_err().kind(), "unverified_decision");
    assert_eq!(d.state(), before, "a refused decision changes nothing");
    let pinned = apply(
        &mut d,
        json!({"t": 125, "approve": 0,
        "decision": {"proposal": "approve-0", "checksum": now.checksum}}),
    );
    assert_eq!(pinned.community.unwrap().tally.unwrap().yes, 3);
    assert_eq!(d.state().proposals[0].status.as_str(), "passed");
    // The pinned form reads back from its JSON form.
    let e = ev(json!({"t": 1, "approve": 0, "decision": {"proposal": "p", "checksum": "c"}}));
    assert_eq!(Event::from_value(&e.to_value()).unwrap(), e);
    // A checksum depends on the votes' order, time and choice, not only on the count.
    let mut other = Deployment::new(setup("canary"));
    for (i, v) in events[..10].iter().enumerate() {
        let mut v = v.clone();
        if i == 9 {
            v["vote"]["choice"] = json!("abstain");
        }
        apply(&mut other, v);
    }
    assert_ne!(other.state().proposals[0].checksum, now.checksum);
}

#[test]
fn a_liberation_rollback_needs_a_vote_and_a_staging_retest_to_redeploy() {
    let mut d = Deployment::new(setup("canary"));
    apply(&mut d, obs(0.0, json!({})));
    let step = apply(&mut d, obs(10.0, json!({"creator_share": 0.7})));
    let rb = step.state.rollback.clone().unwrap();
    assert_eq!(
        (rb.cause.as_str(), rb.phase.as_str()),
        ("liberation", "api_gateway")
    );
    assert!(
        rb.reasons.contains(&"creator_share >= 0.75".to_string()),
        "{:?}",
        rb.reasons
    );
    assert_eq!(step.notices[0].kind.as_str(), "rollback");
    assert_eq!(step.notices[0].severity.as_str(), "critical");
    assert_eq!(step.state.redeploy_needs, ["decision", "staging"]);

    let refused = apply(&mut d, json!({"t": 20, "redeploy": null}));
    assert!(refused.refused.unwrap().contains("community decision"));
    assert_eq!(refused.notices[0].kind.as_str(), "redeploy_refused");
    assert_eq!(d.state().status.as_str(), "rolled_back");
    for v in passed_vote("again", "redeploy:events", "redeploy", 30.0) {
        apply(&mut d, v);
    }
    let no_retest = apply(&mut d, json!({"t": 50, "redeploy": "again"}));
    assert!(no_retest.refused.unwrap().contains("staging"));
    apply(&mut d, json!({"t": 60, "staging": true}));
    let ok = apply(&mut d, json!({"t": 70, "redeploy": "again"}));
    assert_eq!(
        (
            ok.state.status.as_str(),
            ok.state.attempt,
            ok.state.phase.as_str()
        ),
        ("running", 2, "infrastructure")
    );
    assert_eq!(ok.notices[0].kind.as_str(), "redeployed");
}

#[test]
fn a_technical_rollback_notifies_the_community_and_may_be_redeployed_at_once() {
    let mut d = Deployment::new(setup("canary"));
    let step = apply(&mut d, json!({"t": 0, "health": {"database": "down"}}));
    let rb = step.state.rollback.unwrap();
    assert_eq!(
        (rb.cause.as_str(), rb.reasons.clone()),
        ("technical", vec!["health:database".to_string()])
    );
    assert_eq!(
        step.notices.len(),
        1,
        "a technical rollback reaches the community too"
    );
    assert!(step.state.redeploy_needs.is_empty());
    let again = apply(&mut d, json!({"t": 1, "redeploy": null}));
    assert_eq!(again.state.status.as_str(), "running");
}

#[test]
fn trauma_informed_ux_failing_in_the_canary_ramps_down_with_a_notice_per_step() {
    let mut d = Deployment::new(setup("canary"));
    for v in &clean_launch()[..10] {
        apply(&mut d, v.clone());
    }
    let s = apply(
        &mut d,
        json!({"t": 125, "approve": 0, "decision": "approve-0"}),
    );
    assert_eq!(s.state.canary.unwrap().weight, 50);
    let s = apply(&mut d, obs(126.0, json!({"trauma_informed_ux": false})));
    assert_eq!(s.decision.unwrap().action.as_str(), "gentle_rollback");
    assert_eq!(s.state.canary.unwrap().status.as_str(), "ramping_down");
    assert_eq!(s.notices[0].kind.as_str(), "ramp_step");
    let s = apply(&mut d, json!({"t": 200, "tick": true}));
    // 30 s per step: down to 10% at 156, rolled back at 186.
    let ramp: Vec<(f64, &str)> = s.notices.iter().map(|n| (n.t, n.kind.as_str())).collect();
    assert_eq!(
        ramp,
        [
            (156.0, "ramp_step"),
            (186.0, "ramp_step"),
            (186.0, "rollback")
        ]
    );
    let rb = s.state.rollback.unwrap();
    assert_eq!((rb.cause.as_str(), rb.t), ("liberation", 186.0));
    assert_eq!(s.state.weight, 0);
}

#[test]
fn a_participation_drop_consults_the_community_and_a_verified_answer_resumes() {
    let mut d = Deployment::new(setup("canary"));
    for v in &clean_launch()[..5] {
        apply(&mut d, v.clone());
    }
    let s = apply(
        &mut d,
        obs(50.0, json!({"governance_participation_drop": 0.6})),
    );
    assert_eq!(s.state.canary.unwrap().status.as_str(), "consulting");
    assert_eq!(s.notices[0].kind.as_str(), "consultation_opened");
    let s = apply(&mut d, obs(60.0, json!({})));
    assert_eq!(
        s.state.canary.unwrap().status.as_str(),
        "consulting",
        "only the community ends it"
    );
    for v in passed_vote("go-on", "deploy:events", "proceed", 70.0) {
        apply(&mut d, v);
    }
    let s = apply(
        &mut d,
        json!({"t": 90, "consulted": "proceed", "decision": "go-on"}),
    );
    assert_eq!(s.state.canary.unwrap().status.as_str(), "progressing");
}

#[test]
fn a_passed_community_rollback_rolls_back_even_a_finished_launch() {
    let mut d = Deployment::new(setup("canary"));
    for v in clean_launch() {
        apply(&mut d, v);
    }
    assert_eq!(d.state().status.as_str(), "completed");
    for v in passed_vote("stop", "deploy:events", "rollback", 300.0) {
        apply(&mut d, v);
    }
    let s = apply(&mut d, json!({"t": 320, "community": "stop"}));
    let rb = s.state.rollback.unwrap();
    assert_eq!((rb.cause.as_str(), s.state.weight), ("community", 0));
    assert_eq!(s.state.redeploy_needs, ["decision", "staging"]);
}

#[test]
fn blue_green_promotes_after_the_pre_gate_and_completes_after_the_watch() {
    let mut d = Deployment::new(setup("blue_green"));
    for i in 0..5 {
        apply(&mut d, obs(i as f64 * 10.0, json!({})));
    }
    let s = d.state();
    assert_eq!(
        (s.phase.as_str(), s.weight, s.blue_green.unwrap().as_str()),
        ("full_launch", 100, "promoted")
    );
    apply(&mut d, obs(100.0, json!({})));
    assert_eq!(
        d.state().status.as_str(),
        "running",
        "the watch lasts 120 s"
    );
    let s = apply(&mut d, obs(170.0, json!({})));
    assert_eq!(
        (
            s.state.status.as_str(),
            s.state.blue_green.unwrap().as_str()
        ),
        ("completed", "completed")
    );

    let mut d = Deployment::new(setup("blue_green"));
    for i in 0..5 {
        apply(&mut d, obs(i as f64 * 10.0, json!({})));
    }
    let s = apply(&mut d, obs(60.0, json!({"auth": false})));
    assert_eq!(
        (s.state.status.as_str(), s.state.weight),
        ("rolled_back", 0)
    );
    assert_eq!(s.state.blue_green.unwrap().as_str(), "switched_back");
}

#[test]
fn events_out_of_order_or_malformed_are_refused_by_kind() {
    let mut d = Deployment::new(setup("canary"));
    apply(&mut d, obs(10.0, json!({})));
    assert_eq!(
        d.apply(&ev(obs(10.0, json!({})))).unwrap_err().kind(),
        "out_of_order"
    );
    for (line, kind) in [
        (r#"{"t": 20, "approve": 0}"#, "invalid_event"),
        (
            r#"{"t": 20, "tick": true, "staging": true}"#,
            "invalid_event",
        ),
        (r#"{"t": 20, "tick": true, "extra": 1}"#, "invalid_event"),
        (
            r#"{"t": 20, "consulted": "maybe", "decision": "x"}"#,
            "invalid_event",
        ),
        (
            r#"{"t": 20, "metrics": {"x": "high"}}"#,
            "invalid_observation",
        ),
        (r#"{"metrics": {}}"#, "invalid_event"),
        ("[1]", "invalid_event"),
    ] {
        let e = Event::from_json(line).unwrap_err();
        assert_eq!(e.kind(), kind, "{line}");
    }
    let e = d.apply(&ev(json!({"t": 30, "staging": true}))).unwrap_err();
    assert_eq!(e.kind(), "invalid_event", "nothing was rolled back");
    let e = d
        .apply_jsonl("{\"t\": 40, \"tick\": true}\n\n{\"t\": 41, \"vote\": {\"proposal\": \"p\", \"member\": \"a\", \"choice\": \"yes\"}}\n")
        .unwrap_err();
    assert_eq!((e.kind(), e.line()), ("invalid_event", Some(3)));
}

#[test]
fn every_event_reads_back_from_its_json_form() {
    let mut lines = clean_launch();
    lines.push(json!({"t": 1, "health": {"cache": "degraded", "database": null}}));
    lines.push(json!({"t": 2, "staging": false}));
    lines.push(json!({"t": 3, "redeploy": null}));
    lines.push(json!({"t": 4, "community": "p"}));
    lines.push(json!({"t": 5, "consulted": "gentle_rollback", "decision": "p"}));
    for v in lines {
        let e = ev(v);
        assert_eq!(ev(e.to_value()), e);
    }
}

#[cfg(feature = "sqlite")]
mod durable {
    use super::*;
    use liberation_gates::store;

    fn fresh(name: &str) -> String {
        let dir = std::env::temp_dir().join(format!("lg-deploy-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.db"));
        let _ = std::fs::remove_file(&path);
        format!("sqlite:{}", path.display())
    }

    /// Every event in a fresh run, or with the process "killed" (the deployment dropped)
    /// after each `cut` events and resumed from the store: the same state and notices.
    fn resumed_equals_uninterrupted(url_of: impl Fn(&str) -> String) {
        let mut events = clean_launch();
        events.push(obs(180.0, json!({})));
        let mut whole = Deployment::new(setup("canary"));
        for v in &events {
            apply(&mut whole, v.clone());
        }
        for cut in [1, 5, 8, 11] {
            let url = url_of(&format!("cut{cut}"));
            let mut d = Deployment::open_url(setup("canary"), &url).unwrap();
            for (i, v) in events.iter().enumerate() {
                if i > 0 && i % cut == 0 {
                    drop(d);
                    d = Deployment::open_url(setup("canary"), &url).unwrap();
                }
                apply(&mut d, v.clone());
            }
            assert_eq!(d.state(), whole.state(), "cut every {cut}");
            assert_eq!(d.notices(), whole.notices(), "cut every {cut}");
            let mut s = store::open(&url).unwrap();
            let stored =
                liberation_gates::deployment::undelivered_in(s.as_mut(), Some("events")).unwrap();
            assert_eq!(stored, whole.notices(), "each notice stored once");
        }
    }

    #[test]
    fn a_deployment_resumed_from_sqlite_ends_as_one_never_interrupted() {
        resumed_equals_uninterrupted(fresh);
    }

    #[test]
    fn notices_are_delivered_at_least_once_and_the_cursor_survives_a_restart() {
        let url = fresh("deliver");
        let mut d = Deployment::open_url(setup("canary"), &url).unwrap();
        for v in &clean_launch()[..4] {
            apply(&mut d, v.clone());
        }
        let mut sent = Vec::new();
        let failing = d.deliver(|n| {
            if sent.len() == 2 {
                return Err(liberation_gates::error::Error::from(
                    liberation_gates::error::StoreError::Unavailable(
                        "the mail server is down".into(),
                    ),
                ));
            }
            sent.push(n.id.clone());
            Ok(())
        });
        assert_eq!(failing.unwrap_err().kind(), "unavailable");
        drop(d);
        let mut d = Deployment::open_url(setup("canary"), &url).unwrap();
        let rest: Vec<String> = d.undelivered().iter().map(|n| n.id.clone()).collect();
        assert_eq!(rest, ["events/3", "events/4"]);
        assert_eq!(
            d.deliver(|_| Ok::<_, liberation_gates::error::Error>(()))
                .unwrap(),
            2
        );
        assert!(d.undelivered().is_empty());
        assert_eq!(
            d.mark_delivered("events/99").unwrap_err().kind(),
            "invalid_event"
        );
    }

    #[test]
    fn a_store_dump_replays_to_the_same_deployment_and_a_changed_dump_is_refused() {
        let url = fresh("dump");
        let mut d = Deployment::open_url(setup("canary"), &url).unwrap();
        for v in clean_launch() {
            apply(&mut d, v);
        }
        // What `liberation-gates store dump` prints: every record as a JSON line.
        let mut s = store::open(&url).unwrap();
        let dump: String = s
            .records(None)
            .unwrap()
            .iter()
            .map(|r| serde_json::to_string(r).unwrap() + "\n")
            .collect();
        let view = Deployment::from_dump(setup("canary"), &dump).unwrap();
        assert_eq!(view.state(), d.state());
        assert_eq!(view.notices(), d.notices());
        assert_eq!(view.backend(), None, "a view writes nowhere");
        let changed = dump.replacen("0.78", "0.99", 1);
        assert!(changed != dump, "the dump has a creator share to change");
        let e = Deployment::from_dump(setup("canary"), &changed).unwrap_err();
        assert_eq!(e.kind(), "tampered");
        let cut: String = dump.lines().skip(1).map(|l| format!("{l}\n")).collect();
        assert_eq!(
            Deployment::from_dump(setup("canary"), &cut)
                .unwrap_err()
                .kind(),
            "tampered"
        );
    }

    #[test]
    fn notices_a_crash_left_unwritten_are_written_when_reopened_and_changed_ones_refused() {
        let mut whole = Deployment::new(setup("canary"));
        for v in clean_launch() {
            apply(&mut whole, v);
        }
        // A writer that died after each event was written and before its notices were.
        let url = fresh("crashed");
        let mut s = store::open(&url).unwrap();
        let stream = liberation_gates::deployment::events_stream("events");
        for (i, v) in clean_launch().into_iter().enumerate() {
            s.append(
                &stream,
                &format!("{:08}", i + 1),
                &ev(v).to_value().to_string(),
            )
            .unwrap();
        }
        drop(s);
        let d = Deployment::open_url(setup("canary"), &url).unwrap();
        assert_eq!(d.notices(), whole.notices());
        let mut s = store::open(&url).unwrap();
        assert_eq!(
            liberation_gates::deployment::undelivered_in(s.as_mut(), Some("events")).unwrap(),
            whole.notices()
        );
        // A notice written that the events do not raise: the store is not this deployment's.
        s.append(
            &liberation_gates::deployment::notices_stream("events"),
            "events/99",
            "{}",
        )
        .unwrap();
        drop(s);
        let e = Deployment::open_url(setup("canary"), &url).unwrap_err();
        assert_eq!(e.kind(), "invalid_record");
    }

    #[test]
    fn a_refused_event_is_not_written() {
        let url = fresh("refused");
        let mut d = Deployment::open_url(setup("canary"), &url).unwrap();
        apply(&mut d, obs(0.0, json!({})));
        assert!(d.apply(&ev(json!({"t": 1, "redeploy": null}))).is_err());
        let mut s = store::open(&url).unwrap();
        let records = s
            .records(Some(&liberation_gates::deployment::events_stream("events")))
            .unwrap();
        assert_eq!(records.len(), 1);
    }

    #[test]
    fn a_deployment_resumed_from_postgres_ends_as_one_never_interrupted() {
        let Ok(base) = std::env::var("LG_TEST_POSTGRES_URL") else {
            assert!(
                std::env::var("LG_REQUIRE_SERVERS").as_deref() != Ok("1"),
                "LG_REQUIRE_SERVERS=1 but LG_TEST_POSTGRES_URL is not set"
            );
            eprintln!("PostgreSQL deployment test skipped: LG_TEST_POSTGRES_URL is not set");
            return;
        };
        #[cfg(feature = "postgres")]
        resumed_equals_uninterrupted(|name| {
            let db = format!("lg_d_{}_{name}", std::process::id());
            let mut admin = postgres::Client::connect(&base, postgres::NoTls).unwrap();
            admin
                .batch_execute(&format!("DROP DATABASE IF EXISTS {db}"))
                .unwrap();
            admin
                .batch_execute(&format!("CREATE DATABASE {db}"))
                .unwrap();
            format!("{}/{db}", base.rsplit_once('/').unwrap().0)
        });
        #[cfg(not(feature = "postgres"))]
        let _ = base;
    }
}

#[test]
fn the_state_shows_each_liberation_rule_as_the_last_observation_left_it() {
    let mut d = Deployment::new(setup("canary"));
    let status = |d: &Deployment| -> Vec<(String, &'static str)> {
        d.state()
            .liberation
            .iter()
            .map(|l| (l.rule.clone(), l.status.as_str()))
            .collect()
    };
    let rules = [
        "creator_sovereignty",
        "community_protection",
        "trauma_informed_ux",
        "participation_drop",
    ];
    assert_eq!(
        status(&d),
        rules.map(|r| (r.to_string(), "unknown")).to_vec(),
        "nothing observed yet"
    );
    apply(&mut d, obs(0.0, json!({})));
    assert_eq!(
        status(&d),
        rules.map(|r| (r.to_string(), "holding")).to_vec()
    );
    let share = &d.state().liberation[0];
    assert_eq!(
        (share.metric.as_deref(), share.value),
        (Some("creator_share"), Some(0.78))
    );
    // Participation fell by 60%, and the trauma-informed UX check is missing: consult, unknown.
    let mut o = obs(10.0, json!({"governance_participation_drop": 0.6}));
    o["checks"]["trauma_informed_ux"] = Value::Null;
    apply(&mut d, o);
    let s = d.state();
    let by_rule = |r: &str| s.liberation.iter().find(|l| l.rule == r).unwrap().clone();
    assert_eq!(by_rule("participation_drop").status.as_str(), "failing");
    assert_eq!(by_rule("participation_drop").value, Some(0.6));
    assert_eq!(by_rule("trauma_informed_ux").status.as_str(), "unknown");
    assert_eq!(
        by_rule("trauma_informed_ux").checks["trauma_informed_ux"],
        None
    );
    apply(&mut d, obs(20.0, json!({"community_protection": false})));
    let s = d.state();
    let protection = s
        .liberation
        .iter()
        .find(|l| l.rule == "community_protection")
        .unwrap();
    assert_eq!(protection.status.as_str(), "failing");
    assert_eq!(protection.checks["community_protection"], Some(false));
    assert_eq!(s.rollback.unwrap().cause.as_str(), "liberation");
}
