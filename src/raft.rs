//! One Raft node as a pure state machine.
//!
//! This module knows nothing of the simulator or the page. A [`RaftNode`] is driven by
//! inputs — [`RaftNode::tick`], [`RaftNode::step`] (a message), [`RaftNode::propose`],
//! and admin requests (leadership transfer, membership change, compaction, reads) — and
//! answers with [`Effect`]s that the caller executes in the order given:
//!
//! 1. `Persist*` effects: write the hard state, log entries or snapshot to durable storage.
//!    They always come before any `Send` that depends on them (a vote is persisted before
//!    the vote is granted on the wire; entries are persisted before they are acknowledged).
//! 2. `Send`: put a message on the network.
//! 3. `Apply` / `ApplySnapshot`: feed committed entries to the state machine, in order.
//! 4. `ResetElectionTimer`: the caller draws a fresh randomized election timeout and hands
//!    it back with [`RaftNode::set_election_timeout`]. The core never draws random numbers.
//!
//! Time is an input: every call carries `now`, the caller's clock in microseconds. The node
//! keeps deadlines and says when it next wants to be ticked ([`RaftNode::next_deadline`]).
//!
//! Names follow the Raft paper (Ongaro & Ousterhout, "In Search of an Understandable
//! Consensus Algorithm", 2014) and Ongaro's dissertation ("Consensus: Bridging Theory and
//! Practice", 2014) for membership changes, leadership transfer and reads.

mod config;
mod effect;
mod error;
mod log;
mod membership;
mod message;
mod node;
mod progress;
pub mod quorum;
mod status;
mod types;
mod vecmap;

pub use config::{Breaks, Config, ConfigError, CLOCK_DRIFT_PERCENT};
pub use effect::Effect;
pub(crate) use error::OptId;
pub use error::{ChangeError, ProposeError, ReadError, TransferError};
pub use log::RaftLog;
pub use membership::{ConfChange, Membership};
pub use message::{Body, ConflictHint, Message, MessageKind};
pub use node::RaftNode;
pub use progress::{Progress, ProgressState};
pub use status::{PeerStatus, Role, Status};
pub use types::{Command, DurableState, Entry, HardState, Index, NodeId, Payload, Snapshot, Term, Time};
pub use vecmap::{sort_small, VecMap};
