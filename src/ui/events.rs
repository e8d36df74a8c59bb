//! The event log: what happened, in plain words; filterable; a click travels there.

use std::fmt::Write as _;

use yew::prelude::*;

use super::markup::{esc, secs, target_attr};
use super::{Action, PanelProps};
use crate::view::catalog::EN;
use crate::view::narrate::Category;

const SHOWN: usize = 250;

#[function_component]
pub fn EventLog(props: &PanelProps) -> Html {
    let c = props.ctl.0.borrow();
    let d = props.dispatch.clone();
    let hidden = &c.prefs.hidden_categories;
    let node = c.filter_node;
    let mut list = String::new();
    let mut shown = 0;
    for n in c.narration.iter().rev() {
        if hidden.contains(&n.category) || node.is_some_and(|id| !n.nodes.contains(&id)) {
            continue;
        }
        let _ = write!(
            list,
            r#"<li class="cat-{}"><button type="button" class="event" data-time="{}" title="{}"><time>{}</time><span>{}</span></button></li>"#,
            n.category.name(),
            n.time,
            esc(EN.go_to_moment),
            secs(n.time),
            esc(&n.text)
        );
        shown += 1;
        if shown == SHOWN {
            break;
        }
    }
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
            if shown == 0 {
                <p class="hint">{ EN.no_events }</p>
            } else {
                <ol class="event-list" onclick={on_click}>{ Html::from_html_unchecked(AttrValue::from(list)) }</ol>
            }
        </>
    }
}
