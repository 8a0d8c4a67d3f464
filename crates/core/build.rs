//! Converts the built-in policy and plan (TOML, the files people read and edit) to JSON at
//! build time, so `Policy::builtin()` and `DeploymentPlan::builtin()` work in every build,
//! including the WASM one that leaves the TOML and YAML parsers out.

use std::path::Path;

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    for (src, dst) in [
        ("policies/default.toml", "default_policy.json"),
        ("plans/default.toml", "default_plan.json"),
    ] {
        println!("cargo:rerun-if-changed={src}");
        let text = std::fs::read_to_string(src).unwrap_or_else(|e| panic!("{src}: {e}"));
        let value: toml::Value = toml::from_str(&text).unwrap_or_else(|e| panic!("{src}: {e}"));
        let json = serde_json::to_string(&value).unwrap_or_else(|e| panic!("{src}: {e}"));
        std::fs::write(Path::new(&out).join(dst), json).unwrap_or_else(|e| panic!("{dst}: {e}"));
    }
}
