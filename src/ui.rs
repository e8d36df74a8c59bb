//! The browser page. Built only for wasm32.
//!
//! The page is markup text and one listener per event type, without a framework:
//!
//! - **One controller.** [`app::App`] owns the page's [`Controller`] (the state reducer of
//!   `view/`: every user action is an [`Action`]) and the page as drawn. Everything the reader
//!   does, and every fetch that finishes, goes through `App::act`: dispatch, remember the
//!   settings, draw.
//! - **Regions.** A skeleton is written into `#app` once (and patched when the language or
//!   the mode, Zeebe or classic, changes): an element for each region (the top bar, notices,
//!   the lesson panel, the cluster's layers, the timeline, Zeebe mode's brokers and
//!   partitions, logs, events, charts, inspector, controls, invariants, share, the dialogs). Each region has a function
//!   from the controller to markup text; a [`dom::Slot`] writes it into its element only
//!   when the text changed, either replacing the content (logs, charts, links) or patching
//!   it with [`dom::morph`], which keeps every element that stays, so focus, an open select,
//!   a dragged slider and typed text survive. What changes every frame is set by hand, as
//!   text nodes and attributes: the clock and the timeline's end ([`dom::Text`]), node
//!   timers, the timeline's slider, messages in flight (one element each, created, moved,
//!   removed), and the event list grows by its new lines.
//! - **Pace.** Frames run only while playing (`requestAnimationFrame`, cancelled when
//!   paused: a paused page does no work per frame; a background tab gets no frames and does
//!   not catch up). A frame draws the moving parts (clock, cluster, timeline, inspector,
//!   lesson panel, Zeebe mode's brokers and partitions); the slower panels follow four times a second, the charts once a second;
//!   after an action, or while paused, everything is drawn at once.
//! - **Events.** One listener per event type on the root ([`input`]) reads `data-act` /
//!   `data-set` (and the page contract's `data-*`) and maps them to actions; the keyboard
//!   shortcuts listen on the document. No element carries a listener of its own, so any
//!   element can be redrawn freely.
//!
//! The page renders the model of [`crate::view`] and never reaches into a Raft node except
//! through read-only views.

mod app;
mod charts;
mod cluster;
mod controls;
mod dom;
mod events;
mod help;
mod input;
mod lesson;
mod logs;
mod markup;
mod panels;
mod platform;
mod share;
mod topology;

pub use crate::view::controller::{Action, Controller};

/// Mounts the playground into `#app`, if the page has one (pages that only use the
/// JavaScript API have none), in the reader's language: a language other than English is
/// fetched first (it is not part of the first download).
pub fn start() {
    platform::log_panics();
    let Some(root) = dom::document().get_element_by_id("app") else { return };
    let (params, _) = platform::page_params();
    let lang = crate::view::params::Lang::choose(params.lang, platform::stored_lang().as_deref(), &platform::browser_languages());
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(e) = platform::switch_language(lang).await {
            app::startup_notice(crate::view::catalog::fill(crate::view::catalog::cat().lang_failed, &[("error", &e)]));
        }
        app::mount(root);
    });
}
