"""Durable stores from Python: a ledger kept in SQLite or PostgreSQL, and the store itself."""

from __future__ import annotations

import json
import os
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Iterator, Optional

import pytest

import liberation_gates as lg

LINES = [
    {"type": "split", "id": "tx-1", "t": 1767225600, "gross": "12.00", "currency": "GBP", "creators": [{"id": "amara", "weight": "1"}]},
    {"type": "split", "id": "tx-2", "t": 1767229200, "gross": "30.00", "currency": "GBP", "creators": [{"id": "amara", "weight": "2"}, {"id": "kofi", "weight": "1"}], "fee": "0.75"},
    {"type": "refund", "id": "rf-1", "t": 1767232800, "split": "tx-2", "amount": "10.00"},
]


def postgres_url() -> Optional[str]:
    url = os.environ.get("LG_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("LG_REQUIRE_SERVERS") == "1":
            raise AssertionError("LG_REQUIRE_SERVERS=1 but LG_TEST_POSTGRES_URL is not set")
        return None
    return url


def fresh_postgres(base: str, name: str) -> str:
    # A throw-away database next to the one scripts/test made (psql from the server package).
    import subprocess

    for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", base, "-q", "-c", sql], check=True, capture_output=True)
    return base.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:{tmp_path / 'ledger.db'}"
        return
    base = postgres_url()
    if base is None:
        pytest.skip("LG_TEST_POSTGRES_URL is not set")
    yield fresh_postgres(base, f"lg_py_{os.getpid()}_{request.node.name.split('[')[0][-20:]}".lower())


def fill(ledger: lg.Ledger) -> None:
    ledger.record_split("tx-1", 1767225600, "12.00", "GBP", [("amara", "1")])
    ledger.record_split("tx-2", 1767229200, Decimal("30.00"), "GBP", [("amara", "2"), ("kofi", "1")], fee="0.75")
    ledger.record_refund("rf-1", 1767232800, "tx-2", "10.00")


def test_a_durable_ledger_survives_reopening_and_reports_like_its_lines(url: str) -> None:
    expected = lg.Ledger.from_jsonl("\n".join(json.dumps(line) for line in LINES)).report("day")
    ledger = lg.Ledger(store=url)
    assert ledger.store_backend == url.split(":")[0].replace("postgresql", "postgres")
    fill(ledger)
    assert ledger.report("day") == expected
    del ledger
    again = lg.Ledger(store=url)
    assert len(again) == 3
    assert again.report("day") == expected
    assert lg.Ledger().store_backend is None


def test_a_refused_record_is_neither_stored_nor_recorded(url: str) -> None:
    ledger = lg.Ledger(store=url)
    fill(ledger)
    with pytest.raises(lg.SplitError) as low:
        ledger.record_split("tx-3", 1767300000, "10.00", "GBP", [("amara", "1")], creator_share="0.7")
    assert low.value.kind == "sovereignty_violation"
    with pytest.raises(lg.SplitError) as again:
        ledger.record_split("tx-1", 1767300000, "10.00", "GBP", [("amara", "1")])
    assert again.value.kind == "invalid_record"
    assert len(ledger) == 3
    assert lg.Store(url).verify() == 3


def test_the_store_keeps_records_chained_and_state(url: str) -> None:
    store = lg.Store(url)
    first = store.append("governance", "vote-1", {"member": "amara", "choice": "yes"})
    second = store.append("governance", "vote-2", '{"member": "kofi", "choice": "no"}')
    assert (first["seq"], second["seq"]) == (1, 2)
    assert json.loads(first["body"]) == {"member": "amara", "choice": "yes"}
    assert len(first["checksum"]) == 64 and first["checksum"] != second["checksum"]
    with pytest.raises(lg.StoreError) as dup:
        store.append("governance", "vote-1", {})
    assert dup.value.kind == "duplicate_id"
    assert [r["id"] for r in store.records("governance")] == ["vote-1", "vote-2"]
    assert store.record("governance", "vote-2") == second
    assert store.record("governance", "vote-3") is None
    # Issue 16.9: an integer beyond 64 bits is kept exact, never rewritten as a float.
    big = store.append("governance", "vote-big", {"n": 2**64, "m": -(2**70)})
    assert json.loads(big["body"]) == {"n": 2**64, "m": -(2**70)}
    stored = store.record("governance", "vote-big")
    assert stored is not None and stored["body"] == big["body"]
    with pytest.raises(lg.StoreError) as nan:
        store.append("governance", "vote-nan", {"x": float("nan")})
    assert nan.value.kind == "invalid_record"
    store.put_state("rollout", "step 2")
    assert store.state("rollout") == "step 2"
    assert store.state("other") is None
    assert store.verify() == 3


def test_a_tampered_sqlite_history_is_refused_on_open(tmp_path: Path) -> None:
    path = tmp_path / "tampered.db"
    ledger = lg.Ledger(store=f"sqlite:{path}")
    fill(ledger)
    del ledger
    with sqlite3.connect(path) as c:
        c.execute("UPDATE lg_records SET body = replace(body, '30.00', '3.00') WHERE seq = 2")
    for open_it in (lambda: lg.Ledger(store=f"sqlite:{path}"), lambda: lg.Store(f"sqlite:{path}")):
        with pytest.raises(lg.StoreError) as e:
            open_it()
        assert e.value.kind == "tampered"
        assert "record 2" in str(e.value)


@pytest.mark.parametrize("bad", ["", "ledger.db", "mysql://x/y", "sqlite:"])
def test_a_bad_url_is_a_store_error(bad: str) -> None:
    with pytest.raises(lg.StoreError) as e:
        lg.Store(bad)
    assert e.value.kind == "invalid_url"
    with pytest.raises(lg.StoreError):
        lg.Ledger(store=bad)


def test_an_unreachable_database_is_unavailable() -> None:
    with pytest.raises(lg.StoreError) as e:
        lg.Store("postgres://lg@127.0.0.1:1/nothing")
    assert e.value.kind == "unavailable"


def test_store_errors_are_not_value_errors() -> None:
    # A tampered history is not the caller's bad argument.
    assert not issubclass(lg.StoreError, ValueError)
    assert issubclass(lg.StoreError, lg.LiberationGatesError)

