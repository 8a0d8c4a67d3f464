//! `deploy`, `plan check`, `health --model` and `notifications`: the liberation-safe deployment
//! from the command line. Every rule is the core's (`liberation_gates::deployment`); this
//! module reads files and prints.

use crate::{file_error, read, store_fail, Fail, EXIT_HOLD, EXIT_OK, EXIT_ROLLBACK};
use liberation_gates::deployment::{
    self, Deployment, DeploymentState, DeploymentStatus, Setup, Step,
};
use liberation_gates::health::HealthModel;
use liberation_gates::plan::DeploymentPlan;
use liberation_gates::policy::Policy;
use liberation_gates::rollout::RolloutStatus;
use liberation_gates::store;
use serde_json::json;
use std::path::{Path, PathBuf};

/// What `deploy` reads besides its events.
pub(crate) struct DeployArgs {
    pub plan: Option<PathBuf>,
    pub policy: Option<PathBuf>,
    pub health: Option<PathBuf>,
    pub service: String,
    pub store: Option<String>,
    pub json: bool,
}

fn load_plan(path: Option<&Path>) -> Result<DeploymentPlan, Fail> {
    match path {
        Some(p) => DeploymentPlan::from_path(p).map_err(|e| file_error(p, &e.into())),
        None => Ok(DeploymentPlan::builtin()),
    }
}

fn load_health(path: Option<&Path>) -> Result<HealthModel, Fail> {
    let Some(p) = path else {
        return Ok(HealthModel::builtin());
    };
    let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
    HealthModel::parse(&read(p)?, ext.parse()?).map_err(|e| file_error(p, &e.into()))
}

/// The exit code of a deployment's state: 0 completed or moving on, 3 rolled back (or ramping
/// down), 4 waiting for the community or for data.
fn exit_for(s: &DeploymentState) -> u8 {
    match (s.status, s.canary.map(|c| c.status)) {
        (DeploymentStatus::RolledBack, _) | (_, Some(RolloutStatus::RampingDown)) => EXIT_ROLLBACK,
        (DeploymentStatus::Consulting, _)
        | (
            _,
            Some(
                RolloutStatus::AwaitingApproval | RolloutStatus::Paused | RolloutStatus::Consulting,
            ),
        ) => EXIT_HOLD,
        _ => EXIT_OK,
    }
}

/// What an event was, for people: its type, and who voted what on which proposal.
fn describe(event: &deployment::Event) -> String {
    match event {
        deployment::Event::Vote {
            proposal,
            member,
            choice,
            ..
        } => format!("vote: {member} {choice} on {proposal}"),
        deployment::Event::Proposal { proposal, .. } => format!(
            "proposal {}: {} {}",
            proposal.id.as_deref().unwrap_or("?"),
            proposal.subject,
            proposal.action
        ),
        e => e.kind().to_string(),
    }
}

fn print_step(step: &Step, event: &deployment::Event, previous: &DeploymentState) {
    let s = &step.state;
    let canary = s
        .canary
        .map(|c| format!(" canary {} step {}", c.status, c.step))
        .unwrap_or_default();
    let mut what = match &step.decision {
        Some(d) if d.reasons.is_empty() => format!("policy {}", d.action),
        Some(d) => format!("policy {} ({})", d.action, d.reasons.join(", ")),
        None => describe(event),
    };
    if let Some(g) = step.gate.as_ref().filter(|g| !g.failed.is_empty()) {
        what.push_str(&format!("; checks failed: {}", g.failed.join(", ")));
    }
    if matches!(step.event, "observation" | "tick")
        && step.notices.is_empty()
        && s.phase == previous.phase
        && s.status == previous.status
        && s.canary == previous.canary
    {
        return;
    }
    println!(
        "t={:<10} {:<15} {:<11} {:>3}%{canary}  {what}",
        step.t,
        s.phase,
        s.status.as_str(),
        s.weight
    );
    if let Some(d) = &step.community {
        println!(
            "{:13}community decision {} {}: {}",
            "", d.subject, d.action, d.status
        );
    }
    if let Some(why) = &step.refused {
        println!("{:13}refused: {why}", "");
    }
    // After a vote: the proposal's tally and the checksum a decision can pin it by.
    if let deployment::Event::Vote { proposal, .. } = event {
        if let Some(p) = s.proposals.iter().find(|p| &p.id == proposal) {
            println!(
                "{:13}{} now {} yes / {} no / {} abstain, checksum {}",
                "", p.id, p.tally.yes, p.tally.no, p.tally.abstain, p.checksum
            );
        }
    }
    for n in &step.notices {
        println!(
            "{:13}notice {} [{} {}]: {}",
            "",
            n.id,
            n.kind.as_str(),
            n.severity.as_str(),
            n.message
        );
    }
}

/// Runs (or, with a store, resumes) a deployment over an events file.
pub(crate) fn cmd_deploy(args: DeployArgs, events: &Path) -> Result<u8, Fail> {
    let setup = Setup::new(
        &args.service,
        load_plan(args.plan.as_deref())?,
        match &args.policy {
            Some(p) => Policy::from_path(p)?,
            None => Policy::builtin(),
        },
        load_health(args.health.as_deref())?,
    )?;
    let mut d = match &args.store {
        Some(url) => Deployment::open_url(setup, url).map_err(|e| store_fail(url, e))?,
        None => Deployment::new(setup),
    };
    let resumed_at = d.state().t;
    if let Some(t) = resumed_at.filter(|_| !args.json) {
        println!("resumed from the store at t={t}: {}", summary(&d.state()));
    }
    let text = read(events)?;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let event = deployment::Event::from_json(trimmed)
            .map_err(|e| file_error(events, &e.at_line(i + 1)))?;
        // Lines the store already holds (a resumed run over the same file) are skipped.
        if resumed_at.is_some_and(|t| event.t() <= t) {
            continue;
        }
        let before = d.state();
        let step = d
            .apply(&event)
            .map_err(|e| file_error(events, &e.at_line(i + 1)))?;
        if args.json {
            println!("{}", serde_json::to_string(&step)?);
        } else {
            print_step(&step, &event, &before);
        }
    }
    let state = d.state();
    if args.json {
        println!(
            "{}",
            json!({"summary": state, "undelivered": d.undelivered().len()})
        );
    } else {
        println!(
            "summary: {}; {} notice(s), {} undelivered",
            summary(&state),
            d.notices().len(),
            d.undelivered().len()
        );
    }
    Ok(exit_for(&state))
}

fn summary(s: &DeploymentState) -> String {
    let mut out = format!(
        "{} {} in phase {} (attempt {}), {}% of traffic",
        s.service, s.status, s.phase, s.attempt, s.weight
    );
    if let Some(r) = &s.rollback {
        out.push_str(&format!(
            ", rolled back at t={} ({}: {})",
            r.t,
            r.cause,
            r.reasons.join(", ")
        ));
    }
    if !s.redeploy_needs.is_empty() {
        out.push_str(&format!(
            ", a redeploy needs {}",
            s.redeploy_needs.join(" and ")
        ));
    }
    out
}

/// Validates a deployment plan file and lists its phases.
pub(crate) fn cmd_plan_check(file: &Path) -> Result<u8, Fail> {
    let plan = load_plan(Some(file))?;
    println!(
        "{}: ok ({} phases, strategy {})",
        file.display(),
        plan.phases.len(),
        plan.strategy
    );
    for p in &plan.phases {
        println!(
            "  {:<16} {:<7} health levels 1-{}  {} technical, {} liberation check(s) (+{} shared)",
            p.name,
            p.kind.as_str(),
            p.health_level,
            p.technical.len(),
            p.liberation.len(),
            plan.shared_liberation().len()
        );
    }
    Ok(EXIT_OK)
}

/// Evaluates a status file against a health model (SPEC §11); exits as the gate's action.
pub(crate) fn cmd_health(model: Option<&Path>, status: &Path, json: bool) -> Result<u8, Fail> {
    let model = load_health(model)?;
    let value: serde_json::Value = serde_json::from_str(&read(status)?)
        .map_err(|e| Fail(format!("{}: not JSON: {e}", status.display())))?;
    let r = model
        .evaluate_value(&value)
        .map_err(|e| file_error(status, &e.into()))?;
    if json {
        println!("{}", serde_json::to_string(&r)?);
    } else {
        for l in &r.levels {
            println!(
                "L{} {:<16} {}",
                l.level.number(),
                l.level.name(),
                l.status.as_str()
            );
        }
        println!("overall {} -> {}", r.overall.as_str(), r.action.as_str());
        if !r.failing.is_empty() {
            println!("failing: {}", r.failing.join(", "));
        }
    }
    Ok(crate::exit_for_action(r.action))
}

/// Lists the notices a store holds that were not delivered yet.
pub(crate) fn cmd_notifications(url: &str, service: Option<&str>, json: bool) -> Result<u8, Fail> {
    let mut s = store::open_existing(url).map_err(|e| store_fail(url, e))?;
    let pending =
        deployment::undelivered_in(s.as_mut(), service).map_err(|e| store_fail(url, e))?;
    for n in &pending {
        if json {
            println!("{}", serde_json::to_string(n)?);
        } else {
            println!(
                "{} t={} [{} {}] to the {}: {}",
                n.id,
                n.t,
                n.kind.as_str(),
                n.severity.as_str(),
                n.audience,
                n.message
            );
        }
    }
    if !json {
        println!("{} undelivered notice(s)", pending.len());
    }
    Ok(EXIT_OK)
}
