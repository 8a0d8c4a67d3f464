"""Every core error kind reaches Python as its family's exception, with .kind."""

from __future__ import annotations

import pickle

import pytest

import liberation_gates as lg
from liberation_gates import _native
from liberation_gates.errors import FAMILY_CLASSES

KINDS = [(family, kind) for family, kinds in _native.error_kinds().items() for kind in kinds]


def test_every_family_has_a_class() -> None:
    assert set(_native.error_kinds()) == set(FAMILY_CLASSES)


@pytest.mark.parametrize("family,kind", KINDS, ids=[f"{f}:{k}" for f, k in KINDS])
def test_each_kind_maps_to_its_family_class(family: str, kind: str) -> None:
    with pytest.raises(lg.LiberationGatesError) as info:
        _native._raise(family, kind)
    e = info.value
    assert e.kind == kind
    expected = lg.CircuitOpenError if kind == "call_rejected" else FAMILY_CLASSES[family]
    assert type(e) is expected
    assert str(e).startswith(f"{kind}: ")
    copy = pickle.loads(pickle.dumps(e))
    assert (type(copy), copy.kind, copy.message) == (type(e), e.kind, e.message)


@pytest.mark.parametrize(
    "call,cls,kind",
    [
        (lambda: lg.split("1", "XXX", [("a", "1")]), lg.SplitError, "unknown_currency"),
        (lambda: lg.Threshold("==", 1.0, 0.0), lg.ThresholdError, "invalid_rule"),
        (lambda: lg.WindowRate(0.0, 0), lg.WindowError, "invalid_config"),
        (lambda: lg.BreakerMachine({"minimum_calls": 0}), lg.BreakerError, "invalid_config"),
        (lambda: lg.Proposal([], "0.5", "0.5", 0.0, 1.0), lg.GovernanceError, "empty_electorate"),
        (lambda: lg.FlagSet([{"key": "x", "kind": "weird"}]), lg.FlagError, "invalid_flag"),
        (lambda: lg.Policy.parse("rules = 3", "toml"), lg.PolicyError, "invalid_policy"),
        (lambda: lg.RolloutPlan([{"weight": 50, "bake_seconds": 0}]), lg.RolloutError, "invalid_plan"),
        (lambda: lg.bucket("", "g"), lg.BucketError, "invalid_id"),
    ],
)
def test_real_calls_raise_the_documented_kind(call: object, cls: type[lg.LiberationGatesError], kind: str) -> None:
    with pytest.raises(cls) as info:
        call()  # type: ignore[operator]
    assert info.value.kind == kind


def test_no_panic_on_hostile_input() -> None:
    for gross in ["", "-", "1e400", "9" * 5000, "١٢", "NaN", " 1"]:
        with pytest.raises(lg.SplitError):
            lg.split(gross, "GBP", [("a", "1")])
    with pytest.raises(lg.SplitError):
        lg.split("1", "GBP", [("a", "9" * 400)])
    with pytest.raises(lg.ThresholdError):
        lg.Threshold(">", float("inf"), 1.0)
