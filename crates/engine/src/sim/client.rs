//! Clients of the replicated key-value store, modelled as Jepsen models them: several
//! client processes, each with one operation at a time, its own guess of the leader, its own
//! retries and timeouts; single requests from scenarios and the page; and the history of
//! every operation for the linearizability check.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::trace::GroupId;
use crate::raft::{Index, NodeId, Term, Time, VecMap};

pub type OpId = u64;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OpKind {
    Write { key: Arc<str>, value: Arc<str> },
    Read { key: Arc<str> },
}

impl OpKind {
    pub fn key(&self) -> &str {
        match self {
            OpKind::Write { key, .. } | OpKind::Read { key } => key,
        }
    }
}

/// How an operation ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// Still waiting.
    Pending,
    /// A write committed.
    Written,
    /// A read returned this value.
    Read(Option<Arc<str>>),
    /// Refused everywhere or aborted: it certainly had no effect.
    Failed,
    /// The client gave up waiting: a write may or may not have taken effect.
    Unknown,
}

/// Who issued an operation: one of the workload's client processes, or a scenario / the
/// page (a "scripted" request, sent to the leader or to a chosen node).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Issuer {
    Workload(u32),
    Scripted,
}

/// One client operation as the history records it (invocation and response times).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Op {
    pub id: OpId,
    pub group: GroupId,
    pub issuer: Issuer,
    pub kind: OpKind,
    pub invoked_at: Time,
    pub completed_at: Option<Time>,
    /// Where the invocation and the response fall in the order of everything the clients
    /// did: virtual times can tie (an operation can end and another start in the same
    /// microsecond); these never do, and follow the order of events.
    pub invoked_seq: u64,
    pub completed_seq: Option<u64>,
    pub outcome: Outcome,
    /// For a write: the entry it was appended as (index, term) by the node that took it.
    pub entry: Option<(Index, Term)>,
}

/// An operation the client is still working on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingOp {
    pub op: Op,
    /// Scenario `via N`: only this node is asked, once.
    pub pinned: Option<NodeId>,
    /// The node that accepted it (a write was appended there, or a read is waiting there).
    pub accepted_by: Option<NodeId>,
    pub deadline: Time,
}

/// The operations a client is working on, by id. Ids are handed out in increasing order, so
/// they are kept in a vector sorted by id where an ended operation leaves a gap; the gaps are
/// swept out once they outnumber the operations left (so each end costs O(1) amortized).
#[derive(Clone, Debug, Default)]
pub struct PendingOps {
    slots: Vec<(OpId, Option<PendingOp>)>,
    live: usize,
}

impl PendingOps {
    fn slot(&self, id: OpId) -> Option<usize> {
        self.slots.binary_search_by_key(&id, |s| s.0).ok()
    }

    pub fn get(&self, id: &OpId) -> Option<&PendingOp> {
        self.slot(*id).and_then(|i| self.slots[i].1.as_ref())
    }

    pub fn get_mut(&mut self, id: &OpId) -> Option<&mut PendingOp> {
        self.slot(*id).and_then(|i| self.slots[i].1.as_mut())
    }

    pub fn contains_key(&self, id: &OpId) -> bool {
        self.get(id).is_some()
    }

    /// Adds an operation whose id is higher than any before.
    fn push(&mut self, op: PendingOp) {
        debug_assert!(self.slots.last().is_none_or(|s| s.0 < op.op.id));
        self.slots.push((op.op.id, Some(op)));
        self.live += 1;
    }

    pub fn remove(&mut self, id: &OpId) -> Option<PendingOp> {
        let i = self.slot(*id)?;
        let op = self.slots[i].1.take()?;
        self.live -= 1;
        if self.slots.len() > 2 * self.live + 16 {
            self.slots.retain(|s| s.1.is_some());
        }
        Some(op)
    }

    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// In id order.
    pub fn values(&self) -> impl Iterator<Item = &PendingOp> {
        self.slots.iter().filter_map(|s| s.1.as_ref())
    }
}

impl PartialEq for PendingOps {
    fn eq(&self, other: &PendingOps) -> bool {
        self.live == other.live && self.values().eq(other.values())
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientStats {
    pub invoked: u64,
    pub written: u64,
    pub read: u64,
    pub failed: u64,
    pub unknown: u64,
    pub refusals: u64,
    /// Workload requests not made because every client process was still busy.
    pub skipped: u64,
}

/// One client process of the workload: one operation at a time, and its own idea of who
/// leads each group (learned from answers and refusals, as a real client's is).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClientProc {
    pub leader_guess: VecMap<GroupId, NodeId>,
    pub busy: Option<OpId>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Client {
    /// Requests per virtual second of the automatic workload (0: off).
    pub rate: u32,
    pub read_percent: u32,
    pub tick_gen: u64,
    next_op: OpId,
    next_value: u64,
    next_seq: u64,
    /// The workload's client processes.
    pub procs: Vec<ClientProc>,
    /// Scripted requests (scenarios, the page) go to the node that leads now; this is the
    /// guess their retries follow.
    pub scripted_guess: VecMap<GroupId, NodeId>,
    pub pending: PendingOps,
    /// Completed operations, kept when the world records history.
    pub history: Vec<Op>,
    pub record_history: bool,
    pub stats: ClientStats,
}

pub const KEYS: [&str; 3] = ["x", "y", "z"];

/// The default number of workload client processes.
pub const DEFAULT_CLIENTS: u32 = 3;

impl Client {
    pub fn new(rate: u32, read_percent: u32, clients: u32, record_history: bool) -> Client {
        Client {
            rate,
            read_percent,
            tick_gen: 0,
            next_op: 1,
            next_value: 1,
            next_seq: 1,
            procs: vec![ClientProc::default(); clients.max(1) as usize],
            scripted_guess: VecMap::new(),
            pending: PendingOps::default(),
            history: Vec::new(),
            record_history,
            stats: ClientStats::default(),
        }
    }

    /// A position in the order of invocations and responses.
    fn seq(&mut self) -> u64 {
        let s = self.next_seq;
        self.next_seq += 1;
        s
    }

    /// The leader guesses an operation's retries follow.
    pub fn guesses_mut(&mut self, issuer: Issuer) -> &mut VecMap<GroupId, NodeId> {
        match issuer {
            Issuer::Workload(c) => &mut self.procs[c as usize].leader_guess,
            Issuer::Scripted => &mut self.scripted_guess,
        }
    }

    pub fn guess(&self, issuer: Issuer, group: GroupId) -> Option<NodeId> {
        match issuer {
            Issuer::Workload(c) => self.procs.get(c as usize).and_then(|p| p.leader_guess.get(&group).copied()),
            Issuer::Scripted => self.scripted_guess.get(&group).copied(),
        }
    }

    /// The workload client processes with no operation under way.
    pub fn idle(&self) -> Vec<u32> {
        (0..self.procs.len() as u32).filter(|&c| self.procs[c as usize].busy.is_none()).collect()
    }

    pub fn next_value(&mut self) -> u64 {
        let v = self.next_value;
        self.next_value += 1;
        v
    }

    /// Starts an operation; returns it.
    pub fn invoke(&mut self, group: GroupId, issuer: Issuer, kind: OpKind, now: Time, timeout: Time, pinned: Option<NodeId>) -> &Op {
        let id = self.next_op;
        self.next_op += 1;
        self.stats.invoked += 1;
        if let Issuer::Workload(c) = issuer {
            self.procs[c as usize].busy = Some(id);
        }
        let invoked_seq = self.seq();
        let op = Op {
            id,
            group,
            issuer,
            kind,
            invoked_at: now,
            completed_at: None,
            invoked_seq,
            completed_seq: None,
            outcome: Outcome::Pending,
            entry: None,
        };
        self.pending.push(PendingOp { op, pinned, accepted_by: None, deadline: now + timeout });
        &self.pending.get(&id).expect("just added").op
    }

    /// Ends an operation with `outcome`; returns the finished operation if it was pending.
    pub fn complete(&mut self, id: OpId, outcome: Outcome, now: Time) -> Option<Op> {
        let mut p = self.pending.remove(&id)?;
        if let Issuer::Workload(c) = p.op.issuer {
            self.procs[c as usize].busy = None;
        }
        let seq = self.seq();
        match &outcome {
            Outcome::Written => self.stats.written += 1,
            Outcome::Read(_) => self.stats.read += 1,
            Outcome::Failed => self.stats.failed += 1,
            Outcome::Unknown => self.stats.unknown += 1,
            Outcome::Pending => {}
        }
        // A write whose fate is unknown has no response: it may take effect at any time.
        (p.op.completed_at, p.op.completed_seq) = match outcome {
            Outcome::Unknown => (None, None),
            _ => (Some(now), Some(seq)),
        };
        p.op.outcome = outcome;
        if self.record_history {
            self.history.push(p.op.clone());
        }
        Some(p.op)
    }

    /// Every operation so far, finished or not, in invocation order.
    pub fn full_history(&self) -> Vec<Op> {
        let mut all: Vec<Op> = self.history.clone();
        all.extend(self.pending.values().map(|p| p.op.clone()));
        crate::raft::sort_stable_by(&mut all, |a, b| a.id.cmp(&b.id));
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_operations_end_in_any_order() {
        let mut c = Client::new(0, 0, 1, false);
        let mut open: Vec<OpId> = Vec::new();
        let mut x = 5u64;
        for step in 0..3_000u64 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            if x >> 62 != 0 || open.is_empty() {
                let kind = OpKind::Read { key: Arc::from("x") };
                open.push(c.invoke(0, Issuer::Scripted, kind, step, 10, None).id);
            } else {
                // Mostly the oldest, sometimes any.
                let k = if x & 1 == 0 { 0 } else { (x >> 8) as usize % open.len() };
                let id = open.remove(k);
                assert_eq!(c.complete(id, Outcome::Failed, step).map(|o| o.id), Some(id));
                assert!(c.complete(id, Outcome::Failed, step).is_none());
            }
            assert_eq!(c.pending.len(), open.len());
            assert!(c.pending.values().map(|p| p.op.id).eq(open.iter().copied()));
            for &id in &open {
                assert!(c.pending.contains_key(&id));
            }
        }
    }
}
