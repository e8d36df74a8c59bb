//! A record of everything that happens in a world, for narration, tests and replay checks.

use std::fmt::Write as _;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

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

/// FNV-1a over the text of each event: stable across platforms and releases of Rust's
/// hashers, and cheap enough for tests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceHash {
    state: u64,
    buf: String,
}

impl Default for TraceHash {
    fn default() -> TraceHash {
        TraceHash { state: 0xcbf2_9ce4_8422_2325, buf: String::new() }
    }
}

impl TraceHash {
    pub fn add(&mut self, event: &TraceEvent) {
        self.buf.clear();
        let _ = write!(self.buf, "{event:?}");
        self.state = fnv1a(self.state, self.buf.as_bytes());
    }

    pub fn value(&self) -> u64 {
        self.state
    }
}

pub fn fnv1a(mut state: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        state ^= b as u64;
        state = state.wrapping_mul(0x0100_0000_01b3);
    }
    state
}
