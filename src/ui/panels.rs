//! The inspector, the invariants panel and the notices bar.

use yew::prelude::*;

use super::{Action, PanelProps};
use crate::raft::NodeId;
use crate::script::ast::{Cmd, Target};
use crate::sim::Invariant;
use crate::view::catalog::{fill, EN};
use crate::view::controller::Selection;
use crate::view::frame;

fn ms(t: u64) -> String {
    format!("{:.1} ms", t as f64 / 1000.0)
}

fn seconds(t: u64) -> String {
    format!("{}.{:03} s", t / 1_000_000, (t / 1_000) % 1_000)
}

fn opt(n: Option<NodeId>) -> String {
    n.map_or(EN.none.to_string(), |n| n.to_string())
}

#[function_component]
pub fn Inspector(props: &PanelProps) -> Html {
    let c = props.ctl.0.borrow();
    let d = props.dispatch.clone();
    let world = c.session.world();
    let act = |cmd: Cmd| {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.emit(Action::Act(cmd.clone())))
    };
    let close = {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.emit(Action::Select(Selection::None)))
    };
    match c.selected.clone() {
        Selection::None => html! {
            <>
                <h2>{ EN.inspector }</h2>
                <p class="hint">{ EN.inspector_empty }</p>
            </>
        },
        Selection::Node(id) => {
            let Some(v) = frame::nodes(world, 0).into_iter().find(|n| n.id == id) else {
                return html! { <p class="hint">{ EN.inspector_empty }</p> };
            };
            let up = world.is_up(id);
            let leader = world.leader(0);
            let n = id.to_string();
            let members = world.node(0, id).map(|node| {
                let m = node.membership();
                let mut s = m.voters.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", ");
                if !m.learners.is_empty() {
                    s.push_str(&format!(" + learners {}", m.learners.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", ")));
                }
                s
            });
            let peers = if v.role == "leader" { frame::peers(world, 0, id) } else { Vec::new() };
            let timer = if up && v.role != "leader" {
                html! {
                    <span class="timer-readout">
                        <meter min="0" max="1" value={format!("{:.3}", v.timer_fraction())} aria-label={EN.f_timer}></meter>
                        { format!("{} / {}", ms(v.timer_elapsed), ms(v.timer_timeout)) }
                    </span>
                }
            } else {
                html! { { "—" } }
            };
            html! {
                <>
                    <div class="panel-head">
                        <h2>{ fill(EN.node_title, &[("node", &n)]) } <span class={classes!("badge", format!("role-{}", v.role))}>{ v.role }</span></h2>
                        <button type="button" class="icon small" aria-label={EN.close} onclick={close}>{ "×" }</button>
                    </div>
                    <dl class="facts">
                        <dt>{ EN.f_term }</dt><dd>{ v.term }</dd>
                        <dt>{ EN.f_voted_for }</dt><dd>{ opt(v.voted_for) }</dd>
                        <dt>{ EN.f_leader }</dt><dd>{ opt(v.leader) }</dd>
                        <dt>{ EN.f_commit }</dt><dd>{ v.commit_index }</dd>
                        <dt>{ EN.f_applied }</dt><dd>{ v.applied_index }</dd>
                        <dt>{ EN.f_log_length }</dt><dd>{ v.last_index }</dd>
                        <dt>{ EN.f_snapshot }</dt><dd>{ v.snapshot_index }</dd>
                        <dt>{ EN.f_timer }</dt><dd>{ timer }</dd>
                        if let Some(m) = members {
                            <dt>{ EN.f_members }</dt><dd>{ m }</dd>
                        }
                    </dl>
                    if !peers.is_empty() {
                        <table class="peers">
                            <caption>{ EN.f_peers }</caption>
                            <thead><tr><th>{ "#" }</th><th>{ EN.f_next }</th><th>{ EN.f_match }</th><th>{ EN.f_state }</th></tr></thead>
                            <tbody>
                                { for peers.iter().map(|p| html! {
                                    <tr><td>{ p.id }</td><td>{ p.next_index }</td><td>{ p.match_index }</td><td>{ p.state }</td></tr>
                                }) }
                            </tbody>
                        </table>
                    }
                    <div class="row wrap actions">
                        if up {
                            <button type="button" class="danger" onclick={act(Cmd::Crash(Target::Node(id)))}>{ fill(EN.crash_node, &[("node", &n)]) }</button>
                            <button type="button" onclick={act(Cmd::Timeout(id))}>{ fill(EN.timeout_node, &[("node", &n)]) }</button>
                            if leader.is_some_and(|l| l != id) {
                                <button type="button" onclick={act(Cmd::Transfer(id))}>{ fill(EN.transfer_here, &[("node", &n)]) }</button>
                            }
                            <button type="button" onclick={act(Cmd::Isolate(Target::Node(id)))}>{ fill(EN.isolate_node, &[("node", &n)]) }</button>
                        } else {
                            <button type="button" class="primary" onclick={act(Cmd::Restart(Target::Node(id)))}>{ fill(EN.restart_node, &[("node", &n)]) }</button>
                        }
                    </div>
                </>
            }
        }
        Selection::Message(id) => {
            let title = fill(EN.message_title, &[("id", &id.to_string())]);
            let head = html! {
                <div class="panel-head">
                    <h2>{ title }</h2>
                    <button type="button" class="icon small" aria-label={EN.close} onclick={close}>{ "×" }</button>
                </div>
            };
            match world.message(id) {
                None => html! {
                    <>
                        { head }
                        <p class="hint">{ "This message has arrived or was dropped." }</p>
                    </>
                },
                Some(m) => {
                    let v = frame::message_view(m);
                    let fields = frame::message_fields(&m.message);
                    let drop = {
                        let d = d.clone();
                        Callback::from(move |_: MouseEvent| d.emit(Action::DropMessage(id)))
                    };
                    html! {
                        <>
                            { head }
                            <dl class="facts">
                                <dt>{ EN.f_kind }</dt><dd><span class={classes!("badge", format!("kind-{}", v.kind))}>{ v.kind }</span></dd>
                                <dt>{ EN.f_from }</dt><dd>{ v.from }</dd>
                                <dt>{ EN.f_to }</dt><dd>{ v.to }</dd>
                                <dt>{ EN.f_sent }</dt><dd>{ seconds(v.sent_at) }</dd>
                                <dt>{ EN.f_arrives }</dt><dd>{ seconds(v.deliver_at) }</dd>
                                { for fields.iter().map(|(k, val)| html! { <><dt class="mono">{ *k }</dt><dd class="mono">{ val.clone() }</dd></> }) }
                            </dl>
                            <div class="row">
                                <button type="button" class="danger" onclick={drop}>{ EN.drop_message }</button>
                            </div>
                        </>
                    }
                }
            }
        }
    }
}

#[function_component]
pub fn Invariants(props: &PanelProps) -> Html {
    let c = props.ctl.0.borrow();
    let violations = c.session.world().violations();
    let items: Html = Invariant::ALL
        .iter()
        .enumerate()
        .map(|(k, inv)| {
            let first = violations.iter().find(|v| v.invariant == *inv);
            let ok = first.is_none();
            let detail = first.map(|v| {
                let d = props.dispatch.clone();
                let t = v.time;
                let jump = Callback::from(move |_: MouseEvent| d.emit(Action::Seek(t)));
                html! {
                    <div class="violation">
                        <p>{ v.detail.clone() }</p>
                        <p class="small">{ format!("{} · {}", seconds(v.time), v.event) }</p>
                        <button type="button" class="link" onclick={jump}>{ "Go to that moment" }</button>
                    </div>
                }
            });
            html! {
                <li class={classes!("invariant", (!ok).then_some("bad"))} data-invariant={inv.name()} data-ok={ok.to_string()}>
                    <span class="mark" aria-hidden="true">{ if ok { "✓" } else { "✗" } }</span>
                    <div>
                        <span class="name">{ EN.invariant_names[k] }</span>
                        <span class="visually-hidden">{ if ok { EN.holds } else { EN.violated } }</span>
                        <span class="help">{ EN.invariant_help[k] }</span>
                        { detail.unwrap_or_default() }
                    </div>
                </li>
            }
        })
        .collect();
    html! {
        <>
            <h2>{ EN.invariants }</h2>
            <ul class="invariant-list">{ items }</ul>
        </>
    }
}

#[function_component]
pub fn Notices(props: &PanelProps) -> Html {
    let c = props.ctl.0.borrow();
    let d = props.dispatch.clone();
    if c.notices.is_empty() && c.last_error.is_none() && c.stopped_at.is_none() {
        return html! {};
    }
    let dismiss = Callback::from(move |_: MouseEvent| d.emit(Action::DismissNotices));
    html! {
        <div class="notices" role="status">
            if let Some(s) = &c.stopped_at {
                <p class="notice bad">{ fill(EN.violation_stop, &[("detail", s)]) }</p>
            }
            { for c.notices.iter().map(|n| html! { <p class="notice warn"><strong>{ EN.url_problem }{ ": " }</strong>{ n.clone() }</p> }) }
            if let Some(e) = &c.last_error {
                <p class="notice warn">{ e.clone() }</p>
            }
            <button type="button" class="icon small" aria-label={EN.close} onclick={dismiss}>{ "×" }</button>
        </div>
    }
}
