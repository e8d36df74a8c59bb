//! The world: machines hosting Raft replicas, a network between them, clients, virtual
//! time and one seeded random generator. Events are processed in (time, sequence) order,
//! so the same seed and the same interventions always give the same run.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::checker::{GroupChecker, Invariant, Violation};
use super::client::{Client, Issuer, Op, OpId, OpKind, Outcome, KEYS};
use super::kv::{self, Kv};
use super::linearizability::{LinChecker, Verdict};
use super::network::{DropReason, Network};
use super::rng::SimRng;
use super::settings::{check_node_id, LinkConfig, Settings, SettingsError, MS, SECOND};
use super::trace::{fnv1a, GroupId, MessageId, TraceEvent, TraceHash, TraceKind, TraceMode};
use super::wire::Wire;
use super::zeebe::{BrokerId, PartitionId, Topology};
mod clients;
mod interventions;
mod net;
mod replicas;
mod zeebe;

pub use zeebe::{BrokerStatus, ZeebeRole};
use zeebe::{KeyRouting, Rebalance};

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
    Timer {
        group: GroupId,
        node: NodeId,
        gen: u64,
    },
    ClientTick {
        gen: u64,
    },
    ClientRetry(OpId),
    ClientTimeout(OpId),
    /// Zeebe mode: the next step of a rebalance.
    Rebalance {
        gen: u64,
    },
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
    #[error("there is no broker {0}")]
    NoSuchBroker(BrokerId),
    #[error("there is no partition {0}")]
    NoSuchPartition(PartitionId),
    #[error("broker {broker} holds no replica of partition {partition}")]
    NoReplica { broker: BrokerId, partition: PartitionId },
    #[error("key {key} lives on partition {partition} (follow-up commands go to the partition of their key)")]
    KeyElsewhere { key: String, partition: PartitionId },
    #[error("{0}")]
    NotInZeebe(&'static str),
    #[error("this needs a Zeebe cluster (cluster brokers=N partitions=P replication=R)")]
    NotZeebe,
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
    /// New protocol switches or timing.
    Configure(Config),
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
    /// The client history's linearizability, checked as operations complete.
    lin: LinChecker,
    /// Linearizability searches that gave up (never counted as a pass).
    inconclusive: Vec<String>,
    /// Machines armed to crash midway through their next input.
    crash_points: Vec<NodeId>,
    current: Option<Event>,
    trace_mode: TraceMode,
    trace: Vec<TraceEvent>,
    hash: TraceHash,
    effects: Vec<Effect>,
    /// Per message kind: how many were sent (for charts and the bench).
    sent: SentCounts,
    /// Zeebe mode: which partition each key lives on.
    keys: KeyRouting,
    /// Zeebe mode: a rebalance under way.
    rebalance: Option<Rebalance>,
    rebalance_gen: u64,
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
            client: Client::new(settings.client_rate, settings.read_percent, settings.clients, false),
            checking: true,
            violations: Vec::new(),
            lin: LinChecker::new(),
            inconclusive: Vec::new(),
            crash_points: Vec::new(),
            current: None,
            trace_mode,
            trace: Vec::new(),
            hash: TraceHash::default(),
            effects: Vec::new(),
            sent: SentCounts::default(),
            keys: KeyRouting::new(settings.zeebe.as_ref()),
            rebalance: None,
            rebalance_gen: 0,
            settings,
        };
        let ids = world.settings.node_ids();
        for &id in &ids {
            world.machines.insert(id, true);
        }
        let membership = Membership::new(ids.iter().copied());
        for g in 0..world.settings.groups {
            world.groups.push(Group { id: g, replicas: VecMap::new(), checker: GroupChecker::new() });
            // In Zeebe mode a partition's group lives on its replicas only.
            let replicas = match &world.settings.zeebe {
                None => ids.clone(),
                Some(t) => t.replica_brokers(g + 1),
            };
            let membership = if world.settings.zeebe.is_some() { Membership::new(replicas.iter().copied()) } else { membership.clone() };
            for &id in &replicas {
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
                    self.finish_op(op, outcome);
                }
            }
            Event::Rebalance { gen } => {
                if gen == self.rebalance_gen {
                    self.rebalance_step();
                }
            }
        }
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

    /// Zeebe mode: the cluster's layout (`None` for a classic cluster).
    pub fn topology(&self) -> Option<&Topology> {
        self.settings.zeebe.as_ref()
    }

    /// The machines holding a replica of a group, in id order.
    pub fn replica_ids(&self, group: GroupId) -> Vec<NodeId> {
        self.groups.get(group as usize).map_or_else(Vec::new, |g| g.replicas.keys().copied().collect())
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
            if self.replica(group, id).is_none() {
                continue;
            }
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

    /// Linearizability searches that gave up, in words (reported as inconclusive, never as
    /// a pass).
    pub fn inconclusive(&self) -> &[String] {
        &self.inconclusive
    }

    /// Records a violation found outside the per-group checker (the history checker).
    fn report_violation(&mut self, invariant: Invariant, group: GroupId, detail: String) {
        self.record(group, TraceKind::Violation { invariant: invariant.name().to_string(), detail: detail.clone() });
        let v = Violation {
            invariant,
            group,
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
