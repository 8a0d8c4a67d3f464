//! Durable stores and shared breakers (issue 10): appends per second for each backend, and
//! the latency a Redis-shared breaker adds to a protected call over a local one.
//!
//!   cargo bench -p liberation-gates-benches --bench stores
//!
//! SQLite always runs (a file under the system temp folder, WAL, synchronous=FULL: every
//! append is a committed transaction). PostgreSQL and Redis run when LG_TEST_POSTGRES_URL and
//! LG_TEST_REDIS_URL are set: scripts/bench and scripts/test start throw-away servers on
//! loopback and set them.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use liberation_gates::breaker::{BreakerConfig, CircuitBreaker};
use liberation_gates::store::shared::SharedBreaker;
use liberation_gates::store::{self, Store};
use std::sync::atomic::{AtomicU64, Ordering};

static N: AtomicU64 = AtomicU64::new(0);

fn next_id() -> String {
    format!("r-{}", N.fetch_add(1, Ordering::Relaxed))
}

const BODY: &str = r#"{"type":"split","id":"tx","t":1767225600,"gross":"12.00","currency":"GBP","creators":[{"id":"amara","weight":"1"}]}"#;

fn appends(c: &mut Criterion) {
    let mut g = c.benchmark_group("store_append");
    g.throughput(Throughput::Elements(1));
    let dir = std::env::temp_dir().join(format!("lg-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("bench.db");
    let mut backends: Vec<(&str, Box<dyn Store>)> = vec![
        ("memory", store::open("memory:").expect("memory")),
        (
            "sqlite",
            store::open(&format!("sqlite:{}", path.display())).expect("sqlite"),
        ),
    ];
    if let Ok(url) = std::env::var("LG_TEST_POSTGRES_URL") {
        backends.push(("postgres", store::open(&url).expect("postgres")));
    } else {
        eprintln!("store_append/postgres skipped: LG_TEST_POSTGRES_URL is not set");
    }
    for (name, s) in &mut backends {
        g.bench_function(*name, |b| {
            b.iter(|| black_box(s.append("bench", &next_id(), BODY).expect("append")))
        });
    }
    g.finish();
    let _ = std::fs::remove_dir_all(dir);
}

fn shared_breaker(c: &mut Criterion) {
    let mut g = c.benchmark_group("breaker_call_shared_vs_local");
    let local = CircuitBreaker::new(BreakerConfig::default()).expect("valid");
    g.bench_function("local", |b| {
        b.iter(|| black_box(local.call(|| Ok::<u32, ()>(black_box(1))).is_ok()))
    });
    match std::env::var("LG_TEST_REDIS_URL") {
        Ok(url) => {
            let shared = SharedBreaker::connect(
                &url,
                &format!("bench-{}", std::process::id()),
                BreakerConfig::default(),
            )
            .expect("valid url");
            g.bench_function("shared_through_redis", |b| {
                b.iter(|| black_box(shared.call(|| Ok::<u32, ()>(black_box(1))).is_ok()))
            });
            assert!(
                shared.is_shared(),
                "the shared breaker fell back to local during the benchmark"
            );
        }
        Err(_) => {
            eprintln!("breaker_call_shared_vs_local/shared skipped: LG_TEST_REDIS_URL is not set")
        }
    }
    g.finish();
}

criterion_group!(benches, appends, shared_breaker);
criterion_main!(benches);
