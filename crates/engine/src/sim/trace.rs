//! A record of everything that happens in a world, for narration, tests and replay checks.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::client::Outcome;
use super::network::DropReason;
use super::settings::LinkConfig;
use crate::raft::{ConfChange, Index, MessageKind, NodeId, Role, Term, Time};

pub type GroupId = u32;
pub type MessageId = u64;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TraceEvent {
    /// The number of the world event during which this happened.
    pub step: u64,
    pub time: Time,
    pub group: GroupId,
    pub kind: TraceKind,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TraceKind {
    Sent {
        id: MessageId,
        from: NodeId,
        to: NodeId,
        kind: MessageKind,
        deliver_at: Time,
    },
    Delivered {
        id: MessageId,
        from: NodeId,
        to: NodeId,
        kind: MessageKind,
    },
    Dropped {
        id: MessageId,
        from: NodeId,
        to: NodeId,
        kind: MessageKind,
        sent_at: Time,
        deliver_at: Time,
        reason: DropReason,
    },
    /// A node changed role (a timeout makes a follower a candidate, a won election a leader...).
    Role {
        node: NodeId,
        from: Role,
        to: Role,
        term: Term,
    },
    /// A node moved to a newer term without changing role.
    Term {
        node: NodeId,
        term: Term,
    },
    Voted {
        node: NodeId,
        candidate: NodeId,
        term: Term,
        pre_vote: bool,
    },
    /// A leader committed an entry; `stored_on` are the nodes known to hold it.
    Committed {
        node: NodeId,
        index: Index,
        term: Term,
        command: Option<Arc<str>>,
        stored_on: Vec<NodeId>,
    },
    Proposed {
        node: NodeId,
        index: Index,
        term: Term,
        command: Arc<str>,
    },
    Refused {
        node: NodeId,
        command: Arc<str>,
        leader_hint: Option<NodeId>,
        reason: String,
    },
    Crashed {
        node: NodeId,
    },
    Restarted {
        node: NodeId,
    },
    Partitioned {
        groups: Vec<Vec<NodeId>>,
    },
    Healed,
    Cut {
        from: NodeId,
        to: NodeId,
    },
    Uncut {
        from: NodeId,
        to: NodeId,
    },
    Link {
        link: LinkConfig,
    },
    TimeoutForced {
        node: NodeId,
    },
    Compacted {
        node: NodeId,
        index: Index,
    },
    SnapshotInstalled {
        node: NodeId,
        index: Index,
    },
    Membership {
        node: NodeId,
        change: ConfChange,
        index: Index,
    },
    NodeAdded {
        node: NodeId,
    },
    Transfer {
        from: NodeId,
        to: NodeId,
    },
    ReadServed {
        node: NodeId,
        key: Arc<str>,
        value: Option<Arc<str>>,
    },
    Violation {
        invariant: String,
        detail: String,
    },
    /// A node dropped an entry from its log: a leader's AppendEntries overwrote it (§5.3) or
    /// a snapshot replaced it. Committed entries are never discarded (the checker says so).
    Discarded {
        node: NodeId,
        index: Index,
        term: Term,
        command: Option<Arc<str>>,
    },
    /// A client operation ended: written, read, failed (it had no effect) or unknown (the
    /// client gave up waiting; a write may or may not have taken effect). `node` accepted it,
    /// if any node did.
    OpEnded {
        op: u64,
        command: Arc<str>,
        node: Option<NodeId>,
        outcome: Outcome,
    },
    /// A note from a scenario or the user ("set prevote=on", "break figure8").
    Note {
        text: String,
    },
}

/// How much of the trace a world keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TraceMode {
    /// Nothing (fastest; for `check` and benchmarks).
    Off,
    /// Only a running hash, to compare runs.
    Hash,
    /// Every event, and the hash.
    Record,
}

/// FNV-1a over the fields of each event, fed in a fixed order: integers as little-endian
/// bytes, strings as their length and bytes, floats as their bits and enums as stable tags.
/// Stable across platforms (native and WebAssembly) and releases of Rust's hashers, and
/// cheap enough for tests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceHash {
    state: u64,
}

impl Default for TraceHash {
    fn default() -> TraceHash {
        TraceHash { state: 0xcbf2_9ce4_8422_2325 }
    }
}

impl TraceHash {
    pub fn add(&mut self, event: &TraceEvent) {
        self.u64(event.step);
        self.u64(event.time);
        self.u64(event.group as u64);
        self.kind(&event.kind);
    }

    pub fn value(&self) -> u64 {
        self.state
    }

    fn u64(&mut self, v: u64) {
        self.state = fnv1a(self.state, &v.to_le_bytes());
    }

    fn tag(&mut self, tag: u8) {
        self.state = fnv1a(self.state, &[tag]);
    }

    fn flag(&mut self, b: bool) {
        self.tag(b as u8);
    }

    fn str(&mut self, s: &str) {
        self.u64(s.len() as u64);
        self.state = fnv1a(self.state, s.as_bytes());
    }

    fn opt_u64(&mut self, v: Option<u64>) {
        match v {
            None => self.tag(0),
            Some(v) => {
                self.tag(1);
                self.u64(v);
            }
        }
    }

    fn opt_str(&mut self, v: Option<&str>) {
        match v {
            None => self.tag(0),
            Some(v) => {
                self.tag(1);
                self.str(v);
            }
        }
    }

    fn ids(&mut self, ids: &[NodeId]) {
        self.u64(ids.len() as u64);
        for &id in ids {
            self.u64(id as u64);
        }
    }

    fn message(&mut self, id: MessageId, from: NodeId, to: NodeId, kind: MessageKind) {
        self.u64(id);
        self.u64(from as u64);
        self.u64(to as u64);
        self.tag(kind as u8);
    }

    fn kind(&mut self, kind: &TraceKind) {
        match kind {
            TraceKind::Sent { id, from, to, kind, deliver_at } => {
                self.tag(0);
                self.message(*id, *from, *to, *kind);
                self.u64(*deliver_at);
            }
            TraceKind::Delivered { id, from, to, kind } => {
                self.tag(1);
                self.message(*id, *from, *to, *kind);
            }
            TraceKind::Dropped { id, from, to, kind, sent_at, deliver_at, reason } => {
                self.tag(2);
                self.message(*id, *from, *to, *kind);
                self.u64(*sent_at);
                self.u64(*deliver_at);
                self.tag(*reason as u8);
            }
            TraceKind::Role { node, from, to, term } => {
                self.tag(3);
                self.u64(*node as u64);
                self.tag(*from as u8);
                self.tag(*to as u8);
                self.u64(*term);
            }
            TraceKind::Term { node, term } => {
                self.tag(4);
                self.u64(*node as u64);
                self.u64(*term);
            }
            TraceKind::Voted { node, candidate, term, pre_vote } => {
                self.tag(5);
                self.u64(*node as u64);
                self.u64(*candidate as u64);
                self.u64(*term);
                self.flag(*pre_vote);
            }
            TraceKind::Committed { node, index, term, command, stored_on } => {
                self.tag(6);
                self.u64(*node as u64);
                self.u64(*index);
                self.u64(*term);
                self.opt_str(command.as_deref());
                self.ids(stored_on);
            }
            TraceKind::Proposed { node, index, term, command } => {
                self.tag(7);
                self.u64(*node as u64);
                self.u64(*index);
                self.u64(*term);
                self.str(command);
            }
            TraceKind::Refused { node, command, leader_hint, reason } => {
                self.tag(8);
                self.u64(*node as u64);
                self.str(command);
                self.opt_u64(leader_hint.map(u64::from));
                self.str(reason);
            }
            TraceKind::Crashed { node } => {
                self.tag(9);
                self.u64(*node as u64);
            }
            TraceKind::Restarted { node } => {
                self.tag(10);
                self.u64(*node as u64);
            }
            TraceKind::Partitioned { groups } => {
                self.tag(11);
                self.u64(groups.len() as u64);
                for g in groups {
                    self.ids(g);
                }
            }
            TraceKind::Healed => self.tag(12),
            TraceKind::Cut { from, to } => {
                self.tag(13);
                self.u64(*from as u64);
                self.u64(*to as u64);
            }
            TraceKind::Uncut { from, to } => {
                self.tag(14);
                self.u64(*from as u64);
                self.u64(*to as u64);
            }
            TraceKind::Link { link } => {
                self.tag(15);
                self.u64(link.latency_min);
                self.u64(link.latency_max);
                self.u64(link.loss.to_bits());
                self.u64(link.duplicate.to_bits());
                self.u64(link.reorder.to_bits());
            }
            TraceKind::TimeoutForced { node } => {
                self.tag(16);
                self.u64(*node as u64);
            }
            TraceKind::Compacted { node, index } => {
                self.tag(17);
                self.u64(*node as u64);
                self.u64(*index);
            }
            TraceKind::SnapshotInstalled { node, index } => {
                self.tag(18);
                self.u64(*node as u64);
                self.u64(*index);
            }
            TraceKind::Membership { node, change, index } => {
                self.tag(19);
                self.u64(*node as u64);
                let (tag, target) = match *change {
                    ConfChange::AddVoter(n) => (0, n),
                    ConfChange::AddLearner(n) => (1, n),
                    ConfChange::Promote(n) => (2, n),
                    ConfChange::Remove(n) => (3, n),
                };
                self.tag(tag);
                self.u64(target as u64);
                self.u64(*index);
            }
            TraceKind::NodeAdded { node } => {
                self.tag(20);
                self.u64(*node as u64);
            }
            TraceKind::Transfer { from, to } => {
                self.tag(21);
                self.u64(*from as u64);
                self.u64(*to as u64);
            }
            TraceKind::ReadServed { node, key, value } => {
                self.tag(22);
                self.u64(*node as u64);
                self.str(key);
                self.opt_str(value.as_deref());
            }
            TraceKind::Violation { invariant, detail } => {
                self.tag(23);
                self.str(invariant);
                self.str(detail);
            }
            TraceKind::Note { text } => {
                self.tag(24);
                self.str(text);
            }
            TraceKind::Discarded { node, index, term, command } => {
                self.tag(25);
                self.u64(*node as u64);
                self.u64(*index);
                self.u64(*term);
                self.opt_str(command.as_deref());
            }
            TraceKind::OpEnded { op, command, node, outcome } => {
                self.tag(26);
                self.u64(*op);
                self.str(command);
                self.opt_u64(node.map(u64::from));
                match outcome {
                    Outcome::Pending => self.tag(0),
                    Outcome::Written => self.tag(1),
                    Outcome::Read(v) => {
                        self.tag(2);
                        self.opt_str(v.as_deref());
                    }
                    Outcome::Failed => self.tag(3),
                    Outcome::Unknown => self.tag(4),
                }
            }
        }
    }
}

pub fn fnv1a(mut state: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        state ^= b as u64;
        state = state.wrapping_mul(0x0100_0000_01b3);
    }
    state
}
