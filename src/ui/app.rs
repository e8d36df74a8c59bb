//! The page: layout, the animation loop, keyboard shortcuts.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use gloo::render::{request_animation_frame, AnimationFrame};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::charts::Charts;
use super::cluster::{ClusterView, Legend};
use super::controls::{Controls, Header, Timeline};
use super::events::EventLog;
use super::help::Help;
use super::lesson::{lesson_panel, lessons_menu};
use super::logs::LogsView;
use super::panels::{confirm_replace, Inspector, Invariants, Notices};
use super::platform;
use super::share::SharePanel;
use super::topology::topology;
use super::{Action, Controller, Ctl};
use crate::script::ast::Cmd;
use crate::script::session::Session;
use crate::view::catalog::cat;
use crate::view::controller::{Prefs, Selection};

thread_local! {
    /// Problems met before the page was built (a language that could not be loaded).
    static STARTUP: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// A notice for the page to show when it starts.
pub fn startup_notice(text: String) {
    STARTUP.with(|s| s.borrow_mut().push(text));
}

/// The controller the page starts with, from the URL and the saved settings. Every
/// problem becomes a notice; the page always starts.
fn build_controller() -> Controller {
    let (params, mut notices) = platform::page_params();
    let mut prefs = platform::load_prefs();
    if let Some(n) = params.nodes {
        prefs.nodes = n;
    }
    prefs.zeebe = params.zeebe;
    let seed = params.seed.unwrap_or_else(platform::fresh_seed);
    let fallback = |prefs: &Prefs, seed: u64| Session::new(prefs.spec(seed)).or_else(|_| Session::new(Prefs::default().spec(seed)));
    let scenario_text = match (&params.session, &params.scenario) {
        (Some(token), _) => match crate::view::permalink::decode(token) {
            Ok(s) => Some(crate::script::print(&s)),
            Err(e) => {
                notices.push(format!("link: {}", crate::view::errors::translate(&e.to_string())));
                None
            }
        },
        (None, Some(text)) => Some(text.clone()),
        _ => None,
    };
    let mut from_text = false;
    let session = match &scenario_text {
        // Commands without a `cluster` line speak of the address's cluster (broker ids in
        // Zeebe mode).
        Some(text) => match crate::script::parse::parse_with(text, prefs.zeebe) {
            Ok(mut scenario) => {
                if !matches!(scenario.commands.first(), Some(Cmd::Cluster(_))) {
                    scenario.commands.insert(0, Cmd::Cluster(prefs.spec(seed)));
                    scenario.lines.insert(0, 0);
                }
                match Session::from_scenario(&scenario) {
                    Ok(s) => {
                        from_text = true;
                        Ok(s)
                    }
                    Err(e) => {
                        notices.push(format!("scenario: {}", crate::view::errors::translate(&e)));
                        fallback(&prefs, seed)
                    }
                }
            }
            Err(e) => {
                notices.push(format!("scenario: {}", crate::view::errors::parse_error(&e)));
                fallback(&prefs, seed)
            }
        },
        None => fallback(&prefs, seed),
    };
    let session = session.unwrap_or_else(|_| Session::new(Default::default()).expect("the default cluster is valid"));
    let seed = session.spec().seed.unwrap_or(seed);
    let mut c = Controller::new(session, seed, prefs);
    if from_text {
        if let Some(text) = &scenario_text {
            c.set_source(text);
        }
    }
    // A permalink (or a scenario with `t=`) opens at that moment; a link that could not be
    // used falls back to a fresh cluster from its start.
    let open_at = params.time.filter(|_| from_text);
    if let Some(t) = open_at {
        c.dispatch(Action::Seek(t * crate::sim::MS));
    }
    c.caption = params.caption.clone();
    if let Some(s) = params.speed {
        c.speed = s;
        c.fixed_speed = Some(s);
    }
    if let Some(t) = params.theme {
        c.prefs.theme = t;
    }
    c.embed = params.embed;
    STARTUP.with(|s| notices.extend(s.borrow_mut().drain(..)));
    c.notices = notices;
    c.set_playing(params.plays(open_at.is_some()));
    c
}

fn is_typing(e: &web_sys::KeyboardEvent) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .map(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA") || el.has_attribute("contenteditable"))
        .unwrap_or(false)
}

fn shortcut(e: &web_sys::KeyboardEvent) -> Option<Action> {
    if e.ctrl_key() || e.meta_key() || e.alt_key() || is_typing(e) {
        return None;
    }
    Some(match e.key().as_str() {
        " " => Action::TogglePlay,
        "s" | "S" | "ArrowRight" => Action::Step,
        "r" | "R" => Action::Request(None),
        "c" | "C" => Action::ToggleSelectedNode,
        "l" | "L" => Action::IsolateLeader,
        "h" | "H" => Action::Heal,
        "+" | "=" => Action::Faster,
        "-" | "_" => Action::Slower,
        "?" => Action::ToggleHelp,
        "Escape" => Action::CloseOverlays,
        _ => return None,
    })
}

#[function_component]
pub fn App() -> Html {
    let ctl = use_mut_ref(build_controller);
    let update = use_force_update();
    let frame_count = use_mut_ref(|| 0u64);
    let slow = use_mut_ref(|| (0u64, 0.0f64));
    let charts = use_mut_ref(|| (0u64, 0.0f64));

    let dispatch = {
        let ctl = ctl.clone();
        let update = update.clone();
        use_memo((), move |_| {
            Callback::from(move |action: Action| {
                {
                    let mut c = ctl.borrow_mut();
                    c.dispatch(action);
                    // An embedded playground shows someone else's settings: it keeps them
                    // to itself instead of changing the visitor's.
                    if !c.embed {
                        platform::save_prefs(&c.prefs);
                        remember_lesson(&c);
                    }
                    platform::apply_theme(c.prefs.theme);
                }
                update.force_update();
            })
        })
    };
    let dispatch: Callback<Action> = (*dispatch).clone();

    // The animation loop runs only while playing: a paused page does no work per frame.
    let playing = ctl.borrow().playing;
    {
        let ctl = ctl.clone();
        let update = update.clone();
        let frame_count = frame_count.clone();
        use_effect_with(playing, move |&playing| {
            let handle: Rc<RefCell<Option<AnimationFrame>>> = Rc::new(RefCell::new(None));
            if playing {
                schedule(handle.clone(), ctl, update, frame_count);
            }
            move || {
                handle.borrow_mut().take();
            }
        });
    }

    // Theme, once at start; and the lesson the address asks for.
    {
        let ctl = ctl.clone();
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            platform::apply_theme(ctl.borrow().prefs.theme);
            let (params, _) = platform::page_params();
            if let Some(id) = params.lesson {
                super::lesson::open(id, params.step.map_or(0, |s| s as usize - 1), dispatch);
            }
        });
    }

    // Keyboard shortcuts.
    {
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            let doc = gloo::utils::document();
            let listener = EventListener::new_with_options(&doc, "keydown", EventListenerOptions::enable_prevent_default(), move |e| {
                let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else { return };
                // While the page asks something, Tab goes to the question first.
                if e.key() == "Tab" {
                    let doc = gloo::utils::document();
                    let outside = doc.active_element().is_none_or(|a| a.closest(".dialog").ok().flatten().is_none());
                    if let (true, Some(b)) =
                        (outside, doc.get_element_by_id("replace-cancel").and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok()))
                    {
                        e.prevent_default();
                        let _ = b.focus();
                    }
                }
                if let Some(action) = shortcut(e) {
                    if matches!(action, Action::TogglePlay | Action::Step) {
                        e.prevent_default();
                    }
                    dispatch.emit(action);
                }
            });
            move || drop(listener)
        });
    }

    let c = ctl.borrow();
    // Changes every animation frame and after every action (frames stop while paused).
    let frame = *frame_count.borrow() + c.version;
    // The slower panels follow at most four times a second while playing, at once
    // after a user action.
    let slow_version = {
        let mut s = slow.borrow_mut();
        let now_ms = js_sys::Date::now();
        if !c.playing || now_ms - s.1 >= 250.0 {
            *s = (c.version, now_ms);
        }
        s.0
    };
    // The charts follow once a second.
    let chart_version = {
        let mut s = charts.borrow_mut();
        let now_ms = js_sys::Date::now();
        if !c.playing || now_ms - s.1 >= 1000.0 {
            *s = (c.version, now_ms);
        }
        s.0
    };
    let ctl_prop = Ctl(ctl.clone());
    let embed = c.embed;
    let zeebe = c.zeebe().is_some();
    let selected = !matches!(c.selected, Selection::None);
    drop(c);

    if embed {
        return html! {
            <div class="app embed">
                <Header ctl={ctl_prop.clone()} version={frame} dispatch={dispatch.clone()} compact=true />
                <Notices ctl={ctl_prop.clone()} version={slow_version} dispatch={dispatch.clone()} />
                { caption(&ctl.borrow()) }
                <main class="embed-stage">
                    <ClusterView ctl={ctl_prop.clone()} version={frame} dispatch={dispatch.clone()} />
                </main>
                { lesson_panel(&ctl.borrow(), &dispatch) }
            </div>
        };
    }

    // The skip link takes the keyboard straight to the controls (a focusable target: the
    // next Tab reaches the first control); the footer links to the other pages.
    let skip = format!(r##"<a class="skip-link" href="#controls">{}</a>"##, super::markup::esc(cat().skip_to_controls));
    let stage = html! {
        <section class="card stage" aria-label={cat().cluster}>
            { lesson_panel(&ctl.borrow(), &dispatch) }
            <div class="stage-body">
                { caption(&ctl.borrow()) }
                <ClusterView ctl={ctl_prop.clone()} version={frame} dispatch={dispatch.clone()} />
                <Timeline ctl={ctl_prop.clone()} version={frame} slow={slow_version} dispatch={dispatch.clone()} />
                <Legend />
            </div>
        </section>
    };
    let footer = format!(
        r#"<footer class="site-links"><a href="./embed.html">{}</a><a href="./api.html">{}</a><a href="./language.html">{}</a></footer>"#,
        super::markup::esc(cat().link_embed),
        super::markup::esc(cat().link_api),
        super::markup::esc(cat().link_language)
    );
    html! {
        <div class="app">
            { Html::from_html_unchecked(AttrValue::from(skip)) }
            <Header ctl={ctl_prop.clone()} version={frame} dispatch={dispatch.clone()} compact=false />
            <Notices ctl={ctl_prop.clone()} version={slow_version} dispatch={dispatch.clone()} />
            <main class="layout">
                <div class="col main-col">
                    if zeebe {
                        <div class="zduo">{ stage }{ topology(&ctl.borrow(), &dispatch) }</div>
                    } else {
                        { stage }
                    }
                    <section class="card logs" aria-label={cat().logs}>
                        <LogsView ctl={ctl_prop.clone()} version={slow_version} dispatch={dispatch.clone()} />
                    </section>
                    <div class="duo">
                        <section class="card events" aria-label={cat().events}>
                            <EventLog ctl={ctl_prop.clone()} version={slow_version} dispatch={dispatch.clone()} />
                        </section>
                        <section class="card charts" aria-label={cat().charts}>
                            <Charts ctl={ctl_prop.clone()} version={chart_version} dispatch={dispatch.clone()} />
                        </section>
                    </div>
                </div>
                <aside class="col side">
                    <section class={classes!("card", "inspector", selected.then_some("active"))} aria-label={cat().inspector}>
                        <Inspector ctl={ctl_prop.clone()} version={frame} dispatch={dispatch.clone()} />
                    </section>
                    <section id="controls" tabindex="-1" class="card controls" aria-label={cat().controls}>
                        <Controls ctl={ctl_prop.clone()} version={slow_version} dispatch={dispatch.clone()} />
                    </section>
                    <section class="card invariants" aria-label={cat().invariants}>
                        <Invariants ctl={ctl_prop.clone()} version={slow_version} dispatch={dispatch.clone()} />
                    </section>
                    <section class="card share" aria-label={cat().share}>
                        <SharePanel ctl={ctl_prop.clone()} version={slow_version} dispatch={dispatch.clone()} />
                    </section>
                </aside>
            </main>
            { Html::from_html_unchecked(AttrValue::from(footer)) }
            <Help ctl={ctl_prop.clone()} version={slow_version} dispatch={dispatch.clone()} />
            { lessons_menu(&ctl.borrow(), &dispatch) }
            { confirm_replace(&ctl.borrow(), &dispatch) }
        </div>
    }
}

/// Keeps the reader's progress and the address in step with the lesson on show.
fn remember_lesson(c: &Controller) {
    use crate::view::lesson::{Phase, Progress};
    let now = c.lesson.as_ref().map(|l| (l.lesson.id.as_str(), l.step, l.lesson.steps.len(), l.phase == Phase::Finished));
    if let Some((id, step, total, finished)) = now {
        let mut p = Progress::decode(&platform::load_progress());
        let reached = if finished { total } else { step + 1 };
        if p.reach(id, reached as u32, total as u32) {
            platform::save_progress(&p.encode());
        }
    }
    platform::show_lesson_in_address(now.map(|(id, step, ..)| (id, step + 1)));
}

/// One line of story above the cluster: the scenario's latest comment, or the page's
/// `caption=`. Nothing when there is neither.
fn caption(c: &Controller) -> Html {
    let Some(text) = c.caption_now() else { return Html::default() };
    let t = super::markup::esc(text);
    Html::from_html_unchecked(AttrValue::from(format!(r#"<p class="caption" title="{t}" aria-live="polite">{t}</p>"#)))
}

fn schedule(
    handle: Rc<RefCell<Option<AnimationFrame>>>,
    ctl: Rc<RefCell<Controller>>,
    update: UseForceUpdateHandle,
    count: Rc<RefCell<u64>>,
) {
    let next = handle.clone();
    let frame = request_animation_frame(move |timestamp| {
        ctl.borrow_mut().frame(timestamp);
        *count.borrow_mut() += 1;
        update.force_update();
        if ctl.borrow().playing {
            schedule(next, ctl, update, count);
        }
    });
    *handle.borrow_mut() = Some(frame);
}
