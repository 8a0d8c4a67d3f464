//! Breakers sharing their state through a real Redis server (issue 10). Each test starts its
//! own `redis-server` (from `LG_REDIS_SERVER`, else `redis-server` on PATH) on a free port
//! with no persistence, so it can also stop it in the middle of a run. Without a
//! redis-server the tests say so and pass, unless `LG_REQUIRE_SERVERS=1` (scripts/test).
#![cfg(feature = "redis")]

use liberation_gates::breaker::{BreakerConfig, BreakerState, WindowConfig};
use liberation_gates::clock::WallClock;
use liberation_gates::store::shared::{SharedBreaker, SharedEvent, SharedOptions};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Redis {
    child: Child,
    port: u16,
}

fn redis_binary() -> Option<String> {
    let bin = std::env::var("LG_REDIS_SERVER").unwrap_or_else(|_| "redis-server".to_string());
    let found = Command::new(&bin)
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok();
    if !found {
        assert!(
            std::env::var("LG_REQUIRE_SERVERS").as_deref() != Ok("1"),
            "LG_REQUIRE_SERVERS=1 but {bin} cannot be run"
        );
        eprintln!("shared breaker tests skipped: no redis-server (set LG_REDIS_SERVER)");
        return None;
    }
    Some(bin)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Redis {
    fn start(port: u16) -> Option<Redis> {
        let bin = redis_binary()?;
        let child = Command::new(bin)
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "redis-server did not start on {port}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(Redis { child, port })
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.stop();
    }
}

fn small() -> BreakerConfig {
    BreakerConfig {
        window: WindowConfig::Count { size: 4 },
        minimum_calls: 4,
        open_seconds: 60.0,
        ..BreakerConfig::default()
    }
}

fn fast_retry() -> SharedOptions {
    SharedOptions {
        timeout: Duration::from_millis(200),
        retry_seconds: 0.2,
    }
}

fn shared(url: &str, name: &str) -> SharedBreaker {
    SharedBreaker::with_options(url, name, small(), fast_retry(), Arc::new(WallClock)).unwrap()
}

#[test]
fn breakers_of_one_name_share_one_window_and_state() {
    let Some(redis) = Redis::start(free_port()) else {
        return;
    };
    // Two breakers with their own connections stand for two processes.
    let a = shared(&redis.url(), "payments");
    let b = shared(&redis.url(), "payments");
    let other = shared(&redis.url(), "search");
    let transitions = Arc::new(Mutex::new(Vec::new()));
    let seen = transitions.clone();
    b.on_event(move |e| seen.lock().unwrap().push(e.clone()));
    assert!(a.call(|| Err::<(), _>("down")).is_ok());
    assert!(b.call(|| Err::<(), _>("down")).is_ok());
    assert!(a.call(|| Ok::<_, ()>(1)).is_ok());
    assert_eq!(
        a.state(),
        BreakerState::Closed,
        "3 calls: below minimum_calls"
    );
    // The fourth call, from b, fills the window at a 50% failure rate: b opens it.
    assert!(b.call(|| Ok::<_, ()>(1)).is_ok());
    assert_eq!(a.state(), BreakerState::Open);
    assert_eq!(b.state(), BreakerState::Open);
    assert!(a.try_acquire().is_err(), "a sees what b's record did");
    assert_eq!(
        other.state(),
        BreakerState::Closed,
        "another name is another breaker"
    );
    let events = transitions.lock().unwrap().clone();
    assert!(
        matches!(
            events.as_slice(),
            [SharedEvent::Transition(t)] if t.from == BreakerState::Closed && t.to == BreakerState::Open
        ),
        "{events:?}"
    );
    assert!(a.is_shared() && b.is_shared());
}

#[test]
fn concurrent_processes_lose_no_acquire_and_no_record() {
    let Some(redis) = Redis::start(free_port()) else {
        return;
    };
    let url = redis.url();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || {
                let b = SharedBreaker::with_options(
                    &url,
                    "counted",
                    BreakerConfig::default(),
                    fast_retry(),
                    Arc::new(WallClock),
                )
                .unwrap();
                let fell_back = Arc::new(Mutex::new(Vec::new()));
                let seen = fell_back.clone();
                b.on_event(move |e| {
                    if let SharedEvent::Local { reason } = e {
                        seen.lock().unwrap().push(reason.clone());
                    }
                });
                for _ in 0..250 {
                    b.call(|| Ok::<_, ()>(())).unwrap().unwrap();
                }
                assert!(
                    b.is_shared(),
                    "fell back to local: {:?}",
                    fell_back.lock().unwrap()
                );
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let stats = shared(&url, "counted").stats();
    assert_eq!(stats.permitted, 1000);
    assert_eq!(stats.successes, 1000);
}

#[test]
fn redis_stopped_mid_run_falls_back_to_local_and_comes_back() {
    let port = free_port();
    let Some(mut redis) = Redis::start(port) else {
        return;
    };
    let b = shared(&redis.url(), "profiles");
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = events.clone();
    b.on_event(move |e| seen.lock().unwrap().push(e.clone()));
    for _ in 0..10 {
        assert!(b.call(|| Ok::<_, ()>(())).unwrap().is_ok());
    }
    assert!(b.is_shared());

    redis.stop();
    let started = Instant::now();
    for _ in 0..100 {
        // Every call still goes through: Redis trouble is not an outage.
        assert!(b.call(|| Ok::<_, ()>(())).unwrap().is_ok());
    }
    assert!(!b.is_shared());
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "100 calls with Redis down took {:?}: the breaker waited on Redis",
        started.elapsed()
    );
    // Failures still trip the local breaker.
    for _ in 0..4 {
        let _ = b.call(|| Err::<(), _>("down"));
    }
    assert!(b.try_acquire().is_err(), "the local breaker opened");
    {
        let e = events.lock().unwrap();
        let locals: Vec<_> = e
            .iter()
            .filter(|e| matches!(e, SharedEvent::Local { .. }))
            .collect();
        assert_eq!(locals.len(), 1, "one event when falling back: {e:?}");
    }

    let _redis = Redis::start(port).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        b.call(|| Ok::<_, ()>(())).unwrap().is_ok(),
        "shared state again: a new server, closed"
    );
    assert!(b.is_shared());
    let e = events.lock().unwrap();
    assert!(
        matches!(e.last(), Some(SharedEvent::Shared))
            || e.iter().any(|e| matches!(e, SharedEvent::Shared)),
        "{e:?}"
    );
}

#[test]
fn an_unreachable_redis_from_the_start_is_local_not_an_error() {
    if redis_binary().is_none() {
        return;
    }
    let port = free_port(); // nothing listens here
    let b = shared(&format!("redis://127.0.0.1:{port}/"), "offline");
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = events.clone();
    b.on_event(move |e| seen.lock().unwrap().push(e.clone()));
    for _ in 0..20 {
        assert!(b.call(|| Ok::<_, ()>(())).unwrap().is_ok());
    }
    assert!(!b.is_shared());
    assert_eq!(events.lock().unwrap().len(), 1);
}

#[test]
fn a_bad_url_or_name_is_a_typed_error() {
    let e = SharedBreaker::connect("http://nope", "x", BreakerConfig::default()).unwrap_err();
    assert_eq!(e.kind(), "invalid_url");
    let e =
        SharedBreaker::connect("redis://127.0.0.1:1/", "", BreakerConfig::default()).unwrap_err();
    assert_eq!(e.kind(), "invalid_record");
}

#[test]
fn a_lock_left_by_a_dead_process_expires_and_calls_go_on() {
    let Some(redis) = Redis::start(free_port()) else {
        return;
    };
    let b = shared(&redis.url(), "orphaned");
    assert!(b.call(|| Ok::<_, ()>(())).unwrap().is_ok());
    // A process died holding the lock (it expires after 300 ms) and had written meanwhile,
    // so this breaker's cached state is stale: it must wait for the lock, not go local.
    let client = redis::Client::open(redis.url()).unwrap();
    let mut conn = client.get_connection().unwrap();
    let _: () = redis::cmd("SET")
        .arg("liberation-gates:breaker:orphaned:lock")
        .arg("dead-process")
        .arg("PX")
        .arg(300)
        .query(&mut conn)
        .unwrap();
    let started = Instant::now();
    assert!(b.call(|| Ok::<_, ()>(())).unwrap().is_ok());
    assert!(b.is_shared(), "waited for the lock instead of falling back");
    assert!(
        started.elapsed() >= Duration::from_millis(250),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(b.stats().permitted, 2);
}
