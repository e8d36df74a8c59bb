//! Fault plans for randomized checking: each seed becomes a scenario — a cluster line, then
//! faults separated by runs, then a quiet end. A plan is drawn blindly (it does not know who
//! leads); steps the cluster refuses are skipped when it runs.
//!
//! Besides single faults, a plan tells short *storylines*: sequences known to lead to the
//! interleavings where Raft's rules matter, so that each known bug (the "break it"
//! switches) is found within a thousand seeds, not only by a hand-written scenario:
//! - an election race with a voter that restarts in the middle (votedFor must be durable);
//! - leader churn: leaders crash or are cut off right after taking writes, and come back,
//!   with one entry per append (the interleaving of Figure 8);
//! - membership changes next to leader changes (the single-server change bug);
//! - a one-sided split: one follower loses the leader but keeps the others (a new leader
//!   during an old leader's lease, when nothing makes followers stick to their leader);
//! - a crash between the effects of one input (a write and the message that depends on it).

use super::ast::*;
use super::check::{CheckConfig, Fault, Switch, QUIET_END};
use crate::raft::{NodeId, Time};
use crate::sim::rng::SimRng;
use crate::sim::settings::{MAX_NODES, MS};

fn draw(rng: &mut SimRng, switch: Switch) -> bool {
    match switch {
        Switch::On => true,
        Switch::Off => false,
        Switch::Random => rng.chance(0.5),
    }
}

struct Planner<'a> {
    rng: SimRng,
    config: &'a CheckConfig,
    commands: Vec<Cmd>,
    /// Voters and learners the plan has added (a change may have been refused).
    members: Vec<NodeId>,
    /// Machines the plan crashed by id and has not restarted.
    down: Vec<NodeId>,
    /// Ids not used yet, for `add`.
    spare: Vec<NodeId>,
    /// Lease reads are on: a forced election timeout would break what leases rest on (a
    /// server's timer never fires within the minimum election timeout of its last contact
    /// with a leader), so the plan forces none.
    lease: bool,
}

impl Planner<'_> {
    fn has(&self, f: Fault) -> bool {
        self.config.faults.contains(&f)
    }

    fn pick(&mut self, from: &[NodeId]) -> NodeId {
        from[self.rng.index(from.len())]
    }

    fn up(&self) -> Vec<NodeId> {
        self.members.iter().copied().filter(|n| !self.down.contains(n)).collect()
    }

    fn run(&mut self, lo: Time, hi: Time) {
        let d = self.rng.range(lo, hi);
        self.commands.push(Cmd::Run(d));
    }

    fn crash(&mut self) {
        // Keep at least one machine up; restart the downed ones now and then.
        let up = self.up();
        if !self.down.is_empty() && (self.rng.chance(0.5) || up.len() <= 1) {
            let n = self.down.remove(self.rng.index(self.down.len()));
            self.commands.push(Cmd::Restart(Target::Node(n)));
        } else if up.len() > 1 {
            let n = self.pick(&up);
            self.down.push(n);
            // Sometimes between the effects of one input: after a write and before the
            // message that depends on it, or the other way round.
            if self.rng.chance(0.4) {
                self.commands.push(Cmd::CrashMidway(Target::Node(n)));
            } else {
                self.commands.push(Cmd::Crash(Target::Node(n)));
            }
        }
    }

    fn partition(&mut self) {
        if self.rng.chance(0.4) {
            self.commands.push(Cmd::Heal);
            return;
        }
        let mut shuffled = self.members.clone();
        for i in (1..shuffled.len()).rev() {
            let j = self.rng.index(i + 1);
            shuffled.swap(i, j);
        }
        let groups = self.rng.range(2, 3) as usize;
        let mut parts: Vec<Vec<NodeId>> = vec![Vec::new(); groups];
        for (k, n) in shuffled.into_iter().enumerate() {
            let g = if k < groups { k } else { self.rng.index(groups) };
            parts[g].push(n);
        }
        parts.retain(|p| !p.is_empty());
        for p in parts.iter_mut() {
            p.sort_unstable();
        }
        self.commands.push(Cmd::Partition(parts));
    }

    fn cut(&mut self) {
        let all = self.members.clone();
        let a = self.pick(&all);
        let b = self.pick(&all);
        if a != b {
            if self.rng.chance(0.6) {
                self.commands.push(Cmd::Cut(a, b));
            } else {
                self.commands.push(Cmd::Uncut(a, b));
            }
        }
    }

    fn timeout(&mut self) {
        let up = self.up();
        if !up.is_empty() && !self.lease {
            let n = self.pick(&up);
            self.commands.push(Cmd::Timeout(n));
        }
    }

    fn membership(&mut self) {
        // Changes go through the leader; the runner skips refusals.
        let r = self.rng.index(3);
        if r == 0 && !self.spare.is_empty() {
            let n = self.spare.remove(0);
            self.members.push(n);
            if self.rng.chance(0.5) {
                self.commands.push(Cmd::AddLearner(n));
            } else {
                self.commands.push(Cmd::Add(n));
            }
        } else if r == 1 && self.members.len() > 3 {
            let members = self.members.clone();
            let n = self.pick(&members);
            self.commands.push(Cmd::Remove(n));
        } else if !self.members.is_empty() {
            let members = self.members.clone();
            let n = self.pick(&members);
            self.commands.push(Cmd::Promote(n));
        }
    }

    fn single(&mut self, fault: Fault) {
        match fault {
            Fault::Crash => self.crash(),
            Fault::Partition => self.partition(),
            Fault::Cut => self.cut(),
            Fault::Loss => {
                let p = [0.0, 0.0, 0.05, 0.1, 0.2, 0.4][self.rng.index(6)];
                self.commands.push(Cmd::Set(vec![Setting::Drop(p)]));
            }
            Fault::Latency => {
                let lo = self.rng.range(1, 30) * MS;
                let hi = lo + self.rng.range(0, 60) * MS;
                self.commands.push(Cmd::Set(vec![Setting::Latency(lo, hi)]));
            }
            Fault::Duplicate => {
                let p = [0.0, 0.05, 0.2][self.rng.index(3)];
                self.commands.push(Cmd::Set(vec![Setting::Duplicate(p)]));
            }
            Fault::Reorder => {
                let p = [0.0, 0.1, 0.3][self.rng.index(3)];
                self.commands.push(Cmd::Set(vec![Setting::Reorder(p)]));
            }
            Fault::Timeout => self.timeout(),
            Fault::Membership => self.membership(),
            Fault::Transfer => {
                let members = self.members.clone();
                let n = self.pick(&members);
                self.commands.push(Cmd::Transfer(n));
            }
            Fault::Compaction | Fault::Reads => {}
        }
    }

    // ----- storylines ---------------------------------------------------------------

    /// Two servers stand at once, and a voter restarts between the two vote requests: it
    /// must remember whom it voted for.
    fn election_race(&mut self) {
        let up = self.up();
        if up.len() < 3 || self.lease {
            return;
        }
        let a = self.pick(&up);
        let others: Vec<NodeId> = up.iter().copied().filter(|&n| n != a).collect();
        let b = self.pick(&others);
        let voters: Vec<NodeId> = others.iter().copied().filter(|&n| n != b).collect();
        let v = self.pick(&voters);
        self.commands.push(Cmd::Timeout(a));
        if self.rng.chance(0.5) {
            self.run(MS, 4 * MS);
        }
        self.commands.push(Cmd::Timeout(b));
        self.run(5 * MS, 25 * MS);
        self.commands.push(Cmd::Crash(Target::Node(v)));
        self.commands.push(Cmd::Restart(Target::Node(v)));
    }

    /// Leaders crash or are cut off right after taking writes, then come back: logs end up
    /// with entries of several terms at the same indexes, and a returning leader replicates
    /// entries of an older term (Figure 8).
    fn leader_churn(&mut self) {
        let rounds = self.rng.range(2, 4);
        for _ in 0..rounds {
            if self.rng.chance(0.5) && self.has(Fault::Crash) {
                self.commands.push(Cmd::Crash(Target::Leader));
                self.run(20 * MS, 250 * MS);
                self.commands.push(Cmd::Restart(Target::Leader));
            } else if self.has(Fault::Partition) {
                self.commands.push(Cmd::Isolate(Target::Leader));
                self.run(50 * MS, 400 * MS);
                self.commands.push(Cmd::Heal);
            }
            self.run(5 * MS, 120 * MS);
        }
    }

    /// A membership change, and the leader lost right after it; the next leader changes
    /// membership again.
    fn membership_churn(&mut self) {
        self.membership();
        self.run(0, 30 * MS);
        if self.rng.chance(0.5) && self.has(Fault::Crash) {
            self.commands.push(Cmd::Crash(Target::Leader));
            if self.rng.chance(0.5) {
                self.timeout();
            }
            self.run(10 * MS, 300 * MS);
            self.membership();
            self.run(10 * MS, 200 * MS);
            self.commands.push(Cmd::Restart(Target::Leader));
        } else if self.has(Fault::Partition) {
            self.commands.push(Cmd::Isolate(Target::Leader));
            if self.rng.chance(0.5) {
                self.timeout();
            }
            self.run(10 * MS, 300 * MS);
            self.membership();
            self.run(10 * MS, 200 * MS);
            self.commands.push(Cmd::Heal);
        }
    }

    /// One follower loses the leader but keeps the others, and stands: without check-quorum
    /// nothing stops the others from electing it while the old leader's lease runs.
    fn one_sided_split(&mut self) {
        let up = self.up();
        if up.len() < 3 {
            return;
        }
        let a = self.pick(&up);
        let others: Vec<NodeId> = up.iter().copied().filter(|&n| n != a).collect();
        let c = self.pick(&others);
        self.commands.push(Cmd::Cut(a, c));
        self.commands.push(Cmd::Cut(c, a));
        self.run(150 * MS, 700 * MS);
        self.commands.push(Cmd::Uncut(a, c));
        self.commands.push(Cmd::Uncut(c, a));
    }

    fn storyline(&mut self) {
        let mut lines: Vec<fn(&mut Self)> = Vec::new();
        if self.has(Fault::Crash) && self.has(Fault::Timeout) {
            lines.push(Self::election_race);
        }
        if self.has(Fault::Crash) || self.has(Fault::Partition) {
            lines.push(Self::leader_churn);
        }
        if self.has(Fault::Membership) && (self.has(Fault::Crash) || self.has(Fault::Partition)) {
            lines.push(Self::membership_churn);
        }
        if self.has(Fault::Cut) {
            lines.push(Self::one_sided_split);
        }
        if !lines.is_empty() {
            let line = lines[self.rng.index(lines.len())];
            line(self);
        }
    }
}

/// The random scenario for one seed.
pub fn scenario_for_seed(seed: u64, config: &CheckConfig) -> Scenario {
    let mut rng = SimRng::new(seed ^ 0x5eed_f00d_cafe_d00d);
    let nodes = config.nodes.unwrap_or_else(|| rng.range(3, 7) as u32);
    let has = |f: Fault| config.faults.contains(&f);
    let pre_vote = draw(&mut rng, config.pre_vote);
    // Hunting the lease bug needs lease reads without check-quorum.
    let lease_bug = config.breaks.iter().any(|b| b == "lease-no-checkquorum");
    let check_quorum = draw(&mut rng, config.check_quorum) && !lease_bug;
    let lease = (has(Fault::Reads) && check_quorum && rng.chance(0.5)) || lease_bug;
    let mut options = vec![Setting::PreVote(pre_vote), Setting::CheckQuorum(check_quorum), Setting::Rate(config.rate)];
    if has(Fault::Reads) {
        options.push(Setting::Reads(30));
    }
    if lease && !lease_bug {
        options.push(Setting::LeaseRead(true));
    }
    if has(Fault::Compaction) {
        options.push(Setting::SnapshotThreshold(rng.range(5, 40)));
    }
    // Flow control: often one entry per append and one append in flight, which is where
    // an entry of an older term can be acknowledged alone (Figure 8).
    let flow = rng.index(10);
    if flow < 3 {
        options.push(Setting::MaxInflight(1));
        options.push(Setting::MaxEntries(1));
    } else if flow < 6 {
        options.push(Setting::MaxInflight(rng.range(1, 8) as u32));
        options.push(Setting::MaxEntries(rng.range(1, 16) as u32));
    }
    options.push(Setting::Clients(rng.range(1, 5) as u32));
    let mut commands = vec![Cmd::Cluster(ClusterSpec { nodes: Some(nodes), seed: Some(seed), groups: None, options })];
    for name in &config.breaks {
        commands.push(Cmd::Break { name: name.clone(), on: true });
    }
    if lease_bug {
        commands.push(Cmd::Set(vec![Setting::LeaseRead(true)]));
    }
    let mut p = Planner {
        rng,
        config,
        commands,
        members: (1..=nodes).collect(),
        down: Vec::new(),
        spare: ((nodes + 1)..=MAX_NODES).collect(),
        lease,
    };
    let step_max = (config.duration / 8).max(50 * MS);
    // Faults until the quiet end (if the run is long enough to have one).
    let faults_end = if config.duration > 2 * QUIET_END { config.duration - QUIET_END } else { config.duration };
    let kinds: Vec<Fault> = config.faults.iter().copied().filter(|f| *f != Fault::Reads && *f != Fault::Compaction).collect();
    let mut t: Time = 0;
    while t < faults_end {
        let gap = p.rng.range(10 * MS, step_max).min(faults_end - t);
        p.commands.push(Cmd::Run(gap));
        t += gap;
        if t >= faults_end || kinds.is_empty() {
            continue;
        }
        // Storylines run past their slot; the plan's clock counts only the gaps, so a
        // storyline eats into the quiet end at most by its own length.
        let before = p.commands.len();
        if p.rng.chance(0.3) {
            p.storyline();
        } else {
            let f = kinds[p.rng.index(kinds.len())];
            p.single(f);
        }
        t += p.commands[before..].iter().map(|c| if let Cmd::Run(d) = c { *d } else { 0 }).sum::<Time>();
    }
    if t < config.duration {
        // The quiet end: the network heals, crashed machines restart, the links are clean.
        p.commands.push(Cmd::Heal);
        for n in p.members.clone() {
            // Refused (skipped) for the machines that are up.
            p.commands.push(Cmd::Restart(Target::Node(n)));
        }
        let link = crate::sim::LinkConfig::default();
        p.commands.push(Cmd::Set(vec![
            Setting::Drop(0.0),
            Setting::Duplicate(0.0),
            Setting::Reorder(0.0),
            Setting::Latency(link.latency_min, link.latency_max),
        ]));
        p.commands.push(Cmd::Run(config.duration - t));
    }
    Scenario::new(p.commands)
}
