"""Policies, rollouts, plans, health, governance, flags and bucketing from Python."""

from __future__ import annotations

from pathlib import Path

import pytest

import liberation_gates as lg

ROOT = Path(__file__).resolve().parents[3]
CHECKS = {c: True for c in ["database", "cache", "storage", "api_gateway", "auth", "business_logic", "integration", "community_protection", "trauma_informed_ux"]}
METRICS = {"http_error_rate": 0.001, "response_time_degradation": 0.1, "creator_share": 0.8, "governance_participation_drop": 0.0, "capacity_utilization": 0.5}


def test_policy_decisions_and_notifications() -> None:
    ev = lg.Policy.builtin().evaluator()
    assert ev.observe(0.0, METRICS, CHECKS).action == "proceed"
    d = ev.observe(60.0, {**METRICS, "creator_share": 0.7}, CHECKS)
    assert (d.action, d.reasons) == ("proceed", [])
    assert repr(d) == "PolicyDecision(t=60 proceed (none))"
    d = ev.observe(120.0, {**METRICS, "creator_share": 0.7}, CHECKS)
    assert (d.action, d.severity, d.reasons) == ("rollback", "critical", ["creator_sovereignty"])
    assert repr(d) == "PolicyDecision(t=120 rollback (critical): creator_sovereignty)"
    assert d.notification is not None and d.notification["audience"] == "community"
    assert lg.Policy.builtin().liberation_cause(d) == ["creator_sovereignty"]
    with pytest.raises(lg.PolicyError) as info:
        ev.observe(120.0, METRICS, CHECKS)
    assert info.value.kind == "out_of_order"
    d = ev.observe(180.0, {"http_error_rate": None}, None)
    # creator_sovereignty keeps firing while its metric is missing (SPEC §7), so this is
    # still a rollback, with every missing input listed.
    assert d.action == "rollback" and "missing:http_error_rate" in d.reasons and "creator_sovereignty" in d.reasons


def test_policies_load_from_every_format() -> None:
    p = lg.Policy.builtin()
    for fmt in ["toml", "yaml", "json"]:
        assert lg.Policy.parse(p.dumps(fmt), fmt).rule_ids == p.rule_ids
    service = lg.Policy.from_path(ROOT / "examples" / "policies" / "service.yaml")
    assert service.rule_ids == ["fast_burn", "creator_sovereignty", "slow_gateway"]
    with pytest.raises(lg.PolicyError) as info:
        lg.Policy.parse("[[rules]]\nid='a'\nmetric='m'\nop='=='\nthreshold=1\naction='alert'\nseverity='high'", "toml")
    assert "field `op`" in str(info.value)


def test_evaluating_an_observation_file() -> None:
    text = (ROOT / "examples" / "error-spike.jsonl").read_text()
    decisions = lg.Policy.builtin().evaluator().observe_jsonl(text)
    assert decisions[-1].action == "rollback"
    with pytest.raises(lg.PolicyError) as info:
        lg.Policy.builtin().evaluator().observe_jsonl('{"t": 0}\nnot json\n')
    assert "line 2" in str(info.value)


def test_simulation_completes_the_clean_rollout() -> None:
    steps = lg.simulate((ROOT / "examples" / "clean-rollout.jsonl").read_text())
    assert steps[-1]["state"] == {"status": "completed", "step": 3, "weight": 100}


def test_rollout_and_plan() -> None:
    r = lg.Rollout(lg.RolloutPlan(), 0.0)
    assert r.observe(86400.0, "proceed") == ("awaiting_approval", 0, 5)
    assert r.approve(86401.0, 0) == ("progressing", 1, 25)
    assert r.observe(86402.0, "rollback") == ("rolled_back", 1, 0)
    with pytest.raises(lg.RolloutError) as info:
        r.observe(86402.0, "proceed")
    assert info.value.kind == "out_of_order"
    plan = lg.DeploymentPlan.builtin()
    assert plan.phases[0] == "infrastructure" and len(plan.phases) == 6
    result = plan.evaluate("api_gateway", {"gateway_latency_ms": 150.0, "creator_share": 0.8}, {"auth": True, "governance": True, "community_protection": True})
    assert result["action"] == "rollback" and result["failed"] == ["gateway_latency_ms < 100"]


def test_health_levels() -> None:
    report = lg.health({**CHECKS, "cache": False})
    levels = {lvl["level"]: lvl["status"] for lvl in report["levels"]}
    assert levels == {1: "down", 2: "skipped", 3: "skipped", 4: "skipped", 5: "skipped"}
    assert report["action"] == "rollback" and "cache" in report["failing"]


def test_governance_decisions_unlock_flags() -> None:
    p = lg.Proposal(["ana", "ben", "chi"], "0.5", "0.5", 0.0, 100.0)
    p.cast(1.0, "ana", "yes")
    p.cast(2.0, "ben", "yes")
    with pytest.raises(lg.GovernanceError) as info:
        p.cast(3.0, "ana", "no")
    assert info.value.kind == "already_voted"
    assert p.status(50.0) == "open" and p.status(100.0) == "passed"
    assert p.tally(100.0) == {"yes": 2, "no": 0, "abstain": 0}
    flags = lg.FlagSet.builtin()
    key = "creator_sovereignty_enforcement"
    with pytest.raises(lg.FlagError) as ferr:
        flags.disable(key)
    assert ferr.value.kind == "vote_required"
    assert flags.disable(key, p.decision(f"flag:{key}", "disable", 100.0), actor="council", t=100.0) == (False, 1.0)
    assert flags.log[-1]["actor"] == "council" and flags.log[-1]["decision"]["status"] == "passed"
    with pytest.raises(lg.FlagError) as ferr:
        flags.disable("community_protection")
    assert ferr.value.kind == "always_on"


def test_a_decision_made_by_hand_authorises_nothing() -> None:
    key = "creator_sovereignty_enforcement"
    forged = lg.Decision(f"flag:{key}", "disable", "passed")
    assert forged.passed and not forged.verified and forged.tally is None
    flags = lg.FlagSet.builtin()
    with pytest.raises(lg.FlagError) as ferr:
        flags.disable(key, forged, actor="intruder", t=5.0)
    assert ferr.value.kind == "unverified_decision"
    assert flags.is_enabled(key) and flags.log == []
    # The core's own decision is verified, and must have closed by the time it is used.
    p = lg.Proposal(["ana", "ben"], "0.5", "0.5", 0.0, 10.0)
    p.cast(1.0, "ana", "yes")
    real = p.decision(f"flag:{key}", "disable", 10.0)
    assert real.verified and real.tally == {"yes": 1, "no": 0, "abstain": 0} and real.closed_at == 10.0
    with pytest.raises(lg.FlagError) as ferr:
        flags.disable(key, real, t=5.0)
    assert ferr.value.kind == "decision_not_passed"
    assert flags.disable(key, real, t=10.0) == (False, 1.0)
    # The redeploy guard refuses a hand-made decision the same way.
    policy = lg.Policy.builtin()
    checks = {c: True for c in policy.inputs()[1]} | {"community_protection": False}
    rollback = policy.evaluator().observe(0.0, {m: 0.0 for m in policy.inputs()[0]} | {"creator_share": 0.8}, checks)
    guard = lg.RedeployGuard()
    guard.record(policy, "events", rollback)
    with pytest.raises(lg.RolloutError) as rerr:
        guard.start("events", started_at=100.0, decision=lg.Decision("redeploy:events", "redeploy", "passed"))
    assert rerr.value.kind == "unverified_decision"
    assert guard.blocked_by("events") == ["community_protection"]


def test_bucketing_matches_unleash() -> None:
    assert lg.bucket("123", "gr1") == 73
    assert lg.bucket("999", "groupX") == 25
    flags = lg.FlagSet([{"key": "cards", "kind": "standard", "enabled": True, "rollout_percent": 50}])
    inside = [u for u in (f"user-{i}" for i in range(1000)) if flags.is_enabled_for("cards", u)]
    assert all(lg.bucket(u, "cards") <= 50 for u in inside)
    assert 400 < len(inside) < 600
    with pytest.raises(lg.BucketError):
        lg.bucket("u", "g", 0)


def test_thresholds_and_windows() -> None:
    th = lg.Threshold(">", 0.05, 300.0)
    assert [th.observe(float(t), 0.06) for t in (0, 299, 300)] == ["pending", "pending", "firing"]
    with pytest.raises(lg.ThresholdError) as info:
        th.observe(400.0, None)
    assert info.value.kind == "invalid_sample"
    w = lg.WindowRate(60.0, 10)
    assert w.push(0.0, 5, 1) is None
    assert w.push(1.0, 5.0, 0) == pytest.approx(0.1)
    with pytest.raises(lg.WindowError):
        w.push(2.0, 2.5, 0)
    assert lg.degradation(300.0, 100.0) == 2.0
