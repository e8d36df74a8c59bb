#![cfg(not(target_arch = "wasm32"))]
//! Each "break it" switch re-creates a known Raft bug; the checker must catch each one.
//! This is what shows the checker can fail: with the rule in place the same runs are clean
//! (tests/check.rs runs 1,000 seeds without a switch and finds nothing).
//!
//! | switch | rule it breaks | caught by |
//! |---|---|---|
//! | figure8 | §5.4.2, commit only entries of the current term by counting | tests/scenarios/figure8_broken.txt |
//! | forget-vote | Figure 2, votedFor is durable | random check within 500 seeds; forget_vote_broken.txt |
//! | vote-no-log-check | §5.4.1, vote only for an up-to-date log | random check within 100 seeds; vote_log_check_broken.txt |
//! | keep-conflicting-suffix | AppendEntries rule 3, delete the conflicting suffix | random check within 300 seeds |
//! | membership-no-barrier | the single-server change fix | membership_barrier_broken.txt |
//! | lease-no-checkquorum | §6.4.1, leases need check-quorum | lease_without_checkquorum_broken.txt (a stale read needs a forced election inside the lease: rare under random faults) |

use raft_playground::script::check::{check_seeds, CheckConfig};
use raft_playground::script::{self, RunOptions};
use raft_playground::sim::Invariant;

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Runs `seeds` random seeds with the bug switched on; returns the violations found.
fn hunt(bug: &str, seeds: u64) -> Vec<(u64, Invariant, String)> {
    let config = CheckConfig { breaks: vec![bug.to_string()], ..CheckConfig::default() };
    check_seeds(0, seeds, &config, threads()).into_iter().filter_map(|r| Some((r.seed, r.invariant?, r.violation?))).collect()
}

/// Runs a scenario file; returns the violations it produced and whether all its
/// expectations (including `expect violation`) were met.
fn scenario(name: &str) -> (Vec<Invariant>, bool) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios").join(name);
    let text = std::fs::read_to_string(&path).expect("scenario exists");
    let s = script::parse(&text).expect("parses");
    let outcome = script::run(&s, RunOptions::default()).expect("starts");
    (outcome.world.violations().iter().map(|v| v.invariant).collect(), outcome.failure.is_none())
}

#[test]
fn figure8_commit_by_counting_loses_a_committed_entry() {
    let (found, ok) = scenario("figure8_broken.txt");
    assert!(ok && found.contains(&Invariant::LeaderCompleteness), "{found:?}");
    let (found, ok) = scenario("figure8.txt");
    assert!(ok && found.is_empty(), "with the rule: {found:?}");
}

#[test]
fn forgetting_the_vote_elects_two_leaders_in_one_term() {
    let (found, ok) = scenario("forget_vote_broken.txt");
    assert!(ok && found.contains(&Invariant::ElectionSafety), "{found:?}");
    let (found, ok) = scenario("forget_vote.txt");
    assert!(ok && found.is_empty(), "with the rule: {found:?}");
    let found = hunt("forget-vote", 500);
    assert!(!found.is_empty(), "random faults find it within 500 seeds");
}

#[test]
fn voting_without_the_log_check_elects_a_leader_missing_committed_entries() {
    let (found, ok) = scenario("vote_log_check_broken.txt");
    assert!(ok && found.contains(&Invariant::LeaderCompleteness), "{found:?}");
    let (found, ok) = scenario("vote_log_check.txt");
    assert!(ok && found.is_empty(), "with the rule: {found:?}");
    let found = hunt("vote-no-log-check", 100);
    assert!(!found.is_empty(), "random faults find it within 100 seeds");
}

#[test]
fn keeping_a_conflicting_suffix_breaks_log_matching() {
    let found = hunt("keep-conflicting-suffix", 300);
    assert!(!found.is_empty(), "random faults find it within 300 seeds");
    assert!(found.iter().any(|(_, i, _)| *i == Invariant::LogMatching), "{found:?}");
}

#[test]
fn changing_membership_without_the_barrier_makes_two_majorities() {
    let (found, ok) = scenario("membership_barrier_broken.txt");
    assert!(ok && !found.is_empty(), "{found:?}");
    let (found, ok) = scenario("membership_barrier.txt");
    assert!(ok && found.is_empty(), "with the fix: {found:?}");
}

#[test]
fn lease_reads_without_check_quorum_return_stale_values() {
    let (found, ok) = scenario("lease_without_checkquorum_broken.txt");
    assert!(ok && found.contains(&Invariant::Linearizability), "{found:?}");
    let (found, ok) = scenario("lease_with_checkquorum.txt");
    assert!(ok && found.is_empty(), "with check-quorum: {found:?}");
}
