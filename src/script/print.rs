//! Syntax tree to scenario text. `parse(print(s)) == s` for every scenario.

use std::fmt::Write as _;

use super::ast::*;
use crate::decimal::show;
use crate::raft::Time;

/// A duration as people write it: `250ms`, `2s`, `1.137s`, `12.5ms`, `40us` (exact: every
/// digit down to the microsecond is kept).
pub fn duration(t: Time) -> String {
    fn decimal(whole: Time, frac: Time, digits: usize, unit: &str) -> String {
        let frac = format!("{frac:0digits$}");
        format!("{whole}.{}{unit}", frac.trim_end_matches('0'))
    }
    if t >= 1_000_000 {
        if t.is_multiple_of(1_000_000) {
            format!("{}s", t / 1_000_000)
        } else {
            decimal(t / 1_000_000, t % 1_000_000, 6, "s")
        }
    } else if t.is_multiple_of(1_000) {
        format!("{}ms", t / 1_000)
    } else if t >= 1_000 {
        decimal(t / 1_000, t % 1_000, 3, "ms")
    } else {
        format!("{t}us")
    }
}

fn nodes(list: &[u32]) -> String {
    list.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(",")
}

fn on_off(b: bool) -> &'static str {
    if b {
        "on"
    } else {
        "off"
    }
}

fn cmp(c: &Cmp) -> String {
    format!("{}{}", c.op.symbol(), c.value)
}

pub fn setting(s: &Setting) -> String {
    match s {
        Setting::PreVote(b) => format!("prevote={}", on_off(*b)),
        Setting::CheckQuorum(b) => format!("checkquorum={}", on_off(*b)),
        Setting::LeaseRead(b) => format!("lease={}", on_off(*b)),
        Setting::PriorityElection(b) => format!("priority={}", on_off(*b)),
        Setting::Election(lo, hi) => format!("election={}..{}", duration(*lo), duration(*hi)),
        Setting::Heartbeat(t) => format!("heartbeat={}", duration(*t)),
        Setting::Latency(lo, hi) => format!("latency={}..{}", duration(*lo), duration(*hi)),
        Setting::Drop(p) => format!("drop={}", show(*p)),
        Setting::Duplicate(p) => format!("duplicate={}", show(*p)),
        Setting::Reorder(p) => format!("reorder={}", show(*p)),
        Setting::Rate(r) => format!("rate={r}"),
        Setting::Reads(p) => format!("reads={p}%"),
        Setting::SnapshotThreshold(n) => format!("snapshot={n}"),
        Setting::MaxInflight(n) => format!("inflight={n}"),
        Setting::MaxEntries(n) => format!("batch={n}"),
        Setting::ClientTimeout(t) => format!("timeout={}", duration(*t)),
        Setting::Clients(n) => format!("clients={n}"),
        Setting::Brokers(n) => format!("brokers={n}"),
        Setting::Partitions(n) => format!("partitions={n}"),
        Setting::Replication(n) => format!("replication={n}"),
        Setting::Timing(t) => format!("timing={}", t.name()),
    }
}

fn target(t: &Target) -> String {
    match t {
        Target::Node(n) => n.to_string(),
        Target::Leader => "leader".to_string(),
    }
}

pub fn command(c: &Cmd) -> String {
    match c {
        Cmd::Cluster(spec) => {
            let mut s = "cluster".to_string();
            // A Zeebe cluster's line starts with its layout (`cluster brokers=5 partitions=4
            // replication=3 seed=...`), when the layout leads its settings.
            let layout = spec.options.iter().take_while(|o| o.is_layout()).count();
            for o in &spec.options[..layout] {
                let _ = write!(s, " {}", setting(o));
            }
            if let Some(n) = spec.nodes {
                let _ = write!(s, " nodes={n}");
            }
            if let Some(seed) = spec.seed {
                let _ = write!(s, " seed={seed}");
            }
            if let Some(g) = spec.groups {
                let _ = write!(s, " groups={g}");
            }
            for o in &spec.options[layout..] {
                let _ = write!(s, " {}", setting(o));
            }
            s
        }
        Cmd::Run(t) => format!("run {}", duration(*t)),
        Cmd::Crash(t) => format!("crash {}", target(t)),
        Cmd::CrashMidway(t) => format!("crash {} midway", target(t)),
        Cmd::Restart(t) => format!("restart {}", target(t)),
        Cmd::Isolate(t) => format!("isolate {}", target(t)),
        Cmd::Partition(groups) => format!("partition {}", groups.iter().map(|g| nodes(g)).collect::<Vec<_>>().join(" | ")),
        Cmd::Heal => "heal".to_string(),
        Cmd::Cut(a, b) => format!("cut {a}->{b}"),
        Cmd::Uncut(a, b) => format!("uncut {a}->{b}"),
        Cmd::Set(settings) => match settings.as_slice() {
            [Setting::Drop(p)] => format!("drop {}", show(*p)),
            [Setting::Duplicate(p)] => format!("duplicate {}", show(*p)),
            [Setting::Reorder(p)] => format!("reorder {}", show(*p)),
            [Setting::Latency(lo, hi)] => format!("latency {}..{}", duration(*lo), duration(*hi)),
            [Setting::Rate(0)] => "workload off".to_string(),
            [Setting::Rate(r)] => format!("workload {r}/s"),
            [Setting::Rate(r), Setting::Reads(p)] if *r > 0 => format!("workload {r}/s reads={p}%"),
            _ => format!("set {}", settings.iter().map(setting).collect::<Vec<_>>().join(" ")),
        },
        Cmd::Timeout(n) => format!("timeout {n}"),
        Cmd::Propose { command, via } => match via {
            Some(v) => format!("propose {command} via {v}"),
            None => format!("propose {command}"),
        },
        Cmd::Read { key, via } => match via {
            Some(v) => format!("read {key} via {v}"),
            None => format!("read {key}"),
        },
        Cmd::Log { node, terms } => format!("log {node} terms={}", terms.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(",")),
        Cmd::Term { node, term } => format!("term {node} {term}"),
        Cmd::Transfer(n) => format!("transfer {n}"),
        Cmd::Add(n) => format!("add {n}"),
        Cmd::AddLearner(n) => format!("add-learner {n}"),
        Cmd::Promote(n) => format!("promote {n}"),
        Cmd::Remove(n) => format!("remove {n}"),
        Cmd::Compact(n) => format!("compact {n}"),
        Cmd::Priority { node, priority } => format!("priority {node} {priority}"),
        Cmd::Break { name, on } => {
            if *on {
                format!("break {name}")
            } else {
                format!("break {name} off")
            }
        }
        Cmd::DropMessage(id) => format!("drop-message {id}"),
        Cmd::Expect(e) => format!("expect {}", expectation(e)),
        Cmd::Await { expect, within } if *within == AWAIT_DEFAULT => format!("await {}", expectation(expect)),
        Cmd::Await { expect, within } => format!("await {} within {}", expectation(expect), duration(*within)),
        Cmd::CutLeader { node, from_leader: true } => format!("cut leader->{node}"),
        Cmd::CutLeader { node, from_leader: false } => format!("cut {node}->leader"),
        Cmd::Rebalance => "rebalance".to_string(),
        Cmd::InPartition { partition, cmd } => format!("{} partition {partition}", command(cmd)),
    }
}

fn expectation(e: &Expect) -> String {
    match e {
        Expect::Leader { node, among, term } => {
            let mut s = "leader".to_string();
            if let Some(n) = node {
                let _ = write!(s, " {n}");
            }
            if let Some(a) = among {
                let _ = write!(s, " in {}", nodes(a));
            }
            if let Some(t) = term {
                let _ = write!(s, " term{}", cmp(t));
            }
            s
        }
        Expect::NoLeader { among } => match among {
            Some(a) => format!("no-leader in {}", nodes(a)),
            None => "no-leader".to_string(),
        },
        Expect::Role { node, role } => format!("role {node} {}", role.name()),
        Expect::Term { node, cmp: c } => format!("term {node} {} {}", c.op.symbol(), c.value),
        Expect::Commit { node, cmp: c } => format!("commit {node} {} {}", c.op.symbol(), c.value),
        Expect::Snapshot { node, cmp: c } => format!("snapshot {node} {} {}", c.op.symbol(), c.value),
        Expect::Committed { command, on } => match on {
            Some(o) => format!("committed {command} on {}", nodes(o)),
            None => format!("committed {command}"),
        },
        Expect::NotCommitted { command, on } => match on {
            Some(o) => format!("not-committed {command} on {}", nodes(o)),
            None => format!("not-committed {command}"),
        },
        Expect::Converged => "converged".to_string(),
        Expect::Log { node, terms } => format!("log {node} terms={}", terms.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(",")),
        Expect::Read { key, value } => format!("read {key}={}", value.as_deref().unwrap_or("none")),
        Expect::Refused => "refused".to_string(),
        Expect::Violation { invariant } => match invariant {
            Some(i) => format!("violation {i}"),
            None => "violation".to_string(),
        },
        Expect::Partition { partition, check } => match check {
            PartitionCheck::Leader(None) => format!("partition {partition} leader"),
            PartitionCheck::Leader(Some(b)) => format!("partition {partition} leader {b}"),
            PartitionCheck::Health(h) => format!("partition {partition} {}", h.name()),
            PartitionCheck::Term(c) => format!("partition {partition} term {} {}", c.op.symbol(), c.value),
        },
        Expect::BrokersLeading(list) => {
            let pairs: Vec<String> = list.iter().map(|(b, n)| format!("{b}:{n}")).collect();
            std::iter::once("brokers-leading".to_string()).chain(pairs).collect::<Vec<_>>().join(" ")
        }
    }
}

/// The whole scenario, one command a line.
pub fn print(s: &Scenario) -> String {
    let mut out = String::new();
    for c in &s.commands {
        out.push_str(&command(c));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::parse::parse_duration;

    #[test]
    fn durations_read_as_people_write_them_and_parse_back_exactly() {
        let cases = [
            (0, "0ms"),
            (40, "40us"),
            (12_500, "12.5ms"),
            (250_000, "250ms"),
            (1_000_000, "1s"),
            (1_137_000, "1.137s"),
            (1_137_335, "1.137335s"),
            (1_500_000, "1.5s"),
            (60_000_000, "60s"),
        ];
        for (t, text) in cases {
            assert_eq!(duration(t), text);
            assert_eq!(parse_duration(text), Some(t), "{text}");
        }
        for t in (0..3_000_000).step_by(7_919) {
            assert_eq!(parse_duration(&duration(t)), Some(t), "{t}");
        }
    }
}
