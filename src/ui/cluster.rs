//! The cluster drawing: nodes on a ring, links, partitions, messages in flight, and the
//! legend that explains them.

use std::collections::BTreeMap;

use yew::prelude::*;

use super::{Action, PanelProps};
use crate::raft::NodeId;
use crate::sim::DropReason;
use crate::view::catalog::{fill, EN};
use crate::view::controller::{Selection, DEATH_MS};
use crate::view::frame::{self, MessageView, NodeView};
use crate::view::geometry::{along, arc_path, midpoint, node_position, node_radius, Point, SIZE};

fn role_label(role: &str) -> &'static str {
    match role {
        "leader" => EN.role_leader,
        "candidate" => EN.role_candidate,
        "precandidate" => EN.role_precandidate,
        "learner" => EN.role_learner,
        "crashed" => EN.role_crashed,
        _ => EN.role_follower,
    }
}

/// A message's shape, by kind. Requests are larger than responses; a hollow response says no.
fn message_shape(m: &MessageView) -> Html {
    let yes = m.success.unwrap_or(true);
    let answer = if yes { "yes" } else { "no" };
    match m.kind {
        "vote-request" | "prevote-request" => html! { <circle class="shape" r="7.5" /> },
        "vote-response" | "prevote-response" => html! { <circle class={classes!("shape", answer)} r="5" /> },
        "append" => html! {
            <>
                <rect class="shape" x="-11" y="-7.5" width="22" height="15" rx="3" />
                <text class="count" y="3.5">{ m.entries }</text>
            </>
        },
        "heartbeat" => html! { <circle class="shape" r="4.5" /> },
        "append-response" => html! { <rect class={classes!("shape", answer)} x="-4.5" y="-4.5" width="9" height="9" rx="1.5" /> },
        "snapshot" => html! {
            <>
                <rect class="shape" x="-10" y="-10" width="20" height="20" rx="3" />
                <text class="count" y="4">{ "S" }</text>
            </>
        },
        "snapshot-response" => html! { <rect class="shape" x="-5" y="-5" width="10" height="10" rx="2" /> },
        _ => html! { <path class="shape" d="M0 -9 L8 6 L-8 6 Z" /> },
    }
}

#[function_component]
pub fn ClusterView(props: &PanelProps) -> Html {
    let c = props.ctl.0.borrow();
    let world = c.session.world();
    let now = world.now();
    let nodes = frame::nodes(world, 0);
    let n = nodes.len();
    let r = node_radius(n);
    let pos: BTreeMap<NodeId, Point> = nodes.iter().enumerate().map(|(k, v)| (v.id, node_position(k, n))).collect();
    let net = world.network();
    let partition: Vec<Vec<NodeId>> = net.partition().to_vec();
    let group_of = |id: NodeId| -> Option<usize> {
        if partition.is_empty() {
            return None;
        }
        Some(partition.iter().position(|g| g.contains(&id)).unwrap_or(partition.len()))
    };
    let selected = c.selected.clone();
    let real_now = c.last_frame_ms();

    // Links: faint lines; blocked ones red and dashed, with a cross where they are cut.
    let mut links = Vec::new();
    for (i, a) in nodes.iter().enumerate() {
        for b in nodes.iter().skip(i + 1) {
            let (pa, pb) = (pos[&a.id], pos[&b.id]);
            let ab = net.connected(a.id, b.id);
            let ba = net.connected(b.id, a.id);
            let class = match (ab, ba) {
                (true, true) => "link",
                (false, false) => "link blocked",
                _ => "link oneway",
            };
            links.push(html! {
                <line class={class} x1={format!("{:.1}", pa.x)} y1={format!("{:.1}", pa.y)} x2={format!("{:.1}", pb.x)} y2={format!("{:.1}", pb.y)} />
            });
            let mut cross = |from: Point, to: Point, lane: f64, label: String| {
                let m = if lane == 0.0 { midpoint(from, to, 0.0) } else { along(from, to, r, 0.35, lane) };
                links.push(html! {
                    <g class="cut" transform={format!("translate({:.1},{:.1})", m.x, m.y)}>
                        <title>{ label }</title>
                        <circle r="8" />
                        <path d="M-4 -4 L4 4 M4 -4 L-4 4" />
                    </g>
                });
            };
            match (ab, ba) {
                (false, false) => cross(pa, pb, 0.0, format!("{} ⇹ {}", a.id, b.id)),
                (false, true) => {
                    cross(pa, pb, lane_for(a.id, b.id), fill(EN.n_cut, &[("from", &a.id.to_string()), ("to", &b.id.to_string())]))
                }
                (true, false) => {
                    cross(pb, pa, lane_for(b.id, a.id), fill(EN.n_cut, &[("from", &b.id.to_string()), ("to", &a.id.to_string())]))
                }
                _ => {}
            }
        }
    }

    // Messages in flight.
    let dispatch = props.dispatch.clone();
    let messages: Html = frame::messages(world, 0)
        .into_iter()
        .filter(|m| pos.contains_key(&m.from) && pos.contains_key(&m.to))
        .map(|m| {
            let p = along(pos[&m.from], pos[&m.to], r, m.progress(now), lane_for(m.from, m.to));
            let id = m.id;
            let onclick = {
                let d = dispatch.clone();
                Callback::from(move |e: MouseEvent| {
                    e.stop_propagation();
                    d.emit(Action::Pause);
                    d.emit(Action::Select(Selection::Message(id)));
                })
            };
            let is_selected = selected == Selection::Message(id);
            let label = format!("{} {}→{}", crate::view::narrate::kind_name(&EN, kind_of(m.kind)), m.from, m.to);
            html! {
                <g key={id} class={classes!("msg", format!("kind-{}", m.kind), is_selected.then_some("selected"))}
                    transform={format!("translate({:.1},{:.1})", p.x, p.y)}
                    data-message="" data-kind={m.kind} data-from={m.from.to_string()} data-to={m.to.to_string()}
                    {onclick}>
                    <title>{ label }</title>
                    <circle class="hit" r="13" />
                    { message_shape(&m) }
                </g>
            }
        })
        .collect();

    // Messages that died on the way, fading where they died.
    let deaths: Html = c
        .deaths
        .iter()
        .filter(|d| pos.contains_key(&d.from) && pos.contains_key(&d.to))
        .map(|d| {
            let p = along(pos[&d.from], pos[&d.to], r, d.progress, lane_for(d.from, d.to));
            let age = d.shown_at.map_or(0.0, |s| (real_now - s).max(0.0));
            let k = (age / DEATH_MS).clamp(0.0, 1.0);
            let class = if d.reason == DropReason::Partition { "death partition" } else { "death" };
            html! {
                <g class={class} transform={format!("translate({:.1},{:.1})", p.x, p.y)} opacity={format!("{:.2}", 1.0 - k)}>
                    <circle r={format!("{:.1}", 6.0 + 10.0 * k)} />
                    <path d="M-5 -5 L5 5 M5 -5 L-5 5" />
                </g>
            }
        })
        .collect();

    let node_items: Html = nodes
        .iter()
        .map(|v| {
            let p = pos[&v.id];
            render_node(v, p, r, group_of(v.id), selected == Selection::Node(v.id), &nodes, props.dispatch.clone())
        })
        .collect();

    let leader_text = match world.leader(0).and_then(|l| nodes.iter().find(|v| v.id == l)) {
        Some(l) => fill(EN.leader_is, &[("node", &l.id.to_string()), ("term", &l.term.to_string())]),
        None => EN.no_leader.to_string(),
    };
    let deselect = {
        let d = props.dispatch.clone();
        Callback::from(move |_| d.emit(Action::Select(Selection::None)))
    };
    html! {
        <div class="cluster-wrap">
            <svg class="cluster" viewBox={format!("0 0 {SIZE} {SIZE}")} role="group" aria-label={EN.cluster} onclick={deselect}>
                <g class="links">{ for links }</g>
                <g class="messages">{ messages }</g>
                <g class="deaths">{ deaths }</g>
                <g class="nodes">{ node_items }</g>
            </svg>
            <p class="leader-line" aria-live="polite">{ leader_text }</p>
        </div>
    }
}

/// Messages from the lower id travel on one side of the line, answers on the other.
fn lane_for(from: NodeId, to: NodeId) -> f64 {
    if from < to {
        5.0
    } else {
        -5.0
    }
}

fn kind_of(name: &str) -> crate::raft::MessageKind {
    crate::raft::MessageKind::from_name(name).unwrap_or(crate::raft::MessageKind::Heartbeat)
}

fn render_node(v: &NodeView, p: Point, r: f64, group: Option<usize>, selected: bool, all: &[NodeView], dispatch: Callback<Action>) -> Html {
    let id = v.id;
    let onclick = {
        let d = dispatch.clone();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            d.emit(Action::Select(Selection::Node(id)));
        })
    };
    let onkeydown = {
        let d = dispatch;
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                d.emit(Action::Select(Selection::Node(id)));
            }
        })
    };
    let crashed = v.role == "crashed";
    let label = if crashed {
        EN.role_crashed
    } else if !v.member {
        EN.role_removed
    } else {
        role_label(v.role)
    };
    let aria = format!("{}: {}, {} {}", fill(EN.node_title, &[("node", &id.to_string())]), label, EN.f_term.to_lowercase(), v.term);
    let timer = if !crashed && v.role != "leader" && v.timer_timeout > 0 {
        let d = arc_path(Point { x: 0.0, y: 0.0 }, r + 5.0, v.timer_fraction());
        html! {
            <>
                <circle class="timer-track" r={format!("{:.1}", r + 5.0)} />
                <path class="timer" d={d} />
            </>
        }
    } else {
        html! {}
    };
    // Votes received during an election: a dot per other voter, filled when granted.
    let votes = if matches!(v.role, "candidate" | "precandidate") {
        let others: Vec<NodeId> = all.iter().map(|o| o.id).filter(|&o| o != id).collect();
        let k = others.len().max(1) as f64;
        let dots: Html = others
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let angle = std::f64::consts::PI * (0.25 + 0.5 * (i as f64 + 0.5) / k);
                let (x, y) = ((r - 11.0) * angle.cos(), (r - 11.0) * angle.sin());
                let class = match v.votes.iter().find(|(n, _)| n == o) {
                    Some((_, true)) => "vote granted",
                    Some((_, false)) => "vote refused",
                    None => "vote",
                };
                html! { <circle class={class} cx={format!("{x:.1}")} cy={format!("{y:.1}")} r="3.6"><title>{ format!("node {o}") }</title></circle> }
            })
            .collect();
        html! { <g class="votes">{ dots }</g> }
    } else {
        html! {}
    };
    let crown = if v.role == "leader" {
        html! { <path class="crown" transform={format!("translate(0,{:.1})", -r - 14.0)} d="M-12 6 L-12 -4 L-6 1 L0 -7 L6 1 L12 -4 L12 6 Z" /> }
    } else {
        html! {}
    };
    let halo = match group {
        Some(g) => html! { <circle class={format!("halo group-{}", g.min(3))} r={format!("{:.1}", r + 12.0)} /> },
        None => html! {},
    };
    html! {
        <g key={id} class={classes!("node", format!("role-{}", v.role), selected.then_some("selected"), (!v.member && !crashed).then_some("outside"))}
            transform={format!("translate({:.1},{:.1})", p.x, p.y)}
            data-node-id={id.to_string()} data-role={v.role} data-term={v.term.to_string()}
            role="button" tabindex="0" aria-label={aria} {onclick} {onkeydown}>
            { halo }
            <circle class="select-ring" r={format!("{:.1}", r + 9.0)} />
            { timer }
            <circle class="body" r={format!("{r:.1}")} />
            { crown }
            <text class="id" y="1">{ id }</text>
            <text class="term" y={format!("{:.1}", r * 0.48)}>{ format!("T{}", v.term) }</text>
            { votes }
            if crashed {
                <path class="cross" d={format!("M{a} {a} L{b} {b} M{b} {a} L{a} {b}", a = -r * 0.55, b = r * 0.55)} />
            }
            <text class="role" y={format!("{:.1}", r + 22.0)}>{ label }</text>
        </g>
    }
}

/// The key to the drawing: roles and message kinds, with the same shapes and colours.
#[function_component]
pub fn Legend() -> Html {
    let roles = [
        ("follower", EN.role_follower),
        ("precandidate", EN.role_precandidate),
        ("candidate", EN.role_candidate),
        ("leader", EN.role_leader),
        ("learner", EN.role_learner),
        ("crashed", EN.role_crashed),
    ];
    let kinds = crate::raft::MessageKind::ALL;
    html! {
        <details class="legend" open=true>
            <summary>{ EN.legend }</summary>
            <div class="legend-grid">
                { for roles.iter().map(|(role, label)| html! {
                    <span class="legend-item">
                        <svg viewBox="-12 -12 24 24" class={classes!("swatch", "node", format!("role-{role}"))} aria-hidden="true"><circle class="body" r="9" /></svg>
                        { *label }
                    </span>
                }) }
                { for kinds.iter().map(|k| {
                    let m = MessageView { id: 0, kind: k.name(), from: 1, to: 2, term: 0, sent_at: 0, deliver_at: 1, lost_at: None, entries: 2, success: Some(true) };
                    html! {
                        <span class="legend-item">
                            <svg viewBox="-13 -13 26 26" class={classes!("swatch", "msg", format!("kind-{}", k.name()))} aria-hidden="true">{ message_shape(&m) }</svg>
                            { crate::view::narrate::kind_name(&EN, *k) }
                        </span>
                    }
                }) }
                <span class="legend-item">
                    <svg viewBox="-13 -13 26 26" class="swatch death" aria-hidden="true"><circle r="8" /><path d="M-5 -5 L5 5 M5 -5 L-5 5" /></svg>
                    { EN.legend_lost }
                </span>
                <span class="legend-item">
                    <svg viewBox="-13 -13 26 26" class="swatch cut" aria-hidden="true"><circle r="8" /><path d="M-4 -4 L4 4 M4 -4 L-4 4" /></svg>
                    { EN.legend_cut }
                </span>
            </div>
        </details>
    }
}
