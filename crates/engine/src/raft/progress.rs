//! What a leader knows of one follower's log, and how fast it may send to it.
//!
//! Figure 2 keeps `nextIndex` and `matchIndex` per follower. Production libraries (etcd's
//! `tracker.Progress`) add a flow-control state, which we follow:
//! - **Probe**: the leader does not know where the follower's log ends. It sends one append
//!   and waits for the answer (or the next heartbeat) before sending another.
//! - **Replicate**: the follower is caught up; the leader streams appends optimistically,
//!   advancing `next_index` as it sends, with at most `max_inflight` appends unanswered.
//! - **Snapshot**: the entries the follower needs were compacted away; the leader sent an
//!   InstallSnapshot and waits for the answer.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::types::{Index, Time};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProgressState {
    Probe,
    Replicate,
    Snapshot { pending_index: Index },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// The highest index known to match the leader's log (Figure 2, `matchIndex`).
    pub match_index: Index,
    /// The next index to send (Figure 2, `nextIndex`).
    pub next_index: Index,
    pub state: ProgressState,
    /// Probe state: an append is outstanding; no other until an answer or a heartbeat.
    pub probe_sent: bool,
    /// Replicate state: the last index and send time of each append still unanswered,
    /// oldest first.
    pub inflight: VecDeque<(Index, Time)>,
    /// Heard from since the last check-quorum round (dissertation §6.2).
    pub recent_active: bool,
    /// The latest heartbeat round this follower has answered (ReadIndex, §6.4).
    pub acked_round: u64,
    /// When the current snapshot was sent, to resend it if the answer never comes.
    pub snapshot_sent_at: Time,
    /// When this follower last answered (Zeebe's check-quorum); 0 if never.
    pub last_response: Time,
}

impl Progress {
    pub fn new(next_index: Index) -> Progress {
        Progress {
            match_index: 0,
            next_index,
            state: ProgressState::Probe,
            probe_sent: false,
            inflight: VecDeque::new(),
            recent_active: false,
            acked_round: 0,
            snapshot_sent_at: 0,
            last_response: 0,
        }
    }

    pub fn become_probe(&mut self) {
        // After a snapshot, the follower holds at least the snapshot's entries.
        if let ProgressState::Snapshot { pending_index } = self.state {
            self.next_index = (self.match_index + 1).max(pending_index + 1);
        } else {
            self.next_index = self.match_index + 1;
        }
        self.state = ProgressState::Probe;
        self.probe_sent = false;
        self.inflight.clear();
    }

    /// The snapshot was lost on the way: probe from what the follower is known to hold
    /// (match + 1), not from past the snapshot it never got.
    pub fn snapshot_lost(&mut self) {
        self.state = ProgressState::Probe;
        self.next_index = self.match_index + 1;
        self.probe_sent = false;
        self.inflight.clear();
    }

    pub fn become_replicate(&mut self) {
        self.state = ProgressState::Replicate;
        self.next_index = self.match_index + 1;
        self.probe_sent = false;
        self.inflight.clear();
    }

    pub fn become_snapshot(&mut self, pending_index: Index, now: Time) {
        self.state = ProgressState::Snapshot { pending_index };
        self.probe_sent = false;
        self.inflight.clear();
        self.snapshot_sent_at = now;
    }

    /// Records that the follower's log matches up to `index`. Returns whether anything new
    /// was learned.
    pub fn maybe_update(&mut self, index: Index) -> bool {
        let updated = index > self.match_index;
        if updated {
            self.match_index = index;
            self.probe_sent = false;
        }
        self.next_index = self.next_index.max(index + 1);
        while self.inflight.front().is_some_and(|&(last, _)| last <= index) {
            self.inflight.pop_front();
        }
        updated
    }

    /// Handles a refusal of the append whose previous index was `rejected`, moving
    /// `next_index` back to `hint_next`. Returns false for stale refusals (answers to
    /// appends sent before a newer one was already answered).
    /// A refusal in the replicate state means an append was lost or the follower's log
    /// changed: fall back to probing.
    pub fn maybe_decrease(&mut self, rejected: Index, hint_next: Index) -> bool {
        if self.state == ProgressState::Replicate {
            if rejected <= self.match_index {
                return false;
            }
            let next = hint_next.clamp(self.match_index + 1, self.next_index);
            self.become_probe();
            self.next_index = next;
            return true;
        }
        if self.next_index != rejected + 1 {
            return false;
        }
        // (`next_index` is always past `match_index`: the `max` only keeps `clamp` from
        // panicking should that ever not hold.)
        self.next_index = hint_next.clamp(self.match_index + 1, self.next_index.max(self.match_index + 1));
        self.probe_sent = false;
        true
    }

    /// Whether the leader must hold back new appends to this follower.
    pub fn is_paused(&self, max_inflight: u32) -> bool {
        match self.state {
            ProgressState::Probe => self.probe_sent,
            ProgressState::Replicate => self.inflight.len() >= max_inflight as usize,
            ProgressState::Snapshot { .. } => true,
        }
    }

    /// Records an append carrying entries up to `last` (none if `last` is `None`).
    pub fn sent(&mut self, last: Option<Index>, now: Time) {
        match self.state {
            ProgressState::Probe => self.probe_sent = true,
            ProgressState::Replicate => {
                if let Some(last) = last {
                    self.next_index = last + 1;
                    self.inflight.push_back((last, now));
                }
            }
            ProgressState::Snapshot { .. } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_sends_one_at_a_time() {
        let mut p = Progress::new(5);
        assert!(!p.is_paused(4));
        p.sent(Some(7), 0);
        assert!(p.is_paused(4));
        assert_eq!(p.next_index, 5, "probing does not advance next_index optimistically");
        assert!(p.maybe_update(7));
        assert!(!p.is_paused(4));
        assert_eq!((p.match_index, p.next_index), (7, 8));
    }

    /// After a snapshot the follower holds at least the snapshot's entries, and at least
    /// what it acknowledged: probing resumes after the later of the two (etcd's
    /// `BecomeProbe` from `StateSnapshot`).
    #[test]
    fn probing_after_a_snapshot_resumes_after_the_snapshot_or_the_match_whichever_is_later() {
        let mut p = Progress::new(1);
        p.maybe_update(3);
        p.become_snapshot(10, 0);
        p.become_probe();
        assert_eq!((p.state, p.next_index), (ProgressState::Probe, 11), "after the snapshot");
        let mut p = Progress::new(1);
        p.become_snapshot(10, 0);
        p.maybe_update(12);
        p.become_probe();
        assert_eq!(p.next_index, 13, "after what it acknowledged");
        let mut p = Progress::new(1);
        p.maybe_update(3);
        p.become_probe();
        assert_eq!(p.next_index, 4, "without a snapshot: after the match");
    }

    /// A repeated acknowledgement teaches nothing: the probe in flight stays in flight
    /// (one probe at a time), and the caller is told nothing changed.
    #[test]
    fn a_repeated_acknowledgement_changes_nothing_and_keeps_the_probe_paused() {
        let mut p = Progress::new(5);
        assert!(p.maybe_update(4));
        p.sent(Some(6), 0);
        assert!(p.is_paused(4));
        assert!(!p.maybe_update(4), "the same match again");
        assert!(p.is_paused(4), "still waiting for the probe's answer");
    }

    /// A refusal's hint never sends `next_index` to or below what the follower is known to
    /// hold: a hint below the match resumes right after the match.
    #[test]
    fn a_hint_below_the_match_resumes_after_the_match() {
        let mut p = Progress::new(6);
        p.maybe_update(3);
        assert!(p.maybe_decrease(5, 2));
        assert_eq!((p.match_index, p.next_index), (3, 4));
    }

    #[test]
    fn replicate_streams_up_to_the_inflight_limit() {
        let mut p = Progress::new(1);
        p.maybe_update(3);
        p.become_replicate();
        for last in [4, 5] {
            assert!(!p.is_paused(2));
            p.sent(Some(last), 0);
        }
        assert!(p.is_paused(2));
        assert_eq!(p.next_index, 6);
        p.maybe_update(4);
        assert!(!p.is_paused(2));
        assert_eq!(p.inflight.len(), 1);
    }

    #[test]
    fn stale_refusals_are_ignored() {
        let mut p = Progress::new(10);
        p.sent(None, 0);
        assert!(!p.maybe_decrease(4, 3), "refusal of an older probe");
        assert!(p.maybe_decrease(9, 6));
        assert_eq!(p.next_index, 6);
        let mut p = Progress::new(1);
        p.maybe_update(8);
        p.become_replicate();
        p.sent(Some(12), 0);
        assert!(!p.maybe_decrease(8, 2), "refused index already matched");
        assert!(p.maybe_decrease(10, 2));
        assert_eq!(p.next_index, 9, "never below match + 1");
        assert_eq!(p.state, ProgressState::Probe, "a refusal while replicating goes back to probing");
    }
}
