"""Where the two Rust aims that are missed go (issue 19), from the criterion medians of one
`peers` run (benches/results/rust.json, written by scripts/bench):

- the protected call on one thread against recloser (aim 1.0): our call on a manual clock,
  each clock alone, and the least any breaker that times its calls can do (read the coarse
  clock, call, read it again, compare with the slow-call time, count), measured as a whole;
- the owned `Split` of two creators against rusty-money's `allocate` (aim 0.5): the split
  into minor units, the allocations an owned `Split` makes, made and freed alone, and their
  sum.

The row marked as computed adds medians of the same run (parts measured alone can overlap
in a whole call, so a sum is an estimate, not a bound); every other row is a measurement.

    python3 benches/profile/rust_pieces.py [RESULTS_JSON]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Dict, List, Tuple

ROOT = Path(__file__).resolve().parents[2]


def medians(path: Path) -> Dict[Tuple[str, str], float]:
    doc = json.loads(path.read_text())
    return {(r["group"], r["name"]): float(r["ns"]) for r in doc["results"]}


def table(title: str, rows: List[Tuple[str, float]]) -> List[str]:
    out = [f"### {title}", "", "| piece | ns per call |", "|---|---|"]
    out += [f"| {name} | {ns:.1f} |" for name, ns in rows]
    return out + [""]


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "benches" / "results" / "rust.json"
    m = medians(path)
    call, split = "breaker_protected_call", "split_2_creators"
    need = [(call, n) for n in ("liberation_gates", "liberation_gates_manual_clock", "coarse_clock_read_alone", "least_timed_call", "instant_now_alone", "recloser")]
    need += [(split, n) for n in ("liberation_gates", "liberation_gates_split_into", "owned_split_allocations_alone", "rusty_money_allocate")]
    missing = [f"{g}/{n}" for g, n in need if (g, n) not in m]
    if missing:
        print(f"{path}: no median for {', '.join(missing)} (run scripts/bench)", file=sys.stderr)
        return 2
    clocks = [("coarse_clock_read_alone", "the coarse clock (CLOCK_MONOTONIC_COARSE), read once"), ("instant_now_alone", "Instant::now(), read once"), ("rdtsc_alone", "the time-stamp counter (RDTSC), read once")]
    present = [(label, m[(call, name)]) for name, label in clocks if (call, name) in m]
    out = table(
        "Protected call, one thread (aim: at most recloser's)",
        [("our protected call, `CircuitBreaker::new` (the bench's row)", m[(call, "liberation_gates")]),
         ("the same call on a manual clock (no clock read)", m[(call, "liberation_gates_manual_clock")]),
         *present,
         ("the least a breaker that times its calls can do on the coarse clock: read it, call, read it, compare, count", m[(call, "least_timed_call")]),
         ("recloser, protected call (reads no clock)", m[(call, "recloser")])],
    )
    out += table(
        "Split of 2 creators returning an owned `Split` (aim: half rusty-money's allocate)",
        [("our split, terms prepared, an owned `Split` (the bench's row)", m[(split, "liberation_gates")]),
         ("our split into minor units (`split_into`, no allocation)", m[(split, "liberation_gates_split_into")]),
         ("what an owned `Split` allocates, made and freed alone (a `Vec` of 2 payouts, a `String` per id)", m[(split, "owned_split_allocations_alone")]),
         ("`split_into` + those allocations (computed: the sum)", m[(split, "liberation_gates_split_into")] + m[(split, "owned_split_allocations_alone")]),
         ("the aim: half of rusty-money's `allocate`", m[(split, "rusty_money_allocate")] / 2)],
    )
    print("\n".join(out).rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
