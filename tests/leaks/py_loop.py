"""A loop of calls into the Python binding, error paths included, for Valgrind:
    PYTHONMALLOC=malloc valgrind --leak-check=full .venv/bin/python tests/leaks/py_loop.py N
"""

import sys

import liberation_gates as lg

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
ev = lg.Policy.builtin().evaluator()
breaker = lg.CircuitBreaker({"minimum_calls": 5, "window": {"type": "count", "size": 10}, "open_seconds": 0.0})


@breaker(fallback=lambda x: -1)
def guarded(x: int) -> float:  # the native decorator path, failures and fallbacks included
    return 1 / x


for i in range(n):
    lg.split("100.00", "GBP", [("a", "3"), ("b", "1")], creator_share="0.8")
    try:
        lg.split("100.00", "GBP", [("a", "1")], creator_share="0.7")
    except lg.SplitError:
        pass
    try:
        lg.split(1.5, "GBP", [("a", "1")])  # type: ignore[arg-type]
    except TypeError:
        pass
    ev.observe(float(i), {"http_error_rate": 0.02}, {"database": True})
    try:
        ev.observe(float(i), {}, {})
    except lg.PolicyError:
        pass
    lg.bucket(f"user-{i}", "flag")
    try:
        breaker.call(lambda: 1 / (i % 2))
    except (ZeroDivisionError, lg.CircuitOpenError):
        pass
    guarded(i % 2)
    store = lg.Store("memory:")
    store.append("s", "a", {"n": i})
    try:
        store.append("s", "a", "{}")
    except lg.StoreError:
        pass
print(f"{n} iterations")
