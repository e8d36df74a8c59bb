//! The top bar (playback, speed, clock), the timeline, and the panel of things to break.

use std::fmt::Write as _;

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::markup::{esc, secs, target_attr, Markup};
use super::{Action, PanelProps};
use crate::raft::NodeId;
use crate::script::ast::{Cmd, Setting};
use crate::script::session::MarkKind;
use crate::sim::zeebe::{Topology, MAX_BROKERS, MAX_PARTITIONS};
use crate::sim::{MAX_NODES, MS};
use crate::view::catalog::{cat, fill};
use crate::view::geometry::{slider_from_speed, speed_from_slider, speed_label};
use crate::view::params::{Lang, Theme};

fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlSelectElement>().value()
}

const PLAY_ICON: &str = "M7 4 L19 12 L7 20 Z";
const PAUSE_ICON: &str = "M6 4 H10 V20 H6 Z M14 4 H18 V20 H14 Z";
const STEP_ICON: &str = "M5 4 L15 12 L5 20 Z M16 4 H19 V20 H16 Z";
const REPLAY_ICON: &str = "M12 5 V1 L7 6 L12 11 V7 A5 5 0 1 1 7 12 H5 A7 7 0 1 0 12 5 Z";

fn icon(d: &'static str) -> Html {
    html! { <svg viewBox="0 0 24 24" aria-hidden="true" class="icon-svg"><path d={d} /></svg> }
}

#[derive(Properties, PartialEq, Clone)]
pub struct HeaderProps {
    pub ctl: super::Ctl,
    pub version: u64,
    pub dispatch: Callback<Action>,
    pub compact: bool,
}

#[function_component]
pub fn Header(props: &HeaderProps) -> Html {
    let c = props.ctl.0.borrow();
    let d = &props.dispatch;
    let now = c.now();
    let playing = c.playing;
    let emit = |a: fn() -> Action| {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.emit(a()))
    };
    let on_speed = {
        let d = d.clone();
        Callback::from(move |e: InputEvent| {
            let v: f64 = e.target_unchecked_into::<HtmlInputElement>().value().parse().unwrap_or(0.0);
            d.emit(Action::Speed(speed_from_slider(v)));
        })
    };
    let on_theme = {
        let d = d.clone();
        let prefs = c.prefs.clone();
        Callback::from(move |e: Event| {
            let mut p = prefs.clone();
            p.theme = Theme::from_name(&select_value(&e)).unwrap_or(Theme::Auto);
            d.emit(Action::SetPrefs(p));
        })
    };
    let on_lang = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            let Some(lang) = Lang::from_tag(&select_value(&e)) else { return };
            let d = d.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match super::platform::switch_language(lang).await {
                    Ok(()) => super::platform::remember_language(lang),
                    Err(e) => d.emit(Action::ImportFailed(fill(cat().lang_failed, &[("error", &e)]))),
                }
                d.emit(Action::LanguageChanged);
            });
        })
    };
    let play_label = if playing { cat().pause } else { cat().play };
    // From an embed, open this very moment in the full playground. The link is written
    // when it is about to be used (pointer down, focus, click), not every frame. Events are
    // delegated to the page's root, so the link is found from the event's target.
    let open_full = {
        let ctl = props.ctl.clone();
        Callback::from(move |e: web_sys::Event| {
            let link =
                e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).and_then(|el| el.closest("a.open-full").ok().flatten());
            if let Some(a) = link {
                let _ = a.set_attribute("href", &super::share::link(&ctl.0.borrow()));
            }
        })
    };
    html! {
        <header class={classes!("topbar", props.compact.then_some("compact"))}>
            if !props.compact {
                <div class="brand">
                    <svg viewBox="0 0 64 64" class="logo" aria-hidden="true">
                        <g class="logo-lines"><line x1="32" y1="12" x2="13" y2="46"/><line x1="32" y1="12" x2="51" y2="46"/><line x1="13" y1="46" x2="51" y2="46"/></g>
                        <circle class="logo-leader" cx="32" cy="12" r="9"/><circle class="logo-node" cx="13" cy="46" r="8"/><circle class="logo-node" cx="51" cy="46" r="8"/>
                    </svg>
                    <div>
                        <h1>{ cat().title }</h1>
                        <p class="tagline">{ cat().tagline }</p>
                    </div>
                </div>
            }
            <div class="playback">
                <button type="button" class="icon primary" aria-label={play_label} title={format!("{play_label} (Space)")} onclick={emit(|| Action::TogglePlay)}>
                    { icon(if playing { PAUSE_ICON } else { PLAY_ICON }) }
                </button>
                <button type="button" class="icon" aria-label={cat().step} title={format!("{} (S)", cat().step)} onclick={emit(|| Action::Step)}>{ icon(STEP_ICON) }</button>
                <label class="speed">
                    <span class="label">{ cat().speed }</span>
                    <input type="range" min="0" max="1000" step="1" aria-label={cat().speed}
                        value={slider_from_speed(c.speed).to_string()} oninput={on_speed} />
                    <span class="speed-value">{ format!("{}×", speed_label(c.speed)) }</span>
                </label>
                <output class="clock" data-sim-time={(now / 1000).to_string()} aria-label={cat().clock} title={cat().clock}>{ format!("{} s", secs(now)) }</output>
            </div>
            if props.compact {
                <button type="button" class="icon" aria-label={cat().replay} title={cat().replay} onclick={emit(|| Action::Replay)}>{ icon(REPLAY_ICON) }</button>
                <a class="open-full" href="./" target="_blank" rel="noopener" title={cat().open_full} aria-label={cat().open_full}
                    onclick={open_full.reform(|e: MouseEvent| e.into())}
                    onpointerdown={open_full.reform(|e: PointerEvent| e.into())}
                    onfocus={open_full.reform(|e: FocusEvent| e.into())}>
                    <span class="long">{ cat().open_full }</span><span class="short" aria-hidden="true">{ "↗" }</span>
                </a>
            } else {
                <div class="top-actions">
                    <button type="button" class="lessons-button" data-lessons="" onclick={emit(|| Action::ToggleLessons)}>{ cat().lessons }</button>
                    <span class="seed" title={cat().seed}>{ format!("{} {}", cat().seed, c.seed) }</span>
                    <label class="lang">
                        <span class="visually-hidden">{ cat().language }</span>
                        <select aria-label={cat().language} onchange={on_lang}>
                            { for [(Lang::En, cat().lang_en, "en"), (Lang::Zh, cat().lang_zh, "zh-CN")].iter().map(|(l, name, tag)| html! {
                                <option value={l.name()} lang={*tag} selected={cat().lang == l.tag()}>{ *name }</option>
                            }) }
                        </select>
                    </label>
                    <label class="theme">
                        <span class="visually-hidden">{ cat().theme }</span>
                        <select aria-label={cat().theme} onchange={on_theme}>
                            { for [(Theme::Auto, cat().theme_auto), (Theme::Light, cat().theme_light), (Theme::Dark, cat().theme_dark)].iter().map(|(t, l)| html! {
                                <option value={t.name()} selected={c.prefs.theme == *t}>{ *l }</option>
                            }) }
                        </select>
                    </label>
                    <button type="button" class="icon" aria-label={cat().help} title={format!("{} (?)", cat().help)} onclick={emit(|| Action::ToggleHelp)}>{ "?" }</button>
                </div>
            }
        </header>
    }
}

#[derive(Properties, PartialEq, Clone)]
pub struct TimelineProps {
    pub ctl: super::Ctl,
    /// Changes every frame (the slider's position).
    pub version: u64,
    /// Changes a few times a second (the marks).
    pub slow: u64,
    pub dispatch: Callback<Action>,
}

/// The marks above the timeline: elections, crashes, network changes, violations, actions.
#[function_component]
fn TimelineMarks(props: &PanelProps) -> Html {
    let c = props.ctl.0.borrow();
    let horizon = c.session.horizon().max(c.now()).max(1);
    let mut m = Markup::new();
    for mark in c.session.marks() {
        if matches!(mark.kind, MarkKind::Commit { .. }) && horizon > 120_000 * MS {
            continue;
        }
        let left = mark.time as f64 / horizon as f64 * 1000.0;
        let left = format!("{}.{}", left as u64 / 10, left as u64 % 10);
        let (class, title) = match &mark.kind {
            MarkKind::Election { node, term } => {
                ("election", fill(cat().n_elected, &[("node", &node.to_string()), ("term", &term.to_string())]))
            }
            MarkKind::Crash { node } => ("crash", fill(cat().n_crashed, &[("node", &node.to_string())])),
            MarkKind::Restart { node } => ("restart", fill(cat().n_restarted, &[("node", &node.to_string())])),
            MarkKind::Commit { index } => ("commit", fill(cat().mark_commit, &[("index", &index.to_string())])),
            MarkKind::Network => ("network", cat().network.to_string()),
            MarkKind::Violation => ("violation", cat().violated.to_string()),
            MarkKind::Action => ("action", String::new()),
        };
        let _ = write!(
            m.0,
            r#"<span class="mark {class}" style="left:{left}%" title="{} ({} s)"></span>"#,
            esc(&c.words(&title)),
            secs(mark.time)
        );
    }
    html! { <div class="marks" aria-hidden="true">{ m.html() }</div> }
}

#[function_component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let c = props.ctl.0.borrow();
    let d = props.dispatch.clone();
    let now = c.now();
    let horizon = c.session.horizon().max(now).max(1);
    let on_input = {
        let d = d.clone();
        Callback::from(move |e: InputEvent| {
            let ms: u64 = e.target_unchecked_into::<HtmlInputElement>().value().parse().unwrap_or(0);
            d.emit(Action::Pause);
            d.emit(Action::Seek(ms * MS));
        })
    };
    let in_past = c.session.in_past();
    let forked = c.session.forked_at();
    let back = Callback::from(move |_: MouseEvent| d.emit(Action::BackToLatest));
    html! {
        <div class="timeline">
            <div class="timeline-track">
                <TimelineMarks ctl={props.ctl.clone()} version={props.slow} dispatch={props.dispatch.clone()} />
                <input type="range" min="0" max={(horizon / MS).to_string()} step="1" value={(now / MS).to_string()}
                    aria-label={cat().timeline} oninput={on_input} />
            </div>
            <div class="timeline-info">
                <span>{ "0 s" }</span>
                if in_past {
                    <span class="past" role="status">{ cat().in_past }
                        <button type="button" class="link" onclick={back}>{ cat().back_to_now }</button>
                    </span>
                } else if let Some(f) = forked {
                    <span class="forked" role="status">{ fill(cat().forked, &[("time", &format!("{} s", secs(f)))]) }</span>
                }
                <span>{ format!("{} s", secs(horizon)) }</span>
            </div>
        </div>
    }
}

/// The smallest node id not in use, if the cluster is not full.
fn free_id(ids: &[NodeId]) -> Option<NodeId> {
    (1..=MAX_NODES).find(|n| !ids.contains(n))
}

/// Which group of the partition editor each node is in.
fn groups_of(c: &crate::view::controller::Controller) -> Vec<Vec<NodeId>> {
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
fn control_value(el: &web_sys::Element) -> String {
    if let Some(i) = el.dyn_ref::<HtmlInputElement>() {
        if i.type_() == "checkbox" {
            return i.checked().to_string();
        }
        return i.value();
    }
    el.dyn_ref::<HtmlSelectElement>().map(|s| s.value()).unwrap_or_default()
}

#[function_component]
pub fn Controls(props: &PanelProps) -> Html {
    let picked = use_state(|| None::<NodeId>);
    let cut = use_state(|| (1 as NodeId, 2 as NodeId));
    let seed_input = use_state(|| props.ctl.0.borrow().seed);
    // A new session (an example, a new seed) brings its own seed into the field.
    {
        let seed_input = seed_input.clone();
        use_effect_with(props.ctl.0.borrow().seed, move |&seed| seed_input.set(seed));
    }
    let c = props.ctl.0.borrow();
    let world = c.session.world();
    let settings = world.settings();
    let ids = world.machine_ids();
    let prefs = c.prefs.clone();
    let link = settings.network.clone();
    let raft = settings.raft.clone();
    let workload_on = settings.client_rate > 0;
    let bins = groups_of(&c);
    let zeebe = c.zeebe().is_some();
    let words = |t: &str| c.words(t);

    // Every button of the panel, by its data-act.
    let onclick = {
        let d = props.dispatch.clone();
        let picked = picked.clone();
        let cut = cut.clone();
        let seed_input = seed_input.clone();
        let bins = bins.clone();
        let ids_now = ids.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some((_, chip)) = target_attr(&e, "data-chip") {
                let id: NodeId = chip.parse().unwrap_or(0);
                picked.set(if *picked == Some(id) { None } else { Some(id) });
                return;
            }
            if let Some((_, bin)) = target_attr(&e, "data-bin") {
                if let (Some(id), Ok(bin)) = (*picked, bin.parse::<usize>()) {
                    picked.set(None);
                    d.emit(moved(&bins, id, bin));
                }
                return;
            }
            let Some((_, act)) = target_attr(&e, "data-act") else { return };
            let (from, to) = *cut;
            d.emit(match act.as_str() {
                "request" => Action::Request(None),
                "isolate-leader" => Action::IsolateLeader,
                "minority" => Action::LeaderInMinority,
                "heal" => Action::Heal,
                "cut" => Action::Act(Cmd::Cut(from, to)),
                "uncut" => Action::Act(Cmd::Uncut(from, to)),
                "restart" => Action::NewSession { seed: *seed_input },
                "add-voter" | "add-learner" => match free_id(&ids_now) {
                    Some(id) if act == "add-voter" => Action::Act(Cmd::Add(id)),
                    Some(id) => Action::Act(Cmd::AddLearner(id)),
                    None => return,
                },
                "read" => Action::Act(Cmd::Read { key: "x".to_string(), via: None }),
                "new-seed" => {
                    let s = super::platform::fresh_seed();
                    seed_input.set(s);
                    Action::NewSession { seed: s }
                }
                _ => return,
            });
        })
    };
    // Every form control of the panel, by its data-set.
    let onchange = {
        let d = props.dispatch.clone();
        let cut = cut.clone();
        let seed_input = seed_input.clone();
        let ctl = props.ctl.clone();
        let link = link.clone();
        Callback::from(move |e: Event| {
            let Some((el, what)) = target_attr(&e, "data-set") else { return };
            let v = control_value(&el);
            let n: u64 = v.parse().unwrap_or(0);
            let on = v == "true";
            // The settings as they are now (the panel may not have been drawn again since the
            // last change).
            let prefs = ctl.0.borrow().prefs.clone();
            let mut p = prefs.clone();
            let set = |s: Setting| Action::Act(Cmd::Set(vec![s]));
            let action = match what.as_str() {
                "workload" => set(Setting::Rate(if on { prefs.rate } else { 0 })),
                "rate" => {
                    p.rate = (n as u32).clamp(1, 200);
                    if workload_on {
                        d.emit(Action::SetPrefs(p.clone()));
                        set(Setting::Rate(p.rate))
                    } else {
                        Action::SetPrefs(p)
                    }
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
                    let Some(mut t) = p.zeebe else { return };
                    let n = n as u32;
                    match what.as_str() {
                        "brokers" => t.brokers = n.clamp(1, MAX_BROKERS),
                        "partitions" => t.partitions = n.clamp(1, MAX_PARTITIONS),
                        _ => t.replication = n.max(1),
                    }
                    t.replication = t.replication.min(t.brokers);
                    p.zeebe = Some(t);
                    Action::SetPrefs(p)
                }
                "emin" | "emax" | "hb" if n > 0 => {
                    match what.as_str() {
                        "emin" => p.election_min_ms = n,
                        "emax" => p.election_max_ms = n,
                        _ => p.heartbeat_ms = n,
                    }
                    Action::SetPrefs(p)
                }
                "seed" => {
                    seed_input.set(n);
                    return;
                }
                "cut-from" => {
                    cut.set((n as NodeId, cut.1));
                    return;
                }
                "cut-to" => {
                    cut.set((cut.0, n as NodeId));
                    return;
                }
                _ => return,
            };
            d.emit(action);
        })
    };
    let ondragstart = Callback::from(|e: DragEvent| {
        if let (Some((_, chip)), Some(dt)) = (target_attr(&e, "data-chip"), e.data_transfer()) {
            let _ = dt.set_data("text/plain", &chip);
        }
    });
    let ondrop = {
        let d = props.dispatch.clone();
        let bins = bins.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            let id = e.data_transfer().and_then(|dt| dt.get_data("text/plain").ok()).and_then(|s| s.parse::<NodeId>().ok());
            let bin = target_attr(&e, "data-bin").and_then(|(_, b)| b.parse::<usize>().ok());
            if let (Some(id), Some(bin)) = (id, bin) {
                d.emit(moved(&bins, id, bin));
            }
        })
    };
    let ondragover = Callback::from(|e: DragEvent| e.prevent_default());

    let mut m = Markup::new();
    let button = |m: &mut Markup, act: &str, class: &str, title: &str, label: &str| {
        let _ = write!(m.0, r#"<button type="button" class="{class}" data-act="{act}" title="{}">{}</button>"#, esc(title), esc(label));
    };
    let check = |m: &mut Markup, set: &str, on: bool, label: &str| {
        let _ = write!(
            m.0,
            r#"<label class="check"><input type="checkbox" data-set="{set}"{}>{}</label>"#,
            if on { " checked" } else { "" },
            esc(label)
        );
    };
    let _ =
        write!(m.0, r#"<h2>{}</h2><fieldset class="group"><legend>{}</legend><div class="row">"#, esc(cat().controls), esc(cat().clients));
    let request = match zeebe {
        true => fill(cat().z_request, &[("partition", &(c.group + 1).to_string())]),
        false => cat().request.to_string(),
    };
    button(&mut m, "request", "primary", "R", &request);
    m.raw(r#"</div><div class="row">"#);
    check(&mut m, "workload", workload_on, cat().workload);
    let _ = write!(
        m.0,
        r#"<label class="inline"><input type="range" min="1" max="50" step="1" value="{}" aria-label="{}" data-set="rate"><span class="value">{}/s</span></label></div></fieldset>"#,
        prefs.rate.min(50),
        esc(cat().rate),
        prefs.rate
    );
    let _ = write!(m.0, r#"<fieldset class="group"><legend>{}</legend><div class="row wrap">"#, esc(cat().network));
    button(&mut m, "isolate-leader", "", "L", cat().preset_isolate_leader);
    button(&mut m, "minority", "", "", cat().preset_minority);
    button(&mut m, "heal", "", "H", cat().preset_heal);
    let _ =
        write!(m.0, r#"</div><div class="partition-editor"><p class="hint">{}</p><div class="bins">"#, esc(&words(cat().partition_hint)));
    for (k, bin) in bins.iter().enumerate() {
        let name = fill(cat().group_name, &[("n", &(k + 1).to_string())]);
        let _ = write!(
            m.0,
            r#"<div class="bin group-{}{}" data-bin="{k}" role="group" aria-label="{n}"><span class="bin-name">{n}</span>"#,
            k.min(3),
            if picked.is_some() { " armed" } else { "" },
            n = esc(&name)
        );
        for id in bin {
            let _ = write!(
                m.0,
                r#"<button type="button" class="chip{}" draggable="true" data-chip="{id}" aria-label="{}">{id}</button>"#,
                if *picked == Some(*id) { " picked" } else { "" },
                esc(&words(&fill(cat().move_node, &[("node", &id.to_string())])))
            );
        }
        m.raw("</div>");
    }
    m.raw(r#"</div></div><div class="row wrap cutrow">"#);
    for (set, current, label) in [("cut-from", cut.0, cat().cut_from), ("cut-to", cut.1, cat().cut_to)] {
        let _ = write!(m.0, r#"<select data-set="{set}" aria-label="{}">"#, esc(&words(label)));
        for id in &ids {
            let _ = write!(m.0, r#"<option value="{id}"{}>{id}</option>"#, if *id == current { " selected" } else { "" });
        }
        m.raw("</select>");
        if set == "cut-from" {
            m.raw(r#"<span aria-hidden="true">→</span>"#);
        }
    }
    button(&mut m, "cut", "", "", cat().cut_link);
    button(&mut m, "uncut", "", "", cat().uncut_link);
    let loss = (link.loss * 100.0).round() as u32;
    let _ = write!(
        m.0,
        r#"</div><label class="slider"><span>{l}</span><input type="range" min="0" max="100" step="1" value="{loss}" aria-label="{l}" data-set="loss"><span class="value">{loss}%</span></label>"#,
        l = esc(cat().loss)
    );
    let _ = write!(
        m.0,
        r#"<div class="slider"><span>{l}</span><input type="range" min="1" max="300" step="1" value="{lo}" aria-label="{lmin}" data-set="latency-min"><input type="range" min="1" max="300" step="1" value="{hi}" aria-label="{lmax}" data-set="latency-max"><span class="value">{lo}–{hi} ms</span></div></fieldset>"#,
        l = esc(cat().latency),
        lo = link.latency_min / MS,
        hi = link.latency_max / MS,
        lmin = esc(cat().latency_min),
        lmax = esc(cat().latency_max),
    );
    // A Zeebe partition's replicas are fixed, and Zeebe has no lease reads: no membership.
    let _ = write!(
        m.0,
        r#"<fieldset class="group"{}><legend>{}</legend><div class="row wrap">"#,
        if zeebe { " hidden" } else { "" },
        esc(cat().membership)
    );
    if free_id(&ids).is_some() {
        button(&mut m, "add-voter", "", "", cat().add_voter);
        button(&mut m, "add-learner", "", "", cat().add_learner);
    } else {
        let _ = write!(m.0, r#"<span class="hint">{}</span>"#, esc(cat().cluster_full));
    }
    button(&mut m, "read", "", "", cat().read_key);
    m.raw(r#"</div><div class="row wrap">"#);
    check(&mut m, "lease", raft.lease_read, cat().lease_reads);
    check(&mut m, "priority", raft.priority_election, cat().priority_election);
    let _ = write!(
        m.0,
        r#"</div><label class="inline">{}<input type="number" min="0" max="10000" value="{}" data-set="snapshot"></label></fieldset>"#,
        esc(cat().auto_compact),
        settings.snapshot_threshold
    );
    let _ =
        write!(m.0, r#"<fieldset class="group bugs"><legend>{}</legend><p class="hint">{}</p>"#, esc(cat().bugs), esc(cat().bugs_intro));
    for (k, name) in crate::raft::Breaks::NAMES.iter().enumerate() {
        let on = raft.breaks.get(name).unwrap_or(false);
        let _ = write!(
            m.0,
            r#"<label class="bug{}"><input type="checkbox" data-set="break:{name}"{}><span><b>{}</b><small>{}</small></span></label>"#,
            if on { " on" } else { "" },
            if on { " checked" } else { "" },
            esc(cat().bug_names[k]),
            esc(cat().bug_help[k])
        );
    }
    m.raw("</fieldset>");
    let _ = write!(m.0, r#"<fieldset class="group"><legend>{}</legend>"#, esc(cat().settings));
    // Pre-vote and check-quorum are Zeebe's own in Zeebe mode (it polls, and has its
    // check-quorum), so they are not switches there.
    if !zeebe {
        m.raw(r#"<div class="row wrap">"#);
        check(&mut m, "prevote", raft.pre_vote, cat().prevote);
        check(&mut m, "checkquorum", raft.check_quorum, cat().checkquorum);
        m.raw("</div>");
    }
    let select = |m: &mut Markup, set: &str, label: &str, range: std::ops::RangeInclusive<u32>, now: u32| {
        let _ = write!(m.0, r#"<label for="set-{set}">{}</label><select id="set-{set}" data-set="{set}">"#, esc(label));
        for n in range {
            let _ = write!(m.0, r#"<option value="{n}"{}>{n}</option>"#, if now == n { " selected" } else { "" });
        }
        m.raw("</select>");
    };
    let _ = write!(
        m.0,
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
                m.0,
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
        m.0,
        r#"<label for="set-seed">{seed}</label><span class="pair"><input id="set-seed" type="number" min="0" value="{sv}" data-set="seed">"#,
        seed = esc(cat().seed),
        sv = *seed_input,
    );
    button(&mut m, "new-seed", "", "", cat().new_seed);
    m.raw(r#"</span></div><div class="row">"#);
    let differ = match prefs.zeebe {
        Some(t) => Some(t) != c.zeebe(),
        None => {
            zeebe
                || prefs.nodes as usize != ids.len()
                || prefs.election_min_ms * MS != raft.election_timeout_min
                || prefs.election_max_ms * MS != raft.election_timeout_max
                || prefs.heartbeat_ms * MS != raft.heartbeat_interval
        }
    } || *seed_input != c.seed;
    button(&mut m, "restart", if differ { "primary" } else { "" }, "", cat().apply_restart);
    m.raw("</div></fieldset>");
    html! { <div class="controls-body" {onclick} {onchange} {ondragstart} {ondrop} {ondragover}>{ m.html() }</div> }
}
