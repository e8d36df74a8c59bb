//! The world: machines hosting Raft replicas, a network between them, clients, virtual
//! time and one seeded random generator. Events are processed in (time, sequence) order,
//! so the same seed and the same interventions always give the same run.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt::Write as _;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::checker::{GroupChecker, Invariant, Violation};
use super::client::{Client, Op, OpId, OpKind, Outcome, KEYS};
use super::kv::{self, Kv};
use super::network::{DropReason, Network};
use super::rng::SimRng;
use super::settings::{check_node_id, LinkConfig, Settings, SettingsError, MS, SECOND};
use super::trace::{fnv1a, GroupId, MessageId, TraceEvent, TraceHash, TraceKind, TraceMode};
use super::wire::Wire;
use crate::raft::{
    sort_small, Body, ChangeError, Command, ConfChange, Config, DurableState, Effect, Entry, Index, Membership, Message, MessageKind,
    NodeId, Payload, RaftNode, ReadError, Role, Term, Time, TransferError, VecMap,
};

/// A message on the wire.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InFlight {
    pub id: MessageId,
    pub group: GroupId,
    pub message: Message,
    pub sent_at: Time,
    pub deliver_at: Time,
    /// When it dies on the way, if the network already decided so.
    pub lost_at: Option<Time>,
    pub lost_reason: Option<DropReason>,
}

impl InFlight {
    pub fn kind(&self) -> MessageKind {
        self.message.kind()
    }
}

/// One Raft replica on one machine.
#[derive(Clone, Debug)]
pub struct Replica {
    /// `None` while the machine is down.
    pub node: Option<RaftNode>,
    pub storage: DurableState,
    pub kv: Kv,
    timer_gen: u64,
    timer_at: Time,
}

#[derive(Clone, Debug)]
pub struct Group {
    pub id: GroupId,
    pub replicas: VecMap<NodeId, Replica>,
    checker: GroupChecker,
}

/// How many messages of each kind were sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SentCounts([u64; MessageKind::ALL.len()]);

impl SentCounts {
    /// The kinds sent at least once and their counts, in kind order.
    pub fn iter(&self) -> impl Iterator<Item = (MessageKind, u64)> + '_ {
        MessageKind::ALL.into_iter().zip(self.0).filter(|&(_, n)| n > 0)
    }

    pub fn values(&self) -> impl Iterator<Item = u64> + '_ {
        self.iter().map(|(_, n)| n)
    }

    pub fn get(&self, kind: MessageKind) -> u64 {
        self.0[kind as usize]
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Event {
    Deliver(MessageId),
    Lose(MessageId),
    Timer { group: GroupId, node: NodeId, gen: u64 },
    ClientTick { gen: u64 },
    ClientRetry(OpId),
    ClientTimeout(OpId),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Scheduled {
    time: Time,
    seq: u64,
    event: Event,
}

impl Ord for Scheduled {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.time, self.seq).cmp(&(other.time, other.seq))
    }
}

impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Why an intervention could not be carried out.
#[derive(Clone, Debug, Error, PartialEq)]
pub enum SimError {
    #[error("there is no node {0}")]
    NoSuchNode(NodeId),
    #[error("there is no Raft group {0}")]
    NoSuchGroup(GroupId),
    #[error("node {0} is down")]
    NodeDown(NodeId),
    #[error("node {0} is already up")]
    NodeUp(NodeId),
    #[error("there is no leader")]
    NoLeader,
    #[error("no message {0} is in flight")]
    NoSuchMessage(MessageId),
    #[error("logs and terms can only be set before time starts")]
    TooLate,
    #[error("`{0}` is not a command of the form key=value")]
    BadCommand(String),
    #[error("node {node}: {error}")]
    Change { node: NodeId, error: ChangeError },
    #[error("node {node}: {error}")]
    Transfer { node: NodeId, error: TransferError },
    #[error("node {node}: {error}")]
    Read { node: NodeId, error: ReadError },
    #[error("node {0} has nothing to compact")]
    NothingToCompact(NodeId),
    #[error("log terms must not decrease along the log")]
    DecreasingTerms,
    #[error(transparent)]
    Settings(#[from] SettingsError),
}

/// An input to one node.
enum Input {
    Tick,
    Message(Message),
    Propose(Command),
    Read(OpId),
    Campaign,
    Transfer(NodeId),
    Change(ConfChange),
}

#[derive(Clone, Copy)]
struct Before {
    role: Role,
    term: Term,
    commit: Index,
}

#[derive(Clone, Debug)]
pub struct World {
    settings: Settings,
    now: Time,
    steps: u64,
    rng: SimRng,
    queue: BinaryHeap<Reverse<Scheduled>>,
    next_seq: u64,
    /// Machines and whether each is up.
    machines: VecMap<NodeId, bool>,
    groups: Vec<Group>,
    network: Network,
    in_flight: Wire,
    next_message: MessageId,
    client: Client,
    checking: bool,
    violations: Vec<Violation>,
    current: Option<Event>,
    trace_mode: TraceMode,
    trace: Vec<TraceEvent>,
    hash: TraceHash,
    effects: Vec<Effect>,
    /// Per message kind: how many were sent (for charts and the bench).
    sent: SentCounts,
}

impl World {
    pub fn new(settings: Settings, trace_mode: TraceMode) -> Result<World, SettingsError> {
        settings.validate()?;
        let mut world = World {
            rng: SimRng::new(settings.seed),
            now: 0,
            steps: 0,
            queue: BinaryHeap::new(),
            next_seq: 0,
            machines: VecMap::new(),
            groups: Vec::new(),
            network: Network::new(settings.network.clone()),
            in_flight: Wire::default(),
            next_message: 1,
            client: Client::new(settings.client_rate, settings.read_percent, false),
            checking: true,
            violations: Vec::new(),
            current: None,
            trace_mode,
            trace: Vec::new(),
            hash: TraceHash::default(),
            effects: Vec::new(),
            sent: SentCounts::default(),
            settings,
        };
        let ids = world.settings.node_ids();
        for &id in &ids {
            world.machines.insert(id, true);
        }
        let membership = Membership::new(ids.iter().copied());
        for g in 0..world.settings.groups {
            world.groups.push(Group { id: g, replicas: VecMap::new(), checker: GroupChecker::new() });
            for &id in &ids {
                world.boot_replica(g, id, DurableState::new(membership.clone()));
            }
        }
        world.schedule_client_tick();
        Ok(world)
    }

    // ----------------------------------------------------------------------------------
    // Options
    // ----------------------------------------------------------------------------------

    /// Turns the safety checker on or off (on by default).
    pub fn set_checking(&mut self, on: bool) {
        self.checking = on;
    }

    /// Records client operations for the linearizability check.
    pub fn set_record_history(&mut self, on: bool) {
        self.client.record_history = on;
    }

    pub fn set_trace_mode(&mut self, mode: TraceMode) {
        self.trace_mode = mode;
    }

    // ----------------------------------------------------------------------------------
    // Time
    // ----------------------------------------------------------------------------------

    pub fn now(&self) -> Time {
        self.now
    }

    /// How many events have been processed.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    pub fn next_event_time(&self) -> Option<Time> {
        self.queue.peek().map(|Reverse(s)| s.time)
    }

    /// Processes the next event. Returns false if nothing is scheduled.
    pub fn step(&mut self) -> bool {
        let Some(Reverse(s)) = self.queue.pop() else { return false };
        self.now = self.now.max(s.time);
        self.steps += 1;
        self.current = Some(s.event);
        self.handle(s.event);
        self.current = None;
        true
    }

    /// Processes every event due at or before `t`, then sets the clock to `t`.
    pub fn run_until(&mut self, t: Time) {
        while self.queue.peek().is_some_and(|Reverse(s)| s.time <= t) {
            self.step();
        }
        self.now = self.now.max(t);
    }

    /// Like `run_until`, but stops early at the first safety violation.
    pub fn run_until_violation(&mut self, t: Time) -> bool {
        let before = self.violations.len();
        while self.queue.peek().is_some_and(|Reverse(s)| s.time <= t) {
            self.step();
            if self.violations.len() > before {
                return true;
            }
        }
        self.now = self.now.max(t);
        false
    }

    fn schedule(&mut self, time: Time, event: Event) {
        self.next_seq += 1;
        self.queue.push(Reverse(Scheduled { time, seq: self.next_seq, event }));
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::Deliver(id) => {
                let Some(m) = self.in_flight.remove(id) else { return };
                let to = m.message.to;
                if !self.is_up(to) {
                    self.record_drop(&m, DropReason::NodeDown);
                    return;
                }
                self.record(m.group, TraceKind::Delivered { id, from: m.message.from, to, kind: m.message.kind() });
                self.input(m.group, to, Input::Message(m.message));
            }
            Event::Lose(id) => {
                if let Some(m) = self.in_flight.remove(id) {
                    let reason = m.lost_reason.unwrap_or(DropReason::Loss);
                    self.record_drop(&m, reason);
                }
            }
            Event::Timer { group, node, gen } => {
                let current = self.replica(group, node).is_some_and(|r| r.timer_gen == gen && r.node.is_some());
                if current {
                    self.input(group, node, Input::Tick);
                }
            }
            Event::ClientTick { gen } => {
                if gen != self.client.tick_gen || self.client.rate == 0 {
                    return;
                }
                self.workload_request();
                self.schedule_client_tick();
            }
            Event::ClientRetry(op) => self.client_attempt(op),
            Event::ClientTimeout(op) => {
                if let Some(p) = self.client.pending.get(&op) {
                    let outcome = match (&p.op.kind, p.accepted_by) {
                        (OpKind::Write { .. }, Some(_)) => Outcome::Unknown,
                        _ => Outcome::Failed,
                    };
                    self.client.complete(op, outcome, self.now);
                }
            }
        }
    }

    // ----------------------------------------------------------------------------------
    // Nodes
    // ----------------------------------------------------------------------------------

    fn boot_replica(&mut self, group: GroupId, id: NodeId, storage: DurableState) {
        let config = self.settings.raft.clone();
        let timeout = self.draw_election_timeout();
        let node = RaftNode::restart(id, config, storage.clone(), self.now, timeout);
        let kv = Kv::restore(&storage.snapshot.data, storage.snapshot.index);
        // Timer events of an earlier life of this replica must stay stale.
        let timer_gen = self.replica(group, id).map_or(0, |r| r.timer_gen + 1);
        let replica = Replica { node: Some(node), storage, kv, timer_gen, timer_at: Time::MAX };
        self.groups[group as usize].replicas.insert(id, replica);
        self.reschedule_timer(group, id);
        let g = &mut self.groups[group as usize];
        if let Some(node) = g.replicas.get(&id).and_then(|r| r.node.as_ref()) {
            g.checker.on_restart(node);
        }
    }

    fn draw_election_timeout(&mut self) -> Time {
        let c = &self.settings.raft;
        let (lo, hi) = (c.election_timeout_min, c.election_timeout_max);
        self.rng.range(lo, hi)
    }

    fn replica(&self, group: GroupId, id: NodeId) -> Option<&Replica> {
        self.groups.get(group as usize)?.replicas.get(&id)
    }

    fn replica_mut(&mut self, group: GroupId, id: NodeId) -> Option<&mut Replica> {
        self.groups.get_mut(group as usize)?.replicas.get_mut(&id)
    }

    fn reschedule_timer(&mut self, group: GroupId, id: NodeId) {
        let Some(r) = self.replica_mut(group, id) else { return };
        let Some(node) = &r.node else { return };
        let at = node.next_deadline();
        if at == r.timer_at {
            return;
        }
        r.timer_at = at;
        r.timer_gen += 1;
        let gen = r.timer_gen;
        let at = at.max(self.now);
        self.schedule(at, Event::Timer { group, node: id, gen });
    }

    /// Feeds one input to a node and carries out everything it asks for.
    fn input(&mut self, group: GroupId, id: NodeId, input: Input) -> InputResult {
        let now = self.now;
        let Some(node) = self.replica_mut(group, id).and_then(|r| r.node.as_mut()) else {
            return InputResult::Down;
        };
        let before = Before { role: node.role(), term: node.term(), commit: node.log().commit_index() };
        let result = match input {
            Input::Tick => {
                node.tick(now);
                InputResult::Done
            }
            Input::Message(m) => {
                node.step(now, m);
                InputResult::Done
            }
            Input::Propose(c) => match node.propose(now, c) {
                Ok(index) => InputResult::Accepted(index),
                Err(e) => InputResult::Refused(e.to_string(), hint_of_propose(&e)),
            },
            Input::Read(op) => match node.read_index(now, op) {
                Ok(()) => InputResult::Accepted(0),
                Err(e) => InputResult::ReadRefused(e),
            },
            Input::Campaign => {
                node.campaign_now(now);
                InputResult::Done
            }
            Input::Transfer(to) => match node.transfer_leadership(now, to) {
                Ok(()) => InputResult::Done,
                Err(e) => InputResult::TransferRefused(e),
            },
            Input::Change(c) => match node.change_membership(now, c) {
                Ok(index) => InputResult::Accepted(index),
                Err(e) => InputResult::ChangeRefused(e),
            },
        };
        self.process_effects(group, id, before);
        result
    }

    fn process_effects(&mut self, group: GroupId, id: NodeId, before: Before) {
        let leader_of_term = (before.role == Role::Leader).then_some(before.term);
        loop {
            let mut effects = std::mem::take(&mut self.effects);
            {
                let Some(node) = self.replica_mut(group, id).and_then(|r| r.node.as_mut()) else { return };
                node.drain_effects_into(&mut effects);
            }
            if effects.is_empty() {
                self.effects = effects;
                break;
            }
            let still_leader = {
                let node = self.node(group, id).expect("node is up");
                leader_of_term.filter(|&t| node.role() == Role::Leader && node.term() == t)
            };
            for effect in effects.drain(..) {
                self.execute(group, id, effect, still_leader);
            }
            self.effects = effects;
            self.maybe_compact(group, id);
        }
        self.reschedule_timer(group, id);
        self.after_input(group, id, before);
    }

    fn execute(&mut self, group: GroupId, id: NodeId, effect: Effect, leader_of_term: Option<Term>) {
        let checking = self.checking;
        match effect {
            Effect::PersistHardState(hs) => {
                if let Some(r) = self.replica_mut(group, id) {
                    r.storage.hard_state = hs;
                }
            }
            Effect::PersistEntries { from, entries } => {
                let g = &mut self.groups[group as usize];
                let r = g.replicas.get_mut(&id).expect("replica exists");
                if checking {
                    g.checker.on_persist_entries(id, leader_of_term, &r.storage, from, &entries);
                }
                r.storage.write_entries(from, &entries);
            }
            Effect::PersistSnapshot(s) => {
                if let Some(r) = self.replica_mut(group, id) {
                    r.storage.write_snapshot(&s);
                }
            }
            Effect::Send(m) => self.send(group, m),
            Effect::Apply(entries) => {
                if checking {
                    self.groups[group as usize].checker.on_apply(id, &entries);
                }
                let r = self.replica_mut(group, id).expect("replica exists");
                for e in &entries {
                    r.kv.apply(e);
                }
                for e in &entries {
                    if let Payload::Command(c) = &e.payload {
                        if c.request_id != 0 && self.client.pending.contains_key(&c.request_id) {
                            self.client.complete(c.request_id, Outcome::Written, self.now);
                        }
                    }
                }
            }
            Effect::ApplySnapshot(s) => {
                let r = self.replica_mut(group, id).expect("replica exists");
                r.kv = Kv::restore(&s.data, s.index);
                self.record(group, TraceKind::SnapshotInstalled { node: id, index: s.index });
            }
            Effect::ResetElectionTimer => {
                let timeout = self.draw_election_timeout();
                if let Some(node) = self.replica_mut(group, id).and_then(|r| r.node.as_mut()) {
                    node.set_election_timeout(timeout);
                }
            }
            Effect::ReadReady { id: op, .. } => {
                let Some(p) = self.client.pending.get(&op) else { return };
                let key = p.op.kind.key().to_string();
                let value = self.replica(group, id).and_then(|r| r.kv.get(&key)).map(Arc::from);
                self.record(group, TraceKind::ReadServed { node: id, key: Arc::from(key.as_str()), value: value.clone() });
                self.client.complete(op, Outcome::Read(value), self.now);
            }
            Effect::ReadAborted { id: op } => {
                if let Some(p) = self.client.pending.get_mut(&op) {
                    p.accepted_by = None;
                    let at = self.now + 10 * MS;
                    self.schedule(at, Event::ClientRetry(op));
                }
            }
        }
    }

    fn maybe_compact(&mut self, group: GroupId, id: NodeId) {
        let threshold = self.settings.snapshot_threshold;
        if threshold == 0 {
            return;
        }
        let Some(r) = self.replica_mut(group, id) else { return };
        let Some(node) = r.node.as_mut() else { return };
        let log = node.log();
        if log.applied_index() - log.snapshot_index() > threshold {
            let index = log.applied_index();
            let data = r.kv.encode();
            if node.compact(index, &data) {
                self.record(group, TraceKind::Compacted { node: id, index });
                self.prune_checker(group);
            }
        }
    }

    /// Lets the checker forget entries every replica of the group holds in a snapshot.
    fn prune_checker(&mut self, group: GroupId) {
        let g = &mut self.groups[group as usize];
        let lowest = g
            .replicas
            .values()
            .map(|r| r.node.as_ref().map_or(r.storage.snapshot.index, |n| n.log().snapshot_index().min(r.storage.snapshot.index)))
            .min()
            .unwrap_or(0);
        g.checker.prune(lowest);
    }

    fn after_input(&mut self, group: GroupId, id: NodeId, before: Before) {
        let tracing = self.trace_mode != TraceMode::Off;
        let (role, term, commit) = {
            let Some(node) = self.node(group, id) else { return };
            (node.role(), node.term(), node.log().commit_index())
        };
        if tracing {
            if role != before.role {
                self.record(group, TraceKind::Role { node: id, from: before.role, to: role, term });
            } else if term != before.term {
                self.record(group, TraceKind::Term { node: id, term });
            }
            if role == Role::Leader && commit > before.commit {
                self.record_commits(group, id, before.commit + 1, commit);
            }
        }
        if self.checking {
            let g = &mut self.groups[group as usize];
            let node = g.replicas.get(&id).and_then(|r| r.node.as_ref()).expect("node is up");
            let all = g.replicas.values().filter_map(|r| r.node.as_ref());
            g.checker.after_input(node, all);
            self.collect_findings(group);
        }
    }

    fn record_commits(&mut self, group: GroupId, id: NodeId, from: Index, to: Index) {
        let mut events = Vec::new();
        {
            let node = self.node(group, id).expect("node is up");
            let status = node.status();
            for i in from..=to {
                let Some(e) = node.log().entry(i) else { continue };
                let command = match &e.payload {
                    Payload::Command(c) => Some(c.data.clone()),
                    _ => None,
                };
                let mut stored_on: Vec<NodeId> = status.peers.iter().filter(|p| p.match_index >= i).map(|p| p.id).collect();
                stored_on.push(id);
                sort_small(&mut stored_on);
                events.push(TraceKind::Committed { node: id, index: i, term: e.term, command, stored_on });
            }
        }
        for k in events {
            self.record(group, k);
        }
    }

    fn collect_findings(&mut self, group: GroupId) {
        let findings = std::mem::take(&mut self.groups[group as usize].checker.findings);
        if findings.is_empty() {
            return;
        }
        let event = self.describe_current();
        for f in findings {
            let v = Violation {
                invariant: f.invariant,
                group,
                nodes: f.nodes,
                index: f.index,
                term: f.term,
                time: self.now,
                step: self.steps,
                detail: f.detail,
                event: event.clone(),
            };
            self.record(group, TraceKind::Violation { invariant: v.invariant.name().to_string(), detail: v.detail.clone() });
            self.violations.push(v);
        }
    }

    /// The event being processed, in words (for violation reports).
    fn describe_current(&self) -> String {
        match self.current {
            Some(Event::Deliver(id)) => format!("delivery of message {id}"),
            Some(Event::Timer { node, .. }) => format!("a timer of node {node}"),
            Some(Event::ClientTick { .. }) | Some(Event::ClientRetry(_)) => "a client request".to_string(),
            // As `{:?}` printed these.
            Some(Event::Lose(id)) => format!("Lose({id})"),
            Some(Event::ClientTimeout(op)) => format!("ClientTimeout({op})"),
            None => "an intervention".to_string(),
        }
    }

    // ----------------------------------------------------------------------------------
    // Network
    // ----------------------------------------------------------------------------------

    fn send(&mut self, group: GroupId, m: Message) {
        let now = self.now;
        let kind = m.kind();
        self.sent.0[kind as usize] += 1;
        if let Body::RequestVoteResponse { pre_vote, vote_granted: true } = m.body {
            self.record(group, TraceKind::Voted { node: m.from, candidate: m.to, term: m.term, pre_vote });
        }
        let fates = self.network.fates(&mut self.rng, now, m.from, m.to);
        for fate in fates {
            let id = self.next_message;
            self.next_message += 1;
            let message = m.clone();
            self.record(group, TraceKind::Sent { id, from: m.from, to: m.to, kind, deliver_at: fate.deliver_at });
            let f =
                InFlight { id, group, message, sent_at: now, deliver_at: fate.deliver_at, lost_at: fate.lost_at, lost_reason: fate.reason };
            match fate.lost_at {
                Some(at) => self.schedule(at, Event::Lose(id)),
                None => self.schedule(fate.deliver_at, Event::Deliver(id)),
            }
            self.in_flight.insert(f);
        }
    }

    fn record_drop(&mut self, m: &InFlight, reason: DropReason) {
        let kind = TraceKind::Dropped {
            id: m.id,
            from: m.message.from,
            to: m.message.to,
            kind: m.message.kind(),
            sent_at: m.sent_at,
            deliver_at: m.deliver_at,
            reason,
        };
        self.record(m.group, kind);
    }

    /// Drops what is in flight on links that are now blocked.
    fn drop_blocked(&mut self) {
        let blocked: Vec<MessageId> = self
            .in_flight
            .iter()
            .filter(|m| m.lost_at.is_none() && !self.network.connected(m.message.from, m.message.to))
            .map(|m| m.id)
            .collect();
        for id in blocked {
            if let Some(m) = self.in_flight.remove(id) {
                self.record_drop(&m, DropReason::Partition);
            }
        }
    }

    // ----------------------------------------------------------------------------------
    // Clients
    // ----------------------------------------------------------------------------------

    fn schedule_client_tick(&mut self) {
        self.client.tick_gen += 1;
        if self.client.rate == 0 {
            return;
        }
        let mean = SECOND / self.client.rate as u64;
        let gap = self.rng.range(mean / 2, mean + mean / 2).max(1);
        let gen = self.client.tick_gen;
        let at = self.now + gap;
        self.schedule(at, Event::ClientTick { gen });
    }

    fn workload_request(&mut self) {
        let key = KEYS[self.rng.index(KEYS.len())];
        let read = self.rng.range(0, 99) < self.client.read_percent as u64;
        let kind = if read {
            OpKind::Read { key: Arc::from(key) }
        } else {
            let value = self.client.next_value();
            OpKind::Write { key: Arc::from(key), value: Arc::from(value.to_string().as_str()) }
        };
        let group = self.group_of_key(key);
        let op = self.client.invoke(group, kind, self.now, self.settings.client_timeout, None);
        self.schedule(self.now + self.settings.client_timeout, Event::ClientTimeout(op));
        self.client_attempt(op);
    }

    /// Keys are spread over the groups (as partitions of a key space are in Zeebe or TiKV).
    pub fn group_of_key(&self, key: &str) -> GroupId {
        (fnv1a(0, key.as_bytes()) % self.groups.len() as u64) as GroupId
    }

    /// Sends a client operation to the node it should go to now.
    fn client_attempt(&mut self, op: OpId) {
        let Some(p) = self.client.pending.get(&op) else { return };
        if p.accepted_by.is_some() {
            return;
        }
        let group = p.op.group;
        let pinned = p.pinned;
        let kind = p.op.kind.clone();
        let target = pinned.or_else(|| self.client.leader_guess.get(&group).copied()).or_else(|| self.any_live_node());
        let Some(target) = target else {
            self.retry_later(op, None);
            return;
        };
        let result = match &kind {
            OpKind::Write { key, value } => {
                let text = format!("{key}={value}");
                self.input(group, target, Input::Propose(Command::new(&text, op)))
            }
            OpKind::Read { .. } => self.input(group, target, Input::Read(op)),
        };
        let command: Arc<str> = match &kind {
            OpKind::Write { key, value } => Arc::from(format!("{key}={value}").as_str()),
            OpKind::Read { key } => Arc::from(format!("read {key}").as_str()),
        };
        match result {
            InputResult::Accepted(index) => {
                if let Some(p) = self.client.pending.get_mut(&op) {
                    p.accepted_by = Some(target);
                }
                self.client.leader_guess.insert(group, target);
                if matches!(kind, OpKind::Write { .. }) {
                    let term = self.node(group, target).map_or(0, |n| n.term());
                    self.record(group, TraceKind::Proposed { node: target, index, term, command });
                }
            }
            InputResult::Refused(reason, hint) => {
                self.client.stats.refusals += 1;
                self.record(group, TraceKind::Refused { node: target, command, leader_hint: hint, reason });
                self.retry_later(op, hint.filter(|&h| h != target).or_else(|| self.next_live_after(target)));
            }
            InputResult::ReadRefused(e) => {
                self.client.stats.refusals += 1;
                let hint = match e {
                    ReadError::NotLeader { leader_hint } => leader_hint,
                    ReadError::TransferInProgress(_) => Some(target),
                };
                self.record(group, TraceKind::Refused { node: target, command, leader_hint: hint, reason: e.to_string() });
                self.retry_later(op, hint.filter(|&h| h != target).or_else(|| self.next_live_after(target)));
            }
            InputResult::Down => self.retry_later(op, self.next_live_after(target)),
            _ => {}
        }
    }

    fn retry_later(&mut self, op: OpId, next_guess: Option<NodeId>) {
        let Some(p) = self.client.pending.get(&op) else { return };
        if p.pinned.is_some() {
            self.client.complete(op, Outcome::Failed, self.now);
            return;
        }
        let group = p.op.group;
        match next_guess {
            Some(n) => {
                self.client.leader_guess.insert(group, n);
            }
            None => {
                self.client.leader_guess.remove(&group);
            }
        }
        let at = self.now + 10 * MS;
        self.schedule(at, Event::ClientRetry(op));
    }

    fn any_live_node(&self) -> Option<NodeId> {
        self.machines.iter().find(|(_, &up)| up).map(|(&id, _)| id)
    }

    fn next_live_after(&self, id: NodeId) -> Option<NodeId> {
        let up: Vec<NodeId> = self.machines.iter().filter(|(_, &up)| up).map(|(&id, _)| id).collect();
        up.iter().copied().find(|&n| n > id).or_else(|| up.first().copied())
    }

    // ----------------------------------------------------------------------------------
    // Interventions
    // ----------------------------------------------------------------------------------

    fn check_node(&self, id: NodeId) -> Result<(), SimError> {
        if self.machines.contains_key(&id) {
            Ok(())
        } else {
            Err(SimError::NoSuchNode(id))
        }
    }

    fn check_group(&self, group: GroupId) -> Result<(), SimError> {
        if (group as usize) < self.groups.len() {
            Ok(())
        } else {
            Err(SimError::NoSuchGroup(group))
        }
    }

    /// Stops a machine: every replica on it loses its volatile state; storage stays.
    pub fn crash(&mut self, id: NodeId) -> Result<(), SimError> {
        self.check_node(id)?;
        if !self.is_up(id) {
            return Err(SimError::NodeDown(id));
        }
        self.machines.insert(id, false);
        for g in 0..self.groups.len() {
            let group = &mut self.groups[g];
            if let Some(r) = group.replicas.get_mut(&id) {
                if let Some(node) = r.node.take() {
                    if self.checking {
                        group.checker.on_crash(node, &r.storage);
                    }
                }
                r.kv = Kv::default();
                r.timer_gen += 1;
                r.timer_at = Time::MAX;
            }
            self.record(g as GroupId, TraceKind::Crashed { node: id });
            if self.checking {
                self.collect_findings(g as GroupId);
            }
        }
        // Reads waiting at the crashed node will never be answered there.
        let waiting: Vec<OpId> = self
            .client
            .pending
            .values()
            .filter(|p| p.accepted_by == Some(id) && matches!(p.op.kind, OpKind::Read { .. }))
            .map(|p| p.op.id)
            .collect();
        for op in waiting {
            if let Some(p) = self.client.pending.get_mut(&op) {
                p.accepted_by = None;
            }
            self.retry_later(op, self.next_live_after(id));
        }
        Ok(())
    }

    /// Starts a crashed machine again from its durable state.
    pub fn restart(&mut self, id: NodeId) -> Result<(), SimError> {
        self.check_node(id)?;
        if self.is_up(id) {
            return Err(SimError::NodeUp(id));
        }
        self.machines.insert(id, true);
        for g in 0..self.groups.len() as GroupId {
            let Some(storage) = self.replica(g, id).map(|r| r.storage.clone()) else { continue };
            self.boot_replica(g, id, storage);
            self.record(g, TraceKind::Restarted { node: id });
            if self.checking {
                self.collect_findings(g);
            }
        }
        Ok(())
    }

    pub fn partition(&mut self, groups: Vec<Vec<NodeId>>) -> Result<(), SimError> {
        for g in &groups {
            for &id in g {
                self.check_node(id)?;
            }
        }
        self.network.set_partition(groups);
        let groups = self.network.partition().to_vec();
        self.record(0, TraceKind::Partitioned { groups });
        self.drop_blocked();
        Ok(())
    }

    /// Cuts every link of `id` in both directions.
    pub fn isolate(&mut self, id: NodeId) -> Result<(), SimError> {
        self.check_node(id)?;
        self.partition(vec![vec![id]])
    }

    pub fn heal(&mut self) {
        self.network.heal();
        self.record(0, TraceKind::Healed);
    }

    pub fn cut(&mut self, from: NodeId, to: NodeId) -> Result<(), SimError> {
        self.check_node(from)?;
        self.check_node(to)?;
        self.network.cut(from, to);
        self.record(0, TraceKind::Cut { from, to });
        self.drop_blocked();
        Ok(())
    }

    pub fn uncut(&mut self, from: NodeId, to: NodeId) -> Result<(), SimError> {
        self.check_node(from)?;
        self.check_node(to)?;
        self.network.uncut(from, to);
        self.record(0, TraceKind::Uncut { from, to });
        Ok(())
    }

    /// Changes latency, loss, duplication or reordering from now on.
    pub fn set_link(&mut self, link: LinkConfig) -> Result<(), SimError> {
        link.validate()?;
        self.settings.network = link.clone();
        self.network.link = link.clone();
        self.record(0, TraceKind::Link { link });
        Ok(())
    }

    /// Changes the protocol switches of every node from now on.
    pub fn set_raft_config(&mut self, config: Config) -> Result<(), SimError> {
        config.validate().map_err(SettingsError::from)?;
        self.settings.raft = config.clone();
        for g in 0..self.groups.len() {
            let ids: Vec<NodeId> = self.groups[g].replicas.keys().copied().collect();
            for id in ids {
                if let Some(node) = self.replica_mut(g as GroupId, id).and_then(|r| r.node.as_mut()) {
                    node.set_config(config.clone());
                }
                self.reschedule_timer(g as GroupId, id);
            }
        }
        Ok(())
    }

    pub fn set_client_rate(&mut self, rate: u32, read_percent: u32) -> Result<(), SimError> {
        let mut s = self.settings.clone();
        s.client_rate = rate;
        s.read_percent = read_percent;
        s.validate()?;
        self.settings = s;
        self.client.rate = rate;
        self.client.read_percent = read_percent;
        self.schedule_client_tick();
        Ok(())
    }

    pub fn set_snapshot_threshold(&mut self, entries: u64) {
        self.settings.snapshot_threshold = entries;
    }

    /// How long clients wait for answers, from the next request on.
    pub fn set_client_timeout(&mut self, timeout: Time) {
        if timeout > 0 {
            self.settings.client_timeout = timeout;
        }
    }

    /// Fires a node's election timer now.
    pub fn force_timeout(&mut self, group: GroupId, id: NodeId) -> Result<(), SimError> {
        self.check_group(group)?;
        self.check_node(id)?;
        if !self.is_up(id) {
            return Err(SimError::NodeDown(id));
        }
        self.record(group, TraceKind::TimeoutForced { node: id });
        self.input(group, id, Input::Campaign);
        Ok(())
    }

    /// A client write `key=value`, to the leader (or only to `via`). Returns the op id.
    pub fn propose(&mut self, command: &str, via: Option<NodeId>) -> Result<OpId, SimError> {
        let (key, value) = kv::parse_write(command).ok_or_else(|| SimError::BadCommand(command.to_string()))?;
        self.submit(OpKind::Write { key: Arc::from(key), value: Arc::from(value) }, via)
    }

    /// Starts a client operation on its key's group: to the leader, or only to `via`.
    fn submit(&mut self, kind: OpKind, via: Option<NodeId>) -> Result<OpId, SimError> {
        if let Some(v) = via {
            self.check_node(v)?;
        }
        let group = self.group_of_key(kind.key());
        let op = self.client.invoke(group, kind, self.now, self.settings.client_timeout, via);
        if via.is_none() {
            if let Some(l) = self.leader(group) {
                self.client.leader_guess.insert(group, l);
            }
        }
        self.schedule(self.now + self.settings.client_timeout, Event::ClientTimeout(op));
        self.client_attempt(op);
        Ok(op)
    }

    /// A linearizable client read of `key`, to the leader (or only to `via`).
    pub fn read(&mut self, key: &str, via: Option<NodeId>) -> Result<OpId, SimError> {
        if !kv::is_word(key) {
            return Err(SimError::BadCommand(key.to_string()));
        }
        self.submit(OpKind::Read { key: Arc::from(key) }, via)
    }

    /// Removes a message from the wire.
    pub fn drop_message(&mut self, id: MessageId) -> Result<(), SimError> {
        let m = self.in_flight.remove(id).ok_or(SimError::NoSuchMessage(id))?;
        self.record_drop(&m, DropReason::User);
        Ok(())
    }

    /// Asks the leader of `group` to hand leadership to `to`.
    pub fn transfer(&mut self, group: GroupId, to: NodeId) -> Result<(), SimError> {
        self.check_group(group)?;
        self.check_node(to)?;
        let leader = self.leader(group).ok_or(SimError::NoLeader)?;
        match self.input(group, leader, Input::Transfer(to)) {
            InputResult::TransferRefused(error) => Err(SimError::Transfer { node: leader, error }),
            _ => {
                self.record(group, TraceKind::Transfer { from: leader, to });
                Ok(())
            }
        }
    }

    /// Asks the leader of `group` to make a membership change. A node added for the
    /// first time gets a machine with an empty log.
    pub fn change_membership(&mut self, group: GroupId, change: ConfChange) -> Result<Index, SimError> {
        self.check_group(group)?;
        let target = check_node_id(change.node() as u64)?;
        let leader = self.leader(group).ok_or(SimError::NoLeader)?;
        let adding = matches!(change, ConfChange::AddVoter(_) | ConfChange::AddLearner(_));
        if !adding {
            self.check_node(target)?;
        }
        match self.input(group, leader, Input::Change(change)) {
            InputResult::ChangeRefused(error) => Err(SimError::Change { node: leader, error }),
            InputResult::Accepted(index) => {
                // A new server gets a machine with an empty log once the leader accepted it;
                // what the leader already sent it is still on the wire.
                if adding {
                    self.ensure_machine(target);
                }
                self.record(group, TraceKind::Membership { node: leader, change, index });
                Ok(index)
            }
            _ => Err(SimError::NoLeader),
        }
    }

    /// Creates machine `id` with empty replicas if it does not exist yet.
    fn ensure_machine(&mut self, id: NodeId) {
        if self.machines.contains_key(&id) {
            return;
        }
        self.machines.insert(id, true);
        for g in 0..self.groups.len() as GroupId {
            self.groups[g as usize].checker.forget(id);
            self.boot_replica(g, id, DurableState::new(Membership::default()));
            self.record(g, TraceKind::NodeAdded { node: id });
        }
    }

    /// Compacts a node's log up to what it has applied.
    pub fn compact(&mut self, group: GroupId, id: NodeId) -> Result<Index, SimError> {
        self.check_group(group)?;
        self.check_node(id)?;
        let r = self.replica_mut(group, id).ok_or(SimError::NoSuchNode(id))?;
        let data = r.kv.encode();
        let node = r.node.as_mut().ok_or(SimError::NodeDown(id))?;
        let index = node.log().applied_index();
        if !node.compact(index, &data) {
            return Err(SimError::NothingToCompact(id));
        }
        let before = Before { role: node.role(), term: node.term(), commit: node.log().commit_index() };
        self.record(group, TraceKind::Compacted { node: id, index });
        self.process_effects(group, id, before);
        Ok(index)
    }

    /// Sets a node's log before time starts (for the paper's figures). Entry `i` of term `t`
    /// carries the command `e<i>=t<t>`, so equal (index, term) pairs are equal entries.
    pub fn set_log(&mut self, group: GroupId, id: NodeId, terms: &[Term]) -> Result<(), SimError> {
        self.check_group(group)?;
        self.check_node(id)?;
        if self.steps > 0 {
            return Err(SimError::TooLate);
        }
        if terms.windows(2).any(|w| w[0] > w[1]) {
            return Err(SimError::DecreasingTerms);
        }
        let mut storage = self.replica(group, id).ok_or(SimError::NoSuchNode(id))?.storage.clone();
        let entries: Vec<Entry> = terms
            .iter()
            .enumerate()
            .map(|(k, &t)| {
                let index = k as Index + 1;
                Entry { index, term: t, payload: Payload::Command(Command::new(&format!("e{index}=t{t}"), 0)) }
            })
            .collect();
        if self.checking {
            let g = &mut self.groups[group as usize];
            let r = g.replicas.get(&id).expect("exists");
            g.checker.on_persist_entries(id, None, &r.storage, 1, &entries);
        }
        storage.write_entries(1, &entries);
        if let Some(&last) = terms.last() {
            storage.hard_state.current_term = storage.hard_state.current_term.max(last);
        }
        self.reboot(group, id, storage);
        self.collect_findings(group);
        Ok(())
    }

    /// Sets a node's current term before time starts.
    pub fn set_term(&mut self, group: GroupId, id: NodeId, term: Term) -> Result<(), SimError> {
        self.check_group(group)?;
        self.check_node(id)?;
        if self.steps > 0 {
            return Err(SimError::TooLate);
        }
        let mut storage = self.replica(group, id).ok_or(SimError::NoSuchNode(id))?.storage.clone();
        storage.hard_state.current_term = term;
        storage.hard_state.voted_for = None;
        self.reboot(group, id, storage);
        Ok(())
    }

    fn reboot(&mut self, group: GroupId, id: NodeId, storage: DurableState) {
        self.groups[group as usize].checker.forget(id);
        self.boot_replica(group, id, storage);
    }

    /// Adds a note to the trace (scenario steps, user actions).
    pub fn note(&mut self, text: String) {
        self.record(0, TraceKind::Note { text });
    }

    // ----------------------------------------------------------------------------------
    // Views
    // ----------------------------------------------------------------------------------

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn group_count(&self) -> u32 {
        self.groups.len() as u32
    }

    /// Every machine id, in order.
    pub fn machine_ids(&self) -> Vec<NodeId> {
        self.machines.keys().copied().collect()
    }

    pub fn is_up(&self, id: NodeId) -> bool {
        self.machines.get(&id).copied().unwrap_or(false)
    }

    pub fn node(&self, group: GroupId, id: NodeId) -> Option<&RaftNode> {
        self.replica(group, id)?.node.as_ref()
    }

    pub fn storage(&self, group: GroupId, id: NodeId) -> Option<&DurableState> {
        self.replica(group, id).map(|r| &r.storage)
    }

    pub fn kv(&self, group: GroupId, id: NodeId) -> Option<&Kv> {
        self.replica(group, id).filter(|r| r.node.is_some()).map(|r| &r.kv)
    }

    /// The live nodes of a group, in id order.
    pub fn live_nodes(&self, group: GroupId) -> impl Iterator<Item = &RaftNode> {
        self.groups.get(group as usize).into_iter().flat_map(|g| g.replicas.values().filter_map(|r| r.node.as_ref()))
    }

    /// The leader as scenarios mean it: the one live node leading in the highest term
    /// among live nodes, if there is exactly one.
    pub fn leader(&self, group: GroupId) -> Option<NodeId> {
        let top = self.live_nodes(group).map(|n| n.term()).max()?;
        let mut leaders = self.live_nodes(group).filter(|n| n.term() == top && n.role() == Role::Leader);
        let first = leaders.next()?;
        leaders.next().is_none().then(|| first.id())
    }

    pub fn in_flight(&self) -> impl Iterator<Item = &InFlight> {
        self.in_flight.iter()
    }

    /// A message on the wire, by id.
    pub fn message(&self, id: MessageId) -> Option<&InFlight> {
        self.in_flight.get(id)
    }

    pub fn in_flight_count(&self) -> usize {
        self.in_flight.len()
    }

    pub fn network(&self) -> &Network {
        &self.network
    }

    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    pub fn client_stats(&self) -> super::client::ClientStats {
        self.client.stats
    }

    pub fn history(&self) -> Vec<Op> {
        self.client.full_history()
    }

    /// The operations that have ended, in the order they ended (kept while the world
    /// records history). Cheaper than `history` when pending operations do not matter.
    pub fn finished_ops(&self) -> &[Op] {
        &self.client.history
    }

    pub fn pending_ops(&self) -> usize {
        self.client.pending.len()
    }

    pub fn messages_sent(&self) -> &SentCounts {
        &self.sent
    }

    /// Takes the trace recorded since the last call.
    pub fn drain_trace(&mut self) -> Vec<TraceEvent> {
        std::mem::take(&mut self.trace)
    }

    pub fn trace(&self) -> &[TraceEvent] {
        &self.trace
    }

    pub fn trace_hash(&self) -> u64 {
        self.hash.value()
    }

    /// A one-line summary of every live node, for CLI output and debugging.
    pub fn summary(&self, group: GroupId) -> String {
        let mut s = String::new();
        for id in self.machine_ids() {
            match self.node(group, id) {
                None => {
                    let _ = write!(s, "{id}:down ");
                }
                Some(n) => {
                    let _ = write!(s, "{id}:{}@t{} c{}/{} ", n.role().name(), n.term(), n.log().commit_index(), n.log().last_index());
                }
            }
        }
        s.trim_end().to_string()
    }

    fn record(&mut self, group: GroupId, kind: TraceKind) {
        if self.trace_mode == TraceMode::Off {
            return;
        }
        let event = TraceEvent { step: self.steps, time: self.now, group, kind };
        self.hash.add(&event);
        if self.trace_mode == TraceMode::Record {
            self.trace.push(event);
        }
    }

    /// Records a linearizability violation found outside the world (the history checker).
    pub fn report_violation(&mut self, invariant: Invariant, detail: String) {
        let v = Violation {
            invariant,
            group: 0,
            nodes: Vec::new(),
            index: None,
            term: None,
            time: self.now,
            step: self.steps,
            detail,
            event: String::new(),
        };
        self.violations.push(v);
    }
}

enum InputResult {
    Done,
    Down,
    Accepted(Index),
    Refused(String, Option<NodeId>),
    ReadRefused(ReadError),
    TransferRefused(TransferError),
    ChangeRefused(ChangeError),
}

fn hint_of_propose(e: &crate::raft::ProposeError) -> Option<NodeId> {
    match *e {
        crate::raft::ProposeError::NotLeader { leader_hint } => leader_hint,
        crate::raft::ProposeError::TransferInProgress(_) => None,
    }
}
