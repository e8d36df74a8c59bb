//! The event log: what happened, in plain words; filterable; a click travels there.
//! New lines are added to the top of the list as they come, instead of redrawing it.
//! The list is one stop of the Tab key: the arrow keys move inside it (a listbox with an
//! active option) and Enter travels to the active line's moment.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use wasm_bindgen::JsCast;

use super::dom::{document, Slot};
use super::markup::{esc, secs};
use super::{Action, Controller};
use crate::raft::NodeId;
use crate::view::catalog::cat;
use crate::view::narrate::{Category, Narrated};

const SHOWN: u32 = 200;

fn line(out: &mut String, n: &Narrated) {
    let _ = write!(
        out,
        r#"<li class="event cat-{}" role="option" aria-selected="false" data-act="time" data-time="{}" title="{}"><time>{}</time><span>{}</span></li>"#,
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
pub fn activate(list: &web_sys::Element, next: Option<web_sys::Element>) {
    if let Some(old) = document().get_element_by_id(ACTIVE_ID) {
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

/// The event list's card as kept in the page: its head (the node filter), the category
/// switches, and the list, which grows by its new lines.
pub struct EventsView {
    head: Slot,
    filters: Slot,
    list: web_sys::Element,
    drawn: Drawn,
}

impl EventsView {
    pub fn find(root: &web_sys::Element) -> EventsView {
        EventsView {
            head: Slot::find(root, ".events .panel-head"),
            filters: Slot::find(root, ".events .filters"),
            list: Slot::find(root, ".event-list").el,
            drawn: Drawn::default(),
        }
    }

    pub fn draw(&mut self, c: &Controller) {
        let hidden = &c.prefs.hidden_categories;
        let node = c.filter_node;
        let mut head = String::new();
        let _ = write!(
            head,
            r#"<h2>{}</h2><label class="inline small"><span>{}</span><select aria-label="{}" data-set="filter-node"><option value=""{}>{}</option>"#,
            esc(cat().events),
            esc(&c.words(cat().filter_node)),
            esc(&c.words(cat().filter_events_by_node)),
            if node.is_none() { " selected" } else { "" },
            esc(&c.words(cat().all_nodes))
        );
        for id in c.session.world().machine_ids() {
            let _ = write!(head, r#"<option value="{id}"{}>{id}</option>"#, if node == Some(id) { " selected" } else { "" });
        }
        head.push_str("</select></label>");
        self.head.patch(head);
        let mut filters = String::new();
        for (k, category) in Category::ALL.iter().enumerate() {
            let _ = write!(
                filters,
                r#"<label class="check chip-check cat-{}"><input type="checkbox" data-set="category" data-arg="{k}"{}>{}</label>"#,
                category.name(),
                if hidden.contains(category) { "" } else { " checked" },
                esc(category.label(cat()))
            );
        }
        self.filters.patch(filters);
        sync(&self.list, c, &mut self.drawn);
    }
}

/// The keys of the list: the arrows, Home and End move the active line, Enter travels to
/// its moment. `None` for keys (or targets) that are not the list's.
pub fn key(e: &web_sys::KeyboardEvent) -> Option<Vec<Action>> {
    let target: web_sys::Element = e.target()?.dyn_into().ok()?;
    let list = target.closest(".event-list").ok()??;
    let active = document().get_element_by_id(ACTIVE_ID).filter(|a| a.parent_element().as_ref() == Some(&list));
    let next = match e.key().as_str() {
        "ArrowDown" => active.as_ref().and_then(|a| a.next_element_sibling()).or_else(|| list.first_element_child()),
        "ArrowUp" => active.as_ref().and_then(|a| a.previous_element_sibling()).or_else(|| list.first_element_child()),
        "Home" => list.first_element_child(),
        "End" => list.last_element_child(),
        "Enter" => {
            e.prevent_default();
            e.stop_propagation();
            let t = active.and_then(|a| a.get_attribute("data-time")).and_then(|t| t.parse().ok());
            return Some(t.map_or(Vec::new(), |t| vec![Action::Pause, Action::Seek(t)]));
        }
        _ => return None,
    };
    e.prevent_default();
    e.stop_propagation();
    if next.is_some() {
        activate(&list, next);
    }
    Some(Vec::new())
}
