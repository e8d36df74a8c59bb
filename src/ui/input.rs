//! What the reader's clicks, changes, keys and drags ask of the page: one listener per
//! event type on the page's root (and the keyboard shortcuts on the document), reading the
//! `data-*` attributes of the markup: `data-act` on what is clicked (and `data-arg`, or the
//! page contract's `data-node-id`, `data-message`, `data-time`), `data-set` on form
//! controls. Every action goes through [`App::act`].

use std::rc::Rc;

use wasm_bindgen::JsCast;

use super::app::{shortcut, App};
use super::controls::{self, control_value};
use super::dom::{document, listen, window, Listener};
use super::markup::target_attr;
use super::{app, events, lesson, panels, platform, share, topology, Action};
use crate::raft::NodeId;
use crate::sim::MS;
use crate::view::catalog::{cat, fill};
use crate::view::controller::Selection;
use crate::view::geometry::speed_from_slider;
use crate::view::narrate::Category;
use crate::view::params::{Lang, Theme};

/// Listens to the page: on `root`, the document (shortcuts) and the window (resizes).
pub fn listen_all(app: &Rc<App>, root: &web_sys::Element) -> Vec<Listener> {
    let on = |target: &web_sys::EventTarget, kind: &str, f: fn(&App, &web_sys::Event)| {
        let app = app.clone();
        listen(target, kind, move |e| f(&app, &e))
    };
    vec![
        on(root, "click", click),
        on(root, "input", input),
        on(root, "change", change),
        on(root, "keydown", key),
        on(root, "dragstart", drag_start),
        on(root, "dragover", drag_over),
        on(root, "drop", drop),
        on(root, "pointerdown", focus),
        on(root, "focusin", focus),
        on(&document(), "keydown", shortcut_key),
        on(&window(), "resize", |app, _| app.measure()),
    ]
}

fn attr(el: &web_sys::Element, name: &str) -> String {
    el.get_attribute(name).unwrap_or_default()
}

fn click(app: &App, e: &web_sys::Event) {
    if let Some(actions) = topology::click(e) {
        return app.act(actions);
    }
    let Some((el, act)) = target_attr(e, "data-act") else { return };
    let arg = attr(&el, "data-arg");
    let number = |name: &str| attr(&el, name).parse::<u64>().ok();
    let actions = match act.as_str() {
        "play" => vec![Action::TogglePlay],
        "step" => vec![Action::Step],
        "replay" => vec![Action::Replay],
        "help" => vec![Action::ToggleHelp],
        "lessons" => vec![Action::ToggleLessons],
        "dismiss" => vec![Action::DismissNotices],
        "back-to-now" => vec![Action::BackToLatest],
        "deselect" => vec![Action::Select(Selection::None)],
        "node" => match number("data-node-id") {
            Some(id) => vec![Action::Select(Selection::Node(id as NodeId))],
            None => return,
        },
        "message" => match number("data-message") {
            Some(id) => vec![Action::Pause, Action::Select(Selection::Message(id))],
            None => return,
        },
        "time" => {
            let Some(t) = number("data-time") else { return };
            if let Some(list) = el.parent_element().filter(|l| l.class_list().contains("event-list")) {
                events::activate(&list, Some(el));
            }
            vec![Action::Pause, Action::Seek(t)]
        }
        "replace" => vec![Action::ConfirmReplace],
        "cancel-replace" => vec![Action::CancelReplace],
        "lesson-next" => vec![Action::LessonNext],
        "lesson-back" => vec![Action::LessonBack],
        "lesson-do" => vec![Action::LessonDo],
        "lesson-replay" => vec![Action::LessonReplay],
        "lesson-free" => vec![Action::LessonLeave],
        "open-lesson" => {
            lesson::open(arg, 0);
            if app.ctl.borrow().lessons_open {
                vec![Action::ToggleLessons]
            } else {
                return;
            }
        }
        "open-full" => return open_full(app, &el),
        // Inside a dialog: nothing (a click on the dimmed page around it closes it).
        "stay" => return,
        other => {
            let c = app.ctl.borrow();
            let mut view = app.view.borrow_mut();
            let Some(full) = view.full.as_mut() else { return };
            let found = panels::click(other, &arg, &c)
                .map(|a| vec![a])
                .or_else(|| controls::click(other, &arg, &c, &mut full.controls_state))
                .or_else(|| share::click(other, &c, &mut full.share_state))
                .or_else(|| full.logs.click(other).then(Vec::new));
            match found {
                Some(actions) => actions,
                None => return,
            }
        }
    };
    app.act(actions);
}

/// Sliders that act while they move: speed and the timeline.
fn input(app: &App, e: &web_sys::Event) {
    let Some((el, what)) = target_attr(e, "data-set") else { return };
    let v = control_value(&el);
    let actions = match what.as_str() {
        "speed" => vec![Action::Speed(speed_from_slider(v.parse::<u32>().map_or(0.0, f64::from)))],
        "timeline" => vec![Action::Pause, Action::Seek(v.parse::<u64>().unwrap_or(0) * MS)],
        _ => return,
    };
    app.act(actions);
}

fn change(app: &App, e: &web_sys::Event) {
    let Some((el, what)) = target_attr(e, "data-set") else { return };
    let v = control_value(&el);
    let actions = match what.as_str() {
        "speed" | "timeline" => return,
        "theme" => {
            let mut p = app.ctl.borrow().prefs.clone();
            p.theme = Theme::from_name(&v).unwrap_or(Theme::Auto);
            vec![Action::SetPrefs(p)]
        }
        "lang" => {
            let Some(lang) = Lang::from_tag(&v) else { return };
            wasm_bindgen_futures::spawn_local(async move {
                let failed = match platform::switch_language(lang).await {
                    Ok(()) => {
                        platform::remember_language(lang);
                        None
                    }
                    Err(e) => Some(Action::ImportFailed(fill(cat().lang_failed, &[("error", &e)]))),
                };
                app::act(failed.into_iter().chain([Action::LanguageChanged]));
            });
            return;
        }
        "filter-node" => vec![Action::FilterNode(v.parse().ok())],
        "category" => match attr(&el, "data-arg").parse::<usize>().ok().and_then(|k| Category::ALL.get(k)) {
            Some(&c) => vec![Action::ToggleCategory(c)],
            None => return,
        },
        other => {
            let c = app.ctl.borrow();
            let mut view = app.view.borrow_mut();
            let Some(full) = view.full.as_mut() else { return };
            if share::change(other, &el, &c, &mut full.share_state).is_some() {
                Vec::new()
            } else {
                match controls::change(other, &el, &c, &mut full.controls_state) {
                    Some(actions) => actions,
                    None => return,
                }
            }
        }
    };
    app.act(actions);
}

/// Keys inside the page: a node's button (Enter or Space selects it) and the event list.
fn key(app: &App, e: &web_sys::Event) {
    let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else { return };
    if let Some(actions) = events::key(e) {
        return app.act(actions);
    }
    let node = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .filter(|t| t.class_list().contains("hit"))
        .and_then(|t| t.closest("g.node").ok().flatten());
    if let (Some(node), "Enter" | " ") = (node, e.key().as_str()) {
        // The shortcuts (Space plays) do not see it.
        e.prevent_default();
        e.stop_propagation();
        if let Ok(id) = attr(&node, "data-node-id").parse() {
            app.act([Action::Select(Selection::Node(id))]);
        }
    }
}

/// The page's shortcuts; and while the page asks something, Tab goes to the question first.
fn shortcut_key(app: &App, e: &web_sys::Event) {
    let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else { return };
    if e.key() == "Tab" {
        let doc = document();
        let outside = doc.active_element().is_none_or(|a| a.closest(".dialog").ok().flatten().is_none());
        if let (true, Some(b)) = (outside, doc.get_element_by_id("replace-cancel").and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok()))
        {
            e.prevent_default();
            let _ = b.focus();
        }
    }
    if let Some(action) = shortcut(e) {
        if matches!(action, Action::TogglePlay | Action::Step) {
            e.prevent_default();
        }
        app.act([action]);
    }
}

/// The partition editor: a node chip dragged onto another group.
fn drag_start(_: &App, e: &web_sys::Event) {
    let (Some((_, chip)), Some(e)) = (target_attr(e, "data-chip"), e.dyn_ref::<web_sys::DragEvent>()) else { return };
    if let Some(dt) = e.data_transfer() {
        let _ = dt.set_data("text/plain", &chip);
    }
}

fn drag_over(_: &App, e: &web_sys::Event) {
    if target_attr(e, "data-bin").is_some() {
        e.prevent_default();
    }
}

fn drop(app: &App, e: &web_sys::Event) {
    let Some((_, bin)) = target_attr(e, "data-bin") else { return };
    e.prevent_default();
    let dt = e.dyn_ref::<web_sys::DragEvent>().and_then(|d| d.data_transfer());
    let id = dt.and_then(|dt| dt.get_data("text/plain").ok()).and_then(|s| s.parse::<NodeId>().ok());
    if let (Some(id), Ok(bin)) = (id, bin.parse::<usize>()) {
        let action = controls::dropped(&app.ctl.borrow(), id, bin);
        app.act([action]);
    }
}

/// About to be used: the embed's ↗ link gets the address of this moment; a read-only
/// field to copy from selects its text.
fn focus(app: &App, e: &web_sys::Event) {
    if let Some((el, act)) = target_attr(e, "data-act") {
        if act == "open-full" {
            open_full(app, &el);
        }
    }
    if e.type_() == "focusin" {
        if let Some(i) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()).filter(|i| i.has_attribute("data-select"))
        {
            i.select();
        }
    }
}

/// Points the embed's ↗ link at this very moment in the full playground. It is written
/// when it is about to be used (pointer down, focus, click), not every frame.
fn open_full(app: &App, link: &web_sys::Element) {
    let _ = link.set_attribute("href", &share::link(&app.ctl.borrow()));
}
