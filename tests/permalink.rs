#![cfg(not(target_arch = "wasm32"))]
//! Permalinks: for many random sessions, the link replays to the same state and the same
//! future.

use proptest::prelude::*;
use raft_playground::script::ast::{ClusterSpec, Cmd, Setting, Target};
use raft_playground::script::session::Session;
use raft_playground::sim::{MS, SECOND};
use raft_playground::view::permalink;

fn action() -> impl Strategy<Value = Cmd> {
    let node = 1u32..=5;
    prop_oneof![
        node.clone().prop_map(|n| Cmd::Crash(Target::Node(n))),
        node.clone().prop_map(|n| Cmd::Restart(Target::Node(n))),
        node.clone().prop_map(Cmd::Timeout),
        node.clone().prop_map(|n| Cmd::Isolate(Target::Node(n))),
        Just(Cmd::Heal),
        (node.clone(), node.clone()).prop_map(|(a, b)| Cmd::Cut(a, b)),
        Just(Cmd::Partition(vec![vec![1, 2], vec![3, 4, 5]])),
        (0u32..50).prop_map(|v| Cmd::Propose { command: format!("x={v}"), via: None }),
        (0u32..=40).prop_map(|p| Cmd::Set(vec![Setting::Drop(p as f64 / 100.0)])),
        (1u64..40).prop_map(|lo| Cmd::Set(vec![Setting::Latency(lo * MS, (lo + 10) * MS)])),
        (0u32..30).prop_map(|r| Cmd::Set(vec![Setting::Rate(r)])),
        Just(Cmd::Set(vec![Setting::PreVote(true)])),
        node.clone().prop_map(Cmd::Transfer),
        Just(Cmd::Read { key: "x".to_string(), via: None }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn a_link_replays_the_same_state_and_future(
        seed in any::<u64>(),
        nodes in 3u32..=5,
        steps in prop::collection::vec((1u64..1500, action()), 0..14),
    ) {
        let spec = ClusterSpec { nodes: Some(nodes), seed: Some(seed), groups: None, options: vec![] };
        let mut s = Session::new(spec).unwrap();
        for (gap, cmd) in steps {
            let t = s.now() + gap * MS;
            s.advance_to(t);
            // Refused actions are part of the session too; they change nothing.
            let _ = s.act(cmd);
        }
        let t = s.now() + SECOND;
        s.advance_to(t);
        let token = permalink::encode(&s.to_scenario());
        let now = s.now();
        let mut replay = Session::from_scenario(&permalink::decode(&token).map_err(TestCaseError::fail)?).unwrap();
        replay.seek(now);
        prop_assert_eq!(replay.world().summary(0), s.world().summary(0));
        prop_assert_eq!(replay.world().trace_hash(), s.world().trace_hash());
        s.advance_to(now + 3 * SECOND);
        replay.advance_to(now + 3 * SECOND);
        prop_assert_eq!(replay.world().trace_hash(), s.world().trace_hash(), "the same future");
    }
}
