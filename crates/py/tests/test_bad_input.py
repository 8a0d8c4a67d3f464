"""The bad-input matrix: every public entry point fed wrong types, NaN and infinities, empty and
huge strings, negative and enormous amounts, duplicate ids, unknown currencies, out-of-order
times and invalid policy files gets the documented error — never a panic or a wrong answer."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any, Callable, Type, Union

import pytest

import liberation_gates as lg

C = [("a", "1")]
NAN, INF = math.nan, math.inf


def _threshold_twice() -> Any:
    th = lg.Threshold(">", 1.0, 0.0)
    th.observe(10.0, 1.0)
    return th.observe(5.0, 1.0)


def _evaluator_twice() -> Any:
    ev = lg.Policy.builtin().evaluator()
    ev.observe(10.0, {}, {})
    return ev.observe(10.0, {}, {})


def _breaker_backwards() -> Any:
    m = lg.BreakerMachine()
    m.apply(10.0, "acquire")
    return m.apply(5.0, "acquire")


Expected = Union[Type[BaseException], str]
MATRIX: list[tuple[str, Callable[[], Any], Expected]] = [
    # money: types
    ("float gross", lambda: lg.split(1.5, "GBP", C), TypeError),  # type: ignore[arg-type]
    ("None gross", lambda: lg.split(None, "GBP", C), TypeError),  # type: ignore[arg-type]
    ("bool gross", lambda: lg.split(True, "GBP", C), TypeError),
    ("float fee", lambda: lg.split("1.00", "GBP", C, fee=0.1), TypeError),  # type: ignore[arg-type]
    ("float weight", lambda: lg.split("1.00", "GBP", [("a", 0.5)]), TypeError),  # type: ignore[arg-type]
    ("float share", lambda: lg.split("1.00", "GBP", C, creator_share=0.8), TypeError),  # type: ignore[arg-type]
    ("creators as a string", lambda: lg.split("1.00", "GBP", "ab"), TypeError),  # type: ignore[arg-type]
    # money: values
    ("empty gross", lambda: lg.split("", "GBP", C), "invalid_amount"),
    ("NaN gross", lambda: lg.split("NaN", "GBP", C), "invalid_amount"),
    ("Decimal NaN gross", lambda: lg.split(Decimal("NaN"), "GBP", C), "invalid_amount"),
    ("Decimal Infinity gross", lambda: lg.split(Decimal("Infinity"), "GBP", C), "invalid_amount"),
    ("exponent gross", lambda: lg.split("1e3", "GBP", C), "invalid_amount"),
    ("huge string gross", lambda: lg.split("9" * 100_000, "GBP", C), "invalid_amount"),
    ("negative gross", lambda: lg.split("-0.01", "GBP", C), "invalid_amount"),
    ("negative int gross", lambda: lg.split(-1, "GBP", C), "invalid_amount"),
    ("enormous int gross", lambda: lg.split(10**40, "GBP", C), "invalid_amount"),
    ("above 10^15", lambda: lg.split("1000000000000000.01", "GBP", C), "invalid_amount"),
    ("too many decimals", lambda: lg.split("1.005", "GBP", C), "invalid_amount"),
    ("unknown currency", lambda: lg.split("1", "ABC", C), "unknown_currency"),
    ("lowercase currency", lambda: lg.split("1", "gbp", C), "unknown_currency"),
    ("empty currency", lambda: lg.split("1", "", C), "unknown_currency"),
    ("no minor unit currency", lambda: lg.split("1", "XAU", C), "unknown_currency"),
    ("no creators", lambda: lg.split("1", "GBP", []), "no_creators"),
    ("duplicate creator", lambda: lg.split("1", "GBP", [("a", "1"), ("a", "2")]), "duplicate_creator"),
    ("zero weight", lambda: lg.split("1", "GBP", [("a", "0")]), "invalid_weight"),
    ("NaN weight", lambda: lg.split("1", "GBP", [("a", "NaN")]), "invalid_weight"),
    ("huge weight", lambda: lg.split("1", "GBP", [("a", "9" * 1000)]), "invalid_weight"),
    ("share below the floor", lambda: lg.split("1", "GBP", C, creator_share="0.7499"), "sovereignty_violation"),
    ("share above 1", lambda: lg.split("1", "GBP", C, creator_share="1.01"), "invalid_share"),
    ("share not a number", lambda: lg.split("1", "GBP", C, creator_share="most"), "invalid_share"),
    ("unknown fee mode", lambda: lg.split("1", "GBP", C, fee="0.01", fee_mode="after"), "invalid_fee_mode"),
    ("fee above gross", lambda: lg.split("1.00", "GBP", C, fee="2.00", fee_mode="before_split"), "fee_exceeds_gross"),
    ("refund above balance", lambda: lg.split("1.00", "GBP", C).refundable().refund("1.01"), "refund_exceeds_balance"),
    ("bad ledger line", lambda: lg.Ledger.from_jsonl("{not json"), "invalid_record"),
    ("refund of unknown split", lambda: lg.Ledger().record_refund("r", 0.0, "nope", "1.00"), "invalid_record"),
    # thresholds and windows
    ("unknown op", lambda: lg.Threshold("==", 1.0, 0.0), "invalid_rule"),
    ("negative for", lambda: lg.Threshold(">", 1.0, -1.0), "invalid_rule"),
    ("NaN threshold", lambda: lg.Threshold(">", NAN, 0.0), "invalid_rule"),
    ("infinite keep_firing_for", lambda: lg.Threshold(">", 1.0, 0.0, keep_firing_for_seconds=INF), "invalid_rule"),
    ("NaN sample", lambda: lg.Threshold(">", 1.0, 0.0).observe(0.0, NAN), "invalid_sample"),
    ("infinite time", lambda: lg.Threshold(">", 1.0, 0.0).observe(INF, 1.0), "invalid_sample"),
    ("sample out of order", _threshold_twice, "out_of_order"),
    ("zero window", lambda: lg.WindowRate(0.0, 0), "invalid_config"),
    ("NaN window", lambda: lg.WindowRate(NAN, 0), "invalid_config"),
    ("negative min_requests", lambda: lg.WindowRate(60.0, -1), "invalid_config"),
    ("negative requests", lambda: lg.WindowRate(60.0, 0).push(0.0, -1, 0), "invalid_sample"),
    ("fractional requests", lambda: lg.WindowRate(60.0, 0).push(0.0, 2.5, 0), "invalid_sample"),
    ("enormous requests", lambda: lg.WindowRate(60.0, 0).push(0.0, 10**40, 0), "invalid_sample"),
    ("errors above requests", lambda: lg.WindowRate(60.0, 0).push(0.0, 1, 2), "invalid_sample"),
    ("string count", lambda: lg.WindowRate(60.0, 0).push(0.0, "1", 0), TypeError),  # type: ignore[arg-type]
    # breakers
    ("unknown window", lambda: lg.BreakerMachine({"window": {"type": "weird"}}), "invalid_config"),
    ("fractional minimum_calls", lambda: lg.BreakerMachine({"minimum_calls": 1.5}), "invalid_config"),
    ("threshold above 1", lambda: lg.BreakerMachine({"failure_rate_threshold": 1.5}), "invalid_config"),
    ("unknown config key", lambda: lg.BreakerMachine({"colour": "red"}), "invalid_config"),
    ("NaN threshold in a config", lambda: lg.BreakerMachine({"failure_rate_threshold": NAN}), "invalid_config"),
    ("unknown operation", lambda: lg.BreakerMachine().apply(0.0, "explode"), "invalid_op"),
    ("operation out of order", _breaker_backwards, "out_of_order"),
    ("breaker config not JSON", lambda: lg.CircuitBreaker({"window": object()}), "invalid_config"),
    # governance and flags
    ("empty electorate", lambda: lg.Proposal([], "0.5", "0.5", 0.0, 1.0), "empty_electorate"),
    ("duplicate member", lambda: lg.Proposal(["a", "a"], "0.5", "0.5", 0.0, 1.0), "duplicate_member"),
    ("quorum above 1", lambda: lg.Proposal(["a"], "1.5", "0.5", 0.0, 1.0), "invalid_quorum"),
    ("threshold of 1", lambda: lg.Proposal(["a"], "0.5", "1", 0.0, 1.0), "invalid_threshold"),
    ("NaN period", lambda: lg.Proposal(["a"], "0.5", "0.5", NAN, 1.0), "invalid_period"),
    ("invalid choice", lambda: lg.Proposal(["a"], "0.5", "0.5", 0.0, 10.0).cast(1.0, "a", "YES"), "invalid_choice"),
    ("not a member", lambda: lg.Proposal(["a"], "0.5", "0.5", 0.0, 10.0).cast(1.0, "b", "yes"), "not_a_member"),
    ("unknown decision status", lambda: lg.Decision("flag:x", "disable", "maybe"), "invalid_status"),
    ("duplicate flag", lambda: lg.FlagSet([{"key": "x", "kind": "standard"}] * 2), "invalid_flag"),
    ("intensity above 1", lambda: lg.FlagSet([{"key": "x", "kind": "standard", "intensity": 2}]), "invalid_flag"),
    ("unknown flag", lambda: lg.FlagSet.builtin().enable("nope"), "unknown_flag"),
    ("NaN intensity", lambda: lg.FlagSet.builtin().set_intensity("cultural_celebration", NAN), "invalid_intensity"),
    ("empty bucket id", lambda: lg.bucket("", "g"), "invalid_id"),
    ("empty bucket group", lambda: lg.bucket("u", ""), "invalid_group"),
    ("zero modulus", lambda: lg.bucket("u", "g", 0), "invalid_modulus"),
    ("negative modulus", lambda: lg.bucket("u", "g", -5), "invalid_modulus"),
    # issue 17: the same kind as in Node and WASM (it was a ValueError here, a TypeError there)
    ("negative seed", lambda: lg.bucket("u", "g", 100, -1), "invalid_seed"),
    ("seed above 32 bits", lambda: lg.bucket("u", "g", 100, 2**32), "invalid_seed"),
    # policies, observations, rollouts
    ("garbage policy", lambda: lg.Policy.parse("\x00\x01 not toml", "toml"), "invalid_policy"),
    ("huge policy text", lambda: lg.Policy.parse("x" * 1_000_000, "yaml"), "invalid_policy"),
    ("unknown format", lambda: lg.Policy.parse("{}", "xml"), "invalid_policy"),
    ("missing policy file", lambda: lg.Policy.from_path("/nonexistent/policy.toml"), "invalid_policy"),
    ("observation out of order", _evaluator_twice, "out_of_order"),
    ("NaN metric", lambda: lg.Policy.builtin().evaluator().observe(0.0, {"http_error_rate": NAN}, {}), "invalid_observation"),
    ("metrics not a dict", lambda: lg.Policy.builtin().evaluator().observe(0.0, [1, 2], {}), "invalid_observation"),  # type: ignore[arg-type]
    ("bad observation file", lambda: lg.Policy.builtin().evaluator().observe_jsonl('{"t": 0}\n{"t": "x"}'), "invalid_observation"),
    ("plan not ending at 100", lambda: lg.RolloutPlan([{"weight": 50, "bake_seconds": 0}]), "invalid_plan"),
    ("negative bake", lambda: lg.RolloutPlan([{"weight": 100, "bake_seconds": -1}]), "invalid_plan"),
    ("unknown decision", lambda: lg.Rollout().observe(0.0, "panic"), "invalid_event"),
    ("NaN degradation baseline", lambda: lg.degradation(1.0, NAN), "invalid_sample"),
    # issue 16.3: a ledger line with a field its type does not have
    ("unknown ledger line field", lambda: lg.Ledger.from_jsonl('{"type":"split","id":"s","t":0,"gross":"1.00","currency":"GBP","creators":[{"id":"a","weight":"1"}],"creatorShare":"0.9"}'), "invalid_record"),
    ("unknown payout line field", lambda: lg.Ledger.from_jsonl('{"type":"split","id":"s","t":0,"gross":"1.00","currency":"GBP","creators":[{"id":"a","weight":"1"}]}\n{"type":"payout","id":"p","t":0,"split":"s","creator":"a","amount":"0.75","memo":"x"}'), "invalid_record"),
    # issue 16.6: repeated keys and empty policies
    ("repeated check name", lambda: lg.Policy.builtin().evaluator().observe_jsonl('{"t": 0, "checks": {"database": false, "database": true}}'), "invalid_observation"),
    ("empty yaml policy", lambda: lg.Policy.parse("", "yaml"), "invalid_policy"),
    ("empty toml policy", lambda: lg.Policy.parse("", "toml"), "invalid_policy"),
    ("json [] policy", lambda: lg.Policy.parse("[]", "json"), "invalid_policy"),
    ("repeated key in a json policy", lambda: lg.Policy.parse('{"name": "a", "name": "b", "rules": []}', "json"), "invalid_policy"),
    # rules v2: consultations and ramps
    ("negative gentle_step_seconds", lambda: lg.RolloutPlan(None, gentle_step_seconds=-1.0), "invalid_plan"),
    ("NaN gentle_step_seconds", lambda: lg.RolloutPlan(None, gentle_step_seconds=NAN), "invalid_plan"),
    ("unknown consultation outcome", lambda: lg.Rollout().consulted(0.0, "maybe"), "invalid_event"),
    ("consulted with no outcome", lambda: lg.Rollout().apply(0.0, "consulted"), "invalid_event"),
    ("tick before started_at", lambda: lg.Rollout(None, 10.0).tick(5.0), "out_of_order"),
    ("simulate: bad answer line", lambda: lg.simulate('{"t": 0, "consulted": "maybe"}'), "invalid_observation"),
    # rules v2: payout audits
    ("audit: float paid amount", lambda: lg.audit("1.00", "GBP", C, [("a", 0.75)]), TypeError),  # type: ignore[arg-type]
    ("audit: payout not a pair", lambda: lg.audit("1.00", "GBP", C, ["a"]), TypeError),  # type: ignore[arg-type]
    ("audit: paid too precise", lambda: lg.audit("1.00", "GBP", C, [("a", "0.755")]), "invalid_amount"),
    ("audit: negative paid", lambda: lg.audit("1.00", "GBP", C, [("a", "-0.01")]), "invalid_amount"),
    ("audit: unknown creator", lambda: lg.audit("1.00", "GBP", C, [("b", "0.75")]), "unknown_creator"),
    ("audit: duplicate payout", lambda: lg.audit("1.00", "GBP", C, [("a", "0.50"), ("a", "0.25")]), "duplicate_payout"),
    ("audit: the split's error first", lambda: lg.audit("1.00", "GBP", C, [("b", "x")], creator_share="0.5"), "sovereignty_violation"),
    ("payout of unknown split", lambda: lg.Ledger().record_payout("p", 0.0, "nope", "a", "1.00"), "invalid_record"),
    ("bad payout ledger line", lambda: lg.Ledger.from_jsonl('{"type": "payout", "id": "p", "t": 0, "split": "s"}'), "invalid_record"),
    # rules v2: health models
    ("health: level 0", lambda: lg.HealthModel([{"name": "db", "level": 0}]), "invalid_check"),
    ("health: fractional level", lambda: lg.HealthModel([{"name": "db", "level": 1.5}]), "invalid_check"),
    ("health: level as a string", lambda: lg.HealthModel([{"name": "db", "level": "1"}]), "invalid_check"),
    ("health: unknown field", lambda: lg.HealthModel([{"name": "db", "level": 1, "weight": 2}]), "invalid_check"),
    ("health: duplicate check", lambda: lg.HealthModel([{"name": "db", "level": 1}, {"name": "db", "level": 2}]), "duplicate_check"),
    ("health: unknown check", lambda: lg.HealthModel.builtin().evaluate({"nope": "up"}), "unknown_check"),
    ("health: invalid status", lambda: lg.HealthModel.builtin().evaluate({"database": "fine"}), "invalid_status"),
    ("health: bool status", lambda: lg.HealthModel.builtin().evaluate({"database": True}), "invalid_status"),  # type: ignore[dict-item]
    ("health: status not a dict", lambda: lg.HealthModel.builtin().evaluate(["database"]), TypeError),  # type: ignore[arg-type]
]


@pytest.mark.parametrize("case,call,expected", MATRIX, ids=[m[0] for m in MATRIX])
def test_bad_input(case: str, call: Callable[[], Any], expected: Expected) -> None:
    with pytest.raises(BaseException) as info:
        call()
    e = info.value
    if isinstance(expected, str):
        assert isinstance(e, lg.LiberationGatesError), f"{case}: {type(e).__name__}: {e}"
        assert e.kind == expected, f"{case}: {e.kind}: {e}"
    else:
        assert isinstance(e, expected), f"{case}: {type(e).__name__}: {e}"
    assert "Panic" not in type(e).__name__, f"{case}: a panic crossed into Python: {e}"
