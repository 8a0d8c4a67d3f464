"""Unleash-compatible evaluation from Python (issue 21): Unleash's own client specification
through ``Toggles``, the community's votes on top, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import liberation_gates as lg
from liberation_gates import unleash_spec

ROOT = Path(__file__).resolve().parents[3]
INDEX = ROOT / "tests/external/unleash/index.json"


def test_every_file_of_unleash_client_specification_passes() -> None:
    files = unleash_spec.spec_files([INDEX])
    assert len(files) == 22
    lines: list[str] = []
    passed = failed = 0
    for f in files:
        p, m = unleash_spec.run_spec(f, lines.append)
        passed, failed = passed + p, failed + m
    assert (failed, lines) == (0, [])
    assert passed >= 279


def test_the_runner_module_reports_and_exits(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert unleash_spec.main([str(INDEX)]) == 0
    assert capsys.readouterr().out.strip().endswith("279 passed, 0 failed")
    spec = json.loads((ROOT / "tests/external/unleash/01-simple-examples.json").read_text())
    spec["tests"][0]["expectedResult"] = not spec["tests"][0]["expectedResult"]
    altered = tmp_path / "altered.json"
    altered.write_text(json.dumps(spec))
    assert unleash_spec.main([str(altered)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"FAIL altered.json: {spec['tests'][0]['toggleName']}") and out.strip().endswith("1 failed")


def test_a_rollout_matches_bucket_and_variants_come_back_as_dicts() -> None:
    state = {"features": [{"name": "cards", "enabled": True, "strategies": [
        {"name": "flexibleRollout", "parameters": {"rollout": "40", "stickiness": "userId", "groupId": "cards"}}],
        "variants": [{"name": "blue", "weight": 1, "payload": {"type": "string", "value": "b"}}]}]}
    t = lg.Toggles.from_json(json.dumps(state))
    for i in range(100):
        uid = f"user-{i}"
        assert t.is_enabled("cards", {"userId": uid}) == (lg.bucket(uid, "cards") <= 40)
    on = next(f"user-{i}" for i in range(100) if lg.bucket(f"user-{i}", "cards") <= 40)
    assert t.get_variant("cards", {"userId": on}) == {"name": "blue", "enabled": True, "feature_enabled": True, "payload": {"type": "string", "value": "b"}}
    assert t.get_variant("nope") == {"name": "disabled", "enabled": False, "feature_enabled": False}
    assert t.names == ["cards"]


def test_the_community_decides_whether_a_protected_flag_is_on() -> None:
    state = {"features": [{"name": "creator_sovereignty_enforcement", "enabled": False, "strategies": [
        {"name": "userWithId", "parameters": {"userIds": "amara,kofi"}}]}]}
    t = lg.Toggles.from_json(json.dumps(state))
    flags = lg.FlagSet.builtin()
    assert not t.is_enabled("creator_sovereignty_enforcement", {"userId": "amara"})
    assert t.is_enabled_governed("creator_sovereignty_enforcement", flags, {"userId": "amara"})
    assert not t.is_enabled_governed("creator_sovereignty_enforcement", flags, {"userId": "someone"})
    v = t.get_variant_governed("creator_sovereignty_enforcement", flags, {"userId": "kofi"})
    assert (v["name"], v["feature_enabled"]) == ("disabled", True)


def test_bad_states_and_contexts_are_flag_errors() -> None:
    for bad in ["", "[]", "{\"features\": [{\"enabled\": true}]}"]:
        with pytest.raises(lg.FlagError) as e:
            lg.Toggles.from_json(bad)
        assert e.value.kind == "invalid_toggle_state"
    t = lg.Toggles.from_json("{\"features\": []}")
    with pytest.raises(lg.FlagError) as e:
        t.is_enabled("x", {"userId": ["a"]})
    assert e.value.kind == "invalid_context"
    t.apply_json(json.dumps({"events": [{"type": "feature-updated", "feature": {"name": "x", "enabled": True, "strategies": []}}]}))
    assert t.is_enabled("x")
