//! The browser page (Yew). Built only for wasm32.

pub fn start() {}
