"""Capabilities every language offers (issue 17): blue-green deployments, the redeploy guard,
governance participation and the ledger's sovereignty summary, through the Python API."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import liberation_gates as lg

ROOT = Path(__file__).resolve().parents[3]


def test_blue_green_switches_back_when_the_post_gate_fails() -> None:
    bg = lg.BlueGreen(600.0)
    assert bg.status == "staged"
    assert bg.pre_gate(10.0, True) == "promoted"
    assert bg.post_gate(100.0, False) == "switched_back"


def test_blue_green_completes_after_the_watch_period() -> None:
    bg = lg.BlueGreen(600.0)
    bg.pre_gate(10.0, True)
    assert bg.post_gate(300.0, True) == "promoted"
    assert bg.post_gate(700.0, True) == "completed"


def test_a_liberation_rollback_needs_the_community_to_redeploy() -> None:
    policy = lg.Policy.builtin()
    ev = policy.evaluator()
    checks = {c: True for c in policy.inputs()[1]}
    checks["community_protection"] = False
    decision = ev.observe(0.0, {m: 0.0 for m in policy.inputs()[0]} | {"creator_share": 0.8}, checks)
    assert decision.action == "rollback"
    guard = lg.RedeployGuard()
    guard.record(policy, "events", decision)
    assert guard.blocked_by("events") == ["community_protection"]
    with pytest.raises(lg.RolloutError) as info:
        guard.start("events", started_at=100.0)
    assert info.value.kind == "redeploy_needs_approval"
    p = lg.Proposal(["a", "b"], "0.5", "0.5", 0.0, 50.0)
    p.cast(1.0, "a", "yes")
    rollout = guard.start("events", started_at=100.0, decision=p.decision("redeploy:events", "redeploy", 60.0))
    assert rollout.state[0] == "progressing"
    assert guard.blocked_by("events") is None


def test_participation_drop_and_bad_rates() -> None:
    p = lg.Participation(3)
    assert p.drop is None
    for rate in (0.6, 0.5, 0.7, 0.24):
        p.record(rate)
    assert p.drop == pytest.approx(0.6)
    with pytest.raises(lg.GovernanceError) as info:
        p.record(1.5)
    assert info.value.kind == "invalid_participation"
    with pytest.raises(lg.GovernanceError):
        lg.Participation(0)


def test_sovereignty_summary_of_a_ledger() -> None:
    ledger = lg.Ledger.from_jsonl((ROOT / "examples" / "ledger.jsonl").read_text())
    assert ledger.currencies == ["GBP", "JPY"]
    summary = ledger.sovereignty_summary("GBP")
    assert summary is not None and summary["floor_held"] is True
    assert ledger.sovereignty_summary("EUR") is None


def test_burn_rate_fires_when_both_windows_burn() -> None:
    rule = {"objective": 0.999, "long_window_seconds": 3600, "short_window_seconds": 300, "burn_rate": 14.4}
    br = lg.BurnRate(rule)
    assert br.push(60.0, 1000, 5) is False
    assert br.push(120.0, 1000, 100) is True  # 105/2000 > 1.44% over both windows
    assert br.firing
    with pytest.raises(lg.WindowError) as info:
        lg.BurnRate(rule | {"objective": 1.5})
    assert info.value.kind == "invalid_config"
    with pytest.raises(lg.WindowError):
        lg.BurnRate(rule | {"colour": "red"})


def test_a_policy_test_file_runs_and_reports_mismatches() -> None:
    text = (ROOT / "examples" / "policy-tests" / "error-spike.yaml").read_text()
    outcome = lg.run_policy_test(text, "yaml")
    assert outcome["checked"] > 0 and outcome["mismatches"] == []
    wrong = text.replace("action: alert", "action: proceed", 1)
    assert lg.run_policy_test(wrong, "yaml")["mismatches"], "a wrong expectation is reported"
    with pytest.raises(lg.PolicyError):
        lg.run_policy_test("interval: 60\npolicy: other.yaml\nexpect: []\n", "yaml")


def test_a_breaker_registry_from_a_policy_files_breakers_section() -> None:
    policy = lg.Policy.from_path(ROOT / "examples" / "policies" / "service.yaml")
    registry = lg.BreakerRegistry(policy)
    assert registry.names == policy.breaker_names and registry.names
    name = registry.names[0]
    b = registry.get(name)
    assert registry.get(name) is b and b.name == name
    assert b.metrics()["state"] == "closed"
    with pytest.raises(lg.BreakerError) as info:
        registry.get("no-such-breaker")
    assert info.value.kind == "unknown_breaker"


def test_a_fallback_cache_refuses_capacity_zero_instead_of_correcting_it() -> None:
    with pytest.raises(lg.BreakerError) as info:
        lg.FallbackCache(0)
    assert info.value.kind == "invalid_config"
    with pytest.raises(lg.BreakerError):
        lg.FallbackCache(10, -1.0)


def test_audit_files_answers_as_audit_does() -> None:
    """The file reader and the function give one shape: Decimal amounts, ``{id: Decimal}``."""
    terms = (ROOT / "examples/audit/split.json").read_text()
    paid = (ROOT / "examples/audit/paid.jsonl").read_text()
    from_files = lg.audit_files(terms, paid)
    creators = [(c, "1") for c in ("Lena Fischer", "Kofi Mensah", "Sol Reyes")]
    payouts = [("Lena Fischer", "26.67"), ("Kofi Mensah", "26.67"), ("Sol Reyes", "25.00")]
    direct = lg.audit("99.99", "GBP", creators, payouts, creator_share="0.8")
    assert from_files == direct
    assert from_files["shortfalls"] == {"Sol Reyes": Decimal("1.66")}
    assert from_files["shortfall_total"] == Decimal("1.66")
    assert from_files["floor_held"] is False  # 78.34 paid of the 79.99 owed at 80%
