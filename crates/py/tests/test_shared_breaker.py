"""Breakers shared across processes through Redis, from Python. Needs LG_TEST_REDIS_URL (set by
scripts/test, which starts a throw-away server); with LG_REQUIRE_SERVERS=1 a missing server
fails the tests instead of skipping them."""

from __future__ import annotations

import os
import socket
import uuid
from typing import List, Optional, Tuple

import pytest

import liberation_gates as lg

SMALL = {"window": {"type": "count", "size": 4}, "minimum_calls": 4, "open_seconds": 60}


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("LG_TEST_REDIS_URL")
    if not url:
        if os.environ.get("LG_REQUIRE_SERVERS") == "1":
            raise AssertionError("LG_REQUIRE_SERVERS=1 but LG_TEST_REDIS_URL is not set")
        pytest.skip("LG_TEST_REDIS_URL is not set")
    return url


def test_two_breakers_of_one_name_share_window_and_state(redis_url: str) -> None:
    name = f"payments-{uuid.uuid4()}"
    a = lg.CircuitBreaker(SMALL, name=name, shared=redis_url)
    b = lg.CircuitBreaker(SMALL, name=name, shared=redis_url)
    transitions: List[Tuple[str, str]] = []
    b.on_transition(lambda t, frm, to: transitions.append((frm, to)))

    @a
    def fail_via_a() -> None:
        raise ConnectionError("down")

    for _ in range(2):
        with pytest.raises(ConnectionError):
            fail_via_a()
    assert b.call(lambda: 1) == 1
    assert a.state == "closed"
    assert b.call(lambda: 2) == 2  # the window is full at 50% failures: b opens it
    assert a.state == "open" and b.state == "open"
    with pytest.raises(lg.CircuitOpenError):
        a.call(lambda: 3)
    assert transitions == [("closed", "open")]
    assert a.is_shared and b.is_shared
    stats = a.metrics()["stats"]
    assert (stats["permitted"], stats["failures"], stats["rejected"]) == (4, 2, 1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_unreachable_redis_is_local_and_says_so() -> None:
    b = lg.CircuitBreaker(SMALL, name="offline", shared=f"redis://127.0.0.1:{free_port()}/")
    events: List[Tuple[str, Optional[str]]] = []
    b.on_shared_event(lambda what, reason: events.append((what, reason)))
    assert [b.call(lambda: i) for i in range(10)] == list(range(10))
    assert not b.is_shared
    assert len(events) == 1 and events[0][0] == "local" and "redis" in (events[0][1] or "")
    assert b.metrics()["stats"]["permitted"] == 10


def test_a_shared_breaker_refuses_what_it_cannot_do(redis_url: str) -> None:
    with pytest.raises(TypeError):
        lg.CircuitBreaker(SMALL, shared=redis_url, clock=lambda: 0.0)
    with pytest.raises(lg.StoreError) as e:
        lg.CircuitBreaker(SMALL, shared="http://nope")
    assert e.value.kind == "invalid_url"
    cache = lg.FallbackCache()
    with pytest.raises(TypeError):
        cache.guard(lg.CircuitBreaker(SMALL, shared=redis_url), "k", lambda: (1, lg.Attribution()))
    with pytest.raises(TypeError):
        lg.CircuitBreaker(SMALL).on_shared_event(lambda what, reason: None)
