//! The lesson player: plays a lesson (src/script/lesson.rs) on the page's session, step by
//! step. Each step is first played on a copy of the world, so a step whose claims would not
//! hold from the cluster as it is is never told; then its commands play at the page's
//! speed and the page pauses at its end. An interactive step waits there for the reader's
//! action (any control: it is detected by its effect) or "do it for me". Back travels to
//! the exact start of the previous step (the session forgets what came after it).

use super::controller::{Action, Controller};
use crate::raft::{NodeId, Time};
use crate::script::ast::Cmd;
use crate::script::lesson::{first_failing, plan_step, Focus, Lesson, Text};
use crate::script::session::Session;

/// The speed a lesson plays at, at least (virtual ms per real ms).
pub const LESSON_SPEED: f64 = 0.1;

/// A lesson as the list of lessons shows it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LessonInfo {
    pub id: String,
    pub title: Text,
    pub summary: Text,
}

/// Reads the list of lessons (`www/lessons/index.txt`): each lesson's `id:`, `title:`,
/// `summary:` lines (and their `.zh` lines), in the order the list shows them.
pub fn parse_index(text: &str) -> Vec<LessonInfo> {
    let mut out: Vec<LessonInfo> = Vec::new();
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else { continue };
        let value = value.trim().to_string();
        if key.trim() == "id" {
            out.push(LessonInfo { id: value, ..LessonInfo::default() });
            continue;
        }
        let Some(last) = out.last_mut() else { continue };
        match key.trim() {
            "title" => last.title.en = value,
            "title.zh" => last.title.zh = value,
            "summary" => last.summary.en = value,
            "summary.zh" => last.summary.zh = value,
            _ => {}
        }
    }
    out
}

/// The index entry of a lesson, as `www/lessons/index.txt` has it.
pub fn index_entry(l: &Lesson) -> String {
    format!("id: {}\ntitle: {}\ntitle.zh: {}\nsummary: {}\nsummary.zh: {}\n", l.id, l.title.en, l.title.zh, l.summary.en, l.summary.zh)
}

/// How far a reader got in each lesson, as local storage keeps it: `id=reached/total;...`
/// (`reached` is the highest step seen, 1-based; equal to `total` once finished).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Progress(pub Vec<(String, u32, u32)>);

impl Progress {
    pub fn decode(text: &str) -> Progress {
        let mut out = Vec::new();
        for part in text.split(';') {
            let Some((id, rest)) = part.split_once('=') else { continue };
            let Some((a, b)) = rest.split_once('/') else { continue };
            if let (Ok(a), Ok(b)) = (a.parse::<u32>(), b.parse::<u32>()) {
                if crate::script::lesson::valid_id(id) && a <= b {
                    out.push((id.to_string(), a, b));
                }
            }
        }
        Progress(out)
    }

    pub fn encode(&self) -> String {
        self.0.iter().map(|(id, a, b)| format!("{id}={a}/{b}")).collect::<Vec<_>>().join(";")
    }

    /// The highest step reached and the number of steps, for a lesson.
    pub fn of(&self, id: &str) -> Option<(u32, u32)> {
        self.0.iter().find(|(i, _, _)| i == id).map(|&(_, a, b)| (a, b))
    }

    /// Records that step `reached` (1-based) of `total` was seen; true if that is new.
    pub fn reach(&mut self, id: &str, reached: u32, total: u32) -> bool {
        match self.0.iter_mut().find(|(i, _, _)| i == id) {
            Some(entry) if entry.1 >= reached && entry.2 == total => false,
            Some(entry) => {
                entry.1 = if entry.2 == total { entry.1.max(reached) } else { reached };
                entry.2 = total;
                true
            }
            None => {
                self.0.push((id.to_string(), reached, total));
                true
            }
        }
    }
}

/// Where the lesson is in its current step.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    /// The step's commands are playing (Next skips to the step's end).
    Playing,
    /// The step has been told; Next goes on.
    Done,
    /// An interactive step waits for the reader.
    Waiting,
    /// The cluster left the story (the reader did something else, or travelled in time):
    /// the step can be replayed. The text says why (in the page's language).
    OffPath(String),
    /// The step's story does not hold from the cluster as it is: this (an expectation,
    /// as the lesson writes it) would fail.
    Blocked(String),
    /// The last step has been told.
    Finished,
}

/// What the session was like when a step began, to come back to it exactly.
#[derive(Clone, Copy, Debug, PartialEq)]
struct StepStart {
    time: Time,
    actions: usize,
    told: u64,
    /// The value the next client request of the page writes.
    next_value: u64,
}

pub struct LessonState {
    pub lesson: Lesson,
    /// The current step, 0-based.
    pub step: usize,
    pub phase: Phase,
    /// Set when the current step began because the reader's action was detected.
    pub after_reader: bool,
    starts: Vec<StepStart>,
    /// The end of the step being played.
    stop_at: Option<Time>,
}

impl LessonState {
    pub fn waiting(&self) -> bool {
        self.phase == Phase::Waiting
    }

    /// The end of the step being played, if one is playing.
    pub fn stop_at(&self) -> Option<Time> {
        self.stop_at
    }
}

/// Whether an action changes the cluster (as opposed to watching it).
pub fn is_intervention(a: &Action) -> bool {
    matches!(
        a,
        Action::Act(_)
            | Action::Request(_)
            | Action::DropMessage(_)
            | Action::ToggleSelectedNode
            | Action::IsolateLeader
            | Action::LeaderInMinority
            | Action::Heal
            | Action::RunHere(_)
    )
}

/// Whether an action travels in time.
pub fn is_time_travel(a: &Action) -> bool {
    matches!(a, Action::Seek(_) | Action::BackToLatest | Action::Replay)
}

impl Controller {
    /// Starts a lesson from its beginning, then moves on to step `at` (0-based): the steps
    /// before it are played at once (doing what they ask for the reader).
    pub(super) fn open_lesson(&mut self, lesson: Lesson, at: usize) {
        let session = match Session::from_scenario(&lesson.prelude) {
            // Lessons check reads and linearizability: they need the client history.
            Ok(mut s) => {
                s.set_record_history(true);
                s
            }
            Err(e) => {
                self.last_error = Some(super::errors::translate(&e));
                return;
            }
        };
        self.replace_session(session);
        self.selected = super::controller::Selection::None;
        // Slow enough to follow a message, quick enough for a step to take seconds.
        self.speed = self.speed.max(LESSON_SPEED);
        let at = at.min(lesson.steps.len().saturating_sub(1));
        self.lesson = Some(LessonState { lesson, step: 0, phase: Phase::Done, after_reader: false, starts: Vec::new(), stop_at: None });
        for k in 0..at {
            if !self.enter_step(k, false) {
                return;
            }
            if !self.do_for_reader() {
                return;
            }
        }
        self.enter_step(at, true);
    }

    /// Begins step `k`: plays it on a copy first; if its story holds, queues its commands
    /// and plays them (or, when `animate` is false, carries them out at once). False if the
    /// story does not hold.
    fn enter_step(&mut self, k: usize, animate: bool) -> bool {
        let start =
            StepStart { time: self.now(), actions: self.session.actions().len(), told: self.narrated_total, next_value: self.next_value };
        let Some(l) = self.lesson.as_mut() else { return false };
        l.starts.truncate(k);
        l.starts.push(start);
        l.step = k;
        l.after_reader = false;
        let plan = plan_step(self.session.world(), &l.lesson.steps[k]);
        let plan = match plan {
            Ok(p) => p,
            Err(f) => {
                l.phase = Phase::Blocked(f.command);
                l.stop_at = None;
                self.set_playing(false);
                return false;
            }
        };
        l.phase = Phase::Playing;
        l.stop_at = Some(plan.end);
        // A Zeebe lesson's step shows the partition it is about.
        if let Some(p) = l.lesson.steps[k].partition {
            self.group = p - 1;
        }
        self.queued.clear();
        self.queued.extend(plan.actions);
        if animate {
            self.advance(start.time);
            self.absorb();
            self.set_playing(true);
            self.lesson_check();
        } else {
            self.advance(plan.end);
            self.absorb();
            self.end_step();
        }
        true
    }

    /// The step's commands have played: pause, and wait for the reader if it asks.
    fn end_step(&mut self) {
        self.set_playing(false);
        let Some(l) = self.lesson.as_mut() else { return };
        l.stop_at = None;
        let interactive = l.lesson.steps[l.step].is_interactive();
        let last = l.step + 1 == l.lesson.steps.len();
        l.phase = match (interactive, last) {
            (true, _) => Phase::Waiting,
            (false, true) => Phase::Finished,
            (false, false) => Phase::Done,
        };
    }

    /// Carries out the step's "do it for me" commands; true if the step then sees its
    /// condition met.
    fn do_for_reader(&mut self) -> bool {
        let Some(l) = self.lesson.as_ref() else { return false };
        let step = &l.lesson.steps[l.step];
        let actions: Vec<Cmd> = step.actions.iter().map(|(_, c)| c.clone()).collect();
        for cmd in actions {
            self.act(cmd);
        }
        let Some(l) = self.lesson.as_ref() else { return false };
        let step = &l.lesson.steps[l.step];
        first_failing(&step.when, self.session.world(), &|e| self.session.check(e)).is_none()
    }

    /// Goes back to the exact start of step `k` and plays it again.
    fn replay_step(&mut self, k: usize) {
        let Some(start) = self.lesson.as_ref().and_then(|l| l.starts.get(k).copied()) else { return };
        self.queued.clear();
        if self.session.rewind(start.time, start.actions) {
            self.forget_after(start.time, start.told);
            self.next_value = start.next_value;
        }
        self.enter_step(k, true);
    }

    /// A lesson action from the narration panel.
    pub(super) fn lesson_action(&mut self, action: &Action) {
        let Some(l) = self.lesson.as_ref() else { return };
        let (step, phase, steps) = (l.step, l.phase.clone(), l.lesson.steps.len());
        match action {
            Action::LessonNext => match phase {
                Phase::Playing => {
                    // Skip to the end of the step.
                    if let Some(end) = l.stop_at {
                        self.advance(end);
                        self.absorb();
                        self.end_step();
                    }
                }
                Phase::Done if step + 1 < steps => {
                    self.enter_step(step + 1, true);
                }
                Phase::Done => self.end_step(),
                _ => {}
            },
            Action::LessonBack => self.replay_step(step.saturating_sub(1)),
            Action::LessonReplay => self.replay_step(step),
            Action::LessonRestart => self.replay_step(0),
            Action::LessonDo if phase == Phase::Waiting => {
                self.do_for_reader();
                self.lesson_check();
            }
            Action::LessonLeave => {
                self.lesson = None;
                self.queued.clear();
                // Free play may run for hours: stop growing the history.
                self.session.set_record_history(false);
            }
            _ => {}
        }
    }

    /// After anything happened: a step that played to its end stops; a waiting step looks
    /// at what the reader did.
    pub(super) fn lesson_check(&mut self) {
        let Some(l) = self.lesson.as_ref() else { return };
        match l.phase {
            Phase::Playing if l.stop_at.is_some_and(|end| self.now() >= end) => self.end_step(),
            Phase::Waiting => {
                let step = &l.lesson.steps[l.step];
                let world = self.session.world();
                let check = |e: &crate::script::ast::Expect| self.session.check(e);
                // What the reader did is detected by its effect; anything else that breaks
                // what the story needs takes the cluster off it.
                if first_failing(&step.when, world, &check).is_some() {
                    if let Some((cond, _)) = first_failing(&step.keep, world, &check) {
                        let why = super::catalog::fill(super::catalog::cat().lesson_keep_failed, &[("condition", &cond.text())]);
                        self.lesson_off_path(why);
                    }
                } else {
                    let next = l.step + 1;
                    if next < l.lesson.steps.len() {
                        self.enter_step(next, true);
                        if let Some(l) = self.lesson.as_mut() {
                            l.after_reader = true;
                        }
                    } else if let Some(l) = self.lesson.as_mut() {
                        l.phase = Phase::Finished;
                    }
                }
            }
            _ => {}
        }
    }

    /// The reader (or time travel) took the cluster off the lesson's story.
    pub(super) fn lesson_off_path(&mut self, why: String) {
        let Some(l) = self.lesson.as_mut() else { return };
        if matches!(l.phase, Phase::OffPath(_) | Phase::Blocked(_) | Phase::Finished) {
            return;
        }
        l.phase = Phase::OffPath(why);
        l.stop_at = None;
        self.queued.clear();
        self.set_playing(false);
    }

    /// The nodes the current step talks about (rings in the drawing).
    pub fn lesson_focus(&self) -> Vec<NodeId> {
        let Some(l) = self.lesson.as_ref() else { return Vec::new() };
        let mut out: Vec<NodeId> = Vec::new();
        for f in &l.lesson.steps[l.step].highlight {
            let id = match f {
                Focus::Node(n) => Some(*n),
                Focus::Leader => self.leader(),
            };
            if let Some(id) = id.filter(|id| !out.contains(id)) {
                out.push(id);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::SECOND;
    use crate::view::controller::Prefs;

    const SMALL: &str = "\
id: small
title: Small
title.zh: 小
summary: One election, one crash.
summary.zh: 一次选举，一次崩溃。
cluster nodes=3 seed=5

step
say: Node 1 times out first and wins term 1.
say.zh: 节点 1 最先超时，赢得任期 1。
highlight: leader
timeout 1
await leader 1 term=1 within 1s
run 200ms

step
say: Crash the leader.
say.zh: 让领导者崩溃。
ask: Crash node 1.
ask.zh: 让节点 1 崩溃。
when: role 1 crashed
do: crash 1
keep: role 2 follower

step
say: Another node wins a later term.
say.zh: 另一个节点在更高的任期当选。
await leader in 2,3 term>=2 within 5s
expect leader in 2,3
";

    fn controller() -> Controller {
        let prefs = Prefs::default();
        Controller::new(Session::new(prefs.spec(1)).unwrap(), 1, prefs)
    }

    fn play(c: &mut Controller, ms: u32) {
        let start = c.last_frame_ms();
        for k in 0..=(ms / 16) {
            c.frame(start + 1.0 + 16.0 * k as f64);
        }
    }

    fn phase(c: &Controller) -> (usize, Phase) {
        let l = c.lesson.as_ref().unwrap();
        (l.step, l.phase.clone())
    }

    #[test]
    fn a_lesson_plays_its_steps_waits_for_the_reader_and_goes_on_when_they_act() {
        let mut c = controller();
        c.dispatch(Action::OpenLesson(Box::new(Lesson::parse(SMALL).unwrap()), 0));
        assert_eq!(phase(&c), (0, Phase::Playing));
        assert!(c.playing);
        c.dispatch(Action::Speed(1.0));
        play(&mut c, 600);
        assert_eq!(phase(&c), (0, Phase::Done), "the step ended and the page paused");
        assert!(!c.playing);
        assert_eq!(c.now() % crate::sim::MS, 0);
        assert_eq!(c.lesson_focus(), vec![1]);
        c.dispatch(Action::LessonNext);
        assert_eq!(phase(&c), (1, Phase::Waiting), "an interactive step without commands waits at once");
        // Something else: the step keeps waiting.
        c.dispatch(Action::Request(None));
        assert_eq!(phase(&c), (1, Phase::Waiting));
        // The reader crashes node 1 with the inspector's button (any control).
        c.dispatch(Action::Act(Cmd::Crash(crate::script::ast::Target::Node(1))));
        let l = c.lesson.as_ref().unwrap();
        assert_eq!((l.step, l.after_reader), (2, true), "detected, and the story goes on");
        c.dispatch(Action::LessonNext);
        assert!(c.leader().is_some_and(|l| l != 1), "skipped to the end of the step");
        assert_eq!(phase(&c), (2, Phase::Finished));
    }

    #[test]
    fn back_returns_to_the_exact_start_of_the_previous_step() {
        let mut c = controller();
        c.dispatch(Action::OpenLesson(Box::new(Lesson::parse(SMALL).unwrap()), 2));
        assert_eq!(phase(&c).0, 2, "opened at step 3, after doing step 2 for the reader");
        assert!(!c.session.world().is_up(1));
        let told = c.narration.len();
        c.dispatch(Action::LessonNext);
        let end = c.now();
        c.dispatch(Action::LessonBack);
        assert_eq!(phase(&c), (1, Phase::Waiting));
        assert!(c.session.world().is_up(1), "the crash is undone: back before the reader acted");
        assert!(c.now() < end);
        assert!(c.narration.len() < told);
        c.dispatch(Action::LessonDo);
        assert_eq!(phase(&c).0, 2);
        c.dispatch(Action::LessonNext);
        assert_eq!(c.now(), end, "the same story again, to the microsecond");
    }

    #[test]
    fn breaking_the_story_is_said_and_the_step_can_be_replayed() {
        let mut c = controller();
        c.dispatch(Action::OpenLesson(Box::new(Lesson::parse(SMALL).unwrap()), 1));
        assert_eq!(phase(&c), (1, Phase::Waiting));
        let at = c.now();
        c.dispatch(Action::Act(Cmd::Crash(crate::script::ast::Target::Node(2))));
        assert!(matches!(phase(&c).1, Phase::OffPath(ref why) if why.contains("role 2 follower")), "{:?}", phase(&c));
        c.dispatch(Action::LessonReplay);
        assert_eq!(phase(&c), (1, Phase::Waiting));
        assert_eq!(c.now(), at);
        assert!(c.session.world().is_up(2));
        // Acting while a step plays takes the cluster off the story too.
        c.dispatch(Action::LessonBack);
        assert_eq!(phase(&c), (0, Phase::Playing));
        c.dispatch(Action::Heal);
        assert!(matches!(phase(&c).1, Phase::OffPath(_)));
        c.dispatch(Action::LessonLeave);
        assert!(c.lesson.is_none());
    }

    #[test]
    fn a_step_whose_story_does_not_hold_is_not_told() {
        let text = SMALL.replace("expect leader in 2,3", "expect leader 1");
        let mut c = controller();
        c.dispatch(Action::OpenLesson(Box::new(Lesson::parse(&text).unwrap()), 1));
        c.dispatch(Action::LessonDo);
        assert_eq!(phase(&c), (2, Phase::Blocked("expect leader 1".to_string())));
        assert!(!c.playing);
    }

    #[test]
    fn progress_and_index_read_what_they_write() {
        let mut p = Progress::decode("election=3/9;bad;x=9/2;partition=9/9");
        assert_eq!(p.of("election"), Some((3, 9)));
        assert_eq!(p.of("x"), None);
        assert!(p.reach("election", 5, 9));
        assert!(!p.reach("election", 4, 9));
        assert!(p.reach("reads", 1, 6));
        assert_eq!(Progress::decode(&p.encode()), p);
        let lesson = Lesson::parse(SMALL).unwrap();
        let index = parse_index(&index_entry(&lesson));
        assert_eq!(index, vec![LessonInfo { id: "small".into(), title: lesson.title.clone(), summary: lesson.summary.clone() }]);
        let _ = SECOND;
    }
}
