//! What the page (and the JavaScript API) shows of a world at one moment, as plain data.

use serde::Serialize;

use crate::raft::{Body, Entry, Index, Message, NodeId, Payload, ProgressState, Role, Time};
use crate::sim::{InFlight, World};
use crate::view::catalog::{cat, Catalog, EN};

/// One node as drawn.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodeView {
    pub id: NodeId,
    /// The page contract's role: leader, candidate, precandidate, follower, learner, crashed.
    pub role: &'static str,
    pub term: u64,
    pub voted_for: Option<NodeId>,
    pub leader: Option<NodeId>,
    pub commit_index: Index,
    pub applied_index: Index,
    pub last_index: Index,
    pub snapshot_index: Index,
    /// Election timer: elapsed and timeout, in virtual microseconds.
    pub timer_elapsed: Time,
    pub timer_timeout: Time,
    /// Votes received in the current (pre-)election.
    pub votes: Vec<(NodeId, bool)>,
    /// Whether the node is a member (voter or learner) of its own configuration.
    pub member: bool,
    pub priority: u32,
    /// For a node that believes it leads but cannot commit: why.
    pub stale: Option<Stale>,
}

/// Why a live leader cannot commit anything (it still believes it leads: its role stays
/// `leader`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Stale {
    /// Fewer than a majority of its configuration's voters are up and connected to it in
    /// both directions (itself included).
    NoMajority,
    /// Enough voters are reachable, but too many of them are already in a newer term and
    /// will refuse its appends: it has been replaced and will step down when it hears so.
    NewerTerm,
}

/// Whether node `id` is a live leader that cannot commit, and why.
///
/// A leader commits an entry once a majority of its configuration's voters store it (§5.3).
/// A voter counts here if it is up, the network connects it to the leader both ways, and its
/// term is not above the leader's (a voter in a newer term refuses the leader's appends,
/// §5.1). Fewer than a majority: the leader is stale. A leader whose term is below the
/// highest live term is stale exactly when that newer term has reached too many of its
/// voters; a lone node that inflated its term out of reach does not stop a leader that
/// still commits with a majority.
pub fn stale_reason(world: &World, group: u32, id: NodeId) -> Option<Stale> {
    let node = world.node(group, id)?;
    if node.role() != Role::Leader {
        return None;
    }
    let net = world.network();
    let voters = &node.membership().voters;
    let majority = voters.len() / 2 + 1;
    let reachable: Vec<NodeId> = voters
        .iter()
        .copied()
        .filter(|&v| world.is_up(v) && world.node(group, v).is_some() && net.connected(id, v) && net.connected(v, id))
        .collect();
    if reachable.len() < majority {
        return Some(Stale::NoMajority);
    }
    let accepting = reachable.iter().filter(|&&v| world.node(group, v).is_some_and(|n| n.term() <= node.term())).count();
    if accepting < majority {
        return Some(Stale::NewerTerm);
    }
    None
}

/// The leaders that can commit (not stale), in id order. Normally one; none during an
/// election or when only stale leaders are left; more than one only when a "break it"
/// switch lets two leaders win.
pub fn working_leaders(nodes: &[NodeView]) -> Vec<&NodeView> {
    nodes.iter().filter(|n| n.role == "leader" && n.stale.is_none()).collect()
}

impl NodeView {
    pub fn timer_fraction(&self) -> f64 {
        if self.timer_timeout == 0 {
            0.0
        } else {
            (self.timer_elapsed as f64 / self.timer_timeout as f64).clamp(0.0, 1.0)
        }
    }
}

/// The page contract name of a node's role.
pub fn role_name(world: &World, group: u32, id: NodeId) -> &'static str {
    match world.node(group, id) {
        None => "crashed",
        Some(n) => match n.role() {
            Role::Leader => "leader",
            Role::Candidate => "candidate",
            Role::PreCandidate => "precandidate",
            Role::Follower if n.membership().is_learner(id) => "learner",
            Role::Follower => "follower",
        },
    }
}

/// The nodes of a Raft group as drawn: every machine in a classic cluster, a partition's
/// replicas (by broker id) in Zeebe mode.
pub fn nodes(world: &World, group: u32) -> Vec<NodeView> {
    let ids = if world.topology().is_some() { world.replica_ids(group) } else { world.machine_ids() };
    ids.into_iter()
        .map(|id| match world.node(group, id) {
            Some(n) => {
                let s = n.status();
                NodeView {
                    id,
                    role: role_name(world, group, id),
                    term: s.current_term,
                    voted_for: s.voted_for,
                    leader: s.leader_id,
                    commit_index: s.commit_index,
                    applied_index: s.applied_index,
                    last_index: s.last_index,
                    snapshot_index: s.snapshot_index,
                    timer_elapsed: if s.role == Role::Leader { 0 } else { s.election_elapsed },
                    timer_timeout: s.election_timeout,
                    votes: s.votes,
                    member: s.membership.contains(id),
                    priority: s.priority,
                    stale: stale_reason(world, group, id),
                }
            }
            None => {
                let storage = world.storage(group, id);
                NodeView {
                    id,
                    role: "crashed",
                    term: storage.map_or(0, |s| s.hard_state.current_term),
                    voted_for: storage.and_then(|s| s.hard_state.voted_for),
                    leader: None,
                    commit_index: 0,
                    applied_index: 0,
                    last_index: storage.map_or(0, |s| s.last_index()),
                    snapshot_index: storage.map_or(0, |s| s.snapshot.index),
                    timer_elapsed: 0,
                    timer_timeout: 0,
                    votes: Vec::new(),
                    member: true,
                    priority: world.topology().and_then(|t| t.priority(group + 1, id)).unwrap_or(1),
                    stale: None,
                }
            }
        })
        .collect()
}

/// One message on the wire as drawn.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MessageView {
    pub id: u64,
    /// The page contract's kind (vote-request, append, heartbeat, ...).
    pub kind: &'static str,
    pub from: NodeId,
    pub to: NodeId,
    pub term: u64,
    pub sent_at: Time,
    pub deliver_at: Time,
    /// Where it dies on the way, if it will.
    pub lost_at: Option<Time>,
    /// Entries carried (appends).
    pub entries: usize,
    /// For responses: whether the answer is yes (vote granted, append accepted).
    pub success: Option<bool>,
}

impl MessageView {
    /// How far along its way the message is at `now`, 0 to 1.
    pub fn progress(&self, now: Time) -> f64 {
        let span = self.deliver_at.saturating_sub(self.sent_at).max(1) as f64;
        (now.saturating_sub(self.sent_at) as f64 / span).clamp(0.0, 1.0)
    }
}

pub fn message_view(m: &InFlight) -> MessageView {
    let (entries, success) = match &m.message.body {
        Body::AppendEntries { entries, .. } => (entries.len(), None),
        Body::RequestVoteResponse { vote_granted, .. } => (0, Some(*vote_granted)),
        Body::AppendEntriesResponse { success, .. } => (0, Some(*success)),
        Body::ReadIndexResponse { index, .. } => (0, Some(index.is_some())),
        _ => (0, None),
    };
    MessageView {
        id: m.id,
        kind: m.kind().name(),
        from: m.message.from,
        to: m.message.to,
        term: m.message.term,
        sent_at: m.sent_at,
        deliver_at: m.deliver_at,
        lost_at: m.lost_at,
        entries,
        success,
    }
}

pub fn messages(world: &World, group: u32) -> Vec<MessageView> {
    world.in_flight().filter(|m| m.group == group).map(message_view).collect()
}

/// A short text for an entry: its command, `·` for a no-op, `⚙` for a membership change.
pub fn entry_label(e: &Entry) -> String {
    match &e.payload {
        Payload::Noop => "·".to_string(),
        Payload::Command(c) => c.data.to_string(),
        Payload::Config { .. } => "⚙".to_string(),
    }
}

/// The fields of a message, for the inspector: their names in Figure 2 of the paper, told
/// in the page's language.
pub fn message_fields(m: &Message) -> Vec<(&'static str, String)> {
    let c = cat();
    let mut out = fields_of(c, m);
    for (name, _) in out.iter_mut() {
        *name = EN.fields.iter().position(|f| f == name).map_or(*name, |k| c.fields[k]);
    }
    out
}

fn fields_of(c: &Catalog, m: &Message) -> Vec<(&'static str, String)> {
    let yes_no = |b: bool| if b { c.v_true } else { c.v_false }.to_string();
    let mut out = vec![("term", m.term.to_string())];
    match &m.body {
        Body::RequestVote { pre_vote, last_log_index, last_log_term, leadership_transfer } => {
            out.push(("lastLogIndex", last_log_index.to_string()));
            out.push(("lastLogTerm", last_log_term.to_string()));
            if *pre_vote {
                out.push(("preVote", yes_no(true)));
            }
            if *leadership_transfer {
                out.push(("leadershipTransfer", yes_no(true)));
            }
        }
        Body::RequestVoteResponse { vote_granted, .. } => out.push(("voteGranted", yes_no(*vote_granted))),
        Body::AppendEntries { prev_log_index, prev_log_term, entries, leader_commit, .. } => {
            out.push(("prevLogIndex", prev_log_index.to_string()));
            out.push(("prevLogTerm", prev_log_term.to_string()));
            let list: Vec<String> = entries.iter().take(8).map(|e| format!("{}@{}:{}", e.index, e.term, entry_label(e))).collect();
            let more = if entries.len() > 8 { format!(" …+{}", entries.len() - 8) } else { String::new() };
            out.push(("entries", if entries.is_empty() { c.v_heartbeat.to_string() } else { format!("[{}{more}]", list.join(", ")) }));
            out.push(("leaderCommit", leader_commit.to_string()));
        }
        Body::AppendEntriesResponse { success, match_index, rejected_index, hint, .. } => {
            out.push(("success", yes_no(*success)));
            if *success {
                out.push(("matchIndex", match_index.to_string()));
            } else {
                out.push(("rejectedIndex", rejected_index.to_string()));
                if let Some(h) = hint {
                    out.push(("conflictTerm", h.conflict_term.map_or(c.none.to_string(), |t| t.to_string())));
                    out.push(("conflictIndex", h.conflict_index.to_string()));
                }
            }
        }
        Body::InstallSnapshot { snapshot, .. } => {
            out.push(("lastIncludedIndex", snapshot.index.to_string()));
            out.push(("lastIncludedTerm", snapshot.term.to_string()));
        }
        Body::InstallSnapshotResponse { match_index, .. } => out.push(("matchIndex", match_index.to_string())),
        Body::TimeoutNow => {}
        Body::ReadIndex { id } => out.push(("read", id.to_string())),
        Body::ReadIndexResponse { id, index } => {
            out.push(("read", id.to_string()));
            out.push(("readIndex", index.map_or(c.v_refused.to_string(), |i| i.to_string())));
        }
    }
    out
}

/// The leader's view of each follower, for the logs and the inspector.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PeerView {
    pub id: NodeId,
    pub next_index: Index,
    pub match_index: Index,
    pub state: &'static str,
}

pub fn peers(world: &World, group: u32, leader: NodeId) -> Vec<PeerView> {
    let Some(n) = world.node(group, leader) else { return Vec::new() };
    n.status()
        .peers
        .into_iter()
        .map(|p| PeerView {
            id: p.id,
            next_index: p.next_index,
            match_index: p.match_index,
            state: match p.state {
                ProgressState::Probe => "probe",
                ProgressState::Replicate => "replicate",
                ProgressState::Snapshot { .. } => "snapshot",
            },
        })
        .collect()
}

/// Zeebe mode: one replica as the topology view shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReplicaView {
    pub partition: u32,
    pub broker: NodeId,
    /// The page contract's role (as [`role_name`]).
    pub role: &'static str,
    /// Its priority for priority election; the primary has the highest (the replication
    /// factor).
    pub priority: u32,
    pub primary: bool,
    /// The target priority it waits for (a live replica that is not leading): it counts
    /// down from the replication factor at each election timeout without a leader.
    pub target: Option<u32>,
    /// Its term (on its disk while its broker is down).
    pub term: u64,
    /// For a leader: whether the gateway knows it (its initial entry committed).
    pub announced: bool,
}

/// Zeebe mode: the replica of `partition` on `broker`, if it holds one.
pub fn replica(world: &World, partition: u32, broker: NodeId) -> Option<ReplicaView> {
    let t = world.topology()?;
    let priority = t.priority(partition, broker)?;
    let group = partition - 1;
    let node = world.node(group, broker);
    let term = match node {
        Some(n) => n.term(),
        None => world.storage(group, broker).map_or(0, |s| s.hard_state.current_term),
    };
    let target = node.filter(|n| n.role() != Role::Leader && world.settings().raft.priority_election).map(|n| n.status().target_priority);
    Some(ReplicaView {
        partition,
        broker,
        role: role_name(world, group, broker),
        priority,
        primary: t.primary(partition) == Some(broker),
        target,
        term,
        announced: node.is_some_and(|n| n.role() == Role::Leader && n.leader_ready()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::ast::{Cmd, Target};
    use crate::script::session::Session;
    use crate::sim::MS;

    fn session(text: &str) -> Session {
        Session::from_scenario(&crate::script::parse(text).unwrap()).unwrap()
    }

    fn view(s: &Session, id: NodeId) -> NodeView {
        nodes(s.world(), 0).into_iter().find(|n| n.id == id).unwrap()
    }

    const SPLIT: &str = "cluster nodes=5 seed=5\ntimeout 1\nrun 500ms\npartition 1,2 | 3,4,5";

    #[test]
    fn a_leader_cut_off_in_a_minority_is_stale_at_once_and_stays_leader() {
        let mut s = session(SPLIT);
        s.advance_to(499 * MS);
        assert_eq!((view(&s, 1).role, view(&s, 1).stale), ("leader", None), "node 1 leads a whole cluster");
        s.advance_to(500 * MS);
        let v = view(&s, 1);
        assert_eq!((v.role, v.stale), ("leader", Some(Stale::NoMajority)), "it still believes it leads, but 2 of 5 is no majority");
        assert!(working_leaders(&nodes(s.world(), 0)).is_empty(), "no leader can commit until the majority elects one");
        s.advance_to(2500 * MS);
        let all = nodes(s.world(), 0);
        let working = working_leaders(&all);
        assert_eq!(working.len(), 1, "{all:?}");
        assert!([3, 4, 5].contains(&working[0].id) && working[0].term > 1);
        assert_eq!(view(&s, 1).stale, Some(Stale::NoMajority), "two crowns, one of them stale");
    }

    #[test]
    fn after_the_heal_the_old_leader_is_stale_because_a_newer_term_holds_the_majority() {
        let mut s = session(SPLIT);
        s.advance_to(2500 * MS);
        s.act(Cmd::Heal).unwrap();
        let v = view(&s, 1);
        assert_eq!((v.role, v.stale), ("leader", Some(Stale::NewerTerm)), "it reaches everyone, but 3 of 5 are in a newer term");
        s.advance_to(3500 * MS);
        assert_ne!(view(&s, 1).role, "leader", "it heard of the newer term and stepped down");
    }

    #[test]
    fn a_leader_whose_majority_crashed_is_stale() {
        let mut s = session("cluster nodes=5 seed=5\ntimeout 1\nrun 500ms");
        s.advance_to(500 * MS);
        for (down, stale) in [(2, None), (3, None), (4, Some(Stale::NoMajority))] {
            s.act(Cmd::Crash(Target::Node(down))).unwrap();
            assert_eq!(view(&s, 1).stale, stale, "after crashing node {down}");
        }
    }

    #[test]
    fn a_lone_node_inflating_its_term_out_of_reach_does_not_make_the_leader_stale() {
        let mut s = session("cluster nodes=5 seed=5\ntimeout 1\nrun 500ms\nisolate 5\nrun 3s");
        s.advance_to(3500 * MS);
        assert!(view(&s, 5).term > view(&s, 1).term, "node 5 kept timing out alone");
        assert_eq!((view(&s, 1).role, view(&s, 1).stale), ("leader", None), "node 1 still commits with 1, 2, 3, 4");
        assert_eq!(working_leaders(&nodes(s.world(), 0)).len(), 1);
    }

    /// ZEEBE.md's 3/3/3 layout as the topology view shows it, and a waiting replica's
    /// target priority counting down after the primary of partition 1 dies.
    #[test]
    fn zeebe_replicas_show_the_layout_and_the_target_counting_down() {
        let mut s = session("cluster brokers=3 partitions=3 replication=3 seed=7");
        s.advance_to(4000 * MS);
        let r = |s: &Session, p, b| replica(s.world(), p, b).unwrap();
        assert_eq!((r(&s, 1, 0).role, r(&s, 1, 0).priority, r(&s, 1, 0).primary, r(&s, 1, 0).announced), ("leader", 3, true, true));
        assert_eq!((r(&s, 1, 1).priority, r(&s, 1, 2).priority, r(&s, 3, 0).priority), (2, 1, 2));
        assert_eq!((r(&s, 1, 1).target, r(&s, 1, 0).target, r(&s, 1, 1).term), (Some(3), None, 1));
        assert_eq!(nodes(s.world(), 1).iter().map(|n| n.id).collect::<Vec<_>>(), vec![0, 1, 2], "a partition's replicas, by broker");
        s.act(Cmd::Crash(Target::Node(0))).unwrap();
        let crash = s.now();
        assert_eq!((r(&s, 1, 0).role, r(&s, 1, 0).term, r(&s, 1, 0).target), ("crashed", 1, None));
        // One election timeout (2.5 s) after the last heartbeat, the target drops to 2;
        // broker 1 (priority 2) then stands at the next one, broker 2 (priority 1) waits.
        s.advance_to(crash + 2_800 * MS);
        assert_eq!((r(&s, 1, 1).target, r(&s, 1, 2).target), (Some(2), Some(2)));
        assert_eq!(r(&s, 1, 1).role, "follower");
        s.advance_to(crash + 5_400 * MS);
        assert_eq!(r(&s, 1, 1).role, "leader");
    }

    #[test]
    fn followers_and_crashed_nodes_are_never_stale() {
        let mut s = session(SPLIT);
        s.advance_to(2500 * MS);
        for v in nodes(s.world(), 0) {
            if v.role != "leader" {
                assert_eq!(v.stale, None, "{v:?}");
            }
        }
    }
}
