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

/// The JavaScript API's determinism check, natively. The cross-engine suite
/// (e2e-engines/checks.mjs, "same trace hash") makes exactly these calls through
/// `Simulation` in Chromium, Firefox and WebKit and compares each engine's `traceHash()`
/// with the value in this file: a `Simulation` is a `Session`, so this is the same code.
const API_GOLDEN: &str = "tests/golden/api-trace-hash.txt";

#[test]
fn api_session_trace_hash_matches_the_golden_file() {
    use raft_playground::script::ast::{ClusterSpec, Cmd, Target};
    use raft_playground::script::session::Session;
    use raft_playground::sim::MS;

    let run = || {
        // new Simulation({ nodes: 5, seed: 7 })
        let mut s = Session::new(ClusterSpec { nodes: Some(5), seed: Some(7), groups: None, options: vec![] }).unwrap();
        let advance = |s: &mut Session, ms: u64| {
            let t = s.now() + ms * MS;
            s.advance_to(t);
        };
        advance(&mut s, 1000);
        let leader = s.world().leader(0).expect("a leader after 1 s");
        s.act(Cmd::Crash(Target::Node(leader))).unwrap();
        advance(&mut s, 1000);
        s.act(Cmd::Partition(vec![vec![1, 2], vec![3, 4, 5]])).unwrap();
        s.act(Cmd::Propose { command: "x=1".into(), via: None }).unwrap();
        advance(&mut s, 1000);
        s.act(Cmd::Heal).unwrap();
        s.act(Cmd::Propose { command: "y=2".into(), via: None }).unwrap();
        advance(&mut s, 1000);
        format!("{:016x}\n", s.world().trace_hash())
    };
    let actual = run();
    assert_eq!(actual, run(), "two native runs differ");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(API_GOLDEN);
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, &actual).expect("writable");
        return;
    }
    let expected = std::fs::read_to_string(&path).expect("the golden file exists (BLESS=1 creates it)");
    assert_eq!(actual, expected, "the API session's trace hash changed; if intended, run with BLESS=1 and commit {API_GOLDEN}");
}
