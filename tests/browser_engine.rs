#![cfg(target_arch = "wasm32")]
//! The engine in a real browser (headless Chromium): the simulator runs, elects a leader,
//! and produces exactly the traces the native build produces.

use raft_playground::script::golden;
use raft_playground::sim::{Settings, TraceMode, World, SECOND};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn the_simulator_elects_a_leader_in_the_browser() {
    let mut w = World::new(Settings { seed: 5, ..Settings::default() }, TraceMode::Off).unwrap();
    w.run_until(2 * SECOND);
    assert!(w.leader(0).is_some(), "{}", w.summary(0));
    assert!(w.violations().is_empty());
}

#[wasm_bindgen_test]
fn browser_traces_equal_native_traces() {
    let expected = include_str!("golden/trace-hashes.txt");
    assert_eq!(golden::trace_hashes(), expected);
}
