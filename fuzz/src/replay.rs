//! Replays the committed corpus through every fuzz target on stable Rust (no libFuzzer):
//!   cargo run --manifest-path fuzz/Cargo.toml --no-default-features --bin replay -- fuzz/corpus
//! A failing invariant panics with the target and file named.

use std::path::PathBuf;

fn main() {
    let root = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "fuzz/corpus".into()),
    );
    let mut total = 0;
    for (name, target) in liberation_gates_fuzz::TARGETS {
        let dir = root.join(name);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.sort();
        for f in &files {
            let data = std::fs::read(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            let r = std::panic::catch_unwind(|| target(&data));
            if r.is_err() {
                eprintln!("FAIL {name} :: {}", f.display());
                std::process::exit(1);
            }
        }
        println!("{name}: {} inputs", files.len());
        total += files.len();
    }
    println!("{total} passed, 0 failed");
}
