"""The community flags through OpenFeature's Python SDK (issue 20): a real ``openfeature``
client asks, ``LiberationGatesProvider`` answers from the flag set the community controls."""

from __future__ import annotations

import json
from typing import Any

import pytest
from openfeature import api
from openfeature.client import OpenFeatureClient
from openfeature.evaluation_context import EvaluationContext
from openfeature.event import EventDetails, ProviderEvent
from openfeature.exception import ErrorCode
from openfeature.flag_evaluation import Reason

import liberation_gates as lg
from liberation_gates.openfeature import LiberationGatesProvider


def feed() -> lg.FlagSet:
    """A community flag on for 30% of users, at intensity 0.6."""
    return lg.FlagSet([{"key": "community_feed", "kind": "community", "enabled": True, "intensity": 0.6, "rollout_percent": 30}])


def client(domain: str, provider: LiberationGatesProvider) -> OpenFeatureClient:
    api.set_provider(provider, domain=domain)
    return api.get_client(domain)


def test_a_percentage_rollout_splits_users_as_bucket_does() -> None:
    c = client("rollout", LiberationGatesProvider(feed()))
    inside = 0
    for i in range(300):
        uid = f"user-{i}"
        d = c.get_boolean_details("community_feed", False, EvaluationContext(targeting_key=uid))
        assert d.value is (lg.bucket(uid, "community_feed") <= 30), uid
        assert d.reason == Reason.SPLIT and d.flag_metadata["kind"] == "community"
        inside += d.value
    assert 60 <= inside <= 120
    d = c.get_boolean_details("community_feed", True)
    assert (d.value, d.error_code, d.reason) == (True, ErrorCode.TARGETING_KEY_MISSING, Reason.ERROR)


def test_a_verified_vote_flips_the_flag_and_emits_configuration_changed() -> None:
    provider = LiberationGatesProvider(feed())
    c = client("votes", provider)
    changed: list[Any] = []

    def on_change(details: EventDetails) -> None:
        changed.append(details.flags_changed)

    c.add_handler(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED, on_change)
    assert c.get_float_details("community_feed", 1.0).value == 0.6
    with pytest.raises(lg.FlagError):
        provider.apply("community_feed", "disable", actor="operator", t=5.0)
    assert changed == []
    vote = lg.Proposal(["amara", "kofi"], "0.5", "0.5", 0.0, 10.0)
    vote.cast(1.0, "amara", "yes")
    vote.cast(2.0, "kofi", "yes")
    provider.apply("community_feed", "disable", decision=vote.decision("flag:community_feed", "disable", 10.0), actor="council", t=10.0)
    assert changed == [["community_feed"]]
    for i in range(50):
        d = c.get_boolean_details("community_feed", True, EvaluationContext(targeting_key=f"user-{i}"))
        assert (d.value, d.reason) == (False, Reason.DISABLED)
        assert d.flag_metadata["decision"] == "disable flag:community_feed (passed)"
    number = c.get_float_details("community_feed", 1.0)
    assert (number.value, number.reason) == (0.0, Reason.DISABLED)


def test_unknown_flags_and_other_types_resolve_to_the_default_with_an_error() -> None:
    c = client("errors", LiberationGatesProvider())
    on = c.get_boolean_details("creator_sovereignty_enforcement", False)
    assert (on.value, on.reason, on.flag_metadata["kind"]) == (True, Reason.STATIC, "protected")
    missing = c.get_boolean_details("no_such_flag", False)
    assert (missing.value, missing.error_code) == (False, ErrorCode.FLAG_NOT_FOUND)
    text = c.get_string_details("creator_sovereignty_enforcement", "x")
    assert (text.value, text.error_code) == ("x", ErrorCode.TYPE_MISMATCH)
    count = c.get_integer_details("creator_sovereignty_enforcement", 3)
    assert (count.value, count.error_code) == (3, ErrorCode.TYPE_MISMATCH)


def test_unleash_toggles_through_the_sdk_under_the_community_votes() -> None:
    state = {"features": [
        {"name": "creator_sovereignty_enforcement", "enabled": False, "strategies": [
            {"name": "remoteAddress", "parameters": {"IPs": "10.0.0.0/8"}}]},
        {"name": "event_cards", "enabled": True, "strategies": [
            {"name": "flexibleRollout", "parameters": {"rollout": "50", "stickiness": "userId", "groupId": "event_cards"}}]}]}
    c = client("unleash", LiberationGatesProvider(lg.FlagSet.builtin(), lg.Toggles.from_json(json.dumps(state))))
    office = EvaluationContext(targeting_key="amara", attributes={"remoteAddress": "10.1.2.3"})
    d = c.get_boolean_details("creator_sovereignty_enforcement", False, office)
    # On by the community's state (the toggle's enabled: false does not count); the strategy matched.
    assert (d.value, d.reason, d.flag_metadata["kind"]) == (True, Reason.TARGETING_MATCH, "protected")
    home = EvaluationContext(targeting_key="amara", attributes={"remoteAddress": "192.168.1.2"})
    d = c.get_boolean_details("creator_sovereignty_enforcement", True, home)
    assert (d.value, d.reason) == (False, Reason.DEFAULT)
    for i in range(40):
        uid = f"user-{i}"
        assert c.get_boolean_value("event_cards", False, EvaluationContext(targeting_key=uid)) is (lg.bucket(uid, "event_cards") <= 50)
    n = c.get_float_details("event_cards", 0.5)
    assert (n.value, n.error_code) == (0.5, ErrorCode.TYPE_MISMATCH)
    assert c.get_boolean_value("democratic_governance", True) is False  # the flag set's answer
