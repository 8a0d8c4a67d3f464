//! Durable, append-only records: the ledger, the governance record, the flag audit log and
//! rollout state, kept by a [`Store`] so that they survive crashes and are the same for every
//! replica of a service (issue 10).
//!
//! A store holds **streams** of records (`"ledger"`, `"governance"`, `"flags"`,
//! `"decisions"`, …), each record a JSON body under an id unique in its stream, plus a small
//! key → value table for state that changes in place (a rollout's current step). Every record
//! carries a SHA-256 **checksum chain**: its checksum covers the previous record's checksum
//! and its own sequence number, stream, id and body, and a head row (last sequence number and
//! checksum) is written in the same transaction. Opening a store recomputes the chain: an
//! edited, reordered, removed or truncated history is reported as `tampered`, never repaired
//! or dropped.
//!
//! Backends, chosen by URL with [`open`]:
//!
//! | URL | backend | feature |
//! |---|---|---|
//! | `memory:` | in this process only (tests, dry runs) | always |
//! | `sqlite:PATH` | embedded SQLite file, WAL mode, one transaction per append | `sqlite` |
//! | `postgres://…` / `postgresql://…` | PostgreSQL, writers from many processes serialised on the head row | `postgres` |
//!
//! ```
//! use liberation_gates::store::{open, Store};
//! let mut s = open("memory:").unwrap();
//! let r = s.append("governance", "vote-1", r#"{"member":"amara","choice":"yes"}"#).unwrap();
//! assert_eq!(r.seq, 1);
//! assert_eq!(s.append("governance", "vote-1", "{}").unwrap_err().kind(), "duplicate_id");
//! assert_eq!(s.records(Some("governance")).unwrap().len(), 1);
//! ```
//!
//! [`DurableLedger`] keeps a [`Ledger`] in a store: a line is written to the store only after
//! the ledger has accepted it, and the ledger records it only after the store has it.

use crate::error::{Error, StoreError};
use crate::ledger::{Ledger, LedgerLine};
use crate::split::{split, Split, SplitInput};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};

/// The checksum before the first record: 64 zeros.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A stored record (a line of `liberation-gates store dump`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredRecord {
    /// 1, 2, 3, … across all streams of the store, in the order appended.
    pub seq: u64,
    /// The stream the record belongs to (`"ledger"`, `"governance"`, …).
    pub stream: String,
    /// The record's id, unique in its stream.
    pub id: String,
    /// The record itself, as JSON text.
    pub body: String,
    /// SHA-256 (hex) over the previous record's checksum and this record's fields.
    pub checksum: String,
}

impl StoredRecord {
    /// The record that follows the one with checksum `prev` and number `seq - 1` (the chain's
    /// one step, shared by every backend).
    pub fn next(prev: &str, seq: u64, stream: &str, id: &str, body: &str) -> StoredRecord {
        StoredRecord {
            seq,
            stream: stream.to_string(),
            id: id.to_string(),
            body: body.to_string(),
            checksum: checksum(prev, seq, stream, id, body),
        }
    }
}

/// The checksum of record `seq` following `prev`: SHA-256 over each field's length (8 bytes,
/// little-endian) and bytes, in the order prev, seq (decimal), stream, id, body — so that no
/// two different records hash the same text.
pub fn checksum(prev: &str, seq: u64, stream: &str, id: &str, body: &str) -> String {
    let mut h = Sha256::new();
    let seq = seq.to_string();
    for part in [prev, seq.as_str(), stream, id, body] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks a whole history, as read back from a backend in sequence order, against its head
/// (the last sequence number and checksum written with it). `tampered` names the first record
/// that does not chain, or the gap between the records and the head.
pub fn verify_chain(records: &[StoredRecord], head: (u64, &str)) -> Result<(), StoreError> {
    let mut prev = GENESIS.to_string();
    for (i, r) in records.iter().enumerate() {
        let expected_seq = i as u64 + 1;
        if r.seq != expected_seq {
            return Err(StoreError::Tampered(format!(
                "record {expected_seq} is missing (found record {} in its place)",
                r.seq
            )));
        }
        let c = checksum(&prev, r.seq, &r.stream, &r.id, &r.body);
        if c != r.checksum {
            return Err(StoreError::Tampered(format!(
                "record {} ({} {:?}) does not match its checksum: it was changed after it was written",
                r.seq, r.stream, r.id
            )));
        }
        prev = c;
    }
    let (head_seq, head_sum) = head;
    let n = records.len() as u64;
    if head_seq != n {
        return Err(StoreError::Tampered(format!(
            "the head says {head_seq} records were written, the history holds {n}: it was truncated or extended outside the store"
        )));
    }
    if head_sum != prev {
        return Err(StoreError::Tampered(
            "the last record's checksum differs from the head's".to_string(),
        ));
    }
    Ok(())
}

fn check_names(stream: &str, id: &str) -> Result<(), StoreError> {
    if stream.is_empty() || id.is_empty() {
        return Err(StoreError::InvalidRecord(format!(
            "a record needs a non-empty stream and id (got stream {stream:?}, id {id:?})"
        )));
    }
    no_nul(&[("stream", stream), ("id", id)])
}

/// One rule for every backend: text with a NUL byte is refused as `invalid_record`
/// (PostgreSQL cannot store it and answered `unavailable`, which a retry loop would retry;
/// SQLite and memory took it).
fn no_nul(fields: &[(&str, &str)]) -> Result<(), StoreError> {
    match fields.iter().find(|(_, v)| v.contains('\0')) {
        Some((name, v)) => Err(StoreError::InvalidRecord(format!(
            "the {name} {v:?} contains a NUL byte, which no store keeps"
        ))),
        None => Ok(()),
    }
}

/// Append-only records with a checksum chain, and a key → value table for state.
///
/// Every backend passes the same conformance suite (`crates/core/tests/store.rs`).
pub trait Store: Send {
    /// The backend's name: `memory`, `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;

    /// Appends a record durably (committed before it returns). `invalid_record` for an empty
    /// stream or id, `duplicate_id` when the stream already has `id`, `unavailable` when the
    /// backend fails.
    fn append(&mut self, stream: &str, id: &str, body: &str) -> Result<StoredRecord, StoreError>;

    /// The records of `stream` (all streams for `None`), in the order appended.
    fn records(&mut self, stream: Option<&str>) -> Result<Vec<StoredRecord>, StoreError>;

    /// The record `id` of `stream`, if any.
    fn record(&mut self, stream: &str, id: &str) -> Result<Option<StoredRecord>, StoreError>;

    /// Recomputes the whole checksum chain (as opening does); the number of records.
    fn verify(&mut self) -> Result<u64, StoreError>;

    /// Sets `key` to `value` (state that changes in place, e.g. a rollout's step).
    fn put_state(&mut self, key: &str, value: &str) -> Result<(), StoreError>;

    /// The value of `key`, if set.
    fn state(&mut self, key: &str) -> Result<Option<String>, StoreError>;
}

impl std::fmt::Debug for dyn Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Store({})", self.backend())
    }
}

/// Opens the store a URL names: `memory:`, `sqlite:PATH` or `postgres://…`. The history is
/// verified before it is returned (`tampered`). `invalid_url` for anything else, or for a
/// backend this build was compiled without.
pub fn open(url: &str) -> Result<Box<dyn Store>, StoreError> {
    if url == "memory:" {
        return Ok(Box::new(MemoryStore::new()));
    }
    if let Some(path) = url.strip_prefix("sqlite:") {
        if path.is_empty() {
            return Err(StoreError::InvalidUrl(
                "sqlite: needs a file path, e.g. sqlite:ledger.db".to_string(),
            ));
        }
        #[cfg(feature = "sqlite")]
        return Ok(Box::new(sqlite::SqliteStore::open(path)?));
        #[cfg(not(feature = "sqlite"))]
        return Err(StoreError::InvalidUrl(
            "this build has no SQLite backend (feature \"sqlite\")".to_string(),
        ));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        #[cfg(feature = "postgres")]
        return Ok(Box::new(postgres::PostgresStore::open(url)?));
        #[cfg(not(feature = "postgres"))]
        return Err(StoreError::InvalidUrl(
            "this build has no PostgreSQL backend (feature \"postgres\")".to_string(),
        ));
    }
    Err(StoreError::InvalidUrl(format!(
        "unknown store {url:?}: use memory:, sqlite:PATH or postgres://USER@HOST:PORT/DB"
    )))
}

/// Opens a store that must already exist, for verification and reports: a SQLite file is
/// opened read-only (an auditor without write permission can verify it) and is never created
/// (a mistyped path is `unavailable`, not a new empty store that verifies); a PostgreSQL
/// database is not migrated and must hold a store. The history is verified (`tampered`).
pub fn open_existing(url: &str) -> Result<Box<dyn Store>, StoreError> {
    #[cfg(feature = "sqlite")]
    if let Some(path) = url.strip_prefix("sqlite:").filter(|p| !p.is_empty()) {
        return Ok(Box::new(sqlite::SqliteStore::open_read_only(path)?));
    }
    #[cfg(feature = "postgres")]
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(Box::new(postgres::PostgresStore::open_existing(url)?));
    }
    open(url)
}

/// A store URL fit to print: the password, if any, is replaced by `***`
/// (`postgres://lg:secret@host/db` → `postgres://lg:***@host/db`).
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}{path}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

/// Appends a record unless the stream already has it: `Ok(true)` when appended, `Ok(false)`
/// when a record with this id and the same body is there (loading the same file twice is
/// harmless), `duplicate_id` when the id is there with a different body. Two writers loading
/// the same lines at once both succeed: the one that loses the race finds the winner's
/// record and skips it.
pub fn append_once(
    store: &mut dyn Store,
    stream: &str,
    id: &str,
    body: &str,
) -> Result<bool, StoreError> {
    let same_or_different = |r: StoredRecord| {
        if r.body == body {
            Ok(false)
        } else {
            Err(StoreError::DuplicateId(format!(
                "stream {stream:?} already has a different record {id:?} (record {})",
                r.seq
            )))
        }
    };
    match store.record(stream, id)? {
        Some(r) => same_or_different(r),
        None => match store.append(stream, id, body) {
            Ok(_) => Ok(true),
            // Another writer appended this id between the look-up and the append.
            Err(StoreError::DuplicateId(m)) => match store.record(stream, id)? {
                Some(r) => same_or_different(r),
                None => Err(StoreError::DuplicateId(m)),
            },
            Err(e) => Err(e),
        },
    }
}

/// A store in this process's memory: the reference the durable backends are tested against.
#[derive(Debug, Default)]
pub struct MemoryStore {
    records: Vec<StoredRecord>,
    ids: HashSet<(String, String)>,
    state: HashMap<String, String>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// A store holding a dump of a whole store (the JSON lines of `liberation-gates store
    /// dump --store URL`), its checksum chain recomputed first: `invalid_record` for a line
    /// that is not a stored record, `tampered` for a record changed, dropped or reordered.
    pub fn from_dump(text: &str) -> Result<MemoryStore, StoreError> {
        let mut copy = MemoryStore::new();
        for (i, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let r: StoredRecord = serde_json::from_str(line).map_err(|e| {
                StoreError::InvalidRecord(format!("line {}: not a stored record: {e}", i + 1))
            })?;
            let again = copy.append(&r.stream, &r.id, &r.body)?;
            if (again.seq, &again.checksum) != (r.seq, &r.checksum) {
                return Err(StoreError::Tampered(format!(
                    "line {}: record {} ({} {:?}) does not chain: the dump was changed, cut or reordered",
                    i + 1,
                    r.seq,
                    r.stream,
                    r.id
                )));
            }
        }
        Ok(copy)
    }
}

impl Store for MemoryStore {
    fn backend(&self) -> &'static str {
        "memory"
    }

    fn append(&mut self, stream: &str, id: &str, body: &str) -> Result<StoredRecord, StoreError> {
        check_names(stream, id)?;
        no_nul(&[("body", body)])?;
        if self.ids.contains(&(stream.to_string(), id.to_string())) {
            return Err(duplicate(stream, id));
        }
        let prev = self.records.last().map_or(GENESIS, |r| r.checksum.as_str());
        let r = StoredRecord::next(prev, self.records.len() as u64 + 1, stream, id, body);
        self.ids.insert((stream.to_string(), id.to_string()));
        self.records.push(r.clone());
        Ok(r)
    }

    fn records(&mut self, stream: Option<&str>) -> Result<Vec<StoredRecord>, StoreError> {
        Ok(self
            .records
            .iter()
            .filter(|r| stream.is_none_or(|s| r.stream == s))
            .cloned()
            .collect())
    }

    fn record(&mut self, stream: &str, id: &str) -> Result<Option<StoredRecord>, StoreError> {
        Ok(self
            .records
            .iter()
            .find(|r| r.stream == stream && r.id == id)
            .cloned())
    }

    fn verify(&mut self) -> Result<u64, StoreError> {
        let head = self
            .records
            .last()
            .map_or((0, GENESIS), |r| (r.seq, r.checksum.as_str()));
        verify_chain(&self.records, head)?;
        Ok(self.records.len() as u64)
    }

    fn put_state(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        no_nul(&[("state key", key), ("state value", value)])?;
        self.state.insert(key.to_string(), value.to_string());
        Ok(())
    }

    fn state(&mut self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.state.get(key).cloned())
    }
}

fn duplicate(stream: &str, id: &str) -> StoreError {
    StoreError::DuplicateId(format!("stream {stream:?} already has a record {id:?}"))
}

/// The stream a [`DurableLedger`] keeps its lines in.
pub const LEDGER_STREAM: &str = "ledger";

/// A [`Ledger`] whose lines are kept in a [`Store`]: opening replays the stored lines, and
/// [`append`](Self::append) writes a line to the store only once the ledger has accepted it.
/// [`in_memory`](Self::in_memory) is the same ledger with no store (what the bindings hold
/// when no store URL is given), so every language records through one type.
pub struct DurableLedger {
    ledger: Ledger,
    store: Option<Box<dyn Store>>,
}

impl std::fmt::Debug for DurableLedger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DurableLedger")
            .field("backend", &self.backend())
            .field("records", &self.ledger.records().len())
            .finish()
    }
}

/// The options of a binding's `Ledger` constructor: `{store?}`, the URL of a durable store
/// (`"sqlite:PATH"`, `"postgres://…"`) to keep the ledger in.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerOptions {
    /// Where the ledger is kept; in memory when absent.
    #[serde(default)]
    pub store: Option<String>,
}

impl DurableLedger {
    /// Opens the store at `url` and replays its ledger stream. A stored line that no longer
    /// parses or applies is `invalid_record`, naming its sequence number.
    pub fn open(url: &str) -> Result<DurableLedger, Error> {
        Self::from_store(open(url)?)
    }

    /// Replays the ledger stream of an open store.
    pub fn from_store(mut store: Box<dyn Store>) -> Result<DurableLedger, Error> {
        let mut ledger = Ledger::new();
        for r in store.records(Some(LEDGER_STREAM))? {
            let line = LedgerLine::parse(&r.body).map_err(|e| {
                StoreError::InvalidRecord(format!(
                    "stored ledger record {} is not a ledger line: {}",
                    r.seq,
                    e.message()
                ))
            })?;
            ledger.apply(&line).map_err(|e| {
                StoreError::InvalidRecord(format!(
                    "stored ledger record {} no longer applies: {e}",
                    r.seq
                ))
            })?;
        }
        Ok(DurableLedger {
            ledger,
            store: Some(store),
        })
    }

    /// The ledger of a store dump ([`MemoryStore::from_dump`]: its checksum chain checked
    /// first), in memory: what a dashboard shows, written nowhere.
    pub fn from_dump(text: &str) -> Result<DurableLedger, Error> {
        let mut d = Self::from_store(Box::new(MemoryStore::from_dump(text)?))?;
        d.store = None;
        Ok(d)
    }

    /// An empty ledger in memory when `store` is `None`, else the ledger kept in the store at
    /// that URL, replayed from it (what every binding's `Ledger` constructor takes).
    pub fn new(store: Option<&str>) -> Result<DurableLedger, Error> {
        match store {
            None => Ok(Self::in_memory(Ledger::new())),
            Some(url) => Self::open(url),
        }
    }

    /// `ledger`, kept in memory only: the same API, nothing written anywhere.
    pub fn in_memory(ledger: Ledger) -> DurableLedger {
        DurableLedger {
            ledger,
            store: None,
        }
    }

    /// The store's backend (`"sqlite"`, `"postgres"`, …), or `None` in memory.
    pub fn backend(&self) -> Option<&'static str> {
        self.store.as_ref().map(|s| s.backend())
    }

    /// Checks `line` against the ledger, writes it to the store, then records it. On any
    /// error neither the ledger nor the store has changed.
    pub fn append(&mut self, line: &LedgerLine) -> Result<(), Error> {
        let prepared = self.ledger.prepare(line)?;
        if let Some(store) = &mut self.store {
            let body = serde_json::to_string(line).map_err(|e| {
                StoreError::InvalidRecord(format!("ledger line cannot be written as JSON: {e}"))
            })?;
            store.append(LEDGER_STREAM, &prepared.record().id, &body)?;
        }
        self.ledger.commit(prepared);
        Ok(())
    }

    /// Computes a split from its terms, stores it and records it (as
    /// [`Ledger::record_split`], durably).
    pub fn record_split(&mut self, id: &str, t: f64, input: &SplitInput) -> Result<Split, Error> {
        self.append(&LedgerLine::Split {
            id: id.to_string(),
            t,
            input: input.clone(),
        })?;
        // Accepted, so the same terms split again the same way (the split is a pure function).
        Ok(split(input)?)
    }

    /// Refunds `amount` of split `split_id`, stores it and records it (as
    /// [`Ledger::record_refund`], durably).
    pub fn record_refund(
        &mut self,
        id: &str,
        t: f64,
        split_id: &str,
        amount: &str,
    ) -> Result<(), Error> {
        self.append(&LedgerLine::Refund {
            id: id.to_string(),
            t,
            split: split_id.to_string(),
            amount: amount.to_string(),
        })
    }

    /// Records a payout the payment system made (as [`Ledger::record_payout`], durably): the
    /// store keeps payouts like every other ledger line.
    pub fn record_payout(
        &mut self,
        id: &str,
        t: f64,
        split_id: &str,
        creator: &str,
        amount: &str,
    ) -> Result<(), Error> {
        self.append(&LedgerLine::Payout {
            id: id.to_string(),
            t,
            split: split_id.to_string(),
            creator: creator.to_string(),
            amount: amount.to_string(),
        })
    }

    /// As [`append`](Self::append), unless the store already has this line: `Ok(false)` for
    /// the same line again (loading a file twice is harmless), `duplicate_id` for a different
    /// line under a stored id.
    /// In memory there is nothing stored to compare with: the line is appended.
    pub fn append_once(&mut self, line: &LedgerLine) -> Result<bool, Error> {
        let Some(store) = &mut self.store else {
            return self.append(line).map(|()| true);
        };
        let id = line.id();
        let body = serde_json::to_string(line).map_err(|e| {
            StoreError::InvalidRecord(format!("ledger line cannot be written as JSON: {e}"))
        })?;
        match store.record(LEDGER_STREAM, id)? {
            Some(r) if r.body == body => Ok(false),
            Some(r) => Err(StoreError::DuplicateId(format!(
                "the ledger already has a different line {id:?} (record {})",
                r.seq
            ))
            .into()),
            None => self.append(line).map(|()| true),
        }
    }

    /// The ledger as stored.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// The ledger, owned (the store, if any, is closed).
    pub fn into_ledger(self) -> Ledger {
        self.ledger
    }

    /// The store, for other streams (votes, decisions, flag changes) and state; `None` in
    /// memory.
    pub fn store(&mut self) -> Option<&mut (dyn Store + 'static)> {
        self.store.as_deref_mut()
    }

    /// The currency of the recorded split `split_id` (its code), for reading an amount given
    /// in minor units; `""` when no such split is recorded (the record then fails naming it).
    pub fn split_currency_code(&self, split_id: &str) -> &'static str {
        self.ledger
            .split_currency(split_id)
            .map_or("", |c| c.code())
    }
}

#[cfg(feature = "sqlite")]
pub mod sqlite;

#[cfg(feature = "postgres")]
pub mod postgres;

#[cfg(feature = "redis")]
pub mod shared;
