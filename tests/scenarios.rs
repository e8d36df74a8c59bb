#![cfg(not(target_arch = "wasm32"))]
//! Runs every scenario under tests/scenarios/: each must meet all its expectations with no
//! safety violation (unless it expects one), and must survive a print/parse round trip.

use std::path::Path;

use raft_playground::script::{self, RunOptions};

fn scenario_files() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir).expect("tests/scenarios exists").map(|e| e.expect("readable").path()).collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "txt"));
    files.sort();
    files
}

#[test]
fn every_scenario_passes() {
    let files = scenario_files();
    assert!(!files.is_empty(), "tests/scenarios holds the scenario files");
    let mut failures = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable");
        let scenario = script::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let outcome = script::run(&scenario, RunOptions::default()).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let expectations = scenario.commands.iter().filter(|c| matches!(c.inner(), script::Cmd::Expect(_))).count();
        // A scenario states what it shows: at least one expectation, and a comment saying why.
        assert!(expectations > 0, "{}: a scenario with no expectation checks nothing", file.display());
        assert!(text.trim_start().starts_with('#'), "{}: a scenario starts with a comment saying what it shows", file.display());
        match outcome.failure {
            Some(f) => failures.push(format!("{}: {f}\n    final state: {}", file.display(), outcome.world.summary(0))),
            None => assert_eq!(outcome.expectations_met, expectations, "{}", file.display()),
        }
    }
    assert!(failures.is_empty(), "{} scenario(s) failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_scenario_round_trips_through_the_printer() {
    for file in scenario_files() {
        let text = std::fs::read_to_string(&file).expect("readable");
        let parsed = script::parse(&text).expect("parses");
        let printed = script::print(&parsed);
        let reparsed =
            script::parse(&printed).unwrap_or_else(|e| panic!("{}: printed text does not parse: {e}\n{printed}", file.display()));
        assert_eq!(parsed, reparsed, "{}", file.display());
    }
}

#[test]
fn same_scenario_same_trace() {
    for file in scenario_files() {
        let text = std::fs::read_to_string(&file).expect("readable");
        let s = script::parse(&text).expect("parses");
        let a = script::run(&s, RunOptions::default()).expect("runs").world.trace_hash();
        let b = script::run(&s, RunOptions::default()).expect("runs").world.trace_hash();
        assert_eq!(a, b, "{}: two runs of one scenario differ", file.display());
    }
}

/// A scenario that waits (`await`) replays on the page's session model with its
/// interventions at the moments the run reached them: the stale read of
/// lease_forced_timeout.txt is caught there too.
#[test]
fn a_scenario_with_await_replays_in_a_session() {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios/lease_forced_timeout.txt")).expect("exists");
    let scenario = script::parse(&text).expect("parses");
    let outcome = script::run(&scenario, RunOptions::default()).expect("runs");
    let first = outcome.world.violations().first().expect("the run finds the stale read").clone();
    let mut session = raft_playground::script::session::Session::from_scenario(&scenario).expect("a session");
    session.advance_to(first.time + 1);
    let found = session.world().violations().first().expect("the session finds it too");
    assert_eq!((found.invariant, found.time, &found.detail), (first.invariant, first.time, &first.detail));
}
