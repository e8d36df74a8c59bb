//! tikv's raft-rs 0.7 in the benchmark's cluster: `RawNode` over `MemStorage`, driven
//! through the usual Ready loop.

use std::collections::VecDeque;

use protobuf::Message as _;
use raft::prelude::{ConfState, Config, Entry, EntryType, Message};
use raft::storage::MemStorage;
use raft::{RawNode, StateRole};

use crate::clock::SectionClock;
use crate::cluster::{Cluster, Limits, LEADER, NODES};

pub struct RaftRsCluster {
    nodes: Vec<RawNode<MemStorage>>,
    network: VecDeque<Message>,
    applied: [u64; NODES],
    leader_clock: SectionClock,
}

fn id(node: usize) -> u64 {
    node as u64 + 1
}

/// The protobuf size of one entry carrying a payload of `len` bytes, for turning an entry
/// limit into raft-rs's byte limit.
fn encoded_entry_size(len: usize) -> u64 {
    // A large index, so its varint is as long as it will be late in the run.
    let e = Entry { term: 1, index: 1 << 20, data: vec![b'x'; len].into(), ..Entry::default() };
    u64::from(e.compute_size())
}

/// Counts the commands among applied entries; the no-op a new leader appends has no data.
fn commands(entries: &[Entry]) -> u64 {
    entries.iter().filter(|e| e.get_entry_type() == EntryType::EntryNormal && !e.data.is_empty()).count() as u64
}

impl RaftRsCluster {
    /// Handles every Ready of `node` as raft-rs documents it: messages (a leader sends
    /// before persisting, dissertation §10.2.1), committed entries, entries and hard state
    /// into MemStorage, persisted messages (a follower's, sent only after persisting),
    /// `advance`, then the LightReady's commit index, messages and committed entries.
    fn on_ready(&mut self, node: usize) {
        let raw = &mut self.nodes[node];
        while raw.has_ready() {
            let mut ready = raw.ready();
            self.network.extend(ready.take_messages());
            assert!(ready.snapshot().is_empty(), "nothing is compacted in this benchmark");
            self.applied[node] += commands(ready.committed_entries());
            if !ready.entries().is_empty() {
                raw.store().wl().append(ready.entries()).expect("append to MemStorage");
            }
            if let Some(hs) = ready.hs() {
                raw.store().wl().set_hardstate(hs.clone());
            }
            self.network.extend(ready.take_persisted_messages());
            let mut light = raw.advance(ready);
            if let Some(commit) = light.commit_index() {
                raw.store().wl().mut_hard_state().set_commit(commit);
            }
            self.network.extend(light.take_messages());
            self.applied[node] += commands(light.committed_entries());
            raw.advance_apply();
        }
    }
}

impl Cluster for RaftRsCluster {
    type Command = Vec<u8>;

    fn elected(limits: Limits, payload_len: usize) -> RaftRsCluster {
        // raft-rs logs through slog; the benchmark discards it, as it does nothing with ours.
        let logger = slog::Logger::root(slog::Discard, slog::o!());
        let nodes = (0..NODES)
            .map(|n| {
                let config = Config {
                    id: id(n),
                    election_tick: 10,
                    heartbeat_tick: 3,
                    max_inflight_msgs: limits.max_inflight as usize,
                    max_size_per_msg: limits.max_entries_per_append as u64 * encoded_entry_size(payload_len),
                    // Our core tells followers a new commit index only with the next append
                    // or heartbeat; raft-rs by default sends an extra append to every
                    // follower each time the commit index moves. Same protocol work: skip it.
                    skip_bcast_commit: true,
                    ..Config::default()
                };
                let storage = MemStorage::new_with_conf_state(ConfState::from(((1..=NODES as u64).collect::<Vec<_>>(), vec![])));
                RawNode::new(&config, storage, &logger).expect("valid raft-rs config")
            })
            .collect();
        let mut cluster = RaftRsCluster { nodes, network: VecDeque::new(), applied: [0; NODES], leader_clock: SectionClock::default() };
        cluster.nodes[LEADER].campaign().expect("server 1 stands");
        cluster.on_ready(LEADER);
        while cluster.deliver_next() {}
        assert_eq!(cluster.nodes[LEADER].raft.state, StateRole::Leader, "server 1 won the election");
        assert!(cluster.nodes[LEADER].raft.raft_log.committed >= 1, "the leader committed its no-op");
        cluster
    }

    fn command(payload: &str, _request_id: u64) -> Vec<u8> {
        payload.as_bytes().to_vec()
    }

    fn propose(&mut self, commands: Vec<Vec<u8>>) {
        let started = self.leader_clock.start();
        for data in commands {
            self.nodes[LEADER].propose(Vec::new(), data).expect("server 1 leads");
        }
        self.on_ready(LEADER);
        self.leader_clock.stop(started);
    }

    fn deliver_next(&mut self) -> bool {
        let Some(m) = self.network.pop_front() else { return false };
        let to = m.to as usize - 1;
        if to == LEADER {
            let started = self.leader_clock.start();
            self.nodes[to].step(m).expect("step");
            self.on_ready(to);
            self.leader_clock.stop(started);
        } else {
            self.nodes[to].step(m).expect("step");
            self.on_ready(to);
        }
        true
    }

    fn applied(&self, node: usize) -> u64 {
        self.applied[node]
    }

    fn leader_clock(&mut self) -> &mut SectionClock {
        &mut self.leader_clock
    }

    fn broadcast_commit(&mut self) {
        // A heartbeat carries min(the follower's match index, the leader's commit index).
        self.nodes[LEADER].ping();
        self.on_ready(LEADER);
    }
}
