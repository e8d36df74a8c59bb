//! Building markup as text: every part of the page is written this way. Text costs a
//! fraction of the code a virtual DOM tree costs, and the browser parses it quickly. Events
//! are handled by one listener per event type on the page's root, which reads `data-*`
//! attributes (see [`target_attr`]).

use wasm_bindgen::JsCast;

pub use crate::view::geometry::num;
pub use crate::view::markup::esc;

/// Virtual microseconds as seconds with milliseconds: `12.345`.
pub fn secs(t: u64) -> String {
    format!("{}.{:03}", t / 1_000_000, (t / 1_000) % 1_000)
}

/// The nearest element (from the event target up) that has `attr`, and its value.
pub fn target_attr(e: &web_sys::Event, attr: &str) -> Option<(web_sys::Element, String)> {
    let el: web_sys::Element = e.target()?.dyn_into().ok()?;
    let found = el.closest(&format!("[{attr}]")).ok()??;
    let v = found.get_attribute(attr)?;
    Some((found, v))
}
