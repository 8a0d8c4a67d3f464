"""Python side by side (issue 8): our breaker decorator against pybreaker and purgatory, our
split against a plain-decimal implementation of the same rule, and the per-call overhead of a
trivial core call. Medians of repeated timeit runs, in nanoseconds per call.

    .venv/bin/python benches/python/bench.py [--smoke] [--json benches/results/python.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import timeit
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any, Callable, Dict, List, Tuple

import pybreaker
from purgatory import SyncCircuitBreakerFactory

import liberation_gates as lg

CENT = Decimal("0.01")


def plain_decimal_split(gross: str, weights: List[Tuple[str, int]], share: str) -> Tuple[Dict[str, Decimal], Decimal]:
    """The same rule as a user would write it with the decimal module: pool rounded up to the
    cent, floors by weight, leftover cents to the largest remainders (ties to the earlier)."""
    g = Decimal(gross)
    pool = (g * Decimal(share)).quantize(CENT, rounding=ROUND_CEILING)
    total = sum(w for _, w in weights)
    amounts: Dict[str, Decimal] = {}
    remainders = []
    for i, (cid, w) in enumerate(weights):
        exact = pool * w / total
        floor = exact.quantize(CENT, rounding=ROUND_FLOOR)
        amounts[cid] = floor
        remainders.append((exact - floor, i, cid))
    left = int((pool - sum(amounts.values())) / CENT)
    for _, _, cid in sorted(remainders, key=lambda r: (-r[0], r[1]))[:left]:
        amounts[cid] += CENT
    return amounts, g - pool


def measure(fn: Callable[[], Any], number: int, repeat: int) -> float:
    runs = timeit.Timer(fn).repeat(repeat=repeat, number=number)
    return statistics.median(runs) / number * 1e9


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--smoke", action="store_true", help="a few iterations, to check the harness runs")
    ap.add_argument("--json", help="write the results here")
    a = ap.parse_args()
    number, repeat = (200, 3) if a.smoke else (20_000, 15)

    ours = lg.CircuitBreaker()

    @ours
    def ours_decorated() -> int:
        return 1

    pb = pybreaker.CircuitBreaker()

    @pb
    def pybreaker_decorated() -> int:
        return 1

    pg = SyncCircuitBreakerFactory().get_breaker("dependency")

    def purgatory_context() -> int:
        with pg:
            return 1

    def ours_context() -> int:
        with ours:
            return 1

    # Pool 1234.57 × 0.8 = 987.656, rounded up to 987.66; 740.745 / 246.915 floor to
    # 740.74 / 246.91 and the tied leftover cent goes to the earlier creator.
    expected = ({"a": Decimal("740.75"), "b": Decimal("246.91")}, Decimal("246.91"))
    assert plain_decimal_split("1234.57", [("a", 3), ("b", 1)], "0.8") == expected
    s = lg.split("1234.57", "GBP", [("a", "3"), ("b", "1")], creator_share="0.8")
    assert (s.creators, s.platform) == expected, "both implementations agree"

    def split_as_decimals(s: Any) -> Tuple[Dict[str, Decimal], Decimal]:
        return s.creators, s.platform

    cases: List[Tuple[str, str, Callable[[], Any]]] = [
        ("breaker_call", "liberation_gates decorator", ours_decorated),
        ("breaker_call", "liberation_gates context manager", ours_context),
        ("breaker_call", "pybreaker decorator", pybreaker_decorated),
        ("breaker_call", "purgatory context manager", purgatory_context),
        # Both sides return what the plain version does: each creator's Decimal and the platform's.
        ("split_2_creators", "liberation_gates split", lambda: split_as_decimals(lg.split("1234.57", "GBP", [("a", "3"), ("b", "1")], creator_share="0.8"))),
        ("split_2_creators", "plain decimal by hand", lambda: plain_decimal_split("1234.57", [("a", 3), ("b", 1)], "0.8")),
        # Where the split's time goes: the call alone, the result's amounts not read.
        ("split_2_creators", "liberation_gates split, result not read", lambda: lg.split("1234.57", "GBP", [("a", "3"), ("b", "1")], creator_share="0.8")),
        ("core_call_overhead", "liberation_gates bucket()", lambda: lg.bucket("user-42", "new_event_cards")),
        ("core_call_overhead", "liberation_gates degradation()", lambda: lg.degradation(300.0, 100.0)),
        ("core_call_overhead", "python no-op function", lambda: None),
    ]
    results = [{"group": g, "name": n, "ns": round(measure(f, number, repeat), 1)} for g, n, f in cases]
    for r in results:
        print(f"{r['group']:<20} {r['name']:<34} {r['ns']:>10.1f} ns")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"language": "python", "python": platform.python_version(), "smoke": a.smoke, "results": results}, f, indent=2)


if __name__ == "__main__":
    main()
