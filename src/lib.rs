//! A Raft playground: a real Raft core ([`raft`]), a deterministic simulator ([`sim`]),
//! the scenario language ([`script`]), a command-line tool and a browser UI.
//!
//! Layers depend downwards only: `ui` and `api` use `script`, which uses `sim`, which uses
//! `raft`. `raft` knows nothing of the others.

pub mod raft;
pub mod script;
pub mod sim;
pub mod view;

#[cfg(target_arch = "wasm32")]
pub mod api;
#[cfg(not(target_arch = "wasm32"))]
pub mod bench;
#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
#[cfg(target_arch = "wasm32")]
pub mod ui;
