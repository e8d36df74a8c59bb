//! Zeebe's cluster layout: which brokers hold a replica of which partition, who is each
//! partition's primary, and each replica's priority for priority election.
//!
//! A Zeebe cluster is `brokers` machines (Zeebe's `clusterSize`, node ids 0..n-1) and
//! `partitions` partitions (ids 1..P), each an independent Raft group replicated on
//! `replication` brokers (`replicationFactor`). Zeebe lays partitions out with its
//! round-robin partition distributor (camunda/camunda, `RoundRobinPartitionDistributor` and
//! its tests; facts in the project's ZEEBE.md):
//! - partition p's replicas, in order, are brokers `(p - 1 + j) mod n` for j = 0..RF-1; the
//!   first is the partition's **primary**;
//! - the primary has priority RF; the others, in replica order, get RF-1, RF-2, ..., 1 when
//!   the partition's round `(p - 1) div n` is even, and 1, 2, ..., RF-1 when it is odd (the
//!   flip spreads a dead primary's leaderships over different brokers);
//! - every partition's target priority starts at RF.
//!
//! This module is pure: a layout is computed from the three numbers alone.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::raft::NodeId;

/// A broker's id: Zeebe's nodeId, from 0. In a Zeebe world it is also the machine id.
pub type BrokerId = NodeId;
/// A partition's id, from 1 (its Raft group is `partition - 1`).
pub type PartitionId = u32;

/// The most brokers a Zeebe world holds (the page draws them in a ring).
pub const MAX_BROKERS: u32 = 9;
/// The most partitions a Zeebe world holds.
pub const MAX_PARTITIONS: u32 = 12;

/// A cluster's shape: brokers, partitions, replication factor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Topology {
    pub brokers: u32,
    pub partitions: u32,
    pub replication: u32,
}

#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum TopologyError {
    #[error("a Zeebe cluster has 1 to {MAX_BROKERS} brokers (got {0})")]
    Brokers(u32),
    #[error("a Zeebe cluster has 1 to {MAX_PARTITIONS} partitions (got {0})")]
    Partitions(u32),
    #[error("the replication factor must be 1 to the number of brokers ({brokers}) (got {replication})")]
    Replication { replication: u32, brokers: u32 },
}

/// One replica of a partition: its broker and its priority.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplicaSlot {
    pub broker: BrokerId,
    pub priority: u32,
}

impl Topology {
    /// A checked layout.
    pub fn new(brokers: u32, partitions: u32, replication: u32) -> Result<Topology, TopologyError> {
        let t = Topology { brokers, partitions, replication };
        t.validate()?;
        Ok(t)
    }

    pub fn validate(&self) -> Result<(), TopologyError> {
        if self.brokers == 0 || self.brokers > MAX_BROKERS {
            return Err(TopologyError::Brokers(self.brokers));
        }
        if self.partitions == 0 || self.partitions > MAX_PARTITIONS {
            return Err(TopologyError::Partitions(self.partitions));
        }
        if self.replication == 0 || self.replication > self.brokers {
            return Err(TopologyError::Replication { replication: self.replication, brokers: self.brokers });
        }
        Ok(())
    }

    /// Broker ids, 0..n-1.
    pub fn broker_ids(&self) -> Vec<BrokerId> {
        (0..self.brokers).collect()
    }

    /// Partition ids, 1..P.
    pub fn partition_ids(&self) -> Vec<PartitionId> {
        (1..=self.partitions).collect()
    }

    /// Votes a partition needs: floor(RF / 2) + 1.
    pub fn quorum(&self) -> u32 {
        self.replication / 2 + 1
    }

    /// The partition's replicas in Zeebe's replica order (the primary first), with their
    /// priorities. Empty for a partition id out of range.
    pub fn replicas(&self, partition: PartitionId) -> Vec<ReplicaSlot> {
        if partition == 0 || partition > self.partitions {
            return Vec::new();
        }
        let (n, rf) = (self.brokers, self.replication);
        let i = partition - 1;
        let odd_round = (i / n) % 2 == 1;
        (0..rf)
            .map(|j| {
                let broker = (i + j) % n;
                let priority = match j {
                    0 => rf,
                    _ if odd_round => j,
                    _ => rf - j,
                };
                ReplicaSlot { broker, priority }
            })
            .collect()
    }

    /// The partition's replica brokers, sorted by id.
    pub fn replica_brokers(&self, partition: PartitionId) -> Vec<BrokerId> {
        let mut b: Vec<BrokerId> = self.replicas(partition).iter().map(|r| r.broker).collect();
        crate::raft::sort_small(&mut b);
        b
    }

    /// The partition's primary: the broker that leads it after a clean start.
    pub fn primary(&self, partition: PartitionId) -> Option<BrokerId> {
        self.replicas(partition).first().map(|r| r.broker)
    }

    /// A broker's priority for a partition; `None` if it holds no replica of it.
    pub fn priority(&self, partition: PartitionId, broker: BrokerId) -> Option<u32> {
        self.replicas(partition).iter().find(|r| r.broker == broker).map(|r| r.priority)
    }

    /// The partitions a broker holds a replica of, in id order.
    pub fn partitions_of(&self, broker: BrokerId) -> Vec<PartitionId> {
        self.partition_ids().into_iter().filter(|&p| self.priority(p, broker).is_some()).collect()
    }

    /// The layout as text: per partition its replicas and priorities (`*` marks the
    /// primary), then per broker the partitions it holds.
    pub fn describe(&self) -> String {
        use std::fmt::Write as _;
        let mut s = String::new();
        let _ = writeln!(s, "Cluster size: {}", self.brokers);
        let _ = writeln!(s, "Partitions count: {}", self.partitions);
        let _ = writeln!(s, "Replication factor: {}", self.replication);
        let _ = writeln!(s, "Priorities (* = primary, the leader after a clean start):");
        let mut header = "          ".to_string();
        for b in self.broker_ids() {
            let _ = write!(header, "  B{b:<2}");
        }
        let _ = writeln!(s, "{}", header.trim_end());
        for p in self.partition_ids() {
            let mut line = format!("  P{p:<7}");
            for b in self.broker_ids() {
                let cell = match self.priority(p, b) {
                    Some(prio) if self.primary(p) == Some(b) => format!("{prio}*"),
                    Some(prio) => prio.to_string(),
                    None => "-".to_string(),
                };
                let _ = write!(line, "  {cell:<3}");
            }
            let _ = writeln!(s, "{}", line.trim_end());
        }
        let _ = writeln!(s, "Partitions per broker:");
        for b in self.broker_ids() {
            let held = self.partitions_of(b);
            let primary: Vec<String> = held.iter().filter(|&&p| self.primary(p) == Some(b)).map(|p| p.to_string()).collect();
            let list: Vec<String> = held.iter().map(|p| p.to_string()).collect();
            let _ = writeln!(
                s,
                "  Broker {b}: {} partition{} [{}], primary of [{}]",
                held.len(),
                if held.len() == 1 { "" } else { "s" },
                list.join(", "),
                primary.join(", ")
            );
        }
        s
    }
}

/// Which timing a Zeebe cluster runs with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ZeebeTiming {
    /// Zeebe's defaults: heartbeat 250 ms, election timeout 2.5 s.
    #[default]
    Zeebe,
    /// The playground's defaults: heartbeat 50 ms, election timeout 150 ms (so timeouts are
    /// drawn from 150..300 ms, as in a classic cluster).
    Scaled,
}

impl ZeebeTiming {
    /// The election timeout T and the heartbeat interval, in microseconds.
    pub fn election_and_heartbeat(self) -> (crate::raft::Time, crate::raft::Time) {
        match self {
            ZeebeTiming::Zeebe => (2_500_000, 250_000),
            ZeebeTiming::Scaled => (150_000, 50_000),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ZeebeTiming::Zeebe => "zeebe",
            ZeebeTiming::Scaled => "scaled",
        }
    }
}

/// A partition's health, as Zeebe reports it per partition (Healthy, Unhealthy, Dead).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Health {
    /// A ready leader, and every other replica up and reachable from it both ways.
    Healthy,
    /// A ready leader that reaches a quorum of replicas (itself included), but not all.
    Degraded,
    /// It cannot commit now: no ready leader, or its leader reaches fewer than a quorum. A
    /// partition with fewer than a quorum of live replicas is always here.
    Unavailable,
}

impl Health {
    pub const ALL: [Health; 3] = [Health::Healthy, Health::Degraded, Health::Unavailable];

    /// The page contract's and the scenario language's name.
    pub fn name(self) -> &'static str {
        match self {
            Health::Healthy => "healthy",
            Health::Degraded => "degraded",
            Health::Unavailable => "unavailable",
        }
    }

    /// The word `zbctl status` uses.
    pub fn zeebe_name(self) -> &'static str {
        match self {
            Health::Healthy => "Healthy",
            Health::Degraded => "Unhealthy",
            Health::Unavailable => "Dead",
        }
    }

    pub fn from_name(name: &str) -> Option<Health> {
        Health::ALL.into_iter().find(|h| h.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The priority matrix: one row per partition, one column per broker (0 = no replica).
    fn matrix(t: &Topology) -> Vec<Vec<u32>> {
        t.partition_ids().iter().map(|&p| t.broker_ids().iter().map(|&b| t.priority(p, b).unwrap_or(0)).collect()).collect()
    }

    fn primaries(t: &Topology) -> Vec<BrokerId> {
        t.partition_ids().iter().map(|&p| t.primary(p).unwrap()).collect()
    }

    /// ZEEBE.md, 3 brokers, 3 partitions, RF 3.
    #[test]
    fn three_brokers_three_partitions_rf3() {
        let t = Topology::new(3, 3, 3).unwrap();
        assert_eq!(matrix(&t), vec![vec![3, 2, 1], vec![1, 3, 2], vec![2, 1, 3]]);
        assert_eq!(primaries(&t), vec![0, 1, 2]);
        assert_eq!(t.quorum(), 2);
    }

    /// ZEEBE.md, 5 brokers, 4 partitions, RF 3: broker 4 is the primary of nothing.
    #[test]
    fn five_brokers_four_partitions_rf3() {
        let t = Topology::new(5, 4, 3).unwrap();
        assert_eq!(matrix(&t), vec![vec![3, 2, 1, 0, 0], vec![0, 3, 2, 1, 0], vec![0, 0, 3, 2, 1], vec![1, 0, 0, 3, 2]],);
        assert_eq!(primaries(&t), vec![0, 1, 2, 3]);
        assert!(t.partitions_of(4).iter().all(|&p| t.primary(p) != Some(4)));
        assert_eq!(t.partitions_of(4), vec![3, 4]);
        assert_eq!(t.partitions_of(0), vec![1, 4]);
    }

    /// ZEEBE.md, 3 brokers, 6 partitions, RF 3: partitions 4..6 are round 1, whose other
    /// replicas get ascending priorities (the flip).
    #[test]
    fn three_brokers_six_partitions_rf3_flip() {
        let t = Topology::new(3, 6, 3).unwrap();
        assert_eq!(matrix(&t), vec![vec![3, 2, 1], vec![1, 3, 2], vec![2, 1, 3], vec![3, 1, 2], vec![2, 3, 1], vec![1, 2, 3]],);
        assert_eq!(primaries(&t), vec![0, 1, 2, 0, 1, 2]);
        // B0 down: P1's next priority is B1, P4's is B2.
        let next = |p: PartitionId| t.replicas(p).into_iter().filter(|r| r.broker != 0).max_by_key(|r| r.priority).unwrap().broker;
        assert_eq!((next(1), next(4)), (1, 2));
    }

    /// ZEEBE.md, 4 brokers, 5 partitions, RF 3: P5 is round 1: B0 = 3*, B1 = 1, B2 = 2.
    #[test]
    fn four_brokers_five_partitions_rf3_p5() {
        let t = Topology::new(4, 5, 3).unwrap();
        assert_eq!(matrix(&t)[4], vec![3, 1, 2, 0]);
        assert_eq!(t.primary(5), Some(0));
        assert_eq!(t.replicas(5).iter().map(|r| r.broker).collect::<Vec<_>>(), vec![0, 1, 2]);
    }

    /// Every layout: RF replicas per partition on distinct brokers, priorities 1..RF once
    /// each, the primary with RF, and the closed form of ZEEBE.md for who holds what.
    #[test]
    fn every_layout_is_well_formed() {
        for n in 1..=MAX_BROKERS {
            for parts in 1..=MAX_PARTITIONS {
                for rf in 1..=n {
                    let t = Topology::new(n, parts, rf).unwrap();
                    for p in t.partition_ids() {
                        let r = t.replicas(p);
                        assert_eq!(r.len() as u32, rf);
                        let mut brokers: Vec<_> = r.iter().map(|s| s.broker).collect();
                        brokers.sort_unstable();
                        brokers.dedup();
                        assert_eq!(brokers.len() as u32, rf);
                        let mut prios: Vec<_> = r.iter().map(|s| s.priority).collect();
                        prios.sort_unstable();
                        assert_eq!(prios, (1..=rf).collect::<Vec<_>>());
                        assert_eq!(r[0].priority, rf);
                        for b in t.broker_ids() {
                            let k = (b + n - (p - 1) % n) % n;
                            assert_eq!(t.priority(p, b).is_some(), k < rf, "n={n} p={p} rf={rf} b={b}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn bad_layouts_are_named() {
        assert_eq!(Topology::new(0, 1, 1), Err(TopologyError::Brokers(0)));
        assert_eq!(Topology::new(10, 1, 1), Err(TopologyError::Brokers(10)));
        assert_eq!(Topology::new(3, 0, 1), Err(TopologyError::Partitions(0)));
        assert_eq!(Topology::new(3, 13, 1), Err(TopologyError::Partitions(13)));
        assert!(Topology::new(3, 3, 4).unwrap_err().to_string().contains("1 to the number of brokers (3)"));
        assert!(Topology::new(3, 3, 0).is_err());
        assert!(Topology::new(3, 3, 3).unwrap().replicas(4).is_empty());
    }

    #[test]
    fn the_layout_reads_like_the_tables() {
        let text = Topology::new(5, 4, 3).unwrap().describe();
        assert!(text.contains("  P1        3*   2    1    -    -"), "{text}");
        assert!(text.contains("  P4        1    -    -    3*   2"), "{text}");
        assert!(text.contains("  Broker 4: 2 partitions [3, 4], primary of []"), "{text}");
    }
}
