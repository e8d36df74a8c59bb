//! Runs a scenario against a simulated world.

use std::fmt;

use super::ast::*;
use crate::raft::{ConfChange, Index, NodeId, Payload, Role, Time};
use crate::sim::client::{OpKind, Outcome};
use crate::sim::settings::SettingsError;
use crate::sim::zeebe::{Topology, ZeebeTiming};
use crate::sim::{GroupId, Settings, SimError, TraceMode, World};

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
        // The layout is set up by `cluster_settings`.
        Setting::Brokers(_) | Setting::Partitions(_) | Setting::Replication(_) | Setting::Timing(_) => {}
    }
}

/// The settings a `cluster` line describes. With `brokers=` it is a Zeebe cluster: Zeebe's
/// layout (partitions and replication default to 1, as in Zeebe), election, check-quorum,
/// priority election (unless `priority=off`) and timing (unless `timing=scaled`); the other
/// settings on the line apply on top.
pub fn cluster_settings(spec: &ClusterSpec) -> Settings {
    let mut s = match zeebe_layout(spec) {
        None => Settings::default(),
        Some((topology, timing)) => {
            let priority = !spec.options.contains(&Setting::PriorityElection(false));
            Settings::zeebe(topology, timing, priority)
        }
    };
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

/// The Zeebe layout and timing a `cluster` line gives, if it has `brokers=`. The layout is
/// not checked here (the world's settings are).
fn zeebe_layout(spec: &ClusterSpec) -> Option<(Topology, ZeebeTiming)> {
    let mut brokers = None;
    let (mut partitions, mut replication, mut timing) = (1, 1, ZeebeTiming::Zeebe);
    for o in &spec.options {
        match *o {
            Setting::Brokers(n) => brokers = Some(n),
            Setting::Partitions(n) => partitions = n,
            Setting::Replication(n) => replication = n,
            Setting::Timing(t) => timing = t,
            _ => {}
        }
    }
    Some((Topology { brokers: brokers?, partitions, replication }, timing))
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
    /// Zeebe mode: the partition (as a group) the command being run is about
    /// (`<command> partition P`).
    scope: Option<GroupId>,
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
        let expecting_violations = scenario.commands.iter().any(|c| matches!(c.inner(), Cmd::Expect(Expect::Violation { .. })));
        Ok(Runner {
            world,
            expectations_met: 0,
            expecting_violations,
            last_crashed_leader: None,
            violations_reported: 0,
            last_refusal: None,
            scope: None,
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
            scope: None,
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
            Cmd::InPartition { partition, cmd } => self.in_partition(*partition, cmd, |r, c| r.exec(c)),
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
        if self.zeebe() {
            self.refuse_in_zeebe(cmd)?;
        }
        let group = self.scope.unwrap_or(0);
        let partition = self.scope.map(|g| g + 1);
        let w = &mut self.world;
        let sim = |e: SimError| e.to_string();
        match cmd {
            Cmd::Cluster(_) => return Err("`cluster` must be the first command".to_string()),
            Cmd::InPartition { partition, cmd } => return self.in_partition(*partition, cmd, |r, c| r.intervene(c)),
            Cmd::Rebalance => w.rebalance().map_err(sim)?,
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
            Cmd::Timeout(n) => w.force_timeout(group, *n).map_err(sim)?,
            Cmd::Propose { command, via } => {
                let op = w.propose_in(command, *via, partition).map_err(sim)?;
                refused_at_once(w, op, *via)?;
            }
            Cmd::Read { key, via } => {
                let op = w.read_in(key, *via, partition).map_err(sim)?;
                refused_at_once(w, op, *via)?;
            }
            Cmd::Log { node, terms } => w.set_log(group, *node, terms).map_err(sim)?,
            Cmd::Term { node, term } => w.set_term(group, *node, *term).map_err(sim)?,
            Cmd::Transfer(n) => w.transfer(group, *n).map_err(sim)?,
            Cmd::Add(n) => self.change(ConfChange::AddVoter(*n))?,
            Cmd::AddLearner(n) => self.change(ConfChange::AddLearner(*n))?,
            Cmd::Promote(n) => self.change(ConfChange::Promote(*n))?,
            Cmd::Remove(n) => self.change(ConfChange::Remove(*n))?,
            Cmd::Compact(n) => {
                w.compact(group, *n).map_err(sim)?;
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

    fn zeebe(&self) -> bool {
        self.world.topology().is_some()
    }

    /// Runs `cmd` about one partition.
    fn in_partition(&mut self, partition: u32, cmd: &Cmd, run: impl FnOnce(&mut Runner, &Cmd) -> Result<(), String>) -> Result<(), String> {
        let Some(t) = self.world.topology() else {
            return Err("`partition P` after a command needs a Zeebe cluster (cluster brokers=N partitions=P replication=R)".to_string());
        };
        if partition == 0 || partition > t.partitions {
            return Err(SimError::NoSuchPartition(partition).to_string());
        }
        let outer = self.scope.replace(partition - 1);
        let result = run(self, cmd);
        self.scope = outer;
        result
    }

    /// The group a command is about: in Zeebe mode the partition it names (`partition P`),
    /// which commands about one Raft group need; classic worlds: group 0.
    fn group(&self, what: &str) -> Result<GroupId, String> {
        match (self.zeebe(), self.scope) {
            (false, _) => Ok(0),
            (true, Some(g)) => Ok(g),
            (true, None) => Err(format!("a Zeebe cluster has one Raft group per partition: say which, `{what} partition P`")),
        }
    }

    /// Commands that mean nothing, or something else, in a Zeebe cluster.
    fn refuse_in_zeebe(&self, cmd: &Cmd) -> Result<(), String> {
        let leader_target = matches!(
            cmd,
            Cmd::Crash(Target::Leader)
                | Cmd::CrashMidway(Target::Leader)
                | Cmd::Restart(Target::Leader)
                | Cmd::Isolate(Target::Leader)
                | Cmd::CutLeader { .. }
        );
        if leader_target {
            return Err(
                "a Zeebe cluster has a leader per partition: name a broker (`expect partition P leader B` tells who leads)".to_string()
            );
        }
        match cmd {
            Cmd::Priority { .. } => Err("in a Zeebe cluster priorities come from Zeebe's layout (`raft-playground topology`)".to_string()),
            Cmd::Set(settings) if settings.iter().any(Setting::is_layout) => Err("the layout is set on the cluster line".to_string()),
            Cmd::Timeout(_) | Cmd::Transfer(_) | Cmd::Compact(_) | Cmd::Log { .. } | Cmd::Term { .. } if self.scope.is_none() => {
                let words = super::print::command(cmd);
                Err(format!("a Zeebe cluster has one Raft group per partition: say which, `{words} partition P`"))
            }
            _ => Ok(()),
        }
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
        let g = match e {
            Expect::Committed { command, .. } | Expect::NotCommitted { command, .. } => {
                self.key_group(command.split_once('=').map_or(command.as_str(), |(k, _)| k))?
            }
            Expect::Read { .. } | Expect::Refused | Expect::Violation { .. } | Expect::Partition { .. } | Expect::BrokersLeading(_) => 0,
            _ => self.group(&super::print::command(&Cmd::Expect(e.clone())))?,
        };
        match e {
            Expect::Leader { node, among, term } => {
                let leader = match among {
                    Some(set) => leader_among(w, g, set),
                    None => w.leader(g).ok_or_else(|| no_leader_reason(w, g, None)),
                }?;
                if let Some(n) = node {
                    if leader != *n {
                        return Err(format!("expected leader {n}, but the leader is node {leader}"));
                    }
                }
                let t = w.node(g, leader).map_or(0, |n| n.term());
                if let Some(c) = term {
                    if !c.op.holds(t, c.value) {
                        return Err(format!("expected the leader's term {}{}, but leader {leader} is in term {t}", c.op.symbol(), c.value));
                    }
                }
                Ok(())
            }
            Expect::NoLeader { among } => {
                let top = w.live_nodes(g).map(|n| n.term()).max().unwrap_or(0);
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
                let actual = display_role(w, g, *node)?;
                if actual == *role {
                    Ok(())
                } else {
                    Err(format!("expected node {node} to be {}, but it is {}", role.name(), actual.name()))
                }
            }
            Expect::Term { node, cmp } => {
                let t = match w.node(g, *node) {
                    Some(n) => n.term(),
                    None => w.storage(g, *node).ok_or(format!("there is no node {node}"))?.hard_state.current_term,
                };
                compare(&format!("node {node}'s term"), t, cmp)
            }
            Expect::Commit { node, cmp } => {
                let n = w.node(g, *node).ok_or(format!("node {node} is down or does not exist"))?;
                compare(&format!("node {node}'s commit index"), n.log().commit_index(), cmp)
            }
            Expect::Snapshot { node, cmp } => {
                let s = match w.node(g, *node) {
                    Some(n) => n.log().snapshot_index(),
                    None => w.storage(g, *node).ok_or(format!("there is no node {node}"))?.snapshot.index,
                };
                compare(&format!("node {node}'s snapshot index"), s, cmp)
            }
            Expect::Committed { command, on } => {
                let (nodes, need) = match on {
                    Some(set) => (set.clone(), set.len()),
                    None => {
                        let voters = current_voters(w, g);
                        let need = voters.len() / 2 + 1;
                        (voters, need)
                    }
                };
                let mut holders = Vec::new();
                let mut missing = Vec::new();
                for &id in &nodes {
                    match committed_on(w, g, id, command) {
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
                    None => w.live_nodes(g).map(|n| n.id()).collect(),
                };
                for id in nodes {
                    if committed_on(w, g, id, command)? {
                        return Err(format!("expected {command} not committed, but node {id} has it committed"));
                    }
                }
                Ok(())
            }
            Expect::Converged => converged(w, g),
            Expect::Log { node, terms } => {
                let (base, actual): (Index, Vec<u64>) = match w.node(g, *node) {
                    Some(n) => (n.log().snapshot_index(), n.log().entries().iter().map(|e| e.term).collect()),
                    None => {
                        let s = w.storage(g, *node).ok_or(format!("there is no node {node}"))?;
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
            Expect::Partition { partition, check } => expect_partition(w, *partition, check),
            Expect::BrokersLeading(list) => expect_brokers_leading(w, list),
        }
    }

    /// The group an expectation about a key looks at: in Zeebe mode the partition the key
    /// lives on (the one named with `partition P`, if any, must be it).
    fn key_group(&self, key: &str) -> Result<GroupId, String> {
        if !self.zeebe() {
            return Ok(0);
        }
        match (self.world.key_partition(key), self.scope) {
            (Some(p), Some(g)) if p != g + 1 => Err(SimError::KeyElsewhere { key: key.to_string(), partition: p }.to_string()),
            (Some(p), _) => Ok(p - 1),
            (None, Some(g)) => Ok(g),
            (None, None) => Err(format!("no command has used key {key} yet, so it lives on no partition")),
        }
    }
}

fn zeebe_only(w: &World) -> Result<&Topology, String> {
    w.topology().ok_or_else(|| "this expectation needs a Zeebe cluster (cluster brokers=N partitions=P replication=R)".to_string())
}

fn expect_partition(w: &World, p: u32, check: &PartitionCheck) -> Result<(), String> {
    let t = zeebe_only(w)?;
    if p == 0 || p > t.partitions {
        return Err(SimError::NoSuchPartition(p).to_string());
    }
    let state = || format!("(partition {p}: {})", w.summary(p - 1));
    match check {
        PartitionCheck::Leader(broker) => match (w.partition_leader(p), broker) {
            (None, _) => Err(format!("expected partition {p} to have a leader, but it has none {}", state())),
            (Some(l), Some(b)) if l != *b => Err(format!("expected broker {b} to lead partition {p}, but broker {l} leads it {}", state())),
            _ => Ok(()),
        },
        PartitionCheck::Health(h) => {
            let actual = w.partition_health(p);
            if actual == *h {
                Ok(())
            } else {
                Err(format!("expected partition {p} to be {}, but it is {} {}", h.name(), actual.name(), state()))
            }
        }
        PartitionCheck::Term(c) => compare(&format!("partition {p}'s term"), w.partition_term(p), c),
    }
}

fn expect_brokers_leading(w: &World, list: &[(NodeId, u32)]) -> Result<(), String> {
    zeebe_only(w)?;
    let actual = w.brokers_leading();
    let expected_of = |b: NodeId| list.iter().find(|(x, _)| *x == b).map_or(0, |(_, n)| *n);
    if let Some(&(b, _)) = list.iter().find(|(b, _)| !actual.iter().any(|(a, _)| a == b)) {
        return Err(SimError::NoSuchBroker(b).to_string());
    }
    if actual.iter().all(|&(b, n)| expected_of(b) == n) {
        return Ok(());
    }
    let show = |pairs: Vec<(NodeId, u32)>| pairs.iter().map(|(b, n)| format!("{b}:{n}")).collect::<Vec<_>>().join(" ");
    let expected: Vec<(NodeId, u32)> = actual.iter().map(|&(b, _)| (b, expected_of(b))).collect();
    Err(format!("expected brokers leading {}, but they lead {}", show(expected), show(actual)))
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
fn leader_among(w: &World, g: GroupId, set: &[NodeId]) -> Result<NodeId, String> {
    let live: Vec<_> = w.live_nodes(g).filter(|n| set.contains(&n.id())).collect();
    let top = live.iter().map(|n| n.term()).max().ok_or_else(|| format!("expected a leader among {}, but they are all down", list(set)))?;
    let leaders: Vec<NodeId> = live.iter().filter(|n| n.term() == top && n.role() == Role::Leader).map(|n| n.id()).collect();
    match leaders.as_slice() {
        [one] => Ok(*one),
        [] => Err(no_leader_reason(w, g, Some(set))),
        many => Err(format!("expected one leader among {}, but nodes {} all lead in term {top}", list(set), list(many))),
    }
}

fn no_leader_reason(w: &World, g: GroupId, set: Option<&[NodeId]>) -> String {
    let mut parts = Vec::new();
    for n in w.live_nodes(g).filter(|n| set.is_none_or(|s| s.contains(&n.id()))) {
        parts.push(format!("{}:{}@{}", n.id(), n.role().name(), n.term()));
    }
    let scope = set.map(|s| format!(" among {}", list(s))).unwrap_or_default();
    format!("expected a leader{scope}, but there is none in the highest term (nodes: {})", parts.join(" "))
}

/// The role the page shows: crashed, learner, or the Raft role (of the replica of group `g`).
pub fn display_role(w: &World, g: GroupId, id: NodeId) -> Result<RoleName, String> {
    if !w.machine_ids().contains(&id) {
        return Err(format!("there is no node {id}"));
    }
    if w.topology().is_some() && !w.replica_ids(g).contains(&id) {
        return Err(SimError::NoReplica { broker: id, partition: g + 1 }.to_string());
    }
    let Some(n) = w.node(g, id) else { return Ok(RoleName::Crashed) };
    Ok(match n.role() {
        Role::Leader => RoleName::Leader,
        Role::Candidate => RoleName::Candidate,
        Role::PreCandidate => RoleName::PreCandidate,
        Role::Follower if n.membership().is_learner(id) => RoleName::Learner,
        Role::Follower => RoleName::Follower,
    })
}

/// The voters of the current configuration: the leader's, or else the latest any live node has.
fn current_voters(w: &World, g: GroupId) -> Vec<NodeId> {
    if let Some(l) = w.leader(g).and_then(|l| w.node(g, l)) {
        return l.membership().voters.clone();
    }
    w.live_nodes(g)
        .max_by_key(|n| (n.log().last_term(), n.log().last_index()))
        .map(|n| n.membership().voters.clone())
        .unwrap_or_else(|| w.replica_ids(g))
}

fn committed_on(w: &World, g: GroupId, id: NodeId, command: &str) -> Result<bool, String> {
    if !w.machine_ids().contains(&id) {
        return Err(format!("there is no node {id}"));
    }
    if w.topology().is_some() && !w.replica_ids(g).contains(&id) {
        return Err(SimError::NoReplica { broker: id, partition: g + 1 }.to_string());
    }
    let n = w.node(g, id).ok_or(format!("node {id} is down, so what it has committed is unknown"))?;
    let log = n.log();
    let in_log =
        log.slice(log.first_index(), log.commit_index()).iter().any(|e| matches!(&e.payload, Payload::Command(c) if &*c.data == command));
    Ok(in_log || in_snapshot(w, g, log.snapshot_index(), command))
}

/// Whether a write of `command` was committed at an index a snapshot up to `snapshot`
/// covers: the write was acknowledged (so its entry committed), or some live node holds its
/// entry committed. A snapshot holds only committed entries, so it holds that one.
fn in_snapshot(w: &World, g: GroupId, snapshot: Index, command: &str) -> bool {
    if snapshot == 0 {
        return false;
    }
    let Some((key, value)) = crate::sim::kv::parse_write(command) else { return false };
    w.history().iter().any(|op| {
        let same = matches!(&op.kind, OpKind::Write { key: k, value: v } if &**k == key && &**v == value);
        let Some((index, term)) = op.entry.filter(|&(i, _)| same && i <= snapshot) else { return false };
        op.outcome == Outcome::Written || w.live_nodes(g).any(|n| n.log().commit_index() >= index && n.log().term(index) == Some(term))
    })
}

fn converged(w: &World, g: GroupId) -> Result<(), String> {
    // The live members of the current configuration (a removed server never hears the end).
    let current = match w.leader(g).and_then(|l| w.node(g, l)) {
        Some(l) => l.membership().clone(),
        None => {
            w.live_nodes(g).max_by_key(|n| (n.log().last_term(), n.log().last_index())).map(|n| n.membership().clone()).unwrap_or_default()
        }
    };
    let members: Vec<_> = w.live_nodes(g).filter(|n| current.contains(n.id())).collect();
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
