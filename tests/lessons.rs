//! Every lesson in www/lessons/ runs here, natively, along its default path (doing what its
//! interactive steps ask, as "do it for me" does), with every expectation checked: a lesson
//! can never tell something the engine does not do. Its texts must be there in English and
//! Chinese, and the list of lessons (index.txt) must agree with the files.

use std::path::PathBuf;

use raft_playground::script::ast::{Cmd, Expect};
use raft_playground::script::lesson::{first_failing, run_step, Item, Lesson};
use raft_playground::script::session::Session;
use raft_playground::script::Runner;
use raft_playground::view::controller::{Action, Controller, Prefs};
use raft_playground::view::lesson::{index_entry, parse_index, Phase};

/// The lessons the page contract names, in the order the list shows them.
const IDS: [&str; 17] = [
    "election",
    "split-vote",
    "leader-crash",
    "replication",
    "log-repair",
    "voting-rule",
    "figure8",
    "partition",
    "prevote",
    "check-quorum",
    "membership",
    "snapshots",
    "transfer",
    "reads",
    "zeebe-partitions",
    "zeebe-broker-failure",
    "zeebe-priority",
];

/// Latin words a Chinese text may keep (names, as Chinese Raft texts write them).
const LATIN_OK: [&str; 26] = [
    "Raft",
    "ReadIndex",
    "AppendEntries",
    "RequestVote",
    "InstallSnapshot",
    "TimeoutNow",
    "Zeebe",
    "CheckQuorum",
    "Pre",
    "Vote",
    "Leader",
    "Follower",
    "Candidate",
    "Learner",
    "Lease",
    "Read",
    "no",
    "op",
    "commitIndex",
    "nextIndex",
    "matchIndex",
    "replicationFactor",
    "Broker",
    "Gateway",
    "ms",
    "Figure",
];

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("www/lessons")
}

fn lessons() -> Vec<(String, Lesson)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "lesson") {
            let text = std::fs::read_to_string(&path).unwrap();
            let name = path.file_stem().unwrap().to_string_lossy().to_string();
            let lesson = Lesson::parse(&text).unwrap_or_else(|e| panic!("{name}.lesson {e}"));
            out.push((name, lesson));
        }
    }
    out.sort_by_key(|(name, _)| IDS.iter().position(|i| i == name).unwrap_or(usize::MAX));
    out
}

/// Latin words of a Chinese text that are not names it may keep (code in `backticks` aside).
fn stray_latin(text: &str) -> Vec<String> {
    let outside_code: String = text.split('`').step_by(2).collect::<Vec<_>>().join(" ");
    outside_code
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 2 && !LATIN_OK.contains(w) && !(w.starts_with('x') && w.len() <= 2))
        .map(str::to_string)
        .collect()
}

#[test]
fn every_lesson_of_the_contract_is_there_once() {
    let names: Vec<String> = lessons()
        .into_iter()
        .map(|(n, l)| {
            assert_eq!(n, l.id, "{n}.lesson says `id: {}`", l.id);
            n
        })
        .collect();
    assert_eq!(names, IDS, "www/lessons/ holds exactly the lessons of the page contract");
}

#[test]
fn every_text_is_there_in_english_and_chinese() {
    for (name, l) in lessons() {
        let mut texts = vec![("title", &l.title), ("summary", &l.summary)];
        for s in &l.steps {
            texts.extend(s.say.iter().map(|t| ("say", t)));
            texts.extend(s.ask.iter().map(|t| ("ask", t)));
        }
        for (what, t) in texts {
            assert!(!t.en.trim().is_empty() && !t.zh.trim().is_empty(), "{name}: a `{what}:` without its `{what}.zh:` ({:?})", t.en);
            let stray = stray_latin(&t.zh);
            assert!(stray.is_empty(), "{name}: English words {stray:?} in the Chinese text {:?}", t.zh);
        }
    }
}

#[test]
fn every_step_checks_what_it_says() {
    for (name, l) in lessons() {
        for (k, s) in l.steps.iter().enumerate() {
            let only_asks = s.is_interactive() && s.commands.is_empty();
            assert!(s.expectations() > 0 || only_asks, "{name}: step {} (line {}) says something but checks nothing", k + 1, s.line);
        }
    }
}

#[test]
fn the_list_of_lessons_agrees_with_the_files() {
    let expected: String = lessons().iter().map(|(_, l)| index_entry(l)).collect::<Vec<_>>().join("\n");
    let path = dir().join("index.txt");
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(
            &path,
            format!("# The list of lessons the page shows (written by `BLESS=1 cargo test --test lessons`).\n\n{expected}"),
        )
        .unwrap();
    }
    let index = std::fs::read_to_string(&path).unwrap_or_default();
    let listed = parse_index(&index);
    let ids: Vec<&str> = listed.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, IDS, "www/lessons/index.txt (rewrite it with BLESS=1 cargo test --test lessons)");
    assert_eq!(listed, parse_index(&expected), "www/lessons/index.txt is out of date (BLESS=1 cargo test --test lessons)");
}

/// Plays a lesson's default path on a runner, step by step, with every expectation, and
/// the interactive steps done as "do it for me" does them. Returns the world's summary and
/// time at the end.
fn play_natively(name: &str, l: &Lesson) -> (String, u64) {
    let mut session = Session::from_scenario(&l.prelude).unwrap_or_else(|e| panic!("{name}: {e}"));
    session.set_record_history(true);
    let mut runner = Runner::from_world(session.world().clone());
    for (k, step) in l.steps.iter().enumerate() {
        let at = |what: &str| format!("{name}, step {} (line {}): {what}", k + 1, step.line);
        run_step(&mut runner, step).unwrap_or_else(|f| panic!("{}", at(&f.to_string())));
        if !step.is_interactive() {
            continue;
        }
        let r = &runner;
        if let Some((c, why)) = first_failing(&step.keep, &r.world, &|e| r.check(e)) {
            panic!("{}", at(&format!("`keep: {}` does not hold when the step waits: {why}", c.text())));
        }
        assert!(
            first_failing(&step.when, &r.world, &|e| r.check(e)).is_some(),
            "{}",
            at("its `when:` already holds before the reader acts")
        );
        for (line, cmd) in &step.actions {
            let now = runner.world.now();
            runner.world.run_until(now);
            runner.exec(cmd).unwrap_or_else(|e| panic!("{}", at(&format!("`do:` on line {line} was refused: {e}"))));
        }
        let r = &runner;
        if let Some((c, why)) = first_failing(&step.when, &r.world, &|e| r.check(e)) {
            panic!("{}", at(&format!("after its `do:`, `when: {}` does not hold: {why}", c.text())));
        }
    }
    // A lesson shows a safety violation only where it says so (with the break-it switch).
    let expects_violation =
        l.steps.iter().flat_map(|s| &s.commands).any(|(_, i)| matches!(i, Item::Cmd(Cmd::Expect(Expect::Violation { .. }))));
    if !expects_violation {
        assert!(runner.world.violations().is_empty(), "{name}: a safety violation: {:?}", runner.world.violations());
    }
    (runner.world.summary(0), runner.world.now())
}

/// Plays a lesson in the page's player, with Next and "do it for me".
fn play_in_player(name: &str, l: &Lesson) -> (String, u64) {
    let prefs = Prefs::default();
    let mut c = Controller::new(Session::new(prefs.spec(1)).unwrap(), 1, prefs);
    c.dispatch(Action::OpenLesson(Box::new(l.clone()), 0));
    for _ in 0..200 {
        let phase = c.lesson.as_ref().map(|s| s.phase.clone()).unwrap();
        match phase {
            Phase::Finished => return (c.session.world().summary(0), c.now()),
            Phase::Playing | Phase::Done => c.dispatch(Action::LessonNext),
            Phase::Waiting => c.dispatch(Action::LessonDo),
            other => panic!("{name}: the player stopped at step {}: {other:?}", c.lesson.as_ref().unwrap().step + 1),
        }
    }
    panic!("{name}: the player never finished");
}

#[test]
fn every_lesson_plays_its_default_path_with_every_claim_checked() {
    for (name, l) in lessons() {
        let native = play_natively(&name, &l);
        let page = play_in_player(&name, &l);
        assert_eq!(page, native, "{name}: the page's player and the native run end in the same state at the same time");
    }
}

#[test]
fn opening_at_a_step_reaches_it_as_playing_through_does() {
    for (name, l) in lessons() {
        let prefs = Prefs::default();
        let mut c = Controller::new(Session::new(prefs.spec(1)).unwrap(), 1, prefs);
        let last = l.steps.len() - 1;
        c.dispatch(Action::OpenLesson(Box::new(l.clone()), last));
        let state = c.lesson.as_ref().unwrap();
        assert_eq!(state.step, last, "{name}: opened at its last step");
        assert!(!matches!(state.phase, Phase::Blocked(_) | Phase::OffPath(_)), "{name}: {:?}", state.phase);
    }
}
