"""A service-style script: guard a dependency with a breaker and an attributed fallback,
split a payment, and check a deployment decision — all with the shared Rust rules.

Run after `scripts/test` (which builds the package into .venv):

    .venv/bin/python examples/python/service.py
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Dict, Tuple

import liberation_gates as lg

# 1. The events API is flaky; a breaker cuts it off and the cache keeps serving the last
#    good answer, still crediting its creators.
events_breaker = lg.CircuitBreaker({"window": {"type": "count", "size": 10}, "minimum_calls": 5, "open_seconds": 30}, name="events")
cache = lg.FallbackCache(capacity=500, ttl_seconds=600)
rng = random.Random(7)


def fetch_event(event_id: str) -> Tuple[Dict[str, str], lg.Attribution]:
    if rng.random() < 0.7:
        raise TimeoutError("events API timed out")
    return {"id": event_id, "title": "Jazz night at the co-op"}, lg.Attribution(("amara", "kofi"), "creators 75% / platform 25%")


cache.store("event:42", {"id": "event:42", "title": "Jazz night at the co-op"}, lg.Attribution(("amara", "kofi"), "creators 75% / platform 25%"))
for attempt in range(8):
    try:
        served = cache.guard(events_breaker, "event:42", lambda: fetch_event("event:42"))
        origin = f"cache ({served.age_seconds:.3f} s old)" if served.from_cache else "live"
        print(f"attempt {attempt}: {served.value['title']} from {origin}, by {' & '.join(served.attribution.creators)}")
    except TimeoutError as e:
        print(f"attempt {attempt}: {e}")
print(f"events breaker is {events_breaker.state}")

# 2. A ticket sale: creators keep at least 75%, exactly, to the penny.
sale = lg.split("30.00", "GBP", [("amara", "2"), ("kofi", "1")], fee="0.75")
for creator, amount in sale.creators.items():
    print(f"{creator} receives £{amount}")
print(f"platform keeps £{sale.platform} after absorbing the £{sale.fee} card fee")
assert sum(sale.creators.values()) + sale.platform + sale.fee == Decimal("30.00")

try:
    lg.split("30.00", "GBP", [("amara", "1")], creator_share="0.6")
except lg.SplitError as e:
    print(f"refused: {e.kind}")

# 3. Should the canary go on? Ask the built-in policy.
evaluator = lg.Policy.builtin().evaluator()
checks = {c: True for c in ["database", "cache", "storage", "api_gateway", "auth", "business_logic", "integration", "community_protection", "trauma_informed_ux"]}
metrics = {"http_error_rate": 0.004, "response_time_degradation": 0.2, "creator_share": 0.78, "governance_participation_drop": 0.1, "capacity_utilization": 0.6}
decision = evaluator.observe(0.0, metrics, checks)
print(f"deployment decision: {decision.action} ({decision.severity})")
decision = evaluator.observe(60.0, metrics, {**checks, "trauma_informed_ux": False})
print(f"deployment decision: {decision.action} ({', '.join(decision.reasons)})")
if decision.notification:
    print(f"tell the {decision.notification['audience']}: {decision.notification['message']}")
