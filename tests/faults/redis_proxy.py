"""Redis slowed, then cut, between shared breakers and the server while 4 processes make
calls (issue 22).

    .venv/bin/python tests/faults/redis_proxy.py [CYCLES=1]

A TCP proxy on loopback sits between the breakers and a throw-away redis-server. Each cycle:
calls pass for 2 s; the proxy holds every byte for 1 s (slowed, far past the breakers' 200 ms
timeout) for 3 s; then it cuts every connection and refuses new ones for 3 s; then it passes
again until every process is back on Redis (a breaker retries 5 s after it went local).
What must hold:
- no call fails because of Redis: every protected call returns its value in every phase;
- a breaker falls back within its timeout: no call takes longer than BOUND_S (the 200 ms
  timeout, twice over — the permit and the record may each meet it — plus 250 ms of
  scheduling on a 2-core machine); the processes report going `local`, then `shared`;
- the shared state converges when Redis returns: after the last cycle every process records
  failures until it sees the breaker open, then all four see `open`, and so does a breaker
  that reads Redis directly (not through the proxy).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from typing import Any, Dict, List, Tuple

CONFIG = {"window": {"type": "count", "size": 20}, "minimum_calls": 10, "open_seconds": 600}
TIMEOUT_S = 0.2  # SharedOptions' default: connect, read and write
BOUND_S = 2 * TIMEOUT_S + 0.25
WORKERS = 4
PASS, SLOW, CUT, FAIL, DONE = range(5)
PHASES = ["pass", "slow", "cut", "fail", "done"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Proxy:
    """Forwards loopback TCP to `upstream`; `mode` is `pass`, `slow` or `cut`."""

    def __init__(self, upstream: int, delay: float = 1.0) -> None:
        self.upstream, self.delay, self.mode = upstream, delay, "pass"
        self.lock = threading.Lock()
        self.open: List[socket.socket] = []
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(128)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            client, _ = self.listener.accept()
            if self.mode == "cut":
                client.close()
                continue
            try:
                server = socket.create_connection(("127.0.0.1", self.upstream), timeout=2)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.open += [client, server]
            for src, dst in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data or self.mode == "cut":
                    break
                if self.mode == "slow":
                    time.sleep(self.delay)
                if self.mode == "cut":
                    break
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self) -> None:
        self.mode = "cut"
        with self.lock:
            for s in self.open:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            self.open = []


def worker(url: str, name: str, k: int, phase: Any, shared: Any, state: Any, out: Any) -> None:
    import liberation_gates as lg

    b = lg.CircuitBreaker(CONFIG, name=name, shared=url)
    events: List[Tuple[str, str]] = []
    b.on_shared_event(lambda what, reason: events.append((PHASES[phase.value], what)))
    calls, failed, errors = 0, 0, []
    slowest: Dict[str, float] = {}

    def down() -> None:
        raise ConnectionError("the dependency is down")

    while True:
        # Read the phase once per call: reading it again after the loop test would let a
        # FAIL -> DONE flip in between send a normal call into the breaker we just opened.
        p = phase.value
        if p == DONE:
            break
        t0 = time.perf_counter()
        if p == FAIL:
            try:
                b.call(down)
            except ConnectionError:
                pass
            except lg.CircuitOpenError:
                pass
        else:
            try:
                if b.call(lambda: 7) != 7:
                    raise AssertionError("a call returned the wrong value")
            except Exception as e:  # noqa: BLE001 - any failure here is what the test counts
                failed += 1
                errors.append(f"{PHASES[p]}: {e!r}")
        took = time.perf_counter() - t0
        slowest[PHASES[p]] = max(slowest.get(PHASES[p], 0.0), took)
        calls += 1
        shared[k] = int(b.is_shared)
        state[k] = {"closed": 0, "open": 1}.get(b.state, 2)
        time.sleep(0.001)
    out.put({"k": k, "calls": calls, "failed": failed, "errors": errors[:5],
             "slowest": slowest, "events": events, "state": b.state})


def main() -> int:
    cycles = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    server = os.environ.get("LG_REDIS_SERVER") or shutil.which("redis-server")
    if not server:
        print("redis-server is not installed (scripts/lib/servers.sh installs it)", file=sys.stderr)
        return 1
    folder = tempfile.mkdtemp(prefix="lg-redis-proxy.")
    port = free_port()
    redis = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no", "--dir", folder],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        return run(port, cycles)
    finally:
        redis.terminate()
        redis.wait(10)
        shutil.rmtree(folder, ignore_errors=True)


def run(port: int, cycles: int) -> int:
    import liberation_gates as lg

    proxy = Proxy(port)
    url = f"redis://127.0.0.1:{proxy.port}/"
    name = f"payments-{uuid.uuid4()}"
    ctx = mp.get_context("spawn")
    phase = ctx.Value("i", PASS)
    shared = ctx.Array("i", [0] * WORKERS)
    state = ctx.Array("i", [0] * WORKERS)
    out = ctx.Queue()
    procs = [ctx.Process(target=worker, args=(url, name, k, phase, shared, state, out))
             for k in range(WORKERS)]
    for p in procs:
        p.start()

    def wait_for(what: str, test: Any, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not test():
            if time.monotonic() > deadline:
                raise SystemExit(f"FAIL: {what} within {seconds} s")
            time.sleep(0.05)

    wait_for("every process on Redis", lambda: all(shared[:]), 30)
    for cycle in range(1, cycles + 1):
        time.sleep(2)
        proxy.mode, phase.value = "slow", SLOW
        print(f"cycle {cycle}: Redis slowed (every byte held 1 s) for 3 s")
        time.sleep(3)
        proxy.cut()
        phase.value = CUT
        print(f"cycle {cycle}: Redis cut (connections closed, new ones refused) for 3 s")
        wait_for("every process local", lambda: not any(shared[:]), 3)
        time.sleep(3)
        proxy.mode, phase.value = "pass", PASS
        began = time.monotonic()
        wait_for("every process back on Redis", lambda: all(shared[:]), 15)
        print(f"cycle {cycle}: Redis back; every process on it again after "
              f"{time.monotonic() - began:.1f} s")
    phase.value = FAIL
    wait_for("every process seeing the breaker open", lambda: all(s == 1 for s in state[:]), 10)
    phase.value = DONE
    results = sorted((out.get(timeout=30) for _ in procs), key=lambda r: r["k"])
    for p in procs:
        p.join(10)
    direct = lg.CircuitBreaker(CONFIG, name=name, shared=f"redis://127.0.0.1:{port}/")

    ok = True
    for r in results:
        slow = {k: round(v * 1000) for k, v in sorted(r["slowest"].items())}
        kinds = [what for _, what in r["events"]]
        print(f"process {r['k']}: {r['calls']} calls, {r['failed']} failed, slowest ms {slow}, "
              f"events {kinds}, sees {r['state']}")
        if r["failed"]:
            ok = False
            print(f"  FAIL: calls failed because of Redis: {r['errors']}")
        if max(r["slowest"].values()) > BOUND_S:
            ok = False
            print(f"  FAIL: a call took longer than {BOUND_S * 1000:.0f} ms")
        if kinds.count("local") < cycles or kinds.count("shared") < cycles:
            ok = False
            print("  FAIL: expected a `local` and a `shared` event per cycle")
        if r["state"] != "open":
            ok = False
    if direct.state != "open" or not direct.is_shared:
        ok = False
        print(f"FAIL: Redis itself holds {direct.state!r} (shared: {direct.is_shared})")
    if ok:
        print(f"{WORKERS} processes, {cycles} slow-then-cut cycle(s): no call failed, every call "
              f"under {BOUND_S * 1000:.0f} ms, the breaker open for all and in Redis")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
