"""A service-style script: guard a dependency with a breaker and an attributed fallback,
split a payment, and check a deployment decision — all with the shared Rust rules.

Run after `scripts/test` (which builds the package into .venv):

    .venv/bin/python examples/python/service.py
    .venv/bin/python examples/python/service.py --serve 9464   # then GET /metrics
"""

from __future__ import annotations

import argparse
import random
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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
policy = lg.Policy.builtin()
evaluator = policy.evaluator()
checks = {c: True for c in ["database", "cache", "storage", "api_gateway", "auth", "business_logic", "integration", "community_protection", "trauma_informed_ux"]}
metrics = {"http_error_rate": 0.004, "response_time_degradation": 0.2, "creator_share": 0.78, "governance_participation_drop": 0.1, "capacity_utilization": 0.6}
decision = evaluator.observe(0.0, metrics, checks)
print(f"deployment decision: {decision.action} ({decision.severity})")
failing = {**checks, "trauma_informed_ux": False}
decision = evaluator.observe(60.0, metrics, failing)
print(f"deployment decision: {decision.action} ({', '.join(decision.reasons)})")
if decision.notification:
    print(f"tell the {decision.notification['audience']}: {decision.notification['message']}")

# 4. Prometheus: what happened above, as a /metrics endpoint serves it (docs/metrics.md).
exposition = lg.Metrics()
exposition.add_breaker("events", events_breaker)
exposition.record_decision("events-api", policy, decision, metrics, failing)
paid = exposition.record_audit("30.00", "GBP", [("amara", "2"), ("kofi", "1")], [("amara", "14.90"), ("kofi", "7.45")])
print(f"creators were paid {paid['creator_share_paid']} of the sale (floor held: {paid['floor_held']})")


class _Metrics(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path != "/metrics":
            self.send_error(404)
            return
        content_type, text = exposition.scrape(self.headers.get("Accept"))
        body = text.encode()
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


args = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
args.add_argument("--serve", type=int, metavar="PORT", help="serve /metrics on 127.0.0.1:PORT (0: any free port)")
port = args.parse_args().serve
if port is not None:
    server = ThreadingHTTPServer(("127.0.0.1", port), _Metrics)
    print(f"serving http://127.0.0.1:{server.server_address[1]}/metrics", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)
