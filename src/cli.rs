//! The command-line tool: `run`, `check`, `bench`.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::script::check::{check_seeds, CheckConfig, Fault, Switch};
use crate::script::parse::parse_duration;
use crate::script::run::{format_time, RunOptions};
use crate::sim::{TraceKind, TraceMode};

#[derive(Parser, Debug)]
#[command(name = "raft-playground", version, about = "Run Raft scenarios, hunt for safety violations, measure the simulator.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run a scenario file (`-` reads standard input) and print its trace summary and outcome.
    Run {
        file: String,
        /// Print every trace event, not only the summary.
        #[arg(long)]
        trace: bool,
        /// Zeebe mode: end with the cluster as `zbctl status` shows it (per broker, per
        /// partition: role and health).
        #[arg(long)]
        status: bool,
    },
    /// Print Zeebe's layout of a cluster: each partition's replicas and priorities, and the
    /// partitions of each broker.
    Topology {
        /// Brokers (Zeebe's clusterSize), 1..9.
        #[arg(long)]
        brokers: u32,
        /// Partitions (partitionsCount), 1..12.
        #[arg(long, default_value_t = 1)]
        partitions: u32,
        /// Replicas per partition (replicationFactor), 1..brokers.
        #[arg(long, default_value_t = 1)]
        replication: u32,
    },
    /// Run random seeds with random faults, checking every safety invariant after every event.
    Check {
        /// How many seeds to run.
        #[arg(long, default_value_t = 1000)]
        seeds: u64,
        /// The first seed.
        #[arg(long, default_value_t = 0)]
        start: u64,
        /// Nodes per cluster (1..9); by default each seed draws 3 to 7.
        #[arg(long)]
        nodes: Option<u32>,
        /// Faults to inject, comma-separated (default: all): crash, partition, cut, loss, latency,
        /// duplicate, reorder, timeout, membership, compaction, transfer, reads. `none` for none.
        #[arg(long, value_delimiter = ',')]
        faults: Option<Vec<String>>,
        /// Virtual time per seed, e.g. 10s.
        #[arg(long, default_value = "10s")]
        duration: String,
        #[arg(long, value_enum, default_value_t = SwitchArg::Random)]
        prevote: SwitchArg,
        #[arg(long, value_enum, default_value_t = SwitchArg::Random)]
        checkquorum: SwitchArg,
        /// Switch on a known bug (figure8, forget-vote, vote-no-log-check, keep-conflicting-suffix,
        /// membership-no-barrier, lease-no-checkquorum, send-before-persist) to see the checker
        /// find it; `all` hunts each one in turn and prints how many seeds found it.
        #[arg(long = "break")]
        breaks: Vec<String>,
        /// Client requests per virtual second.
        #[arg(long, default_value_t = 20)]
        rate: u32,
        /// Worker threads (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
        /// Print at most this many failing scenarios in full.
        #[arg(long, default_value_t = 3)]
        show: usize,
        /// Zeebe clusters: each seed draws brokers (1..9), partitions (1..12) and a
        /// replication factor (1..brokers) unless fixed below; faults hit brokers (crashes,
        /// partitions and cuts between brokers, loss, latency, rebalance, transfers and
        /// timeouts in a partition); every invariant is checked per partition.
        #[arg(long)]
        zeebe: bool,
        /// With --zeebe: the number of brokers.
        #[arg(long)]
        brokers: Option<u32>,
        /// With --zeebe: the number of partitions.
        #[arg(long)]
        partitions: Option<u32>,
        /// With --zeebe: the replication factor.
        #[arg(long)]
        replication: Option<u32>,
        /// With --zeebe: `scaled` (the playground's timing, the default) or `zeebe` (heartbeat
        /// 250 ms, election timeout 2.5 s: give a --duration of a minute or more).
        #[arg(long, value_enum, default_value_t = TimingArg::Scaled)]
        timing: TimingArg,
    },
    /// Print throughput figures of the simulator and the checker.
    Bench {
        /// Scale the work down (for a quick look) or up.
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum TimingArg {
    Zeebe,
    Scaled,
}

/// A Zeebe layout for `check --zeebe`.
#[derive(Clone, Copy, Debug)]
struct ZeebeArgs {
    on: bool,
    brokers: Option<u32>,
    partitions: Option<u32>,
    replication: Option<u32>,
    timing: TimingArg,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum SwitchArg {
    On,
    Off,
    Random,
}

impl From<SwitchArg> for Switch {
    fn from(s: SwitchArg) -> Switch {
        match s {
            SwitchArg::On => Switch::On,
            SwitchArg::Off => Switch::Off,
            SwitchArg::Random => Switch::Random,
        }
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Run { file, trace, status } => run_file(&file, trace, status),
        Command::Topology { brokers, partitions, replication } => {
            match crate::sim::zeebe::Topology::new(brokers, partitions, replication) {
                Ok(t) => {
                    print!("{}", t.describe());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Check {
            seeds,
            start,
            nodes,
            faults,
            duration,
            prevote,
            checkquorum,
            breaks,
            rate,
            threads,
            show,
            zeebe,
            brokers,
            partitions,
            replication,
            timing,
        } => {
            let zeebe = ZeebeArgs { on: zeebe, brokers, partitions, replication, timing };
            let threads = threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
            if breaks.iter().any(|b| b == "all") {
                let mut found_all = true;
                println!("{seeds} seeds per known bug; a seed finds it when the checker reports a violation:");
                // Zeebe serves no lease reads and its partitions change no membership: those two
                // bugs cannot show there.
                let impossible = |b: &str| zeebe.on && (b == "lease-no-checkquorum" || b == "membership-no-barrier");
                if zeebe.on {
                    println!(
                        "  (with --zeebe: lease-no-checkquorum and membership-no-barrier left out: no lease reads, no membership changes)"
                    );
                }
                let bugs = crate::raft::Breaks::NAMES.into_iter().filter(|b| !impossible(b));
                for bug in bugs {
                    let config =
                        match check_config(nodes, faults.clone(), &duration, prevote, checkquorum, vec![bug.to_string()], rate, zeebe) {
                            Ok(c) => c,
                            Err(e) => {
                                eprintln!("error: {e}");
                                return ExitCode::from(2);
                            }
                        };
                    let results = check_seeds(start, seeds, &config, threads);
                    let found: Vec<_> = results.iter().filter(|r| r.violation.is_some()).collect();
                    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
                    for r in &found {
                        *kinds.entry(r.invariant.map_or("?", |i| i.name())).or_default() += 1;
                    }
                    let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
                    let first = found.first().map_or(String::new(), |r| format!(", first at seed {}", r.seed));
                    println!("  {bug:<24} {:>5} of {seeds} seeds{first} ({})", found.len(), kinds.join(", "));
                    found_all &= !found.is_empty();
                }
                return if found_all { ExitCode::SUCCESS } else { ExitCode::from(1) };
            }
            let config = match check_config(nodes, faults, &duration, prevote, checkquorum, breaks, rate, zeebe) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            check(seeds, start, &config, threads, show)
        }
        Command::Bench { scale } => {
            if !(scale > 0.0 && scale <= 100.0) {
                eprintln!("error: --scale must be in (0, 100]");
                return ExitCode::from(2);
            }
            crate::bench::print_all(scale);
            ExitCode::SUCCESS
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn check_config(
    nodes: Option<u32>,
    faults: Option<Vec<String>>,
    duration: &str,
    prevote: SwitchArg,
    checkquorum: SwitchArg,
    breaks: Vec<String>,
    rate: u32,
    zeebe: ZeebeArgs,
) -> Result<CheckConfig, String> {
    if !zeebe.on && (zeebe.brokers.is_some() || zeebe.partitions.is_some() || zeebe.replication.is_some()) {
        return Err("--brokers, --partitions and --replication go with --zeebe".to_string());
    }
    if zeebe.on {
        if nodes.is_some() {
            return Err("--nodes is for classic clusters; with --zeebe give --brokers".to_string());
        }
        if !matches!((prevote, checkquorum), (SwitchArg::Random, SwitchArg::Random)) {
            return Err(
                "--prevote and --checkquorum are for classic clusters: Zeebe always polls and runs its own check-quorum".to_string()
            );
        }
        if breaks.iter().any(|b| b == "lease-no-checkquorum") {
            return Err("Zeebe serves no lease reads: lease-no-checkquorum cannot be switched on with --zeebe".to_string());
        }
        let brokers = zeebe.brokers.unwrap_or(crate::sim::zeebe::MAX_BROKERS);
        let t = crate::sim::zeebe::Topology {
            brokers,
            partitions: zeebe.partitions.unwrap_or(1),
            replication: zeebe.replication.unwrap_or(1).min(brokers),
        };
        t.validate().map_err(|e| e.to_string())?;
        if let (Some(b), Some(r)) = (zeebe.brokers, zeebe.replication) {
            crate::sim::zeebe::Topology::new(b, 1, r).map_err(|e| e.to_string())?;
        }
        if let Some(r) = zeebe.replication {
            crate::sim::zeebe::Topology::new(crate::sim::zeebe::MAX_BROKERS, 1, r).map_err(|e| e.to_string())?;
        }
    }
    if let Some(n) = nodes {
        if n == 0 || n > crate::sim::MAX_NODES {
            return Err(format!("--nodes must be 1 to {} (got {n})", crate::sim::MAX_NODES));
        }
    }
    let faults = match faults {
        None => Fault::ALL.to_vec(),
        Some(list) if list.len() == 1 && list[0] == "none" => Vec::new(),
        Some(list) => {
            let mut out = Vec::new();
            for name in list {
                let names: Vec<&str> = Fault::ALL.iter().map(|f| f.name()).collect();
                out.push(
                    Fault::from_name(name.trim()).ok_or_else(|| format!("unknown fault `{name}` (known: {}, none)", names.join(", ")))?,
                );
            }
            out
        }
    };
    let duration = parse_duration(duration).ok_or_else(|| format!("--duration: `{duration}` is not a duration such as 10s or 500ms"))?;
    if duration == 0 {
        return Err("--duration must be positive".to_string());
    }
    for b in &breaks {
        if crate::raft::Breaks::default().get(b).is_none() {
            return Err(format!("unknown bug `{b}` (known: {})", crate::raft::Breaks::NAMES.join(", ")));
        }
    }
    if rate > crate::sim::settings::MAX_RATE {
        return Err(format!("--rate must be at most {}", crate::sim::settings::MAX_RATE));
    }
    Ok(CheckConfig {
        nodes,
        faults,
        duration,
        pre_vote: prevote.into(),
        check_quorum: checkquorum.into(),
        breaks,
        rate,
        zeebe: zeebe.on,
        brokers: zeebe.brokers,
        partitions: zeebe.partitions,
        replication: zeebe.replication,
        zeebe_timing: match zeebe.timing {
            TimingArg::Zeebe => crate::sim::zeebe::ZeebeTiming::Zeebe,
            TimingArg::Scaled => crate::sim::zeebe::ZeebeTiming::Scaled,
        },
    })
}

fn run_file(file: &str, print_trace: bool, status: bool) -> ExitCode {
    let text = if file == "-" {
        let mut s = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut s) {
            eprintln!("error: cannot read standard input: {e}");
            return ExitCode::from(2);
        }
        s
    } else {
        match std::fs::read_to_string(file) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: cannot read {file}: {e}");
                return ExitCode::from(2);
            }
        }
    };
    let scenario = match crate::script::parse(&text) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{file}:{}:{}: expected {}, found {}", e.line, e.column, e.expected, e.found);
            return ExitCode::from(2);
        }
    };
    let outcome = match crate::script::run(&scenario, RunOptions { check: true, trace: TraceMode::Record }) {
        Ok(o) => o,
        Err(f) => {
            eprintln!("{file}: {f}");
            return ExitCode::from(2);
        }
    };
    let w = &outcome.world;
    if print_trace {
        for e in w.trace() {
            println!("{:>10} {:?}", format_time(e.time), e.kind);
        }
    }
    let expectations = scenario.commands.iter().filter(|c| matches!(c.inner(), crate::script::Cmd::Expect(_))).count();
    println!("scenario {file}: {} commands, {expectations} expectations", scenario.commands.len());
    let sent: u64 = w.messages_sent().values().sum();
    let kinds: Vec<String> = w.messages_sent().iter().map(|(k, n)| format!("{} {n}", k.name())).collect();
    println!("virtual time {}, {} events, {sent} messages ({})", format_time(w.now()), w.steps(), kinds.join(", "));
    let mut leaders: BTreeMap<(u32, u64), u32> = BTreeMap::new();
    let mut commits = 0;
    let mut drops = 0;
    for e in w.trace() {
        match &e.kind {
            TraceKind::Role { node, to: crate::raft::Role::Leader, term, .. } => {
                leaders.insert((e.group, *term), *node);
            }
            TraceKind::Committed { .. } => commits += 1,
            TraceKind::Dropped { .. } => drops += 1,
            _ => {}
        }
    }
    match w.topology() {
        None => {
            let l: Vec<String> = leaders.iter().map(|((_, t), n)| format!("term {t}: node {n}")).collect();
            println!("leaders elected: {}", if l.is_empty() { "none".to_string() } else { l.join(", ") });
        }
        Some(t) => {
            println!("leaders elected (Raft role; a leader is announced once its initial entry commits):");
            for p in t.partition_ids() {
                let l: Vec<String> =
                    leaders.iter().filter(|((g, _), _)| *g == p - 1).map(|((_, term), b)| format!("term {term}: broker {b}")).collect();
                println!("  partition {p}: {}", if l.is_empty() { "none".to_string() } else { l.join(", ") });
            }
        }
    }
    println!("entries committed by leaders: {commits}; messages dropped: {drops}");
    let c = w.client_stats();
    if c.invoked > 0 {
        println!("client: {} requests, {} written, {} read, {} failed, {} unknown", c.invoked, c.written, c.read, c.failed, c.unknown);
    }
    match w.topology() {
        None => println!("final state: {}", w.summary(0)),
        Some(t) => {
            for p in t.partition_ids() {
                println!("final state of partition {p}: {}", w.summary(p - 1));
            }
        }
    }
    if status {
        match w.topology() {
            Some(_) => print!("{}", w.zeebe_status()),
            None => println!("(--status shows a Zeebe cluster's status; this is a classic cluster)"),
        }
    }
    println!("trace hash: {:016x}", w.trace_hash());
    match outcome.failure {
        None => {
            match w.violations().first() {
                None => println!("PASS: {} expectations met, no safety violation", outcome.expectations_met),
                Some(v) => println!("PASS: {} expectations met, including the expected violation: {v}", outcome.expectations_met),
            }
            ExitCode::SUCCESS
        }
        Some(f) => {
            println!("FAIL {file}: {f}");
            ExitCode::from(1)
        }
    }
}

fn check(seeds: u64, start: u64, config: &CheckConfig, threads: usize, show: usize) -> ExitCode {
    let t0 = std::time::Instant::now();
    let results = check_seeds(start, seeds, config, threads);
    let elapsed = t0.elapsed().as_secs_f64();
    let failed: Vec<_> = results.iter().filter(|r| r.violation.is_some()).collect();
    let inconclusive: Vec<_> = results.iter().filter(|r| r.violation.is_none() && r.inconclusive.is_some()).collect();
    let starved: Vec<_> = results.iter().filter(|r| r.starved.is_some()).collect();
    let events: u64 = results.iter().map(|r| r.events).sum();
    for (k, r) in failed.iter().enumerate() {
        println!("seed {}: {}", r.seed, r.violation.as_deref().unwrap_or(""));
        if k < show {
            println!("  replay it with `raft-playground run FILE` where FILE holds:");
            for line in r.scenario.lines() {
                println!("    {line}");
            }
        }
    }
    for r in &inconclusive {
        println!("seed {}: inconclusive: {}", r.seed, r.inconclusive.as_deref().unwrap_or(""));
    }
    for r in &starved {
        println!("seed {}: {}", r.seed, r.starved.as_deref().unwrap_or(""));
    }
    let (reads, writes): (u64, u64) = results.iter().fold((0, 0), |(r, w), s| (r + s.reads, w + s.writes));
    if config.zeebe {
        let fixed = |what: &str, v: Option<u32>, drawn: &str| v.map_or(format!("{what} {drawn}"), |n| format!("{what} {n}"));
        println!(
            "Zeebe layouts: {}, {}, {}; timing {}",
            fixed("brokers", config.brokers, "1..9"),
            fixed("partitions", config.partitions, "1..12"),
            fixed("replication", config.replication, "1..brokers"),
            config.zeebe_timing.name()
        );
    }
    println!("{seeds} seeds, {} violations, {} inconclusive", failed.len(), inconclusive.len());
    if !starved.is_empty() {
        println!("{} seeds completed too few client operations to count", starved.len());
    }
    eprintln!("(clients completed {writes} writes and {reads} reads in all)");
    eprintln!(
        "({} events in {:.1}s on {threads} threads: {:.0} seeds/s, {} of virtual time each)",
        events,
        elapsed,
        seeds as f64 / elapsed.max(1e-9),
        format_time(config.duration)
    );
    if failed.is_empty() && starved.is_empty() && inconclusive.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
