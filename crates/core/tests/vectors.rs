//! Every shared conformance vector, run through the public Rust API, one test per family.

use liberation_gates::conformance::{run_file, CaseResult};
use std::path::PathBuf;

fn vectors(family: &str) -> Vec<CaseResult> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/vectors")
        .join(format!("{family}.json"));
    let cases = run_file(&path).unwrap_or_else(|e| panic!("{e}"));
    assert!(!cases.is_empty(), "{family}: no cases");
    cases
}

fn check(family: &str) {
    let cases = vectors(family);
    let failures: Vec<String> = cases
        .iter()
        .filter(|c| !c.passed)
        .map(|c| {
            format!(
                "{} / {}\n{}  expected {}\n  actual   {}",
                c.family, c.name, c.diff, c.expected, c.actual
            )
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} {family} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

macro_rules! family_tests {
    ($($name:ident),*) => { $( #[test] fn $name() { check(stringify!($name)); } )* };
}

family_tests!(
    split,
    threshold,
    window_rate,
    breaker,
    governance,
    flags,
    policy,
    rollout,
    bucket,
    payout_audit,
    health
);

#[test]
fn an_altered_vector_is_reported_as_failing() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors/split.json");
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["cases"][0]["expect"]["platform"] = serde_json::json!("25.01");
    let results = liberation_gates::conformance::run_document(&doc, "altered").unwrap();
    let failed: Vec<&CaseResult> = results.iter().filter(|c| !c.passed).collect();
    assert_eq!(failed.len(), 1);
    assert!(
        failed[0]
            .diff
            .contains("$.platform: expected \"25.01\", got \"25.00\""),
        "{}",
        failed[0].diff
    );
}
