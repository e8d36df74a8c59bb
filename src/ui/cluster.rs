//! The cluster drawing: nodes on a ring, links, partitions, messages in flight, and the
//! legend that explains them. Everything is markup; nodes are patched in place (a focused
//! node keeps its focus), messages are kept one element each, moved every frame.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use wasm_bindgen::JsCast;

use super::dom::Slot;
use super::markup::{esc, num};
use super::Controller;
use crate::raft::{MessageKind, NodeId};
use crate::sim::DropReason;
use crate::view::catalog::{cat, fill};
use crate::view::controller::{Selection, DEATH_MS};
use crate::view::frame::{self, MessageView, NodeView, Stale};
use crate::view::geometry::{along, arc_path, midpoint, node_position, node_radius, Point, SIZE};
use crate::view::narrate::kind_name;

pub fn role_label(role: &str) -> &'static str {
    match role {
        "leader" => cat().role_leader,
        "candidate" => cat().role_candidate,
        "precandidate" => cat().role_precandidate,
        "learner" => cat().role_learner,
        "crashed" => cat().role_crashed,
        _ => cat().role_follower,
    }
}

/// A message's shape, by kind. Requests are larger than responses; a hollow response says no.
/// `entries` is written on an append when it is given (drawings too small to read it omit it).
fn message_shape(out: &mut String, kind: &str, entries: Option<usize>, yes: bool) {
    let answer = if yes { "shape" } else { "shape no" };
    match kind {
        "vote-request" | "prevote-request" => out.push_str(r#"<circle class="shape" r="7.5"/>"#),
        "vote-response" | "prevote-response" => {
            let _ = write!(out, r#"<circle class="{answer}" r="5"/>"#);
        }
        "append" => {
            out.push_str(r#"<rect class="shape" x="-11" y="-7.5" width="22" height="15" rx="3"/>"#);
            if let Some(n) = entries {
                let _ = write!(out, r#"<text class="count" y="3.5">{n}</text>"#);
            }
        }
        "heartbeat" => out.push_str(r#"<circle class="shape" r="4.5"/>"#),
        "append-response" => {
            let _ = write!(out, r#"<rect class="{answer}" x="-4.5" y="-4.5" width="9" height="9" rx="1.5"/>"#);
        }
        "snapshot" => {
            out.push_str(r#"<rect class="shape" x="-10" y="-10" width="20" height="20" rx="3"/>"#);
            if entries.is_some() {
                out.push_str(r#"<text class="count" y="4">S</text>"#);
            }
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

/// A cut link: a "no entry" sign (a circle with a slash).
const CUT_SIGN: &str = r#"<circle r="8"/><path d="M-5.2 5.2 L5.2 -5.2"/>"#;
/// A lost message: a burst of rays where it died.
const BURST: &str = r#"<path d="M0 -9V-4M0 9V4M-9 0H-4M9 0H4M-6.4 -6.4L-3 -3M6.4 6.4L3 3M-6.4 6.4L-3 3M6.4 -6.4L3 -3"/>"#;

fn cut_sign(out: &mut String, p: Point, k: f64, label: &str) {
    let _ = write!(
        out,
        r#"<g class="cut" transform="translate({},{}) scale({})"><title>{}</title>{CUT_SIGN}</g>"#,
        num(p.x),
        num(p.y),
        num(k),
        esc(label)
    );
}

fn links_markup(nodes: &[NodeView], pos: &BTreeMap<NodeId, Point>, r: f64, k: f64, net: &crate::sim::Network) -> String {
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
            let cut = |from: &NodeView, to: &NodeView| fill(cat().n_cut, &[("from", &from.id), ("to", &to.id)]);
            match (ab, ba) {
                (false, false) => cut_sign(&mut marks, midpoint(pa, pb, 0.0), k, &format!("{} ⇹ {}", a.id, b.id)),
                (false, true) => cut_sign(&mut marks, along(pa, pb, r, 0.3, lane_for(a.id, b.id) * k), k, &cut(a, b)),
                (true, false) => cut_sign(&mut marks, along(pb, pa, r, 0.3, lane_for(b.id, a.id) * k), k, &cut(b, a)),
                _ => {}
            }
        }
    }
    lines.push_str(&marks);
    lines
}

/// The markup of one message in flight (without its position). `other`: in Zeebe mode,
/// the partition of a message that is not the shown partition's (drawn dimmed).
fn message_markup(m: &MessageView, small: bool, other: Option<u32>) -> String {
    let mut out = String::new();
    let kind = MessageKind::from_name(m.kind).unwrap_or(MessageKind::Heartbeat);
    let of = other.map_or(String::new(), |p| format!(" ({})", fill(cat().z_p, &[("partition", &p)])));
    let _ = write!(
        out,
        r#"<g class="msg kind-{k}{o}" data-act="message" data-message="{id}" data-kind="{k}" data-from="{f}" data-to="{t}"><title>{title} {f}→{t}{of}</title><circle class="hit" r="13"/>"#,
        k = m.kind,
        o = if other.is_some() { " other" } else { "" },
        id = m.id,
        f = m.from,
        t = m.to,
        title = kind_name(cat(), kind),
        of = esc(&of),
    );
    message_shape(&mut out, m.kind, (!small).then_some(m.entries), m.success.unwrap_or(true));
    out.push_str("</g>");
    out
}

/// A message as drawn: where it is, and (Zeebe mode) its partition if not the shown one.
type Drawn = (MessageView, Point, Option<u32>);

/// The messages layer, kept by hand: an element is created when its message is sent, moved
/// every frame, and removed when the message arrives or dies. Under heavy traffic this
/// touches far less of the page than rebuilding the layer.
struct MessageLayer {
    layer: web_sys::Element,
    drawn: BTreeMap<u64, web_sys::Element>,
    selected: Option<u64>,
    /// The zoom messages were drawn at; they are drawn anew when it changes.
    zoom: f64,
}

impl MessageLayer {
    fn new(layer: web_sys::Element) -> MessageLayer {
        MessageLayer { layer, drawn: BTreeMap::new(), selected: None, zoom: 0.0 }
    }

    fn sync(&mut self, now: &[Drawn], selected: Option<u64>, zoom: f64, small: bool) {
        let layer = &self.layer;
        if zoom != self.zoom {
            for el in self.drawn.values() {
                el.remove();
            }
            self.drawn.clear();
            self.zoom = zoom;
        }
        let scale = if zoom > 1.0 { format!(" scale({})", num(zoom)) } else { String::new() };
        let live: Vec<u64> = now.iter().map(|(m, _, _)| m.id).collect();
        self.drawn.retain(|id, el| {
            let keep = live.contains(id);
            if !keep {
                el.remove();
            }
            keep
        });
        for (m, p, other) in now {
            let el = match self.drawn.get(&m.id) {
                Some(el) => el.clone(),
                None => {
                    let _ = layer.insert_adjacent_html("beforeend", &message_markup(m, small, *other));
                    let Some(el) = layer.last_element_child() else { continue };
                    self.drawn.insert(m.id, el.clone());
                    el
                }
            };
            let _ = el.set_attribute("transform", &format!("translate({},{}){scale}", num(p.x), num(p.y)));
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

/// How a drawing of this size is scaled so words stay readable: user units per CSS pixel,
/// the zoom of nodes and messages, and the ring's shrink to make room for them.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Scale {
    units_per_px: f64,
    zoom: f64,
    ring: f64,
}

impl Scale {
    /// The smallest size a word is drawn at, in CSS pixels.
    const MIN_TEXT_PX: f64 = 11.0;

    fn for_units(units_per_px: f64) -> Scale {
        let zoom = (units_per_px / 1.7).max(1.0);
        Scale { units_per_px, zoom, ring: (1.0 - 0.18 * (zoom - 1.0)).max(0.82) }
    }

    /// A font size (user units) of at least `units`, and never under 11 CSS pixels.
    fn font(&self, units: f64) -> f64 {
        units.max(Self::MIN_TEXT_PX * self.units_per_px)
    }

    /// Small drawings (under about 300 CSS pixels) leave out what cannot be read there:
    /// entry counts on messages, second lines under nodes.
    fn small(&self) -> bool {
        self.units_per_px > 2.0
    }
}

/// What the line under the drawing says, as markup: the leader (or leaders, or none), and
/// each stale leader with why it cannot commit.
fn leader_line(nodes: &[NodeView], words: impl Fn(&str) -> String) -> String {
    let working = frame::working_leaders(nodes);
    let head = match working.as_slice() {
        [] => cat().no_leader.to_string(),
        [one] => fill(cat().leader_is, &[("node", &one.id), ("term", &one.term)]),
        many => {
            let ids: Vec<String> = many.iter().map(|n| n.id.to_string()).collect();
            fill(cat().leaders_are, &[("nodes", &ids.join(", "))])
        }
    };
    let mut out = format!("<span>{}</span>", esc(&words(&head)));
    for n in nodes {
        let template = match n.stale {
            Some(Stale::NoMajority) => cat().stale_caption_no_majority,
            Some(Stale::NewerTerm) => cat().stale_caption_newer_term,
            None => continue,
        };
        let _ = write!(out, r#"<span class="stale-note">{}</span>"#, esc(&words(&fill(template, &[("node", &n.id), ("term", &n.term)]))));
    }
    out
}

/// The cluster drawing as kept in the page: links, deaths and the line under the drawing are
/// redrawn when their markup changes; nodes are patched (a focused node keeps its focus)
/// and their timers, the one part that changes every frame, are attributes set by hand;
/// messages are kept one by one ([`MessageLayer`]).
pub struct ClusterView {
    svg: web_sys::Element,
    links: Slot,
    deaths: Slot,
    nodes: Slot,
    leader: Slot,
    /// Zeebe mode: the partition shown, above the drawing (the skeleton has it then).
    head: Option<Slot>,
    messages: MessageLayer,
    /// The timer arcs drawn, in node order, and the path each was last given.
    timers: Vec<(web_sys::Element, String)>,
}

impl ClusterView {
    /// The drawing's parts in the page's skeleton (see `app::skeleton`).
    pub fn find(root: &web_sys::Element) -> ClusterView {
        ClusterView {
            svg: Slot::find(root, "svg.cluster").el,
            links: Slot::find(root, "g.links"),
            deaths: Slot::find(root, "g.deaths"),
            nodes: Slot::find(root, "g.nodes"),
            leader: Slot::find(root, ".leader-line"),
            head: root.query_selector(".zeebe-head").ok().flatten().map(Slot::new),
            messages: MessageLayer::new(Slot::find(root, "g.messages").el),
            timers: Vec::new(),
        }
    }

    /// User units per CSS pixel, in tenths, rounded up (words never come out smaller than
    /// asked), or `None` while the drawing has no size. Read when the drawing appears and
    /// when the window resizes, never per frame: reading a size forces a layout.
    pub fn measure(&self) -> Option<u64> {
        let side = self.svg.client_width().min(self.svg.client_height()) as f64;
        (side > 1.0).then(|| (SIZE / side * 10.0).ceil() as u64)
    }

    pub fn draw(&mut self, c: &Controller, units: u64) {
        let scale = Scale::for_units(units as f64 / 10.0);
        let world = c.session.world();
        let now = world.now();
        let nodes = frame::nodes(world, c.group);
        let n = nodes.len();
        let r = node_radius(n) * scale.zoom;
        let center = SIZE / 2.0;
        let mut pos: BTreeMap<NodeId, Point> = BTreeMap::new();
        for (k, v) in nodes.iter().enumerate() {
            let p = node_position(k, n);
            pos.insert(v.id, Point { x: center + (p.x - center) * scale.ring, y: center + (p.y - center) * scale.ring });
        }
        let net = world.network();
        let partition = net.partition();
        let group_of = |id: NodeId| -> Option<usize> {
            if partition.is_empty() {
                return None;
            }
            Some(partition.iter().position(|g| g.contains(&id)).unwrap_or(partition.len()))
        };

        self.links.set(links_markup(&nodes, &pos, r, scale.zoom, net));
        let lane = |from, to| lane_for(from, to) * scale.zoom;
        // The shown group's messages; in Zeebe mode, on request, every partition's between the
        // brokers drawn.
        let zeebe = c.zeebe().is_some();
        let in_flight: Vec<Drawn> = world
            .in_flight()
            .filter(|m| m.group == c.group || (zeebe && c.all_messages))
            .filter(|m| pos.contains_key(&m.message.from) && pos.contains_key(&m.message.to))
            .map(|m| (frame::message_view(m), (m.group != c.group).then_some(m.group + 1)))
            .map(|(m, other)| {
                let p = along(pos[&m.from], pos[&m.to], r, m.progress(now), lane(m.from, m.to));
                (m, p, other)
            })
            .collect();
        let selected_message = match c.selected {
            Selection::Message(id) => Some(id),
            _ => None,
        };
        self.messages.sync(&in_flight, selected_message, scale.zoom, scale.small());

        let real_now = c.last_frame_ms();
        let mut deaths = String::new();
        for d in &c.deaths {
            let (Some(&a), Some(&b)) = (pos.get(&d.from), pos.get(&d.to)) else { continue };
            let p = along(a, b, r, d.progress, lane(d.from, d.to));
            let k = (d.shown_at.map_or(0.0, |s| (real_now - s).max(0.0)) / DEATH_MS).clamp(0.0, 1.0);
            let class = if d.reason == DropReason::Partition { "death partition" } else { "death" };
            let _ = write!(
                deaths,
                r#"<g class="{class}" transform="translate({},{}) scale({})" opacity="{}">{BURST}</g>"#,
                num(p.x),
                num(p.y),
                num(scale.zoom * (1.0 + 0.8 * k)),
                num(1.0 - k),
            );
        }
        self.deaths.set(deaths);

        let focus = c.lesson_focus();
        let words = |t: &str| c.words(t);
        let mut markup = String::with_capacity(4096);
        for v in &nodes {
            let marks = Marks {
                group: group_of(v.id),
                selected: c.selected == Selection::Node(v.id),
                focus: focus.contains(&v.id),
                zeebe: zeebe.then(|| frame::replica(world, c.group + 1, v.id)).flatten(),
            };
            node_markup(&mut markup, v, pos[&v.id], r, &scale, marks, &nodes, &words);
        }
        if self.nodes.patch(markup) {
            let list = self.nodes.el.query_selector_all("path.timer").ok();
            self.timers = (0..list.as_ref().map_or(0, |l| l.length()))
                .filter_map(|i| list.as_ref()?.item(i)?.dyn_into::<web_sys::Element>().ok())
                .map(|el| (el, String::new()))
                .collect();
        }
        // The one part of a node that changes every frame: an attribute, not markup.
        let arcs = nodes.iter().filter(|v| timing(v)).map(|v| arc_path(Point { x: 0.0, y: 0.0 }, r + 5.0 * scale.zoom, v.timer_fraction()));
        for ((el, drawn), d) in self.timers.iter_mut().zip(arcs) {
            if *drawn != d {
                let _ = el.set_attribute("d", &d);
                *drawn = d;
            }
        }
        self.leader.set(leader_line(&nodes, words));
        if let Some(head) = &mut self.head {
            head.set(zeebe_head(c, &nodes));
        }
    }
}

/// Zeebe mode: above the drawing, the partition shown and the brokers its Raft group
/// lives on (the inside of `p.zeebe-head`).
fn zeebe_head(c: &Controller, nodes: &[NodeView]) -> String {
    let brokers: Vec<String> = nodes.iter().map(|n| n.id.to_string()).collect();
    format!(
        "<b>{}</b> · {}",
        esc(&fill(cat().z_partition, &[("partition", &(c.group + 1))])),
        esc(&fill(cat().z_shown, &[("brokers", &brokers.join(", "))]))
    )
}

/// What is drawn around a node besides itself: its partition group's halo, the selection,
/// the ring of a node the lesson's step talks about, and in Zeebe mode its replica.
struct Marks {
    group: Option<usize>,
    selected: bool,
    focus: bool,
    zeebe: Option<frame::ReplicaView>,
}

/// Whether a node's election timer is drawn.
fn timing(v: &NodeView) -> bool {
    v.role != "crashed" && v.role != "leader" && v.timer_timeout > 0
}

/// One node: a group the reader selects (click, or Enter / Space on its button).
#[allow(clippy::too_many_arguments)]
fn node_markup(
    out: &mut String,
    v: &NodeView,
    p: Point,
    r: f64,
    scale: &Scale,
    marks: Marks,
    all: &[NodeView],
    words: &dyn Fn(&str) -> String,
) {
    let Marks { group, selected, focus, zeebe } = marks;
    let id = v.id;
    let k = scale.zoom;
    let crashed = v.role == "crashed";
    let label = if crashed {
        cat().role_crashed
    } else if !v.member {
        cat().role_removed
    } else if v.stale.is_some() {
        cat().role_stale_leader
    } else {
        role_label(v.role)
    };
    let reason = v.stale.map(|s| match s {
        Stale::NoMajority => cat().stale_no_majority,
        Stale::NewerTerm => cat().stale_newer_term,
    });
    let described = match reason {
        Some(why) => format!("{label} ({why})"),
        None => label.to_string(),
    };
    // Zeebe mode: the replica's priority, and the target it waits for while not leading
    // (priority election: it stands once its priority reaches the target).
    let priority = zeebe.as_ref().map(|z| {
        let p = fill(cat().z_priority, &[("priority", &z.priority)]);
        match z.target {
            Some(t) => format!("{p} · {}", fill(cat().z_target, &[("target", &t)])),
            None => p,
        }
    });
    let mut aria =
        format!("{}: {}, {} {}", words(&fill(cat().node_title, &[("node", &id)])), described, cat().f_term.to_lowercase(), v.term);
    if let Some(p) = &priority {
        let _ = write!(aria, ", {p}");
    }
    let stale = v.stale.is_some();
    let mut class = format!("node role-{}", v.role);
    for (on, name) in [(selected, " selected"), (focus, " focus"), (!v.member && !crashed, " outside"), (stale, " stale")] {
        if on {
            class.push_str(name);
        }
    }
    // The button is a transparent disc over the node: its name says everything the drawing
    // shows, and it holds none of the drawing's text (which would then have to be part of the
    // name, word for word). It comes right after the title, so it stays the same element
    // (and keeps the focus) whatever else about the node changes.
    let _ = write!(
        out,
        r#"<g class="{class}" transform="translate({},{})" data-node-id="{id}" data-role="{}" data-term="{}" data-stale="{stale}" data-act="node"><title>{}</title><circle class="hit" r="{}" role="button" tabindex="0" aria-label="{}"/>"#,
        num(p.x),
        num(p.y),
        v.role,
        v.term,
        esc(&described),
        num(r + 6.0 * k),
        esc(&aria),
    );
    if let Some(g) = group {
        let _ = write!(out, r#"<circle class="halo group-{}" r="{}"/>"#, g.min(3), num(r + 12.0 * k));
    }
    if focus {
        let _ = write!(out, r#"<circle class="focus-ring" r="{}"/>"#, num(r + 11.0 * k));
    }
    let _ = write!(out, r#"<circle class="select-ring" r="{}"/>"#, num(r + 9.0 * k));
    let timing = timing(v);
    if timing {
        let _ = write!(out, r#"<circle class="timer-track" r="{}"/>"#, num(r + 5.0 * k));
    }
    let _ = write!(out, r#"<circle class="body" r="{}"/>"#, num(r));
    if v.role == "leader" {
        let _ = write!(
            out,
            r#"<path class="crown" transform="translate(0,{}) scale({})" d="M-12 6 L-12 -4 L-6 1 L0 -7 L6 1 L12 -4 L12 6 Z"/>"#,
            num(-r - 14.0 * k),
            num(k)
        );
    }
    let _ = write!(
        out,
        r#"<text class="id" y="{}" font-size="{}">{id}</text><text class="term" y="{}" font-size="{}">{}</text>"#,
        num(-r * 0.14),
        num(scale.font(27.0 * k.min(1.25))),
        num(r * 0.6),
        num(scale.font(13.0)),
        esc(&fill(cat().term_short, &[("term", &v.term)]))
    );
    // Votes received during an election: a dot per other voter, filled when granted.
    if matches!(v.role, "candidate" | "precandidate") {
        let others: Vec<NodeId> = all.iter().map(|o| o.id).filter(|&o| o != id).collect();
        let count = others.len().max(1) as f64;
        for (i, o) in others.iter().enumerate() {
            let angle = std::f64::consts::PI * (0.2 + 0.6 * (i as f64 + 0.5) / count);
            let (sin, cos) = crate::view::geometry::sin_cos(angle);
            let (x, y) = ((r + 15.0 * k) * cos, -((r + 15.0 * k) * sin));
            let class = match v.votes.iter().find(|(n, _)| n == o) {
                Some((_, true)) => "vote granted",
                Some((_, false)) => "vote refused",
                None => "vote",
            };
            let _ = write!(
                out,
                r#"<circle class="{class}" cx="{}" cy="{}" r="{}"><title>node {o}</title></circle>"#,
                num(x),
                num(y),
                num(4.0 * k)
            );
        }
    }
    if crashed {
        let (a, b) = (num(-r * 0.55), num(r * 0.55));
        let _ = write!(out, r#"<path class="cross" d="M{a} {a} L{b} {b} M{b} {a} L{a} {b}"/>"#);
    }
    let role_font = scale.font(14.0);
    let role_y = r + 12.0 * k + role_font * 0.85;
    let _ = write!(out, r#"<text class="role" y="{}" font-size="{}">{}</text>"#, num(role_y), num(role_font), esc(label));
    if let (Some(why), false) = (reason.or(priority.as_deref()), scale.small()) {
        let font = scale.font(12.0);
        let class = if reason.is_some() { "why" } else { "why prio" };
        let _ = write!(out, r#"<text class="{class}" y="{}" font-size="{}">{}</text>"#, num(role_y + font * 1.15), num(font), esc(why));
    }
    if timing {
        let _ = write!(out, r#"<path class="timer" stroke-width="{}"/>"#, num(4.0 * k));
    }
    out.push_str("</g>");
}

/// The key to the drawing: roles and message kinds, with the same shapes and colours.
pub fn legend_markup() -> String {
    {
        let mut s = String::new();
        let item = |s: &mut String, svg: &str, label: &str| {
            let _ = write!(s, r#"<span class="legend-item">{svg}{}</span>"#, esc(label));
        };
        let roles = [
            ("follower", cat().role_follower),
            ("precandidate", cat().role_precandidate),
            ("candidate", cat().role_candidate),
            ("leader", cat().role_leader),
            ("learner", cat().role_learner),
            ("crashed", cat().role_crashed),
        ];
        for (role, label) in roles {
            let svg = format!(
                r#"<svg viewBox="-12 -12 24 24" class="swatch node role-{role}" aria-hidden="true"><circle class="body" r="9"/></svg>"#
            );
            item(&mut s, &svg, label);
        }
        item(
            &mut s,
            r#"<svg viewBox="-13 -15 26 28" class="swatch node role-leader stale" aria-hidden="true"><circle class="body" r="8"/><path class="crown" transform="translate(0,-10) scale(.45)" d="M-12 6 L-12 -4 L-6 1 L0 -7 L6 1 L12 -4 L12 6 Z"/></svg>"#,
            cat().legend_stale,
        );
        for k in MessageKind::ALL {
            let mut svg = format!(r#"<svg viewBox="-13 -13 26 26" class="swatch msg kind-{}" aria-hidden="true">"#, k.name());
            message_shape(&mut svg, k.name(), Some(2), true);
            svg.push_str("</svg>");
            item(&mut s, &svg, kind_name(cat(), k));
        }
        item(
            &mut s,
            r#"<svg viewBox="-13 -13 26 26" class="swatch msg kind-append-response" aria-hidden="true"><rect class="shape no" x="-4.5" y="-4.5" width="9" height="9" rx="1.5"/></svg>"#,
            cat().legend_refused,
        );
        item(&mut s, &format!(r#"<svg viewBox="-13 -13 26 26" class="swatch death" aria-hidden="true">{BURST}</svg>"#), cat().legend_lost);
        item(&mut s, &format!(r#"<svg viewBox="-13 -13 26 26" class="swatch cut" aria-hidden="true">{CUT_SIGN}</svg>"#), cat().legend_cut);
        item(
            &mut s,
            r#"<svg viewBox="-13 -13 26 26" class="swatch" aria-hidden="true"><circle class="timer-legend" r="9"/></svg>"#,
            cat().legend_timer,
        );
        let mut halos = String::from(r#"<svg viewBox="0 0 62 16" class="swatch wide" aria-hidden="true">"#);
        for g in 0..4 {
            let _ = write!(halos, r#"<circle class="halo group-{g}" cx="{}" cy="8" r="5.5"/>"#, 8 + 15 * g);
        }
        halos.push_str("</svg>");
        item(&mut s, &halos, cat().legend_groups);
        s
    }
}
