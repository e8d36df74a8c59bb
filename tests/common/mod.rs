//! The deterministic test harness shared by `raft_paper.rs` and `raft_features.rs`.
//!
//! `Net` plays the caller's part for a set of real `RaftNode`s:
//!
//! - it executes each node's effects in order: `Persist*` into the node's "disk" (a
//!   `DurableState` that `restart`/`recover` boot from), `Send` onto an in-flight queue,
//!   `Apply` and `ApplySnapshot` into a per-node state machine, `ReadReady`/`ReadAborted`
//!   into a list of read outcomes;
//! - it answers `ResetElectionTimer` deterministically with a fixed per-node timeout
//!   (`150 ms + 10 ms × (id − 1)` unless a test sets one with `set_timeout`);
//! - messages move only when a test says so (`deliver_one`, `deliver_all`,
//!   `deliver_until`, `deliver_all_where`); `isolate` cuts a node off, `crash`/`recover`
//!   stop a node and boot it again from its disk;
//! - time moves only when a test says so (`advance_to`, `run_until`); nothing sleeps.
//!
//! While it executes effects, the harness also watches two things the tests can assert on:
//! `persistence_violations` (a `Send` or `Apply` that came before the state it depends on
//! was durable, or a disk that differs from the node's state after an input) and
//! `safety_violations` (two different entries applied at one index, applying out of order,
//! a snapshot installed behind the state machine; the randomized runs add two leaders in
//! one term and logs that break Log Matching).
//!
//! The state machine of each node is the list of commands it applied, with their indexes.
//! `Net::compact` encodes it (up to the compaction index) as the snapshot's data, and an
//! `ApplySnapshot` replaces it with the snapshot's decoded data, so tests can compare state
//! machines across nodes whether they caught up by entries or by snapshot.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use raft_playground::raft::{
    Body, Command, Config, DurableState, Effect, Entry, HardState, Index, Membership, Message, NodeId, Payload, ProposeError, RaftLog,
    RaftNode, Role, Snapshot, Term, Time,
};

pub const MS: Time = 1_000;
pub const V3: [NodeId; 3] = [1, 2, 3];
pub const V5: [NodeId; 5] = [1, 2, 3, 4, 5];

// =======================================================================================
// The harness
// =======================================================================================

/// A deterministic cluster: nodes, their disks and state machines, an in-flight queue and a
/// clock, all moved only by the test.
pub struct Net {
    pub now: Time,
    pub config: Config,
    pub nodes: BTreeMap<NodeId, RaftNode>,
    /// What each node has made durable, built only from its `Persist*` effects.
    pub disks: BTreeMap<NodeId, DurableState>,
    /// The entries each node's state machine has applied since it last booted, in order.
    pub applied: BTreeMap<NodeId, Vec<Entry>>,
    /// The answer to each node's `ResetElectionTimer`, unless timeouts are random.
    pub timeouts: BTreeMap<NodeId, Time>,
    pub random_timeouts: Option<Rng>,
    pub in_flight: VecDeque<Message>,
    /// Nodes cut off from everyone: messages from or to them are lost on delivery.
    pub isolated: BTreeSet<NodeId>,
    /// Every message sent, in order (`take_sent` empties it).
    pub sent: Vec<Message>,
    /// A `Send` or `Apply` executed before the state it depends on was durable, or a disk
    /// that differs from the node's term, vote and log once an input's effects are done.
    pub persistence_violations: Vec<String>,
    /// Two entries applied at one index (on any nodes), applying out of order, two leaders
    /// in one term, logs that break Log Matching.
    pub safety_violations: Vec<String>,
    /// The first entry applied at each index by any node.
    pub applied_anywhere: BTreeMap<Index, Entry>,
    /// Each node's state machine: the commands applied (from entries or a snapshot), with
    /// their indexes, in order.
    pub machines: BTreeMap<NodeId, Vec<(Index, String)>>,
    /// The index each node's state machine has reached.
    pub machine_index: BTreeMap<NodeId, Index>,
    /// The snapshots each node's state machine was replaced with (`ApplySnapshot`).
    pub snapshots_applied: BTreeMap<NodeId, Vec<Snapshot>>,
    /// `ReadReady` and `ReadAborted` effects, with the node that emitted them, in order.
    pub reads: Vec<(NodeId, Effect)>,
}

impl Net {
    /// Fresh servers with the default config.
    pub fn new(voters: &[NodeId]) -> Net {
        Net::with_config(voters, Config::default())
    }

    pub fn with_config(voters: &[NodeId], config: Config) -> Net {
        Net::from_states(config, voters.iter().map(|&id| (id, durable(voters, 0, &[]))).collect())
    }

    /// Servers booting from the given durable states. Servers of the membership left out
    /// are simply absent: messages to them stay unanswered.
    pub fn from_states(config: Config, states: Vec<(NodeId, DurableState)>) -> Net {
        let mut net = Net {
            now: 0,
            config,
            nodes: BTreeMap::new(),
            disks: BTreeMap::new(),
            applied: BTreeMap::new(),
            timeouts: BTreeMap::new(),
            random_timeouts: None,
            in_flight: VecDeque::new(),
            isolated: BTreeSet::new(),
            sent: Vec::new(),
            persistence_violations: Vec::new(),
            safety_violations: Vec::new(),
            applied_anywhere: BTreeMap::new(),
            machines: BTreeMap::new(),
            machine_index: BTreeMap::new(),
            snapshots_applied: BTreeMap::new(),
            reads: Vec::new(),
        };
        for (id, state) in states {
            net.add_server(id, state);
        }
        net
    }

    /// Boots one more server from `state` (a server joining the cluster, or one that was
    /// absent so far).
    pub fn add_server(&mut self, id: NodeId, state: DurableState) {
        assert!(!self.disks.contains_key(&id), "node {id} exists");
        let timeout = (self.config.election_timeout_min + (Time::from(id) - 1) * 10 * MS).min(self.config.election_timeout_max);
        self.timeouts.insert(id, timeout);
        self.disks.insert(id, state);
        self.boot(id);
    }

    /// Builds node `id` from its disk, as a server does when it starts; its state machine
    /// starts from the disk's snapshot (nothing after it is applied until the node learns
    /// what is committed).
    pub fn boot(&mut self, id: NodeId) {
        let timeout = self.draw_timeout(id);
        let node = RaftNode::restart(id, self.config.clone(), self.disks[&id].clone(), self.now, timeout);
        self.nodes.insert(id, node);
        self.applied.insert(id, Vec::new());
        let snapshot = &self.disks[&id].snapshot;
        self.machines.insert(id, decode_machine(&snapshot.data));
        self.machine_index.insert(id, snapshot.index);
    }

    /// Stops node `id` and loses the messages on their way from or to it.
    pub fn crash(&mut self, id: NodeId) {
        self.nodes.remove(&id);
        self.in_flight.retain(|m| m.from != id && m.to != id);
    }

    pub fn recover(&mut self, id: NodeId) {
        assert!(!self.nodes.contains_key(&id), "node {id} is up");
        self.boot(id);
    }

    /// Crash and boot again at once; messages in flight survive.
    pub fn restart(&mut self, id: NodeId) {
        self.nodes.remove(&id);
        self.boot(id);
    }

    // ----- inputs ------------------------------------------------------------------------

    /// Gives node `id` one input, then executes the effects it queued, in order. Returns
    /// the input's result and the effects.
    pub fn run<R>(&mut self, id: NodeId, input: impl FnOnce(&mut RaftNode, Time) -> R) -> (R, Vec<Effect>) {
        let now = self.now;
        let node = self.nodes.get_mut(&id).unwrap_or_else(|| panic!("node {id} is down"));
        let out = input(node, now);
        let effects = node.take_effects();
        self.execute(id, &effects);
        (out, effects)
    }

    pub fn tick(&mut self, id: NodeId) -> Vec<Effect> {
        self.run(id, |n, now| n.tick(now)).1
    }

    pub fn step(&mut self, id: NodeId, m: Message) -> Vec<Effect> {
        self.run(id, |n, now| n.step(now, m)).1
    }

    pub fn campaign(&mut self, id: NodeId) -> Vec<Effect> {
        self.run(id, |n, now| n.campaign_now(now)).1
    }

    pub fn propose(&mut self, id: NodeId, data: &str) -> Result<Index, ProposeError> {
        self.run(id, |n, now| n.propose(now, Command::new(data, 0))).0
    }

    /// Campaigns with `id` and delivers everything until it leads (a few tries).
    pub fn elect(&mut self, id: NodeId) {
        for _ in 0..5 {
            self.campaign(id);
            self.deliver_all();
            if self.node(id).role() == Role::Leader {
                return;
            }
        }
        panic!("node {id} did not win an election: {:?}", self.node(id).status());
    }

    // ----- effects -----------------------------------------------------------------------

    pub fn execute(&mut self, id: NodeId, effects: &[Effect]) {
        for effect in effects {
            match effect {
                Effect::PersistHardState(hs) => self.disk_mut(id).hard_state = *hs,
                Effect::PersistEntries { from, entries } => self.disk_mut(id).write_entries(*from, entries),
                Effect::PersistSnapshot(s) => self.disk_mut(id).write_snapshot(s),
                Effect::Send(m) => {
                    if let Some(missing) = not_yet_durable(&self.disks[&id], &self.nodes[&id], m) {
                        self.persistence_violations.push(format!("node {id} sent {m:?} before {missing}"));
                    }
                    self.sent.push(m.clone());
                    self.in_flight.push_back(m.clone());
                }
                Effect::Apply(entries) => self.apply(id, entries),
                Effect::ResetElectionTimer => {
                    let timeout = self.draw_timeout(id);
                    self.nodes.get_mut(&id).expect("node is up").set_election_timeout(timeout);
                }
                Effect::ApplySnapshot(s) => self.apply_snapshot(id, s),
                Effect::ReadReady { .. } | Effect::ReadAborted { .. } => self.reads.push((id, effect.clone())),
            }
        }
        let (node, disk) = (&self.nodes[&id], &self.disks[&id]);
        if disk.snapshot != *node.log().snapshot() {
            self.persistence_violations.push(format!(
                "after an input, node {id}'s disk snapshot (index {}) differs from its log's (index {})",
                disk.snapshot.index,
                node.log().snapshot_index()
            ));
        }
        if disk.hard_state != node.hard_state() || disk.entries != node.log().entries() {
            self.persistence_violations.push(format!(
                "after an input, node {id}'s disk ({:?}, {} entries) differs from its state ({:?}, {} entries)",
                disk.hard_state,
                disk.entries.len(),
                node.hard_state(),
                node.log().entries().len()
            ));
        }
    }

    pub fn apply(&mut self, id: NodeId, entries: &[Entry]) {
        for e in entries {
            if self.disks[&id].term_at(e.index) != Some(e.term) {
                self.persistence_violations.push(format!("node {id} applied {e:?} before it was durable"));
            }
            let next = self.machine_index[&id] + 1;
            if e.index != next {
                self.safety_violations.push(format!("node {id} applied index {} where {next} was next", e.index));
            }
            self.machine_index.insert(id, e.index);
            if let Payload::Command(c) = &e.payload {
                self.machines.get_mut(&id).expect("node booted").push((e.index, c.data.to_string()));
            }
            self.applied.get_mut(&id).expect("node booted").push(e.clone());
            match self.applied_anywhere.get(&e.index) {
                Some(first) if first != e => self
                    .safety_violations
                    .push(format!("state machine safety: node {id} applied {e:?} at an index where {first:?} was applied")),
                Some(_) => {}
                None => {
                    self.applied_anywhere.insert(e.index, e.clone());
                }
            }
        }
    }

    fn apply_snapshot(&mut self, id: NodeId, s: &Snapshot) {
        if s.index <= self.machine_index[&id] {
            self.safety_violations
                .push(format!("node {id} installed a snapshot at {} over a state machine at {}", s.index, self.machine_index[&id]));
        }
        if self.disks[&id].snapshot.index < s.index {
            self.persistence_violations.push(format!("node {id} applied the snapshot at {} before it was durable", s.index));
        }
        // The snapshot's state must be what the entries up to its index produced wherever
        // they were applied one by one.
        let data = decode_machine(&s.data);
        for (&index, e) in self.applied_anywhere.range(..=s.index) {
            let expected = match &e.payload {
                Payload::Command(c) => Some(c.data.to_string()),
                _ => None,
            };
            let found = data.iter().find(|(i, _)| *i == index).map(|(_, c)| c.clone());
            if found != expected {
                self.safety_violations.push(format!(
                    "state machine safety: node {id} installed a snapshot holding {found:?} at index {index}, where {expected:?} was applied"
                ));
            }
        }
        self.machines.insert(id, data);
        self.machine_index.insert(id, s.index);
        self.snapshots_applied.entry(id).or_default().push(s.clone());
    }

    /// Compacts node `id`'s log up to `index` (§7) with its state machine's state at `index`
    /// as the snapshot's data; returns what `RaftNode::compact` returns.
    pub fn compact(&mut self, id: NodeId, index: Index) -> bool {
        let data = encode_machine(self.machines[&id].iter().filter(|(i, _)| *i <= index));
        self.run(id, |n, _| n.compact(index, &data)).0
    }

    pub fn draw_timeout(&mut self, id: NodeId) -> Time {
        match &mut self.random_timeouts {
            Some(rng) => rng.range(self.config.election_timeout_min, self.config.election_timeout_max),
            None => self.timeouts[&id],
        }
    }

    /// The answer to node `id`'s next `ResetElectionTimer`; it also replaces the timeout
    /// running now.
    pub fn set_timeout(&mut self, id: NodeId, timeout: Time) {
        self.timeouts.insert(id, timeout);
        if let Some(node) = self.nodes.get_mut(&id) {
            node.set_election_timeout(timeout);
        }
    }

    // ----- the network -------------------------------------------------------------------

    /// Delivers the oldest message in flight; false if there is none.
    pub fn deliver_one(&mut self) -> bool {
        match self.in_flight.pop_front() {
            Some(m) => {
                self.deliver(m);
                true
            }
            None => false,
        }
    }

    pub fn deliver_at(&mut self, i: usize) {
        if let Some(m) = self.in_flight.remove(i) {
            self.deliver(m);
        }
    }

    pub fn deliver(&mut self, m: Message) {
        if self.isolated.contains(&m.from) || self.isolated.contains(&m.to) || !self.nodes.contains_key(&m.to) {
            return;
        }
        self.step(m.to, m);
    }

    /// Delivers until nothing is in flight (answers included).
    pub fn deliver_all(&mut self) {
        for _ in 0..100_000 {
            if !self.deliver_one() {
                return;
            }
        }
        panic!("messages never stop flowing");
    }

    /// Delivers one message at a time until `done` holds.
    pub fn deliver_until(&mut self, done: impl Fn(&Net) -> bool) {
        while !done(self) {
            assert!(self.deliver_one(), "nothing left in flight and the condition does not hold");
        }
    }

    /// Delivers, oldest first, every in-flight message for which `pick` holds, including the
    /// answers and further messages they cause, as long as `pick` holds for them; every other
    /// message stays in flight.
    pub fn deliver_all_where(&mut self, pick: impl Fn(&Message) -> bool) {
        for _ in 0..100_000 {
            match self.in_flight.iter().position(&pick) {
                Some(i) => self.deliver_at(i),
                None => return,
            }
        }
        panic!("messages never stop flowing");
    }

    pub fn drop_where(&mut self, lost: impl Fn(&Message) -> bool) {
        self.in_flight.retain(|m| !lost(m));
    }

    pub fn isolate(&mut self, id: NodeId) {
        self.isolated.insert(id);
    }

    pub fn heal(&mut self, id: NodeId) {
        self.isolated.remove(&id);
    }

    pub fn take_sent(&mut self) -> Vec<Message> {
        std::mem::take(&mut self.sent)
    }

    // ----- time --------------------------------------------------------------------------

    pub fn advance_to(&mut self, t: Time) {
        assert!(t >= self.now, "time only moves forward");
        self.now = t;
    }

    pub fn advance(&mut self, dt: Time) {
        self.now += dt;
    }

    /// Ticks every node one of whose timers is due now.
    pub fn tick_due(&mut self) {
        let due: Vec<NodeId> = self.nodes.iter().filter(|(_, n)| n.next_deadline() <= self.now).map(|(&id, _)| id).collect();
        for id in due {
            self.tick(id);
        }
    }

    /// Moves the clock to node `id`'s next deadline (its election timeout) and ticks it.
    pub fn fire_election_timer(&mut self, id: NodeId) -> Vec<Effect> {
        self.now = self.now.max(self.node(id).next_deadline());
        self.tick(id)
    }

    /// Runs the cluster until `until`: delivers every message at once, and moves the clock
    /// from one node deadline to the next, ticking the nodes that are due.
    pub fn run_until(&mut self, until: Time) {
        for _ in 0..1_000_000 {
            self.deliver_all();
            let next = self.nodes.values().map(RaftNode::next_deadline).min().unwrap_or(until);
            if next > until {
                self.now = self.now.max(until);
                return;
            }
            self.now = self.now.max(next);
            self.tick_due();
        }
        panic!("the clock does not advance");
    }

    // ----- views -------------------------------------------------------------------------

    pub fn node(&self, id: NodeId) -> &RaftNode {
        self.nodes.get(&id).unwrap_or_else(|| panic!("node {id} is down"))
    }

    pub fn disk(&self, id: NodeId) -> &DurableState {
        &self.disks[&id]
    }

    pub fn disk_mut(&mut self, id: NodeId) -> &mut DurableState {
        self.disks.get_mut(&id).expect("node has a disk")
    }

    pub fn applied(&self, id: NodeId) -> &[Entry] {
        &self.applied[&id]
    }

    /// The commands node `id`'s state machine holds, in order.
    pub fn machine(&self, id: NodeId) -> Vec<String> {
        self.machines[&id].iter().map(|(_, c)| c.clone()).collect()
    }

    /// The `ReadReady` indexes node `id` emitted for read `read`, in order.
    pub fn read_ready(&self, id: NodeId, read: u64) -> Vec<Index> {
        self.reads
            .iter()
            .filter_map(|(n, e)| match e {
                Effect::ReadReady { id: r, index } if *n == id && *r == read => Some(*index),
                _ => None,
            })
            .collect()
    }

    /// Whether node `id` emitted `ReadAborted` for read `read`.
    pub fn read_aborted(&self, id: NodeId, read: u64) -> bool {
        self.reads.iter().any(|(n, e)| *n == id && *e == Effect::ReadAborted { id: read })
    }

    /// The node that leads in the highest term, if any.
    pub fn leader(&self) -> Option<NodeId> {
        self.nodes.values().filter(|n| n.role() == Role::Leader).max_by_key(|n| n.term()).map(|n| n.id())
    }

    /// The terms of node `id`'s log entries, from index 1.
    pub fn terms(&self, id: NodeId) -> Vec<Term> {
        self.node(id).log().entries().iter().map(|e| e.term).collect()
    }

    pub fn commit(&self, id: NodeId) -> Index {
        self.node(id).log().commit_index()
    }

    /// The leader's matchIndex for `peer` (0 if it has none).
    pub fn match_index(&self, leader: NodeId, peer: NodeId) -> Index {
        self.node(leader).progress(peer).map_or(0, |p| p.match_index)
    }

    /// Figure 3, Log Matching: if two logs contain an entry with the same index and term,
    /// the logs are identical in all entries up through that index.
    pub fn check_log_matching(&mut self) {
        let logs: Vec<(NodeId, &RaftLog)> = self.nodes.iter().map(|(&id, n)| (id, n.log())).collect();
        let mut broken = Vec::new();
        for (i, &(a, la)) in logs.iter().enumerate() {
            for &(b, lb) in &logs[i + 1..] {
                // Only the entries both logs still hold (compaction drops a prefix).
                let (lo, hi) = (la.first_index().max(lb.first_index()), la.last_index().min(lb.last_index()));
                if let Some(k) = (lo..=hi).rev().find(|&k| la.term(k) == lb.term(k)) {
                    if la.slice(lo, k) != lb.slice(lo, k) {
                        broken.push(format!("log matching: nodes {a} and {b} agree on index {k} but differ before"));
                    }
                }
            }
        }
        self.safety_violations.extend(broken);
    }
}

/// Why node's message `m` went out too early, if it did: the durable state it depends on
/// was not on disk yet (the simulator's checker decides, so tests and `check` agree).
pub fn not_yet_durable(disk: &DurableState, node: &RaftNode, m: &Message) -> Option<String> {
    raft_playground::sim::checker::not_yet_durable(disk, node.log(), m)
}

// ----- building states, entries and messages ----------------------------------------------

/// A net holding only node 1 (the other members are played by hand).
pub fn solo(voters: &[NodeId], term: Term, log: &[Term]) -> Net {
    Net::from_states(Config::default(), vec![(1, durable(voters, term, log))])
}

/// A server's durable state: `term`, no vote, and a log whose entry k has term `log[k-1]`.
pub fn durable(voters: &[NodeId], term: Term, log: &[Term]) -> DurableState {
    durable_with(Membership::new(voters.iter().copied()), term, log)
}

/// As `durable`, with any membership (learners included).
pub fn durable_with(membership: Membership, term: Term, log: &[Term]) -> DurableState {
    DurableState {
        hard_state: HardState { current_term: term, voted_for: None },
        snapshot: Snapshot::bootstrap(membership),
        entries: log_of(log),
    }
}

/// A membership of `voters` and `learners`.
pub fn members(voters: &[NodeId], learners: &[NodeId]) -> Membership {
    let mut m = Membership::new(voters.iter().copied());
    m.learners = learners.to_vec();
    m.learners.sort_unstable();
    m
}

/// A state machine as snapshot data: `index=command` pairs separated by `;`.
pub fn encode_machine<'a>(commands: impl IntoIterator<Item = &'a (Index, String)>) -> String {
    commands.into_iter().map(|(i, c)| format!("{i}={c}")).collect::<Vec<_>>().join(";")
}

pub fn decode_machine(data: &str) -> Vec<(Index, String)> {
    if data.is_empty() {
        return Vec::new();
    }
    data.split(';')
        .map(|pair| {
            let (i, c) = pair.split_once('=').expect("index=command");
            (i.parse().expect("an index"), c.to_string())
        })
        .collect()
}

pub fn log_of(terms: &[Term]) -> Vec<Entry> {
    terms.iter().enumerate().map(|(k, &t)| entry(k as Index + 1, t)).collect()
}

/// An entry whose command names its index and term, so that entries are equal only if
/// their places are.
pub fn entry(index: Index, term: Term) -> Entry {
    Entry { index, term, payload: Payload::Command(Command::new(&format!("{index}@{term}"), 0)) }
}

pub fn append(from: NodeId, to: NodeId, term: Term, prev: (Index, Term), entries: Vec<Entry>, leader_commit: Index) -> Message {
    let body = Body::AppendEntries { prev_log_index: prev.0, prev_log_term: prev.1, entries, leader_commit, round: 0 };
    Message { from, to, term, body }
}

pub fn heartbeat(from: NodeId, to: NodeId, term: Term, leader_commit: Index) -> Message {
    append(from, to, term, (0, 0), vec![], leader_commit)
}

pub fn append_ok(from: NodeId, to: NodeId, term: Term, match_index: Index) -> Message {
    let body = Body::AppendEntriesResponse { success: true, match_index, rejected_index: 0, hint: None, round: 0 };
    Message { from, to, term, body }
}

pub fn append_refused(from: NodeId, to: NodeId, term: Term, rejected_index: Index) -> Message {
    let body = Body::AppendEntriesResponse { success: false, match_index: 0, rejected_index, hint: None, round: 0 };
    Message { from, to, term, body }
}

pub fn vote_request(from: NodeId, to: NodeId, term: Term, last: (Index, Term)) -> Message {
    let body = Body::RequestVote { pre_vote: false, last_log_index: last.0, last_log_term: last.1, leadership_transfer: false };
    Message { from, to, term, body }
}

pub fn prevote_request(from: NodeId, to: NodeId, term: Term, last: (Index, Term)) -> Message {
    let body = Body::RequestVote { pre_vote: true, last_log_index: last.0, last_log_term: last.1, leadership_transfer: false };
    Message { from, to, term, body }
}

pub fn vote_response(from: NodeId, to: NodeId, term: Term, granted: bool) -> Message {
    Message { from, to, term, body: Body::RequestVoteResponse { pre_vote: false, vote_granted: granted } }
}

// ----- reading effects ----------------------------------------------------------------------

pub fn sends(effects: &[Effect]) -> Vec<Message> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Send(m) => Some(m.clone()),
            _ => None,
        })
        .collect()
}

pub fn only_send(effects: &[Effect]) -> Message {
    let sent = sends(effects);
    assert_eq!(sent.len(), 1, "expected exactly one message in {effects:?}");
    sent.into_iter().next().expect("one message")
}

pub fn position(effects: &[Effect], pred: impl Fn(&Effect) -> bool) -> Option<usize> {
    effects.iter().position(pred)
}

pub fn first_send(effects: &[Effect]) -> Option<usize> {
    position(effects, |e| matches!(e, Effect::Send(_)))
}

pub fn persists_anything(effects: &[Effect]) -> bool {
    effects.iter().any(|e| matches!(e, Effect::PersistHardState(_) | Effect::PersistEntries { .. } | Effect::PersistSnapshot(_)))
}

/// SplitMix64: a small deterministic generator for the randomized runs.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
}
