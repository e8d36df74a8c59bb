//! The event log: what happened, in plain words; filterable; a click travels there.
//! New lines are added to the top of the list as they come, instead of redrawing it.
//! The list is one stop of the Tab key: the arrow keys move inside it (a listbox with an
//! active option) and Enter travels to the active line's moment.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use yew::prelude::*;

use super::markup::{esc, secs, target_attr};
use super::{Action, PanelProps};
use crate::raft::NodeId;
use crate::view::catalog::cat;
use crate::view::controller::Controller;
use crate::view::narrate::{Category, Narrated};

const SHOWN: u32 = 200;

fn line(out: &mut String, n: &Narrated) {
    let _ = write!(
        out,
        r#"<li class="event cat-{}" role="option" aria-selected="false" data-time="{}" title="{}"><time>{}</time><span>{}</span></li>"#,
        n.category.name(),
        n.time,
        esc(cat().go_to_moment),
        secs(n.time),
        esc(&n.text)
    );
}

/// The id the active line carries, for `aria-activedescendant`.
const ACTIVE_ID: &str = "event-active";

/// Makes `next` the active line (or none).
fn activate(list: &web_sys::Element, next: Option<web_sys::Element>) {
    if let Some(old) = gloo::utils::document().get_element_by_id(ACTIVE_ID) {
        old.remove_attribute("id").ok();
        let _ = old.set_attribute("aria-selected", "false");
    }
    match next {
        Some(el) => {
            let _ = el.set_attribute("id", ACTIVE_ID);
            let _ = el.set_attribute("aria-selected", "true");
            let _ = list.set_attribute("aria-activedescendant", ACTIVE_ID);
            el.scroll_into_view_with_bool(false);
        }
        None => {
            let _ = list.remove_attribute("aria-activedescendant");
        }
    }
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
        .map(|&category| {
            let d = d.clone();
            let onchange = Callback::from(move |_: Event| d.emit(Action::ToggleCategory(category)));
            html! {
                <label class={classes!("check", "chip-check", format!("cat-{}", category.name()))}>
                    <input type="checkbox" checked={!hidden.contains(&category)} {onchange} />{ category.label(cat()) }
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
    let on_click = {
        let d = d.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some((el, t)) = target_attr(&e, "data-time") {
                if let (Ok(t), Some(list)) = (t.parse(), el.parent_element()) {
                    activate(&list, Some(el));
                    d.emit(Action::Pause);
                    d.emit(Action::Seek(t));
                }
            }
        })
    };
    let on_key = Callback::from(move |e: KeyboardEvent| {
        // Events reach this listener through the page's root: the list is found from the target.
        let Some(list) = e.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok()) else { return };
        let list = match list.closest(".event-list") {
            Ok(Some(l)) => l,
            _ => return,
        };
        let active = gloo::utils::document().get_element_by_id(ACTIVE_ID).filter(|a| a.parent_element().as_ref() == Some(&list));
        let next = match e.key().as_str() {
            "ArrowDown" => active.as_ref().and_then(|a| a.next_element_sibling()).or_else(|| list.first_element_child()),
            "ArrowUp" => active.as_ref().and_then(|a| a.previous_element_sibling()).or_else(|| list.first_element_child()),
            "Home" => list.first_element_child(),
            "End" => list.last_element_child(),
            "Enter" => {
                e.prevent_default();
                e.stop_propagation();
                if let Some(t) = active.and_then(|a| a.get_attribute("data-time")).and_then(|t| t.parse().ok()) {
                    d.emit(Action::Pause);
                    d.emit(Action::Seek(t));
                }
                return;
            }
            _ => return,
        };
        e.prevent_default();
        e.stop_propagation();
        if next.is_some() {
            activate(&list, next);
        }
    });
    let ids = c.session.world().machine_ids();
    let (node_label, by_node, all_nodes) = (c.words(cat().filter_node), c.words(cat().filter_events_by_node), c.words(cat().all_nodes));
    html! {
        <>
            <div class="panel-head">
                <h2>{ cat().events }</h2>
                <label class="inline small">
                    <span>{ node_label }</span>
                    <select aria-label={by_node} onchange={on_node}>
                        <option value="" selected={node.is_none()}>{ all_nodes }</option>
                        { for ids.iter().map(|&id| html! { <option value={id.to_string()} selected={node == Some(id)}>{ id }</option> }) }
                    </select>
                </label>
            </div>
            <div class="filters">{ toggles }</div>
            <ol class="event-list" ref={list} role="listbox" tabindex="0" aria-label={cat().events_list} onclick={on_click} onkeydown={on_key} data-empty={cat().no_events}></ol>
        </>
    }
}
