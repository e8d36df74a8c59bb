//! The Raft Playground core (`crates/engine/src/raft/`) in the benchmark's cluster.

use std::collections::VecDeque;

use raft_playground::raft::{Command, Config, DurableState, Effect, Membership, Message, NodeId, Payload, RaftNode, Time};

use crate::clock::SectionClock;
use crate::cluster::{Cluster, Limits, LEADER, NODES};

/// Time is only an input to the core. It stands still from the election to the end of the
/// measured loop, so no timer fires meanwhile (raft-rs is not ticked either).
const START: Time = 0;
/// The answer to every `ResetElectionTimer`; never reached, since time stands still.
const ELECTION_TIMEOUT: Time = 200_000;

pub struct OurCluster {
    nodes: Vec<RaftNode>,
    /// Each server's storage: what `Persist*` effects wrote.
    durable: Vec<DurableState>,
    network: VecDeque<Message>,
    now: Time,
    applied: [u64; NODES],
    leader_clock: SectionClock,
    /// Reused between inputs so draining effects does not allocate.
    effects: Vec<Effect>,
}

fn id(node: usize) -> NodeId {
    node as NodeId + 1
}

impl OurCluster {
    /// Executes the effects of `node` in the order given: persist, send, apply.
    fn execute(&mut self, node: usize) {
        let mut effects = std::mem::take(&mut self.effects);
        self.nodes[node].drain_effects_into(&mut effects);
        for effect in effects.drain(..) {
            match effect {
                Effect::PersistHardState(hs) => self.durable[node].hard_state = hs,
                Effect::PersistEntries { from, entries } => self.durable[node].write_entries(from, &entries),
                Effect::PersistSnapshot(snapshot) => self.durable[node].write_snapshot(&snapshot),
                Effect::Send(m) => self.network.push_back(m),
                Effect::Apply(entries) => {
                    self.applied[node] += entries.iter().filter(|e| matches!(e.payload, Payload::Command(_))).count() as u64
                }
                Effect::ApplySnapshot(_) => unreachable!("nothing is compacted in this benchmark"),
                Effect::ResetElectionTimer => self.nodes[node].set_election_timeout(ELECTION_TIMEOUT),
                Effect::ReadReady { .. } | Effect::ReadAborted { .. } => unreachable!("no reads in this benchmark"),
            }
        }
        self.effects = effects;
    }
}

impl Cluster for OurCluster {
    type Command = Command;

    fn elected(limits: Limits, _payload_len: usize) -> OurCluster {
        let config =
            Config { max_inflight: limits.max_inflight, max_entries_per_append: limits.max_entries_per_append, ..Config::default() };
        let membership = Membership::new((0..NODES).map(id));
        let durable: Vec<DurableState> = (0..NODES).map(|_| DurableState::new(membership.clone())).collect();
        let nodes = (0..NODES).map(|n| RaftNode::restart(id(n), config.clone(), durable[n].clone(), START, ELECTION_TIMEOUT)).collect();
        let mut cluster = OurCluster {
            nodes,
            durable,
            network: VecDeque::new(),
            now: START,
            applied: [0; NODES],
            leader_clock: SectionClock::default(),
            effects: Vec::new(),
        };
        cluster.nodes[LEADER].campaign_now(START);
        cluster.execute(LEADER);
        while cluster.deliver_next() {}
        assert_eq!(cluster.nodes[LEADER].leader_id(), Some(id(LEADER)), "server 1 won the election");
        assert!(cluster.nodes[LEADER].log().commit_index() >= 1, "the leader committed its no-op");
        cluster
    }

    fn command(payload: &str, request_id: u64) -> Command {
        Command::new(payload, request_id)
    }

    fn propose(&mut self, commands: Vec<Command>) {
        let started = self.leader_clock.start();
        for command in commands {
            self.nodes[LEADER].propose(self.now, command).expect("server 1 leads");
        }
        self.execute(LEADER);
        self.leader_clock.stop(started);
    }

    fn deliver_next(&mut self) -> bool {
        let Some(m) = self.network.pop_front() else { return false };
        let to = m.to as usize - 1;
        if to == LEADER {
            let started = self.leader_clock.start();
            self.nodes[to].step(self.now, m);
            self.execute(to);
            self.leader_clock.stop(started);
        } else {
            self.nodes[to].step(self.now, m);
            self.execute(to);
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
        // The heartbeat falls due one interval after the election; it carries leaderCommit.
        self.now += self.nodes[LEADER].config().heartbeat_interval;
        self.nodes[LEADER].tick(self.now);
        self.execute(LEADER);
    }
}
