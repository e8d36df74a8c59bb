//! Cluster membership and single-server changes (dissertation §4.1–§4.3).
//!
//! We use **single-server changes**: each change adds or removes one voter, so the old and
//! the new majority always overlap and no joint configuration is needed. A new
//! configuration takes effect as soon as a server appends it to its log, committed or not
//! (§4.1), and a leader proposes at most one change at a time: the next one waits until
//! the previous one is committed.
//!
//! Single-server changes have one known bug (Ongaro, raft-dev, 2015: "bug in single-server
//! membership changes"): if a leader proposes a change before it has committed an entry of
//! its own term, two overlapping changes from different leaders can produce two disjoint
//! majorities. The fix, applied in [`crate::raft::RaftNode::change_membership`], is that a
//! leader only proposes a change after committing an entry of its current term (its no-op
//! counts). `Breaks::membership_without_barrier` removes that fix to show the bug.
//!
//! We chose single-server changes over joint consensus because every change the playground
//! offers (add, remove, add a learner, promote) is a single-server change, and the page can
//! show one configuration per node instead of a pair.

use serde::{Deserialize, Serialize};

use super::error::ChangeError;
use super::types::NodeId;
use super::vecmap::sort_small;

/// Who votes and who only follows. Both lists are sorted and disjoint.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Membership {
    pub voters: Vec<NodeId>,
    /// Non-voting members: they receive the log but neither vote nor count in majorities.
    pub learners: Vec<NodeId>,
}

/// One single-server change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ConfChange {
    AddVoter(NodeId),
    AddLearner(NodeId),
    /// Turn a learner into a voter.
    Promote(NodeId),
    /// Remove a voter or a learner.
    Remove(NodeId),
}

impl ConfChange {
    pub fn node(&self) -> NodeId {
        match *self {
            ConfChange::AddVoter(n) | ConfChange::AddLearner(n) | ConfChange::Promote(n) | ConfChange::Remove(n) => n,
        }
    }
}

impl Membership {
    pub fn new(voters: impl IntoIterator<Item = NodeId>) -> Membership {
        let mut voters: Vec<NodeId> = voters.into_iter().collect();
        sort_small(&mut voters);
        voters.dedup();
        Membership { voters, learners: Vec::new() }
    }

    pub fn is_voter(&self, id: NodeId) -> bool {
        self.voters.binary_search(&id).is_ok()
    }

    pub fn is_learner(&self, id: NodeId) -> bool {
        self.learners.binary_search(&id).is_ok()
    }

    pub fn contains(&self, id: NodeId) -> bool {
        self.is_voter(id) || self.is_learner(id)
    }

    /// Every member, voters and learners, in id order.
    pub fn members(&self) -> Vec<NodeId> {
        let mut all: Vec<NodeId> = self.voters.iter().chain(self.learners.iter()).copied().collect();
        sort_small(&mut all);
        all
    }

    /// The membership after `change`, or why the change makes no sense.
    pub fn apply(&self, change: ConfChange) -> Result<Membership, ChangeError> {
        let mut next = self.clone();
        match change {
            ConfChange::AddVoter(id) => {
                if self.is_voter(id) {
                    return Err(ChangeError::AlreadyVoter(id));
                }
                next.learners.retain(|&n| n != id);
                insert_sorted(&mut next.voters, id);
            }
            ConfChange::AddLearner(id) => {
                if self.contains(id) {
                    return Err(ChangeError::AlreadyMember(id));
                }
                insert_sorted(&mut next.learners, id);
            }
            ConfChange::Promote(id) => {
                if !self.is_learner(id) {
                    return Err(ChangeError::NotLearner(id));
                }
                next.learners.retain(|&n| n != id);
                insert_sorted(&mut next.voters, id);
            }
            ConfChange::Remove(id) => {
                if !self.contains(id) {
                    return Err(ChangeError::NotMember(id));
                }
                next.voters.retain(|&n| n != id);
                next.learners.retain(|&n| n != id);
                if next.voters.is_empty() {
                    return Err(ChangeError::LastVoter(id));
                }
            }
        }
        Ok(next)
    }
}

fn insert_sorted(list: &mut Vec<NodeId>, id: NodeId) {
    if let Err(pos) = list.binary_search(&id) {
        list.insert(pos, id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_keep_lists_sorted_and_disjoint() {
        let m = Membership::new([3, 1, 2]);
        let m = m.apply(ConfChange::AddLearner(5)).unwrap();
        let m = m.apply(ConfChange::AddVoter(4)).unwrap();
        assert_eq!(m.voters, vec![1, 2, 3, 4]);
        assert_eq!(m.learners, vec![5]);
        let m = m.apply(ConfChange::Promote(5)).unwrap();
        assert_eq!(m.voters, vec![1, 2, 3, 4, 5]);
        assert!(m.learners.is_empty());
        let m = m.apply(ConfChange::Remove(1)).unwrap();
        assert_eq!(m.voters, vec![2, 3, 4, 5]);
    }

    #[test]
    fn removing_a_learner_keeps_the_others_and_the_voters() {
        let m = Membership::new([1, 2]).apply(ConfChange::AddLearner(4)).unwrap().apply(ConfChange::AddLearner(3)).unwrap();
        assert_eq!(m.learners, vec![3, 4]);
        let m = m.apply(ConfChange::Remove(3)).unwrap();
        assert_eq!((m.voters, m.learners), (vec![1, 2], vec![4]));
    }

    #[test]
    fn each_change_names_the_server_it_is_about() {
        let changes = [ConfChange::AddVoter(4), ConfChange::AddLearner(5), ConfChange::Promote(6), ConfChange::Remove(7)];
        assert_eq!(changes.map(|c| c.node()), [4, 5, 6, 7]);
    }

    #[test]
    fn nonsense_changes_are_refused() {
        let m = Membership::new([1]);
        assert_eq!(m.apply(ConfChange::AddVoter(1)), Err(ChangeError::AlreadyVoter(1)));
        assert_eq!(m.apply(ConfChange::Promote(2)), Err(ChangeError::NotLearner(2)));
        assert_eq!(m.apply(ConfChange::Remove(2)), Err(ChangeError::NotMember(2)));
        assert_eq!(m.apply(ConfChange::Remove(1)), Err(ChangeError::LastVoter(1)));
    }
}
