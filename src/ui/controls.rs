//! The top bar (playback, speed, clock), the timeline, and the panel of things to break.

use std::fmt::Write as _;

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};

use super::dom::{Slot, Text};
use super::markup::{esc, secs};
use super::{Action, Controller};
use crate::raft::{NodeId, Time};
use crate::script::ast::{Cmd, Setting};
use crate::script::session::MarkKind;
use crate::sim::zeebe::{Topology, MAX_BROKERS, MAX_PARTITIONS};
use crate::sim::{MAX_NODES, MS};
use crate::view::catalog::{cat, fill};
use crate::view::geometry::{slider_from_speed, speed_label};
use crate::view::params::{Lang, Theme};

const PLAY_ICON: &str = "M7 4 L19 12 L7 20 Z";
const PAUSE_ICON: &str = "M6 4 H10 V20 H6 Z M14 4 H18 V20 H14 Z";
const STEP_ICON: &str = "M5 4 L15 12 L5 20 Z M16 4 H19 V20 H16 Z";
const REPLAY_ICON: &str = "M12 5 V1 L7 6 L12 11 V7 A5 5 0 1 1 7 12 H5 A7 7 0 1 0 12 5 Z";

fn icon(d: &str) -> String {
    format!(r#"<svg viewBox="0 0 24 24" aria-hidden="true" class="icon-svg"><path d="{d}"/></svg>"#)
}

/// An icon button: `act` is what it does (see `input::click`).
fn icon_button(out: &mut String, act: &str, class: &str, label: &str, key: &str, inside: &str) {
    let title = if key.is_empty() { esc(label).to_string() } else { format!("{} ({key})", esc(label)) };
    let _ = write!(
        out,
        r#"<button type="button" class="{class}" data-act="{act}" aria-label="{}" title="{title}">{inside}</button>"#,
        esc(label)
    );
}

/// What the top bar shows; it is drawn again when this changes (the clock is set by hand
/// every frame, see [`Clock`]).
#[derive(Clone, PartialEq)]
pub struct HeaderKey {
    playing: bool,
    speed: u64,
    seed: u64,
    theme: Theme,
    lang: &'static str,
}

impl HeaderKey {
    pub fn of(c: &Controller) -> HeaderKey {
        HeaderKey { playing: c.playing, speed: c.speed.to_bits(), seed: c.seed, theme: c.prefs.theme, lang: cat().lang }
    }
}

/// The top bar: playback, speed, the clock; the full page adds the title, lessons, the
/// seed, language, theme and help; an embed adds replay and ↗ (open this moment in the full
/// playground: the link is written when it is about to be used, see `input`).
pub fn header_markup(c: &Controller, compact: bool) -> String {
    let mut m = String::with_capacity(2048);
    let playing = c.playing;
    if !compact {
        let _ = write!(
            m,
            r#"<div class="brand"><svg viewBox="0 0 64 64" class="logo" aria-hidden="true"><g class="logo-lines"><line x1="32" y1="12" x2="13" y2="46"/><line x1="32" y1="12" x2="51" y2="46"/><line x1="13" y1="46" x2="51" y2="46"/></g><circle class="logo-leader" cx="32" cy="12" r="9"/><circle class="logo-node" cx="13" cy="46" r="8"/><circle class="logo-node" cx="51" cy="46" r="8"/></svg><div><h1>{}</h1><p class="tagline">{}</p></div></div>"#,
            esc(cat().title),
            esc(cat().tagline)
        );
    }
    m.push_str(r#"<div class="playback">"#);
    let play_label = if playing { cat().pause } else { cat().play };
    icon_button(&mut m, "play", "icon primary", play_label, "Space", &icon(if playing { PAUSE_ICON } else { PLAY_ICON }));
    icon_button(&mut m, "step", "icon", cat().step, "S", &icon(STEP_ICON));
    let _ = write!(
        m,
        r#"<label class="speed"><span class="label">{s}</span><input type="range" min="0" max="1000" step="1" aria-label="{s}" value="{}" data-set="speed"><span class="speed-value">{}×</span></label><output class="clock" aria-label="{c}" title="{c}" data-keep=""></output></div>"#,
        slider_from_speed(c.speed) as u32,
        speed_label(c.speed),
        s = esc(cat().speed),
        c = esc(cat().clock),
    );
    if compact {
        icon_button(&mut m, "replay", "icon", cat().replay, "", &icon(REPLAY_ICON));
        let _ = write!(
            m,
            r#"<a class="open-full" href="./" target="_blank" rel="noopener" title="{o}" aria-label="{o}" data-act="open-full"><span class="long">{o}</span><span class="short" aria-hidden="true">↗</span></a>"#,
            o = esc(cat().open_full)
        );
    } else {
        let _ = write!(
            m,
            r#"<div class="top-actions"><button type="button" class="lessons-button" data-lessons="" data-act="lessons">{}</button><span class="seed" title="{}">{} {}</span><label class="lang"><span class="visually-hidden">{l}</span><select aria-label="{l}" data-set="lang">"#,
            esc(cat().lessons),
            esc(cat().seed),
            esc(cat().seed),
            c.seed,
            l = esc(cat().language),
        );
        for (lang, name, tag) in [(Lang::En, cat().lang_en, "en"), (Lang::Zh, cat().lang_zh, "zh-CN")] {
            let selected = if cat().lang == lang.tag() { " selected" } else { "" };
            let _ = write!(m, r#"<option value="{}" lang="{tag}"{selected}>{}</option>"#, lang.name(), esc(name));
        }
        let _ = write!(
            m,
            r#"</select></label><label class="theme"><span class="visually-hidden">{t}</span><select aria-label="{t}" data-set="theme">"#,
            t = esc(cat().theme)
        );
        for (theme, name) in [(Theme::Auto, cat().theme_auto), (Theme::Light, cat().theme_light), (Theme::Dark, cat().theme_dark)] {
            let selected = if c.prefs.theme == theme { " selected" } else { "" };
            let _ = write!(m, r#"<option value="{}"{selected}>{}</option>"#, theme.name(), esc(name));
        }
        m.push_str("</select></label>");
        icon_button(&mut m, "help", "icon", cat().help, "?", "?");
        m.push_str("</div>");
    }
    m
}

/// The virtual clock, set by hand every frame: `data-sim-time` (ms) and its text.
#[derive(Default)]
pub struct Clock {
    shown: Option<(web_sys::Element, Text)>,
}

impl Clock {
    /// After the top bar was drawn again: find the clock in it and write it anew.
    pub fn found_in(&mut self, header: &web_sys::Element) {
        self.shown = header.query_selector(".clock").ok().flatten().map(|el| {
            let text = Text::of(&el);
            (el, text)
        });
    }

    pub fn show(&mut self, now: Time) {
        let Some((el, text)) = &mut self.shown else { return };
        if text.show(format!("{} s", secs(now))) {
            let _ = el.set_attribute("data-sim-time", &(now / 1000).to_string());
        }
    }
}

/// The timeline's slider, set by hand every frame (its range is the session's horizon).
pub struct TimelineSlider {
    el: web_sys::HtmlInputElement,
    shown: (u64, u64),
}

impl TimelineSlider {
    pub fn find(root: &web_sys::Element) -> TimelineSlider {
        let el = Slot::find(root, "input[data-set=timeline]").el.unchecked_into();
        TimelineSlider { el, shown: (u64::MAX, u64::MAX) }
    }

    pub fn show(&mut self, c: &Controller) {
        let now = c.now();
        let horizon = c.session.horizon().max(now).max(1);
        let shown = (horizon / MS, now / MS);
        if shown == self.shown {
            return;
        }
        // The range first: a value beyond the old maximum would be clamped.
        let _ = self.el.set_attribute("max", &shown.0.to_string());
        self.el.set_value(&shown.1.to_string());
        self.shown = shown;
    }
}

/// Under the timeline, between its ends: whether the page shows the past or a forked future.
pub fn timeline_status(c: &Controller) -> String {
    if c.session.in_past() {
        format!(
            r#"<span class="past" role="status">{}<button type="button" class="link" data-act="back-to-now">{}</button></span>"#,
            esc(cat().in_past),
            esc(cat().back_to_now)
        )
    } else if let Some(f) = c.session.forked_at() {
        format!(r#"<span class="forked" role="status">{}</span>"#, esc(&fill(cat().forked, &[("time", &format!("{} s", secs(f)))])))
    } else {
        String::new()
    }
}

/// The timeline's end, under it (the session's horizon), set by hand every frame.
pub fn horizon_text(c: &Controller) -> String {
    format!("{} s", secs(c.session.horizon().max(c.now()).max(1)))
}

/// The marks above the timeline: elections, crashes, network changes, violations, actions.
pub fn timeline_marks(c: &Controller) -> String {
    let horizon = c.session.horizon().max(c.now()).max(1);
    let mut m = String::new();
    for mark in c.session.marks() {
        if matches!(mark.kind, MarkKind::Commit { .. }) && horizon > 120_000 * MS {
            continue;
        }
        let left = mark.time as f64 / horizon as f64 * 1000.0;
        let left = format!("{}.{}", left as u64 / 10, left as u64 % 10);
        let (class, title) = match &mark.kind {
            MarkKind::Election { node, term } => ("election", fill(cat().n_elected, &[("node", &node), ("term", &term)])),
            MarkKind::Crash { node } => ("crash", fill(cat().n_crashed, &[("node", &node)])),
            MarkKind::Restart { node } => ("restart", fill(cat().n_restarted, &[("node", &node)])),
            MarkKind::Commit { index } => ("commit", fill(cat().mark_commit, &[("index", &index)])),
            MarkKind::Network => ("network", cat().network.to_string()),
            MarkKind::Violation => ("violation", cat().violated.to_string()),
            MarkKind::Action => ("action", String::new()),
        };
        let _ = write!(
            m,
            r#"<span class="mark {class}" style="left:{left}%" title="{} ({} s)"></span>"#,
            esc(&c.words(&title)),
            secs(mark.time)
        );
    }
    m
}

/// The smallest node id not in use, if the cluster is not full.
fn free_id(ids: &[NodeId]) -> Option<NodeId> {
    (1..=MAX_NODES).find(|n| !ids.contains(n))
}

/// Which group of the partition editor each node is in.
fn groups_of(c: &Controller) -> Vec<Vec<NodeId>> {
    let world = c.session.world();
    let ids = world.machine_ids();
    let partition = world.network().partition().to_vec();
    let mut bins: Vec<Vec<NodeId>> = Vec::new();
    if partition.is_empty() {
        bins.push(ids.clone());
    } else {
        for g in &partition {
            bins.push(g.clone());
        }
        let rest: Vec<NodeId> = ids.iter().copied().filter(|n| !partition.iter().any(|g| g.contains(n))).collect();
        bins.push(rest);
    }
    while bins.len() < 3 {
        bins.push(Vec::new());
    }
    bins
}

/// The partition that results from moving `node` into bin `bin`.
fn moved(bins: &[Vec<NodeId>], node: NodeId, bin: usize) -> Action {
    let mut next: Vec<Vec<NodeId>> = bins.iter().map(|b| b.iter().copied().filter(|&n| n != node).collect()).collect();
    if bin < next.len() {
        next[bin].push(node);
    }
    let groups: Vec<Vec<NodeId>> = next.into_iter().filter(|g| !g.is_empty()).collect();
    if groups.len() <= 1 {
        Action::Heal
    } else {
        Action::Act(Cmd::Partition(groups))
    }
}

/// The value of a changed form control: `checked` for checkboxes, `value` otherwise.
pub fn control_value(el: &web_sys::Element) -> String {
    if let Some(i) = el.dyn_ref::<HtmlInputElement>() {
        if i.type_() == "checkbox" {
            return i.checked().to_string();
        }
        return i.value();
    }
    el.dyn_ref::<HtmlSelectElement>().map(|s| s.value()).unwrap_or_default()
}

/// The choices of the controls panel that are not settings yet: the node chip tapped in
/// the partition editor, the link to cut, the seed typed.
pub struct ControlsState {
    pub picked: Option<NodeId>,
    pub cut: (NodeId, NodeId),
    pub seed: u64,
    /// The session's seed the field last followed: a new session (an example, a new seed)
    /// brings its own seed into the field.
    seed_of: u64,
}

impl ControlsState {
    pub fn new(seed: u64) -> ControlsState {
        ControlsState { picked: None, cut: (1, 2), seed, seed_of: seed }
    }

    fn follow(&mut self, c: &Controller) {
        if self.seed_of != c.seed {
            self.seed = c.seed;
            self.seed_of = c.seed;
        }
    }
}

/// What a `data-act` button of the panel does; `None` when the button is not the panel's.
pub fn click(act: &str, arg: &str, c: &Controller, s: &mut ControlsState) -> Option<Vec<Action>> {
    s.follow(c);
    let (from, to) = s.cut;
    let action = match act {
        "chip" => {
            let id: NodeId = arg.parse().unwrap_or(0);
            s.picked = if s.picked == Some(id) { None } else { Some(id) };
            return Some(Vec::new());
        }
        "bin" => {
            let (Some(id), Ok(bin)) = (s.picked, arg.parse::<usize>()) else { return Some(Vec::new()) };
            s.picked = None;
            moved(&groups_of(c), id, bin)
        }
        "request" => Action::Request(None),
        "isolate-leader" => Action::IsolateLeader,
        "minority" => Action::LeaderInMinority,
        "heal" => Action::Heal,
        "cut" => Action::Act(Cmd::Cut(from, to)),
        "uncut" => Action::Act(Cmd::Uncut(from, to)),
        "apply" => Action::NewSession { seed: s.seed },
        "add-voter" | "add-learner" => match free_id(&c.session.world().machine_ids()) {
            Some(id) if act == "add-voter" => Action::Act(Cmd::Add(id)),
            Some(id) => Action::Act(Cmd::AddLearner(id)),
            None => return Some(Vec::new()),
        },
        "read" => Action::Act(Cmd::Read { key: "x".to_string(), via: None }),
        "new-seed" => {
            s.seed = super::platform::fresh_seed();
            Action::NewSession { seed: s.seed }
        }
        _ => return None,
    };
    Some(vec![action])
}

/// A chip dropped on a group of the partition editor.
pub fn dropped(c: &Controller, node: NodeId, bin: usize) -> Action {
    moved(&groups_of(c), node, bin)
}

/// What a changed form control of the panel (`data-set`) does; `None` when it is not the
/// panel's.
pub fn change(what: &str, el: &web_sys::Element, c: &Controller, s: &mut ControlsState) -> Option<Vec<Action>> {
    s.follow(c);
    let settings = c.session.world().settings();
    let link = &settings.network;
    let workload_on = settings.client_rate > 0;
    let prefs = &c.prefs;
    let v = control_value(el);
    let n: u64 = v.parse().unwrap_or(0);
    let on = v == "true";
    let mut p = prefs.clone();
    let set = |s: Setting| Action::Act(Cmd::Set(vec![s]));
    let action = match what {
        "workload" => set(Setting::Rate(if on { prefs.rate } else { 0 })),
        "rate" => {
            p.rate = (n as u32).clamp(1, 200);
            if workload_on {
                let rate = p.rate;
                return Some(vec![Action::SetPrefs(p), set(Setting::Rate(rate))]);
            }
            Action::SetPrefs(p)
        }
        "loss" => set(Setting::Drop((n as f64 / 100.0).clamp(0.0, 1.0))),
        "latency-min" => set(Setting::Latency(n * MS, link.latency_max.max(n * MS))),
        "latency-max" => set(Setting::Latency(link.latency_min.min(n * MS), n * MS)),
        "prevote" => set(Setting::PreVote(on)),
        "lease" => set(Setting::LeaseRead(on)),
        "priority" => set(Setting::PriorityElection(on)),
        "snapshot" => set(Setting::SnapshotThreshold(n)),
        bug if bug.starts_with("break:") => Action::Act(Cmd::Break { name: bug["break:".len()..].to_string(), on }),
        "checkquorum" => set(Setting::CheckQuorum(on)),
        "nodes" => {
            p.nodes = (n as u32).clamp(1, MAX_NODES);
            Action::SetPrefs(p)
        }
        // Zeebe mode's layout (applied by "Restart with these settings").
        "mode" => {
            p.zeebe = (v == "zeebe").then(|| p.zeebe.unwrap_or(Topology { brokers: 5, partitions: 4, replication: 3 }));
            Action::SetPrefs(p)
        }
        "brokers" | "partitions" | "replication" => {
            let Some(mut t) = p.zeebe else { return Some(Vec::new()) };
            let n = n as u32;
            match what {
                "brokers" => t.brokers = n.clamp(1, MAX_BROKERS),
                "partitions" => t.partitions = n.clamp(1, MAX_PARTITIONS),
                _ => t.replication = n.max(1),
            }
            t.replication = t.replication.min(t.brokers);
            p.zeebe = Some(t);
            Action::SetPrefs(p)
        }
        "emin" | "emax" | "hb" if n > 0 => {
            match what {
                "emin" => p.election_min_ms = n,
                "emax" => p.election_max_ms = n,
                _ => p.heartbeat_ms = n,
            }
            Action::SetPrefs(p)
        }
        "emin" | "emax" | "hb" => return Some(Vec::new()),
        "seed" => {
            s.seed = n;
            return Some(Vec::new());
        }
        "cut-from" => {
            s.cut.0 = n as NodeId;
            return Some(Vec::new());
        }
        "cut-to" => {
            s.cut.1 = n as NodeId;
            return Some(Vec::new());
        }
        _ => return None,
    };
    Some(vec![action])
}

/// The controls panel: clients, network (presets, the partition editor, cuts, loss and
/// latency), membership, "break it", settings.
pub fn controls_markup(c: &Controller, s: &mut ControlsState) -> String {
    s.follow(c);
    let world = c.session.world();
    let settings = world.settings();
    let ids = world.machine_ids();
    let prefs = &c.prefs;
    let link = &settings.network;
    let raft = &settings.raft;
    let workload_on = settings.client_rate > 0;
    let bins = groups_of(c);
    let (picked, cut, seed_input) = (s.picked, s.cut, s.seed);
    let zeebe = c.zeebe().is_some();
    let words = |t: &str| c.words(t);
    let mut m = String::with_capacity(8192);
    let button = |m: &mut String, act: &str, class: &str, title: &str, label: &str| {
        let _ = write!(m, r#"<button type="button" class="{class}" data-act="{act}" title="{}">{}</button>"#, esc(title), esc(label));
    };
    let check = |m: &mut String, set: &str, on: bool, label: &str| {
        let _ = write!(
            m,
            r#"<label class="check"><input type="checkbox" data-set="{set}"{}>{}</label>"#,
            if on { " checked" } else { "" },
            esc(label)
        );
    };
    let _ =
        write!(m, r#"<h2>{}</h2><fieldset class="group"><legend>{}</legend><div class="row">"#, esc(cat().controls), esc(cat().clients));
    let request = match zeebe {
        true => fill(cat().z_request, &[("partition", &(c.group + 1))]),
        false => cat().request.to_string(),
    };
    button(&mut m, "request", "primary", "R", &request);
    m.push_str(r#"</div><div class="row">"#);
    check(&mut m, "workload", workload_on, cat().workload);
    let _ = write!(
        m,
        r#"<label class="inline"><input type="range" min="1" max="50" step="1" value="{}" aria-label="{}" data-set="rate"><span class="value">{}/s</span></label></div></fieldset>"#,
        prefs.rate.min(50),
        esc(cat().rate),
        prefs.rate
    );
    let _ = write!(m, r#"<fieldset class="group"><legend>{}</legend><div class="row wrap">"#, esc(cat().network));
    button(&mut m, "isolate-leader", "", "L", cat().preset_isolate_leader);
    button(&mut m, "minority", "", "", cat().preset_minority);
    button(&mut m, "heal", "", "H", cat().preset_heal);
    let _ = write!(m, r#"</div><div class="partition-editor"><p class="hint">{}</p><div class="bins">"#, esc(&words(cat().partition_hint)));
    for (k, bin) in bins.iter().enumerate() {
        let name = fill(cat().group_name, &[("n", &(k + 1))]);
        let _ = write!(
            m,
            r#"<div class="bin group-{}{}" data-bin="{k}" data-act="bin" data-arg="{k}" role="group" aria-label="{n}"><span class="bin-name">{n}</span>"#,
            k.min(3),
            if picked.is_some() { " armed" } else { "" },
            n = esc(&name)
        );
        for id in bin {
            let _ = write!(
                m,
                r#"<button type="button" class="chip{}" draggable="true" data-chip="{id}" data-act="chip" data-arg="{id}" aria-label="{}">{id}</button>"#,
                if picked == Some(*id) { " picked" } else { "" },
                esc(&words(&fill(cat().move_node, &[("node", &id)])))
            );
        }
        m.push_str("</div>");
    }
    m.push_str(r#"</div></div><div class="row wrap cutrow">"#);
    for (set, current, label) in [("cut-from", cut.0, cat().cut_from), ("cut-to", cut.1, cat().cut_to)] {
        let _ = write!(m, r#"<select data-set="{set}" aria-label="{}">"#, esc(&words(label)));
        for id in &ids {
            let _ = write!(m, r#"<option value="{id}"{}>{id}</option>"#, if *id == current { " selected" } else { "" });
        }
        m.push_str("</select>");
        if set == "cut-from" {
            m.push_str(r#"<span aria-hidden="true">→</span>"#);
        }
    }
    button(&mut m, "cut", "", "", cat().cut_link);
    button(&mut m, "uncut", "", "", cat().uncut_link);
    let loss = (link.loss * 100.0).round() as u32;
    let _ = write!(
        m,
        r#"</div><label class="slider"><span>{l}</span><input type="range" min="0" max="100" step="1" value="{loss}" aria-label="{l}" data-set="loss"><span class="value">{loss}%</span></label>"#,
        l = esc(cat().loss)
    );
    let _ = write!(
        m,
        r#"<div class="slider"><span>{l}</span><input type="range" min="1" max="300" step="1" value="{lo}" aria-label="{lmin}" data-set="latency-min"><input type="range" min="1" max="300" step="1" value="{hi}" aria-label="{lmax}" data-set="latency-max"><span class="value">{lo}–{hi} ms</span></div></fieldset>"#,
        l = esc(cat().latency),
        lo = link.latency_min / MS,
        hi = link.latency_max / MS,
        lmin = esc(cat().latency_min),
        lmax = esc(cat().latency_max),
    );
    // A Zeebe partition's replicas are fixed, and Zeebe has no lease reads: no membership.
    let _ = write!(
        m,
        r#"<fieldset class="group"{}><legend>{}</legend><div class="row wrap">"#,
        if zeebe { " hidden" } else { "" },
        esc(cat().membership)
    );
    if free_id(&ids).is_some() {
        button(&mut m, "add-voter", "", "", cat().add_voter);
        button(&mut m, "add-learner", "", "", cat().add_learner);
    } else {
        let _ = write!(m, r#"<span class="hint">{}</span>"#, esc(cat().cluster_full));
    }
    button(&mut m, "read", "", "", cat().read_key);
    m.push_str(r#"</div><div class="row wrap">"#);
    check(&mut m, "lease", raft.lease_read, cat().lease_reads);
    check(&mut m, "priority", raft.priority_election, cat().priority_election);
    let _ = write!(
        m,
        r#"</div><label class="inline">{}<input type="number" min="0" max="10000" value="{}" data-set="snapshot"></label></fieldset>"#,
        esc(cat().auto_compact),
        settings.snapshot_threshold
    );
    let _ = write!(m, r#"<fieldset class="group bugs"><legend>{}</legend><p class="hint">{}</p>"#, esc(cat().bugs), esc(cat().bugs_intro));
    for (k, name) in crate::raft::Breaks::NAMES.iter().enumerate() {
        let on = raft.breaks.get(name).unwrap_or(false);
        let _ = write!(
            m,
            r#"<label class="bug{}"><input type="checkbox" data-set="break:{name}"{}><span><b>{}</b><small>{}</small></span></label>"#,
            if on { " on" } else { "" },
            if on { " checked" } else { "" },
            esc(cat().bug_names[k]),
            esc(cat().bug_help[k])
        );
    }
    m.push_str("</fieldset>");
    let _ = write!(m, r#"<fieldset class="group"><legend>{}</legend>"#, esc(cat().settings));
    // Pre-vote and check-quorum are Zeebe's own in Zeebe mode (it polls, and has its
    // check-quorum), so they are not switches there.
    if !zeebe {
        m.push_str(r#"<div class="row wrap">"#);
        check(&mut m, "prevote", raft.pre_vote, cat().prevote);
        check(&mut m, "checkquorum", raft.check_quorum, cat().checkquorum);
        m.push_str("</div>");
    }
    let select = |m: &mut String, set: &str, label: &str, range: std::ops::RangeInclusive<u32>, now: u32| {
        let _ = write!(m, r#"<label for="set-{set}">{}</label><select id="set-{set}" data-set="{set}">"#, esc(label));
        for n in range {
            let _ = write!(m, r#"<option value="{n}"{}>{n}</option>"#, if now == n { " selected" } else { "" });
        }
        m.push_str("</select>");
    };
    let _ = write!(
        m,
        r#"<div class="form-grid"><label for="set-mode">{}</label><select id="set-mode" data-set="mode"><option value="raft">{}</option><option value="zeebe"{}>{}</option></select>"#,
        esc(cat().z_mode),
        esc(cat().z_mode_raft),
        if prefs.zeebe.is_some() { " selected" } else { "" },
        esc(cat().z_mode_zeebe)
    );
    match prefs.zeebe {
        Some(t) => {
            select(&mut m, "brokers", cat().z_brokers, 1..=MAX_BROKERS, t.brokers);
            select(&mut m, "partitions", cat().z_partitions, 1..=MAX_PARTITIONS, t.partitions);
            select(&mut m, "replication", cat().z_replication, 1..=t.brokers, t.replication);
        }
        None => {
            select(&mut m, "nodes", cat().nodes, 1..=MAX_NODES, prefs.nodes);
            let _ = write!(
                m,
                r#"<span>{et}</span><span class="pair"><input type="number" min="10" max="5000" value="{emin}" aria-label="{etmin}" data-set="emin">–<input type="number" min="10" max="5000" value="{emax}" aria-label="{etmax}" data-set="emax">ms</span><label for="set-hb">{hb}</label><span class="pair"><input id="set-hb" type="number" min="1" max="2000" value="{hbv}" data-set="hb">ms</span>"#,
                et = esc(cat().election_timeout),
                etmin = esc(cat().election_min),
                etmax = esc(cat().election_max),
                emin = prefs.election_min_ms,
                emax = prefs.election_max_ms,
                hb = esc(cat().heartbeat),
                hbv = prefs.heartbeat_ms,
            );
        }
    }
    let _ = write!(
        m,
        r#"<label for="set-seed">{seed}</label><span class="pair"><input id="set-seed" type="number" min="0" value="{sv}" data-set="seed">"#,
        seed = esc(cat().seed),
        sv = seed_input,
    );
    button(&mut m, "new-seed", "", "", cat().new_seed);
    m.push_str(r#"</span></div><div class="row">"#);
    let differ = match prefs.zeebe {
        Some(t) => Some(t) != c.zeebe(),
        None => {
            zeebe
                || prefs.nodes as usize != ids.len()
                || prefs.election_min_ms * MS != raft.election_timeout_min
                || prefs.election_max_ms * MS != raft.election_timeout_max
                || prefs.heartbeat_ms * MS != raft.heartbeat_interval
        }
    } || seed_input != c.seed;
    button(&mut m, "apply", if differ { "primary" } else { "" }, "", cat().apply_restart);
    m.push_str("</div></fieldset>");
    m
}
