//! The store conformance suite (issue 10): the same tests against every backend — memory,
//! SQLite and PostgreSQL — plus tampering and truncation of each durable backend's history.
//!
//! PostgreSQL runs when `LG_TEST_POSTGRES_URL` names a database the tests may create databases
//! next to (scripts/test starts a throw-away server and sets it). Without it the PostgreSQL
//! tests say so and pass, unless `LG_REQUIRE_SERVERS=1` (set by scripts/test), when they fail.
#![cfg(all(feature = "sqlite", feature = "postgres"))]

use liberation_gates::ledger::{Ledger, LedgerLine, Period};
use liberation_gates::store::{self, DurableLedger, GENESIS};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A backend under test: a fresh, empty store's URL, and raw SQL on it for the tamper tests.
trait Backend {
    fn fresh(&self) -> String;
    fn raw(&self, url: &str, sql: &str);
}

struct Memory;
impl Backend for Memory {
    fn fresh(&self) -> String {
        "memory:".to_string()
    }
    fn raw(&self, _url: &str, _sql: &str) {
        unreachable!("the memory backend is not durable")
    }
}

struct Sqlite;
static SQLITE_N: AtomicUsize = AtomicUsize::new(0);
impl Backend for Sqlite {
    fn fresh(&self) -> String {
        let dir = std::env::temp_dir().join(format!("lg-store-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let n = SQLITE_N.fetch_add(1, Ordering::SeqCst);
        let path = dir.join(format!("t{n}.db"));
        let _ = std::fs::remove_file(&path);
        format!("sqlite:{}", path.display())
    }
    fn raw(&self, url: &str, sql: &str) {
        let c = rusqlite_connection(url.strip_prefix("sqlite:").unwrap());
        c.execute_batch(sql).unwrap();
    }
}

fn rusqlite_connection(path: &str) -> rusqlite::Connection {
    rusqlite::Connection::open(path).unwrap()
}

struct Postgres {
    base: String,
}
static PG_N: AtomicUsize = AtomicUsize::new(0);
impl Postgres {
    fn from_env() -> Option<Postgres> {
        match std::env::var("LG_TEST_POSTGRES_URL") {
            Ok(base) if !base.is_empty() => Some(Postgres { base }),
            _ => {
                assert!(
                    std::env::var("LG_REQUIRE_SERVERS").as_deref() != Ok("1"),
                    "LG_REQUIRE_SERVERS=1 but LG_TEST_POSTGRES_URL is not set"
                );
                eprintln!("PostgreSQL store tests skipped: LG_TEST_POSTGRES_URL is not set");
                None
            }
        }
    }
}
impl Backend for Postgres {
    fn fresh(&self) -> String {
        let name = format!(
            "lg_t_{}_{}",
            std::process::id(),
            PG_N.fetch_add(1, Ordering::SeqCst)
        );
        let mut admin = postgres::Client::connect(&self.base, postgres::NoTls).unwrap();
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
            .unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        let (prefix, _db) = self.base.rsplit_once('/').unwrap();
        format!("{prefix}/{name}")
    }
    fn raw(&self, url: &str, sql: &str) {
        let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
        c.batch_execute(sql).unwrap();
    }
}

const LINES: &str = r#"{"type":"split","id":"tx-1","t":1767225600,"gross":"12.00","currency":"GBP","creators":[{"id":"amara","weight":"1"}]}
{"type":"split","id":"tx-2","t":1767229200,"gross":"30.00","currency":"GBP","creators":[{"id":"amara","weight":"2"},{"id":"kofi","weight":"1"}],"fee":"0.75"}
{"type":"refund","id":"rf-1","t":1767232800,"split":"tx-2","amount":"10.00"}
{"type":"split","id":"tx-3","t":1767315600,"gross":"99.99","currency":"EUR","creators":[{"id":"kofi","weight":"1"},{"id":"lena","weight":"1"}],"creator_share":"0.8"}"#;

// -- the suite: every backend --------------------------------------------------------------

fn appends_are_numbered_chained_and_read_back_by_stream(b: &dyn Backend) {
    let mut s = store::open(&b.fresh()).unwrap();
    let r1 = s
        .append("governance", "vote-1", r#"{"choice":"yes"}"#)
        .unwrap();
    let r2 = s.append("flags", "change-1", r#"{"flag":"x"}"#).unwrap();
    let r3 = s
        .append("governance", "vote-2", r#"{"choice":"no"}"#)
        .unwrap();
    assert_eq!((r1.seq, r2.seq, r3.seq), (1, 2, 3));
    assert_eq!(
        r1.checksum,
        store::checksum(GENESIS, 1, "governance", "vote-1", r#"{"choice":"yes"}"#)
    );
    assert_eq!(
        r2.checksum,
        store::checksum(&r1.checksum, 2, "flags", "change-1", r#"{"flag":"x"}"#)
    );
    let gov = s.records(Some("governance")).unwrap();
    assert_eq!(gov, vec![r1.clone(), r3.clone()]);
    assert_eq!(s.records(None).unwrap(), vec![r1, r2, r3]);
    assert!(s.records(Some("nothing")).unwrap().is_empty());
    assert_eq!(s.verify().unwrap(), 3);
}

fn duplicate_ids_are_refused_per_stream_and_change_nothing(b: &dyn Backend) {
    let mut s = store::open(&b.fresh()).unwrap();
    s.append("ledger", "tx-1", "{}").unwrap();
    let e = s.append("ledger", "tx-1", r#"{"again":true}"#).unwrap_err();
    assert_eq!(e.kind(), "duplicate_id");
    // The same id in another stream is another record.
    assert_eq!(s.append("flags", "tx-1", "{}").unwrap().seq, 2);
    assert_eq!(s.verify().unwrap(), 2);
    assert_eq!(s.records(Some("ledger")).unwrap()[0].body, "{}");
}

fn a_record_is_found_by_id_and_appending_it_again_is_harmless(b: &dyn Backend) {
    let mut s = store::open(&b.fresh()).unwrap();
    assert_eq!(s.record("decisions", "t-1").unwrap(), None);
    assert!(store::append_once(s.as_mut(), "decisions", "t-1", r#"{"action":"proceed"}"#).unwrap());
    assert!(
        !store::append_once(s.as_mut(), "decisions", "t-1", r#"{"action":"proceed"}"#).unwrap()
    );
    let e =
        store::append_once(s.as_mut(), "decisions", "t-1", r#"{"action":"rollback"}"#).unwrap_err();
    assert_eq!(e.kind(), "duplicate_id");
    let r = s.record("decisions", "t-1").unwrap().unwrap();
    assert_eq!((r.seq, r.body.as_str()), (1, r#"{"action":"proceed"}"#));
    assert_eq!(s.verify().unwrap(), 1);
}

fn empty_names_are_invalid_records(b: &dyn Backend) {
    let mut s = store::open(&b.fresh()).unwrap();
    assert_eq!(
        s.append("", "x", "{}").unwrap_err().kind(),
        "invalid_record"
    );
    assert_eq!(
        s.append("ledger", "", "{}").unwrap_err().kind(),
        "invalid_record"
    );
    assert_eq!(s.verify().unwrap(), 0);
}

/// Issue 16.12: one rule for NUL bytes in every backend (PostgreSQL answered `unavailable`).
fn nul_bytes_are_invalid_records_everywhere(b: &dyn Backend) {
    let mut s = store::open(&b.fresh()).unwrap();
    for (stream, id, body) in [
        ("led\0ger", "a", "{}"),
        ("ledger", "a\0", "{}"),
        ("ledger", "a", "{\"x\":\"\0\"}"),
    ] {
        let e = s.append(stream, id, body).unwrap_err();
        assert_eq!(e.kind(), "invalid_record", "{e}");
        assert!(e.message().contains("NUL"), "{e}");
    }
    assert_eq!(
        s.put_state("k\0", "v").unwrap_err().kind(),
        "invalid_record"
    );
    assert_eq!(s.verify().unwrap(), 0);
}

fn state_is_set_and_replaced(b: &dyn Backend) {
    let mut s = store::open(&b.fresh()).unwrap();
    assert_eq!(s.state("rollout").unwrap(), None);
    s.put_state("rollout", r#"{"step":1}"#).unwrap();
    s.put_state("rollout", r#"{"step":2}"#).unwrap();
    assert_eq!(
        s.state("rollout").unwrap().as_deref(),
        Some(r#"{"step":2}"#)
    );
}

fn a_durable_ledger_reports_what_its_lines_report(b: &dyn Backend) {
    let expected = Ledger::from_jsonl(LINES).unwrap().report(Period::Day);
    let url = b.fresh();
    let mut d = DurableLedger::open(&url).unwrap();
    for line in LINES.lines() {
        d.append(&serde_json::from_str::<LedgerLine>(line).unwrap())
            .unwrap();
    }
    assert_eq!(d.ledger().report(Period::Day), expected);
    // A refused line changes neither the ledger nor the store.
    let bad: LedgerLine = serde_json::from_str(
        r#"{"type":"split","id":"tx-9","t":1767400000,"gross":"10.00","currency":"GBP","creators":[{"id":"amara","weight":"1"}],"creator_share":"0.7"}"#,
    )
    .unwrap();
    assert_eq!(d.append(&bad).unwrap_err().kind(), "sovereignty_violation");
    let over: LedgerLine = serde_json::from_str(
        r#"{"type":"refund","id":"rf-2","t":1767400000,"split":"tx-1","amount":"12.01"}"#,
    )
    .unwrap();
    assert_eq!(
        d.append(&over).unwrap_err().kind(),
        "refund_exceeds_balance"
    );
    assert_eq!(d.ledger().records().len(), 4);
    assert_eq!(d.store().unwrap().verify().unwrap(), 4);
    // Loading the same lines again adds nothing; a changed line under a stored id is refused.
    for line in LINES.lines() {
        assert!(!d
            .append_once(&serde_json::from_str::<LedgerLine>(line).unwrap())
            .unwrap());
    }
    let changed: LedgerLine = serde_json::from_str(
        r#"{"type":"split","id":"tx-1","t":1767225600,"gross":"13.00","currency":"GBP","creators":[{"id":"amara","weight":"1"}]}"#,
    )
    .unwrap();
    assert_eq!(d.append_once(&changed).unwrap_err().kind(), "duplicate_id");
    assert_eq!(d.store().unwrap().verify().unwrap(), 4);
    // A dump of the store (what `store dump` prints) gives the same ledger, written nowhere;
    // a changed dump is refused.
    let dump: String = d
        .store()
        .unwrap()
        .records(None)
        .unwrap()
        .iter()
        .map(|r| serde_json::to_string(r).unwrap() + "\n")
        .collect();
    let view = DurableLedger::from_dump(&dump).unwrap();
    assert_eq!(view.ledger().report(Period::Day), expected);
    assert_eq!(view.backend(), None);
    let e = DurableLedger::from_dump(&dump.replacen("12.00", "11.00", 1)).unwrap_err();
    assert_eq!(e.kind(), "tampered");
    if url != "memory:" {
        drop(d);
        let again = DurableLedger::open(&url).unwrap();
        assert_eq!(again.ledger().report(Period::Day), expected);
        assert_eq!(
            again.ledger().records(),
            Ledger::from_jsonl(LINES).unwrap().records()
        );
    }
}

/// Payouts are ledger lines like any other: stored, checked against their split, replayed.
fn a_durable_ledger_keeps_payouts(b: &dyn Backend) {
    let url = b.fresh();
    let mut d = DurableLedger::open(&url).unwrap();
    for line in LINES.lines() {
        d.append(&serde_json::from_str::<LedgerLine>(line).unwrap())
            .unwrap();
    }
    d.record_payout("po-1", 1767500000.0, "tx-1", "amara", "8.00")
        .unwrap();
    // A payout to someone the split does not name is refused and not stored.
    assert_eq!(
        d.record_payout("po-2", 1767500001.0, "tx-1", "nobody", "1.00")
            .unwrap_err()
            .kind(),
        "unknown_creator"
    );
    assert_eq!(d.store().unwrap().verify().unwrap(), 5);
    let paid = |l: &Ledger| {
        let report = l.report(Period::All);
        let gbp = report.rows.iter().find(|r| r.currency == "GBP").unwrap();
        gbp.paid.clone().unwrap()
    };
    let before = paid(d.ledger());
    assert_eq!(before.payouts, 1);
    assert_eq!(before.creators["amara"].paid, "8.00");
    if url != "memory:" {
        drop(d);
        let again = DurableLedger::open(&url).unwrap();
        assert_eq!(paid(again.ledger()), before);
    }
}

// -- durable backends: history survives, tampering is reported ------------------------------

fn history_survives_reopening(b: &dyn Backend) {
    let url = b.fresh();
    {
        let mut s = store::open(&url).unwrap();
        for i in 0..50 {
            s.append("ledger", &format!("tx-{i}"), &format!("{{\"n\":{i}}}"))
                .unwrap();
        }
        s.put_state("rollout", "step 3").unwrap();
    }
    let mut s = store::open(&url).unwrap();
    assert_eq!(s.verify().unwrap(), 50);
    let rs = s.records(Some("ledger")).unwrap();
    assert_eq!(rs.len(), 50);
    assert_eq!(rs[49].body, "{\"n\":49}");
    assert_eq!(s.state("rollout").unwrap().as_deref(), Some("step 3"));
    assert_eq!(s.append("ledger", "tx-50", "{}").unwrap().seq, 51);
}

fn three_records(b: &dyn Backend) -> String {
    let url = b.fresh();
    let mut s = store::open(&url).unwrap();
    for id in ["a", "b", "c"] {
        s.append("ledger", id, &format!("{{\"id\":\"{id}\"}}"))
            .unwrap();
    }
    url
}

fn tampered(url: &str) -> String {
    let e = store::open(url).unwrap_err();
    assert_eq!(e.kind(), "tampered", "{e}");
    e.message().to_string()
}

fn an_edited_record_is_reported(b: &dyn Backend) {
    let url = three_records(b);
    b.raw(
        &url,
        "UPDATE lg_records SET body = '{\"id\":\"B\"}' WHERE seq = 2",
    );
    assert!(tampered(&url).contains("record 2"));
}

fn a_removed_last_record_is_reported(b: &dyn Backend) {
    let url = three_records(b);
    b.raw(&url, "DELETE FROM lg_records WHERE seq = 3");
    assert!(tampered(&url).contains("head says 3"));
}

fn a_removed_middle_record_is_reported(b: &dyn Backend) {
    let url = three_records(b);
    b.raw(&url, "DELETE FROM lg_records WHERE seq = 2");
    assert!(tampered(&url).contains("record 2 is missing"));
}

fn a_rewritten_chain_without_its_head_is_reported(b: &dyn Backend) {
    // Whoever rewrites a record and recomputes the chain must also rewrite the head.
    let url = three_records(b);
    let mut prev = GENESIS.to_string();
    let mut sql = String::new();
    for (seq, id) in [(1u64, "a"), (2, "b"), (3, "c")] {
        let body = if seq == 2 {
            "{\"id\":\"X\"}".to_string()
        } else {
            format!("{{\"id\":\"{id}\"}}")
        };
        let sum = store::checksum(&prev, seq, "ledger", id, &body);
        sql.push_str(&format!(
            "UPDATE lg_records SET body = '{body}', checksum = '{sum}' WHERE seq = {seq};"
        ));
        prev = sum;
    }
    b.raw(&url, &sql);
    assert!(tampered(&url).contains("head"));
}

fn a_missing_head_is_reported(b: &dyn Backend) {
    let url = three_records(b);
    b.raw(&url, "DELETE FROM lg_head");
    assert!(tampered(&url).contains("head row is missing"));
}

macro_rules! suite {
    ($m:ident, $backend:expr, durable: [$($d:ident),*]) => {
        mod $m {
            use super::*;
            fn backend() -> Option<Box<dyn Backend>> {
                $backend
            }
            suite!(@tests [
                appends_are_numbered_chained_and_read_back_by_stream,
                duplicate_ids_are_refused_per_stream_and_change_nothing,
                empty_names_are_invalid_records,
                a_record_is_found_by_id_and_appending_it_again_is_harmless,
                state_is_set_and_replaced,
                a_durable_ledger_reports_what_its_lines_report,
                a_durable_ledger_keeps_payouts,
                nul_bytes_are_invalid_records_everywhere
                $(, $d)*
            ]);
        }
    };
    (@tests [$($t:ident),*]) => {
        $(
            #[test]
            fn $t() {
                if let Some(b) = backend() {
                    super::$t(b.as_ref());
                }
            }
        )*
    };
}

suite!(memory, Some(Box::new(Memory)), durable: []);
suite!(sqlite, Some(Box::new(Sqlite)), durable: [
    history_survives_reopening,
    a_removed_last_record_with_a_rewritten_head_is_reported,
    an_edited_record_is_reported,
    a_removed_last_record_is_reported,
    a_removed_middle_record_is_reported,
    a_rewritten_chain_without_its_head_is_reported,
    a_missing_head_is_reported
]);
suite!(postgres_backend, Postgres::from_env().map(|b| Box::new(b) as Box<dyn Backend>), durable: [
    history_survives_reopening,
    a_removed_last_record_with_a_rewritten_head_is_reported,
    an_edited_record_is_reported,
    a_removed_last_record_is_reported,
    a_removed_middle_record_is_reported,
    a_rewritten_chain_without_its_head_is_reported,
    a_missing_head_is_reported
]);

#[test]
fn unknown_urls_are_invalid() {
    for url in ["", "mysql://x", "sqlite:", "file:ledger.db", "memory"] {
        assert_eq!(
            store::open(url).unwrap_err().kind(),
            "invalid_url",
            "{url:?}"
        );
    }
}

#[test]
fn a_file_that_is_not_a_store_is_unavailable_not_overwritten() {
    let dir = std::env::temp_dir().join(format!("lg-store-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("not-a-db.txt");
    std::fs::write(
        &path,
        "this is a text file, not SQLite, and it must stay as it is\n".repeat(100),
    )
    .unwrap();
    let before = std::fs::read(&path).unwrap();
    let e = store::open(&format!("sqlite:{}", path.display())).unwrap_err();
    assert_eq!(e.kind(), "unavailable", "{e}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

// -- issue 16: verification that never writes, writers that wait, messages that tell --------

#[test]
fn verifying_a_missing_sqlite_store_is_an_error_and_creates_nothing() {
    let path = std::env::temp_dir().join(format!("lg-missing-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let e = store::open_existing(&format!("sqlite:{}", path.display())).unwrap_err();
    assert_eq!(e.kind(), "unavailable");
    assert!(e.message().contains("does not exist"), "{e}");
    assert!(!path.exists(), "verification created a store");
}

#[test]
fn an_existing_sqlite_store_opens_read_only_for_verification() {
    let url = Sqlite.fresh();
    {
        let mut s = store::open(&url).unwrap();
        s.append("ledger", "a", "{}").unwrap();
    }
    let mut s = store::open_existing(&url).unwrap();
    assert_eq!(s.verify().unwrap(), 1);
    // Read-only: nothing can be written through it (an auditor needs no write permission).
    let e = s.append("ledger", "b", "{}").unwrap_err();
    assert_eq!(e.kind(), "unavailable");
    assert!(e.message().contains("readonly"), "{e}");
}

#[test]
fn two_writers_loading_the_same_lines_at_once_both_succeed() {
    // Issue 16.10: the loser of the race aborted with duplicate_id (and a fresh file could
    // answer "database is locked").
    for _ in 0..5 {
        let url = Sqlite.fresh();
        let _ = std::fs::remove_file(url.strip_prefix("sqlite:").unwrap());
        let writers: Vec<_> = (0..2)
            .map(|_| {
                let url = url.clone();
                std::thread::spawn(move || {
                    let mut s = store::open(&url).unwrap();
                    for i in 0..100 {
                        store::append_once(s.as_mut(), "ledger", &format!("tx-{i}"), "{}").unwrap();
                    }
                })
            })
            .collect();
        for w in writers {
            w.join().expect("a writer failed");
        }
        let mut s = store::open(&url).unwrap();
        assert_eq!(s.verify().unwrap(), 100);
    }
}

#[test]
fn passwords_are_never_printed() {
    assert_eq!(
        store::redact("postgres://lg:s3cret@127.0.0.1:5432/db"),
        "postgres://lg:***@127.0.0.1:5432/db"
    );
    assert_eq!(
        store::redact("postgres://lg@host/db"),
        "postgres://lg@host/db"
    );
    assert_eq!(store::redact("sqlite:ledger.db"), "sqlite:ledger.db");
}

#[test]
fn postgres_errors_say_what_went_wrong() {
    // Issue 16.12: every failure read "connect: db error".
    let Some(pg) = Postgres::from_env() else {
        return;
    };
    let (base, _) = pg.base.rsplit_once('/').unwrap();
    let e = store::open(&format!("{base}/no_such_database")).unwrap_err();
    assert_eq!(e.kind(), "unavailable");
    assert!(e.message().contains("does not exist"), "{e}");
    assert!(e.message().contains("SQLSTATE 3D000"), "{e}");
}

#[test]
fn a_postgres_port_that_never_answers_is_unavailable_not_a_hang() {
    // Issue 16.7: a port that accepts connections but never answers hung for ever.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let silent = std::thread::spawn(move || {
        // Accept and hold the connections, answering nothing.
        let held: Vec<_> = listener.incoming().take(2).filter_map(Result::ok).collect();
        std::thread::sleep(std::time::Duration::from_secs(4));
        drop(held);
    });
    let started = std::time::Instant::now();
    let url = format!("postgres://lg@127.0.0.1:{port}/db?connect_timeout=1");
    let e = store::open(&url).unwrap_err();
    assert_eq!(e.kind(), "unavailable");
    assert!(e.message().contains("no answer within 1 s"), "{e}");
    let e = store::open_existing(&url).unwrap_err();
    assert_eq!(e.kind(), "unavailable");
    assert!(started.elapsed() < std::time::Duration::from_secs(4));
    silent.join().unwrap();
}

#[test]
fn a_wiped_sqlite_store_is_tampered_not_new() {
    // Issue 16.8: deleting every row of the records and head tables gave "0 records, checksum
    // chain intact" (the store re-headed itself as new).
    let url = three_records(&Sqlite);
    Sqlite.raw(&url, "DELETE FROM lg_records; DELETE FROM lg_head;");
    assert!(tampered(&url).contains("head row is missing"));
    assert_eq!(store::open_existing(&url).unwrap_err().kind(), "tampered");
}

/// Issue 16.8: removing the last record and rewriting the head to the one before passed.
fn a_removed_last_record_with_a_rewritten_head_is_reported(b: &dyn Backend) {
    let url = b.fresh();
    let second = {
        let mut s = store::open(&url).unwrap();
        s.append("ledger", "a", "{}").unwrap();
        let second = s.append("ledger", "b", "{}").unwrap();
        s.append("ledger", "c", "{}").unwrap();
        second
    };
    b.raw(
        &url,
        &format!(
            "DELETE FROM lg_records WHERE seq = 3; UPDATE lg_head SET seq = 2, checksum = '{}' WHERE one = 1;",
            second.checksum
        ),
    );
    assert!(tampered(&url).contains("counted 3 records"));
    // Verification opens read-only (SQLite) or without migrating (PostgreSQL): same finding.
    let e = store::open_existing(&url).unwrap_err();
    assert_eq!(e.kind(), "tampered");
    assert!(e.message().contains("counted 3 records"), "{e}");
}

// -- issue 22: a damaged file is a typed error, never a panic or a silently shorter history ---

#[test]
fn flipped_bytes_in_a_sqlite_store_are_a_typed_error_or_change_nothing() {
    let url = Sqlite.fresh();
    let path = url.strip_prefix("sqlite:").unwrap().to_string();
    let mut expected = Vec::new();
    {
        let mut s = store::open(&url).unwrap();
        for i in 0..40 {
            let body = format!("{{\"n\": {i}, \"note\": \"{}\"}}", "x".repeat(i * 7));
            expected.push(s.append("ledger", &format!("r{i}"), &body).unwrap());
        }
    }
    let original = std::fs::read(&path).unwrap();
    let damaged = format!("{path}.damaged");
    let (mut refused, mut unchanged) = (0, 0);
    // Every 61st byte across the file (header, schema, table and index pages, free space).
    for at in (0..original.len()).step_by(61) {
        let mut bytes = original.clone();
        bytes[at] ^= 0x5a;
        std::fs::write(&damaged, &bytes).unwrap();
        let _ = std::fs::remove_file(format!("{damaged}-wal"));
        let read = std::panic::catch_unwind(|| {
            let mut s = store::open_existing(&format!("sqlite:{damaged}"))?;
            s.verify()?;
            s.records(None)
        });
        match read.unwrap_or_else(|_| panic!("byte {at}: a panic")) {
            Ok(records) => {
                assert_eq!(
                    records, expected,
                    "byte {at}: read back different records, no error"
                );
                unchanged += 1;
            }
            Err(e) => {
                let header = e.kind() == "unavailable" && e.message().contains("not a database");
                assert!(
                    matches!(e.kind(), "corrupt" | "tampered") || header,
                    "byte {at}: {} {e}",
                    e.kind()
                );
                refused += 1;
            }
        }
    }
    let _ = std::fs::remove_file(&damaged);
    assert!(
        refused > 0 && refused + unchanged > 50,
        "{refused} refused, {unchanged} unchanged"
    );
}
