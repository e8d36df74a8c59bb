//! Runs that native and browser builds must agree on to the last bit: each is a scenario
//! and the hash of its full trace. The expected hashes live in tests/golden/trace-hashes.txt.

use super::check::{run_plan, scenario_for_seed, CheckConfig};
use super::run::RunOptions;
use super::{parse, Scenario};
use crate::sim::TraceMode;

/// The scenarios compared: a few from tests/scenarios and random fault plans.
pub fn scenarios() -> Vec<(String, Scenario)> {
    let mut out = Vec::new();
    for (name, text) in [
        ("minority_partition", include_str!("../../tests/scenarios/minority_partition.txt")),
        ("figure8", include_str!("../../tests/scenarios/figure8.txt")),
        ("term_inflation_without_prevote", include_str!("../../tests/scenarios/term_inflation_without_prevote.txt")),
    ] {
        out.push((name.to_string(), parse(text).expect("golden scenarios parse")));
    }
    for seed in [1u64, 7, 42] {
        out.push((format!("random_seed_{seed}"), scenario_for_seed(seed, &CheckConfig::default())));
    }
    out
}

/// The trace hash of each scenario, as lines `name hash events`, each followed by an
/// indented line with the final state of the cluster (role, term, commit/last index per
/// node). When a change re-blesses the file, its diff shows whether behaviour changed (the
/// event count and the final state) or only what the trace records (the hash alone).
pub fn trace_hashes() -> String {
    let mut out = String::new();
    for (name, scenario) in scenarios() {
        let (runner, _) = run_plan(&scenario, RunOptions { check: true, trace: TraceMode::Hash }).expect("golden scenarios start");
        let w = &runner.world;
        out.push_str(&format!("{name} {:016x} {}\n    {}\n", w.trace_hash(), w.steps(), w.summary(0)));
    }
    out
}
