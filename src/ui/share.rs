//! Sharing: a link that replays this session, the session as scenario text, importing a
//! scenario (typed, from a file, or from the library).

use std::fmt::Write as _;

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};

use super::dom::{document, window};
use super::markup::esc;
use super::{app, Action, Controller};
use crate::view::catalog::cat;
use crate::view::library::LIBRARY;
use crate::view::permalink;

/// This page's address without its parameters.
fn base() -> String {
    let loc = window().location();
    format!("{}{}", loc.origin().unwrap_or_default(), loc.pathname().unwrap_or_default())
}

/// The link to the current moment of the session: `?s=<token>&t=<ms>` on this page's address
/// (in a lesson: the lesson at its current step).
pub fn link(c: &Controller) -> String {
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
        r#"<details class="embed-form"><summary>{}</summary><div class="row wrap"><label class="inline">{}<select data-embed="size" data-set="embed">"#,
        esc(cat().embed_options),
        esc(cat().embed_size)
    );
    for (k, (w, h)) in EMBED_SIZES.iter().enumerate() {
        let _ = write!(m, r#"<option value="{k}">{w} × {h}</option>"#);
    }
    let _ = write!(
        m,
        r#"</select></label><label class="check"><input type="checkbox" data-embed="autoplay" data-set="embed" checked>{}</label></div><label class="stack"><span class="small">{}</span><input type="text" data-embed="caption" data-set="embed" maxlength="200"></label></details>"#,
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
    document().query_selector(&format!(".embed-form [data-embed={name}]")).ok().flatten()
}

/// An iframe that plays this session's scenario, as a writer pastes it into a page, with
/// the choices of the embed form.
fn embed_code(c: &Controller) -> String {
    let size: usize = field("size").and_then(|e| e.dyn_into::<HtmlSelectElement>().ok()).and_then(|s| s.value().parse().ok()).unwrap_or(0);
    let autoplay = field("autoplay").and_then(|e| e.dyn_into::<HtmlInputElement>().ok()).is_none_or(|i| i.checked());
    let caption = field("caption").and_then(|e| e.dyn_into::<HtmlInputElement>().ok()).map(|i| i.value()).unwrap_or_default();
    let (w, h) = EMBED_SIZES[size.min(EMBED_SIZES.len() - 1)];
    let enc = |s: &str| String::from(js_sys::encode_uri_component(s));
    let mut src =
        format!("{}?embed=1&autoplay={}&speed={}&theme={}", base(), autoplay as u8, crate::decimal::show(c.speed), c.prefs.theme.name());
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

/// What the panel shows besides the model: the link copied last, the scenario exported
/// last or the embed snippet copied last.
#[derive(Default)]
pub struct ShareState {
    link: String,
    exported: Option<String>,
}

/// What a `data-act` button of the panel does; `None` when it is not the panel's.
pub fn click(act: &str, c: &Controller, s: &mut ShareState) -> Option<Vec<Action>> {
    let clipboard = || window().navigator().clipboard();
    let draft = || {
        document()
            .query_selector("textarea[data-draft]")
            .ok()
            .flatten()
            .and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok())
            .map(|t| t.value())
    };
    let action = match act {
        "copy-link" => {
            s.link = link(c);
            let _ = clipboard().write_text(&s.link);
            return Some(Vec::new());
        }
        "export" => {
            s.exported = Some(crate::script::print(&c.session.to_scenario()));
            return Some(Vec::new());
        }
        "copy-embed" => {
            let code = embed_code(c);
            let _ = clipboard().write_text(&code);
            s.exported = Some(code);
            return Some(Vec::new());
        }
        "run-new" => Action::LoadScenario(draft()?),
        "run-here" => Action::RunHere(draft()?),
        _ => return None,
    };
    Some(vec![action])
}

/// What a changed form control of the panel does: the embed form updates the snippet on
/// show; an example is fetched, a file read, then loaded. `None` when it is not the panel's.
pub fn change(what: &str, el: &web_sys::Element, c: &Controller, s: &mut ShareState) -> Option<()> {
    match what {
        "embed" => {
            if s.exported.as_deref().is_some_and(is_snippet) {
                s.exported = Some(embed_code(c));
            }
        }
        "example" => {
            let v = el.dyn_ref::<HtmlSelectElement>()?.value();
            if let Some(example) = v.parse::<usize>().ok().and_then(|k| LIBRARY.get(k)) {
                // Fetched when picked: the texts are not part of the first load.
                let path = example.path();
                wasm_bindgen_futures::spawn_local(async move {
                    match super::platform::fetch_text(&path).await {
                        Ok(text) => app::act([Action::LoadScenario(text)]),
                        Err(e) => app::act([Action::ImportFailed(e)]),
                    }
                });
            }
        }
        "file" => {
            let file = el.dyn_ref::<HtmlInputElement>()?.files()?.get(0)?;
            wasm_bindgen_futures::spawn_local(async move {
                let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
                match text.ok().and_then(|t| t.as_string()) {
                    Some(text) => app::act([Action::LoadScenario(text)]),
                    None => app::act([Action::ImportFailed(format!("{}: not text", file.name()))]),
                }
            });
        }
        _ => return None,
    }
    Some(())
}

pub fn share_markup(c: &Controller, s: &ShareState) -> String {
    let mut m = String::with_capacity(4096);
    let _ = write!(
        m,
        r#"<h2>{}</h2><div class="row wrap"><button type="button" class="primary" data-act="copy-link">{}</button><button type="button" data-act="export">{}</button><button type="button" data-embed="copy" data-act="copy-embed">{}</button></div>"#,
        esc(cat().share),
        esc(cat().copy_link),
        esc(cat().export_scenario),
        esc(cat().copy_embed)
    );
    if !s.link.is_empty() {
        let _ = write!(
            m,
            r#"<label class="stack"><span class="small">{}</span><input type="text" readonly value="{}" aria-label="{}" data-select=""></label>"#,
            esc(cat().link_copied),
            esc(&s.link),
            esc(cat().permalink)
        );
    }
    if let Some(text) = &s.exported {
        let snippet = is_snippet(text);
        // A textarea's first newline is not part of its text: the text starts after it.
        let _ = write!(
            m,
            "<label class=\"stack\"><span class=\"small\">{}</span><textarea readonly rows=\"6\" aria-label=\"{}\">\n{}</textarea></label>",
            esc(if snippet { cat().embed_copied } else { cat().exported }),
            esc(if snippet { cat().embed_code } else { cat().exported_scenario }),
            esc(text)
        );
        if !snippet {
            let _ = write!(
                m,
                r#"<a class="button" href="data:text/plain;charset=utf-8,{}" download="raft-session.txt">{}</a>"#,
                esc(&String::from(js_sys::encode_uri_component(text))),
                esc(cat().download)
            );
        }
    }
    m.push_str(&embed_form());
    let _ = write!(
        m,
        r#"<label class="stack"><span>{e}</span><select aria-label="{e}" data-set="example"><option value="" selected>{}</option>"#,
        esc(cat().pick_example),
        e = esc(cat().examples)
    );
    for (k, name) in cat().example_names.iter().enumerate().take(LIBRARY.len()) {
        let _ = write!(m, r#"<option value="{k}">{}</option>"#, esc(name));
    }
    let _ = write!(
        m,
        "</select></label><label class=\"stack\"><span>{}</span><textarea rows=\"5\" spellcheck=\"false\" aria-label=\"{}\" placeholder=\"cluster nodes=5 seed=7\nrun 2s\ncrash leader\" data-draft=\"\"></textarea></label>",
        esc(cat().import_scenario),
        esc(cat().scenario_text)
    );
    if let Some(e) = &c.import_error {
        let _ = write!(m, r#"<p class="notice bad" role="alert">{}</p>"#, esc(e));
    }
    let _ = write!(
        m,
        r#"<div class="row wrap"><button type="button" data-act="run-new">{}</button><button type="button" data-act="run-here">{}</button><label class="button file">{o}<input type="file" accept=".txt,text/plain" aria-label="{o}" data-set="file"></label></div>"#,
        esc(cat().run_scenario),
        esc(cat().run_here),
        o = esc(cat().open_file)
    );
    m
}
