#![cfg(not(target_arch = "wasm32"))]
//! Randomized checking: random seeds with every kind of fault, every safety invariant
//! checked after every event, the client history checked for linearizability as it grows,
//! and every seed made to do real client work. 1,000 seeds run here;
//! `raft-playground check --seeds 100000` runs many more.

use std::collections::BTreeSet;

use raft_playground::script::check::{check_seeds, starved, CheckConfig, Fault, MIN_READS, MIN_WRITES};
use raft_playground::script::{parse, Cmd, Setting};

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[test]
fn a_thousand_seeds_with_every_fault_kind_find_no_violation_and_do_real_work() {
    let config = CheckConfig::default();
    assert_eq!(config.faults, Fault::ALL.to_vec(), "every fault kind is in the mix");
    let results = check_seeds(0, 1000, &config, threads());
    assert_eq!(results.len(), 1000);
    let bad: Vec<String> = results
        .iter()
        .filter(|r| r.violation.is_some() || r.inconclusive.is_some() || r.starved.is_some())
        .map(|r| format!("seed {}: {:?} {:?} {:?}\n{}", r.seed, r.violation, r.inconclusive, r.starved, r.scenario))
        .collect();
    assert!(bad.is_empty(), "{} seeds failed:\n{}", bad.len(), bad.join("\n"));
    // Every seed completed acknowledged writes and answered reads for the checker to judge.
    for r in &results {
        assert!(r.writes >= MIN_WRITES && r.reads >= MIN_READS, "seed {}: {} writes, {} reads", r.seed, r.writes, r.reads);
    }
    let (writes, reads): (u64, u64) = results.iter().fold((0, 0), |(w, r), s| (w + s.writes, r + s.reads));
    assert!(writes > 50_000 && reads > 20_000, "{writes} writes and {reads} reads in all");
}

#[test]
fn a_seed_that_completes_too_little_fails() {
    let config = CheckConfig::default();
    assert!(starved(&config, 0, 0).is_some(), "nothing done");
    assert!(starved(&config, MIN_WRITES - 1, 10).is_some(), "too few writes");
    assert!(starved(&config, 40, MIN_READS - 1).is_some(), "too few reads");
    assert!(starved(&config, MIN_WRITES, MIN_READS).is_none());
    // Without reads in the mix only writes are asked for; without a workload, nothing.
    let no_reads = CheckConfig { faults: vec![Fault::Crash], ..CheckConfig::default() };
    assert!(starved(&no_reads, MIN_WRITES, 0).is_none());
    assert!(starved(&CheckConfig { rate: 0, ..CheckConfig::default() }, 0, 0).is_none());
}

#[test]
fn the_fault_plans_exercise_every_fault_kind_and_every_storyline() {
    let config = CheckConfig::default();
    let mut seen = BTreeSet::new();
    for r in check_seeds(0, 200, &config, threads()) {
        let scenario = parse(&r.scenario).expect("the recorded plan parses");
        for cmd in scenario.commands {
            let kind = match cmd {
                Cmd::Crash(_) | Cmd::Restart(_) => "crash",
                Cmd::CrashMidway(_) => "crash midway",
                Cmd::Partition(_) | Cmd::Heal | Cmd::Isolate(_) => "partition",
                Cmd::Cut(..) | Cmd::Uncut(..) => "cut",
                Cmd::Timeout(_) => "timeout",
                Cmd::Add(_) | Cmd::AddLearner(_) | Cmd::Promote(_) | Cmd::Remove(_) => "membership",
                Cmd::Transfer(_) => "transfer",
                Cmd::Log { .. } => "history",
                Cmd::Propose { via: Some(_), .. } => "write via a chosen node",
                Cmd::Read { via: Some(_), .. } => "read via a chosen node",
                Cmd::Set(s) => match s.first() {
                    Some(Setting::Drop(_)) => "loss",
                    Some(Setting::Latency(..)) => "latency",
                    Some(Setting::Duplicate(_)) => "duplicate",
                    Some(Setting::Reorder(_)) => "reorder",
                    _ => continue,
                },
                Cmd::Cluster(spec) => {
                    if spec.options.iter().any(|o| matches!(o, Setting::SnapshotThreshold(_))) {
                        seen.insert("compaction");
                    }
                    if spec.options.iter().any(|o| matches!(o, Setting::Reads(_))) {
                        seen.insert("reads");
                    }
                    if spec.options.iter().any(|o| matches!(o, Setting::MaxEntries(1))) {
                        seen.insert("one entry per append");
                    }
                    continue;
                }
                _ => continue,
            };
            seen.insert(kind);
        }
    }
    let mut expected: BTreeSet<&str> = Fault::ALL.iter().map(|f| f.name()).collect();
    expected.extend(["crash midway", "history", "write via a chosen node", "read via a chosen node", "one entry per append"]);
    assert_eq!(seen, expected);
}

#[test]
fn a_failing_seed_comes_with_a_scenario_that_replays_it() {
    // Known bugs switched on: the checker must find them and hand back replayable scenarios.
    for bug in ["vote-no-log-check", "lease-no-checkquorum", "membership-no-barrier"] {
        let config = CheckConfig { breaks: vec![bug.to_string()], ..CheckConfig::default() };
        found_and_replayed(&config, bug);
    }
}

// ----- Zeebe clusters -----------------------------------------------------------------------

fn zeebe() -> CheckConfig {
    CheckConfig { zeebe: true, ..CheckConfig::default() }
}

#[test]
fn zeebe_seeds_find_no_violation_and_do_real_work() {
    let results = check_seeds(0, 500, &zeebe(), threads());
    let bad: Vec<String> = results
        .iter()
        .filter(|r| r.violation.is_some() || r.inconclusive.is_some() || r.starved.is_some())
        .map(|r| format!("seed {}: {:?} {:?} {:?}\n{}", r.seed, r.violation, r.inconclusive, r.starved, r.scenario))
        .collect();
    assert!(bad.is_empty(), "{} seeds failed:\n{}", bad.len(), bad.join("\n"));
    for r in &results {
        assert!(r.writes >= MIN_WRITES && r.reads >= MIN_READS, "seed {}: {} writes, {} reads", r.seed, r.writes, r.reads);
    }
}

/// `check --zeebe` draws layouts over the whole range and broker-level faults, and tells its
/// storylines in one partition at a time.
#[test]
fn zeebe_plans_draw_layouts_and_broker_faults() {
    let mut seen = BTreeSet::new();
    let (mut brokers, mut partitions, mut replication) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    for r in check_seeds(0, 300, &zeebe(), threads()) {
        let scenario = parse(&r.scenario).expect("the recorded plan parses");
        for cmd in scenario.commands {
            let kind = match cmd {
                Cmd::Cluster(spec) => {
                    for o in &spec.options {
                        match o {
                            Setting::Brokers(n) => brokers.insert(*n),
                            Setting::Partitions(n) => partitions.insert(*n),
                            Setting::Replication(n) => replication.insert(*n),
                            Setting::PriorityElection(false) => seen.insert("priority off"),
                            _ => false,
                        };
                    }
                    continue;
                }
                Cmd::Crash(_) | Cmd::Restart(_) => "crash",
                Cmd::CrashMidway(_) => "crash midway",
                Cmd::Partition(_) | Cmd::Heal | Cmd::Isolate(_) => "partition",
                Cmd::Cut(..) | Cmd::Uncut(..) => "cut",
                Cmd::Rebalance => "rebalance",
                Cmd::InPartition { cmd, .. } => match *cmd {
                    Cmd::Timeout(_) => "timeout in a partition",
                    Cmd::Transfer(_) => "transfer in a partition",
                    Cmd::Log { .. } => "history in a partition",
                    Cmd::Propose { via: Some(_), .. } => "write via a chosen broker",
                    Cmd::Read { via: Some(_), .. } => "read via a chosen broker",
                    _ => continue,
                },
                Cmd::Set(s) => match s.first() {
                    Some(Setting::Drop(_)) => "loss",
                    Some(Setting::Latency(..)) => "latency",
                    _ => continue,
                },
                Cmd::Add(_) | Cmd::AddLearner(_) | Cmd::Promote(_) | Cmd::Remove(_) => "membership",
                _ => continue,
            };
            seen.insert(kind);
        }
    }
    let expected: BTreeSet<&str> = [
        "crash",
        "crash midway",
        "partition",
        "cut",
        "rebalance",
        "timeout in a partition",
        "transfer in a partition",
        "history in a partition",
        "write via a chosen broker",
        "read via a chosen broker",
        "loss",
        "latency",
        "priority off",
    ]
    .into_iter()
    .collect();
    assert_eq!(seen, expected, "no membership changes: a partition's replicas are fixed");
    assert_eq!(brokers, (1..=9).collect(), "1 to 9 brokers");
    assert_eq!(partitions, (1..=12).collect(), "1 to 12 partitions");
    assert_eq!(replication, (1..=9).collect(), "replication 1 to 9");
}

#[test]
fn a_failing_zeebe_seed_comes_with_a_scenario_that_replays_it() {
    let config = CheckConfig { breaks: vec!["vote-no-log-check".to_string()], ..zeebe() };
    found_and_replayed(&config, "zeebe vote-no-log-check");
}

/// The checker finds a violation within 40 seeds, and every failing seed's scenario replays
/// to the same first violation.
fn found_and_replayed(config: &CheckConfig, what: &str) {
    let results = check_seeds(0, 40, config, threads());
    let failing: Vec<_> = results.iter().filter(|r| r.violation.is_some()).collect();
    assert!(!failing.is_empty(), "{what}: found within 40 seeds");
    for f in failing {
        let scenario = parse(&f.scenario).expect("the reported scenario parses");
        let outcome = raft_playground::script::run(&scenario, Default::default()).expect("it starts");
        let failure = outcome.failure.unwrap_or_else(|| panic!("{what} seed {}: the replay did not fail", f.seed));
        assert!(failure.message.contains("violat"), "{what} seed {}: {failure}", f.seed);
        let first = outcome.world.violations().first().expect("a violation").to_string();
        assert_eq!(Some(first.as_str()), f.violation.as_deref(), "{what} seed {}: the replay finds the same violation", f.seed);
    }
}
