//! The browser page, built with Yew function components. Built only for wasm32.
//!
//! Components render the page model of [`crate::view`] and send [`Action`]s; they never
//! reach into a Raft node except through read-only views.

mod app;
mod charts;
mod cluster;
mod controls;
mod events;
mod help;
mod lesson;
mod logs;
mod markup;
mod panels;
mod platform;
mod share;
mod topology;

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

pub use crate::view::controller::{Action, Controller};

/// The page's one controller, shared by the components. Equal when it is the same one.
#[derive(Clone)]
pub struct Ctl(pub Rc<RefCell<Controller>>);

impl PartialEq for Ctl {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// What most components take: the controller, a version that changes when what they show
/// may have changed, and where to send actions.
#[derive(Properties, PartialEq, Clone)]
pub struct PanelProps {
    pub ctl: Ctl,
    pub version: u64,
    pub dispatch: Callback<Action>,
}

/// Mounts the playground into `#app`, if the page has one (pages that only use the
/// JavaScript API have none), in the reader's language: a language other than English is
/// fetched first (it is not part of the first download).
pub fn start() {
    platform::install_panic_overlay();
    let Some(root) = gloo::utils::document().get_element_by_id("app") else { return };
    let (params, _) = platform::page_params();
    let lang = crate::view::params::Lang::choose(params.lang, platform::stored_lang().as_deref(), &platform::browser_languages());
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(e) = platform::switch_language(lang).await {
            app::startup_notice(crate::view::catalog::fill(crate::view::catalog::cat().lang_failed, &[("error", &e)]));
        }
        root.set_inner_html("");
        yew::Renderer::<app::App>::with_root(root).render();
    });
}
