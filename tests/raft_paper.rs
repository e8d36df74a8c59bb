#![cfg(not(target_arch = "wasm32"))]
//! Section 5 of the Raft paper, one test per claim.
//!
//! Paper: Ongaro & Ousterhout, "In Search of an Understandable Consensus Algorithm
//! (Extended Version)", 2014. Tests beyond §5 (pre-vote, check-quorum) cite Ongaro's
//! dissertation, "Consensus: Bridging Theory and Practice", 2014.
//!
//! Every test is named after the section it checks (`s5_2_...`) and its doc comment states
//! the claim, quoting the paper where it can. The tests drive real `RaftNode`s through the
//! public API only. The harness in `tests/common/mod.rs` (`Net`) plays the caller's part:
//!
//! - it executes each node's effects in order: `Persist*` into the node's "disk" (a
//!   `DurableState` that `restart`/`recover` boot from), `Send` onto an in-flight queue,
//!   `Apply` into a per-node list of applied entries;
//! - it answers `ResetElectionTimer` deterministically with a fixed per-node timeout
//!   (`150 ms + 10 ms × (id − 1)` unless a test sets one with `set_timeout`);
//! - messages move only when a test says so (`deliver_one`, `deliver_all`,
//!   `deliver_until`); `isolate` cuts a node off, `crash`/`recover` stop a node and boot it
//!   again from its disk;
//! - time moves only when a test says so (`advance_to`, `run_until`); nothing sleeps.
//!
//! While it executes effects, the harness also watches two things the tests can assert on:
//! `persistence_violations` (a `Send` or `Apply` that came before the state it depends on
//! was durable, or a disk that differs from the node's state after an input) and
//! `safety_violations` (two different entries applied at one index, applying out of order;
//! the randomized runs add two leaders in one term and logs that break Log Matching).

mod common;

use std::collections::BTreeMap;

use common::*;
use raft_playground::raft::{
    Body, Breaks, Command, Config, ConflictHint, DurableState, Effect, Entry, HardState, Index, Membership, Message, NodeId, Payload,
    ProposeError, RaftNode, Role, Snapshot, Term,
};

// =======================================================================================
// §5.1 Raft basics: terms
// =======================================================================================

/// §5.1: "If one server's current term is smaller than the other's, then it updates its
/// current term to the larger value." A follower that receives any message (AppendEntries,
/// RequestVote, or a response to either) with a higher term adopts that term, stays a
/// follower, starts the new term without a vote, and makes the term durable before it
/// sends anything.
#[test]
fn s5_1_follower_that_sees_a_higher_term_adopts_it() {
    adopts_higher_term_and_reverts_to_follower(Role::Follower);
}

/// §5.1: "If a candidate or leader discovers that its term is out of date, it immediately
/// reverts to follower state." (candidate)
#[test]
fn s5_1_candidate_that_sees_a_higher_term_reverts_to_follower() {
    adopts_higher_term_and_reverts_to_follower(Role::Candidate);
}

/// §5.1: "If a candidate or leader discovers that its term is out of date, it immediately
/// reverts to follower state." (leader)
#[test]
fn s5_1_leader_that_sees_a_higher_term_reverts_to_follower() {
    adopts_higher_term_and_reverts_to_follower(Role::Leader);
}

/// Node 1 of a three-node cluster in `role` at term 3 (the other nodes are not in the net:
/// the test plays them by hand).
fn node_in_role(role: Role) -> Net {
    let mut net = solo(&V3, 2, &[1]);
    match role {
        Role::Follower => {
            net.step(1, heartbeat(2, 1, 3, 0));
        }
        Role::Candidate => {
            net.campaign(1);
        }
        Role::Leader => {
            net.campaign(1);
            net.step(1, vote_response(2, 1, 3, true));
        }
        Role::PreCandidate => unreachable!("pre-vote is off"),
    }
    assert_eq!((net.node(1).role(), net.node(1).term()), (role, 3));
    net.take_sent();
    net
}

fn adopts_higher_term_and_reverts_to_follower(role: Role) {
    // Term 5, not 4: the server adopts the larger value, not its own term + 1.
    let messages = [heartbeat(2, 1, 5, 0), vote_request(3, 1, 5, (9, 4)), append_refused(2, 1, 5, 0), vote_response(2, 1, 5, false)];
    for m in messages {
        let mut net = node_in_role(role);
        let effects = net.step(1, m.clone());
        let node = net.node(1);
        assert_eq!((node.role(), node.term()), (Role::Follower, 5), "{role:?} receiving {m:?}");
        assert_eq!(net.disk(1).hard_state.current_term, 5, "the new term is durable");
        let persisted = position(&effects, |e| matches!(e, Effect::PersistHardState(hs) if hs.current_term == 5))
            .unwrap_or_else(|| panic!("{role:?} receiving {m:?}: no PersistHardState for term 5 in {effects:?}"));
        if let Some(send) = first_send(&effects) {
            assert!(persisted < send, "the new term is persisted before anything is sent: {effects:?}");
        }
        // A vote belongs to one term: the new term starts with none, unless this very
        // message is a RequestVote the server granted (its candidate's log is ahead).
        let vote = if matches!(m.body, Body::RequestVote { .. }) { Some(3) } else { None };
        assert_eq!(node.voted_for(), vote, "{role:?} receiving {m:?}");
    }
}

/// §5.1: "If a server receives a request with a stale term number, it rejects the
/// request." Figure 2: AppendEntries and RequestVote both "reply false if term <
/// currentTerm", and each reply carries currentTerm ("for leader to update itself", "for
/// candidate to update itself"). The refused request changes nothing: no entries, no
/// vote, no term. The same holds for the requests beyond Figure 2: a stale InstallSnapshot
/// (§7) is refused like an AppendEntries (naming the snapshot's index), and a read forwarded
/// in a stale term (dissertation §6.4) gets no read index.
#[test]
fn s5_1_request_with_a_stale_term_is_rejected_and_the_reply_carries_the_current_term() {
    let mut net = solo(&V3, 3, &[1, 1]);

    // A deposed leader of term 2 tries to append an entry.
    let effects = net.step(1, append(2, 1, 2, (2, 1), vec![entry(3, 2)], 3));
    let reply = only_send(&effects);
    assert_eq!((reply.to, reply.term), (2, 3));
    assert!(matches!(reply.body, Body::AppendEntriesResponse { success: false, .. }), "{reply:?}");
    assert_eq!(net.terms(1), [1, 1], "the log is unchanged");
    assert_eq!(net.commit(1), 0, "the stale leader's commit index is not taken");
    assert!(!persists_anything(&effects), "{effects:?}");

    // A stale candidate of term 2 asks for a vote (its log is more up to date than ours,
    // so only the term can be the reason to refuse).
    let effects = net.step(1, vote_request(2, 1, 2, (5, 2)));
    let reply = only_send(&effects);
    assert_eq!((reply.to, reply.term), (2, 3));
    assert_eq!(reply.body, Body::RequestVoteResponse { pre_vote: false, vote_granted: false });
    assert_eq!(net.node(1).hard_state(), HardState { current_term: 3, voted_for: None });
    assert!(!persists_anything(&effects), "{effects:?}");

    // A deposed leader of term 2 sends a snapshot.
    let snapshot = Snapshot { index: 5, term: 2, membership: Membership::new(V3), data: "".into() };
    let effects = net.step(1, Message { from: 2, to: 1, term: 2, body: Body::InstallSnapshot { snapshot, round: 4 } });
    let reply = only_send(&effects);
    assert_eq!((reply.to, reply.term), (2, 3));
    assert_eq!(reply.body, Body::AppendEntriesResponse { success: false, match_index: 0, rejected_index: 5, hint: None, round: 4 });
    assert_eq!((net.terms(1), net.node(1).log().snapshot_index()), (vec![1, 1], 0), "nothing installed");
    assert!(!persists_anything(&effects), "{effects:?}");

    // A follower of term 2 forwards a read.
    let effects = net.step(1, Message { from: 2, to: 1, term: 2, body: Body::ReadIndex { id: 7 } });
    let reply = only_send(&effects);
    assert_eq!((reply.to, reply.term, reply.body), (2, 3, Body::ReadIndexResponse { id: 7, index: None }));
}

/// §5.1: "Current terms are exchanged whenever servers communicate" — end to end: a leader
/// cut off while the others elect a new leader keeps acting as leader until its next
/// heartbeat is refused; the refusal carries the newer term, and it steps down at once.
#[test]
fn s5_1_deposed_leader_learns_the_newer_term_from_a_refusal_and_steps_down() {
    let mut net = Net::new(&V3);
    net.elect(1);
    net.isolate(1);
    net.elect(2);
    assert_eq!(net.node(2).term(), 2);
    net.heal(1);
    assert_eq!((net.node(1).role(), net.node(1).term()), (Role::Leader, 1), "nothing told node 1 yet");

    net.advance(Config::default().heartbeat_interval);
    net.tick(1);
    net.deliver_all();
    assert_eq!((net.node(1).role(), net.node(1).term()), (Role::Follower, 2));
    assert_eq!(net.node(2).role(), Role::Leader, "the refusal does not disturb the new leader");
}

/// §5.1: "Current terms are exchanged ...": a response from an earlier term is stale and
/// ignored. A candidate does not count a vote granted in an earlier election, and a leader
/// does not count an acknowledgement sent to an earlier leader (either would be enough,
/// were it counted, to win or to commit: the second half of each case shows it).
#[test]
fn s5_1_responses_from_an_earlier_term_are_ignored() {
    let mut net = solo(&V3, 2, &[]);
    net.campaign(1);
    assert_eq!(net.node(1).term(), 3);
    net.step(1, vote_response(2, 1, 2, true));
    assert_eq!(net.node(1).role(), Role::Candidate, "a term-2 vote is not a term-3 vote");
    assert_eq!(net.node(1).status().votes, [(1, true)]);
    net.step(1, vote_response(2, 1, 3, true));
    assert_eq!(net.node(1).role(), Role::Leader, "the same vote in term 3 wins");

    let index = net.propose(1, "x").expect("leader accepts");
    net.step(1, append_ok(2, 1, 2, index));
    assert_eq!(net.match_index(1, 2), 0, "a term-2 acknowledgement says nothing about this term");
    assert!(net.commit(1) < index);
    net.step(1, append_ok(2, 1, 3, index));
    assert_eq!(net.commit(1), index, "the same acknowledgement in term 3 commits");
}

// =======================================================================================
// §5.2 Leader election
// =======================================================================================

/// §5.2: "When servers start up, they begin as followers." That holds for a fresh server
/// and for one restarting with a term, a vote and a log.
#[test]
fn s5_2_servers_start_as_followers() {
    let fresh = RaftNode::restart(1, Config::default(), DurableState::new(Membership::new(V3)), 0, 150 * MS);
    assert_eq!((fresh.role(), fresh.term(), fresh.voted_for(), fresh.leader_id()), (Role::Follower, 0, None, None));

    let mut state = durable(&V3, 5, &[1, 3, 5]);
    state.hard_state.voted_for = Some(1);
    let restarted = RaftNode::restart(1, Config::default(), state, 0, 150 * MS);
    assert_eq!((restarted.role(), restarted.term(), restarted.voted_for()), (Role::Follower, 5, Some(1)));
    assert_eq!(restarted.leader_id(), None, "who led is not durable");
}

/// §5.2: "If a follower receives no communication over a period of time called the election
/// timeout, then it ... begins an election. ... a follower increments its current term and
/// transitions to candidate state. It then votes for itself and issues RequestVote RPCs in
/// parallel to each of the other servers." The new term and the vote are durable before any
/// RequestVote leaves (Figure 2: persistent state is updated "before responding to RPCs").
#[test]
fn s5_2_follower_that_hears_nothing_for_an_election_timeout_becomes_candidate() {
    let mut net = solo(&V3, 1, &[1]);
    let timeout = net.node(1).status().election_timeout;
    assert_eq!(timeout, 150 * MS);

    net.advance_to(timeout - 1);
    assert!(net.tick(1).is_empty(), "nothing happens before the timeout");
    assert_eq!(net.node(1).role(), Role::Follower);

    net.advance_to(timeout);
    let effects = net.tick(1);
    let node = net.node(1);
    assert_eq!((node.role(), node.term(), node.voted_for()), (Role::Candidate, 2, Some(1)));
    assert_eq!(node.status().votes, [(1, true)], "it votes for itself");
    let persisted = position(&effects, |e| *e == Effect::PersistHardState(HardState { current_term: 2, voted_for: Some(1) }))
        .expect("term and vote are persisted");
    assert!(persisted < first_send(&effects).expect("it sends"), "{effects:?}");
    let requests = sends(&effects);
    assert_eq!(requests.iter().map(|m| m.to).collect::<Vec<_>>(), [2, 3], "one RequestVote to each other server");
    for m in &requests {
        assert_eq!(m.term, 2);
        assert_eq!(m.body, Body::RequestVote { pre_vote: false, last_log_index: 1, last_log_term: 1, leadership_transfer: false });
    }
    assert!(effects.contains(&Effect::ResetElectionTimer), "the candidate times its election");
}

/// §5.2: "A candidate wins an election if it receives votes from a majority of the servers
/// in the full cluster for the same term." With clusters of 1, 3 and 5 servers: a majority
/// of grants wins; a majority of refusals sends the candidate back to follower; anything
/// else leaves it waiting as candidate. The term does not change either way.
#[test]
fn s5_2_candidate_wins_an_election_with_votes_from_a_majority() {
    use Role::{Candidate, Follower, Leader};
    type Votes = &'static [(NodeId, bool)];
    let cases: [(usize, Votes, Role); 13] = [
        // A majority of grants wins.
        (1, &[], Leader),
        (3, &[(2, true), (3, true)], Leader),
        (3, &[(2, true)], Leader),
        (5, &[(2, true), (3, true), (4, true), (5, true)], Leader),
        (5, &[(2, true), (3, true), (4, true)], Leader),
        (5, &[(2, true), (3, true)], Leader),
        (5, &[(2, false), (3, true), (4, false), (5, true)], Leader),
        // A majority of refusals loses.
        (3, &[(2, false), (3, false)], Follower),
        (5, &[(2, false), (3, false), (4, false), (5, false)], Follower),
        (5, &[(2, true), (3, false), (4, false), (5, false)], Follower),
        // No majority either way yet: keep waiting.
        (3, &[], Candidate),
        (5, &[(2, true)], Candidate),
        (5, &[(2, false), (3, false)], Candidate),
    ];
    for (size, votes, want) in cases {
        let voters: Vec<NodeId> = (1..=size as NodeId).collect();
        let mut net = solo(&voters, 0, &[]);
        net.campaign(1);
        for &(from, granted) in votes {
            net.step(1, vote_response(from, 1, 1, granted));
        }
        let node = net.node(1);
        assert_eq!((node.role(), node.term()), (want, 1), "{size} servers, votes {votes:?}");
        if want == Leader {
            assert_eq!(node.leader_id(), Some(1));
        }
    }
}

/// §5.2: "Each server will vote for at most one candidate in a given term, on a
/// first-come-first-served basis." Asking again as the same candidate (a retry) is granted
/// again; a new term brings a new vote.
#[test]
fn s5_2_each_server_votes_for_at_most_one_candidate_per_term_first_come_first_served() {
    let cases = [(None, 2, true), (None, 3, true), (Some(2), 2, true), (Some(3), 3, true), (Some(2), 3, false), (Some(3), 2, false)];
    for (earlier_vote, candidate, granted) in cases {
        let mut state = durable(&V3, 1, &[]);
        state.hard_state.voted_for = earlier_vote;
        let mut net = Net::from_states(Config::default(), vec![(1, state)]);
        let reply = only_send(&net.step(1, vote_request(candidate, 1, 1, (0, 0))));
        assert_eq!((reply.to, reply.term), (candidate, 1));
        assert_eq!(
            reply.body,
            Body::RequestVoteResponse { pre_vote: false, vote_granted: granted },
            "voted for {earlier_vote:?}, asked by {candidate}"
        );
        assert_eq!(net.node(1).voted_for(), earlier_vote.or(Some(candidate)));
    }

    // The same rule as a sequence of requests.
    let mut net = solo(&V3, 1, &[]);
    let granted =
        |net: &mut Net, m: Message| matches!(only_send(&net.step(1, m)).body, Body::RequestVoteResponse { vote_granted: true, .. });
    assert!(granted(&mut net, vote_request(2, 1, 1, (0, 0))), "first come");
    assert!(!granted(&mut net, vote_request(3, 1, 1, (0, 0))), "second in the same term");
    assert!(granted(&mut net, vote_request(2, 1, 1, (0, 0))), "the same candidate asking again");
    assert!(granted(&mut net, vote_request(3, 1, 2, (0, 0))), "a new term, a new vote");
    assert_eq!(net.node(1).hard_state(), HardState { current_term: 2, voted_for: Some(3) });
}

/// §5.2 with Figure 2: votedFor is persistent state, updated on stable storage before
/// responding. A server that granted its vote, crashed and restarted still refuses every
/// other candidate of that term. (The `forget_vote_on_restart` break shows this test
/// catches the bug: the restarted server votes twice in one term.)
#[test]
fn s5_2_a_vote_is_durable_before_it_is_granted_and_survives_a_restart() {
    for forget in [false, true] {
        let config = Config { breaks: Breaks { forget_vote_on_restart: forget, ..Breaks::default() }, ..Config::default() };
        let mut net = Net::from_states(config, vec![(1, durable(&V3, 4, &[]))]);
        let effects = net.step(1, vote_request(2, 1, 5, (0, 0)));
        let persisted = position(&effects, |e| *e == Effect::PersistHardState(HardState { current_term: 5, voted_for: Some(2) }))
            .expect("the vote is persisted");
        assert!(persisted < first_send(&effects).unwrap(), "persisted before the grant goes out: {effects:?}");

        net.restart(1);
        assert_eq!(net.node(1).term(), 5);
        let reply = only_send(&net.step(1, vote_request(3, 1, 5, (0, 0))));
        let granted_twice = matches!(reply.body, Body::RequestVoteResponse { vote_granted: true, .. });
        assert_eq!(granted_twice, forget, "forget_vote_on_restart = {forget}");
        if !forget {
            assert_eq!(net.node(1).voted_for(), Some(2));
        }
    }
}

/// §5.2: "While waiting for votes, a candidate may receive an AppendEntries RPC from another
/// server claiming to be leader. If the leader's term ... is at least as large as the
/// candidate's current term, then the candidate recognizes the leader as legitimate and
/// returns to follower state. If the term in the RPC is smaller ..., then the candidate
/// rejects the RPC and continues in candidate state."
#[test]
fn s5_2_candidate_returns_to_follower_on_append_entries_from_a_leader_of_its_term_or_newer() {
    for leader_term in [2, 3] {
        let mut net = solo(&V3, 1, &[]);
        net.campaign(1);
        assert_eq!((net.node(1).role(), net.node(1).term()), (Role::Candidate, 2));
        let reply = only_send(&net.step(1, heartbeat(2, 1, leader_term, 0)));
        let node = net.node(1);
        assert_eq!((node.role(), node.term(), node.leader_id()), (Role::Follower, leader_term, Some(2)));
        assert!(matches!(reply.body, Body::AppendEntriesResponse { success: true, .. }), "it accepts the append: {reply:?}");
    }

    let mut net = solo(&V3, 1, &[]);
    net.campaign(1);
    let reply = only_send(&net.step(1, heartbeat(2, 1, 1, 0)));
    assert_eq!((net.node(1).role(), net.node(1).term()), (Role::Candidate, 2), "a stale leader is rejected");
    assert!(matches!(reply.body, Body::AppendEntriesResponse { success: false, .. }));
}

/// §5.2: "... a candidate [that] neither wins nor loses the election ... will time out and
/// start a new election by incrementing its term and initiating another round of
/// RequestVote RPCs."
#[test]
fn s5_2_candidate_whose_election_times_out_starts_a_new_one_in_a_higher_term() {
    let mut net = solo(&V3, 1, &[]);
    net.campaign(1);
    net.take_sent();
    let deadline = net.node(1).next_deadline();

    net.advance_to(deadline - 1);
    net.tick(1);
    assert_eq!((net.node(1).role(), net.node(1).term()), (Role::Candidate, 2));
    assert!(net.take_sent().is_empty());

    net.advance_to(deadline);
    let effects = net.tick(1);
    assert_eq!((net.node(1).role(), net.node(1).term()), (Role::Candidate, 3));
    assert!(effects.contains(&Effect::PersistHardState(HardState { current_term: 3, voted_for: Some(1) })));
    let requests = sends(&effects);
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|m| m.term == 3 && matches!(m.body, Body::RequestVote { pre_vote: false, .. })));
}

/// §5.2: "If many followers become candidates at the same time, votes could be split so that
/// no candidate obtains a majority. When this happens, each candidate will time out and
/// start a new election ... Raft uses randomized election timeouts to ensure that split
/// votes are rare and that they are resolved quickly." Four servers, two candidates, two
/// votes each: nobody wins term 1; the candidate whose timeout is shorter stands first in
/// term 2 and wins before the other one times out.
#[test]
fn s5_2_split_vote_is_resolved_by_the_candidate_whose_timeout_fires_first() {
    let mut net = Net::new(&[1, 2, 3, 4]);
    for (id, timeout) in [(1, 170), (2, 260), (3, 290), (4, 300)] {
        net.set_timeout(id, timeout * MS);
    }
    net.campaign(1);
    net.campaign(2);
    // Node 3 hears only from candidate 1, node 4 only from candidate 2.
    net.drop_where(|m| (m.from, m.to) == (1, 4) || (m.from, m.to) == (2, 3));
    net.deliver_all();
    for id in [1, 2] {
        assert_eq!((net.node(id).role(), net.node(id).term()), (Role::Candidate, 1), "split vote: node {id} waits");
    }
    net.take_sent();

    net.run_until(600 * MS);
    assert_eq!((net.node(1).role(), net.node(1).term()), (Role::Leader, 2));
    assert_eq!((net.node(2).role(), net.node(2).term()), (Role::Follower, 2));
    let second_round: Vec<_> = net.take_sent().into_iter().filter(|m| matches!(m.body, Body::RequestVote { .. })).collect();
    assert!(second_round.iter().all(|m| m.from == 1), "only node 1 stood again: {second_round:?}");
}

/// §5.2: "Raft uses randomized election timeouts ... chosen randomly from a fixed interval
/// (e.g., 150–300ms)." The core draws no random numbers: it asks its caller through
/// `ResetElectionTimer` and runs to exactly the value handed back. Of three followers, the
/// one given the shortest timeout becomes candidate first, exactly at its timeout; the
/// value the caller hands back afterwards sets the next deadline.
#[test]
fn s5_2_election_timeouts_are_the_callers_randomized_values() {
    let mut net = Net::new(&V3);
    for (id, timeout) in [(1, 280), (2, 190), (3, 230)] {
        net.set_timeout(id, timeout * MS);
    }
    net.advance_to(190 * MS - 1);
    net.tick_due();
    assert!(V3.iter().all(|&id| net.node(id).role() == Role::Follower));

    net.timeouts.insert(2, 211 * MS); // the caller's next draw for node 2
    net.advance_to(190 * MS);
    let effects = net.tick(2);
    assert_eq!(net.node(2).role(), Role::Candidate, "shortest timeout fires first");
    assert!(effects.contains(&Effect::ResetElectionTimer), "the core asks for a new timeout");
    assert_eq!(net.node(2).next_deadline(), 190 * MS + 211 * MS, "and uses the value it was handed");
    assert_eq!(net.node(1).next_deadline(), 280 * MS);
    assert_eq!(net.node(3).next_deadline(), 230 * MS);
}

/// §5.2: "Leaders send periodic heartbeats (AppendEntries RPCs that carry no log entries)
/// to all followers in order to maintain their authority." One empty AppendEntries per
/// follower per heartbeat interval, none in between; each carries the leader's commit
/// index.
#[test]
fn s5_2_leader_sends_empty_append_entries_to_every_follower_each_heartbeat_interval() {
    let mut net = Net::new(&V3);
    net.elect(1);
    net.take_sent();
    let interval = Config::default().heartbeat_interval;
    for k in 1..=4 {
        net.advance_to(k * interval - 1);
        assert!(sends(&net.tick(1)).is_empty(), "no heartbeat before the interval is up");
        net.advance_to(k * interval);
        let beats = sends(&net.tick(1));
        assert_eq!(beats.iter().map(|m| m.to).collect::<Vec<_>>(), [2, 3], "heartbeat {k}");
        for m in &beats {
            let Body::AppendEntries { entries, leader_commit, .. } = &m.body else { panic!("not an AppendEntries: {m:?}") };
            assert!(entries.is_empty());
            assert_eq!((m.term, *leader_commit), (1, net.commit(1)));
        }
        net.deliver_all();
    }
}

/// §5.2: "A server remains in follower state as long as it receives valid RPCs from a
/// leader or candidate." With heartbeats flowing, five seconds (many election timeouts)
/// pass without a single election.
#[test]
fn s5_2_followers_that_hear_heartbeats_never_start_an_election() {
    let mut net = Net::new(&V3);
    net.elect(1);
    net.take_sent();
    net.run_until(5_000 * MS);
    assert!(net.take_sent().iter().all(|m| !matches!(m.body, Body::RequestVote { .. })));
    assert!(V3.iter().all(|&id| net.node(id).term() == 1 && net.node(id).leader_id() == Some(1)));
}

/// Node 1 (election timeout 150 ms) whose timer restarted at 100 ms: still a follower a
/// microsecond before 250 ms, a candidate at 250 ms.
fn assert_node_1_times_out_150_ms_after_100_ms(net: &mut Net) {
    net.advance_to(250 * MS - 1);
    net.tick(1);
    assert_eq!(net.node(1).role(), Role::Follower, "the timer restarted at 100 ms");
    net.advance_to(250 * MS);
    net.tick(1);
    assert_eq!(net.node(1).role(), Role::Candidate);
}

/// §5.2 with Figure 2 ("If election timeout elapses without receiving AppendEntries RPC
/// from current leader or granting vote to candidate: convert to candidate"): an
/// AppendEntries from the current leader restarts the follower's election timer; one from
/// a deposed leader (stale term) does not.
#[test]
fn s5_2_follower_election_timer_restarts_on_append_entries_from_the_current_leader() {
    let mut net = solo(&V3, 2, &[]);
    net.step(1, heartbeat(2, 1, 2, 0)); // node 2 is the leader of term 2
    net.advance_to(100 * MS);
    assert!(net.step(1, heartbeat(2, 1, 2, 0)).contains(&Effect::ResetElectionTimer));
    assert_node_1_times_out_150_ms_after_100_ms(&mut net);

    let mut net = solo(&V3, 2, &[]);
    net.step(1, heartbeat(2, 1, 2, 0));
    net.advance_to(100 * MS);
    assert!(!net.step(1, heartbeat(3, 1, 1, 0)).contains(&Effect::ResetElectionTimer), "a stale leader is not the current leader");
    net.advance_to(150 * MS);
    net.tick(1);
    assert_eq!(net.node(1).role(), Role::Candidate);
}

/// §5.2 with Figure 2 (as above): granting a vote restarts the follower's election timer;
/// refusing one (here: the candidate's log is behind) does not.
#[test]
fn s5_2_follower_election_timer_restarts_when_it_grants_a_vote_but_not_when_it_refuses() {
    let mut net = solo(&V3, 2, &[1, 2]);
    net.advance_to(100 * MS);
    assert!(net.step(1, vote_request(2, 1, 2, (2, 2))).contains(&Effect::ResetElectionTimer));
    assert_node_1_times_out_150_ms_after_100_ms(&mut net);

    let mut net = solo(&V3, 2, &[1, 2]);
    net.advance_to(100 * MS);
    let effects = net.step(1, vote_request(3, 1, 2, (1, 1)));
    assert!(matches!(only_send(&effects).body, Body::RequestVoteResponse { vote_granted: false, .. }));
    assert!(!effects.contains(&Effect::ResetElectionTimer));
    net.advance_to(150 * MS);
    net.tick(1);
    assert_eq!(net.node(1).role(), Role::Candidate);
}

// =======================================================================================
// §5.3 Log replication
// =======================================================================================

/// §5.3: "The leader appends the command to its log as a new entry, then issues
/// AppendEntries RPCs in parallel to each of the other servers to replicate the entry."
/// The entry carries the leader's term; the leader persists it before sending; each
/// AppendEntries names the entry immediately preceding the new one (prevLogIndex,
/// prevLogTerm). The entry is not committed yet.
#[test]
fn s5_3_leader_appends_a_proposal_persists_it_and_sends_append_entries_to_every_follower() {
    let mut net = Net::new(&V3);
    net.elect(1);
    assert_eq!(net.commit(1), 1, "the leader's no-op is committed");
    net.take_sent();

    let (index, effects) = net.run(1, |n, now| n.propose(now, Command::new("x", 7)));
    assert_eq!(index, Ok(2));
    let want = Entry { index: 2, term: 1, payload: Payload::Command(Command::new("x", 7)) };
    assert_eq!(net.node(1).log().entry(2), Some(&want));
    let persisted = position(&effects, |e| *e == Effect::PersistEntries { from: 2, entries: vec![want.clone()] }).expect("persisted");
    assert!(persisted < first_send(&effects).expect("sent"), "{effects:?}");
    let appends = sends(&effects);
    assert_eq!(appends.iter().map(|m| m.to).collect::<Vec<_>>(), [2, 3]);
    for m in &appends {
        let Body::AppendEntries { prev_log_index, prev_log_term, entries, leader_commit, .. } = &m.body else { panic!("{m:?}") };
        assert_eq!((m.term, *prev_log_index, *prev_log_term, *leader_commit), (1, 1, 1, 1));
        assert_eq!(entries, std::slice::from_ref(&want));
    }
    assert_eq!(net.commit(1), 1, "not committed before a majority stores it");
}

/// §5.3: "A log entry is committed once the leader that created the entry has replicated it
/// on a majority of the servers ... The leader ... applies the entry to its state machine."
/// Clusters of 1, 3 and 5 with the given followers reachable.
#[test]
fn s5_3_entry_is_committed_once_stored_on_a_majority_and_the_leader_then_applies_it() {
    let cases: [(usize, &[NodeId], bool); 9] = [
        (1, &[], true),
        (3, &[], false),
        (3, &[2], true),
        (3, &[2, 3], true),
        (5, &[], false),
        (5, &[2], false),
        (5, &[2, 3], true),
        (5, &[2, 3, 4], true),
        (5, &[2, 3, 4, 5], true),
    ];
    for (size, acceptors, committed) in cases {
        let voters: Vec<NodeId> = (1..=size as NodeId).collect();
        let mut net = Net::new(&voters);
        net.elect(1);
        for &id in &voters[1..] {
            if !acceptors.contains(&id) {
                net.isolate(id);
            }
        }
        let index = net.propose(1, "x").unwrap();
        net.deliver_all();
        assert_eq!(net.commit(1) >= index, committed, "{size} servers, stored on leader and {acceptors:?}");
        let applied = net.applied(1).iter().any(|e| e.index == index && e.payload == Payload::Command(Command::new("x", 0)));
        assert_eq!(applied, committed, "the leader applies exactly the committed entry");
    }
}

/// §5.3: once the leader's entry is replicated on a majority it is committed; "this also
/// commits all preceding entries in the leader's log, including entries created by previous
/// leaders." They are applied in log order.
#[test]
fn s5_3_committing_an_entry_commits_all_preceding_entries_including_earlier_leaders() {
    for earlier in [&[][..], &[2], &[1, 2], &[1]] {
        let mut net = Net::from_states(Config::default(), V3.iter().map(|&id| (id, durable(&V3, 2, earlier))).collect());
        net.elect(1);
        assert_eq!(net.node(1).term(), 3);
        net.propose(1, "x").unwrap();
        net.deliver_all();
        let mut want = log_of(earlier);
        let n = earlier.len() as Index;
        want.push(Entry { index: n + 1, term: 3, payload: Payload::Noop });
        want.push(Entry { index: n + 2, term: 3, payload: Payload::Command(Command::new("x", 0)) });
        assert_eq!(net.applied(1), want, "earlier log {earlier:?}");
    }
}

/// §5.3: "The leader keeps track of the highest index it knows to be committed, and it
/// includes that index in future AppendEntries RPCs (including heartbeats) so that the
/// other servers eventually find out. Once a follower learns that a log entry is
/// committed, it applies the entry to its local state machine (in log order)."
#[test]
fn s5_3_followers_learn_the_commit_index_from_later_append_entries_and_apply_in_log_order() {
    let mut net = Net::new(&V3);
    net.elect(1);
    for data in ["a", "b", "c"] {
        net.propose(1, data).unwrap();
    }
    net.deliver_all();
    assert_eq!(net.commit(1), 4);

    net.advance(Config::default().heartbeat_interval);
    net.tick(1);
    net.deliver_all();
    for id in [2, 3] {
        assert_eq!(net.commit(id), 4, "node {id} learned the commit index");
        assert_eq!(net.applied(id), net.applied(1), "node {id} applied the same entries in the same order");
    }
    let indexes: Vec<Index> = net.applied(2).iter().map(|e| e.index).collect();
    assert_eq!(indexes, [1, 2, 3, 4]);
}

/// Figure 2, AppendEntries rule 5: "If leaderCommit > commitIndex, set commitIndex =
/// min(leaderCommit, index of last new entry)." A follower marks as committed only entries
/// the leader has shown it to match: a leader may send its commit index along with only
/// part of its log, and a follower may hold a stale entry from a deposed leader beyond
/// what the current leader has vouched for.
#[test]
fn s5_3_follower_commit_index_never_passes_the_last_entry_the_leader_vouched_for() {
    let mut net = solo(&V3, 1, &[]);
    let effects = net.step(1, append(2, 1, 1, (0, 0), vec![entry(1, 1), entry(2, 1)], 3));
    assert_eq!(net.commit(1), 2, "min(leaderCommit 3, last new entry 2)");
    assert!(effects.contains(&Effect::Apply(vec![entry(1, 1), entry(2, 1)])), "applied in order: {effects:?}");

    // Entry 3 here was written by a deposed leader of term 1; the leader of term 3 has a
    // different entry 3 and commits it. Its heartbeat vouches for index 2 only.
    let mut net = solo(&V3, 2, &[1, 1, 1]);
    let effects = net.step(1, append(2, 1, 3, (2, 1), vec![], 3));
    assert!(matches!(only_send(&effects).body, Body::AppendEntriesResponse { success: true, match_index: 2, .. }));
    assert_eq!(net.commit(1), 2, "our entry 3 may not be the leader's entry 3");
    assert_eq!(net.applied(1), log_of(&[1, 1]));
    let effects = net.step(1, append(2, 1, 3, (2, 1), vec![entry(3, 3)], 3));
    assert_eq!((net.terms(1), net.commit(1)), (vec![1, 1, 3], 3));
    assert!(effects.contains(&Effect::Apply(vec![entry(3, 3)])), "the leader's entry 3 is the one applied");
}

/// §5.3: "When sending an AppendEntries RPC, the leader includes the index and term of the
/// entry in its log that immediately precedes the new entries. If the follower does not
/// find an entry in its log with the same index and term, then it refuses the new
/// entries." (Figure 2, rule 2.) A refusal names the refused index and hints where the logs
/// part (the optimization at the end of §5.3): the conflicting term and the first index of
/// that term the follower holds, or — when the follower's log is too short — its last
/// index + 1. A refused append changes nothing.
#[test]
fn s5_3_follower_refuses_append_entries_whose_previous_entry_does_not_match_and_hints_where_logs_part() {
    let cases = [
        ((0, 0), Ok(0)),
        ((1, 1), Ok(1)),
        ((2, 2), Ok(2)),
        ((2, 1), Err(ConflictHint { conflict_term: Some(2), conflict_index: 2 })),
        ((1, 2), Err(ConflictHint { conflict_term: Some(1), conflict_index: 1 })),
        ((3, 3), Err(ConflictHint { conflict_term: None, conflict_index: 3 })),
    ];
    for ((prev_index, prev_term), want) in cases {
        let mut net = solo(&V3, 2, &[1, 2]);
        let effects = net.step(1, append(2, 1, 2, (prev_index, prev_term), vec![], 0));
        let reply = only_send(&effects);
        let body = match want {
            Ok(match_index) => Body::AppendEntriesResponse { success: true, match_index, rejected_index: 0, hint: None, round: 0 },
            Err(hint) => {
                Body::AppendEntriesResponse { success: false, match_index: 0, rejected_index: prev_index, hint: Some(hint), round: 0 }
            }
        };
        assert_eq!((reply.to, reply.term, &reply.body), (2, 2, &body), "prev ({prev_index}, {prev_term})");
        assert_eq!(net.terms(1), [1, 2], "the log is unchanged");
        assert!(!effects.iter().any(|e| matches!(e, Effect::PersistEntries { .. })));
    }
}

/// §5.3: "If an existing entry conflicts with a new one (same index but different terms),
/// delete the existing entry and all that follow it" (Figure 2, rule 3), then "append any
/// new entries not already in the log" (rule 4). Entries already present are left alone
/// and not written again. The harness's disk, built only from PersistEntries effects,
/// ends up equal to the log.
#[test]
fn s5_3_follower_deletes_a_conflicting_entry_and_all_that_follow_it() {
    struct Case {
        /// prevLogIndex and prevLogTerm; the new entries follow prev.
        prev: (Index, Term),
        new_terms: &'static [Term],
        /// The follower's log afterwards, and the first index written to its disk.
        want: &'static [Term],
        written: Option<Index>,
    }
    let cases = [
        Case { prev: (2, 2), new_terms: &[3], want: &[1, 2, 3], written: Some(3) },
        Case { prev: (1, 1), new_terms: &[3, 4], want: &[1, 3, 4], written: Some(2) },
        Case { prev: (0, 0), new_terms: &[1], want: &[1, 2], written: None },
        Case { prev: (0, 0), new_terms: &[3], want: &[3], written: Some(1) },
        Case { prev: (0, 0), new_terms: &[1, 3], want: &[1, 3], written: Some(2) },
    ];
    for Case { prev, new_terms, want, written } in cases {
        let mut net = solo(&V3, 2, &[1, 2]);
        let new: Vec<Entry> = new_terms.iter().enumerate().map(|(k, &t)| entry(prev.0 + 1 + k as Index, t)).collect();
        let effects = net.step(1, append(2, 1, 4, prev, new, 0));
        assert_eq!(net.terms(1), want, "prev {prev:?}, new {new_terms:?}");
        let wrote = effects.iter().find_map(|e| match e {
            Effect::PersistEntries { from, .. } => Some(*from),
            _ => None,
        });
        assert_eq!(wrote, written, "prev {prev:?}, new {new_terms:?}");
        assert_eq!(net.disk(1).entries, net.node(1).log().entries(), "the durable log is the log");
        let reply = only_send(&effects);
        assert!(matches!(reply.body, Body::AppendEntriesResponse { success: true, .. }));
    }
}

/// Figure 2, rule 3, and the bug it prevents (`Breaks.keep_conflicting_suffix`): a follower
/// that overwrites a conflicting entry in place and keeps the entries after it ends with the
/// old leader's entries behind the new leader's: its terms go down along the log, and the
/// leader, told that the follower matches up to the new entry, never learns of them. With
/// the break, what goes past the follower's log is still appended, and the disk is the log.
/// The follower here starts from a snapshot at index 2, so indexes are not positions.
#[test]
fn s5_3_with_the_keep_conflicting_suffix_break_a_follower_keeps_the_stale_entries_after_a_conflict() {
    let snapshot = Snapshot { index: 2, term: 1, membership: Membership::new(V3), data: "".into() };
    // (follower's entries after the snapshot, the new entries after (3, 1), the log after
    // rule 3, the log with the break)
    type Case<'a> = (&'a [Term], &'a [Term], &'a [Term], &'a [Term]);
    let cases: [Case; 2] = [(&[1, 2, 2], &[3], &[1, 3], &[1, 3, 2]), (&[1, 2], &[3, 3], &[1, 3, 3], &[1, 3, 3])];
    for (held, new, want, broken) in cases {
        for keep in [false, true] {
            let config = Config { breaks: Breaks { keep_conflicting_suffix: keep, ..Breaks::default() }, ..Config::default() };
            let entries = held.iter().enumerate().map(|(k, &t)| entry(3 + k as Index, t)).collect();
            let state = DurableState { hard_state: HardState { current_term: 2, voted_for: None }, snapshot: snapshot.clone(), entries };
            let mut net = Net::from_states(config, vec![(1, state)]);
            let new_entries = new.iter().enumerate().map(|(k, &t)| entry(4 + k as Index, t)).collect();
            let effects = net.step(1, append(2, 1, 3, (3, 1), new_entries, 0));
            let expected = if keep { broken } else { want };
            assert_eq!(net.terms(1), expected, "held {held:?}, new {new:?}, keep_conflicting_suffix = {keep}");
            let indexes: Vec<Index> = net.node(1).log().entries().iter().map(|e| e.index).collect();
            assert_eq!(indexes, (3..3 + expected.len() as Index).collect::<Vec<_>>(), "contiguous after the snapshot");
            assert_eq!(net.node(1).log().entry(4), Some(&entry(4, 3)), "the leader's entry 4");
            assert!(
                matches!(only_send(&effects).body, Body::AppendEntriesResponse { success: true, match_index, .. } if match_index == 3 + new.len() as Index)
            );
            assert_eq!(net.disk(1).entries, net.node(1).log().entries(), "the durable log is the log");
            assert!(net.persistence_violations.is_empty(), "{:?}", net.persistence_violations);
        }
    }
}

/// §5.3 with Figure 2 rule 3: only a *conflicting* entry causes a truncation ("if an
/// existing entry conflicts with a new one"). An older AppendEntries that the network
/// delayed and delivers after a newer one carries a prefix of what the follower already
/// holds; it must not cut off the newer entries, which the follower may already have
/// acknowledged.
#[test]
fn s5_3_a_delayed_older_append_entries_does_not_truncate_newer_entries() {
    let mut net = solo(&V3, 1, &[]);
    net.step(1, append(2, 1, 1, (0, 0), vec![entry(1, 1), entry(2, 1), entry(3, 1)], 0));
    assert_eq!(net.terms(1), [1, 1, 1]);

    for older in [append(2, 1, 1, (0, 0), vec![entry(1, 1)], 0), append(2, 1, 1, (1, 1), vec![entry(2, 1)], 0)] {
        let effects = net.step(1, older.clone());
        assert_eq!(net.terms(1), [1, 1, 1], "after {older:?}");
        assert!(!persists_anything(&effects));
        assert!(matches!(only_send(&effects).body, Body::AppendEntriesResponse { success: true, .. }));
    }
}

/// Figure 7: the six follower logs (a)–(f) beside the leader of term 8.
const FIGURE7_LEADER: [Term; 10] = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
const FIGURE7_FOLLOWERS: [(&str, &[Term]); 6] = [
    ("a", &[1, 1, 1, 4, 4, 5, 5, 6, 6]),
    ("b", &[1, 1, 1, 4]),
    ("c", &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6]),
    ("d", &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7]),
    ("e", &[1, 1, 1, 4, 4, 4, 4]),
    ("f", &[1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3]),
];

/// Node 1 holds the leader's log of Figure 7 and wins term 8 with the vote of node 3 (which
/// holds the same log); node 2 holds one of the follower logs (some of which would refuse
/// their vote). Every entry carries a command naming its index and term, so two logs are
/// equal only if their entries are.
fn figure7(follower: &[Term]) -> Net {
    let mut net = Net::from_states(
        Config::default(),
        vec![(1, durable(&V3, 7, &FIGURE7_LEADER)), (2, durable(&V3, 7, follower)), (3, durable(&V3, 7, &FIGURE7_LEADER))],
    );
    net.elect(1);
    assert_eq!(net.node(1).term(), 8);
    net
}

/// §5.3 (Figure 7): "the leader handles inconsistencies by forcing the followers' logs to
/// duplicate its own ... the leader maintains a nextIndex for each follower ... After a
/// rejection, the leader decrements nextIndex and retries the AppendEntries RPC.
/// Eventually nextIndex will reach a point where the leader and follower logs match."
/// Whichever of the six follower logs of Figure 7 it starts from, the follower ends with
/// exactly the leader's log — missing entries added, extraneous ones removed — and then
/// commits and applies what the leader commits.
#[test]
fn s5_3_leader_makes_every_figure7_follower_log_identical_to_its_own() {
    for (name, follower) in FIGURE7_FOLLOWERS {
        let mut net = figure7(follower);
        net.propose(1, "new").unwrap();
        net.deliver_all();
        net.advance(Config::default().heartbeat_interval);
        net.tick(1);
        net.deliver_all();

        let mut want: Vec<Term> = FIGURE7_LEADER.to_vec();
        want.extend([8, 8]); // the leader's no-op and the new command
        assert_eq!(net.terms(1), want, "({name}) leader");
        assert_eq!(net.node(2).log().entries(), net.node(1).log().entries(), "({name}) follower's log is the leader's");
        assert_eq!(net.disk(2).entries, net.node(2).log().entries(), "({name}) and that is what is durable");
        assert_eq!((net.commit(1), net.commit(2)), (12, 12), "({name})");
        assert_eq!(net.applied(2), net.node(1).log().entries(), "({name}) follower applied the leader's log");
    }
}

/// §5.3: "If desired, the protocol can be optimized to reduce the number of rejected
/// AppendEntries RPCs. For example, when rejecting an AppendEntries request, the follower
/// can include the term of the conflicting entry and the first index it stores for that
/// term. With this information, the leader can decrement nextIndex to bypass all of the
/// conflicting entries in that term; one AppendEntries RPC will be required for each term
/// with conflicting entries, rather than one RPC per entry." For the Figure 7 followers
/// the leader needs at most one refusal per conflicting term, and strictly fewer than
/// backing up one entry per refusal would.
#[test]
fn s5_3_fast_backtracking_needs_fewer_refusals_than_one_per_entry() {
    for (name, follower) in FIGURE7_FOLLOWERS {
        let net = figure7(follower);
        let refusals =
            net.sent.iter().filter(|m| m.from == 2 && matches!(m.body, Body::AppendEntriesResponse { success: false, .. })).count();
        // One entry per refusal: the leader starts from nextIndex 11 and refuses at every
        // prevLogIndex from 10 down to the end of the common prefix.
        let common = FIGURE7_LEADER.iter().zip(follower).take_while(|(a, b)| a == b).count();
        let one_per_entry = FIGURE7_LEADER.len() - common;
        // The follower's log past the common prefix has this many terms, plus one refusal
        // when it is shorter than the leader's log (the hint then jumps to its end).
        let mut conflicting_terms: Vec<Term> = follower.iter().skip(common).take(FIGURE7_LEADER.len() - common).copied().collect();
        conflicting_terms.dedup();
        let bound = conflicting_terms.len() + usize::from(follower.len() < FIGURE7_LEADER.len());
        assert!(refusals <= bound, "({name}) {refusals} refusals, at most one per conflicting term ({bound}) expected");
        if one_per_entry > 1 {
            assert!(refusals < one_per_entry, "({name}) {refusals} refusals, backing up one entry at a time needs {one_per_entry}");
        }
        assert_eq!(net.node(2).log().entries(), net.node(1).log().entries(), "({name})");
    }
    // Case (f) by hand: two refusals (its term-3 entries, then its term-2 entries) instead of seven.
    let net = figure7(FIGURE7_FOLLOWERS[5].1);
    let refusals = net.sent.iter().filter(|m| m.from == 2 && matches!(m.body, Body::AppendEntriesResponse { success: false, .. })).count();
    assert_eq!(refusals, 2);
    // Case (e) by hand: the leader holds entries of the follower's conflicting term 4 itself,
    // so it bypasses only the follower's entries past its own last entry of that term:
    // prevLogIndex 10 (refused: too short), 7 (refused: term 4 there, from index 4), then
    // 5, the leader's last entry of term 4, which matches; nothing before it is sent again.
    let net = figure7(FIGURE7_FOLLOWERS[4].1);
    let prevs: Vec<Index> = net
        .sent
        .iter()
        .filter(|m| m.from == 1 && m.to == 2)
        .filter_map(|m| match m.body {
            Body::AppendEntries { prev_log_index, .. } => Some(prev_log_index),
            _ => None,
        })
        .collect();
    assert_eq!(prevs, [10, 7, 5]);
}

/// §5.4.2 and §8: "Raft handles this by having each leader commit a blank no-op entry into
/// the log at the start of its term." And §5.2: "Once a candidate wins an election, it
/// becomes leader. It then sends heartbeat messages to all of the other servers to
/// establish its authority." The no-op is appended in the leader's own term, persisted,
/// and sent to every follower in the same step in which the election is won.
#[test]
fn s5_3_new_leader_appends_a_noop_of_its_own_term_and_announces_itself_at_once() {
    let mut net = solo(&V3, 2, &[1, 2]);
    net.campaign(1);
    let effects = net.step(1, vote_response(2, 1, 3, true));
    assert_eq!(net.node(1).role(), Role::Leader);
    let noop = Entry { index: 3, term: 3, payload: Payload::Noop };
    assert_eq!(net.node(1).log().entry(3), Some(&noop));
    let persisted = position(&effects, |e| *e == Effect::PersistEntries { from: 3, entries: vec![noop.clone()] }).expect("persisted");
    assert!(persisted < first_send(&effects).unwrap());
    let appends = sends(&effects);
    assert_eq!(appends.iter().map(|m| m.to).collect::<Vec<_>>(), [2, 3]);
    for m in appends {
        assert_eq!(
            m.body,
            Body::AppendEntries { prev_log_index: 2, prev_log_term: 2, entries: vec![noop.clone()], leader_commit: 0, round: 0 }
        );
    }
}

// =======================================================================================
// §5.4 Safety
// =======================================================================================

/// §5.4.1: "The RequestVote RPC implements this restriction: the RPC includes information
/// about the candidate's log, and the voter denies its vote if its own log is more
/// up-to-date than that of the candidate. ... If the logs have last entries with different
/// terms, then the log with the later term is more up-to-date. If the logs end with the
/// same term, then whichever log is longer is more up-to-date."
#[test]
fn s5_4_1_voter_refuses_a_candidate_whose_log_is_less_up_to_date_than_its_own() {
    // (voter's log, candidate's last (index, term), granted)
    let cases: [(&[Term], (Index, Term), bool); 10] = [
        // Same last term: the longer log wins; equal length is up to date.
        (&[1], (1, 1), true),
        (&[1], (2, 1), true),
        (&[1, 1], (1, 1), false),
        // Candidate's last term is later: up to date, whatever the length.
        (&[1], (1, 2), true),
        (&[1], (2, 2), true),
        (&[1, 1], (1, 2), true),
        // Voter's last term is later: refused, whatever the length.
        (&[2], (1, 1), false),
        (&[2], (2, 1), false),
        (&[2, 2], (1, 1), false),
        (&[1, 2], (5, 1), false),
    ];
    for (voter_log, last, granted) in cases {
        let mut net = solo(&V3, 2, voter_log);
        let reply = only_send(&net.step(1, vote_request(2, 1, 3, last)));
        assert_eq!(
            reply.body,
            Body::RequestVoteResponse { pre_vote: false, vote_granted: granted },
            "voter log {voter_log:?}, candidate last {last:?}"
        );
        assert_eq!(net.node(1).term(), 3, "the term is adopted either way (§5.1)");
    }
}

/// §5.4.1: "the RPC includes information about the candidate's log": every RequestVote
/// carries the index and term of the candidate's last entry.
#[test]
fn s5_4_1_request_vote_carries_the_candidates_last_log_index_and_term() {
    for log in [&[][..], &[1], &[1, 2], &[1, 1, 3]] {
        let mut net = solo(&V3, 3, log);
        let requests = sends(&net.fire_election_timer(1));
        assert_eq!(requests.len(), 2);
        let last = (log.len() as Index, log.last().copied().unwrap_or(0));
        for m in requests {
            let Body::RequestVote { last_log_index, last_log_term, .. } = m.body else { panic!("{m:?}") };
            assert_eq!((last_log_index, last_log_term), last, "log {log:?}");
        }
    }
}

/// §5.4.1: "A candidate must contact a majority of the cluster in order to be elected, which
/// means that every committed entry must be present in at least one of those servers." A
/// server that missed a committed entry cannot win; a server holding it can, and the entry
/// survives the change of leader (Leader Completeness).
#[test]
fn s5_4_1_a_server_missing_a_committed_entry_cannot_be_elected() {
    let mut net = Net::new(&V3);
    net.elect(1);
    net.crash(3);
    let index = net.propose(1, "x").unwrap();
    net.deliver_all();
    assert_eq!(net.commit(1), index, "committed on nodes 1 and 2");

    net.crash(1);
    net.recover(3);
    for _ in 0..3 {
        net.campaign(3);
        net.deliver_all();
        assert_ne!(net.node(3).role(), Role::Leader, "node 2 refuses: node 3's log lacks a committed entry");
    }
    net.elect(2);
    assert_eq!(net.node(2).log().entry(index).map(|e| &e.payload), Some(&Payload::Command(Command::new("x", 0))));
}

/// The cluster of Figure 8, stopped at its critical moment. Five servers; S5 led term 3 and
/// wrote index 2 (term 3) only to itself; S1 led term 2 and wrote index 2 (term 2). S1 now
/// wins term 4 with the votes of S2 and S3 (S4 and S5 are cut off), appends its no-op of
/// term 4 at index 3 and — sending one entry per AppendEntries — brings S2 and S3 up to
/// index 2. The net stops the moment S1 knows index 2 (term 2) is stored on S1, S2 and S3,
/// a majority, while its term-4 entry is stored only on S1. (In the paper S2 already held
/// index 2; here S1 copies it to S2 as well, so that S1 *knows* of a majority.)
fn figure8(breaks: Breaks) -> Net {
    let config = Config { max_entries_per_append: 1, breaks, ..Config::default() };
    let mut net = Net::from_states(
        config,
        vec![
            (1, durable(&V5, 3, &[1, 2])),
            (2, durable(&V5, 3, &[1])),
            (3, durable(&V5, 3, &[1])),
            (4, durable(&V5, 3, &[1])),
            (5, durable(&V5, 3, &[1, 3])),
        ],
    );
    net.isolate(4);
    net.isolate(5);
    net.campaign(1);
    net.deliver_until(|n| n.node(1).role() == Role::Leader);
    assert_eq!((net.node(1).term(), net.terms(1)), (4, vec![1, 2, 4]));
    net.deliver_until(|n| n.match_index(1, 2) >= 2 && n.match_index(1, 3) >= 2);
    assert_eq!((net.match_index(1, 2), net.match_index(1, 3)), (2, 2));
    assert_eq!((net.terms(2), net.terms(3)), (vec![1, 2], vec![1, 2]), "index 3 has reached neither S2 nor S3");
    net
}

/// §5.4.2 (Figure 8): "Raft never commits log entries from previous terms by counting
/// replicas. Only log entries from the leader's current term are committed by counting
/// replicas; once an entry from the current term has been committed in this way, then all
/// prior entries are committed indirectly." S1, leader of term 4, knows its term-2 entry
/// is on a majority, yet does not commit it; its commit index jumps from 0 to 3 exactly
/// when its term-4 entry is known to be on a majority, and index 2 is committed with it.
#[test]
fn s5_4_2_leader_does_not_commit_an_entry_of_an_earlier_term_by_counting_replicas() {
    let mut net = figure8(Breaks::default());
    assert_eq!(net.commit(1), 0, "index 2 (term 2) is on a majority, but is not committed by counting replicas");
    assert!(net.applied(1).is_empty());
    while net.deliver_one() {
        let term4_entry_on_majority = 1 + [2, 3, 4, 5].iter().filter(|&&p| net.match_index(1, p) >= 3).count() >= 3;
        assert!(net.commit(1) == 0 || net.commit(1) == 3, "commit index {}", net.commit(1));
        assert_eq!(net.commit(1) == 3, term4_entry_on_majority);
    }
    assert_eq!(net.commit(1), 3);
    assert_eq!(net.applied(1).iter().map(|e| (e.index, e.term)).collect::<Vec<_>>(), [(1, 1), (2, 2), (3, 4)]);
    assert!(net.safety_violations.is_empty(), "{:?}", net.safety_violations);
}

/// §5.4.2 (Figure 8), the bug the rule prevents, with `Config.breaks.figure8_commit` on (this
/// shows the switch works, and that the previous test can fail): S1 commits and applies
/// its term-2 entry by counting replicas, then crashes before its term-4 entry reaches
/// anyone (Figure 8 (d)); S5 wins term 5 with the votes of S2, S3 and S4 (its last term,
/// 3, beats their 2 and 1) and overwrites index 2 on a majority with its own term-3 entry, which
/// it then commits and applies. Two servers have applied different commands at index 2.
#[test]
fn s5_4_2_with_the_figure8_break_a_leader_commits_by_counting_and_a_committed_entry_is_lost() {
    let mut net = figure8(Breaks { figure8_commit: true, ..Breaks::default() });
    assert_eq!(net.commit(1), 2, "the break commits index 2 by counting replicas");
    assert_eq!(net.applied(1).last(), Some(&entry(2, 2)));

    net.crash(1);
    net.heal(4);
    net.heal(5);
    net.elect(5);
    assert_eq!(net.node(5).term(), 5);
    net.deliver_all();
    net.advance(Config::default().heartbeat_interval);
    net.tick(5);
    net.deliver_all();
    assert_eq!((net.terms(2), net.terms(3)), (vec![1, 3, 5], vec![1, 3, 5]), "index 2 overwritten on S2 and S3");
    assert_eq!(net.applied(5).get(1), Some(&entry(2, 3)), "S5 applied its own index 2");
    assert!(
        net.safety_violations.iter().any(|v| v.contains("state machine safety")),
        "the harness sees two entries applied at index 2: {:?}",
        net.safety_violations
    );
}

/// The configurations the randomized runs cycle through: pre-vote and check-quorum on and
/// off, and tight flow control (few entries per append, few appends in flight).
fn random_config(seed: u64) -> Config {
    Config {
        pre_vote: seed % 2 == 1,
        check_quorum: seed % 4 >= 2,
        max_entries_per_append: 1 + (seed % 3) as u32,
        max_inflight: 1 + (seed % 5) as u32,
        ..Config::default()
    }
}

/// §5.4.3 (Figure 3): Election Safety ("at most one leader can be elected in a given
/// term"), Log Matching ("if two logs contain an entry with the same index and term, then
/// the logs are identical in all entries up through the given index") and State Machine
/// Safety ("if a server has applied a log entry at a given index to its state machine, no
/// other server will ever apply a different log entry for the same index"), checked on
/// randomized runs of five servers with message loss, duplication, reordering, crashes
/// and restarts, with and without pre-vote and check-quorum.
#[test]
fn s5_4_3_randomized_runs_keep_election_safety_log_matching_and_state_machine_safety() {
    for seed in 0..200 {
        let net = random_run(seed, random_config(seed), 3_000);
        assert!(net.safety_violations.is_empty(), "seed {seed}: {:#?}", net.safety_violations);
        assert!(net.applied_anywhere.len() >= 3, "seed {seed}: the run should commit something, committed {}", net.applied_anywhere.len());
    }
}

/// The previous test is not blind: the same runs with `Breaks.vote_without_log_check`
/// (a voter ignores §5.4.1) elect leaders that lack committed entries, and the harness
/// sees logs or state machines diverge.
#[test]
fn s5_4_3_randomized_runs_catch_a_voter_that_ignores_the_election_restriction() {
    let caught = (0..24)
        .filter(|&seed| {
            let config = Config { breaks: Breaks { vote_without_log_check: true, ..Breaks::default() }, ..random_config(seed) };
            !random_run(seed, config, 3_000).safety_violations.is_empty()
        })
        .count();
    assert!(caught > 0, "no run out of 24 noticed the broken election restriction");
}

/// §5.6: "Raft will be able to elect and maintain a steady leader as long as the system
/// satisfies ... broadcastTime ≪ electionTimeout ≪ MTBF", and §5.3: the leader retries
/// "until all followers eventually store all log entries". After each randomized run the
/// faults stop (messages are delivered at once, nobody crashes) for five seconds: one
/// leader leads, every log is identical, and every server has committed and applied the
/// same entries.
#[test]
fn s5_6_after_the_faults_stop_a_steady_leader_emerges_and_all_logs_converge() {
    for seed in 0..200 {
        let mut net = random_run(seed, random_config(seed), 3_000);
        let end = net.now + 5_000 * MS;
        net.run_until(end);
        let leaders: Vec<NodeId> = V5.iter().copied().filter(|&id| net.node(id).role() == Role::Leader).collect();
        assert_eq!(leaders.len(), 1, "seed {seed}: leaders {leaders:?}");
        let leader = net.node(leaders[0]);
        for id in V5 {
            let node = net.node(id);
            assert_eq!((node.term(), node.leader_id()), (leader.term(), Some(leaders[0])), "seed {seed}: node {id}");
            assert_eq!(node.log().entries(), leader.log().entries(), "seed {seed}: node {id}'s log");
            assert_eq!(node.log().commit_index(), leader.log().last_index(), "seed {seed}: node {id} committed everything");
            assert_eq!(node.log().applied_index(), leader.log().last_index(), "seed {seed}: node {id} applied everything");
        }
        assert!(net.safety_violations.is_empty(), "seed {seed}: {:#?}", net.safety_violations);
    }
}

// =======================================================================================
// §5.5 Follower and candidate crashes
// =======================================================================================

/// §5.5 (and §5.3): "If a follower or candidate crashes, then future RequestVote and
/// AppendEntries RPCs sent to it will fail. Raft handles these failures by retrying
/// indefinitely; if the crashed server restarts, then the RPC will complete successfully."
/// A follower down while an entry is committed catches up after it restarts, without any
/// new proposal and without an election.
#[test]
fn s5_5_leader_retries_append_entries_until_a_crashed_follower_restarts_and_stores_them() {
    let mut net = Net::new(&V3);
    net.elect(1);
    net.crash(3);
    net.propose(1, "x").unwrap();
    net.run_until(1_000 * MS);
    assert_eq!(net.commit(1), 2, "committed without node 3");

    net.recover(3);
    net.run_until(1_300 * MS);
    assert_eq!(net.node(3).log().entries(), net.node(1).log().entries());
    assert_eq!(net.applied(3), net.applied(1));
    assert!(V3.iter().all(|&id| net.node(id).term() == 1), "no election was needed");
}

/// §5.5: "Raft RPCs are idempotent, so this causes no harm. For example, if a follower
/// receives an AppendEntries request that includes log entries already present in its log,
/// it ignores those entries in the new request." The same holds for a repeated RequestVote.
#[test]
fn s5_5_a_request_delivered_twice_changes_nothing_the_second_time() {
    let mut net = solo(&V3, 1, &[]);
    let m = append(2, 1, 1, (0, 0), vec![entry(1, 1), entry(2, 1)], 1);
    let first = net.step(1, m.clone());
    let log = net.node(1).log().clone();
    let second = net.step(1, m);
    assert_eq!(net.node(1).log(), &log);
    assert!(!persists_anything(&second) && !second.iter().any(|e| matches!(e, Effect::Apply(_))), "{second:?}");
    assert_eq!(sends(&first), sends(&second), "the same answer");

    let mut net = solo(&V3, 1, &[]);
    let m = vote_request(2, 1, 2, (0, 0));
    let first = net.step(1, m.clone());
    let second = net.step(1, m);
    assert!(persists_anything(&first) && !persists_anything(&second));
    assert_eq!(sends(&first), sends(&second));
}

// =======================================================================================
// Pre-vote (dissertation §9.6)
// =======================================================================================

fn pre_vote() -> Config {
    Config { pre_vote: true, ..Config::default() }
}

/// Dissertation §9.6 (Pre-Vote): before standing, a would-be candidate asks the others
/// whether they would vote for it; only if a majority would does it increment its term and
/// start a normal election. A follower whose election timeout elapses becomes a pre-candidate:
/// it keeps its term and vote, persists nothing, and asks every other server in the term
/// it would stand in.
#[test]
fn prevote_timed_out_follower_becomes_precandidate_without_raising_its_term() {
    let mut net = Net::from_states(pre_vote(), vec![(1, durable(&V3, 2, &[1, 2]))]);
    let effects = net.fire_election_timer(1);
    let node = net.node(1);
    assert_eq!((node.role(), node.term(), node.voted_for()), (Role::PreCandidate, 2, None));
    assert!(!persists_anything(&effects), "{effects:?}");
    let requests = sends(&effects);
    assert_eq!(requests.iter().map(|m| m.to).collect::<Vec<_>>(), [2, 3]);
    for m in requests {
        assert_eq!(m.term, 3, "the term it would stand in");
        assert_eq!(m.body, Body::RequestVote { pre_vote: true, last_log_index: 2, last_log_term: 2, leadership_transfer: false });
    }
}

/// Dissertation §9.6: a pre-candidate that a majority would vote for then stands for real:
/// it increments its term, votes for itself and runs a normal election, which it wins.
/// Answering a pre-vote changes nothing on the voters (no term, no vote).
#[test]
fn prevote_precandidate_that_wins_the_prevote_stands_in_a_real_election() {
    let mut net = Net::with_config(&V3, pre_vote());
    net.fire_election_timer(1);
    assert_eq!(net.node(1).role(), Role::PreCandidate);
    net.deliver_one();
    net.deliver_one();
    for id in [2, 3] {
        assert_eq!(net.node(id).hard_state(), HardState { current_term: 0, voted_for: None }, "node {id} answered the pre-vote");
    }
    net.deliver_all();
    assert_eq!((net.node(1).role(), net.node(1).term()), (Role::Leader, 1));
    let kinds: Vec<(bool, Term)> = net
        .sent
        .iter()
        .filter(|m| m.from == 1)
        .filter_map(|m| match m.body {
            Body::RequestVote { pre_vote, .. } => Some((pre_vote, m.term)),
            _ => None,
        })
        .collect();
    assert_eq!(kinds, [(true, 1), (true, 1), (false, 1), (false, 1)], "pre-vote first, then the real election");
}

/// Dissertation §9.6 (with §4.2.3): a server grants a pre-vote only if the candidate's log
/// is up to date and it has not heard from a leader within the minimum election timeout.
/// A follower that has just heard from its leader refuses, and its term does not move.
#[test]
fn prevote_is_refused_by_a_server_that_heard_from_a_leader_recently() {
    let mut net = Net::from_states(pre_vote(), vec![(1, durable(&V3, 1, &[1]))]);
    net.advance_to(1_000 * MS);
    net.step(1, heartbeat(2, 1, 1, 0));
    net.advance_to(1_010 * MS);
    let reply = only_send(&net.step(1, prevote_request(3, 1, 2, (1, 1))));
    assert_eq!((reply.term, &reply.body), (1, &Body::RequestVoteResponse { pre_vote: true, vote_granted: false }));
    assert_eq!(net.node(1).term(), 1);

    // Once the leader has been silent for the minimum election timeout, the same request is granted.
    net.advance_to(1_000 * MS + Config::default().election_timeout_min);
    let reply = only_send(&net.step(1, prevote_request(3, 1, 2, (1, 1))));
    assert_eq!((reply.term, &reply.body), (2, &Body::RequestVoteResponse { pre_vote: true, vote_granted: true }));
    assert_eq!(net.node(1).hard_state(), HardState { current_term: 1, voted_for: None }, "a pre-vote changes nothing");
}

/// Dissertation §9.6: a pre-vote asks "would you vote for me in the next term?"; a server
/// grants it only for a term above its own (the election it would win must be one the voter
/// has not seen). A pre-candidate one term behind asks for the term the voter is already
/// in: refused, and the refusal carries the voter's term. One term higher, the same request
/// is granted.
#[test]
fn prevote_is_refused_for_a_term_that_is_not_above_the_voters() {
    let mut net = Net::from_states(pre_vote(), vec![(1, durable(&V3, 2, &[1]))]);
    let reply = only_send(&net.step(1, prevote_request(3, 1, 2, (1, 1))));
    assert_eq!((reply.term, &reply.body), (2, &Body::RequestVoteResponse { pre_vote: true, vote_granted: false }));
    let reply = only_send(&net.step(1, prevote_request(3, 1, 3, (1, 1))));
    assert_eq!((reply.term, &reply.body), (3, &Body::RequestVoteResponse { pre_vote: true, vote_granted: true }));
    assert_eq!(net.node(1).hard_state(), HardState { current_term: 2, voted_for: None }, "a pre-vote changes nothing");
}

/// Dissertation §9.6: a pre-candidate tallies the answers to its pre-vote only. A refusal
/// carries the voter's term, its own (the voter is not ahead): refused by a majority, it
/// goes back to follower in the same term. A real vote answered in an earlier election of
/// that term is stale: it counts neither way.
#[test]
fn prevote_precandidate_counts_refusals_of_its_prevote_and_ignores_answers_to_a_real_election() {
    let prevote_refusal =
        |from: NodeId| Message { from, to: 1, term: 2, body: Body::RequestVoteResponse { pre_vote: true, vote_granted: false } };
    let precandidate = || {
        let mut net = Net::from_states(pre_vote(), vec![(1, durable(&V3, 2, &[1]))]);
        net.fire_election_timer(1);
        assert_eq!((net.node(1).role(), net.node(1).term()), (Role::PreCandidate, 2));
        net
    };
    let mut net = precandidate();
    net.step(1, prevote_refusal(2));
    assert_eq!(net.node(1).role(), Role::PreCandidate, "one refusal of three is not a majority");
    net.step(1, prevote_refusal(3));
    assert_eq!((net.node(1).role(), net.node(1).term()), (Role::Follower, 2), "refused by a majority");

    let mut net = precandidate();
    net.step(1, vote_response(2, 1, 2, false));
    net.step(1, vote_response(3, 1, 2, false));
    assert_eq!(net.node(1).role(), Role::PreCandidate, "real-vote refusals are not pre-vote refusals");
}

/// Dissertation §9.6: pre-vote keeps a server that was partitioned away from disrupting the
/// cluster when it rejoins. An isolated server with pre-vote keeps failing its pre-vote
/// without ever raising its term; when it rejoins, the leader keeps leading in the same term.
#[test]
fn prevote_isolated_server_does_not_raise_its_term_or_disrupt_the_cluster_when_it_rejoins() {
    let mut net = Net::with_config(&V3, pre_vote());
    net.elect(1);
    net.isolate(3);
    net.run_until(3_000 * MS);
    assert_eq!(net.node(3).term(), 1, "many election timeouts alone, same term");
    assert_ne!(net.node(3).role(), Role::Candidate);

    net.heal(3);
    net.run_until(6_000 * MS);
    assert!(V3.iter().all(|&id| net.node(id).term() == 1 && net.node(id).leader_id() == Some(1)));
    assert_eq!(net.node(1).role(), Role::Leader);
}

/// The problem pre-vote solves (dissertation §9.6), as a contrast to the previous test:
/// without pre-vote, the isolated server raises its term with every election timeout, and
/// when it rejoins, its higher term deposes the working leader.
#[test]
fn without_prevote_an_isolated_server_raises_its_term_and_deposes_the_leader_when_it_rejoins() {
    let mut net = Net::new(&V3);
    net.elect(1);
    net.isolate(3);
    net.run_until(3_000 * MS);
    let term = net.node(3).term();
    assert!(term > 5, "node 3 stood again and again: term {term}");

    net.heal(3);
    net.run_until(6_000 * MS);
    assert!(net.node(1).term() >= term, "the cluster had to move to node 3's term");
}

// =======================================================================================
// Check-quorum (dissertation §6.2, §4.2.3)
// =======================================================================================

fn check_quorum() -> Config {
    Config { check_quorum: true, ..Config::default() }
}

/// Dissertation §6.2: "a leader ... steps down if an election timeout elapses without a
/// successful round of heartbeats to a majority of its cluster". A leader that still hears
/// from a majority (itself and one of two followers) keeps leading; cut off from both, it
/// steps down — in the same term — within two election timeouts (it checks once per
/// minimum election timeout), but not before an election timeout has passed since the last
/// heartbeat round a majority answered (at most a heartbeat interval before the cut): a
/// round or two without answers is not enough. Without check-quorum the cut-off leader would
/// lead forever.
#[test]
fn check_quorum_leader_that_hears_from_no_majority_for_an_election_timeout_steps_down() {
    let min = Config::default().election_timeout_min;
    let mut net = Net::with_config(&V3, check_quorum());
    net.elect(1);
    net.crash(3);
    net.run_until(2_000 * MS);
    assert_eq!((net.node(1).role(), net.node(1).term()), (Role::Leader, 1), "node 2 is enough for a majority");

    net.isolate(1);
    let cut_off = net.now;
    net.run_until(cut_off + min - Config::default().heartbeat_interval);
    assert_eq!(net.node(1).role(), Role::Leader, "an election timeout has not passed since the last answered round");
    while net.node(1).role() == Role::Leader {
        assert!(net.now < cut_off + 2 * min, "still leading {} ms after losing its majority", (net.now - cut_off) / MS);
        net.run_until(net.now + MS);
    }
    assert_eq!((net.node(1).role(), net.node(1).term()), (Role::Follower, 1), "it steps down without a new term");

    let mut net = Net::new(&V3);
    net.elect(1);
    net.isolate(1);
    net.run_until(2_000 * MS);
    assert_eq!(net.node(1).role(), Role::Leader, "without check-quorum an isolated leader keeps leading");
}

/// Dissertation §4.2.3 (with check-quorum, §6.2): "if a server receives a RequestVote
/// request within the minimum election timeout of hearing from a current leader, it does
/// not update its term or grant its vote". The refusal carries the old term; nothing is
/// persisted. But a RequestVote sent because the leader handed over leadership (§3.10,
/// `leadership_transfer`) is not disruptive and is processed normally; so is any request
/// once the leader has been silent for the minimum election timeout.
#[test]
fn check_quorum_follower_that_heard_from_the_leader_recently_ignores_a_higher_term_vote_request() {
    let min = Config::default().election_timeout_min;
    let fresh = || {
        let mut net = Net::with_config(&V3, check_quorum());
        net.elect(1); // node 2 hears from leader 1 at time 0
        net.advance_to(100 * MS);
        net
    };

    let mut net = fresh();
    let effects = net.step(2, vote_request(3, 2, 2, (1, 1)));
    let reply = only_send(&effects);
    assert_eq!((reply.term, &reply.body), (1, &Body::RequestVoteResponse { pre_vote: false, vote_granted: false }));
    assert_eq!(net.node(2).hard_state(), HardState { current_term: 1, voted_for: Some(1) }, "term and vote unchanged");
    assert!(!persists_anything(&effects));

    let mut net = fresh();
    let mut transfer = vote_request(3, 2, 2, (1, 1));
    transfer.body = Body::RequestVote { pre_vote: false, last_log_index: 1, last_log_term: 1, leadership_transfer: true };
    let reply = only_send(&net.step(2, transfer));
    assert_eq!((reply.term, &reply.body), (2, &Body::RequestVoteResponse { pre_vote: false, vote_granted: true }));
    assert_eq!(net.node(2).hard_state(), HardState { current_term: 2, voted_for: Some(3) });

    let mut net = fresh();
    net.advance_to(min);
    let reply = only_send(&net.step(2, vote_request(3, 2, 2, (1, 1))));
    assert_eq!((reply.term, &reply.body), (2, &Body::RequestVoteResponse { pre_vote: false, vote_granted: true }), "lease over");
}

// =======================================================================================
// Client proposals (§5.3, §8)
// =======================================================================================

/// §5.1: "The leader handles all client requests (if a client contacts a follower, the
/// follower redirects it to the leader)" — §8: "If the client's first choice is not the
/// leader, that server will reject the client's request and supply information about the
/// most recent leader it has heard from." A follower refuses a proposal naming the leader
/// it knows and changes nothing; a server that knows no leader says so.
#[test]
fn proposal_to_a_follower_is_refused_naming_the_leader_it_knows() {
    let mut net = Net::new(&V3);
    net.elect(1);
    let log = net.node(2).log().clone();
    let (result, effects) = net.run(2, |n, now| n.propose(now, Command::new("x", 1)));
    assert_eq!(result, Err(ProposeError::NotLeader { leader_hint: Some(1) }));
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(net.node(2).log(), &log);

    let mut net = solo(&V3, 0, &[]);
    assert_eq!(net.propose(1, "x"), Err(ProposeError::NotLeader { leader_hint: None }), "fresh follower");
    net.campaign(1);
    assert_eq!(net.propose(1, "x"), Err(ProposeError::NotLeader { leader_hint: None }), "candidate");
}

// =======================================================================================
// Persistence ordering (Figure 2: "updated on stable storage before responding to RPCs")
// =======================================================================================

/// Figure 2: persistent state (currentTerm, votedFor, log[]) is "updated on stable storage
/// before responding to RPCs". In effect terms: within each batch of effects, every `Send`
/// that depends on durable state comes after the `Persist*` effect that makes it durable.
/// The harness executes each batch in order into the node's disk and checks at every send
/// that the disk already holds the message's term, the vote a RequestVote or a granted vote
/// stands for, the entries an AppendEntries carries, and the entries an acknowledgement
/// acknowledges — and at every `Apply` that the applied entries are durable. After every
/// input the disk must equal the node's term, vote and log. Randomized runs of five servers
/// (loss, duplication, reordering, crash-restart, pre-vote and check-quorum on and off).
#[test]
fn persistence_every_send_comes_after_the_persist_it_depends_on() {
    for seed in 1_000..1_200 {
        let net = random_run(seed, random_config(seed), 3_000);
        assert!(
            net.persistence_violations.is_empty(),
            "seed {seed}: {:#?}",
            &net.persistence_violations[..net.persistence_violations.len().min(5)]
        );
        assert!(net.sent.len() > 100, "seed {seed}: the run should do something");
    }
}

/// A randomized run: five servers; each step delivers a random in-flight message (so the
/// network reorders), drops or duplicates one, lets time pass, proposes, restarts a server
/// from its disk, or forces a campaign. Timeouts are drawn at random from the configured
/// range. Election Safety and Log Matching are checked along the way.
fn random_run(seed: u64, config: Config, steps: usize) -> Net {
    let mut rng = Rng(seed);
    let mut net = Net::with_config(&V5, config);
    net.random_timeouts = Some(Rng(seed ^ 0x5EED));
    let mut leaders: BTreeMap<Term, NodeId> = BTreeMap::new();
    for step in 0..steps {
        let id = V5[rng.below(5) as usize];
        let in_flight = net.in_flight.len() as u64;
        match rng.below(1000) {
            // Mostly the oldest message; one time in four any message (reordering).
            0..=499 if in_flight > 0 => {
                let i = if rng.below(4) == 0 { rng.below(in_flight) as usize } else { 0 };
                net.deliver_at(i);
            }
            500..=559 if in_flight > 0 => {
                let i = rng.below(in_flight) as usize;
                net.in_flight.remove(i);
            }
            560..=589 if in_flight > 0 => {
                let m = net.in_flight[rng.below(in_flight) as usize].clone();
                net.in_flight.push_back(m);
            }
            590..=849 => {
                net.advance(rng.range(1, 5) * MS);
                net.tick_due();
            }
            850..=979 => {
                let _ = net.propose(id, &format!("v{step}"));
            }
            980..=992 => net.restart(id),
            993..=999 => {
                net.campaign(id);
            }
            _ => {}
        }
        for (&id, node) in &net.nodes {
            if node.role() == Role::Leader {
                let first = *leaders.entry(node.term()).or_insert(id);
                if first != id {
                    net.safety_violations.push(format!("election safety: nodes {first} and {id} both led term {}", node.term()));
                }
            }
        }
        if step % 50 == 0 || step + 1 == steps {
            net.check_log_matching();
        }
    }
    net
}
