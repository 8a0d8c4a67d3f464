"""Run the shared conformance vectors through the Python API.

    python -m liberation_gates.conformance tests/vectors [more files or folders...]

Each case's input becomes calls of this package's public functions and classes; the result
is written in the vector's ``expect`` shape and compared (``window_rate`` rates with a
relative tolerance of 1e-12). Prints each failing case with what differed, then
``N passed, M failed``; exits 1 on any failure, 2 on unreadable input.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import liberation_gates as lg

NAN = float("nan")
Json = Any


def _f(d: Dict[str, Json], key: str) -> float:
    v = d.get(key)
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else NAN


def _text(v: Json) -> Json:
    """A decimal string as given (None when absent). Anything else in its place — a JSON number
    among them — is not a decimal string (SPEC's conventions); it is passed on as text the API
    refuses with the field's invalid-value error."""
    if isinstance(v, str) or v is None:
        return v
    return f"{json.dumps(v)} (JSON {type(v).__name__}, not a decimal string)"


def _err(e: lg.LiberationGatesError) -> Dict[str, Json]:
    return {"error": e.kind}


def _seq_error(key: str, items: List[Json], e: lg.LiberationGatesError, at: int) -> Dict[str, Json]:
    return {key: items, "error": e.kind, "at": at}


def run_split(i: Dict[str, Json]) -> Json:
    creators = [(c.get("id", ""), _text(c.get("weight", ""))) for c in i.get("creators", [])]
    try:
        s = lg.split(_text(i.get("gross", "")), i.get("currency", ""), creators, creator_share=_text(i.get("creator_share")), fee=_text(i.get("fee")), fee_mode=i.get("fee_mode"))
    except lg.SplitError as e:
        return _err(e)
    return s.to_dict()


def run_threshold(i: Dict[str, Json]) -> Json:
    r = i.get("rule", {})
    try:
        th = lg.Threshold(r.get("op", ""), _f(r, "threshold"), _f(r, "for_seconds"), keep_firing_for_seconds=r.get("keep_firing_for_seconds", 0.0), max_gap_seconds=r.get("max_gap_seconds"))
    except lg.ThresholdError as e:
        return _err(e)
    states: List[str] = []
    for n, s in enumerate(i.get("samples", [])):
        v = s.get("value")
        try:
            states.append(th.observe(_f(s, "t"), float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None))
        except lg.ThresholdError as e:
            return _seq_error("states", states, e, n)
    return {"states": states}


def run_window_rate(i: Dict[str, Json]) -> Json:
    try:
        w = lg.WindowRate(_f(i, "window_seconds"), i.get("min_requests", NAN))
    except lg.WindowError as e:
        return _err(e)
    rates: List[Optional[float]] = []
    for n, s in enumerate(i.get("samples", [])):
        try:
            rates.append(w.push(_f(s, "t"), s.get("requests", NAN), s.get("errors", NAN)))
        except lg.WindowError as e:
            return _seq_error("rates", rates, e, n)
    return {"rates": rates}


def run_breaker(i: Dict[str, Json]) -> Json:
    try:
        m = lg.BreakerMachine(i.get("config", {}))
    except lg.BreakerError as e:
        return _err(e)
    steps: List[Json] = []
    for n, op in enumerate(i.get("ops", [])):
        try:
            permitted = m.apply(_f(op, "t"), op.get("op", ""), op.get("outcome"), op.get("seconds"))
        except lg.BreakerError as e:
            return _seq_error("steps", steps, e, n)
        step: Dict[str, Json] = {"state": m.state}
        if permitted is not None:
            step["permitted"] = permitted
        steps.append(step)
    return {"steps": steps}


def run_governance(i: Dict[str, Json]) -> Json:
    votes = [(_f(v, "t"), v.get("member", ""), v.get("choice", "")) for v in i.get("votes", [])]
    try:
        status, tally, refused = lg.Proposal.read(i.get("electorate", []), _text(i.get("quorum", "")), _text(i.get("pass_threshold", "")), _f(i, "opens_at"), _f(i, "closes_at"), votes, _f(i, "now"))
    except lg.GovernanceError as e:
        return _err(e)
    return {"status": status, **tally, "refused": [{"index": n, "error": k} for n, k in refused]}


# The vote that gives each status when tallied at t = 0: (quorum, closes_at, choice or None).
_VOTES_FOR = {"passed": ("0", 0.0, "yes"), "rejected": ("0", 0.0, "no"), "no_quorum": ("1", 0.0, None), "open": ("0", 1.0, "yes")}


def _backed_by_votes(d: Dict[str, Json]) -> "lg.Decision":
    """A vector's decision {subject, action, status} as the flag rule needs it: made by the
    core from a real one-member proposal whose votes give that status at t = 0. Any other
    status is handed over as a record made by hand (refused as the rule says)."""
    subject, action, status = str(d.get("subject", "")), str(d.get("action", "")), d.get("status", "")
    if not isinstance(status, str) or status not in _VOTES_FOR:
        return lg.Decision(subject, action, str(status))
    quorum, closes_at, choice = _VOTES_FOR[status]
    p = lg.Proposal(["m"], quorum, "0.5", -2.0, closes_at)
    if choice is not None:
        p.cast(-1.0, "m", choice)
    return p.decision(subject, action, 0.0)


def run_flags(i: Dict[str, Json]) -> Json:
    try:
        flags = lg.FlagSet(i.get("flags", []))
    except lg.FlagError as e:
        return _err(e)
    steps: List[Json] = []
    for op in i.get("ops", []):
        d = op.get("decision")
        value = op.get("value")
        try:
            decision = _backed_by_votes(d) if isinstance(d, dict) else None
            enabled, intensity = flags.apply(op.get("key", ""), op.get("op", ""), float(value) if value is not None else None, decision)
            steps.append({"ok": True, "enabled": enabled, "intensity": intensity})
        except (lg.FlagError, lg.GovernanceError) as e:
            steps.append({"ok": False, "error": e.kind})
    return {"steps": steps}


def run_policy(i: Dict[str, Json]) -> Json:
    ev = lg.Policy.builtin().evaluator()
    decisions: List[Json] = []
    for n, o in enumerate(i.get("observations", [])):
        try:
            d = ev.observe(_f(o, "t"), o.get("metrics") or {}, o.get("checks") or {})
        except lg.PolicyError as e:
            return _seq_error("decisions", decisions, e, n)
        decisions.append({"action": d.action, "severity": d.severity, "reasons": d.reasons})
    return {"decisions": decisions}


def run_rollout(i: Dict[str, Json]) -> Json:
    gentle = i.get("gentle_step_seconds")
    try:
        plan = lg.RolloutPlan(i.get("steps"), gentle_step_seconds=None if gentle is None else _f(i, "gentle_step_seconds"))
    except lg.RolloutError as e:
        return _err(e)
    r = lg.Rollout(plan, float(i.get("started_at", 0.0)))
    states: List[Json] = []
    for n, ev in enumerate(i.get("events", [])):
        try:
            status, step, weight = r.apply(_f(ev, "t"), ev.get("type", ""), ev.get("decision"), ev.get("step"), ev.get("outcome"))
        except lg.RolloutError as err:
            return _seq_error("states", states, err, n)
        states.append({"status": status, "step": step, "weight": weight})
    return {"states": states}


def run_bucket(i: Dict[str, Json]) -> Json:
    try:
        return {"bucket": lg.bucket(i.get("id", ""), i.get("group", ""), i.get("modulus", 100), i.get("seed", 0))}
    except lg.BucketError as e:
        return _err(e)


def _amounts(d: Dict[str, Any]) -> List[Json]:
    return [{"id": k, "amount": str(v)} for k, v in d.items()]


def run_payout_audit(i: Dict[str, Json]) -> Json:
    s = i.get("split", {})
    creators = [(c.get("id", ""), _text(c.get("weight", ""))) for c in s.get("creators", [])]
    paid = [(p.get("id", ""), _text(p.get("amount", ""))) for p in i.get("paid", [])]
    try:
        a = lg.audit(_text(s.get("gross", "")), s.get("currency", ""), creators, paid, creator_share=_text(s.get("creator_share")), fee=_text(s.get("fee")), fee_mode=s.get("fee_mode"))
    except lg.SplitError as e:
        return _err(e)
    share = a["creator_share_paid"]
    return {
        "expected": _amounts(a["expected"]),
        "creator_total": str(a["creator_total"]),
        "paid_total": str(a["paid_total"]),
        "shortfalls": _amounts(a["shortfalls"]),
        "exact": a["exact"],
        "floor_held": a["floor_held"],
        "creator_share_paid": None if share is None else str(share),
    }


def run_health(i: Dict[str, Json]) -> Json:
    try:
        model = lg.HealthModel(i.get("checks", []))
        r = model.evaluate(i.get("status", {}))
    except lg.HealthError as e:
        return _err(e)
    return {k: r[k] for k in ("levels", "overall", "action", "failing")}


RUNNERS: Dict[str, Callable[[Dict[str, Json]], Json]] = {
    "split": run_split,
    "threshold": run_threshold,
    "window_rate": run_window_rate,
    "breaker": run_breaker,
    "governance": run_governance,
    "flags": run_flags,
    "policy": run_policy,
    "rollout": run_rollout,
    "bucket": run_bucket,
    "payout_audit": run_payout_audit,
    "health": run_health,
}


def diff(expected: Json, actual: Json, tolerant: bool, path: str = "$") -> List[str]:
    """What differs between two JSON values (empty when equal)."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return [] if expected is actual else [f"{path}: expected {expected!r}, got {actual!r}"]
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        a, b = float(expected), float(actual)
        same = a == b or (tolerant and math.isclose(a, b, rel_tol=1e-12, abs_tol=0.0))
        return [] if same else [f"{path}: expected {a}, got {b}"]
    if isinstance(expected, list) and isinstance(actual, list):
        out = [] if len(expected) == len(actual) else [f"{path}: expected {len(expected)} items, got {len(actual)}"]
        for n, (x, y) in enumerate(zip(expected, actual)):
            out += diff(x, y, tolerant, f"{path}[{n}]")
        return out
    if isinstance(expected, dict) and isinstance(actual, dict):
        out = []
        for k, x in expected.items():
            out += diff(x, actual[k], tolerant, f"{path}.{k}") if k in actual else [f"{path}.{k}: expected {x!r}, missing"]
        out += [f"{path}.{k}: unexpected {y!r}" for k, y in actual.items() if k not in expected]
        return out
    return [] if expected == actual else [f"{path}: expected {expected!r}, got {actual!r}"]


def run_case(family: str, case: Dict[str, Json]) -> Tuple[Json, List[str]]:
    actual = RUNNERS[family](case.get("input", {}))
    return actual, diff(case.get("expect"), actual, family == "window_rate")


def files(paths: Sequence[str]) -> List[Path]:
    out: List[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(p.glob("*.json"))
        elif p.exists():
            out.append(p)
        else:
            raise FileNotFoundError(f"{p}: no such file or folder")
    return out


def run(paths: Sequence[str], out: Any = sys.stdout) -> Tuple[int, int]:
    """Runs every case of every file; returns ``(passed, failed)``."""
    passed = failed = 0
    for f in files(paths):
        doc = json.loads(f.read_text())
        family = doc.get("family")
        if family not in RUNNERS:
            raise ValueError(f"{f}: unknown family {family!r}")
        for case in doc.get("cases", []):
            _, problems = run_case(family, case)
            if problems:
                failed += 1
                print(f"FAIL {family} :: {case.get('name')}", file=out)
                for p in problems:
                    print(f"    {p}", file=out)
            else:
                passed += 1
    return passed, failed


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv) or ["tests/vectors"]
    try:
        passed, failed = run(args)
    except (OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
