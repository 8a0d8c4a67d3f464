"""Where a Python split's time goes (issue 19: `split` against plain `decimal` by hand, aim 0.2).

    .venv/bin/python benches/profile/python_split.py [--smoke]

Times, in one run, the pieces of `split_as_decimals` as benches/python/bench.py measures it
(`lg.split` with its result read as `Decimal`s), so that the part the core can change is set
against the parts it cannot: a native call with the same arguments that does nothing but parse
them, building the `Decimal`s Python reads, and the prepared forms. Medians of timeit runs,
the rows taken in turn over five rounds.
"""

from __future__ import annotations

import statistics
import sys
import timeit
from decimal import Decimal
from typing import Any, Callable, List, Tuple

import liberation_gates as lg

ARGS = ("1234.57", "GBP", [("a", "3"), ("b", "1")])


def measure(fn: Callable[[], Any], number: int, repeat: int) -> float:
    return statistics.median(timeit.Timer(fn).repeat(repeat=repeat, number=number)) / number * 1e9


def main() -> int:
    number, repeat = (200, 3) if "--smoke" in sys.argv else (20_000, 15)
    terms = lg.SplitTerms("GBP", [("a", "3"), ("b", "1")], creator_share="0.8")
    s = lg.split(*ARGS, creator_share="0.8")

    def read(split: Any) -> Tuple[Any, Any]:
        return split.creators, split.platform

    rows: List[Tuple[str, Callable[[], Any]]] = [
        ("lg.split(...) with .creators and .platform read (the bench's row)", lambda: read(lg.split(*ARGS, creator_share="0.8"))),
        ("lg.split(...) alone, result not read", lambda: lg.split(*ARGS, creator_share="0.8")),
        ("reading .creators and .platform of a split made before", lambda: read(s)),
        ("three Decimal('...') from text (what reading builds)", lambda: (Decimal("740.75"), Decimal("246.91"), Decimal("246.91"))),
        ("SplitTerms('GBP', creators, creator_share='0.8'): the same arguments but gross read, the terms built, no split", lambda: lg.SplitTerms("GBP", [("a", "3"), ("b", "1")], creator_share="0.8")),
        ("SplitTerms.split(gross), prepared terms, not read", lambda: terms.split("1234.57")),
        ("SplitTerms.split_minor(123457), ints, prepared", lambda: terms.split_minor(123457)),
        ("lg.degradation(0.1, 0.2): a native call that does almost nothing", lambda: lg.degradation(0.1, 0.2)),
        ("{'a': Decimal('740.75'), 'b': Decimal('246.91')}, Decimal('246.91'): what reading returns, built in Python", lambda: ({"a": Decimal("740.75"), "b": Decimal("246.91")}, Decimal("246.91"))),
        ("Decimal('1234.57') * Decimal('0.8'): one step of the by-hand version", lambda: Decimal("1234.57") * Decimal("0.8")),
    ]
    print("| piece | ns per call |")
    print("|---|---|")
    # Rows taken in turn, five rounds, each row's median over the rounds: a slow spell of the
    # machine then spreads over every row instead of landing on one.
    rounds = 1 if "--smoke" in sys.argv else 5
    times: List[List[float]] = [[] for _ in rows]
    for _ in range(rounds):
        for i, (_, fn) in enumerate(rows):
            times[i].append(measure(fn, number, repeat))
    for (name, _), t in zip(rows, times):
        print(f"| {name} | {statistics.median(t):,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
