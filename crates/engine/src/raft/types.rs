//! The vocabulary of the paper: terms, indexes, entries, hard state, snapshots.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::membership::{ConfChange, Membership};

/// A server's identity. Ids start at 1.
pub type NodeId = u32;
/// A term number (§5.1). Terms start at 0; the first leader's term is 1.
pub type Term = u64;
/// A log index. The first entry has index 1; index 0 stands for "before the log".
pub type Index = u64;
/// The caller's clock, in microseconds. Only differences matter to the core.
pub type Time = u64;

/// A client command. The core never looks inside: `data` is opaque text for the state
/// machine and `request_id` lets the caller match an applied entry with the request that
/// proposed it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Command {
    pub data: Arc<str>,
    pub request_id: u64,
}

impl Command {
    pub fn new(data: &str, request_id: u64) -> Command {
        Command { data: Arc::from(data), request_id }
    }
}

/// What a log entry carries.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Payload {
    /// The entry a new leader appends in its own term so that it can commit earlier
    /// entries (§5.4.2, §8).
    Noop,
    Command(Command),
    /// A membership change; the whole new membership is carried so that a node's current
    /// configuration is simply the last one in its log (dissertation §4.1).
    Config {
        change: ConfChange,
        membership: Membership,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Entry {
    pub index: Index,
    pub term: Term,
    pub payload: Payload,
}

/// The durable part of a server's state besides its log (Figure 2, "Persistent state").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HardState {
    pub current_term: Term,
    pub voted_for: Option<NodeId>,
}

/// A snapshot of the state machine up to `index` (§7). `data` is the state machine's own
/// encoding; the core only stores and ships it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The last included index.
    pub index: Index,
    /// The term of the last included entry.
    pub term: Term,
    /// The configuration as of `index`.
    pub membership: Membership,
    pub data: Arc<str>,
}

impl Snapshot {
    /// The empty snapshot a server boots from: nothing applied, the given membership.
    pub fn bootstrap(membership: Membership) -> Snapshot {
        Snapshot { index: 0, term: 0, membership, data: Arc::from("") }
    }
}

/// Everything a server keeps across a crash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DurableState {
    pub hard_state: HardState,
    pub snapshot: Snapshot,
    /// Entries after `snapshot.index`, contiguous.
    pub entries: Vec<Entry>,
}

impl DurableState {
    pub fn new(membership: Membership) -> DurableState {
        DurableState { hard_state: HardState::default(), snapshot: Snapshot::bootstrap(membership), entries: Vec::new() }
    }

    /// Writes entries starting at `from`, discarding whatever the store held at `from` and
    /// after. Entries at or below the snapshot are ignored.
    pub fn write_entries(&mut self, from: Index, entries: &[Entry]) {
        let base = self.snapshot.index;
        let keep = from.saturating_sub(base + 1) as usize;
        self.entries.truncate(keep.min(self.entries.len()));
        for e in entries {
            if e.index > base {
                debug_assert_eq!(e.index, base + 1 + self.entries.len() as u64);
                self.entries.push(e.clone());
            }
        }
    }

    /// Stores a snapshot, keeping the log entries after it only if the entry at the
    /// snapshot's index matches its term (§7: "If existing log entry has same index and
    /// term as snapshot's last included entry, retain log entries following it").
    pub fn write_snapshot(&mut self, snapshot: &Snapshot) {
        let base = self.snapshot.index;
        let at = |i: Index| -> Option<Term> {
            if i == base {
                Some(self.snapshot.term)
            } else if i > base {
                self.entries.get((i - base - 1) as usize).map(|e| e.term)
            } else {
                None
            }
        };
        if snapshot.index >= base && at(snapshot.index) == Some(snapshot.term) {
            let drop = (snapshot.index - base) as usize;
            self.entries.drain(..drop.min(self.entries.len()));
        } else {
            self.entries.clear();
        }
        self.snapshot = snapshot.clone();
    }

    pub fn last_index(&self) -> Index {
        self.snapshot.index + self.entries.len() as u64
    }

    pub fn term_at(&self, index: Index) -> Option<Term> {
        if index == self.snapshot.index {
            Some(self.snapshot.term)
        } else if index > self.snapshot.index {
            self.entries.get((index - self.snapshot.index - 1) as usize).map(|e| e.term)
        } else {
            None
        }
    }
}
