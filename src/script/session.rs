//! A session: a world plus everything the user did to it, with virtual times. It can travel
//! back to any earlier moment (restoring a checkpoint and replaying), fork a new future when
//! the user acts in the past, and export itself as a scenario that replays it exactly.

use super::ast::*;
use super::run::{cluster_settings, Runner};
use crate::raft::Time;
use crate::sim::{SettingsError, TraceEvent, TraceKind, TraceMode, World, SECOND};

/// Something worth a mark on the timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MarkKind {
    Election { node: u32, term: u64 },
    Crash { node: u32 },
    Restart { node: u32 },
    Commit { index: u64 },
    Network,
    Violation,
    Action,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    pub time: Time,
    pub kind: MarkKind,
}

#[derive(Clone)]
struct Checkpoint {
    time: Time,
    world: World,
    /// How many recorded interventions had been applied.
    applied: usize,
}

/// How many checkpoints are kept before every other one is dropped.
const MAX_CHECKPOINTS: usize = 128;
/// The most timeline marks kept (older commit marks are thinned first).
const MAX_MARKS: usize = 4000;

pub struct Session {
    spec: ClusterSpec,
    runner: Runner,
    /// Interventions with the virtual time they were made at, in time order.
    actions: Vec<(Time, Cmd)>,
    /// How many of `actions` the current world has been through.
    applied: usize,
    checkpoints: Vec<Checkpoint>,
    checkpoint_every: Time,
    /// The furthest virtual time this timeline has reached.
    horizon: Time,
    marks: Vec<Mark>,
    last_commit_mark: Time,
    /// Trace events since the last `drain_trace`.
    trace: Vec<TraceEvent>,
    /// Set when an action in the past replaced the recorded future.
    forked_at: Option<Time>,
    /// Why the last replayed action failed, until someone takes it.
    replay_failure: Option<String>,
}

impl Session {
    pub fn new(spec: ClusterSpec) -> Result<Session, SettingsError> {
        let settings = cluster_settings(&spec);
        let mut world = World::new(settings, TraceMode::Record)?;
        world.set_checking(true);
        let runner = Runner::from_world(world);
        let mut s = Session {
            spec,
            runner,
            actions: Vec::new(),
            applied: 0,
            checkpoints: Vec::new(),
            checkpoint_every: 5 * SECOND,
            horizon: 0,
            marks: Vec::new(),
            last_commit_mark: 0,
            trace: Vec::new(),
            forked_at: None,
            replay_failure: None,
        };
        s.take_trace();
        s.checkpoint();
        Ok(s)
    }

    /// A session that replays a scenario's interventions at the times its `run` lines
    /// reach (expectations are skipped). The scenario's own runs are not executed: the
    /// session starts at time 0 and replays them as time advances.
    pub fn from_scenario(scenario: &Scenario) -> Result<Session, String> {
        let spec = match scenario.commands.first() {
            Some(Cmd::Cluster(spec)) => spec.clone(),
            _ => ClusterSpec::default(),
        };
        let mut session = Session::new(spec).map_err(|e| e.to_string())?;
        if let Some(k) = scenario.commands.iter().skip(1).position(|c| matches!(c, Cmd::Cluster(_))) {
            return Err(format!("line {}: `cluster` must be the first command", scenario.lines[k + 1]));
        }
        session.actions = if scenario.commands.iter().any(|c| matches!(c.inner(), Cmd::Await { .. })) {
            timed_by_dry_run(scenario)?
        } else {
            let mut t: Time = 0;
            let mut actions = Vec::new();
            for cmd in scenario.commands.iter().skip_while(|c| matches!(c, Cmd::Cluster(_))) {
                match cmd.inner() {
                    Cmd::Run(d) => t += d,
                    Cmd::Expect(_) | Cmd::Await { .. } | Cmd::Cluster(_) => {}
                    _ => actions.push((t, cmd.clone())),
                }
            }
            actions
        };
        // Set-up commands (logs, terms) at time 0 happen before any event.
        session.apply_due(0);
        session.checkpoints.clear();
        session.checkpoint();
        Ok(session)
    }

    pub fn world(&self) -> &World {
        &self.runner.world
    }

    pub fn now(&self) -> Time {
        self.runner.world.now()
    }

    pub fn horizon(&self) -> Time {
        self.horizon
    }

    pub fn spec(&self) -> &ClusterSpec {
        &self.spec
    }

    pub fn actions(&self) -> &[(Time, Cmd)] {
        &self.actions
    }

    pub fn marks(&self) -> &[Mark] {
        &self.marks
    }

    pub fn forked_at(&self) -> Option<Time> {
        self.forked_at
    }

    /// Whether recorded actions lie ahead of the current time (we are in the past).
    pub fn in_past(&self) -> bool {
        self.now() < self.horizon
    }

    /// Why a replayed action failed, once.
    pub fn take_replay_failure(&mut self) -> Option<String> {
        self.replay_failure.take()
    }

    /// Trace events produced since the last call.
    pub fn drain_trace(&mut self) -> Vec<TraceEvent> {
        std::mem::take(&mut self.trace)
    }

    fn take_trace(&mut self) {
        let events = self.runner.world.drain_trace();
        for e in &events {
            if e.time > self.horizon || self.horizon == 0 {
                self.mark_from(e);
            }
        }
        self.trace.extend(events);
    }

    fn mark_from(&mut self, e: &TraceEvent) {
        let kind = match &e.kind {
            TraceKind::Role { node, to: crate::raft::Role::Leader, term, .. } => MarkKind::Election { node: *node, term: *term },
            TraceKind::Crashed { node } if e.group == 0 => MarkKind::Crash { node: *node },
            TraceKind::Restarted { node } if e.group == 0 => MarkKind::Restart { node: *node },
            TraceKind::Committed { index, .. } => {
                // At most one commit mark per 100 ms of virtual time.
                if e.time < self.last_commit_mark + 100_000 && self.last_commit_mark > 0 {
                    return;
                }
                self.last_commit_mark = e.time;
                MarkKind::Commit { index: *index }
            }
            TraceKind::Partitioned { .. } | TraceKind::Healed | TraceKind::Cut { .. } | TraceKind::Uncut { .. } => MarkKind::Network,
            TraceKind::Violation { .. } => MarkKind::Violation,
            _ => return,
        };
        self.marks.push(Mark { time: e.time, kind });
        if self.marks.len() > MAX_MARKS {
            // Thin the commit marks of the older half.
            let half = self.marks.len() / 2;
            let mut k = 0;
            self.marks.retain(|m| {
                k += 1;
                k > half || !matches!(m.kind, MarkKind::Commit { .. }) || k % 2 == 0
            });
        }
    }

    fn checkpoint(&mut self) {
        let now = self.now();
        if self.checkpoints.last().is_some_and(|c| c.time >= now) {
            return;
        }
        self.checkpoints.push(Checkpoint { time: now, world: self.runner.world.clone(), applied: self.applied });
        if self.checkpoints.len() > MAX_CHECKPOINTS {
            // Keep the first and every other one after it: memory stays bounded, jumps get
            // at most twice as long to replay.
            let mut k = 0;
            self.checkpoints.retain(|_| {
                k += 1;
                k == 1 || k % 2 == 0
            });
            self.checkpoint_every *= 2;
        }
    }

    /// Applies recorded actions due at or before `t` (the world is at `t`).
    fn apply_due(&mut self, t: Time) {
        while self.applied < self.actions.len() && self.actions[self.applied].0 <= t {
            let (at, cmd) = self.actions[self.applied].clone();
            // A replayed action that fails fails the same way every time; say so once.
            if let Err(e) = self.runner.intervene(&cmd) {
                self.replay_failure =
                    Some(format!("at {}: `{}`: {e}", crate::script::run::format_time(at), crate::script::print::command(&cmd)));
            }
            self.applied += 1;
        }
    }

    /// Advances virtual time to `t`, replaying recorded actions on the way.
    pub fn advance_to(&mut self, t: Time) {
        while self.now() < t {
            let next_action = self.actions.get(self.applied).map(|a| a.0).filter(|&a| a <= t);
            let next_checkpoint = self.checkpoints.last().map_or(0, |c| c.time) + self.checkpoint_every;
            let mut target = t.min(next_checkpoint);
            if let Some(a) = next_action {
                target = target.min(a);
            }
            self.runner.world.run_until(target);
            self.apply_due(target);
            self.take_trace();
            if self.now() >= next_checkpoint {
                self.checkpoint();
            }
            self.horizon = self.horizon.max(self.now());
        }
        self.apply_due(self.now());
        self.take_trace();
    }

    /// Processes exactly one event (and any action due by then).
    pub fn step(&mut self) {
        if let Some(t) = self.runner.world.next_event_time() {
            let action = self.actions.get(self.applied).map(|a| a.0);
            if action.is_some_and(|a| a < t) {
                self.advance_to(action.unwrap_or(t));
                return;
            }
            self.runner.world.step();
            self.apply_due(self.now());
            self.take_trace();
            self.horizon = self.horizon.max(self.now());
        }
    }

    /// Does something to the world now. If later actions were recorded (we travelled back),
    /// they are dropped: acting in the past forks a new future. Expectations are refused.
    pub fn act(&mut self, cmd: Cmd) -> Result<(), String> {
        // Finish everything due at this instant, so a replay applies the action at the
        // same point between events.
        let now = self.now();
        self.runner.world.run_until(now);
        if self.applied < self.actions.len() {
            self.actions.truncate(self.applied);
            self.forked_at = Some(now);
        }
        if self.horizon > now {
            self.horizon = now;
            self.checkpoints.retain(|c| c.time <= now);
            self.marks.retain(|m| m.time <= now);
        }
        let result = self.runner.intervene(&cmd);
        if result.is_ok() || matches!(cmd, Cmd::Set(_) | Cmd::Break { .. }) {
            self.actions.push((now, cmd));
            self.applied = self.actions.len();
        }
        self.take_trace();
        if let Some(last) = self.marks.last() {
            if last.time != now || last.kind != MarkKind::Action {
                self.marks.push(Mark { time: now, kind: MarkKind::Action });
            }
        }
        result
    }

    /// Records client operations (what `expect read` and the linearizability check look
    /// at), from now on and in the checkpoints time travel restores.
    pub fn set_record_history(&mut self, on: bool) {
        self.runner.world.set_record_history(on);
        for c in &mut self.checkpoints {
            c.world.set_record_history(on);
        }
    }

    /// Whether an expectation of the scenario language holds now.
    pub fn check(&self, e: &Expect) -> Result<(), String> {
        self.runner.check(e)
    }

    /// Forgets every recorded action from the `keep`-th on and travels back to `t` (not
    /// before the last action kept): the session goes on from there as if the rest had
    /// never been done. Lessons go back a step with it. False (and nothing changed) if no
    /// checkpoint lies before both.
    pub fn rewind(&mut self, t: Time, keep: usize) -> bool {
        let Some(k) = self.checkpoints.iter().rposition(|c| c.applied <= keep && c.time <= t) else { return false };
        self.checkpoints.truncate(k + 1);
        let cp = self.checkpoints[k].clone();
        self.actions.truncate(keep);
        self.marks.retain(|m| m.time <= t);
        self.forked_at = self.forked_at.filter(|&f| f <= t);
        self.runner.world = cp.world;
        self.applied = cp.applied;
        self.runner.world.drain_trace();
        self.replay_failure = None;
        self.horizon = t;
        self.advance_to(t);
        self.trace.clear();
        true
    }

    /// Travels to virtual time `t` (before or after now, up to anything): from the latest
    /// checkpoint at or before `t` (if it is not behind the current time), replaying what
    /// was recorded.
    pub fn seek(&mut self, t: Time) {
        let now = self.now();
        let k = self.checkpoints.iter().rposition(|c| c.time <= t).unwrap_or(0);
        let from_checkpoint = t < now || self.checkpoints[k].time > now;
        if from_checkpoint {
            let cp = self.checkpoints[k].clone();
            self.runner.world = cp.world;
            self.applied = cp.applied;
            self.runner.world.drain_trace();
            self.trace.clear();
        }
        // Keep the later checkpoints: the recorded future is the same until someone acts.
        let horizon = self.horizon;
        self.advance_to(t);
        self.horizon = self.horizon.max(horizon);
        if from_checkpoint && t < now {
            self.trace.clear();
        }
    }

    /// The session as a scenario: its cluster line, then each action at its time.
    pub fn to_scenario(&self) -> Scenario {
        let mut commands = vec![Cmd::Cluster(self.spec.clone())];
        let mut t = 0;
        for (at, cmd) in &self.actions {
            if *at > t {
                commands.push(Cmd::Run(at - t));
                t = *at;
            }
            commands.push(cmd.clone());
        }
        let end = self.horizon.max(self.now());
        if end > t {
            commands.push(Cmd::Run(end - t));
        }
        Scenario::new(commands)
    }
}

/// The interventions of a scenario that waits (`await`), with the times they happen at:
/// when each one happens depends on the run, so the scenario is run once to find out.
/// Expectations are not checked here; a refused intervention is left out.
fn timed_by_dry_run(scenario: &Scenario) -> Result<Vec<(Time, Cmd)>, String> {
    let mut runner = Runner::new(scenario, super::run::RunOptions { check: false, trace: TraceMode::Off }).map_err(|f| f.to_string())?;
    let mut actions = Vec::new();
    for cmd in scenario.commands.iter().skip_while(|c| matches!(c, Cmd::Cluster(_))) {
        match cmd.inner() {
            Cmd::Expect(_) | Cmd::Cluster(_) => {}
            Cmd::Run(_) | Cmd::Await { .. } => {
                let _ = runner.exec(cmd);
            }
            _ => {
                let other = cmd;
                // A refused one is kept: the replay reports it, as for any scenario.
                actions.push((runner.world.now(), other.clone()));
                let _ = runner.exec(other);
            }
        }
    }
    Ok(actions)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::NodeId;
    use crate::sim::MS;

    fn summary(s: &Session) -> (Time, String, u64) {
        (s.now(), s.world().summary(0), s.world().trace_hash())
    }

    fn spec(seed: u64) -> ClusterSpec {
        ClusterSpec { nodes: Some(5), seed: Some(seed), groups: None, options: vec![Setting::Rate(20)] }
    }

    #[test]
    fn seeking_back_and_forth_gives_the_same_states() {
        let mut s = Session::new(spec(3)).unwrap();
        s.advance_to(2 * SECOND);
        s.act(Cmd::Crash(Target::Node(2))).unwrap();
        s.advance_to(13 * SECOND);
        let at_13 = s.world().summary(0);
        s.seek(SECOND);
        let at_1 = s.world().summary(0);
        assert_eq!(s.now(), SECOND);
        assert!(s.in_past());
        s.seek(13 * SECOND);
        assert_eq!(s.world().summary(0), at_13, "the recorded future replays exactly");
        s.seek(SECOND);
        assert_eq!(s.world().summary(0), at_1);
        assert!(s.world().node(0, 2 as NodeId).is_some(), "node 2 is up again before its crash");
    }

    #[test]
    fn rewinding_forgets_the_later_actions_as_if_never_done() {
        let mut s = Session::new(spec(3)).unwrap();
        s.advance_to(2 * SECOND);
        s.act(Cmd::Crash(Target::Node(2))).unwrap();
        s.advance_to(3 * SECOND);
        s.act(Cmd::Partition(vec![vec![1], vec![2, 3, 4, 5]])).unwrap();
        s.act(Cmd::Crash(Target::Node(4))).unwrap();
        s.advance_to(9 * SECOND);
        // Back to 3 s, keeping only the crash of node 2: the partition and the second crash
        // at that very moment are gone.
        assert!(s.rewind(3 * SECOND, 1));
        assert_eq!((s.now(), s.horizon(), s.actions().len()), (3 * SECOND, 3 * SECOND, 1));
        let mut fresh = Session::new(spec(3)).unwrap();
        fresh.advance_to(2 * SECOND);
        fresh.act(Cmd::Crash(Target::Node(2))).unwrap();
        fresh.advance_to(3 * SECOND);
        assert_eq!(summary(&s), summary(&fresh));
        s.advance_to(6 * SECOND);
        fresh.advance_to(6 * SECOND);
        assert_eq!(summary(&s), summary(&fresh), "the same future from there");
        assert!(!s.world().network().is_partitioned());
    }

    #[test]
    fn acting_in_the_past_forks_a_new_future() {
        let mut s = Session::new(spec(4)).unwrap();
        s.advance_to(3 * SECOND);
        s.act(Cmd::Crash(Target::Node(1))).unwrap();
        s.advance_to(6 * SECOND);
        s.seek(2 * SECOND);
        s.act(Cmd::Partition(vec![vec![1, 2], vec![3, 4, 5]])).unwrap();
        assert_eq!(s.forked_at(), Some(2 * SECOND));
        assert_eq!(s.actions().len(), 1, "the crash at 3s belonged to the old future");
        s.advance_to(4 * SECOND);
        assert!(s.world().node(0, 1).is_some());
    }

    #[test]
    fn expectations_are_not_interventions() {
        let mut s = Session::new(spec(6)).unwrap();
        s.advance_to(SECOND);
        assert!(s.act(Cmd::Expect(Expect::Converged)).is_err());
        assert!(s.actions().is_empty());
    }

    #[test]
    fn exported_scenario_replays_to_the_same_state() {
        let mut s = Session::new(spec(5)).unwrap();
        s.advance_to(SECOND + 234 * MS);
        s.act(Cmd::Crash(Target::Node(3))).unwrap();
        s.advance_to(2 * SECOND);
        s.act(Cmd::Set(vec![Setting::Drop(0.2)])).unwrap();
        s.advance_to(3 * SECOND);
        s.act(Cmd::Restart(Target::Node(3))).unwrap();
        s.advance_to(4 * SECOND);
        let text = crate::script::print(&s.to_scenario());
        let replay = crate::script::parse(&text).unwrap();
        let mut again = Session::from_scenario(&replay).unwrap();
        again.advance_to(4 * SECOND);
        assert_eq!(summary(&again).1, summary(&s).1, "{text}");
        assert_eq!(again.world().trace_hash(), s.world().trace_hash(), "{text}");
    }
}
