#!/usr/bin/env python3
"""Writes the sample observation files in this folder (deterministic; rerun to refresh).

Each file tells one story from the deployment strategy. Lines are JSON objects
{"t", "metrics", "checks"}; simulation files may also hold {"t", "approve": STEP}.
"""
import json
from pathlib import Path

HERE = Path(__file__).parent
CHECKS = ["database", "cache", "storage", "api_gateway", "auth", "business_logic",
          "integration", "community_protection", "trauma_informed_ux"]


def obs(t, error_rate=0.002, degradation=0.05, share=0.78, drop=0.0, capacity=0.55, **failed):
    checks = {c: not failed.get(c, False) for c in CHECKS}
    return {"t": t, "metrics": {"http_error_rate": error_rate, "response_time_degradation": degradation,
                                "creator_share": share, "governance_participation_drop": drop,
                                "capacity_utilization": capacity}, "checks": checks}


def write(name, lines, header):
    with open(HERE / name, "w") as f:
        f.write(f"# {header}\n")
        for line in lines:
            f.write(json.dumps(line, separators=(",", ":")) + "\n")


# 1. A clean rollout on the default plan: 5% for a day, 25% and 75% for two hours each, each
#    step approved by the community shortly after its bake, then 100%.
lines, t = [], 0
approvals = {86_400 + 300: 0, 86_400 + 600 + 7_200 + 300: 1, 86_400 + 600 + 2 * 7_200 + 900: 2}
while t <= 86_400 + 2 * 7_200 + 1_800:
    lines.append(obs(t))
    for at, step in approvals.items():
        if t < at <= t + 600:
            lines.append({"t": at, "approve": step})
    t += 600
write("clean-rollout.jsonl", lines, "A clean canary: healthy every ten minutes, approvals after each bake; completes at 100%.")

# 2. An error spike that stays above 5% for five minutes: alert at once, rollback at +300 s.
lines = [obs(t) for t in range(0, 600, 60)]
lines += [obs(t, error_rate=0.064) for t in range(600, 960, 60)]
write("error-spike.jsonl", lines, "Errors jump to 6.4% at t=600 and stay: alert at once, rollback once 300 s have passed.")

# 3. Creators receive less than 75% for a minute: critical rollback with a community notice.
lines = [obs(t) for t in range(0, 300, 30)]
lines += [obs(t, share=0.72) for t in range(300, 390, 30)]
write("creator-share-dip.jsonl", lines, "creator_share dips to 72% at t=300; after 60 s below the floor the deployment rolls back.")

# 4. Governance participation halves: the rollout consults the community and waits. Healthy
#    observations do not resume it (SPEC §8: only the community's answer ends a consultation);
#    the answer "proceed" at t=1110 does, and the step's bake starts over.
lines = [obs(t) for t in range(0, 600, 60)]
lines += [obs(t, drop=0.62) for t in range(600, 780, 60)]
lines += [obs(t) for t in range(780, 1110, 60)]
lines.append({"t": 1110, "consulted": "proceed"})
lines += [obs(t) for t in range(1140, 1440, 60)]
write("participation-drop.jsonl", lines, "Participation drops 62% at t=600: the rollout consults the community and waits; the community answers proceed at t=1110.")

# 5. Trauma-informed UX patterns fail at 75% of traffic: a gentle rollback steps the weight
#    down one plan step every 300 s (75% -> 25% -> 5% -> 0), so users can be told first.
lines = [obs(t) for t in range(0, 86_400 + 1, 3_600)]
lines.append({"t": 86_500, "approve": 0})
lines += [obs(t) for t in range(87_000, 93_700 + 1, 3_600)] + [obs(93_700)]
lines.append({"t": 93_800, "approve": 1})
lines += [obs(t) for t in range(93_900, 94_400, 300)]
lines += [obs(t, trauma_informed_ux=True) for t in range(94_400, 95_460, 60)]
write("trauma-ux-failure.jsonl", lines, "The trauma-informed UX check fails at t=94400, at 75% of traffic: a gentle ramp down, one step every 300 s, then rolled back.")
