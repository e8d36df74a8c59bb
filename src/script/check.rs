//! Randomized checking: each seed becomes a scenario of random faults, run with every
//! safety invariant checked after every event. A violation comes with the scenario that
//! replays it (`raft-playground run`).

use serde::{Deserialize, Serialize};

use super::ast::*;
pub use super::plan::run_seed;
use super::print;
use super::run::RunOptions;
use crate::raft::Time;
use crate::sim::settings::SECOND;
use crate::sim::zeebe::ZeebeTiming;
use crate::sim::{Invariant, TraceMode};

/// Kinds of fault a campaign may inject.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Fault {
    Crash,
    Partition,
    Cut,
    Loss,
    Latency,
    Duplicate,
    Reorder,
    Timeout,
    Membership,
    Compaction,
    Transfer,
    Reads,
}

impl Fault {
    pub const ALL: [Fault; 12] = [
        Fault::Crash,
        Fault::Partition,
        Fault::Cut,
        Fault::Loss,
        Fault::Latency,
        Fault::Duplicate,
        Fault::Reorder,
        Fault::Timeout,
        Fault::Membership,
        Fault::Compaction,
        Fault::Transfer,
        Fault::Reads,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Fault::Crash => "crash",
            Fault::Partition => "partition",
            Fault::Cut => "cut",
            Fault::Loss => "loss",
            Fault::Latency => "latency",
            Fault::Duplicate => "duplicate",
            Fault::Reorder => "reorder",
            Fault::Timeout => "timeout",
            Fault::Membership => "membership",
            Fault::Compaction => "compaction",
            Fault::Transfer => "transfer",
            Fault::Reads => "reads",
        }
    }

    pub fn from_name(name: &str) -> Option<Fault> {
        Fault::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// A switch that is on, off, or drawn per seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Switch {
    On,
    Off,
    Random,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CheckConfig {
    /// Node count; `None` draws 3 to 7 per seed.
    pub nodes: Option<u32>,
    pub faults: Vec<Fault>,
    pub duration: Time,
    pub pre_vote: Switch,
    pub check_quorum: Switch,
    /// Known bugs to switch on (to show the checker finds them).
    pub breaks: Vec<String>,
    /// Client requests per second.
    pub rate: u32,
    /// Zeebe mode: each seed draws a Zeebe layout (brokers, partitions, replication factor,
    /// unless fixed below) and broker-level faults; every invariant is checked per
    /// partition.
    pub zeebe: bool,
    pub brokers: Option<u32>,
    pub partitions: Option<u32>,
    pub replication: Option<u32>,
    /// Zeebe mode: the timing (the playground's by default: ten seconds of virtual time then
    /// hold many elections).
    pub zeebe_timing: ZeebeTiming,
}

impl Default for CheckConfig {
    fn default() -> CheckConfig {
        CheckConfig {
            nodes: None,
            faults: Fault::ALL.to_vec(),
            duration: 10 * SECOND,
            pre_vote: Switch::Random,
            check_quorum: Switch::Random,
            breaks: Vec::new(),
            rate: 20,
            zeebe: false,
            brokers: None,
            partitions: None,
            replication: None,
            zeebe_timing: ZeebeTiming::Scaled,
        }
    }
}

/// The result of one seed.
#[derive(Clone, Debug, PartialEq)]
pub struct SeedResult {
    pub seed: u64,
    /// The first violation found, if any.
    pub violation: Option<String>,
    pub invariant: Option<Invariant>,
    /// A linearizability search that gave up, if any (counted apart: never a pass).
    pub inconclusive: Option<String>,
    /// The seed completed too few client operations to count as tested.
    pub starved: Option<String>,
    /// The scenario that replays this seed (up to the violation).
    pub scenario: String,
    pub events: u64,
    /// Client operations completed: reads answered and writes acknowledged.
    pub reads: u64,
    pub writes: u64,
}

impl SeedResult {
    /// A seed that could not be checked at all: counted as a violation, with nothing run.
    fn failed(seed: u64, why: String) -> SeedResult {
        SeedResult {
            seed,
            violation: Some(why),
            invariant: None,
            inconclusive: None,
            starved: None,
            scenario: String::new(),
            events: 0,
            reads: 0,
            writes: 0,
        }
    }
}

/// A seed must complete at least this many acknowledged writes (and reads, when reads are
/// in the mix) to count: a run that completes nothing checks nothing.
pub const MIN_WRITES: u64 = 5;
pub const MIN_READS: u64 = 2;
/// The end of every plan is quiet: faults stop, the network heals and crashed machines
/// restart, so the clients must get work done.
pub const QUIET_END: Time = 2 * SECOND;

/// Why a seed that ran to its end did too little client work to count, if it did: a run
/// that completes nothing checks nothing.
pub fn starved(config: &CheckConfig, written: u64, read: u64) -> Option<String> {
    if config.rate == 0 {
        return None;
    }
    let reads_expected = config.faults.contains(&Fault::Reads);
    let too_few = written < MIN_WRITES || (reads_expected && read < MIN_READS);
    too_few.then(|| {
        format!(
            "completed only {written} writes and {read} reads (a seed must complete at least {MIN_WRITES} writes{})",
            if reads_expected { format!(" and {MIN_READS} reads") } else { String::new() }
        )
    })
}

/// Runs one seed.
pub fn check_seed(seed: u64, config: &CheckConfig) -> SeedResult {
    let (runner, executed) = match run_seed(seed, config, RunOptions { check: true, trace: TraceMode::Off }) {
        Ok(r) => r,
        Err(e) => return SeedResult::failed(seed, e),
    };
    let w = &runner.world;
    let first = w.violations().first().cloned();
    let stats = w.client_stats();
    // Only a run that went to its end must have done the work (a violation stops it early).
    let starved = if first.is_none() && w.now() >= config.duration { starved(config, stats.written, stats.read) } else { None };
    SeedResult {
        seed,
        violation: first.as_ref().map(|v| v.to_string()),
        invariant: first.as_ref().map(|v| v.invariant),
        inconclusive: w.inconclusive().first().cloned(),
        starved,
        scenario: print::print(&Scenario::new(executed)),
        events: w.steps(),
        reads: stats.read,
        writes: stats.written,
    }
}

/// Runs seeds `start..start+count` on `threads` threads; results in seed order.
pub fn check_seeds(start: u64, count: u64, config: &CheckConfig, threads: usize) -> Vec<SeedResult> {
    let threads = threads.max(1).min(count.max(1) as usize);
    let next = std::sync::atomic::AtomicU64::new(start);
    let end = start + count;
    let mut results: Vec<SeedResult> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let seed = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if seed >= end {
                            break;
                        }
                        // A panic in one seed (a bug in the checker or the plan) is that
                        // seed's failure, with its number; the others still run.
                        let result = std::panic::catch_unwind(|| check_seed(seed, config)).unwrap_or_else(|panic| {
                            let what = panic
                                .downcast_ref::<&str>()
                                .map(|s| s.to_string())
                                .or_else(|| panic.downcast_ref::<String>().cloned())
                                .unwrap_or_else(|| "a panic".to_string());
                            SeedResult::failed(seed, format!("the check itself failed on this seed: {what}"))
                        });
                        out.push(result);
                    }
                    out
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("a check thread panicked")).collect()
    });
    results.sort_by_key(|r| r.seed);
    results
}
