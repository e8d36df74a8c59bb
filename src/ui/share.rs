//! Sharing: a link that replays this session, the session as scenario text, importing a
//! scenario (typed, from a file, or from the library).

use std::fmt::Write as _;

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::markup::esc;
use super::{Action, PanelProps};
use crate::view::catalog::cat;
use crate::view::library::LIBRARY;
use crate::view::permalink;

/// This page's address without its parameters.
fn base() -> String {
    let loc = gloo::utils::window().location();
    format!("{}{}", loc.origin().unwrap_or_default(), loc.pathname().unwrap_or_default())
}

/// The link to the current moment of the session: `?s=<token>&t=<ms>` on this page's address
/// (in a lesson: the lesson at its current step).
pub fn link(c: &crate::view::controller::Controller) -> String {
    if let Some(l) = &c.lesson {
        return format!("{}?lesson={}&step={}", base(), l.lesson.id, l.step + 1);
    }
    let token = permalink::encode(&c.session.to_scenario());
    format!("{}?s={token}&t={}", base(), c.now() / 1000)
}

/// Embed sizes offered, width x height in CSS pixels.
const EMBED_SIZES: [(u32, u32); 3] = [(400, 300), (560, 420), (720, 540)];

/// The embed form, as markup: it never changes, so what the user typed in it stays.
fn embed_form() -> String {
    let mut m = String::new();
    let _ = write!(
        m,
        r#"<details class="embed-form"><summary>{}</summary><div class="row wrap"><label class="inline">{}<select data-embed="size">"#,
        esc(cat().embed_options),
        esc(cat().embed_size)
    );
    for (k, (w, h)) in EMBED_SIZES.iter().enumerate() {
        let _ = write!(m, r#"<option value="{k}">{w} × {h}</option>"#);
    }
    let _ = write!(
        m,
        r#"</select></label><label class="check"><input type="checkbox" data-embed="autoplay" checked>{}</label></div><label class="stack"><span class="small">{}</span><input type="text" data-embed="caption" maxlength="200"></label></details>"#,
        esc(cat().embed_autoplay),
        esc(cat().embed_caption),
    );
    m
}

/// Whether an output is an embed snippet (not a scenario).
fn is_snippet(text: &str) -> bool {
    text.starts_with("<iframe")
}

/// The embed form's field `name`.
fn field(name: &str) -> Option<web_sys::Element> {
    gloo::utils::document().query_selector(&format!(".embed-form [data-embed={name}]")).ok().flatten()
}

/// An iframe that plays this session's scenario, as a writer pastes it into a page, with
/// the choices of the embed form.
fn embed_code(c: &crate::view::controller::Controller) -> String {
    let size: usize = field("size").and_then(|e| e.dyn_into::<HtmlSelectElement>().ok()).and_then(|s| s.value().parse().ok()).unwrap_or(0);
    let autoplay = field("autoplay").and_then(|e| e.dyn_into::<HtmlInputElement>().ok()).is_none_or(|i| i.checked());
    let caption = field("caption").and_then(|e| e.dyn_into::<HtmlInputElement>().ok()).map(|i| i.value()).unwrap_or_default();
    let (w, h) = EMBED_SIZES[size.min(EMBED_SIZES.len() - 1)];
    let enc = |s: &str| String::from(js_sys::encode_uri_component(s));
    let mut src = format!("{}?embed=1&autoplay={}&speed={}&theme={}", base(), autoplay as u8, c.speed, c.prefs.theme.name());
    let caption = caption.trim();
    if !caption.is_empty() {
        src.push_str("&caption=");
        src.push_str(&enc(caption));
    }
    src.push_str("&scenario=");
    src.push_str(&enc(c.scenario_text().trim_end()));
    let title = if caption.is_empty() { cat().title } else { caption };
    format!(r#"<iframe title="{}" width="{w}" height="{h}" loading="lazy" src="{}"></iframe>"#, esc(title), esc(&src))
}

#[function_component]
pub fn SharePanel(props: &PanelProps) -> Html {
    let shown_link = use_state(String::new);
    let exported = use_state(|| None::<String>);

    let draft = use_node_ref();
    let reader = use_mut_ref(|| None::<gloo::file::callbacks::FileReader>);
    let c = props.ctl.0.borrow();
    let d = props.dispatch.clone();

    let copy = {
        let ctl = props.ctl.clone();
        let shown_link = shown_link.clone();
        Callback::from(move |_: MouseEvent| {
            let url = link(&ctl.0.borrow());
            let clipboard = gloo::utils::window().navigator().clipboard();
            let _ = clipboard.write_text(&url);
            shown_link.set(url);
        })
    };
    let export = {
        let ctl = props.ctl.clone();
        let exported = exported.clone();
        Callback::from(move |_: MouseEvent| {
            exported.set(Some(crate::script::print(&ctl.0.borrow().session.to_scenario())));
        })
    };
    // The embed form: its button copies the snippet (shown where an exported scenario is);
    // a change updates the one on show.
    let on_embed = {
        let ctl = props.ctl.clone();
        let embed = exported.clone();
        Callback::from(move |e: web_sys::Event| {
            let Some((_, what)) = super::markup::target_attr(&e, "data-embed") else { return };
            let copy = what == "copy" && e.type_() == "click";
            if copy || (e.type_() == "change" && embed.as_deref().is_some_and(is_snippet)) {
                let code = embed_code(&ctl.0.borrow());
                if copy {
                    let _ = gloo::utils::window().navigator().clipboard().write_text(&code);
                }
                embed.set(Some(code));
            }
        })
    };
    let run_draft = |here: bool| {
        let d = d.clone();
        let draft: NodeRef = draft.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(t) = draft.cast::<HtmlTextAreaElement>() {
                d.emit(if here { Action::RunHere(t.value()) } else { Action::LoadScenario(t.value()) });
            }
        })
    };
    let on_file = {
        let d = d.clone();
        let reader = reader.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            let d = d.clone();
            let file = gloo::file::File::from(file);
            *reader.borrow_mut() = Some(gloo::file::callbacks::read_as_text(&file, move |text| match text {
                Ok(text) => d.emit(Action::LoadScenario(text)),
                Err(e) => d.emit(Action::ImportFailed(e.to_string())),
            }));
        })
    };
    let on_example = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(example) = v.parse::<usize>().ok().and_then(|k| LIBRARY.get(k)) {
                // Fetched when picked: the texts are not part of the first load.
                let (d, path) = (d.clone(), example.path());
                wasm_bindgen_futures::spawn_local(async move {
                    match super::platform::fetch_text(&path).await {
                        Ok(text) => d.emit(Action::LoadScenario(text)),
                        Err(e) => d.emit(Action::ImportFailed(e)),
                    }
                });
            }
        })
    };
    let mut options = format!(r#"<option value="" selected>{}</option>"#, esc(cat().pick_example));
    for (k, name) in cat().example_names.iter().enumerate().take(LIBRARY.len()) {
        let _ = write!(options, r#"<option value="{k}">{}</option>"#, esc(name));
    }
    let snippet = exported.as_deref().is_some_and(is_snippet);
    let download = exported.as_ref().map(|text| format!("data:text/plain;charset=utf-8,{}", js_sys::encode_uri_component(text)));

    html! {
        <>
            <h2>{ cat().share }</h2>
            <div class="row wrap">
                <button type="button" class="primary" onclick={copy}>{ cat().copy_link }</button>
                <button type="button" onclick={export}>{ cat().export_scenario }</button>
                <button type="button" data-embed="copy" onclick={on_embed.reform(|e: MouseEvent| e.into())}>{ cat().copy_embed }</button>
            </div>
            if !shown_link.is_empty() {
                <label class="stack">
                    <span class="small">{ cat().link_copied }</span>
                    <input type="text" readonly=true value={(*shown_link).clone()} aria-label={cat().permalink} onfocus={Callback::from(|e: FocusEvent| {
                        if let Some(i) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) { i.select(); }
                    })} />
                </label>
            }
            if let Some(text) = &*exported {
                <label class="stack">
                    <span class="small">{ if snippet { cat().embed_copied } else { cat().exported } }</span>
                    <textarea readonly=true rows="6" aria-label={if snippet { cat().embed_code } else { cat().exported_scenario }} value={text.clone()} />
                </label>
                if !snippet {
                    <a class="button" href={download.unwrap_or_default()} download="raft-session.txt">{ cat().download }</a>
                }
            }
            <div onchange={on_embed.reform(|e: Event| e)}>{ Html::from_html_unchecked(AttrValue::from(embed_form())) }</div>
            <label class="stack">
                <span>{ cat().examples }</span>
                <select aria-label={cat().examples} onchange={on_example}>{ Html::from_html_unchecked(AttrValue::from(options)) }</select>
            </label>
            <label class="stack">
                <span>{ cat().import_scenario }</span>
                <textarea ref={draft.clone()} rows="5" spellcheck="false" aria-label={cat().scenario_text} placeholder={"cluster nodes=5 seed=7\nrun 2s\ncrash leader"} />
            </label>
            if let Some(e) = &c.import_error {
                <p class="notice bad" role="alert">{ e.clone() }</p>
            }
            <div class="row wrap">
                <button type="button" onclick={run_draft(false)}>{ cat().run_scenario }</button>
                <button type="button" onclick={run_draft(true)}>{ cat().run_here }</button>
                <label class="button file">
                    { cat().open_file }
                    <input type="file" accept=".txt,text/plain" onchange={on_file} aria-label={cat().open_file} />
                </label>
            </div>
        </>
    }
}
