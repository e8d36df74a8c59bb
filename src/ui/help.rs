//! The help overlay: what this is, and the keyboard shortcuts.

use std::fmt::Write as _;

use super::markup::esc;
use super::Controller;
use crate::view::catalog::cat;

/// The dialog, when it is open. A click outside it (on the dimmed page) closes it.
pub fn help_markup(c: &Controller) -> String {
    if !c.help_open {
        return String::new();
    }
    help_dialog_on_demand()
}

// `_on_demand`: kept out of line (also by wasm-opt: index.html), so that the page's split
// (scripts/split-wasm.py) can move it to the part fetched on first use.
#[inline(never)]
fn help_dialog_on_demand() -> String {
    let mut m = String::with_capacity(2048);
    let _ = write!(
        m,
        r#"<div class="overlay" data-act="help"><div class="dialog" role="dialog" aria-modal="true" aria-label="{t}" data-act="stay"><div class="panel-head"><h2>{t}</h2><button type="button" class="icon small" aria-label="{close}" data-act="help">×</button></div><p>{}</p><table class="shortcuts"><tbody>"#,
        esc(cat().help_intro),
        t = esc(cat().help_title),
        close = esc(cat().close),
    );
    for (k, v) in cat().shortcut_keys.iter().zip(cat().shortcut_help) {
        let _ = write!(m, "<tr><th><kbd>{}</kbd></th><td>{}</td></tr>", esc(k), esc(v));
    }
    let _ = write!(
        m,
        r#"</tbody></table><div class="row"><button type="button" class="primary" data-act="help">{}</button></div></div></div>"#,
        esc(cat().close)
    );
    m
}
