//! Randomized checking: each seed becomes a scenario of random faults, run with every
//! safety invariant checked after every event. A violation comes with the scenario that
//! replays it (`raft-playground run`).

use serde::{Deserialize, Serialize};

use super::ast::*;
use super::print;
use super::run::RunOptions;
use crate::raft::{NodeId, Time};
use crate::sim::linearizability;
use crate::sim::rng::SimRng;
use crate::sim::settings::{MS, SECOND};
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
    /// Check the client history for linearizability at the end of each seed.
    pub linearizability: bool,
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
            linearizability: true,
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
    /// The scenario that replays this seed (up to the violation).
    pub scenario: String,
    pub events: u64,
}

fn draw(rng: &mut SimRng, switch: Switch) -> bool {
    match switch {
        Switch::On => true,
        Switch::Off => false,
        Switch::Random => rng.chance(0.5),
    }
}

/// The random scenario for one seed: a cluster line, then faults separated by runs.
pub fn scenario_for_seed(seed: u64, config: &CheckConfig) -> Scenario {
    let mut rng = SimRng::new(seed ^ 0x5eed_f00d_cafe_d00d);
    let nodes = config.nodes.unwrap_or_else(|| rng.range(3, 7) as u32);
    let has = |f: Fault| config.faults.contains(&f);
    let pre_vote = draw(&mut rng, config.pre_vote);
    // Hunting the lease bug needs lease reads without check-quorum.
    let lease_bug = config.breaks.iter().any(|b| b == "lease-no-checkquorum");
    let check_quorum = draw(&mut rng, config.check_quorum) && !lease_bug;
    let lease = has(Fault::Reads) && check_quorum && rng.chance(0.5);
    let mut options = vec![Setting::PreVote(pre_vote), Setting::CheckQuorum(check_quorum), Setting::Rate(config.rate)];
    if has(Fault::Reads) {
        options.push(Setting::Reads(30));
    }
    if lease {
        options.push(Setting::LeaseRead(true));
    }
    if has(Fault::Compaction) {
        options.push(Setting::SnapshotThreshold(rng.range(5, 40)));
    }
    if rng.chance(0.3) {
        options.push(Setting::MaxInflight(rng.range(1, 8) as u32));
        options.push(Setting::MaxEntries(rng.range(1, 16) as u32));
    }
    let mut commands = vec![Cmd::Cluster(ClusterSpec { nodes: Some(nodes), seed: Some(seed), groups: None, options })];
    for name in &config.breaks {
        commands.push(Cmd::Break { name: name.clone(), on: true });
    }
    if lease_bug {
        commands.push(Cmd::Set(vec![Setting::LeaseRead(true)]));
    }
    let mut members: Vec<NodeId> = (1..=nodes).collect();
    let mut down: Vec<NodeId> = Vec::new();
    let mut spare: Vec<NodeId> = ((nodes + 1)..=crate::sim::MAX_NODES).collect();
    let mut t: Time = 0;
    let step_max = (config.duration / 8).max(50 * MS);
    while t < config.duration {
        let gap = rng.range(10 * MS, step_max).min(config.duration - t);
        commands.push(Cmd::Run(gap));
        t += gap;
        if t >= config.duration {
            break;
        }
        let kinds: Vec<Fault> = config.faults.iter().copied().filter(|f| *f != Fault::Reads && *f != Fault::Compaction).collect();
        if kinds.is_empty() {
            continue;
        }
        let all: Vec<NodeId> = (1..=crate::sim::MAX_NODES).filter(|n| members.contains(n) || down.contains(n)).collect();
        let pick = |rng: &mut SimRng, from: &[NodeId]| from[rng.index(from.len())];
        match kinds[rng.index(kinds.len())] {
            Fault::Crash => {
                // Keep at least one machine up; restart the downed ones now and then.
                let up: Vec<NodeId> = all.iter().copied().filter(|n| !down.contains(n)).collect();
                if !down.is_empty() && (rng.chance(0.5) || up.len() <= 1) {
                    let n = down.remove(rng.index(down.len()));
                    commands.push(Cmd::Restart(Target::Node(n)));
                } else if up.len() > 1 {
                    let n = pick(&mut rng, &up);
                    down.push(n);
                    commands.push(Cmd::Crash(Target::Node(n)));
                }
            }
            Fault::Partition => {
                if rng.chance(0.4) {
                    commands.push(Cmd::Heal);
                } else {
                    let mut shuffled = all.clone();
                    for i in (1..shuffled.len()).rev() {
                        let j = rng.index(i + 1);
                        shuffled.swap(i, j);
                    }
                    let groups = rng.range(2, 3) as usize;
                    let mut parts: Vec<Vec<NodeId>> = vec![Vec::new(); groups];
                    for (k, n) in shuffled.into_iter().enumerate() {
                        let g = if k < groups { k } else { rng.index(groups) };
                        parts[g].push(n);
                    }
                    parts.retain(|p| !p.is_empty());
                    for p in parts.iter_mut() {
                        p.sort_unstable();
                    }
                    commands.push(Cmd::Partition(parts));
                }
            }
            Fault::Cut => {
                let a = pick(&mut rng, &all);
                let b = pick(&mut rng, &all);
                if a != b {
                    if rng.chance(0.6) {
                        commands.push(Cmd::Cut(a, b));
                    } else {
                        commands.push(Cmd::Uncut(a, b));
                    }
                }
            }
            Fault::Loss => {
                let p = [0.0, 0.0, 0.05, 0.1, 0.2, 0.4][rng.index(6)];
                commands.push(Cmd::Set(vec![Setting::Drop(p)]));
            }
            Fault::Latency => {
                let lo = rng.range(1, 30) * MS;
                let hi = lo + rng.range(0, 60) * MS;
                commands.push(Cmd::Set(vec![Setting::Latency(lo, hi)]));
            }
            Fault::Duplicate => {
                let p = [0.0, 0.05, 0.2][rng.index(3)];
                commands.push(Cmd::Set(vec![Setting::Duplicate(p)]));
            }
            Fault::Reorder => {
                let p = [0.0, 0.1, 0.3][rng.index(3)];
                commands.push(Cmd::Set(vec![Setting::Reorder(p)]));
            }
            Fault::Timeout => {
                let up: Vec<NodeId> = members.iter().copied().filter(|n| !down.contains(n)).collect();
                if !up.is_empty() {
                    commands.push(Cmd::Timeout(pick(&mut rng, &up)));
                }
            }
            Fault::Membership => {
                // Changes go through the leader; the runner tolerates refusals.
                let r = rng.index(3);
                if r == 0 && !spare.is_empty() {
                    let n = spare.remove(0);
                    members.push(n);
                    if rng.chance(0.5) {
                        commands.push(Cmd::AddLearner(n));
                    } else {
                        commands.push(Cmd::Add(n));
                    }
                } else if r == 1 && members.len() > 3 {
                    let n = pick(&mut rng, &members);
                    commands.push(Cmd::Remove(n));
                } else if !members.is_empty() {
                    commands.push(Cmd::Promote(pick(&mut rng, &members)));
                }
            }
            Fault::Transfer => {
                commands.push(Cmd::Transfer(pick(&mut rng, &members)));
            }
            Fault::Compaction | Fault::Reads => {}
        }
    }
    Scenario::new(commands)
}

/// Runs a random plan: like a scenario, except that a step the cluster refuses (no leader
/// for a membership change, a change still in progress) is skipped, since the plan was drawn
/// blindly. Stops at the first violation. Returns the runner and the commands executed.
pub fn run_plan(scenario: &Scenario, options: RunOptions) -> Result<(super::run::Runner, Vec<Cmd>), String> {
    let mut runner = super::run::Runner::new(scenario, options).map_err(|f| f.to_string())?;
    let mut executed = vec![scenario.commands[0].clone()];
    for cmd in scenario.commands.iter().skip(1) {
        if let Cmd::Run(d) = cmd {
            let start = runner.world.now();
            let stopped = runner.world.run_until_violation(start + d);
            // Up to the violation, so the replay ends where the finding is.
            let ran = if stopped { runner.world.now() - start } else { *d };
            executed.push(Cmd::Run(ran));
            if stopped {
                break;
            }
            continue;
        }
        // A refusal changes nothing and is not a finding; the replay leaves it out.
        if runner.exec(cmd).is_ok() {
            executed.push(cmd.clone());
        }
        if !runner.world.violations().is_empty() {
            break;
        }
    }
    Ok((runner, executed))
}

/// Runs one seed.
pub fn check_seed(seed: u64, config: &CheckConfig) -> SeedResult {
    let scenario = scenario_for_seed(seed, config);
    let (mut runner, executed) = match run_plan(&scenario, RunOptions { check: true, trace: TraceMode::Off }) {
        Ok(r) => r,
        Err(e) => return SeedResult { seed, violation: Some(e), invariant: None, scenario: print::print(&scenario), events: 0 },
    };
    if config.linearizability && runner.world.violations().is_empty() {
        let history = runner.world.history();
        if let Err(e) = linearizability::check(&history) {
            runner.world.report_violation(Invariant::Linearizability, e);
        }
    }
    let first = runner.world.violations().first().cloned();
    SeedResult {
        seed,
        violation: first.as_ref().map(|v| v.to_string()),
        invariant: first.as_ref().map(|v| v.invariant),
        scenario: print::print(&Scenario::new(executed)),
        events: runner.world.steps(),
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
                        out.push(check_seed(seed, config));
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
