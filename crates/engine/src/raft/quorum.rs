//! Majorities over a set of voters. Knows only ids and indexes.

use super::types::{Index, NodeId};
use super::vecmap::sort_small;

/// The outcome of an election so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VoteResult {
    /// Not decided: neither a majority of grants nor of refusals yet.
    Pending,
    Lost,
    Won,
}

/// How many voters make a majority.
pub fn majority(voters: usize) -> usize {
    voters / 2 + 1
}

/// The highest index stored on a majority of `voters` (§5.3, §5.4: "a majority of
/// matchIndex[i] >= N"). With no voters, nothing is committed.
pub fn committed_index(voters: &[NodeId], match_index: impl Fn(NodeId) -> Index) -> Index {
    if voters.is_empty() {
        return 0;
    }
    let mut matched: Vec<Index> = voters.iter().map(|&v| match_index(v)).collect();
    sort_small(&mut matched);
    // The highest index a majority has reached.
    matched[voters.len() - majority(voters.len())]
}

/// Tallies the votes of `voters`; `vote(id)` is `Some(granted)` for those who answered.
pub fn vote_result(voters: &[NodeId], vote: impl Fn(NodeId) -> Option<bool>) -> VoteResult {
    let need = majority(voters.len());
    let (mut granted, mut refused) = (0, 0);
    for &v in voters {
        match vote(v) {
            Some(true) => granted += 1,
            Some(false) => refused += 1,
            None => {}
        }
    }
    if voters.is_empty() {
        VoteResult::Lost
    } else if granted >= need {
        VoteResult::Won
    } else if refused >= need || voters.len() - refused < need {
        VoteResult::Lost
    } else {
        VoteResult::Pending
    }
}

/// Whether the voters for which `active` holds form a majority.
pub fn has_majority(voters: &[NodeId], active: impl Fn(NodeId) -> bool) -> bool {
    !voters.is_empty() && voters.iter().filter(|&&v| active(v)).count() >= majority(voters.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn majorities() {
        assert_eq!((majority(1), majority(2), majority(3), majority(4), majority(5)), (1, 2, 2, 3, 3));
    }

    #[test]
    fn committed_index_is_the_majority_match() {
        let m = |id: NodeId| [0, 5, 3, 9, 1, 7][id as usize];
        assert_eq!(committed_index(&[1, 2, 3, 4, 5], m), 5);
        assert_eq!(committed_index(&[1, 2, 3], m), 5);
        assert_eq!(committed_index(&[2, 4], m), 1);
        assert_eq!(committed_index(&[], m), 0);
    }

    #[test]
    fn vote_tally() {
        let voters = [1, 2, 3, 4, 5];
        let v = |grants: &'static [NodeId], refusals: &'static [NodeId]| {
            move |id: NodeId| {
                if grants.contains(&id) {
                    Some(true)
                } else if refusals.contains(&id) {
                    Some(false)
                } else {
                    None
                }
            }
        };
        assert_eq!(vote_result(&voters, v(&[1, 2], &[])), VoteResult::Pending);
        assert_eq!(vote_result(&voters, v(&[1, 2, 3], &[])), VoteResult::Won);
        assert_eq!(vote_result(&voters, v(&[1], &[2, 3, 4])), VoteResult::Lost);
        assert_eq!(vote_result(&voters, v(&[1, 2], &[3, 4])), VoteResult::Pending);
        assert_eq!(vote_result(&[1, 2, 3, 4], v(&[1, 2], &[3])), VoteResult::Pending);
        assert_eq!(vote_result(&[1, 2, 3, 4], v(&[1], &[3, 4])), VoteResult::Lost);
    }
}
