//! Our Raft core and tikv's raft-rs 0.7, side by side, through the same in-memory
//! 3-node workload in one process.
//!
//! ```text
//! cargo run --release --manifest-path bench/raft-rs/Cargo.toml [-- OPTIONS]
//!   --entries N (1000000)   --warm-up N (50000)   --repeats N (3)   --batch N (64)
//!   --max-inflight N (4)    --max-entries-per-append N (64)         --only ours|raft-rs
//! ```
//!
//! Each library gets three servers in one process, messages delivered in FIFO order from
//! one queue, entries persisted into the library's own in-memory storage (ours: a
//! `DurableState` per server; raft-rs: `MemStorage`), committed entries applied (counted)
//! on all three. Server 1 is elected before measuring. Time stands still while measuring:
//! no heartbeats, no elections, in either library.
//!
//! Workloads: payloads of 16 and 256 bytes, proposed one at a time (propose, deliver until
//! the leader has committed it, then the next) or in batches (propose a batch back to back,
//! deliver until the leader has committed all of it). A run warms up, then measures two
//! passes on the same cluster (see `cluster::run`). The libraries' runs are interleaved
//! (ours, raft-rs, ours, ...) so a change in the machine's load hits both; each figure is
//! the median of the runs.

mod clock;
mod cluster;
mod counting_alloc;
mod ours;
mod raft_rs;

use cluster::{Figures, Limits, Mode, Workload};
use counting_alloc::CountingAllocator;
use ours::OurCluster;
use raft_rs::RaftRsCluster;

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

struct Options {
    entries: u64,
    warm_up: u64,
    repeats: usize,
    batch: u32,
    limits: Limits,
    /// Run one library only (for profiling it alone).
    only: Option<Library>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Library {
    Ours,
    RaftRs,
}

const USAGE: &str =
    "options: --entries N --warm-up N --repeats N --batch N --max-inflight N --max-entries-per-append N --only ours|raft-rs";

fn parse_options() -> Options {
    let mut options = Options {
        entries: 1_000_000,
        warm_up: 50_000,
        repeats: 3,
        batch: 64,
        limits: Limits { max_inflight: 4, max_entries_per_append: 64 },
        only: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let Some(value) = args.next() else { panic!("{flag} needs a value; {USAGE}") };
        let number = || -> u64 { value.parse().ok().filter(|&n| n > 0).unwrap_or_else(|| panic!("{flag} needs a positive number")) };
        match flag.as_str() {
            "--entries" => options.entries = number(),
            "--warm-up" => options.warm_up = value.parse().unwrap_or_else(|_| panic!("--warm-up needs a number")),
            "--repeats" => options.repeats = number() as usize,
            "--batch" => options.batch = number() as u32,
            "--max-inflight" => options.limits.max_inflight = number() as u32,
            "--max-entries-per-append" => options.limits.max_entries_per_append = number() as u32,
            "--only" => {
                options.only = Some(match value.as_str() {
                    "ours" => Library::Ours,
                    "raft-rs" => Library::RaftRs,
                    _ => panic!("--only takes ours or raft-rs"),
                })
            }
            _ => panic!("unknown option {flag}; {USAGE}"),
        }
    }
    options
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Medians of each figure over the runs of one library.
struct Medians {
    per_cpu_second: f64,
    leader_ns: f64,
    allocs: f64,
    messages: f64,
    cpu: f64,
    wall: f64,
}

impl Medians {
    fn of(runs: &[Figures]) -> Option<Medians> {
        if runs.is_empty() {
            return None;
        }
        let m = |f: fn(&Figures) -> f64| median(runs.iter().map(f).collect());
        Some(Medians {
            per_cpu_second: m(Figures::entries_per_cpu_second),
            leader_ns: m(Figures::leader_ns_per_proposal),
            allocs: m(Figures::allocs_per_entry),
            messages: m(Figures::messages_per_entry),
            cpu: m(|f| f.cpu.as_secs_f64()),
            wall: m(|f| f.wall.as_secs_f64()),
        })
    }
}

fn describe(workload: Workload) -> String {
    match workload.mode {
        Mode::OneAtATime => format!("{} B, one at a time", workload.payload_len),
        Mode::Batched(n) => format!("{} B, batches of {n}", workload.payload_len),
    }
}

/// 1234567.8 -> "1,234,568".
fn thousands(x: f64) -> String {
    let digits = format!("{:.0}", x);
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn main() {
    let options = parse_options();
    let reading_cost = clock::calibrate_reading_cost();
    let limits = options.limits;
    println!("Raft Playground core vs raft-rs 0.7 (RawNode + MemStorage): 3 servers in one process, one FIFO network");
    println!(
        "per run: {} warm-up entries, then {} entries with the leader's clock off (throughput, allocations), \
         then {} with it on (ns at the leader); {} runs per library, medians; batches of {}",
        options.warm_up, options.entries, options.entries, options.repeats, options.batch
    );
    println!(
        "flow control, both libraries: {} appends in flight per follower; {} entries per append \
         (raft-rs: max_size_per_msg = the encoded size of {} entries); raft-rs: skip_bcast_commit = true",
        limits.max_inflight, limits.max_entries_per_append, limits.max_entries_per_append
    );
    println!("leader clock: monotonic, {} ns per reading subtracted", reading_cost.as_nanos());
    println!();

    let workloads = [16, 256]
        .into_iter()
        .flat_map(|payload_len| [Mode::OneAtATime, Mode::Batched(options.batch)].map(|mode| Workload { payload_len, mode }));
    let runs = |library: Library| options.only.is_none_or(|only| only == library);
    let mut rows = Vec::new();
    for workload in workloads {
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        for run in 1..=options.repeats {
            // Interleaved, so a change in the machine's load hits both libraries alike.
            let mut line = format!("{:<24} run {run}:", describe(workload));
            if runs(Library::Ours) {
                let o = cluster::run::<OurCluster>(workload, limits, options.warm_up, options.entries, reading_cost);
                line += &format!(" ours {}", summary(&o));
                ours.push(o);
            }
            if runs(Library::RaftRs) {
                let t = cluster::run::<RaftRsCluster>(workload, limits, options.warm_up, options.entries, reading_cost);
                line += &format!(";  raft-rs {}", summary(&t));
                theirs.push(t);
            }
            println!("{line}");
        }
        rows.push((workload, Medians::of(&ours), Medians::of(&theirs)));
    }

    println!();
    println!("ours / raft-rs above 1: ours is higher (better for entries per CPU second, worse for ns and allocations)");
    println!();
    println!("| workload | figure | ours | raft-rs | ours / raft-rs |");
    println!("|---|---|---:|---:|---:|");
    for (workload, o, t) in &rows {
        let row = |figure: &str, value: fn(&Medians) -> f64, show: fn(f64) -> String, ratio: bool| {
            let (a, b) = (o.as_ref().map(value), t.as_ref().map(value));
            let cell = |x: Option<f64>| x.map_or("—".to_string(), show);
            let r = match (a, b, ratio) {
                (Some(a), Some(b), true) => format!(" {:.2} ", a / b),
                _ => " ".to_string(),
            };
            format!("{figure} | {} | {} |{r}|", cell(a), cell(b))
        };
        println!(
            "| {} | {}",
            describe(*workload),
            row("committed entries per CPU second (higher is better)", |m| m.per_cpu_second, thousands, true)
        );
        println!("| | {}", row("ns per proposal at the leader (lower is better)", |m| m.leader_ns, thousands, true));
        println!("| | {}", row("allocations per committed entry (lower is better)", |m| m.allocs, |x| format!("{x:.1}"), true));
        println!("| | {}", row("messages delivered per committed entry", |m| m.messages, |x| format!("{x:.2}"), false));
        let seconds = |m: &Option<Medians>| m.as_ref().map_or("—".to_string(), |m| format!("{:.2} ({:.2})", m.cpu, m.wall));
        println!("| | CPU seconds of the untimed pass (wall) | {} | {} | |", seconds(o), seconds(t));
    }
}

fn summary(f: &Figures) -> String {
    format!(
        "{:>9} entries/CPU s ({:.2} s CPU, {:.2} s wall)",
        thousands(f.entries_per_cpu_second()),
        f.cpu.as_secs_f64(),
        f.wall.as_secs_f64()
    )
}
