//! The embedded backend: one SQLite file (bundled library, nothing to install), WAL
//! journal, `synchronous=FULL`, every append in an `IMMEDIATE` transaction (which also
//! serialises writers from several processes on the same file).
use super::{check_names, duplicate, no_nul, verify_chain, Store, StoredRecord, GENESIS};
use crate::error::StoreError;
use rusqlite::{params, Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior};
use std::time::Duration;

/// The record count a SQLite store keeps outside the rows it counts, in the file header
/// (`PRAGMA user_version`, stored as count + 1; 0 means "not marked": a new file, or a
/// store from before the count was kept). Removing rows and rewriting the head leaves it
/// behind, so truncation is detected; a wiped store marked created is not re-created.
fn counted(conn: &Connection) -> Result<Option<u64>, StoreError> {
    let v: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| unavailable("user_version", e))?;
    Ok((v > 0).then(|| v as u64 - 1))
}

fn set_count(conn: &Connection, n: u64) -> Result<(), StoreError> {
    let v = i32::try_from(n + 1).map_err(|_| {
        StoreError::Unavailable("a SQLite store holds at most 2^31 − 2 records".into())
    })?;
    conn.pragma_update(None, "user_version", v)
        .map_err(|e| unavailable("user_version", e))
}

/// How long a writer waits for another writer's lock before giving up (`unavailable`).
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS lg_records (
        seq INTEGER PRIMARY KEY,
        stream TEXT NOT NULL,
        id TEXT NOT NULL,
        body TEXT NOT NULL,
        checksum TEXT NOT NULL,
        UNIQUE (stream, id)
    );
    CREATE TABLE IF NOT EXISTS lg_head (
        one INTEGER PRIMARY KEY CHECK (one = 1),
        seq INTEGER NOT NULL,
        checksum TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS lg_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
";

/// A record from a `SELECT seq, stream, id, body, checksum` row.
fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredRecord> {
    Ok(StoredRecord {
        seq: r.get::<_, i64>(0)? as u64,
        stream: r.get(1)?,
        id: r.get(2)?,
        body: r.get(3)?,
        checksum: r.get(4)?,
    })
}

fn unavailable(what: &str, e: rusqlite::Error) -> StoreError {
    // A damaged file (a malformed database image) is `corrupt`, not a passing outage.
    if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseCorrupt) {
        return StoreError::Corrupt(format!("sqlite: {what}: {e}"));
    }
    StoreError::Unavailable(format!("sqlite: {what}: {e}"))
}

/// A store in one SQLite file.
#[derive(Debug)]
pub struct SqliteStore {
    conn: Connection,
}

impl SqliteStore {
    /// Opens (creating if needed) the file at `path` and verifies its history.
    pub fn open(path: &str) -> Result<SqliteStore, StoreError> {
        let conn = Connection::open(path).map_err(|e| unavailable(path, e))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| unavailable("busy_timeout", e))?;
        // Switching to WAL can fail busy without calling the busy handler while another
        // connection sets the file up: retry it for as long as a writer would wait.
        let started = std::time::Instant::now();
        loop {
            match conn.pragma_update(None, "journal_mode", "WAL") {
                Ok(()) => break,
                Err(rusqlite::Error::SqliteFailure(f, _))
                    if f.code == ErrorCode::DatabaseBusy && started.elapsed() < BUSY_TIMEOUT =>
                {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(e) => return Err(unavailable("journal_mode=WAL", e)),
            }
        }
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(|e| unavailable("synchronous=FULL", e))?;
        let mut s = SqliteStore { conn };
        {
            let tx = s
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(|e| unavailable("begin", e))?;
            tx.execute_batch(SCHEMA)
                .map_err(|e| unavailable("not a liberation-gates store, or unreadable", e))?;
            // A new store gets its head and is marked created (its count, kept in the file
            // header, is 0); a store marked created but wiped is reported, not re-created.
            let created = counted(&tx)?.is_some();
            let headed = tx
                .execute(
                    "INSERT INTO lg_head (one, seq, checksum) SELECT 1, 0, ?1
                     WHERE NOT EXISTS (SELECT 1 FROM lg_head) AND NOT EXISTS (SELECT 1 FROM lg_records)
                     AND ?2 = 0",
                    params![GENESIS, created as i64],
                )
                .map_err(|e| unavailable("head", e))?;
            if headed == 1 {
                set_count(&tx, 0)?;
            } else if !created {
                // A store from before the count was kept: count what it holds now.
                if let Ok((seq, _)) = SqliteStore::head(&tx) {
                    set_count(&tx, seq)?;
                }
            }
            tx.commit().map_err(|e| unavailable("commit", e))?;
        }
        s.verify()?;
        Ok(s)
    }

    /// Opens an existing file read-only and verifies its history: for auditors (no write
    /// permission needed) and for verification (a missing file is `unavailable`, never
    /// created).
    pub fn open_read_only(path: &str) -> Result<SqliteStore, StoreError> {
        if !std::path::Path::new(path).is_file() {
            return Err(StoreError::Unavailable(format!(
                "no store at {path}: the file does not exist"
            )));
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| unavailable(path, e))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| unavailable("busy_timeout", e))?;
        let mut s = SqliteStore { conn };
        s.verify()?;
        Ok(s)
    }

    fn head(conn: &Connection) -> Result<(u64, String), StoreError> {
        conn.query_row("SELECT seq, checksum FROM lg_head WHERE one = 1", [], |r| {
            Ok((r.get::<_, i64>(0)? as u64, r.get::<_, String>(1)?))
        })
        .optional()
        .map_err(|e| unavailable("head", e))?
        .ok_or_else(|| StoreError::Tampered("the head row is missing".to_string()))
    }
}

impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    fn append(&mut self, stream: &str, id: &str, body: &str) -> Result<StoredRecord, StoreError> {
        check_names(stream, id)?;
        no_nul(&[("body", body)])?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| unavailable("begin", e))?;
        let (last, prev) = SqliteStore::head(&tx)?;
        let r = StoredRecord::next(&prev, last + 1, stream, id, body);
        match tx.execute(
            "INSERT INTO lg_records (seq, stream, id, body, checksum) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![r.seq as i64, stream, id, body, r.checksum],
        ) {
            Ok(_) => {}
            Err(rusqlite::Error::SqliteFailure(f, _))
                if f.code == ErrorCode::ConstraintViolation =>
            {
                return Err(duplicate(stream, id));
            }
            Err(e) => return Err(unavailable("insert", e)),
        }
        tx.execute(
            "UPDATE lg_head SET seq = ?1, checksum = ?2 WHERE one = 1",
            params![r.seq as i64, r.checksum],
        )
        .map_err(|e| unavailable("head", e))?;
        set_count(&tx, r.seq)?;
        tx.commit().map_err(|e| unavailable("commit", e))?;
        Ok(r)
    }

    fn records(&mut self, stream: Option<&str>) -> Result<Vec<StoredRecord>, StoreError> {
        let sql = match stream {
            Some(_) => "SELECT seq, stream, id, body, checksum FROM lg_records WHERE stream = ?1 ORDER BY seq",
            None => "SELECT seq, stream, id, body, checksum FROM lg_records WHERE ?1 IS NULL ORDER BY seq",
        };
        let mut st = self
            .conn
            .prepare_cached(sql)
            .map_err(|e| unavailable("read", e))?;
        let rows = st
            .query_map(params![stream], from_row)
            .map_err(|e| unavailable("read", e))?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(|e| unavailable("read", e))
    }

    fn record(&mut self, stream: &str, id: &str) -> Result<Option<StoredRecord>, StoreError> {
        self.conn
            .query_row(
                "SELECT seq, stream, id, body, checksum FROM lg_records WHERE stream = ?1 AND id = ?2",
                params![stream, id],
                from_row,
            )
            .optional()
            .map_err(|e| unavailable("read", e))
    }

    fn verify(&mut self) -> Result<u64, StoreError> {
        // One read transaction, so the head and the records are the same snapshot.
        let tx = self
            .conn
            .transaction()
            .map_err(|e| unavailable("begin", e))?;
        let count = counted(&tx)?;
        let head = SqliteStore::head(&tx)?;
        if let Some(n) = count.filter(|&n| n != head.0) {
            return Err(StoreError::Tampered(format!(
                "the store counted {n} records (in its file header, outside the rows) but its \
                 head says {}: records were removed or the head rewritten",
                head.0
            )));
        }
        let records = {
            let mut st = tx
                .prepare("SELECT seq, stream, id, body, checksum FROM lg_records ORDER BY seq")
                .map_err(|e| unavailable("read", e))?;
            let rows = st
                .query_map([], from_row)
                .map_err(|e| unavailable("read", e))?;
            rows.collect::<Result<Vec<_>, _>>()
                .map_err(|e| unavailable("read", e))?
        };
        tx.finish().map_err(|e| unavailable("end", e))?;
        verify_chain(&records, (head.0, &head.1))?;
        Ok(records.len() as u64)
    }

    fn put_state(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        no_nul(&[("state key", key), ("state value", value)])?;
        self.conn
            .execute(
                "INSERT INTO lg_state (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )
            .map(|_| ())
            .map_err(|e| unavailable("state", e))
    }

    fn state(&mut self, key: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row(
                "SELECT value FROM lg_state WHERE key = ?1",
                params![key],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| unavailable("state", e))
    }
}
