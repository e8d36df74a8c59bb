//! The browser around the page: URL parameters, local storage, clipboard, the panic overlay.

use std::cell::RefCell;

use wasm_bindgen::JsCast;

use super::dom::{document, window};
use crate::view::catalog::{cat, set_current, Catalog};
use crate::view::controller::Prefs;
use crate::view::params::{self, Lang, PageParams, Theme};

const PREFS_KEY: &str = "raft-playground.prefs";
const LANG_KEY: &str = "raft-playground.lang";
const PROGRESS_KEY: &str = "raft-playground.lessons";

/// The page's URL parameters and a message for each bad one.
pub fn page_params() -> (PageParams, Vec<String>) {
    let search = window().location().search().unwrap_or_default();
    let mut pairs = Vec::new();
    if let Ok(p) = web_sys::UrlSearchParams::new_with_str(&search) {
        let entries = js_sys::try_iter(&p).ok().flatten();
        if let Some(entries) = entries {
            for entry in entries.flatten() {
                let arr: js_sys::Array = entry.unchecked_into();
                let k = arr.get(0).as_string().unwrap_or_default();
                let v = arr.get(1).as_string().unwrap_or_default();
                pairs.push((k, v));
            }
        }
    }
    params::from_pairs(&pairs)
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

pub fn load_prefs() -> Prefs {
    storage().and_then(|s| s.get_item(PREFS_KEY).ok().flatten()).map(|t| Prefs::decode(&t)).unwrap_or_default()
}

pub fn save_prefs(p: &Prefs) {
    if let Some(s) = storage() {
        let _ = s.set_item(PREFS_KEY, &p.encode());
    }
}

/// How far the reader got in each lesson (see `view::lesson::Progress`).
pub fn load_progress() -> String {
    storage().and_then(|s| s.get_item(PROGRESS_KEY).ok().flatten()).unwrap_or_default()
}

pub fn save_progress(text: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(PROGRESS_KEY, text);
    }
}

/// Keeps the address in step with the lesson on show (`lesson=ID&step=N`, or neither), so
/// a reload or a copied address opens the same step.
pub fn show_lesson_in_address(lesson: Option<(&str, usize)>) {
    let loc = window().location();
    let search = loc.search().unwrap_or_default();
    let Ok(p) = web_sys::UrlSearchParams::new_with_str(&search) else { return };
    let before = String::from(p.to_string());
    match lesson {
        Some((id, step)) => {
            p.set("lesson", id);
            p.set("step", &step.to_string());
        }
        None => {
            p.delete("lesson");
            p.delete("step");
        }
    }
    let after = String::from(p.to_string());
    if after == before {
        return;
    }
    let query = if after.is_empty() { String::new() } else { format!("?{after}") };
    let url = format!("{}{query}{}", loc.pathname().unwrap_or_default(), loc.hash().unwrap_or_default());
    if let Ok(h) = window().history() {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// The language the reader chose before, if any.
pub fn stored_lang() -> Option<String> {
    storage().and_then(|s| s.get_item(LANG_KEY).ok().flatten())
}

/// The browser's languages, most preferred first.
pub fn browser_languages() -> Vec<String> {
    let nav = window().navigator();
    let list: Vec<String> = nav.languages().iter().filter_map(|v| v.as_string()).collect();
    if list.is_empty() {
        nav.language().into_iter().collect()
    } else {
        list
    }
}

/// Fetches a text file served beside the page.
pub async fn fetch_text(path: &str) -> Result<String, String> {
    use wasm_bindgen_futures::JsFuture;
    let describe =
        |e: wasm_bindgen::JsValue| e.as_string().or_else(|| js_sys::JSON::stringify(&e).ok().map(String::from)).unwrap_or_default();
    let response = JsFuture::from(window().fetch_with_str(path)).await.map_err(describe)?;
    let response: web_sys::Response = response.dyn_into().map_err(describe)?;
    if !response.ok() {
        return Err(format!("{path}: HTTP {}", response.status()));
    }
    let text = JsFuture::from(response.text().map_err(describe)?).await.map_err(describe)?;
    text.as_string().ok_or_else(|| format!("{path}: not text"))
}

thread_local! {
    /// Catalogs read so far (each is read once and kept).
    static LOADED: RefCell<Vec<(Lang, &'static Catalog)>> = const { RefCell::new(Vec::new()) };
}

/// Makes `lang` the page's language: fetches and reads its catalog the first time (English
/// is built in), then sets `<html lang>` and the title. On failure the language stays.
pub async fn switch_language(lang: Lang) -> Result<(), String> {
    let catalog: &'static Catalog = match lang {
        Lang::En => &crate::view::catalog::EN,
        Lang::Zh => match LOADED.with(|l| l.borrow().iter().find(|(k, _)| *k == lang).map(|(_, c)| *c)) {
            Some(c) => c,
            None => {
                let text = fetch_text("./i18n/zh-CN.txt").await?;
                let c = Catalog::parse(lang.tag(), &text).map_err(|e| e.to_string())?;
                let c: &'static Catalog = Box::leak(Box::new(c));
                LOADED.with(|l| l.borrow_mut().push((lang, c)));
                c
            }
        },
    };
    set_current(catalog);
    let doc = document();
    if let Some(root) = doc.document_element() {
        let _ = root.set_attribute("lang", lang.tag());
        // For www/boot.js's notice if the page ever stops at an internal error, or for want of
        // the second part of its WebAssembly (www/split.js).
        let _ = root.set_attribute("data-crash-title", cat().error_overlay_title);
        let _ = root.set_attribute("data-crash-text", cat().error_overlay_text);
        let _ = root.set_attribute("data-crash-missing", cat().part_missing_text);
        let _ = root.set_attribute("data-crash-offline", cat().part_offline_text);
        let _ = root.set_attribute("data-crash-reload", cat().reload);
    }
    doc.set_title(cat().title);
    Ok(())
}

/// Remembers the reader's language, and keeps the address's `lang=` (if it has one) in step
/// so a reload stays in it.
pub fn remember_language(lang: Lang) {
    if let Some(s) = storage() {
        let _ = s.set_item(LANG_KEY, lang.name());
    }
    let loc = window().location();
    let search = loc.search().unwrap_or_default();
    if let Ok(p) = web_sys::UrlSearchParams::new_with_str(&search) {
        if p.has("lang") {
            p.set("lang", lang.name());
            let url = format!("{}?{}{}", loc.pathname().unwrap_or_default(), String::from(p.to_string()), loc.hash().unwrap_or_default());
            if let Ok(h) = window().history() {
                let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
            }
        }
    }
}

/// Sets `data-theme` on the document (light and dark follow the system when `auto`).
pub fn apply_theme(theme: Theme) {
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("data-theme", theme.name());
    }
}

/// A fresh seed for a new run (the simulation itself never asks the browser for randomness).
pub fn fresh_seed() -> u64 {
    (js_sys::Math::random() * 1_000_000.0) as u64
}

/// In a debug build, a Rust panic's message goes to the console. (The release build aborts
/// at once, without formatting one: `scripts/lib.sh`, `page_build_env`.) Either way the
/// WebAssembly then traps, and `www/boot.js` shows the reader what happened and a way back,
/// with the texts [`switch_language`] leaves on `<html>`.
pub fn log_panics() {
    #[cfg(debug_assertions)]
    std::panic::set_hook(Box::new(|info| web_sys::console::error_1(&info.to_string().into())));
}
