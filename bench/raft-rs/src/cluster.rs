//! What the workload needs from a 3-node cluster, whichever library runs it, and the
//! workload itself.

use std::time::{Duration, Instant};

use crate::clock::{process_cpu_time, SectionClock};
use crate::counting_alloc::allocations;

/// The server that wins the first election in both clusters.
pub const LEADER: usize = 0;
pub const NODES: usize = 3;

/// Flow-control limits, set to the same values in both libraries.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Appends in flight to one follower (ours: `max_inflight`; raft-rs: `max_inflight_msgs`).
    pub max_inflight: u32,
    /// Entries in one append (ours: `max_entries_per_append`; raft-rs: `max_size_per_msg`,
    /// set to the encoded size of this many entries of the workload's payload).
    pub max_entries_per_append: u32,
}

/// Three servers of one library in one process, with a FIFO network between them.
///
/// Every input is followed by executing the node's output in the library's documented
/// order: persist (into the library's in-memory storage), send (onto the FIFO), apply
/// (count the committed commands).
pub trait Cluster {
    /// A client command as the library takes it.
    type Command;

    /// Three fresh servers; server 1 stood for election, won, and committed the entry a new
    /// leader appends in its term (§8). Nothing is left in flight.
    fn elected(limits: Limits, payload_len: usize) -> Self;

    /// The client side: a command carrying `payload`.
    fn command(payload: &str, request_id: u64) -> Self::Command;

    /// Proposes the commands to the leader, back to back, then executes its output once.
    fn propose(&mut self, commands: Vec<Self::Command>);

    /// Delivers the oldest message in flight and executes the receiver's output. False if
    /// nothing is in flight.
    fn deliver_next(&mut self) -> bool;

    /// Commands applied by server `node` (the leader's no-op is not a command).
    fn applied(&self, node: usize) -> u64;

    /// Time spent inside the leader's calls: proposing, stepping messages addressed to it,
    /// executing its output. Off until the benchmark turns it on.
    fn leader_clock(&mut self) -> &mut SectionClock;

    /// Makes the leader tell the followers its commit index (a heartbeat), so they apply
    /// everything; used after the measured loop to check that all three applied it all.
    fn broadcast_commit(&mut self);
}

/// How commands reach the leader.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Propose one command, deliver messages until the leader has applied it, then the next.
    OneAtATime,
    /// Propose this many commands back to back, deliver until the leader applied them all.
    Batched(u32),
}

impl Mode {
    fn batch(self) -> u64 {
        match self {
            Mode::OneAtATime => 1,
            Mode::Batched(n) => n as u64,
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Workload {
    pub payload_len: usize,
    pub mode: Mode,
}

/// What one measured run gives.
#[derive(Clone, Copy, Debug)]
pub struct Figures {
    /// Entries proposed and committed in each measured pass.
    pub entries: u64,
    /// Process CPU time and wall time of the untimed pass.
    pub cpu: Duration,
    pub wall: Duration,
    /// The leader's share of the CPU time of the timed pass (see `clock`).
    pub leader_cpu: Duration,
    /// Allocator calls during the untimed pass.
    pub allocations: u64,
    /// Messages delivered during the untimed pass, to check that both libraries did the same protocol work.
    pub messages: u64,
}

impl Figures {
    pub fn entries_per_cpu_second(&self) -> f64 {
        self.entries as f64 / self.cpu.as_secs_f64()
    }

    pub fn leader_ns_per_proposal(&self) -> f64 {
        self.leader_cpu.as_nanos() as f64 / self.entries as f64
    }

    pub fn allocs_per_entry(&self) -> f64 {
        self.allocations as f64 / self.entries as f64
    }

    pub fn messages_per_entry(&self) -> f64 {
        self.messages as f64 / self.entries as f64
    }
}

/// Runs `warm_up` entries, then two measured passes of `entries` each on the same cluster;
/// then checks that every server applied every command.
///
/// The first pass gives throughput and allocations with the leader's clock off: its
/// readings cost CPU time (tens of ns each, several per entry), which would count against
/// the library whose entries are cheaper. The second pass turns the clock on and gives the
/// leader's share.
pub fn run<C: Cluster>(workload: Workload, limits: Limits, warm_up: u64, entries: u64, reading_cost: Duration) -> Figures {
    let payload = "x".repeat(workload.payload_len);
    let mut cluster = C::elected(limits, workload.payload_len);
    drive(&mut cluster, workload.mode, &payload, 0, warm_up);

    let (allocs0, cpu0, wall0) = (allocations(), process_cpu_time(), Instant::now());
    let messages = drive(&mut cluster, workload.mode, &payload, warm_up, entries);
    let (wall, cpu, allocated) = (wall0.elapsed(), process_cpu_time() - cpu0, allocations() - allocs0);

    cluster.leader_clock().on = true;
    let (leader0, cpu0, wall0) = (*cluster.leader_clock(), process_cpu_time(), Instant::now());
    drive(&mut cluster, workload.mode, &payload, warm_up + entries, entries);
    let (timed_wall, timed_cpu) = (wall0.elapsed(), process_cpu_time() - cpu0);
    let leader_wall = cluster.leader_clock().since(leader0, reading_cost);
    let leader_share = (leader_wall.as_secs_f64() / timed_wall.as_secs_f64()).min(1.0);

    // Let the last answers reach the leader first: a heartbeat only commits on a follower
    // what the leader knows the follower holds (Figure 2, AppendEntries rule 5).
    while cluster.deliver_next() {}
    cluster.broadcast_commit();
    while cluster.deliver_next() {}
    for node in 0..NODES {
        assert_eq!(cluster.applied(node), warm_up + 2 * entries, "server {} applied every command", node + 1);
    }
    Figures { entries, cpu, wall, leader_cpu: timed_cpu.mul_f64(leader_share), allocations: allocated, messages }
}

/// Proposes `count` commands in the workload's mode, numbering requests from `first`.
/// Returns the number of messages delivered.
fn drive<C: Cluster>(cluster: &mut C, mode: Mode, payload: &str, first: u64, count: u64) -> u64 {
    let applied_before = cluster.applied(LEADER);
    let (mut proposed, mut delivered) = (0, 0);
    while proposed < count {
        let n = mode.batch().min(count - proposed);
        let commands = (0..n).map(|k| C::command(payload, first + proposed + k)).collect();
        cluster.propose(commands);
        proposed += n;
        // A command is committed once the leader applies it. Messages still in flight
        // (the second follower's answer, say) stay queued and are delivered later.
        while cluster.applied(LEADER) < applied_before + proposed {
            assert!(cluster.deliver_next(), "the network went quiet before the leader committed");
            delivered += 1;
        }
    }
    delivered
}
