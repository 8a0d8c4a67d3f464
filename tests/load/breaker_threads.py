"""8 Python threads on one breaker (issue 22's load across languages; the Node half is
breaker_workers.mjs, run at the same time by breaker_threads.sh).

    .venv/bin/python tests/load/breaker_threads.py CALLS

The threads share one CircuitBreaker with a 2-second time window; one call in 1,000 fails
(the slow path), the rest succeed (the lock-free path). What must hold: every call is counted
once (permitted + rejected = CALLS; successes + failures + ignored = the calls that ran),
nothing crashes, and the window never holds more than its 2 one-second buckets (sampled every
20 ms while the calls run, and at the end).
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Dict, List

import liberation_gates as lg

THREADS = 8
SECONDS = 2


def flaky(fail: bool) -> int:
    if fail:
        raise ConnectionError("one call in 1,000 fails")
    return 1


def main() -> int:
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    per_thread = calls // THREADS
    breaker = lg.CircuitBreaker({"window": {"type": "time", "seconds": SECONDS}, "minimum_calls": 100})
    tallies: Dict[int, Dict[str, int]] = {}
    most: List[int] = [0]
    running = threading.Event()
    running.set()

    def work(n: int) -> None:
        t = {"ok": 0, "failed": 0, "rejected": 0}
        for i in range(per_thread):
            try:
                breaker.call(flaky, (i + n) % 1000 == 0)
                t["ok"] += 1
            except lg.CircuitOpenError:
                t["rejected"] += 1
            except ConnectionError:
                t["failed"] += 1
        tallies[n] = t

    def watch() -> None:
        while running.is_set():
            most[0] = max(most[0], breaker.metrics()["window_buckets"])
            time.sleep(0.02)

    started = time.monotonic()
    watcher = threading.Thread(target=watch)
    watcher.start()
    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    running.clear()
    watcher.join()
    took = time.monotonic() - started
    m = breaker.metrics()
    most[0] = max(most[0], m["window_buckets"])
    total = {k: sum(t[k] for t in tallies.values()) for k in ("ok", "failed", "rejected")}
    stats = m["stats"]
    made = per_thread * THREADS
    checks = [
        (sum(total.values()) == made, f"the threads made {sum(total.values())} calls, not {made}"),
        (stats["permitted"] + stats["rejected"] == made,
         f"permitted {stats['permitted']} + rejected {stats['rejected']} != {made}"),
        (stats["rejected"] == total["rejected"], "rejections counted differently"),
        (stats["successes"] + stats["failures"] + stats["ignored"] == total["ok"] + total["failed"],
         "outcomes counted differently"),
        (stats["failures"] == total["failed"], "failures counted differently"),
        (1 <= most[0] <= SECONDS, f"the window held {most[0]} buckets (bound {SECONDS})"),
    ]
    failed = [why for ok, why in checks if not ok]
    print(f"Python: {THREADS} threads, {made:,} calls on one breaker in {took:.1f} s: "
          f"{total['ok']:,} ok, {total['failed']:,} failed, {total['rejected']:,} rejected, "
          f"counted exactly; the window held at most {most[0]} of {SECONDS} buckets"
          + ("" if not failed else f" -- FAILED: {'; '.join(failed)}"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
