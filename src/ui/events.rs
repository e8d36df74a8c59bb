//! The event log: what happened, in plain words; filterable; a click travels there.
//! New lines are added to the top of the list as they come, instead of redrawing it.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use yew::prelude::*;

use super::markup::{esc, secs, target_attr};
use super::{Action, PanelProps};
use crate::raft::NodeId;
use crate::view::catalog::EN;
use crate::view::controller::Controller;
use crate::view::narrate::{Category, Narrated};

const SHOWN: u32 = 200;

fn line(out: &mut String, n: &Narrated) {
    let _ = write!(
        out,
        r#"<li class="cat-{}"><button type="button" class="event" data-time="{}" title="{}"><time>{}</time><span>{}</span></button></li>"#,
        n.category.name(),
        n.time,
        esc(EN.go_to_moment),
        secs(n.time),
        esc(&n.text)
    );
}

/// What the drawn list shows; when it changes the list is drawn anew.
#[derive(Clone, Default, PartialEq)]
struct Drawn {
    epoch: u64,
    total: u64,
    hidden: BTreeSet<Category>,
    node: Option<NodeId>,
}

fn sync(list: &web_sys::Element, c: &Controller, drawn: &mut Drawn) {
    let hidden = &c.prefs.hidden_categories;
    let wanted = |n: &&Narrated| !hidden.contains(&n.category) && c.filter_node.is_none_or(|id| n.nodes.contains(&id));
    let same_view = drawn.epoch == c.narration_epoch && drawn.hidden == *hidden && drawn.node == c.filter_node;
    let new = c.narrated_total.saturating_sub(drawn.total);
    if same_view && new == 0 {
        return;
    }
    let mut out = String::new();
    if same_view && new < c.narration.len() as u64 {
        // Only the new lines, newest first, on top.
        for n in c.narration.iter().rev().take(new as usize).filter(wanted) {
            line(&mut out, n);
        }
        if !out.is_empty() {
            let _ = list.insert_adjacent_html("afterbegin", &out);
        }
        while list.child_element_count() > SHOWN {
            match list.last_element_child() {
                Some(el) => el.remove(),
                None => break,
            }
        }
    } else {
        for n in c.narration.iter().rev().filter(wanted).take(SHOWN as usize) {
            line(&mut out, n);
        }
        list.set_inner_html(&out);
    }
    *drawn = Drawn { epoch: c.narration_epoch, total: c.narrated_total, hidden: hidden.clone(), node: c.filter_node };
}

#[function_component]
pub fn EventLog(props: &PanelProps) -> Html {
    let list = use_node_ref();
    let drawn = use_mut_ref(Drawn::default);
    {
        let list = list.clone();
        let ctl = props.ctl.clone();
        use_effect(move || {
            if let Some(el) = list.cast::<web_sys::Element>() {
                sync(&el, &ctl.0.borrow(), &mut drawn.borrow_mut());
            }
        });
    }
    let c = props.ctl.0.borrow();
    let d = props.dispatch.clone();
    let hidden = &c.prefs.hidden_categories;
    let node = c.filter_node;
    let toggles: Html = Category::ALL
        .iter()
        .map(|&cat| {
            let d = d.clone();
            let onchange = Callback::from(move |_: Event| d.emit(Action::ToggleCategory(cat)));
            html! {
                <label class={classes!("check", "chip-check", format!("cat-{}", cat.name()))}>
                    <input type="checkbox" checked={!hidden.contains(&cat)} {onchange} />{ cat.label(&EN) }
                </label>
            }
        })
        .collect();
    let on_node = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
            d.emit(Action::FilterNode(v.parse().ok()));
        })
    };
    let on_click = Callback::from(move |e: MouseEvent| {
        if let Some(t) = target_attr(&e, "data-time").and_then(|(_, t)| t.parse().ok()) {
            d.emit(Action::Pause);
            d.emit(Action::Seek(t));
        }
    });
    let ids = c.session.world().machine_ids();
    html! {
        <>
            <div class="panel-head">
                <h2>{ EN.events }</h2>
                <label class="inline small">
                    <span>{ EN.filter_node }</span>
                    <select aria-label={EN.filter_events_by_node} onchange={on_node}>
                        <option value="" selected={node.is_none()}>{ EN.all_nodes }</option>
                        { for ids.iter().map(|&id| html! { <option value={id.to_string()} selected={node == Some(id)}>{ id }</option> }) }
                    </select>
                </label>
            </div>
            <div class="filters">{ toggles }</div>
            <ol class="event-list" ref={list} onclick={on_click} data-empty={EN.no_events}></ol>
        </>
    }
}
