#![cfg(not(target_arch = "wasm32"))]
//! Same seed and same interventions give the same trace, run after run, and the same as the
//! browser build (tests/browser_engine.rs compares against the same golden file).
//! After an intentional change to the simulator, regenerate the file with
//! `BLESS=1 cargo test --test determinism`, and say in the commit message what changed:
//! the hash alone (the trace records something new) or the event counts and final states
//! (the simulation behaves differently, and why).

use raft_playground::script::golden;

const GOLDEN: &str = "tests/golden/trace-hashes.txt";

#[test]
fn trace_hashes_match_the_golden_file() {
    let actual = golden::trace_hashes();
    assert_eq!(actual, golden::trace_hashes(), "two native runs differ");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(GOLDEN);
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, &actual).expect("writable");
        return;
    }
    let expected = std::fs::read_to_string(&path).expect("the golden file exists (BLESS=1 creates it)");
    assert_eq!(actual, expected, "trace hashes changed; if intended, run with BLESS=1 and commit {GOLDEN}");
}
