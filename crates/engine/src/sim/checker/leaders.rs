//! Election Safety (at most one leader per term) and Leader Completeness (an entry
//! committed in a term is in the log of every leader of a later term, §5.4).
//!
//! Each term's leader is remembered with its log as it was when elected, as runs of terms.
//! A leader only appends, so that log is where completeness is decided: entries known
//! committed before the election are checked at the election; entries that become known
//! committed later (a node reports an old commit late) are checked against every
//! remembered leader of a later term, the ones that crashed or stepped down since included.

use super::*;

/// A leader's log when it was elected: the terms of its entries as runs (index where a run
/// of one term starts, that term), up to `last`; everything up to `snapshot` was in its
/// snapshot (committed, so held).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct LeaderLog {
    node: NodeId,
    snapshot: Index,
    last: Index,
    runs: Vec<(Index, Term)>,
}

impl LeaderLog {
    fn of(node: &RaftNode) -> LeaderLog {
        let log = node.log();
        let mut runs: Vec<(Index, Term)> = Vec::new();
        for e in log.entries() {
            if runs.last().is_none_or(|&(_, t)| t != e.term) {
                runs.push((e.index, e.term));
            }
        }
        LeaderLog { node: node.id(), snapshot: log.snapshot_index(), last: log.last_index(), runs }
    }

    /// The term of its entry at `index`, or `None` if it had none; `Some(None)`... kept
    /// simple: entries in its snapshot answer `None` here and count as held.
    fn term_at(&self, index: Index) -> Option<Term> {
        if index <= self.snapshot || index > self.last {
            return None;
        }
        let k = self.runs.partition_point(|&(start, _)| start <= index);
        self.runs.get(k.checked_sub(1)?).map(|&(_, t)| t)
    }

    fn holds(&self, index: Index, committed_term: Option<Term>) -> bool {
        if index <= self.snapshot {
            return true;
        }
        match (self.term_at(index), committed_term) {
            (None, _) => false,
            // The committed entry's content is not known yet: any entry there holds it.
            (Some(_), None) => true,
            (Some(mine), Some(t)) => mine == t,
        }
    }

    /// Forgets runs below `index` (every replica's snapshot covers them).
    pub(super) fn prune(&mut self, index: Index) {
        let keep_from = self.runs.partition_point(|&(start, _)| start <= index).saturating_sub(1);
        self.runs.drain(..keep_from);
    }
}

impl GroupChecker {
    /// `node` just became leader of its term.
    pub(super) fn on_elected(&mut self, node: &RaftNode) {
        let (id, term) = (node.id(), node.term());
        if let Some(other) = self.leaders.get(&term).map(|l| l.node) {
            if other != id {
                self.report(
                    Invariant::ElectionSafety,
                    vec![other, id],
                    None,
                    Some(term),
                    format!("nodes {other} and {id} were both elected leader in term {term}"),
                );
            }
            return;
        }
        let log = LeaderLog::of(node);
        for i in (self.pruned + 1)..=self.committed_len() {
            if self.committed_in(i) < term && !log.holds(i, self.committed_at(i).map(|c| c.0)) {
                let t = self.committed_at(i).map(|c| c.0);
                self.report(
                    Invariant::LeaderCompleteness,
                    vec![id],
                    Some(i),
                    t,
                    format!("node {id} became leader of term {term} without committed entry {i}"),
                );
                break;
            }
        }
        self.leaders.insert(term, log);
    }

    /// Entries `range` just became known committed: every leader of a later term than the
    /// one each was committed in must have held it when elected.
    pub(super) fn check_leaders_hold(&mut self, range: std::ops::RangeInclusive<Index>) {
        let mut found = None;
        'outer: for (&term, leader) in self.leaders.iter().rev() {
            for i in range.clone() {
                let committed_in = self.committed_in(i);
                if term <= committed_in {
                    continue;
                }
                let Some((t, _)) = self.committed_at(i) else { continue };
                if !leader.holds(i, Some(t)) {
                    found = Some((leader.node, term, i, t));
                    break 'outer;
                }
            }
        }
        if let Some((node, term, i, t)) = found {
            self.report(
                Invariant::LeaderCompleteness,
                vec![node],
                Some(i),
                Some(t),
                format!("entry {i} of term {t} was committed but node {node}, leader of term {term}, lacked it when elected"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::{Command, Config, DurableState, Membership};

    fn leader_log(terms: &[Term], snapshot: Index) -> LeaderLog {
        let mut runs: Vec<(Index, Term)> = Vec::new();
        for (k, &t) in terms.iter().enumerate() {
            let index = snapshot + 1 + k as Index;
            if runs.last().is_none_or(|&(_, last)| last != t) {
                runs.push((index, t));
            }
        }
        LeaderLog { node: 1, snapshot, last: snapshot + terms.len() as Index, runs }
    }

    #[test]
    fn a_leader_log_answers_the_term_at_each_index() {
        let l = leader_log(&[1, 1, 3, 3, 3, 6], 0);
        let terms: Vec<Option<Term>> = (0..=7).map(|i| l.term_at(i)).collect();
        assert_eq!(terms, [None, Some(1), Some(1), Some(3), Some(3), Some(3), Some(6), None]);
        assert!(l.holds(4, Some(3)) && !l.holds(4, Some(2)) && !l.holds(7, Some(6)));
        let l = leader_log(&[4, 5], 10);
        assert!(l.holds(9, Some(2)), "in its snapshot");
        assert_eq!((l.term_at(11), l.term_at(12)), (Some(4), Some(5)));
    }

    #[test]
    fn pruning_keeps_the_run_an_index_is_in() {
        let mut l = leader_log(&[1, 1, 2, 2, 2, 3], 0);
        l.prune(4);
        assert_eq!(l.term_at(5), Some(2));
        assert_eq!(l.term_at(6), Some(3));
    }

    /// A leader that lacked an entry when elected, and crashed before anyone reported the
    /// entry committed, is still caught when the commit becomes known.
    #[test]
    fn a_leader_that_crashed_is_checked_when_an_older_commit_becomes_known() {
        let mut c = GroupChecker::new();
        // Node 2 leads term 3 with a log of one entry of term 1.
        let mut storage = DurableState::new(Membership::new([1, 2, 3]));
        storage.hard_state.current_term = 3;
        storage.write_entries(1, &[Entry { index: 1, term: 1, payload: Payload::Noop }]);
        let leader = RaftNode::restart(2, Config::default(), storage, 0, 150_000);
        let mut as_leader = LeaderLog::of(&leader);
        as_leader.node = 2;
        c.leaders.insert(3, as_leader);
        // Later, node 1 reports it committed entry 2 (of term 2) in term 2.
        let cmd = Payload::Command(Command::new("x=1", 1));
        c.committed
            .push(Committed { entry: Some((1, fingerprint(&Entry { index: 1, term: 1, payload: Payload::Noop }))), committed_in: 1 });
        c.committed.push(Committed { entry: Some((2, fingerprint(&Entry { index: 2, term: 2, payload: cmd }))), committed_in: 2 });
        c.check_leaders_hold(2..=2);
        assert_eq!(c.findings.len(), 1, "{:?}", c.findings);
        assert_eq!(c.findings[0].invariant, Invariant::LeaderCompleteness);
        assert_eq!(c.findings[0].nodes, vec![2]);
    }
}
