//! The cluster drawing: nodes on a ring, links, partitions, messages in flight, and the
//! legend that explains them. Nodes are components (they keep focus and take clicks);
//! links and messages, which change every frame, are drawn as markup.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::markup::{esc, num, target_attr, Markup};
use super::{Action, PanelProps};
use crate::raft::{MessageKind, NodeId};
use crate::sim::DropReason;
use crate::view::catalog::{fill, EN};
use crate::view::controller::{Selection, DEATH_MS};
use crate::view::frame::{self, MessageView, NodeView};
use crate::view::geometry::{along, arc_path, midpoint, node_position, node_radius, Point, SIZE};
use crate::view::narrate::kind_name;

pub fn role_label(role: &str) -> &'static str {
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
fn message_shape(out: &mut String, kind: &str, entries: usize, yes: bool) {
    let answer = if yes { "shape" } else { "shape no" };
    match kind {
        "vote-request" | "prevote-request" => out.push_str(r#"<circle class="shape" r="7.5"/>"#),
        "vote-response" | "prevote-response" => {
            let _ = write!(out, r#"<circle class="{answer}" r="5"/>"#);
        }
        "append" => {
            let _ = write!(
                out,
                r#"<rect class="shape" x="-11" y="-7.5" width="22" height="15" rx="3"/><text class="count" y="3.5">{entries}</text>"#
            );
        }
        "heartbeat" => out.push_str(r#"<circle class="shape" r="4.5"/>"#),
        "append-response" => {
            let _ = write!(out, r#"<rect class="{answer}" x="-4.5" y="-4.5" width="9" height="9" rx="1.5"/>"#);
        }
        "snapshot" => {
            out.push_str(r#"<rect class="shape" x="-10" y="-10" width="20" height="20" rx="3"/><text class="count" y="4">S</text>"#)
        }
        "snapshot-response" => out.push_str(r#"<rect class="shape" x="-5" y="-5" width="10" height="10" rx="2"/>"#),
        "read-index" => out.push_str(r#"<path class="shape" d="M0 -8 L8 0 L0 8 L-8 0 Z"/>"#),
        "read-index-response" => {
            let _ = write!(out, r#"<path class="{answer}" d="M0 -5.5 L5.5 0 L0 5.5 L-5.5 0 Z"/>"#);
        }
        _ => out.push_str(r#"<path class="shape" d="M0 -9 L8 6 L-8 6 Z"/>"#),
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

fn cross(out: &mut String, p: Point, label: &str) {
    let _ = write!(
        out,
        r#"<g class="cut" transform="translate({},{})"><title>{}</title><circle r="8"/><path d="M-4 -4 L4 4 M4 -4 L-4 4"/></g>"#,
        num(p.x),
        num(p.y),
        esc(label)
    );
}

fn links_markup(nodes: &[NodeView], pos: &BTreeMap<NodeId, Point>, r: f64, net: &crate::sim::Network) -> String {
    let mut lines = String::new();
    let mut marks = String::new();
    for (i, a) in nodes.iter().enumerate() {
        for b in nodes.iter().skip(i + 1) {
            let (pa, pb) = (pos[&a.id], pos[&b.id]);
            let (ab, ba) = (net.connected(a.id, b.id), net.connected(b.id, a.id));
            let class = match (ab, ba) {
                (true, true) => "link",
                (false, false) => "link blocked",
                _ => "link oneway",
            };
            let _ = write!(lines, r#"<line class="{class}" x1="{}" y1="{}" x2="{}" y2="{}"/>"#, num(pa.x), num(pa.y), num(pb.x), num(pb.y));
            let cut = |from: &NodeView, to: &NodeView| fill(EN.n_cut, &[("from", &from.id.to_string()), ("to", &to.id.to_string())]);
            match (ab, ba) {
                (false, false) => cross(&mut marks, midpoint(pa, pb, 0.0), &format!("{} ⇹ {}", a.id, b.id)),
                (false, true) => cross(&mut marks, along(pa, pb, r, 0.3, lane_for(a.id, b.id)), &cut(a, b)),
                (true, false) => cross(&mut marks, along(pb, pa, r, 0.3, lane_for(b.id, a.id)), &cut(b, a)),
                _ => {}
            }
        }
    }
    lines.push_str(&marks);
    lines
}

/// The markup of one message in flight (without its position).
fn message_markup(m: &MessageView) -> String {
    let mut out = String::new();
    let kind = MessageKind::from_name(m.kind).unwrap_or(MessageKind::Heartbeat);
    let _ = write!(
        out,
        r#"<g class="msg kind-{k}" data-message="{id}" data-kind="{k}" data-from="{f}" data-to="{t}"><title>{title} {f}→{t}</title><circle class="hit" r="13"/>"#,
        k = m.kind,
        id = m.id,
        f = m.from,
        t = m.to,
        title = kind_name(&EN, kind),
    );
    message_shape(&mut out, m.kind, m.entries, m.success.unwrap_or(true));
    out.push_str("</g>");
    out
}

/// The messages layer, kept by hand: an element is created when its message is sent, moved
/// every frame, and removed when the message arrives or dies. Under heavy traffic this
/// touches far less of the page than rebuilding the layer.
#[derive(Default)]
struct MessageLayer {
    drawn: BTreeMap<u64, web_sys::Element>,
    selected: Option<u64>,
}

impl MessageLayer {
    fn sync(&mut self, layer: &web_sys::Element, now: &[(MessageView, Point)], selected: Option<u64>) {
        let live: std::collections::BTreeSet<u64> = now.iter().map(|(m, _)| m.id).collect();
        self.drawn.retain(|id, el| {
            let keep = live.contains(id);
            if !keep {
                el.remove();
            }
            keep
        });
        for (m, p) in now {
            let el = match self.drawn.get(&m.id) {
                Some(el) => el.clone(),
                None => {
                    let _ = layer.insert_adjacent_html("beforeend", &message_markup(m));
                    let Some(el) = layer.last_element_child() else { continue };
                    self.drawn.insert(m.id, el.clone());
                    el
                }
            };
            let _ = el.set_attribute("transform", &format!("translate({},{})", num(p.x), num(p.y)));
        }
        if self.selected != selected {
            for id in [self.selected, selected].into_iter().flatten() {
                if let Some(el) = self.drawn.get(&id) {
                    let _ = el.class_list().toggle_with_force("selected", Some(id) == selected);
                }
            }
            self.selected = selected;
        }
    }
}

#[function_component]
pub fn ClusterView(props: &PanelProps) -> Html {
    let layer = use_node_ref();
    let drawn = use_mut_ref(MessageLayer::default);
    let positions = use_mut_ref(Vec::<(MessageView, Point)>::new);
    let selected_message = use_mut_ref(|| None::<u64>);
    {
        let layer = layer.clone();
        let positions = positions.clone();
        let selected_message = selected_message.clone();
        use_effect(move || {
            if let Some(el) = layer.cast::<web_sys::Element>() {
                drawn.borrow_mut().sync(&el, &positions.borrow(), *selected_message.borrow());
            }
        });
    }
    let c = props.ctl.0.borrow();
    let world = c.session.world();
    let now = world.now();
    let nodes = frame::nodes(world, 0);
    let n = nodes.len();
    let r = node_radius(n);
    let pos: BTreeMap<NodeId, Point> = nodes.iter().enumerate().map(|(k, v)| (v.id, node_position(k, n))).collect();
    let net = world.network();
    let partition = net.partition();
    let group_of = |id: NodeId| -> Option<usize> {
        if partition.is_empty() {
            return None;
        }
        Some(partition.iter().position(|g| g.contains(&id)).unwrap_or(partition.len()))
    };

    let links = links_markup(&nodes, &pos, r, net);
    let in_flight: Vec<MessageView> =
        frame::messages(world, 0).into_iter().filter(|m| pos.contains_key(&m.from) && pos.contains_key(&m.to)).collect();
    *positions.borrow_mut() = in_flight
        .into_iter()
        .map(|m| {
            let p = along(pos[&m.from], pos[&m.to], r, m.progress(now), lane_for(m.from, m.to));
            (m, p)
        })
        .collect();
    *selected_message.borrow_mut() = match c.selected {
        Selection::Message(id) => Some(id),
        _ => None,
    };
    let real_now = c.last_frame_ms();
    let mut deaths = String::new();
    for d in &c.deaths {
        let (Some(&a), Some(&b)) = (pos.get(&d.from), pos.get(&d.to)) else { continue };
        let p = along(a, b, r, d.progress, lane_for(d.from, d.to));
        let k = (d.shown_at.map_or(0.0, |s| (real_now - s).max(0.0)) / DEATH_MS).clamp(0.0, 1.0);
        let class = if d.reason == DropReason::Partition { "death partition" } else { "death" };
        let _ = write!(
            deaths,
            r#"<g class="{class}" transform="translate({},{})" opacity="{}"><circle r="{}"/><path d="M-5 -5 L5 5 M5 -5 L-5 5"/></g>"#,
            num(p.x),
            num(p.y),
            num(1.0 - k),
            num(6.0 + 10.0 * k)
        );
    }

    let node_items: Html = nodes
        .iter()
        .map(|v| render_node(v, pos[&v.id], r, group_of(v.id), c.selected == Selection::Node(v.id), &nodes, props.dispatch.clone()))
        .collect();

    let leader_text = match world.leader(0).and_then(|l| nodes.iter().find(|v| v.id == l)) {
        Some(l) => fill(EN.leader_is, &[("node", &l.id.to_string()), ("term", &l.term.to_string())]),
        None => EN.no_leader.to_string(),
    };
    // One listener for every message and for the background.
    let onclick = {
        let d = props.dispatch.clone();
        Callback::from(move |e: MouseEvent| match target_attr(&e, "data-message") {
            Some((_, id)) => {
                if let Ok(id) = id.parse() {
                    d.emit(Action::Pause);
                    d.emit(Action::Select(Selection::Message(id)));
                }
            }
            None => d.emit(Action::Select(Selection::None)),
        })
    };
    html! {
        <div class="cluster-wrap">
            <svg class="cluster" viewBox={format!("0 0 {SIZE} {SIZE}")} role="group" aria-label={EN.cluster} {onclick}>
                <g class="links">{ Html::from_html_unchecked(AttrValue::from(links)) }</g>
                <g class="messages" ref={layer}></g>
                <g class="deaths">{ Html::from_html_unchecked(AttrValue::from(deaths)) }</g>
                <g class="nodes">{ node_items }</g>
            </svg>
            <p class="leader-line" aria-live="polite">{ leader_text }</p>
        </div>
    }
}

fn render_node(v: &NodeView, p: Point, r: f64, group: Option<usize>, selected: bool, all: &[NodeView], dispatch: Callback<Action>) -> Html {
    let id = v.id;
    let select = {
        let d = dispatch;
        Callback::from(move |e: web_sys::Event| {
            if let Some(k) = e.dyn_ref::<web_sys::KeyboardEvent>() {
                if k.key() != "Enter" && k.key() != " " {
                    return;
                }
                k.prevent_default();
            }
            e.stop_propagation();
            d.emit(Action::Select(Selection::Node(id)));
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

    // The inside of the node, as markup: timer arc, crown, votes, cross, labels.
    let mut m = Markup::new();
    if let Some(g) = group {
        let _ = write!(m.0, r#"<circle class="halo group-{}" r="{}"/>"#, g.min(3), num(r + 12.0));
    }
    let _ = write!(m.0, r#"<circle class="select-ring" r="{}"/>"#, num(r + 9.0));
    let timing = !crashed && v.role != "leader" && v.timer_timeout > 0;
    if timing {
        let _ = write!(m.0, r#"<circle class="timer-track" r="{}"/>"#, num(r + 5.0));
    }
    let _ = write!(m.0, r#"<circle class="body" r="{}"/>"#, num(r));
    if v.role == "leader" {
        let _ = write!(
            m.0,
            r#"<path class="crown" transform="translate(0,{})" d="M-12 6 L-12 -4 L-6 1 L0 -7 L6 1 L12 -4 L12 6 Z"/>"#,
            num(-r - 14.0)
        );
    }
    let _ = write!(m.0, r#"<text class="id" y="1">{id}</text><text class="term" y="{}">T{}</text>"#, num(r * 0.5), v.term);
    // Votes received during an election: a dot per other voter, filled when granted.
    if matches!(v.role, "candidate" | "precandidate") {
        let others: Vec<NodeId> = all.iter().map(|o| o.id).filter(|&o| o != id).collect();
        let k = others.len().max(1) as f64;
        for (i, o) in others.iter().enumerate() {
            let angle = std::f64::consts::PI * (0.2 + 0.6 * (i as f64 + 0.5) / k);
            let (x, y) = ((r + 15.0) * angle.cos(), -((r + 15.0) * angle.sin()));
            let class = match v.votes.iter().find(|(n, _)| n == o) {
                Some((_, true)) => "vote granted",
                Some((_, false)) => "vote refused",
                None => "vote",
            };
            let _ = write!(m.0, r#"<circle class="{class}" cx="{}" cy="{}" r="4"><title>node {o}</title></circle>"#, num(x), num(y));
        }
    }
    if crashed {
        let (a, b) = (num(-r * 0.55), num(r * 0.55));
        let _ = write!(m.0, r#"<path class="cross" d="M{a} {a} L{b} {b} M{b} {a} L{a} {b}"/>"#);
    }
    let _ = write!(m.0, r#"<text class="role" y="{}">{}</text>"#, num(r + 22.0), esc(label));

    html! {
        <g key={id} class={classes!("node", format!("role-{}", v.role), selected.then_some("selected"), (!v.member && !crashed).then_some("outside"))}
            transform={format!("translate({},{})", num(p.x), num(p.y))}
            data-node-id={id.to_string()} data-role={v.role} data-term={v.term.to_string()}
            role="button" tabindex="0" aria-label={aria} onclick={select.reform(|e: MouseEvent| e.into())} onkeydown={select.reform(|e: KeyboardEvent| e.into())}>
            { m.html() }
            if timing {
                // The one part of a node that changes every frame: an attribute, not markup.
                <path class="timer" d={arc_path(Point { x: 0.0, y: 0.0 }, r + 5.0, v.timer_fraction())} />
            }
        </g>
    }
}

/// The key to the drawing: roles and message kinds, with the same shapes and colours.
#[function_component]
pub fn Legend() -> Html {
    let markup = use_memo((), |_| {
        let mut s = String::new();
        let roles = [
            ("follower", EN.role_follower),
            ("precandidate", EN.role_precandidate),
            ("candidate", EN.role_candidate),
            ("leader", EN.role_leader),
            ("learner", EN.role_learner),
            ("crashed", EN.role_crashed),
        ];
        for (role, label) in roles {
            let _ = write!(
                s,
                r#"<span class="legend-item"><svg viewBox="-12 -12 24 24" class="swatch node role-{role}" aria-hidden="true"><circle class="body" r="9"/></svg>{}</span>"#,
                esc(label)
            );
        }
        for k in MessageKind::ALL {
            let _ = write!(
                s,
                r#"<span class="legend-item"><svg viewBox="-13 -13 26 26" class="swatch msg kind-{}" aria-hidden="true">"#,
                k.name()
            );
            message_shape(&mut s, k.name(), 2, true);
            let _ = write!(s, "</svg>{}</span>", esc(kind_name(&EN, k)));
        }
        let _ = write!(
            s,
            r#"<span class="legend-item"><svg viewBox="-13 -13 26 26" class="swatch msg kind-append-response" aria-hidden="true"><rect class="shape no" x="-4.5" y="-4.5" width="9" height="9" rx="1.5"/></svg>{}</span>"#,
            esc(EN.legend_refused)
        );
        let _ = write!(
            s,
            r#"<span class="legend-item"><svg viewBox="-13 -13 26 26" class="swatch death" aria-hidden="true"><circle r="8"/><path d="M-5 -5 L5 5 M5 -5 L-5 5"/></svg>{}</span>"#,
            esc(EN.legend_lost)
        );
        let _ = write!(
            s,
            r#"<span class="legend-item"><svg viewBox="-13 -13 26 26" class="swatch cut" aria-hidden="true"><circle r="8"/><path d="M-4 -4 L4 4 M4 -4 L-4 4"/></svg>{}</span>"#,
            esc(EN.legend_cut)
        );
        let _ = write!(
            s,
            r#"<span class="legend-item"><svg viewBox="-13 -13 26 26" class="swatch" aria-hidden="true"><circle class="timer-legend" r="9"/></svg>{}</span>"#,
            esc(EN.legend_timer)
        );
        s
    });
    html! {
        <details class="legend" open=true>
            <summary>{ EN.legend }</summary>
            <div class="legend-grid">{ Html::from_html_unchecked(AttrValue::from((*markup).clone())) }</div>
        </details>
    }
}
