#![cfg(not(target_arch = "wasm32"))]
//! What the trace tells about entries that are rolled back and requests that are never
//! acknowledged: the page narrates both from these events.

use raft_playground::script::{self, RunOptions};
use raft_playground::sim::client::Outcome;
use raft_playground::sim::{TraceKind, TraceMode};

#[test]
fn a_healed_minority_leader_discards_its_uncommitted_entry_and_the_request_is_never_acknowledged() {
    let text = "cluster nodes=5 seed=5 timeout=3s\ntimeout 1\nrun 400ms\npartition 1,2 | 3,4,5\npropose a=1 via 1\nrun 1s\npropose b=2\nrun 1s\nexpect committed b=2\nheal\nrun 1s\nexpect converged\nrun 2s\n";
    let scenario = script::parse(text).expect("parses");
    let outcome = script::run(&scenario, RunOptions { check: true, trace: TraceMode::Record }).expect("starts");
    assert!(outcome.failure.is_none(), "{:?}", outcome.failure);
    let trace = outcome.world.trace();
    let discarded: Vec<_> = trace
        .iter()
        .filter_map(|e| match &e.kind {
            TraceKind::Discarded { node, index, command, .. } => Some((*node, *index, command.as_deref().map(str::to_string))),
            _ => None,
        })
        .collect();
    // Node 1 (the old leader) and node 2 (its follower in the minority) both held a=1 at
    // index 2 and both drop it when the new leader's entries reach them.
    for node in [1, 2] {
        assert!(discarded.contains(&(node, 2, Some("a=1".to_string()))), "node {node}: {discarded:?}");
    }
    assert!(discarded.iter().all(|(n, _, _)| [1, 2].contains(n)), "only the minority rolls back: {discarded:?}");
    let ended: Vec<_> = trace
        .iter()
        .filter_map(|e| match &e.kind {
            TraceKind::OpEnded { command, node, outcome, .. } => Some((command.to_string(), *node, outcome.clone())),
            _ => None,
        })
        .collect();
    assert!(ended.contains(&("a=1".to_string(), Some(1), Outcome::Unknown)), "{ended:?}");
    assert!(ended.iter().any(|(c, _, o)| c == "b=2" && *o == Outcome::Written), "{ended:?}");
}
