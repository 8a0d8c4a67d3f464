"""The examples in the package's docstrings run, and every public name is documented."""

from __future__ import annotations

import doctest
import inspect
from types import ModuleType

import pytest

import liberation_gates as lg
from liberation_gates import _native, breaker, errors
from liberation_gates import openfeature as lg_openfeature


# _native: the functions exported as they are (split), whose docstrings live in Rust.
@pytest.mark.parametrize("module", [lg, _native, breaker, errors, lg_openfeature], ids=lambda m: m.__name__)
def test_docstring_examples(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("name", lg.__all__)
def test_every_public_name_has_a_docstring(name: str) -> None:
    obj = getattr(lg, name)
    if name in ("Money", "Exact", "Creators"):
        return  # type aliases, documented in the module
    assert inspect.getdoc(obj), f"{name} has no docstring"


def test_help_on_split_is_useful() -> None:
    doc = inspect.getdoc(lg.split) or ""
    for word in ["75", "rounded **up**", "largest-remainder", "sovereignty_violation", "TypeError"]:
        assert word in doc
