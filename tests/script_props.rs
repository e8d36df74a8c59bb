#![cfg(not(target_arch = "wasm32"))]
//! Properties of the scenario language: printing any scenario and parsing it back gives the
//! same scenario; parsing arbitrary text never panics and errors point inside the text.

use proptest::prelude::*;
use raft_playground::script::ast::*;
use raft_playground::script::{parse, print};

fn node() -> impl Strategy<Value = u32> {
    1u32..=9
}

fn nodes() -> impl Strategy<Value = Vec<u32>> {
    prop::collection::vec(node(), 1..4)
}

fn duration() -> impl Strategy<Value = u64> {
    prop_oneof![1u64..5_000, (1u64..5_000).prop_map(|x| x * 1_000), (1u64..100).prop_map(|x| x * 1_000_000)]
}

fn prob() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), Just(1.0), (0u32..=1000).prop_map(|x| x as f64 / 1000.0)]
}

fn word() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_]{0,5}"
}

fn command() -> impl Strategy<Value = String> {
    (word(), "[a-z0-9]{1,4}").prop_map(|(k, v)| format!("{k}={v}"))
}

fn cmp() -> impl Strategy<Value = Cmp> {
    let op = prop_oneof![Just(CmpOp::Eq), Just(CmpOp::Ne), Just(CmpOp::Lt), Just(CmpOp::Le), Just(CmpOp::Gt), Just(CmpOp::Ge)];
    (op, 0u64..100).prop_map(|(op, value)| Cmp { op, value })
}

fn setting() -> impl Strategy<Value = Setting> {
    prop_oneof![
        any::<bool>().prop_map(Setting::PreVote),
        any::<bool>().prop_map(Setting::CheckQuorum),
        any::<bool>().prop_map(Setting::LeaseRead),
        any::<bool>().prop_map(Setting::PriorityElection),
        (duration(), duration()).prop_map(|(a, b)| Setting::Election(a.min(b), a.max(b))),
        duration().prop_map(Setting::Heartbeat),
        (duration(), duration()).prop_map(|(a, b)| Setting::Latency(a.min(b), a.max(b))),
        prob().prop_map(Setting::Drop),
        prob().prop_map(Setting::Duplicate),
        prob().prop_map(Setting::Reorder),
        (0u32..500).prop_map(Setting::Rate),
        (0u32..=100).prop_map(Setting::Reads),
        (0u64..100).prop_map(Setting::SnapshotThreshold),
        (1u32..10).prop_map(Setting::MaxInflight),
        (1u32..10).prop_map(Setting::MaxEntries),
        duration().prop_map(Setting::ClientTimeout),
    ]
}

fn target() -> impl Strategy<Value = Target> {
    prop_oneof![Just(Target::Leader), node().prop_map(Target::Node)]
}

fn role() -> impl Strategy<Value = RoleName> {
    prop::sample::select(RoleName::ALL.to_vec())
}

fn expectation() -> impl Strategy<Value = Expect> {
    prop_oneof![
        (prop::option::of(node()), prop::option::of(cmp())).prop_map(|(node, term)| Expect::Leader { node, among: None, term }),
        (nodes(), prop::option::of(cmp())).prop_map(|(a, term)| Expect::Leader { node: None, among: Some(a), term }),
        prop::option::of(nodes()).prop_map(|among| Expect::NoLeader { among }),
        (node(), role()).prop_map(|(node, role)| Expect::Role { node, role }),
        (node(), cmp()).prop_map(|(node, cmp)| Expect::Term { node, cmp }),
        (node(), cmp()).prop_map(|(node, cmp)| Expect::Commit { node, cmp }),
        (node(), cmp()).prop_map(|(node, cmp)| Expect::Snapshot { node, cmp }),
        (command(), prop::option::of(nodes())).prop_map(|(command, on)| Expect::Committed { command, on }),
        (command(), prop::option::of(nodes())).prop_map(|(command, on)| Expect::NotCommitted { command, on }),
        Just(Expect::Converged),
        (node(), prop::collection::vec(0u64..9, 0..6))
            .prop_map(|(node, terms)| Expect::Log { node, terms: if terms.is_empty() { vec![1] } else { terms } }),
        (word(), prop::option::of("[a-z0-9]{1,3}")).prop_map(|(key, value)| Expect::Read { key, value: value.filter(|v| v != "none") }),
        prop::option::of(prop::sample::select(vec!["election-safety".to_string(), "log-matching".to_string()]))
            .prop_map(|invariant| Expect::Violation { invariant }),
    ]
}

fn cmd() -> impl Strategy<Value = Cmd> {
    prop_oneof![
        duration().prop_map(Cmd::Run),
        target().prop_map(Cmd::Crash),
        target().prop_map(Cmd::Restart),
        target().prop_map(Cmd::Isolate),
        prop::collection::vec(nodes(), 1..4).prop_map(Cmd::Partition),
        Just(Cmd::Heal),
        (node(), node()).prop_map(|(a, b)| Cmd::Cut(a, b)),
        (node(), node()).prop_map(|(a, b)| Cmd::Uncut(a, b)),
        prop::collection::vec(setting(), 1..4).prop_map(Cmd::Set),
        node().prop_map(Cmd::Timeout),
        (command(), prop::option::of(node())).prop_map(|(command, via)| Cmd::Propose { command, via }),
        (word(), prop::option::of(node())).prop_map(|(key, via)| Cmd::Read { key, via }),
        (node(), prop::collection::vec(0u64..9, 1..6)).prop_map(|(node, terms)| Cmd::Log { node, terms }),
        (node(), 0u64..20).prop_map(|(node, term)| Cmd::Term { node, term }),
        node().prop_map(Cmd::Transfer),
        node().prop_map(Cmd::Add),
        node().prop_map(Cmd::AddLearner),
        node().prop_map(Cmd::Promote),
        node().prop_map(Cmd::Remove),
        node().prop_map(Cmd::Compact),
        (node(), 1u32..5).prop_map(|(node, priority)| Cmd::Priority { node, priority }),
        (prop::sample::select(raft_playground::raft::Breaks::NAMES.to_vec()), any::<bool>())
            .prop_map(|(n, on)| Cmd::Break { name: n.to_string(), on }),
        (0u64..1000).prop_map(Cmd::DropMessage),
        expectation().prop_map(Cmd::Expect),
    ]
}

fn cluster() -> impl Strategy<Value = Cmd> {
    (prop::option::of(1u32..=9), prop::option::of(any::<u64>()), prop::option::of(1u32..=8), prop::collection::vec(setting(), 0..4))
        .prop_map(|(nodes, seed, groups, options)| Cmd::Cluster(ClusterSpec { nodes, seed, groups, options }))
}

// ----- Zeebe clusters: 9 brokers (ids 0..8), 12 partitions ----------------------------------

fn broker() -> impl Strategy<Value = u32> {
    0u32..=8
}

fn partition_id() -> impl Strategy<Value = u32> {
    1u32..=12
}

fn zeebe_cmd() -> impl Strategy<Value = Cmd> {
    let in_partition = |c: Cmd| (partition_id(), Just(c)).prop_map(|(partition, c)| Cmd::InPartition { partition, cmd: Box::new(c) });
    let check = prop_oneof![
        prop::option::of(broker()).prop_map(PartitionCheck::Leader),
        prop::sample::select(raft_playground::sim::zeebe::Health::ALL.to_vec()).prop_map(PartitionCheck::Health),
        cmp().prop_map(PartitionCheck::Term),
    ];
    prop_oneof![
        duration().prop_map(Cmd::Run),
        broker().prop_map(|b| Cmd::Crash(Target::Node(b))),
        broker().prop_map(|b| Cmd::Restart(Target::Node(b))),
        prop::collection::vec(prop::collection::vec(broker(), 1..4), 1..4).prop_map(Cmd::Partition),
        (broker(), broker()).prop_map(|(a, b)| Cmd::Cut(a, b)),
        Just(Cmd::Rebalance),
        (command(), prop::option::of(broker())).prop_map(|(command, via)| Cmd::Propose { command, via }),
        (command(), prop::option::of(broker())).prop_flat_map(move |(command, via)| in_partition(Cmd::Propose { command, via })),
        broker().prop_flat_map(move |b| in_partition(Cmd::Timeout(b))),
        broker().prop_flat_map(move |b| in_partition(Cmd::Transfer(b))),
        (broker(), role()).prop_flat_map(move |(node, role)| in_partition(Cmd::Expect(Expect::Role { node, role }))),
        (prop::option::of(broker()), duration()).prop_flat_map(move |(node, within)| in_partition(Cmd::Await {
            expect: Expect::Leader { node, among: None, term: None },
            within
        })),
        (partition_id(), check).prop_map(|(partition, check)| Cmd::Expect(Expect::Partition { partition, check })),
        prop::collection::btree_map(broker(), 0u32..12, 0..9).prop_map(|m| Cmd::Expect(Expect::BrokersLeading(m.into_iter().collect()))),
    ]
}

fn zeebe_cluster() -> impl Strategy<Value = Cmd> {
    let timing =
        prop::sample::select(vec![raft_playground::sim::zeebe::ZeebeTiming::Zeebe, raft_playground::sim::zeebe::ZeebeTiming::Scaled]);
    (prop::option::of(any::<u64>()), 1u32..=9, prop::option::of(timing), prop::option::of(any::<bool>())).prop_map(
        |(seed, replication, timing, priority)| {
            let mut options = vec![Setting::Brokers(9), Setting::Partitions(12), Setting::Replication(replication)];
            options.extend(timing.map(Setting::Timing));
            options.extend(priority.map(Setting::PriorityElection));
            Cmd::Cluster(ClusterSpec { nodes: None, seed, groups: None, options })
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn printing_then_parsing_gives_the_same_zeebe_scenario(first in zeebe_cluster(), rest in prop::collection::vec(zeebe_cmd(), 0..20)) {
        let mut commands = vec![first];
        commands.extend(rest);
        let scenario = Scenario::new(commands);
        let text = print(&scenario);
        let back = parse(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(back, scenario, "{}", text);
    }

    #[test]
    fn printing_then_parsing_gives_the_same_scenario(first in cluster(), rest in prop::collection::vec(cmd(), 0..20)) {
        let mut commands = vec![first];
        commands.extend(rest);
        let scenario = Scenario::new(commands);
        let text = print(&scenario);
        let back = parse(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(back, scenario, "{}", text);
    }

    #[test]
    fn parsing_arbitrary_text_never_panics_and_errors_point_into_the_text(text in "(?s).{0,200}") {
        if let Err(e) = parse(&text) {
            let lines: Vec<&str> = text.lines().collect();
            prop_assert!(e.line >= 1 && e.line <= lines.len().max(1), "{e}");
            let len = lines.get(e.line - 1).map_or(0, |l| l.chars().count());
            prop_assert!(e.column >= 1 && e.column <= len + 1, "{e} (line has {len} chars)");
        }
    }

    #[test]
    fn parsing_near_miss_scenarios_never_panics(words in prop::collection::vec(prop::sample::select(vec![
        "cluster", "nodes=", "5", "run", "2s", "crash", "leader", "partition", "1,2", "|", "3", "->", "cut", "expect",
        "committed", "x=1", "on", "term", ">=", "..", "10ms", "drop", "0.5", "1.5", "-", "#", "\n", "via", "log", "terms=",
    ]), 0..30)) {
        let text = words.join(" ");
        let _ = parse(&text);
    }
}
