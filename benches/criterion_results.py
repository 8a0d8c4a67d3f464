"""Collects criterion's median estimates for the peers benchmark into benches/results/rust.json."""

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
results = []
for est in sorted((ROOT / "target" / "criterion").glob("*/*/new/estimates.json")):
    group, name = est.parts[-4], est.parts[-3]
    if group.startswith(("breaker_protected_call", "breaker_open_rejection", "split_2_creators", "policy_day_of_observations")):
        results.append({"group": group, "name": name, "ns": round(json.loads(est.read_text())["median"]["point_estimate"], 1)})
(ROOT / "benches" / "results").mkdir(parents=True, exist_ok=True)
(ROOT / "benches" / "results" / "rust.json").write_text(json.dumps({"language": "rust", "results": results}, indent=2))
print(f"{len(results)} criterion results")
