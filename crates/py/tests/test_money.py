"""Money crosses the boundary exactly: str, Decimal or int minor units in; Decimal out."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import liberation_gates as lg


def test_amounts_come_back_as_decimals_with_the_currency_digits() -> None:
    s = lg.split("1.25", "KWD", [("a", "1")])
    assert s.creators == {"a": Decimal("0.938")}
    assert str(s.platform) == "0.312"
    assert lg.split("1250", "JPY", [("a", "1")]).creator_total == Decimal("938")


def test_int_is_minor_units_and_decimal_is_major_units() -> None:
    assert lg.split(10000, "GBP", [("a", 1)]).gross == Decimal("100.00")
    assert lg.split(Decimal("100"), "GBP", [("a", Decimal("1"))]).gross == Decimal("100.00")
    assert lg.split(Decimal("1E+2"), "GBP", {"a": "1"}).gross == Decimal("100.00")
    assert lg.split(1250, "JPY", [{"id": "a", "weight": "1"}]).gross == Decimal("1250")


@pytest.mark.parametrize("bad", [100.0, 0.1, float("nan"), True])
def test_floats_and_bools_are_refused_as_money(bad: object) -> None:
    with pytest.raises(TypeError, match="float|bool"):
        lg.split(bad, "GBP", [("a", "1")])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        lg.split("10.00", "GBP", [("a", "1")], fee=bad)  # type: ignore[arg-type]


def test_float_weights_and_shares_are_refused() -> None:
    with pytest.raises(TypeError):
        lg.split("10.00", "GBP", [("a", 0.5)])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        lg.split("10.00", "GBP", [("a", "1")], creator_share=0.8)  # type: ignore[arg-type]


def test_the_issue_example_raises_a_sovereignty_violation() -> None:
    with pytest.raises(lg.LiberationGatesError) as info:
        lg.split("100.00", "GBP", [("a", 1)], creator_share="0.7")
    assert isinstance(info.value, lg.SplitError)
    assert isinstance(info.value, ValueError)
    assert info.value.kind == "sovereignty_violation"


def test_negative_int_minor_units_are_an_invalid_amount() -> None:
    with pytest.raises(lg.SplitError) as info:
        lg.split(-1, "GBP", [("a", "1")])
    assert info.value.kind == "invalid_amount"


def test_refunds_reverse_exactly() -> None:
    s = lg.split("10.00", "GBP", [("a", "1"), ("b", "2")])
    r = s.refundable()
    creators, platform = r.refund("3.33")
    assert sum(creators.values()) + platform == Decimal("3.33")
    r.refund(r.remaining)
    assert r.remaining == Decimal("0.00")
    with pytest.raises(lg.SplitError) as info:
        r.refund(1)
    assert info.value.kind == "refund_exceeds_balance"


def test_ledger_report_reconciles() -> None:
    ledger = lg.Ledger()
    ledger.record_split("t1", 0.0, "100.00", "GBP", [("a", "1")], fee="2.00", fee_mode="before_split")
    ledger.record_split("t2", 86400.0, "1000", "JPY", [("a", "1")])
    ledger.record_refund("r1", 90000.0, "t1", "9.80")
    report = ledger.report("day")
    assert report["floor_held"] is True
    assert [(r["period"], r["currency"]) for r in report["rows"]] == [("1970-01-01", "GBP"), ("1970-01-02", "GBP"), ("1970-01-02", "JPY")]
    assert ledger.report_csv().splitlines()[0].startswith("period,currency")
    assert len(ledger) == 3
    assert ledger.creator_share(86400.0, 86400.0, "JPY") == pytest.approx(0.75)


@settings(max_examples=300, deadline=None)
@given(
    gross=st.integers(min_value=0, max_value=10**17),
    weights=st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=8),
    share=st.integers(min_value=7500, max_value=10000),
)
def test_conservation_across_the_boundary(gross: int, weights: list[int], share: int) -> None:
    creators = [(f"c{i}", str(w)) for i, w in enumerate(weights)]
    s = lg.split(gross, "GBP", creators, creator_share=Decimal(share) / 10000)
    assert sum(s.creators.values()) + s.platform + s.fee == s.gross
    assert s.creator_total * 10000 >= s.gross * share


def test_prepared_split_terms_give_the_split_of_every_gross() -> None:
    creators = [("amara", "2"), ("kofi", "1"), ("li", "1")]
    terms = lg.SplitTerms("CHF", creators, creator_share="0.8", fee="0.30", step="0.05")
    grosses: list[str | Decimal | int] = ["10.00", "33.35", Decimal("7.05"), 12345]
    for gross in grosses:
        whole = lg.split(gross, "CHF", creators, creator_share="0.8", fee="0.30", step="0.05")
        assert terms.split(gross).to_dict() == whole.to_dict()
        minor, pool, platform, fee = terms.split_minor(gross)
        assert minor == [int(a * 100) for a in whole.creators.values()]
        assert (pool, platform, fee) == (
            int(whole.creator_total * 100), int(whole.platform * 100), int(whole.fee * 100)
        )


def test_prepared_split_terms_refuse_what_split_refuses() -> None:
    with pytest.raises(lg.SplitError) as e:
        lg.SplitTerms("GBP", [("a", "1")], creator_share="0.7")
    assert e.value.kind == "sovereignty_violation"
    with pytest.raises(lg.SplitError) as e:
        lg.SplitTerms("GBP", [])
    assert e.value.kind == "no_creators"
    terms = lg.SplitTerms("GBP", [("a", "1")], fee="1.00")
    with pytest.raises(lg.SplitError) as e:
        terms.split("1.00")
    assert e.value.kind == "fee_exceeds_platform_share"
    with pytest.raises(TypeError):
        terms.split_minor(1.5)  # type: ignore[arg-type]


def test_a_split_reads_as_its_amounts_and_as_the_vectors_shape() -> None:
    s = lg.split("100.00", "GBP", [("alice", "3"), ("bob", "1")], fee="1.20")
    assert repr(s) == "Split(GBP 100.00: creators [alice=56.25, bob=18.75], platform 23.80, fee 1.20)"
    assert s.to_dict() == {
        "creators": [{"id": "alice", "amount": "56.25"}, {"id": "bob", "amount": "18.75"}],
        "platform": "23.80",
        "fee": "1.20",
        "creator_total": "75.00",
    }


# split() lends its str arguments to the core without copying them; audit() reads the same
# arguments into owned text first. Whatever the arguments, both must see the same split or
# refuse it with the same error.
_amounts = st.one_of(
    st.sampled_from(["12.50", "0.05", "1234.57", "100", "-1", "1e3", "x", "12.505", "", " 1"]),
    st.integers(min_value=-5, max_value=10**6),
    st.sampled_from([Decimal("12.50"), Decimal("1E+2"), Decimal("-0.01"), Decimal("NaN")]),
    st.sampled_from([1.5, True, None, b"12.50", object()]),
)
_weights = st.one_of(
    st.sampled_from(["1", "3", "0", "-1", "0.5", "w", ""]),
    st.integers(min_value=-1, max_value=5),
    st.sampled_from([Decimal("2"), 2.0, None]),
)
_ids = st.one_of(st.sampled_from(["a", "b", "ama", "é", ""]), st.sampled_from([1, None, b"a"]))


def _outcome(fn: Any) -> tuple[Any, ...]:
    try:
        return ("ok", fn())
    except Exception as e:  # noqa: BLE001 - the outcome is compared, not handled
        return (type(e).__name__, getattr(e, "kind", None), str(e))


@settings(max_examples=400, deadline=None)
@given(
    gross=_amounts,
    creators=st.lists(st.tuples(_ids, _weights), max_size=3),
    as_dict=st.booleans(),
    share=st.one_of(st.none(), st.sampled_from(["0.8", "0.7", "1", "x", Decimal("0.9"), 0.8])),
    fee=st.one_of(st.none(), _amounts),
    fee_mode=st.sampled_from([None, "platform", "before_split", "other"]),
)
def test_split_lending_its_strings_agrees_with_the_copying_audit(
    gross: Any, creators: list[tuple[Any, Any]], as_dict: bool, share: Any, fee: Any, fee_mode: Any
) -> None:
    given_creators: Any = dict(creators) if as_dict else creators
    kw: dict[str, Any] = {"creator_share": share, "fee": fee, "fee_mode": fee_mode}
    lent = _outcome(lambda: lg.split(gross, "GBP", given_creators, **kw).creators)
    copied = _outcome(lambda: lg.audit(gross, "GBP", given_creators, [], **kw)["expected"])
    assert lent == copied
