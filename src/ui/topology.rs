//! Zeebe mode: the brokers and partitions view. The brokers as machines, each with its
//! replicas as chips (partition, role, priority); then a partitions × brokers table whose columns
//! are the brokers (the machines) and whose cells are the partitions' replicas (role,
//! priority, term, and the target priority while it counts down), and each partition's
//! health under its name. Markup; its clicks come through the page's click listener.

use std::fmt::Write as _;

use wasm_bindgen::JsCast;

use super::cluster::role_label;
use super::markup::{esc, target_attr};
use super::{Action, Controller};
use crate::script::ast::Cmd;
use crate::sim::zeebe::Health;
use crate::view::catalog::{cat, fill};
use crate::view::controller::Selection;
use crate::view::frame;

/// A partition's health in words.
pub fn health_label(h: Health) -> &'static str {
    match h {
        Health::Healthy => cat().z_healthy,
        Health::Degraded => cat().z_degraded,
        Health::Unavailable => cat().z_unavailable,
    }
}

/// What a replica's cell says: its role, its priority (★ for the primary) and term, and
/// while it counts down, the target priority it waits for.
fn cell(m: &mut String, r: &frame::ReplicaView, rf: u32, focus: bool) {
    let unannounced = r.role == "leader" && !r.announced;
    let target = r.target.unwrap_or(rf);
    let _ = write!(
        m,
        r#"<td><button type="button" class="replica role-{role}{primary}{focus}" data-partition-id="{p}" data-broker-id="{b}" data-role="{role}" data-priority="{prio}" data-term="{t}" data-target-priority="{target}"{title}><span class="r-role">{crown}{label}</span><span class="r-meta">{prio}{star} · {term}</span>"#,
        role = r.role,
        primary = if r.primary { " prim" } else { "" },
        focus = if focus { " focus" } else { "" },
        p = r.partition,
        b = r.broker,
        prio = r.priority,
        t = r.term,
        // A leader the gateway does not know yet (its initial entry not committed).
        title = if unannounced { format!(r#" title="{}""#, esc(cat().z_not_announced)) } else { String::new() },
        crown = if r.role == "leader" { "♛ " } else { "" },
        label = esc(role_label(r.role)),
        star = if r.primary { "★" } else { "" },
        term = esc(&fill(cat().term_short, &[("term", &r.term)])),
    );
    // The countdown of priority election: shown once the target is below the top.
    if target < rf {
        let _ = write!(m, r#"<span class="r-target">{}</span>"#, esc(&fill(cat().z_target, &[("target", &target)])));
    }
    m.push_str("</button></td>");
}

/// The brokers as the machines they are (as `zbctl status` lists them): each broker with
/// its replicas as chips, partition, role (♛ leader) and priority (★ primary). A chip shows
/// its partition and inspects its replica, as the table's cells do.
fn machines(m: &mut String, c: &Controller, t: &crate::sim::zeebe::Topology) {
    let world = c.session.world();
    let shown = c.group + 1;
    let _ = write!(m, r#"<ul class="machines" aria-label="{}">"#, esc(cat().z_machines));
    for b in t.broker_ids() {
        let _ = write!(
            m,
            r#"<li class="machine{}"><span class="m-name" title="{}">{}</span><span class="chips" title="{}">"#,
            if world.is_up(b) { "" } else { " down" },
            esc(&fill(cat().z_broker, &[("broker", &b)])),
            esc(&fill(cat().z_b, &[("broker", &b)])),
            esc(cat().z_replicas),
        );
        for p in t.partition_ids() {
            let Some(r) = frame::replica(world, p, b) else { continue };
            let label = fill(
                cat().z_chip,
                &[
                    ("partition", &p.to_string()),
                    ("broker", &b.to_string()),
                    ("role", &role_label(r.role)),
                    ("priority", &r.priority.to_string()),
                ],
            );
            let _ = write!(
                m,
                r#"<button type="button" class="chip role-{role}{shown}" data-chip="{p}:{b}" aria-label="{label}" title="{label}">{short}<span class="c-meta">{crown}{prio}{star}</span></button>"#,
                role = r.role,
                shown = if p == shown { " shown" } else { "" },
                label = esc(&label),
                short = esc(&fill(cat().z_p, &[("partition", &p)])),
                crown = if r.role == "leader" { "♛" } else { "" },
                prio = r.priority,
                star = if r.primary { "★" } else { "" },
            );
        }
        m.push_str("</span></li>");
    }
    m.push_str("</ul>");
}

/// The inside of the brokers and partitions card, `section.topology` (Zeebe mode only).
pub fn topology_markup(c: &Controller) -> String {
    match c.zeebe() {
        Some(t) => topology_table_on_demand(c, t),
        None => String::new(),
    }
}

// `_on_demand`: kept out of line (also by wasm-opt: index.html), so that the page's split
// (scripts/split-wasm.py) can move it to the part fetched on first use.
#[inline(never)]
fn topology_table_on_demand(c: &Controller, t: crate::sim::zeebe::Topology) -> String {
    let world = c.session.world();
    let shown = c.group + 1;
    let focus = c.lesson_focus();
    let leading = world.brokers_leading();
    let mut m = String::with_capacity(4096);
    let _ = write!(
        m,
        r#"<div class="panel-head"><h2>{}</h2><span class="row">{}<button type="button" data-zact="" title="{}">{}</button></span></div><p class="hint">{}</p>{}<div class="topo-scroll"><table class="topo"><thead><tr><th scope="col"><span class="visually-hidden">{}</span></th>"#,
        esc(cat().z_topology),
        if world.rebalancing() {
            format!(r#"<span class="hint" role="status">{}</span>"#, esc(cat().z_rebalancing))
        } else {
            String::new()
        },
        esc(cat().z_rebalance_help),
        esc(cat().z_rebalance),
        esc(cat().z_topology_hint),
        {
            let mut chips = String::new();
            machines(&mut chips, c, &t);
            chips
        },
        esc(cat().z_partitions),
    );
    for b in t.broker_ids() {
        let up = world.is_up(b);
        let leads = leading.iter().find(|(x, _)| *x == b).map_or(0, |l| l.1);
        let state = if up { fill(cat().z_leads, &[("count", &leads)]) } else { cat().z_down.to_string() };
        let _ = write!(
            m,
            r#"<th scope="col" class="broker{}{}" data-broker-id="{b}" title="{}">{}<small>{}</small></th>"#,
            if up { "" } else { " down" },
            if focus.contains(&b) { " focus" } else { "" },
            esc(&fill(cat().z_broker, &[("broker", &b)])),
            esc(&fill(cat().z_b, &[("broker", &b)])),
            esc(&state),
        );
    }
    m.push_str("</tr></thead><tbody>");
    for p in t.partition_ids() {
        let health = world.partition_health(p);
        let _ = write!(
            m,
            r#"<tr class="{shown}" data-partition-id="{p}" data-partition-health="{h}"><th scope="row"><button type="button" aria-pressed="{pressed}" aria-label="{label}">{short}</button><small class="health {h}">{health}</small></th>"#,
            shown = if p == shown { "shown" } else { "" },
            h = health.name(),
            health = esc(health_label(health)),
            pressed = p == shown,
            label = esc(&fill(cat().z_partition, &[("partition", &p)])),
            short = esc(&fill(cat().z_p, &[("partition", &p)])),
        );
        for b in t.broker_ids() {
            match frame::replica(world, p, b) {
                Some(r) => cell(&mut m, &r, t.replication, p == shown && focus.contains(&b)),
                None => {
                    m.push_str(r#"<td class="none" aria-hidden="true">–</td>"#);
                }
            }
        }
        m.push_str("</tr>");
    }
    let _ = write!(
        m,
        r#"</tbody></table></div><label class="check"><input type="checkbox" data-zall=""{}>{}</label>"#,
        if c.all_messages { " checked" } else { "" },
        esc(cat().z_all_messages)
    );
    m
}

/// A click in the brokers and partitions card: a partition's row or a replica's cell shows
/// that partition (a cell also inspects its replica), Rebalance, and the switch for the
/// other partitions' messages. `None` when the click asks nothing of the card.
pub fn click(e: &web_sys::Event) -> Option<Vec<Action>> {
    let target: web_sys::Element = e.target()?.dyn_into().ok()?;
    target.closest("section.topology").ok()??;
    if let Some((_, chip)) = target_attr(e, "data-chip") {
        // A broker's chip: show its partition and inspect its replica.
        let (p, b) = chip.split_once(':')?;
        Some(vec![Action::ShowPartition(p.parse().ok()?), Action::Select(Selection::Node(b.parse().ok()?))])
    } else if let Some((el, p)) = target_attr(e, "data-partition-id") {
        let p = p.parse::<u32>().ok()?;
        let mut actions = vec![Action::ShowPartition(p)];
        // A replica's cell: also inspect it.
        if let Some(b) = el.get_attribute("data-broker-id").and_then(|b| b.parse().ok()) {
            actions.push(Action::Select(Selection::Node(b)));
        }
        Some(actions)
    } else if target_attr(e, "data-zact").is_some() {
        Some(vec![Action::Act(Cmd::Rebalance)])
    } else if let Some((el, _)) = target_attr(e, "data-zall") {
        Some(vec![Action::AllMessages(el.dyn_ref::<web_sys::HtmlInputElement>().is_some_and(|i| i.checked()))])
    } else {
        None
    }
}
