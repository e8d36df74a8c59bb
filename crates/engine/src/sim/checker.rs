//! The safety checker: Raft's guarantees (Figure 3 of the paper, and a few more), checked
//! after every event. Checks are incremental — each event costs the checker only what the
//! event changed — so `check` can afford them on every event of every seed.
//!
//! By concern: `storage` (what nodes write and send: Log Matching, Leader Append-Only,
//! committed entries never lost, durable state), `state` (what nodes apply: State Machine
//! Safety), `leaders` (Election Safety, Leader Completeness); this file holds the committed
//! prefix every check compares against, and the per-node watch (terms, commit and applied
//! indexes never go back; index order).

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use super::trace::{fnv1a, GroupId};
use crate::raft::{Entry, Index, NodeId, Payload, RaftNode, Role, Term, Time, VecMap};

mod leaders;
mod state;
mod storage;

use leaders::LeaderLog;
pub use storage::not_yet_durable;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Invariant {
    /// At most one leader can be elected in a given term (§5.2).
    ElectionSafety,
    /// A leader never overwrites or deletes entries in its log; it only appends (§5.3).
    LeaderAppendOnly,
    /// If two logs contain an entry with the same index and term, the logs are identical in
    /// all entries up through that index (§5.3).
    LogMatching,
    /// If an entry is committed in a term, it is present in the logs of the leaders of all
    /// higher terms (§5.4).
    LeaderCompleteness,
    /// No two servers apply different commands at the same index (§5.4.3).
    StateMachineSafety,
    /// No server discards a committed entry it holds, and a restart loses none of them.
    CommittedNeverLost,
    /// What a server acted on (term, vote, log) was on durable storage when it crashed.
    DurableState,
    /// A live server's term never decreases (not even across a restart).
    TermMonotonic,
    /// A live server's commit index never decreases.
    CommitMonotonic,
    /// A live server's applied index never decreases.
    AppliedMonotonic,
    /// snapshot index <= applied <= commit <= last index on every server.
    IndexOrder,
    /// Client reads and writes form a linearizable history.
    Linearizability,
}

impl Invariant {
    pub const ALL: [Invariant; 12] = [
        Invariant::ElectionSafety,
        Invariant::LeaderAppendOnly,
        Invariant::LogMatching,
        Invariant::LeaderCompleteness,
        Invariant::StateMachineSafety,
        Invariant::CommittedNeverLost,
        Invariant::DurableState,
        Invariant::TermMonotonic,
        Invariant::CommitMonotonic,
        Invariant::AppliedMonotonic,
        Invariant::IndexOrder,
        Invariant::Linearizability,
    ];

    /// A stable short name (page contract `data-invariant`, CLI output).
    pub fn name(self) -> &'static str {
        match self {
            Invariant::ElectionSafety => "election-safety",
            Invariant::LeaderAppendOnly => "leader-append-only",
            Invariant::LogMatching => "log-matching",
            Invariant::LeaderCompleteness => "leader-completeness",
            Invariant::StateMachineSafety => "state-machine-safety",
            Invariant::CommittedNeverLost => "committed-never-lost",
            Invariant::DurableState => "durable-state",
            Invariant::TermMonotonic => "term-monotonic",
            Invariant::CommitMonotonic => "commit-monotonic",
            Invariant::AppliedMonotonic => "applied-monotonic",
            Invariant::IndexOrder => "index-order",
            Invariant::Linearizability => "linearizability",
        }
    }

    pub fn from_name(name: &str) -> Option<Invariant> {
        Invariant::ALL.into_iter().find(|i| i.name() == name)
    }
}

/// A broken invariant: which, where, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    pub invariant: Invariant,
    pub group: GroupId,
    pub nodes: Vec<NodeId>,
    pub index: Option<Index>,
    pub term: Option<Term>,
    /// Virtual time and world event number at which it was seen.
    pub time: Time,
    pub step: u64,
    /// What happened, in words.
    pub detail: String,
    /// The event that caused it, in words.
    pub event: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} violated at {} (event {}): {}", self.invariant.name(), seconds_3(self.time), self.step, self.detail)?;
        if !self.event.is_empty() {
            write!(f, " [during: {}]", self.event)?;
        }
        Ok(())
    }
}

/// A virtual time in seconds with three decimals, exactly as `format!("{:.3}s", t as f64 / 1e6)`
/// prints it (for any `t` below 2^52), without pulling float formatting into the build.
pub fn seconds_3(t: Time) -> String {
    let (mut ms, rest) = (t / 1_000, t % 1_000);
    let up = match rest.cmp(&500) {
        Ordering::Less => false,
        Ordering::Greater => true,
        // A tie in decimal: `{:.3}` rounds the f64 nearest to t / 1e6, which may lie above
        // or below it; an exact tie goes to even.
        Ordering::Equal => match f64_vs_exact(t) {
            Ordering::Greater => true,
            Ordering::Less => false,
            Ordering::Equal => ms % 2 == 1,
        },
    };
    if up {
        ms += 1;
    }
    format!("{}.{:03}s", ms / 1_000, ms % 1_000)
}

/// How `t as f64 / 1e6` compares with the exact quotient, for `t` of at least 1.
fn f64_vs_exact(t: u64) -> Ordering {
    let bits = (t as f64 / 1e6).to_bits();
    let mantissa = ((bits & ((1 << 52) - 1)) | (1 << 52)) as u128;
    // The value is mantissa * 2^-shift; it lies in 2^-20..2^45, so 72 >= shift > 7 and
    // both products below fit in 128 bits.
    let shift = 1075 - ((bits >> 52) & 0x7ff) as u32;
    (mantissa * 1_000_000).cmp(&((t as u128) << shift))
}

/// A short fingerprint of an entry's content, to compare entries across nodes cheaply.
pub fn fingerprint(e: &Entry) -> u64 {
    match &e.payload {
        Payload::Noop => fnv1a(1, b"noop"),
        Payload::Command(c) => fnv1a(2 ^ c.request_id.wrapping_mul(0x9e37_79b9_7f4a_7c15), c.data.as_bytes()),
        Payload::Config { membership, .. } => {
            let mut h = 3;
            for v in membership.voters.iter() {
                h = fnv1a(h, &v.to_le_bytes());
            }
            h = fnv1a(h, b"|");
            for l in membership.learners.iter() {
                h = fnv1a(h, &l.to_le_bytes());
            }
            h
        }
    }
}

/// Found by the checker, before the world adds time and event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub invariant: Invariant,
    pub nodes: Vec<NodeId>,
    pub index: Option<Index>,
    pub term: Option<Term>,
    pub detail: String,
}

/// An entry known to be committed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Committed {
    /// Its term and fingerprint; `None` where a node learned it through a snapshot and the
    /// content is not visible.
    entry: Option<(Term, u64)>,
    /// The term in which it became committed: the term of the leader that committed it
    /// (the lowest term of a node seen committing it). Leader Completeness speaks of
    /// leaders of later terms than this one.
    committed_in: Term,
}

#[derive(Clone, Copy, Debug, Default)]
struct Watch {
    term: Term,
    commit: Index,
    applied: Index,
    role: Option<Role>,
    /// How far this node's committed entries were checked against the committed prefix.
    checked_commit: Index,
}

/// The checker of one Raft group.
#[derive(Clone, Debug, Default)]
pub struct GroupChecker {
    /// Each term's leader, with its log as it was when elected (Leader Completeness is
    /// checked against it as entries become known committed, also after it crashed).
    leaders: VecMap<Term, LeaderLog>,
    /// Log Matching, inductively: each (index, term) ever written names one entry content and
    /// one previous term. Then equal (index, term) pairs imply equal prefixes.
    registry: VecMap<(Index, Term), (u64, Term)>,
    /// The longest committed prefix seen on any node, after the first `pruned` entries.
    committed: Vec<Committed>,
    /// What some node applied at each index, after the first `pruned` entries.
    applied: Vec<Option<u64>>,
    /// A digest of the state machine's state after applying up to an index, as the first
    /// node that got there had it (State Machine Safety for snapshots and applied state).
    states: VecMap<Index, u64>,
    /// Entries up to this index are in every replica's snapshot and are no longer kept
    /// (see `prune`): memory stays bounded when logs are compacted.
    pruned: Index,
    watch: VecMap<NodeId, Watch>,
    /// Crashed nodes as they were when they crashed, until they restart. Their committed
    /// prefix is measured at the restart, with what is known then about which entries
    /// committed: measured at the crash, an entry whose content no node had reported yet
    /// would count as held, and learning it later would look like a loss.
    crashed: VecMap<NodeId, RaftNode>,
    pub findings: Vec<Finding>,
}

impl GroupChecker {
    pub fn new() -> GroupChecker {
        GroupChecker::default()
    }

    pub(super) fn report(&mut self, invariant: Invariant, nodes: Vec<NodeId>, index: Option<Index>, term: Option<Term>, detail: String) {
        self.findings.push(Finding { invariant, nodes, index, term, detail });
    }

    fn committed_slot(&self, index: Index) -> Option<&Committed> {
        if index <= self.pruned {
            return None;
        }
        self.committed.get((index - self.pruned - 1) as usize)
    }

    pub(super) fn committed_at(&self, index: Index) -> Option<(Term, u64)> {
        self.committed_slot(index).and_then(|c| c.entry)
    }

    pub(super) fn committed_in(&self, index: Index) -> Term {
        self.committed_slot(index).map_or(0, |c| c.committed_in)
    }

    pub fn committed_len(&self) -> Index {
        self.pruned + self.committed.len() as Index
    }

    /// Forgets what it keeps about entries up to `index`, which every replica of the group
    /// holds in its snapshot: no replica can write, apply or lose them any more.
    pub fn prune(&mut self, index: Index) {
        let index = index.min(self.committed_len());
        // In steps, so the cost of moving the vectors is spread out.
        if index < self.pruned + 256 {
            return;
        }
        let drop = (index - self.pruned) as usize;
        self.committed.drain(..drop);
        self.applied.drain(..drop.min(self.applied.len()));
        self.registry.retain(|&(i, _), _| i > index);
        self.states.retain(|&i, _| i >= index);
        for l in self.leaders.values_mut() {
            l.prune(index);
        }
        self.pruned = index;
    }

    /// After any input to `node`.
    pub fn after_input(&mut self, node: &RaftNode) {
        let id = node.id();
        let w = *self.watch.get_or_insert_with(id, Watch::default);
        self.check_progress(node, &w);
        let became_leader = node.role() == Role::Leader && (w.role != Some(Role::Leader) || w.term != node.term());
        {
            let log = node.log();
            let w = self.watch.get_mut(&id).expect("inserted above");
            w.term = node.term();
            w.commit = log.commit_index();
            w.applied = log.applied_index();
            w.role = Some(node.role());
        }
        if became_leader {
            self.on_elected(node);
        }
        if node.log().commit_index() > w.checked_commit {
            self.check_commits(node, w.checked_commit);
        }
    }

    /// Terms, commit and applied indexes never go back on a live node; snapshot <= applied
    /// <= commit <= last index.
    fn check_progress(&mut self, node: &RaftNode, w: &Watch) {
        let id = node.id();
        let log = node.log();
        let (term, commit, applied) = (node.term(), log.commit_index(), log.applied_index());
        if term < w.term {
            self.report(
                Invariant::TermMonotonic,
                vec![id],
                None,
                Some(term),
                format!("node {id}'s term went back from {} to {term}", w.term),
            );
        }
        if commit < w.commit {
            self.report(
                Invariant::CommitMonotonic,
                vec![id],
                Some(commit),
                None,
                format!("node {id}'s commit index went back from {} to {commit}", w.commit),
            );
        }
        if applied < w.applied {
            self.report(
                Invariant::AppliedMonotonic,
                vec![id],
                Some(applied),
                None,
                format!("node {id}'s applied index went back from {} to {applied}", w.applied),
            );
        }
        let snap = log.snapshot_index();
        if !(snap <= applied && applied <= commit && commit <= log.last_index()) {
            self.report(
                Invariant::IndexOrder,
                vec![id],
                Some(commit),
                None,
                format!("node {id}: snapshot {snap}, applied {applied}, commit {commit}, last {} are out of order", log.last_index()),
            );
        }
    }

    /// The node's committed entries (from `checked + 1` on) must agree with the committed
    /// prefix, which grows with whatever this node committed first; what becomes known
    /// committed is checked against every leader of a later term.
    fn check_commits(&mut self, node: &RaftNode, checked: Index) {
        let id = node.id();
        let log = node.log();
        let (term, commit) = (node.term(), log.commit_index());
        let old_len = self.committed_len();
        for i in (checked + 1)..=commit {
            let mine = log.entry(i).map(|e| (e.term, fingerprint(e)));
            if i > old_len {
                self.committed.push(Committed { entry: mine, committed_in: term });
                continue;
            }
            if i <= self.pruned {
                continue;
            }
            let slot = &mut self.committed[(i - self.pruned - 1) as usize];
            slot.committed_in = slot.committed_in.min(term);
            match (slot.entry, mine) {
                (Some(c), Some(m)) if c != m => {
                    self.report(
                        Invariant::StateMachineSafety,
                        vec![id],
                        Some(i),
                        Some(m.0),
                        format!(
                            "node {id} committed a different entry at index {i} (term {}) than was committed before (term {})",
                            m.0, c.0
                        ),
                    );
                    break;
                }
                (None, Some(_)) => slot.entry = mine,
                _ => {}
            }
        }
        self.watch.get_mut(&id).expect("watched").checked_commit = commit;
        let new_len = self.committed_len();
        if new_len > old_len {
            self.check_leaders_hold((old_len + 1)..=new_len);
        }
    }

    pub(super) fn holds_committed(&self, node: &RaftNode, i: Index) -> bool {
        let log = node.log();
        if i <= log.snapshot_index() {
            return true;
        }
        // An entry whose committed content is not known yet (its node committed it from a
        // snapshot) is held by any entry at that index.
        match (log.term(i), self.committed_at(i)) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(mine), Some((t, _))) => mine == t,
        }
    }

    /// The committed prefix a node's log holds, from the start.
    pub(super) fn held_prefix(&self, node: &RaftNode) -> Index {
        let mut i = self.pruned;
        while i < self.committed_len() && self.holds_committed(node, i + 1) {
            i += 1;
        }
        i
    }

    /// A node that joins later starts with nothing to compare.
    pub fn forget(&mut self, node: NodeId) {
        self.watch.remove(&node);
        self.crashed.remove(&node);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::{Config, DurableState, Membership};

    /// A node of a one-voter group whose storage holds noop entries of term 1 up to `last`.
    fn node_with_log(last: Index) -> (RaftNode, DurableState) {
        let mut storage = DurableState::new(Membership::new([1]));
        storage.hard_state.current_term = 1;
        let entries: Vec<Entry> = (1..=last).map(|index| Entry { index, term: 1, payload: Payload::Noop }).collect();
        storage.write_entries(1, &entries);
        (RaftNode::restart(1, Config::default(), storage.clone(), 0, 150_000), storage)
    }

    fn checker_with_committed(entries: &[Option<Term>]) -> GroupChecker {
        let mut c = GroupChecker::new();
        for (k, t) in entries.iter().enumerate() {
            let fp = fingerprint(&Entry { index: k as Index + 1, term: 1, payload: Payload::Noop });
            c.committed.push(Committed { entry: t.map(|t| (t, fp)), committed_in: 1 });
        }
        c
    }

    #[test]
    fn a_restart_that_loses_a_committed_entry_is_reported() {
        let mut c = checker_with_committed(&[Some(1), Some(1), Some(1)]);
        let (before, storage) = node_with_log(3);
        c.on_crash(before, &storage, false);
        assert!(c.findings.is_empty(), "{:?}", c.findings);
        // Restarted from a storage that lost entry 3.
        let (after, _) = node_with_log(2);
        c.on_restart(&after);
        assert_eq!(c.findings.len(), 1, "{:?}", c.findings);
        assert_eq!(c.findings[0].invariant, Invariant::CommittedNeverLost);
        assert_eq!(c.findings[0].index, Some(3));
    }

    #[test]
    fn learning_a_committed_entry_while_a_node_is_down_is_not_a_loss() {
        // Entry 3 is known committed but not its content (a node committed it from a
        // snapshot). The crashed node's log ends at 2.
        let mut c = checker_with_committed(&[Some(1), Some(1), None]);
        let (before, storage) = node_with_log(2);
        c.on_crash(before, &storage, false);
        // While it is down, another node reports entry 3's content.
        c.committed[2].entry = Some((1, 7));
        let (after, _) = node_with_log(2);
        c.on_restart(&after);
        assert!(c.findings.is_empty(), "{:?}", c.findings);
    }

    #[test]
    fn seconds_print_as_float_formatting_did() {
        let float = |t: Time| format!("{:.3}s", t as f64 / 1e6);
        let mut rng = 0x9e37_79b9_7f4a_7c15_u64;
        let mut samples: Vec<Time> = (0..3_000).chain((0..200_000).map(|k| k * 1_000 + 500)).collect();
        for _ in 0..200_000 {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            samples.push(rng >> (12 + rng % 40));
            samples.push((rng >> 24) / 1_000 * 1_000 + 500);
        }
        samples.extend([62_500, 187_500, 999_999, 999_500, 1_000_000, (1 << 52) - 1]);
        for t in samples {
            assert_eq!(seconds_3(t), float(t), "{t}");
        }
    }
}
