//! Building markup as text, for the parts of the page that are large and change as a whole
//! (messages in flight, logs, charts, lists). Written as text they cost a fraction of the
//! code a virtual DOM tree costs, and the browser parses them quickly. Clicks are handled by
//! one listener on the container that reads `data-*` attributes (see [`target_attr`]).

use wasm_bindgen::JsCast;
use yew::{AttrValue, Html};

/// Text escaped for use in markup (content or a quoted attribute).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub use crate::view::geometry::num;

/// Virtual microseconds as seconds with milliseconds: `12.345`.
pub fn secs(t: u64) -> String {
    format!("{}.{:03}", t / 1_000_000, (t / 1_000) % 1_000)
}

/// A growing piece of markup.
#[derive(Default)]
pub struct Markup(pub String);

impl Markup {
    pub fn new() -> Markup {
        Markup(String::with_capacity(1024))
    }

    pub fn raw(&mut self, s: &str) -> &mut Self {
        self.0.push_str(s);
        self
    }

    pub fn html(self) -> Html {
        Html::from_html_unchecked(AttrValue::from(self.0))
    }
}

/// The nearest element (from the event target up) that has `attr`, and its value.
pub fn target_attr(e: &web_sys::Event, attr: &str) -> Option<(web_sys::Element, String)> {
    let el: web_sys::Element = e.target()?.dyn_into().ok()?;
    let found = el.closest(&format!("[{attr}]")).ok()??;
    let v = found.get_attribute(attr)?;
    Some((found, v))
}
