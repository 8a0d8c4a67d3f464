from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def vectors_dir() -> Path:
    return ROOT / "tests" / "vectors"
