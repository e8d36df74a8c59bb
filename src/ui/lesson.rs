//! The lessons: the narration panel of the lesson being played, the list of lessons, and
//! fetching them (lessons are files served beside the page, fetched when opened).

use std::cell::RefCell;
use std::fmt::Write as _;

use super::markup::esc;
use super::{app, platform, Action, Controller};
use crate::script::lesson::Lesson;
use crate::view::catalog::{cat, fill};
use crate::view::lesson::{parse_index, LessonInfo, Phase, Progress};

/// The list of lessons as fetched, or why it could not be.
type Index = Result<Vec<LessonInfo>, String>;

thread_local! {
    /// The list of lessons: not asked for yet (`None`), on its way, or fetched.
    static INDEX: RefCell<Option<Option<Index>>> = const { RefCell::new(None) };
}

/// The list of lessons, if it has come; the first call fetches it (and redraws the page
/// when it comes).
fn index() -> Option<Index> {
    let known = INDEX.with(|i| i.borrow().clone());
    match known {
        Some(list) => list,
        None => {
            INDEX.with(|i| *i.borrow_mut() = Some(None));
            wasm_bindgen_futures::spawn_local(async move {
                let list = platform::fetch_text("./lessons/index.txt").await.map(|t| parse_index(&t));
                INDEX.with(|i| *i.borrow_mut() = Some(Some(list)));
                app::act([Action::Refresh]);
            });
            None
        }
    }
}

/// Fetches lesson `id` and opens it at step `at` (0-based), or says why it cannot.
pub fn open(id: String, at: usize) {
    wasm_bindgen_futures::spawn_local(async move {
        let lesson =
            platform::fetch_text(&format!("./lessons/{id}.lesson")).await.and_then(|text| Lesson::parse(&text).map_err(|e| e.to_string()));
        match lesson {
            Ok(l) => app::act([Action::OpenLesson(Box::new(l), at)]),
            Err(e) => app::act([Action::ImportFailed(fill(cat().lesson_load_failed, &[("id", &id), ("error", &e)]))]),
        }
    });
}

/// The panel that tells the current step, with Back, Next and what the reader should do.
pub fn lesson_panel(c: &Controller) -> String {
    match c.lesson.as_ref() {
        Some(state) => lesson_card_on_demand(state),
        None => String::new(),
    }
}

// `_on_demand`: kept out of line (also by wasm-opt: index.html), so that the page's split
// (scripts/split-wasm.py) can move it to the part fetched on first use.
#[inline(never)]
fn lesson_card_on_demand(state: &crate::view::lesson::LessonState) -> String {
    let lang = cat().lang;
    let l = &state.lesson;
    let step = &l.steps[state.step];
    let total = l.steps.len();
    let waiting = state.waiting();
    let mut body = String::new();
    if state.after_reader && state.phase != Phase::Finished {
        let _ = write!(body, r#"<p class="lesson-noticed">{}</p>"#, esc(cat().lesson_noticed));
    }
    for p in &step.say {
        let _ = write!(body, "<p>{}</p>", esc(p.get(lang)));
    }
    match &state.phase {
        Phase::Waiting => {
            if let Some(ask) = &step.ask {
                let _ = write!(
                    body,
                    r#"<div class="lesson-ask" role="status"><p><strong>{}</strong> {}</p><button type="button" data-lesson-do="" data-act="lesson-do">{}</button></div>"#,
                    esc(cat().lesson_your_turn),
                    esc(ask.get(lang)),
                    esc(cat().lesson_do)
                );
            }
        }
        Phase::OffPath(why) => {
            let _ = write!(
                body,
                r#"<div class="lesson-off" role="alert"><p>{}</p><button type="button" class="primary" data-lesson-replay="" data-act="lesson-replay">{}</button></div>"#,
                esc(why),
                esc(cat().lesson_replay)
            );
        }
        Phase::Blocked(check) => {
            let _ = write!(
                body,
                r#"<div class="lesson-off" role="alert"><p>{} <code>{}</code></p></div>"#,
                esc(cat().lesson_blocked),
                esc(check)
            );
        }
        Phase::Finished => {
            let _ = write!(body, r#"<p class="lesson-finished">{}</p>"#, esc(cat().lesson_finished));
            // The lesson after this one, once the list has come.
            if let Some(Ok(list)) = index() {
                if let Some(next) = list.iter().position(|i| i.id == l.id).and_then(|k| list.get(k + 1)) {
                    let _ = write!(
                        body,
                        r#"<p><button type="button" class="link" data-act="open-lesson" data-arg="{}">{}</button></p>"#,
                        esc(&next.id),
                        esc(&fill(cat().lesson_next_lesson, &[("title", &next.title.get(lang))]))
                    );
                }
            }
        }
        Phase::Playing | Phase::Done => {}
    }
    let playing = state.phase == Phase::Playing;
    let can_next = matches!(state.phase, Phase::Playing | Phase::Done);
    let mut dots = String::new();
    for k in 0..total {
        let class = if k < state.step {
            "dot past"
        } else if k == state.step {
            "dot now"
        } else {
            "dot"
        };
        let _ = write!(dots, r#"<span class="{class}"></span>"#);
    }
    let phase = match state.phase {
        Phase::Playing => "playing",
        Phase::Done => "done",
        Phase::Waiting => "waiting",
        Phase::OffPath(_) => "off-path",
        Phase::Blocked(_) => "blocked",
        Phase::Finished => "finished",
    };
    let count = fill(cat().lesson_step, &[("step", &(state.step + 1)), ("steps", &total)]);
    let next_label = if playing { cat().lesson_finish_step } else { cat().lesson_next };
    format!(
        r#"<div class="lesson" role="region" aria-label="{label}" data-lesson="{id}" data-lesson-step="{n}" data-lesson-steps="{total}" data-lesson-waiting="{waiting}" data-lesson-phase="{phase}"><div class="lesson-head"><h2><span class="lesson-kicker">{label}</span>{title}</h2><span class="lesson-count">{count}</span><button type="button" class="link lesson-free" data-lesson-free="" data-act="lesson-free">{free}</button></div><div class="lesson-body" aria-live="polite">{body}</div><div class="lesson-nav"><button type="button" data-lesson-back="" data-act="lesson-back">◀ {back}</button><span class="lesson-dots" aria-hidden="true">{dots}</span><button type="button" class="primary" data-lesson-next="" data-act="lesson-next"{disabled}>{next} ▶</button></div></div>"#,
        label = esc(cat().lesson_label),
        id = esc(&l.id),
        n = state.step + 1,
        title = esc(l.title.get(lang)),
        count = esc(&count),
        free = esc(cat().lesson_free),
        body = body,
        back = esc(cat().lesson_back),
        dots = dots,
        disabled = if can_next { "" } else { " disabled" },
        next = esc(next_label),
    )
}

/// The list of lessons, with a one-line summary and the reader's progress.
pub fn lessons_menu(c: &Controller) -> String {
    if !c.lessons_open {
        return String::new();
    }
    lessons_dialog_on_demand()
}

// `_on_demand`: kept out of line (also by wasm-opt: index.html), so that the page's split
// (scripts/split-wasm.py) can move it to the part fetched on first use.
#[inline(never)]
fn lessons_dialog_on_demand() -> String {
    let list = index();
    let lang = cat().lang;
    let progress = Progress::decode(&platform::load_progress());
    let mut m = String::new();
    let _ = write!(m, r#"<p class="hint">{}</p>"#, esc(cat().lessons_intro));
    match &list {
        None => {
            let _ = write!(m, r#"<p class="hint">{}</p>"#, esc(cat().lesson_loading));
        }
        Some(Err(e)) => {
            let _ = write!(m, r#"<p class="notice bad">{}</p>"#, esc(&fill(cat().lesson_load_failed, &[("id", &"index"), ("error", e)])));
        }
        Some(Ok(items)) => {
            let _ = write!(m, r#"<ol class="lesson-list" aria-label="{}">"#, esc(cat().lesson_list_label));
            for (k, item) in items.iter().enumerate() {
                let done = match progress.of(&item.id) {
                    Some((a, b)) if a >= b => format!(r#"<span class="lesson-progress done">✓ {}</span>"#, esc(cat().lesson_progress_done)),
                    Some((a, b)) => format!(
                        r#"<span class="lesson-progress">{}</span>"#,
                        esc(&fill(cat().lesson_progress, &[("step", &a), ("steps", &b)]))
                    ),
                    None => String::new(),
                };
                let _ = write!(
                    m,
                    r#"<li><button type="button" class="lesson-item" data-act="open-lesson" data-arg="{id}" data-lesson-id="{id}"><span class="lesson-n">{n}</span><span class="lesson-text"><b>{t}</b><small>{s}</small></span>{done}</button></li>"#,
                    id = esc(&item.id),
                    n = k + 1,
                    t = esc(item.title.get(lang)),
                    s = esc(item.summary.get(lang)),
                );
            }
            m.push_str("</ol>");
        }
    }
    // A click on the dimmed page around the dialog closes it, as its close button does.
    format!(
        r#"<div class="overlay" data-act="lessons"><div class="dialog lessons-dialog" role="dialog" aria-modal="true" aria-label="{t}" data-act="stay"><div class="panel-head"><h2>{t}</h2><button type="button" class="icon small" aria-label="{close}" data-act="lessons">×</button></div>{m}</div></div>"#,
        t = esc(cat().lessons_title),
        close = esc(cat().close),
    )
}
