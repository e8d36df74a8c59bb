//! What a simulated world starts from: cluster shape, seed, protocol switches, network and
//! workload. Every value is checked, so a bad setting is a clear error, never a panic.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::zeebe::{Topology, TopologyError, ZeebeTiming};
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
    /// Zeebe mode: the cluster is `brokers` machines (ids 0..n-1) and each partition a Raft
    /// group on its `replication` brokers, laid out as Zeebe does (see [`super::zeebe`]).
    /// `None`: a classic cluster, every group on every machine (ids 1..n).
    pub zeebe: Option<Topology>,
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
            zeebe: None,
        }
    }
}

#[derive(Clone, Debug, Error, PartialEq)]
pub enum SettingsError {
    #[error("a cluster needs 1 to {MAX_NODES} nodes (got {0})")]
    Nodes(u32),
    #[error("a machine hosts 1 to {MAX_GROUPS} Raft groups (got {0})")]
    Groups(u32),
    #[error("{what} must be a probability between 0 and 1 (got {})", crate::decimal::show(*.value))]
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
    Topology(#[from] TopologyError),
    #[error("in Zeebe mode the election timeout is one value T, and timeouts are drawn from T..2T as Zeebe draws them: write election=T..2T (got {min}..{max} µs)")]
    ZeebeElection { min: Time, max: Time },
    #[error("{0} does not apply in Zeebe mode: {1}")]
    NotInZeebe(&'static str, &'static str),
    #[error("a Zeebe cluster's machines are its brokers and its groups its partitions")]
    ZeebeShape,
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
    /// A Zeebe cluster: Zeebe's layout, election (polls, priority election unless `priority`
    /// is false) and check-quorum, with Zeebe's timing or the playground's.
    pub fn zeebe(topology: Topology, timing: ZeebeTiming, priority: bool) -> Settings {
        let mut s = Settings { nodes: topology.brokers, groups: topology.partitions, zeebe: Some(topology), ..Settings::default() };
        s.raft.zeebe_election = true;
        s.raft.zeebe_check_quorum = true;
        s.raft.priority_election = priority;
        let (t, heartbeat) = timing.election_and_heartbeat();
        s.raft.election_timeout_min = t;
        s.raft.election_timeout_max = 2 * t;
        s.raft.heartbeat_interval = heartbeat;
        // Long enough to ride out a failover (the playground's choice, not Zeebe's).
        s.client_timeout = s.client_timeout.max(4 * t);
        s
    }

    pub fn validate(&self) -> Result<(), SettingsError> {
        match &self.zeebe {
            None => {
                if self.nodes == 0 || self.nodes > MAX_NODES {
                    return Err(SettingsError::Nodes(self.nodes));
                }
                if self.groups == 0 || self.groups > MAX_GROUPS {
                    return Err(SettingsError::Groups(self.groups));
                }
            }
            Some(t) => {
                t.validate()?;
                if self.nodes != t.brokers || self.groups != t.partitions {
                    return Err(SettingsError::ZeebeShape);
                }
                let r = &self.raft;
                if r.election_timeout_max != 2 * r.election_timeout_min {
                    return Err(SettingsError::ZeebeElection { min: r.election_timeout_min, max: r.election_timeout_max });
                }
                if r.pre_vote {
                    return Err(SettingsError::NotInZeebe("prevote", "Zeebe always polls (its pre-vote) before it votes"));
                }
                if r.check_quorum {
                    return Err(SettingsError::NotInZeebe("checkquorum", "Zeebe's own check-quorum is always on"));
                }
                if r.lease_read {
                    return Err(SettingsError::NotInZeebe("lease", "Zeebe serves no lease reads"));
                }
                if !r.zeebe_election || !r.zeebe_check_quorum {
                    return Err(SettingsError::NotInZeebe("the dissertation's election", "a Zeebe cluster runs Zeebe's election"));
                }
            }
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

    /// Machine ids: 1..n in a classic cluster; in Zeebe mode the broker ids, 0..n-1.
    pub fn node_ids(&self) -> Vec<NodeId> {
        match &self.zeebe {
            None => (1..=self.nodes).collect(),
            Some(t) => t.broker_ids(),
        }
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

    #[test]
    fn zeebe_settings_follow_zeebe_and_refuse_what_zeebe_lacks() {
        let t = Topology::new(5, 4, 3).unwrap();
        let s = Settings::zeebe(t, ZeebeTiming::Zeebe, true);
        assert_eq!(s.validate(), Ok(()));
        assert_eq!(s.node_ids(), vec![0, 1, 2, 3, 4], "broker ids are Zeebe's nodeIds, from 0");
        assert_eq!(
            (s.raft.election_timeout_min, s.raft.election_timeout_max, s.raft.heartbeat_interval),
            (2_500 * MS, 5_000 * MS, 250 * MS)
        );
        assert!(s.raft.zeebe_election && s.raft.zeebe_check_quorum && s.raft.priority_election);
        let scaled = Settings::zeebe(t, ZeebeTiming::Scaled, false);
        assert_eq!((scaled.raft.election_timeout_min, scaled.raft.heartbeat_interval), (150 * MS, 50 * MS));
        assert!(!scaled.raft.priority_election);
        let bad = |f: fn(&mut Settings)| {
            let mut s = Settings::zeebe(t, ZeebeTiming::Zeebe, true);
            f(&mut s);
            s.validate().unwrap_err().to_string()
        };
        assert!(bad(|s| s.raft.pre_vote = true).contains("prevote does not apply in Zeebe mode"));
        assert!(bad(|s| s.raft.check_quorum = true).contains("checkquorum"));
        assert!(bad(|s| s.raft.election_timeout_max = 4_000 * MS).contains("election=T..2T"));
        assert!(bad(|s| s.zeebe = Some(Topology { brokers: 3, partitions: 4, replication: 4 })).contains("replication factor"));
    }
}
