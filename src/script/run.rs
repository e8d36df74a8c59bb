//! Runs a scenario against a simulated world.

use std::fmt;

use super::ast::*;
use crate::raft::{ConfChange, Index, NodeId, Payload, Role, Time};
use crate::sim::client::{OpKind, Outcome};
use crate::sim::settings::SettingsError;
use crate::sim::{Settings, SimError, TraceMode, World};

/// Why a scenario run stopped early.
#[derive(Clone, Debug, PartialEq)]
pub struct RunFailure {
    pub line: usize,
    pub time: Time,
    pub message: String,
}

impl fmt::Display for RunFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {} at {}: {}", self.line, format_time(self.time), self.message)
    }
}

/// `1.234s` for a virtual time in microseconds.
pub fn format_time(t: Time) -> String {
    format!("{}.{:03}s", t / 1_000_000, (t / 1_000) % 1_000)
}

#[derive(Clone, Copy, Debug)]
pub struct RunOptions {
    /// Check the safety invariants after every event.
    pub check: bool,
    pub trace: TraceMode,
}

impl Default for RunOptions {
    fn default() -> RunOptions {
        RunOptions { check: true, trace: TraceMode::Hash }
    }
}

pub struct RunOutcome {
    pub world: World,
    pub expectations_met: usize,
    pub failure: Option<RunFailure>,
}

/// Applies one setting to the settings a world starts from (or runs with).
pub fn apply_setting(s: &mut Settings, setting: &Setting) {
    match *setting {
        Setting::PreVote(b) => s.raft.pre_vote = b,
        Setting::CheckQuorum(b) => s.raft.check_quorum = b,
        Setting::LeaseRead(b) => s.raft.lease_read = b,
        Setting::PriorityElection(b) => s.raft.priority_election = b,
        Setting::Election(lo, hi) => {
            s.raft.election_timeout_min = lo;
            s.raft.election_timeout_max = hi;
        }
        Setting::Heartbeat(t) => s.raft.heartbeat_interval = t,
        Setting::Latency(lo, hi) => {
            s.network.latency_min = lo;
            s.network.latency_max = hi;
        }
        Setting::Drop(p) => s.network.loss = p,
        Setting::Duplicate(p) => s.network.duplicate = p,
        Setting::Reorder(p) => s.network.reorder = p,
        Setting::Rate(r) => s.client_rate = r,
        Setting::Reads(p) => s.read_percent = p,
        Setting::SnapshotThreshold(n) => s.snapshot_threshold = n,
        Setting::MaxInflight(n) => s.raft.max_inflight = n,
        Setting::MaxEntries(n) => s.raft.max_entries_per_append = n,
        Setting::ClientTimeout(t) => s.client_timeout = t,
        Setting::Clients(n) => s.clients = n,
    }
}

/// The settings a `cluster` line describes.
pub fn cluster_settings(spec: &ClusterSpec) -> Settings {
    let mut s = Settings::default();
    if let Some(n) = spec.nodes {
        s.nodes = n;
    }
    if let Some(seed) = spec.seed {
        s.seed = seed;
    }
    if let Some(g) = spec.groups {
        s.groups = g;
    }
    for o in &spec.options {
        apply_setting(&mut s, o);
    }
    s
}

/// Runs a whole scenario.
pub fn run(scenario: &Scenario, options: RunOptions) -> Result<RunOutcome, RunFailure> {
    let mut runner = Runner::new(scenario, options)?;
    let failure = runner.run_all(scenario);
    Ok(RunOutcome { expectations_met: runner.expectations_met, failure, world: runner.world })
}

/// Executes a scenario command by command; also used by the page and the JS API to apply
/// interventions.
pub struct Runner {
    pub world: World,
    pub expectations_met: usize,
    expecting_violations: bool,
    last_crashed_leader: Option<NodeId>,
    violations_reported: usize,
    /// Why the last intervention was refused, when the scenario expects it.
    last_refusal: Option<String>,
}

impl Runner {
    /// A runner whose world comes from the scenario's first `cluster` line (or the
    /// defaults if it has none).
    pub fn new(scenario: &Scenario, options: RunOptions) -> Result<Runner, RunFailure> {
        let (settings, line) = match scenario.commands.first() {
            Some(Cmd::Cluster(spec)) => (cluster_settings(spec), scenario.lines[0]),
            _ => (Settings::default(), 1),
        };
        let mut world = World::new(settings, options.trace).map_err(|e| RunFailure { line, time: 0, message: e.to_string() })?;
        world.set_checking(options.check);
        world.set_record_history(true);
        let expecting_violations = scenario.commands.iter().any(|c| matches!(c, Cmd::Expect(Expect::Violation { .. })));
        Ok(Runner {
            world,
            expectations_met: 0,
            expecting_violations,
            last_crashed_leader: None,
            violations_reported: 0,
            last_refusal: None,
        })
    }

    pub fn from_world(world: World) -> Runner {
        Runner {
            world,
            expectations_met: 0,
            expecting_violations: true,
            last_crashed_leader: None,
            violations_reported: 0,
            last_refusal: None,
        }
    }

    fn run_all(&mut self, scenario: &Scenario) -> Option<RunFailure> {
        for (k, cmd) in scenario.commands.iter().enumerate() {
            let line = scenario.lines[k];
            if k == 0 && matches!(cmd, Cmd::Cluster(_)) {
                continue;
            }
            match self.exec(cmd) {
                Ok(()) => {
                    if cmd.is_intervention() {
                        self.last_refusal = None;
                    }
                }
                // A refusal the scenario expects on its next line is not a failure.
                Err(message) if matches!(scenario.commands.get(k + 1), Some(Cmd::Expect(Expect::Refused))) => {
                    self.last_refusal = Some(message);
                }
                Err(message) => return Some(RunFailure { line, time: self.world.now(), message }),
            }
            if !self.expecting_violations {
                if let Some(v) = self.world.violations().get(self.violations_reported) {
                    self.violations_reported += 1;
                    return Some(RunFailure { line, time: v.time, message: format!("safety violation: {v}") });
                }
            }
        }
        None
    }

    /// Carries out one command: an intervention, or checks an expectation. Errors are
    /// messages for the user.
    pub fn exec(&mut self, cmd: &Cmd) -> Result<(), String> {
        match cmd {
            Cmd::Expect(e) => {
                self.expect(e)?;
                self.expectations_met += 1;
                Ok(())
            }
            Cmd::Await { expect, within } => self.await_expectation(expect, *within),
            _ => self.intervene(cmd),
        }
    }

    /// Whether an expectation holds now (without counting it as met).
    pub fn check(&self, e: &Expect) -> Result<(), String> {
        self.expect(e)
    }

    /// Carries out one intervention; refuses expectations. The page acts through this
    /// only, so its build does not carry the expectation checks.
    pub fn intervene(&mut self, cmd: &Cmd) -> Result<(), String> {
        let w = &mut self.world;
        let sim = |e: SimError| e.to_string();
        match cmd {
            Cmd::Cluster(_) => return Err("`cluster` must be the first command".to_string()),
            Cmd::Run(d) => {
                let until = w.now() + d;
                if self.expecting_violations {
                    w.run_until(until);
                } else {
                    w.run_until_violation(until);
                }
            }
            Cmd::Crash(t) => {
                let id = self.target(*t, "crash")?;
                let was_leader = self.world.leader(0) == Some(id);
                self.world.crash(id).map_err(sim)?;
                if was_leader {
                    self.last_crashed_leader = Some(id);
                }
            }
            Cmd::CrashMidway(t) => {
                let id = self.target(*t, "crash")?;
                self.world.crash_midway(id).map_err(sim)?;
            }
            Cmd::Restart(t) => {
                let id = match t {
                    Target::Node(n) => *n,
                    Target::Leader => self.last_crashed_leader.ok_or("no leader has been crashed, so none can be restarted")?,
                };
                w.restart(id).map_err(sim)?;
            }
            Cmd::Isolate(t) => {
                let id = self.target(*t, "isolate")?;
                self.world.isolate(id).map_err(sim)?;
            }
            Cmd::Partition(groups) => w.partition(groups.clone()).map_err(sim)?,
            Cmd::Heal => w.heal(),
            Cmd::Cut(a, b) => w.cut(*a, *b).map_err(sim)?,
            Cmd::CutLeader { node, from_leader } => {
                let leader = self.target(Target::Leader, "cut")?;
                if leader == *node {
                    return Err(format!("node {node} is the leader: a link needs two ends"));
                }
                let (from, to) = if *from_leader { (leader, *node) } else { (*node, leader) };
                self.world.cut(from, to).map_err(sim)?;
            }
            Cmd::Uncut(a, b) => w.uncut(*a, *b).map_err(sim)?,
            Cmd::Set(settings) => self.apply_settings(settings)?,
            Cmd::Timeout(n) => w.force_timeout(0, *n).map_err(sim)?,
            Cmd::Propose { command, via } => {
                let op = w.propose(command, *via).map_err(sim)?;
                refused_at_once(w, op, *via)?;
            }
            Cmd::Read { key, via } => {
                let op = w.read(key, *via).map_err(sim)?;
                refused_at_once(w, op, *via)?;
            }
            Cmd::Log { node, terms } => w.set_log(0, *node, terms).map_err(sim)?,
            Cmd::Term { node, term } => w.set_term(0, *node, *term).map_err(sim)?,
            Cmd::Transfer(n) => w.transfer(0, *n).map_err(sim)?,
            Cmd::Add(n) => self.change(ConfChange::AddVoter(*n))?,
            Cmd::AddLearner(n) => self.change(ConfChange::AddLearner(*n))?,
            Cmd::Promote(n) => self.change(ConfChange::Promote(*n))?,
            Cmd::Remove(n) => self.change(ConfChange::Remove(*n))?,
            Cmd::Compact(n) => {
                w.compact(0, *n).map_err(sim)?;
            }
            Cmd::Priority { node, priority } => {
                if !w.machine_ids().contains(node) {
                    return Err(format!("there is no node {node}"));
                }
                let mut config = w.settings().raft.clone();
                config.priorities.insert(*node, *priority);
                w.set_raft_config(config).map_err(sim)?;
            }
            Cmd::Break { name, on } => {
                let mut config = w.settings().raft.clone();
                if !config.breaks.set(name, *on) {
                    return Err(format!("there is no known bug called {name}"));
                }
                w.note(format!("break {name} {}", if *on { "on" } else { "off" }));
                w.set_raft_config(config).map_err(sim)?;
            }
            Cmd::DropMessage(id) => w.drop_message(*id).map_err(sim)?,
            Cmd::Expect(_) => return Err("`expect` checks a run; it is not an intervention".to_string()),
            Cmd::Await { .. } => return Err("`await` runs until something holds; it is not an intervention".to_string()),
        }
        Ok(())
    }

    fn target(&self, t: Target, verb: &str) -> Result<NodeId, String> {
        match t {
            Target::Node(n) => Ok(n),
            Target::Leader => self.world.leader(0).ok_or_else(|| format!("there is no leader to {verb}")),
        }
    }

    fn change(&mut self, change: ConfChange) -> Result<(), String> {
        self.world.change_membership(0, change).map(|_| ()).map_err(|e| e.to_string())
    }

    fn apply_settings(&mut self, settings: &[Setting]) -> Result<(), String> {
        let mut s = self.world.settings().clone();
        for setting in settings {
            apply_setting(&mut s, setting);
        }
        s.validate().map_err(|e: SettingsError| e.to_string())?;
        let w = &mut self.world;
        let text: Vec<String> = settings.iter().map(super::print::setting).collect();
        w.note(format!("set {}", text.join(" ")));
        if s.network != w.settings().network {
            w.set_link(s.network.clone()).map_err(|e| e.to_string())?;
        }
        if s.raft != w.settings().raft {
            w.set_raft_config(s.raft.clone()).map_err(|e| e.to_string())?;
        }
        if s.client_rate != w.settings().client_rate || s.read_percent != w.settings().read_percent {
            w.set_client_rate(s.client_rate, s.read_percent).map_err(|e| e.to_string())?;
        }
        w.set_snapshot_threshold(s.snapshot_threshold);
        w.set_client_timeout(s.client_timeout);
        Ok(())
    }

    /// Runs until `e` holds (checked now and after every event), for at most `within`.
    /// Stops early at a safety violation unless the scenario expects one.
    fn await_expectation(&mut self, e: &Expect, within: Time) -> Result<(), String> {
        let deadline = self.world.now() + within;
        let violations = self.world.violations().len();
        loop {
            if self.expect(e).is_ok() {
                return Ok(());
            }
            if !self.expecting_violations && self.world.violations().len() > violations {
                return Ok(());
            }
            match self.world.next_event_time() {
                Some(t) if t <= deadline => {
                    self.world.step();
                }
                _ => {
                    self.world.run_until(deadline);
                    return self.expect(e).map_err(|why| format!("waited {} but it never held: {why}", format_time(within)));
                }
            }
        }
    }

    // ----------------------------------------------------------------------------------
    // Expectations
    // ----------------------------------------------------------------------------------

    fn expect(&self, e: &Expect) -> Result<(), String> {
        let w = &self.world;
        match e {
            Expect::Leader { node, among, term } => {
                let leader = match among {
                    Some(set) => leader_among(w, set),
                    None => w.leader(0).ok_or_else(|| no_leader_reason(w, None)),
                }?;
                if let Some(n) = node {
                    if leader != *n {
                        return Err(format!("expected leader {n}, but the leader is node {leader}"));
                    }
                }
                let t = w.node(0, leader).map_or(0, |n| n.term());
                if let Some(c) = term {
                    if !c.op.holds(t, c.value) {
                        return Err(format!("expected the leader's term {}{}, but leader {leader} is in term {t}", c.op.symbol(), c.value));
                    }
                }
                Ok(())
            }
            Expect::NoLeader { among } => {
                let top = w.live_nodes(0).map(|n| n.term()).max().unwrap_or(0);
                let leaders: Vec<NodeId> = w
                    .live_nodes(0)
                    .filter(|n| n.role() == Role::Leader && n.term() == top)
                    .filter(|n| among.as_ref().is_none_or(|s| s.contains(&n.id())))
                    .map(|n| n.id())
                    .collect();
                match leaders.first() {
                    None => Ok(()),
                    Some(l) => Err(format!("expected no leader, but node {l} leads in term {top}")),
                }
            }
            Expect::Role { node, role } => {
                let actual = display_role(w, *node)?;
                if actual == *role {
                    Ok(())
                } else {
                    Err(format!("expected node {node} to be {}, but it is {}", role.name(), actual.name()))
                }
            }
            Expect::Term { node, cmp } => {
                let t = match w.node(0, *node) {
                    Some(n) => n.term(),
                    None => w.storage(0, *node).ok_or(format!("there is no node {node}"))?.hard_state.current_term,
                };
                compare(&format!("node {node}'s term"), t, cmp)
            }
            Expect::Commit { node, cmp } => {
                let n = w.node(0, *node).ok_or(format!("node {node} is down or does not exist"))?;
                compare(&format!("node {node}'s commit index"), n.log().commit_index(), cmp)
            }
            Expect::Snapshot { node, cmp } => {
                let s = match w.node(0, *node) {
                    Some(n) => n.log().snapshot_index(),
                    None => w.storage(0, *node).ok_or(format!("there is no node {node}"))?.snapshot.index,
                };
                compare(&format!("node {node}'s snapshot index"), s, cmp)
            }
            Expect::Committed { command, on } => {
                let (nodes, need) = match on {
                    Some(set) => (set.clone(), set.len()),
                    None => {
                        let voters = current_voters(w);
                        let need = voters.len() / 2 + 1;
                        (voters, need)
                    }
                };
                let mut holders = Vec::new();
                let mut missing = Vec::new();
                for &id in &nodes {
                    match committed_on(w, id, command) {
                        Ok(true) => holders.push(id),
                        Ok(false) => missing.push(id),
                        Err(e) if on.is_some() => return Err(e),
                        Err(_) => missing.push(id),
                    }
                }
                if holders.len() >= need {
                    Ok(())
                } else if on.is_some() {
                    Err(format!("expected {command} committed on nodes {}, but it is not on {}", list(&nodes), list(&missing)))
                } else {
                    Err(format!(
                        "expected {command} committed on a majority ({need} of {}), but only nodes [{}] have it committed",
                        nodes.len(),
                        list(&holders)
                    ))
                }
            }
            Expect::NotCommitted { command, on } => {
                let nodes = match on {
                    Some(set) => set.clone(),
                    None => w.live_nodes(0).map(|n| n.id()).collect(),
                };
                for id in nodes {
                    if committed_on(w, id, command)? {
                        return Err(format!("expected {command} not committed, but node {id} has it committed"));
                    }
                }
                Ok(())
            }
            Expect::Converged => converged(w),
            Expect::Log { node, terms } => {
                let (base, actual): (Index, Vec<u64>) = match w.node(0, *node) {
                    Some(n) => (n.log().snapshot_index(), n.log().entries().iter().map(|e| e.term).collect()),
                    None => {
                        let s = w.storage(0, *node).ok_or(format!("there is no node {node}"))?;
                        (s.snapshot.index, s.entries.iter().map(|e| e.term).collect())
                    }
                };
                if base > 0 {
                    return Err(format!("node {node}'s log is compacted up to {base}; its terms before that are gone"));
                }
                if &actual == terms {
                    Ok(())
                } else {
                    Err(format!("expected node {node}'s log terms={}, but it is terms={}", list64(terms), list64(&actual)))
                }
            }
            Expect::Read { key, value } => {
                let last = w
                    .history()
                    .into_iter()
                    .filter(|o| matches!(&o.kind, crate::sim::client::OpKind::Read { key: k } if &**k == key.as_str()))
                    .filter_map(|o| match o.outcome {
                        Outcome::Read(v) => Some(v),
                        _ => None,
                    })
                    .next_back();
                match last {
                    None => Err(format!("expected a read of {key} to have returned, but none has")),
                    Some(v) => {
                        let got = v.as_deref().map(str::to_string);
                        if got == *value {
                            Ok(())
                        } else {
                            Err(format!(
                                "expected the read of {key} to return {}, but it returned {}",
                                value.as_deref().unwrap_or("none"),
                                got.as_deref().unwrap_or("none")
                            ))
                        }
                    }
                }
            }
            Expect::Refused => match &self.last_refusal {
                Some(_) => Ok(()),
                None => Err("expected the command before to be refused, but it was carried out".to_string()),
            },
            Expect::Violation { invariant } => {
                let found = w.violations().iter().any(|v| invariant.as_ref().is_none_or(|i| v.invariant.name() == i));
                if found {
                    Ok(())
                } else {
                    Err(format!("expected a violation of {}, but the checker found none", invariant.as_deref().unwrap_or("an invariant")))
                }
            }
        }
    }
}

/// A request sent only to node `via` that it refused at once (it is not the leader).
fn refused_at_once(w: &World, op: u64, via: Option<NodeId>) -> Result<(), String> {
    let Some(node) = via else { return Ok(()) };
    // Pending operations are not failed: the finished ones are enough (and no copy is made).
    let failed = w.finished_ops().iter().any(|o| o.id == op && o.outcome == Outcome::Failed);
    if failed {
        Err(format!("node {node} refused the request: it is not the leader (or is leaving the lead)"))
    } else {
        Ok(())
    }
}

fn compare(what: &str, value: u64, cmp: &Cmp) -> Result<(), String> {
    if cmp.op.holds(value, cmp.value) {
        Ok(())
    } else {
        Err(format!("expected {what} {} {}, but it is {value}", cmp.op.symbol(), cmp.value))
    }
}

fn list(ids: &[NodeId]) -> String {
    ids.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(",")
}

fn list64(ids: &[u64]) -> String {
    ids.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(",")
}

/// Exactly one node of `set` leads in the highest term among the live nodes of `set`.
fn leader_among(w: &World, set: &[NodeId]) -> Result<NodeId, String> {
    let live: Vec<_> = w.live_nodes(0).filter(|n| set.contains(&n.id())).collect();
    let top = live.iter().map(|n| n.term()).max().ok_or_else(|| format!("expected a leader among {}, but they are all down", list(set)))?;
    let leaders: Vec<NodeId> = live.iter().filter(|n| n.term() == top && n.role() == Role::Leader).map(|n| n.id()).collect();
    match leaders.as_slice() {
        [one] => Ok(*one),
        [] => Err(no_leader_reason(w, Some(set))),
        many => Err(format!("expected one leader among {}, but nodes {} all lead in term {top}", list(set), list(many))),
    }
}

fn no_leader_reason(w: &World, set: Option<&[NodeId]>) -> String {
    let mut parts = Vec::new();
    for n in w.live_nodes(0).filter(|n| set.is_none_or(|s| s.contains(&n.id()))) {
        parts.push(format!("{}:{}@{}", n.id(), n.role().name(), n.term()));
    }
    let scope = set.map(|s| format!(" among {}", list(s))).unwrap_or_default();
    format!("expected a leader{scope}, but there is none in the highest term (nodes: {})", parts.join(" "))
}

/// The role the page shows: crashed, learner, or the Raft role.
pub fn display_role(w: &World, id: NodeId) -> Result<RoleName, String> {
    if !w.machine_ids().contains(&id) {
        return Err(format!("there is no node {id}"));
    }
    let Some(n) = w.node(0, id) else { return Ok(RoleName::Crashed) };
    Ok(match n.role() {
        Role::Leader => RoleName::Leader,
        Role::Candidate => RoleName::Candidate,
        Role::PreCandidate => RoleName::PreCandidate,
        Role::Follower if n.membership().is_learner(id) => RoleName::Learner,
        Role::Follower => RoleName::Follower,
    })
}

/// The voters of the current configuration: the leader's, or else the latest any live node has.
fn current_voters(w: &World) -> Vec<NodeId> {
    if let Some(l) = w.leader(0).and_then(|l| w.node(0, l)) {
        return l.membership().voters.clone();
    }
    w.live_nodes(0)
        .max_by_key(|n| (n.log().last_term(), n.log().last_index()))
        .map(|n| n.membership().voters.clone())
        .unwrap_or_else(|| w.machine_ids())
}

fn committed_on(w: &World, id: NodeId, command: &str) -> Result<bool, String> {
    if !w.machine_ids().contains(&id) {
        return Err(format!("there is no node {id}"));
    }
    let n = w.node(0, id).ok_or(format!("node {id} is down, so what it has committed is unknown"))?;
    let log = n.log();
    let in_log =
        log.slice(log.first_index(), log.commit_index()).iter().any(|e| matches!(&e.payload, Payload::Command(c) if &*c.data == command));
    Ok(in_log || in_snapshot(w, log.snapshot_index(), command))
}

/// Whether a write of `command` was committed at an index a snapshot up to `snapshot`
/// covers: the write was acknowledged (so its entry committed), or some live node holds its
/// entry committed. A snapshot holds only committed entries, so it holds that one.
fn in_snapshot(w: &World, snapshot: Index, command: &str) -> bool {
    if snapshot == 0 {
        return false;
    }
    let Some((key, value)) = crate::sim::kv::parse_write(command) else { return false };
    w.history().iter().any(|op| {
        let same = matches!(&op.kind, OpKind::Write { key: k, value: v } if &**k == key && &**v == value);
        let Some((index, term)) = op.entry.filter(|&(i, _)| same && i <= snapshot) else { return false };
        op.outcome == Outcome::Written || w.live_nodes(0).any(|n| n.log().commit_index() >= index && n.log().term(index) == Some(term))
    })
}

fn converged(w: &World) -> Result<(), String> {
    // The live members of the current configuration (a removed server never hears the end).
    let current = match w.leader(0).and_then(|l| w.node(0, l)) {
        Some(l) => l.membership().clone(),
        None => {
            w.live_nodes(0).max_by_key(|n| (n.log().last_term(), n.log().last_index())).map(|n| n.membership().clone()).unwrap_or_default()
        }
    };
    let members: Vec<_> = w.live_nodes(0).filter(|n| current.contains(n.id())).collect();
    let Some(first) = members.first() else { return Ok(()) };
    let commit = first.log().commit_index();
    for n in &members {
        if n.log().commit_index() != commit {
            let summary: Vec<String> = members.iter().map(|m| format!("{}:{}", m.id(), m.log().commit_index())).collect();
            return Err(format!(
                "expected all live nodes to agree on the committed log, but commit indexes differ ({})",
                summary.join(" ")
            ));
        }
    }
    for i in 1..=commit {
        let terms: Vec<Option<u64>> = members.iter().map(|n| n.log().term(i)).collect();
        let known: Vec<u64> = terms.iter().flatten().copied().collect();
        if known.windows(2).any(|p| p[0] != p[1]) {
            return Err(format!("expected all live nodes to agree on the committed log, but they differ at index {i}"));
        }
    }
    Ok(())
}
