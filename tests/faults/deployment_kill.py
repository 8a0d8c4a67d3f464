"""A deployment and its notification outbox killed mid-run (SIGKILL) and resumed (issue 22).

    .venv/bin/python tests/faults/deployment_kill.py [KILLS=6] [EVENTS=examples/deploy/redeploy-after-rollback.jsonl]

A runner process opens a store-backed `Deployment`, delivers what its outbox holds, then
applies the events file line by line, delivering each step's notices (the "send" appends the
notice's id to a log and fsyncs it, as a webhook call would reach its receiver) and pausing
20 ms between lines. The test kills it with SIGKILL at random moments KILLS times, starting
it again each time (it skips the lines the store already has), then lets it finish.
What must hold, against the same events run once in memory without a store:
- the same end state and the same notices (ids, times, kinds, messages);
- every notice delivered, first deliveries in notice order; a notice delivered twice only
  when a kill fell between its send and its mark (at most one duplicate per kill).
Runs on SQLite, and on PostgreSQL when LG_TEST_POSTGRES_URL is set (required where
LG_REQUIRE_SERVERS=1, as scripts/test sets).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from typing import Any, Dict, List

RUNNER = r"""
import json, os, sys, time
import liberation_gates as lg
url, service, events, log, delay = sys.argv[1:6]
d = lg.Deployment(service, store=url) if url != "memory" else lg.Deployment(service)
def send(notice):
    with open(log, "a") as f:
        f.write(notice["id"] + "\n")
        f.flush()
        os.fsync(f.fileno())
d.deliver(send)
last = d.state.get("t") if d.notices() else None
for line in open(events):
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    event = json.loads(line)
    if last is not None and event["t"] <= last:
        continue
    d.apply(event)
    d.deliver(send)
    print("applied", event["t"], flush=True)
    time.sleep(float(delay))
print(json.dumps({"state": d.state, "notices": d.notices()}))
"""


def run(url: str, service: str, events: str, log: str, kill: tuple[int, float] | None) -> Any:
    """Runs the runner to its end (its result), or kills it (`None`) `kill[1]` seconds after
    it printed its `kill[0]`th step: somewhere in the next event's apply, delivery or pause."""
    p = subprocess.Popen([sys.executable, "-c", RUNNER, url, service, events, log, "0.02"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert p.stdout is not None
    lines: List[str] = []
    for line in p.stdout:
        lines.append(line)
        if kill is not None and len(lines) == kill[0] and line.startswith("applied"):
            time.sleep(kill[1])
            p.kill()
            p.communicate()
            return None
    err = p.communicate(timeout=120)[1]
    if p.returncode != 0:
        raise SystemExit(f"FAIL: the runner exited {p.returncode}: {err.strip()[-600:]}")
    return json.loads(lines[-1])


def check(backend: str, url: str, kills: int, events: str, rng: random.Random,
          folder: str) -> bool:
    # A service of its own (the PostgreSQL database is shared with other tests): the events
    # file's decisions name the service `events`, so they are renamed with it.
    service = f"svc-{uuid.uuid4().hex[:8]}"
    text = open(events).read().replace(':events"', f':{service}"')
    events = os.path.join(folder, f"{backend}-events.jsonl")
    open(events, "w").write(text)
    reference = run("memory", service, events, os.path.join(folder, f"{backend}-ref.log"), None)
    log = os.path.join(folder, f"{backend}.log")
    killed = 0
    for _ in range(kills):
        if run(url, service, events, log, (rng.randint(1, 2), rng.uniform(0, 0.025))) is None:
            killed += 1
    final = run(url, service, events, log, None)
    delivered: List[str] = [line.strip() for line in open(log) if line.strip()]
    ids = [n["id"] for n in reference["notices"]]
    first: List[str] = []
    for i in delivered:
        if i not in first:
            first.append(i)
    duplicates = len(delivered) - len(first)
    ok = True
    if final["state"] != reference["state"]:
        ok = False
        diff = {k: (final["state"].get(k), v) for k, v in reference["state"].items()
                if final["state"].get(k) != v}
        print(f"  FAIL: the end state differs (resumed, uninterrupted): {diff}")
    if final["notices"] != reference["notices"]:
        ok = False
        print(f"  FAIL: the notices differ: {len(final['notices'])} vs {len(reference['notices'])}")
    if first != ids:
        ok = False
        print(f"  FAIL: delivered {first}, expected {ids}")
    if duplicates > killed:
        ok = False
        print(f"  FAIL: {duplicates} duplicate deliveries after {killed} kills")
    status = reference["state"]["status"]
    print(f"{backend}: {killed} SIGKILLs mid-run; end state {status!r} as uninterrupted; "
          f"{len(ids)} notices each delivered ({duplicates} delivered twice, at least once)"
          + ("" if ok else " -- FAILED"))
    return ok


def main() -> int:
    kills = int(sys.argv[1]) if len(sys.argv) > 1 else 6
    events = sys.argv[2] if len(sys.argv) > 2 else "examples/deploy/redeploy-after-rollback.jsonl"
    seed = int(os.environ.get("LG_FAULT_SEED", str(int(time.time()))))
    print(f"seed {seed} (LG_FAULT_SEED), {events}")
    rng = random.Random(seed)
    ok = True
    with tempfile.TemporaryDirectory(prefix="lg-deploy-kill.") as folder:
        ok &= check("sqlite", f"sqlite:{folder}/deploy.db", kills, events, rng, folder)
        pg = os.environ.get("LG_TEST_POSTGRES_URL")
        if pg:
            ok &= check("postgres", pg, kills, events, rng, folder)
        elif os.environ.get("LG_REQUIRE_SERVERS") == "1":
            print("FAIL: LG_REQUIRE_SERVERS=1 but LG_TEST_POSTGRES_URL is not set")
            ok = False
        else:
            print("postgres: SKIPPED (LG_TEST_POSTGRES_URL is not set)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
