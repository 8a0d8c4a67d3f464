//! The CLI as a user runs it: exit codes, output shapes and error messages.

mod common;
use std::path::PathBuf;
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_liberation-gates"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A file in this test process's temporary folder. Tests run in parallel: each needs its own
/// name (two tests writing one name made one read the file while the other truncated it).
fn tmp(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lg-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn conformance_passes_every_vector_and_counts_them() {
    let o = run(&["conformance"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let last = stdout(&o).lines().last().unwrap_or_default().to_string();
    let n: usize = last.split_whitespace().next().unwrap().parse().unwrap();
    assert!(n >= 466, "{last}");
    assert!(last.ends_with(" passed, 0 failed"), "{last}");
}

#[test]
fn conformance_names_an_altered_case_and_exits_1() {
    let text = std::fs::read_to_string(root().join("tests/vectors/rollout.json")).unwrap();
    let altered = text.replacen(
        "\"status\": \"awaiting_approval\"",
        "\"status\": \"completed\"",
        1,
    );
    assert_ne!(text, altered);
    let p = tmp("rollout.json", &altered);
    let o = run(&["conformance", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains(
            "FAIL rollout :: default plan: bake done at exactly 86400 s waits for approval"
        ),
        "{out}"
    );
    assert!(
        out.contains("expected \"completed\", got \"awaiting_approval\""),
        "{out}"
    );
    assert!(out.trim_end().ends_with("passed, 1 failed"), "{out}");
}

#[test]
fn evaluate_gives_each_story_its_decision() {
    for (file, code, last_action) in [
        ("examples/clean-rollout.jsonl", 0, "proceed"),
        ("examples/error-spike.jsonl", 3, "rollback"),
        ("examples/creator-share-dip.jsonl", 3, "rollback"),
        ("examples/participation-drop.jsonl", 0, "proceed"),
        ("examples/trauma-ux-failure.jsonl", 3, "gentle_rollback"),
    ] {
        let o = run(&["evaluate", "--json", file]);
        assert_eq!(o.status.code(), Some(code), "{file}: {}", stderr(&o));
        let last: serde_json::Value =
            serde_json::from_str(stdout(&o).lines().last().unwrap()).unwrap();
        assert_eq!(last["action"], last_action, "{file}");
    }
}

#[test]
fn evaluate_json_lines_have_the_documented_fields() {
    let o = run(&["evaluate", "--json", "examples/creator-share-dip.jsonl"]);
    let last: serde_json::Value = serde_json::from_str(stdout(&o).lines().last().unwrap()).unwrap();
    assert_eq!(last["t"], 360.0);
    assert_eq!(last["severity"], "critical");
    assert_eq!(last["reasons"], serde_json::json!(["creator_sovereignty"]));
    assert_eq!(last["notification"]["audience"], "community");
}

#[test]
fn a_malformed_line_exits_2_with_its_line_number() {
    let p = tmp("bad.jsonl", "{\"t\": 0, \"metrics\": {}, \"checks\": {}}\n\n{\"t\": 60, \"metrics\": {\"http_error_rate\": \"high\"}}\n{\"t\": 120}\n");
    let o = run(&["evaluate", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("bad.jsonl:3:"), "{err}");
    assert!(err.contains("invalid_observation"), "{err}");
    // Nothing after the bad line was evaluated.
    assert!(!stdout(&o).contains("t=120"), "{}", stdout(&o));
}

#[test]
fn out_of_order_observations_exit_2_naming_the_line() {
    let p = tmp("ooo.jsonl", "{\"t\": 60}\n{\"t\": 30}\n");
    let o = run(&["evaluate", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("ooo.jsonl:2: out_of_order"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn simulate_prints_a_timeline_that_completes() {
    let o = run(&["simulate", "examples/clean-rollout.jsonl"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("awaiting_approval"), "{out}");
    assert!(
        out.lines()
            .last()
            .unwrap()
            .starts_with("summary: completed at step 3 (100% of traffic)"),
        "{out}"
    );
}

#[test]
fn simulate_with_a_plan_file_and_json() {
    let o = run(&[
        "simulate",
        "--json",
        "--plan",
        "examples/plans/fast.toml",
        "examples/participation-drop.jsonl",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // The consult at t=600 comes before the 600 s bake of step 0 is settled; the rollout
    // waits for the community through healthy observations, and resumes on its answer with
    // the bake starting over (SPEC §8).
    let at = |t: f64| lines.iter().find(|l| l["t"] == t).unwrap();
    assert_eq!(at(600.0)["status"], "consulting");
    assert_eq!(at(1080.0)["status"], "consulting");
    assert_eq!(at(1080.0)["decision"]["action"], "proceed");
    assert_eq!(at(1110.0)["consulted"], "proceed");
    assert_eq!(at(1110.0)["status"], "progressing");
    let last = lines.last().unwrap();
    assert_eq!(last["summary"]["status"], "progressing");
    assert_eq!(last["summary"]["weight"], 10);
    assert_eq!(last["summary"]["consultations"], 1);
    assert_eq!(last["summary"]["answers"], 1);
}

#[test]
fn simulate_shows_each_step_of_a_gentle_ramp_with_its_time() {
    let o = run(&["simulate", "examples/trauma-ux-failure.jsonl"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let out = stdout(&o);
    for line in [
        "94700     1     25%  ramping_down       gentle ramp: down to step 1 (25%)",
        "95000     0      5%  ramping_down       gentle ramp: down to step 0 (5%)",
        "95300     0      0%  rolled_back        gentle ramp: rolled back",
    ] {
        assert!(out.contains(line), "{line:?} missing from\n{out}");
    }
    assert!(out.contains("94400     2     75%  ramping_down"), "{out}");
    assert!(
        out.lines().last().unwrap().contains("3 ramp step(s)"),
        "{out}"
    );
}

#[test]
fn a_bad_consultation_answer_exits_2_naming_the_line() {
    let p = tmp(
        "answer.jsonl",
        "{\"t\": 0, \"metrics\": {}, \"checks\": {}}\n{\"t\": 60, \"consulted\": \"maybe\"}\n",
    );
    let o = run(&["simulate", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("answer.jsonl:2:"), "{err}");
    assert!(
        err.contains("unknown consultation outcome \"maybe\""),
        "{err}"
    );
}

const AUDIT_SPLIT: &str = r#"{"gross": "100.00", "currency": "GBP", "creators": [{"id": "alice", "weight": "1"}, {"id": "bob", "weight": "1"}]}"#;

#[test]
fn audit_exits_0_when_everyone_was_paid_what_the_split_says() {
    let split = tmp("audit-split-ok.json", AUDIT_SPLIT);
    let paid = tmp(
        "paid-ok.jsonl",
        "{\"id\": \"alice\", \"amount\": \"37.50\"}\n{\"id\": \"bob\", \"amount\": \"37.50\"}\n",
    );
    let o = run(&[
        "audit",
        "--split",
        split.to_str().unwrap(),
        "--paid",
        paid.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let a: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(a["exact"], true);
    assert_eq!(a["floor_held"], true);
    assert_eq!(a["creator_share_paid"], "0.7500");
}

#[test]
fn audit_exits_1_on_a_shortfall_and_names_it() {
    let split = tmp("audit-split-short.json", AUDIT_SPLIT);
    let paid = tmp(
        "paid-short.jsonl",
        "{\"id\": \"alice\", \"amount\": \"37.50\"}\n{\"id\": \"bob\", \"amount\": \"36.75\"}\n",
    );
    let o = run(&[
        "audit",
        "--split",
        split.to_str().unwrap(),
        "--paid",
        paid.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("bob"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("bob") && l.trim_end().ends_with("0.75")),
        "{out}"
    );
    assert!(out.contains("creator share paid 0.7425"), "{out}");
    assert!(
        out.contains("floor held (paid ≥ base × creator share 0.75): NO"),
        "{out}"
    );
}

#[test]
fn audit_exits_2_on_bad_input_naming_the_kind_and_line() {
    let split = tmp("audit-split-empty.json", AUDIT_SPLIT);
    for (name, text, want) in [
        ("paid-unknown.jsonl", "{\"id\": \"alice\", \"amount\": \"1.00\"}\n\n{\"id\": \"carol\", \"amount\": \"1.00\"}\n", ":3: unknown_creator"),
        ("paid-dup.jsonl", "{\"id\": \"alice\", \"amount\": \"1.00\"}\n{\"id\": \"alice\", \"amount\": \"1.00\"}\n", ":2: duplicate_payout"),
        ("paid-amount.jsonl", "{\"id\": \"alice\", \"amount\": \"1.005\"}\n", ":1: invalid_amount"),
        ("paid-field.jsonl", "{\"id\": \"alice\", \"amount\": \"1.00\", \"note\": 1}\n", ":1: invalid_record"),
    ] {
        let paid = tmp(name, text);
        let o = run(&["audit", "--split", split.to_str().unwrap(), "--paid", paid.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{name}");
        assert!(stderr(&o).contains(&format!("{name}{want}")), "{name}: {}", stderr(&o));
    }
    let bad_split = tmp(
        "audit-bad-split.json",
        r#"{"gross": "100.00", "currency": "GBP", "creators": [], "creator_share": "0.7"}"#,
    );
    let paid = tmp("paid-empty.jsonl", "");
    let o = run(&[
        "audit",
        "--split",
        bad_split.to_str().unwrap(),
        "--paid",
        paid.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("sovereignty_violation"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn split_matches_the_vector_shape_and_rounds_the_pool_up() {
    let o = run(&[
        "split",
        "--gross",
        "99.99",
        "--currency",
        "EUR",
        "--creator",
        "a=1",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"creators": [{"id": "a", "amount": "75.00"}], "platform": "24.99", "fee": "0.00", "creator_total": "75.00"})
    );
}

#[test]
fn split_below_the_floor_exits_2_with_the_kind() {
    let o = run(&[
        "split",
        "--gross",
        "100.00",
        "--currency",
        "GBP",
        "--creator",
        "a=1",
        "--share",
        "0.7",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("sovereignty_violation"),
        "{}",
        stderr(&o)
    );
    let o = run(&[
        "split",
        "--gross",
        "100.00",
        "--currency",
        "GBP",
        "--creator",
        "a",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("expected ID=WEIGHT"), "{}", stderr(&o));
}

#[test]
fn bucket_matches_unleash() {
    let o = run(&["bucket", "--group", "gr1", "--id", "123"]);
    assert_eq!(stdout(&o).trim(), "73");
    let o = run(&["bucket", "--group", "gr1", "--id", ""]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("invalid_id"));
}

#[test]
fn policy_default_round_trips_through_every_format() {
    for format in ["toml", "yaml", "json"] {
        let o = run(&["policy", "default", "--format", format]);
        assert_eq!(o.status.code(), Some(0));
        let p = tmp(&format!("default.{format}"), &stdout(&o));
        let o = run(&["policy", "check", p.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stderr(&o));
        assert!(stdout(&o).contains("ok (9 rules)"), "{}", stdout(&o));
    }
}

#[test]
fn policy_check_names_the_rule_and_the_field() {
    let p = tmp("bad.toml", "[[rules]]\nid = \"ok\"\nmetric = \"m\"\nop = \">\"\nthreshold = 1\naction = \"alert\"\nseverity = \"high\"\n\n[[rules]]\nid = \"latency\"\nmetric = \"m\"\nop = \"==\"\nthreshold = 1\naction = \"alert\"\nseverity = \"high\"\n");
    let o = run(&["policy", "check", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("rule 1 (\"latency\"): field `op`"), "{err}");
}

#[test]
fn policy_tests_pass_and_a_wrong_expectation_fails_with_a_diff() {
    let o = run(&[
        "test",
        "examples/policy-tests/error-spike.yaml",
        "examples/policy-tests/missing-data.yaml",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let wrong = std::fs::read_to_string(root().join("examples/policy-tests/error-spike.yaml"))
        .unwrap()
        .replace("action: rollback", "action: hold");
    let p = tmp("wrong.yaml", &wrong);
    let o = run(&["test", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("- expected: hold"), "{out}");
    assert!(
        out.contains("+ actual:   rollback severity=critical"),
        "{out}"
    );
}

#[test]
fn report_reconciles_and_exports_csv() {
    let o = run(&["report", "--json", "examples/ledger.jsonl"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["floor_held"], true);
    assert_eq!(
        v["rows"].as_array().unwrap().len(),
        2,
        "one row per currency"
    );
    let o = run(&[
        "report",
        "--csv",
        "--period",
        "month",
        "examples/ledger.jsonl",
    ]);
    let csv = stdout(&o);
    assert!(csv.starts_with("period,currency,"), "{csv}");
    assert!(csv.lines().any(|l| l.starts_with("2026-01,GBP,")), "{csv}");
}

#[test]
fn vote_prints_the_tally_and_status() {
    let o = run(&["vote", "--json", "examples/proposal.json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["status"], "passed");
    assert_eq!(
        (v["yes"].as_u64(), v["no"].as_u64(), v["abstain"].as_u64()),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(v["refused"][0]["error"], "not_a_member");
}

#[test]
fn report_shows_owed_paid_and_shortfall_when_the_ledger_has_payouts() {
    let o = run(&["report", "examples/sovereignty-dashboard/ledger.jsonl"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("paid 327.71 of 329.09 owed (9 payouts), shortfall 1.66"),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.trim_start().starts_with("Sol Reyes") && l.trim_end().ends_with("1.66")),
        "{out}"
    );
    let o = run(&[
        "report",
        "--json",
        "examples/sovereignty-dashboard/ledger.jsonl",
    ]);
    let r: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    let gbp = r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["currency"] == "GBP")
        .unwrap();
    assert_eq!(gbp["paid"]["creators"]["Sol Reyes"]["shortfall"], "1.66");
    assert_eq!(gbp["paid"]["creator_share_paid"], "0.8210");
}

#[test]
fn a_ledger_line_with_an_unknown_field_is_refused_by_name() {
    // Issue 16.3: "creatorShare" was dropped and the split recorded at the default 0.75.
    let p = tmp(
        "unknown-field.jsonl",
        "{\"type\":\"split\",\"id\":\"s1\",\"t\":0,\"gross\":\"10.00\",\"currency\":\"GBP\",\"creators\":[{\"id\":\"a\",\"weight\":\"1\"}]}\n{\"type\":\"split\",\"id\":\"s2\",\"t\":1,\"gross\":\"10.00\",\"currency\":\"GBP\",\"creators\":[{\"id\":\"a\",\"weight\":\"1\"}],\"creatorShare\":\"0.9\"}\n",
    );
    let o = run(&["report", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("unknown-field.jsonl:2: invalid_record"),
        "{err}"
    );
    assert!(err.contains("unknown field \"creatorShare\""), "{err}");
}

#[test]
fn simulate_prints_changes_and_notices_by_default_and_everything_with_all() {
    // Issue 16.18: every unchanged observation was printed (177 lines for the clean rollout)
    // and the notification and severity that --json has were missing from the text.
    let quiet = stdout(&run(&["simulate", "examples/clean-rollout.jsonl"]));
    let all = stdout(&run(&["simulate", "--all", "examples/clean-rollout.jsonl"]));
    assert!(quiet.lines().count() <= 15, "{quiet}");
    assert_eq!(all.lines().count(), 177);
    for line in quiet.lines().filter(|l| l.contains("approval of step")) {
        assert!(all.contains(line), "{line}");
    }
    let o = run(&["simulate", "examples/creator-share-dip.jsonl"]);
    let out = stdout(&o);
    assert!(
        out.contains("rollback [critical] (creator_sovereignty)"),
        "{out}"
    );
    assert!(out.contains("notice to the community [critical]:"), "{out}");
}

#[test]
fn every_argument_of_every_command_has_help() {
    for cmd in [
        &["conformance"][..],
        &["policy", "default"],
        &["policy", "check"],
        &["evaluate"],
        &["simulate"],
        &["test"],
        &["split"],
        &["report"],
        &["audit"],
        &["bucket"],
        &["vote"],
        &["store", "verify"],
        &["store", "load"],
        &["store", "dump"],
    ] {
        let mut args = cmd.to_vec();
        args.push("--help");
        let help = stdout(&run(&args));
        let lines: Vec<&str> = help.lines().collect();
        let mut in_list = false;
        for (i, line) in lines.iter().enumerate() {
            if *line == "Arguments:" || *line == "Options:" {
                in_list = true;
                continue;
            }
            if in_list && line.starts_with("  ") && !line.starts_with("   ") {
                // "  --name <NAME>  Help text", or the help on the next line, indented (clap's
                // long form, used when the command has a long description).
                let rest = line.trim_start();
                let name_end = rest.find("  ").unwrap_or(rest.len());
                let next = lines.get(i + 1).copied().unwrap_or("");
                assert!(
                    !rest[name_end..].trim().is_empty()
                        || (next.starts_with("          ") && !next.trim().is_empty()),
                    "{cmd:?}: no help for {rest:?}\n{help}"
                );
            }
        }
    }
}

#[test]
fn verifying_a_mistyped_store_path_fails_and_creates_nothing() {
    // Issue 16.8: `store verify` on a mistyped path created an empty store and exited 0.
    let dir = std::env::temp_dir().join(format!("lg-cli-verify-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("typo.db");
    let url = format!("sqlite:{}", path.display());
    let o = run(&["store", "verify", "--store", &url]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unavailable: no store at"),
        "{}",
        stderr(&o)
    );
    assert!(!path.exists());
    let o = run(&["report", "--store", &url]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!path.exists());
}

#[test]
fn evaluate_and_simulate_stream_their_input_line_by_line() {
    // Issue 16.14: the whole file was read and parsed before the first line of output (a
    // 348 MB file peaked at 1.75 GB). Through a FIFO, the first decision must come out while
    // the writer is still writing.
    use std::io::{BufRead, Write};
    for cmd in ["evaluate", "simulate"] {
        let dir = std::env::temp_dir().join(format!("lg-cli-fifo-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join(format!("{cmd}.jsonl"));
        let _ = std::fs::remove_file(&fifo);
        assert!(Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        let mut child = Command::new(env!("CARGO_BIN_EXE_liberation-gates"))
            .args([cmd, "--json", fifo.to_str().unwrap()])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                if tx.send(line.unwrap()).is_err() {
                    break;
                }
            }
        });
        let mut writer = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
        writeln!(writer, "{{\"t\": 0, \"metrics\": {{}}, \"checks\": {{}}}}").unwrap();
        writer.flush().unwrap();
        let first = rx
            .recv_timeout(std::time::Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("{cmd}: no output before the input ended"));
        assert!(first.contains("\"t\":0"), "{cmd}: {first}");
        writeln!(writer, "{{\"t\": 60, \"metrics\": {{}}, \"checks\": {{}}}}").unwrap();
        drop(writer);
        let status = child.wait().unwrap();
        assert!(status.code().is_some(), "{cmd} ended by a signal");
    }
}

#[test]
fn the_audit_example_names_the_shortfall_and_exits_1() {
    let o = run(&[
        "audit",
        "--split",
        "examples/audit/split.json",
        "--paid",
        "examples/audit/paid.jsonl",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.lines()
            .any(|l| l.starts_with("Sol Reyes") && l.trim_end().ends_with("1.66")),
        "{out}"
    );
    assert!(out.contains("creator share paid 0.7834"), "{out}");
    assert!(out.contains("creator share 0.80): NO"), "{out}");
}

#[test]
fn report_exits_1_when_money_actually_paid_breaks_the_floor() {
    // Issue 22.5: no test ever saw the report's floor broken or its exit code 1.
    let p = tmp(
        "underpaid.jsonl",
        "{\"type\":\"split\",\"id\":\"s1\",\"t\":0,\"gross\":\"100.00\",\"currency\":\"GBP\",\"creators\":[{\"id\":\"a\",\"weight\":\"1\"}]}\n{\"type\":\"payout\",\"id\":\"p1\",\"t\":1,\"split\":\"s1\",\"creator\":\"a\",\"amount\":\"70.00\"}\n",
    );
    let o = run(&["report", "--json", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(r["floor_held"], false);
    assert_eq!(r["rows"][0]["paid"]["floor_held"], false);
    assert_eq!(r["rows"][0]["paid"]["shortfall_total"], "5.00");
}

/// The path of a deployment story in examples/deploy.
fn story(name: &str) -> String {
    root()
        .join("examples/deploy")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// The deployment stories, with the exit codes examples/deploy/README.md documents.
fn deploy_stories() -> Vec<(String, i32)> {
    let readme = std::fs::read_to_string(root().join("examples/deploy/README.md")).unwrap();
    let stories: Vec<(String, i32)> = readme
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let file = cells.get(2)?.strip_prefix('`')?.strip_suffix('`')?;
            Some((file.to_string(), cells.get(3)?.parse().ok()?))
        })
        .collect();
    assert_eq!(stories.len(), 6, "the README lists six stories");
    stories
}

#[test]
fn every_deployment_story_exits_as_its_readme_says() {
    for (file, code) in deploy_stories() {
        let o = run(&["deploy", "--service", "events", &story(&file)]);
        assert_eq!(
            o.status.code(),
            Some(code),
            "{file}: {}{}",
            stdout(&o),
            stderr(&o)
        );
    }
    let o = run(&[
        "deploy",
        "--service",
        "events",
        &story("forged-approval.jsonl"),
    ]);
    assert!(
        stderr(&o).contains("forged-approval.jsonl:32: unverified_decision"),
        "{}",
        stderr(&o)
    );
    let o = run(&[
        "deploy",
        "--service",
        "events",
        &story("trauma-ux-gentle.jsonl"),
    ]);
    let out = stdout(&o);
    assert_eq!(out.matches("[ramp_step").count(), 3, "{out}");
    assert!(out.contains("[rollback critical]"), "{out}");
}

#[test]
fn deploy_json_lines_carry_state_and_notices_and_a_store_resumes() {
    let path = story("redeploy-after-rollback.jsonl");
    let o = run(&["deploy", "--service", "events", "--json", &path]);
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let summary = &lines.last().unwrap()["summary"];
    assert_eq!(
        (summary["attempt"].as_u64(), summary["phase"].as_str()),
        (Some(2), Some("canary"))
    );
    let refused: Vec<&serde_json::Value> =
        lines.iter().filter(|l| !l["refused"].is_null()).collect();
    assert_eq!(refused.len(), 2);
    assert_eq!(refused[0]["notices"][0]["kind"], "redeploy_refused");

    // Half the file, then the whole file again on the same store: resumed, not repeated.
    let dir = std::env::temp_dir().join(format!("lg-cli-deploy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("deploy.db");
    let _ = std::fs::remove_file(&db);
    let url = format!("sqlite:{}", db.display());
    let text = std::fs::read_to_string(&path).unwrap();
    let half: String = text.lines().take(8).map(|l| format!("{l}\n")).collect();
    let half_file = tmp("deploy-half.jsonl", &half);
    let o = run(&[
        "deploy",
        "--service",
        "events",
        "--store",
        &url,
        half_file.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let o = run(&["deploy", "--service", "events", "--store", &url, &path]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("resumed from the store"),
        "{}",
        stdout(&o)
    );
    let o = run(&["notifications", "--store", &url, "--json"]);
    let ids: Vec<String> = common::ids(&stdout(&o));
    assert_eq!(ids.len(), 9, "every notice once: {ids:?}");
    assert_eq!(ids[0], "events/1");
}

#[test]
fn plan_check_and_health_model_read_files_and_name_errors() {
    let o = run(&[
        "plan",
        "check",
        root()
            .join("crates/core/plans/default.toml")
            .to_str()
            .unwrap(),
    ]);
    assert!(
        stdout(&o).contains("ok (6 phases, strategy canary)"),
        "{}",
        stdout(&o)
    );
    let bad = tmp(
        "bad-plan.json",
        r#"{"phases": [{"name": "a", "kind": "launch", "technical": [{"check": "x"}]}, {"name": "b", "technical": [{"check": "y"}]}]}"#,
    );
    let o = run(&["plan", "check", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("invalid_plan") && stderr(&o).contains("must be the last"),
        "{}",
        stderr(&o)
    );
    let model = root().join("examples/plans/health.json");
    let down = tmp("status-down.json", r#"{"database": "down"}"#);
    let o = run(&[
        "health",
        "--model",
        model.to_str().unwrap(),
        down.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", stdout(&o));
    let status = root().join("examples/plans/status.json");
    let o = run(&[
        "health",
        "--model",
        model.to_str().unwrap(),
        "--json",
        status.to_str().unwrap(),
    ]);
    let r: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        (r["overall"].as_str(), r["action"].as_str()),
        (Some("degraded"), Some("alert"))
    );
    let unknown = tmp("status-unknown.json", r#"{"nosuch": "up"}"#);
    let o = run(&[
        "health",
        "--model",
        model.to_str().unwrap(),
        unknown.to_str().unwrap(),
    ]);
    assert!(stderr(&o).contains("unknown_check"), "{}", stderr(&o));
}

/// Issue 20: `policy schema`, `plan schema` and `plan schema --rollout` print the core's JSON
/// Schemas, and every shipped copy (the root `schemas/`, the Python and npm packages') is
/// exactly that output: `scripts/schemas` regenerates them.
#[test]
fn schemas_are_printed_and_every_shipped_copy_is_current() {
    let kinds = [
        (
            vec!["policy", "schema"],
            "policy.schema.json",
            "liberation-gates policy",
        ),
        (
            vec!["plan", "schema"],
            "plan.schema.json",
            "liberation-gates deployment plan",
        ),
        (
            vec!["plan", "schema", "--rollout"],
            "rollout-plan.schema.json",
            "liberation-gates rollout plan",
        ),
    ];
    for (args, file, title) in kinds {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let printed = stdout(&o);
        let schema: serde_json::Value = serde_json::from_str(&printed).expect("JSON");
        assert_eq!(schema["title"], title);
        assert_eq!(schema["$id"], file);
        for dir in [
            "schemas",
            "crates/py/python/liberation_gates/schemas",
            "crates/node/schemas",
        ] {
            let shipped = std::fs::read_to_string(root().join(dir).join(file))
                .unwrap_or_else(|e| panic!("{dir}/{file}: {e} (run scripts/schemas)"));
            assert_eq!(
                shipped, printed,
                "{dir}/{file} is stale: run scripts/schemas"
            );
        }
    }
}

#[test]
fn metrics_prints_the_exposition_after_the_simulation() {
    let o = run(&["metrics", "examples/creator-share-dip.jsonl"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.ends_with("# EOF\n"), "{text}");
    // The creators' share fell below the floor: the rollout rolled back on that rule.
    let rolled_back =
        "liberation_gates_rollout_status{rollout=\"creator-share-dip\",status=\"rolled_back\"} 1\n";
    assert!(text.contains(rolled_back), "{text}");
    let failing = "liberation_rule_status{service=\"creator-share-dip\",rule=\"creator_sovereignty\",status=\"failing\"} 1\n";
    assert!(text.contains(failing), "{text}");
    assert!(text.contains("liberation_rule_value{service=\"creator-share-dip\",rule=\"creator_sovereignty\",metric=\"creator_share\"} 0.72\n"), "{text}");
    let counted = "liberation_gates_decisions_total{service=\"creator-share-dip\",action=\"rollback\",severity=\"critical\",rule=\"creator_sovereignty\"} 1\n";
    assert!(text.contains(counted), "{text}");

    let o = run(&[
        "metrics",
        "--text",
        "--service",
        "web",
        "examples/creator-share-dip.jsonl",
    ]);
    let text = stdout(&o);
    assert!(
        text.contains("# TYPE liberation_gates_decisions_total counter\n"),
        "{text}"
    );
    assert!(!text.contains("# EOF"), "{text}");
    assert!(text.contains("rollout=\"web\""), "{text}");
}

#[test]
fn metrics_refuses_a_bad_line_naming_it() {
    let p = tmp(
        "metrics-bad.jsonl",
        "{\"t\": 0, \"metrics\": {}, \"checks\": {}}\n{\"t\": \"soon\"}\n",
    );
    let o = run(&["metrics", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("metrics-bad.jsonl:2:"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stdout(&o), "");
}

#[test]
fn unleash_spec_passes_the_suite_and_names_an_altered_test() {
    let o = run(&["unleash-spec"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(stdout(&o), "279 passed, 0 failed\n");
    let text = std::fs::read_to_string(
        root().join("tests/external/unleash/02-user-with-id-strategy.json"),
    )
    .unwrap();
    let altered = text.replacen("\"expectedResult\": true", "\"expectedResult\": false", 1);
    assert_ne!(altered, text);
    let p = tmp("unleash-altered.json", &altered);
    let o = run(&["unleash-spec", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.starts_with("FAIL unleash-altered.json: "), "{out}");
    assert!(out.ends_with(" passed, 1 failed\n"), "{out}");
    let p = tmp("unleash-bad.json", "{\"state\": []}");
    assert_eq!(
        run(&["unleash-spec", p.to_str().unwrap()]).status.code(),
        Some(2)
    );
}

#[test]
fn report_exits_1_when_a_refund_leaves_creators_below_the_floor() {
    // 0.04 split: creator 0.03, platform 0.01; the 0.01 refund comes from the creator by
    // largest remainder, leaving them 0.02 of 0.03 (under 75%).
    let p = tmp(
        "broken-floor.jsonl",
        "{\"type\":\"split\",\"id\":\"s\",\"t\":0,\"gross\":\"0.04\",\"currency\":\"GBP\",\"creators\":[{\"id\":\"c\",\"weight\":\"1\"}]}\n\
         {\"type\":\"refund\",\"id\":\"r\",\"t\":1,\"split\":\"s\",\"amount\":\"0.01\"}\n",
    );
    let o = run(&["report", "--json", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["floor_held"], false, "{v}");
    let o = run(&["report", "examples/ledger.jsonl"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}
