"""Prometheus metrics (issue 20): the exposition from Python, checked by promtool, and read
back through a real Prometheus server scraping the example service.

The server test needs Debian's `prometheus` package (scripts/test installs it); without it the
test is skipped with the reason, and with LG_REQUIRE_SERVERS=1 (as scripts/test sets) it fails.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator, List

import pytest

import liberation_gates as lg

ROOT = Path(__file__).resolve().parents[3]
CHECKS = ["database", "cache", "storage", "api_gateway", "auth", "business_logic", "integration", "community_protection", "trauma_informed_ux"]


def sample(text: str, metric: str, /, **labels: str) -> float:
    """The value of the one sample `name{labels…}` (labels in any order) in an exposition."""
    found = []
    for line in text.splitlines():
        m = re.fullmatch(r"([a-z_0-9]+)(?:\{(.*)\})? (\S+)", line)
        if not m or m.group(1) != metric:
            continue
        got = dict(re.findall(r'([a-z_]+)="([^"]*)"', m.group(2) or ""))
        if all(got.get(k) == v for k, v in labels.items()):
            found.append(float(m.group(3)))
    assert len(found) == 1, f"{metric}{labels}: {found} in\n{text}"
    return found[0]


def promtool(text: str) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("promtool")
    if tool is None:
        if os.environ.get("LG_REQUIRE_SERVERS") == "1":
            raise AssertionError("LG_REQUIRE_SERVERS=1 but promtool is not installed (Debian package prometheus)")
        pytest.skip("promtool is not installed (Debian package prometheus; scripts/test installs it)")
    return subprocess.run([tool, "check", "metrics"], input=text, capture_output=True, text=True, timeout=60)


def test_a_breaker_is_read_when_scraped_with_resilience4j_names() -> None:
    m = lg.Metrics()
    b = lg.CircuitBreaker({"window": {"type": "count", "size": 4}, "minimum_calls": 2}, name="events")
    m.add_breaker("events", b)
    before = m.encode()
    assert sample(before, "resilience4j_circuitbreaker_state", name="events", state="closed") == 1
    assert sample(before, "resilience4j_circuitbreaker_failure_rate", name="events") == -1  # below minimum_calls

    def boom() -> None:
        raise TimeoutError("down")

    guarded = b(boom)
    for _ in range(2):
        with pytest.raises(TimeoutError):
            guarded()
    with pytest.raises(lg.CircuitOpenError):
        guarded()
    after = m.encode()
    assert sample(after, "resilience4j_circuitbreaker_state", name="events", state="open") == 1
    assert sample(after, "resilience4j_circuitbreaker_state", name="events", state="closed") == 0
    assert sample(after, "resilience4j_circuitbreaker_calls_total", name="events", kind="failed") == 2
    assert sample(after, "resilience4j_circuitbreaker_calls_total", name="events", kind="successful") == 0
    assert sample(after, "resilience4j_circuitbreaker_not_permitted_calls_total", name="events", kind="not_permitted") == 1
    assert sample(after, "resilience4j_circuitbreaker_failure_rate", name="events") == 100
    assert sample(after, "resilience4j_circuitbreaker_buffered_calls", name="events", kind="failed") == 2
    assert after.endswith("# EOF\n")


def test_decisions_count_per_rule_and_liberation_rules_report_their_inputs() -> None:
    m = lg.Metrics()
    policy = lg.Policy.builtin()
    ev = policy.evaluator()
    checks = {c: True for c in CHECKS}
    values = {"http_error_rate": 0.004, "response_time_degradation": 0.2, "creator_share": 0.78, "governance_participation_drop": 0.1, "capacity_utilization": 0.6}
    m.record_decision("api", policy, ev.observe(0.0, values, checks), values, checks)
    failing = {**checks, "trauma_informed_ux": False}
    d = ev.observe(60.0, values, failing)
    m.record_decision("api", policy, d, values, failing)
    text = m.encode()
    assert sample(text, "liberation_gates_decisions_total", service="api", action="proceed", severity="none", rule="none") == 1
    for rule in d.reasons:
        assert sample(text, "liberation_gates_decisions_total", service="api", action=d.action, severity=d.severity, rule=rule) == 1
    assert sample(text, "liberation_rule_status", service="api", rule="trauma_informed_ux", status="failing") == 1
    assert sample(text, "liberation_rule_status", service="api", rule="creator_sovereignty", status="holding") == 1
    assert sample(text, "liberation_rule_check", service="api", rule="trauma_informed_ux", check="trauma_informed_ux") == 0
    assert sample(text, "liberation_rule_value", service="api", rule="creator_sovereignty", metric="creator_share") == 0.78


def test_audits_add_up_in_minor_units_and_the_floor_is_watched() -> None:
    m = lg.Metrics()
    a = m.record_audit("30.00", "GBP", [("amara", "2"), ("kofi", "1")], [("amara", "14.90"), ("kofi", "7.45")])
    assert a == lg.audit("30.00", "GBP", [("amara", "2"), ("kofi", "1")], [("amara", "14.90"), ("kofi", "7.45")])
    assert a["shortfall_total"] == Decimal("0.15") and a["floor_held"] is False
    m.record_audit("10.00", "GBP", [("amara", "1")], [("amara", "7.50")])
    text = m.encode()
    assert sample(text, "liberation_payout_shortfall_minor_units_total", currency="GBP") == 15
    assert sample(text, "liberation_payout_paid_minor_units_total", currency="GBP") == 2235 + 750
    assert sample(text, "liberation_payout_audits_total", currency="GBP") == 2
    assert sample(text, "liberation_payout_floor_broken_total", currency="GBP") == 1
    assert sample(text, "liberation_creator_floor_held", currency="GBP") == 1
    assert sample(text, "liberation_creator_share_paid", currency="GBP") == 0.75
    with pytest.raises(lg.SplitError) as e:
        m.record_audit("10.00", "GBP", [("amara", "1")], [("nobody", "1.00")])
    assert e.value.kind == "unknown_creator"
    assert sample(m.encode(), "liberation_payout_audits_total", currency="GBP") == 2  # a refused audit adds nothing


def test_rollouts_deployments_and_proposals() -> None:
    m = lg.Metrics()
    r = lg.Rollout()
    r.observe(0.0, "proceed")
    m.set_rollout("web", r)
    assert sample(m.encode(), "liberation_gates_rollout_status", rollout="web", status=r.state[0]) == 1
    assert sample(m.encode(), "liberation_gates_rollout_weight_percent", rollout="web") == r.state[2]
    dep = lg.Deployment("checkout")
    m.set_deployment(dep)
    text = m.encode()
    assert sample(text, "liberation_gates_deployment_status", service="checkout", status=dep.state["status"]) == 1
    assert sample(text, "liberation_gates_deployment_attempt", service="checkout") == 1
    p = lg.Proposal(["a", "b", "c", "d"], "0.5", "0.5", 0.0, 100.0)
    p.cast(1.0, "a", "yes")
    m.set_proposal("p1", p, 2.0)
    text = m.encode()
    assert sample(text, "liberation_governance_participation", proposal="p1") == 0.25
    assert sample(text, "liberation_governance_proposal_status", proposal="p1", status="open") == 1


def test_the_classic_format_passes_promtool_and_scrape_negotiates() -> None:
    m = lg.Metrics()
    m.add_breaker("events", lg.CircuitBreaker(name="events"))
    m.record_audit("30.00", "GBP", [("amara", "1")], [("amara", "22.50")])
    kind, body = m.scrape("application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5")
    assert kind.startswith("application/openmetrics-text") and body == m.encode()
    kind, body = m.scrape(None)
    assert kind.startswith("text/plain; version=0.0.4") and body == m.encode_text()
    assert "# EOF" not in body and "# TYPE liberation_payout_audits_total counter" in body
    checked = promtool(body)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def service() -> Iterator[str]:
    """The example service serving /metrics on a free port; yields its address."""
    proc = subprocess.Popen([sys.executable, str(ROOT / "examples/python/service.py"), "--serve", "0"], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("serving "):
                yield line.split()[1].removeprefix("http://").removesuffix("/metrics")
                break
        else:
            raise AssertionError(f"the example service exited with {proc.wait()} before serving")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_prometheus_scrapes_the_example_service_and_answers_a_query(service: str, tmp_path: Path) -> None:
    binary = shutil.which("prometheus")
    if binary is None:
        if os.environ.get("LG_REQUIRE_SERVERS") == "1":
            raise AssertionError("LG_REQUIRE_SERVERS=1 but prometheus is not installed (Debian package prometheus)")
        pytest.skip("prometheus is not installed (Debian package prometheus; scripts/test installs it)")
    # What the service serves passes promtool too.
    with urllib.request.urlopen(f"http://{service}/metrics", timeout=10) as r:
        assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        checked = promtool(r.read().decode())
    assert checked.returncode == 0, checked.stdout + checked.stderr

    config = tmp_path / "prometheus.yml"
    config.write_text(
        "global:\n  scrape_interval: 1s\nscrape_configs:\n"
        f"  - job_name: liberation-gates-example\n    static_configs:\n      - targets: ['{service}']\n"
    )
    web = f"127.0.0.1:{free_port()}"
    server = subprocess.Popen(
        [binary, f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'data'}", f"--web.listen-address={web}"],
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "prometheus.log", "w"),
    )
    try:

        def query(q: str) -> List[Any]:
            url = f"http://{web}/api/v1/query?" + urllib.parse.urlencode({"query": q})
            with urllib.request.urlopen(url, timeout=10) as r:
                body = json.load(r)
            assert body["status"] == "success", body
            result: List[Any] = body["data"]["result"]
            return result

        deadline = time.monotonic() + 90
        share: List[Any] = []
        while time.monotonic() < deadline and not share:
            time.sleep(1)
            try:
                share = query('liberation_creator_share_paid{currency="GBP"}')
            except OSError:
                assert server.poll() is None, (tmp_path / "prometheus.log").read_text()
        assert share, "Prometheus did not scrape the example service within 90 s:\n" + (tmp_path / "prometheus.log").read_text()
        # The example's sale: creators owed £22.50, paid £22.35 (0.7450 of £30.00).
        assert share[0]["value"][1] == "0.745"
        assert share[0]["metric"]["job"] == "liberation-gates-example"
        [short] = query("liberation_payout_shortfall_minor_units_total")
        assert short["value"][1] == "15"
        [ux] = query('liberation_rule_status{rule="trauma_informed_ux",status="failing"}')
        assert ux["value"][1] == "1"
        [breaker] = query('resilience4j_circuitbreaker_state{name="events",state="open"}')
        assert breaker["value"][1] in ("0", "1")
    finally:
        server.terminate()
        server.wait(timeout=30)
