//! A read-only view of a node, for the page, the checker and tests.

use serde::{Deserialize, Serialize};

use super::membership::Membership;
use super::progress::ProgressState;
use super::types::{Index, NodeId, Term, Time};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Role {
    Follower,
    PreCandidate,
    Candidate,
    Leader,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Follower => "follower",
            Role::PreCandidate => "precandidate",
            Role::Candidate => "candidate",
            Role::Leader => "leader",
        }
    }
}

/// The leader's view of one follower.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerStatus {
    pub id: NodeId,
    pub match_index: Index,
    pub next_index: Index,
    pub state: ProgressState,
    pub inflight: u32,
    pub recent_active: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    pub id: NodeId,
    pub role: Role,
    pub current_term: Term,
    pub voted_for: Option<NodeId>,
    pub leader_id: Option<NodeId>,
    pub commit_index: Index,
    pub applied_index: Index,
    pub last_index: Index,
    pub last_term: Term,
    pub snapshot_index: Index,
    pub snapshot_term: Term,
    pub membership: Membership,
    /// Whether this node is a voter in its own current configuration.
    pub is_voter: bool,
    pub is_learner: bool,
    /// Time since the election timer was last reset, and the timeout it runs to.
    pub election_elapsed: Time,
    pub election_timeout: Time,
    /// Votes received in the current (pre-)election: (voter, granted).
    pub votes: Vec<(NodeId, bool)>,
    /// Leader only: each other member's progress.
    pub peers: Vec<PeerStatus>,
    /// Leader only: the node leadership is being handed to.
    pub transferee: Option<NodeId>,
    /// Priority election: this node's priority and the priority it currently waits for.
    pub priority: u32,
    pub target_priority: u32,
}
