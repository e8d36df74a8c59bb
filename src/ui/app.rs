//! The page: the controller, the skeleton of regions it is drawn into, the animation loop,
//! and the one door every action goes through ([`App::act`]).
//!
//! The skeleton is written once (and patched when the language changes); each region is
//! then drawn from the controller into its own element. Every frame (only while playing)
//! draws what moves: the clock, the cluster, the timeline, the inspector, the lesson panel;
//! the slower panels follow four times a second, the charts once a second, and everything
//! at once after an action or while paused.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::charts::charts_markup;
use super::cluster::{legend_markup, ClusterView};
use super::controls::{
    controls_markup, header_markup, horizon_text, timeline_marks, timeline_status, Clock, ControlsState, HeaderKey, TimelineSlider,
};
use super::dom::{morph, window, Listener, Slot, Text};
use super::events::EventsView;
use super::help::help_markup;
use super::lesson::{lesson_panel, lessons_menu};
use super::logs::LogsView;
use super::markup::esc;
use super::panels::{confirm_markup, inspector_markup, invariants_markup, notices_markup};
use super::platform;
use super::share::{share_markup, ShareState};
use super::topology::topology_markup;
use super::{Action, Controller};
use crate::script::ast::Cmd;
use crate::script::session::Session;
use crate::view::catalog::cat;
use crate::view::controller::{Prefs, Selection};
use crate::view::geometry::SIZE;

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
    let session =
        session.unwrap_or_else(|_| Session::new(Default::default()).unwrap_or_else(|_| unreachable!("the default cluster is valid")));
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

/// Whether a key goes to a form control (then it is not a shortcut).
fn is_typing(e: &web_sys::KeyboardEvent) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .map(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA") || el.has_attribute("contenteditable"))
        .unwrap_or(false)
}

/// The keyboard shortcut a key is, if any.
pub(super) fn shortcut(e: &web_sys::KeyboardEvent) -> Option<Action> {
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

thread_local! {
    /// The page, once mounted.
    static APP: RefCell<Option<Rc<App>>> = const { RefCell::new(None) };
}

/// Carries out actions on the page (from its listeners, and from fetches that finished).
pub fn act(actions: impl IntoIterator<Item = Action>) {
    if let Some(app) = APP.with(|a| a.borrow().clone()) {
        app.act(actions);
    }
}

type FrameCallback = Closure<dyn FnMut(f64)>;

/// The playground: its controller, the page as drawn, the animation loop.
pub struct App {
    pub(super) ctl: RefCell<Controller>,
    pub(super) view: RefCell<View>,
    /// The animation frame asked for, while playing.
    raf: Cell<Option<i32>>,
    tick: RefCell<Option<FrameCallback>>,
    listeners: RefCell<Vec<Listener>>,
}

/// Mounts the playground into `root`.
pub fn mount(root: web_sys::Element) {
    let c = build_controller();
    platform::apply_theme(c.prefs.theme);
    let view = View::new(root.clone(), c.embed, &c);
    let app = Rc::new(App {
        ctl: RefCell::new(c),
        view: RefCell::new(view),
        raf: Cell::new(None),
        tick: RefCell::new(None),
        listeners: RefCell::new(Vec::new()),
    });
    let tick = app.clone();
    *app.tick.borrow_mut() = Some(Closure::new(move |t: f64| tick.frame(t)));
    *app.listeners.borrow_mut() = super::input::listen_all(&app, &root);
    APP.with(|a| *a.borrow_mut() = Some(app.clone()));
    app.draw(true);
    app.measure();
    app.run_loop();
    // The lesson the address asks for.
    let (params, _) = platform::page_params();
    if let Some(id) = params.lesson {
        super::lesson::open(id, params.step.map_or(0, |s| s as usize - 1));
    }
}

impl App {
    /// Carries out `actions`, remembers what the reader chose, and draws the page.
    pub fn act(&self, actions: impl IntoIterator<Item = Action>) {
        {
            let mut c = self.ctl.borrow_mut();
            let mut any = false;
            for a in actions {
                c.dispatch(a);
                any = true;
            }
            // An embedded playground shows someone else's settings: it keeps them to itself
            // instead of changing the visitor's.
            if any && !c.embed {
                platform::save_prefs(&c.prefs);
                remember_lesson(&c);
            }
            platform::apply_theme(c.prefs.theme);
        }
        self.draw(true);
        self.run_loop();
    }

    /// Draws the page: `all` after an action (else what moves every frame, and the slower
    /// parts when their time has come).
    fn draw(&self, all: bool) {
        let c = self.ctl.borrow();
        self.view.borrow_mut().draw(&c, all);
    }

    /// Measures what the drawing depends on (the cluster's and the logs' size): when the
    /// page appears and when the window resizes.
    pub(super) fn measure(&self) {
        if self.view.borrow_mut().measure() {
            self.draw(true);
        }
    }

    /// One animation frame: time moves on by the real time since the last one.
    fn frame(&self, timestamp: f64) {
        self.raf.set(None);
        self.ctl.borrow_mut().frame(timestamp);
        self.draw(false);
        self.run_loop();
    }

    /// Asks for the next frame while playing; a paused page does no work per frame.
    fn run_loop(&self) {
        let playing = self.ctl.borrow().playing;
        match (playing, self.raf.get()) {
            (true, None) => {
                if let Some(tick) = self.tick.borrow().as_ref() {
                    self.raf.set(window().request_animation_frame(tick.as_ref().unchecked_ref()).ok());
                }
            }
            (false, Some(id)) => {
                let _ = window().cancel_animation_frame(id);
                self.raf.set(None);
            }
            _ => {}
        }
    }
}

/// The page's regions as drawn, and what the page remembers besides the controller.
pub struct View {
    root: web_sys::Element,
    embed: bool,
    /// The language the skeleton is written in.
    lang: &'static str,
    /// Whether the skeleton is Zeebe mode's (the brokers and partitions beside the cluster).
    zeebe: bool,
    header: Slot,
    header_key: Option<HeaderKey>,
    clock: Clock,
    notices: Slot,
    caption: Slot,
    lesson: Slot,
    pub(super) cluster: ClusterView,
    /// The drawing's user units per CSS pixel, in tenths.
    units: u64,
    /// The full page's parts (an embed has only those above).
    pub(super) full: Option<Full>,
    /// When the slower parts and the charts were drawn last (real ms).
    slow_at: f64,
    charts_at: f64,
}

/// The parts only the full page has.
pub struct Full {
    timeline: TimelineSlider,
    status: Slot,
    horizon: Text,
    marks: Slot,
    legend: Slot,
    /// Zeebe mode: the brokers and partitions.
    topology: Option<Slot>,
    pub(super) logs: LogsView,
    events: EventsView,
    charts: Slot,
    inspector: Slot,
    inspector_active: Option<bool>,
    controls: Slot,
    invariants: Slot,
    share: Slot,
    help: Slot,
    menu: Slot,
    confirm: Slot,
    pub(super) controls_state: ControlsState,
    pub(super) share_state: ShareState,
}

impl Full {
    fn find(root: &web_sys::Element, controls_state: ControlsState, share_state: ShareState) -> Full {
        Full {
            timeline: TimelineSlider::find(root),
            status: Slot::find(root, ".timeline-status"),
            horizon: Text::of(&Slot::find(root, ".timeline-end").el),
            marks: Slot::find(root, ".marks"),
            legend: Slot::find(root, ".legend-grid"),
            topology: root.query_selector("section.topology").ok().flatten().map(Slot::new),
            logs: LogsView::find(root),
            events: EventsView::find(root),
            charts: Slot::find(root, "section.charts"),
            inspector: Slot::find(root, ".inspector-body"),
            inspector_active: None,
            controls: Slot::find(root, ".controls-body"),
            invariants: Slot::find(root, ".invariants-body"),
            share: Slot::find(root, "section.share"),
            help: Slot::find(root, ".help-host"),
            menu: Slot::find(root, ".menu-host"),
            confirm: Slot::find(root, ".confirm-host"),
            controls_state,
            share_state,
        }
    }
}

impl View {
    fn new(root: web_sys::Element, embed: bool, c: &Controller) -> View {
        let zeebe = c.zeebe().is_some();
        root.set_inner_html(&skeleton(embed, zeebe));
        let full = (!embed).then(|| Full::find(&root, ControlsState::new(c.seed), ShareState::default()));
        View::found(root, embed, zeebe, full, 10)
    }

    /// The regions of the skeleton in `root`, nothing drawn in them yet.
    fn found(root: web_sys::Element, embed: bool, zeebe: bool, full: Option<Full>, units: u64) -> View {
        View {
            header: Slot::find(&root, "header.topbar"),
            header_key: None,
            clock: Clock::default(),
            notices: Slot::find(&root, ".notices-host"),
            caption: Slot::find(&root, ".caption-host"),
            lesson: Slot::find(&root, ".lesson-host"),
            cluster: ClusterView::find(&root),
            units,
            full,
            slow_at: f64::NEG_INFINITY,
            charts_at: f64::NEG_INFINITY,
            lang: cat().lang,
            zeebe,
            root,
            embed,
        }
    }

    /// After a change of language or of mode (Zeebe or classic): the skeleton is patched
    /// (what has the focus keeps it), every region is drawn anew; the layers kept by hand
    /// (messages, the event list) are emptied and drawn from scratch.
    fn rewrite(&mut self, zeebe: bool) {
        morph(&self.root, &skeleton(self.embed, zeebe));
        for layer in ["g.messages", ".event-list"] {
            if let Ok(Some(el)) = self.root.query_selector(layer) {
                el.set_inner_html("");
            }
        }
        let full = self.full.take().map(|f| {
            let mut found = Full::find(&self.root, f.controls_state, f.share_state);
            found.logs.keep_pager(&f.logs);
            found
        });
        *self = View::found(self.root.clone(), self.embed, zeebe, full, self.units);
    }

    /// Measures the drawing and the logs; returns whether anything drawn depends on a change.
    fn measure(&mut self) -> bool {
        let mut changed = false;
        if let Some(units) = self.cluster.measure() {
            changed |= units != self.units;
            self.units = units;
        }
        if let Some(f) = &mut self.full {
            changed |= f.logs.measure();
        }
        changed
    }

    fn draw(&mut self, c: &Controller, all: bool) {
        let zeebe = c.zeebe().is_some();
        let rewrite = cat().lang != self.lang || zeebe != self.zeebe;
        if rewrite {
            self.rewrite(zeebe);
        }
        self.draw_regions(c, all || rewrite);
        // A new skeleton may give the drawing another size (Zeebe mode's is narrower).
        if rewrite && self.measure() {
            self.draw_regions(c, true);
        }
    }

    fn draw_regions(&mut self, c: &Controller, mut all: bool) {
        // While paused nothing moves, and what is drawn is drawn whole.
        all |= !c.playing;
        let key = HeaderKey::of(c);
        if self.header_key.as_ref() != Some(&key) {
            self.header.patch(header_markup(c, self.embed));
            self.clock.found_in(&self.header.el);
            self.header_key = Some(key);
        }
        self.clock.show(c.now());
        self.notices.patch(notices_markup(c));
        self.caption.set(caption(c));
        self.cluster.draw(c, self.units);
        self.lesson.patch(lesson_panel(c));
        let Some(f) = &mut self.full else { return };
        f.timeline.show(c);
        f.horizon.show(horizon_text(c));
        f.status.patch(timeline_status(c));
        let active = !matches!(c.selected, Selection::None);
        if f.inspector_active != Some(active) {
            if let Some(section) = f.inspector.el.parent_element() {
                section.set_class_name(if active { "card inspector active" } else { "card inspector" });
            }
            f.inspector_active = Some(active);
        }
        f.inspector.patch(inspector_markup(c));
        if let Some(t) = &mut f.topology {
            t.patch(topology_markup(c));
        }
        let now = js_sys::Date::now();
        if all || now - self.slow_at >= 250.0 {
            self.slow_at = now;
            f.marks.set(timeline_marks(c));
            f.logs.draw(c);
            f.events.draw(c);
            f.controls.patch(controls_markup(c, &mut f.controls_state));
            f.invariants.patch(invariants_markup(c));
            f.share.patch(share_markup(c, &f.share_state));
            f.help.patch(help_markup(c));
            f.menu.patch(lessons_menu(c));
            f.confirm.patch(confirm_markup(c));
            f.legend.set(legend_markup());
        }
        if all || now - self.charts_at >= 1000.0 {
            self.charts_at = now;
            f.charts.set(charts_markup(c));
        }
    }
}

/// The cluster drawing's frame: its layers are drawn by [`ClusterView`]. Zeebe mode has the
/// partition shown above the drawing.
fn cluster_frame(zeebe: bool) -> String {
    format!(
        r#"<div class="cluster-wrap">{}<svg class="cluster" viewBox="0 0 {size} {size}" role="group" aria-label="{}" data-act="deselect"><g class="links" data-keep=""></g><g class="messages" data-keep=""></g><g class="deaths" data-keep=""></g><g class="nodes" data-keep=""></g></svg><p class="leader-line" aria-live="polite" data-keep=""></p></div>"#,
        if zeebe { r#"<p class="zeebe-head" data-keep=""></p>"# } else { "" },
        esc(cat().cluster),
        size = crate::view::geometry::num(SIZE)
    )
}

/// The page's skeleton: every region's element, empty (`data-keep`: drawn by its own code).
/// The skip link takes the keyboard straight to the controls (a focusable target: the next
/// Tab reaches the first control); the footer links to the other pages.
fn skeleton(embed: bool, zeebe: bool) -> String {
    if embed {
        return format!(
            r#"<div class="app embed"><header class="topbar compact" data-keep=""></header><div class="notices-host" data-keep=""></div><div class="caption-host" data-keep=""></div><main class="embed-stage">{}</main><div class="lesson-host" data-keep=""></div></div>"#,
            cluster_frame(zeebe)
        );
    }
    let t = |s: &'static str| esc(s);
    format!(
        r##"<div class="app"><a class="skip-link" href="#controls">{skip}</a><header class="topbar" data-keep=""></header><div class="notices-host" data-keep=""></div><main class="layout"><div class="col main-col">{zduo}<section class="card stage" aria-label="{cluster}"><div class="lesson-host" data-keep=""></div><div class="stage-body"><div class="caption-host" data-keep=""></div>{frame}<div class="timeline"><div class="timeline-track"><div class="marks" aria-hidden="true" data-keep=""></div><input type="range" min="0" step="1" aria-label="{timeline}" data-set="timeline"></div><div class="timeline-info"><span>0 s</span><span class="timeline-status" data-keep=""></span><span class="timeline-end" data-keep=""></span></div></div><details class="legend"><summary>{legend}</summary><div class="legend-grid" data-keep=""></div></details></div></section>{topology}<section class="card logs" aria-label="{logs}"><div class="panel-head" data-keep=""></div><div class="log-scroll" data-keep=""></div><p class="small legend-line" data-keep=""></p></section><div class="duo"><section class="card events" aria-label="{events}"><div class="panel-head" data-keep=""></div><div class="filters" data-keep=""></div><ol class="event-list" role="listbox" tabindex="0" aria-label="{events_list}" data-empty="{no_events}" data-keep=""></ol></section><section class="card charts" aria-label="{charts}" data-keep=""></section></div></div><aside class="col side"><section class="card inspector" aria-label="{inspector}"><div class="inspector-body" data-keep=""></div></section><section id="controls" tabindex="-1" class="card controls" aria-label="{controls}"><div class="controls-body" data-keep=""></div></section><section class="card invariants" aria-label="{invariants}"><div class="invariants-body" data-keep=""></div></section><section class="card share" aria-label="{share}" data-keep=""></section></aside></main><footer class="site-links"><a href="./embed.html">{embed}</a><a href="./api.html">{api}</a><a href="./language.html">{language}</a></footer><div class="help-host" data-keep=""></div><div class="menu-host" data-keep=""></div><div class="confirm-host" data-keep=""></div></div>"##,
        skip = t(cat().skip_to_controls),
        cluster = t(cat().cluster),
        frame = cluster_frame(zeebe),
        zduo = if zeebe { r#"<div class="zduo">"# } else { "" },
        topology = match zeebe {
            true => format!(r#"<section class="card topology" aria-label="{}" data-keep=""></section></div>"#, t(cat().z_topology)),
            false => String::new(),
        },
        timeline = t(cat().timeline),
        legend = t(cat().legend),
        logs = t(cat().logs),
        events = t(cat().events),
        events_list = t(cat().events_list),
        no_events = t(cat().no_events),
        charts = t(cat().charts),
        inspector = t(cat().inspector),
        controls = t(cat().controls),
        invariants = t(cat().invariants),
        share = t(cat().share),
        embed = t(cat().link_embed),
        api = t(cat().link_api),
        language = t(cat().link_language),
    )
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
fn caption(c: &Controller) -> String {
    let Some(text) = c.caption_now() else { return String::new() };
    let t = esc(text);
    format!(r#"<p class="caption" title="{t}" aria-live="polite">{t}</p>"#)
}
