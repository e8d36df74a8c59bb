//! The clocks the figures are read from.
//!
//! Throughput is divided by the process's CPU time, which does not count the time the
//! process waits while another process runs (the machine's two cores are shared).
//!
//! The leader's share cannot be read from a CPU-time clock: on this machine one reading of
//! `CLOCK_THREAD_CPUTIME_ID` costs about 500 ns, as much as the work it would measure. The
//! leader's calls are timed with the monotonic clock instead (about 20 ns a reading, that
//! cost subtracted), and the leader's share of the pass's wall time is applied to the
//! pass's CPU time: when another process preempts this one, the lost time falls inside and
//! outside the leader's calls alike, so the share stays right while wall time does not.

use std::time::{Duration, Instant};

/// CPU time used by this process so far (all threads; the benchmark has one).
pub fn process_cpu_time() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant Linux knows.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Wall time spent inside one party's calls (here: the leader's), section by section.
/// While `on` is false it reads no clock at all.
#[derive(Clone, Copy, Debug, Default)]
pub struct SectionClock {
    pub on: bool,
    pub total: Duration,
    pub sections: u64,
}

impl SectionClock {
    pub fn start(&self) -> Option<Instant> {
        self.on.then(Instant::now)
    }

    pub fn stop(&mut self, started: Option<Instant>) {
        if let Some(started) = started {
            self.total += started.elapsed();
            self.sections += 1;
        }
    }

    /// The time inside the sections since `earlier`, less what the clock readings
    /// themselves cost.
    pub fn since(&self, earlier: SectionClock, reading_cost: Duration) -> Duration {
        let sections = (self.sections - earlier.sections) as u32;
        (self.total - earlier.total).saturating_sub(reading_cost * sections)
    }
}

/// What one empty section costs: the part of two clock readings that falls between them.
pub fn calibrate_reading_cost() -> Duration {
    const SECTIONS: u32 = 1_000_000;
    let mut best = Duration::MAX;
    // The least of a few rounds: a preempted round only makes the cost look higher.
    for _ in 0..5 {
        let mut clock = SectionClock { on: true, ..SectionClock::default() };
        for _ in 0..SECTIONS {
            let t = clock.start();
            clock.stop(std::hint::black_box(t));
        }
        best = best.min(clock.total / SECTIONS);
    }
    best
}
