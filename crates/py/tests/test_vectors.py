"""Every shared vector, one test per case, through the Python API."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, List, Tuple

import pytest

from liberation_gates import conformance

VECTORS = Path(__file__).resolve().parents[3] / "tests" / "vectors"


def _cases() -> List[Tuple[str, str, Any]]:
    out = []
    for f in sorted(VECTORS.glob("*.json")):
        doc = json.loads(f.read_text())
        for case in doc["cases"]:
            out.append((doc["family"], case["name"], case))
    return out


CASES = _cases()


@pytest.mark.parametrize("family,name,case", CASES, ids=[f"{f}:{n}" for f, n, _ in CASES])
def test_vector(family: str, name: str, case: Any) -> None:
    actual, problems = conformance.run_case(family, case)
    assert not problems, f"{name}: {problems}\nactual: {actual}"


def test_every_family_is_covered_and_counts_match_the_files() -> None:
    families = {f for f, _, _ in CASES}
    assert families == set(conformance.RUNNERS)
    assert len(CASES) >= 466


def test_the_runner_reports_an_altered_case(tmp_path: Path) -> None:
    doc = json.loads((VECTORS / "bucket.json").read_text())
    doc["cases"][0]["expect"]["bucket"] = 74
    f = tmp_path / "bucket.json"
    f.write_text(json.dumps(doc))
    out = io.StringIO()
    passed, failed = conformance.run([str(f)], out)
    assert failed == 1 and passed == len(doc["cases"]) - 1
    assert "$.bucket: expected 74.0, got 73.0" in out.getvalue()
    assert conformance.main([str(f)]) == 1
    assert conformance.main([str(tmp_path / "missing.json")]) == 2
