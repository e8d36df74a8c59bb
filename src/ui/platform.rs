//! The browser around the page: URL parameters, local storage, clipboard, the panic overlay.

use wasm_bindgen::JsCast;

use crate::view::catalog::EN;
use crate::view::controller::Prefs;
use crate::view::params::{self, PageParams, Theme};

const PREFS_KEY: &str = "raft-playground.prefs";

fn window() -> web_sys::Window {
    gloo::utils::window()
}

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

/// Sets `data-theme` on the document (light and dark follow the system when `auto`).
pub fn apply_theme(theme: Theme) {
    if let Some(root) = gloo::utils::document().document_element() {
        let _ = root.set_attribute("data-theme", theme.name());
    }
}

/// A fresh seed for a new run (the simulation itself never asks the browser for randomness).
pub fn fresh_seed() -> u64 {
    (js_sys::Math::random() * 1_000_000.0) as u64
}

/// After a Rust panic the WebAssembly instance is dead; show what happened and a way back
/// instead of a frozen page.
pub fn install_panic_overlay() {
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        web_sys::console::error_1(&message.clone().into());
        let doc = gloo::utils::document();
        let Ok(overlay) = doc.create_element("div") else { return };
        overlay.set_class_name("panic-overlay");
        let _ = overlay.set_attribute("role", "alertdialog");
        let _ = overlay.set_attribute("aria-label", EN.error_overlay_title);
        let card = doc.create_element("div").ok();
        if let Some(card) = card {
            card.set_class_name("panic-card");
            let h = doc.create_element("h2").ok();
            if let Some(h) = h {
                h.set_text_content(Some(EN.error_overlay_title));
                let _ = card.append_child(&h);
            }
            if let Ok(p) = doc.create_element("p") {
                p.set_text_content(Some(EN.error_overlay_text));
                let _ = card.append_child(&p);
            }
            if let Ok(pre) = doc.create_element("pre") {
                pre.set_text_content(Some(&message));
                let _ = card.append_child(&pre);
            }
            // A plain link reloads without calling back into the stopped WebAssembly.
            if let Ok(a) = doc.create_element("a") {
                a.set_text_content(Some(EN.reload));
                a.set_class_name("button primary");
                let href = gloo::utils::window().location().href().unwrap_or_default();
                let _ = a.set_attribute("href", &href);
                let _ = card.append_child(&a);
            }
            let _ = overlay.append_child(&card);
        }
        if let Some(body) = doc.body() {
            let _ = body.append_child(&overlay);
        }
    }));
}
