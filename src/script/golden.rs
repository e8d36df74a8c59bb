//! Runs that native and browser builds must agree on to the last bit: each is a scenario
//! and the hash of its full trace. The expected hashes live in tests/golden/trace-hashes.txt.

use super::check::{run_seed, CheckConfig};
use super::run::RunOptions;
use super::{parse, Scenario};
use crate::sim::TraceMode;

/// The scenarios compared: a few from tests/scenarios (random fault plans are added by
/// `trace_hashes`).
pub fn scenarios() -> Vec<(String, Scenario)> {
    let mut out = Vec::new();
    for (name, text) in [
        ("minority_partition", include_str!("../../tests/scenarios/minority_partition.txt")),
        ("figure8", include_str!("../../tests/scenarios/figure8.txt")),
        ("term_inflation_without_prevote", include_str!("../../tests/scenarios/term_inflation_without_prevote.txt")),
        ("zeebe_5_4_3_single_failures", include_str!("../../tests/scenarios/zeebe_5_4_3_single_failures.txt")),
    ] {
        out.push((name.to_string(), parse(text).expect("golden scenarios parse")));
    }
    out
}

/// The trace hash of each scenario, as lines `name hash events`, each followed by an
/// indented line with the final state of the cluster (role, term, commit/last index per
/// node). When a change re-blesses the file, its diff shows whether behaviour changed (the
/// event count and the final state) or only what the trace records (the hash alone).
pub fn trace_hashes() -> String {
    let mut out = String::new();
    let options = RunOptions { check: true, trace: TraceMode::Hash };
    let mut worlds = Vec::new();
    for (name, scenario) in scenarios() {
        let outcome = super::run::run(&scenario, options).expect("golden scenarios start");
        worlds.push((name, outcome.world));
    }
    for seed in [1u64, 7, 42] {
        let (runner, _) = run_seed(seed, &CheckConfig::default(), options).expect("golden seeds start");
        worlds.push((format!("random_seed_{seed}"), runner.world));
    }
    // A Zeebe plan: a drawn layout, broker faults, every partition's trace.
    let zeebe = CheckConfig { zeebe: true, ..CheckConfig::default() };
    let (runner, _) = run_seed(13, &zeebe, options).expect("golden seeds start");
    worlds.push(("zeebe_random_seed_13".to_string(), runner.world));
    for (name, w) in worlds {
        out.push_str(&format!("{name} {:016x} {}\n    {}\n", w.trace_hash(), w.steps(), w.summary(0)));
    }
    out
}
