//! `--store` and `store` from the command line (issue 10): a report from a SQLite store is the
//! report of the file it was loaded from; a writer killed mid-append leaves an intact history;
//! four processes appending to PostgreSQL lose and duplicate nothing.
//!
//! The PostgreSQL test runs when `LG_TEST_POSTGRES_URL` is set (scripts/test starts a server);
//! with `LG_REQUIRE_SERVERS=1` it fails instead of skipping.

mod common;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_liberation-gates"));
    c.current_dir(root());
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("the binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("lg-cli-store-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn fresh_db(name: &str) -> PathBuf {
    let p = dir().join(name);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
    }
    p
}

fn events(name: &str, prefix: &str, n: usize) -> PathBuf {
    let p = dir().join(name);
    let body: String = (0..n)
        .map(|i| format!("{{\"id\":\"{prefix}-{i}\",\"n\":{i}}}\n"))
        .collect();
    std::fs::write(&p, body).unwrap();
    p
}

fn verified_count(url: &str) -> usize {
    let o = run(&["store", "verify", "--store", url]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    out.split(": ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn a_report_from_a_sqlite_store_is_the_report_of_the_file() {
    let db = fresh_db("report.db");
    let url = format!("sqlite:{}", db.display());
    for period in ["day", "month", "all"] {
        // The same exit code too (1 when a period's floor did not hold).
        let from_file = run(&[
            "report",
            "examples/ledger.jsonl",
            "--json",
            "--period",
            period,
        ]);
        assert!(matches!(from_file.status.code(), Some(0 | 1)));
        let loaded = run(&[
            "report",
            "examples/ledger.jsonl",
            "--store",
            &url,
            "--json",
            "--period",
            period,
        ]);
        assert_eq!(
            loaded.status.code(),
            from_file.status.code(),
            "{}",
            text(&loaded.stderr)
        );
        let stored = run(&["report", "--store", &url, "--json", "--period", period]);
        assert_eq!(
            stored.status.code(),
            from_file.status.code(),
            "{}",
            text(&stored.stderr)
        );
        assert_eq!(text(&loaded.stdout), text(&from_file.stdout));
        assert_eq!(text(&stored.stdout), text(&from_file.stdout));
    }
    // Loading the same file three times added its 7 lines once.
    assert_eq!(verified_count(&url), 7);
    // The text and CSV reports agree too.
    let csv_file = run(&["report", "examples/ledger.jsonl", "--csv"]);
    let csv_store = run(&["report", "--store", &url, "--csv"]);
    assert_eq!(text(&csv_store.stdout), text(&csv_file.stdout));
}

#[test]
fn a_refused_ledger_line_names_its_line_and_stores_nothing() {
    let db = fresh_db("refused.db");
    let url = format!("sqlite:{}", db.display());
    let bad = dir().join("bad-ledger.jsonl");
    std::fs::write(
        &bad,
        "{\"type\":\"split\",\"id\":\"ok-1\",\"t\":1,\"gross\":\"10.00\",\"currency\":\"GBP\",\"creators\":[{\"id\":\"a\",\"weight\":\"1\"}]}\n\
         {\"type\":\"split\",\"id\":\"low\",\"t\":2,\"gross\":\"10.00\",\"currency\":\"GBP\",\"creators\":[{\"id\":\"a\",\"weight\":\"1\"}],\"creator_share\":\"0.6\"}\n",
    )
    .unwrap();
    let o = run(&["report", bad.to_str().unwrap(), "--store", &url]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains(":2: sovereignty_violation"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(
        verified_count(&url),
        1,
        "the line before the refused one was kept"
    );
}

#[test]
fn a_tampered_sqlite_store_is_reported_by_every_command() {
    let db = fresh_db("tampered.db");
    let url = format!("sqlite:{}", db.display());
    assert_eq!(
        run(&["report", "examples/ledger.jsonl", "--store", &url])
            .status
            .code(),
        Some(0)
    );
    let c = rusqlite::Connection::open(&db).unwrap();
    c.execute(
        "UPDATE lg_records SET body = replace(body, '12.00', '1.20') WHERE seq = 1",
        [],
    )
    .unwrap();
    drop(c);
    for args in [
        vec!["store", "verify", "--store", &url],
        vec!["report", "--store", &url],
        vec!["vote", "examples/proposal.json", "--store", &url],
        vec!["simulate", "examples/clean-rollout.jsonl", "--store", &url],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            text(&o.stderr).contains("tampered: record 1"),
            "{args:?}: {}",
            text(&o.stderr)
        );
    }
}

#[test]
fn votes_and_decisions_are_kept_once() {
    let db = fresh_db("votes.db");
    let url = format!("sqlite:{}", db.display());
    for _ in 0..2 {
        let o = run(&["vote", "examples/proposal.json", "--store", &url]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        let o = run(&["simulate", "examples/clean-rollout.jsonl", "--store", &url]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    }
    let dump = run(&["store", "dump", "--store", &url, "--stream", "governance"]);
    let lines: Vec<serde_json::Value> = text(&dump.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let votes = serde_json::from_str::<serde_json::Value>(
        &std::fs::read_to_string(root().join("examples/proposal.json")).unwrap(),
    )
    .unwrap()["votes"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(lines.len(), votes + 1, "each vote and the decision, once");
    let decision: serde_json::Value =
        serde_json::from_str(lines.last().unwrap()["body"].as_str().unwrap()).unwrap();
    assert_eq!(decision["status"], "passed");
    let decisions = run(&["store", "dump", "--store", &url, "--stream", "decisions"]);
    // One record per step the simulation prints (its last line is the summary).
    let steps = text(&run(&["simulate", "examples/clean-rollout.jsonl", "--json"]).stdout)
        .lines()
        .count()
        - 1;
    assert_eq!(text(&decisions.stdout).lines().count(), steps);
}

#[test]
fn a_writer_killed_mid_append_leaves_an_intact_history() {
    let db = fresh_db("killed.db");
    let url = format!("sqlite:{}", db.display());
    let file = events("killed.jsonl", "e", 20_000);
    let mut child = bin()
        .args(["store", "load", "--store", &url, "--stream", "events"])
        .arg(&file)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it (SIGKILL: no cleanup) once it has written a few hundred records.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        std::thread::sleep(Duration::from_millis(20));
        let seen = rusqlite::Connection::open(&db)
            .and_then(|c| {
                c.query_row("SELECT count(*) FROM lg_records", [], |r| {
                    r.get::<_, i64>(0)
                })
            })
            .unwrap_or(0);
        if seen >= 300 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the writer wrote nothing in 60 s"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the writer finished before it was killed; make the file longer"
        );
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let kept = verified_count(&url);
    assert!(
        (300..20_000).contains(&kept),
        "{kept} records after the kill"
    );
    // What is there is exactly the file's first `kept` lines, in order.
    let dump = run(&["store", "dump", "--store", &url, "--stream", "events"]);
    let ids: Vec<String> = common::ids(&text(&dump.stdout));
    assert_eq!(ids.len(), kept);
    assert!(ids
        .iter()
        .enumerate()
        .all(|(i, id)| *id == format!("e-{i}")));
    // Loading again finishes the job without duplicating anything.
    let o = run(&[
        "store",
        "load",
        "--store",
        &url,
        "--stream",
        "events",
        file.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(verified_count(&url), 20_000);
}

#[test]
fn four_processes_appending_to_postgres_lose_and_duplicate_nothing() {
    let Ok(base) = std::env::var("LG_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var("LG_REQUIRE_SERVERS").as_deref() != Ok("1"),
            "LG_REQUIRE_SERVERS=1 but LG_TEST_POSTGRES_URL is not set"
        );
        eprintln!("skipped: LG_TEST_POSTGRES_URL is not set");
        return;
    };
    // A database of its own, on the server scripts/test started.
    let name = format!("lg_cli_{}", std::process::id());
    let out = Command::new("psql")
        .args([
            base.as_str(),
            "-q",
            "-c",
            &format!("DROP DATABASE IF EXISTS {name}"),
        ])
        .output();
    let url = match out {
        Ok(o) if o.status.success() => {
            let o = Command::new("psql")
                .args([
                    base.as_str(),
                    "-q",
                    "-c",
                    &format!("CREATE DATABASE {name}"),
                ])
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", text(&o.stderr));
            format!("{}/{name}", base.rsplit_once('/').unwrap().0)
        }
        _ => base.clone(),
    };
    const PER: usize = 10_000;
    let files: Vec<PathBuf> = (0..4)
        .map(|w| events(&format!("pg-{w}.jsonl"), &format!("w{w}"), PER))
        .collect();
    let before = if url == base { verified_count(&url) } else { 0 };
    let children: Vec<_> = files
        .iter()
        .map(|f| {
            bin()
                .args([
                    "store",
                    "load",
                    "--store",
                    &url,
                    "--stream",
                    &format!("events-{}", std::process::id()),
                ])
                .arg(f)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", text(&o.stderr));
    }
    assert_eq!(
        verified_count(&url),
        before + 4 * PER,
        "none lost, none twice, the chain intact"
    );
    let dump = run(&[
        "store",
        "dump",
        "--store",
        &url,
        "--stream",
        &format!("events-{}", std::process::id()),
    ]);
    let mut ids: Vec<String> = common::ids(&text(&dump.stdout));
    assert_eq!(ids.len(), 4 * PER);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 4 * PER, "every id exactly once");
}
