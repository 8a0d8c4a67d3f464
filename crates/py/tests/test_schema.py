"""JSON Schemas of policy and plan files (issue 20): the core generates them, the package ships
them (``liberation_gates/schemas/*.schema.json``), and an independent validator (``jsonschema``,
draft 2020-12) accepts every example policy and plan as written and refuses a misspelt one."""

from __future__ import annotations

import copy
import json
import tomllib
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

import liberation_gates as lg

ROOT = Path(__file__).resolve().parents[3]
KINDS = {"policy": "policy.schema.json", "plan": "plan.schema.json", "rollout_plan": "rollout-plan.schema.json"}
EXAMPLES = {
    "policy": ["examples/policies/service.yaml", "crates/core/policies/default.toml"],
    "plan": ["crates/core/plans/default.toml"],
    "rollout_plan": ["examples/plans/fast.toml"],
}


def shipped(kind: str) -> dict[str, Any]:
    """The schema the installed package ships for ``kind``."""
    text = (files("liberation_gates") / "schemas" / KINDS[kind]).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def read(path: str) -> Any:
    """A file as written, read by a parser of its own."""
    text = (ROOT / path).read_text(encoding="utf-8")
    if path.endswith(".toml"):
        return tomllib.loads(text)
    if path.endswith((".yaml", ".yml")):
        return yaml.safe_load(text)
    return json.loads(text)


def validator(kind: str) -> jsonschema.Draft202012Validator:
    schema = shipped(kind)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_shipped_schema_is_the_cores(kind: str) -> None:
    assert lg.json_schema(kind) == shipped(kind)
    assert shipped(kind)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_an_unknown_schema_is_invalid_policy() -> None:
    with pytest.raises(lg.PolicyError) as info:
        lg.json_schema("policies")
    assert info.value.kind == "invalid_policy"


@pytest.mark.parametrize("kind,path", [(k, p) for k, ps in EXAMPLES.items() for p in ps])
def test_every_example_validates(kind: str, path: str) -> None:
    errors = [e.message for e in validator(kind).iter_errors(read(path))]
    assert errors == [], path


def test_the_schema_refuses_what_the_library_refuses() -> None:
    policy = validator("policy")
    good = read("examples/policies/service.yaml")
    misspelt = copy.deepcopy(good)
    misspelt["rules"][1]["for_second"] = misspelt["rules"][1].pop("for_seconds")
    assert not policy.is_valid(misspelt)
    with pytest.raises(lg.PolicyError):
        lg.Policy.parse(json.dumps(misspelt), "json")
    wrong_action = copy.deepcopy(good)
    wrong_action["rules"][0]["action"] = "explode"
    assert not policy.is_valid(wrong_action)
    plan = validator("rollout_plan")
    assert not plan.is_valid({"steps": [{"weight": 5, "bake_seconds": 60, "speed": 2}]})
    assert plan.is_valid({"steps": [{"weight": 5, "bake_seconds": 60}]})
