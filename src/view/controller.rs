//! The page's state and everything the user can do, apart from drawing. One `Controller`
//! lives for the page; components read it and send it `Action`s.

use std::collections::{BTreeSet, VecDeque};

use crate::raft::{NodeId, Time};
use crate::script::ast::{ClusterSpec, Cmd, Setting, Target};
use crate::script::lesson::Lesson;
use crate::script::session::Session;
use crate::sim::zeebe::Topology;
use crate::sim::{DropReason, TraceEvent, TraceKind, MS};
use crate::view::catalog::cat;
use crate::view::errors::{parse_error, translate};
use crate::view::frame::{self, MessageView};
use crate::view::lesson::{is_intervention, is_time_travel, LessonState, Phase};
use crate::view::narrate::{narrate_in, Category, Narrated};
use crate::view::params::Theme;
use crate::view::story::{self, Caption};

/// What the inspector shows.
#[derive(Clone, Debug, PartialEq)]
pub enum Selection {
    None,
    Node(NodeId),
    Message(u64),
}

/// A message that died on the way, drawn for a moment where it died.
#[derive(Clone, Debug, PartialEq)]
pub struct Death {
    pub from: NodeId,
    pub to: NodeId,
    pub progress: f64,
    pub reason: DropReason,
    /// Virtual time it died, and the real time it was first drawn (ms).
    pub time: Time,
    pub shown_at: Option<f64>,
}

/// An entry a node discarded (a new leader's log overwrote it), drawn in the logs for a
/// moment where it was.
#[derive(Clone, Debug, PartialEq)]
pub struct Ghost {
    pub node: NodeId,
    pub index: u64,
    pub term: u64,
    /// The entry's short text (its command, or `·` for a no-op).
    pub label: String,
    /// The real time it was first drawn (ms).
    pub shown_at: Option<f64>,
}

/// What replaces the session once the user confirms.
#[derive(Clone, Debug, PartialEq)]
pub enum Replacement {
    Scenario(String),
    Seed(u64),
}

/// The scenario text the session was started from, and how many recorded interventions it
/// had then (more, or a forked future, means the user did something of their own).
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    pub text: String,
    pub actions: usize,
}

/// Per Raft group, a value per node.
pub type PerGroup = Vec<Vec<(NodeId, u64)>>;

/// One sample of the charts.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    pub time: Time,
    /// Per Raft group (one in a classic cluster, a partition's in Zeebe mode): each
    /// replica's term, and each live replica's commit index.
    pub terms: PerGroup,
    pub commits: PerGroup,
    /// Per group: the highest commit index known so far (the committed prefix only grows),
    /// for the throughput per partition.
    pub committed: Vec<u64>,
    pub messages_per_second: f64,
}

/// Settings a user chose, kept in local storage.
#[derive(Clone, Debug, PartialEq)]
pub struct Prefs {
    pub theme: Theme,
    pub speed: f64,
    pub nodes: u32,
    pub election_min_ms: u64,
    pub election_max_ms: u64,
    pub heartbeat_ms: u64,
    pub pre_vote: bool,
    pub check_quorum: bool,
    pub rate: u32,
    pub hidden_categories: BTreeSet<Category>,
    /// Zeebe mode (brokers > 0): the layout the next cluster gets. Not kept in local
    /// storage: the address (`?brokers=...`) or the settings open Zeebe mode.
    pub zeebe: Option<Topology>,
}

impl Default for Prefs {
    fn default() -> Prefs {
        let mut hidden = BTreeSet::new();
        hidden.insert(Category::Message);
        Prefs {
            theme: Theme::Auto,
            speed: DEFAULT_SPEED,
            nodes: 5,
            election_min_ms: 150,
            election_max_ms: 300,
            heartbeat_ms: 50,
            pre_vote: false,
            check_quorum: false,
            rate: 5,
            hidden_categories: hidden,
            zeebe: None,
        }
    }
}

impl Prefs {
    /// `key=value;...`, the local storage encoding.
    pub fn encode(&self) -> String {
        let hidden: Vec<&str> = self.hidden_categories.iter().map(|c| c.name()).collect();
        format!(
            "theme={};speed={};nodes={};emin={};emax={};hb={};prevote={};cq={};rate={};hide={}",
            self.theme.name(),
            crate::decimal::show(self.speed),
            self.nodes,
            self.election_min_ms,
            self.election_max_ms,
            self.heartbeat_ms,
            self.pre_vote as u8,
            self.check_quorum as u8,
            self.rate,
            hidden.join(",")
        )
    }

    /// Reads what `encode` wrote; anything unreadable keeps its default.
    pub fn decode(text: &str) -> Prefs {
        let mut p = Prefs::default();
        for part in text.split(';') {
            let Some((k, v)) = part.split_once('=') else { continue };
            match k {
                "theme" => p.theme = Theme::from_name(v).unwrap_or(p.theme),
                "speed" => p.speed = crate::decimal::parse(v).filter(|s| s.is_finite() && *s > 0.0).unwrap_or(p.speed),
                "nodes" => p.nodes = v.parse().ok().filter(|n| (1..=crate::sim::MAX_NODES).contains(n)).unwrap_or(p.nodes),
                "emin" => p.election_min_ms = v.parse().ok().filter(|&n| n > 0).unwrap_or(p.election_min_ms),
                "emax" => p.election_max_ms = v.parse().ok().filter(|&n| n > 0).unwrap_or(p.election_max_ms),
                "hb" => p.heartbeat_ms = v.parse().ok().filter(|&n| n > 0).unwrap_or(p.heartbeat_ms),
                "prevote" => p.pre_vote = v == "1",
                "cq" => p.check_quorum = v == "1",
                "rate" => p.rate = v.parse().ok().filter(|&r| r > 0 && r <= 200).unwrap_or(p.rate),
                "hide" => {
                    p.hidden_categories.clear();
                    for c in v.split(',').filter_map(|n| Category::ALL.into_iter().find(|c| c.name() == n)) {
                        p.hidden_categories.insert(c);
                    }
                }
                _ => {}
            }
        }
        if p.election_min_ms > p.election_max_ms || p.heartbeat_ms >= p.election_min_ms {
            let d = Prefs::default();
            p.election_min_ms = d.election_min_ms;
            p.election_max_ms = d.election_max_ms;
            p.heartbeat_ms = d.heartbeat_ms;
        }
        p
    }

    /// The cluster line these settings describe.
    pub fn spec(&self, seed: u64) -> ClusterSpec {
        if let Some(t) = self.zeebe {
            // Zeebe's own timing and election; the layout first, so the line reads
            // `cluster brokers=5 partitions=4 replication=3 seed=...`.
            let options = vec![
                Setting::Brokers(t.brokers),
                Setting::Partitions(t.partitions),
                Setting::Replication(t.replication),
                Setting::SnapshotThreshold(PAGE_SNAPSHOT_THRESHOLD),
            ];
            return ClusterSpec { nodes: None, seed: Some(seed), groups: None, options };
        }
        ClusterSpec {
            nodes: Some(self.nodes),
            seed: Some(seed),
            groups: None,
            options: vec![
                Setting::PreVote(self.pre_vote),
                Setting::CheckQuorum(self.check_quorum),
                Setting::Election(self.election_min_ms * MS, self.election_max_ms * MS),
                Setting::Heartbeat(self.heartbeat_ms * MS),
                // Logs are compacted, so long runs keep a bounded memory (and the snapshot
                // boundary shows in the logs).
                Setting::SnapshotThreshold(PAGE_SNAPSHOT_THRESHOLD),
            ],
        }
    }
}

/// Virtual milliseconds per real millisecond when the page opens: slow enough to follow a
/// message (about a third of a second per hop), an election within seconds.
pub const DEFAULT_SPEED: f64 = 0.05;
/// Zeebe mode starts at real time: Zeebe's heartbeats (250 ms) and election timeout (2.5 s)
/// are watchable as they are.
pub const ZEEBE_SPEED: f64 = 1.0;
/// The page compacts logs beyond this many applied entries.
pub const PAGE_SNAPSHOT_THRESHOLD: u64 = 500;
const MAX_NARRATION: usize = 2000;
const MAX_SAMPLES: usize = 300;
/// How long a dying message stays drawn, in real milliseconds.
pub const DEATH_MS: f64 = 900.0;
/// How long a discarded entry stays drawn in the logs, in real milliseconds of play.
pub const GHOST_MS: f64 = 5000.0;

pub enum Action {
    TogglePlay,
    Pause,
    Step,
    Speed(f64),
    Faster,
    Slower,
    Seek(Time),
    BackToLatest,
    Act(Cmd),
    /// A client write: to the leader (`None`), or only to the given node.
    Request(Option<NodeId>),
    DropMessage(u64),
    Select(Selection),
    /// Crash the selected node, or restart it if it is down.
    ToggleSelectedNode,
    IsolateLeader,
    LeaderInMinority,
    Heal,
    NewSession {
        seed: u64,
    },
    SetPrefs(Prefs),
    ToggleHelp,
    /// Opens or closes the list of lessons.
    ToggleLessons,
    CloseOverlays,
    DismissNotices,
    ToggleCategory(Category),
    FilterNode(Option<NodeId>),
    /// Replaces the session by one that replays this scenario text (from an import, a file
    /// or the library). A text that does not parse changes nothing and says why. If the
    /// user did something of their own in this session, the replacement waits for
    /// `ConfirmReplace` (or `CancelReplace`); `NewSession` likewise.
    LoadScenario(String),
    ConfirmReplace,
    CancelReplace,
    /// Carries out a scenario's commands on the running cluster, from now: commands before
    /// the first `run` at once, each later one when virtual time reaches it. `cluster` is
    /// refused (it starts a new cluster); expectations are skipped, as when a scenario is
    /// loaded.
    RunHere(String),
    /// Back to the start of the session, playing (the recorded story replays).
    Replay,
    ImportFailed(String),
    /// The page's language changed: tell what happened again in it.
    LanguageChanged,
    /// Something the page shows came in (a fetched file): draw again.
    Refresh,
    /// Starts a lesson (replacing the session) and moves on to a step (0-based).
    OpenLesson(Box<Lesson>, usize),
    /// Next: the next step, or the end of the one playing.
    LessonNext,
    /// Back: the exact start of the previous step (of this one on the first).
    LessonBack,
    /// "Do it for me": what an interactive step asks.
    LessonDo,
    /// Plays the current step again from its start.
    LessonReplay,
    /// "Play freely from here": leaves the lesson, the cluster as it is.
    LessonLeave,
    /// Plays the lesson again from its first step.
    LessonRestart,
    /// Zeebe mode: shows this partition's Raft group (cluster, logs, inspector, charts).
    ShowPartition(u32),
    /// Zeebe mode: the cluster view also draws other partitions' messages.
    AllMessages(bool),
}

pub struct Controller {
    pub session: Session,
    pub seed: u64,
    pub playing: bool,
    pub speed: f64,
    pub selected: Selection,
    pub narration: VecDeque<Narrated>,
    /// How many lines were ever told, and a number that changes whenever told lines are
    /// taken back (time travel, a new run): the event list appends while both allow it.
    pub narrated_total: u64,
    pub narration_epoch: u64,
    /// The trace event behind each line of `narration`, to tell it again in another language.
    told: VecDeque<TraceEvent>,
    pub samples: VecDeque<Sample>,
    pub deaths: Vec<Death>,
    /// Problems with the URL or an imported scenario, shown until dismissed.
    pub notices: Vec<String>,
    /// A message for the last action the cluster refused.
    pub last_error: Option<String>,
    pub prefs: Prefs,
    pub help_open: bool,
    pub lessons_open: bool,
    pub embed: bool,
    pub filter_node: Option<NodeId>,
    /// What is wrong with the last scenario the user tried to load.
    pub import_error: Option<String>,
    /// Set when the run stopped at a safety violation.
    pub stopped_at: Option<String>,
    /// Which violation (its place in the world's list) `stopped_at` tells, to tell it again
    /// in another language.
    stopped_by: Option<usize>,
    /// Entries discarded a moment ago, drawn as ghosts in the logs.
    pub ghosts: Vec<Ghost>,
    /// A replacement of the session waiting for the user's confirmation.
    pub pending_replace: Option<Replacement>,
    /// The scenario the session came from, if any, and its comments as captions.
    pub source: Option<Source>,
    pub story: Vec<Caption>,
    /// A caption given by the page's address (`caption=`), shown instead of the story's.
    pub caption: Option<String>,
    /// The lesson being played, if any.
    pub lesson: Option<LessonState>,
    /// Commands of `RunHere` or of a lesson's step waiting for their virtual time.
    pub(super) queued: VecDeque<(Time, Cmd)>,
    violations_seen: usize,
    last_frame: Option<f64>,
    carry: f64,
    pub(super) next_value: u64,
    last_sample: Option<(Time, u64)>,
    /// Bumped whenever anything the slower panels show may have changed.
    pub version: u64,
    /// The Raft group the page shows: 0 in a classic cluster; in Zeebe mode the selected
    /// partition's (partition - 1).
    pub group: u32,
    /// Zeebe mode: whether the cluster view draws every partition's messages.
    pub all_messages: bool,
    /// The speed the address asked for (`speed=`): kept when the mode changes.
    pub fixed_speed: Option<f64>,
}

impl Controller {
    pub fn new(session: Session, seed: u64, prefs: Prefs) -> Controller {
        let mut c = Controller {
            session,
            seed,
            playing: true,
            speed: prefs.speed,
            selected: Selection::None,
            narration: VecDeque::new(),
            narrated_total: 0,
            narration_epoch: 0,
            told: VecDeque::new(),
            samples: VecDeque::new(),
            deaths: Vec::new(),
            notices: Vec::new(),
            last_error: None,
            prefs,
            help_open: false,
            lessons_open: false,
            embed: false,
            filter_node: None,
            import_error: None,
            stopped_at: None,
            stopped_by: None,
            ghosts: Vec::new(),
            pending_replace: None,
            source: None,
            story: Vec::new(),
            caption: None,
            lesson: None,
            queued: VecDeque::new(),
            violations_seen: 0,
            last_frame: None,
            carry: 0.0,
            next_value: 1,
            last_sample: None,
            version: 0,
            group: 0,
            all_messages: false,
            fixed_speed: None,
        };
        if c.zeebe().is_some() {
            c.speed = ZEEBE_SPEED;
        }
        c.sync_prefs();
        c.absorb();
        c
    }

    /// Remembers the scenario text the session was started from (its comments become
    /// captions, an embed snippet carries it as written).
    pub fn set_source(&mut self, text: &str) {
        self.source = Some(Source { text: text.to_string(), actions: self.session.actions().len() });
        self.story = story::captions(text);
    }

    /// The caption for this moment: the page's own (`caption=`) if it has one, else the
    /// story's latest.
    pub fn caption_now(&self) -> Option<&str> {
        self.caption.as_deref().or_else(|| story::current(&self.story, self.now(), cat().is_zh()))
    }

    /// Whether the user did something of their own in this session (replacing it loses it).
    pub fn has_own_actions(&self) -> bool {
        let from_source = self.source.as_ref().map_or(0, |s| s.actions);
        self.session.actions().len() != from_source || self.session.forked_at().is_some()
    }

    /// The scenario that replays this session: the text it was loaded from while the user
    /// has not changed it (comments and all), else the recorded session.
    pub fn scenario_text(&self) -> String {
        match &self.source {
            Some(s) if !self.has_own_actions() => s.text.clone(),
            _ => crate::script::print(&self.session.to_scenario()),
        }
    }

    /// Zeebe mode: the cluster's layout (`None` for a classic cluster).
    pub fn zeebe(&self) -> Option<Topology> {
        self.session.world().topology().copied()
    }

    /// A text about nodes, told about brokers in Zeebe mode.
    #[inline(never)]
    pub fn words(&self, text: &str) -> String {
        match self.zeebe() {
            Some(_) => crate::view::narrate::broker_words(cat(), text),
            None => text.to_string(),
        }
    }

    /// A command about the shown Raft group: in Zeebe mode, about the selected partition.
    #[inline(never)]
    pub fn in_group(&self, cmd: Cmd) -> Cmd {
        match self.zeebe() {
            Some(_) => Cmd::InPartition { partition: self.group + 1, cmd: Box::new(cmd) },
            None => cmd,
        }
    }

    /// The settings panel shows the running cluster's settings.
    fn sync_prefs(&mut self) {
        let world = self.session.world();
        let settings = world.settings();
        self.prefs.zeebe = settings.zeebe;
        self.seed = settings.seed;
        if settings.zeebe.is_some() {
            // The classic settings stay as they were, for a classic cluster to come.
            return;
        }
        let raft = &settings.raft;
        self.prefs.nodes = (world.machine_ids().len() as u32).clamp(1, crate::sim::MAX_NODES);
        self.prefs.election_min_ms = (raft.election_timeout_min / MS).max(1);
        self.prefs.election_max_ms = (raft.election_timeout_max / MS).max(1);
        self.prefs.heartbeat_ms = (raft.heartbeat_interval / MS).max(1);
        self.prefs.pre_vote = raft.pre_vote;
        self.prefs.check_quorum = raft.check_quorum;
    }

    pub fn now(&self) -> Time {
        self.session.now()
    }

    /// The timestamp of the last animation frame (real ms; 0 before the first).
    pub fn last_frame_ms(&self) -> f64 {
        self.last_frame.unwrap_or(0.0)
    }

    /// Called once per animation frame with the frame's timestamp (real ms). Advances
    /// virtual time by the real time since the last frame times the speed. A frame late by
    /// more than 100 ms (a background tab, a slow machine) does not catch up.
    pub fn frame(&mut self, real_ms: f64) {
        let dt = match self.last_frame {
            Some(last) => (real_ms - last).clamp(0.0, 100.0),
            None => 0.0,
        };
        self.last_frame = Some(real_ms);
        if !self.playing {
            return;
        }
        self.carry += dt * self.speed * 1000.0;
        let whole = self.carry.floor();
        if whole >= 1.0 {
            self.carry -= whole;
            let mut target = self.now() + whole as Time;
            // A lesson's step stops where it ends.
            if let Some(end) = self.lesson.as_ref().and_then(|l| l.stop_at()) {
                target = target.min(end);
            }
            self.advance(target);
            self.absorb();
            self.lesson_check();
        }
        self.deaths.retain(|d| d.shown_at.is_none_or(|s| real_ms - s < DEATH_MS));
        for d in self.deaths.iter_mut() {
            if d.shown_at.is_none() {
                d.shown_at = Some(real_ms);
            }
        }
        let before = self.ghosts.len();
        self.ghosts.retain(|g| g.shown_at.is_none_or(|s| real_ms - s < GHOST_MS));
        if self.ghosts.len() != before {
            self.version += 1;
        }
        for g in self.ghosts.iter_mut() {
            if g.shown_at.is_none() {
                g.shown_at = Some(real_ms);
            }
        }
    }

    /// Advances to `target`, carrying out queued commands at their times on the way.
    pub(super) fn advance(&mut self, target: Time) {
        while let Some(&(due, _)) = self.queued.front() {
            if due > target {
                break;
            }
            self.session.advance_to(due);
            if let Some((_, cmd)) = self.queued.pop_front() {
                let refused = self.session.act(cmd).err().map(|e| translate(&e));
                // A lesson's refusals were foreseen (its step says so); others are told.
                if self.lesson.as_ref().is_none_or(|l| l.phase != Phase::Playing) {
                    self.last_error = refused;
                }
            }
        }
        self.session.advance_to(target);
    }

    /// Before an action, moves the clock on to the next whole millisecond, so a recorded
    /// session reads `run 1.137s` rather than `run 1137335us`. While playing the moment is
    /// a frame boundary anyway; while paused only if no event lies before it, so the state
    /// the user acts on is the state on the screen.
    fn settle_to_ms(&mut self) {
        let now = self.now();
        let next = now.div_ceil(MS) * MS;
        if next == now {
            return;
        }
        let quiet = self.session.world().next_event_time().is_none_or(|t| t > next);
        if self.playing || quiet {
            self.advance(next);
        }
    }

    /// Stops animating (the next frame starts afresh, without a jump).
    pub fn set_playing(&mut self, playing: bool) {
        self.playing = playing;
        self.last_frame = None;
    }

    /// Takes the trace of what just happened: narration, deaths, chart samples, and a stop
    /// at the first violation.
    pub(super) fn absorb(&mut self) {
        if let Some(e) = self.session.take_replay_failure() {
            self.last_error = Some(translate(&e));
        }
        let events = self.session.drain_trace();
        let machines = self.session.world().machine_ids();
        let zeebe = self.zeebe().is_some();
        let group = self.group;
        for e in &events {
            if let TraceKind::Dropped { from, to, sent_at, deliver_at, reason, .. } = &e.kind {
                if e.group == group && *reason != DropReason::NodeDown {
                    let span = deliver_at.saturating_sub(*sent_at).max(1) as f64;
                    let progress = (e.time.saturating_sub(*sent_at) as f64 / span).clamp(0.0, 1.0);
                    self.deaths.push(Death { from: *from, to: *to, progress, reason: *reason, time: e.time, shown_at: None });
                }
            }
            if let TraceKind::Discarded { node, index, term, command } = &e.kind {
                if e.group == group {
                    let label = command.as_deref().unwrap_or("·").to_string();
                    self.ghosts.push(Ghost { node: *node, index: *index, term: *term, label, shown_at: None });
                }
            }
            // Every message sent is an event; tell them only when someone looks at them.
            if matches!(e.kind, TraceKind::Sent { .. }) && self.prefs.hidden_categories.contains(&Category::Message) {
                continue;
            }
            let told = narrate_in(cat(), e, &machines, zeebe);
            if let Some(n) = told {
                self.narration.push_back(n);
                self.told.push_back(e.clone());
                self.narrated_total += 1;
            }
        }
        while self.narration.len() > MAX_NARRATION {
            self.narration.pop_front();
            self.told.pop_front();
        }
        if self.deaths.len() > 200 {
            let excess = self.deaths.len() - 200;
            self.deaths.drain(..excess);
        }
        if self.ghosts.len() > 100 {
            let excess = self.ghosts.len() - 100;
            self.ghosts.drain(..excess);
        }
        self.sample();
        let violations = self.session.world().violations();
        if violations.len() > self.violations_seen {
            let v = &violations[self.violations_seen];
            self.stopped_at = Some(crate::view::safety::report(v));
            self.stopped_by = Some(self.violations_seen);
            self.violations_seen = violations.len();
            // A lesson's step that shows a violation plays on to its end (its text says why).
            if self.lesson.as_ref().is_none_or(|l| l.phase != Phase::Playing) {
                self.set_playing(false);
            }
        }
        self.version += 1;
    }

    fn sample(&mut self) {
        let now = self.now();
        let sent: u64 = self.session.world().messages_sent().values().sum();
        let interval = ((self.speed * 250.0) as Time * MS).clamp(10 * MS, SECOND_SAMPLE);
        if let Some((t, _)) = self.last_sample {
            if now < t + interval {
                return;
            }
        }
        let rate = match self.last_sample {
            Some((t, s)) if now > t => (sent.saturating_sub(s)) as f64 / ((now - t) as f64 / 1e6),
            _ => 0.0,
        };
        let world = self.session.world();
        let (mut terms, mut commits, mut committed) = (Vec::new(), Vec::new(), Vec::new());
        for g in 0..world.group_count() {
            let nodes = frame::nodes(world, g);
            terms.push(nodes.iter().map(|n| (n.id, n.term)).collect());
            commits.push(nodes.iter().filter(|n| n.role != "crashed").map(|n| (n.id, n.commit_index)).collect::<Vec<_>>());
            let before = self.samples.back().and_then(|s| s.committed.get(g as usize).copied()).unwrap_or(0);
            committed.push(nodes.iter().map(|n| n.commit_index).fold(before, u64::max));
        }
        self.samples.push_back(Sample { time: now, terms, commits, committed, messages_per_second: rate });
        while self.samples.len() > MAX_SAMPLES {
            self.samples.pop_front();
        }
        self.last_sample = Some((now, sent));
    }

    /// After a lesson went back to `t`: forget what was told after the first `told` lines
    /// (lines of that very moment included) and what was drawn since.
    pub(super) fn forget_after(&mut self, t: Time, told: u64) {
        while self.narrated_total > told && self.narration.pop_back().is_some() {
            self.told.pop_back();
            self.narrated_total -= 1;
        }
        self.narrated_total = self.narrated_total.min(told);
        self.truncate_after(t);
    }

    /// After travelling back: forget what has not happened yet.
    fn truncate_after(&mut self, t: Time) {
        while self.narration.back().is_some_and(|n| n.time > t) {
            self.narration.pop_back();
            self.told.pop_back();
            self.narrated_total -= 1;
        }
        self.narration_epoch += 1;
        while self.samples.back().is_some_and(|s| s.time > t) {
            self.samples.pop_back();
        }
        self.deaths.clear();
        self.ghosts.clear();
        self.queued.clear();
        self.last_sample = self.samples.back().map(|s| (s.time, self.session.world().messages_sent().values().sum()));
        self.violations_seen = self.session.world().violations().len();
        if self.violations_seen == 0 {
            self.stopped_at = None;
        }
    }

    /// The leader the page shows: the one leader that can commit, if there is exactly one
    /// (a stale leader cut off in a minority is not it).
    pub fn leader(&self) -> Option<NodeId> {
        let nodes = frame::nodes(self.session.world(), self.group);
        match frame::working_leaders(&nodes).as_slice() {
            [one] => Some(one.id),
            _ => None,
        }
    }

    pub(super) fn act(&mut self, cmd: Cmd) {
        self.settle_to_ms();
        self.last_error = self.session.act(cmd).err().map(|e| self.words(&translate(&e)));
        self.absorb();
    }

    /// Starts a new session from a scenario text, or says why it cannot.
    fn load(&mut self, text: &str) -> Result<(), String> {
        let scenario = crate::script::parse(text).map_err(|e| parse_error(&e))?;
        let session = Session::from_scenario(&scenario).map_err(|e| translate(&e))?;
        self.replace_session(session);
        self.set_source(text);
        self.set_playing(true);
        Ok(())
    }

    fn new_session(&mut self, seed: u64) {
        match Session::new(self.prefs.spec(seed)) {
            Ok(session) => self.replace_session(session),
            Err(e) => self.last_error = Some(translate(&e.to_string())),
        }
    }

    /// Queues a scenario's commands on the running cluster, from now.
    fn run_here(&mut self, text: &str) -> Result<(), String> {
        let scenario = crate::script::parse::parse_with(text, self.zeebe()).map_err(|e| parse_error(&e))?;
        if let Some(k) = scenario.commands.iter().position(|c| matches!(c, Cmd::Cluster(_))) {
            return Err(crate::view::catalog::fill(cat().cluster_not_here, &[("line", &scenario.lines[k].to_string())]));
        }
        self.settle_to_ms();
        let start = self.now();
        let mut t = start;
        self.queued.clear();
        for cmd in scenario.commands {
            match cmd {
                Cmd::Run(d) => t += d,
                Cmd::Expect(_) => {}
                cmd => self.queued.push_back((t, cmd)),
            }
        }
        // The story from now on is this text's (it stays in time order).
        self.story.retain(|c| c.time <= start);
        self.story.extend(story::captions(text).into_iter().map(|c| Caption { time: start + c.time, ..c }));
        // What is due now happens now; the rest as time reaches it.
        self.advance(start);
        if !self.queued.is_empty() {
            self.set_playing(true);
        }
        self.absorb();
        Ok(())
    }

    pub fn dispatch(&mut self, action: Action) {
        // In a lesson, "replay from the start" plays the lesson from its first step.
        if matches!(action, Action::Replay) && self.lesson.is_some() {
            self.lesson_action(&Action::LessonRestart);
            self.version += 1;
            return;
        }
        // A lesson's step told while it plays, or time travel, leaves the lesson's story.
        if let Some(l) = &self.lesson {
            if is_intervention(&action) && l.phase == Phase::Playing {
                self.lesson_off_path(cat().lesson_acted.to_string());
            } else if is_time_travel(&action) {
                self.lesson_off_path(cat().lesson_travelled.to_string());
            }
        }
        match action {
            Action::TogglePlay => {
                let p = !self.playing;
                self.set_playing(p);
            }
            Action::Pause => self.set_playing(false),
            Action::Step => {
                self.set_playing(false);
                self.session.step();
                let now = self.now();
                self.advance(now);
                self.absorb();
            }
            Action::Speed(s) => {
                self.speed = s.clamp(crate::view::geometry::SPEED_MIN, crate::view::geometry::SPEED_MAX);
                // Zeebe mode has its own speed; the one remembered is the classic page's.
                if self.zeebe().is_none() {
                    self.prefs.speed = self.speed;
                }
            }
            Action::Faster => self.dispatch(Action::Speed(self.speed * 2.0)),
            Action::Slower => self.dispatch(Action::Speed(self.speed / 2.0)),
            Action::Seek(t) => {
                self.queued.clear();
                let back = t < self.now();
                self.session.seek(t.min(self.session.horizon().max(t)));
                if back {
                    self.truncate_after(t);
                }
                self.absorb();
            }
            Action::BackToLatest => {
                self.queued.clear();
                let h = self.session.horizon();
                self.session.seek(h);
                self.absorb();
            }
            Action::Act(cmd) => self.act(cmd),
            Action::Request(via) => {
                let keys = crate::sim::client::KEYS;
                let key = keys[((self.next_value - 1) as usize) % keys.len()];
                // Zeebe mode: to the shown partition, with its own keys (x2, y2, z2 for
                // partition 2: a key lives on one partition).
                let key = match self.zeebe() {
                    Some(_) => format!("{key}{}", self.group + 1),
                    None => key.to_string(),
                };
                let cmd = self.in_group(Cmd::Propose { command: format!("{key}={}", self.next_value), via });
                self.next_value += 1;
                self.act(cmd);
            }
            Action::DropMessage(id) => self.act(Cmd::DropMessage(id)),
            Action::Select(s) => self.selected = s,
            Action::ToggleSelectedNode => {
                if let Selection::Node(id) = self.selected {
                    let cmd = if self.session.world().is_up(id) { Cmd::Crash(Target::Node(id)) } else { Cmd::Restart(Target::Node(id)) };
                    self.act(cmd);
                }
            }
            Action::IsolateLeader => match self.leader() {
                Some(l) => self.act(Cmd::Isolate(Target::Node(l))),
                None => self.last_error = Some(cat().no_leader.to_string()),
            },
            Action::LeaderInMinority => match self.leader() {
                Some(l) => {
                    let ids = self.session.world().machine_ids();
                    let minority_size = (ids.len() - 1) / 2;
                    let mut minority = vec![l];
                    minority.extend(ids.iter().copied().filter(|&n| n != l).take(minority_size.saturating_sub(1)));
                    let majority: Vec<NodeId> = ids.iter().copied().filter(|n| !minority.contains(n)).collect();
                    if majority.is_empty() {
                        self.act(Cmd::Isolate(Target::Node(l)));
                    } else {
                        self.act(Cmd::Partition(vec![minority, majority]));
                    }
                }
                None => self.last_error = Some(cat().no_leader.to_string()),
            },
            Action::Heal => self.act(Cmd::Heal),
            Action::NewSession { seed } => {
                if self.has_own_actions() {
                    self.pending_replace = Some(Replacement::Seed(seed));
                } else {
                    self.new_session(seed);
                }
            }
            Action::LoadScenario(text) => {
                // A text that does not parse is reported before anything is asked.
                match crate::script::parse(&text)
                    .map_err(|e| parse_error(&e))
                    .and_then(|s| Session::from_scenario(&s).map(|_| ()).map_err(|e| translate(&e)))
                {
                    Err(e) => self.import_error = Some(e),
                    Ok(()) if self.has_own_actions() => self.pending_replace = Some(Replacement::Scenario(text)),
                    Ok(()) => {
                        if let Err(e) = self.load(&text) {
                            self.import_error = Some(e);
                        }
                    }
                }
            }
            Action::ConfirmReplace => match self.pending_replace.take() {
                Some(Replacement::Scenario(text)) => {
                    if let Err(e) = self.load(&text) {
                        self.import_error = Some(e);
                    }
                }
                Some(Replacement::Seed(seed)) => self.new_session(seed),
                None => {}
            },
            Action::CancelReplace => self.pending_replace = None,
            Action::RunHere(text) => match self.run_here(&text) {
                Ok(()) => self.import_error = None,
                Err(e) => self.import_error = Some(e),
            },
            Action::Replay => {
                self.dispatch(Action::Seek(0));
                self.set_playing(true);
            }
            Action::ImportFailed(e) => self.import_error = Some(e),
            Action::LanguageChanged => self.retell(),
            Action::Refresh => {}
            Action::OpenLesson(lesson, at) => self.open_lesson(*lesson, at),
            ref a @ (Action::LessonNext
            | Action::LessonBack
            | Action::LessonDo
            | Action::LessonReplay
            | Action::LessonLeave
            | Action::LessonRestart) => self.lesson_action(a),
            Action::SetPrefs(p) => self.prefs = p,
            Action::ToggleHelp => self.help_open = !self.help_open,
            Action::ToggleLessons => self.lessons_open = !self.lessons_open,
            Action::DismissNotices => {
                self.notices.clear();
                self.last_error = None;
                self.stopped_at = None;
            }
            Action::CloseOverlays => {
                self.help_open = false;
                self.lessons_open = false;
                self.pending_replace = None;
                self.selected = Selection::None;
            }
            Action::ToggleCategory(c) => {
                if !self.prefs.hidden_categories.remove(&c) {
                    self.prefs.hidden_categories.insert(c);
                }
            }
            Action::FilterNode(n) => self.filter_node = n,
            Action::ShowPartition(p) => {
                if self.zeebe().is_some_and(|t| (1..=t.partitions).contains(&p)) && p != self.group + 1 {
                    self.group = p - 1;
                    self.deaths.clear();
                    self.ghosts.clear();
                }
            }
            Action::AllMessages(on) => self.all_messages = on,
        }
        self.lesson_check();
        self.version += 1;
    }

    /// Starts over with another session.
    pub fn replace_session(&mut self, session: Session) {
        let was_zeebe = self.zeebe().is_some();
        self.session = session;
        let zeebe = self.zeebe().is_some();
        // Zeebe mode starts at real time; back in a classic cluster, the page's own speed.
        if zeebe != was_zeebe {
            self.speed = self.fixed_speed.unwrap_or(if zeebe { ZEEBE_SPEED } else { self.prefs.speed });
            self.filter_node = None;
        }
        self.group = 0;
        self.lesson = None;
        self.next_value = 1;
        self.sync_prefs();
        self.narration.clear();
        self.told.clear();
        self.narration_epoch += 1;
        self.samples.clear();
        self.deaths.clear();
        self.ghosts.clear();
        self.queued.clear();
        self.source = None;
        self.story.clear();
        self.pending_replace = None;
        self.selected = Selection::None;
        self.stopped_at = None;
        self.violations_seen = 0;
        self.last_sample = None;
        self.last_error = None;
        self.import_error = None;
        self.absorb();
    }

    /// Tells what happened again in the page's language (after it changed).
    pub fn retell(&mut self) {
        let machines = self.session.world().machine_ids();
        let zeebe = self.zeebe().is_some();
        for (line, event) in self.narration.iter_mut().zip(&self.told) {
            let told = narrate_in(cat(), event, &machines, zeebe);
            if let Some(n) = told {
                line.text = n.text;
            }
        }
        let again = self.stopped_by.and_then(|k| self.session.world().violations().get(k)).map(crate::view::safety::report);
        if let (Some(_), Some(again)) = (&self.stopped_at, again) {
            self.stopped_at = Some(again);
        }
        self.narration_epoch += 1;
        self.version += 1;
    }

    /// The selected message, if it is still on the wire.
    pub fn selected_message(&self) -> Option<MessageView> {
        match self.selected {
            Selection::Message(id) => self.session.world().message(id).map(frame::message_view),
            _ => None,
        }
    }
}

const SECOND_SAMPLE: Time = 1_000 * MS;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::SECOND;

    fn controller(seed: u64) -> Controller {
        let prefs = Prefs::default();
        Controller::new(Session::new(prefs.spec(seed)).unwrap(), seed, prefs)
    }

    /// Plays `ms` of real time at the controller's speed, in 16 ms frames.
    fn play(c: &mut Controller, ms: u32) {
        let start = c.last_frame_ms();
        for k in 0..=(ms / 16) {
            c.frame(start + 1.0 + 16.0 * k as f64);
        }
    }

    #[test]
    fn frames_advance_virtual_time_at_the_chosen_speed_and_pause_stops_it() {
        let mut c = controller(3);
        c.dispatch(Action::Speed(1.0));
        play(&mut c, 1000);
        let t = c.now();
        assert!((900_000..=1_100_000).contains(&t), "1 s of real time at speed 1: {t}");
        c.dispatch(Action::TogglePlay);
        assert!(!c.playing);
        play(&mut c, 500);
        assert_eq!(c.now(), t, "paused");
    }

    #[test]
    fn a_late_frame_does_not_catch_up() {
        let mut c = controller(3);
        c.dispatch(Action::Speed(1.0));
        c.frame(0.0);
        c.frame(10_000.0);
        assert!(c.now() <= 100_000, "at most 100 ms per frame: {}", c.now());
    }

    #[test]
    fn step_processes_one_event_and_pauses() {
        let mut c = controller(3);
        let steps = c.session.world().steps();
        c.dispatch(Action::Step);
        assert!(!c.playing);
        assert_eq!(c.session.world().steps(), steps + 1);
    }

    #[test]
    fn actions_reach_the_world_and_the_narration() {
        let mut c = controller(5);
        c.session.advance_to(2 * SECOND);
        let leader = c.leader().expect("a leader after 2 s");
        c.dispatch(Action::Request(None));
        c.dispatch(Action::Request(None));
        c.session.advance_to(3 * SECOND);
        c.dispatch(Action::Pause);
        let log = c.session.world().node(0, leader).unwrap().log().entries().iter().map(frame::entry_label).collect::<Vec<_>>();
        assert!(log.contains(&"x=1".to_string()) && log.contains(&"y=2".to_string()), "{log:?}");
        c.dispatch(Action::Act(Cmd::Crash(Target::Node(leader))));
        assert!(!c.session.world().is_up(leader));
        assert!(c.narration.iter().any(|n| n.text == format!("Node {leader} crashed")));
        c.dispatch(Action::Act(Cmd::Crash(Target::Node(leader))));
        assert!(c.last_error.as_deref().unwrap_or("").contains("down"), "crashing a crashed node is refused: {:?}", c.last_error);
    }

    #[test]
    fn network_presets_put_the_leader_where_they_say() {
        let mut c = controller(5);
        c.session.advance_to(2 * SECOND);
        let leader = c.leader().unwrap();
        c.dispatch(Action::LeaderInMinority);
        let groups = c.session.world().network().partition().to_vec();
        let mine = groups.iter().find(|g| g.contains(&leader)).expect("the leader is in a named group");
        assert_eq!(mine.len(), 2, "5 nodes: the leader and one more in the minority ({groups:?})");
        c.dispatch(Action::Heal);
        assert!(!c.session.world().network().is_partitioned());
        c.dispatch(Action::IsolateLeader);
        assert_eq!(c.session.world().network().partition(), &[vec![leader]]);
    }

    #[test]
    fn travelling_back_forgets_what_has_not_happened_yet() {
        let mut c = controller(7);
        c.dispatch(Action::Pause);
        c.dispatch(Action::Seek(2 * SECOND));
        c.dispatch(Action::Request(None));
        c.dispatch(Action::Seek(3 * SECOND));
        assert!(c.narration.iter().any(|n| n.time > SECOND));
        let epoch = c.narration_epoch;
        c.dispatch(Action::Seek(SECOND / 10));
        assert_eq!(c.now(), SECOND / 10);
        assert!(c.narration.iter().all(|n| n.time <= SECOND / 10));
        assert!(c.samples.iter().all(|s| s.time <= SECOND / 10));
        assert!(c.narration_epoch > epoch);
        c.dispatch(Action::BackToLatest);
        assert_eq!(c.now(), 3 * SECOND);
        assert!(c.narration.iter().any(|n| n.text.contains("x=1")), "the recorded request replays");
    }

    #[test]
    fn a_safety_violation_stops_the_run_and_says_why() {
        let text = include_str!("../../tests/scenarios/figure8_broken.txt");
        let scenario = crate::script::parse(text).unwrap();
        let prefs = Prefs::default();
        let mut c = Controller::new(Session::from_scenario(&scenario).unwrap(), 8, prefs);
        c.dispatch(Action::Speed(1.0));
        for k in 0..200 {
            c.frame(16.0 * k as f64);
        }
        assert!(!c.playing, "stopped at the violation");
        assert!(c.stopped_at.as_deref().unwrap_or("").contains("violated"), "{:?}", c.stopped_at);
    }

    #[test]
    fn prefs_round_trip_and_survive_garbage() {
        let mut p = Prefs { nodes: 7, pre_vote: true, speed: 0.25, ..Prefs::default() };
        p.hidden_categories.insert(Category::Client);
        assert_eq!(Prefs::decode(&p.encode()), p);
        assert_eq!(Prefs::decode("nodes=99;speed=-1;emin=400;emax=100;junk"), Prefs::default());
    }

    fn told(c: &Controller, needle: &str) -> bool {
        c.narration.iter().any(|n| n.text.contains(needle))
    }

    const SPLIT: &str = "# Node 1 leads.\ncluster nodes=5 seed=5\ntimeout 1\nrun 500ms\n# Split.\npartition 1,2 | 3,4,5\npropose x=1 via 1\nrun 2s\n# Healed.\nheal\nrun 1s\n";

    #[test]
    fn a_request_goes_to_the_chosen_node_and_a_refusal_is_told_plainly() {
        let mut c = controller(5);
        c.session.advance_to(2 * SECOND);
        let leader = c.leader().unwrap();
        let follower = c.session.world().machine_ids().into_iter().find(|&n| n != leader).unwrap();
        c.dispatch(Action::Request(Some(follower)));
        assert!(
            told(&c, &format!("Node {follower} refused x=1: it is not the leader (it believes node {leader} leads)")),
            "{:?}",
            c.narration
        );
        assert!(told(&c, "The request x=1 failed: no node took it, so it had no effect"));
        c.dispatch(Action::Request(Some(leader)));
        assert!(told(&c, &format!("Leader {leader} appended y=2")));
        assert_eq!(c.session.actions().last().map(|a| &a.1), Some(&Cmd::Propose { command: "y=2".into(), via: Some(leader) }));
    }

    #[test]
    fn a_split_shows_a_stale_leader_and_the_heal_a_rollback_with_ghosts() {
        let mut c = controller(1);
        c.dispatch(Action::LoadScenario(SPLIT.to_string()));
        c.dispatch(Action::Speed(1.0));
        play(&mut c, 1700);
        assert_eq!(c.caption_now(), Some("Split."));
        let stale: Vec<_> = frame::nodes(c.session.world(), 0).into_iter().filter(|n| n.stale.is_some()).map(|n| n.id).collect();
        assert_eq!(stale, vec![1], "the old leader is stale");
        assert!(c.leader().is_some_and(|l| l >= 3), "the page's leader is the majority's");
        assert!(told(&c, "The request x=1 was never acknowledged: node 1 took it"), "the client timed out");
        play(&mut c, 1100);
        assert_eq!(c.caption_now(), Some("Healed."));
        c.caption = Some("Mine".into());
        assert_eq!(c.caption_now(), Some("Mine"), "the page's own caption is shown instead of the story's");
        c.caption = None;
        assert!(told(&c, "discarded entry 2 (x=1, term 1): it was never committed"), "{:?}", c.narration);
        assert!(c.ghosts.iter().any(|g| g.label == "x=1" && g.index == 2), "{:?}", c.ghosts);
        // Ghosts fade after a few seconds of play.
        c.dispatch(Action::Speed(0.001));
        play(&mut c, GHOST_MS as u32 + 500);
        assert!(c.ghosts.is_empty());
    }

    #[test]
    fn commands_run_on_the_current_cluster_at_their_times() {
        let mut c = controller(5);
        c.session.advance_to(2 * SECOND);
        c.dispatch(Action::Pause);
        let before = c.session.actions().len();
        c.dispatch(Action::RunHere("# Cut.\npartition 1,2 | 3,4,5\nrun 500ms\nexpect leader\nheal\n".to_string()));
        assert_eq!(c.import_error, None);
        assert!(c.session.world().network().is_partitioned(), "the first command at once");
        assert!(c.playing, "the rest plays out");
        assert_eq!(c.caption_now(), Some("Cut."));
        c.dispatch(Action::Speed(1.0));
        play(&mut c, 700);
        assert!(!c.session.world().network().is_partitioned(), "healed 500 ms later");
        assert_eq!(c.session.actions().len(), before + 2, "both recorded (the expectation is skipped)");
        let (t0, t1) = (c.session.actions()[before].0, c.session.actions()[before + 1].0);
        assert_eq!(t1 - t0, 500 * MS);
        c.dispatch(Action::RunHere("cluster nodes=3\ncrash 1".to_string()));
        assert!(c.import_error.as_deref().unwrap_or("").contains("line 1: `cluster` starts a new cluster"), "{:?}", c.import_error);
        assert!(c.session.world().is_up(1));
    }

    #[test]
    #[cfg(not(target_arch = "wasm32"))] // reads the example from the repository
    fn replacing_a_session_the_user_acted_on_asks_first() {
        let mut c = controller(5);
        let example = crate::view::library::LIBRARY[1].text();
        c.dispatch(Action::LoadScenario(example.clone()));
        assert!(c.pending_replace.is_none(), "nothing of the user's to lose: loaded at once");
        assert_eq!(c.scenario_text(), example, "an untouched example is shared as written");
        c.dispatch(Action::LoadScenario("run 2x".to_string()));
        assert!(c.import_error.is_some() && c.pending_replace.is_none(), "a bad text is refused before asking");
        c.session.advance_to(SECOND);
        c.dispatch(Action::Act(Cmd::Crash(Target::Node(2))));
        assert!(c.has_own_actions());
        assert!(!c.scenario_text().starts_with('#'), "a changed session is shared as recorded");
        c.dispatch(Action::LoadScenario(SPLIT.to_string()));
        assert!(matches!(c.pending_replace, Some(Replacement::Scenario(_))));
        assert!(!c.session.world().is_up(2), "nothing replaced yet");
        c.dispatch(Action::CancelReplace);
        assert!(c.pending_replace.is_none() && !c.session.world().is_up(2));
        c.dispatch(Action::NewSession { seed: 9 });
        assert_eq!(c.pending_replace, Some(Replacement::Seed(9)));
        c.dispatch(Action::ConfirmReplace);
        assert_eq!((c.seed, c.now(), c.session.actions().len()), (9, 0, 0));
    }

    #[test]
    #[cfg(not(target_arch = "wasm32"))] // reads the example from the repository
    fn after_loading_an_example_the_settings_are_the_examples() {
        let mut c = controller(5);
        let figure7 = crate::view::library::LIBRARY.iter().find(|e| e.name.starts_with("Figure 7")).unwrap();
        c.dispatch(Action::LoadScenario(figure7.text()));
        let spec = c.session.spec().clone();
        assert_eq!(c.prefs.nodes, 7);
        assert_eq!(Some(c.seed), spec.seed);
        assert_eq!(c.prefs.spec(c.seed).nodes, Some(7), "restarting with these settings keeps the example's cluster");
    }

    fn zeebe_controller() -> Controller {
        let prefs = Prefs { zeebe: Topology::new(5, 4, 3).ok(), ..Prefs::default() };
        Controller::new(Session::new(prefs.spec(7)).unwrap(), 7, prefs)
    }

    /// Zeebe mode: real time; the page shows one partition's Raft group at a time (its
    /// replicas by broker id, its leader); the story is told for every partition, its lines
    /// about brokers; a request goes to the partition shown; the session exports and links
    /// as a Zeebe scenario.
    #[test]
    fn zeebe_mode_shows_a_partition_tells_every_partition_and_exports_a_zeebe_scenario() {
        let mut c = zeebe_controller();
        assert_eq!(c.speed, ZEEBE_SPEED);
        c.session.advance_to(4 * SECOND);
        c.absorb();
        assert_eq!(c.leader(), Some(0), "partition 1's primary");
        assert_eq!(frame::nodes(c.session.world(), c.group).iter().map(|n| n.id).collect::<Vec<_>>(), vec![0, 1, 2]);
        c.dispatch(Action::ShowPartition(4));
        assert_eq!((c.group, c.leader()), (3, Some(3)));
        c.dispatch(Action::ShowPartition(9));
        assert_eq!(c.group, 3, "no partition 9: nothing changes");
        for p in 1..=4 {
            let leader = [0, 1, 2, 3][p - 1];
            assert!(told(&c, &format!("P{p} · Broker {leader} won the election: leader of term 1")), "{:?}", c.narration);
        }
        c.dispatch(Action::Act(Cmd::Crash(Target::Node(2))));
        assert_eq!(c.narration.iter().filter(|n| n.text.contains("Broker 2 crashed")).count(), 1, "a broker's crash told once");
        c.dispatch(Action::Request(None));
        let last = c.session.actions().last().map(|a| crate::script::print::command(&a.1));
        assert_eq!(last.as_deref(), Some("propose x4=1 partition 4"));
        c.dispatch(Action::Act(Cmd::Crash(Target::Node(2))));
        assert_eq!(c.last_error.as_deref(), Some("broker 2 is down"));
        let text = c.scenario_text();
        assert!(text.starts_with("cluster brokers=5 partitions=4 replication=3 seed=7"), "{text}");
        let back = crate::view::permalink::decode(&crate::view::permalink::encode(&c.session.to_scenario())).unwrap();
        assert_eq!(crate::script::print(&back), text, "a Zeebe session's link replays it");
        // Back to a classic cluster: the classic page's speed, group 0.
        c.dispatch(Action::ShowPartition(2));
        c.replace_session(Session::new(Prefs::default().spec(1)).unwrap());
        assert_eq!((c.speed, c.group, c.zeebe()), (DEFAULT_SPEED, 0, None));
    }

    /// A scenario run on a Zeebe cluster speaks of broker ids from 0.
    #[test]
    fn commands_run_on_a_zeebe_cluster_use_broker_ids() {
        let mut c = zeebe_controller();
        c.session.advance_to(4 * SECOND);
        c.dispatch(Action::RunHere("crash 0\nrun 1s\nrebalance".to_string()));
        assert_eq!(c.import_error, None);
        assert!(!c.session.world().is_up(0));
        c.dispatch(Action::RunHere("crash 9".to_string()));
        assert!(c.import_error.as_deref().unwrap_or("").contains("a broker id (0..4)"), "{:?}", c.import_error);
    }

    #[test]
    fn actions_land_on_whole_milliseconds_so_exports_read_well() {
        let mut c = controller(5);
        play(&mut c, 1234);
        assert_ne!(c.now() % MS, 0, "frames stop anywhere");
        c.dispatch(Action::Request(None));
        play(&mut c, 777);
        c.dispatch(Action::Act(Cmd::Heal));
        assert!(c.session.actions().iter().all(|(t, _)| t % MS == 0), "{:?}", c.session.actions());
        let text = crate::script::print(&c.session.to_scenario());
        let runs: Vec<&str> = text.lines().filter(|l| l.starts_with("run ")).collect();
        assert!(runs[..runs.len() - 1].iter().all(|r| !r.ends_with("us") && r.split('.').nth(1).is_none_or(|f| f.len() <= 4)), "{text}");
    }
}
