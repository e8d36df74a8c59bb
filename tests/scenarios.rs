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
    assert!(files.len() >= 12, "expected the scenario files of issue 2, found {}", files.len());
    let mut failures = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable");
        let scenario = script::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let outcome = script::run(&scenario, RunOptions::default()).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let expectations = scenario.commands.iter().filter(|c| matches!(c.inner(), script::Cmd::Expect(_))).count();
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
