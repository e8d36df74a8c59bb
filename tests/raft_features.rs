#![cfg(not(target_arch = "wasm32"))]
//! The features of the core beyond §5 of the Raft paper, one test per claim.
//!
//! Sources: Ongaro's dissertation ("Consensus: Bridging Theory and Practice", 2014) for
//! leadership transfer (§3.10), membership changes (§4), log compaction (§5 of the
//! dissertation, §7 of the paper) and linearizable reads (§6.4); etcd's raft
//! (`raft_test.go`, the datadriven `testdata/`) and tikv/raft-rs (`test_raft.rs`,
//! `test_membership_changes.rs`, `test_raft_snap.rs`, `test_raft_flow_control.rs`) for the
//! behaviours production libraries pin down (flow control, snapshot progress, learners,
//! check-quorum corner cases); Zeebe for priority election.
//!
//! The tests drive real `RaftNode`s through the public API only, with the deterministic
//! harness of `tests/common/mod.rs` (`Net`): messages and time move only when a test says
//! so. Each section starts with the claims it checks; each test's doc comment states its
//! claim and cites its source.

mod common;

use std::collections::BTreeMap;

use common::*;
use raft_playground::raft::{
    Body, Breaks, ChangeError, Command, ConfChange, Config, ConfigError, ConflictHint, DurableState, Effect, Entry, HardState, Index,
    Membership, Message, MessageKind, NodeId, Payload, ProgressState, ProposeError, ReadError, Role, Snapshot, Term, Time, TransferError,
    CLOCK_DRIFT_PERCENT,
};

const MIN: Time = 150 * MS;

// ----- small helpers ----------------------------------------------------------------------

fn transfer(net: &mut Net, leader: NodeId, target: NodeId) -> (Result<(), TransferError>, Vec<Effect>) {
    net.run(leader, |n, now| n.transfer_leadership(now, target))
}

fn change(net: &mut Net, leader: NodeId, c: ConfChange) -> Result<Index, ChangeError> {
    net.run(leader, |n, now| n.change_membership(now, c)).0
}

fn read(net: &mut Net, leader: NodeId, id: u64) -> (Result<(), ReadError>, Vec<Effect>) {
    net.run(leader, |n, now| n.read_index(now, id))
}

fn ready_in(effects: &[Effect], read: u64) -> Option<Index> {
    effects.iter().find_map(|e| match e {
        Effect::ReadReady { id, index } if *id == read => Some(*index),
        _ => None,
    })
}

fn kinds(messages: &[Message]) -> Vec<MessageKind> {
    messages.iter().map(Message::kind).collect()
}

fn is_vote_traffic(m: &Message) -> bool {
    matches!(m.body, Body::RequestVote { .. } | Body::RequestVoteResponse { .. })
}

fn entries_of(m: &Message) -> &[Entry] {
    match &m.body {
        Body::AppendEntries { entries, .. } => entries,
        _ => &[],
    }
}

fn round_of(m: &Message) -> Option<u64> {
    match m.body {
        Body::AppendEntries { round, .. } | Body::AppendEntriesResponse { round, .. } => Some(round),
        _ => None,
    }
}

fn progress_state(net: &Net, leader: NodeId, peer: NodeId) -> ProgressState {
    net.node(leader).progress(peer).unwrap_or_else(|| panic!("leader {leader} has no progress for {peer}")).state
}

fn voters(net: &Net, id: NodeId) -> Vec<NodeId> {
    net.node(id).membership().voters.clone()
}

/// Proposes `n` commands `prefix0`, `prefix1`, ... at `leader`; returns the last index.
fn propose_n(net: &mut Net, leader: NodeId, prefix: &str, n: usize) -> Index {
    let mut last = 0;
    for k in 0..n {
        last = net.propose(leader, &format!("{prefix}{k}")).expect("the leader accepts proposals");
    }
    last
}

/// Moves the clock a millisecond at a time, ticking the nodes that are due and delivering
/// every message except those `hold` picks, until a held message is in flight.
fn run_until_in_flight(net: &mut Net, hold: impl Fn(&Message) -> bool, limit: Time) {
    loop {
        net.deliver_all_where(|m| !hold(m));
        if net.in_flight.iter().any(&hold) {
            return;
        }
        assert!(net.now < limit, "no such message before {} ms", limit / MS);
        net.advance(MS);
        net.tick_due();
    }
}

/// As `Net::run_until`, but every message `lost` picks is lost.
fn run_until_dropping(net: &mut Net, until: Time, lost: impl Fn(&Message) -> bool) {
    for _ in 0..100_000 {
        net.drop_where(&lost);
        for _ in 0..100_000 {
            if !net.deliver_one() {
                break;
            }
            net.drop_where(&lost);
        }
        let next = net.nodes.values().map(|n| n.next_deadline()).min().expect("nodes");
        if next > until {
            net.advance_to(until.max(net.now));
            return;
        }
        net.advance_to(next.max(net.now));
        net.tick_due();
    }
    panic!("the clock does not advance");
}

/// A 3-node cluster with `config` where node 1 leads term 1 and every node has applied
/// its no-op.
fn steady(config: Config) -> Net {
    let mut net = Net::with_config(&V3, config);
    net.elect(1);
    net.run_until(60 * MS);
    assert!(V3.iter().all(|&id| net.commit(id) == 1), "everyone knows the no-op is committed");
    net
}

fn is_snapshot(m: &Message) -> bool {
    m.kind() == MessageKind::Snapshot
}

/// A steady cluster where node 3 was down while node 1 committed `n` commands and
/// compacted its log past them: once node 3 is back, node 1 can only catch it up with a
/// snapshot. Returns when that snapshot is in flight, with the last compacted index.
fn snapshot_in_flight_to_node_3(n: usize) -> (Net, Index) {
    let mut net = steady(Config::default());
    net.crash(3);
    let last = propose_n(&mut net, 1, "x", n);
    net.deliver_all();
    assert!(net.compact(1, last));
    net.recover(3);
    run_until_in_flight(&mut net, is_snapshot, 2_000 * MS);
    (net, last)
}

fn pre_vote_and_check_quorum() -> Config {
    Config { pre_vote: true, check_quorum: true, ..Config::default() }
}

// =======================================================================================
// Leadership transfer (dissertation §3.10)
// =======================================================================================

/// Dissertation §3.10: "the prior leader sends a TimeoutNow request to the target server.
/// This request has the same effect as the target server's election timer firing: the
/// target server starts a new election". The target stands at once — no pre-vote even with
/// pre-vote on — and its RequestVotes carry `leadership_transfer`, so voters that heard
/// from the leader a moment ago grant them despite check-quorum's leader stickiness
/// (§4.2.3; etcd `TestLeaderTransferWithCheckQuorum`). The old leader steps down, the
/// target leads the next term. Contrast: the same node campaigning on its own at the same
/// moment gets nowhere.
#[test]
fn transfer_to_an_up_to_date_follower_sends_timeout_now_and_the_target_wins_at_once() {
    let mut net = steady(pre_vote_and_check_quorum());
    let (result, effects) = transfer(&mut net, 1, 2);
    assert_eq!(result, Ok(()));
    assert_eq!(kinds(&sends(&effects)), [MessageKind::TimeoutNow], "node 2 is up to date: TimeoutNow at once");
    assert_eq!(only_send(&effects).to, 2);
    net.take_sent();

    net.deliver_all();
    assert_eq!((net.node(2).role(), net.node(2).term()), (Role::Leader, 2));
    assert_eq!((net.node(1).role(), net.node(1).leader_id()), (Role::Follower, Some(2)));
    assert_eq!(net.node(3).leader_id(), Some(2));
    let requests: Vec<Message> = net.sent.iter().filter(|m| m.from == 2 && matches!(m.body, Body::RequestVote { .. })).cloned().collect();
    assert_eq!(requests.len(), 2);
    for m in &requests {
        assert_eq!(m.term, 2);
        assert!(
            matches!(m.body, Body::RequestVote { pre_vote: false, leadership_transfer: true, .. }),
            "a real vote request flagged as a transfer: {m:?}"
        );
    }

    // Contrast: without the transfer, node 2 cannot get elected while the leader is alive.
    let mut net = steady(pre_vote_and_check_quorum());
    net.campaign(2);
    net.deliver_all();
    assert_eq!((net.node(1).role(), net.node(1).term()), (Role::Leader, 1));
    assert_ne!(net.node(2).role(), Role::Leader);
}

/// Dissertation §3.10: "The prior leader ... transfers all of its log entries to the
/// target server ... Once the target server has caught up, the prior leader sends a
/// TimeoutNow request" (etcd `TestLeaderTransferToSlowFollower`). A transfer to a follower
/// that missed entries sends no TimeoutNow at first; the TimeoutNow goes out only once the
/// target's log matches the leader's, and the target, now holding every entry, wins.
#[test]
fn transfer_to_a_lagging_follower_first_brings_it_up_to_date_then_sends_timeout_now() {
    let mut net = steady(Config::default());
    net.isolate(3);
    let last = propose_n(&mut net, 1, "x", 3);
    net.deliver_all();
    net.heal(3);
    assert!(net.node(3).log().last_index() < last);

    let (result, effects) = transfer(&mut net, 1, 3);
    assert_eq!(result, Ok(()));
    assert!(!kinds(&sends(&effects)).contains(&MessageKind::TimeoutNow), "node 3 is behind: no TimeoutNow yet");
    assert_eq!(net.node(1).status().transferee, Some(3));

    let start = net.now;
    loop {
        if net.in_flight.iter().any(|m| m.kind() == MessageKind::TimeoutNow) {
            assert_eq!(net.node(3).log().last_index(), net.node(1).log().last_index(), "TimeoutNow only once node 3 caught up");
            assert_eq!(net.node(3).log().entries(), net.node(1).log().entries());
            break;
        }
        if !net.deliver_one() {
            assert!(net.now < start + MIN, "the catch-up should finish well within the transfer timeout");
            net.advance(MS);
            net.tick_due();
        }
    }
    net.deliver_all();
    assert_eq!((net.node(3).role(), net.node(3).term()), (Role::Leader, 2));
    assert!(net.node(3).log().slice(1, last).iter().all(|e| e.term == 1), "the new leader holds every entry of term 1");
    assert_eq!(net.node(3).log().last_index(), last + 1, "plus its own no-op");
}

/// Dissertation §3.10: "the prior leader stops accepting new client requests" while it
/// hands over (etcd `TestLeaderTransferIgnoreProposal`). Proposals, membership changes and
/// reads are refused with TransferInProgress naming the target, and nothing is appended.
#[test]
fn transfer_in_progress_refuses_proposals_membership_changes_and_reads() {
    let mut net = steady(Config::default());
    net.crash(3);
    assert_eq!(transfer(&mut net, 1, 3).0, Ok(()));
    let last = net.node(1).log().last_index();
    assert_eq!(net.propose(1, "x"), Err(ProposeError::TransferInProgress(3)));
    assert_eq!(change(&mut net, 1, ConfChange::AddLearner(4)), Err(ChangeError::TransferInProgress(3)));
    assert_eq!(read(&mut net, 1, 1).0, Err(ReadError::TransferInProgress(3)));
    assert_eq!(net.node(1).log().last_index(), last, "nothing was appended");
    assert_eq!(net.node(1).status().transferee, Some(3));
}

/// Dissertation §3.10: "If the transfer does not complete within an election timeout, the
/// prior leader aborts the transfer and resumes accepting client requests" (etcd
/// `TestLeaderTransferTimeout`, which also uses the election timeout). Up to one minimum
/// election timeout after the request the leader refuses proposals; it asks to be ticked at
/// the deadline, and from then on accepts them again, still leading the same term.
#[test]
fn transfer_that_does_not_complete_within_an_election_timeout_is_abandoned() {
    let mut net = steady(Config::default());
    net.crash(3);
    let started = net.now;
    assert_eq!(transfer(&mut net, 1, 3).0, Ok(()));
    assert!(net.node(1).next_deadline() <= started + MIN, "the leader wants a tick by the transfer deadline");

    net.run_until(started + MIN - 1);
    assert_eq!(net.propose(1, "early"), Err(ProposeError::TransferInProgress(3)), "still transferring just before the deadline");
    net.run_until(started + MIN);
    assert_eq!(net.node(1).status().transferee, None, "abandoned at the deadline");
    assert!(net.propose(1, "late").is_ok(), "proposals are accepted again");
    assert_eq!((net.node(1).role(), net.node(1).term()), (Role::Leader, 1));
    net.deliver_all();
    assert_eq!(net.machine(1), ["late"], "and they commit (node 2 is a majority with node 1)");
}

/// Dissertation §3.10 (etcd `TestLeaderTransferToSelf`, `TestLeaderTransferToNonExistingNode`,
/// raft-rs `test_leader_transfer_to_learner`): only a leader transfers, only to another
/// voter. Transfer to itself (AlreadyLeader), to a learner or a non-member (NotVoter), or
/// asked of a follower (NotLeader, naming the leader) is refused; a refusal sends nothing
/// and leaves no transfer behind (proposals are still accepted).
#[test]
fn transfer_to_self_to_a_learner_or_non_member_or_by_a_follower_is_refused() {
    let m = members(&V3, &[4]);
    let mut net = Net::from_states(Config::default(), (1..=4).map(|id| (id, durable_with(m.clone(), 0, &[]))).collect());
    net.elect(1);
    net.deliver_all();
    for (target, error) in [(1, TransferError::AlreadyLeader(1)), (4, TransferError::NotVoter(4)), (9, TransferError::NotVoter(9))] {
        let (result, effects) = transfer(&mut net, 1, target);
        assert_eq!(result, Err(error));
        assert!(sends(&effects).is_empty(), "{effects:?}");
        assert_eq!(net.node(1).status().transferee, None);
    }
    assert_eq!(transfer(&mut net, 2, 3).0, Err(TransferError::NotLeader { leader_hint: Some(1) }));
    assert!(net.propose(1, "x").is_ok());
}

/// Dissertation §3.10, the receiving side: a TimeoutNow "has the same effect as the target
/// server's election timer firing", minus pre-vote: a voter that gets one becomes a
/// candidate in the next term at once (not a pre-candidate), and flags its RequestVotes.
/// A learner, or a server that is not a voter in its own configuration, ignores it (etcd:
/// "is unpromotable and can not campaign"); so does a voter when the TimeoutNow is from a
/// term that has already passed.
#[test]
fn timeout_now_makes_a_voter_stand_at_once_without_pre_vote_and_is_ignored_by_learners() {
    let timeout_now = |to: NodeId, term: Term| Message { from: 2, to, term, body: Body::TimeoutNow };
    let config = Config { pre_vote: true, ..Config::default() };

    let mut net = Net::from_states(config.clone(), vec![(1, durable(&V3, 1, &[1]))]);
    let effects = net.step(1, timeout_now(1, 1));
    assert_eq!((net.node(1).role(), net.node(1).term(), net.node(1).voted_for()), (Role::Candidate, 2, Some(1)));
    let requests = sends(&effects);
    assert_eq!(requests.iter().map(|m| m.to).collect::<Vec<_>>(), [2, 3]);
    for m in requests {
        assert_eq!(
            (m.term, m.body),
            (2, Body::RequestVote { pre_vote: false, last_log_index: 1, last_log_term: 1, leadership_transfer: true })
        );
    }

    let mut net = Net::from_states(config.clone(), vec![(1, durable(&V3, 3, &[1]))]);
    let effects = net.step(1, timeout_now(1, 2));
    assert!(sends(&effects).is_empty() && net.node(1).role() == Role::Follower, "stale TimeoutNow ignored: {effects:?}");

    let mut net = Net::from_states(config.clone(), vec![(4, durable_with(members(&V3, &[4]), 1, &[1]))]);
    let effects = net.step(4, timeout_now(4, 1));
    assert!(sends(&effects).is_empty(), "a learner does not stand: {effects:?}");
    assert_eq!((net.node(4).role(), net.node(4).term()), (Role::Follower, 1));

    let mut net = Net::from_states(config, vec![(5, durable(&V3, 1, &[1]))]);
    let effects = net.step(5, timeout_now(5, 1));
    assert!(sends(&effects).is_empty(), "a non-member does not stand: {effects:?}");
}

/// Dissertation §3.10 with §7 (etcd `TestLeaderTransferAfterSnapshot`): when the target
/// needs entries the leader has compacted, the leader brings it up to date with an
/// InstallSnapshot and then the remaining entries, and only then sends TimeoutNow. Here the
/// target is a voter just added after the compaction; the transfer completes without any
/// timer firing.
#[test]
fn transfer_to_a_follower_behind_a_compacted_log_completes_after_a_snapshot() {
    let mut net = steady(Config::default());
    let last = propose_n(&mut net, 1, "x", 4);
    net.deliver_all();
    assert!(net.compact(1, last));
    net.add_server(4, newcomer());
    change(&mut net, 1, ConfChange::AddVoter(4)).expect("accepted");
    assert_eq!(transfer(&mut net, 1, 4).0, Ok(()));
    net.take_sent();
    net.deliver_all();
    let to4: Vec<MessageKind> = net.sent.iter().filter(|m| m.from == 1 && m.to == 4).map(Message::kind).collect();
    let snapshot = to4.iter().position(|&k| k == MessageKind::Snapshot).expect("a snapshot");
    let append = to4.iter().position(|&k| k == MessageKind::Append).expect("the entries after it");
    let timeout_now = to4.iter().position(|&k| k == MessageKind::TimeoutNow).expect("then TimeoutNow");
    assert!(snapshot < append && append < timeout_now, "{to4:?}");
    assert_eq!(net.snapshots_applied[&4].last().map(|s| s.index), Some(last));
    assert_eq!((net.node(4).role(), net.node(4).term()), (Role::Leader, 2));
    net.run_until(net.now + 100 * MS);
    assert_eq!(net.machine(4), ["x0", "x1", "x2", "x3"]);
    assert_eq!(net.machine(1), net.machine(4));
}

// =======================================================================================
// Membership changes (dissertation §4.1–§4.3, single-server changes)
// =======================================================================================

/// A server that joins the cluster: it knows no configuration yet and learns everything,
/// configuration included, from the leader.
fn newcomer() -> DurableState {
    DurableState::new(Membership::default())
}

/// Dissertation §4.1: "a server always uses the latest configuration in its log,
/// regardless of whether the entry is committed". The leader switches to the new
/// configuration when it appends the entry — before it commits — and so does a follower as
/// soon as it stores it; the new server gets the whole log and the configuration that adds
/// it.
#[test]
fn added_voter_configuration_takes_effect_on_append_before_commit() {
    let mut net = steady(Config::default());
    net.add_server(4, newcomer());
    let index = change(&mut net, 1, ConfChange::AddVoter(4)).expect("change accepted");
    assert_eq!(index, 2);
    assert_eq!(voters(&net, 1), [1, 2, 3, 4], "the leader uses the new configuration at once");
    assert!(net.commit(1) < index);
    assert!(net.node(1).progress(4).is_some(), "and replicates to the new voter");

    net.deliver_until(|n| n.node(2).log().last_index() >= index);
    assert_eq!(voters(&net, 2), [1, 2, 3, 4], "node 2 uses it as soon as it stores it");
    assert!(net.commit(2) < index, "uncommitted");
    assert_eq!(voters(&net, 3), [1, 2, 3], "node 3 has not stored it yet");

    net.run_until(net.now + 100 * MS);
    assert_eq!(net.commit(1), index);
    assert_eq!(net.node(4).log().entries(), net.node(1).log().entries(), "the new voter has the whole log");
    assert_eq!(voters(&net, 4), [1, 2, 3, 4]);
}

/// Dissertation §4.1: once a server uses the new configuration, majorities are counted in
/// it. After adding a fourth voter to three, an entry needs three of the four: the leader
/// and one follower, a majority of the old configuration, no longer commit anything
/// (the change itself included); the third acknowledgement does.
#[test]
fn after_adding_a_voter_to_three_a_commit_needs_three_of_four() {
    let mut net = steady(Config::default());
    net.isolate(3);
    let index = change(&mut net, 1, ConfChange::AddVoter(4)).expect("change accepted"); // node 4 never answers
    let x = net.propose(1, "x").expect("accepted");
    net.deliver_all();
    assert_eq!(net.match_index(1, 2), x, "node 2 stored everything");
    assert_eq!(net.commit(1), 1, "two of four is not a majority: neither the change ({index}) nor x ({x}) commits");

    net.heal(3);
    net.run_until(net.now + MIN + 100 * MS); // the lost appends are sent again after an election timeout
    assert_eq!(net.commit(1), x, "the third voter's acknowledgement commits both");
}

/// Dissertation §4.1: "the leader ... [does not] begin another membership change until
/// the previous change's entry has committed" (etcd `TestProposeConfChangeWhilePending`
/// style). A second change while one is uncommitted is refused with ChangeInProgress and
/// appends nothing; ordinary proposals are still accepted; once the first change commits,
/// the next is accepted. Nonsense changes are refused without appending anything.
#[test]
fn only_one_uncommitted_membership_change_at_a_time() {
    let mut net = steady(Config::default());
    let first = change(&mut net, 1, ConfChange::AddLearner(4)).expect("accepted");
    assert_eq!(change(&mut net, 1, ConfChange::AddVoter(5)), Err(ChangeError::ChangeInProgress));
    assert_eq!(net.node(1).log().last_index(), first, "the refused change appended nothing");
    assert!(net.propose(1, "x").is_ok(), "ordinary proposals go on");
    net.deliver_all();
    assert!(net.commit(1) > first);
    assert!(change(&mut net, 1, ConfChange::AddVoter(5)).is_ok(), "accepted once the first change committed");
    net.deliver_all();

    let last = net.node(1).log().last_index();
    for (c, e) in [
        (ConfChange::AddVoter(2), ChangeError::AlreadyVoter(2)),
        (ConfChange::AddLearner(4), ChangeError::AlreadyMember(4)),
        (ConfChange::Promote(3), ChangeError::NotLearner(3)),
        (ConfChange::Remove(9), ChangeError::NotMember(9)),
    ] {
        assert_eq!(change(&mut net, 1, c), Err(e));
    }
    assert_eq!(net.node(1).log().last_index(), last);
    assert_eq!(change(&mut net, 2, ConfChange::AddLearner(6)), Err(ChangeError::NotLeader { leader_hint: Some(1) }));
}

/// The fix for the single-server membership change bug (Ongaro, raft-dev, 2015; see
/// `crates/engine/src/raft/membership.rs`): a new leader refuses a change with NoCommitInTerm until it
/// has committed an entry of its own term (its no-op counts). With
/// `Breaks::membership_without_barrier` it accepts the change at once.
#[test]
fn new_leader_refuses_a_membership_change_until_it_commits_an_entry_of_its_term() {
    let mut net = Net::new(&V3);
    net.campaign(1);
    net.deliver_all_where(is_vote_traffic);
    assert_eq!(net.node(1).role(), Role::Leader);
    assert_eq!(net.commit(1), 0, "its no-op is not committed yet");
    assert_eq!(change(&mut net, 1, ConfChange::AddLearner(4)), Err(ChangeError::NoCommitInTerm));
    net.deliver_all();
    assert_eq!(net.commit(1), 1);
    assert!(change(&mut net, 1, ConfChange::AddLearner(4)).is_ok(), "the no-op committed: the change is accepted");

    let broken = Config { breaks: Breaks { membership_without_barrier: true, ..Breaks::default() }, ..Config::default() };
    let mut net = Net::with_config(&V3, broken);
    net.campaign(1);
    net.deliver_all_where(is_vote_traffic);
    assert_eq!(net.commit(1), 0);
    assert_eq!(change(&mut net, 1, ConfChange::AddLearner(4)), Ok(2), "the break removes the barrier");
}

/// The single-server change bug itself (Ongaro, raft-dev, 2015), replayed. Servers 1–4;
/// leader 1 (term 1) adds 5 and stores that configuration only on 5, then crashes. Leader 2
/// (term 2, elected by 2, 3, 4 in the old configuration) removes 4 — accepted only with the
/// break, since its no-op is not committed — and commits that with 3, a majority of
/// {1, 2, 3}. Server 1 restarts and is elected in {1, ..., 5} by 4 and 5, whose logs are no
/// more up to date than its own; it overwrites the committed entries. Without the break,
/// leader 2 must first commit its no-op on a majority of {1, 2, 3, 4}, which includes 3 or
/// 4 — and then server 1 can no longer collect three votes.
#[test]
fn membership_barrier_prevents_the_single_server_change_bug_and_the_break_reproduces_it() {
    fn replay(breaks: Breaks) -> Net {
        let config = Config { breaks, ..Config::default() };
        let old = Membership::new([1, 2, 3, 4]);
        let mut net = Net::from_states(config, (1..=5).map(|id| (id, DurableState::new(old.clone()))).collect());
        net.elect(1);
        net.run_until(60 * MS);
        assert_eq!(net.commit(1), 1);

        // Leader 1 adds 5; the entry reaches 5 only (probed at the next heartbeat).
        change(&mut net, 1, ConfChange::AddVoter(5)).expect("leader 1 committed its no-op");
        for id in [2, 3, 4] {
            net.isolate(id);
        }
        net.run_until(120 * MS);
        assert_eq!(voters(&net, 5), [1, 2, 3, 4, 5]);
        assert_eq!(net.node(5).log().last_index(), 2);
        net.crash(1);
        for id in [2, 3, 4] {
            net.heal(id);
        }
        net.in_flight.clear();

        // Leader 2 in term 2, with votes from 3 and 4.
        net.campaign(2);
        net.deliver_all_where(is_vote_traffic);
        assert_eq!((net.node(2).role(), net.node(2).term()), (Role::Leader, 2));
        match change(&mut net, 2, ConfChange::Remove(4)) {
            Ok(_) => {
                // Only with the break: commit the removal with node 3 (a majority of {1, 2, 3}).
                net.drop_where(|m| m.to == 4);
                net.deliver_all_where(|m| m.to != 4 && m.from != 4);
                net.advance(50 * MS);
                net.tick(2);
                net.deliver_all_where(|m| m.to != 4 && m.from != 4);
                assert_eq!(net.commit(2), 3, "the removal commits on {{2, 3}}");
                assert_eq!(net.commit(3), 3);
            }
            Err(e) => {
                assert_eq!(e, ChangeError::NoCommitInTerm);
                // The fix: the no-op commits first, on a majority of {1, 2, 3, 4}.
                net.deliver_all();
                assert_eq!(net.commit(2), 2);
                change(&mut net, 2, ConfChange::Remove(4)).expect("accepted after the no-op committed");
                net.deliver_all();
            }
        }

        // Server 1 comes back while 2 and 3 are unreachable, and stands.
        net.isolate(2);
        net.isolate(3);
        net.in_flight.clear();
        net.recover(1);
        for _ in 0..3 {
            net.campaign(1);
            net.deliver_all();
            if net.node(1).role() == Role::Leader {
                break;
            }
        }
        net.run_until(net.now + 100 * MS);
        net
    }

    let broken = replay(Breaks { membership_without_barrier: true, ..Breaks::default() });
    assert_eq!(broken.node(1).role(), Role::Leader, "two majorities that do not overlap: {{2, 3}} and {{1, 4, 5}}");
    assert!(
        broken.safety_violations.iter().any(|v| v.contains("state machine safety")),
        "a committed entry was overwritten: {:?}",
        broken.safety_violations
    );

    let fixed = replay(Breaks::default());
    assert_ne!(fixed.node(1).role(), Role::Leader, "node 1 cannot be elected");
    assert!(fixed.safety_violations.is_empty(), "{:?}", fixed.safety_violations);
}

/// Learners (dissertation §4.2.1, "non-voting members"; etcd/raft-rs learners): a server
/// added with AddLearner gets the whole log from the leader, stores new entries and —
/// once it learns the commit index — applies them, but its acknowledgement does not count
/// toward a commit: with both other voters cut off, the leader and the learner commit
/// nothing.
#[test]
fn added_learner_receives_the_log_but_is_not_counted_in_commit_majorities() {
    let mut net = steady(Config::default());
    net.add_server(4, newcomer());
    let index = change(&mut net, 1, ConfChange::AddLearner(4)).expect("accepted");
    assert_eq!(net.node(1).membership(), &members(&V3, &[4]));
    net.run_until(net.now + 100 * MS);
    assert_eq!(net.commit(1), index);
    assert_eq!(net.node(4).log().entries(), net.node(1).log().entries(), "the learner has the log");
    assert!(net.node(4).status().is_learner);

    net.isolate(2);
    net.isolate(3);
    let x = net.propose(1, "x").expect("accepted");
    net.deliver_all();
    assert_eq!(net.node(4).log().last_index(), x, "the learner stores the entry");
    assert_eq!(net.match_index(1, 4), x);
    assert_eq!(net.commit(1), index, "leader + learner is no majority of three voters");

    net.heal(2);
    net.run_until(net.now + MIN + 100 * MS); // the lost append is sent again after an election timeout
    assert_eq!(net.commit(1), x);
    assert_eq!(net.machine(4), ["x"], "the learner applies committed entries");
}

/// Learners never vote and never stand (etcd `TestLearnerElectionTimeout`,
/// `TestLearnerCannotVote`-style; raft-rs `test_learner_election_timeout`): a candidate asks
/// only voters, a vote granted by a learner is not counted, and a learner whose election
/// timeout passes again and again (or that is told to campaign) sends no vote request and
/// keeps its term.
#[test]
fn learners_are_not_asked_for_votes_are_not_counted_and_never_campaign() {
    let m = members(&V3, &[4]);
    let mut net = Net::from_states(Config::default(), (1..=4).map(|id| (id, durable_with(m.clone(), 0, &[]))).collect());
    let effects = net.campaign(1);
    assert_eq!(sends(&effects).iter().map(|m| m.to).collect::<Vec<_>>(), [2, 3], "only voters are asked");
    net.in_flight.clear();
    net.step(1, vote_response(4, 1, 1, true));
    assert_eq!(net.node(1).role(), Role::Candidate, "a learner's vote does not count");
    net.step(1, vote_response(2, 1, 1, true));
    assert_eq!(net.node(1).role(), Role::Leader);

    let mut net = Net::from_states(Config::default(), (1..=4).map(|id| (id, durable_with(m.clone(), 0, &[]))).collect());
    net.isolate(4);
    net.run_until(3_000 * MS);
    assert!(!net.sent.iter().any(|m| m.from == 4), "the learner sent nothing");
    assert_eq!((net.node(4).role(), net.node(4).term()), (Role::Follower, 0));
    assert!(sends(&net.campaign(4)).is_empty(), "told to campaign, it does not");
    assert_eq!(net.node(4).role(), Role::Follower);
}

/// Promotion (raft-rs `test_learner_promotion`, etcd `TestLearnerPromotion`): promoting a
/// learner makes it a voter — counted in majorities from the moment the leader appends the
/// change, and able to stand once its own log holds the change.
#[test]
fn promoted_learner_votes_counts_in_majorities_and_can_stand() {
    let m = members(&V3, &[4]);
    let mut net = Net::from_states(Config::default(), (1..=4).map(|id| (id, durable_with(m.clone(), 0, &[]))).collect());
    net.elect(1);
    net.run_until(60 * MS);
    let index = change(&mut net, 1, ConfChange::Promote(4)).expect("accepted");
    assert_eq!(net.node(1).membership(), &Membership::new([1, 2, 3, 4]));
    net.run_until(net.now + 60 * MS);
    assert!(net.commit(1) >= index && net.node(4).is_voter());

    // Four voters: leader + node 2 is not enough any more; node 4's acknowledgement is needed.
    net.isolate(3);
    let y = net.propose(1, "y").expect("accepted");
    net.deliver_all_where(|m| m.to != 4 && m.from != 4);
    assert_eq!(net.commit(1), index, "two of four");
    net.deliver_all();
    assert_eq!(net.commit(1), y, "node 4's acknowledgement commits it");

    net.heal(3);
    net.crash(1);
    let effects = net.fire_election_timer(4);
    assert_eq!(net.node(4).role(), Role::Candidate, "the promoted node stands");
    assert_eq!(sends(&effects).iter().map(|m| m.to).collect::<Vec<_>>(), [1, 2, 3]);
}

/// Dissertation §4.1 with §4.2.3: removing a follower takes effect on append: the leader
/// stops replicating to it at once (it may never learn of its removal) and counts
/// majorities in the remaining configuration — here both remaining servers.
#[test]
fn removed_follower_is_no_longer_replicated_to_or_counted() {
    let mut net = steady(Config::default());
    net.take_sent();
    let index = change(&mut net, 1, ConfChange::Remove(3)).expect("accepted");
    assert_eq!(voters(&net, 1), [1, 2]);
    assert!(net.node(1).progress(3).is_none());
    net.run_until(net.now + 100 * MS); // heartbeats go out; node 3's election timeout is 170 ms
    assert!(!net.sent.iter().any(|m| m.from == 1 && m.to == 3), "nothing more for node 3");
    assert_eq!(net.commit(1), index, "committed by {{1, 2}}");
    assert!(net.node(3).log().last_index() < index, "node 3 never heard of its removal");

    net.isolate(2);
    let x = net.propose(1, "x").expect("accepted");
    net.run_until(net.now + 100 * MS);
    assert!(net.commit(1) < x, "with node 2 cut off, the leader alone is not a majority of {{1, 2}}");
}

/// Etcd `TestPromotable`/"is unpromotable and can not campaign", dissertation §4.2.2: a
/// server that is not a voter in its own latest configuration — never added, or removed —
/// never campaigns: its election timeout passes without effect, and `campaign_now` does
/// nothing.
#[test]
fn a_node_that_is_not_a_voter_in_its_own_configuration_never_campaigns() {
    let mut net = Net::from_states(Config::default(), vec![(4, durable(&V3, 2, &[1, 2]))]);
    net.run_until(5_000 * MS);
    assert!(net.sent.is_empty(), "{:?}", net.sent);
    assert_eq!((net.node(4).role(), net.node(4).term()), (Role::Follower, 2));
    assert!(sends(&net.campaign(4)).is_empty());
    assert!(!net.node(4).status().is_voter);
}

/// Dissertation §4.2.2: a leader removed from the configuration "steps down once the Cnew
/// entry is committed" and until then "manages a cluster that does not include itself; it
/// replicates log entries but does not count itself in majorities" (etcd
/// `confchange_v1_remove_leader`). With one follower's acknowledgement — a majority of the
/// old configuration with itself — nothing commits; the second commits the change and what
/// followed; the leader then steps down and never campaigns again, and the remaining servers
/// elect a leader among themselves.
#[test]
fn removed_leader_leads_without_counting_itself_until_the_change_commits_then_steps_down() {
    let mut net = steady(Config::default());
    let index = change(&mut net, 1, ConfChange::Remove(1)).expect("accepted");
    assert_eq!(voters(&net, 1), [2, 3]);
    assert_eq!(net.node(1).role(), Role::Leader);
    let x = net.propose(1, "x").expect("still leading, it accepts proposals");
    net.deliver_all_where(|m| m.to != 3 && m.from != 3);
    assert_eq!(net.match_index(1, 2), x);
    assert_eq!(net.commit(1), 1, "node 2 alone is no majority of {{2, 3}}; the leader does not count");
    assert_eq!(net.node(1).role(), Role::Leader);

    net.deliver_all();
    assert!(net.commit(1) >= index, "node 3's acknowledgement commits the change");
    assert_eq!((net.node(1).role(), net.node(1).leader_id()), (Role::Follower, None), "then it steps down");
    assert_eq!(net.propose(1, "y"), Err(ProposeError::NotLeader { leader_hint: None }));

    net.take_sent();
    net.run_until(3_000 * MS);
    assert!(!net.sent.iter().any(|m| m.from == 1 && matches!(m.body, Body::RequestVote { .. })), "node 1 never stands");
    let leader = net.leader().expect("2 and 3 elect a leader");
    assert!(leader == 2 || leader == 3);
    assert_eq!(net.machine(leader), ["x"]);
    assert_eq!(net.node(1).role(), Role::Follower);
}

/// Dissertation §4.2.3: "removed servers (those not in Cnew) can disrupt the cluster" —
/// they do not hear heartbeats, so they time out and stand with higher terms. With
/// check-quorum's rule ("if a server receives a RequestVote request within the minimum
/// election timeout of hearing from a current leader, it does not update its term or grant
/// its vote"), with pre-vote, or with both, a removed server that never learned of its
/// removal cannot disrupt: the leader keeps leading in its term for seconds on end. Contrast
/// (neither switch): the removed server's RequestVotes depose the leader.
#[test]
fn removed_server_cannot_disrupt_the_cluster_with_pre_vote_or_check_quorum() {
    let run = |config: Config| {
        let mut net = steady(config);
        net.isolate(3);
        change(&mut net, 1, ConfChange::Remove(3)).expect("accepted");
        net.run_until(net.now + 100 * MS);
        assert_eq!(net.commit(2), 2, "the removal is committed and known to node 2");
        net.heal(3);
        net.take_sent();
        net.run_until(5_000 * MS);
        net
    };
    for config in
        [Config { check_quorum: true, ..Config::default() }, Config { pre_vote: true, ..Config::default() }, pre_vote_and_check_quorum()]
    {
        let (pre_vote, check_quorum) = (config.pre_vote, config.check_quorum);
        let net = run(config);
        assert!(
            net.sent.iter().any(|m| m.from == 3 && matches!(m.body, Body::RequestVote { .. })),
            "node 3 keeps trying (pre-vote {pre_vote}, check-quorum {check_quorum})"
        );
        assert_eq!(
            (net.node(1).role(), net.node(1).term(), net.node(2).term()),
            (Role::Leader, 1, 1),
            "pre-vote {pre_vote}, check-quorum {check_quorum}"
        );
    }
    let net = run(Config::default());
    assert!(net.node(1).term() > 1, "without either, node 3's higher terms depose the leader");
}

/// Dissertation §9.6 with §4.2.3 (etcd `prevote_checkquorum` testdata): a server cut off
/// from the cluster and then reconnected does not disrupt it when pre-vote is on (alone or
/// with check-quorum): it never raises its term while isolated, and the leader keeps
/// leading in its term.
#[test]
fn partitioned_server_cannot_disrupt_the_cluster_with_pre_vote() {
    for config in [Config { pre_vote: true, ..Config::default() }, pre_vote_and_check_quorum()] {
        let mut net = steady(config);
        net.isolate(3);
        net.run_until(3_000 * MS);
        assert_eq!(net.node(3).term(), 1);
        net.heal(3);
        net.run_until(6_000 * MS);
        assert!(V3.iter().all(|&id| net.node(id).term() == 1 && net.node(id).leader_id() == Some(1)));
    }
}

/// Check-quorum alone (etcd `TestFreeStuckCandidateWithCheckQuorum`): a server that was
/// partitioned raises its term with every election timeout. When it reconnects, its
/// RequestVotes are ignored by the leader and the follower that hear from each other
/// (§4.2.3), so they do not depose the leader — but the leader's next heartbeat is refused
/// with the higher term, which frees the stuck server at the cost of one election (this is
/// deliberate in etcd, and why pre-vote is recommended alongside check-quorum).
#[test]
fn with_check_quorum_alone_a_partitioned_servers_vote_requests_are_ignored_but_its_term_frees_it() {
    let mut net = steady(Config { check_quorum: true, ..Config::default() });
    net.isolate(3);
    net.run_until(1_000 * MS);
    let stuck = net.node(3).term();
    assert!(stuck > 1);
    net.heal(3);
    net.in_flight.clear();
    net.fire_election_timer(3);
    net.deliver_all_where(|m| m.from == 3 && matches!(m.body, Body::RequestVote { .. }));
    assert_eq!((net.node(1).role(), net.node(1).term(), net.node(2).term()), (Role::Leader, 1, 1), "vote requests ignored");

    net.drop_where(|m| m.to == 3);
    assert!(net.node(1).next_deadline() <= net.now, "a heartbeat is due");
    net.tick(1);
    net.deliver_all_where(|m| (m.from == 1 && m.to == 3) || (m.from == 3 && m.to == 1));
    assert_eq!(net.node(1).role(), Role::Follower, "the refused heartbeat carries the higher term");
    assert!(net.node(1).term() > stuck);
}

/// Dissertation §4.1: "a server always uses the latest configuration in its log" — also
/// when that entry is removed. A leader that appended a configuration entry it never got to
/// replicate, then lost leadership, reverts to the previous configuration once the new
/// leader's log overwrites the entry.
#[test]
fn an_uncommitted_configuration_entry_that_is_overwritten_is_rolled_back() {
    let mut net = steady(Config::default());
    net.isolate(1);
    change(&mut net, 1, ConfChange::AddVoter(4)).expect("accepted");
    assert_eq!(voters(&net, 1), [1, 2, 3, 4]);
    net.deliver_all();
    net.elect(2);
    net.heal(1);
    net.run_until(net.now + 100 * MS);
    assert_eq!(net.node(1).leader_id(), Some(2));
    assert_eq!(voters(&net, 1), [1, 2, 3], "the overwritten change is rolled back");
    assert_eq!(net.node(1).log().entries(), net.node(2).log().entries());
}

// =======================================================================================
// Log compaction and snapshots (§7; dissertation §5)
// =======================================================================================

/// §7: "Each server takes snapshots independently, covering just the committed entries in
/// its log." `compact(index, data)` replaces the entries up to `index` with a snapshot —
/// last included index and term, the configuration as of `index`, the state machine data —
/// emits PersistSnapshot and keeps the later entries; indexes of the remaining entries do
/// not change. It refuses an index not yet applied, and one already compacted.
#[test]
fn compact_replaces_applied_entries_with_a_snapshot_and_refuses_unapplied_indexes() {
    let mut net = steady(Config::default());
    let last = propose_n(&mut net, 1, "x", 4);
    net.deliver_all();
    assert_eq!(net.commit(1), last);
    let uncommitted = net.propose(1, "y").expect("accepted");

    let (done, effects) = net.run(1, |n, _| n.compact(uncommitted, "whatever"));
    assert!(!done && effects.is_empty(), "index {uncommitted} is not applied");
    assert!(net.compact(1, 3));
    let snapshot = net.disk(1).snapshot.clone();
    assert_eq!((snapshot.index, snapshot.term, snapshot.membership.clone()), (3, 1, Membership::new(V3)));
    assert_eq!(snapshot.data.as_ref(), "2=x0;3=x1", "the state machine as of index 3");
    assert_eq!(net.node(1).log().snapshot(), &snapshot);
    assert_eq!(net.node(1).log().first_index(), 4);
    assert_eq!(net.node(1).log().entries().iter().map(|e| e.index).collect::<Vec<_>>(), [4, 5, 6]);
    assert_eq!(net.node(1).log().term(3), Some(1));
    assert_eq!(net.node(1).log().term(2), None, "compacted");
    assert!(!net.compact(1, 3) && !net.compact(1, 2), "nothing left to compact up to 3");
    assert!(net.persistence_violations.is_empty(), "{:?}", net.persistence_violations);

    let (_, effects) = net.run(1, |n, _| n.compact(5, "2=x0;3=x1;4=x2;5=x3"));
    assert!(matches!(effects.as_slice(), [Effect::PersistSnapshot(s)] if s.index == 5), "{effects:?}");
}

/// §7 / dissertation §5.1: the snapshot records "the latest configuration as of the last
/// included index" — not a later one. A learner added at index k is in a snapshot taken at
/// k, not in one taken at k − 1.
#[test]
fn a_snapshot_carries_the_configuration_as_of_its_last_included_index() {
    let mut net = steady(Config::default());
    let before = net.propose(1, "x").expect("accepted");
    let k = change(&mut net, 1, ConfChange::AddLearner(4)).expect("accepted");
    assert_eq!(k, before + 1);
    net.deliver_all();
    assert!(net.compact(1, before));
    assert_eq!(net.disk(1).snapshot.membership, Membership::new(V3));
    assert!(net.compact(1, k));
    assert_eq!(net.disk(1).snapshot.membership, members(&V3, &[4]));
}

/// §7: "the leader must occasionally send snapshots to followers that lag behind ... when
/// the leader has already discarded the next log entry that it needs to send". The leader's
/// progress for that follower goes to the Snapshot state (etcd
/// `TestSendingSnapshotSetPendingSnapshot`) and it sends nothing else to it meanwhile
/// (`TestPendingSnapshotPauseReplication`). The follower installs the snapshot —
/// PersistSnapshot, then ApplySnapshot, then the answer; commit = applied = the snapshot's
/// index — and the leader goes on replicating the later entries until the follower's log
/// and state machine equal its own.
#[test]
fn leader_sends_a_snapshot_to_a_follower_that_needs_compacted_entries_and_replicates_after_it() {
    let (mut net, last) = snapshot_in_flight_to_node_3(5);
    let m = net.in_flight.iter().find(|m| is_snapshot(m)).cloned().expect("in flight");
    assert_eq!(m.to, 3);
    match &m.body {
        Body::InstallSnapshot { snapshot, .. } => assert_eq!(snapshot, &net.disk(1).snapshot),
        other => panic!("{other:?}"),
    }
    assert_eq!(progress_state(&net, 1, 3), ProgressState::Snapshot { pending_index: last });
    let y = net.propose(1, "y").expect("accepted");
    assert!(!net.in_flight.iter().any(|m| m.to == 3 && !is_snapshot(m)), "nothing but the snapshot for node 3");

    let i = net.in_flight.iter().position(is_snapshot).expect("in flight");
    net.in_flight.remove(i);
    let effects = net.step(3, m);
    let persist = position(&effects, |e| matches!(e, Effect::PersistSnapshot(s) if s.index == last)).expect("persisted");
    let apply = position(&effects, |e| matches!(e, Effect::ApplySnapshot(s) if s.index == last)).expect("applied");
    let answer = position(&effects, |e| matches!(e, Effect::Send(m) if m.kind() == MessageKind::SnapshotResponse)).expect("answered");
    assert!(persist < apply && apply < answer, "{effects:?}");
    let s = net.node(3).status();
    assert_eq!((s.snapshot_index, s.commit_index, s.applied_index), (last, last, last));
    assert_eq!(net.machine(3), ["x0", "x1", "x2", "x3", "x4"]);

    net.run_until(net.now + 100 * MS);
    assert_eq!(progress_state(&net, 1, 3), ProgressState::Replicate);
    assert_eq!(net.node(3).log().last_index(), y);
    assert_eq!(net.node(3).log().entries(), net.node(1).log().entries());
    assert_eq!(net.machine(3), net.machine(1));
    assert!(net.persistence_violations.is_empty() && net.safety_violations.is_empty());
}

/// §7 (Figure 13, InstallSnapshot receiver rules 6–7): "If existing log entry has same index
/// and term as snapshot's last included entry, retain log entries following it and reply";
/// otherwise "discard the entire log". The disk, built only from the effects, ends up the
/// same as the log; commit and applied move to the snapshot's index; the configuration
/// comes from the snapshot unless a retained entry holds a later one.
#[test]
fn installed_snapshot_keeps_a_matching_suffix_and_discards_a_conflicting_log() {
    let snapshot = |index: Index, term: Term, voters: &[NodeId]| Snapshot {
        index,
        term,
        membership: Membership::new(voters.iter().copied()),
        data: "".into(),
    };
    let install = |s: Snapshot, term: Term| Message { from: 2, to: 1, term, body: Body::InstallSnapshot { snapshot: s, round: 0 } };

    // Matching: entries 4 and 5 stay.
    let mut net = solo(&V3, 1, &[1, 1, 1, 1, 1]);
    let effects = net.step(1, install(snapshot(3, 1, &[1, 2, 3, 4]), 1));
    let log = net.node(1).log();
    assert_eq!((log.snapshot_index(), log.first_index(), log.last_index()), (3, 4, 5));
    assert_eq!((log.commit_index(), log.applied_index()), (3, 3));
    assert_eq!(net.disk(1).entries, log.entries());
    assert_eq!(voters(&net, 1), [1, 2, 3, 4], "the snapshot's configuration");
    let answer = sends(&effects).pop().expect("answered");
    assert_eq!(answer.body, Body::InstallSnapshotResponse { match_index: 3, round: 0 });

    // Conflicting: the whole log goes.
    let mut net = solo(&V3, 2, &[1, 1, 2, 2]);
    net.step(1, install(snapshot(3, 3, &V3), 3));
    let log = net.node(1).log();
    assert!(log.entries().is_empty());
    assert_eq!((log.last_index(), log.last_term(), log.commit_index()), (3, 3, 3));
    assert!(net.disk(1).entries.is_empty());
    assert!(net.persistence_violations.is_empty(), "{:?}", net.persistence_violations);

    // Already covered by the commit index: ignored, answered with the commit index.
    let mut net = solo(&V3, 1, &[1, 1, 1, 1]);
    net.step(1, append(2, 1, 1, (4, 1), vec![], 3));
    let effects = net.step(1, install(snapshot(2, 1, &V3), 1));
    assert!(!effects.iter().any(|e| matches!(e, Effect::PersistSnapshot(_) | Effect::ApplySnapshot(_))), "{effects:?}");
    assert_eq!(only_send(&effects).body, Body::InstallSnapshotResponse { match_index: 3, round: 0 });
    assert_eq!(net.node(1).log().snapshot_index(), 0);
}

/// §7 with Figure 2 rules 2–4: an AppendEntries may start inside a follower's snapshot (a
/// delayed one, or one from a leader that does not yet know the follower compacted). The
/// entries up to the follower's commit index are committed, so they match the leader's
/// (Log Matching, Leader Completeness): the follower skips them instead of refusing because
/// it no longer holds the previous entry, and appends the rest.
#[test]
fn an_append_that_starts_inside_the_followers_snapshot_is_accepted_for_what_follows_it() {
    let snapshot = Snapshot { index: 5, term: 1, membership: Membership::new(V3), data: "".into() };
    let state = DurableState { hard_state: HardState { current_term: 1, voted_for: None }, snapshot, entries: vec![entry(6, 1)] };
    let mut net = Net::from_states(Config::default(), vec![(1, state)]);
    let effects = net.step(1, append(2, 1, 1, (3, 1), (4..=7).map(|i| entry(i, 1)).collect(), 7));
    assert!(matches!(only_send(&effects).body, Body::AppendEntriesResponse { success: true, match_index: 7, .. }), "{effects:?}");
    assert_eq!((net.node(1).log().last_index(), net.commit(1)), (7, 7));
    assert_eq!(net.node(1).log().entry(7), Some(&entry(7, 1)));
}

/// §7 (Figure 13) with §5.2: InstallSnapshot comes only from a leader, so it is recognized
/// as AppendEntries is: a candidate of the same term steps down and follows the sender, and
/// a follower that knew no leader learns it. A follower that already follows the sender
/// does the receiver's work once: it restarts its election timer (one draw), persists the
/// snapshot, applies it, then answers.
#[test]
fn install_snapshot_makes_its_sender_the_leader_of_the_term() {
    let snapshot = Snapshot { index: 3, term: 1, membership: Membership::new(V3), data: "1=a".into() };
    let install = |term: Term| Message { from: 2, to: 1, term, body: Body::InstallSnapshot { snapshot: snapshot.clone(), round: 0 } };

    let mut net = solo(&V3, 1, &[1]);
    net.campaign(1);
    assert_eq!((net.node(1).role(), net.node(1).term()), (Role::Candidate, 2));
    net.step(1, install(2));
    assert_eq!((net.node(1).role(), net.node(1).leader_id(), net.node(1).log().snapshot_index()), (Role::Follower, Some(2), 3));

    let mut net = solo(&V3, 1, &[1]);
    assert_eq!(net.node(1).leader_id(), None);
    net.step(1, install(1));
    assert_eq!((net.node(1).role(), net.node(1).leader_id()), (Role::Follower, Some(2)));

    let mut net = solo(&V3, 1, &[1]);
    net.step(1, heartbeat(2, 1, 1, 0));
    let effects = net.step(1, install(1));
    assert_eq!(
        effects,
        [
            Effect::ResetElectionTimer,
            Effect::PersistSnapshot(snapshot.clone()),
            Effect::ApplySnapshot(snapshot.clone()),
            Effect::Send(Message { from: 1, to: 2, term: 1, body: Body::InstallSnapshotResponse { match_index: 3, round: 0 } }),
        ]
    );
}

/// §7 and Figure 2 ("volatile state"): a server restarting from a snapshot knows the
/// snapshot's entries are committed and applied — commit = applied = the snapshot's index —
/// and takes its configuration from the snapshot, or from a later configuration entry in its
/// log (dissertation §4.1). Then `snapshot index <= applied <= commit <= last index`.
#[test]
fn node_restarted_from_a_snapshot_starts_with_commit_and_applied_at_its_index_and_its_membership() {
    let s = Snapshot { index: 5, term: 2, membership: Membership::new([1, 2, 3, 4]), data: "3=a;5=b".into() };
    let tail = vec![
        Entry { index: 6, term: 2, payload: Payload::Noop },
        Entry {
            index: 7,
            term: 3,
            payload: Payload::Config { change: ConfChange::AddLearner(5), membership: members(&[1, 2, 3, 4], &[5]) },
        },
        entry(8, 3),
    ];
    for (entries, expected) in [(tail[..1].to_vec(), Membership::new([1, 2, 3, 4])), (tail.clone(), members(&[1, 2, 3, 4], &[5]))] {
        let state = DurableState { hard_state: HardState { current_term: 3, voted_for: None }, snapshot: s.clone(), entries };
        let net = Net::from_states(Config::default(), vec![(1, state.clone())]);
        let st = net.node(1).status();
        assert_eq!((st.snapshot_index, st.applied_index, st.commit_index), (5, 5, 5));
        assert_eq!(st.last_index, s.index + state.entries.len() as Index);
        assert_eq!(net.node(1).membership(), &expected);
        assert_eq!(net.machine(1), ["a", "b"], "the harness restores the state machine from the snapshot");
    }

    // End to end: a compacted leader crashes and restarts; the cluster carries on.
    let mut net = steady(Config::default());
    let last = propose_n(&mut net, 1, "x", 3);
    net.run_until(net.now + 60 * MS);
    assert!(net.compact(1, last));
    net.crash(1);
    net.recover(1);
    let st = net.node(1).status();
    assert_eq!((st.snapshot_index, st.applied_index, st.commit_index, st.last_index), (last, last, last, last));
    net.run_until(net.now + 1_000 * MS);
    let leader = net.leader().expect("a leader");
    net.propose(leader, "after").expect("accepted");
    net.run_until(net.now + 100 * MS);
    for id in V3 {
        assert_eq!(net.machine(id), ["x0", "x1", "x2", "after"], "node {id}");
    }
}

/// Dissertation §4.2.1 with §7 (raft-rs `test_snapshot_with_min_term`, etcd
/// `TestProvideSnap`): a server added after the leader compacted its log catches up through
/// a snapshot — installing the old configuration first, then the entry that adds it.
#[test]
fn a_server_added_after_compaction_catches_up_through_a_snapshot() {
    let mut net = steady(Config::default());
    let last = propose_n(&mut net, 1, "x", 3);
    net.deliver_all();
    assert!(net.compact(1, last));
    net.add_server(4, newcomer());
    let index = change(&mut net, 1, ConfChange::AddVoter(4)).expect("accepted");
    net.run_until(net.now + 200 * MS);
    assert_eq!(net.snapshots_applied[&4].iter().map(|s| s.index).collect::<Vec<_>>(), [last]);
    assert_eq!(net.commit(1), index);
    assert_eq!(voters(&net, 4), [1, 2, 3, 4]);
    assert_eq!(net.machine(4), ["x0", "x1", "x2"]);
    assert_eq!(net.node(4).log().last_index(), net.node(1).log().last_index());
}

/// Etcd/raft-rs progress tracking (`Progress` in the Snapshot state): a snapshot whose
/// answer never comes is sent again once an election timeout (the minimum) has passed
/// without an answer — not before.
#[test]
fn a_lost_snapshot_is_sent_again_after_an_election_timeout() {
    let (mut net, _) = snapshot_in_flight_to_node_3(3);
    let sent_at = net.now;
    net.drop_where(is_snapshot);

    run_until_in_flight(&mut net, is_snapshot, sent_at + 2 * MIN);
    assert!(net.now >= sent_at + MIN, "resent after {} ms", (net.now - sent_at) / MS);
    assert!(net.now < sent_at + MIN + Config::default().heartbeat_interval, "at the first heartbeat after the timeout");
    net.run_until(net.now + 100 * MS);
    assert_eq!(net.machine(3), net.machine(1));
}

// =======================================================================================
// Linearizable reads (dissertation §6.4)
// =======================================================================================

/// Dissertation §6.4, ReadIndex: the leader records its commit index as the read index,
/// then "sends heartbeats ... ; once it receives acknowledgments from a majority of the
/// cluster, it knows it was the leader at the time it received the read-only request".
/// In a 5-node cluster: acknowledgements of a round sent before the read do not count; one
/// follower's acknowledgement of the new round is not enough; the second makes
/// `ReadReady { id, index }` with index = the commit index when the read arrived, which
/// covers a write committed before it.
#[test]
fn read_index_is_answered_after_a_majority_acknowledged_a_heartbeat_sent_after_the_read() {
    let mut net = Net::new(&V5);
    net.elect(1);
    let w = net.propose(1, "w").expect("accepted");
    net.deliver_all();
    assert_eq!(net.commit(1), w);

    // An earlier round, answered but the answers held back.
    net.advance_to(50 * MS);
    net.tick(1);
    net.deliver_all_where(|m| m.from == 1);
    assert!(net.in_flight.iter().all(|m| m.to == 1 && round_of(m) == Some(1)), "{:?}", net.in_flight);

    net.advance_to(60 * MS);
    let (result, effects) = read(&mut net, 1, 7);
    assert_eq!(result, Ok(()));
    assert_eq!(ready_in(&effects, 7), None, "not at once");
    let round = sends(&effects).iter().map(|m| round_of(m).expect("heartbeats")).max().expect("a new round");
    assert_eq!(sends(&effects).len(), 4, "a heartbeat to every follower");
    assert!(round > 1);

    net.deliver_all_where(|m| m.to == 1 && round_of(m) == Some(1));
    assert!(net.read_ready(1, 7).is_empty(), "answers to the earlier round do not count");
    net.deliver_all_where(|m| m.to == 2 || m.from == 2);
    assert!(net.read_ready(1, 7).is_empty(), "leader + node 2 is no majority of five");
    net.deliver_all_where(|m| m.to == 3 || m.from == 3);
    assert_eq!(net.read_ready(1, 7), [w], "a majority answered; the read index covers w");
}

/// Dissertation §6.4 (etcd `TestReadOnlyWithLearner`, single-node case): a leader that is
/// the only voter needs no round — it answers at once, learners notwithstanding.
#[test]
fn a_single_voter_leader_answers_reads_at_once() {
    let mut net = Net::new(&[1]);
    net.elect(1);
    assert_eq!(net.commit(1), 1);
    let (result, effects) = read(&mut net, 1, 1);
    assert_eq!((result, ready_in(&effects, 1)), (Ok(()), Some(1)));
    assert!(sends(&effects).is_empty());

    let m = members(&[1], &[2]);
    let mut net = Net::from_states(Config::default(), (1..=2).map(|id| (id, durable_with(m.clone(), 0, &[]))).collect());
    net.elect(1);
    let (_, effects) = read(&mut net, 1, 2);
    assert_eq!(ready_in(&effects, 2), Some(1), "with a learner too");
}

/// Dissertation §6.4 step 1: "If the leader has not yet marked an entry from its current
/// term committed, it waits until it has done so" — only then does it know the latest
/// commit index (etcd `TestReadOnlyForNewLeader`). A new leader accepts the read but answers
/// only after its no-op commits, with a read index at least the no-op's (so every entry a
/// previous leader committed is covered), after a heartbeat round.
#[test]
fn a_new_leader_defers_reads_until_it_commits_an_entry_of_its_term() {
    let mut net = steady(Config::default());
    let a = net.propose(1, "a").expect("accepted");
    net.run_until(net.now + 60 * MS);
    net.crash(1);
    net.campaign(2);
    net.deliver_all_where(is_vote_traffic);
    assert_eq!(net.node(2).role(), Role::Leader);
    let noop = net.node(2).log().last_index();
    assert!(net.commit(2) < noop);

    let (result, effects) = read(&mut net, 2, 9);
    assert_eq!(result, Ok(()));
    assert_eq!(ready_in(&effects, 9), None);
    while net.read_ready(2, 9).is_empty() {
        assert!(net.commit(2) >= noop || net.reads.is_empty(), "no answer before the no-op commits");
        assert!(net.deliver_one(), "the read must be answered");
    }
    assert_eq!(net.read_ready(2, 9), [noop]);
    assert!(noop > a);
}

/// Dissertation §6.4: a read can only be served by a leader that is still leading. A leader
/// that steps down with reads pending (here: a higher term arrives) emits ReadAborted for
/// each — including reads still waiting for the first commit of its term — and never
/// ReadReady for them.
#[test]
fn a_leader_that_steps_down_aborts_its_pending_reads() {
    let mut net = steady(Config::default());
    assert_eq!(read(&mut net, 1, 1).0, Ok(()));
    net.in_flight.clear();
    let effects = net.step(1, vote_request(3, 1, 5, (1, 1)));
    assert!(effects.contains(&Effect::ReadAborted { id: 1 }), "{effects:?}");
    assert_eq!(net.node(1).role(), Role::Follower);
    net.deliver_all();
    assert!(net.read_ready(1, 1).is_empty());

    let mut net = Net::new(&V3);
    net.campaign(1);
    net.deliver_all_where(is_vote_traffic);
    assert_eq!(read(&mut net, 1, 2).0, Ok(()), "deferred until the no-op commits");
    net.in_flight.clear();
    net.step(1, heartbeat(2, 1, 2, 0));
    assert!(net.read_aborted(1, 2));
}

/// Dissertation §6.4 ("followers could also help"): a follower that knows its leader asks
/// it for a read index, waits until it has applied that index, and serves the read from its
/// own state machine. The leader confirms its leadership with a heartbeat round first.
#[test]
fn a_follower_forwards_a_read_to_its_leader_and_serves_it_once_applied() {
    let mut net = steady(Config::default());
    let index = net.propose(1, "x=1").expect("leader");
    net.deliver_all();
    assert_eq!(net.commit(1), index, "the leader committed x=1");
    assert!(net.commit(2) < index, "node 2 has not heard so yet");
    let (result, effects) = read(&mut net, 2, 7);
    assert_eq!(result, Ok(()));
    assert_eq!(kinds(&sends(&effects)), [MessageKind::ReadIndex]);
    assert_eq!(ready_in(&effects, 7), None);
    net.deliver_all();
    assert_eq!(net.read_ready(2, 7), [index], "served at node 2 at the leader's commit index");
    assert!(net.applied(2).iter().any(|e| e.index == index), "after applying it");
    assert!(net.read_ready(1, 7).is_empty(), "the leader only answered the index");
}

/// Dissertation §6.4: the follower serves a forwarded read only once its own state machine
/// has reached the leader's read index. Here node 2 missed the entry the index covers (its
/// copy was lost): the leader's answer arrives first, and the read waits until the leader's
/// resend brings the entry and node 2 applies it.
#[test]
fn a_forwarded_read_waits_until_the_follower_has_applied_the_read_index() {
    let mut net = steady(Config::default());
    net.isolate(2);
    let index = net.propose(1, "x=1").expect("leader");
    net.deliver_all();
    net.heal(2);
    assert_eq!((net.commit(1), net.commit(2)), (index, index - 1));
    read(&mut net, 2, 7).0.expect("forwarded");
    net.deliver_all();
    assert!(net.sent.iter().any(|m| m.to == 2 && m.body == Body::ReadIndexResponse { id: 7, index: Some(index) }), "the leader answered");
    assert!(net.read_ready(2, 7).is_empty(), "node 2 has applied only up to {}", net.node(2).log().applied_index());
    net.run_until(net.now + 2 * MIN);
    assert_eq!(net.node(2).log().applied_index(), index);
    assert_eq!(net.read_ready(2, 7), [index]);
}

/// Dissertation §6.4 with §3.10: only a leader that is not handing over answers a
/// forwarded read. A follower asked by mistake, or a leader in the middle of a transfer,
/// refuses it at once, and the follower that asked aborts the read so its client can retry.
#[test]
fn a_forwarded_read_is_refused_by_a_follower_and_by_a_leader_handing_over() {
    let mut net = steady(Config::default());
    let effects = net.step(2, Message { from: 3, to: 2, term: 1, body: Body::ReadIndex { id: 9 } });
    assert_eq!(only_send(&effects).body, Body::ReadIndexResponse { id: 9, index: None }, "node 2 is not the leader");

    let mut net = steady(Config::default());
    net.crash(3);
    assert_eq!(transfer(&mut net, 1, 3).0, Ok(()));
    read(&mut net, 2, 7).0.expect("forwarded");
    net.deliver_all();
    assert!(net.read_aborted(2, 7));
    assert!(net.read_ready(2, 7).is_empty());
}

/// A read forwarded to a leader that never answers it (the request or the answer was lost)
/// is not kept forever: once it is two minimum election timeouts old, the follower aborts
/// it the next time it hears from the leader, and the client can try again.
#[test]
fn a_forwarded_read_that_is_never_answered_is_aborted_after_two_election_timeouts() {
    let mut net = steady(Config::default());
    let sent = net.now;
    read(&mut net, 2, 7).0.expect("forwarded");
    net.drop_where(|m| m.kind() == MessageKind::ReadIndex);
    net.run_until(sent + 2 * MIN - 1);
    assert!(!net.read_aborted(2, 7), "not yet overdue");
    net.run_until(sent + 2 * MIN + Config::default().heartbeat_interval);
    assert!(net.read_aborted(2, 7), "overdue: aborted at the next heartbeat");
    assert!(net.read_ready(2, 7).is_empty());
}

/// A follower's read waits for the leader's heartbeat round: a leader cut off from the
/// majority never answers, and when the follower learns of a new leader the read is
/// aborted so the client can try again.
#[test]
fn a_forwarded_read_is_aborted_when_the_follower_learns_of_another_leader() {
    let mut net = steady(Config::default());
    read(&mut net, 2, 7).0.expect("forwarded");
    net.isolate(1);
    net.deliver_all();
    assert!(net.read_ready(2, 7).is_empty());
    net.campaign(3);
    net.deliver_all();
    assert!(net.read_aborted(2, 7));
}

/// A follower's read forwarded in one term is aborted as soon as the follower learns of a
/// newer term, even from the same leader (re-elected): the ReadIndex went out in the old
/// term, and whatever the leader answers in it would now be a stale message, ignored
/// (Figure 2: a stale term is rejected), so the client would wait for nothing.
#[test]
fn a_forwarded_read_is_aborted_when_the_follower_learns_of_a_newer_term_even_from_the_same_leader() {
    let mut net = steady(Config::default());
    read(&mut net, 2, 7).0.expect("forwarded");
    net.drop_where(|_| true);
    net.step(2, heartbeat(1, 2, 2, 1));
    assert_eq!((net.node(2).term(), net.node(2).leader_id()), (2, Some(1)));
    assert!(net.read_aborted(2, 7), "aborted at once");
    // In the same term, hearing from the same leader keeps the read waiting.
    read(&mut net, 2, 8).0.expect("forwarded");
    net.drop_where(|_| true);
    net.step(2, heartbeat(1, 2, 2, 1));
    assert!(!net.read_aborted(2, 8));
}

/// A server that knows no leader (a candidate) refuses reads.
#[test]
fn a_candidate_refuses_reads() {
    let mut net = steady(Config::default());
    net.campaign(3);
    assert_eq!(read(&mut net, 3, 1).0, Err(ReadError::NotLeader { leader_hint: None }));
}

fn lease() -> Config {
    Config { check_quorum: true, lease_read: true, ..Config::default() }
}

/// Dissertation §6.4.1: lease reads are only safe because check-quorum keeps followers that
/// heard from the leader from electing another one, so `Config::validate` refuses
/// `lease_read` without `check_quorum` — unless the `lease_without_check_quorum` break asks
/// for exactly that.
#[test]
fn lease_reads_need_check_quorum_unless_broken() {
    let no_cq = Config { lease_read: true, ..Config::default() };
    assert_eq!(no_cq.validate(), Err(ConfigError::LeaseWithoutCheckQuorum));
    assert_eq!(lease().validate(), Ok(()));
    let broken = Config { breaks: Breaks { lease_without_check_quorum: true, ..Breaks::default() }, ..no_cq };
    assert_eq!(broken.validate(), Ok(()));
}

/// Dissertation §6.4.1: "the leader would use the normal heartbeat mechanism to maintain a
/// lease ... [it] would assume that no other server will become leader for about an
/// election timeout" — counted from when the heartbeats that a majority then acknowledged
/// were sent (raft-rs/etcd `ReadOnlyLeaseBased`). While the lease runs the leader answers
/// at once, with no message; from the moment it expires it goes through a ReadIndex round.
#[test]
fn lease_read_is_answered_at_once_while_the_lease_runs_and_not_after_it_expires() {
    let mut net = Net::with_config(&V3, lease());
    net.elect(1);
    net.deliver_all();
    let (_, effects) = read(&mut net, 1, 1);
    assert_eq!(ready_in(&effects, 1), None, "no round acknowledged yet: no lease");
    net.deliver_all();
    assert_eq!(net.read_ready(1, 1), [1]);

    let sent_at = 50 * MS;
    net.advance_to(sent_at);
    net.tick(1);
    net.deliver_all();
    // The lease stops short of the minimum election timeout by the clock-drift bound.
    let lease = lease().lease_duration();
    assert_eq!(lease, MIN - MIN * CLOCK_DRIFT_PERCENT / 100);
    net.advance_to(sent_at + lease - 1);
    let (_, effects) = read(&mut net, 1, 2);
    assert_eq!(ready_in(&effects, 2), Some(1), "within the lease: at once");
    assert!(sends(&effects).is_empty());

    net.advance_to(sent_at + lease);
    let (_, effects) = read(&mut net, 1, 3);
    assert_eq!(ready_in(&effects, 3), None, "the lease has expired");
    assert_eq!(kinds(&sends(&effects)), [MessageKind::Heartbeat, MessageKind::Heartbeat], "a ReadIndex round instead");
    net.deliver_all();
    assert_eq!(net.read_ready(1, 3), [1]);
}

/// Dissertation §6.4.1: the lease runs from the send time of the latest heartbeat round a
/// majority answered. A newer round does not cut it short while fewer than a majority have
/// answered it: between a heartbeat going out and a majority's answers, reads are still
/// answered at once. Once a majority answered the newer round, it is the only one the
/// leader still needs (the oldest round kept is the latest one a majority answered).
#[test]
fn a_round_answered_by_a_minority_does_not_interrupt_the_lease_of_the_round_before_it() {
    let mut net = Net::with_config(&V5, lease());
    net.elect(1);
    net.deliver_all();
    let sent_at = 50 * MS;
    net.advance_to(sent_at);
    net.tick(1);
    net.deliver_all();
    // The next round goes out; only node 2 answers it (with the leader, 2 of 5).
    net.advance_to(sent_at + Config::default().heartbeat_interval);
    net.tick(1);
    net.deliver_all_where(|m| m.to == 2 || m.from == 2);
    assert_eq!(net.node(1).rounds_kept(), 2, "the round answered by a majority, and the newer one");
    net.advance(10 * MS);
    assert!(net.now < sent_at + lease().lease_duration());
    let (_, effects) = read(&mut net, 1, 1);
    assert_eq!(ready_in(&effects, 1), Some(1), "within the lease of the answered round: at once");
    net.deliver_all();
    assert_eq!(net.node(1).rounds_kept(), 1, "a majority answered the newer round: the older one is dropped");
}

/// Dissertation §6.4: lease reads are a choice (`lease_read`). Without it every read waits
/// for a heartbeat round after it arrived, even at a leader with check-quorum on, which
/// could have held a lease.
#[test]
fn without_lease_reads_a_read_waits_for_a_round_even_with_check_quorum() {
    let mut net = steady(Config { check_quorum: true, ..Config::default() });
    let (_, effects) = read(&mut net, 1, 1);
    assert_eq!(ready_in(&effects, 1), None, "no lease");
    assert_eq!(kinds(&sends(&effects)), [MessageKind::Heartbeat, MessageKind::Heartbeat], "a ReadIndex round");
    net.deliver_all();
    assert_eq!(net.read_ready(1, 1), [1]);
}

/// Dissertation §6.4.1 with §3.10: a leader that sent TimeoutNow may be replaced at once —
/// the target's vote requests skip the lease — so its lease no longer protects reads. After
/// a transfer whose TimeoutNow was sent (here, lost) and that was then abandoned, reads go
/// through a ReadIndex round although heartbeats are acknowledged as before. Contrast: the
/// same leader without the transfer answers at once.
#[test]
fn lease_reads_stop_once_the_leader_sent_timeout_now() {
    let setup = || {
        let mut net = Net::with_config(&V3, lease());
        net.elect(1);
        net.run_until(60 * MS);
        net
    };
    let mut net = setup();
    let (result, effects) = transfer(&mut net, 1, 2);
    assert_eq!((result, kinds(&sends(&effects))), (Ok(()), vec![MessageKind::TimeoutNow]));
    let timeout_now = |m: &Message| m.kind() == MessageKind::TimeoutNow;
    run_until_dropping(&mut net, 60 * MS + MIN, timeout_now);
    assert_eq!(net.sent.iter().filter(|m| timeout_now(m)).count(), 1, "TimeoutNow goes out once");
    assert_eq!(net.node(1).status().transferee, None, "transfer abandoned");
    assert_eq!(net.node(1).role(), Role::Leader);
    let (_, effects) = read(&mut net, 1, 1);
    assert_eq!(ready_in(&effects, 1), None, "no lease after TimeoutNow");
    net.deliver_all();
    assert_eq!(net.read_ready(1, 1).len(), 1, "served by a ReadIndex round");

    let mut net = setup();
    net.run_until(60 * MS + MIN);
    let (_, effects) = read(&mut net, 1, 1);
    assert!(ready_in(&effects, 1).is_some(), "contrast: the lease holds");
}

/// Dissertation §6.4.1 — why leases need check-quorum, shown with the
/// `lease_without_check_quorum` break. The leader is cut off right after a round was
/// acknowledged; without check-quorum, node 3 is elected at once (node 2 has no reason to
/// refuse), and commits a write; the old leader, its lease still running, answers a read
/// with an index that misses that write — a stale read. With check-quorum, node 2 refuses
/// to vote within the lease, so no write can happen behind the old leader's back.
#[test]
fn lease_reads_without_check_quorum_return_stale_data_and_check_quorum_prevents_it() {
    let scenario = |config: Config| {
        let mut net = Net::with_config(&V3, config);
        net.elect(1);
        net.run_until(60 * MS); // round of the 50 ms heartbeat acknowledged
        net.isolate(1);
        net.advance(MS);
        net.campaign(3);
        net.deliver_all();
        if net.node(3).role() == Role::Leader {
            net.propose(3, "w").expect("accepted");
            net.deliver_all();
        }
        net.advance(MS);
        let (_, effects) = read(&mut net, 1, 1);
        let written = net.nodes.values().map(|n| n.log().commit_index()).max().expect("nodes");
        (net, ready_in(&effects, 1), written)
    };

    let broken = Config { breaks: Breaks { lease_without_check_quorum: true, ..Breaks::default() }, ..lease() };
    let (net, answer, written) = scenario(Config { check_quorum: false, ..broken });
    assert_eq!(net.node(3).role(), Role::Leader);
    assert_eq!(net.machine(3), ["w"], "w is committed");
    assert!(answer.is_some_and(|index| index < written), "stale read: index {answer:?}, but w is at {written}");

    let (net, answer, written) = scenario(lease());
    assert_ne!(net.node(3).role(), Role::Leader, "node 2 would not vote within the lease");
    assert!(answer.is_some_and(|index| index >= written), "the lease read is safe: {answer:?} >= {written}");
}

/// Dissertation §6.4.1: the lease holds only if no other server can be elected while it
/// runs. Check-quorum's rule protects it only for servers that remember hearing from the
/// leader: a follower that restarts (its last leader contact is volatile) grants a vote at
/// once, so a majority can elect a new leader that commits a write while the old leader,
/// cut off, still answers lease reads with an index that misses it. Claim checked: with
/// lease reads and check-quorum, no read is stale even if a follower restarts.
#[test]
fn lease_read_stays_safe_when_a_follower_restarts_within_the_lease() {
    let mut net = Net::with_config(&V3, lease());
    net.elect(1);
    net.run_until(60 * MS); // the 50 ms round is acknowledged: the lease runs to 200 ms
    net.isolate(1);
    net.restart(2);
    net.advance(MS);
    net.campaign(3);
    net.deliver_all();
    if net.node(3).role() == Role::Leader {
        net.propose(3, "w").expect("accepted");
        net.deliver_all();
    }
    let written = net.commit(3);
    net.advance(MS);
    let (_, effects) = read(&mut net, 1, 1);
    let answer = ready_in(&effects, 1);
    assert!(answer.is_none_or(|index| index >= written), "stale lease read: index {answer:?}, but {written} is committed");
}

// =======================================================================================
// Flow control (etcd `tracker.Progress`: Probe / Replicate / Snapshot)
// =======================================================================================

/// Etcd/raft-rs `test_msg_app_flow_control_full` and `_move_forward`: in the Replicate
/// state the leader streams appends without waiting, but at most `max_inflight` unanswered
/// ones per follower; further proposals send nothing to it. An acknowledgement frees the
/// slots it covers and the leader then sends everything pending in one append; a stale
/// acknowledgement frees nothing.
#[test]
fn replicate_allows_at_most_max_inflight_unanswered_appends() {
    let config = Config { max_inflight: 3, ..Config::default() };
    let mut net = Net::with_config(&[1, 2], config);
    net.elect(1);
    net.deliver_all();
    assert_eq!(progress_state(&net, 1, 2), ProgressState::Replicate);

    for k in 0..3 {
        let (_, effects) = net.run(1, |n, now| n.propose(now, Command::new(&format!("a{k}"), 0)));
        assert_eq!(kinds(&sends(&effects)), [MessageKind::Append], "append {k} goes out at once");
    }
    for k in 3..10 {
        let (_, effects) = net.run(1, |n, now| n.propose(now, Command::new(&format!("a{k}"), 0)));
        assert!(sends(&effects).is_empty(), "window full: proposal {k} waits");
    }
    assert_eq!(net.node(1).status().peers[0].inflight, 3);

    assert!(sends(&net.step(1, append_ok(2, 1, 1, 1))).is_empty(), "a stale acknowledgement frees nothing");
    let effects = net.step(1, append_ok(2, 1, 1, 2));
    let sent = sends(&effects);
    assert_eq!(sent.len(), 1, "one slot freed: one append");
    assert_eq!(entries_of(&sent[0]).iter().map(|e| e.index).collect::<Vec<_>>(), (5..=11).collect::<Vec<_>>(), "all pending");
    assert_eq!(net.node(1).status().peers[0].inflight, 3);
}

/// Etcd `MaxSizePerMsg` / raft-rs `max_size_per_msg`, counted in entries here: no append
/// carries more than `max_entries_per_append` entries — not when a follower catches up
/// after missing many entries (which takes several appends, pipelined in the Replicate
/// state), not ever.
#[test]
fn no_append_carries_more_than_max_entries_per_append() {
    let config = Config { max_entries_per_append: 2, ..Config::default() };
    let mut net = steady(config);
    net.isolate(3);
    let last = propose_n(&mut net, 1, "x", 7);
    net.deliver_all();
    net.heal(3);
    net.run_until(net.now + 2 * MIN);
    assert_eq!(net.node(3).log().last_index(), last, "node 3 caught up");
    let sizes: Vec<usize> = net.sent.iter().filter(|m| m.to == 3).map(|m| entries_of(m).len()).filter(|&n| n > 0).collect();
    assert!(sizes.iter().all(|&n| n <= 2), "{sizes:?}");
    assert!(sizes.iter().filter(|&&n| n == 2).count() >= 3, "the catch-up used full appends: {sizes:?}");
}

/// Etcd `Progress` in the Probe state ("sends at most one replication message per heartbeat
/// interval"; raft-rs `test_progress_paused`): while the leader does not know where a
/// follower's log ends it has one append outstanding, and new proposals send nothing more —
/// until the follower answers (it then goes to Replicate and gets the rest at once) or the
/// next heartbeat (which probes again, with everything from the next index).
#[test]
fn probe_sends_one_append_at_a_time_until_an_answer_or_the_next_heartbeat() {
    let mut net = Net::new(&V3);
    net.campaign(1);
    net.deliver_all_where(is_vote_traffic);
    assert_eq!(progress_state(&net, 1, 2), ProgressState::Probe);
    assert_eq!(net.in_flight.len(), 2, "one probe (the no-op) per follower");
    for data in ["a", "b"] {
        let (_, effects) = net.run(1, |n, now| n.propose(now, Command::new(data, 0)));
        assert!(sends(&effects).is_empty(), "probing: nothing more ({effects:?})");
    }

    // Node 2 answers: Replicate, and the rest goes out at once.
    net.deliver_all_where(|m| m.to == 2 || (m.from == 2 && m.to == 1));
    assert_eq!(progress_state(&net, 1, 2), ProgressState::Replicate);
    assert_eq!(net.node(2).log().last_index(), 3);

    // Node 3's probe is lost; the heartbeat probes again with everything.
    net.drop_where(|m| m.to == 3);
    net.advance_to(net.node(1).next_deadline());
    let effects = net.tick(1);
    let to3: Vec<Message> = sends(&effects).into_iter().filter(|m| m.to == 3).collect();
    assert_eq!(to3.len(), 1);
    assert_eq!(entries_of(&to3[0]).iter().map(|e| e.index).collect::<Vec<_>>(), [1, 2, 3]);
    net.deliver_all();
    assert_eq!(progress_state(&net, 1, 3), ProgressState::Replicate);
}

/// Etcd `Progress` in the Replicate state ("optimistically increases next to the latest
/// entry sent"; raft-rs `test_progress_flow_control`): once a follower answers its probe,
/// the leader sends the backlog at once, in as many appends as the in-flight limit allows,
/// each within the entry limit; the rest waits for answers.
#[test]
fn replicate_sends_a_backlog_at_once_up_to_the_inflight_limit() {
    let config = Config { max_entries_per_append: 1, max_inflight: 3, ..Config::default() };
    let mut net = Net::with_config(&V3, config);
    net.campaign(1);
    net.deliver_all_where(is_vote_traffic);
    propose_n(&mut net, 1, "x", 4);
    assert_eq!(progress_state(&net, 1, 2), ProgressState::Probe);
    net.deliver_all_where(|m| m.to == 2);
    let answer = net.in_flight.iter().position(|m| m.from == 2).expect("node 2 answered the probe");
    net.take_sent();
    net.deliver_at(answer);
    assert_eq!(progress_state(&net, 1, 2), ProgressState::Replicate);
    let appends: Vec<Vec<Index>> = net.sent.iter().filter(|m| m.to == 2).map(|m| entries_of(m).iter().map(|e| e.index).collect()).collect();
    assert_eq!(appends, [[2], [3], [4]], "three appends in flight at once; entry 5 waits");
}

/// Etcd `Progress` (Probe to Replicate only once the leader knows where the follower's log
/// ends: "pr.Match+1 >= pr.Next"): an acknowledgement that does not reach the entry before
/// the probe's next index leaves the follower probing. Here a new leader's heartbeat (sent
/// for a read round; it asserts only what the leader knows matches) reaches a follower that
/// lost the leader's probe; its answer names the follower's commit index, far below the next
/// index, and the leader keeps probing from where it was instead of streaming the log again.
#[test]
fn a_heartbeat_answer_below_the_next_index_leaves_a_probing_follower_in_probe() {
    let mut net = steady(Config::default());
    net.isolate(3);
    propose_n(&mut net, 1, "x", 3);
    net.deliver_all();
    net.campaign(2);
    net.deliver_all();
    assert_eq!((net.node(2).role(), net.commit(2)), (Role::Leader, 5));
    let probe = |net: &Net| net.node(2).progress(3).map(|p| (p.state, p.match_index, p.next_index));
    assert_eq!(probe(&net), Some((ProgressState::Probe, 0, 5)), "node 3 never got the probe");
    net.heal(3);
    read(&mut net, 2, 1).0.expect("a read round");
    for pick in [|m: &Message| m.to == 3, |m: &Message| m.from == 3] {
        let i = net.in_flight.iter().position(pick).expect("the heartbeat to node 3, then its answer");
        net.deliver_at(i);
    }
    assert_eq!(probe(&net), Some((ProgressState::Probe, 1, 5)), "node 3 answered with its commit index, 1");
    // The probe from index 5 that follows finds where node 3's log ends.
    net.deliver_all();
    assert_eq!(probe(&net), Some((ProgressState::Replicate, 5, 6)));
    assert_eq!(net.read_ready(2, 1), [5]);
}

/// Etcd `stepLeader` (MsgAppResp with Reject: "if pr.State == StateReplicate
/// { pr.BecomeProbe() }"): a refusal while replicating means the leader's guess of the
/// follower's log was wrong; it goes back to probing from where the follower's hint points,
/// with one append outstanding. A refusal of an index already matched is stale and ignored.
#[test]
fn a_refusal_in_replicate_goes_back_to_probe() {
    let mut net = steady(Config::default());
    net.propose(1, "a").expect("accepted");
    net.in_flight.clear();
    assert_eq!(progress_state(&net, 1, 2), ProgressState::Replicate);
    let refusal = |rejected: Index, conflict_index: Index| Message {
        from: 2,
        to: 1,
        term: 1,
        body: Body::AppendEntriesResponse {
            success: false,
            match_index: 0,
            rejected_index: rejected,
            hint: Some(ConflictHint { conflict_term: None, conflict_index }),
            round: 0,
        },
    };
    assert!(sends(&net.step(1, refusal(1, 1))).is_empty(), "stale: index 1 is matched");
    assert_eq!(progress_state(&net, 1, 2), ProgressState::Replicate);

    let effects = net.step(1, refusal(2, 2));
    assert_eq!(progress_state(&net, 1, 2), ProgressState::Probe);
    let probe = only_send(&effects);
    assert!(matches!(probe.body, Body::AppendEntries { prev_log_index: 1, .. }), "{probe:?}");
    assert_eq!(entries_of(&probe).iter().map(|e| e.index).collect::<Vec<_>>(), [2]);
    let (_, effects) = net.run(1, |n, now| n.propose(now, Command::new("b", 0)));
    assert!(!sends(&effects).iter().any(|m| m.to == 2), "one probe at a time");
}

/// Etcd/raft-rs retry of lost appends: in the Replicate state the leader assumes its
/// appends arrive; one that stays unanswered for an election timeout (the minimum) is
/// taken as lost — the leader probes again from the follower's match index + 1 at the next
/// heartbeat, and the follower gets the entry. Before that, heartbeats carry no entries.
#[test]
fn a_lost_append_in_replicate_is_resent_after_an_election_timeout_without_answer() {
    let mut net = steady(Config::default());
    let sent_at = net.now;
    let a = net.propose(1, "a").expect("accepted");
    net.drop_where(|m| m.to == 2);
    net.deliver_all();
    assert_eq!(net.commit(1), a, "committed with node 3");

    net.take_sent();
    let mut resent_at = None;
    while resent_at.is_none() {
        net.advance_to(net.node(1).next_deadline());
        net.tick_due();
        if net.sent.iter().any(|m| m.to == 2 && entries_of(m).iter().any(|e| e.index == a)) {
            resent_at = Some(net.now);
        }
        net.deliver_all();
        assert!(net.now < sent_at + 3 * MIN);
    }
    let resent_at = resent_at.expect("resent");
    assert!(resent_at >= sent_at + MIN, "not before an election timeout: {} ms", (resent_at - sent_at) / MS);
    assert!(resent_at < sent_at + MIN + Config::default().heartbeat_interval, "at the first heartbeat after it");
    assert_eq!(net.node(2).log().last_index(), a);
}

// =======================================================================================
// Priority election (Zeebe)
// =======================================================================================

fn priorities(pairs: &[(NodeId, u32)]) -> Config {
    let mut config = Config { priority_election: true, ..Config::default() };
    for &(id, p) in pairs {
        config.priorities.insert(id, p);
    }
    config
}

/// Zeebe's priority election: a node whose priority is below the current target priority
/// does not stand when its election timeout passes; it lowers the target by one and waits
/// another timeout. A node of priority 1 with target 3 lets two timeouts pass (sending
/// nothing, term unchanged), then stands.
#[test]
fn lower_priority_node_lets_its_election_timeout_pass_and_lowers_the_target() {
    let mut net = Net::from_states(priorities(&[(3, 3)]), vec![(1, durable(&V3, 0, &[]))]);
    assert_eq!(net.node(1).status().target_priority, 3);
    for target in [2, 1] {
        let effects = net.fire_election_timer(1);
        assert!(sends(&effects).is_empty() && effects.contains(&Effect::ResetElectionTimer), "{effects:?}");
        assert_eq!((net.node(1).role(), net.node(1).term(), net.node(1).status().target_priority), (Role::Follower, 0, target));
    }
    net.fire_election_timer(1);
    assert_eq!((net.node(1).role(), net.node(1).term()), (Role::Candidate, 1));
}

/// Zeebe's priority election: the node with the highest priority stands first and leads,
/// though its election timeout is the longest; the others never stand. Contrast: without
/// priority election, the node whose timeout is shortest leads.
#[test]
fn the_highest_priority_node_stands_first() {
    let mut net = Net::with_config(&V3, priorities(&[(2, 2), (3, 3)]));
    net.run_until(2_000 * MS);
    assert_eq!((net.node(3).role(), net.node(3).term()), (Role::Leader, 1));
    assert!(!net.sent.iter().any(|m| m.from != 3 && matches!(m.body, Body::RequestVote { .. })), "only node 3 stood");

    let mut net = Net::new(&V3);
    net.run_until(2_000 * MS);
    assert_eq!(net.node(1).role(), Role::Leader, "contrast: the shortest timeout wins");
}

/// Zeebe's priority election: the target priority only holds while there is no leader;
/// hearing from a leader resets it to the maximum priority. And when the highest-priority
/// node is down, the next one stands after one lowered round and leads.
#[test]
fn hearing_from_a_leader_resets_the_target_and_the_next_priority_leads_without_the_highest() {
    let mut net = Net::from_states(priorities(&[(2, 2), (3, 3)]), vec![(1, durable(&V3, 0, &[]))]);
    net.fire_election_timer(1);
    assert_eq!(net.node(1).status().target_priority, 2);
    net.step(1, heartbeat(2, 1, 1, 0));
    assert_eq!(net.node(1).status().target_priority, 3, "reset by the leader's heartbeat");

    let mut net = Net::with_config(&V3, priorities(&[(2, 2), (3, 3)]));
    net.crash(3);
    net.run_until(2_000 * MS);
    assert_eq!((net.node(2).role(), net.node(2).term()), (Role::Leader, 1));
    assert!(!net.sent.iter().any(|m| m.from == 1 && matches!(m.body, Body::RequestVote { .. })), "node 1 never stood");
}

// =======================================================================================
// Zeebe's election and check-quorum (camunda/camunda, zeebe/atomix/cluster: FollowerRole,
// CandidateRole, LeaderRole, PriorityElectionTimer, LeaderAppender; facts in ZEEBE.md)
// =======================================================================================

/// A Zeebe partition of three replicas: node 1 the primary (priority 3), node 2 priority 2,
/// node 3 priority 1; Zeebe's election and check-quorum, every election timeout exactly the
/// minimum (Zeebe's priority election timer is not randomized).
fn zeebe_config() -> Config {
    Config { zeebe_election: true, zeebe_check_quorum: true, ..priorities(&[(1, 3), (2, 2), (3, 1)]) }
}

fn zeebe_net(states: Vec<(NodeId, DurableState)>) -> Net {
    let mut net = Net::from_states(zeebe_config(), states);
    let ids: Vec<NodeId> = net.nodes.keys().copied().collect();
    for id in ids {
        net.set_timeout(id, MIN);
    }
    net
}

fn fresh_zeebe_net() -> Net {
    zeebe_net(V3.iter().map(|&id| (id, durable(&V3, 0, &[]))).collect())
}

fn is_poll(m: &Message) -> bool {
    matches!(m.body, Body::RequestVote { pre_vote: true, .. })
}

fn is_vote_request(m: &Message) -> bool {
    matches!(m.body, Body::RequestVote { pre_vote: false, .. })
}

fn senders(messages: &[Message], pick: fn(&Message) -> bool) -> Vec<NodeId> {
    let mut out: Vec<NodeId> = messages.iter().filter(|m| pick(m)).map(|m| m.from).collect();
    out.dedup();
    out
}

/// ZEEBE.md, priority election: no randomization; a replica of priority p first tries after
/// (1 + RF - p) election timeouts of silence. With RF 3 the primary polls at 1 timeout, the
/// second at 2, the third at 3 (here with every message lost, so nobody wins). The poll
/// carries the poller's current term and changes nobody's term; a poll not won within a
/// timeout sends the primary back to follower, so it polls again at 3 timeouts.
#[test]
fn zeebe_the_primary_polls_at_one_timeout_the_second_at_two_the_third_at_three() {
    let mut net = fresh_zeebe_net();
    for id in V3 {
        net.isolate(id);
    }
    net.run_until(MIN - 1);
    assert!(net.take_sent().is_empty());
    net.run_until(MIN);
    let sent = net.take_sent();
    assert_eq!(senders(&sent, is_poll), vec![1], "only the primary polls at 1 timeout");
    assert!(sent.iter().filter(|m| is_poll(m)).all(|m| m.term == 0), "a poll carries the current term: {sent:?}");
    assert_eq!(net.node(2).status().target_priority, 2);
    assert_eq!(net.node(3).status().target_priority, 2);
    net.run_until(2 * MIN);
    assert_eq!(senders(&net.take_sent(), is_poll), vec![2], "the second polls at 2 timeouts");
    assert_eq!((net.node(1).role(), net.node(1).status().target_priority), (Role::Follower, 3), "the primary's poll timed out");
    net.run_until(3 * MIN);
    assert_eq!(senders(&net.take_sent(), is_poll), vec![1, 3], "the third polls at 3 timeouts (and the primary again)");
    assert!(V3.iter().all(|&id| net.node(id).term() == 0), "polls change no term");
    assert!(!net.sent.iter().any(is_vote_request));
}

/// ZEEBE.md: priority is never checked when voting or polling; it only decides who tries
/// first. The primary (priority 3) is behind, so the others refuse its poll; the replica of
/// priority 2, whose log is longer, polls at 2 timeouts, and the primary grants its poll and
/// its vote: a lower-priority replica leads.
#[test]
fn zeebe_a_behind_primary_loses_to_a_lower_priority_replica_with_a_longer_log() {
    let mut net = zeebe_net(vec![(1, durable(&V3, 1, &[1])), (2, durable(&V3, 1, &[1, 1])), (3, durable(&V3, 1, &[1, 1]))]);
    net.run_until(3 * MIN);
    assert_eq!((net.leader(), net.node(2).term()), (Some(2), 2));
    assert!(net.sent.iter().any(|m| m.from == 1 && is_poll(m)), "the primary polled first");
    assert!(!net.sent.iter().any(|m| m.from == 1 && is_vote_request(m)), "its poll was refused, so it never stood");
    let granted_by_1 = |pre: bool| {
        net.sent.iter().any(|m| m.from == 1 && m.to == 2 && m.body == Body::RequestVoteResponse { pre_vote: pre, vote_granted: true })
    };
    assert!(granted_by_1(true) && granted_by_1(false), "the primary granted the lower priority's poll and vote");
}

/// ZEEBE.md: leader contact resets the target priority to RF and restarts the timer.
#[test]
fn zeebe_leader_contact_resets_the_target() {
    let mut net = zeebe_net(vec![(3, durable(&V3, 1, &[]))]);
    net.fire_election_timer(3);
    assert_eq!(net.node(3).status().target_priority, 2);
    let t = net.now;
    net.step(3, heartbeat(1, 3, 1, 0));
    assert_eq!(net.node(3).status().target_priority, 3);
    assert_eq!(net.node(3).next_deadline(), t + MIN, "a full timeout from the contact");
}

/// ZEEBE.md: granting a vote resets the target priority to RF (`FollowerRole.handleVote`),
/// so the replica waits its full (1 + RF - p) timeouts again after an election it took
/// part in.
#[test]
fn zeebe_granting_a_vote_resets_the_target() {
    let mut net = zeebe_net(vec![(3, durable(&V3, 1, &[]))]);
    net.fire_election_timer(3);
    assert_eq!(net.node(3).status().target_priority, 2);
    let effects = net.step(3, vote_request(2, 3, 2, (0, 0)));
    assert_eq!(only_send(&effects).body, Body::RequestVoteResponse { pre_vote: false, vote_granted: true });
    assert_eq!(net.node(3).status().target_priority, 3);
}

/// ZEEBE.md: a candidate's own retry timeout. Its vote timing out, the candidate stands
/// once more in a new term (`CandidateRole`: one retry); when that times out too, it
/// becomes a follower and waits a full election timeout before it polls again.
#[test]
fn zeebe_a_candidate_retries_once_then_follows() {
    let mut net = fresh_zeebe_net();
    net.fire_election_timer(1);
    net.deliver_all_where(|m| {
        matches!(m.body, Body::RequestVote { pre_vote: true, .. } | Body::RequestVoteResponse { pre_vote: true, .. })
    });
    assert_eq!((net.node(1).role(), net.node(1).term()), (Role::Candidate, 1), "the poll was won");
    net.drop_where(|_| true);
    let effects = net.fire_election_timer(1);
    assert_eq!((net.node(1).role(), net.node(1).term()), (Role::Candidate, 2), "one retry, in a new term");
    assert_eq!(senders(&sends(&effects), is_vote_request), vec![1]);
    net.drop_where(|_| true);
    let effects = net.fire_election_timer(1);
    assert_eq!((net.node(1).role(), net.node(1).term()), (Role::Follower, 2), "then back to follower");
    assert!(sends(&effects).is_empty());
    assert_eq!(net.node(1).next_deadline(), net.now + MIN);
}

/// ZEEBE.md: the poll is Zeebe's pre-vote: same term, granted if the poller's log is at
/// least as up to date and the voter's term is not higher — a follower grants it though it
/// hears from a live leader (no leader stickiness), a leader refuses it (`LeaderRole.onPoll`).
/// Contrast: the dissertation's pre-vote (§9.6) is refused by a follower that heard from its
/// leader within the minimum election timeout.
#[test]
fn zeebe_polls_are_granted_on_the_log_alone_but_never_by_a_leader() {
    let mut net = fresh_zeebe_net();
    net.elect(1);
    net.deliver_all();
    let term = net.node(1).term();
    net.take_sent();
    net.campaign(3);
    net.deliver_all_where(is_poll);
    let answers = net.take_sent();
    let answer = |from: NodeId| answers.iter().find(|m| m.from == from && m.to == 3).map(|m| (m.term, m.body.clone())).expect("an answer");
    assert_eq!(answer(2), (term, Body::RequestVoteResponse { pre_vote: true, vote_granted: true }), "the follower grants");
    assert_eq!(answer(1), (term, Body::RequestVoteResponse { pre_vote: true, vote_granted: false }), "the leader refuses");
    net.deliver_all();
    assert_eq!((net.leader(), net.node(3).term()), (Some(3), term + 1), "and the follower votes for it too");

    let mut classic = Net::with_config(&V3, pre_vote_and_check_quorum());
    classic.elect(1);
    classic.deliver_all();
    classic.take_sent();
    classic.campaign(3);
    classic.deliver_all();
    assert_eq!(classic.leader(), Some(1), "contrast: §9.6 pre-vote is refused while the leader is heard");
}

/// Zeebe's poll carries the poller's current term, so a voter in an older term adopts the
/// newer term as from any message (Figure 2, "All Servers"), then answers in it. Contrast:
/// a pre-vote of §9.6 asks about a term nobody is in yet and changes no term.
#[test]
fn zeebe_a_poll_in_a_newer_term_moves_the_voter_to_that_term() {
    let mut net = zeebe_net(vec![(2, durable(&V3, 1, &[1]))]);
    let effects = net.step(2, prevote_request(3, 2, 3, (1, 1)));
    assert_eq!(net.node(2).term(), 3);
    let answer = only_send(&effects);
    assert_eq!((answer.term, answer.body), (3, Body::RequestVoteResponse { pre_vote: true, vote_granted: true }));

    let mut classic = Net::from_states(pre_vote_and_check_quorum(), vec![(2, durable(&V3, 1, &[1]))]);
    classic.step(2, prevote_request(3, 2, 3, (1, 1)));
    assert_eq!(classic.node(2).term(), 1, "contrast: a §9.6 pre-vote changes no term");

    // A leader too: it moves to the newer term as a follower, and answers as one.
    let mut net = fresh_zeebe_net();
    net.elect(1);
    net.deliver_all();
    let (term, last) = (net.node(1).term(), (net.node(1).log().last_index(), net.node(1).log().last_term()));
    let effects = net.step(1, prevote_request(3, 1, term + 2, last));
    assert_eq!((net.node(1).role(), net.node(1).term()), (Role::Follower, term + 2));
    assert_eq!(only_send(&effects).body, Body::RequestVoteResponse { pre_vote: true, vote_granted: true });
}

/// ZEEBE.md: only leader contact and a granted vote reset the target priority. A poll of a
/// newer term moves a waiting follower to that term (as any message does) and is granted on
/// the log alone, but the target the follower has counted down stays where it is.
#[test]
fn zeebe_a_poll_of_a_newer_term_does_not_reset_the_target() {
    let mut net = zeebe_net(vec![(3, durable(&V3, 1, &[]))]);
    net.fire_election_timer(3);
    assert_eq!(net.node(3).status().target_priority, 2);
    let effects = net.step(3, prevote_request(2, 3, 3, (0, 0)));
    assert_eq!(only_send(&effects).body, Body::RequestVoteResponse { pre_vote: true, vote_granted: true });
    assert_eq!((net.node(3).role(), net.node(3).term()), (Role::Follower, 3));
    assert_eq!(net.node(3).status().target_priority, 2, "a poll is not leader contact, nor a vote");
}

/// Figure 2, "All Servers": any message of a newer term moves the receiver to that term, a
/// poll's answer too. A polling replica that is told of a newer term, even by a grant,
/// follows in that term rather than counting the grant towards a vote in its old one.
#[test]
fn zeebe_a_poll_answer_of_a_newer_term_moves_the_poller_to_that_term() {
    let mut net = fresh_zeebe_net();
    net.fire_election_timer(1);
    assert_eq!(net.node(1).role(), Role::PreCandidate, "the primary polls");
    net.take_sent();
    net.step(1, Message { from: 2, to: 1, term: 4, body: Body::RequestVoteResponse { pre_vote: true, vote_granted: true } });
    assert_eq!((net.node(1).role(), net.node(1).term()), (Role::Follower, 4));
    assert!(!net.take_sent().iter().any(is_vote_request), "no vote in the old term");
}

/// ZEEBE.md, check-quorum: a leader steps down when no quorum has answered within two
/// election timeouts (checked at each heartbeat), not one.
#[test]
fn zeebe_check_quorum_steps_down_after_two_election_timeouts() {
    let mut net = fresh_zeebe_net();
    net.advance_to(10 * MS);
    net.elect(1);
    net.run_until(500 * MS);
    assert_eq!(net.leader(), Some(1));
    let heartbeat = net.config.heartbeat_interval;
    net.isolate(2);
    net.isolate(3);
    let cut_at = net.now;
    net.run_until(cut_at + 2 * MIN - heartbeat);
    assert_eq!(net.node(1).role(), Role::Leader, "still leading: the last answers are not two timeouts old");
    net.run_until(cut_at + 2 * MIN + heartbeat);
    assert_eq!(net.node(1).role(), Role::Follower, "stepped down within a heartbeat of two timeouts");
}

/// ZEEBE.md, check-quorum, at its edges: "no quorum has answered for two election
/// timeouts" means more than two. A leader that has led exactly two timeouts without an
/// answer still leads, and an answer exactly two timeouts old still counts; one heartbeat
/// later the leader steps down.
#[test]
fn zeebe_check_quorum_counts_two_timeouts_to_the_microsecond() {
    // Elected, then cut off before any follower answered it.
    let mut net = fresh_zeebe_net();
    net.advance_to(10 * MS);
    net.campaign(1);
    net.deliver_all_where(is_vote_traffic);
    assert_eq!(net.node(1).role(), Role::Leader);
    let elected = net.now;
    let heartbeat = net.config.heartbeat_interval;
    assert_eq!(2 * MIN % heartbeat, 0, "a heartbeat falls exactly two timeouts after the election");
    net.isolate(2);
    net.isolate(3);
    net.drop_where(|_| true);
    net.run_until(elected + 2 * MIN);
    assert_eq!(net.node(1).role(), Role::Leader, "led exactly two timeouts: not more");
    net.run_until(elected + 2 * MIN + heartbeat);
    assert_eq!(net.node(1).role(), Role::Follower);

    // Node 3 cut off from the start, node 2 after answering a heartbeat.
    let mut net = fresh_zeebe_net();
    net.advance_to(10 * MS);
    net.elect(1);
    net.isolate(3);
    let elected = net.now;
    net.run_until(elected + 2 * heartbeat);
    let answered = net.now;
    net.isolate(2);
    net.run_until(answered + 2 * MIN);
    assert_eq!(net.node(1).role(), Role::Leader, "node 2's answer is exactly two timeouts old: it counts");
    net.run_until(answered + 2 * MIN + heartbeat);
    assert_eq!(net.node(1).role(), Role::Follower);
}

/// ZEEBE.md: a new leader appends an initial entry and is announced as leader only after it
/// commits. `leader_ready` is that announcement: false from winning the vote until the
/// initial entry (the no-op of §8) commits.
#[test]
fn zeebe_a_leader_is_ready_only_once_its_initial_entry_commits() {
    let mut net = fresh_zeebe_net();
    net.campaign(1);
    net.deliver_until(|n| n.node(1).role() == Role::Leader);
    assert!(!net.node(1).leader_ready(), "leader, not yet ready");
    assert_eq!(net.node(1).log().last_term(), 1, "its initial entry is in its log");
    net.deliver_all();
    assert!(net.node(1).leader_ready());
    assert!(!net.node(2).leader_ready(), "a follower is never ready");
}

// =======================================================================================
// Everything at once: randomized runs
// =======================================================================================

/// §5.4.3 (Figure 3) and §7, dissertation §4 and §6.4, under faults: randomized runs of
/// five servers with loss, duplication, reordering, crash-restart, forced campaigns,
/// leadership transfers, membership changes (add, learner, promote, remove), compaction at
/// random applied indexes, and reads (ReadIndex; lease reads in a quarter of the runs)
/// keep Election Safety, Log Matching and State Machine Safety (snapshots included: a
/// snapshot must hold what the entries it replaces produced); every log keeps
/// `snapshot index <= applied <= commit <= last index`; every send comes after the persist
/// it depends on; and every read is answered with an index at least the highest commit
/// index any server had reached when the read was issued (linearizability). The runs are
/// checked to exercise every feature.
#[test]
fn randomized_runs_with_all_features_keep_safety_and_log_invariants() {
    let (mut snapshots, mut changes, mut transfers, mut reads) = (0, 0, 0, 0);
    for seed in 0..150 {
        let config = Config {
            pre_vote: seed % 2 == 1,
            check_quorum: seed % 4 >= 2,
            lease_read: seed % 8 >= 6,
            max_entries_per_append: 1 + (seed % 3) as u32,
            max_inflight: 1 + (seed % 4) as u32,
            ..Config::default()
        };
        let (net, answered) = feature_run(seed, config, 4_000);
        assert!(net.safety_violations.is_empty(), "seed {seed}: {:#?}", &net.safety_violations[..net.safety_violations.len().min(5)]);
        assert!(
            net.persistence_violations.is_empty(),
            "seed {seed}: {:#?}",
            &net.persistence_violations[..net.persistence_violations.len().min(5)]
        );
        snapshots += net.snapshots_applied.values().map(Vec::len).sum::<usize>();
        changes += net.applied_anywhere.values().filter(|e| matches!(e.payload, Payload::Config { .. })).count();
        transfers += net.sent.iter().filter(|m| m.kind() == MessageKind::TimeoutNow).count();
        reads += answered;
    }
    assert!(snapshots > 100 && changes > 100 && transfers > 100 && reads > 1_000, "{snapshots} {changes} {transfers} {reads}");
}

/// One randomized run; returns the net and how many reads were answered.
fn feature_run(seed: u64, config: Config, steps: usize) -> (Net, usize) {
    let mut rng = Rng(seed);
    let mut net = Net::with_config(&V5, config);
    net.random_timeouts = Some(Rng(seed ^ 0xFEA7));
    let mut leaders: BTreeMap<Term, NodeId> = BTreeMap::new();
    let mut max_commit: Index = 0;
    let mut read_floor: BTreeMap<u64, Index> = BTreeMap::new();
    let mut next_read = 0;
    let mut answered_reads = 0;
    for step in 0..steps {
        let id = V5[rng.below(5) as usize];
        let other = V5[rng.below(5) as usize];
        // Requests go to the leader half of the time, so that many of them are accepted.
        let target = match net.leader() {
            Some(leader) if rng.below(2) == 0 => leader,
            _ => id,
        };
        let in_flight = net.in_flight.len() as u64;
        match rng.below(1000) {
            0..=449 if in_flight > 0 => {
                let i = if rng.below(4) == 0 { rng.below(in_flight) as usize } else { 0 };
                net.deliver_at(i);
            }
            450..=499 if in_flight > 0 => {
                net.in_flight.remove(rng.below(in_flight) as usize);
            }
            500..=519 if in_flight > 0 => {
                let m = net.in_flight[rng.below(in_flight) as usize].clone();
                net.in_flight.push_back(m);
            }
            520..=769 => {
                net.advance(rng.range(1, 5) * MS);
                net.tick_due();
            }
            770..=869 => {
                let _ = net.propose(target, &format!("v{step}"));
            }
            870..=884 => net.restart(id),
            885..=889 => {
                net.campaign(id);
            }
            890..=899 => {
                let _ = transfer(&mut net, target, other);
            }
            900..=929 => {
                let c = match rng.below(4) {
                    0 => ConfChange::AddVoter(other),
                    1 => ConfChange::AddLearner(other),
                    2 => ConfChange::Promote(other),
                    _ => ConfChange::Remove(other),
                };
                let _ = change(&mut net, target, c);
            }
            930..=959 => {
                let (snapshot, applied) = (net.node(id).log().snapshot_index(), net.node(id).log().applied_index());
                if applied > snapshot {
                    let index = rng.range(snapshot + 1, applied);
                    assert!(net.compact(id, index), "seed {seed}: compact({index}) on node {id}");
                }
            }
            960..=999 => {
                next_read += 1;
                read_floor.insert(next_read, max_commit);
                if read(&mut net, target, next_read).0.is_err() {
                    read_floor.remove(&next_read);
                }
            }
            _ => {}
        }
        for (&id, node) in &net.nodes {
            let s = node.status();
            if !(s.snapshot_index <= s.applied_index && s.applied_index <= s.commit_index && s.commit_index <= s.last_index) {
                net.safety_violations.push(format!(
                    "node {id}: snapshot {} applied {} commit {} last {}",
                    s.snapshot_index, s.applied_index, s.commit_index, s.last_index
                ));
            }
            max_commit = max_commit.max(s.commit_index);
            if node.role() == Role::Leader {
                let first = *leaders.entry(node.term()).or_insert(id);
                if first != id {
                    net.safety_violations.push(format!("election safety: nodes {first} and {id} both led term {}", node.term()));
                }
            }
        }
        let answered: Vec<(u64, Index)> = net
            .reads
            .drain(..)
            .filter_map(|(_, e)| match e {
                Effect::ReadReady { id, index } => Some((id, index)),
                _ => None,
            })
            .collect();
        answered_reads += answered.len();
        for (read, index) in answered {
            let floor = read_floor.remove(&read).unwrap_or(0);
            if index < floor {
                net.safety_violations.push(format!("read {read} answered with index {index}, but {floor} was committed before it"));
            }
        }
        if step % 50 == 0 || step + 1 == steps {
            net.check_log_matching();
        }
    }
    (net, answered_reads)
}

// =======================================================================================
// Timers, leases and the caller's contract (issue 8)
// =======================================================================================

/// What leases rest on (dissertation §6.4.1): a server's own election timer never fires
/// within the minimum election timeout of its last contact with a leader. A new timing
/// redraws the timer at once — here the caller's old, short timeout would otherwise fire
/// inside the new, longer lease.
#[test]
fn a_new_election_timing_redraws_the_timer_from_now() {
    let mut net = steady(Config::default());
    net.advance(20 * MS);
    let longer = Config { election_timeout_min: 1_000 * MS, election_timeout_max: 2_000 * MS, ..Config::default() };
    let ((), effects) = net.run(2, |n, now| n.set_config(now, longer.clone()));
    assert!(effects.contains(&Effect::ResetElectionTimer), "{effects:?}");
    assert_eq!(net.node(2).status().election_elapsed, 0, "the timer starts over now");
    assert_eq!(net.node(2).config(), &longer, "the node runs with the new config");
    // The same switches with the same timing leave the timer alone.
    let ((), effects) = net.run(3, |n, now| n.set_config(now, Config::default()));
    assert!(!effects.contains(&Effect::ResetElectionTimer), "{effects:?}");
}

/// Even a timer that somehow runs short (a caller that answered a reset with a timeout below
/// the minimum) does not fire within the minimum election timeout of the last contact with
/// the leader: the node draws again instead of standing.
#[test]
fn a_timer_never_fires_within_the_minimum_timeout_of_the_last_leader_contact() {
    let mut net = steady(Config::default());
    let contact = net.now;
    net.run(2, |n, now| n.step(now, heartbeat(1, 2, 1, 1)));
    net.run(2, |n, _| n.set_election_timeout(10 * MS));
    net.advance_to(contact + 20 * MS);
    let effects = net.tick(2);
    assert_eq!(net.node(2).role(), Role::Follower, "{effects:?}");
    assert!(effects.contains(&Effect::ResetElectionTimer));
    assert!(sends(&effects).is_empty(), "no vote requests: {effects:?}");
    // Past the minimum, it stands.
    net.run(2, |n, _| n.set_election_timeout(MIN));
    net.advance_to(contact + 20 * MS + MIN);
    net.tick(2);
    assert_eq!(net.node(2).role(), Role::Candidate);
}

/// Only one server may hold a TimeoutNow (§3.10): a second transfer aborts a first one whose
/// TimeoutNow has not gone out, and is refused once it has.
#[test]
fn a_second_transfer_aborts_the_first_unless_its_timeout_now_went_out() {
    let mut net = steady(Config::default());
    net.isolate(3);
    propose_n(&mut net, 1, "x", 2);
    net.deliver_all();
    // Node 3 lags: the transfer to it waits for it to catch up; no TimeoutNow yet.
    assert_eq!(transfer(&mut net, 1, 3).0, Ok(()));
    assert_eq!(net.node(1).status().transferee, Some(3));
    let (result, effects) = transfer(&mut net, 1, 2);
    assert_eq!(result, Ok(()));
    assert_eq!(kinds(&sends(&effects)), [MessageKind::TimeoutNow], "node 2 is up to date");
    assert_eq!(net.node(1).status().transferee, Some(2));
    // The TimeoutNow to node 2 is out: another transfer is refused, the same one is a no-op.
    assert_eq!(transfer(&mut net, 1, 3).0, Err(TransferError::AlreadyHandingOver(2)));
    assert_eq!(transfer(&mut net, 1, 2), (Ok(()), vec![]));
    // Node 3 catching up later gets no TimeoutNow.
    net.heal(3);
    net.deliver_until(|n| n.node(2).role() == Role::Leader);
    assert!(!net.sent.iter().any(|m| m.kind() == MessageKind::TimeoutNow && m.to == 3), "only node 2 got one");
}

/// etcd's `ReportSnapshot(failure)`: a snapshot that was lost leaves the follower's next
/// index at match + 1, so the resend needs no refused append first: after the loss, the
/// next thing node 3 gets besides heartbeats is the snapshot again.
#[test]
fn after_a_lost_snapshot_the_leader_probes_from_match_plus_one_and_resends_it() {
    let (mut net, last) = snapshot_in_flight_to_node_3(5);
    let match_before = net.match_index(1, 3);
    net.drop_where(is_snapshot);
    net.take_sent();
    let until = net.now + 2 * MIN;
    let mut to3: Vec<Message> = Vec::new();
    while net.now < until && !to3.iter().any(is_snapshot) {
        net.advance(MS);
        net.tick_due();
        for m in net.in_flight.iter().filter(|m| m.to == 3 && m.from == 1) {
            if !to3.contains(m) {
                to3.push(m.clone());
            }
        }
        net.drop_where(is_snapshot);
        net.deliver_all();
    }
    let k = to3
        .iter()
        .position(is_snapshot)
        .unwrap_or_else(|| panic!("the snapshot is sent again: {:?}", to3.iter().map(|m| (m.kind(), m.term)).collect::<Vec<_>>()));
    for m in &to3[..k] {
        let probe =
            matches!(&m.body, Body::AppendEntries { prev_log_index, entries, .. } if *prev_log_index > match_before || !entries.is_empty());
        assert!(!probe, "only heartbeats before the resend, no probe past what node 3 holds: {m:?}");
    }
    assert_eq!(progress_state(&net, 1, 3), ProgressState::Snapshot { pending_index: last });
}

/// A leader that hears from nobody (check-quorum off, so it stays leader) does not pile up
/// heartbeat rounds: it keeps those recent enough to extend a lease (were their answers to
/// arrive now), and only those.
#[test]
fn an_isolated_leader_keeps_a_bounded_list_of_heartbeat_rounds() {
    let mut net = steady(Config::default());
    net.isolate(1);
    let lease = Config::default().lease_duration();
    let heartbeat = Config::default().heartbeat_interval;
    for _ in 0..2_000 {
        net.advance(heartbeat);
        net.tick(1);
        net.drop_where(|_| true);
    }
    assert_eq!(net.node(1).role(), Role::Leader);
    let kept = net.node(1).rounds_kept();
    assert!((lease / heartbeat) as usize <= kept && kept <= (lease / heartbeat) as usize + 2, "{kept} rounds kept");
}

/// The `send-before-persist` bug puts messages ahead of the writes they depend on; without
/// it every write comes first (the caller's contract).
#[test]
fn send_before_persist_reorders_an_inputs_effects() {
    let order = |breaks: Breaks| {
        let mut net = Net::with_config(&V3, Config { breaks, ..Config::default() });
        let effects = net.campaign(1);
        let persist = position(&effects, |e| matches!(e, Effect::PersistHardState(_))).expect("persisted");
        let send = position(&effects, |e| matches!(e, Effect::Send(_))).expect("sent");
        persist < send
    };
    assert!(order(Breaks::default()), "the vote for itself is durable before the requests go out");
    assert!(!order(Breaks { send_before_persist: true, ..Breaks::default() }));
}
