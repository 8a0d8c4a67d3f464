"""Circuit breakers the Python way: decorator (sync and async), context managers, filters,
threads, and the fallback cache with attribution."""

from __future__ import annotations

import asyncio
import threading
from typing import Any, Dict, List, Tuple

import pytest

import liberation_gates as lg


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


SMALL = {"window": {"type": "count", "size": 4}, "minimum_calls": 4, "open_seconds": 30, "half_open_calls": 1}


def test_decorator_opens_after_failures_and_uses_the_fallback() -> None:
    clock = FakeClock()
    breaker = lg.CircuitBreaker(SMALL, clock=clock)
    calls: List[str] = []

    @breaker(fallback=lambda user: f"cached:{user}")
    def profile(user: str) -> str:
        calls.append(user)
        raise TimeoutError("down")

    assert [profile("a") for _ in range(4)] == ["cached:a"] * 4
    assert breaker.state == "open"
    assert profile("b") == "cached:b"
    assert calls == ["a"] * 4, "the open breaker did not call through"
    clock.now = 30.0
    assert breaker.metrics()["state"] == "half_open"


def test_plain_decorator_raises_circuit_open_error() -> None:
    breaker = lg.CircuitBreaker(SMALL)

    @breaker
    def fail() -> None:
        raise ConnectionError("no")

    for _ in range(4):
        with pytest.raises(ConnectionError):
            fail()
    with pytest.raises(lg.CircuitOpenError) as info:
        fail()
    assert info.value.kind == "call_rejected"


def test_decorated_function_keeps_its_name_docs_and_signature() -> None:
    breaker = lg.CircuitBreaker(SMALL)

    @breaker
    def greet(name: str, *, punctuation: str = "!") -> str:
        """Says hello."""
        return f"hello {name}{punctuation}"

    assert greet("amara") == "hello amara!"
    assert greet(name="ivor", punctuation="?") == "hello ivor?"
    assert greet.__name__ == "greet"
    assert greet.__doc__ == "Says hello."
    assert getattr(greet, "__wrapped__") is not None
    import inspect

    assert list(inspect.signature(greet).parameters) == ["name", "punctuation"]


def test_decorated_methods_bind_to_their_instance() -> None:
    breaker = lg.CircuitBreaker(SMALL, fallback=lambda self, x: ("fallback", x))

    class Client:
        def __init__(self, base: int) -> None:
            self.base = base

        @breaker
        def fetch(self, x: int) -> Tuple[str, int]:
            if x < 0:
                raise ConnectionError("down")
            return ("ok", self.base + x)

    c = Client(10)
    assert c.fetch(1) == ("ok", 11)
    assert Client.fetch(c, 2) == ("ok", 12)
    assert c.fetch(-1) == ("fallback", -1), "a failed call falls back with the same arguments"
    assert breaker.metrics()["stats"]["failures"] == 1


def test_a_subclass_deciding_failures_is_asked_on_every_call() -> None:
    class OnlyTimeouts(lg.CircuitBreaker):
        def is_failure(self, exc: BaseException) -> bool:
            return isinstance(exc, TimeoutError)

    breaker = OnlyTimeouts(SMALL)

    @breaker
    def call(exc: BaseException) -> None:
        raise exc

    for _ in range(4):
        with pytest.raises(KeyError):
            call(KeyError("not the dependency's fault"))
    assert breaker.state == "closed", "KeyError is not a failure for this subclass"
    for _ in range(2):  # 2 of the last 4 calls failed: rate 0.5 reaches the threshold
        with pytest.raises(TimeoutError):
            call(TimeoutError())
    assert breaker.state == "open"


def test_ignored_exceptions_do_not_count() -> None:
    breaker = lg.CircuitBreaker(SMALL, ignore_exceptions=(KeyError,))

    @breaker
    def lookup() -> None:
        raise KeyError("not found is the caller's problem")

    for _ in range(10):
        with pytest.raises(KeyError):
            lookup()
    assert breaker.state == "closed"
    stats = breaker.metrics()["stats"]
    assert stats["successes"] == 10 and stats["failures"] == 0


def test_failure_exceptions_narrow_what_counts() -> None:
    breaker = lg.CircuitBreaker(SMALL, failure_exceptions=(TimeoutError,))
    for exc in [ValueError(), ValueError(), ValueError(), ValueError()]:
        with pytest.raises(ValueError):
            breaker.call(_raise, exc)
    assert breaker.state == "closed"


def _raise(exc: BaseException) -> None:
    raise exc


async def test_async_decorator_and_async_context_manager() -> None:
    breaker = lg.CircuitBreaker(SMALL)

    async def fallback(x: int) -> int:
        return -x

    @breaker(fallback=fallback)
    async def fetch(x: int) -> int:
        await asyncio.sleep(0)
        if x < 0:
            raise TimeoutError()
        return x * 2

    assert await fetch(21) == 42
    results = await asyncio.gather(*(fetch(-i) for i in range(1, 5)))
    assert results == [1, 2, 3, 4]
    assert breaker.state == "open"
    with pytest.raises(lg.CircuitOpenError):
        async with breaker:
            pass


def test_sync_context_manager_records_outcomes() -> None:
    breaker = lg.CircuitBreaker(SMALL)
    with breaker:
        pass
    # One success and three failures fill the 4-call window at 75% failures: it opens.
    for _ in range(3):
        with pytest.raises(RuntimeError):
            with breaker:
                raise RuntimeError("boom")
    assert breaker.state == "open"
    stats = breaker.metrics()["stats"]
    assert (stats["successes"], stats["failures"]) == (1, 3)
    with pytest.raises(lg.CircuitOpenError):
        with breaker:
            raise AssertionError("not entered while open")


def test_transitions_reach_listeners_in_order() -> None:
    clock = FakeClock()
    breaker = lg.CircuitBreaker(SMALL, clock=clock)
    seen: List[Tuple[float, str, str]] = []
    breaker.on_transition(lambda t, a, b: seen.append((t, a, b)))
    for _ in range(4):
        with pytest.raises(OSError):
            breaker.call(_raise, OSError())
    clock.now = 31.0
    breaker.call(lambda: None)
    assert seen == [(0.0, "closed", "open"), (31.0, "open", "half_open"), (31.0, "half_open", "closed")]


def test_a_breaker_shared_by_threads_counts_every_call() -> None:
    breaker = lg.CircuitBreaker({"window": {"type": "count", "size": 50}, "minimum_calls": 10, "open_seconds": 0.001})
    per_thread, threads = 2000, 8
    tallies: Dict[int, Dict[str, int]] = {}

    def work(n: int) -> None:
        t = {"ok": 0, "failed": 0, "rejected": 0}
        for i in range(per_thread):
            try:
                breaker.call(_maybe_fail, (i + n) % 3 == 0)
                t["ok"] += 1
            except lg.CircuitOpenError:
                t["rejected"] += 1
            except RuntimeError:
                t["failed"] += 1
        tallies[n] = t

    ts = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    total = {k: sum(t[k] for t in tallies.values()) for k in ("ok", "failed", "rejected")}
    stats: Dict[str, Any] = breaker.metrics()["stats"]
    assert sum(total.values()) == per_thread * threads
    assert stats["permitted"] + stats["rejected"] == per_thread * threads
    assert stats["rejected"] == total["rejected"]
    assert stats["successes"] + stats["failures"] + stats["ignored"] == total["ok"] + total["failed"]


def _maybe_fail(fail: bool) -> None:
    if fail:
        raise RuntimeError("flaky")


def test_fallback_cache_serves_attributed_answers() -> None:
    clock = FakeClock()
    breaker = lg.CircuitBreaker(SMALL, clock=clock)
    cache = lg.FallbackCache(10, 60.0, clock=clock)
    credit = lg.Attribution(("amara", "kofi"), "creators 75% / platform 25%")
    fresh = cache.guard(breaker, "event:1", lambda: ({"title": "Jazz"}, credit))
    assert (fresh.from_cache, fresh.value) == (False, {"title": "Jazz"})
    clock.now = 12.0

    def down() -> Tuple[Any, lg.Attribution]:
        raise TimeoutError("events API down")

    served = cache.guard(breaker, "event:1", down)
    assert served.from_cache and served.age_seconds == 12.0
    assert served.attribution == credit
    with pytest.raises(TimeoutError):
        cache.guard(breaker, "event:2", down)
    clock.now = 100.0
    assert cache.get("event:1") is None, "expired"
    assert len(cache) == 1


def test_bad_config_is_a_breaker_error() -> None:
    with pytest.raises(lg.BreakerError) as info:
        lg.CircuitBreaker({"failure_rate_threshold": 0})
    assert info.value.kind == "invalid_config"
    with pytest.raises(lg.BreakerError):
        lg.CircuitBreaker({"colour": "red"})


async def test_10000_concurrent_tasks_are_counted_exactly() -> None:
    breaker = lg.CircuitBreaker({"window": {"type": "count", "size": 100}, "minimum_calls": 50, "open_seconds": 0.001})

    @breaker
    async def flaky(i: int) -> int:
        await asyncio.sleep(0)
        if i % 3 == 0:
            raise RuntimeError("flaky")
        return i

    results = await asyncio.gather(*(flaky(i) for i in range(10_000)), return_exceptions=True)
    stats = breaker.metrics()["stats"]
    rejected = sum(isinstance(r, lg.CircuitOpenError) for r in results)
    assert stats["permitted"] + stats["rejected"] == 10_000
    assert stats["rejected"] == rejected
    assert stats["successes"] + stats["failures"] + stats["ignored"] == stats["permitted"]


TRIAL = {"minimum_calls": 5, "window": {"type": "count", "size": 10}, "open_seconds": 1, "half_open_calls": 1}


async def test_a_timed_out_async_call_counts_as_a_failure() -> None:
    """Issue 16.1: asyncio.wait_for cancels the call; the cancellation was recorded as a success."""
    breaker = lg.CircuitBreaker({**TRIAL, "minimum_calls": 50, "window": {"type": "count", "size": 50}})

    @breaker
    async def slow() -> None:
        await asyncio.sleep(10)

    for _ in range(50):
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(slow(), timeout=0.001)
    m = breaker.metrics()
    assert m["failure_rate"] == 1.0
    assert breaker.state == "open"


async def test_a_cancelled_call_in_an_async_context_manager_counts_as_a_failure() -> None:
    breaker = lg.CircuitBreaker({**TRIAL, "minimum_calls": 1, "window": {"type": "count", "size": 1}})

    async def guarded() -> None:
        async with breaker:
            await asyncio.sleep(10)

    task = asyncio.ensure_future(guarded())
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert breaker.state == "open"


class _BrokenClassifier(lg.CircuitBreaker):
    def is_failure(self, exc: BaseException) -> bool:
        if isinstance(exc, KeyError):
            raise RuntimeError("the classifier itself failed")
        return super().is_failure(exc)


def test_a_classifier_that_raises_in_half_open_still_records_the_permit() -> None:
    """Issue 16.2: the permit was never recorded, so the breaker stayed half-open forever."""
    now = [0.0]
    breaker = _BrokenClassifier(TRIAL, clock=lambda: now[0])

    @breaker
    def call(exc: BaseException) -> None:
        raise exc

    for _ in range(5):
        with pytest.raises(ValueError):
            call(ValueError("down"))
    assert breaker.state == "open"
    now[0] = 2.0
    with pytest.raises(RuntimeError, match="classifier"):
        call(KeyError("odd"))
    # The trial call was recorded (as a failure): the breaker re-opened rather than waiting
    # in half_open for a permit that would never come back.
    assert breaker.state == "open"
    now[0] = 4.0

    @breaker
    def ok() -> str:
        return "fine"

    assert ok() == "fine"
    assert breaker.state == "closed"
    def plain() -> None:
        raise KeyError("odd")

    with pytest.raises(RuntimeError, match="classifier"):
        breaker.call(plain)
    with pytest.raises(RuntimeError, match="classifier"):
        with breaker:
            raise KeyError("odd")
    assert breaker.metrics()["stats"]["failures"] == 8


def test_the_native_decorator_follows_the_guard_protocol_when_classifying_fails() -> None:
    """A failure-exception tuple that cannot classify (isinstance raises) is the classifier
    failing: recorded as a failure, and its own error raised — as a subclass whose is_failure
    raises, and as Node's errorFilter that throws (the core's breaker::guard decides)."""
    b = lg.CircuitBreaker({"minimum_calls": 1}, failure_exceptions=("not a type",))  # type: ignore[arg-type]

    @b
    def f() -> None:
        raise ValueError("the call's own error")

    with pytest.raises(TypeError, match="isinstance"):
        f()
    assert b.metrics()["stats"]["failures"] == 1


@pytest.mark.parametrize("subclass", [False, True])
async def test_every_async_and_subclass_path_follows_the_core_guard_protocol(subclass: bool) -> None:
    """``async def`` functions and subclasses with their own ``is_failure`` run the protocol in
    Python: an ignored error is rethrown past a fallback and counts as a success, a failure
    falls back and counts, and a refusal falls back without recording anything."""

    class NotFound(Exception):
        pass

    class Strict(lg.CircuitBreaker):
        def is_failure(self, exc: BaseException) -> bool:
            return not isinstance(exc, NotFound)

    kind = Strict if subclass else lg.CircuitBreaker
    breaker = kind(SMALL, ignore_exceptions=(NotFound,))

    @breaker(fallback=lambda x: "fallback")
    async def fetch(x: int) -> str:
        if x == 0:
            raise NotFound()
        if x < 0:
            raise TimeoutError()
        return "ok"

    with pytest.raises(NotFound):
        await fetch(0)
    stats = breaker.metrics()["stats"]
    assert (stats["successes"], stats["failures"]) == (1, 0)
    assert await fetch(-1) == "fallback"
    assert breaker.metrics()["stats"]["failures"] == 1
    breaker.force_open()
    assert await fetch(1) == "fallback"
    stats = breaker.metrics()["stats"]
    assert (stats["successes"], stats["failures"], stats["rejected"]) == (1, 1, 1)
    assert lg._native.guard_step("ignored", True) == (False, "rethrow")
    assert lg._native.guard_step(None, False) == (None, "rethrow")


def test_a_batch_of_successes_leaves_the_machine_as_single_records_do() -> None:
    config = {"window": {"type": "count", "size": 10}, "minimum_calls": 4, "half_open_calls": 3, "open_seconds": 1}
    bulk, single = lg.BreakerMachine(config), lg.BreakerMachine(config)
    for m in (bulk, single):
        for t in range(4):
            m.apply(t, "record", "failure", 0.1)
    assert bulk.state == single.state == "open"
    for t, k in [(3, 2), (5, 5), (6, 12), (7, 0)]:
        assert bulk.record_successes(t, k) == bulk.state
        for _ in range(k):
            single.apply(t, "record", "success", 0.0)
        assert bulk.state == single.state, (t, k)
    assert bulk.state == "closed"
    with pytest.raises(lg.BreakerError) as e:
        bulk.record_successes(8, 1.5)  # type: ignore[arg-type]
    assert e.value.kind == "invalid_op"
    with pytest.raises(lg.BreakerError) as e:
        bulk.record_successes(1, 1)
    assert e.value.kind == "out_of_order"
    with pytest.raises(TypeError):
        bulk.record_successes(8, True)
