//! A node's log: a snapshot of the prefix, the entries after it, and two cursors.

use serde::{Deserialize, Serialize};

use super::message::ConflictHint;
use super::types::{Entry, Index, Snapshot, Term};

/// Invariants, kept by every method:
/// - `entries[k].index == snapshot.index + 1 + k` (the log is contiguous after the snapshot);
/// - `snapshot.index <= applied_index <= commit_index <= last_index()`;
/// - terms never decrease along the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaftLog {
    snapshot: Snapshot,
    entries: Vec<Entry>,
    /// The highest index known to be committed (volatile, Figure 2).
    commit_index: Index,
    /// The highest index applied to the state machine (volatile, Figure 2).
    applied_index: Index,
}

impl RaftLog {
    /// A log restored from durable storage. Nothing after the snapshot is known to be
    /// committed yet: commit and applied restart at the snapshot (Figure 2: both volatile).
    pub fn restore(snapshot: Snapshot, entries: Vec<Entry>) -> RaftLog {
        debug_assert!(entries.iter().enumerate().all(|(k, e)| e.index == snapshot.index + 1 + k as u64));
        let base = snapshot.index;
        RaftLog { snapshot, entries, commit_index: base, applied_index: base }
    }

    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    pub fn snapshot_index(&self) -> Index {
        self.snapshot.index
    }

    pub fn first_index(&self) -> Index {
        self.snapshot.index + 1
    }

    pub fn last_index(&self) -> Index {
        self.snapshot.index + self.entries.len() as u64
    }

    pub fn last_term(&self) -> Term {
        self.entries.last().map_or(self.snapshot.term, |e| e.term)
    }

    pub fn commit_index(&self) -> Index {
        self.commit_index
    }

    pub fn applied_index(&self) -> Index {
        self.applied_index
    }

    /// The term of the entry at `index`, if the log still knows it (the snapshot's last
    /// entry counts; compacted entries before it do not).
    pub fn term(&self, index: Index) -> Option<Term> {
        if index == self.snapshot.index {
            Some(self.snapshot.term)
        } else {
            self.entry(index).map(|e| e.term)
        }
    }

    pub fn entry(&self, index: Index) -> Option<&Entry> {
        if index <= self.snapshot.index {
            return None;
        }
        self.entries.get((index - self.snapshot.index - 1) as usize)
    }

    /// Entries after the snapshot, in order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Entries from `from` up to `to` inclusive, as far as the log holds them.
    pub fn slice(&self, from: Index, to: Index) -> &[Entry] {
        let base = self.snapshot.index;
        let from = from.max(base + 1);
        if from > to {
            return &[];
        }
        let lo = (from - base - 1) as usize;
        let hi = ((to - base) as usize).min(self.entries.len());
        if lo >= hi {
            return &[];
        }
        &self.entries[lo..hi]
    }

    pub fn matches(&self, index: Index, term: Term) -> bool {
        self.term(index) == Some(term)
    }

    /// §5.4.1: a candidate's log is at least as up to date as ours if its last term is
    /// higher, or equal with a last index at least ours.
    pub fn is_up_to_date(&self, last_index: Index, last_term: Term) -> bool {
        last_term > self.last_term() || (last_term == self.last_term() && last_index >= self.last_index())
    }

    /// Appends one entry at the end; the caller assigns index and term.
    pub fn push(&mut self, entry: Entry) {
        debug_assert_eq!(entry.index, self.last_index() + 1);
        self.entries.push(entry);
    }

    /// Removes every entry at `from` and after. A correct leader never makes a follower
    /// remove committed entries; the safety checker, not this method, watches for it.
    pub fn truncate_from(&mut self, from: Index) {
        if from <= self.snapshot.index {
            return;
        }
        self.entries.truncate((from - self.snapshot.index - 1) as usize);
    }

    /// Overwrites the entries at the indexes of `entries` in place, keeping whatever follows
    /// them (only for `Breaks::keep_conflicting_suffix`).
    pub fn overwrite_in_place(&mut self, entries: &[Entry]) {
        for e in entries {
            let base = self.snapshot.index;
            if e.index <= base {
                continue;
            }
            let k = (e.index - base - 1) as usize;
            if k < self.entries.len() {
                self.entries[k] = e.clone();
            } else {
                self.entries.push(e.clone());
            }
        }
    }

    /// The first entry of `entries` that this log lacks or holds with another term
    /// (AppendEntries receiver rule 3), if any.
    pub fn find_conflict(&self, entries: &[Entry]) -> Option<usize> {
        entries.iter().position(|e| !self.matches(e.index, e.term))
    }

    /// Why this log refuses an AppendEntries whose previous entry is `(prev_index, prev_term)`.
    pub fn conflict_hint(&self, prev_index: Index) -> ConflictHint {
        match self.term(prev_index) {
            None => ConflictHint { conflict_term: None, conflict_index: self.last_index() + 1 },
            Some(t) => {
                let mut first = prev_index;
                while first > self.first_index() && self.term(first - 1) == Some(t) {
                    first -= 1;
                }
                ConflictHint { conflict_term: Some(t), conflict_index: first }
            }
        }
    }

    /// The last index holding `term`, searching back from `from`.
    pub fn last_index_of_term(&self, term: Term, from: Index) -> Option<Index> {
        let mut i = from.min(self.last_index());
        while i >= self.snapshot.index {
            match self.term(i) {
                Some(t) if t == term => return Some(i),
                // Terms never decrease along the log, so nothing before holds `term` either:
                // an early exit only (the loop would end in the same `None`).
                Some(t) if t < term => return None,
                // Unreachable: every index from the snapshot's to the last one has a term.
                None => return None,
                _ => {}
            }
            if i == 0 {
                break;
            }
            i -= 1;
        }
        None
    }

    pub fn set_commit_index(&mut self, index: Index) {
        debug_assert!(index >= self.commit_index && index <= self.last_index());
        self.commit_index = index;
    }

    /// Takes the committed entries not yet applied, marking them applied.
    pub fn take_unapplied(&mut self) -> Vec<Entry> {
        let out = self.slice(self.applied_index + 1, self.commit_index).to_vec();
        self.applied_index = self.commit_index;
        out
    }

    /// Discards the entries up to the snapshot's index and keeps the snapshot (§7). The
    /// caller guarantees the snapshot covers only applied entries of this log.
    pub fn compact(&mut self, snapshot: Snapshot) {
        debug_assert!(snapshot.index <= self.applied_index && snapshot.index > self.snapshot.index);
        let drop = (snapshot.index - self.snapshot.index) as usize;
        self.entries.drain(..drop);
        self.snapshot = snapshot;
    }

    /// Installs a snapshot received from the leader: keeps the entries after it only if
    /// the log holds the snapshot's last entry (§7), and moves commit and applied to it.
    pub fn install(&mut self, snapshot: Snapshot) {
        if self.matches(snapshot.index, snapshot.term) && snapshot.index >= self.snapshot.index {
            let drop = (snapshot.index - self.snapshot.index) as usize;
            self.entries.drain(..drop.min(self.entries.len()));
        } else {
            self.entries.clear();
        }
        self.commit_index = self.commit_index.max(snapshot.index);
        self.applied_index = snapshot.index;
        self.snapshot = snapshot;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::{Membership, Payload};

    fn log_with_terms(terms: &[Term]) -> RaftLog {
        let entries = terms.iter().enumerate().map(|(k, &t)| Entry { index: k as u64 + 1, term: t, payload: Payload::Noop }).collect();
        RaftLog::restore(Snapshot::bootstrap(Membership::new([1])), entries)
    }

    #[test]
    fn term_lookup_and_last() {
        let log = log_with_terms(&[1, 1, 2]);
        assert_eq!(log.term(0), Some(0));
        assert_eq!(log.term(3), Some(2));
        assert_eq!(log.term(4), None);
        assert_eq!((log.last_index(), log.last_term()), (3, 2));
    }

    #[test]
    fn up_to_date_compares_last_term_then_length() {
        let log = log_with_terms(&[1, 1, 2]);
        assert!(log.is_up_to_date(1, 3));
        assert!(log.is_up_to_date(3, 2));
        assert!(!log.is_up_to_date(2, 2));
        assert!(!log.is_up_to_date(9, 1));
    }

    #[test]
    fn conflict_hint_points_at_first_index_of_conflicting_term() {
        let log = log_with_terms(&[1, 2, 2, 2]);
        assert_eq!(log.conflict_hint(4), ConflictHint { conflict_term: Some(2), conflict_index: 2 });
        assert_eq!(log.conflict_hint(9), ConflictHint { conflict_term: None, conflict_index: 5 });
        assert_eq!(log.last_index_of_term(1, 4), Some(1));
        assert_eq!(log.last_index_of_term(3, 4), None);
    }

    #[test]
    fn conflict_hint_names_only_indexes_the_log_still_stores() {
        // §5.3: "the first index it stores for that term". The snapshot's last entry is of
        // term 2 too, but compacted: the hint stops at the first index after it.
        let mut log = log_with_terms(&[1, 2, 2, 2]);
        log.set_commit_index(2);
        log.take_unapplied();
        log.compact(Snapshot { index: 2, term: 2, membership: Membership::new([1]), data: "".into() });
        assert_eq!(log.conflict_hint(4), ConflictHint { conflict_term: Some(2), conflict_index: 3 });
        assert_eq!(log.conflict_hint(2), ConflictHint { conflict_term: Some(2), conflict_index: 2 });
    }

    #[test]
    fn compaction_keeps_indexes() {
        let mut log = log_with_terms(&[1, 1, 2, 3]);
        log.set_commit_index(3);
        assert_eq!(log.take_unapplied().len(), 3);
        log.compact(Snapshot { index: 2, term: 1, membership: Membership::new([1]), data: "".into() });
        assert_eq!(log.first_index(), 3);
        assert_eq!(log.term(2), Some(1));
        assert_eq!(log.term(1), None);
        assert_eq!(log.slice(1, 4).len(), 2);
        assert_eq!(log.last_index(), 4);
    }

    #[test]
    fn install_keeps_matching_suffix_and_drops_conflicting_log() {
        let mut log = log_with_terms(&[1, 1, 2, 3]);
        log.install(Snapshot { index: 2, term: 1, membership: Membership::new([1]), data: "".into() });
        assert_eq!(log.last_index(), 4);
        assert_eq!((log.commit_index(), log.applied_index()), (2, 2));
        let mut log = log_with_terms(&[1, 1, 2, 3]);
        log.install(Snapshot { index: 3, term: 5, membership: Membership::new([1]), data: "".into() });
        assert_eq!(log.last_index(), 3);
        assert_eq!(log.last_term(), 5);
    }
}
