"""Runs Unleash's client specification through the Python API's ``Toggles``.

    python -m liberation_gates.unleash_spec [FILE ...]

With no file, ``tests/external/unleash/index.json`` (from the repository's root). A file is a
spec file, or an ``index.json`` listing the files beside it. Prints one line per failing test,
then ``N passed, M failed``; exits 1 on a failure, 2 on unreadable input.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Callable, List, Sequence, Tuple

from ._native import Toggles

DEFAULT_INDEX = Path("tests/external/unleash/index.json")


def spec_files(paths: Sequence[Path]) -> List[Path]:
    """The spec files named by ``paths`` (an index.json expands to the files it lists)."""
    out: List[Path] = []
    for p in paths:
        if p.name == "index.json":
            out.extend(p.parent / name for name in json.loads(p.read_text(encoding="utf-8")))
        else:
            out.append(p)
    return out


def run_spec(path: Path, log: Callable[[str], None] = print) -> Tuple[int, int]:
    """Runs every test and variant test of one spec file; ``(passed, failed)``."""
    spec: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    toggles = Toggles.from_json(json.dumps(spec["state"]))
    passed = failed = 0

    def check(test: dict[str, Any], got: Any) -> None:
        nonlocal passed, failed
        if got == test["expectedResult"] and type(got) is type(test["expectedResult"]):
            passed += 1
        else:
            failed += 1
            log(f"FAIL {path.name}: {test['toggleName']}: {test['description']}: expected {json.dumps(test['expectedResult'])}, got {json.dumps(got)}")

    for t in spec.get("tests", []):
        check(t, toggles.is_enabled(t["toggleName"], t.get("context")))
    for t in spec.get("variantTests", []):
        check(t, toggles.get_variant(t["toggleName"], t.get("context")))
    return passed, failed


def main(argv: Sequence[str] = tuple(sys.argv[1:])) -> int:
    passed = failed = 0
    try:
        for f in spec_files([Path(a) for a in argv] or [DEFAULT_INDEX]):
            p, m = run_spec(f)
            passed += p
            failed += m
    except (OSError, ValueError, KeyError) as e:
        print(f"unleash_spec: {e}", file=sys.stderr)
        return 2
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
