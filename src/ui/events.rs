//! The event log: what happened, in plain words; filterable; a click travels there.

use yew::prelude::*;

use super::{Action, PanelProps};
use crate::view::catalog::EN;
use crate::view::narrate::Category;

const SHOWN: usize = 250;

fn seconds(t: u64) -> String {
    format!("{}.{:03}", t / 1_000_000, (t / 1_000) % 1_000)
}

#[function_component]
pub fn EventLog(props: &PanelProps) -> Html {
    let c = props.ctl.0.borrow();
    let d = props.dispatch.clone();
    let hidden = &c.prefs.hidden_categories;
    let node = c.filter_node;
    let shown: Vec<_> = c
        .narration
        .iter()
        .rev()
        .filter(|n| !hidden.contains(&n.category))
        .filter(|n| node.is_none_or(|id| n.nodes.contains(&id)))
        .take(SHOWN)
        .collect();
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
    let ids = c.session.world().machine_ids();
    let items: Html = shown
        .iter()
        .map(|n| {
            let t = n.time;
            let d = d.clone();
            let onclick = Callback::from(move |_: MouseEvent| {
                d.emit(Action::Pause);
                d.emit(Action::Seek(t));
            });
            html! {
                <li class={format!("cat-{}", n.category.name())}>
                    <button type="button" class="event" {onclick} title="Go to this moment">
                        <time>{ seconds(n.time) }</time>
                        <span>{ n.text.clone() }</span>
                    </button>
                </li>
            }
        })
        .collect();
    html! {
        <>
            <div class="panel-head">
                <h2>{ EN.events }</h2>
                <label class="inline small">
                    <span>{ EN.filter_node }</span>
                    <select aria-label="Filter events by node" onchange={on_node}>
                        <option value="" selected={node.is_none()}>{ EN.all_nodes }</option>
                        { for ids.iter().map(|&id| html! { <option value={id.to_string()} selected={node == Some(id)}>{ id }</option> }) }
                    </select>
                </label>
            </div>
            <div class="filters">{ toggles }</div>
            if shown.is_empty() {
                <p class="hint">{ EN.no_events }</p>
            } else {
                <ol class="event-list" aria-live="off">{ items }</ol>
            }
        </>
    }
}
