//! What nodes write and send: Leader Append-Only, Log Matching, committed entries are never
//! lost (by a write, a snapshot or a crash), and durable state (a message goes out only once
//! what it promises is on storage).

use super::*;
use crate::raft::{Body, DurableState, Message, OptId, RaftLog, Snapshot};

impl GroupChecker {
    /// Before `node` writes `entries` at `from` to storage (whose state is `storage`).
    /// `leader_of_term` is `Some(term)` if the node was leader in `term` before this input
    /// and still is.
    pub fn on_persist_entries(
        &mut self,
        node: NodeId,
        leader_of_term: Option<Term>,
        storage: &DurableState,
        from: Index,
        entries: &[Entry],
    ) {
        let old_last = storage.last_index();
        if let Some(term) = leader_of_term {
            if from <= old_last {
                self.report(
                    Invariant::LeaderAppendOnly,
                    vec![node],
                    Some(from),
                    Some(term),
                    format!("leader {node} of term {term} rewrote its log from index {from} (its log ended at {old_last})"),
                );
            }
        }
        // A committed entry this node holds must survive the write.
        let committed_len = self.committed_len();
        let mut i = from;
        while i <= old_last.min(committed_len) {
            if let (Some((cterm, _)), Some(held)) = (self.committed_at(i), storage.term_at(i)) {
                let new_term = entries.get((i - from) as usize).map(|e| e.term);
                if held == cterm && new_term != Some(cterm) {
                    self.report(
                        Invariant::CommittedNeverLost,
                        vec![node],
                        Some(i),
                        Some(cterm),
                        format!("node {node} discarded committed entry {i} (term {cterm})"),
                    );
                    break;
                }
            }
            i += 1;
        }
        let mut prev_term = if from == 0 { Some(0) } else { storage.term_at(from - 1) };
        for e in entries {
            if let Some(prev) = prev_term {
                let fp = fingerprint(e);
                match self.registry.get(&(e.index, e.term)) {
                    None => {
                        self.registry.insert((e.index, e.term), (fp, prev));
                    }
                    Some(&(seen_fp, seen_prev)) => {
                        if seen_fp != fp || seen_prev != prev {
                            let what = if seen_fp != fp { "a different command" } else { "a different history before it" };
                            self.report(
                                Invariant::LogMatching,
                                vec![node],
                                Some(e.index),
                                Some(e.term),
                                format!("node {node} holds entry {} of term {} with {what} than another node", e.index, e.term),
                            );
                        }
                    }
                }
            }
            prev_term = Some(e.term);
        }
    }

    /// Just before a crash: what the node acted on must be on storage. A crash `midway`
    /// through an input may leave effects undone, so there the node may be ahead of its
    /// storage (what it sent is checked as it is sent, by `on_send`).
    pub fn on_crash(&mut self, node: RaftNode, storage: &DurableState, midway: bool) {
        let id = node.id();
        let hs = node.hard_state();
        if midway {
            // What it holds for good is what its storage holds.
            let durable = RaftNode::restart(id, node.config().clone(), storage.clone(), 0, 1);
            self.watch.get_or_insert_with(id, Watch::default).role = None;
            self.crashed.insert(id, durable);
            return;
        }
        // The node may not be ahead of its storage (a term or a vote it acted on that was
        // never written). Being behind it — a server that forgot its vote — breaks nothing by
        // itself; what it then does (a second vote, two leaders) is what gets caught.
        let stored = storage.hard_state;
        let ahead = hs.current_term > stored.current_term
            || (hs.current_term == stored.current_term && hs.voted_for.is_some() && hs.voted_for != stored.voted_for);
        if ahead {
            self.report(
                Invariant::DurableState,
                vec![id],
                None,
                Some(hs.current_term),
                format!(
                    "node {id} crashed with term {} / vote {} but storage held term {} / vote {}",
                    hs.current_term,
                    OptId(hs.voted_for),
                    storage.hard_state.current_term,
                    OptId(storage.hard_state.voted_for)
                ),
            );
        }
        let log = node.log();
        if log.last_index() != storage.last_index() || log.term(log.last_index()) != storage.term_at(storage.last_index()) {
            self.report(
                Invariant::DurableState,
                vec![id],
                Some(log.last_index()),
                None,
                format!("node {id} crashed with a log ending at {} but storage's ends at {}", log.last_index(), storage.last_index()),
            );
        }
        self.watch.get_or_insert_with(id, Watch::default).role = None;
        self.crashed.insert(id, node);
    }

    /// Just after a restart from storage.
    pub fn on_restart(&mut self, node: &RaftNode) {
        let id = node.id();
        let held = self.held_prefix(node);
        let before = self.crashed.remove(&id).map_or(0, |old| self.held_prefix(&old));
        let w = self.watch.get_or_insert_with(id, Watch::default);
        // Volatile state starts over; the term does not.
        w.commit = node.log().commit_index();
        w.applied = node.log().applied_index();
        w.checked_commit = w.commit;
        w.role = Some(node.role());
        if held < before {
            self.report(
                Invariant::CommittedNeverLost,
                vec![id],
                Some(held + 1),
                None,
                format!("node {id} held committed entries up to {before} before crashing but only up to {held} after restarting"),
            );
        }
    }

    /// Before `node` writes `snapshot` to storage: the snapshot must be of the committed
    /// history, and committed entries the node holds after it must survive (a snapshot whose
    /// last entry does not match the log discards the log, §7).
    pub fn on_persist_snapshot(&mut self, node: NodeId, storage: &DurableState, snapshot: &Snapshot) {
        if let Some((term, _)) = self.committed_at(snapshot.index) {
            if term != snapshot.term {
                self.report(
                    Invariant::StateMachineSafety,
                    vec![node],
                    Some(snapshot.index),
                    Some(snapshot.term),
                    format!(
                        "node {node} stored a snapshot up to entry {} of term {}, but the committed entry there is of term {term}",
                        snapshot.index, snapshot.term
                    ),
                );
                return;
            }
        }
        let mut after = storage.clone();
        after.write_snapshot(snapshot);
        let last = storage.last_index().min(self.committed_len());
        for i in (snapshot.index + 1)..=last {
            let Some((cterm, _)) = self.committed_at(i) else { continue };
            if storage.term_at(i) == Some(cterm) && after.term_at(i) != Some(cterm) {
                self.report(
                    Invariant::CommittedNeverLost,
                    vec![node],
                    Some(i),
                    Some(cterm),
                    format!("node {node} discarded committed entry {i} (term {cterm}) when it stored a snapshot up to {}", snapshot.index),
                );
                break;
            }
        }
    }

    /// As `node` sends `m`: what the message promises must already be on storage.
    pub fn on_send(&mut self, storage: &DurableState, log: &RaftLog, m: &Message) {
        if let Some(what) = not_yet_durable(storage, log, m) {
            self.report(
                Invariant::DurableState,
                vec![m.from],
                None,
                Some(m.term),
                format!("node {} sent {} to node {} before {what}", m.from, m.kind().name(), m.to),
            );
        }
    }
}

/// Why a message went out too early, if it did: the durable state it depends on was not on
/// storage yet (Figure 2: "respond to RPCs only after updating stable storage"). `log` is the
/// sender's log in memory.
pub fn not_yet_durable(disk: &DurableState, log: &RaftLog, m: &Message) -> Option<String> {
    let hs = disk.hard_state;
    // A pre-vote changes nothing durable: the request carries the term the sender would
    // stand in, and a grant echoes it.
    if matches!(m.body, Body::RequestVote { pre_vote: true, .. } | Body::RequestVoteResponse { pre_vote: true, vote_granted: true }) {
        return None;
    }
    if hs.current_term < m.term {
        return Some(format!("its term {} was durable (storage: term {})", m.term, hs.current_term));
    }
    match &m.body {
        Body::RequestVote { .. } if hs.voted_for != Some(m.from) => {
            Some(format!("its vote for itself was durable (storage: vote {})", OptId(hs.voted_for)))
        }
        Body::RequestVoteResponse { vote_granted: true, .. } if hs.voted_for != Some(m.to) => {
            Some(format!("its vote for node {} was durable (storage: vote {})", m.to, OptId(hs.voted_for)))
        }
        // The last entry sent (entries are written in order, so the others are there too).
        Body::AppendEntries { entries, .. } => {
            entries.last().filter(|e| disk.term_at(e.index) != Some(e.term)).map(|e| format!("entry {} it sends was durable", e.index))
        }
        Body::AppendEntriesResponse { success: true, match_index, .. }
            if *match_index > disk.snapshot.index && disk.term_at(*match_index).is_none_or(|t| Some(t) != log.term(*match_index)) =>
        {
            Some(format!("entry {match_index} it acknowledges was durable"))
        }
        Body::InstallSnapshot { snapshot, .. } if disk.snapshot.index < snapshot.index => {
            Some(format!("the snapshot up to {} it sends was durable", snapshot.index))
        }
        Body::InstallSnapshotResponse { match_index, .. } if disk.last_index() < *match_index => {
            Some(format!("the snapshot up to {match_index} it acknowledges was durable"))
        }
        _ => None,
    }
}
