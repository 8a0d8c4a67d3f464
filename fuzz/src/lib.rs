//! Fuzz targets for liberation-gates. Each asserts the rules' invariants, not just "no
//! crash": conservation of money and the 75% floor, no firing before `for`, legal breaker
//! transitions, one vote per member, no protected flag disabled without a decision.
//! The same functions run under libFuzzer (`scripts/fuzz`) and over the committed corpus
//! (`replay`, in `scripts/test`).

use arbitrary::{Arbitrary, Unstructured};
use liberation_gates::breaker::{
    BreakerConfig, BreakerMachine, BreakerOp, BreakerState, Outcome, WindowConfig,
};
use liberation_gates::flags::{FlagDef, FlagKind, FlagOp, FlagSet};
use liberation_gates::governance::{
    Decision, DecisionArg, Proposal, ProposalStatus, VerifiedDecision,
};
use liberation_gates::policy::{Action, Format, Policy};
use liberation_gates::split::{split, Refundable, SplitInput};
use liberation_gates::threshold::{AlertState, Op, Threshold, ThresholdRule};

/// A fuzz target: takes the raw input, panics when an invariant breaks.
pub type Target = fn(&[u8]);

/// Every target, by name, for the replay runner.
pub const TARGETS: &[(&str, Target)] = &[
    ("policy_parser", policy_parser),
    ("observation_line", observation_line),
    ("split_refunds", split_refunds),
    ("breaker_ops", breaker_ops),
    ("governance_flags", governance_flags),
    ("deployment_events", deployment_events),
    ("unleash_state", unleash_state),
    ("rollout_events", rollout_events),
    ("payout_audit", payout_audit),
    ("health_model", health_model),
    ("ledger_report", ledger_report),
    ("proposal_file", proposal_file),
];

/// Any text as a policy in each format: never a panic; a policy that parses writes back and
/// parses to the same policy.
pub fn policy_parser(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for format in [Format::Toml, Format::Yaml, Format::Json] {
        if let Ok(p) = Policy::parse(&text, format) {
            let written = p
                .to_string_as(format)
                .expect("a valid policy can be written");
            let again = Policy::parse(&written, format).expect("a written policy parses");
            assert_eq!(again.rules(), p.rules(), "round trip through {format:?}");
        }
    }
}

/// Any text as observation lines through the built-in policy: never a panic; every decision is
/// well formed (sorted reasons; proceed only with no reasons; severity none unless a rule fires).
pub fn observation_line(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(lines) = liberation_gates::simulate::parse_observations(&text) else {
        return;
    };
    let mut eval = Policy::builtin().evaluator();
    for (_, o) in lines {
        let Ok(d) = eval.observe(&o) else { continue };
        let mut sorted = d.reasons.clone();
        sorted.sort();
        assert_eq!(sorted, d.reasons, "reasons are sorted");
        assert_eq!(
            d.action == Action::Proceed,
            d.reasons.is_empty(),
            "proceed exactly when nothing is wrong: {d:?}"
        );
        let firing = d.reasons.iter().any(|r| !r.starts_with("missing:"));
        assert_eq!(
            firing,
            d.severity != liberation_gates::policy::Severity::None,
            "{d:?}"
        );
    }
}

#[derive(Debug, Arbitrary)]
struct SplitCase {
    currency: u8,
    gross: u64,
    weights: Vec<(u32, u8)>,
    share_extra: u16,
    fee: u32,
    before_split: bool,
    refunds: Vec<u16>,
}

/// Splits and refund sequences: conservation, the floor, refunds never above a balance, and a
/// final full refund that returns every balance.
pub fn split_refunds(data: &[u8]) {
    let Ok(c) = SplitCase::arbitrary(&mut Unstructured::new(data)) else {
        return;
    };
    let (code, digits) =
        [("JPY", 0u32), ("GBP", 2), ("KWD", 3), ("CLF", 4)][c.currency as usize % 4];
    let p = 10u128.pow(digits);
    let text = |minor: u128| {
        if digits == 0 {
            minor.to_string()
        } else {
            format!("{}.{:0w$}", minor / p, minor % p, w = digits as usize)
        }
    };
    let gross = c.gross as u128;
    let share = 7500 + (c.share_extra % 2501) as u128;
    let mut req =
        SplitInput::new(text(gross), code).share(format!("{}.{:04}", share / 10000, share % 10000));
    for (i, (w, frac)) in c.weights.iter().take(20).enumerate() {
        req = req.creator(
            format!("c{i}"),
            format!("{}.{:02}", w % 1_000_000, frac % 100),
        );
    }
    if c.fee > 0 {
        req = req.fee(
            text(c.fee as u128),
            if c.before_split {
                "before_split"
            } else {
                "platform"
            },
        );
    }
    let Ok(s) = split(&req) else { return };
    let creators: u128 = s.creators.iter().map(|x| x.amount.minor()).sum();
    assert_eq!(
        creators + s.platform.minor() + s.fee.minor(),
        gross,
        "conservation"
    );
    let base = if c.before_split && c.fee > 0 {
        gross - s.fee.minor()
    } else {
        gross
    };
    assert!(creators * 10000 >= base * share, "the floor holds");
    let original: Vec<u128> = s
        .creators
        .iter()
        .map(|x| x.amount.minor())
        .chain([s.platform.minor()])
        .collect();
    let mut r = Refundable::new(&s);
    let mut refunded = vec![0u128; original.len()];
    for cut in c.refunds.iter().take(10) {
        let amount = r.remaining().minor() * (*cut as u128 % 1001) / 1000;
        let part = r
            .refund(
                liberation_gates::money::Money::from_minor(amount, s.currency)
                    .expect("within range"),
            )
            .expect("within balance");
        let parts: Vec<u128> = part
            .creators
            .iter()
            .map(|x| x.amount.minor())
            .chain([part.platform.minor()])
            .collect();
        assert_eq!(parts.iter().sum::<u128>(), amount);
        for (i, x) in parts.iter().enumerate() {
            refunded[i] += x;
            assert!(refunded[i] <= original[i], "never more than a party held");
        }
    }
    let rest = r.remaining();
    let last = r.refund(rest).expect("the remaining balance is refundable");
    for (i, x) in last
        .creators
        .iter()
        .map(|x| x.amount.minor())
        .chain([last.platform.minor()])
        .enumerate()
    {
        refunded[i] += x;
    }
    assert_eq!(refunded, original, "a full refund returns every balance");
}

#[derive(Debug, Arbitrary)]
struct BreakerCase {
    size: u8,
    minimum: u8,
    half_open: u8,
    open_seconds: u8,
    time_window: bool,
    ops: Vec<(u8, u8, u8)>,
}

/// Breaker operation sequences: no panic; only legal transitions; acquire permitted exactly
/// where the SPEC says; half-open permits never exceed half_open_calls.
pub fn breaker_ops(data: &[u8]) {
    let Ok(c) = BreakerCase::arbitrary(&mut Unstructured::new(data)) else {
        return;
    };
    let config = BreakerConfig {
        window: if c.time_window {
            WindowConfig::Time {
                seconds: 1 + c.size as u64,
            }
        } else {
            WindowConfig::Count {
                size: 1 + c.size as u64 % 20,
            }
        },
        minimum_calls: 1 + c.minimum as u64 % 10,
        half_open_calls: 1 + c.half_open as u64 % 5,
        open_seconds: c.open_seconds as f64 % 30.0,
        slow_call_seconds: 2.0,
        ..BreakerConfig::default()
    };
    let Ok(mut m) = BreakerMachine::new(config) else {
        return;
    };
    let mut t = 0.0;
    let mut half_open_permits = 0;
    for (dt, kind, x) in c.ops.iter().take(200) {
        t += (*dt % 8) as f64 * 0.5;
        let op = match kind % 8 {
            0..=2 => BreakerOp::Acquire,
            3..=5 => BreakerOp::Record {
                outcome: if x % 2 == 0 {
                    Outcome::Success
                } else {
                    Outcome::Failure
                },
                seconds: (*x % 5) as f64,
            },
            6 => [BreakerOp::ForceOpen, BreakerOp::Disable][*x as usize % 2],
            _ => BreakerOp::Reset,
        };
        let before = m.state();
        let Ok((permitted, transitions)) = m.apply(t, op) else {
            panic!("in-order operations never fail")
        };
        for tr in &transitions {
            use BreakerState::*;
            assert!(
                matches!(
                    (tr.from, tr.to),
                    (Closed, Open)
                        | (Open, HalfOpen)
                        | (HalfOpen, Open)
                        | (HalfOpen, Closed)
                        | (_, ForcedOpen)
                        | (_, Disabled)
                        | (_, Closed)
                ),
                "{tr:?}"
            );
        }
        if transitions.iter().any(|tr| tr.to == BreakerState::HalfOpen)
            || before != BreakerState::HalfOpen
        {
            half_open_permits = 0;
        }
        if let Some(p) = permitted {
            let state = m.state();
            match state {
                BreakerState::Closed | BreakerState::Disabled => assert!(p),
                BreakerState::Open | BreakerState::ForcedOpen => assert!(!p),
                BreakerState::HalfOpen => {
                    half_open_permits += p as u64;
                    assert!(half_open_permits <= m.config().half_open_calls);
                }
            }
        }
    }
    if !c.ops.is_empty() {
        assert!(m.acquire(t - 1.0).is_err(), "time never goes back");
    }
}

/// A flag operation: (operation, intensity value, optional decision (subject, action, status)).
type FlagOpCase = (u8, u8, Option<(u8, u8, u8)>);

#[derive(Debug, Arbitrary)]
struct CommunityCase {
    votes: Vec<(u8, u8, u8)>,
    now: u8,
    ops: Vec<FlagOpCase>,
}

/// Votes: one member, one vote, whatever the sequence. Flags: a protected flag is never
/// disabled, nor its intensity changed, without a passed decision naming it and the operation.
pub fn governance_flags(data: &[u8]) {
    let Ok(c) = CommunityCase::arbitrary(&mut Unstructured::new(data)) else {
        return;
    };
    let electorate: Vec<String> = (0..5).map(|i| format!("m{i}")).collect();
    let mut p =
        Proposal::new(electorate.clone(), "0.4", "0.5", 10.0, 200.0).expect("valid proposal");
    for (t, m, choice) in c.votes.iter().take(50) {
        let _ = p.cast(
            *t as f64,
            &format!("m{}", m % 7),
            ["yes", "no", "abstain", "maybe"][*choice as usize % 4],
        );
    }
    let tally = p.tally(c.now as f64);
    assert!(tally.cast() as usize <= electorate.len());
    let mut members: Vec<&str> = p.votes().iter().map(|v| v.member.as_str()).collect();
    members.sort_unstable();
    members.dedup();
    assert_eq!(members.len(), p.votes().len(), "one member, one vote");

    let mut flags = FlagSet::new(vec![
        FlagDef::new("guard", FlagKind::Protected),
        FlagDef::new("free", FlagKind::Standard),
    ])
    .expect("valid flags");
    let subjects = ["flag:guard", "flag:free", "guard"];
    let actions = ["enable", "disable", "set_intensity"];
    for (i, (op, value, d)) in c.ops.iter().take(50).enumerate() {
        let op = [FlagOp::Enable, FlagOp::Disable, FlagOp::SetIntensity][*op as usize % 3];
        let t = i as f64;
        let value = Some((*value % 11) as f64 / 10.0);
        let before = flags.state("guard").expect("defined");
        // Status 4: a record made by hand that says "passed": refused, and nothing changes.
        if let Some((s, a, 4..)) = d.map(|(s, a, st)| (s, a, st % 5)) {
            let forged = DecisionArg::Claimed(Decision::new(
                subjects[s as usize % 3],
                actions[a as usize % 3],
                ProposalStatus::Passed,
            ));
            let e = flags
                .apply_arg("guard", op.as_str(), value, Some(&forged), "fuzz", t)
                .expect_err("a forged decision is refused");
            assert_eq!(e.kind(), "unverified_decision");
            assert_eq!(flags.state("guard").expect("defined"), before);
            continue;
        }
        let decision = d.map(|(s, a, st)| {
            tallied(subjects[s as usize % 3], actions[a as usize % 3], st % 5, t)
        });
        let _ = flags.apply("guard", op, value, decision.as_ref(), "fuzz", t);
        let after = flags.state("guard").expect("defined");
        if (before.enabled && !after.enabled) || before.intensity != after.intensity {
            let d = decision.expect("a change needs a decision");
            assert!(
                d.passed() && d.subject == "flag:guard" && d.action == op.as_str(),
                "{d:?}"
            );
        }
    }
    // No firing before `for`, on a threshold fed from the vote times.
    let mut th = Threshold::new(ThresholdRule::new(Op::Gt, 127.0, 30.0).expect("valid rule"));
    let mut since: Option<f64> = None;
    let mut last = -1.0;
    for (t, m, _) in c.votes.iter() {
        let t = *t as f64;
        if t <= last {
            continue;
        }
        last = t;
        let breach = *m > 127;
        since = if breach { since.or(Some(t)) } else { None };
        let st = th.observe(t, *m as f64).expect("in order");
        if st == AlertState::Firing {
            assert!(since.is_some_and(|s| t - s >= 30.0), "fired early");
        }
    }
}

/// A decision the core tallies at `now` from a one-member proposal: 0 passed (a yes),
/// 1 rejected (a no), 2 no quorum (no vote, quorum 1), 3 still open.
fn tallied(subject: &str, action: &str, status: u8, now: f64) -> VerifiedDecision {
    let quorum = if status == 2 { "1" } else { "0" };
    let closes = if status == 3 { now + 1.0 } else { now };
    let mut p = Proposal::new(vec!["m".into()], quorum, "0.5", now - 2.0, closes).expect("valid");
    let choice = if status == 1 { "no" } else { "yes" };
    if status != 2 {
        p.cast(now - 1.0, "m", choice).expect("in the period");
    }
    p.decision(subject, action, now)
}

/// Any text as a deployment's events file through the built-in deployment: never a panic; a
/// refused event changes nothing; traffic is 0 once rolled back and 100 once completed; notice
/// ids count up from 1; a community decision a step carries has passed; and replaying the
/// accepted events' written form in a fresh deployment ends in the same state with the same
/// notices (what a store relies on to resume).
pub fn deployment_events(data: &[u8]) {
    use liberation_gates::deployment::{Deployment, DeploymentStatus, Event, Setup};
    let text = String::from_utf8_lossy(data);
    let setup = || Setup::builtin("fuzz").expect("the built-in setup");
    let mut d = Deployment::new(setup());
    let mut accepted = Vec::new();
    for line in text.lines() {
        let Ok(event) = Event::from_json(line) else {
            continue;
        };
        let before = d.state();
        let notices = d.notices().len();
        match d.apply(&event) {
            Err(_) => {
                assert_eq!(d.state(), before, "a refused event changed the state");
                assert_eq!(
                    d.notices().len(),
                    notices,
                    "a refused event raised a notice"
                );
            }
            Ok(step) => {
                let s = &step.state;
                assert!(s.weight <= 100);
                match s.status {
                    DeploymentStatus::RolledBack => assert_eq!(s.weight, 0, "{s:?}"),
                    DeploymentStatus::Completed => assert_eq!(s.weight, 100, "{s:?}"),
                    _ => {}
                }
                if let Some(c) = &step.community {
                    assert!(
                        c.passed(),
                        "a step used a decision that did not pass: {c:?}"
                    );
                }
                accepted.push(event.to_value());
            }
        }
    }
    for (i, n) in d.notices().iter().enumerate() {
        assert_eq!(n.id, format!("fuzz/{}", i + 1));
    }
    let mut again = Deployment::new(setup());
    for v in &accepted {
        let e = Event::from_value(v).expect("a written event reads back");
        again.apply(&e).expect("a replayed event applies again");
    }
    assert_eq!(again.state(), d.state(), "replay differs");
    assert_eq!(again.notices(), d.notices(), "replayed notices differ");
}

/// Any text as an Unleash toggle state, evaluated for contexts made from the input: never a
/// panic; a toggle that is off gives the `disabled` variant with `feature_enabled: false`; an
/// enabled variant only for a toggle that is on; the community's votes are obeyed: a protected
/// flag the flag set has switched off is off for everyone, whatever the state says.
pub fn unleash_state(data: &[u8]) {
    use liberation_gates::unleash::{Context, Toggles};
    let text = String::from_utf8_lossy(data);
    let Ok(toggles) = Toggles::from_json(&text) else {
        return;
    };
    let mut flags = FlagSet::builtin();
    // A verified vote switches the protected flag off.
    let decision = tallied("flag:creator_sovereignty_enforcement", "disable", 0, 10.0);
    flags
        .disable(
            "creator_sovereignty_enforcement",
            Some(&decision),
            "council",
            10.0,
        )
        .expect("a passed decision disables a protected flag");
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
        .collect();
    let mut contexts = vec![Context::default()];
    for w in &words {
        contexts.push(Context {
            user_id: Some(w.to_string()),
            session_id: Some(format!("s-{w}")),
            remote_address: Some("10.0.0.1".into()),
            environment: Some(w.to_string()),
            current_time: Some("2024-01-01T00:00:00Z".into()),
            ..Context::default()
        });
    }
    // Random draws (random stickiness; default stickiness with no user or session; a custom
    // stickiness field the context lacks) differ between two calls, as in Unleash's SDKs:
    // is_enabled and get_variant are compared only where nothing random can be drawn.
    let lower = text.to_lowercase();
    let deterministic = !lower.contains("random") && !lower.contains("stickiness");
    let mut names = toggles.names();
    names.push("creator_sovereignty_enforcement".into());
    for name in &names {
        for ctx in &contexts {
            let on = toggles.is_enabled(name, ctx);
            let v = toggles.get_variant(name, ctx);
            if deterministic && ctx.user_id.is_some() {
                assert_eq!(
                    v.feature_enabled, on,
                    "{name}: variant and is_enabled agree"
                );
            }
            if !v.feature_enabled {
                assert_eq!(
                    (v.name.as_str(), v.enabled, &v.payload),
                    ("disabled", false, &None)
                );
            }
            if v.enabled {
                assert!(
                    v.feature_enabled,
                    "{name}: an enabled variant of a toggle that is off"
                );
            }
            if name == "creator_sovereignty_enforcement" {
                assert!(
                    !toggles.is_enabled_governed(name, ctx, &flags),
                    "the vote is obeyed"
                );
            }
        }
    }
}

#[derive(Debug, Arbitrary)]
struct RolloutCase {
    steps: Vec<(u8, u16, bool)>,
    gentle_step_seconds: u16,
    events: Vec<(u16, u8, u8, i8, u8)>,
}

/// Any text as a rollout plan file in each format, then a plan and rollout events (observe,
/// approve, consulted, tick, and names that are none of them) from the input: never a panic;
/// a refused event changes nothing; time must move forward; the weight is the step's (0 once
/// rolled back, 100 once completed); a final state never changes; a consultation is ended
/// only by the community's answer or a rollback; a step is left only after its bake time
/// and, when it needs one, an approval of that step; a ramp only goes down.
pub fn rollout_events(data: &[u8]) {
    use liberation_gates::rollout::{Rollout, RolloutPlan, RolloutStatus, StepInput};
    use liberation_gates::Num;
    let text = String::from_utf8_lossy(data);
    for format in [Format::Toml, Format::Yaml, Format::Json] {
        if let Ok(p) = RolloutPlan::parse(&text, format) {
            let w: Vec<u8> = p.steps().iter().map(|s| s.weight).collect();
            assert!(w.windows(2).all(|x| x[0] < x[1]), "weights increase: {w:?}");
            assert_eq!(w.last(), Some(&100), "the last step is 100%");
        }
    }
    let Ok(c) = RolloutCase::arbitrary(&mut Unstructured::new(data)) else {
        return;
    };
    let steps: Vec<StepInput> = c
        .steps
        .iter()
        .take(6)
        .map(|&(w, bake, approval)| StepInput {
            weight: Num::Int((w % 101) as i128),
            bake_seconds: bake as f64,
            approval,
        })
        .collect();
    let plan = RolloutPlan::new(steps)
        .unwrap_or_default()
        .with_gentle_step_seconds(c.gentle_step_seconds as f64)
        .expect("a whole number of seconds is a gentle step");
    let steps = plan.steps().to_vec();
    let mut r = Rollout::start(plan, 0.0);
    let weight_of = |s: &liberation_gates::rollout::RolloutState| match s.status {
        RolloutStatus::RolledBack => 0,
        _ => steps[s.step].weight,
    };
    let mut t = 0.0;
    let mut entered = 0.0;
    let mut approved = vec![false; steps.len()];
    let kinds = ["observe", "approve", "consulted", "tick", "rollout"];
    let decisions = [
        "proceed",
        "alert",
        "hold",
        "consult",
        "rollback",
        "gentle_rollback",
        "stop",
    ];
    let outcomes = ["proceed", "rollback", "gentle_rollback", "maybe"];
    for &(dt, kind, choice, step, back) in c.events.iter().take(64) {
        // Mostly forward; sometimes the same instant or earlier, which must be refused.
        let at = if back % 8 == 0 {
            t - (dt % 3) as f64
        } else {
            t + dt as f64
        };
        let kind = kinds[kind as usize % kinds.len()];
        let decision = decisions[choice as usize % decisions.len()];
        let outcome = outcomes[choice as usize % outcomes.len()];
        let before = r.state();
        let result = r.apply_named(
            at,
            kind,
            Some(decision),
            Some(Num::Int(step as i128)),
            Some(outcome),
        );
        let after = match result {
            Err(e) => {
                assert_eq!(r.state(), before, "a refused event changed the state: {e}");
                if at <= t && t > 0.0 {
                    assert_eq!(e.kind(), "out_of_order", "{e}");
                }
                continue;
            }
            Ok(s) => s,
        };
        assert!(
            at > t || (t == 0.0 && at >= 0.0),
            "an event at {at} after {t} was taken"
        );
        assert_eq!(after, r.state());
        assert_eq!(after.weight, weight_of(&after), "{after:?}");
        if after.status == RolloutStatus::Completed {
            assert_eq!(after.weight, 100);
        }
        if before.status.is_terminal() {
            assert_eq!(after, before, "a final state changed");
        }
        if before.status == RolloutStatus::Consulting && after.status != RolloutStatus::Consulting {
            let answered = kind == "consulted" && outcome != "maybe";
            let rolled = kind == "observe" && matches!(decision, "rollback" | "gentle_rollback");
            assert!(answered || rolled, "{kind} {decision} ended a consultation");
        }
        if kind == "approve"
            && step >= 0
            && step as usize == before.step
            && before.status != RolloutStatus::RampingDown
            && !before.status.is_terminal()
        {
            approved[before.step] = true;
        }
        if after.step > before.step {
            assert!(
                !matches!(
                    before.status,
                    RolloutStatus::RampingDown | RolloutStatus::Consulting
                ),
                "moved forward from {before:?}"
            );
            for j in before.step..after.step {
                let since = if j == before.step { entered } else { at };
                assert!(
                    at - since >= steps[j].bake_seconds,
                    "step {j} left before its bake"
                );
                assert!(
                    !steps[j].approval || approved[j],
                    "step {j} left without approval"
                );
            }
        }
        if before.status == RolloutStatus::RampingDown {
            assert!(
                after.weight <= before.weight,
                "a ramp went up: {before:?} → {after:?}"
            );
        }
        let ramp: Vec<u8> = r.ramp_steps().iter().map(|s| s.weight).collect();
        assert!(
            ramp.windows(2).all(|x| x[0] > x[1]),
            "ramp steps go down: {ramp:?}"
        );
        if after.step != before.step {
            entered = at;
        }
        t = at;
    }
}

/// Any text as a payout audit: the first line a split's terms, the rest payout lines, as
/// `liberation-gates audit` reads them: never a panic; the paid total is the sum of what each
/// creator was paid; each shortfall is `expected − paid`; `exact` exactly when every creator
/// was paid what is expected; `floor_held` exactly when the paid total reaches the creator
/// pool; the share paid is `paid / base` truncated to 4 places; paying what is expected is an
/// exact audit.
pub fn payout_audit(data: &[u8]) {
    use liberation_gates::audit::{audit_files, audit_split, Paid};
    let text = String::from_utf8_lossy(data);
    let (terms, paid) = text.split_once('\n').unwrap_or((&text, ""));
    let Ok(a) = audit_files(terms, paid) else {
        return;
    };
    assert_eq!(a.paid.len(), a.expected.len());
    let mut total = 0u128;
    let mut short = Vec::new();
    for (e, p) in a.expected.iter().zip(&a.paid) {
        assert_eq!(e.id, p.id, "paid in the split's order");
        total += p.amount.minor();
        if p.amount.minor() < e.amount.minor() {
            short.push((e.id.clone(), e.amount.minor() - p.amount.minor()));
        }
    }
    assert_eq!(a.paid_total.minor(), total);
    let got: Vec<(String, u128)> = a
        .shortfalls
        .iter()
        .map(|s| (s.id.clone(), s.amount.minor()))
        .collect();
    assert_eq!(got, short);
    assert_eq!(
        a.shortfall_total.minor(),
        short.iter().map(|s| s.1).sum::<u128>()
    );
    let all_equal = a
        .expected
        .iter()
        .zip(&a.paid)
        .all(|(e, p)| e.amount == p.amount);
    assert_eq!(a.exact, all_equal);
    assert_eq!(a.floor_held, total >= a.creator_total.minor(), "{a:?}");
    let input = liberation_gates::split::SplitInput::from_json(terms).expect("audited terms read");
    let s = split(&input).expect("audited terms split");
    let base = s.base().minor();
    match &a.creator_share_paid {
        None => assert_eq!(base, 0),
        Some(q) => {
            let (whole, frac) = q.split_once('.').expect("a decimal point");
            assert_eq!(frac.len(), 4, "{q}");
            let q: u128 = format!("{whole}{frac}").parse().expect("digits");
            assert!(
                q * base <= total * 10_000 && total * 10_000 < (q + 1) * base,
                "{q} for {total}/{base}"
            );
        }
    }
    let owed: Vec<Paid> = s
        .creators
        .iter()
        .map(|e| Paid::new(e.id.clone(), e.amount.to_string()))
        .collect();
    let again = audit_split(&s, &owed).expect("paying what is owed audits");
    assert!(
        again.exact && again.floor_held && again.shortfalls.is_empty(),
        "{again:?}"
    );
}

#[derive(Debug, Arbitrary)]
struct HealthCase {
    checks: Vec<(u8, u8, Option<bool>)>,
    status: Vec<(u8, u8)>,
}

/// Any text as a health model (and a deployment plan) in each format, and a model and statuses
/// from the input: never a panic; each level is the worst of its checks (a non-critical `down`
/// counting as `degraded`), every level above the lowest `down` one is skipped, the overall
/// status is the worst of the rest and picks the action; missing data is never healthy;
/// `failing` lists exactly the checks down or unknown, in name order.
pub fn health_model(data: &[u8]) {
    use liberation_gates::health::{CheckInput, HealthModel, HealthStatus};
    use liberation_gates::Num;
    let text = String::from_utf8_lossy(data);
    let mut models = Vec::new();
    for format in [Format::Toml, Format::Yaml, Format::Json] {
        if let Ok(m) = HealthModel::parse(&text, format) {
            models.push(m);
        }
        let _ = liberation_gates::plan::DeploymentPlan::parse(&text, format);
    }
    let Ok(c) = HealthCase::arbitrary(&mut Unstructured::new(data)) else {
        return;
    };
    let inputs: Vec<CheckInput> = c
        .checks
        .iter()
        .take(12)
        .map(|&(n, level, critical)| CheckInput {
            name: format!("c{}", n % 16),
            level: Num::Int((level % 7) as i128),
            critical,
        })
        .collect();
    if let Ok(m) = HealthModel::new(inputs) {
        models.push(m);
    }
    models.push(HealthModel::builtin());
    let values = [
        Some("up"),
        Some("degraded"),
        Some("down"),
        None,
        Some("sideways"),
    ];
    for m in &models {
        let names: Vec<String> = m.checks().iter().map(|c| c.name.clone()).collect();
        let mut status: Vec<(String, Option<&str>)> = Vec::new();
        for &(k, v) in c.status.iter().take(16) {
            let name = if k % 9 == 8 || names.is_empty() {
                "nobody".to_string()
            } else {
                names[k as usize % names.len()].clone()
            };
            if status.iter().all(|(n, _)| *n != name) {
                status.push((name, values[v as usize % values.len()]));
            }
        }
        let Ok(r) = m.evaluate(&status) else {
            continue;
        };
        let reported = |name: &str| {
            status
                .iter()
                .find(|(n, _)| n == name)
                .and_then(|(_, v)| *v)
                .map(|v| HealthStatus::parse_reported(v).expect("evaluated"))
                .unwrap_or(HealthStatus::Unknown)
        };
        let mut below_down = false;
        let mut overall = HealthStatus::Up;
        for lr in &r.levels {
            let expect = if below_down {
                HealthStatus::Skipped
            } else {
                m.checks()
                    .iter()
                    .filter(|c| c.level == lr.level)
                    .map(|c| match reported(&c.name) {
                        HealthStatus::Down if !c.critical => HealthStatus::Degraded,
                        s => s,
                    })
                    .fold(HealthStatus::Up, HealthStatus::worst)
            };
            assert_eq!(lr.status, expect, "level {:?}", lr.level);
            if expect != HealthStatus::Skipped {
                overall = overall.worst(expect);
                let unknown = m
                    .checks()
                    .iter()
                    .any(|c| c.level == lr.level && reported(&c.name) == HealthStatus::Unknown);
                assert!(
                    !unknown || r.overall != HealthStatus::Up,
                    "missing data was healthy"
                );
            }
            below_down |= expect == HealthStatus::Down;
        }
        assert_eq!(r.overall, overall);
        assert_eq!(r.action, overall.action());
        let mut failing: Vec<&str> = m
            .checks()
            .iter()
            .filter(|c| match reported(&c.name) {
                HealthStatus::Down => c.critical,
                HealthStatus::Unknown => true,
                _ => false,
            })
            .map(|c| c.name.as_str())
            .collect();
        failing.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        assert_eq!(r.failing, failing);
    }
}

/// A decimal amount as the report writes it (`"-12.50"`), in minor units.
fn minor_of(s: &str) -> i128 {
    let (neg, digits) = s.strip_prefix('-').map_or((false, s), |d| (true, d));
    let v: i128 = digits
        .replace('.', "")
        .parse()
        .unwrap_or_else(|_| panic!("{s:?} is an amount"));
    if neg {
        -v
    } else {
        v
    }
}

/// Any text as a ledger (JSON lines of splits, refunds and payouts), then its transparency
/// report by day, by month and in all: never a panic; per currency the day rows and the month
/// rows add up to the overall row; each row's creators add up to its creator total; a paid
/// summary's owed, paid and shortfall add up over its creators and each shortfall is
/// `max(owed − paid, 0)`; the report holds the floor exactly when every row does, in every
/// transaction, overall and, with payouts, in money paid.
pub fn ledger_report(data: &[u8]) {
    use liberation_gates::ledger::{Ledger, Period};
    use std::collections::BTreeMap;
    let text = String::from_utf8_lossy(data);
    let Ok(ledger) = Ledger::from_jsonl(&text) else {
        return;
    };
    type Sums = BTreeMap<String, (u64, u64, i128, i128, i128, i128, i128)>;
    let mut sums: Vec<Sums> = Vec::new();
    for period in [Period::Day, Period::Month, Period::All] {
        let r = ledger.report(period);
        let mut by_currency = Sums::new();
        let mut held = true;
        for row in &r.rows {
            let creators: i128 = row.creators.values().map(|a| minor_of(a)).sum();
            assert_eq!(creators, minor_of(&row.creator_total), "{row:?}");
            held &= row.floor_held_overall
                && row.floor_held_every_transaction
                && row.paid.as_ref().is_none_or(|p| p.floor_held);
            if let Some(p) = &row.paid {
                let (mut owed, mut paid, mut short) = (0, 0, 0);
                for l in p.creators.values() {
                    let (o, pd, s) = (minor_of(&l.owed), minor_of(&l.paid), minor_of(&l.shortfall));
                    assert_eq!(s, (o - pd).max(0), "{l:?}");
                    (owed, paid, short) = (owed + o, paid + pd, short + s);
                }
                assert_eq!(owed, minor_of(&p.owed_total), "{p:?}");
                assert_eq!(paid, minor_of(&p.paid_total), "{p:?}");
                assert_eq!(short, minor_of(&p.shortfall_total), "{p:?}");
            }
            let e = by_currency.entry(row.currency.clone()).or_default();
            e.0 += row.transactions;
            e.1 += row.refunds;
            e.2 += minor_of(&row.gross);
            e.3 += minor_of(&row.fees);
            e.4 += minor_of(&row.refunded);
            e.5 += minor_of(&row.creator_total);
            e.6 += minor_of(&row.platform_total);
        }
        assert_eq!(r.floor_held, held, "the report's floor is every row's");
        sums.push(by_currency);
    }
    assert_eq!(sums[0], sums[2], "day rows add up to the whole");
    assert_eq!(sums[1], sums[2], "month rows add up to the whole");
}

/// Any text as a proposal file (read at its `now`) and as a policy test file in each format
/// (run against the built-in policy): never a panic; each member's vote is counted at most
/// once and never more votes than members; a decision carries the reading's status.
pub fn proposal_file(data: &[u8]) {
    use liberation_gates::governance::ProposalFile;
    use liberation_gates::policytest::PolicyTest;
    let text = String::from_utf8_lossy(data);
    if let Ok(f) = ProposalFile::parse(&text) {
        if let Ok(r) = f.read() {
            let members: std::collections::HashSet<&str> =
                f.electorate.iter().map(String::as_str).collect();
            assert!(r.reading.tally.cast() as usize <= members.len(), "{r:?}");
            let counted = f.votes.iter().filter(|v| v.t <= f.now).count();
            assert!(r.reading.tally.cast() as usize + r.reading.refused.len() <= counted);
            if let Some(d) = &r.decision {
                assert_eq!(d.status, r.reading.status);
            }
        }
    }
    for format in [Format::Toml, Format::Yaml, Format::Json] {
        if let Ok(t) = PolicyTest::parse(&text, format) {
            let _ = t.run(&Policy::builtin());
        }
    }
}
