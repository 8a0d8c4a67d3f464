"""The shared bad-input corpus (``tests/bad-inputs/``) through the Python API: every bad file
raises the family, kind and line that ``cases.json`` names — the same as in Rust, Node and
WASM, which run the same cases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import pytest

import liberation_gates as lg

CORPUS = Path(__file__).resolve().parents[3] / "tests" / "bad-inputs"
CASES: list[dict[str, Any]] = json.loads((CORPUS / "cases.json").read_text())

FAMILIES = {
    "split": lg.SplitError,
    "policy": lg.PolicyError,
    "rollout": lg.RolloutError,
    "governance": lg.GovernanceError,
    "health": lg.HealthError,
    "deployment": lg.DeploymentError,
}


def _read(name: str) -> str:
    return (CORPUS / name).read_text()


def _call(case: dict[str, Any]) -> Callable[[], object]:
    text = _read(case["file"])
    fmt = case.get("format", "json")
    calls: dict[str, Callable[[], object]] = {
        "policy": lambda: lg.Policy.parse(text, fmt),
        "rollout_plan": lambda: lg.RolloutPlan.parse(text, fmt),
        "deployment_plan": lambda: lg.DeploymentPlan.parse(text, fmt),
        "observations": lambda: lg.Policy.builtin().evaluator().observe_jsonl(text),
        "simulation": lambda: lg.simulate(text),
        "ledger": lambda: lg.Ledger.from_jsonl(text),
        "proposal": lambda: lg.read_proposal(text),
        "split_terms": lambda: lg.audit_files(text, ""),
        "payouts": lambda: lg.audit_files(_read(case.get("split", "")), text),
        "deployment_events": lambda: lg.Deployment("events").apply_jsonl(text),
    }
    return calls[case["input"]]


def test_the_corpus_is_there() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_bad_input_file(case: dict[str, Any]) -> None:
    with pytest.raises(lg.LiberationGatesError) as info:
        _call(case)()
    e = info.value
    assert isinstance(e, FAMILIES[case["family"]]), f"{type(e).__name__}: {e}"
    assert (e.kind, e.line) == (case["kind"], case.get("line")), str(e)
