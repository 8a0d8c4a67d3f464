"""Rules v2 through the Python API: consultations wait for the community, gentle rollbacks
ramp, payouts are audited against the split, and health follows the L1–L5 hierarchy."""

from __future__ import annotations

from decimal import Decimal

import liberation_gates as lg

PLAN = [{"weight": 10, "bake_seconds": 600}, {"weight": 50, "bake_seconds": 600}, {"weight": 100, "bake_seconds": 0}]


def test_a_consultation_waits_for_the_communitys_answer() -> None:
    r = lg.Rollout(lg.RolloutPlan(PLAN), 0.0)
    assert r.observe(100.0, "consult") == ("consulting", 0, 10)
    # Neither proceed, alert nor hold ends a consultation.
    assert r.observe(700.0, "proceed") == ("consulting", 0, 10)
    assert r.observe(800.0, "hold") == ("consulting", 0, 10)
    # The answer resumes it, and the step's bake starts over at the answer.
    assert r.consulted(900.0, "proceed") == ("progressing", 0, 10)
    assert r.tick(1499.0) == ("progressing", 0, 10)
    assert r.tick(1500.0) == ("progressing", 1, 50)


def test_a_gentle_rollback_steps_down_then_rolls_back() -> None:
    plan = lg.RolloutPlan(PLAN, gentle_step_seconds=60.0)
    assert plan.gentle_step_seconds == 60.0
    r = lg.Rollout(plan, 0.0)
    assert r.tick(600.0) == ("progressing", 1, 50)
    assert r.observe(700.0, "gentle_rollback") == ("ramping_down", 1, 50)
    # A late event catches up on every ramp step it missed, each at the time it was due.
    assert r.tick(830.0) == ("rolled_back", 0, 0)
    assert r.ramp_steps == [
        {"t": 760.0, "status": "ramping_down", "step": 0, "weight": 10},
        {"t": 820.0, "status": "rolled_back", "step": 0, "weight": 0},
    ]


def test_simulate_reports_answers_and_ramps() -> None:
    text = "\n".join([
        '{"t": 0, "metrics": {}, "checks": {}}',
        '{"t": 60, "consulted": "gentle_rollback"}',
    ])
    steps = lg.simulate(text)
    assert steps[1]["consulted"] == "gentle_rollback"
    # The answer is ignored: the rollout was paused on missing data, not consulting.
    assert steps[1]["state"]["status"] == "paused"


def test_an_audit_names_shortfalls_in_decimal() -> None:
    paid: list[tuple[str, lg.Money]] = [("alice", "37.50"), ("bob", Decimal("36.75"))]
    a = lg.audit("100.00", "GBP", [("alice", "1"), ("bob", "1")], paid)
    as_dicts = lg.audit("100.00", "GBP", [("alice", "1"), ("bob", "1")], [{"id": "alice", "amount": "37.50"}, {"id": "bob", "amount": "36.75"}])
    assert as_dicts == a
    assert a["expected"] == {"alice": Decimal("37.50"), "bob": Decimal("37.50")}
    assert a["shortfalls"] == {"bob": Decimal("0.75")}
    assert a["paid_total"] == Decimal("74.25") and a["shortfall_total"] == Decimal("0.75")
    assert a["exact"] is False and a["floor_held"] is False
    assert a["creator_share_paid"] == Decimal("0.7425")
    # int amounts are minor units, as everywhere in the Python API.
    ok = lg.audit(10000, "GBP", [("alice", "1")], [("alice", 7500)])
    assert ok["exact"] and ok["floor_held"] and str(ok["creator_share_paid"]) == "0.7500"
    assert lg.audit("0", "GBP", [("alice", "1")], [])["creator_share_paid"] is None


def test_a_ledger_with_payouts_reports_owed_paid_and_shortfall() -> None:
    ledger = lg.Ledger()
    ledger.record_split("tx1", 0.0, "100.00", "GBP", [("alice", "1"), ("bob", "1")])
    assert ledger.creator_share(10.0, 60.0, "GBP") == 0.75
    ledger.record_payout("p1", 5.0, "tx1", "alice", "37.50")
    ledger.record_payout("p2", 6.0, "tx1", "bob", 3000)  # minor units: £30.00
    row = ledger.report()["rows"][0]
    paid = row["paid"]
    assert paid["owed_total"] == "75.00" and paid["paid_total"] == "67.50"
    assert paid["shortfall_total"] == "7.50" and paid["floor_held"] is False
    assert paid["creators"]["bob"] == {"owed": "37.50", "paid": "30.00", "shortfall": "7.50"}
    # The metric the creator_sovereignty rule watches is now money actually paid.
    assert ledger.creator_share(10.0, 60.0, "GBP") == 0.675
    assert ledger.report()["floor_held"] is False


def test_custom_health_models() -> None:
    model = lg.HealthModel([
        {"name": "db", "level": 1},
        {"name": "search", "level": 3, "critical": False},
        {"name": "care", "level": 5},
    ])
    assert [c["name"] for c in model.checks] == ["db", "search", "care"]
    r = model.evaluate({"db": "up", "search": "down", "care": None})
    assert [lvl["status"] for lvl in r["levels"]] == ["up", "up", "degraded", "up", "unknown"]
    assert (r["overall"], r["action"], r["failing"]) == ("unknown", "hold", ["care"])
    builtin = lg.HealthModel.builtin()
    names = [c["name"] for c in builtin.checks]
    assert "database_replica" in names and "governance" in names
    assert builtin.evaluate_checks({"database": False})["action"] == "rollback"
    try:
        model.evaluate({"db": "up", "zeta": "up", "alpha": "broken"})
    except lg.HealthError as e:
        # Statuses are checked in name order: "alpha" (unknown check) before "zeta".
        assert e.kind == "unknown_check" and "alpha" in str(e)
    else:
        raise AssertionError("expected HealthError")
