//! The inspector, the invariants panel and the notices bar.

use std::fmt::Write as _;

use super::markup::{esc, secs};
use super::{Action, Controller};
use crate::raft::NodeId;
use crate::script::ast::{Cmd, Target};
use crate::sim::Invariant;
use crate::view::catalog::{cat, fill};
use crate::view::controller::Selection;
use crate::view::frame;

fn ms(t: u64) -> String {
    format!("{}.{} ms", t / 1000, (t % 1000) / 100)
}

/// A follower's replication state (etcd's Progress), in words.
fn state_label(state: &str) -> &'static str {
    match state {
        "probe" => cat().state_probe,
        "snapshot" => cat().state_snapshot,
        _ => cat().state_replicate,
    }
}

fn opt(n: Option<NodeId>) -> String {
    n.map_or(cat().none.to_string(), |n| n.to_string())
}

fn facts(m: &mut String, rows: &[(&str, String)]) {
    m.push_str(r#"<dl class="facts">"#);
    for (k, v) in rows {
        let _ = write!(m, "<dt>{}</dt><dd>{}</dd>", esc(k), esc(v));
    }
    m.push_str("</dl>");
}

/// An action button the panel's one click listener understands.
fn act_button(m: &mut String, act: &str, arg: u64, class: &str, label: &str) {
    let _ = write!(m, r#"<button type="button" class="{class}" data-act="{act}" data-arg="{arg}">{}</button>"#, esc(label));
}

/// What a `data-act` button of the inspector does; `None` when it is not the inspector's.
pub fn click(act: &str, arg: &str, c: &Controller) -> Option<Action> {
    let arg: u64 = arg.parse().unwrap_or(0);
    let node = arg as NodeId;
    // In Zeebe mode, what is done to one Raft group is done to the shown partition's.
    let in_group = |cmd: Cmd| Action::Act(c.in_group(cmd));
    Some(match act {
        "crash" => Action::Act(Cmd::Crash(Target::Node(node))),
        "restart" => Action::Act(Cmd::Restart(Target::Node(node))),
        "timeout" => in_group(Cmd::Timeout(node)),
        "transfer" => in_group(Cmd::Transfer(node)),
        "isolate" => Action::Act(Cmd::Isolate(Target::Node(node))),
        "remove" => Action::Act(Cmd::Remove(node)),
        "promote" => Action::Act(Cmd::Promote(node)),
        "compact" => in_group(Cmd::Compact(node)),
        "request-to" => Action::Request(Some(node)),
        "priority-up" | "priority-down" => {
            let p = c.session.world().settings().raft.priority_of(node);
            let priority = if act == "priority-up" { (p + 1).min(9) } else { p.saturating_sub(1).max(1) };
            Action::Act(Cmd::Priority { node, priority })
        }
        "drop" => Action::DropMessage(arg),
        "close" => Action::Select(Selection::None),
        _ => return None,
    })
}

pub fn inspector_markup(c: &Controller) -> String {
    if matches!(c.selected, Selection::None) {
        return format!(r#"<h2>{}</h2><p class="hint">{}</p>"#, esc(cat().inspector), esc(cat().inspector_empty));
    }
    selection_markup_on_demand(c)
}

// `_on_demand`: kept out of line (also by wasm-opt: index.html), so that the page's split
// (scripts/split-wasm.py) can move it to the part fetched on first use.
#[inline(never)]
fn selection_markup_on_demand(c: &Controller) -> String {
    let world = c.session.world();
    let g = c.group;
    let zeebe = c.zeebe().is_some();
    let mut m = String::with_capacity(2048);
    let close = |m: &mut String, title: &str, badge: &str| {
        let _ = write!(
            m,
            r#"<div class="panel-head"><h2>{}{badge}</h2><button type="button" class="icon small" data-act="close" aria-label="{}">×</button></div>"#,
            esc(title),
            esc(cat().close)
        );
    };
    match c.selected {
        Selection::None => {
            let _ = write!(m, r#"<h2>{}</h2><p class="hint">{}</p>"#, esc(cat().inspector), esc(cat().inspector_empty));
        }
        Selection::Node(id) => {
            let Some(v) = frame::nodes(world, g).into_iter().find(|n| n.id == id) else {
                return format!(r#"<p class="hint">{}</p>"#, esc(cat().inspector_empty));
            };
            let n = id.to_string();
            let words = |t: &str| c.words(t);
            let badge = match v.stale {
                Some(_) => format!(r#" <span class="badge role-leader stale">{}</span>"#, esc(cat().role_stale_leader)),
                None => format!(r#" <span class="badge role-{}">{}</span>"#, v.role, esc(super::cluster::role_label(v.role))),
            };
            let mut title = words(&fill(cat().node_title, &[("node", &n)]));
            if zeebe {
                let _ = write!(title, " · {}", fill(cat().z_partition, &[("partition", &(g + 1))]));
            }
            close(&mut m, &title, &badge);
            if let Some(stale) = v.stale {
                let template = match stale {
                    frame::Stale::NoMajority => cat().stale_caption_no_majority,
                    frame::Stale::NewerTerm => cat().stale_caption_newer_term,
                };
                let _ = write!(m, r#"<p class="stale-note">{}</p>"#, esc(&words(&fill(template, &[("node", &n), ("term", &v.term)]))));
            }
            let up = world.is_up(id);
            let timer = if up && v.role != "leader" {
                format!("{} / {} ({}%)", ms(v.timer_elapsed), ms(v.timer_timeout), (v.timer_fraction() * 100.0) as u32)
            } else {
                "—".to_string()
            };
            let mut rows = vec![
                (cat().f_term, v.term.to_string()),
                (cat().f_voted_for, opt(v.voted_for)),
                (cat().f_leader, opt(v.leader)),
                (cat().f_commit, v.commit_index.to_string()),
                (cat().f_applied, v.applied_index.to_string()),
                (cat().f_log_length, v.last_index.to_string()),
                (cat().f_snapshot, v.snapshot_index.to_string()),
                (cat().f_timer, timer),
            ];
            if let Some(node) = world.node(g, id) {
                let ms = node.membership();
                let ids = |l: &[NodeId]| l.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", ");
                let mut s = ids(&ms.voters);
                if !ms.learners.is_empty() {
                    s = fill(cat().members_learners, &[("voters", &s), ("learners", &ids(&ms.learners))]);
                }
                rows.push((cat().f_members, s));
            }
            facts(&mut m, &rows);
            if up && v.role != "leader" && v.timer_timeout > 0 {
                let _ = write!(
                    m,
                    r#"<div class="timer-bar" aria-hidden="true"><span style="width:{}%"></span></div>"#,
                    (v.timer_fraction() * 100.0) as u32
                );
            }
            if v.role == "leader" {
                let _ = write!(
                    m,
                    r#"<table class="peers"><caption>{}</caption><thead><tr><th>#</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>"#,
                    esc(cat().f_peers),
                    esc(cat().f_next),
                    esc(cat().f_match),
                    esc(cat().f_state)
                );
                for p in frame::peers(world, g, id) {
                    let _ = write!(
                        m,
                        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                        p.id,
                        p.next_index,
                        p.match_index,
                        state_label(p.state)
                    );
                }
                m.push_str("</tbody></table>");
            }
            match frame::replica(world, g + 1, id) {
                // Zeebe: priorities come from the layout; the target counts down.
                Some(r) => {
                    let mut text = fill(cat().z_priority, &[("priority", &r.priority)]);
                    if let Some(t) = r.target {
                        let _ = write!(text, " · {}", fill(cat().z_target, &[("target", &t)]));
                    }
                    let _ = write!(m, r#"<p class="priority">{}{}</p>"#, esc(&text), if r.primary { " ★" } else { "" });
                }
                None => {
                    let priority = world.settings().raft.priority_of(id);
                    let _ = write!(
                        m,
                        r#"<div class="row priority"><span>{} {priority}</span><button type="button" class="icon small" data-act="priority-down" data-arg="{id}" aria-label="{}">−</button><button type="button" class="icon small" data-act="priority-up" data-arg="{id}" aria-label="{}">+</button></div>"#,
                        esc(cat().priority),
                        esc(&fill(cat().lower_priority, &[("node", &n)])),
                        esc(&fill(cat().raise_priority, &[("node", &n)])),
                    );
                }
            }
            m.push_str(r#"<div class="row wrap actions">"#);
            let button = |m: &mut String, act: &str, class: &str, template: &str| {
                act_button(m, act, id as u64, class, &words(&fill(template, &[("node", &n)])));
            };
            if up {
                button(&mut m, "request-to", "primary", cat().request_to);
                button(&mut m, "crash", "danger", cat().crash_node);
                button(&mut m, "timeout", "", cat().timeout_node);
                if world.leader(g).is_some_and(|l| l != id) {
                    button(&mut m, "transfer", "", cat().transfer_here);
                }
                button(&mut m, "isolate", "", cat().isolate_node);
                button(&mut m, "compact", "", cat().compact_node);
                // A Zeebe partition's replicas are fixed.
                if v.role == "learner" && !zeebe {
                    button(&mut m, "promote", "", cat().promote_node);
                }
                if v.member && !zeebe {
                    button(&mut m, "remove", "danger", cat().remove_node);
                }
            } else {
                button(&mut m, "restart", "primary", cat().restart_node);
            }
            m.push_str("</div>");
        }
        Selection::Message(id) => {
            close(&mut m, &fill(cat().message_title, &[("id", &id)]), "");
            match world.message(id) {
                None => {
                    let _ = write!(m, r#"<p class="hint">{}</p>"#, esc(cat().message_gone));
                }
                Some(msg) => {
                    let v = frame::message_view(msg);
                    let mut rows = vec![
                        (cat().f_kind, crate::view::narrate::kind_name(cat(), msg.kind()).to_string()),
                        (cat().f_from, v.from.to_string()),
                        (cat().f_to, v.to.to_string()),
                        (cat().f_sent, format!("{} s", secs(v.sent_at))),
                        (cat().f_arrives, format!("{} s", secs(v.deliver_at))),
                    ];
                    for (k, val) in frame::message_fields(&msg.message) {
                        rows.push((k, val));
                    }
                    facts(&mut m, &rows);
                    m.push_str(r#"<div class="row">"#);
                    act_button(&mut m, "drop", id, "danger", cat().drop_message);
                    m.push_str("</div>");
                }
            }
        }
    }
    m
}

pub fn invariants_markup(c: &Controller) -> String {
    let violations = c.session.world().violations();
    let mut m = String::with_capacity(4096);
    let _ = write!(m, r#"<h2>{}</h2><ul class="invariant-list">"#, esc(cat().invariants));
    let inconclusive = c.session.world().inconclusive();
    for (k, inv) in Invariant::ALL.iter().enumerate() {
        let first = violations.iter().find(|v| v.invariant == *inv);
        let ok = first.is_none();
        // A linearizability search that gave up is neither a pass nor a violation.
        let unknown = ok && *inv == Invariant::Linearizability && !inconclusive.is_empty();
        let (class, state, mark, words) = match (ok, unknown) {
            (false, _) => (" bad", "false", "✗", cat().violated),
            (true, true) => (" unknown", "inconclusive", "?", cat().inconclusive),
            (true, false) => ("", "true", "✓", cat().holds),
        };
        let _ = write!(
            m,
            r#"<li class="invariant{class}" data-invariant="{}" data-ok="{state}"><span class="mark" aria-hidden="true">{mark}</span><div><span class="name">{}</span><span class="visually-hidden">{}</span><span class="help">{}</span>"#,
            inv.name(),
            esc(cat().invariant_names[k]),
            esc(words),
            esc(cat().invariant_help[k]),
        );
        if unknown {
            let _ = write!(m, r#"<div class="violation"><p>{}</p></div>"#, esc(&crate::view::safety::detail(&inconclusive[0])));
        }
        if let Some(v) = first {
            let _ = write!(
                m,
                r#"<div class="violation"><p>{}</p><p class="small">{} s · {}</p><button type="button" class="link" data-act="time" data-time="{}">{}</button></div>"#,
                esc(&crate::view::safety::detail(&v.detail)),
                secs(v.time),
                esc(&crate::view::safety::moment(&v.event)),
                v.time,
                esc(cat().go_to_moment)
            );
        }
        m.push_str("</div></li>");
    }
    m.push_str("</ul>");
    m
}

/// Problems with the address, the last refusal, a stop at a violation: until dismissed.
pub fn notices_markup(c: &Controller) -> String {
    if c.notices.is_empty() && c.last_error.is_none() && c.stopped_at.is_none() {
        return String::new();
    }
    let mut m = String::from(r#"<div class="notices" role="status">"#);
    if let Some(s) = &c.stopped_at {
        let _ = write!(m, r#"<p class="notice bad">{}</p>"#, esc(&fill(cat().violation_stop, &[("detail", s)])));
    }
    for n in &c.notices {
        let _ = write!(m, r#"<p class="notice warn"><strong>{}: </strong>{}</p>"#, esc(cat().url_problem), esc(n));
    }
    if let Some(e) = &c.last_error {
        let _ = write!(m, r#"<p class="notice warn">{}</p>"#, esc(e));
    }
    let _ = write!(m, r#"<button type="button" class="icon small" aria-label="{}" data-act="dismiss">×</button></div>"#, esc(cat().close));
    m
}

/// Asks before a new session replaces one the user acted on. (The keyboard reaches it with
/// Tab: see the page's key handler.) A click outside the dialog cancels.
pub fn confirm_markup(c: &Controller) -> String {
    if c.pending_replace.is_none() {
        return String::new();
    }
    confirm_dialog_on_demand()
}

// `_on_demand`: kept out of line (also by wasm-opt: index.html), so that the page's split
// (scripts/split-wasm.py) can move it to the part fetched on first use.
#[inline(never)]
fn confirm_dialog_on_demand() -> String {
    format!(
        r#"<div class="overlay" data-act="cancel-replace"><div class="dialog small" role="alertdialog" aria-modal="true" aria-label="{t}" data-act="stay"><h2>{t}</h2><p>{}</p><div class="row"><button type="button" class="danger" data-act="replace">{}</button><button type="button" id="replace-cancel" data-act="cancel-replace">{}</button></div></div></div>"#,
        esc(cat().replace_text),
        esc(cat().replace_confirm),
        esc(cat().cancel),
        t = esc(cat().replace_title),
    )
}
