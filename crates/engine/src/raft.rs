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
//! # The caller's contract
//!
//! The node is correct only if its caller keeps these rules (the simulator does, and its
//! checker would notice otherwise):
//! - **Time never goes back**: every `now` is at least the previous one.
//! - **One input at a time**: all the effects of an input are carried out, in order, before
//!   the next input is given. A crash may stop a machine between two effects of an input
//!   (its volatile state is then lost with the rest); what was already persisted stays.
//! - **Persist before you send**: a `Persist*` effect is on stable storage before the
//!   effects that follow it run (Figure 2: "respond to RPCs only after updating stable
//!   storage"); the node emits them in that order.
//! - **A `ResetElectionTimer` is answered** (with [`RaftNode::set_election_timeout`])
//!   before the next input, with a timeout drawn from the configured range. Which draw is
//!   the caller's choice: the paper's is uniform over the range; Zeebe's (with
//!   `zeebe_election`, range T..2T) depends on the node's role after the input — exactly T
//!   for a follower or a polling server under priority election, uniform in [T, 2T)
//!   otherwise.
//! - **Timers and leases**: lease reads (dissertation §6.4.1) assume that no server's own
//!   election timer fires within the minimum election timeout of its last contact with a
//!   leader, and that clocks run at rates within [`CLOCK_DRIFT_PERCENT`] of each other. The
//!   node keeps the first (it draws no timer shorter than the minimum after a contact, and
//!   redraws its timer when the timing changes); `campaign_now` (a forced timeout) breaks
//!   it on purpose, which is why lease reads and forced timeouts do not mix.
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
pub use vecmap::{sort_small, sort_stable_by, VecMap};
