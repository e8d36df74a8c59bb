//! Lessons: a scenario told step by step, in English and Chinese, where every claim is
//! checked by the engine and some steps wait for the reader to act.
//!
//! A lesson is a text file (`www/lessons/ID.lesson`; the README has the reference):
//!
//! ```text
//! id: partition
//! title: Partitions            # header: id, title and summary in each language
//! title.zh: 网络分区
//! summary: ...
//! summary.zh: ...
//! cluster nodes=5 seed=5       # the cluster, then set-up commands (log, term, set...)
//!
//! step
//! say: Node 1 leads term 1.    # what the step tells (one line a paragraph)
//! say.zh: 节点 1 是任期 1 的领导者。
//! highlight: 1                 # nodes to ring in the drawing (ids or `leader`)
//! timeout 1                    # scenario commands that play the step
//! await leader 1 term=1 within 1s
//! expect leader 1 term=1       # expectations that check what it says
//!
//! step
//! say: ...
//! ask: Crash the leader.       # an interactive step: what the reader should do,
//! ask.zh: 让领导者崩溃。
//! when: role 1 crashed         # the effect that shows they did it (any control works),
//! do: crash 1                  # what "do it for me" does,
//! keep: role 2 follower        # and what must still hold for the story to go on.
//! ```
//!
//! Every step ends on a whole millisecond, and the reader acts at the step's end (the
//! page pauses there), so what the reader does lands at the same moment as "do it for me":
//! the story that follows is the one the tests checked.

use super::ast::*;
use super::parse::parse_with;
use super::print;
use super::run::{cluster_settings, Runner};
use crate::raft::{NodeId, Payload, Time};
use crate::sim::zeebe::{PartitionId, Topology};
use crate::sim::{World, MS};

/// A text in each language the page speaks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Text {
    pub en: String,
    pub zh: String,
}

impl Text {
    /// The text for a language (`zh...` gives Chinese, anything else English); English when
    /// the other is missing.
    pub fn get(&self, lang: &str) -> &str {
        if lang.starts_with("zh") && !self.zh.is_empty() {
            &self.zh
        } else {
            &self.en
        }
    }
}

/// Something a lesson checks on the world: an expectation of the scenario language, or one
/// of the conditions only lessons need (they describe the effect of what a reader did).
#[derive(Clone, Debug, PartialEq)]
pub enum Cond {
    /// Any expectation (`leader 3 term=2`, `role 1 crashed`, `committed x=1`...).
    Expect(Expect),
    /// `isolated 1`: node 1 is up but reaches fewer than a majority of its configuration's
    /// voters (itself included) both ways.
    Isolated(NodeId),
    /// `healed`: no partition and no cut link.
    Healed,
    /// `uncommitted 1`: node 1 holds a client command above its commit index.
    Uncommitted(NodeId),
    /// `last 1 >= 3`: node 1's last log index.
    Last(NodeId, Cmp),
    /// `voter 5` / `learner 5`: the leader's configuration has node 5 as a voter (a
    /// learner): a change counts from the moment the leader appends it.
    Member(NodeId, bool),
    /// `voted 3 1`: node 3 has voted for node 1 in its current term.
    Voted(NodeId, NodeId),
    /// `transferring 3`: the leader is handing leadership over to node 3.
    Transferring(NodeId),
    /// `reads >= 2`: how many client reads were asked for so far (answered or not).
    Reads(Cmp),
    /// `next 1 2 = 3`: leader 1's next index for node 2 (what it sends next, §5.3).
    Next(NodeId, NodeId, Cmp),
    /// `match 1 2 >= 3`: leader 1's match index for node 2 (what it knows node 2 stores).
    Match(NodeId, NodeId, Cmp),
    /// `prevote=on` (any on/off setting): the cluster runs with it.
    Setting(Setting),
    /// `break figure8 on`: the known bug is switched on (or off).
    Break(String, bool),
    /// `not <condition>`.
    Not(Box<Cond>),
    /// Zeebe: `down 2`: broker (or node) 2 is down.
    Down(NodeId),
    /// Zeebe: `replicas 4 3,4,0`: partition 4 is replicated on brokers 3, 4, 0, in Zeebe's
    /// replica order (the first is its primary).
    Replicas(PartitionId, Vec<NodeId>),
    /// Zeebe: `priority 4 0 = 1`: the priority of partition 4's replica on broker 0.
    Priority(PartitionId, NodeId, Cmp),
    /// Zeebe: `target 1 2 = 2`: the target priority partition 1's replica on broker 2 waits
    /// for now (it counts down at each election timeout without a leader).
    Target(PartitionId, NodeId, Cmp),
    /// Zeebe: `rebalancing`: a rebalance is under way.
    Rebalancing,
}

/// Where the drawing puts a ring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    Node(NodeId),
    /// The leader the page shows at the moment.
    Leader,
}

/// What a step does: a scenario command, or a check of a lesson condition (`check:`).
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Cmd(Cmd),
    Check(Cond),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Step {
    /// The `step` line.
    pub line: usize,
    /// Paragraphs.
    pub say: Vec<Text>,
    /// For an interactive step: what the reader is asked to do.
    pub ask: Option<Text>,
    /// Commands and checks that play the step (with their lines), before it waits, if it
    /// does.
    pub commands: Vec<(usize, Item)>,
    /// The reader's action is detected when all of these hold.
    pub when: Vec<(usize, Cond)>,
    /// What "do it for me" does.
    pub actions: Vec<(usize, Cmd)>,
    /// What must hold while the step waits; otherwise the story cannot go on.
    pub keep: Vec<(usize, Cond)>,
    pub highlight: Vec<Focus>,
    /// Zeebe: the partition the step is about (`partition: 3`); the page shows it.
    pub partition: Option<PartitionId>,
}

impl Step {
    pub fn is_interactive(&self) -> bool {
        self.ask.is_some()
    }

    /// How many expectations (`expect`, `await`, `check:`) check what the step says.
    pub fn expectations(&self) -> usize {
        self.commands.iter().filter(|(_, c)| matches!(c, Item::Check(_) | Item::Cmd(Cmd::Expect(_) | Cmd::Await { .. }))).count()
    }
}

#[derive(Clone, Debug)]
pub struct Lesson {
    pub id: String,
    pub title: Text,
    pub summary: Text,
    /// The `cluster` line and the set-up commands before the first step.
    pub prelude: Scenario,
    pub steps: Vec<Step>,
}

/// A lesson file that cannot be read: the line and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for LessonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Whether `id` can name a lesson: 1 to 40 lowercase letters, digits and dashes.
pub fn valid_id(id: &str) -> bool {
    (1..=40).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// One scenario command, parsed on its own (its line number is the lesson's), for the
/// lesson's cluster (`zeebe`: its layout, if it is a Zeebe cluster).
fn command(text: &str, line: usize, zeebe: Option<Topology>) -> Result<Cmd, LessonError> {
    let s = parse_with(text, zeebe)
        .map_err(|e| LessonError { line, message: format!("column {}: expected {}, found {}", e.column, e.expected, e.found) })?;
    match s.commands.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(LessonError { line, message: "expected one command".to_string() }),
    }
}

/// Parses a condition (see [`Cond`]) of a classic cluster.
pub fn parse_cond(text: &str, line: usize) -> Result<Cond, LessonError> {
    parse_cond_in(text, line, None)
}

/// A comparison written after some words (`>= 3`), read as the scenario language reads it.
fn comparison(rest: &str, line: usize) -> Result<Cmp, LessonError> {
    match command(&format!("expect commit 1 {rest}"), line, None)? {
        Cmd::Expect(Expect::Commit { cmp, .. }) => Ok(cmp),
        _ => Err(LessonError { line, message: format!("expected a comparison, found `{rest}`") }),
    }
}

/// Parses a condition (see [`Cond`]) for the lesson's cluster (`zeebe`: its layout, if it
/// is a Zeebe cluster: ids are then broker ids, from 0).
pub fn parse_cond_in(text: &str, line: usize, zeebe: Option<Topology>) -> Result<Cond, LessonError> {
    let text = text.trim();
    let err = |message: String| LessonError { line, message };
    let words: Vec<&str> = text.split_whitespace().collect();
    let ids = match zeebe {
        Some(t) => 0..=t.brokers.saturating_sub(1),
        None => 1..=crate::sim::MAX_NODES,
    };
    let node = |w: Option<&&str>| -> Result<NodeId, LessonError> {
        w.and_then(|w| w.parse::<NodeId>().ok())
            .filter(|n| ids.contains(n))
            .ok_or_else(|| err(format!("expected a {} id in `{text}`", if zeebe.is_some() { "broker" } else { "node" })))
    };
    let partition = |w: &str| -> Result<PartitionId, LessonError> {
        w.parse::<PartitionId>()
            .ok()
            .filter(|&p| zeebe.is_some_and(|t| (1..=t.partitions).contains(&p)))
            .ok_or_else(|| err(format!("expected a partition of the lesson's Zeebe cluster in `{text}`")))
    };
    let command = |text: &str, line| command(text, line, zeebe);
    Ok(match words.as_slice() {
        ["not", ..] => Cond::Not(Box::new(parse_cond_in(&text[3..], line, zeebe)?)),
        ["down", b] => Cond::Down(node(Some(b))?),
        ["rebalancing"] => Cond::Rebalancing,
        ["replicas", p, list] => {
            let brokers: Result<Vec<NodeId>, _> = list.split(',').map(|b| node(Some(&b))).collect();
            Cond::Replicas(partition(p)?, brokers?)
        }
        [which @ ("priority" | "target"), p, b, ..] => {
            let (p, b) = (partition(p)?, node(Some(b))?);
            let cmp = comparison(text.splitn(4, char::is_whitespace).nth(3).unwrap_or(""), line)?;
            if *which == "priority" {
                Cond::Priority(p, b, cmp)
            } else {
                Cond::Target(p, b, cmp)
            }
        }
        ["isolated", rest @ ..] if rest.len() <= 1 => Cond::Isolated(node(rest.first())?),
        ["healed"] => Cond::Healed,
        ["uncommitted", rest @ ..] if rest.len() <= 1 => Cond::Uncommitted(node(rest.first())?),
        ["last", ..] => match command(&format!("expect commit {}", &text[4..]), line)? {
            Cmd::Expect(Expect::Commit { node, cmp }) => Cond::Last(node, cmp),
            _ => return Err(err(format!("expected `last N <op> K`, found `{text}`"))),
        },
        [which @ ("voter" | "learner"), rest @ ..] if rest.len() <= 1 => Cond::Member(node(rest.first())?, *which == "voter"),
        ["transferring", rest @ ..] if rest.len() <= 1 => Cond::Transferring(node(rest.first())?),
        ["reads", ..] => Cond::Reads(comparison(&text[5..], line)?),
        ["voted", n, c] => Cond::Voted(node(Some(n))?, node(Some(c))?),
        [which @ ("next" | "match"), leader, follower, ..] => {
            let (l, f) = (node(Some(leader))?, node(Some(follower))?);
            let cmp = comparison(text.splitn(4, char::is_whitespace).nth(3).unwrap_or(""), line)?;
            if *which == "next" {
                Cond::Next(l, f, cmp)
            } else {
                Cond::Match(l, f, cmp)
            }
        }
        ["break", ..] => match command(text, line)? {
            Cmd::Break { name, on } => Cond::Break(name, on),
            _ => return Err(err(format!("expected `break NAME on|off`, found `{text}`"))),
        },
        [setting] if setting.contains('=') => match command(&format!("set {setting}"), line)? {
            Cmd::Set(mut s) if s.len() == 1 && on_off(&s[0]).is_some() => Cond::Setting(s.remove(0)),
            _ => return Err(err(format!("expected an on/off setting such as prevote=on, found `{text}`"))),
        },
        _ => match command(&format!("expect {text}"), line)? {
            Cmd::Expect(e) => Cond::Expect(e),
            _ => return Err(err(format!("expected a condition, found `{text}`"))),
        },
    })
}

/// The value of an on/off setting.
fn on_off(s: &Setting) -> Option<bool> {
    match *s {
        Setting::PreVote(b) | Setting::CheckQuorum(b) | Setting::LeaseRead(b) | Setting::PriorityElection(b) => Some(b),
        _ => None,
    }
}

/// Ids as a lesson writes them: `3,4,0`.
fn ids(list: &[NodeId]) -> String {
    list.iter().map(|b| b.to_string()).collect::<Vec<_>>().join(",")
}

impl Cond {
    /// Whether the condition holds in `world`; `expect` checks expectations (a runner's or
    /// a session's, which know what was refused and crashed before).
    pub fn check(&self, world: &World, expect: &dyn Fn(&Expect) -> Result<(), String>) -> Result<(), String> {
        let yes = |ok: bool, why: String| if ok { Ok(()) } else { Err(why) };
        match self {
            Cond::Expect(e) => expect(e),
            Cond::Isolated(n) => {
                let Some(node) = world.node(0, *n) else { return Err(format!("node {n} is down")) };
                let voters = &node.membership().voters;
                let net = world.network();
                let reach = voters.iter().filter(|&&v| world.node(0, v).is_some() && net.connected(*n, v) && net.connected(v, *n)).count();
                yes(reach < voters.len() / 2 + 1, format!("node {n} reaches {reach} of {} voters", voters.len()))
            }
            Cond::Healed => {
                let net = world.network();
                yes(!net.is_partitioned() && net.cuts().next().is_none(), "the network is still split".to_string())
            }
            Cond::Uncommitted(n) => {
                let Some(node) = world.node(0, *n) else { return Err(format!("node {n} is down")) };
                let log = node.log();
                let above = log.slice(log.commit_index() + 1, log.last_index()).iter().any(|e| matches!(e.payload, Payload::Command(_)));
                yes(above, format!("node {n} holds no uncommitted client command"))
            }
            Cond::Last(n, cmp) => {
                let Some(node) = world.node(0, *n) else { return Err(format!("node {n} is down")) };
                let last = node.log().last_index();
                yes(cmp.op.holds(last, cmp.value), format!("node {n}'s last index is {last}"))
            }
            Cond::Member(n, voter) => {
                let Some(l) = world.leader(0).and_then(|l| world.node(0, l)) else { return Err("there is no leader".to_string()) };
                let m = l.membership();
                let is = if *voter { m.voters.contains(n) } else { m.is_learner(*n) };
                yes(is, format!("node {n} is not a {} in leader {}'s configuration", if *voter { "voter" } else { "learner" }, l.id()))
            }
            Cond::Transferring(n) => {
                let to = world.leader(0).and_then(|l| world.node(0, l)).and_then(|l| l.status().transferee);
                yes(to == Some(*n), format!("the leader is not handing leadership over to node {n}"))
            }
            Cond::Reads(cmp) => {
                let n = world.history().iter().filter(|o| matches!(o.kind, crate::sim::client::OpKind::Read { .. })).count() as u64;
                yes(cmp.op.holds(n, cmp.value), format!("{n} reads were asked for"))
            }
            Cond::Voted(n, c) => {
                let Some(node) = world.node(0, *n) else { return Err(format!("node {n} is down")) };
                let voted = node.status().voted_for;
                yes(voted == Some(*c), format!("node {n} voted for {}", voted.map_or("nobody".to_string(), |v| format!("node {v}"))))
            }
            Cond::Next(l, f, cmp) | Cond::Match(l, f, cmp) => {
                let Some(peer) = world.node(0, *l).and_then(|n| n.status().peers.into_iter().find(|p| p.id == *f)) else {
                    return Err(format!("node {l} is not a leader with node {f} among its followers"));
                };
                let (what, v) = if matches!(self, Cond::Next(..)) { ("next", peer.next_index) } else { ("match", peer.match_index) };
                yes(cmp.op.holds(v, cmp.value), format!("leader {l}'s {what} index for node {f} is {v}"))
            }
            Cond::Setting(s) => {
                let raft = &world.settings().raft;
                let now = match s {
                    Setting::PreVote(_) => raft.pre_vote,
                    Setting::CheckQuorum(_) => raft.check_quorum,
                    Setting::LeaseRead(_) => raft.lease_read,
                    _ => raft.priority_election,
                };
                yes(Some(now) == on_off(s), format!("{} is {}", print::setting(s), if now { "on" } else { "off" }))
            }
            Cond::Break(name, on) => {
                let now = world.settings().raft.breaks.get(name).unwrap_or(false);
                yes(now == *on, format!("break {name} is {}", if now { "on" } else { "off" }))
            }
            Cond::Not(c) => match c.check(world, expect) {
                Ok(()) => Err(format!("not {}: it holds", c.text())),
                Err(_) => Ok(()),
            },
            Cond::Down(b) => yes(!world.is_up(*b), format!("{} {b} is up", if world.topology().is_some() { "broker" } else { "node" })),
            Cond::Rebalancing => yes(world.rebalancing(), "no rebalance is under way".to_string()),
            Cond::Replicas(p, list) => {
                let t = world.topology().ok_or("not a Zeebe cluster")?;
                let actual: Vec<NodeId> = t.replicas(*p).iter().map(|r| r.broker).collect();
                yes(&actual == list, format!("partition {p} is replicated on brokers {}", ids(&actual)))
            }
            Cond::Priority(p, b, cmp) => {
                let t = world.topology().ok_or("not a Zeebe cluster")?;
                let Some(v) = t.priority(*p, *b) else { return Err(format!("broker {b} holds no replica of partition {p}")) };
                yes(cmp.op.holds(v as u64, cmp.value), format!("its priority is {v}"))
            }
            Cond::Target(p, b, cmp) => {
                let Some(n) = p.checked_sub(1).and_then(|g| world.node(g, *b)) else {
                    return Err(format!("broker {b} has no live replica of partition {p}"));
                };
                let v = n.status().target_priority;
                yes(cmp.op.holds(v as u64, cmp.value), format!("its target priority is {v}"))
            }
        }
    }

    /// The condition as a lesson writes it.
    pub fn text(&self) -> String {
        match self {
            Cond::Expect(e) => print::command(&Cmd::Expect(e.clone())).trim_start_matches("expect ").to_string(),
            Cond::Isolated(n) => format!("isolated {n}"),
            Cond::Healed => "healed".to_string(),
            Cond::Uncommitted(n) => format!("uncommitted {n}"),
            Cond::Last(n, c) => format!("last {n} {} {}", c.op.symbol(), c.value),
            Cond::Member(n, voter) => format!("{} {n}", if *voter { "voter" } else { "learner" }),
            Cond::Transferring(n) => format!("transferring {n}"),
            Cond::Reads(c) => format!("reads {} {}", c.op.symbol(), c.value),
            Cond::Voted(n, c) => format!("voted {n} {c}"),
            Cond::Next(l, f, c) => format!("next {l} {f} {} {}", c.op.symbol(), c.value),
            Cond::Match(l, f, c) => format!("match {l} {f} {} {}", c.op.symbol(), c.value),
            Cond::Setting(s) => print::setting(s),
            Cond::Break(name, on) => format!("break {name} {}", if *on { "on" } else { "off" }),
            Cond::Not(c) => format!("not {}", c.text()),
            Cond::Down(b) => format!("down {b}"),
            Cond::Rebalancing => "rebalancing".to_string(),
            Cond::Replicas(p, list) => format!("replicas {p} {}", ids(list)),
            Cond::Priority(p, b, c) => format!("priority {p} {b} {} {}", c.op.symbol(), c.value),
            Cond::Target(p, b, c) => format!("target {p} {b} {} {}", c.op.symbol(), c.value),
        }
    }
}

impl Lesson {
    /// Reads a lesson file.
    pub fn parse(text: &str) -> Result<Lesson, LessonError> {
        let mut id = None;
        let mut title = Text::default();
        let mut summary = Text::default();
        let mut prelude: Vec<(usize, Cmd)> = Vec::new();
        let mut steps: Vec<Step> = Vec::new();
        // A Zeebe lesson's layout, once its `cluster` line has come: ids are broker ids.
        let mut zeebe: Option<Topology> = None;
        for (k, raw) in text.lines().enumerate() {
            let line = k + 1;
            let err = |message: String| LessonError { line, message };
            let trimmed = raw.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            if trimmed == "step" {
                steps.push(Step { line, ..Step::default() });
                continue;
            }
            // `key: text` lines; anything else is a scenario command.
            let keyed = trimmed.split_once(':').filter(|(key, _)| !key.contains(' ') && !key.is_empty());
            let Some((key, value)) = keyed else {
                let cmd = command(trimmed, line, zeebe)?;
                if let Cmd::Cluster(spec) = &cmd {
                    zeebe = cluster_settings(spec).zeebe;
                }
                if cmd == Cmd::Restart(Target::Leader) {
                    return Err(err("name the node to restart (`restart leader` depends on what happened before the step)".to_string()));
                }
                match steps.last_mut() {
                    Some(step) => step.commands.push((line, Item::Cmd(cmd))),
                    None if matches!(cmd, Cmd::Cluster(_)) && prelude.is_empty() => prelude.push((line, cmd)),
                    None if matches!(cmd, Cmd::Cluster(_)) => return Err(err("`cluster` comes once, first".to_string())),
                    None if prelude.is_empty() => return Err(err("the `cluster` line comes before any other command".to_string())),
                    None if cmd.is_intervention() => prelude.push((line, cmd)),
                    None => return Err(err("before the first step only set-up commands may come (no run, await or expect)".to_string())),
                }
                continue;
            };
            let value = value.trim();
            if value.is_empty() {
                return Err(err(format!("`{key}:` needs a text")));
            }
            let set_zh = |t: &mut Text, what: &str| -> Result<(), LessonError> {
                if t.en.is_empty() || !t.zh.is_empty() {
                    return Err(err(format!("`{what}.zh:` translates the `{what}:` line just before it")));
                }
                t.zh = value.to_string();
                Ok(())
            };
            fn in_step<'s>(steps: &'s mut [Step], line: usize, key: &str) -> Result<&'s mut Step, LessonError> {
                steps.last_mut().ok_or_else(|| LessonError { line, message: format!("`{key}:` belongs in a step") })
            }
            match key {
                "id" if valid_id(value) => id = Some(value.to_string()),
                "id" => return Err(err(format!("`{value}` is not a lesson id (lowercase letters, digits, dashes)"))),
                "title" => title.en = value.to_string(),
                "title.zh" => set_zh(&mut title, "title")?,
                "summary" => summary.en = value.to_string(),
                "summary.zh" => set_zh(&mut summary, "summary")?,
                "say" => in_step(&mut steps, line, key)?.say.push(Text { en: value.to_string(), zh: String::new() }),
                "say.zh" => {
                    let step = in_step(&mut steps, line, key)?;
                    let mut last = step.say.pop().unwrap_or_default();
                    set_zh(&mut last, "say")?;
                    step.say.push(last);
                }
                "ask" => {
                    let step = in_step(&mut steps, line, key)?;
                    if step.ask.is_some() {
                        return Err(err("a step asks one thing".to_string()));
                    }
                    step.ask = Some(Text { en: value.to_string(), zh: String::new() });
                }
                "ask.zh" => {
                    let step = in_step(&mut steps, line, key)?;
                    let mut ask = step.ask.take().unwrap_or_default();
                    set_zh(&mut ask, "ask")?;
                    step.ask = Some(ask);
                }
                "when" => {
                    let c = parse_cond_in(value, line, zeebe)?;
                    in_step(&mut steps, line, key)?.when.push((line, c));
                }
                "check" => {
                    let c = parse_cond_in(value, line, zeebe)?;
                    in_step(&mut steps, line, key)?.commands.push((line, Item::Check(c)));
                }
                "keep" => {
                    let c = parse_cond_in(value, line, zeebe)?;
                    in_step(&mut steps, line, key)?.keep.push((line, c));
                }
                "do" => {
                    let cmd = command(value, line, zeebe)?;
                    if !cmd.is_intervention() {
                        return Err(err(format!("`do:` takes an intervention, not `{value}`")));
                    }
                    in_step(&mut steps, line, key)?.actions.push((line, cmd));
                }
                "highlight" => {
                    let step = in_step(&mut steps, line, key)?;
                    for part in value.split(',') {
                        let part = part.trim();
                        let focus = match part {
                            "leader" => Focus::Leader,
                            n => Focus::Node(match parse_cond_in(&format!("down {n}"), line, zeebe) {
                                Ok(Cond::Down(id)) => id,
                                _ => return Err(err(format!("`highlight:` takes node ids and `leader`, not `{n}`"))),
                            }),
                        };
                        step.highlight.push(focus);
                    }
                }
                "partition" => {
                    let p = value.parse::<PartitionId>().ok().filter(|&p| zeebe.is_some_and(|t| (1..=t.partitions).contains(&p)));
                    let p = p.ok_or_else(|| err(format!("`partition:` names a partition of the lesson's Zeebe cluster, not `{value}`")))?;
                    in_step(&mut steps, line, key)?.partition = Some(p);
                }
                _ => {
                    return Err(err(format!(
                    "unknown line `{key}:` (id, title, summary, say, ask, check, when, do, keep, highlight, partition; `.zh` for Chinese)"
                )))
                }
            }
        }
        let end = text.lines().count().max(1);
        let id = id.ok_or(LessonError { line: 1, message: "the lesson has no `id:`".to_string() })?;
        if title.en.is_empty() || summary.en.is_empty() {
            return Err(LessonError { line: 1, message: "the lesson needs a `title:` and a `summary:`".to_string() });
        }
        if prelude.is_empty() {
            return Err(LessonError { line: 1, message: "the lesson needs a `cluster` line with a fixed seed".to_string() });
        }
        if steps.is_empty() {
            return Err(LessonError { line: end, message: "the lesson has no step".to_string() });
        }
        for s in &steps {
            let err = |message: &str| Err(LessonError { line: s.line, message: message.to_string() });
            if s.say.is_empty() {
                return err("a step says something (`say:`)");
            }
            let asks = s.ask.is_some();
            if asks == s.when.is_empty() || asks == s.actions.is_empty() {
                return err("an interactive step has `ask:`, `when:` and `do:` together");
            }
            if !asks && !s.keep.is_empty() {
                return err("`keep:` belongs to an interactive step");
            }
        }
        let (lines, commands) = prelude.into_iter().unzip();
        Ok(Lesson { id, title, summary, prelude: Scenario { commands, lines }, steps })
    }

    /// The step (0-based) the address's 1-based `step` means, if the lesson has it.
    pub fn step_index(&self, one_based: u32) -> Option<usize> {
        (one_based as usize).checked_sub(1).filter(|&k| k < self.steps.len())
    }
}

/// What playing a step does: its interventions with their times, and the (whole
/// millisecond) time it ends at.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub actions: Vec<(Time, Cmd)>,
    pub end: Time,
}

/// Why a step cannot be played from here: the command (as written) and what was seen.
#[derive(Clone, Debug, PartialEq)]
pub struct StepFailure {
    pub line: usize,
    pub time: Time,
    pub command: String,
    pub message: String,
}

impl std::fmt::Display for StepFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {} at {} (`{}`): {}", self.line, super::run::format_time(self.time), self.command, self.message)
    }
}

/// Plays a step's commands on `runner`: interventions at the moment they come (after every
/// event due then, as a session applies them), `run` and `await` advance time, `expect`
/// checks. The step then runs on to the next whole millisecond. Returns what it did.
pub fn run_step(runner: &mut Runner, step: &Step) -> Result<Plan, StepFailure> {
    let mut actions = Vec::new();
    let mut k = 0;
    while k < step.commands.len() {
        let (line, item) = &step.commands[k];
        let fail =
            |runner: &Runner, command: String, message: String| StepFailure { line: *line, time: runner.world.now(), command, message };
        let cmd = match item {
            Item::Check(c) => {
                let r = &*runner;
                c.check(&r.world, &|e| r.check(e)).map_err(|m| fail(runner, format!("check: {}", c.text()), m))?;
                k += 1;
                continue;
            }
            Item::Cmd(cmd) => cmd,
        };
        let now = runner.world.now();
        runner.world.run_until(now);
        let refusal_expected = matches!(step.commands.get(k + 1), Some((_, Item::Cmd(Cmd::Expect(Expect::Refused)))));
        match runner.exec(cmd) {
            Ok(()) if refusal_expected => {
                return Err(fail(runner, print::command(cmd), "expected it to be refused, but it was carried out".to_string()))
            }
            Ok(()) => {}
            Err(_) if refusal_expected => k += 1,
            Err(message) => return Err(fail(runner, print::command(cmd), message)),
        }
        if cmd.is_intervention() {
            actions.push((now, cmd.clone()));
        }
        if matches!(cmd, Cmd::Await { .. }) {
            // Finish the instant the expectation came true at, as a session would before the
            // next intervention.
            let t = runner.world.now();
            runner.world.run_until(t);
        }
        k += 1;
    }
    let end = runner.world.now().div_ceil(MS) * MS;
    runner.world.run_until(end);
    Ok(Plan { actions, end })
}

/// What a step would do from `world`, without changing it.
pub fn plan_step(world: &World, step: &Step) -> Result<Plan, StepFailure> {
    let mut runner = Runner::from_world(world.clone());
    run_step(&mut runner, step)
}

/// The first condition of `conds` that does not hold, with why.
pub fn first_failing<'c>(
    conds: &'c [(usize, Cond)],
    world: &World,
    expect: &dyn Fn(&Expect) -> Result<(), String>,
) -> Option<(&'c Cond, String)> {
    conds.iter().find_map(|(_, c)| c.check(world, expect).err().map(|why| (c, why)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = "\
# A small lesson.
id: small
title: A small lesson
title.zh: 小课
summary: One election, one crash.
summary.zh: 一次选举，一次崩溃。
cluster nodes=3 seed=5

step
say: Node 1 times out first and wins term 1.
say.zh: 节点 1 最先超时，赢得任期 1。
highlight: 1, leader
timeout 1
await leader 1 term=1 within 1s
expect leader 1 term=1

step
say: Now crash it.
say.zh: 现在让它崩溃。
ask: Crash node 1.
ask.zh: 让节点 1 崩溃。
when: role 1 crashed
do: crash 1
keep: not isolated 2

step
say: Another node wins a later term.
say.zh: 另一个节点在更高的任期当选。
await leader in 2,3 term>=2 within 5s
";

    #[test]
    fn a_lesson_reads_with_both_languages_and_its_default_path_plays() {
        let lesson = Lesson::parse(SMALL).unwrap();
        assert_eq!((lesson.id.as_str(), lesson.title.get("zh-CN"), lesson.steps.len()), ("small", "小课", 3));
        assert_eq!(lesson.steps[0].highlight, vec![Focus::Node(1), Focus::Leader]);
        assert!(lesson.steps[1].is_interactive() && !lesson.steps[0].is_interactive());
        assert_eq!(lesson.steps[1].keep[0].1, Cond::Not(Box::new(Cond::Isolated(2))));
        let mut runner = Runner::new(&lesson.prelude, Default::default()).unwrap();
        let plan = run_step(&mut runner, &lesson.steps[0]).unwrap();
        assert_eq!(plan.actions, vec![(0, Cmd::Timeout(1))]);
        assert_eq!(lesson.steps[0].expectations(), 2);
        assert_eq!(plan.end % MS, 0);
        assert_eq!(runner.world.now(), plan.end);
        let step = &lesson.steps[1];
        let check = |r: &Runner| first_failing(&step.when, &r.world, &|e| r.check(e)).map(|(c, _)| c.text());
        assert_eq!(check(&runner), Some("role 1 crashed".to_string()));
        runner.exec(&step.actions[0].1).unwrap();
        assert_eq!(check(&runner), None);
        let before = runner.world.now();
        let plan = plan_step(&runner.world, &lesson.steps[2]).unwrap();
        assert_eq!(runner.world.now(), before, "planning changes nothing");
        run_step(&mut runner, &lesson.steps[2]).unwrap();
        assert_eq!(runner.world.now(), plan.end, "the plan is what playing does");
    }

    #[test]
    fn a_false_claim_fails_its_step_with_the_line() {
        let text = SMALL.replace("expect leader 1 term=1", "expect leader 2 term=1");
        let lesson = Lesson::parse(&text).unwrap();
        let runner = Runner::new(&lesson.prelude, Default::default()).unwrap();
        let e = plan_step(&runner.world, &lesson.steps[0]).unwrap_err();
        assert_eq!((e.line, e.command.as_str()), (15, "expect leader 2 term=1"));
        assert!(e.message.contains("the leader is node 1"), "{e}");
    }

    #[test]
    fn bad_lessons_say_what_and_where() {
        let bad = |from: &str, to: &str| Lesson::parse(&SMALL.replace(from, to)).unwrap_err();
        let e = bad("highlight: 1, leader", "colour: red");
        assert_eq!(e.line, 12);
        assert!(e.message.contains("unknown line `colour:`"), "{e}");
        assert!(bad("say: Now crash it.\n", "").message.contains("translates the `say:` line"));
        assert!(bad("do: crash 1", "do: expect leader").message.contains("intervention"));
        assert!(bad("when: role 1 crashed\n", "").message.contains("together"));
        assert!(bad("await leader in 2,3 term>=2 within 5s", "restart leader").message.contains("name the node"));
        assert!(bad("cluster nodes=3 seed=5", "cluster nodes=3 seed=5\nrun 1s").message.contains("set-up"));
        let e = bad("timeout 1", "timeout 12");
        assert_eq!(e.line, 13);
        assert!(e.message.contains("node id"), "{e}");
        assert!(bad("id: small", "id: Small!").message.contains("not a lesson id"));
        assert!(bad("when: role 1 crashed", "when: isolated").message.contains("node id"));
    }

    #[test]
    fn conditions_read_and_print_as_written() {
        for text in [
            "role 1 crashed",
            "isolated 3",
            "healed",
            "uncommitted 1",
            "last 1 >= 3",
            "prevote=on",
            "break figure8 on",
            "not isolated 1",
            "leader in 3,4,5 term>1",
            "voted 3 1",
            "transferring 3",
            "reads >= 1",
            "voter 5",
            "learner 5",
            "next 1 2 = 3",
            "match 1 3 >= 2",
        ] {
            assert_eq!(parse_cond(text, 1).unwrap().text(), text);
        }
        assert!(parse_cond("drop=0.5", 1).is_err(), "only on/off settings");
    }

    const ZEEBE: &str = "\
id: zeebe-small
title: Zeebe
title.zh: Zeebe
summary: A broker fails.
summary.zh: 一个代理节点故障。
cluster brokers=3 partitions=3 replication=3 seed=7

step
say: Broker 0 leads partition 1.
say.zh: 代理节点 0 领导分区 1。
partition: 1
highlight: 0
check: replicas 1 0,1,2
check: priority 1 2 = 1
await partition 1 leader 0 within 4s

step
say: Crash it.
say.zh: 让它崩溃。
ask: Crash broker 0.
ask.zh: 让代理节点 0 崩溃。
when: down 0
do: crash 0
keep: not rebalancing
";

    /// A Zeebe lesson speaks of broker ids from 0 and of partitions: its commands, its
    /// conditions (replicas, priorities, targets, down brokers, a rebalance under way) and
    /// the partition a step shows.
    #[test]
    fn a_zeebe_lesson_reads_broker_ids_and_partitions_and_checks_them() {
        let lesson = Lesson::parse(ZEEBE).unwrap();
        assert_eq!((lesson.steps[0].partition, lesson.steps[0].highlight.clone()), (Some(1), vec![Focus::Node(0)]));
        let t = Topology::new(3, 3, 3).ok();
        for text in ["down 0", "rebalancing", "replicas 3 2,0,1", "priority 1 0 = 3", "target 2 1 >= 2", "not down 2", "role 0 crashed"] {
            assert_eq!(parse_cond_in(text, 1, t).unwrap().text(), text);
        }
        assert!(parse_cond_in("down 3", 1, t).unwrap_err().message.contains("broker id"));
        assert!(parse_cond_in("replicas 4 0,1,2", 1, t).unwrap_err().message.contains("partition"));
        assert!(parse_cond("down 0", 1).is_err(), "a classic cluster's nodes start at 1");
        let bad = |from: &str, to: &str| Lesson::parse(&ZEEBE.replace(from, to)).unwrap_err().message;
        assert!(bad("partition: 1", "partition: 4").contains("`partition:`"));
        assert!(bad("highlight: 0", "highlight: 3").contains("`highlight:`"));
        let mut runner = Runner::new(&lesson.prelude, Default::default()).unwrap();
        run_step(&mut runner, &lesson.steps[0]).unwrap();
        let check = |c: &str, r: &Runner| parse_cond_in(c, 1, t).unwrap().check(&r.world, &|e| r.check(e));
        assert_eq!(check("target 1 1 = 3", &runner), Ok(()));
        assert!(check("down 0", &runner).is_err());
        assert!(check("replicas 1 1,0,2", &runner).unwrap_err().contains("brokers 0,1,2"));
        runner.exec(&Cmd::Crash(Target::Node(0))).unwrap();
        assert_eq!(check("down 0", &runner), Ok(()));
        assert!(check("target 1 0 = 3", &runner).unwrap_err().contains("no live replica"));
        assert!(check("rebalancing", &runner).is_err());
    }
}
