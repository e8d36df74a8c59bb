//! The Raft playground's engine: a real Raft core ([`raft`]) and the deterministic simulator
//! it runs in ([`sim`]), with [`decimal`] numbers written and read without floating-point
//! formatting. The playground crate re-exports all three (`raft_playground::raft`, ...).
//!
//! Layers depend downwards only: `sim` uses `raft`; `raft` knows nothing of the others. The
//! scenario language, the page's model and the page live in the playground crate above.

pub mod decimal;
pub mod raft;
pub mod sim;
