#!/usr/bin/env python3
"""Writes the deployment stories in this folder (deterministic; rerun to refresh).

Each file is the events of one deployment of the service `events` on the built-in plan,
policy and health model: `liberation-gates deploy --service events FILE`. Line types
(docs/deploy.md): observations {"t", "metrics", "checks"}, {"t", "health": {...}},
{"t", "proposal": {...}}, {"t", "vote": {...}}, {"t", "approve": STEP, "decision": ID},
{"t", "consulted": OUTCOME, "decision": ID}, {"t", "community": ID}, {"t", "staging": BOOL},
{"t", "redeploy": ID | null}, {"t", "tick": true}.
"""
import json
from pathlib import Path

HERE = Path(__file__).parent
CHECKS = [
    "database", "database_replica", "cache", "storage", "monitoring", "api_gateway", "auth",
    "business_logic", "ivor", "events_api", "newsroom", "integration", "creator_sovereignty",
    "community_protection", "trauma_informed_ux", "governance", "schema_validated",
    "anti_extraction", "access_controls", "governance_endpoints", "revenue_transparency",
    "cultural_authenticity", "dashboard_accuracy", "community_validation",
    "community_representative_input",
]
MEMBERS = ["amara", "kofi", "lena", "tariq", "yuki"]
HOUR = 3600


def obs(t, **change):
    metrics = {"http_error_rate": 0.002, "response_time_degradation": 0.05, "creator_share": 0.78,
               "governance_participation_drop": 0.0, "capacity_utilization": 0.55,
               "gateway_latency_ms": 40, "ivor_latency_ms": 200, "ivor_error_rate": 0.001,
               "events_api_query_ms": 30, "page_load_seconds": 1.1}
    checks = {c: True for c in CHECKS}
    for k, v in change.items():
        (checks if isinstance(v, bool) else metrics)[k] = v
    return {"t": t, "metrics": metrics, "checks": checks}


def vote(pid, subject, action, t, yes=4):
    """A proposal open for 10 minutes from t, `yes` members voting yes and the rest no."""
    lines = [{"t": t, "proposal": {"id": pid, "subject": subject, "action": action,
                                   "electorate": MEMBERS, "quorum": "0.6", "pass_threshold": "0.5",
                                   "opens_at": t, "closes_at": t + 600}}]
    for i, m in enumerate(MEMBERS):
        lines.append({"t": t + 10 * (i + 1), "vote": {"proposal": pid, "member": m,
                                                       "choice": "yes" if i < yes else "no"}})
    return lines


def gates(t0=0):
    """Four healthy observations: phases 1-4 pass, the canary starts at 5% on the last one."""
    return [obs(t0 + 60 * i) for i in range(5)]


def write(name, lines, header):
    with open(HERE / name, "w") as f:
        f.write(f"# {header}\n")
        for line in lines:
            f.write(json.dumps(line, separators=(",", ":")) + "\n")


def canary_to(step, t0=240):
    """Hourly healthy observations through the default canary, each approval voted on after
    its bake, until step `step` is reached (0: 5%, 1: 25%, 2: 75%, 3: 100%)."""
    lines, t = [], t0
    bakes = [86_400, 7_200, 7_200]
    for s in range(step):
        end = t + bakes[s]
        while t + HOUR <= end:
            t += HOUR
            lines.append(obs(t))
        t = end + 60
        lines.append(obs(t))  # the bake is over: approval needed
        lines += vote(f"approve-{s}", "deploy:events", f"approve:{s}", t + 60)
        t += 60 + 600
        lines.append({"t": t, "approve": s, "decision": f"approve-{s}"})
    return lines, t


# 1. A clean six-phase launch: four gates, the canary's three approvals by vote, the launch.
lines, t = canary_to(3)
lines = gates() + lines + [obs(t + 60), obs(t + 120)]
write("clean-launch.jsonl", lines, "A clean launch: phases 1-4 pass, the community approves each canary step by vote, 100% and the launch pass. Exit 0.")

# 2. Participation drops during the canary: the deployment consults the community, waits
#    through healthy observations, and the community answers proceed by vote.
lines = gates() + [obs(240 + 60 * i) for i in range(1, 4)]
lines += [obs(480, governance_participation_drop=0.62), obs(540), obs(600)]
lines += vote("answer", "deploy:events", "proceed", 660)
lines += [{"t": 1300, "consulted": "proceed", "decision": "answer"}, obs(1360), obs(1420)]
write("participation-consult.jsonl", lines, "Participation drops 62% at 5%: the canary consults the community and waits; a vote answers proceed and the canary goes on. Exit 0.")

# 3. The trauma-informed UX check fails at 25%: a gentle rollback steps down one weight every
#    300 s, a notice each time, until nobody sees the new version.
lines, t = canary_to(1)
lines = gates() + lines + [obs(t + 60), obs(t + 120, trauma_informed_ux=False)]
lines += [{"t": t + 120 + 300 * i + 1, "tick": True} for i in range(1, 3)]
write("trauma-ux-gentle.jsonl", lines, "Trauma-informed UX fails at 25%: a gentle ramp to 5% and then 0, a notice per step, then the rollback. Exit 3.")

# 4. Creators are paid less than the 75% floor in the canary: a liberation rollback at once.
lines = gates() + [obs(300), obs(360, creator_share=0.72)]
write("underpaid-creators.jsonl", lines, "Creators get 72% at 5% of traffic: the sovereignty check fails and the deployment rolls back. Exit 3.")

# 5. A liberation rollback, then redeploys refused until a passed vote and a staging re-test.
lines = [obs(0), obs(60, community_protection=False)]
lines.append({"t": 120, "redeploy": None})
lines += vote("redeploy", "redeploy:events", "redeploy", 180)
lines.append({"t": 800, "redeploy": "redeploy"})
lines.append({"t": 900, "staging": True})
lines.append({"t": 960, "redeploy": "redeploy"})
lines += gates(1020)
write("redeploy-after-rollback.jsonl", lines, "community_protection fails in phase 2: rollback; redeploys refused without a vote, then without a staging re-test; the third starts again and reaches the canary. Exit 0.")

# 6. A forged approval: a decision written by hand, with no proposal behind it.
lines, t = canary_to(0)
lines = gates() + [obs(240 + HOUR * i) for i in range(1, 25)] + [obs(240 + 86_400 + 60)]
lines.append({"t": 240 + 86_400 + 120, "approve": 0,
              "decision": {"subject": "deploy:events", "action": "approve:0", "status": "passed"}})
write("forged-approval.jsonl", lines, "The canary waits for approval at 5%; an approval with a hand-made decision is refused as unverified_decision. Exit 2.")
