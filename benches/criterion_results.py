"""Collects criterion's median estimates: the peers benchmark into benches/results/rust.json,
the stores benchmark into benches/results/stores.json."""

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
results = []
stores = []
for est in sorted((ROOT / "target" / "criterion").glob("*/*/new/estimates.json")):
    group, name = est.parts[-4], est.parts[-3]
    row = {"group": group, "name": name, "ns": round(json.loads(est.read_text())["median"]["point_estimate"], 1)}
    if group.startswith(("breaker_protected_call", "breaker_open_rejection", "split_2_creators", "policy_day_of_observations")):
        results.append(row)
    elif group in ("store_append", "breaker_call_shared_vs_local"):
        stores.append(row)
(ROOT / "benches" / "results").mkdir(parents=True, exist_ok=True)
(ROOT / "benches" / "results" / "rust.json").write_text(json.dumps({"language": "rust", "results": results}, indent=2))
(ROOT / "benches" / "results" / "stores.json").write_text(json.dumps({"language": "rust", "results": stores}, indent=2))
print(f"{len(results)} side-by-side and {len(stores)} store results from criterion")
