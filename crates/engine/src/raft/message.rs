//! The RPCs of Figure 2 plus pre-vote (§9.6 of the dissertation), InstallSnapshot (§7)
//! and TimeoutNow (dissertation §3.10).

use serde::{Deserialize, Serialize};

use super::types::{Entry, Index, NodeId, Snapshot, Term};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub from: NodeId,
    pub to: NodeId,
    /// The sender's term. For a pre-vote request it is the term the sender would stand
    /// in (its term + 1); the sender's own term does not change.
    pub term: Term,
    pub body: Body,
}

/// Where a follower's log disagrees with the leader's, so the leader can skip a whole
/// term of entries per round trip instead of one entry (§5.3, "the protocol can be
/// optimized to reduce the number of rejected AppendEntries RPCs").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictHint {
    /// The term of the follower's entry at `prev_log_index`, or `None` if its log is
    /// shorter than that.
    pub conflict_term: Option<Term>,
    /// The first index the follower holds with `conflict_term`, or its last index + 1.
    pub conflict_index: Index,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Body {
    RequestVote {
        /// A pre-vote asks "would you vote for me?" without anyone changing term.
        pre_vote: bool,
        last_log_index: Index,
        last_log_term: Term,
        /// Sent because of a TimeoutNow: voters skip the leader-stickiness check.
        leadership_transfer: bool,
    },
    RequestVoteResponse {
        pre_vote: bool,
        vote_granted: bool,
    },
    AppendEntries {
        prev_log_index: Index,
        prev_log_term: Term,
        entries: Vec<Entry>,
        leader_commit: Index,
        /// The leader's heartbeat round, echoed back; a read waits for a majority to echo a
        /// round sent after it arrived (ReadIndex, dissertation §6.4).
        round: u64,
    },
    AppendEntriesResponse {
        success: bool,
        /// On success, the last index known to match the leader's log.
        match_index: Index,
        /// On failure, the `prev_log_index` that was refused (lets the leader discard stale
        /// refusals) and where the logs part.
        rejected_index: Index,
        hint: Option<ConflictHint>,
        round: u64,
    },
    InstallSnapshot {
        snapshot: Snapshot,
        round: u64,
    },
    InstallSnapshotResponse {
        /// The index the follower's log now matches up to.
        match_index: Index,
        round: u64,
    },
    /// "Start an election now" from a leader handing over leadership.
    TimeoutNow,
    /// A follower asks its leader for a read index on behalf of a client (dissertation
    /// §6.4, "followers could also help"): the leader confirms it still leads and answers
    /// with its commit index.
    ReadIndex {
        /// The read's id, echoed back.
        id: u64,
    },
    /// The leader's answer: the index the follower must have applied before it serves the
    /// read, or `None` if the leader cannot serve reads now (it is handing leadership over,
    /// or is not the leader).
    ReadIndexResponse {
        id: u64,
        index: Option<Index>,
    },
}

/// The kind of a message as the page names it (`data-kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum MessageKind {
    VoteRequest,
    VoteResponse,
    PreVoteRequest,
    PreVoteResponse,
    Append,
    Heartbeat,
    AppendResponse,
    Snapshot,
    SnapshotResponse,
    TimeoutNow,
    ReadIndex,
    ReadIndexResponse,
}

impl MessageKind {
    pub const ALL: [MessageKind; 12] = [
        MessageKind::VoteRequest,
        MessageKind::VoteResponse,
        MessageKind::PreVoteRequest,
        MessageKind::PreVoteResponse,
        MessageKind::Append,
        MessageKind::Heartbeat,
        MessageKind::AppendResponse,
        MessageKind::Snapshot,
        MessageKind::SnapshotResponse,
        MessageKind::TimeoutNow,
        MessageKind::ReadIndex,
        MessageKind::ReadIndexResponse,
    ];

    /// The name used in the page contract and the scenario language.
    pub fn name(self) -> &'static str {
        match self {
            MessageKind::VoteRequest => "vote-request",
            MessageKind::VoteResponse => "vote-response",
            MessageKind::PreVoteRequest => "prevote-request",
            MessageKind::PreVoteResponse => "prevote-response",
            MessageKind::Append => "append",
            MessageKind::Heartbeat => "heartbeat",
            MessageKind::AppendResponse => "append-response",
            MessageKind::Snapshot => "snapshot",
            MessageKind::SnapshotResponse => "snapshot-response",
            MessageKind::TimeoutNow => "timeout-now",
            MessageKind::ReadIndex => "read-index",
            MessageKind::ReadIndexResponse => "read-index-response",
        }
    }

    pub fn from_name(name: &str) -> Option<MessageKind> {
        MessageKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

impl Message {
    pub fn kind(&self) -> MessageKind {
        match &self.body {
            Body::RequestVote { pre_vote: true, .. } => MessageKind::PreVoteRequest,
            Body::RequestVote { .. } => MessageKind::VoteRequest,
            Body::RequestVoteResponse { pre_vote: true, .. } => MessageKind::PreVoteResponse,
            Body::RequestVoteResponse { .. } => MessageKind::VoteResponse,
            Body::AppendEntries { entries, .. } if entries.is_empty() => MessageKind::Heartbeat,
            Body::AppendEntries { .. } => MessageKind::Append,
            Body::AppendEntriesResponse { .. } => MessageKind::AppendResponse,
            Body::InstallSnapshot { .. } => MessageKind::Snapshot,
            Body::InstallSnapshotResponse { .. } => MessageKind::SnapshotResponse,
            Body::TimeoutNow => MessageKind::TimeoutNow,
            Body::ReadIndex { .. } => MessageKind::ReadIndex,
            Body::ReadIndexResponse { .. } => MessageKind::ReadIndexResponse,
        }
    }

    /// Requests that a stale-term receiver answers so the sender learns the newer term.
    pub fn is_request(&self) -> bool {
        matches!(
            self.body,
            Body::RequestVote { .. }
                | Body::AppendEntries { .. }
                | Body::InstallSnapshot { .. }
                | Body::TimeoutNow
                | Body::ReadIndex { .. }
        )
    }
}
