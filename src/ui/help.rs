//! The help overlay: what this is, and the keyboard shortcuts.

use yew::prelude::*;

use super::{Action, PanelProps};
use crate::view::catalog::EN;

#[function_component]
pub fn Help(props: &PanelProps) -> Html {
    let c = props.ctl.0.borrow();
    if !c.help_open {
        return html! {};
    }
    let d = props.dispatch.clone();
    let close = Callback::from(move |_: MouseEvent| d.emit(Action::ToggleHelp));
    let stop = Callback::from(|e: MouseEvent| e.stop_propagation());
    html! {
        <div class="overlay" onclick={close.clone()}>
            <div class="dialog" role="dialog" aria-modal="true" aria-label={EN.help_title} onclick={stop}>
                <div class="panel-head">
                    <h2>{ EN.help_title }</h2>
                    <button type="button" class="icon small" aria-label={EN.close} onclick={close.clone()}>{ "×" }</button>
                </div>
                <p>{ EN.help_intro }</p>
                <table class="shortcuts">
                    <tbody>
                        { for EN.shortcuts.iter().map(|(k, v)| html! { <tr><th><kbd>{ *k }</kbd></th><td>{ *v }</td></tr> }) }
                    </tbody>
                </table>
                <div class="row"><button type="button" class="primary" onclick={close}>{ EN.close }</button></div>
            </div>
        </div>
    }
}
