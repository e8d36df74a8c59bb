#![cfg(not(target_arch = "wasm32"))]
//! Randomized checking: random seeds with every kind of fault, every safety invariant
//! checked after every event, and the client history checked for linearizability.
//! 1,000 seeds run here; `raft-playground check --seeds 100000` runs many more.

use raft_playground::script::check::{check_seeds, scenario_for_seed, CheckConfig, Fault};
use raft_playground::script::Cmd;

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[test]
fn a_thousand_seeds_with_every_fault_kind_find_no_violation() {
    let config = CheckConfig::default();
    assert_eq!(config.faults, Fault::ALL.to_vec(), "every fault kind is in the mix");
    let results = check_seeds(0, 1000, &config, threads());
    assert_eq!(results.len(), 1000);
    let bad: Vec<String> = results
        .iter()
        .filter(|r| r.violation.is_some())
        .map(|r| format!("seed {}: {}\n{}", r.seed, r.violation.as_deref().unwrap_or(""), r.scenario))
        .collect();
    assert!(bad.is_empty(), "{} seeds found violations:\n{}", bad.len(), bad.join("\n"));
    // The runs did real work: every seed processed thousands of events.
    assert!(results.iter().all(|r| r.events > 500), "some seed did almost nothing");
}

#[test]
fn the_fault_plans_exercise_every_fault_kind() {
    let config = CheckConfig::default();
    let mut seen = std::collections::BTreeSet::new();
    for seed in 0..200 {
        for cmd in scenario_for_seed(seed, &config).commands {
            let kind = match cmd {
                Cmd::Crash(_) | Cmd::Restart(_) => "crash",
                Cmd::Partition(_) | Cmd::Heal => "partition",
                Cmd::Cut(..) | Cmd::Uncut(..) => "cut",
                Cmd::Timeout(_) => "timeout",
                Cmd::Add(_) | Cmd::AddLearner(_) | Cmd::Promote(_) | Cmd::Remove(_) => "membership",
                Cmd::Transfer(_) => "transfer",
                Cmd::Set(s) => match s.first() {
                    Some(raft_playground::script::Setting::Drop(_)) => "loss",
                    Some(raft_playground::script::Setting::Latency(..)) => "latency",
                    Some(raft_playground::script::Setting::Duplicate(_)) => "duplicate",
                    Some(raft_playground::script::Setting::Reorder(_)) => "reorder",
                    _ => continue,
                },
                Cmd::Cluster(spec) => {
                    if spec.options.iter().any(|o| matches!(o, raft_playground::script::Setting::SnapshotThreshold(_))) {
                        seen.insert("compaction");
                    }
                    if spec.options.iter().any(|o| matches!(o, raft_playground::script::Setting::Reads(_))) {
                        seen.insert("reads");
                    }
                    continue;
                }
                _ => continue,
            };
            seen.insert(kind);
        }
    }
    let all: std::collections::BTreeSet<&str> = Fault::ALL.iter().map(|f| f.name()).collect();
    assert_eq!(seen, all);
}

#[test]
fn a_failing_seed_comes_with_a_scenario_that_replays_it() {
    // A known bug switched on: the checker must find it and hand back a replayable scenario.
    let config = CheckConfig { breaks: vec!["vote-no-log-check".to_string()], ..CheckConfig::default() };
    let results = check_seeds(0, 100, &config, threads());
    let failing: Vec<_> = results.iter().filter(|r| r.violation.is_some()).collect();
    assert!(!failing.is_empty(), "the broken vote rule is found within 100 seeds");
    for f in failing {
        let scenario = raft_playground::script::parse(&f.scenario).expect("the reported scenario parses");
        let outcome = raft_playground::script::run(&scenario, Default::default()).expect("it starts");
        let failure = outcome.failure.unwrap_or_else(|| panic!("seed {}: the replay did not fail", f.seed));
        assert!(failure.message.contains("safety violation"), "seed {}: {failure}", f.seed);
        let first = outcome.world.violations().first().expect("a violation").to_string();
        assert_eq!(Some(first.as_str()), f.violation.as_deref(), "seed {}: the replay finds the same violation", f.seed);
    }
}
