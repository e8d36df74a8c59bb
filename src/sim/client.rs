//! Clients of the replicated key-value store: a workload at a chosen rate, single requests
//! from scenarios and the page, and the history of every operation for the
//! linearizability check.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::trace::GroupId;
use crate::raft::{NodeId, Time, VecMap};

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

/// One client operation as the history records it (invocation and response times).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Op {
    pub id: OpId,
    pub group: GroupId,
    pub kind: OpKind,
    pub invoked_at: Time,
    pub completed_at: Option<Time>,
    pub outcome: Outcome,
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
}

#[derive(Clone, Debug, PartialEq)]
pub struct Client {
    /// Requests per virtual second of the automatic workload (0: off).
    pub rate: u32,
    pub read_percent: u32,
    pub tick_gen: u64,
    next_op: OpId,
    next_value: u64,
    /// The node each group's client believes leads.
    pub leader_guess: VecMap<GroupId, NodeId>,
    pub pending: PendingOps,
    /// Completed operations, kept when the world records history.
    pub history: Vec<Op>,
    pub record_history: bool,
    pub stats: ClientStats,
}

pub const KEYS: [&str; 3] = ["x", "y", "z"];

impl Client {
    pub fn new(rate: u32, read_percent: u32, record_history: bool) -> Client {
        Client {
            rate,
            read_percent,
            tick_gen: 0,
            next_op: 1,
            next_value: 1,
            leader_guess: VecMap::new(),
            pending: PendingOps::default(),
            history: Vec::new(),
            record_history,
            stats: ClientStats::default(),
        }
    }

    pub fn next_value(&mut self) -> u64 {
        let v = self.next_value;
        self.next_value += 1;
        v
    }

    /// Starts an operation; returns its id.
    pub fn invoke(&mut self, group: GroupId, kind: OpKind, now: Time, timeout: Time, pinned: Option<NodeId>) -> OpId {
        let id = self.next_op;
        self.next_op += 1;
        self.stats.invoked += 1;
        let op = Op { id, group, kind, invoked_at: now, completed_at: None, outcome: Outcome::Pending };
        self.pending.push(PendingOp { op, pinned, accepted_by: None, deadline: now + timeout });
        id
    }

    /// Ends an operation with `outcome`; returns the finished operation if it was pending.
    pub fn complete(&mut self, id: OpId, outcome: Outcome, now: Time) -> Option<Op> {
        let mut p = self.pending.remove(&id)?;
        match &outcome {
            Outcome::Written => self.stats.written += 1,
            Outcome::Read(_) => self.stats.read += 1,
            Outcome::Failed => self.stats.failed += 1,
            Outcome::Unknown => self.stats.unknown += 1,
            Outcome::Pending => {}
        }
        p.op.completed_at = match outcome {
            Outcome::Unknown => None,
            _ => Some(now),
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
        all.sort_by_key(|o| o.id);
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_operations_end_in_any_order() {
        let mut c = Client::new(0, 0, false);
        let mut open: Vec<OpId> = Vec::new();
        let mut x = 5u64;
        for step in 0..3_000u64 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            if x >> 62 != 0 || open.is_empty() {
                let kind = OpKind::Read { key: Arc::from("x") };
                open.push(c.invoke(0, kind, step, 10, None));
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
