"""The deployment (docs/deploy.md): the stories of examples/deploy end as the CLI's do, community
decisions are verified, and a deployment kept in SQLite resumes where it stopped."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import liberation_gates as lg

ROOT = Path(__file__).resolve().parents[3]
STORIES = ROOT / "examples" / "deploy"

#: Each story's end: (status, phase, attempt, rollback cause or None).
ENDS = {
    "clean-launch.jsonl": ("completed", "full_launch", 1, None),
    "participation-consult.jsonl": ("running", "canary", 1, None),
    "trauma-ux-gentle.jsonl": ("rolled_back", "canary", 1, "liberation"),
    "underpaid-creators.jsonl": ("rolled_back", "canary", 1, "liberation"),
    "redeploy-after-rollback.jsonl": ("running", "canary", 2, None),
}


@pytest.mark.parametrize("story", sorted(ENDS))
def test_each_story_ends_as_documented(story: str) -> None:
    d = lg.Deployment("events")
    steps = d.apply_jsonl((STORIES / story).read_text())
    s = d.state
    cause = s["rollback"]["cause"] if s["rollback"] else None
    assert (s["status"], s["phase"], s["attempt"], cause) == ENDS[story]
    assert steps[-1]["state"] == s
    assert [n["id"] for n in d.notices()] == [f"events/{i}" for i in range(1, len(d.notices()) + 1)]


def test_a_forged_approval_is_refused_naming_its_line() -> None:
    d = lg.Deployment("events")
    with pytest.raises(lg.DeploymentError) as info:
        d.apply_jsonl((STORIES / "forged-approval.jsonl").read_text())
    assert info.value.kind == "unverified_decision" and info.value.line == 32


def test_a_decision_pinned_by_checksum_names_exactly_the_votes_seen() -> None:
    lines = [json.loads(x) for x in (STORIES / "clean-launch.jsonl").read_text().splitlines() if x and not x.startswith("#")]
    approval = next(i for i, x in enumerate(lines) if "approve" in x)
    d = lg.Deployment("events")
    for line in lines[: approval - 1]:
        d.apply(line)
    seen = d.state["proposals"][0]
    d.apply(lines[approval - 1])  # the last vote
    now = d.state["proposals"][0]
    assert now["id"] == seen["id"] and now["checksum"] != seen["checksum"]
    assert sum(now["tally"].values()) == sum(seen["tally"].values()) + 1
    pin = {**lines[approval], "decision": {"proposal": now["id"], "checksum": seen["checksum"]}}
    with pytest.raises(lg.DeploymentError) as info:
        d.apply(pin)
    assert info.value.kind == "unverified_decision"
    step = d.apply({**pin, "decision": {"proposal": now["id"], "checksum": now["checksum"]}})
    assert step["community"]["status"] == "passed"


def healthy(t: float, **change: Any) -> dict[str, Any]:
    """The first line of the clean story, at `t`, with some values changed."""
    line: dict[str, Any] = json.loads((STORIES / "clean-launch.jsonl").read_text().splitlines()[1])
    line["t"] = t
    for k, v in change.items():
        (line["checks"] if isinstance(v, bool) else line["metrics"])[k] = v
    return line


def test_decisions_must_be_backed_by_a_passed_proposal() -> None:
    d = lg.Deployment("events")
    d.apply(healthy(0))
    step = d.apply(healthy(60, community_protection=False))
    assert step["state"]["rollback"]["cause"] == "liberation"
    assert step["notices"][0]["kind"] == "rollback"
    with pytest.raises(lg.DeploymentError) as info:
        d.apply({"t": 70, "redeploy": {"subject": "redeploy:events", "action": "redeploy", "status": "passed"}})
    assert info.value.kind == "unverified_decision"
    whole = {"subject": "redeploy:events", "action": "redeploy", "electorate": ["a", "b"], "quorum": "0.5",
             "pass_threshold": "0.5", "opens_at": 0, "closes_at": 100, "votes": [{"t": 1, "member": "a", "choice": "no"}]}
    with pytest.raises(lg.DeploymentError) as info:
        d.apply({"t": 200, "redeploy": whole})
    assert info.value.kind == "decision_not_passed"
    with pytest.raises(lg.DeploymentError) as info:
        d.apply({"t": 200, "redeploy": {**whole, "subject": "redeploy:other"}})
    assert info.value.kind == "decision_mismatch"
    passed = {**whole, "votes": [{"t": 1, "member": "a", "choice": "yes"}]}
    refused = d.apply({"t": 210, "redeploy": passed})
    assert "staging" in refused["refused"] and refused["state"]["status"] == "rolled_back"
    d.apply({"t": 220, "staging": True})
    assert d.apply({"t": 230, "redeploy": passed})["state"]["attempt"] == 2
    with pytest.raises(lg.DeploymentError) as info:
        d.apply({"t": 230, "tick": True})
    assert info.value.kind == "out_of_order"


def test_a_deployment_kept_in_sqlite_resumes_and_delivers_at_least_once(tmp_path: Path) -> None:
    url = f"sqlite:{tmp_path / 'deploy.db'}"
    lines = (STORIES / "clean-launch.jsonl").read_text()
    whole = lg.Deployment("events")
    whole.apply_jsonl(lines)
    half = "\n".join(lines.splitlines()[:30])
    d = lg.Deployment("events", store=url)
    assert d.store_backend == "sqlite"
    d.apply_jsonl(half)
    sent: list[str] = []

    def send(n: dict[str, Any]) -> None:
        if len(sent) == 3:
            raise ConnectionError("the mail server is down")
        sent.append(n["id"])

    with pytest.raises(ConnectionError):
        d.deliver(send)
    del d
    d = lg.Deployment("events", store=url)
    assert d.undelivered()[0]["id"] == "events/4"
    rest = "\n".join(lines.splitlines()[30:])
    d.apply_jsonl(rest)
    assert d.state == whole.state and d.notices() == whole.notices()
    assert d.deliver(lambda n: None) == len(whole.notices()) - 3
    assert d.undelivered() == []
    with pytest.raises(lg.DeploymentError):
        d.mark_delivered("events/999")


def test_custom_plan_policy_and_health_model() -> None:
    plan = lg.DeploymentPlan.parse(
        '{"strategy": "blue_green", "watch_seconds": 60, "phases": ['
        '{"name": "gate", "technical": [{"check": "db"}]},'
        '{"name": "switch", "kind": "canary", "technical": [{"check": "db"}]},'
        '{"name": "watch", "kind": "launch", "technical": [{"check": "db"}]}]}',
        "json",
    )
    policy = lg.Policy.parse('{"rules": [{"id": "db", "checks": ["db"], "action": "rollback", "severity": "high"}]}', "json")
    model = lg.HealthModel([{"name": "db", "level": 1}])
    d = lg.Deployment("shop", plan=plan, policy=policy, health=model)
    for t in (0, 10, 20, 90):
        step = d.apply({"t": t, "checks": {"db": True}})
    assert step["state"]["status"] == "completed" and step["state"]["blue_green"] == "completed"
    with pytest.raises(lg.DeploymentError) as info:
        lg.Deployment(" ")
    assert info.value.kind == "invalid_setup"


def test_a_store_dump_is_a_read_only_view_and_a_changed_one_is_refused() -> None:
    dump = (ROOT / "examples" / "sovereignty-dashboard" / "store-dump.jsonl").read_text()
    view = lg.Deployment.from_dump("events", dump)
    assert view.state["rollback"]["reasons"] == ["trauma_informed_ux"]
    assert view.store_backend is None
    assert [n["kind"] for n in view.undelivered()].count("ramp_step") == 3
    with pytest.raises(lg.StoreError) as info:
        lg.Deployment.from_dump("events", dump.replace("0.78", "0.99", 1))
    assert info.value.kind == "tampered"
    # The same dump holds the ledger the dashboard shows: the one its JSON-lines file gives.
    ledger = lg.Ledger.from_dump(dump)
    source = lg.Ledger.from_jsonl((ROOT / "examples" / "sovereignty-dashboard" / "ledger.jsonl").read_text())
    assert ledger.currencies == source.currencies and ledger.report() == source.report()
    assert ledger.sovereignty_summary("GBP") == source.sovereignty_summary("GBP")
    with pytest.raises(lg.StoreError) as info:
        lg.Ledger.from_dump(dump.replace("12.00", "11.00", 1))
    assert info.value.kind == "tampered"
