//! The JavaScript API as its own WebAssembly module (`raft-playground-api.js`), apart from
//! the page's: pages that embed the simulator and draw it themselves load this one, and the
//! playground page does not carry the API (or serde) in its download.

#[cfg(target_arch = "wasm32")]
mod api;

fn main() {}
