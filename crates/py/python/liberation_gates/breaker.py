"""Circuit breakers the Python way: a decorator for plain and ``async def`` functions, a
context manager (sync and async), exception filters, and a fallback cache that keeps creator
attribution. The state machine is the Rust core's (SPEC §4), shared by every thread.

>>> from liberation_gates import CircuitBreaker
>>> breaker = CircuitBreaker({"minimum_calls": 2, "window": {"type": "count", "size": 2}})
>>> @breaker(fallback=lambda user: {"user": user, "from": "fallback"})
... def profile(user: str) -> dict:
...     raise TimeoutError("IVOR is down")
>>> profile("amara")
{'user': 'amara', 'from': 'fallback'}
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import inspect
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Mapping, Optional, Protocol, Tuple, Type, TypeVar, Union, cast, overload

from . import _native
from ._native import Policy
from .errors import CircuitOpenError

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])
Clock = Callable[[], float]
ExceptionTypes = Tuple[Type[BaseException], ...]


class _NativeBreaker(Protocol):
    """What the wrapper needs of a native breaker, local or shared: ``acquire()`` hands out a
    permit (a start time, or a ``SharedPermit``) that ``record(failed, permit)`` takes back;
    the wrapper only passes it along."""

    def acquire(self, /) -> Any: ...
    def record(self, failure: bool, permit: Any, /) -> str: ...
    @property
    def state(self) -> str: ...
    def metrics(self, /) -> dict[str, Any]: ...
    def force_open(self, /) -> str: ...
    def disable(self, /) -> str: ...
    def reset(self, /) -> str: ...
    def on_transition(self, listener: Callable[[float, str, str], Any], /) -> None: ...


class CircuitBreaker:
    """A circuit breaker with resilience4j's defaults (count window 100, failure rate 0.5,
    slow calls over 60 s at rate 1.0, 100 minimum calls, 60 s open, 10 half-open calls).

    ``config`` takes the SPEC's keys (``window``, ``failure_rate_threshold``,
    ``slow_call_rate_threshold``, ``slow_call_seconds``, ``minimum_calls``, ``open_seconds``,
    ``half_open_calls``). Time comes from the system's monotonic clock (the one
    ``time.monotonic()`` reads) unless ``clock`` is given.

    An exception counts as a failure when it is an instance of ``failure_exceptions`` and not
    of ``ignore_exceptions``; other exceptions pass through and count as successes (the
    dependency answered). A **cancelled** call — an ``async def`` call timed out by
    ``asyncio.wait_for`` or ``asyncio.timeout``, or a cancelled task — counts as a failure,
    never as a success, and the cancellation propagates (no fallback). If a subclass's
    :meth:`is_failure` raises, the call is recorded as a failure before that error propagates,
    so a half-open breaker always gets its permit back. A refused call raises
    :class:`CircuitOpenError`, or calls the fallback when there is one.

    ``shared="redis://HOST:PORT/"`` shares the window and state with every breaker of the same
    ``name`` in other processes, through Redis (times are then wall-clock, so ``clock`` cannot
    be given). If Redis cannot be reached, calls go through a local breaker of the same config
    until it answers again; :meth:`on_shared_event` listeners and :attr:`is_shared` say so.
    """

    def __init__(
        self,
        config: Optional[Mapping[str, Any]] = None,
        *,
        name: str = "breaker",
        clock: Optional[Clock] = None,
        failure_exceptions: ExceptionTypes = (Exception,),
        ignore_exceptions: ExceptionTypes = (),
        fallback: Optional[Callable[..., Any]] = None,
        shared: Optional[str] = None,
    ) -> None:
        self.name = name
        self.failure_exceptions = failure_exceptions
        self.ignore_exceptions = ignore_exceptions
        self.fallback = fallback
        settings = dict(config) if config is not None else None
        self._native: _NativeBreaker
        # The same object, as the native guard takes it (a local or a shared breaker).
        self._guardable: Union[_native.CircuitBreaker, _native.SharedBreaker]
        if shared is None:
            self._native = self._guardable = _native.CircuitBreaker(settings, clock)
        elif clock is not None:
            raise TypeError("a shared breaker runs on wall-clock time: give shared or clock, not both")
        else:
            self._native = self._guardable = _native.SharedBreaker(shared, name, settings)
        self._entered: contextvars.ContextVar[Tuple[Any, ...]] = contextvars.ContextVar(f"lg_breaker_{id(self)}", default=())

    # -- state -------------------------------------------------------------------------
    @property
    def state(self) -> str:
        """``closed``, ``open``, ``half_open``, ``forced_open`` or ``disabled``."""
        return self._native.state

    def metrics(self) -> dict[str, Any]:
        """State, calls, failure and slow-call rates, time until half-open, lifetime stats."""
        return self._native.metrics()

    def force_open(self) -> str:
        """Reject every call until :meth:`reset`."""
        return self._native.force_open()

    def disable(self) -> str:
        """Permit every call and record nothing."""
        return self._native.disable()

    def reset(self) -> str:
        """Close the breaker with an empty window."""
        return self._native.reset()

    def on_transition(self, listener: Callable[[float, str, str], Any]) -> None:
        """Call ``listener(t, from_state, to_state)`` on every transition, in order (for a
        shared breaker: the transitions this process makes)."""
        self._native.on_transition(listener)

    @property
    def is_shared(self) -> bool:
        """For a shared breaker, whether calls currently go through Redis; False otherwise."""
        return isinstance(self._native, _native.SharedBreaker) and self._native.is_shared

    def on_shared_event(self, listener: Callable[[str, Optional[str]], Any]) -> None:
        """Shared breakers: call ``listener("local", reason)`` when Redis fails and calls fall
        back to the local breaker, and ``listener("shared", None)`` when Redis answers again."""
        if not isinstance(self._native, _native.SharedBreaker):
            raise TypeError("on_shared_event needs CircuitBreaker(shared=URL)")
        self._native.on_shared_event(listener)

    def is_failure(self, exc: BaseException) -> bool:
        """Whether ``exc`` counts against the dependency."""
        return isinstance(exc, self.failure_exceptions) and not isinstance(exc, self.ignore_exceptions)

    def _finish(self, permit: Any, exc: Optional[BaseException], has_fallback: bool) -> str:
        """Records how a permitted call ended and returns what to do next, as the core's guard
        protocol says (``_native.guard_step``); this only classifies the ending.

        A **cancelled** call (``asyncio.CancelledError``: a timeout from ``asyncio.wait_for``
        or ``asyncio.timeout``, or a cancelled task) counts as a failure, never as a success.
        If :meth:`is_failure` itself raises, the call is recorded as a failure before that
        error propagates: the permit always goes back, so a half-open breaker can close again.
        """
        if exc is None:
            end = "returned"
        elif isinstance(exc, asyncio.CancelledError):
            end = "cancelled"
        else:
            try:
                end = "failed" if self.is_failure(exc) else "ignored"
            except BaseException:
                self._record(permit, "classifier_failed", has_fallback)
                raise
        return self._record(permit, end, has_fallback)

    def _record(self, permit: Any, end: str, has_fallback: bool) -> str:
        failure, step = _native.guard_step(end, has_fallback)
        if failure is not None:
            self._native.record(failure, permit)
        return step

    # -- calling -----------------------------------------------------------------------
    def call(self, func: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Call ``func`` through the breaker (raises CircuitOpenError when refused)."""
        permit = self._native.acquire()
        try:
            result = func(*args, **kwargs)
        except BaseException as exc:
            self._finish(permit, exc, False)
            raise
        self._finish(permit, None, False)
        return result

    async def call_async(self, func: Callable[..., Awaitable[T]], /, *args: Any, **kwargs: Any) -> T:
        """Await ``func(*args, **kwargs)`` through the breaker."""
        permit = self._native.acquire()
        try:
            result = await func(*args, **kwargs)
        except BaseException as exc:
            self._finish(permit, exc, False)
            raise
        self._finish(permit, None, False)
        return result

    @overload
    def __call__(self, func: F, /) -> F: ...

    @overload
    def __call__(self, func: None = None, /, *, fallback: Optional[Callable[..., Any]] = None) -> Callable[[F], F]: ...

    def __call__(self, func: Optional[F] = None, /, *, fallback: Optional[Callable[..., Any]] = None) -> Any:
        """Use as ``@breaker`` or ``@breaker(fallback=...)`` on plain or ``async def`` functions."""
        if func is None:
            chosen = fallback if fallback is not None else self.fallback
            return lambda f: self._decorate(f, chosen)
        return self._decorate(func, fallback if fallback is not None else self.fallback)

    def _decorate(self, func: F, fallback: Optional[Callable[..., Any]]) -> F:
        has_fallback = fallback is not None
        if not inspect.iscoroutinefunction(func) and type(self).is_failure is CircuitBreaker.is_failure:
            # The whole per-call path in one native call (acquire, call, classify, record,
            # fall back). The exception tuples are read now, when decorating.
            guarded = _native.guard_function(self._guardable, func, self.failure_exceptions, self.ignore_exceptions, fallback)
            return cast(F, functools.update_wrapper(guarded, func))

        # An `async def`, or a subclass deciding what a failure is: the same protocol, with
        # its is_failure in the loop. `refused` and `_finish` say whether to fall back.
        def refused() -> bool:
            return _native.guard_step(None, has_fallback)[1] == "fallback"

        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                try:
                    permit = self._native.acquire()
                except CircuitOpenError:
                    if not refused():
                        raise
                    return await _settled(cast(Callable[..., Any], fallback)(*args, **kwargs))
                try:
                    result = await func(*args, **kwargs)
                except BaseException as exc:
                    if self._finish(permit, exc, has_fallback) != "fallback":
                        raise
                    return await _settled(cast(Callable[..., Any], fallback)(*args, **kwargs))
                self._finish(permit, None, has_fallback)
                return result

            return cast(F, async_wrapper)

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                permit = self._native.acquire()
            except CircuitOpenError:
                if not refused():
                    raise
                return cast(Callable[..., Any], fallback)(*args, **kwargs)
            try:
                result = func(*args, **kwargs)
            except BaseException as exc:
                if self._finish(permit, exc, has_fallback) != "fallback":
                    raise
                return cast(Callable[..., Any], fallback)(*args, **kwargs)
            self._finish(permit, None, has_fallback)
            return result

        return cast(F, wrapper)

    # -- context managers --------------------------------------------------------------
    def __enter__(self) -> "CircuitBreaker":
        permit = self._native.acquire()
        self._entered.set(self._entered.get() + (permit,))
        return self

    def __exit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException], tb: Any) -> None:
        stack = self._entered.get()
        self._entered.set(stack[:-1])
        self._finish(stack[-1], exc, False)

    async def __aenter__(self) -> "CircuitBreaker":
        return self.__enter__()

    async def __aexit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException], tb: Any) -> None:
        self.__exit__(exc_type, exc, tb)

    def __repr__(self) -> str:
        return f"CircuitBreaker(name={self.name!r}, state={self.state!r})"


async def _settled(result: Any) -> Any:
    """A fallback's answer: awaited when it is awaitable (an ``async def`` fallback)."""
    return await result if inspect.isawaitable(result) else result


class BreakerRegistry:
    """The breakers a policy file configures (its ``breakers`` section), one
    :class:`CircuitBreaker` per name, made on first use with the config the core validated.

    >>> policy = Policy.parse('''
    ... rules = [{ id = "errors", metric = "http_error_rate", op = ">", threshold = 0.05, action = "rollback", severity = "critical" }]
    ... [breakers.events]
    ... minimum_calls = 5
    ... ''', "toml")
    >>> registry = BreakerRegistry(policy)
    >>> registry.names
    ['events']
    >>> registry.get("events").state
    'closed'

    ``get`` of a name the policy does not configure raises :class:`BreakerError`
    (``unknown_breaker``). Keyword arguments (``clock``, ``failure_exceptions``,
    ``ignore_exceptions``, ``fallback``, ``shared``) go to every breaker.
    """

    def __init__(self, policy: Policy, **options: Any) -> None:
        self._policy = policy
        self._options = options
        self._breakers: dict[str, CircuitBreaker] = {}

    @property
    def names(self) -> list[str]:
        """The breakers the policy configures, sorted."""
        return self._policy.breaker_names

    def get(self, name: str) -> CircuitBreaker:
        """The breaker called ``name`` (the same object on every call)."""
        if name not in self._breakers:
            config = self._policy.breaker_config(name)
            self._breakers[name] = CircuitBreaker(config, name=name, **self._options)
        return self._breakers[name]


@dataclass(frozen=True)
class Attribution:
    """Who created a response and how its revenue was shared."""

    creators: Tuple[str, ...] = ()
    revenue: Optional[str] = None
    note: Optional[str] = None

    def to_dict(self) -> dict[str, Any]:
        return {"creators": list(self.creators), "revenue": self.revenue, "note": self.note}


@dataclass(frozen=True)
class Served:
    """An answer served by :meth:`FallbackCache.guard`."""

    value: Any
    attribution: Attribution
    from_cache: bool
    age_seconds: float


def _served(d: Mapping[str, Any]) -> Served:
    a = d["attribution"]
    return Served(d["value"], Attribution(tuple(a["creators"]), a.get("revenue"), a.get("note")), d["from_cache"], d["age_seconds"])


class FallbackCache:
    """Last good answers per key, with attribution, served while a dependency is down.

    Bounded (``capacity`` entries, the oldest evicted first) and expiring (``ttl_seconds``).
    """

    def __init__(self, capacity: int = 1024, ttl_seconds: float = 3600.0, *, clock: Optional[Clock] = None) -> None:
        self._native = _native.FallbackCache(capacity, ttl_seconds, clock)

    def store(self, key: str, value: Any, attribution: Attribution = Attribution()) -> None:
        self._native.store(key, value, attribution.to_dict())

    def get(self, key: str) -> Optional[Served]:
        d = self._native.get(key)
        return None if d is None else _served(d)

    def guard(self, breaker: CircuitBreaker, key: str, func: Callable[[], Tuple[Any, Attribution]]) -> Served:
        """Call ``func()`` (returning ``(value, Attribution)``) through ``breaker``; on a failure
        or a refusal serve the cached answer for ``key`` (``from_cache=True`` with its age)."""

        def call() -> Tuple[Any, dict[str, Any]]:
            value, attribution = func()
            return value, attribution.to_dict()

        native = breaker._native
        if not isinstance(native, _native.CircuitBreaker):
            raise TypeError("FallbackCache.guard needs a local breaker, not CircuitBreaker(shared=...)")
        return _served(self._native.guard(native, key, call, breaker.is_failure))

    def __len__(self) -> int:
        return len(self._native)


__all__ = ["CircuitBreaker", "FallbackCache", "Attribution", "Served"]
