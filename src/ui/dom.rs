//! Drawing markup into the page, and the few browser calls around it.
//!
//! A [`Slot`] is one region of the page: an element and the markup last drawn into it. It
//! touches the page only when the markup changed, then either replaces the content
//! ([`Slot::set`], for parts nobody interacts with: logs, charts, links) or patches it
//! ([`Slot::patch`] with [`morph`], for parts with controls): elements that stay the same
//! kind are kept and only their changed attributes and texts are written, so focus, an open
//! select, a slider being dragged and what the reader typed survive a redraw.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, Node};

pub fn window() -> web_sys::Window {
    web_sys::window().expect("a window")
}

pub fn document() -> web_sys::Document {
    window().document().expect("a document")
}

/// The element that has the keyboard focus, if it is `el`.
fn is_focused(el: &Element) -> bool {
    document().active_element().is_some_and(|a| &a == el)
}

/// A listener: it listens as long as it lives (the page keeps its listeners for its whole life).
pub type Listener = Closure<dyn FnMut(web_sys::Event)>;

/// Calls `f` on every `kind` event that reaches `target`.
pub fn listen(target: &web_sys::EventTarget, kind: &str, f: impl FnMut(web_sys::Event) + 'static) -> Listener {
    let closure = Closure::<dyn FnMut(web_sys::Event)>::new(f);
    let _ = target.add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref());
    closure
}

/// One region of the page and the markup last drawn into it.
pub struct Slot {
    pub el: Element,
    last: String,
}

impl Slot {
    pub fn new(el: Element) -> Slot {
        Slot { el, last: String::new() }
    }

    /// Finds the region by a CSS selector under `root`.
    pub fn find(root: &Element, selector: &str) -> Slot {
        Slot::new(root.query_selector(selector).ok().flatten().unwrap_or_else(|| panic!("the page has {selector}")))
    }

    /// Replaces the content with `markup` if it changed. Returns whether it did.
    pub fn set(&mut self, markup: String) -> bool {
        if markup == self.last {
            return false;
        }
        self.el.set_inner_html(&markup);
        self.last = markup;
        true
    }

    /// Patches the content to `markup` if it changed, keeping the elements that stay.
    pub fn patch(&mut self, markup: String) -> bool {
        if markup == self.last {
            return false;
        }
        morph(&self.el, &markup);
        self.last = markup;
        true
    }
}

/// A text set by hand (every frame, for the clock): its text node is written only when the
/// text changes, and no element is created or replaced.
pub struct Text {
    node: web_sys::Node,
    last: String,
}

impl Text {
    /// The text of `el` (which it replaces).
    pub fn of(el: &Element) -> Text {
        let node: web_sys::Node = document().create_text_node("").into();
        el.set_text_content(None);
        let _ = el.append_child(&node);
        Text { node, last: String::new() }
    }

    /// Shows `text`; returns whether it changed.
    pub fn show(&mut self, text: String) -> bool {
        if text == self.last {
            return false;
        }
        self.node.set_node_value(Some(&text));
        self.last = text;
        true
    }
}

/// Makes `el`'s children what `markup` describes, keeping the elements that stay.
///
/// Children are matched by position: same tag, the element is kept and patched; otherwise
/// it is replaced. An element marked `data-keep` keeps its children (a region drawn by its
/// own code inside a larger one). `open` (a `<details>` the reader opened) is never removed.
/// When a form control's `value`, `checked` or `selected` attribute changes, the control
/// follows (not while the reader types in it); a control whose attribute did not change is
/// left as the reader set it.
pub fn morph(el: &Element, markup: &str) {
    thread_local! {
        /// Where new markup is parsed (one template, reused).
        static TEMPLATE: Option<web_sys::HtmlTemplateElement> =
            document().create_element("template").ok().map(|t| t.unchecked_into());
    }
    TEMPLATE.with(|template| {
        let Some(template) = template else { return };
        // SVG content is parsed inside an <svg>, so that it gets SVG's namespace.
        let svg = el.namespace_uri().as_deref() == Some("http://www.w3.org/2000/svg");
        if svg {
            template.set_inner_html(&format!("<svg>{markup}</svg>"));
            if let Some(root) = template.content().first_child() {
                morph_children(el, &root);
            }
        } else {
            template.set_inner_html(markup);
            morph_children(el, &template.content());
        }
    });
}

fn morph_children(old: &Node, new: &Node) {
    let mut o = old.first_child();
    let mut n = new.first_child();
    while let Some(nn) = n {
        n = nn.next_sibling();
        match o {
            Some(oo) => {
                o = oo.next_sibling();
                if oo.is_equal_node(Some(&nn)) {
                    continue;
                }
                if oo.node_name() == nn.node_name() {
                    morph_node(&oo, &nn);
                } else {
                    let _ = old.replace_child(&nn, &oo);
                }
            }
            None => {
                let _ = old.append_child(&nn);
            }
        }
    }
    while let Some(oo) = o {
        o = oo.next_sibling();
        let _ = old.remove_child(&oo);
    }
}

fn morph_node(old: &Node, new: &Node) {
    let (Some(o), Some(n)) = (old.dyn_ref::<Element>(), new.dyn_ref::<Element>()) else {
        // Text: isEqualNode said it differs.
        old.set_node_value(new.node_value().as_deref());
        return;
    };
    morph_attributes(o, n);
    if !n.has_attribute("data-keep") {
        morph_children(old, new);
    }
}

fn morph_attributes(old: &Element, new: &Element) {
    let attrs = new.attributes();
    for i in 0..attrs.length() {
        let Some(a) = attrs.item(i) else { continue };
        let (name, value) = (a.name(), a.value());
        if old.get_attribute(&name).as_deref() != Some(value.as_str()) {
            let _ = old.set_attribute(&name, &value);
            follow(old, &name, Some(&value));
        }
    }
    let attrs = old.attributes();
    for i in (0..attrs.length()).rev() {
        let Some(a) = attrs.item(i) else { continue };
        let name = a.name();
        if name != "open" && !new.has_attribute(&name) {
            let _ = old.remove_attribute(&name);
            follow(old, &name, None);
        }
    }
}

/// A form control follows a change of the attribute that sets its initial state.
fn follow(el: &Element, name: &str, value: Option<&str>) {
    match name {
        "value" => {
            if let Some(i) = el.dyn_ref::<web_sys::HtmlInputElement>() {
                if !is_focused(el) {
                    i.set_value(value.unwrap_or_default());
                }
            }
        }
        "checked" => {
            if let Some(i) = el.dyn_ref::<web_sys::HtmlInputElement>() {
                i.set_checked(value.is_some());
            }
        }
        "selected" => {
            if let Some(o) = el.dyn_ref::<web_sys::HtmlOptionElement>() {
                o.set_selected(value.is_some());
            }
        }
        _ => {}
    }
}
