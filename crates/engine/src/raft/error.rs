//! Why a request to a node was refused.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::types::NodeId;

/// A client proposal was not accepted.
#[derive(Clone, Copy, Debug, Error, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProposeError {
    /// Only the leader appends client commands (§5.3); the hint names the leader this
    /// node knows of, if any.
    #[error("node is not the leader (leader hint: {})", OptId(*.leader_hint))]
    NotLeader { leader_hint: Option<NodeId> },
    /// Proposals wait while leadership is handed over (dissertation §3.10).
    #[error("leadership is being transferred to node {0}")]
    TransferInProgress(NodeId),
}

/// A membership change was not accepted.
#[derive(Clone, Copy, Debug, Error, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChangeError {
    #[error("node is not the leader (leader hint: {})", OptId(*.leader_hint))]
    NotLeader { leader_hint: Option<NodeId> },
    #[error("a membership change is still uncommitted; one change at a time")]
    ChangeInProgress,
    #[error("the leader has not yet committed an entry of its own term")]
    NoCommitInTerm,
    #[error("leadership is being transferred to node {0}")]
    TransferInProgress(NodeId),
    #[error("node {0} is already a voter")]
    AlreadyVoter(NodeId),
    #[error("node {0} is already a member")]
    AlreadyMember(NodeId),
    #[error("node {0} is not a learner")]
    NotLearner(NodeId),
    #[error("node {0} is not a member")]
    NotMember(NodeId),
    #[error("node {0} is the last voter and cannot be removed")]
    LastVoter(NodeId),
}

/// A leadership transfer was not accepted.
#[derive(Clone, Copy, Debug, Error, PartialEq, Eq, Serialize, Deserialize)]
pub enum TransferError {
    #[error("node is not the leader (leader hint: {})", OptId(*.leader_hint))]
    NotLeader { leader_hint: Option<NodeId> },
    #[error("node {0} is not a voter")]
    NotVoter(NodeId),
    #[error("node {0} already leads")]
    AlreadyLeader(NodeId),
    /// Only one server may hold a TimeoutNow: once it went out, the transfer to that
    /// server cannot be called back.
    #[error("leadership is already being handed to node {0}")]
    AlreadyHandingOver(NodeId),
}

/// A linearizable read was not accepted.
#[derive(Clone, Copy, Debug, Error, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReadError {
    #[error("node is not the leader (leader hint: {})", OptId(*.leader_hint))]
    NotLeader { leader_hint: Option<NodeId> },
    #[error("leadership is being transferred to node {0}")]
    TransferInProgress(NodeId),
}

/// Prints an optional node id as `{:?}` would (`Some(2)`, `None`), without pulling Debug
/// formatting into the WebAssembly build.
#[derive(Clone, Copy)]
pub(crate) struct OptId(pub Option<NodeId>);

impl fmt::Display for OptId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(id) => write!(f, "Some({id})"),
            None => f.write_str("None"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leader_hints_print_as_before() {
        for hint in [None, Some(0), Some(3), Some(NodeId::MAX)] {
            assert_eq!(OptId(hint).to_string(), format!("{hint:?}"));
            let e = ProposeError::NotLeader { leader_hint: hint };
            assert_eq!(e.to_string(), format!("node is not the leader (leader hint: {hint:?})"));
        }
    }
}
