//! The top bar (playback, speed, clock), the timeline, and the panel of things to break.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::{Action, PanelProps};
use crate::raft::NodeId;
use crate::script::ast::{Cmd, Setting};
use crate::script::session::MarkKind;
use crate::sim::{MAX_NODES, MS};
use crate::view::catalog::{fill, EN};
use crate::view::geometry::{slider_from_speed, speed_from_slider, speed_label};
use crate::view::params::Theme;

fn seconds(t: u64) -> String {
    format!("{}.{:03} s", t / 1_000_000, (t / 1_000) % 1_000)
}

fn input_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlSelectElement>().value()
}

const PLAY_ICON: &str = "M7 4 L19 12 L7 20 Z";
const PAUSE_ICON: &str = "M6 4 H10 V20 H6 Z M14 4 H18 V20 H14 Z";
const STEP_ICON: &str = "M5 4 L15 12 L5 20 Z M16 4 H19 V20 H16 Z";

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
    let play_label = if playing { EN.pause } else { EN.play };
    html! {
        <header class={classes!("topbar", props.compact.then_some("compact"))}>
            if !props.compact {
                <div class="brand">
                    <svg viewBox="0 0 64 64" class="logo" aria-hidden="true">
                        <g class="logo-lines"><line x1="32" y1="12" x2="13" y2="46"/><line x1="32" y1="12" x2="51" y2="46"/><line x1="13" y1="46" x2="51" y2="46"/></g>
                        <circle class="logo-leader" cx="32" cy="12" r="9"/><circle class="logo-node" cx="13" cy="46" r="8"/><circle class="logo-node" cx="51" cy="46" r="8"/>
                    </svg>
                    <div>
                        <h1>{ EN.title }</h1>
                        <p class="tagline">{ EN.tagline }</p>
                    </div>
                </div>
            }
            <div class="playback">
                <button type="button" class="icon primary" aria-label={play_label} title={format!("{play_label} (Space)")} onclick={emit(|| Action::TogglePlay)}>
                    { icon(if playing { PAUSE_ICON } else { PLAY_ICON }) }
                </button>
                <button type="button" class="icon" aria-label={EN.step} title={format!("{} (S)", EN.step)} onclick={emit(|| Action::Step)}>{ icon(STEP_ICON) }</button>
                <label class="speed">
                    <span class="label">{ EN.speed }</span>
                    <input type="range" min="0" max="1000" step="1" aria-label={EN.speed}
                        value={slider_from_speed(c.speed).to_string()} oninput={on_speed} />
                    <span class="speed-value">{ format!("{}×", speed_label(c.speed)) }</span>
                </label>
                <output class="clock" data-sim-time={(now / 1000).to_string()} aria-label={EN.clock} title={EN.clock}>{ seconds(now) }</output>
            </div>
            if !props.compact {
                <div class="top-actions">
                    <span class="seed" title={EN.seed}>{ format!("{} {}", EN.seed, c.seed) }</span>
                    <label class="theme">
                        <span class="visually-hidden">{ EN.theme }</span>
                        <select aria-label={EN.theme} onchange={on_theme}>
                            { for [(Theme::Auto, EN.theme_auto), (Theme::Light, EN.theme_light), (Theme::Dark, EN.theme_dark)].iter().map(|(t, l)| html! {
                                <option value={t.name()} selected={c.prefs.theme == *t}>{ *l }</option>
                            }) }
                        </select>
                    </label>
                    <button type="button" class="icon" aria-label={EN.help} title={format!("{} (?)", EN.help)} onclick={emit(|| Action::ToggleHelp)}>{ "?" }</button>
                </div>
            }
        </header>
    }
}

#[function_component]
pub fn Timeline(props: &PanelProps) -> Html {
    let c = props.ctl.0.borrow();
    let d = props.dispatch.clone();
    let now = c.now();
    let horizon = c.session.horizon().max(now).max(1);
    let to_ms = |t: u64| t / 1000;
    let on_input = {
        let d = d.clone();
        Callback::from(move |e: InputEvent| {
            let ms: u64 = e.target_unchecked_into::<HtmlInputElement>().value().parse().unwrap_or(0);
            d.emit(Action::Pause);
            d.emit(Action::Seek(ms * MS));
        })
    };
    let marks: Html = c
        .session
        .marks()
        .iter()
        .filter(|m| !matches!(m.kind, MarkKind::Commit { .. }) || horizon < 120_000 * MS)
        .map(|m| {
            let left = 100.0 * m.time as f64 / horizon as f64;
            let (class, title) = match &m.kind {
                MarkKind::Election { node, term } => (
                    "mark election",
                    format!("{} {}", fill(EN.n_elected, &[("node", &node.to_string()), ("term", &term.to_string())]), seconds(m.time)),
                ),
                MarkKind::Crash { node } => ("mark crash", fill(EN.n_crashed, &[("node", &node.to_string())])),
                MarkKind::Restart { node } => ("mark restart", fill(EN.n_restarted, &[("node", &node.to_string())])),
                MarkKind::Commit { index } => ("mark commit", format!("commit {index}")),
                MarkKind::Network => ("mark network", EN.network.to_string()),
                MarkKind::Violation => ("mark violation", EN.violated.to_string()),
                MarkKind::Action => ("mark action", seconds(m.time)),
            };
            html! { <span class={class} style={format!("left:{left:.2}%")} title={title}></span> }
        })
        .collect();
    let in_past = c.session.in_past();
    let forked = c.session.forked_at();
    let back = {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.emit(Action::BackToLatest))
    };
    html! {
        <div class="timeline">
            <div class="timeline-track">
                <div class="marks" aria-hidden="true">{ marks }</div>
                <input type="range" min="0" max={to_ms(horizon).to_string()} step="1" value={to_ms(now).to_string()}
                    aria-label={EN.timeline} oninput={on_input} />
            </div>
            <div class="timeline-info">
                <span>{ "0 s" }</span>
                if in_past {
                    <span class="past" role="status">{ EN.in_past }
                        <button type="button" class="link" onclick={back}>{ EN.back_to_now }</button>
                    </span>
                } else if let Some(f) = forked {
                    <span class="forked" role="status">{ fill(EN.forked, &[("time", &seconds(f))]) }</span>
                }
                <span>{ seconds(horizon) }</span>
            </div>
        </div>
    }
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

#[function_component]
pub fn Controls(props: &PanelProps) -> Html {
    let picked = use_state(|| None::<NodeId>);
    let c = props.ctl.0.borrow();
    let d = props.dispatch.clone();
    let world = c.session.world();
    let settings = world.settings();
    let ids = world.machine_ids();
    let prefs = c.prefs.clone();
    let act = |cmd: Cmd| {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.emit(Action::Act(cmd.clone())))
    };
    let click = |a: fn() -> Action| {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.emit(a()))
    };

    // Clients.
    let workload_on = settings.client_rate > 0;
    let on_workload = {
        let d = d.clone();
        let rate = prefs.rate;
        Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            d.emit(Action::Act(Cmd::Set(vec![Setting::Rate(if on { rate } else { 0 })])));
        })
    };
    let on_rate = {
        let d = d.clone();
        let prefs = prefs.clone();
        Callback::from(move |e: Event| {
            let r: u32 = input_value(&e).parse().unwrap_or(5);
            let mut p = prefs.clone();
            p.rate = r.clamp(1, 200);
            d.emit(Action::SetPrefs(p));
            if workload_on {
                d.emit(Action::Act(Cmd::Set(vec![Setting::Rate(r.clamp(1, 200))])));
            }
        })
    };

    // Partition editor: drag a chip (or tap it, then tap a group).
    let bins = groups_of(&c);
    let move_to = {
        let d = d.clone();
        let bins = bins.clone();
        let picked = picked.clone();
        move |node: NodeId, bin: usize| {
            let mut next: Vec<Vec<NodeId>> = bins.iter().map(|b| b.iter().copied().filter(|&n| n != node).collect()).collect();
            if bin < next.len() {
                next[bin].push(node);
            }
            let groups: Vec<Vec<NodeId>> = next.into_iter().filter(|g| !g.is_empty()).collect();
            picked.set(None);
            if groups.len() <= 1 {
                d.emit(Action::Heal);
            } else {
                d.emit(Action::Act(Cmd::Partition(groups)));
            }
        }
    };
    let bins_html: Html = bins
        .iter()
        .enumerate()
        .map(|(k, bin)| {
            let on_drop = {
                let move_to = move_to.clone();
                Callback::from(move |e: DragEvent| {
                    e.prevent_default();
                    let id = e.data_transfer().and_then(|dt| dt.get_data("text/plain").ok()).and_then(|s| s.parse::<NodeId>().ok());
                    if let Some(id) = id {
                        move_to(id, k);
                    }
                })
            };
            let on_click_bin = {
                let move_to = move_to.clone();
                let picked = picked.clone();
                Callback::from(move |_: MouseEvent| {
                    if let Some(id) = *picked {
                        move_to(id, k);
                    }
                })
            };
            let name = fill(EN.group_name, &[("n", &(k + 1).to_string())]);
            html! {
                <div class={classes!("bin", format!("group-{}", k.min(3)), picked.is_some().then_some("armed"))}
                    ondragover={Callback::from(|e: DragEvent| e.prevent_default())} ondrop={on_drop} onclick={on_click_bin}
                    role="group" aria-label={name.clone()}>
                    <span class="bin-name">{ name }</span>
                    { for bin.iter().map(|&id| {
                        let on_drag_start = Callback::from(move |e: DragEvent| {
                            if let Some(dt) = e.data_transfer() {
                                let _ = dt.set_data("text/plain", &id.to_string());
                            }
                        });
                        let on_pick = {
                            let picked = picked.clone();
                            Callback::from(move |e: MouseEvent| {
                                e.stop_propagation();
                                picked.set(if *picked == Some(id) { None } else { Some(id) });
                            })
                        };
                        html! {
                            <button type="button" class={classes!("chip", (*picked == Some(id)).then_some("picked"))} draggable="true"
                                ondragstart={on_drag_start} onclick={on_pick} aria-label={format!("Move node {id}")}>{ id }</button>
                        }
                    }) }
                </div>
            }
        })
        .collect();

    // One-way cut.
    let cut_from = use_state(|| 1 as NodeId);
    let cut_to = use_state(|| 2 as NodeId);
    let node_select = |state: UseStateHandle<NodeId>, label: &'static str| {
        let onchange = {
            let state = state.clone();
            Callback::from(move |e: Event| state.set(select_value(&e).parse().unwrap_or(1)))
        };
        html! {
            <select aria-label={label} {onchange}>
                { for ids.iter().map(|&id| html! { <option value={id.to_string()} selected={*state == id}>{ id }</option> }) }
            </select>
        }
    };

    // Loss and latency.
    let link = settings.network.clone();
    let on_loss = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            let pct: f64 = input_value(&e).parse().unwrap_or(0.0);
            d.emit(Action::Act(Cmd::Set(vec![Setting::Drop((pct / 100.0).clamp(0.0, 1.0))])));
        })
    };
    let on_latency = |is_max: bool| {
        let d = d.clone();
        let link = link.clone();
        Callback::from(move |e: Event| {
            let ms: u64 = input_value(&e).parse().unwrap_or(10);
            let (mut lo, mut hi) = (link.latency_min, link.latency_max);
            if is_max {
                hi = ms * MS;
                lo = lo.min(hi);
            } else {
                lo = ms * MS;
                hi = hi.max(lo);
            }
            d.emit(Action::Act(Cmd::Set(vec![Setting::Latency(lo, hi)])));
        })
    };

    // Settings.
    let raft = settings.raft.clone();
    let toggle = |setting: fn(bool) -> Setting| {
        let d = d.clone();
        Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            d.emit(Action::Act(Cmd::Set(vec![setting(on)])));
        })
    };
    let pref_number = |apply: fn(&mut crate::view::controller::Prefs, u64)| {
        let d = d.clone();
        let prefs = prefs.clone();
        Callback::from(move |e: Event| {
            if let Ok(v) = input_value(&e).parse::<u64>() {
                let mut p = prefs.clone();
                apply(&mut p, v);
                d.emit(Action::SetPrefs(p));
            }
        })
    };
    let on_nodes = {
        let d = d.clone();
        let prefs = prefs.clone();
        Callback::from(move |e: Event| {
            let mut p = prefs.clone();
            p.nodes = select_value(&e).parse().unwrap_or(5);
            d.emit(Action::SetPrefs(p));
        })
    };
    let seed_input = use_state(|| c.seed);
    let on_seed = {
        let seed_input = seed_input.clone();
        Callback::from(move |e: Event| {
            if let Ok(s) = input_value(&e).parse::<u64>() {
                seed_input.set(s);
            }
        })
    };
    let restart = {
        let d = d.clone();
        let seed = *seed_input;
        Callback::from(move |_: MouseEvent| d.emit(Action::NewSession { seed }))
    };
    let new_seed = {
        let d = d.clone();
        let seed_input = seed_input.clone();
        Callback::from(move |_: MouseEvent| {
            let s = super::platform::fresh_seed();
            seed_input.set(s);
            d.emit(Action::NewSession { seed: s });
        })
    };
    let settings_differ = prefs.nodes as usize != ids.len()
        || prefs.election_min_ms * MS != raft.election_timeout_min
        || prefs.election_max_ms * MS != raft.election_timeout_max
        || prefs.heartbeat_ms * MS != raft.heartbeat_interval
        || *seed_input != c.seed;

    html! {
        <>
            <h2>{ EN.controls }</h2>
            <fieldset class="group">
                <legend>{ EN.clients }</legend>
                <div class="row">
                    <button type="button" class="primary" onclick={click(|| Action::Request)} title="R">{ EN.request }</button>
                </div>
                <div class="row">
                    <label class="check"><input type="checkbox" checked={workload_on} onchange={on_workload} />{ EN.workload }</label>
                    <label class="inline">
                        <span class="visually-hidden">{ EN.rate }</span>
                        <input type="range" min="1" max="50" step="1" value={prefs.rate.min(50).to_string()} aria-label={EN.rate} onchange={on_rate} />
                        <span class="value">{ format!("{}/s", prefs.rate) }</span>
                    </label>
                </div>
            </fieldset>
            <fieldset class="group">
                <legend>{ EN.network }</legend>
                <div class="row wrap">
                    <button type="button" onclick={click(|| Action::IsolateLeader)} title="L">{ EN.preset_isolate_leader }</button>
                    <button type="button" onclick={click(|| Action::LeaderInMinority)}>{ EN.preset_minority }</button>
                    <button type="button" onclick={click(|| Action::Heal)} title="H">{ EN.preset_heal }</button>
                </div>
                <div class="partition-editor">
                    <p class="hint">{ EN.partition_hint }</p>
                    <div class="bins">{ bins_html }</div>
                </div>
                <div class="row wrap cutrow">
                    { node_select(cut_from.clone(), "Cut link from node") }
                    <span aria-hidden="true">{ "→" }</span>
                    { node_select(cut_to.clone(), "Cut link to node") }
                    <button type="button" onclick={act(Cmd::Cut(*cut_from, *cut_to))}>{ EN.cut_link }</button>
                    <button type="button" onclick={act(Cmd::Uncut(*cut_from, *cut_to))}>{ EN.uncut_link }</button>
                </div>
                <label class="slider">
                    <span>{ EN.loss }</span>
                    <input type="range" min="0" max="100" step="1" value={format!("{:.0}", link.loss * 100.0)} aria-label={EN.loss} onchange={on_loss} />
                    <span class="value">{ format!("{:.0}%", link.loss * 100.0) }</span>
                </label>
                <div class="slider">
                    <span>{ EN.latency }</span>
                    <input type="range" min="1" max="300" step="1" value={(link.latency_min / MS).to_string()} aria-label="Latency minimum" onchange={on_latency(false)} />
                    <input type="range" min="1" max="300" step="1" value={(link.latency_max / MS).to_string()} aria-label="Latency maximum" onchange={on_latency(true)} />
                    <span class="value">{ format!("{}–{} ms", link.latency_min / MS, link.latency_max / MS) }</span>
                </div>
            </fieldset>
            <fieldset class="group">
                <legend>{ EN.settings }</legend>
                <div class="row wrap">
                    <label class="check"><input type="checkbox" checked={raft.pre_vote} onchange={toggle(Setting::PreVote)} />{ EN.prevote }</label>
                    <label class="check"><input type="checkbox" checked={raft.check_quorum} onchange={toggle(Setting::CheckQuorum)} />{ EN.checkquorum }</label>
                </div>
                <div class="form-grid">
                    <label for="set-nodes">{ EN.nodes }</label>
                    <select id="set-nodes" onchange={on_nodes}>
                        { for (1..=MAX_NODES).map(|n| html! { <option value={n.to_string()} selected={prefs.nodes == n}>{ n }</option> }) }
                    </select>
                    <span>{ EN.election_timeout }</span>
                    <span class="pair">
                        <input type="number" min="10" max="5000" value={prefs.election_min_ms.to_string()} aria-label="Election timeout minimum (ms)" onchange={pref_number(|p, v| p.election_min_ms = v)} />
                        { "–" }
                        <input type="number" min="10" max="5000" value={prefs.election_max_ms.to_string()} aria-label="Election timeout maximum (ms)" onchange={pref_number(|p, v| p.election_max_ms = v)} />
                        { "ms" }
                    </span>
                    <label for="set-hb">{ EN.heartbeat }</label>
                    <span class="pair"><input id="set-hb" type="number" min="1" max="2000" value={prefs.heartbeat_ms.to_string()} onchange={pref_number(|p, v| p.heartbeat_ms = v)} />{ "ms" }</span>
                    <label for="set-seed">{ EN.seed }</label>
                    <span class="pair">
                        <input id="set-seed" type="number" min="0" value={seed_input.to_string()} onchange={on_seed} />
                        <button type="button" onclick={new_seed}>{ EN.new_seed }</button>
                    </span>
                </div>
                <div class="row">
                    <button type="button" class={classes!(settings_differ.then_some("primary"))} onclick={restart}>{ EN.apply_restart }</button>
                </div>
            </fieldset>
        </>
    }
}
