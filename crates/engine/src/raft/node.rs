//! The protocol: one server's reaction to time, messages and requests.
//!
//! Every input first settles the term (Figure 2, "Rules for Servers: All Servers"), then
//! goes to the handler of the current role. Role changes happen only in `become_*`
//! functions. Outputs are queued as [`Effect`]s, drained with [`RaftNode::take_effects`].

use std::collections::VecDeque;

use super::config::Config;
use super::effect::Effect;
use super::error::{ChangeError, ProposeError, ReadError, TransferError};
use super::log::RaftLog;
use super::membership::{ConfChange, Membership};
use super::message::{Body, ConflictHint, Message};
use super::progress::{Progress, ProgressState};
use super::quorum::{self, VoteResult};
use super::status::{PeerStatus, Role, Status};
use super::types::{Command, DurableState, Entry, HardState, Index, NodeId, Payload, Snapshot, Term, Time};
use super::vecmap::VecMap;

/// A read waiting for the leader to confirm it still leads (dissertation §6.4).
#[derive(Clone, Debug, PartialEq, Eq)]
struct PendingRead {
    id: u64,
    /// The follower that asked on behalf of its client, or `None` for a read at the leader.
    from: Option<NodeId>,
    /// The commit index when the read arrived; `None` while the leader has not yet
    /// committed an entry of its term (step 1 of §6.4: until then it does not know the
    /// latest commit index).
    index: Option<Index>,
    /// The heartbeat round a majority must answer.
    round: u64,
}

/// A read a follower forwarded to its leader (dissertation §6.4): it waits for the read
/// index, then until it has applied that index.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ForwardedRead {
    id: u64,
    leader: NodeId,
    sent_at: Time,
    index: Option<Index>,
}

/// The most heartbeat rounds a leader remembers the send time of (for its lease). Rounds
/// older than a lease are dropped anyway; this also bounds a leader that hears from nobody.
const MAX_ROUNDS_KEPT: usize = 256;

#[derive(Clone, Debug)]
pub struct RaftNode {
    id: NodeId,
    config: Config,

    // Persistent state on all servers (Figure 2), mirrored to storage through effects.
    current_term: Term,
    voted_for: Option<NodeId>,
    log: RaftLog,

    // Volatile state.
    role: Role,
    leader_id: Option<NodeId>,
    /// The latest configuration in the log (committed or not, §4.1) and its index.
    membership: Membership,
    membership_index: Index,
    now: Time,
    election_started: Time,
    election_timeout: Time,
    /// When this node last heard from the leader of its term.
    last_leader_contact: Time,
    votes: VecMap<NodeId, bool>,
    target_priority: u32,
    /// Zeebe's election: rounds of votes in the current candidacy (a candidate retries once).
    vote_rounds: u8,

    // Volatile state on leaders.
    progress: VecMap<NodeId, Progress>,
    heartbeat_due: Time,
    check_quorum_due: Time,
    /// When this node last became leader (Zeebe's check-quorum counts from there at the
    /// earliest).
    became_leader_at: Time,
    /// Heartbeat rounds and when each was sent; the oldest kept is the one a majority has
    /// answered (for leases).
    round: u64,
    round_sent: VecDeque<(u64, Time)>,
    pending_reads: Vec<PendingRead>,
    /// Follower only: reads forwarded to the leader.
    forwarded_reads: Vec<ForwardedRead>,
    transferee: Option<NodeId>,
    /// Whether the TimeoutNow of the current transfer went out (it goes out once).
    timeout_now_sent: bool,
    transfer_deadline: Time,
    /// Set once a TimeoutNow went out: another server may now win an election at once, so
    /// this leader's lease no longer protects reads.
    lease_revoked: bool,
    /// Until when a restarted server refuses votes as if it had just heard from a leader:
    /// it forgot when it last did, and a leader's lease may still be running (§6.4.1).
    restart_guard_until: Time,

    effects: Vec<Effect>,
}

impl RaftNode {
    /// A server starting from its durable state (a fresh server starts from
    /// [`DurableState::new`]). `election_timeout` is the caller's first randomized timeout.
    pub fn restart(id: NodeId, config: Config, durable: DurableState, now: Time, election_timeout: Time) -> RaftNode {
        let DurableState { hard_state, snapshot, entries } = durable;
        let voted_for = if config.breaks.forget_vote_on_restart { None } else { hard_state.voted_for };
        let target_priority = config.max_priority();
        let config_min_timeout = config.election_timeout_min;
        let mut node = RaftNode {
            id,
            config,
            current_term: hard_state.current_term,
            voted_for,
            log: RaftLog::restore(snapshot, entries),
            role: Role::Follower,
            leader_id: None,
            membership: Membership::default(),
            membership_index: 0,
            now,
            election_started: now,
            election_timeout,
            last_leader_contact: 0,
            votes: VecMap::new(),
            target_priority,
            vote_rounds: 0,
            progress: VecMap::new(),
            heartbeat_due: now,
            check_quorum_due: now,
            became_leader_at: 0,
            round: 0,
            round_sent: VecDeque::new(),
            pending_reads: Vec::new(),
            forwarded_reads: Vec::new(),
            transferee: None,
            timeout_now_sent: false,
            transfer_deadline: 0,
            lease_revoked: false,
            // A server that has been in a cluster before (its term is not 0) may be
            // rejoining one whose leader holds a lease.
            restart_guard_until: if hard_state.current_term > 0 { now + config_min_timeout } else { 0 },
            effects: Vec::new(),
        };
        node.refresh_membership();
        node
    }

    // ----------------------------------------------------------------------------------
    // Inputs
    // ----------------------------------------------------------------------------------

    /// Fires whatever timers are due at `now`.
    pub fn tick(&mut self, now: Time) {
        self.now = now;
        if self.role == Role::Leader {
            if now >= self.heartbeat_due {
                if self.config.zeebe_check_quorum && self.zeebe_quorum_lost() {
                    // Zeebe (`LeaderAppender.failAttempt`): no quorum answered within two
                    // election timeouts, so this leader suspects a partition and steps down.
                    let term = self.current_term;
                    self.become_follower(term, None);
                    return;
                }
                self.heartbeat_due = now + self.config.heartbeat_interval;
                self.broadcast_heartbeat();
            }
            if now >= self.check_quorum_due {
                self.check_quorum_due = now + self.config.election_timeout_min;
                // §6.2: a leader that cannot reach a majority steps down, so clients can find
                // the real leader and a partitioned leader stops acting as one.
                if self.config.check_quorum && !self.quorum_active() {
                    let term = self.current_term;
                    self.become_follower(term, None);
                    return;
                }
                for pr in self.progress.values_mut() {
                    pr.recent_active = false;
                }
            }
            if self.transferee.is_some() && now >= self.transfer_deadline {
                // §3.10: abort a transfer that did not finish within an election timeout.
                self.transferee = None;
                self.timeout_now_sent = false;
            }
        } else if now >= self.election_deadline() {
            if self.config.zeebe_election && self.role != Role::Follower {
                self.zeebe_campaign_timeout();
            } else if !self.is_voter() {
                // Learners and servers outside their own configuration never stand (§4.2.2).
                self.reset_election_timer();
            } else if self.config.priority_election && self.priority() < self.target_priority {
                // Zeebe's priority election: stand down this round and lower the bar, so a
                // node of the highest priority alive stands first.
                self.target_priority -= 1;
                self.reset_election_timer();
            } else if now < self.last_leader_contact + self.config.election_timeout_min {
                // What leases rest on (§6.4.1): a server's own timer never fires within the
                // minimum election timeout of its last contact with a leader. Timers are drawn
                // from at least that long after each contact, so this only catches a timer
                // drawn under an older, shorter timing.
                self.reset_election_timer();
            } else {
                self.campaign(Campaign::Election);
            }
        }
    }

    /// Handles a message addressed to this node.
    pub fn step(&mut self, now: Time, m: Message) {
        self.now = now;
        if m.to != self.id {
            return;
        }
        // Settle the term first (Figure 2, "All Servers").
        if m.term > self.current_term {
            match m.body {
                Body::RequestVote { leadership_transfer, .. } if !leadership_transfer && self.in_lease() => {
                    // §4.2.3 (with check-quorum): a server that heard from a live leader within
                    // the minimum election timeout neither raises its term nor votes, so a
                    // removed or partitioned server cannot disrupt the cluster.
                    self.reply_vote(&m, false, self.current_term);
                    return;
                }
                // §9.6: a pre-vote does not raise the voter's term (it asks about the next
                // term). Zeebe's poll carries the poller's current term, so a newer one is
                // adopted as from any other message.
                Body::RequestVote { pre_vote: true, .. } if !self.config.zeebe_election => {}
                Body::RequestVoteResponse { pre_vote: true, vote_granted: true } if !self.config.zeebe_election => {}
                Body::AppendEntries { .. } | Body::InstallSnapshot { .. } => self.become_follower(m.term, Some(m.from)),
                _ => self.become_follower(m.term, None),
            }
        } else if m.term < self.current_term {
            // "Reply false if term < currentTerm": the answer carries our term, so a stale
            // leader or candidate learns it is stale. Stale answers are ignored.
            self.reply_stale(&m);
            return;
        }

        match m.body {
            Body::RequestVote { pre_vote, last_log_index, last_log_term, .. } => {
                self.handle_request_vote(&m, pre_vote, last_log_index, last_log_term)
            }
            Body::RequestVoteResponse { pre_vote, vote_granted } => self.handle_vote_response(m.from, m.term, pre_vote, vote_granted),
            Body::AppendEntries { prev_log_index, prev_log_term, entries, leader_commit, round } => {
                self.handle_append_entries(m.from, prev_log_index, prev_log_term, entries, leader_commit, round)
            }
            Body::AppendEntriesResponse { success, match_index, rejected_index, hint, round } => {
                if self.role == Role::Leader {
                    self.handle_append_response(m.from, success, match_index, rejected_index, hint, round);
                }
            }
            Body::InstallSnapshot { snapshot, round } => self.handle_install_snapshot(m.from, snapshot, round),
            Body::InstallSnapshotResponse { match_index, round } => {
                if self.role == Role::Leader {
                    self.handle_append_response(m.from, true, match_index, 0, None, round);
                }
            }
            Body::TimeoutNow => {
                // §3.10: the leader handed over; stand at once, skipping pre-vote.
                if self.role != Role::Leader && self.is_voter() {
                    self.campaign(Campaign::Transfer);
                }
            }
            Body::ReadIndex { id } => self.handle_read_index(m.from, id),
            Body::ReadIndexResponse { id, index } => self.handle_read_index_response(m.from, id, index),
        }
    }

    /// A client command. Only the leader accepts it (§5.3); it returns the entry's index.
    pub fn propose(&mut self, now: Time, command: Command) -> Result<Index, ProposeError> {
        self.now = now;
        if self.role != Role::Leader {
            return Err(ProposeError::NotLeader { leader_hint: self.leader_id });
        }
        if let Some(t) = self.transferee {
            return Err(ProposeError::TransferInProgress(t));
        }
        Ok(self.append_as_leader(Payload::Command(command)))
    }

    /// Starts an election now, as if the election timer had fired.
    pub fn campaign_now(&mut self, now: Time) {
        self.now = now;
        if self.role != Role::Leader && self.is_voter() {
            self.campaign(Campaign::Election);
        }
    }

    /// Hands leadership to `target` (dissertation §3.10): bring it up to date, then tell it
    /// to stand at once. Proposals are refused until the transfer ends or times out.
    pub fn transfer_leadership(&mut self, now: Time, target: NodeId) -> Result<(), TransferError> {
        self.now = now;
        if self.role != Role::Leader {
            return Err(TransferError::NotLeader { leader_hint: self.leader_id });
        }
        if target == self.id {
            return Err(TransferError::AlreadyLeader(target));
        }
        if !self.membership.is_voter(target) {
            return Err(TransferError::NotVoter(target));
        }
        match self.transferee {
            Some(t) if t == target => return Ok(()),
            // Only one server may hold a TimeoutNow: a second transfer aborts the first,
            // unless the first one's TimeoutNow already went out.
            Some(t) if self.timeout_now_sent => return Err(TransferError::AlreadyHandingOver(t)),
            _ => {}
        }
        self.transferee = Some(target);
        self.timeout_now_sent = false;
        self.transfer_deadline = now + self.config.election_timeout_min;
        if self.progress.get(&target).is_some_and(|p| p.match_index == self.log.last_index()) {
            self.send_timeout_now(target);
        } else {
            self.send_append(target, true);
        }
        Ok(())
    }

    /// Proposes a single-server membership change (see [`crate::raft::Membership`]).
    pub fn change_membership(&mut self, now: Time, change: ConfChange) -> Result<Index, ChangeError> {
        self.now = now;
        if self.role != Role::Leader {
            return Err(ChangeError::NotLeader { leader_hint: self.leader_id });
        }
        if let Some(t) = self.transferee {
            return Err(ChangeError::TransferInProgress(t));
        }
        if self.membership_index > self.log.commit_index() {
            return Err(ChangeError::ChangeInProgress);
        }
        if !self.config.breaks.membership_without_barrier && !self.committed_in_current_term() {
            // The fix for the single-server change bug: a leader proposes a change only
            // after committing an entry of its own term.
            return Err(ChangeError::NoCommitInTerm);
        }
        let membership = self.membership.apply(change)?;
        Ok(self.append_as_leader(Payload::Config { change, membership }))
    }

    /// A linearizable read (dissertation §6.4). The node answers later with
    /// `Effect::ReadReady` (serve the read from the state machine then) or `ReadAborted`.
    pub fn read_index(&mut self, now: Time, id: u64) -> Result<(), ReadError> {
        self.now = now;
        if self.role != Role::Leader {
            // A follower that knows its leader forwards the read (dissertation §6.4) and
            // serves it locally once it has applied the leader's read index.
            return match (self.role, self.leader_id) {
                (Role::Follower, Some(leader)) => {
                    self.forwarded_reads.push(ForwardedRead { id, leader, sent_at: now, index: None });
                    self.send(leader, self.current_term, Body::ReadIndex { id });
                    Ok(())
                }
                _ => Err(ReadError::NotLeader { leader_hint: self.leader_id }),
            };
        }
        if let Some(t) = self.transferee {
            return Err(ReadError::TransferInProgress(t));
        }
        if !self.committed_in_current_term() {
            self.pending_reads.push(PendingRead { id, from: None, index: None, round: 0 });
            return Ok(());
        }
        self.register_read(id, None);
        Ok(())
    }

    /// Replaces the log up to `index` (applied already) by a snapshot whose state machine
    /// data is `data` (§7). Returns false if there is nothing to compact.
    pub fn compact(&mut self, index: Index, data: &str) -> bool {
        if index <= self.log.snapshot_index() || index > self.log.applied_index() {
            return false;
        }
        let Some(term) = self.log.term(index) else { return false };
        let snapshot = Snapshot { index, term, membership: self.membership_at(index), data: data.into() };
        self.log.compact(snapshot.clone());
        self.effects.push(Effect::PersistSnapshot(snapshot));
        true
    }

    /// The caller's answer to `Effect::ResetElectionTimer`: the new randomized timeout.
    pub fn set_election_timeout(&mut self, timeout: Time) {
        self.election_timeout = timeout;
    }

    /// Changes the switches and timing of a running node; membership and logs stay. A new
    /// election timing redraws the election timer at once, so no timer drawn under the old
    /// timing fires before the new minimum (what leases rely on, §6.4.1).
    pub fn set_config(&mut self, now: Time, config: Config) {
        self.now = now;
        let timing_changed = (config.election_timeout_min, config.election_timeout_max)
            != (self.config.election_timeout_min, self.config.election_timeout_max);
        self.config = config;
        self.target_priority = self.config.max_priority();
        if timing_changed && self.role != Role::Leader {
            self.reset_election_timer();
        }
    }

    /// Moves the queued effects into `out` (appending), in the order they must be executed.
    pub fn drain_effects_into(&mut self, out: &mut Vec<Effect>) {
        self.order_effects();
        out.append(&mut self.effects);
    }

    pub fn take_effects(&mut self) -> Vec<Effect> {
        self.order_effects();
        std::mem::take(&mut self.effects)
    }

    /// The `send-before-persist` bug: messages leave before the writes they depend on.
    fn order_effects(&mut self) {
        if self.config.breaks.send_before_persist {
            let is_send = |e: &Effect| matches!(e, Effect::Send(_));
            let (mut sends, rest): (Vec<Effect>, Vec<Effect>) = self.effects.drain(..).partition(is_send);
            sends.extend(rest);
            self.effects = sends;
        }
    }

    // ----------------------------------------------------------------------------------
    // Read-only views
    // ----------------------------------------------------------------------------------

    pub fn id(&self) -> NodeId {
        self.id
    }

    pub fn role(&self) -> Role {
        self.role
    }

    pub fn term(&self) -> Term {
        self.current_term
    }

    pub fn voted_for(&self) -> Option<NodeId> {
        self.voted_for
    }

    pub fn leader_id(&self) -> Option<NodeId> {
        self.leader_id
    }

    pub fn log(&self) -> &RaftLog {
        &self.log
    }

    pub fn membership(&self) -> &Membership {
        &self.membership
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn hard_state(&self) -> HardState {
        HardState { current_term: self.current_term, voted_for: self.voted_for }
    }

    pub fn is_voter(&self) -> bool {
        self.membership.is_voter(self.id)
    }

    /// A leader that has committed an entry of its own term (its initial no-op, §8). Zeebe
    /// announces a leader only then: before it, the leader does not know the latest commit
    /// index, and a partition's gateway does not route to it.
    pub fn leader_ready(&self) -> bool {
        self.role == Role::Leader && self.committed_in_current_term()
    }

    /// When the node next wants `tick` called.
    pub fn next_deadline(&self) -> Time {
        if self.role == Role::Leader {
            let mut t = self.heartbeat_due.min(self.check_quorum_due);
            if self.transferee.is_some() {
                t = t.min(self.transfer_deadline);
            }
            t
        } else {
            self.election_deadline()
        }
    }

    /// How many heartbeat rounds the leader remembers the send time of (bounded; for tests).
    pub fn rounds_kept(&self) -> usize {
        self.round_sent.len()
    }

    pub fn progress(&self, peer: NodeId) -> Option<&Progress> {
        self.progress.get(&peer)
    }

    pub fn status(&self) -> Status {
        Status {
            id: self.id,
            role: self.role,
            current_term: self.current_term,
            voted_for: self.voted_for,
            leader_id: self.leader_id,
            commit_index: self.log.commit_index(),
            applied_index: self.log.applied_index(),
            last_index: self.log.last_index(),
            last_term: self.log.last_term(),
            snapshot_index: self.log.snapshot_index(),
            snapshot_term: self.log.snapshot().term,
            membership: self.membership.clone(),
            is_voter: self.is_voter(),
            is_learner: self.membership.is_learner(self.id),
            election_elapsed: self.now.saturating_sub(self.election_started),
            election_timeout: self.election_timeout,
            votes: self.votes.iter().map(|(&k, &v)| (k, v)).collect(),
            peers: self
                .progress
                .iter()
                .map(|(&id, p)| PeerStatus {
                    id,
                    match_index: p.match_index,
                    next_index: p.next_index,
                    state: p.state,
                    inflight: p.inflight.len() as u32,
                    recent_active: p.recent_active,
                })
                .collect(),
            transferee: self.transferee,
            priority: self.priority(),
            target_priority: self.target_priority,
        }
    }

    // ----------------------------------------------------------------------------------
    // Role changes
    // ----------------------------------------------------------------------------------

    fn become_follower(&mut self, term: Term, leader: Option<NodeId>) {
        if self.leader_id != leader || term > self.current_term {
            // Reads forwarded to another leader (or in an older term) will not be answered.
            // (Only a follower can hold forwarded reads: standing drops them, a leader has
            // none. So in the same term with the same leader there is nothing to abort.)
            self.abort_forwarded_reads();
        }
        if term > self.current_term {
            self.current_term = term;
            self.voted_for = None;
            self.persist_hard_state();
        }
        if self.role == Role::Leader {
            self.abort_reads();
            self.progress.clear();
            self.transferee = None;
            self.timeout_now_sent = false;
        }
        if self.config.zeebe_election && self.role != Role::Follower {
            // Zeebe's follower role starts with `electionTimer.reset()`: the target priority
            // goes back to the highest.
            self.target_priority = self.config.max_priority();
        }
        self.vote_rounds = 0;
        self.role = Role::Follower;
        self.leader_id = leader;
        if leader.is_some() {
            self.last_leader_contact = self.now;
        }
        self.votes.clear();
        self.reset_election_timer();
    }

    fn become_pre_candidate(&mut self) {
        // §9.6: ask first, without raising the term or voting.
        self.abort_forwarded_reads();
        self.role = Role::PreCandidate;
        self.leader_id = None;
        self.votes.clear();
        self.reset_election_timer();
    }

    fn become_candidate(&mut self) {
        // §5.2: increment the term, vote for self, reset the election timer.
        self.abort_forwarded_reads();
        self.role = Role::Candidate;
        self.vote_rounds = self.vote_rounds.saturating_add(1);
        self.current_term += 1;
        self.voted_for = Some(self.id);
        self.leader_id = None;
        self.votes.clear();
        self.persist_hard_state();
        self.reset_election_timer();
    }

    fn become_leader(&mut self) {
        debug_assert_eq!(self.role, Role::Candidate);
        self.role = Role::Leader;
        self.leader_id = Some(self.id);
        self.votes.clear();
        self.vote_rounds = 0;
        self.became_leader_at = self.now;
        self.transferee = None;
        self.timeout_now_sent = false;
        self.lease_revoked = false;
        self.round = 0;
        self.round_sent.clear();
        self.progress.clear();
        let next = self.log.last_index() + 1;
        self.sync_progress(next);
        self.heartbeat_due = self.now + self.config.heartbeat_interval;
        self.check_quorum_due = self.now + self.config.election_timeout_min;
        // §8: a new leader appends a no-op of its own term; committing it commits all
        // earlier entries (§5.4.2) and tells the leader the latest commit index (§6.4).
        self.append_as_leader(Payload::Noop);
    }

    fn campaign(&mut self, kind: Campaign) {
        let leadership_transfer = kind == Campaign::Transfer;
        // Zeebe always polls first.
        if (self.config.pre_vote || self.config.zeebe_election) && kind == Campaign::Election {
            self.become_pre_candidate();
        } else {
            self.become_candidate();
        }
        self.votes.insert(self.id, true);
        let pre_vote = self.role == Role::PreCandidate;
        let term = if pre_vote { self.poll_term() } else { self.current_term };
        let (last_log_index, last_log_term) = (self.log.last_index(), self.log.last_term());
        let voters: Vec<NodeId> = self.membership.voters.iter().copied().filter(|&v| v != self.id).collect();
        for to in voters {
            self.send(to, term, Body::RequestVote { pre_vote, last_log_index, last_log_term, leadership_transfer });
        }
        self.tally_votes();
    }

    fn tally_votes(&mut self) {
        let result = quorum::vote_result(&self.membership.voters, |id| self.votes.get(&id).copied());
        match (result, self.role) {
            (VoteResult::Won, Role::PreCandidate) => self.campaign(Campaign::AfterPreVote),
            (VoteResult::Won, Role::Candidate) => self.become_leader(),
            (VoteResult::Lost, Role::PreCandidate | Role::Candidate) => {
                let term = self.current_term;
                self.become_follower(term, None);
            }
            _ => {}
        }
    }

    // ----------------------------------------------------------------------------------
    // Handlers
    // ----------------------------------------------------------------------------------

    fn handle_request_vote(&mut self, m: &Message, pre_vote: bool, last_log_index: Index, last_log_term: Term) {
        // §5.4.1: only vote for a candidate whose log is at least as up to date as ours.
        let up_to_date = self.config.breaks.vote_without_log_check || self.log.is_up_to_date(last_log_index, last_log_term);
        if pre_vote && self.config.zeebe_election {
            // Zeebe's poll (`ActiveRole.handlePoll`, `LeaderRole.onPoll`): granted on the
            // log alone (the poller's term is not below ours: an older one was answered as
            // stale), never by a leader. Priority plays no part.
            let grant = self.role != Role::Leader && up_to_date;
            self.reply_vote(m, grant, self.current_term);
            return;
        }
        if pre_vote {
            // §9.6: grant if the candidate could win: a newer term, an up-to-date log, and
            // no word from a live leader within the minimum election timeout.
            let grant = m.term > self.current_term && up_to_date && !self.heard_from_leader_recently();
            let term = if grant { m.term } else { self.current_term };
            self.reply_vote(m, grant, term);
            return;
        }
        // Figure 2: one vote per term, durable before the answer goes out.
        let can_vote = self.voted_for.is_none() || self.voted_for == Some(m.from);
        let grant = can_vote && up_to_date;
        if grant {
            if self.voted_for != Some(m.from) {
                self.voted_for = Some(m.from);
                self.persist_hard_state();
            }
            // §5.2: granting a vote resets the election timer (and in Zeebe the target
            // priority: `FollowerRole.handleVote`).
            if self.config.zeebe_election {
                self.target_priority = self.config.max_priority();
            }
            self.reset_election_timer();
        }
        self.reply_vote(m, grant, self.current_term);
    }

    fn handle_vote_response(&mut self, from: NodeId, term: Term, pre_vote: bool, granted: bool) {
        let expected = match self.role {
            Role::PreCandidate => pre_vote && (term == self.poll_term() || !granted),
            Role::Candidate => !pre_vote && term == self.current_term,
            _ => false,
        };
        if !expected {
            return;
        }
        self.votes.insert(from, granted);
        self.tally_votes();
    }

    fn handle_append_entries(
        &mut self,
        from: NodeId,
        mut prev_log_index: Index,
        mut prev_log_term: Term,
        mut entries: Vec<Entry>,
        leader_commit: Index,
        round: u64,
    ) {
        // A candidate that hears from a leader of its term steps down (§5.2).
        if self.role != Role::Follower || self.leader_id != Some(from) {
            let term = self.current_term;
            self.become_follower(term, Some(from));
        }
        self.heard_from_leader();

        // Entries up to our commit index are committed and so already match the leader's
        // (Log Matching, Leader Completeness): skip them instead of refusing the append.
        let commit = self.log.commit_index();
        // (At `prev_log_index == commit` skipping changes nothing: the entry at the commit
        // index matches the leader's, so `<=` would be the same test.)
        if prev_log_index < commit {
            entries.retain(|e| e.index > commit);
            prev_log_index = commit;
            prev_log_term = self.log.term(commit).unwrap_or(0);
        }
        // Consistency check (AppendEntries rule 2). Index 0 matches every log.
        if prev_log_index != 0 && !self.log.matches(prev_log_index, prev_log_term) {
            let hint = self.log.conflict_hint(prev_log_index);
            let body =
                Body::AppendEntriesResponse { success: false, match_index: 0, rejected_index: prev_log_index, hint: Some(hint), round };
            self.send(from, self.current_term, body);
            return;
        }
        let last_new = prev_log_index + entries.len() as u64;
        if let Some(k) = self.log.find_conflict(&entries) {
            let first = entries[k].index;
            let mut config_changed = first <= self.membership_index;
            config_changed |= entries[k..].iter().any(|e| matches!(e.payload, Payload::Config { .. }));
            if self.config.breaks.keep_conflicting_suffix {
                // The bug: overwrite in place and keep what follows.
                self.log.overwrite_in_place(&entries[k..]);
                let rewritten = self.log.slice(first, self.log.last_index()).to_vec();
                self.effects.push(Effect::PersistEntries { from: first, entries: rewritten });
            } else {
                // Rule 3: a conflicting entry and all that follow it go; then append (rule 4).
                self.log.truncate_from(first);
                for e in &entries[k..] {
                    self.log.push(e.clone());
                }
                entries.drain(..k);
                self.effects.push(Effect::PersistEntries { from: first, entries });
            }
            if config_changed {
                self.refresh_membership();
            }
        }
        // Rule 5: commitIndex = min(leaderCommit, index of last new entry).
        let new_commit = leader_commit.min(last_new);
        // (Applying is immediate, so setting the same commit index again would do nothing.)
        if new_commit > self.log.commit_index() {
            self.log.set_commit_index(new_commit);
            self.apply_committed();
        }
        let body = Body::AppendEntriesResponse { success: true, match_index: last_new, rejected_index: 0, hint: None, round };
        self.send(from, self.current_term, body);
    }

    fn handle_install_snapshot(&mut self, from: NodeId, snapshot: Snapshot, round: u64) {
        if self.role != Role::Follower || self.leader_id != Some(from) {
            let term = self.current_term;
            self.become_follower(term, Some(from));
        }
        self.heard_from_leader();
        let match_index = if snapshot.index <= self.log.commit_index() {
            self.log.commit_index()
        } else {
            self.log.install(snapshot.clone());
            self.effects.push(Effect::PersistSnapshot(snapshot.clone()));
            self.effects.push(Effect::ApplySnapshot(snapshot.clone()));
            self.refresh_membership();
            snapshot.index
        };
        self.send(from, self.current_term, Body::InstallSnapshotResponse { match_index, round });
    }

    fn handle_append_response(
        &mut self,
        from: NodeId,
        success: bool,
        match_index: Index,
        rejected_index: Index,
        hint: Option<ConflictHint>,
        round: u64,
    ) {
        let last_index = self.log.last_index();
        let Some(pr) = self.progress.get_mut(&from) else { return };
        pr.recent_active = true;
        pr.last_response = self.now;
        pr.acked_round = pr.acked_round.max(round);
        if success {
            pr.maybe_update(match_index);
            match pr.state {
                ProgressState::Probe if pr.match_index + 1 >= pr.next_index => pr.become_replicate(),
                ProgressState::Snapshot { pending_index } if pr.match_index >= pending_index => pr.become_probe(),
                _ => {}
            }
            let caught_up = pr.match_index == last_index;
            self.maybe_commit();
            if self.role != Role::Leader {
                return;
            }
            if self.transferee == Some(from) && caught_up && !self.timeout_now_sent {
                self.send_timeout_now(from);
            }
        } else {
            let Some(hint) = hint else { return };
            // Fast backtracking: skip the follower's whole conflicting term at once.
            let hint_next = match hint.conflict_term {
                Some(t) => match self.log.last_index_of_term(t, rejected_index) {
                    Some(i) => i + 1,
                    None => hint.conflict_index,
                },
                None => hint.conflict_index,
            };
            let pr = self.progress.get_mut(&from).expect("checked above");
            if !pr.maybe_decrease(rejected_index, hint_next.max(1)) {
                self.check_reads();
                return;
            }
        }
        self.send_appends_to(from);
        self.check_reads();
    }

    // ----------------------------------------------------------------------------------
    // Leader work
    // ----------------------------------------------------------------------------------

    fn append_as_leader(&mut self, payload: Payload) -> Index {
        let index = self.log.last_index() + 1;
        let is_config = matches!(payload, Payload::Config { .. });
        let entry = Entry { index, term: self.current_term, payload };
        self.log.push(entry.clone());
        self.effects.push(Effect::PersistEntries { from: index, entries: vec![entry] });
        if is_config {
            self.refresh_membership();
            // A server added by this entry is sent it at once (and probed from there).
            self.sync_progress(index);
        }
        for peer in self.peers() {
            self.send_appends_to(peer);
        }
        self.maybe_commit();
        index
    }

    /// Sends as many appends as flow control allows to `peer`.
    fn send_appends_to(&mut self, peer: NodeId) {
        while self.send_append(peer, false) {
            if !self.progress.get(&peer).is_some_and(|p| p.state == ProgressState::Replicate) {
                break;
            }
        }
    }

    /// Sends one append (or a snapshot) to `peer` from its next index. With `allow_empty`
    /// it also sends when there is nothing new (a heartbeat that probes). Returns whether
    /// anything was sent.
    fn send_append(&mut self, peer: NodeId, allow_empty: bool) -> bool {
        let max_inflight = self.config.max_inflight;
        let Some(pr) = self.progress.get(&peer) else { return false };
        if pr.is_paused(max_inflight) {
            return false;
        }
        let next = pr.next_index;
        let prev_log_index = next - 1;
        let Some(prev_log_term) = self.log.term(prev_log_index) else {
            // §7: the entries this follower needs were compacted; send the snapshot.
            let snapshot = self.log.snapshot().clone();
            let pending = snapshot.index;
            let round = self.round;
            self.send(peer, self.current_term, Body::InstallSnapshot { snapshot, round });
            let now = self.now;
            self.progress.get_mut(&peer).expect("checked above").become_snapshot(pending, now);
            return true;
        };
        let last = self.log.last_index().min(prev_log_index + self.config.max_entries_per_append as u64);
        let entries = self.log.slice(next, last).to_vec();
        if entries.is_empty() && !allow_empty {
            return false;
        }
        let sent_last = entries.last().map(|e| e.index);
        let body =
            Body::AppendEntries { prev_log_index, prev_log_term, entries, leader_commit: self.log.commit_index(), round: self.round };
        self.send(peer, self.current_term, body);
        let now = self.now;
        self.progress.get_mut(&peer).expect("checked above").sent(sent_last, now);
        true
    }

    /// An empty AppendEntries (§5.2) that asserts only what the leader knows matches, so
    /// it is never refused because an append is still on its way.
    fn send_heartbeat(&mut self, peer: NodeId) {
        let Some(pr) = self.progress.get(&peer) else { return };
        let (prev_log_index, prev_log_term) = match self.log.term(pr.match_index) {
            Some(t) => (pr.match_index, t),
            None => (0, 0),
        };
        let body = Body::AppendEntries {
            prev_log_index,
            prev_log_term,
            entries: Vec::new(),
            leader_commit: self.log.commit_index(),
            round: self.round,
        };
        self.send(peer, self.current_term, body);
    }

    fn broadcast_heartbeat(&mut self) {
        self.start_round();
        let resend_after = self.config.election_timeout_min;
        let now = self.now;
        for peer in self.peers() {
            let pr = self.progress.get_mut(&peer).expect("peer has progress");
            let probe = match pr.state {
                // In the probe state the heartbeat doubles as the next probe (§5.3).
                ProgressState::Probe => true,
                // An append unanswered this long was lost: probe again from match + 1.
                ProgressState::Replicate => pr.inflight.front().is_some_and(|&(_, sent)| now >= sent + resend_after),
                ProgressState::Snapshot { .. } => now >= pr.snapshot_sent_at + resend_after,
            };
            if probe {
                match pr.state {
                    ProgressState::Probe => pr.probe_sent = false,
                    // A snapshot unanswered this long was lost: the follower may hold nothing
                    // of it, so probe from what it is known to hold (as etcd does after a
                    // failed snapshot); if that was compacted too, the snapshot goes again.
                    ProgressState::Snapshot { .. } => pr.snapshot_lost(),
                    ProgressState::Replicate => pr.become_probe(),
                }
                self.send_append(peer, true);
            } else {
                self.send_heartbeat(peer);
            }
        }
    }

    fn send_timeout_now(&mut self, peer: NodeId) {
        self.lease_revoked = true;
        self.timeout_now_sent = true;
        self.send(peer, self.current_term, Body::TimeoutNow);
    }

    /// Advances the commit index to the highest index stored on a majority, if that entry
    /// is of the current term (§5.4.2, Figure 8).
    fn maybe_commit(&mut self) {
        let last = self.log.last_index();
        let id = self.id;
        let candidate = quorum::committed_index(&self.membership.voters, |v| {
            if v == id {
                last
            } else {
                self.progress.get(&v).map_or(0, |p| p.match_index)
            }
        });
        if candidate <= self.log.commit_index() {
            return;
        }
        // §5.4.2: never commit an entry of an earlier term by counting replicas; it is
        // committed indirectly once an entry of the current term above it is.
        if self.log.term(candidate) != Some(self.current_term) && !self.config.breaks.figure8_commit {
            return;
        }
        self.log.set_commit_index(candidate);
        self.apply_committed();
        self.on_commit_as_leader();
    }

    fn on_commit_as_leader(&mut self) {
        // Reads that waited for the first commit of this term can now take an index.
        if self.committed_in_current_term() {
            let waiting: Vec<(u64, Option<NodeId>)> =
                self.pending_reads.iter().filter(|r| r.index.is_none()).map(|r| (r.id, r.from)).collect();
            if !waiting.is_empty() {
                self.pending_reads.retain(|r| r.index.is_some());
                for (id, from) in waiting {
                    self.register_read(id, from);
                }
            }
        }
        // §4.2.2: a leader removed from the configuration steps down once the change commits.
        if self.membership_index <= self.log.commit_index() && !self.membership.is_voter(self.id) {
            let term = self.current_term;
            self.become_follower(term, None);
        }
    }

    fn start_round(&mut self) {
        self.round += 1;
        // Rounds older than a lease can no longer extend one: forget them, so a leader that
        // hears from nobody does not pile them up. (A round sent exactly a lease ago could
        // only extend the lease to now, where it ends: dropping it too changes nothing.)
        let horizon = self.now.saturating_sub(self.config.lease_duration());
        while self.round_sent.len() >= MAX_ROUNDS_KEPT || self.round_sent.front().is_some_and(|&(_, sent)| sent < horizon) {
            self.round_sent.pop_front();
        }
        self.round_sent.push_back((self.round, self.now));
    }

    /// A read at this leader (`from` is `None`) or forwarded by follower `from`.
    fn register_read(&mut self, id: u64, from: Option<NodeId>) {
        let index = self.log.commit_index();
        let lease_allowed = self.config.lease_read && (self.config.check_quorum || self.config.breaks.lease_without_check_quorum);
        if (lease_allowed && self.lease_valid()) || self.membership.voters == [self.id] {
            self.read_ready(id, from, index);
            return;
        }
        if self.round_sent.back().is_none_or(|&(_, t)| t != self.now) {
            self.start_round();
            for peer in self.peers() {
                self.send_heartbeat(peer);
            }
        }
        self.pending_reads.push(PendingRead { id, from, index: Some(index), round: self.round });
    }

    /// A read's index is confirmed: serve it here, or tell the follower that asked.
    fn read_ready(&mut self, id: u64, from: Option<NodeId>, index: Index) {
        match from {
            None => self.effects.push(Effect::ReadReady { id, index }),
            Some(f) => self.send(f, self.current_term, Body::ReadIndexResponse { id, index: Some(index) }),
        }
    }

    fn handle_read_index(&mut self, from: NodeId, id: u64) {
        if self.role != Role::Leader || self.transferee.is_some() {
            self.send(from, self.current_term, Body::ReadIndexResponse { id, index: None });
        } else if !self.committed_in_current_term() {
            self.pending_reads.push(PendingRead { id, from: Some(from), index: None, round: 0 });
        } else {
            self.register_read(id, Some(from));
        }
    }

    fn handle_read_index_response(&mut self, from: NodeId, id: u64, index: Option<Index>) {
        let Some(k) = self.forwarded_reads.iter().position(|r| r.id == id && r.leader == from) else { return };
        match index {
            None => {
                self.forwarded_reads.remove(k);
                self.effects.push(Effect::ReadAborted { id });
            }
            Some(index) => {
                self.forwarded_reads[k].index = Some(index);
                self.serve_forwarded_reads();
            }
        }
    }

    /// Forwarded reads whose index this follower has applied are served here.
    fn serve_forwarded_reads(&mut self) {
        let applied = self.log.applied_index();
        let mut k = 0;
        while k < self.forwarded_reads.len() {
            match self.forwarded_reads[k].index {
                Some(index) if index <= applied => {
                    let r = self.forwarded_reads.remove(k);
                    self.effects.push(Effect::ReadReady { id: r.id, index });
                }
                _ => k += 1,
            }
        }
    }

    /// Forwarded reads that will not be answered (the leader changed, or the answer is long
    /// overdue): the client tries again.
    fn abort_forwarded_reads(&mut self) {
        for r in std::mem::take(&mut self.forwarded_reads) {
            self.effects.push(Effect::ReadAborted { id: r.id });
        }
    }

    fn expire_forwarded_reads(&mut self) {
        let overdue = 2 * self.config.election_timeout_min;
        let now = self.now;
        let mut k = 0;
        while k < self.forwarded_reads.len() {
            if self.forwarded_reads[k].index.is_none() && now >= self.forwarded_reads[k].sent_at + overdue {
                let r = self.forwarded_reads.remove(k);
                self.effects.push(Effect::ReadAborted { id: r.id });
            } else {
                k += 1;
            }
        }
    }

    /// The latest round a majority of voters has answered.
    fn acked_round(&self) -> u64 {
        let (id, round) = (self.id, self.round);
        quorum::committed_index(
            &self.membership.voters,
            |v| {
                if v == id {
                    round
                } else {
                    self.progress.get(&v).map_or(0, |p| p.acked_round)
                }
            },
        )
    }

    fn check_reads(&mut self) {
        let acked = self.acked_round();
        // (The round sent last is never older than the one acknowledged, so `len() > 1` only
        // says what the second test already ensures: the last round stays.)
        while self.round_sent.len() > 1 && self.round_sent.front().is_some_and(|&(r, _)| r < acked) {
            self.round_sent.pop_front();
        }
        if self.pending_reads.is_empty() {
            return;
        }
        let applied = self.log.applied_index();
        let mut i = 0;
        while i < self.pending_reads.len() {
            let r = &self.pending_reads[i];
            match r.index {
                // A follower's read needs only the index: the follower waits to apply it.
                Some(index) if r.round <= acked && (index <= applied || r.from.is_some()) => {
                    let r = self.pending_reads.remove(i);
                    self.read_ready(r.id, r.from, index);
                }
                _ => i += 1,
            }
        }
    }

    /// §6.4.1: the leader may serve reads without a round while no other server can have
    /// been elected: until the minimum election timeout after the latest heartbeat round a
    /// majority answered was sent.
    fn lease_valid(&self) -> bool {
        if self.lease_revoked {
            return false;
        }
        let acked = self.acked_round();
        self.round_sent.iter().find(|&&(r, _)| r == acked).is_some_and(|&(_, sent)| self.now < sent + self.config.lease_duration())
    }

    fn abort_reads(&mut self) {
        for r in std::mem::take(&mut self.pending_reads) {
            match r.from {
                None => self.effects.push(Effect::ReadAborted { id: r.id }),
                Some(f) => self.send(f, self.current_term, Body::ReadIndexResponse { id: r.id, index: None }),
            }
        }
    }

    /// Zeebe's check-quorum: no quorum of voters (this leader counts) has answered within
    /// two election timeouts, and this node has led at least that long.
    fn zeebe_quorum_lost(&self) -> bool {
        let window = 2 * self.config.election_timeout_min;
        let (id, now) = (self.id, self.now);
        // (`last_response > 0` reads "has answered"; past the first test a follower that
        // never answered is not recent anyway, so `>= 0` there would change nothing.)
        now > self.became_leader_at + window
            && !quorum::has_majority(&self.membership.voters, |v| {
                v == id || self.progress.get(&v).is_some_and(|p| p.last_response > 0 && p.last_response + window >= now)
            })
    }

    fn quorum_active(&self) -> bool {
        let id = self.id;
        quorum::has_majority(&self.membership.voters, |v| v == id || self.progress.get(&v).is_some_and(|p| p.recent_active))
    }

    /// Keeps one progress record per other member of the current configuration.
    /// New members start probing at `next`.
    fn sync_progress(&mut self, next: Index) {
        let members = self.membership.members();
        self.progress.retain(|id, _| members.binary_search(id).is_ok());
        for id in members {
            if id != self.id {
                self.progress.get_or_insert_with(id, || Progress::new(next));
            }
        }
    }

    fn peers(&self) -> Vec<NodeId> {
        self.progress.keys().copied().collect()
    }

    // ----------------------------------------------------------------------------------
    // Helpers
    // ----------------------------------------------------------------------------------

    fn send(&mut self, to: NodeId, term: Term, body: Body) {
        self.effects.push(Effect::Send(Message { from: self.id, to, term, body }));
    }

    fn reply_vote(&mut self, m: &Message, granted: bool, term: Term) {
        let pre_vote = matches!(m.body, Body::RequestVote { pre_vote: true, .. });
        self.send(m.from, term, Body::RequestVoteResponse { pre_vote, vote_granted: granted });
    }

    fn reply_stale(&mut self, m: &Message) {
        match &m.body {
            Body::RequestVote { .. } => self.reply_vote(m, false, self.current_term),
            Body::AppendEntries { prev_log_index, round, .. } => {
                let body = Body::AppendEntriesResponse {
                    success: false,
                    match_index: 0,
                    rejected_index: *prev_log_index,
                    hint: None,
                    round: *round,
                };
                self.send(m.from, self.current_term, body);
            }
            Body::InstallSnapshot { snapshot, round } => {
                let body = Body::AppendEntriesResponse {
                    success: false,
                    match_index: 0,
                    rejected_index: snapshot.index,
                    hint: None,
                    round: *round,
                };
                self.send(m.from, self.current_term, body);
            }
            Body::ReadIndex { id } => self.send(m.from, self.current_term, Body::ReadIndexResponse { id: *id, index: None }),
            _ => {}
        }
    }

    fn persist_hard_state(&mut self) {
        self.effects.push(Effect::PersistHardState(self.hard_state()));
    }

    fn reset_election_timer(&mut self) {
        self.election_started = self.now;
        self.effects.push(Effect::ResetElectionTimer);
    }

    fn election_deadline(&self) -> Time {
        self.election_started + self.election_timeout
    }

    fn heard_from_leader(&mut self) {
        if !self.forwarded_reads.is_empty() {
            self.expire_forwarded_reads();
        }
        self.last_leader_contact = self.now;
        self.target_priority = self.config.max_priority();
        self.reset_election_timer();
    }

    fn heard_from_leader_recently(&self) -> bool {
        self.leader_id.is_some() && (self.role == Role::Leader || self.now < self.last_leader_contact + self.config.election_timeout_min)
    }

    fn in_lease(&self) -> bool {
        // Zeebe's voters do not stick to a leader.
        !self.config.zeebe_election
            && self.config.check_quorum
            && (self.heard_from_leader_recently() || self.now < self.restart_guard_until)
    }

    /// The term a poll or pre-vote asks about: the next one (§9.6), or the current one in
    /// Zeebe's poll.
    fn poll_term(&self) -> Term {
        if self.config.zeebe_election {
            self.current_term
        } else {
            self.current_term + 1
        }
    }

    /// Zeebe's election: the timer of a polling server or a candidate fired.
    fn zeebe_campaign_timeout(&mut self) {
        let term = self.current_term;
        match self.role {
            // `CandidateRole`: a vote that timed out is tried once more, in a new term.
            Role::Candidate if self.vote_rounds < 2 && self.is_voter() => self.campaign(Campaign::AfterPreVote),
            // A poll not won within an election timeout, or a second vote that timed out:
            // back to follower, to wait a full timeout again.
            _ => self.become_follower(term, None),
        }
    }

    fn committed_in_current_term(&self) -> bool {
        self.log.term(self.log.commit_index()) == Some(self.current_term)
    }

    fn priority(&self) -> u32 {
        self.config.priority_of(self.id)
    }

    fn apply_committed(&mut self) {
        let entries = self.log.take_unapplied();
        if !entries.is_empty() {
            self.effects.push(Effect::Apply(entries));
            if !self.forwarded_reads.is_empty() {
                self.serve_forwarded_reads();
            }
        }
    }

    /// Recomputes the configuration from the log: the last config entry, else the snapshot's.
    fn refresh_membership(&mut self) {
        let found = self.log.entries().iter().rev().find_map(|e| match &e.payload {
            Payload::Config { membership, .. } => Some((e.index, membership.clone())),
            _ => None,
        });
        let (index, membership) = found.unwrap_or_else(|| (self.log.snapshot_index(), self.log.snapshot().membership.clone()));
        self.membership = membership;
        self.membership_index = index;
    }

    /// The configuration as of `index` (for snapshots).
    fn membership_at(&self, index: Index) -> Membership {
        self.log
            .slice(self.log.first_index(), index)
            .iter()
            .rev()
            .find_map(|e| match &e.payload {
                Payload::Config { membership, .. } => Some(membership.clone()),
                _ => None,
            })
            .unwrap_or_else(|| self.log.snapshot().membership.clone())
    }
}

/// Why a node stands for election.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Campaign {
    /// The election timer fired (or the user forced it): pre-vote first if it is on.
    Election,
    /// A pre-vote was won: the real election follows at once.
    AfterPreVote,
    /// A TimeoutNow arrived: stand at once; voters skip the stickiness check (§3.10).
    Transfer,
}
