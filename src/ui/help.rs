//! The help overlay: what this is, and the keyboard shortcuts.

use std::fmt::Write as _;

use yew::prelude::*;

use super::markup::{esc, Markup};
use super::{Action, PanelProps};
use crate::view::catalog::cat;

#[function_component]
pub fn Help(props: &PanelProps) -> Html {
    let c = props.ctl.0.borrow();
    if !c.help_open {
        return html! {};
    }
    let d = props.dispatch.clone();
    let close = Callback::from(move |_: MouseEvent| d.emit(Action::ToggleHelp));
    let stop = Callback::from(|e: MouseEvent| e.stop_propagation());
    let mut m = Markup::new();
    let _ = write!(m.0, r#"<p>{}</p><table class="shortcuts"><tbody>"#, esc(cat().help_intro));
    for (k, v) in cat().shortcut_keys.iter().zip(cat().shortcut_help) {
        let _ = write!(m.0, "<tr><th><kbd>{}</kbd></th><td>{}</td></tr>", esc(k), esc(v));
    }
    m.raw("</tbody></table>");
    html! {
        <div class="overlay" onclick={close.clone()}>
            <div class="dialog" role="dialog" aria-modal="true" aria-label={cat().help_title} onclick={stop}>
                <div class="panel-head">
                    <h2>{ cat().help_title }</h2>
                    <button type="button" class="icon small" aria-label={cat().close} onclick={close.clone()}>{ "×" }</button>
                </div>
                { m.html() }
                <div class="row"><button type="button" class="primary" onclick={close}>{ cat().close }</button></div>
            </div>
        </div>
    }
}
