//! A Raft playground: a real Raft core ([`raft`]), a deterministic simulator ([`sim`]),
//! the scenario language ([`script`]), a command-line tool and a browser UI.
//!
//! Layers depend downwards only: `ui` (the page) and the JavaScript API (the
//! `raft-playground-api` binary) use `script`, which uses `sim`, which uses
//! `raft`. `raft` knows nothing of the others.

pub use raft_playground_engine::{decimal, raft, sim};
pub mod script;
pub mod view;

#[cfg(not(target_arch = "wasm32"))]
pub mod bench;
#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
#[cfg(target_arch = "wasm32")]
pub mod ui;

// The page allocates and frees many small objects per simulated event; talc is faster than
// the default allocator on WebAssembly. The page is single-threaded.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
// SAFETY: the WebAssembly build runs on one thread only.
static ALLOCATOR: talc::TalckWasm = unsafe { talc::TalckWasm::new_global() };
