//! What the page (and the JavaScript API) shows of a world at one moment, as plain data.

use serde::Serialize;

use crate::raft::{Body, Entry, Index, Message, NodeId, Payload, ProgressState, Role, Time};
use crate::sim::{InFlight, World};

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

pub fn nodes(world: &World, group: u32) -> Vec<NodeView> {
    world
        .machine_ids()
        .into_iter()
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
                    priority: 1,
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

/// The fields of a message, for the inspector.
pub fn message_fields(m: &Message) -> Vec<(&'static str, String)> {
    let mut out = vec![("term", m.term.to_string())];
    match &m.body {
        Body::RequestVote { pre_vote, last_log_index, last_log_term, leadership_transfer } => {
            out.push(("lastLogIndex", last_log_index.to_string()));
            out.push(("lastLogTerm", last_log_term.to_string()));
            if *pre_vote {
                out.push(("preVote", "true".to_string()));
            }
            if *leadership_transfer {
                out.push(("leadershipTransfer", "true".to_string()));
            }
        }
        Body::RequestVoteResponse { vote_granted, .. } => out.push(("voteGranted", vote_granted.to_string())),
        Body::AppendEntries { prev_log_index, prev_log_term, entries, leader_commit, .. } => {
            out.push(("prevLogIndex", prev_log_index.to_string()));
            out.push(("prevLogTerm", prev_log_term.to_string()));
            let list: Vec<String> = entries.iter().take(8).map(|e| format!("{}@{}:{}", e.index, e.term, entry_label(e))).collect();
            let more = if entries.len() > 8 { format!(" …+{}", entries.len() - 8) } else { String::new() };
            out.push(("entries", if entries.is_empty() { "[] (heartbeat)".to_string() } else { format!("[{}{more}]", list.join(", ")) }));
            out.push(("leaderCommit", leader_commit.to_string()));
        }
        Body::AppendEntriesResponse { success, match_index, rejected_index, hint, .. } => {
            out.push(("success", success.to_string()));
            if *success {
                out.push(("matchIndex", match_index.to_string()));
            } else {
                out.push(("rejectedIndex", rejected_index.to_string()));
                if let Some(h) = hint {
                    out.push(("conflictTerm", h.conflict_term.map_or("none".to_string(), |t| t.to_string())));
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
            out.push(("readIndex", index.map_or("refused".to_string(), |i| i.to_string())));
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
