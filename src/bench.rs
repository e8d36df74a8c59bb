//! `raft-playground bench`: throughput figures of the simulator and the checker.
//!
//! The workloads are fixed so figures compare across machines and versions; each prints
//! what it ran. Budgets (DESIGN.md): a 5-node cluster under 100 client requests per second
//! at least 2,000x faster than real time; `check` 10,000 seeds x 10 s in under a minute.

use std::time::Instant;

use crate::script::check::{check_seeds, CheckConfig};
use crate::sim::{Settings, TraceMode, World, SECOND};

/// What one simulator run measured.
#[derive(Clone, Copy, Debug)]
pub struct SimFigures {
    pub virtual_seconds: f64,
    pub wall_seconds: f64,
    pub events: u64,
    pub committed: u64,
}

impl SimFigures {
    pub fn events_per_second(&self) -> f64 {
        self.events as f64 / self.wall_seconds
    }
    pub fn speed_ratio(&self) -> f64 {
        self.virtual_seconds / self.wall_seconds
    }
}

/// Runs a cluster with the checker off and no trace, as the budgets state.
pub fn simulate(nodes: u32, rate: u32, virtual_seconds: u64) -> SimFigures {
    let settings = Settings { nodes, client_rate: rate, seed: 42, ..Settings::default() };
    let mut world = World::new(settings, TraceMode::Off).expect("valid settings");
    world.set_checking(false);
    let t0 = Instant::now();
    world.run_until(virtual_seconds * SECOND);
    let wall = t0.elapsed().as_secs_f64();
    // Committed client commands: the highest commit index any node reached, less the
    // leaders' no-op entries (one per term).
    let commit = world.live_nodes(0).map(|n| n.log().commit_index()).max().unwrap_or(0);
    let terms = world.live_nodes(0).map(|n| n.term()).max().unwrap_or(0);
    SimFigures {
        virtual_seconds: virtual_seconds as f64,
        wall_seconds: wall,
        events: world.steps(),
        committed: commit.saturating_sub(terms),
    }
}

/// Runs a session for an hour (times `scale`) and jumps around its timeline: the worst and
/// mean jump in ms, and the resident memory in MB where the platform tells it.
pub fn time_travel(scale: f64) -> (f64, f64, f64, Option<f64>) {
    use crate::script::ast::{ClusterSpec, Setting};
    use crate::script::session::Session;
    let spec =
        ClusterSpec { nodes: Some(5), seed: Some(1), groups: None, options: vec![Setting::Rate(20), Setting::SnapshotThreshold(500)] };
    let mut session = Session::new(spec).expect("valid settings");
    let length = ((3600.0 * scale) as u64).max(60) * SECOND;
    let mut t = 0;
    while t < length {
        t = (t + 60 * SECOND).min(length);
        session.advance_to(t);
        session.drain_trace();
    }
    let (mut worst, mut total) = (0.0f64, 0.0);
    for k in 0..20u64 {
        let target = (k * 1_234_567_891) % length;
        let t0 = Instant::now();
        session.seek(target);
        session.drain_trace();
        let ms = t0.elapsed().as_secs_f64() * 1000.0;
        worst = worst.max(ms);
        total += ms;
    }
    let rss = std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1).and_then(|p| p.parse::<f64>().ok()))
        .map(|pages| pages * 4096.0 / 1e6);
    (length as f64 / 3600e6, worst, total / 20.0, rss)
}

pub fn print_all(scale: f64) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("raft-playground bench ({} core(s) available, scale {scale})", threads);

    let secs = ((600.0 * scale) as u64).max(5);
    let f = simulate(5, 100, secs);
    println!("simulator, 5 nodes, 100 client requests/s, checker off, {secs} s of virtual time:");
    println!("  events per second:           {:>12.0}", f.events_per_second());
    println!("  virtual-to-real speed ratio: {:>12.0}x   (budget: >= 2000x)", f.speed_ratio());

    let seeds = ((400.0 * scale) as u64).max(10);
    let config = CheckConfig::default();
    let t0 = Instant::now();
    let results = check_seeds(0, seeds, &config, threads);
    let wall = t0.elapsed().as_secs_f64();
    let violations = results.iter().filter(|r| r.violation.is_some()).count();
    let per_second = seeds as f64 / wall;
    println!("check, {seeds} seeds x 10 s, all faults, every invariant after every event, {threads} thread(s):");
    println!("  seeds per second:            {:>12.1}   ({violations} violations)", per_second);
    println!("  10,000 seeds would take:     {:>12.1} s (budget: < 60 s)", 10_000.0 / per_second);

    let (hours, worst, mean, rss) = time_travel(scale);
    println!("time travel, {hours:.2} h of a 5-node cluster under 20 requests/s (snapshots past 500 entries), 20 jumps:");
    println!("  worst jump:                  {:>12.1} ms  (budget: < 50 ms)", worst);
    println!("  mean jump:                   {:>12.1} ms", mean);
    if let Some(rss) = rss {
        println!("  process memory after it:     {:>12.0} MB  (checkpoints are bounded: at most 128)", rss);
    }

    let secs = ((60.0 * scale) as u64).max(2);
    let f = simulate(3, crate::sim::settings::MAX_RATE, secs);
    println!("throughput, 3 nodes, {} proposals/s offered, checker off, {secs} s of virtual time:", crate::sim::settings::MAX_RATE);
    println!("  proposals committed per second of real time: {:>10.0}", f.committed as f64 / f.wall_seconds);
    println!("  proposals committed per second of virtual time: {:>7.0}", f.committed as f64 / f.virtual_seconds);
}
