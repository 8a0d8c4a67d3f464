//! `liberation-gates`: the rules of liberation-gates from the command line and in CI.
//!
//! Exit codes: 0 proceed / completed / passed; 1 tests or vectors failed; 2 usage or input
//! error; 3 the last decision is a rollback; 4 hold, consult, paused, awaiting approval (or a
//! proposal that is open or did not pass).

mod deploy;

use clap::{Parser, Subcommand, ValueEnum};
use liberation_gates::audit;
use liberation_gates::bucket;
use liberation_gates::conformance;
use liberation_gates::error::GovernanceError;
use liberation_gates::governance::{FileReading, ProposalFile, ProposalStatus};
use liberation_gates::ledger::{Ledger, Period};
use liberation_gates::metrics::Metrics;
use liberation_gates::policy::{Action, Format, Policy, PolicyDecision};
use liberation_gates::policytest::PolicyTest;
use liberation_gates::rollout::{RolloutPlan, RolloutStatus};
use liberation_gates::schema::{json_schema, SchemaKind};
use liberation_gates::simulate;
use liberation_gates::split::{split, CreatorInput, SplitInput};
use liberation_gates::store::{self, DurableLedger};
use liberation_gates::unleash;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const EXIT_OK: u8 = 0;
const EXIT_FAILED: u8 = 1;
const EXIT_INPUT: u8 = 2;
const EXIT_ROLLBACK: u8 = 3;
const EXIT_HOLD: u8 = 4;

#[derive(Parser)]
#[command(
    name = "liberation-gates",
    version,
    about = "Deployment gates, the 75% creator split, circuit breakers and community governance: the same rules in every language."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run conformance vector files (or folders of them) through the public Rust API.
    Conformance {
        /// Files or folders (default: tests/vectors).
        paths: Vec<PathBuf>,
        /// One JSON object per failing case, then a summary object.
        #[arg(long)]
        json: bool,
    },
    /// Print or check policy files.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
    /// Evaluate observations (JSON lines) with a policy; one decision per observation.
    Evaluate {
        /// Policy file (.toml, .yaml, .json); default: the built-in policy.
        #[arg(long)]
        policy: Option<PathBuf>,
        /// Observation file: JSON lines {"t", "metrics", "checks"} (a simulation also takes approvals and consultation answers).
        observations: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Simulate a progressive canary rollout driven by the policy's decisions.
    Simulate {
        /// Policy file (.toml, .yaml, .json); default: the built-in policy.
        #[arg(long)]
        policy: Option<PathBuf>,
        /// Rollout plan: a JSON/TOML/YAML file with `steps = [{weight, bake_seconds, approval}]`.
        #[arg(long)]
        plan: Option<PathBuf>,
        /// When the rollout starts (default: the first line's t).
        #[arg(long)]
        started_at: Option<f64>,
        /// Also keep each decision (stream "decisions") and the final rollout state (state
        /// "rollout/RUN") in this store.
        #[arg(long)]
        store: Option<String>,
        /// The run's name in the store (default: the observation file's name).
        #[arg(long, requires = "store")]
        run: Option<String>,
        /// Print every line; by default the text output shows the lines where the status,
        /// step or decision changes, with their notifications, and every approval,
        /// community answer and ramp step (--json always prints every line).
        #[arg(long)]
        all: bool,
        /// Observation file: JSON lines {"t", "metrics", "checks"} (a simulation also takes approvals and consultation answers).
        observations: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Simulate a canary rollout (as `simulate`) and print the Prometheus exposition at the
    /// end (OpenMetrics text): decisions by action, severity and rule, the rollout's status
    /// and weight, and the liberation rules' status and values.
    Metrics {
        /// Policy file (.toml, .yaml, .json); default: the built-in policy.
        #[arg(long)]
        policy: Option<PathBuf>,
        /// Rollout plan file; default: the built-in plan.
        #[arg(long)]
        plan: Option<PathBuf>,
        /// The service and rollout label (default: the observation file's name).
        #[arg(long)]
        service: Option<String>,
        /// Observation file: JSON lines {"t", "metrics", "checks"} (approvals and consultation answers too).
        observations: PathBuf,
        /// Print Prometheus' classic text format (0.0.4, what `promtool check metrics` reads)
        /// instead of OpenMetrics.
        #[arg(long)]
        text: bool,
    },
    /// Run files of Unleash's client specification through the Unleash evaluator: one line
    /// per failing test, then `N passed, M failed` (exit 1 on any failure).
    UnleashSpec {
        /// Spec files, or index.json files listing them (default:
        /// tests/external/unleash/index.json).
        files: Vec<PathBuf>,
    },
    /// Run policy unit tests (promtool style): series in, expected decisions out.
    Test {
        /// Policy test files (YAML, TOML or JSON), as in examples/policy-tests.
        files: Vec<PathBuf>,
    },
    /// Split a payment: creators keep at least 75%.
    Split {
        /// The payment, a decimal string in major units (e.g. 100.00).
        #[arg(long)]
        gross: String,
        /// ISO 4217 currency code (GBP, EUR, JPY, KWD, ...).
        #[arg(long)]
        currency: String,
        /// A creator as ID=WEIGHT (repeat for several).
        #[arg(long = "creator", required = true)]
        creators: Vec<String>,
        /// The creators' share (default 0.75; never below).
        #[arg(long)]
        share: Option<String>,
        /// The processor's fee, a decimal string in major units.
        #[arg(long)]
        fee: Option<String>,
        /// Who pays the fee: platform (default) or before_split (off the top).
        #[arg(long, value_parser = ["platform", "before_split"])]
        fee_mode: Option<String>,
        /// Cash step in major units (e.g. 0.05 for CHF cash).
        #[arg(long)]
        step: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// The transparency report of a ledger (JSON lines of splits and refunds).
    ///
    /// With `--store`, the ledger's lines are first added to the store (lines it already has
    /// are skipped), and the report is of everything the store holds; without a file, of the
    /// store alone.
    Report {
        /// Ledger file: JSON lines of split, refund and payout records.
        #[arg(required_unless_present = "store")]
        ledger: Option<PathBuf>,
        /// A durable store: sqlite:PATH or postgres://USER@HOST:PORT/DB.
        #[arg(long)]
        store: Option<String>,
        /// Print JSON instead of text.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// Print CSV instead of text.
        #[arg(long)]
        csv: bool,
        /// Group the rows by day, month or all.
        #[arg(long, value_enum, default_value = "all")]
        period: PeriodArg,
    },
    /// Audit payouts made elsewhere against the split that says what creators are owed.
    ///
    /// Exits 0 when every creator was paid at least what the split says and the floor held,
    /// 1 when there is a shortfall or the floor broke, 2 on bad input.
    Audit {
        /// The split's terms as JSON: {"gross", "currency", "creators": [{"id", "weight"}],
        /// "creator_share"?, "fee"?, "fee_mode"?}.
        #[arg(long)]
        split: PathBuf,
        /// The payouts as JSON lines, one {"id", "amount"} per line.
        #[arg(long)]
        paid: PathBuf,
        /// Print the audit as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// The Unleash-compatible bucket (1..=modulus) of a user in a group.
    Bucket {
        /// The group (a flag's key) the user is bucketed in.
        #[arg(long)]
        group: String,
        /// The user's id.
        #[arg(long)]
        id: String,
        /// Number of buckets (100: a percentage).
        #[arg(long, default_value_t = 100)]
        modulus: u32,
        /// The murmur3 seed (0, as Unleash uses).
        #[arg(long, default_value_t = 0)]
        seed: u32,
    },
    /// Tally a proposal file and print its status.
    Vote {
        /// Proposal file (JSON): electorate, quorum, pass_threshold, opens_at, closes_at, votes and now.
        proposal: PathBuf,
        /// Also keep the votes and the decision in this store (stream "governance").
        #[arg(long)]
        store: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Check or fill a durable store.
    Store {
        #[command(subcommand)]
        command: StoreCommand,
    },
    /// Run the six-phase deployment over an events file, printing each phase, decision and
    /// notice (see docs/deploy.md for the line types). With --store the deployment is kept
    /// there and resumed on the next run; lines at or before the stored deployment's last
    /// time are skipped. Exit 0 completed or moving on, 3 rolled back, 4 waiting for the
    /// community or for data, 2 bad input (a forged decision included).
    Deploy {
        /// Deployment plan file (.toml, .yaml, .json); default: the built-in six phases.
        #[arg(long)]
        plan: Option<PathBuf>,
        /// Policy file; default: the built-in policy.
        #[arg(long)]
        policy: Option<PathBuf>,
        /// Health model file ({checks: [{name, level, critical?}]}); default: the built-in.
        #[arg(long)]
        health: Option<PathBuf>,
        /// The service deployed (decisions name it: deploy:SERVICE, redeploy:SERVICE).
        #[arg(long, default_value = "service")]
        service: String,
        /// A durable store: sqlite:PATH or postgres://USER@HOST:PORT/DB.
        #[arg(long)]
        store: Option<String>,
        /// Events: JSON lines of observations, health statuses, proposals, votes, approvals,
        /// consultation answers, community rollbacks, staging re-tests and redeploys.
        events: PathBuf,
        /// One JSON object per event, then a summary object.
        #[arg(long)]
        json: bool,
    },
    /// Check deployment plan files, or print the JSON Schema of plan files.
    Plan {
        #[command(subcommand)]
        command: PlanCommand,
    },
    /// Evaluate a status file ({check: "up" | "degraded" | "down" | null}) against a health
    /// model (SPEC §11). Exits as the gate's action: 0 proceed or alert, 3 rollback, 4 hold.
    Health {
        /// Health model file; default: the built-in model.
        #[arg(long)]
        model: Option<PathBuf>,
        /// The status file (JSON).
        status: PathBuf,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the deployment notices a store holds that were not delivered yet.
    Notifications {
        /// sqlite:PATH or postgres://USER@HOST:PORT/DB.
        #[arg(long)]
        store: String,
        /// Only this service's notices.
        #[arg(long)]
        service: Option<String>,
        /// One JSON object per notice.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum PlanCommand {
    /// Validate a deployment plan file and list its phases.
    Check {
        /// The plan file (.toml, .yaml or .json).
        file: PathBuf,
    },
    /// Print the JSON Schema of deployment plan files (with --rollout: of rollout plan
    /// files), for editors and validators.
    Schema {
        /// The schema of rollout plan files (a canary's steps) instead.
        #[arg(long)]
        rollout: bool,
    },
}

#[derive(Subcommand)]
enum StoreCommand {
    /// Recompute the checksum chain of a store; prints the number of records.
    Verify {
        /// sqlite:PATH or postgres://USER@HOST:PORT/DB.
        #[arg(long)]
        store: String,
    },
    /// Append the JSON lines of a file to a stream (each line an object with a string "id").
    /// Lines the stream already has are skipped; the "ledger" stream takes ledger lines and
    /// checks them as `report` does.
    Load {
        /// A durable store: sqlite:PATH or postgres://USER@HOST:PORT/DB.
        #[arg(long)]
        store: String,
        /// The stream's name (e.g. ledger, decisions, governance).
        #[arg(long)]
        stream: String,
        /// A JSON-lines file, one record per line.
        file: PathBuf,
    },
    /// Print a stream's records as JSON lines (seq, stream, id, body, checksum).
    Dump {
        /// A durable store: sqlite:PATH or postgres://USER@HOST:PORT/DB.
        #[arg(long)]
        store: String,
        /// The stream's name (e.g. ledger, decisions, governance).
        #[arg(long)]
        stream: Option<String>,
    },
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// Print the built-in policy.
    Default {
        /// Output format.
        #[arg(long, value_enum, default_value = "toml")]
        format: FormatArg,
    },
    /// Validate a policy file; errors name the rule and the field.
    Check {
        /// The policy file (.toml, .yaml or .json).
        file: PathBuf,
    },
    /// Print the JSON Schema of policy files, for editors and validators.
    Schema,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Toml,
    Yaml,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum PeriodArg {
    Day,
    Month,
    All,
}

/// An input or usage error: printed as `error: ...`, exit 2.
struct Fail(String);

impl<E: std::fmt::Display> From<E> for Fail {
    fn from(e: E) -> Self {
        Fail(e.to_string())
    }
}

fn main() -> ExitCode {
    // Piped into `head`, stop quietly when the reader goes away, as other Unix tools do,
    // rather than panicking on a failed write.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(Fail(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(EXIT_INPUT)
        }
    }
}

fn run(cmd: Command) -> Result<u8, Fail> {
    match cmd {
        Command::Conformance { paths, json } => cmd_conformance(paths, json),
        Command::Policy {
            command: PolicyCommand::Default { format },
        } => {
            print!("{}", Policy::builtin().to_string_as(format_of(format))?);
            Ok(EXIT_OK)
        }
        Command::Policy {
            command: PolicyCommand::Schema,
        } => print_schema(SchemaKind::Policy),
        Command::Policy {
            command: PolicyCommand::Check { file },
        } => {
            let p = Policy::from_path(&file)?;
            println!("{}: ok ({} rules)", file.display(), p.rules().len());
            Ok(EXIT_OK)
        }
        Command::Evaluate {
            policy,
            observations,
            json,
        } => cmd_evaluate(policy, &observations, json),
        Command::Simulate {
            policy,
            plan,
            started_at,
            store,
            run,
            all,
            observations,
            json,
        } => cmd_simulate(
            policy,
            plan,
            started_at,
            store,
            run,
            &observations,
            Output { json, all },
        ),
        Command::Metrics {
            policy,
            plan,
            service,
            observations,
            text,
        } => cmd_metrics(policy, plan, service, &observations, text),
        Command::UnleashSpec { files } => cmd_unleash_spec(files),
        Command::Test { files } => cmd_test(files),
        Command::Split {
            gross,
            currency,
            creators,
            share,
            fee,
            fee_mode,
            step,
            json,
        } => cmd_split(gross, currency, creators, share, fee, fee_mode, step, json),
        Command::Report {
            ledger,
            store,
            json,
            csv,
            period,
        } => cmd_report(ledger.as_deref(), store, json, csv, period),
        Command::Audit { split, paid, json } => cmd_audit(&split, &paid, json),
        Command::Bucket {
            group,
            id,
            modulus,
            seed,
        } => {
            println!("{}", bucket::bucket(&id, &group, modulus, seed)?);
            Ok(EXIT_OK)
        }
        Command::Vote {
            proposal,
            store,
            json,
        } => cmd_vote(&proposal, store, json),
        Command::Store { command } => cmd_store(command),
        Command::Deploy {
            plan,
            policy,
            health,
            service,
            store,
            events,
            json,
        } => deploy::cmd_deploy(
            deploy::DeployArgs {
                plan,
                policy,
                health,
                service,
                store,
                json,
            },
            &events,
        ),
        Command::Plan {
            command: PlanCommand::Check { file },
        } => deploy::cmd_plan_check(&file),
        Command::Plan {
            command: PlanCommand::Schema { rollout },
        } => print_schema(match rollout {
            true => SchemaKind::RolloutPlan,
            false => SchemaKind::Plan,
        }),
        Command::Health {
            model,
            status,
            json,
        } => deploy::cmd_health(model.as_deref(), &status, json),
        Command::Notifications {
            store,
            service,
            json,
        } => deploy::cmd_notifications(&store, service.as_deref(), json),
    }
}

fn format_of(f: FormatArg) -> Format {
    match f {
        FormatArg::Toml => Format::Toml,
        FormatArg::Yaml => Format::Yaml,
        FormatArg::Json => Format::Json,
    }
}

fn read(path: &Path) -> Result<String, Fail> {
    std::fs::read_to_string(path).map_err(|e| Fail(format!("{}: {e}", path.display())))
}

/// An observation or simulation file read one line at a time (constant memory: a file of a
/// million lines is never held whole), each line's error naming the file and line.
fn input_lines(
    path: &Path,
) -> Result<impl Iterator<Item = Result<(usize, simulate::Input), Fail>> + '_, Fail> {
    let file = std::fs::File::open(path).map_err(|e| Fail(format!("{}: {e}", path.display())))?;
    Ok(simulate::read_lines(std::io::BufReader::new(file))
        .map(move |r| r.map_err(|(n, e)| Fail(format!("{}:{n}: {e}", path.display())))))
}

fn load_policy(path: Option<PathBuf>) -> Result<Policy, Fail> {
    Ok(match path {
        Some(p) => Policy::from_path(p)?,
        None => Policy::builtin(),
    })
}

fn cmd_conformance(paths: Vec<PathBuf>, json: bool) -> Result<u8, Fail> {
    let paths = if paths.is_empty() {
        vec![PathBuf::from("tests/vectors")]
    } else {
        paths
    };
    let report = conformance::run_paths(&paths).map_err(Fail)?;
    for c in report.failures() {
        if json {
            println!(
                "{}",
                json!({"file": c.file, "family": c.family, "name": c.name, "diff": c.diff, "expected": c.expected, "actual": c.actual})
            );
        } else {
            println!("FAIL {} :: {}", c.family, c.name);
            for line in c.diff.lines() {
                println!("    {line}");
            }
        }
    }
    if json {
        println!(
            "{}",
            json!({"passed": report.passed(), "failed": report.failed()})
        );
    }
    println!("{} passed, {} failed", report.passed(), report.failed());
    Ok(if report.failed() == 0 {
        EXIT_OK
    } else {
        EXIT_FAILED
    })
}

fn decision_json(d: &PolicyDecision) -> serde_json::Value {
    let mut v = json!({"t": d.t, "action": d.action, "severity": d.severity, "reasons": d.reasons});
    if let Some(n) = &d.notification {
        v["notification"] = json!(n);
    }
    v
}

fn exit_for_action(a: Action) -> u8 {
    match a {
        Action::Rollback | Action::GentleRollback => EXIT_ROLLBACK,
        Action::Hold | Action::Consult => EXIT_HOLD,
        Action::Proceed | Action::Alert => EXIT_OK,
    }
}

fn cmd_evaluate(policy: Option<PathBuf>, path: &Path, json: bool) -> Result<u8, Fail> {
    let policy = load_policy(policy)?;
    let mut eval = policy.evaluator();
    let mut last = Action::Proceed;
    for line in input_lines(path)? {
        let (n, input) = line?;
        let obs = match input {
            simulate::Input::Observe(o) => o,
            simulate::Input::Approve { t, step } => {
                if !json {
                    println!("t={t:<10} (approval of step {step}: rollout only, not evaluated)");
                }
                continue;
            }
            simulate::Input::Consulted { t, outcome } => {
                if !json {
                    println!(
                        "t={t:<10} (community answered {outcome}: rollout only, not evaluated)"
                    );
                }
                continue;
            }
        };
        let d = eval
            .observe(&obs)
            .map_err(|e| Fail(format!("{}:{n}: {e}", path.display())))?;
        if json {
            println!("{}", decision_json(&d));
        } else {
            println!(
                "t={:<10} {:<16} {:<9} {}",
                d.t,
                d.action.as_str(),
                d.severity.as_str(),
                d.reasons.join(", ")
            );
            if let Some(note) = &d.notification {
                println!("{:13}notify {}: {}", "", note.audience, note.message);
            }
        }
        last = d.action;
    }
    Ok(exit_for_action(last))
}

fn load_plan(path: Option<PathBuf>) -> Result<RolloutPlan, Fail> {
    let Some(path) = path else {
        return Ok(RolloutPlan::default());
    };
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    RolloutPlan::parse(&read(&path)?, ext.parse()?)
        .map_err(|e| file_error(&path, &liberation_gates::Error::from(e)))
}

/// How `simulate` prints: JSON lines, or text with every line or only the changes.
struct Output {
    json: bool,
    all: bool,
}

fn cmd_simulate(
    policy: Option<PathBuf>,
    plan: Option<PathBuf>,
    started_at: Option<f64>,
    store: Option<String>,
    run: Option<String>,
    path: &Path,
    out: Output,
) -> Result<u8, Fail> {
    let json = out.json;
    let mut kept = match &store {
        Some(url) => Some((
            url.clone(),
            store::open(url).map_err(|e| store_fail(url, e))?,
        )),
        None => None,
    };
    let run = run.unwrap_or_else(|| {
        path.file_stem()
            .map_or("simulation".into(), |s| s.to_string_lossy().into_owned())
    });
    let policy = load_policy(policy)?;
    let plan = load_plan(plan)?;
    let file = std::fs::File::open(path).map_err(|e| Fail(format!("{}: {e}", path.display())))?;
    let mut sim = simulate::Run::new(std::io::BufReader::new(file), policy, plan, started_at);
    if !json {
        println!(
            "{:>10}  {:>4}  {:>6}  {:<18} decision",
            "t", "step", "weight", "status"
        );
    }
    // What the last printed line said, so unchanged observations can be left out.
    let mut shown: Option<(liberation_gates::rollout::RolloutState, String)> = None;
    for step in sim.by_ref() {
        let (_, st) = step.map_err(|e| file_error(path, &e))?;
        let line = || {
            let mut v = json!({"t": st.t, "step": st.state.step, "weight": st.state.weight, "status": st.state.status});
            if let Some(d) = &st.decision {
                v["decision"] = decision_json(d);
            }
            if let Some(a) = st.approved {
                v["approved"] = json!(a);
            }
            if let Some(c) = st.consulted {
                v["consulted"] = json!(c);
            }
            if !st.ramp.is_empty() {
                v["ramp"] = json!(st.ramp);
            }
            v
        };
        if let Some((url, s)) = &mut kept {
            // One record per observation, named by the run and its time: a rerun of the same
            // file adds nothing, a different decision at a stored time is refused.
            store::append_once(
                s.as_mut(),
                "decisions",
                &format!("{run}/t={}", st.t),
                &line().to_string(),
            )
            .map_err(|e| store_fail(url, e))?;
        }
        if json {
            println!("{}", line());
        } else {
            // A gentle ramp moves with time: print each step it took, at the time it was due,
            // before the line that caught up with it.
            for r in &st.ramp {
                let what = if r.status == RolloutStatus::RolledBack {
                    "gentle ramp: rolled back".to_string()
                } else {
                    format!("gentle ramp: down to step {} ({}%)", r.step, r.weight)
                };
                println!(
                    "{:>10}  {:>4}  {:>5}%  {:<18} {}",
                    r.t,
                    r.step,
                    r.weight,
                    r.status.as_str(),
                    what
                );
            }
            let what = match (&st.decision, st.approved, st.consulted) {
                (Some(d), _, _) if d.reasons.is_empty() => d.action.to_string(),
                (Some(d), _, _) => format!(
                    "{} [{}] ({})",
                    d.action,
                    d.severity.as_str(),
                    d.reasons.join(", ")
                ),
                (None, Some(a), _) => format!("approval of step {a}"),
                (None, None, Some(c)) => format!("community answered: {c}"),
                (None, None, None) => String::new(),
            };
            let now = (st.state, what.clone());
            let event = st.decision.is_none() || !st.ramp.is_empty();
            if out.all || event || shown.as_ref() != Some(&now) {
                println!(
                    "{:>10}  {:>4}  {:>5}%  {:<18} {}",
                    st.t,
                    st.state.step,
                    st.state.weight,
                    st.state.status.as_str(),
                    what
                );
                if let Some(note) = st.decision.as_ref().and_then(|d| d.notification.as_ref()) {
                    println!(
                        "{:>10}  notice to the {} [{}]: {}",
                        "",
                        note.audience,
                        note.severity.as_str(),
                        note.message
                    );
                }
            }
            shown = Some(now);
        }
    }
    let state = sim.state();
    if let Some((url, s)) = &mut kept {
        let v = json!({"status": state.status, "step": state.step, "weight": state.weight});
        s.put_state(&format!("rollout/{run}"), &v.to_string())
            .map_err(|e| store_fail(url, e))?;
    }
    let s = sim.summary();
    if json {
        println!(
            "{}",
            json!({"summary": {"status": state.status, "step": state.step, "weight": state.weight, "observations": s.observations, "approvals": s.approvals, "pauses": s.pauses, "alerts": s.alerts, "consultations": s.consultations, "answers": s.answers, "ramp_steps": s.ramp_steps}})
        );
    } else {
        println!(
            "summary: {} at step {} ({}% of traffic) after {} observations, {} approvals, {} pause(s), {} alert(s), {} consultation(s), {} community answer(s), {} ramp step(s)",
            state.status, state.step, state.weight, s.observations, s.approvals, s.pauses, s.alerts, s.consultations, s.answers, s.ramp_steps
        );
    }
    Ok(match state.status {
        RolloutStatus::Completed | RolloutStatus::Progressing => EXIT_OK,
        RolloutStatus::RolledBack | RolloutStatus::RampingDown => EXIT_ROLLBACK,
        RolloutStatus::Paused | RolloutStatus::AwaitingApproval | RolloutStatus::Consulting => {
            EXIT_HOLD
        }
    })
}

fn cmd_metrics(
    policy: Option<PathBuf>,
    plan: Option<PathBuf>,
    service: Option<String>,
    path: &Path,
    text: bool,
) -> Result<u8, Fail> {
    let service = service.unwrap_or_else(|| {
        path.file_stem()
            .map_or("simulation".into(), |s| s.to_string_lossy().into_owned())
    });
    let policy = load_policy(policy)?;
    let plan = load_plan(plan)?;
    let metrics = Metrics::new();
    let mut sim: Option<simulate::Simulation> = None;
    for line in input_lines(path)? {
        let (n, input) = line?;
        let sim = sim.get_or_insert_with(|| {
            simulate::Simulation::new(policy.clone(), plan.clone(), input.t())
        });
        let st = sim
            .step(&input)
            .map_err(|e| file_error(path, &e.at_line(n)))?;
        if let (simulate::Input::Observe(o), Some(d)) = (&input, &st.decision) {
            metrics.record_decision(&service, &policy, o, d);
        }
        metrics.set_rollout(&service, &st.state);
    }
    match text {
        true => print!("{}", metrics.encode_text()),
        false => print!("{}", metrics.encode()),
    }
    Ok(EXIT_OK)
}

fn cmd_unleash_spec(files: Vec<PathBuf>) -> Result<u8, Fail> {
    let files = match files.is_empty() {
        true => vec![PathBuf::from("tests/external/unleash/index.json")],
        false => files,
    };
    let mut specs = Vec::new();
    for f in files {
        // An index.json lists the files beside it.
        if f.file_name().is_some_and(|n| n == "index.json") {
            let names: Vec<String> = serde_json::from_str(&read(&f)?)
                .map_err(|e| Fail(format!("{}: {e}", f.display())))?;
            let dir = f.parent().unwrap_or(Path::new("."));
            specs.extend(names.iter().map(|n| dir.join(n)));
        } else {
            specs.push(f);
        }
    }
    let (mut passed, mut failed) = (0, 0);
    for f in &specs {
        let outcome = unleash::run_spec(&read(f)?).map_err(|e| file_error(f, &e.into()))?;
        passed += outcome.passed;
        failed += outcome.failures.len();
        let name = f.file_name().unwrap_or_default().to_string_lossy();
        for line in outcome.failures {
            println!("FAIL {name}: {line}");
        }
    }
    println!("{passed} passed, {failed} failed");
    Ok(if failed == 0 { EXIT_OK } else { EXIT_FAILED })
}

fn cmd_test(files: Vec<PathBuf>) -> Result<u8, Fail> {
    if files.is_empty() {
        return Err(Fail("give at least one test file".into()));
    }
    let (mut passed, mut failed) = (0usize, 0usize);
    for f in files {
        let ext = f.extension().and_then(|e| e.to_str()).unwrap_or("");
        let test = PolicyTest::parse(&read(&f)?, ext.parse()?)
            .map_err(|e| Fail(format!("{}: {e}", f.display())))?;
        let policy = match &test.policy {
            Some(p) => Policy::from_path(f.parent().unwrap_or(Path::new(".")).join(p))?,
            None => Policy::builtin(),
        };
        let out = test
            .run(&policy)
            .map_err(|e| Fail(format!("{}: {e}", f.display())))?;
        let label = if out.name.is_empty() {
            f.display().to_string()
        } else {
            format!("{} ({})", f.display(), out.name)
        };
        if out.mismatches.is_empty() {
            println!("ok   {label}: {} expectations", out.checked);
            passed += 1;
        } else {
            println!("FAIL {label}");
            for m in &out.mismatches {
                println!(
                    "    at t={}:\n      - expected: {}\n      + actual:   {}",
                    m.at, m.expected, m.actual
                );
            }
            failed += 1;
        }
    }
    println!("{passed} passed, {failed} failed");
    Ok(if failed == 0 { EXIT_OK } else { EXIT_FAILED })
}

#[allow(clippy::too_many_arguments)]
fn cmd_split(
    gross: String,
    currency: String,
    creators: Vec<String>,
    share: Option<String>,
    fee: Option<String>,
    fee_mode: Option<String>,
    step: Option<String>,
    json: bool,
) -> Result<u8, Fail> {
    let creators = creators
        .iter()
        .map(|c| {
            c.split_once('=')
                .map(|(id, w)| CreatorInput {
                    id: id.to_string(),
                    weight: w.to_string(),
                })
                .ok_or_else(|| Fail(format!("--creator {c:?}: expected ID=WEIGHT, e.g. alice=3")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let input = SplitInput {
        gross,
        currency,
        creators,
        creator_share: share,
        fee,
        fee_mode,
        step,
    };
    let s = split(&input).map_err(|e| Fail(format!("{}: {}", e.kind(), e.message())))?;
    if json {
        println!("{}", s.to_json());
    } else {
        let c = s.currency.code();
        println!("gross          {} {c}", s.gross);
        for p in &s.creators {
            println!("  creator {:<14} {} {c}", p.id, p.amount);
        }
        println!(
            "creators total {} {c}  (share {}, pool rounded up; {})",
            s.creator_total,
            s.creator_share,
            s.method.as_str()
        );
        println!("platform       {} {c}", s.platform);
        println!("fee            {} {c}  ({})", s.fee, s.fee_mode.as_str());
    }
    Ok(EXIT_OK)
}

/// Prints the JSON Schema of `kind` files (pretty, as the packages ship it).
fn print_schema(kind: SchemaKind) -> Result<u8, Fail> {
    let text = serde_json::to_string_pretty(&json_schema(kind)).map_err(|e| Fail(e.to_string()))?;
    println!("{text}");
    Ok(EXIT_OK)
}

/// `FILE:LINE: kind: message` for an error found in a file.
fn file_error(path: &Path, e: &liberation_gates::error::Error) -> Fail {
    let at = e.line().map(|n| format!(":{n}")).unwrap_or_default();
    Fail(format!(
        "{}{at}: {}: {}",
        path.display(),
        e.kind(),
        e.without_line().message()
    ))
}

fn store_fail(url: &str, e: impl Into<liberation_gates::error::Error>) -> Fail {
    let e = e.into();
    Fail(format!(
        "store {}: {}: {}",
        store::redact(url),
        e.kind(),
        e.message()
    ))
}

/// Adds a ledger file's lines to a durable ledger (skipping lines it has); how many were new.
fn load_ledger_lines(d: &mut DurableLedger, path: &Path) -> Result<usize, Fail> {
    let file = std::fs::File::open(path).map_err(|e| Fail(format!("{}: {e}", path.display())))?;
    let mut added = 0;
    for line in liberation_gates::ledger::read_lines(std::io::BufReader::new(file)) {
        let (n, parsed) = line.map_err(|e| file_error(path, &e))?;
        if d.append_once(&parsed)
            .map_err(|e| file_error(path, &e.at_line(n)))?
        {
            added += 1;
        }
    }
    Ok(added)
}

fn cmd_report(
    path: Option<&Path>,
    store: Option<String>,
    json: bool,
    csv: bool,
    period: PeriodArg,
) -> Result<u8, Fail> {
    let durable;
    let from_file;
    let ledger = match (store, path) {
        (Some(url), path) => {
            // A report of the store alone needs no write access (auditors), and a missing
            // store is an error; loading a file into it writes.
            let opened = match path {
                Some(_) => store::open(&url),
                None => store::open_existing(&url),
            };
            let mut d = opened
                .map_err(liberation_gates::Error::from)
                .and_then(DurableLedger::from_store)
                .map_err(|e| store_fail(&url, e))?;
            if let Some(path) = path {
                let added = load_ledger_lines(&mut d, path)?;
                eprintln!(
                    "{}: {added} new line(s) added to {url} ({} in all)",
                    path.display(),
                    d.ledger().records().len()
                );
            }
            durable = d;
            durable.ledger()
        }
        (None, Some(path)) => {
            from_file = Ledger::from_jsonl(&read(path)?).map_err(|e| file_error(path, &e))?;
            &from_file
        }
        (None, None) => return Err(Fail("give a ledger file or --store".into())),
    };
    let period = match period {
        PeriodArg::Day => Period::Day,
        PeriodArg::Month => Period::Month,
        PeriodArg::All => Period::All,
    };
    let r = ledger.report(period);
    if json {
        println!("{}", serde_json::to_string(&r)?);
    } else if csv {
        print!("{}", r.to_csv());
    } else {
        for row in &r.rows {
            println!(
                "{} {}: {} transactions, {} refunds",
                row.period, row.currency, row.transactions, row.refunds
            );
            println!(
                "  gross {}  fees {}  refunded {}",
                row.gross, row.fees, row.refunded
            );
            println!(
                "  creators {}  platform {}  creator share {} = {}%  floor held: every transaction {}, overall {}",
                row.creator_total, row.platform_total, row.creator_share, row.creator_share_percent, yes(row.floor_held_every_transaction), yes(row.floor_held_overall)
            );
            match &row.paid {
                None => {
                    for (id, amount) in &row.creators {
                        println!("    {id:<16} {amount}");
                    }
                }
                Some(p) => {
                    println!(
                        "  paid {} of {} owed ({} payouts), shortfall {}, creator share paid {}, floor held when paid: {}",
                        p.paid_total,
                        p.owed_total,
                        p.payouts,
                        p.shortfall_total,
                        p.creator_share_paid.as_deref().unwrap_or("n/a"),
                        yes(p.floor_held)
                    );
                    println!(
                        "    {:<16} {:>14} {:>14} {:>14}",
                        "creator", "owed", "paid", "shortfall"
                    );
                    for (id, l) in &p.creators {
                        println!(
                            "    {id:<16} {:>14} {:>14} {:>14}",
                            l.owed, l.paid, l.shortfall
                        );
                    }
                }
            }
        }
        println!(
            "75% floor held throughout: {} (allocation: {})",
            yes(r.floor_held),
            r.allocation_method
        );
    }
    Ok(if r.floor_held { EXIT_OK } else { EXIT_FAILED })
}

fn cmd_audit(split_path: &Path, paid_path: &Path, json: bool) -> Result<u8, Fail> {
    let s = SplitInput::from_json(&read(split_path)?)
        .map_err(liberation_gates::Error::from)
        .and_then(|input| split(&input).map_err(liberation_gates::Error::from))
        .map_err(|e| file_error(split_path, &e))?;
    let a = audit::audit_text(&s, &read(paid_path)?).map_err(|e| file_error(paid_path, &e))?;
    if json {
        println!("{}", serde_json::to_string(&a)?);
    } else {
        let c = a.currency.code();
        println!(
            "{:<16} {:>16} {:>16} {:>16}",
            "creator", "owed", "paid", "shortfall"
        );
        for (e, p) in a.expected.iter().zip(&a.paid) {
            let short = a
                .shortfalls
                .iter()
                .find(|x| x.id == e.id)
                .map_or(String::new(), |x| x.amount.to_string());
            println!(
                "{:<16} {:>16} {:>16} {:>16}",
                e.id,
                e.amount.to_string(),
                p.amount.to_string(),
                short
            );
        }
        println!(
            "{:<16} {:>16} {:>16} {:>16}",
            "total",
            a.creator_total.to_string(),
            a.paid_total.to_string(),
            a.shortfall_total.to_string()
        );
        println!(
            "currency {c}; creator share paid {}; paid exactly as split: {}; floor held (paid ≥ base × creator share {}): {}",
            a.creator_share_paid.as_deref().unwrap_or("n/a (no base)"),
            yes(a.exact),
            a.creator_share,
            yes(a.floor_held)
        );
    }
    Ok(if a.shortfalls.is_empty() && a.floor_held {
        EXIT_OK
    } else {
        EXIT_FAILED
    })
}

fn yes(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "NO"
    }
}

fn cmd_vote(path: &Path, store: Option<String>, json: bool) -> Result<u8, Fail> {
    let fail = |e: GovernanceError| file_error(path, &e.into());
    let f = ProposalFile::parse(&read(path)?).map_err(fail)?;
    let FileReading {
        reading: r,
        decision,
    } = f.read().map_err(fail)?;
    if let Some(url) = store {
        let mut s = store::open(&url).map_err(|e| store_fail(&url, e))?;
        // The proposal is named by its subject, else by its file.
        let name = f.subject.clone().unwrap_or_else(|| {
            path.file_stem()
                .map_or("proposal".into(), |s| s.to_string_lossy().into_owned())
        });
        let refused: std::collections::HashMap<usize, &str> =
            r.refused.iter().map(|(i, e)| (*i, e.kind())).collect();
        for (i, v) in f.votes.iter().enumerate() {
            let body = json!({"proposal": name, "index": i, "vote": v, "refused": refused.get(&i)});
            store::append_once(
                s.as_mut(),
                "governance",
                &format!("{name}/vote/{i}"),
                &body.to_string(),
            )
            .map_err(|e| store_fail(&url, e))?;
        }
        let body = json!({"proposal": name, "now": f.now, "status": r.status, "yes": r.tally.yes, "no": r.tally.no, "abstain": r.tally.abstain, "subject": f.subject, "action": f.action});
        store::append_once(
            s.as_mut(),
            "governance",
            &format!("{name}/decision/{}", f.now),
            &body.to_string(),
        )
        .map_err(|e| store_fail(&url, e))?;
    }
    if json {
        let mut v = json!({"status": r.status, "yes": r.tally.yes, "no": r.tally.no, "abstain": r.tally.abstain,
            "refused": r.refused.iter().map(|(i, e)| json!({"index": i, "error": e.kind(), "message": e.message()})).collect::<Vec<_>>()});
        if let Some(d) = &decision {
            v["decision"] = json!(d);
        }
        println!("{v}");
    } else {
        println!("status: {}", r.status);
        println!(
            "yes {}  no {}  abstain {}",
            r.tally.yes, r.tally.no, r.tally.abstain
        );
        for (i, e) in &r.refused {
            println!("  vote {i} refused: {}: {}", e.kind(), e.message());
        }
        if let Some(d) = &decision {
            println!("decision: {} {}: {}", d.action, d.subject, d.status);
        }
    }
    Ok(if r.status == ProposalStatus::Passed {
        EXIT_OK
    } else {
        EXIT_HOLD
    })
}

fn cmd_store(command: StoreCommand) -> Result<u8, Fail> {
    match command {
        StoreCommand::Verify { store: url } => {
            // Read-only, and never creating: a mistyped path is an error, not an empty store.
            let mut s = store::open_existing(&url).map_err(|e| store_fail(&url, e))?;
            let n = s.verify().map_err(|e| store_fail(&url, e))?;
            println!(
                "{}: {n} records, checksum chain intact ({})",
                store::redact(&url),
                s.backend()
            );
            Ok(EXIT_OK)
        }
        StoreCommand::Load {
            store: url,
            stream,
            file,
        } => {
            if stream == store::LEDGER_STREAM {
                let mut d = DurableLedger::open(&url).map_err(|e| store_fail(&url, e))?;
                let added = load_ledger_lines(&mut d, &file)?;
                println!(
                    "{}: {added} new record(s) in {url} stream ledger",
                    file.display()
                );
                return Ok(EXIT_OK);
            }
            let mut s = store::open(&url).map_err(|e| store_fail(&url, e))?;
            let mut added = 0;
            for (i, line) in read(&file)?.lines().enumerate() {
                let line = line.trim();
                if line.is_empty() {
                    continue;
                }
                let v: serde_json::Value = serde_json::from_str(line)
                    .map_err(|e| Fail(format!("{}:{}: {e}", file.display(), i + 1)))?;
                let Some(id) = v.get("id").and_then(|id| id.as_str()) else {
                    return Err(Fail(format!(
                        "{}:{}: each line needs a string \"id\"",
                        file.display(),
                        i + 1
                    )));
                };
                if store::append_once(s.as_mut(), &stream, id, line).map_err(|e| {
                    Fail(format!(
                        "{}:{}: {}: {}",
                        file.display(),
                        i + 1,
                        e.kind(),
                        e.message()
                    ))
                })? {
                    added += 1;
                }
            }
            println!(
                "{}: {added} new record(s) in {url} stream {stream}",
                file.display()
            );
            Ok(EXIT_OK)
        }
        StoreCommand::Dump { store: url, stream } => {
            let mut s = store::open(&url).map_err(|e| store_fail(&url, e))?;
            for r in s
                .records(stream.as_deref())
                .map_err(|e| store_fail(&url, e))?
            {
                println!("{}", serde_json::to_string(&r)?);
            }
            Ok(EXIT_OK)
        }
    }
}
