//! What a simulated world starts from: cluster shape, seed, protocol switches, network and
//! workload. Every value is checked, so a bad setting is a clear error, never a panic.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::raft::{Config, ConfigError, NodeId, Time};

/// The most servers a world holds (the page draws them in a ring).
pub const MAX_NODES: u32 = 9;
/// The most Raft groups a machine hosts.
pub const MAX_GROUPS: u32 = 8;
/// The highest client rate the workload accepts, in requests per virtual second.
pub const MAX_RATE: u32 = 10_000;
/// The most client processes the workload has.
pub const MAX_CLIENTS: u32 = 16;

pub const MS: Time = 1_000;
pub const SECOND: Time = 1_000_000;

/// How one direction of a link behaves. Probabilities are in 0..=1.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinkConfig {
    /// One-way delay, drawn uniformly from this range (microseconds).
    pub latency_min: Time,
    pub latency_max: Time,
    /// Probability that a message is lost on the way.
    pub loss: f64,
    /// Probability that a message is delivered twice.
    pub duplicate: f64,
    /// Probability that a message is held back by up to twice the maximum latency, so that
    /// later messages overtake it.
    pub reorder: f64,
}

impl Default for LinkConfig {
    fn default() -> LinkConfig {
        LinkConfig { latency_min: 10 * MS, latency_max: 20 * MS, loss: 0.0, duplicate: 0.0, reorder: 0.0 }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub nodes: u32,
    pub groups: u32,
    pub seed: u64,
    pub raft: Config,
    pub network: LinkConfig,
    /// Client requests per virtual second (0: no automatic workload).
    pub client_rate: u32,
    /// Share of client requests that are reads, in percent.
    pub read_percent: u32,
    /// Compact a node's log once it holds more applied entries than this after its
    /// snapshot (0: never compact automatically).
    pub snapshot_threshold: u64,
    /// How long a client waits for an answer before giving up on a request.
    pub client_timeout: Time,
    /// Client processes of the automatic workload (each has one request at a time).
    pub clients: u32,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            nodes: 5,
            groups: 1,
            seed: 1,
            raft: Config::default(),
            network: LinkConfig::default(),
            client_rate: 0,
            read_percent: 0,
            snapshot_threshold: 0,
            client_timeout: SECOND,
            clients: super::client::DEFAULT_CLIENTS,
        }
    }
}

#[derive(Clone, Debug, Error, PartialEq)]
pub enum SettingsError {
    #[error("a cluster needs 1 to {MAX_NODES} nodes (got {0})")]
    Nodes(u32),
    #[error("a machine hosts 1 to {MAX_GROUPS} Raft groups (got {0})")]
    Groups(u32),
    #[error("{what} must be a probability between 0 and 1 (got {value})")]
    Probability { what: &'static str, value: f64 },
    #[error("the latency range must satisfy min <= max (got {min}..{max} µs)")]
    Latency { min: Time, max: Time },
    #[error("the client rate must be at most {MAX_RATE} requests per second (got {0})")]
    Rate(u32),
    #[error("the read share must be a percentage 0..100 (got {0})")]
    ReadPercent(u32),
    #[error("the client timeout must be positive")]
    ClientTimeout,
    #[error("the workload has 1 to {MAX_CLIENTS} clients (got {0})")]
    Clients(u32),
    #[error("node ids run from 1 to {MAX_NODES} (got {0})")]
    NodeId(u64),
    #[error(transparent)]
    Raft(#[from] ConfigError),
}

impl LinkConfig {
    pub fn validate(&self) -> Result<(), SettingsError> {
        for (what, value) in [("message loss", self.loss), ("duplication", self.duplicate), ("reordering", self.reorder)] {
            if !(0.0..=1.0).contains(&value) {
                return Err(SettingsError::Probability { what, value });
            }
        }
        if self.latency_min > self.latency_max {
            return Err(SettingsError::Latency { min: self.latency_min, max: self.latency_max });
        }
        Ok(())
    }
}

impl Settings {
    pub fn validate(&self) -> Result<(), SettingsError> {
        if self.nodes == 0 || self.nodes > MAX_NODES {
            return Err(SettingsError::Nodes(self.nodes));
        }
        if self.groups == 0 || self.groups > MAX_GROUPS {
            return Err(SettingsError::Groups(self.groups));
        }
        self.network.validate()?;
        if self.client_rate > MAX_RATE {
            return Err(SettingsError::Rate(self.client_rate));
        }
        if self.read_percent > 100 {
            return Err(SettingsError::ReadPercent(self.read_percent));
        }
        if self.client_timeout == 0 {
            return Err(SettingsError::ClientTimeout);
        }
        if self.clients == 0 || self.clients > MAX_CLIENTS {
            return Err(SettingsError::Clients(self.clients));
        }
        self.raft.validate()?;
        Ok(())
    }

    pub fn node_ids(&self) -> Vec<NodeId> {
        (1..=self.nodes).collect()
    }
}

/// Checks a node id given by a user.
pub fn check_node_id(id: u64) -> Result<NodeId, SettingsError> {
    if id == 0 || id > MAX_NODES as u64 {
        return Err(SettingsError::NodeId(id));
    }
    Ok(id as NodeId)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_follow_the_paper() {
        let s = Settings::default();
        assert_eq!(s.validate(), Ok(()));
        assert_eq!((s.raft.election_timeout_min, s.raft.election_timeout_max), (150 * MS, 300 * MS));
        assert_eq!((s.network.latency_min, s.network.latency_max), (10 * MS, 20 * MS));
        assert!(!s.raft.pre_vote && !s.raft.check_quorum);
    }

    #[test]
    fn bad_values_are_named() {
        let bad = |f: fn(&mut Settings)| {
            let mut s = Settings::default();
            f(&mut s);
            s.validate().unwrap_err().to_string()
        };
        assert!(bad(|s| s.nodes = 0).contains("1 to 9 nodes"));
        assert!(bad(|s| s.nodes = 10).contains("got 10"));
        assert!(bad(|s| s.network.loss = 1.5).contains("message loss"));
        assert!(bad(|s| s.network.loss = -0.1).contains("between 0 and 1"));
        assert!(bad(|s| s.network.latency_min = 50 * MS).contains("latency"));
        assert!(bad(|s| s.raft.lease_read = true).contains("check-quorum"));
        assert_eq!(check_node_id(0), Err(SettingsError::NodeId(0)));
        assert_eq!(check_node_id(3), Ok(3));
    }
}
