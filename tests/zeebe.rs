#![cfg(not(target_arch = "wasm32"))]
//! Zeebe mode through the scenario language: what a Zeebe cluster refuses, what its status
//! says, and that classic clusters are untouched by it. The scenario files
//! `tests/scenarios/zeebe_*.txt` (run by `tests/scenarios.rs`) check ZEEBE.md's layouts,
//! failovers and availability; `crates/engine/src/sim/zeebe.rs` and `crates/engine/src/sim/world/zeebe.rs` hold the unit
//! tests of the layout, the gateway and rebalancing.

use raft_playground::script::{self, RunOptions};
use raft_playground::sim::zeebe::{Health, Topology};
use raft_playground::sim::TraceMode;

fn run(text: &str) -> script::RunOutcome {
    let scenario = script::parse(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    script::run(&scenario, RunOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// The message a scenario fails with.
fn failure(text: &str) -> String {
    run(text).failure.map(|f| f.message).unwrap_or_else(|| panic!("expected a failure:\n{text}"))
}

const ZEEBE: &str = "cluster brokers=3 partitions=3 replication=3 seed=1\nrun 3s\n";

#[test]
fn commands_about_one_raft_group_must_name_their_partition() {
    for cmd in ["timeout 1", "transfer 1", "compact 1", "expect leader", "expect role 1 follower", "expect converged", "expect term 1 >= 1"]
    {
        let f = failure(&format!("{ZEEBE}{cmd}\n"));
        assert!(f.contains("one Raft group per partition") && f.contains("partition P"), "{cmd}: {f}");
    }
    assert!(run(&format!("{ZEEBE}expect leader 1 partition 2\nexpect role 0 follower partition 2\ntransfer 2 partition 2\nrun 1s\nexpect leader 2 partition 2\n")).failure.is_none());
}

#[test]
fn what_a_zeebe_cluster_does_not_have_is_refused_clearly() {
    let cases = [
        ("crash leader", "leader per partition"),
        ("isolate leader", "leader per partition"),
        ("cut leader->1", "leader per partition"),
        ("priority 1 3", "priorities come from Zeebe's layout"),
        ("add 2", "membership changes are not modelled in Zeebe mode"),
        ("remove 2", "membership changes are not modelled in Zeebe mode"),
        ("set prevote=on", "prevote does not apply in Zeebe mode"),
        ("set checkquorum=on", "checkquorum does not apply in Zeebe mode"),
        ("set election=1s..3s", "election=T..2T"),
        ("propose x=1 via 0 partition 1\npropose x=2 partition 2", "key x lives on partition 1"),
        ("expect committed nothing=1", "no command has used key nothing"),
    ];
    for (cmd, words) in cases {
        let f = failure(&format!("{ZEEBE}{cmd}\n"));
        assert!(f.contains(words), "{cmd}: {f}");
    }
    let scenario = script::parse("cluster brokers=3 replication=4\n").unwrap();
    let f = script::run(&scenario, RunOptions::default()).err().expect("a world that cannot start").to_string();
    assert!(f.contains("replication factor must be 1 to the number of brokers (3)"), "{f}");
}

#[test]
fn classic_clusters_have_no_partitions_to_name() {
    let f = failure("cluster nodes=3\nrun 1s\nrebalance\n");
    assert!(f.contains("needs a Zeebe cluster"), "{f}");
    // Ids 0 and `partition P` are Zeebe words: the parser refuses them in a classic cluster.
    assert!(script::parse("cluster nodes=3\ncrash 0\n").is_err());
    assert!(script::parse("cluster nodes=3\ntimeout 1 partition 1\n").is_err());
}

#[test]
fn settings_on_the_cluster_line_apply_on_top_of_zeebe_s() {
    let o = run("cluster brokers=3 partitions=2 replication=3 timing=scaled priority=off heartbeat=20ms seed=3\nrun 2s\n");
    let s = o.world.settings();
    assert_eq!((s.raft.election_timeout_min, s.raft.election_timeout_max, s.raft.heartbeat_interval), (150_000, 300_000, 20_000));
    assert!(!s.raft.priority_election && s.raft.zeebe_election && s.raft.zeebe_check_quorum);
    assert_eq!(s.zeebe, Some(Topology { brokers: 3, partitions: 2, replication: 3 }));
    // Zeebe's defaults: one partition, replication factor 1, Zeebe's timing.
    let o = run("cluster brokers=2\nrun 3s\n");
    let s = o.world.settings();
    assert_eq!(s.zeebe, Some(Topology { brokers: 2, partitions: 1, replication: 1 }));
    assert_eq!(s.raft.election_timeout_min, 2_500_000);
    assert_eq!(o.world.partition_leader(1), Some(0));
}

/// `run --status` ends with this text: per broker, per partition, role and health, as
/// `zbctl status` shows them.
#[test]
fn the_status_reads_like_zbctl_status() {
    let o = run(&format!("{ZEEBE}crash 2\nrun 1s\n"));
    let status = o.world.zeebe_status();
    let expected_start = "\
Cluster size: 3
Partitions count: 3
Replication factor: 3
Brokers:
  Broker 0
    Partition 1 : Leader, Unhealthy
    Partition 2 : Follower, Unhealthy
    Partition 3 : Follower, Dead
  Broker 1
    Partition 1 : Follower, Unhealthy
    Partition 2 : Leader, Unhealthy
    Partition 3 : Follower, Dead
  Broker 2 - down (holds partitions 1, 2, 3)
Partitions:
  Partition 1: leader broker 0, term 1, degraded (primary: broker 0)
";
    assert!(status.starts_with(expected_start), "{status}");
    assert!(status.contains("  Partition 3: leader none, term 1, unavailable (primary: broker 2)"), "{status}");
    assert_eq!(o.world.partition_health(3), Health::Unavailable);
}

/// Same scenario, same trace, for Zeebe clusters too (the trace hash is recorded).
#[test]
fn zeebe_runs_are_deterministic() {
    let text = "cluster brokers=5 partitions=4 replication=3 seed=4 timing=scaled\nworkload 50/s reads=30%\nrun 3s\ncrash 2\nrun 3s\nrestart 2\nrebalance\nrun 3s\n";
    let scenario = script::parse(text).unwrap();
    let options = RunOptions { check: true, trace: TraceMode::Hash };
    let a = script::run(&scenario, options).unwrap();
    let b = script::run(&scenario, options).unwrap();
    assert_eq!(a.world.trace_hash(), b.world.trace_hash());
    assert!(a.failure.is_none(), "{:?}", a.failure);
    assert!(a.world.client_stats().written > 50, "{:?}", a.world.client_stats());
    assert!(a.world.violations().is_empty());
}

/// The command-line tool: `topology` prints the layout, `run --status` ends with the
/// `zbctl status` view; bad layouts are refused with exit code 2.
#[test]
fn the_command_line_prints_layouts_and_status() {
    let bin = env!("CARGO_BIN_EXE_raft-playground");
    let out =
        std::process::Command::new(bin).args(["topology", "--brokers", "3", "--partitions", "6", "--replication", "3"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for row in [
        "  P1        3*   2    1",
        "  P4        3*   1    2",
        "  P5        2    3*   1",
        "  Broker 0: 6 partitions [1, 2, 3, 4, 5, 6], primary of [1, 4]",
    ] {
        assert!(text.contains(row), "{row}\n{text}");
    }
    let out = std::process::Command::new(bin).args(["topology", "--brokers", "3", "--replication", "4"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("replication factor"));

    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios/zeebe_3_3_3_broker_0_down.txt");
    let out = std::process::Command::new(bin).args(["run", file.to_str().unwrap(), "--status"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Brokers:\n  Broker 0\n    Partition 1 : Follower, Healthy\n"), "{text}");
    assert!(text.contains("  Broker 1\n    Partition 1 : Leader, Healthy\n    Partition 2 : Leader, Healthy\n"), "{text}");
    assert!(text.contains("  partition 1: term 1: broker 0, term 2: broker 1"), "{text}");
}
