//! Prometheus metrics (OpenMetrics text) of what this library decides: breakers, rollouts,
//! deployments, policy decisions, payouts, proposals and the liberation rules.
//!
//! A [`Metrics`] collects what it is given and encodes it on each scrape with the Prometheus
//! project's `prometheus-client` crate (feature `metrics`):
//! - **breakers** ([`Metrics::add_breaker`]) are read when scraped, with resilience4j's names
//!   and labels so that its dashboards work: `resilience4j_circuitbreaker_state{name,state}`
//!   (1 for the current state, 0 for the others), `resilience4j_circuitbreaker_calls_total{name,kind}`
//!   (lifetime calls, `kind` = `successful`, `failed` or `ignored`),
//!   `resilience4j_circuitbreaker_not_permitted_calls_total{name,kind="not_permitted"}`,
//!   `resilience4j_circuitbreaker_failure_rate{name}` and `..._slow_call_rate{name}` (percent,
//!   as resilience4j reports them; −1 while the window holds fewer than `minimum_calls`),
//!   `resilience4j_circuitbreaker_buffered_calls{name,kind}` (in the window, `kind` =
//!   `successful` or `failed`);
//! - **decisions** ([`Metrics::record_decision`]): `liberation_gates_decisions_total{service,
//!   action,severity,rule}` counts each decision once per reason (a firing rule's id or
//!   `missing:<name>`), or once under `rule="none"` when it has none; the liberation rules'
//!   status at that decision as for a deployment;
//! - **rollouts** ([`Metrics::set_rollout`]) and **deployments** ([`Metrics::set_deployment`]):
//!   `liberation_gates_rollout_status{rollout,status}` / `liberation_gates_deployment_status{
//!   service,status}` (1 for the current status), `..._weight_percent` (traffic on the new
//!   version), the rollout's step and the deployment's attempt;
//! - **liberation**: `liberation_rule_status{service,rule,status}` (1 for `holding`, `failing`
//!   or `unknown`), `liberation_rule_value{service,rule,metric}` (the metric a threshold rule
//!   read, e.g. `creator_share` or `governance_participation_drop`),
//!   `liberation_rule_check{service,rule,check}` (1 passed, 0 failed: community protection,
//!   trauma-informed UX, …); from payout audits ([`Metrics::record_audit`]) per currency:
//!   `liberation_creator_share_paid` and `liberation_creator_floor_held` of the last audit,
//!   `liberation_payout_audits_total`, `liberation_payout_floor_broken_total`, and the minor
//!   units expected, paid and short (`liberation_payout_{expected,paid,shortfall}_minor_units_total`:
//!   whole numbers, never floats, exact while below 2^53 as Prometheus stores them); from
//!   proposals ([`Metrics::set_proposal`], and a deployment's proposals):
//!   `liberation_governance_participation{proposal}` (votes cast ÷ electorate) and
//!   `liberation_governance_proposal_status{proposal,status}`.
//!
//! ```
//! use liberation_gates::breaker::{BreakerConfig, CircuitBreaker, Outcome};
//! use liberation_gates::metrics::Metrics;
//! use std::sync::Arc;
//! let m = Metrics::new();
//! let b = Arc::new(CircuitBreaker::new(BreakerConfig::default()).unwrap());
//! m.add_breaker("events", b.clone());
//! b.record(Outcome::Failure, 0.1);
//! let text = m.encode();
//! assert!(text.contains(r#"resilience4j_circuitbreaker_calls_total{name="events",kind="failed"} 1"#));
//! assert!(text.ends_with("# EOF\n"));
//! ```

use crate::audit::PayoutAudit;
use crate::breaker::{BreakerRegistry, BreakerState, CircuitBreaker};
use crate::deployment::{DeploymentState, DeploymentStatus};
use crate::governance::{Proposal, ProposalStatus};
use crate::policy::{LiberationHealth, LiberationStatus, Observation, Policy, PolicyDecision};
use crate::rollout::{RolloutState, RolloutStatus};
use parking_lot::Mutex;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric, MetricEncoder};
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::MetricType;
use prometheus_client::registry::Registry;
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::sync::Arc;

/// The content type of [`Metrics::encode`]'s exposition.
pub const OPENMETRICS_CONTENT_TYPE: &str =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";
/// The content type of [`Metrics::encode_text`]'s exposition.
pub const TEXT_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// What a [`Metrics`] has been given, encoded on each scrape.
#[derive(Default)]
struct Recorded {
    breakers: BTreeMap<String, Arc<CircuitBreaker>>,
    rollouts: BTreeMap<String, RolloutState>,
    deployments: BTreeMap<String, Deployed>,
    /// (service, action, severity, rule) → decisions.
    decisions: BTreeMap<(String, &'static str, &'static str, String), u64>,
    /// Liberation rules by service, from decisions and deployments.
    liberation: BTreeMap<String, Vec<LiberationStatus>>,
    payouts: BTreeMap<&'static str, Payouts>,
    proposals: BTreeMap<String, (ProposalStatus, f64)>,
}

struct Deployed {
    status: DeploymentStatus,
    weight: u8,
    attempt: u32,
}

#[derive(Default)]
struct Payouts {
    audits: u64,
    floor_broken: u64,
    expected: u128,
    paid: u128,
    shortfall: u128,
    last_share_paid: Option<f64>,
    last_floor_held: bool,
}

/// Prometheus metrics of breakers, rollouts, deployments, decisions, payouts and proposals
/// (see the [module](self)); cheap to share between threads.
pub struct Metrics {
    recorded: Arc<Mutex<Recorded>>,
    registry: Registry,
}

impl fmt::Debug for Metrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.recorded.lock();
        f.debug_struct("Metrics")
            .field("breakers", &r.breakers.keys().collect::<Vec<_>>())
            .field("rollouts", &r.rollouts.keys().collect::<Vec<_>>())
            .field("deployments", &r.deployments.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    /// Nothing recorded yet: the exposition is `# EOF` alone.
    pub fn new() -> Metrics {
        let recorded = Arc::new(Mutex::new(Recorded::default()));
        let mut registry = Registry::default();
        registry.register_collector(Box::new(Scrape(recorded.clone())));
        Metrics { recorded, registry }
    }

    /// Reports the breaker as `name` on every scrape (replacing one of the same name).
    pub fn add_breaker(&self, name: &str, breaker: Arc<CircuitBreaker>) {
        self.recorded
            .lock()
            .breakers
            .insert(name.to_string(), breaker);
    }

    /// Reports every breaker of the registry under its name.
    pub fn add_breakers(&self, registry: &BreakerRegistry) {
        for name in registry.names() {
            if let Ok(b) = registry.get(&name) {
                self.add_breaker(&name, b);
            }
        }
    }

    /// Counts a policy decision of `service` and keeps the liberation rules' status as the
    /// observation and the decision leave them ([`Policy::liberation_status`]).
    pub fn record_decision(
        &self,
        service: &str,
        policy: &Policy,
        observation: &Observation,
        decision: &PolicyDecision,
    ) {
        let mut r = self.recorded.lock();
        let (action, severity) = (decision.action.as_str(), decision.severity.as_str());
        let rules: Vec<&str> = if decision.reasons.is_empty() {
            vec!["none"]
        } else {
            decision.reasons.iter().map(String::as_str).collect()
        };
        for rule in rules {
            *r.decisions
                .entry((service.to_string(), action, severity, rule.to_string()))
                .or_default() += 1;
        }
        let status = policy.liberation_status(Some((observation, decision)));
        r.liberation.insert(service.to_string(), status);
    }

    /// Reports a rollout's state as `name` (replacing the last one given).
    pub fn set_rollout(&self, name: &str, state: &RolloutState) {
        self.recorded
            .lock()
            .rollouts
            .insert(name.to_string(), *state);
    }

    /// Reports a deployment's state under its service: status, weight, attempt, its liberation
    /// rules and its proposals' participation.
    pub fn set_deployment(&self, state: &DeploymentState) {
        let mut r = self.recorded.lock();
        let d = Deployed {
            status: state.status,
            weight: state.weight,
            attempt: state.attempt,
        };
        r.deployments.insert(state.service.clone(), d);
        r.liberation
            .insert(state.service.clone(), state.liberation.clone());
        for p in &state.proposals {
            r.proposals
                .insert(p.id.clone(), (p.status, p.participation));
        }
    }

    /// Reports a proposal's status and participation at `now` under `id`.
    pub fn set_proposal(&self, id: &str, proposal: &Proposal, now: f64) {
        let entry = (proposal.status(now), proposal.participation(now));
        self.recorded.lock().proposals.insert(id.to_string(), entry);
    }

    /// Adds a payout audit to its currency's totals.
    pub fn record_audit(&self, audit: &PayoutAudit) {
        let mut r = self.recorded.lock();
        let p = r.payouts.entry(audit.currency.code()).or_default();
        p.audits += 1;
        p.floor_broken += u64::from(!audit.floor_held);
        p.expected = p.expected.saturating_add(audit.creator_total.minor());
        p.paid = p.paid.saturating_add(audit.paid_total.minor());
        p.shortfall = p.shortfall.saturating_add(audit.shortfall_total.minor());
        // A 4-place decimal string: read as the gauge's float, which is what Prometheus keeps.
        p.last_share_paid = audit
            .creator_share_paid
            .as_deref()
            .and_then(|s| s.parse().ok());
        p.last_floor_held = audit.floor_held;
    }

    /// The exposition now, in the OpenMetrics text format (ending `# EOF`).
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail, and the collector only fails when its writer does.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }

    /// The exposition now in Prometheus' classic text format (0.0.4), for scrapers and tools
    /// that do not read OpenMetrics (`promtool check metrics`): the same samples, a counter's
    /// `# HELP`/`# TYPE` lines naming its `_total` series, and no `# EOF`.
    pub fn encode_text(&self) -> String {
        let open = self.encode();
        let counters: HashSet<&str> = open
            .lines()
            .filter_map(|l| l.strip_prefix("# TYPE ")?.strip_suffix(" counter"))
            .collect();
        let mut out = String::with_capacity(open.len() + 8 * counters.len());
        for line in open.lines().filter(|&l| l != "# EOF") {
            let counter = ["# HELP ", "# TYPE "].into_iter().find_map(|p| {
                let (name, tail) = line.strip_prefix(p)?.split_once(' ')?;
                counters.contains(name).then_some((p, name, tail))
            });
            match counter {
                Some((p, name, tail)) => out.push_str(&format!("{p}{name}_total {tail}")),
                None => out.push_str(line),
            }
            out.push('\n');
        }
        out
    }

    /// What a `/metrics` endpoint answers a request with this `Accept` header: OpenMetrics
    /// when the scraper asks for it (Prometheus does), the classic text format otherwise;
    /// `(content type, body)`.
    pub fn scrape(&self, accept: Option<&str>) -> (&'static str, String) {
        match accept {
            Some(a) if a.contains("application/openmetrics-text") => {
                (OPENMETRICS_CONTENT_TYPE, self.encode())
            }
            _ => (TEXT_CONTENT_TYPE, self.encode_text()),
        }
    }
}

/// The collector registered with the registry: encodes a snapshot of [`Recorded`].
struct Scrape(Arc<Mutex<Recorded>>);

impl fmt::Debug for Scrape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Scrape")
    }
}

/// A family being written: one descriptor, then one sample per label set.
struct Family<'a> {
    metric: MetricEncoder<'a>,
    kind: MetricType,
}

impl Family<'_> {
    fn sample(&mut self, labels: &[(&str, &str)], value: f64) -> fmt::Result {
        let enc = self.metric.encode_family(&labels)?;
        match self.kind {
            MetricType::Counter => ConstCounter::new(value).encode(enc),
            _ => ConstGauge::new(value).encode(enc),
        }
    }

    /// An integer sample (counts, minor units): written without a decimal point.
    fn count(&mut self, labels: &[(&str, &str)], value: u128) -> fmt::Result {
        let enc = self.metric.encode_family(&labels)?;
        match (self.kind, u64::try_from(value)) {
            (MetricType::Counter, Ok(v)) => ConstCounter::new(v).encode(enc),
            (MetricType::Counter, Err(_)) => ConstCounter::new(value as f64).encode(enc),
            (_, Ok(v)) => ConstGauge::new(i64::try_from(v).unwrap_or(i64::MAX)).encode(enc),
            (_, Err(_)) => ConstGauge::new(value as f64).encode(enc),
        }
    }
}

fn family<'a>(
    encoder: &'a mut DescriptorEncoder<'_>,
    name: &'a str,
    help: &str,
    kind: MetricType,
) -> Result<Family<'a>, fmt::Error> {
    let metric = encoder.encode_descriptor(name, help, None, kind)?;
    Ok(Family { metric, kind })
}

fn one_hot(
    f: &mut Family<'_>,
    labels: &[(&str, &str)],
    key: &str,
    names: &[&str],
    current: &str,
) -> fmt::Result {
    for &name in names {
        let mut l = labels.to_vec();
        l.push((key, name));
        f.count(&l, u128::from(name == current))?;
    }
    Ok(())
}

impl Collector for Scrape {
    fn encode(&self, mut e: DescriptorEncoder<'_>) -> fmt::Result {
        let r = self.0.lock();
        encode_breakers(&r, &mut e)?;
        encode_decisions(&r, &mut e)?;
        encode_rollouts(&r, &mut e)?;
        encode_liberation(&r, &mut e)?;
        encode_payouts(&r, &mut e)?;
        encode_proposals(&r, &mut e)
    }
}

use MetricType::{Counter, Gauge};

fn encode_breakers(r: &Recorded, e: &mut DescriptorEncoder<'_>) -> fmt::Result {
    if r.breakers.is_empty() {
        return Ok(());
    }
    let snapshots: Vec<(&str, _, _)> = r
        .breakers
        .iter()
        .map(|(n, b)| (n.as_str(), b.metrics(), b.config().minimum_calls))
        .collect();
    let mut f = family(
        e,
        "resilience4j_circuitbreaker_state",
        "The states of the circuit breaker (1 for the current one)",
        Gauge,
    )?;
    for (name, m, _) in &snapshots {
        one_hot(
            &mut f,
            &[("name", name)],
            "state",
            BreakerState::NAMES,
            m.state.as_str(),
        )?;
    }
    let mut f = family(
        e,
        "resilience4j_circuitbreaker_calls",
        "Calls recorded since the breaker was made, by outcome",
        Counter,
    )?;
    for (name, m, _) in &snapshots {
        let s = m.stats;
        for (kind, v) in [
            ("successful", s.successes),
            ("failed", s.failures),
            ("ignored", s.ignored),
        ] {
            f.count(&[("name", name), ("kind", kind)], v.into())?;
        }
    }
    let mut f = family(
        e,
        "resilience4j_circuitbreaker_not_permitted_calls",
        "Calls refused by the breaker",
        Counter,
    )?;
    for (name, m, _) in &snapshots {
        f.count(
            &[("name", name), ("kind", "not_permitted")],
            m.stats.rejected.into(),
        )?;
    }
    let mut f = family(
        e,
        "resilience4j_circuitbreaker_buffered_calls",
        "Calls in the breaker's window, by outcome",
        Gauge,
    )?;
    for (name, m, _) in &snapshots {
        f.count(
            &[("name", name), ("kind", "successful")],
            (m.calls - m.failed_calls).into(),
        )?;
        f.count(&[("name", name), ("kind", "failed")], m.failed_calls.into())?;
    }
    for (metric, help, pick) in [
        (
            "resilience4j_circuitbreaker_failure_rate",
            "Failure rate of the window in percent (-1 below minimum_calls)",
            0,
        ),
        (
            "resilience4j_circuitbreaker_slow_call_rate",
            "Slow-call rate of the window in percent (-1 below minimum_calls)",
            1,
        ),
    ] {
        let mut f = family(e, metric, help, Gauge)?;
        for (name, m, minimum) in &snapshots {
            let rate = if pick == 0 {
                m.failure_rate
            } else {
                m.slow_call_rate
            };
            let v = if m.calls < *minimum {
                -1.0
            } else {
                rate * 100.0
            };
            f.sample(&[("name", name)], v)?;
        }
    }
    Ok(())
}

fn encode_decisions(r: &Recorded, e: &mut DescriptorEncoder<'_>) -> fmt::Result {
    if r.decisions.is_empty() {
        return Ok(());
    }
    let mut f = family(
        e,
        "liberation_gates_decisions",
        "Policy decisions by action, severity and rule (once per reason)",
        Counter,
    )?;
    for ((service, action, severity, rule), n) in &r.decisions {
        let labels = [
            ("service", service.as_str()),
            ("action", action),
            ("severity", severity),
            ("rule", rule.as_str()),
        ];
        f.count(&labels, (*n).into())?;
    }
    Ok(())
}

/// One rollout or deployment as the progress families show it.
struct Progress<'a> {
    /// The rollout's name or the deployment's service.
    label: &'a str,
    status: &'static str,
    weight: u8,
    /// The rollout's step, the deployment's attempt.
    count: u128,
}

fn encode_rollouts(r: &Recorded, e: &mut DescriptorEncoder<'_>) -> fmt::Result {
    let rollouts: Vec<Progress<'_>> = (r.rollouts.iter())
        .map(|(name, s)| Progress {
            label: name,
            status: s.status.as_str(),
            weight: s.weight,
            count: s.step as u128,
        })
        .collect();
    let step = ("step", "The rollout's step index");
    encode_progress(
        e,
        ("rollout", "rollout"),
        RolloutStatus::NAMES,
        step,
        &rollouts,
    )?;
    let deployments: Vec<Progress<'_>> = (r.deployments.iter())
        .map(|(service, d)| Progress {
            label: service,
            status: d.status.as_str(),
            weight: d.weight,
            count: d.attempt.into(),
        })
        .collect();
    let attempt = ("attempt", "1 for the first run, one more per redeploy");
    let names = DeploymentStatus::NAMES;
    encode_progress(e, ("deployment", "service"), names, attempt, &deployments)
}

/// `liberation_gates_{what}_status` (one-hot over `names`), `_weight_percent` and `_{count}`,
/// each labelled `{label}`.
fn encode_progress(
    e: &mut DescriptorEncoder<'_>,
    (what, label): (&str, &str),
    names: &[&str],
    (count, count_help): (&str, &str),
    rows: &[Progress<'_>],
) -> fmt::Result {
    if rows.is_empty() {
        return Ok(());
    }
    let name = format!("liberation_gates_{what}_status");
    let help = format!("Where each {what} stands (1 for its status)");
    let mut f = family(e, &name, &help, Gauge)?;
    for p in rows {
        one_hot(&mut f, &[(label, p.label)], "status", names, p.status)?;
    }
    let name = format!("liberation_gates_{what}_weight_percent");
    let mut f = family(e, &name, "Percent of traffic on the new version", Gauge)?;
    for p in rows {
        f.count(&[(label, p.label)], p.weight.into())?;
    }
    let name = format!("liberation_gates_{what}_{count}");
    let mut f = family(e, &name, count_help, Gauge)?;
    for p in rows {
        f.count(&[(label, p.label)], p.count)?;
    }
    Ok(())
}

fn encode_liberation(r: &Recorded, e: &mut DescriptorEncoder<'_>) -> fmt::Result {
    if r.liberation.is_empty() {
        return Ok(());
    }
    let mut f = family(
        e,
        "liberation_rule_status",
        "Each liberation rule at the last observation (1 for holding, failing or unknown)",
        Gauge,
    )?;
    for (service, rules) in &r.liberation {
        for rule in rules {
            let labels = [("service", service.as_str()), ("rule", rule.rule.as_str())];
            one_hot(
                &mut f,
                &labels,
                "status",
                LiberationHealth::NAMES,
                rule.status.as_str(),
            )?;
        }
    }
    let mut f = family(
        e,
        "liberation_rule_value",
        "The metric a liberation rule read at the last observation",
        Gauge,
    )?;
    for (service, rules) in &r.liberation {
        for rule in rules {
            if let (Some(metric), Some(v)) = (&rule.metric, rule.value) {
                f.sample(
                    &[
                        ("service", service),
                        ("rule", &rule.rule),
                        ("metric", metric),
                    ],
                    v,
                )?;
            }
        }
    }
    let mut f = family(
        e,
        "liberation_rule_check",
        "The checks a liberation rule read at the last observation (1 passed, 0 failed)",
        Gauge,
    )?;
    for (service, rules) in &r.liberation {
        for rule in rules {
            for (check, v) in &rule.checks {
                if let Some(v) = v {
                    let labels = [
                        ("service", service.as_str()),
                        ("rule", &rule.rule),
                        ("check", check),
                    ];
                    f.count(&labels, u128::from(*v))?;
                }
            }
        }
    }
    Ok(())
}

fn encode_payouts(r: &Recorded, e: &mut DescriptorEncoder<'_>) -> fmt::Result {
    if r.payouts.is_empty() {
        return Ok(());
    }
    let mut f = family(
        e,
        "liberation_creator_share_paid",
        "Paid to creators ÷ the payment, at the last audit (4 places, truncated)",
        Gauge,
    )?;
    for (currency, p) in &r.payouts {
        if let Some(v) = p.last_share_paid {
            f.sample(&[("currency", currency)], v)?;
        }
    }
    let mut f = family(
        e,
        "liberation_creator_floor_held",
        "1 when the last audit paid creators at least their share",
        Gauge,
    )?;
    for (currency, p) in &r.payouts {
        f.count(&[("currency", currency)], u128::from(p.last_floor_held))?;
    }
    type Pick = fn(&Payouts) -> u128;
    let totals: [(&str, &str, Pick); 5] = [
        ("liberation_payout_audits", "Payout audits recorded", |p| {
            p.audits.into()
        }),
        (
            "liberation_payout_floor_broken",
            "Audits where creators were paid less than their share",
            |p| p.floor_broken.into(),
        ),
        (
            "liberation_payout_expected_minor_units",
            "What creators were owed, in minor units",
            |p| p.expected,
        ),
        (
            "liberation_payout_paid_minor_units",
            "What creators were paid, in minor units",
            |p| p.paid,
        ),
        (
            "liberation_payout_shortfall_minor_units",
            "Owed but not paid to creators, in minor units",
            |p| p.shortfall,
        ),
    ];
    for (name, help, pick) in totals {
        let mut f = family(e, name, help, Counter)?;
        for (currency, p) in &r.payouts {
            f.count(&[("currency", currency)], pick(p))?;
        }
    }
    Ok(())
}

fn encode_proposals(r: &Recorded, e: &mut DescriptorEncoder<'_>) -> fmt::Result {
    if r.proposals.is_empty() {
        return Ok(());
    }
    let mut f = family(
        e,
        "liberation_governance_participation",
        "Votes cast ÷ electorate",
        Gauge,
    )?;
    for (id, (_, participation)) in &r.proposals {
        f.sample(&[("proposal", id)], *participation)?;
    }
    let mut f = family(
        e,
        "liberation_governance_proposal_status",
        "Each proposal's status (1 for the current one)",
        Gauge,
    )?;
    for (id, (status, _)) in &r.proposals {
        one_hot(
            &mut f,
            &[("proposal", id)],
            "status",
            ProposalStatus::NAMES,
            status.as_str(),
        )?;
    }
    Ok(())
}
