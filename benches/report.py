"""Builds the side-by-side tables of BENCHMARKS.md and benches/chart.png from
benches/results/{rust,python,node}.json (written by scripts/bench).

Ratios are ours ÷ theirs from one run on one machine (lower is better); the aims are issue 8's.
"""

from __future__ import annotations

import json
import platform
import re
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benches" / "results"

# (language, group, ours, theirs, aim): the aims are issue 19's.
COMPARISONS: List[Tuple[str, str, str, str, Optional[float]]] = [
    ("rust", "breaker_protected_call", "liberation_gates", "recloser", 1.0),
    ("rust", "breaker_protected_call", "liberation_gates", "failsafe", None),
    ("rust", "breaker_protected_call_2_threads", "liberation_gates", "recloser", 0.3),
    ("rust", "breaker_protected_call_2_threads", "liberation_gates", "failsafe", None),
    ("rust", "breaker_open_rejection", "liberation_gates", "recloser", 1.0),
    ("rust", "breaker_open_rejection", "liberation_gates", "failsafe", None),
    ("rust", "split_2_creators", "liberation_gates", "rusty_money_allocate", 0.5),
    ("rust", "split_2_creators", "liberation_gates_split_into", "rusty_money_allocate", 0.5),
    ("rust", "split_2_creators", "liberation_gates", "rust_decimal_by_hand", None),
    ("rust", "policy_day_of_observations", "liberation_gates_parse_and_evaluate_86400", "serde_json_parse_only_86400", 1.5),
    ("python", "breaker_call", "liberation_gates decorator", "pybreaker decorator", 0.08),
    ("python", "breaker_call", "liberation_gates decorator", "purgatory context manager", 0.3),
    ("python", "breaker_call", "liberation_gates context manager", "purgatory context manager", None),
    ("python", "split_2_creators", "liberation_gates split", "plain decimal by hand", 0.2),
    ("python", "split_2_creators", "liberation_gates split", "liberation_gates split, result not read", None),
    ("python", "core_call_overhead", "liberation_gates degradation()", "python no-op function", None),
    ("node", "breaker_fire", "liberation_gates fire()", "opossum fire()", 0.25),
    ("node", "breaker_fire", "liberation_gates fire()", "cockatiel execute()", 1.0),
    ("node", "breaker_fire", "liberation_gates fire()", "cockatiel SamplingBreaker execute()", 1.0),
    ("node", "breaker_reject", "liberation_gates fire() while open", "opossum fire() while open", None),
    ("node", "breaker_reject", "liberation_gates fire() while open", "cockatiel execute() while isolated", None),
    ("node", "split_2_creators", "liberation_gates split()", "dinero.js allocate()", 0.3),
    ("node", "split_2_creators", "liberation_gates SplitTerms.splitMinor()", "dinero.js allocate()", 0.3),
    ("node", "split_2_creators", "liberation_gates SplitTerms.splitMinorInto()", "dinero.js allocate()", 0.3),
    ("node", "core_call_overhead", "liberation_gates bucket()", "javascript no-op function", None),
    ("node", "napi_call", "NativeBreaker#acquire(t) method", "breakerAcquire(handle, t) function", None),
]


def load(lang: str) -> Dict[Tuple[str, str], float]:
    f = RESULTS / f"{lang}.json"
    if not f.exists():
        return {}
    doc = json.loads(f.read_text())
    return {(r["group"], r["name"]): float(r["ns"]) for r in doc["results"]}


def fmt_ns(ns: float) -> str:
    if ns >= 1e6:
        return f"{ns / 1e6:.1f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.1f} ns"


def rows() -> List[Dict[str, Any]]:
    data = {lang: load(lang) for lang in ("rust", "python", "node")}
    out = []
    for lang, group, ours, theirs, aim in COMPARISONS:
        a, b = data[lang].get((group, ours)), data[lang].get((group, theirs))
        if a is None or b is None:
            continue
        ratio = a / b
        out.append({"lang": lang, "group": group, "ours": ours, "theirs": theirs, "a": a, "b": b, "ratio": ratio, "aim": aim, "met": None if aim is None else ratio <= aim})
    return out


def tables(rs: List[Dict[str, Any]], machine: str) -> str:
    out = [f"Measured by `scripts/bench` on {machine}. Ratio = ours ÷ theirs in the same run (lower is better); absolute times are for orientation only.", ""]
    for lang, title in (("rust", "Rust (criterion medians)"), ("python", "Python (timeit medians)"), ("node", "Node (medians of timed batches)")):
        sel = [r for r in rs if r["lang"] == lang]
        if not sel:
            continue
        out += [f"### {title}", "", "| operation | ours | theirs | ratio | aim | met? |", "|---|---|---|---|---|---|"]
        for r in sel:
            aim = "—" if r["aim"] is None else f"≤ {r['aim']}"
            met = "—" if r["met"] is None else ("yes" if r["met"] else "**no**")
            out.append(f"| {r['group']} | {r['ours']}: {fmt_ns(r['a'])} | {r['theirs']}: {fmt_ns(r['b'])} | {r['ratio']:.2f} | {aim} | {met} |")
        out.append("")
    return "\n".join(out)


def stores_table(machine: str) -> str:
    f = RESULTS / "stores.json"
    if not f.exists():
        return "Not measured: run scripts/bench."
    rows = {(r["group"], r["name"]): float(r["ns"]) for r in json.loads(f.read_text())["results"]}
    out = [f"Measured by `scripts/bench` (`benches/stores.rs`, criterion medians) on {machine}; PostgreSQL and Redis are the Debian packages' servers that `scripts/lib/servers.sh` starts on loopback with their default settings (PostgreSQL commits with fsync).", ""]
    out += ["| backend | one append (a committed transaction) | appends per second |", "|---|---|---|"]
    for name in ("memory", "sqlite", "postgres"):
        ns = rows.get(("store_append", name))
        if ns is not None:
            out.append(f"| {name} | {fmt_ns(ns)} | {1e9 / ns:,.0f} |")
    local = rows.get(("breaker_call_shared_vs_local", "local"))
    shared = rows.get(("breaker_call_shared_vs_local", "shared_through_redis"))
    if local is not None and shared is not None:
        out += ["", "| protected call (acquire + record) | time |", "|---|---|",
                f"| local breaker, system clock | {fmt_ns(local)} |",
                f"| shared through Redis (2 round trips: one compare-and-set each) | {fmt_ns(shared)} |",
                f"| added by sharing | {fmt_ns(shared - local)} |"]
    return "\n".join(out)


def chart(rs: List[Dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colours = {"rust": "#b7410e", "python": "#3572a5", "node": "#3c873a"}
    labels = [f"{r['lang']}: {r['group']}\n{r['ours']} vs {r['theirs']}" for r in rs]
    fig, ax = plt.subplots(figsize=(10, 0.55 * len(rs) + 1.5))
    y = list(range(len(rs)))[::-1]
    ax.barh(y, [r["ratio"] for r in rs], color=[colours[r["lang"]] for r in rs])
    for yi, r in zip(y, rs):
        if r["aim"] is not None:
            ax.plot([r["aim"], r["aim"]], [yi - 0.4, yi + 0.4], color="black", linewidth=2)
        ax.text(r["ratio"] * 1.05, yi, f"{r['ratio']:.2f}", va="center", fontsize=8)
    ax.axvline(1.0, color="grey", linestyle="--", linewidth=1)
    ax.set_xscale("log")
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=7)
    ax.set_xlabel("ours ÷ theirs (log scale; lower is better; black tick = aim; dashed = parity)")
    ax.set_title("liberation-gates against the libraries people would use instead")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    rs = rows()
    machine = f"{platform.machine()} Linux, {sys.argv[1] if len(sys.argv) > 1 else 'this machine'}"
    text = tables(rs, machine)
    md = ROOT / "BENCHMARKS.md"
    doc = md.read_text()
    begin, end = "<!-- side-by-side:begin -->", "<!-- side-by-side:end -->"
    doc = re.sub(re.escape(begin) + r".*?" + re.escape(end), lambda _: begin + "\n" + text + "\n" + end, doc, flags=re.S)
    begin, end = "<!-- stores:begin -->", "<!-- stores:end -->"
    stores = stores_table(machine)
    doc = re.sub(re.escape(begin) + r".*?" + re.escape(end), lambda _: begin + "\n" + stores + "\n" + end, doc, flags=re.S)
    md.write_text(doc)
    chart(rs, ROOT / "benches" / "chart.png")
    print(text)


if __name__ == "__main__":
    main()
