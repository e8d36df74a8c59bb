//! What a node asks its caller to do, in order.

use serde::{Deserialize, Serialize};

use super::message::Message;
use super::types::{Entry, HardState, Index, Snapshot};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Effect {
    /// Write the term and vote durably. Comes before any `Send` that depends on it.
    PersistHardState(HardState),
    /// Write `entries` durably starting at index `from`, discarding whatever the store held
    /// at `from` and after (a conflicting suffix, §5.3). Comes before any `Send` that
    /// acknowledges them.
    PersistEntries {
        from: Index,
        entries: Vec<Entry>,
    },
    /// Write a snapshot durably; log entries it covers may be discarded.
    PersistSnapshot(Snapshot),
    Send(Message),
    /// Apply these committed entries to the state machine, in this order (§5.3).
    Apply(Vec<Entry>),
    /// Replace the state machine's state with this snapshot's (§7).
    ApplySnapshot(Snapshot),
    /// Draw a new randomized election timeout and hand it to `set_election_timeout` (§5.2).
    ResetElectionTimer,
    /// The read `id` may be served once the state machine has applied `index`; the node only
    /// emits this when it has applied `index` already (ReadIndex, dissertation §6.4).
    ReadReady {
        id: u64,
        index: Index,
    },
    /// The read `id` can no longer be served here (this node stopped leading).
    ReadAborted {
        id: u64,
    },
}
