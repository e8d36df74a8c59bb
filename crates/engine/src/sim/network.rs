//! Links between machines: latency, loss, duplication, reordering, partitions and one-way
//! cuts. The network decides a message's fate when it is sent; the world schedules it.

use serde::{Deserialize, Serialize};

use super::rng::SimRng;
use super::settings::LinkConfig;
use crate::raft::{sort_small, NodeId, Time};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Network {
    pub link: LinkConfig,
    /// Groups of a partition; machines not named form one more group together. Empty when
    /// the network is whole.
    partition: Vec<Vec<NodeId>>,
    /// One-way cuts `(from, to)`, sorted.
    cuts: Vec<(NodeId, NodeId)>,
}

/// What happens to one copy of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fate {
    pub deliver_at: Time,
    /// When the message dies on the way, if it does.
    pub lost_at: Option<Time>,
    pub reason: Option<DropReason>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum DropReason {
    /// Random loss on the link.
    Loss,
    /// The link was blocked by a partition or a cut.
    Partition,
    /// The receiving machine was down when it arrived.
    NodeDown,
    /// Dropped by hand.
    User,
}

impl DropReason {
    pub fn name(self) -> &'static str {
        match self {
            DropReason::Loss => "loss",
            DropReason::Partition => "partition",
            DropReason::NodeDown => "node-down",
            DropReason::User => "user",
        }
    }
}

impl Network {
    pub fn new(link: LinkConfig) -> Network {
        Network { link, partition: Vec::new(), cuts: Vec::new() }
    }

    pub fn partition(&self) -> &[Vec<NodeId>] {
        &self.partition
    }

    pub fn cuts(&self) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        self.cuts.iter().copied()
    }

    /// Splits the machines into groups (any number). Machines named in no group form one
    /// more group together.
    pub fn set_partition(&mut self, groups: Vec<Vec<NodeId>>) {
        let mut groups: Vec<Vec<NodeId>> = groups
            .into_iter()
            .map(|mut g| {
                sort_small(&mut g);
                g.dedup();
                g
            })
            .filter(|g| !g.is_empty())
            .collect();
        sort_small(&mut groups);
        self.partition = groups;
    }

    pub fn heal(&mut self) {
        self.partition.clear();
        self.cuts.clear();
    }

    pub fn cut(&mut self, from: NodeId, to: NodeId) {
        if let Err(i) = self.cuts.binary_search(&(from, to)) {
            self.cuts.insert(i, (from, to));
        }
    }

    pub fn uncut(&mut self, from: NodeId, to: NodeId) {
        if let Ok(i) = self.cuts.binary_search(&(from, to)) {
            self.cuts.remove(i);
        }
    }

    pub fn is_partitioned(&self) -> bool {
        !self.partition.is_empty() || !self.cuts.is_empty()
    }

    fn group_of(&self, node: NodeId) -> usize {
        self.partition.iter().position(|g| g.binary_search(&node).is_ok()).unwrap_or(usize::MAX)
    }

    /// Whether a message from `from` can reach `to` now.
    pub fn connected(&self, from: NodeId, to: NodeId) -> bool {
        from == to || (self.group_of(from) == self.group_of(to) && self.cuts.binary_search(&(from, to)).is_err())
    }

    /// Draws the fates of a message sent now: one copy, or two if it is duplicated.
    pub fn fates(&self, rng: &mut SimRng, now: Time, from: NodeId, to: NodeId) -> Vec<Fate> {
        let copies = if rng.chance(self.link.duplicate) { 2 } else { 1 };
        (0..copies)
            .map(|_| {
                let mut latency = rng.range(self.link.latency_min, self.link.latency_max);
                if rng.chance(self.link.reorder) {
                    latency += rng.range(0, 2 * self.link.latency_max);
                }
                let latency = latency.max(1);
                let deliver_at = now + latency;
                if !self.connected(from, to) {
                    // It dies at the cut, halfway.
                    Fate { deliver_at, lost_at: Some(now + latency / 2), reason: Some(DropReason::Partition) }
                } else if rng.chance(self.link.loss) {
                    let at = now + rng.range(latency / 5, latency * 4 / 5);
                    Fate { deliver_at, lost_at: Some(at), reason: Some(DropReason::Loss) }
                } else {
                    Fate { deliver_at, lost_at: None, reason: None }
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_groups_and_the_rest() {
        let mut n = Network::new(LinkConfig::default());
        n.set_partition(vec![vec![2, 1], vec![3]]);
        assert!(n.connected(1, 2));
        assert!(!n.connected(1, 3));
        assert!(!n.connected(3, 4), "unnamed machines form their own group");
        assert!(n.connected(4, 5));
        n.heal();
        assert!(n.connected(1, 3));
    }

    #[test]
    fn cuts_are_one_way() {
        let mut n = Network::new(LinkConfig::default());
        n.cut(1, 2);
        assert!(!n.connected(1, 2));
        assert!(n.connected(2, 1));
        n.uncut(1, 2);
        assert!(n.connected(1, 2));
    }

    #[test]
    fn fates_respect_latency_loss_and_duplication() {
        let mut rng = SimRng::new(4);
        let link = LinkConfig { latency_min: 10, latency_max: 20, loss: 0.5, duplicate: 0.5, reorder: 0.0 };
        let n = Network::new(link);
        let (mut lost, mut copies) = (0, 0);
        for _ in 0..1000 {
            for f in n.fates(&mut rng, 100, 1, 2) {
                copies += 1;
                assert!((110..=120).contains(&f.deliver_at));
                if let Some(at) = f.lost_at {
                    lost += 1;
                    assert!(at >= 100 && at <= f.deliver_at);
                }
            }
        }
        assert!((1300..1700).contains(&copies), "{copies}");
        assert!(lost > copies / 3 && lost < copies * 2 / 3, "{lost} of {copies}");
    }
}
