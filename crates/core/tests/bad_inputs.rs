//! The shared bad-input corpus (`tests/bad-inputs/`): every file there is a bad policy,
//! observation file, simulation, ledger, proposal, plan, split or payout file, and
//! `cases.json` says the error family, kind and (for line-based files) the line that every
//! language must report. This is the Rust runner; Python, Node and WASM run the same cases
//! through their own public APIs.

use liberation_gates::deployment::{Deployment, Setup};
use liberation_gates::governance::ProposalFile;
use liberation_gates::ledger::Ledger;
use liberation_gates::plan::DeploymentPlan;
use liberation_gates::policy::{Format, Policy};
use liberation_gates::rollout::RolloutPlan;
use liberation_gates::{audit, simulate, Error};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    input: String,
    file: String,
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    split: Option<String>,
    family: String,
    kind: String,
    #[serde(default)]
    line: Option<usize>,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/bad-inputs")
}

fn read(name: &str) -> String {
    std::fs::read_to_string(root().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Feeds one case's file to the public API its input names; the error it must raise.
fn run(case: &Case) -> Result<(), Error> {
    let text = read(&case.file);
    let format =
        || -> Result<Format, Error> { Ok(case.format.as_deref().unwrap_or("json").parse()?) };
    match case.input.as_str() {
        "policy" => Policy::parse(&text, format()?)
            .map(drop)
            .map_err(Error::from),
        "rollout_plan" => RolloutPlan::parse(&text, format()?)
            .map(drop)
            .map_err(Error::from),
        "deployment_plan" => DeploymentPlan::parse(&text, format()?)
            .map(drop)
            .map_err(Error::from),
        "observations" => {
            simulate::observe_jsonl(&mut Policy::builtin().evaluator(), &text).map(drop)
        }
        "simulation" => {
            simulate::run_text(&text, Policy::builtin(), RolloutPlan::default(), None).map(drop)
        }
        "ledger" => Ledger::from_jsonl(&text).map(drop),
        "proposal" => ProposalFile::parse(&text)
            .and_then(|f| f.read())
            .map(drop)
            .map_err(Error::from),
        "split_terms" => audit::audit_files(&text, "").map(drop),
        "payouts" => {
            let terms = read(
                case.split
                    .as_deref()
                    .expect("a payouts case names its split"),
            );
            audit::audit_files(&terms, &text).map(drop)
        }
        "deployment_events" => Setup::builtin("events")
            .and_then(|s| Deployment::new(s).apply_jsonl(&text))
            .map(drop),
        other => panic!("{}: unknown input {other:?}", case.name),
    }
}

#[test]
fn every_bad_input_gets_its_kind_and_line() {
    let cases: Vec<Case> = serde_json::from_str(&read("cases.json")).expect("cases.json");
    assert!(cases.len() >= 40, "the corpus has {} cases", cases.len());
    let mut wrong = Vec::new();
    for case in &cases {
        match run(case) {
            Ok(()) => wrong.push(format!("{}: accepted", case.name)),
            Err(e) => {
                let got = (e.family(), e.kind(), e.line());
                let want = (case.family.as_str(), case.kind.as_str(), case.line);
                if got != want {
                    wrong.push(format!("{}: got {got:?}, want {want:?} ({e})", case.name));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_file_of_the_corpus_is_a_case() {
    let cases: Vec<Case> = serde_json::from_str(&read("cases.json")).expect("cases.json");
    let named: std::collections::HashSet<&str> = cases
        .iter()
        .flat_map(|c| std::iter::once(c.file.as_str()).chain(c.split.as_deref()))
        .collect();
    for dir in std::fs::read_dir(root()).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().path();
            let rel = f
                .strip_prefix(root())
                .unwrap()
                .to_string_lossy()
                .into_owned();
            assert!(
                named.contains(rel.as_str()),
                "{rel} is in no case of cases.json"
            );
        }
    }
}
