//! The fleet backend: PostgreSQL. Writers in any number of processes are serialised on the
//! head row (`SELECT … FOR UPDATE` in each append's transaction), so sequence numbers have
//! no gaps, no record is lost and none is written twice. Migrations ship with the crate
//! (`migrations/postgres/*.sql`) and are applied on open under an advisory lock.
use super::{check_names, duplicate, no_nul, verify_chain, Store, StoredRecord};
use crate::error::StoreError;
use ::postgres::error::SqlState;
use ::postgres::{Client, IsolationLevel, NoTls};
use std::time::Duration;

/// Every migration, in order: (version, SQL).
pub const MIGRATIONS: &[(i32, &str)] = &[
    (1, include_str!("../../migrations/postgres/0001_init.sql")),
    (2, include_str!("../../migrations/postgres/0002_count.sql")),
];

/// Any 64-bit number identifying "liberation-gates migrations" to `pg_advisory_xact_lock`.
const MIGRATION_LOCK: i64 = 0x6c67_6d69_6772_6174;

/// How long connecting may take when the URL gives no `connect_timeout`.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The server-side bound on each statement when the URL sets no `options`.
const STATEMENT_TIMEOUT_MS: u64 = 30_000;

/// Connects with a bound on the whole handshake: a port that accepts connections but never
/// answers used to hang for ever (the driver's own timeout covers only the TCP connect).
/// The connection runs on a helper thread; past the URL's `connect_timeout` (default
/// 10 s) the caller gets `unavailable` and the thread ends when the socket does. Each
/// statement is bounded on the server by `statement_timeout` (30 s) unless the URL sets
/// its own `options`.
fn connect(url: &str) -> Result<Client, StoreError> {
    let mut config: ::postgres::Config = url
        .parse()
        .map_err(|e| StoreError::InvalidUrl(format!("postgres URL: {e}")))?;
    let timeout = config
        .get_connect_timeout()
        .copied()
        .unwrap_or(CONNECT_TIMEOUT);
    config.connect_timeout(timeout);
    if config.get_options().is_none() {
        config.options(&format!("-c statement_timeout={STATEMENT_TIMEOUT_MS}"));
    }
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(config.connect(NoTls));
    });
    match rx.recv_timeout(timeout) {
        Ok(r) => r.map_err(|e| unavailable("connect", e)),
        Err(_) => Err(StoreError::Unavailable(format!(
            "postgres: connect: no answer within {} s",
            timeout.as_secs_f64()
        ))),
    }
}

/// PostgreSQL's own sentence and SQLSTATE when the server gave one (the error's Display
/// says only "db error" for a wrong password, user or database alike).
fn unavailable(what: &str, e: ::postgres::Error) -> StoreError {
    match e.as_db_error() {
        Some(db) => StoreError::Unavailable(format!(
            "postgres: {what}: {} (SQLSTATE {})",
            db.message(),
            db.code().code()
        )),
        None => StoreError::Unavailable(format!("postgres: {what}: {e}")),
    }
}

/// A store in a PostgreSQL database. A connection the server closed (a restart, a
/// killed backend) is opened again by the next operation: the operation that met the
/// broken connection fails with `unavailable`, the ones after it carry on.
pub struct PostgresStore {
    url: String,
    client: Client,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore").finish_non_exhaustive()
    }
}

fn row(r: &::postgres::Row) -> StoredRecord {
    StoredRecord {
        seq: r.get::<_, i64>(0) as u64,
        stream: r.get(1),
        id: r.get(2),
        body: r.get(3),
        checksum: r.get(4),
    }
}

impl PostgresStore {
    /// Connects to a database that must already hold a store (no migration): for
    /// verification and reports.
    pub fn open_existing(url: &str) -> Result<PostgresStore, StoreError> {
        let mut client = connect(url)?;
        let exists = client
            .query_one("SELECT to_regclass('lg_head') IS NOT NULL", &[])
            .map_err(|e| unavailable("look-up", e))?
            .get::<_, bool>(0);
        if !exists {
            return Err(StoreError::Unavailable(
                "postgres: this database holds no liberation-gates store".into(),
            ));
        }
        let mut s = PostgresStore {
            url: url.to_string(),
            client,
        };
        s.verify()?;
        Ok(s)
    }

    /// The connection, opened again first if the server closed it.
    fn client(&mut self) -> Result<&mut Client, StoreError> {
        if self.client.is_closed() {
            tracing::info!(target: "liberation_gates::store", "postgres: reconnecting");
            self.client = connect(&self.url)?;
        }
        Ok(&mut self.client)
    }

    /// Connects (`postgres://USER[:PASSWORD]@HOST:PORT/DB`), migrates and verifies.
    pub fn open(url: &str) -> Result<PostgresStore, StoreError> {
        let mut client = connect(url)?;
        let mut tx = client.transaction().map_err(|e| unavailable("begin", e))?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .map_err(|e| unavailable("migration lock", e))?;
        tx.batch_execute("CREATE TABLE IF NOT EXISTS lg_migrations (version INTEGER PRIMARY KEY)")
            .map_err(|e| unavailable("migrations", e))?;
        for (version, sql) in MIGRATIONS {
            let done = tx
                .query_opt("SELECT 1 FROM lg_migrations WHERE version = $1", &[version])
                .map_err(|e| unavailable("migrations", e))?
                .is_some();
            if !done {
                tx.batch_execute(sql)
                    .map_err(|e| unavailable(&format!("migration {version}"), e))?;
                tx.execute(
                    "INSERT INTO lg_migrations (version) VALUES ($1)",
                    &[version],
                )
                .map_err(|e| unavailable("migrations", e))?;
            }
        }
        tx.commit().map_err(|e| unavailable("commit", e))?;
        let mut s = PostgresStore {
            url: url.to_string(),
            client,
        };
        s.verify()?;
        Ok(s)
    }
}

impl Store for PostgresStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    fn append(&mut self, stream: &str, id: &str, body: &str) -> Result<StoredRecord, StoreError> {
        check_names(stream, id)?;
        no_nul(&[("body", body)])?;
        let mut tx = self
            .client()?
            .transaction()
            .map_err(|e| unavailable("begin", e))?;
        let head = tx
            .query_opt(
                "SELECT seq, checksum FROM lg_head WHERE one = 1 FOR UPDATE",
                &[],
            )
            .map_err(|e| unavailable("head", e))?
            .ok_or_else(|| StoreError::Tampered("the head row is missing".to_string()))?;
        let prev: String = head.get(1);
        let r = StoredRecord::next(&prev, head.get::<_, i64>(0) as u64 + 1, stream, id, body);
        if let Err(e) = tx.execute(
            "INSERT INTO lg_records (seq, stream, id, body, checksum) VALUES ($1, $2, $3, $4, $5)",
            &[&(r.seq as i64), &stream, &id, &body, &r.checksum],
        ) {
            return Err(if e.code() == Some(&SqlState::UNIQUE_VIOLATION) {
                duplicate(stream, id)
            } else {
                unavailable("insert", e)
            });
        }
        tx.execute(
            "UPDATE lg_head SET seq = $1, checksum = $2 WHERE one = 1",
            &[&(r.seq as i64), &r.checksum],
        )
        .map_err(|e| unavailable("head", e))?;
        tx.execute(
            "UPDATE lg_count SET n = $1 WHERE one = 1",
            &[&(r.seq as i64)],
        )
        .map_err(|e| unavailable("count", e))?;
        tx.commit().map_err(|e| unavailable("commit", e))?;
        Ok(r)
    }

    fn records(&mut self, stream: Option<&str>) -> Result<Vec<StoredRecord>, StoreError> {
        let rows = match stream {
            Some(s) => self.client()?.query(
                "SELECT seq, stream, id, body, checksum FROM lg_records WHERE stream = $1 ORDER BY seq",
                &[&s],
            ),
            None => self.client()?.query(
                "SELECT seq, stream, id, body, checksum FROM lg_records ORDER BY seq",
                &[],
            ),
        }
        .map_err(|e| unavailable("read", e))?;
        Ok(rows.iter().map(row).collect())
    }

    fn record(&mut self, stream: &str, id: &str) -> Result<Option<StoredRecord>, StoreError> {
        self.client()?
            .query_opt(
                "SELECT seq, stream, id, body, checksum FROM lg_records WHERE stream = $1 AND id = $2",
                &[&stream, &id],
            )
            .map(|r| r.as_ref().map(row))
            .map_err(|e| unavailable("read", e))
    }

    fn verify(&mut self) -> Result<u64, StoreError> {
        // One snapshot for the head and the records.
        let mut tx = self
            .client()?
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(|e| unavailable("begin", e))?;
        let head = tx
            .query_opt("SELECT seq, checksum FROM lg_head WHERE one = 1", &[])
            .map_err(|e| unavailable("head", e))?
            .ok_or_else(|| StoreError::Tampered("the head row is missing".to_string()))?;
        let count: i64 = tx
            .query_opt("SELECT n FROM lg_count WHERE one = 1", &[])
            .map_err(|e| unavailable("count", e))?
            .ok_or_else(|| StoreError::Tampered("the record count is missing".to_string()))?
            .get(0);
        if count != head.get::<_, i64>(0) {
            return Err(StoreError::Tampered(format!(
                "the store counted {count} records (apart from the rows) but its head says {}: \
                 records were removed or the head rewritten",
                head.get::<_, i64>(0)
            )));
        }
        let records: Vec<StoredRecord> = tx
            .query(
                "SELECT seq, stream, id, body, checksum FROM lg_records ORDER BY seq",
                &[],
            )
            .map_err(|e| unavailable("read", e))?
            .iter()
            .map(row)
            .collect();
        tx.commit().map_err(|e| unavailable("end", e))?;
        let head_sum: String = head.get(1);
        verify_chain(&records, (head.get::<_, i64>(0) as u64, &head_sum))?;
        Ok(records.len() as u64)
    }

    fn put_state(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        no_nul(&[("state key", key), ("state value", value)])?;
        self.client()?
            .execute(
                "INSERT INTO lg_state (key, value) VALUES ($1, $2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[&key, &value],
            )
            .map(|_| ())
            .map_err(|e| unavailable("state", e))
    }

    fn state(&mut self, key: &str) -> Result<Option<String>, StoreError> {
        self.client()?
            .query_opt("SELECT value FROM lg_state WHERE key = $1", &[&key])
            .map(|r| r.map(|r| r.get(0)))
            .map_err(|e| unavailable("state", e))
    }
}
