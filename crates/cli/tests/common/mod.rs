//! Helpers shared by the CLI's test binaries.

/// The `"id"` of each JSON line the CLI printed (`store dump`, `notifications --json`), in
/// order.
pub fn ids(json_lines: &str) -> Vec<String> {
    json_lines
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}
