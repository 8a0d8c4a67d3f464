//! The community flags through OpenFeature's Rust SDK (issue 20): a real `open-feature`
//! client asks, the provider answers from the flag set the community controls.
#![cfg(feature = "openfeature")]

use liberation_gates::bucket::bucket;
use liberation_gates::flags::{FlagDef, FlagSet};
use liberation_gates::governance::Proposal;
use liberation_gates::openfeature::Provider;
use open_feature::{
    Client, EvaluationContext, EvaluationErrorCode, EvaluationReason, FlagMetadataValue,
    OpenFeature,
};

/// A client of a provider registered under `name` (each test its own: the API is global).
async fn client(name: &str, provider: Provider) -> Client {
    let mut api = OpenFeature::singleton_mut().await;
    api.set_named_provider(name, provider).await;
    api.create_named_client(name)
}

fn user(id: &str) -> EvaluationContext {
    EvaluationContext::default().with_targeting_key(id)
}

fn text(v: Option<&FlagMetadataValue>) -> Option<String> {
    match v {
        Some(FlagMetadataValue::String(s)) => Some(s.clone()),
        _ => None,
    }
}

/// The community feed's intensity as the client reads it, with the reason.
async fn intensity(c: &Client) -> (f64, Option<EvaluationReason>) {
    let d = c.get_float_details("community_feed", None, None).await;
    let d = d.expect("a number");
    (d.value, d.reason)
}

/// A community flag on for 30% of users, at intensity 0.6.
fn feed() -> FlagSet {
    let mut def = FlagDef::new(
        "community_feed",
        liberation_gates::flags::FlagKind::Community,
    );
    (def.enabled, def.intensity, def.rollout_percent) = (Some(true), Some(0.6), Some(30.0));
    FlagSet::new(vec![def]).expect("valid flag")
}

#[tokio::test]
async fn a_percentage_rollout_splits_users_as_bucket_does() {
    let c = client("rollout", Provider::new(feed())).await;
    let mut inside = 0;
    for i in 0..300 {
        let id = format!("user-{i}");
        let d = c
            .get_bool_details("community_feed", Some(&user(&id)), None)
            .await
            .unwrap();
        let expected = bucket(&id, "community_feed", 100, 0).unwrap() <= 30;
        assert_eq!(d.value, expected, "{id}");
        assert_eq!(d.reason, Some(EvaluationReason::Split));
        assert_eq!(
            text(d.flag_metadata.values.get("kind")).as_deref(),
            Some("community")
        );
        inside += usize::from(d.value);
    }
    assert!(
        (60..=120).contains(&inside),
        "{inside} of 300 inside a 30% rollout"
    );
    let e = c
        .get_bool_details("community_feed", None, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, EvaluationErrorCode::TargetingKeyMissing);
}

#[tokio::test]
async fn a_verified_vote_flips_the_flag_and_a_change_without_one_does_not() {
    let provider = Provider::new(feed());
    let flags = provider.flags();
    let c = client("votes", provider).await;
    assert_eq!(intensity(&c).await, (0.6, Some(EvaluationReason::Static)));

    // Without a decision the community flag does not move, and neither does the answer.
    assert!(flags
        .write()
        .disable("community_feed", None, "operator", 5.0)
        .is_err());
    let d = c
        .get_bool_details("community_feed", Some(&user("user-1")), None)
        .await
        .unwrap();
    assert_eq!(d.reason, Some(EvaluationReason::Split));

    let mut vote = Proposal::new(vec!["amara".into(), "kofi".into()], "0.5", "0.5", 0.0, 10.0)
        .expect("valid proposal");
    vote.cast(1.0, "amara", "yes").unwrap();
    vote.cast(2.0, "kofi", "yes").unwrap();
    let decision = vote.decision("flag:community_feed", "disable", 10.0);
    flags
        .write()
        .disable("community_feed", Some(&decision), "council", 10.0)
        .unwrap();

    for i in 0..50 {
        let ctx = user(&format!("user-{i}"));
        let d = c
            .get_bool_details("community_feed", Some(&ctx), None)
            .await
            .unwrap();
        assert_eq!(
            (d.value, d.reason),
            (false, Some(EvaluationReason::Disabled))
        );
        let why = text(d.flag_metadata.values.get("decision"));
        assert_eq!(why.as_deref(), Some("disable flag:community_feed (passed)"));
    }
    assert_eq!(intensity(&c).await, (0.0, Some(EvaluationReason::Disabled)));
}

#[tokio::test]
async fn unknown_flags_and_other_types_are_errors() {
    let c = client("errors", Provider::new(FlagSet::builtin())).await;
    let on = c
        .get_bool_details("creator_sovereignty_enforcement", None, None)
        .await
        .unwrap();
    assert_eq!(
        (on.value, on.reason),
        (true, Some(EvaluationReason::Static))
    );
    assert_eq!(
        text(on.flag_metadata.values.get("kind")).as_deref(),
        Some("protected")
    );
    let e = c
        .get_bool_value("no_such_flag", None, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, EvaluationErrorCode::FlagNotFound);
    let e = c
        .get_string_value("creator_sovereignty_enforcement", None, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, EvaluationErrorCode::TypeMismatch);
    let e = c
        .get_int_value("creator_sovereignty_enforcement", None, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, EvaluationErrorCode::TypeMismatch);
}

#[tokio::test(flavor = "current_thread")]
async fn unleash_toggles_through_the_sdk_under_the_community_votes() {
    use liberation_gates::unleash::Toggles;
    use parking_lot::RwLock;
    use std::sync::Arc;
    // The Unleash state shows the protected flag to the office network only, and a
    // flexible rollout of an ordinary toggle to 50% of users.
    let state = r#"{"features": [
        {"name": "creator_sovereignty_enforcement", "enabled": false, "strategies": [
            {"name": "remoteAddress", "parameters": {"IPs": "10.0.0.0/8"}}]},
        {"name": "event_cards", "enabled": true, "strategies": [
            {"name": "flexibleRollout", "parameters": {"rollout": "50", "stickiness": "userId", "groupId": "event_cards"}}]}]}"#;
    let flags = Arc::new(RwLock::new(FlagSet::builtin()));
    let toggles = Arc::new(RwLock::new(Toggles::from_json(state).unwrap()));
    let c = client("unleash", Provider::with_toggles(flags.clone(), toggles)).await;
    let office = user("amara").with_custom_field("remoteAddress", "10.1.2.3");
    let d = c
        .get_bool_details("creator_sovereignty_enforcement", Some(&office), None)
        .await
        .unwrap();
    // On by the community's state (the toggle's `enabled: false` does not count), and the
    // strategy matched the caller.
    assert_eq!(
        (d.value, d.reason),
        (true, Some(EvaluationReason::TargetingMatch))
    );
    let home = user("amara").with_custom_field("remoteAddress", "192.168.1.2");
    let d = c
        .get_bool_details("creator_sovereignty_enforcement", Some(&home), None)
        .await
        .unwrap();
    assert_eq!(
        (d.value, d.reason),
        (false, Some(EvaluationReason::Default))
    );
    for i in 0..40 {
        let id = format!("user-{i}");
        let d = c
            .get_bool_details("event_cards", Some(&user(&id)), None)
            .await
            .unwrap();
        assert_eq!(
            d.value,
            bucket(&id, "event_cards", 100, 0).unwrap() <= 50,
            "{id}"
        );
    }
    // Flags the toggle state does not name are the flag set's.
    let on = c.get_bool_value("democratic_governance", None, None).await;
    assert_eq!(on, Ok(false));
}
