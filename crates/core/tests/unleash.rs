//! Unleash's client specification (tests/external/unleash, byte-identical to
//! ../shared/external) through the public Rust API: every test and variant test of every
//! file in index.json.

use liberation_gates::unleash::run_spec;
use std::path::PathBuf;

#[test]
fn every_file_of_unleash_client_specification_passes() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/external/unleash");
    let index: Vec<String> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("index.json")).unwrap()).unwrap();
    assert_eq!(index.len(), 22);
    let (mut passed, mut failures) = (0, Vec::new());
    for name in &index {
        let outcome = run_spec(&std::fs::read_to_string(dir.join(name)).unwrap()).unwrap();
        passed += outcome.passed;
        failures.extend(outcome.failures.into_iter().map(|f| format!("{name}: {f}")));
    }
    assert!(
        failures.is_empty(),
        "{passed} passed, {} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(passed > 250, "{passed}");
}

use liberation_gates::bucket::bucket;
use liberation_gates::flags::FlagSet;
use liberation_gates::governance::Proposal;
use liberation_gates::unleash::{Context, Toggles};

fn user(id: &str) -> Context {
    Context {
        user_id: Some(id.into()),
        ..Context::default()
    }
}

#[test]
fn a_flexible_rollout_is_the_bucket_of_group_and_user() {
    let state = r#"{"features": [{"name": "cards", "enabled": true, "strategies": [
        {"name": "flexibleRollout", "parameters": {"rollout": "30", "stickiness": "userId", "groupId": "cards-g"}}]}]}"#;
    let t = Toggles::from_json(state).unwrap();
    let mut on = 0;
    for i in 0..200 {
        let id = format!("user-{i}");
        let expected = bucket(&id, "cards-g", 100, 0).unwrap() <= 30;
        assert_eq!(t.is_enabled("cards", &user(&id)), expected, "{id}");
        on += usize::from(expected);
    }
    assert!((40..80).contains(&on), "{on} of 200 in a 30% rollout");
    // No user id with userId stickiness: nobody.
    assert!(!t.is_enabled("cards", &Context::default()));
}

#[test]
fn addresses_unknown_strategies_and_bad_states() {
    let state = r#"{"features": [
        {"name": "office", "enabled": true, "strategies": [{"name": "remoteAddress", "parameters": {"IPs": "10.0.0.0/8, 192.168.1.7"}}]},
        {"name": "custom", "enabled": true, "strategies": [{"name": "myOwnStrategy"}]}]}"#;
    let t = Toggles::from_json(state).unwrap();
    let from = |ip: &str| Context {
        remote_address: Some(ip.into()),
        ..Context::default()
    };
    assert!(t.is_enabled("office", &from("10.20.30.40")));
    assert!(t.is_enabled("office", &from("192.168.1.7")));
    assert!(!t.is_enabled("office", &from("192.168.1.8")));
    assert!(!t.is_enabled("office", &from("not an address")));
    assert!(
        !t.is_enabled("custom", &Context::default()),
        "unknown strategies are off"
    );
    assert!(!t.is_enabled("missing", &Context::default()));
    for bad in [
        "",
        "[]",
        r#"{"features": [{"enabled": true}]}"#,
        r#"{"events": [{"type": "nope"}]}"#,
    ] {
        assert_eq!(
            Toggles::from_json(bad).unwrap_err().kind(),
            "invalid_toggle_state",
            "{bad}"
        );
    }
    assert_eq!(
        Context::from_json(r#"{"userId": [1]}"#).unwrap_err().kind(),
        "invalid_context"
    );
}

#[test]
fn a_community_flag_changes_only_by_vote_while_strategies_decide_who_sees_it() {
    // The toggle state says the feed is off and for 50% of users; the community said on.
    let state = r#"{"features": [{"name": "creator_sovereignty_enforcement", "enabled": false, "strategies": [
        {"name": "flexibleRollout", "parameters": {"rollout": "50", "stickiness": "userId"}}]},
        {"name": "cultural_celebration", "enabled": false, "strategies": []}]}"#;
    let t = Toggles::from_json(state).unwrap();
    let mut flags = FlagSet::builtin();
    assert!(flags.is_enabled("creator_sovereignty_enforcement").unwrap());
    let users: Vec<String> = (0..100).map(|i| format!("u{i}")).collect();
    let seen = |t: &Toggles, flags: &FlagSet| {
        users
            .iter()
            .filter(|u| t.is_enabled_governed("creator_sovereignty_enforcement", &user(u), flags))
            .count()
    };
    let on = seen(&t, &flags);
    assert!(
        (25..75).contains(&on),
        "the strategies still decide who: {on} of 100"
    );
    assert!(
        !t.is_enabled("creator_sovereignty_enforcement", &user("u1")),
        "Unleash alone: off"
    );
    // A standard flag is Unleash's alone.
    assert!(!t.is_enabled_governed("cultural_celebration", &user("u1"), &flags));

    // A passed vote turns it off for everyone; no toggle state can turn it back on.
    let mut vote =
        Proposal::new(vec!["amara".into(), "kofi".into()], "0.5", "0.5", 0.0, 10.0).unwrap();
    vote.cast(1.0, "amara", "yes").unwrap();
    vote.cast(2.0, "kofi", "yes").unwrap();
    let decision = vote.decision("flag:creator_sovereignty_enforcement", "disable", 10.0);
    flags
        .disable(
            "creator_sovereignty_enforcement",
            Some(&decision),
            "council",
            10.0,
        )
        .unwrap();
    assert_eq!(seen(&t, &flags), 0);
    let on_in_unleash = Toggles::from_json(&state.replace(
        r#""enabled": false, "strategies": [
        {"name": "flexibleRollout""#,
        r#""enabled": true, "strategies": [
        {"name": "flexibleRollout""#,
    ))
    .unwrap();
    assert!(users
        .iter()
        .any(|u| on_in_unleash.is_enabled("creator_sovereignty_enforcement", &user(u))));
    assert_eq!(seen(&on_in_unleash, &flags), 0);
    let v =
        on_in_unleash.get_variant_governed("creator_sovereignty_enforcement", &user("u1"), &flags);
    assert_eq!((v.name.as_str(), v.feature_enabled), ("disabled", false));
}
