//! Trace events told in plain words, for the page's event log.

use serde::Serialize;

use super::catalog::{fill, Catalog, EN};
use crate::raft::{Breaks, ConfChange, MessageKind, NodeId, ProposeError, Role, Time};
use crate::sim::client::Outcome;
use crate::sim::{DropReason, TraceEvent, TraceKind};

/// Kinds of event the log can be filtered by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Category {
    Election,
    Replication,
    Client,
    Fault,
    Message,
    Safety,
}

impl Category {
    pub const ALL: [Category; 6] =
        [Category::Election, Category::Replication, Category::Client, Category::Fault, Category::Message, Category::Safety];

    pub fn name(self) -> &'static str {
        match self {
            Category::Election => "election",
            Category::Replication => "replication",
            Category::Client => "client",
            Category::Fault => "fault",
            Category::Message => "message",
            Category::Safety => "safety",
        }
    }

    pub fn label(self, c: &Catalog) -> &'static str {
        match self {
            Category::Election => c.cat_election,
            Category::Replication => c.cat_replication,
            Category::Client => c.cat_client,
            Category::Fault => c.cat_fault,
            Category::Message => c.cat_message,
            Category::Safety => c.cat_safety,
        }
    }
}

/// One line of the event log.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Narrated {
    pub time: Time,
    pub category: Category,
    /// The nodes it is about (for filtering).
    pub nodes: Vec<NodeId>,
    pub text: String,
}

fn role_name(c: &Catalog, r: Role) -> &'static str {
    match r {
        Role::Follower => c.role_follower,
        Role::PreCandidate => c.role_precandidate,
        Role::Candidate => c.role_candidate,
        Role::Leader => c.role_leader,
    }
}

pub fn kind_name(c: &Catalog, k: MessageKind) -> &'static str {
    let i = MessageKind::ALL.iter().position(|&x| x == k).unwrap_or(0);
    c.kinds[i]
}

/// A note of the trace in `c`'s language: a scenario's `break` and `set` (in English as the
/// scenario wrote them); any other note (a rebalance's steps, engine words) as it is.
fn note(c: &Catalog, text: &str) -> String {
    if !c.is_zh() {
        return text.to_string();
    }
    if let Some((name, on)) = text.strip_prefix("break ").and_then(|rest| rest.rsplit_once(' ')) {
        if let Some(k) = Breaks::NAMES.iter().position(|n| *n == name) {
            return fill(if on == "on" { c.n_break_on } else { c.n_break_off }, &[("bug", &c.bug_names[k])]);
        }
    }
    let Some(settings) = text.strip_prefix("set ") else { return text.to_string() };
    let told: Vec<String> = settings
        .split(' ')
        .map(|s| {
            let Some((name, value)) = s.split_once('=') else { return s.to_string() };
            let label = match name {
                "prevote" => c.prevote,
                "checkquorum" => c.checkquorum,
                "lease" => c.lease_reads,
                "priority" => c.priority_election,
                "election" => c.election_timeout,
                "heartbeat" => c.heartbeat,
                "latency" => c.latency,
                "drop" => c.loss,
                "rate" => c.rate,
                "snapshot" => c.auto_compact,
                name => match EN.set_names.iter().position(|n| *n == name) {
                    Some(k) => c.set_names[k],
                    None => return s.to_string(),
                },
            };
            let value = match value {
                "on" => c.switch_on,
                "off" => c.switch_off,
                v => v,
            };
            fill(c.n_setting, &[("name", &label), ("value", &value)])
        })
        .collect();
    fill(c.n_set, &[("settings", &told.join("，"))])
}

fn list(nodes: &[NodeId]) -> String {
    nodes.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", ")
}

fn change_text(c: &Catalog, change: &ConfChange) -> String {
    let (template, n) = match change {
        ConfChange::AddVoter(n) => (c.ch_add, n),
        ConfChange::AddLearner(n) => (c.ch_add_learner, n),
        ConfChange::Promote(n) => (c.ch_promote, n),
        ConfChange::Remove(n) => (c.ch_remove, n),
    };
    fill(template, &[("node", &n)])
}

/// Why a node refused a client request, in plain words. The core's reasons are matched
/// against its own messages, so a reason this does not know is passed on as it is.
fn refusal(c: &Catalog, reason: &str, hint: Option<NodeId>) -> String {
    if reason == (ProposeError::NotLeader { leader_hint: hint }).to_string() {
        return match hint {
            Some(h) => fill(c.why_not_leader_hint, &[("leader", &h)]),
            None => c.why_not_leader.to_string(),
        };
    }
    match (1..=crate::sim::MAX_NODES).find(|&n| reason == ProposeError::TransferInProgress(n).to_string()) {
        Some(n) => fill(c.why_transfer, &[("node", &n)]),
        None => reason.to_string(),
    }
}

/// The words for one trace event, if it is worth telling. Only group 0 is told.
/// `machines` are the cluster's machines (a partition names the nodes left out).
pub fn narrate(c: &Catalog, e: &TraceEvent, machines: &[NodeId]) -> Option<Narrated> {
    if e.group != 0 {
        return None;
    }
    let s = |v: u64| v.to_string();
    let (category, nodes, text) = match &e.kind {
        TraceKind::Role { node, from, to, term } => {
            let n = s(*node as u64);
            let t = s(*term);
            let text = match (from, to) {
                (Role::Follower, Role::Candidate) | (Role::Candidate, Role::Candidate) => {
                    fill(c.n_timeout_candidate, &[("node", &n), ("term", &t)])
                }
                (_, Role::PreCandidate) => fill(c.n_timeout_precandidate, &[("node", &n), ("term", &t), ("next", &s(term + 1))]),
                (Role::PreCandidate, Role::Candidate) => fill(c.n_prevote_won, &[("node", &n), ("term", &t)]),
                (_, Role::Leader) => fill(c.n_elected, &[("node", &n), ("term", &t)]),
                (Role::Leader, _) => fill(c.n_stepped_down, &[("node", &n), ("term", &t)]),
                (Role::Candidate, Role::Follower) => fill(c.n_lost, &[("node", &n), ("term", &t)]),
                (_, r) => fill(c.n_became, &[("node", &n), ("role", &role_name(c, *r)), ("term", &t)]),
            };
            (Category::Election, vec![*node], text)
        }
        TraceKind::Term { node, term } => {
            (Category::Election, vec![*node], fill(c.n_term, &[("node", &s(*node as u64)), ("term", &s(*term))]))
        }
        TraceKind::Voted { node, candidate, term, pre_vote } => {
            let t = if *pre_vote { c.n_prevoted } else { c.n_voted };
            (
                Category::Election,
                vec![*node, *candidate],
                fill(t, &[("node", &s(*node as u64)), ("candidate", &s(*candidate as u64)), ("term", &s(*term))]),
            )
        }
        TraceKind::Committed { node, index, term, command, stored_on } => {
            let vals: Vec<(&str, String)> = vec![
                ("index", s(*index)),
                ("term", s(*term)),
                ("nodes", list(stored_on)),
                ("command", command.as_deref().unwrap_or("").to_string()),
            ];
            let refs: Vec<(&str, &dyn std::fmt::Display)> = vals.iter().map(|(k, v)| (*k, v as &dyn std::fmt::Display)).collect();
            let template = match command {
                Some(_) => c.n_committed,
                None => c.n_committed_noop,
            };
            (Category::Replication, vec![*node], fill(template, &refs))
        }
        TraceKind::Proposed { node, index, term, command } => (
            Category::Client,
            vec![*node],
            fill(c.n_proposed, &[("node", &s(*node as u64)), ("index", &s(*index)), ("term", &s(*term)), ("command", command)]),
        ),
        TraceKind::Refused { node, command, reason, leader_hint } => (
            Category::Client,
            vec![*node],
            fill(c.n_refused, &[("node", &s(*node as u64)), ("command", command), ("reason", &refusal(c, reason, *leader_hint))]),
        ),
        TraceKind::Crashed { node } => (Category::Fault, vec![*node], fill(c.n_crashed, &[("node", &s(*node as u64))])),
        TraceKind::Restarted { node } => (Category::Fault, vec![*node], fill(c.n_restarted, &[("node", &s(*node as u64))])),
        TraceKind::Partitioned { groups } => {
            let mut g: Vec<String> = groups.iter().map(|g| format!("{{{}}}", list(g))).collect();
            let rest: Vec<NodeId> = machines.iter().copied().filter(|m| !groups.iter().any(|g| g.contains(m))).collect();
            if !rest.is_empty() {
                g.push(format!("{{{}}}", list(&rest)));
            }
            let text = g.join(" | ");
            (Category::Fault, groups.concat(), fill(c.n_partitioned, &[("groups", &text)]))
        }
        TraceKind::Healed => (Category::Fault, vec![], c.n_healed.to_string()),
        TraceKind::Cut { from, to } => {
            (Category::Fault, vec![*from, *to], fill(c.n_cut, &[("from", &s(*from as u64)), ("to", &s(*to as u64))]))
        }
        TraceKind::Uncut { from, to } => {
            (Category::Fault, vec![*from, *to], fill(c.n_uncut, &[("from", &s(*from as u64)), ("to", &s(*to as u64))]))
        }
        TraceKind::Link { link } => {
            let loss = format!("{}%", crate::decimal::fixed(link.loss * 100.0, 0));
            let latency = format!("{}–{} ms", link.latency_min / 1000, link.latency_max / 1000);
            (Category::Fault, vec![], fill(c.n_link, &[("loss", &loss), ("latency", &latency)]))
        }
        TraceKind::TimeoutForced { node } => (Category::Fault, vec![*node], fill(c.n_forced_timeout, &[("node", &s(*node as u64))])),
        TraceKind::Compacted { node, index } => {
            (Category::Replication, vec![*node], fill(c.n_compacted, &[("node", &s(*node as u64)), ("index", &s(*index))]))
        }
        TraceKind::SnapshotInstalled { node, index } => {
            (Category::Replication, vec![*node], fill(c.n_snapshot_installed, &[("node", &s(*node as u64)), ("index", &s(*index))]))
        }
        TraceKind::Membership { node, change, index } => (
            Category::Replication,
            vec![*node, change.node()],
            fill(c.n_membership, &[("node", &s(*node as u64)), ("change", &change_text(c, change)), ("index", &s(*index))]),
        ),
        TraceKind::NodeAdded { node } => (Category::Fault, vec![*node], fill(c.n_node_added, &[("node", &s(*node as u64))])),
        TraceKind::Transfer { from, to } => {
            (Category::Election, vec![*from, *to], fill(c.n_transfer, &[("from", &s(*from as u64)), ("to", &s(*to as u64))]))
        }
        TraceKind::ReadServed { node, key, value } => (
            Category::Client,
            vec![*node],
            fill(c.n_read, &[("node", &s(*node as u64)), ("key", key), ("value", &value.as_deref().unwrap_or(c.none))]),
        ),
        TraceKind::Violation { invariant, detail } => {
            let (invariant, detail) = (super::safety::invariant_label(c, invariant), super::safety::detail_with(c, detail));
            (Category::Safety, vec![], fill(c.n_violation, &[("invariant", &invariant), ("detail", &detail)]))
        }
        TraceKind::Note { text } => (Category::Fault, vec![], note(c, text)),
        TraceKind::Discarded { node, index, term, command } => {
            let vals = [("node", s(*node as u64)), ("index", s(*index)), ("term", s(*term))];
            let mut refs: Vec<(&str, &dyn std::fmt::Display)> = vals.iter().map(|(k, v)| (*k, v as &dyn std::fmt::Display)).collect();
            let template = match command {
                Some(cmd) => {
                    refs.push(("command", cmd));
                    c.n_discarded
                }
                None => c.n_discarded_noop,
            };
            (Category::Replication, vec![*node], fill(template, &refs))
        }
        TraceKind::OpEnded { command, node, outcome, .. } => {
            let template = match (outcome, node) {
                (Outcome::Unknown, Some(_)) => c.n_op_unknown_taken,
                (Outcome::Unknown, None) => c.n_op_unknown,
                (Outcome::Failed, Some(_)) => c.n_op_failed_taken,
                (Outcome::Failed, None) => c.n_op_failed,
                _ => return None,
            };
            let n = node.map(|n| n.to_string()).unwrap_or_default();
            let command = match command.strip_prefix("read ") {
                Some(key) => fill(c.op_read, &[("key", &key)]),
                None => command.to_string(),
            };
            (Category::Client, node.iter().copied().collect(), fill(template, &[("command", &command), ("node", &n)]))
        }
        TraceKind::Dropped { from, to, kind, reason, .. } => {
            let t = match reason {
                DropReason::User => c.n_dropped_user,
                DropReason::Partition => c.n_dropped_partition,
                DropReason::Loss => c.n_dropped_loss,
                DropReason::NodeDown => c.n_dropped_down,
            };
            let cat = if *reason == DropReason::User { Category::Fault } else { Category::Message };
            (cat, vec![*from, *to], fill(t, &[("kind", &kind_name(c, *kind)), ("from", &s(*from as u64)), ("to", &s(*to as u64))]))
        }
        TraceKind::Sent { from, to, kind, .. } => (
            Category::Message,
            vec![*from, *to],
            fill(c.n_sent, &[("kind", &kind_name(c, *kind)), ("from", &s(*from as u64)), ("to", &s(*to as u64))]),
        ),
        TraceKind::Delivered { .. } => return None,
    };
    Some(Narrated { time: e.time, category, nodes, text })
}

/// The words for one trace event. `zeebe`: of any partition, its machines called brokers; a
/// line about one partition starts with it; what happens to a broker or the network is told
/// once (a broker's crash is recorded in every partition). Otherwise only group 0 is told.
pub fn narrate_in(c: &Catalog, e: &TraceEvent, machines: &[NodeId], zeebe: bool) -> Option<Narrated> {
    let broker_level = matches!(
        e.kind,
        TraceKind::Crashed { .. }
            | TraceKind::Restarted { .. }
            | TraceKind::Partitioned { .. }
            | TraceKind::Healed
            | TraceKind::Cut { .. }
            | TraceKind::Uncut { .. }
            | TraceKind::Link { .. }
            | TraceKind::Note { .. }
    );
    if e.group != 0 && (!zeebe || broker_level) {
        return None;
    }
    let mut n = if zeebe { narrate(c, &TraceEvent { group: 0, ..e.clone() }, machines)? } else { narrate(c, e, machines)? };
    if zeebe {
        // Notes are the engine's (a rebalance's steps), in its words.
        n.text = broker_words(c, &super::errors::translate_with(c, &n.text));
        if !broker_level {
            n.text = fill(c.z_event, &[("partition", &(e.group + 1)), ("text", &n.text)]);
        }
    }
    Some(n)
}

/// Zeebe mode: a text about nodes, told about brokers (the catalog's `broker_words`:
/// `from>to` pairs, `|` between them; a word is replaced where no Latin letter touches it).
pub fn broker_words(c: &Catalog, text: &str) -> String {
    let mut out = text.to_string();
    for pair in c.broker_words.split('|') {
        let Some((from, to)) = pair.split_once('>') else { continue };
        let mut done = String::with_capacity(out.len() + 16);
        let mut rest = out.as_str();
        while let Some(k) = rest.find(from) {
            let (before, after) = (&rest[..k], &rest[k + from.len()..]);
            let letter = |ch: Option<char>| ch.is_some_and(|ch| ch.is_ascii_alphabetic());
            done.push_str(before);
            done.push_str(if letter(before.chars().next_back()) || letter(after.chars().next()) { from } else { to });
            rest = after;
        }
        done.push_str(rest);
        out = done;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::catalog::EN;

    fn ev(kind: TraceKind) -> TraceEvent {
        TraceEvent { step: 1, time: 1_500_000, group: 0, kind }
    }

    const FIVE: [NodeId; 5] = [1, 2, 3, 4, 5];

    fn told(kind: TraceKind) -> String {
        narrate(&EN, &ev(kind), &FIVE).unwrap().text
    }

    #[test]
    fn elections_read_like_the_paper() {
        let n = narrate(&EN, &ev(TraceKind::Role { node: 3, from: Role::Follower, to: Role::Candidate, term: 4 }), &FIVE).unwrap();
        assert_eq!(n.text, "Node 3 timed out and became a candidate for term 4");
        assert_eq!(n.category, Category::Election);
        assert_eq!(n.nodes, vec![3]);
        let n = narrate(&EN, &ev(TraceKind::Role { node: 3, from: Role::Candidate, to: Role::Leader, term: 4 }), &FIVE).unwrap();
        assert_eq!(n.text, "Node 3 won the election: leader of term 4");
        let n = narrate(&EN, &ev(TraceKind::Role { node: 2, from: Role::Follower, to: Role::PreCandidate, term: 4 }), &FIVE).unwrap();
        assert_eq!(n.text, "Node 2 timed out and asks for pre-votes for term 5 (its term stays 4)");
    }

    #[test]
    fn commits_name_the_command_and_the_holders() {
        let n = narrate(
            &EN,
            &ev(TraceKind::Committed { node: 1, index: 7, term: 2, command: Some("x=1".into()), stored_on: vec![1, 2, 4] }),
            &FIVE,
        )
        .unwrap();
        assert_eq!(n.text, "Entry 7 (x=1) committed: stored on nodes 1, 2, 4");
        assert_eq!(n.category, Category::Replication);
    }

    #[test]
    fn deliveries_are_not_told_and_other_groups_are_skipped() {
        assert!(narrate(&EN, &ev(TraceKind::Delivered { id: 1, from: 1, to: 2, kind: MessageKind::Heartbeat }), &FIVE).is_none());
        let mut e = ev(TraceKind::Crashed { node: 1 });
        e.group = 1;
        assert!(narrate(&EN, &e, &FIVE).is_none());
    }

    #[test]
    fn refusals_say_why_in_plain_words() {
        let refused = |reason: String, hint| TraceKind::Refused { node: 2, command: "x=1".into(), leader_hint: hint, reason };
        let not_leader = |hint| ProposeError::NotLeader { leader_hint: hint }.to_string();
        assert_eq!(told(refused(not_leader(None), None)), "Node 2 refused x=1: it is not the leader and knows of none");
        assert_eq!(told(refused(not_leader(Some(4)), Some(4))), "Node 2 refused x=1: it is not the leader (it believes node 4 leads)");
        assert_eq!(
            told(refused(ProposeError::TransferInProgress(3).to_string(), None)),
            "Node 2 refused x=1: it is handing leadership over to node 3"
        );
        assert!(!told(refused(not_leader(None), None)).contains("None"));
        assert_eq!(told(refused("something new".into(), None)), "Node 2 refused x=1: something new");
    }

    #[test]
    fn a_rollback_is_told_entry_by_entry_and_the_client_hears_nothing() {
        let discarded = TraceKind::Discarded { node: 2, index: 2, term: 1, command: Some("x=1".into()) };
        assert_eq!(told(discarded), "Node 2 discarded entry 2 (x=1, term 1): it was never committed");
        let unknown = |node| TraceKind::OpEnded { op: 1, command: "x=1".into(), node, outcome: Outcome::Unknown };
        let taken = told(unknown(Some(1)));
        assert!(taken.starts_with("The request x=1 was never acknowledged: node 1 took it"), "{taken}");
        assert!(told(unknown(None)).starts_with("The request x=1 was never acknowledged"));
        let failed = told(TraceKind::OpEnded { op: 1, command: "x=1".into(), node: None, outcome: Outcome::Failed });
        assert_eq!(failed, "The request x=1 failed: no node took it, so it had no effect");
        let written = TraceKind::OpEnded { op: 1, command: "x=1".into(), node: Some(1), outcome: Outcome::Written };
        assert!(narrate(&EN, &ev(written), &FIVE).is_none(), "a success is told by its commit");
    }

    #[test]
    fn partitions_name_every_side_and_only_real_leftovers() {
        assert_eq!(told(TraceKind::Partitioned { groups: vec![vec![1, 2], vec![3, 4, 5]] }), "Network partitioned: {1, 2} | {3, 4, 5}");
        assert_eq!(told(TraceKind::Partitioned { groups: vec![vec![3]] }), "Network partitioned: {3} | {1, 2, 4, 5}");
    }

    #[test]
    fn a_scenario_s_break_and_set_read_in_chinese_and_stay_as_written_in_english() {
        let zh = super::super::catalog::Catalog::parse("zh-CN", include_str!("../../www/i18n/zh-CN.txt")).unwrap();
        let note = |c: &Catalog, text: &str| narrate(c, &ev(TraceKind::Note { text: text.into() }), &FIVE).unwrap().text;
        assert_eq!(note(&EN, "break figure8 on"), "break figure8 on");
        assert_eq!(note(&zh, "break figure8 on"), "打开已知缺陷：以计数提交旧任期的条目（图 8）");
        assert_eq!(note(&zh, "set prevote=on drop=0.2 reads=50%"), "设置已更改：预投票（Pre-Vote）：开启，丢包：0.2，读请求占比：50%");
        let failed = TraceKind::OpEnded { op: 1, command: "read x".into(), node: None, outcome: Outcome::Failed };
        assert_eq!(
            narrate(&EN, &ev(failed.clone()), &FIVE).unwrap().text,
            "The request read x failed: no node took it, so it had no effect"
        );
        assert!(narrate(&zh, &ev(failed), &FIVE).unwrap().text.contains("读取 x"));
        let violation = TraceKind::Violation {
            invariant: "leader-completeness".into(),
            detail: "node 5 became leader of term 5 without committed entry 2".into(),
        };
        assert_eq!(
            narrate(&zh, &ev(violation.clone()), &FIVE).unwrap().text,
            "违反安全性（领导者完整性）：节点 5 成为任期 5 的领导者，却缺少已提交的条目 2"
        );
        assert_eq!(
            narrate(&EN, &ev(violation), &FIVE).unwrap().text,
            "SAFETY VIOLATION (leader-completeness): node 5 became leader of term 5 without committed entry 2"
        );
    }
}
