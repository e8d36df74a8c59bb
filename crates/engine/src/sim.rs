//! The deterministic world the Raft nodes live in: virtual time, one seeded random
//! generator, an event queue, a network with faults, crashes and restarts, clients, the
//! safety checker and a trace. Knows nothing of the page.

pub mod checker;
pub mod client;
pub mod kv;
pub mod linearizability;
pub mod network;
pub mod rng;
pub mod settings;
pub mod trace;
mod wire;
pub mod world;
pub mod zeebe;

pub use checker::{Invariant, Violation};
pub use network::{DropReason, Network};
pub use settings::{LinkConfig, Settings, SettingsError, MAX_NODES, MS, SECOND};
pub use trace::{GroupId, MessageId, TraceEvent, TraceKind, TraceMode};
pub use world::{InFlight, SimError, World};
