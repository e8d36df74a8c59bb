//! Fault plans for randomized checking. Each seed becomes a run: a cluster line, then
//! faults separated by runs, then a quiet end. The plan is drawn *as the run goes*, so a
//! step can look at the cluster (who leads, whose log is longest) the way a Jepsen
//! generator looks at its history; every step is recorded as the concrete command it was,
//! so the recorded scenario replays the seed exactly with `raft-playground run`.
//!
//! Besides single faults, a plan tells short *storylines*: sequences that lead to the
//! interleavings where Raft's rules matter, so that each known bug (the "break it"
//! switches) is found by random seeds, not only by a hand-written scenario:
//! - an election race with a voter that restarts in the middle (votedFor must be durable);
//! - a new leader crashes right after it starts replicating entries of older terms, and a
//!   server with a newer last term stands (Figure 8); some seeds start from logs that
//!   earlier terms left diverging, as in Figures 7 and 8, with one entry per append;
//! - membership changes next to leader changes, in an even-sized cluster cut in two (the
//!   single-server change bug);
//! - a one-sided split: one follower loses the leader but keeps the others, stands, takes a
//!   write, and every server is asked to read it back (a new leader during an old leader's
//!   lease, when nothing makes followers stick to their leader);
//! - crashes between the effects of one input (a write and the message that depends on it).

use super::ast::*;
use super::check::{CheckConfig, Fault, Switch, QUIET_END};
use super::run::Runner;
use crate::raft::{NodeId, Role, Term, Time};
use crate::sim::rng::SimRng;
use crate::sim::settings::{MAX_NODES, MS};
use crate::sim::zeebe::{Topology, MAX_BROKERS, MAX_PARTITIONS};
use crate::sim::{GroupId, World};

/// The flow-control limits and the number of clients of a seed. Flow control: often one
/// entry per append and one append in flight, which is where an entry of an older term can
/// be acknowledged alone (Figure 8).
fn flow_and_clients(rng: &mut SimRng, options: &mut Vec<Setting>) {
    let flow = rng.index(10);
    if flow < 3 {
        options.push(Setting::MaxInflight(1));
        options.push(Setting::MaxEntries(1));
    } else if flow < 6 {
        options.push(Setting::MaxInflight(rng.range(1, 8) as u32));
        options.push(Setting::MaxEntries(rng.range(1, 16) as u32));
    }
    options.push(Setting::Clients(rng.range(1, 5) as u32));
}

fn draw(rng: &mut SimRng, switch: Switch) -> bool {
    match switch {
        Switch::On => true,
        Switch::Off => false,
        Switch::Random => rng.chance(0.5),
    }
}

/// A storyline under way: what to do next, decided when it is time.
#[derive(Clone, Debug)]
enum Story {
    /// Two servers stand at once; the moment a third has voted for one of them, it restarts
    /// (it must remember whom it voted for when the other's request arrives).
    ElectionRace { voter: NodeId, candidates: [NodeId; 2], term: Term, polls: u8 },
    /// Figure 8: the server with the newest last entry goes down; wait for another leader,
    /// let it start replicating (entries of older terms first), crash it, bring the first
    /// one back and make it stand, then bring the leader back; a few rounds.
    Figure8 { stage: u8, newest: NodeId, leader: NodeId, rounds: u8 },
    /// The single-server change bug: a change only the old leader and the new server have,
    /// a new leader on the other side that changes membership at once, then the old leader
    /// with the servers that never heard of the new leader's entries.
    Membership { stage: u8, old: NodeId, new: NodeId, rest: Vec<NodeId>, side: Vec<NodeId> },
    /// A follower cut off from the leader stands; when it wins, the old leader is cut off
    /// (so it does not hear of the new term), the new leader takes a write, and everybody
    /// reads it back.
    Lease { stage: u8, node: NodeId, old: NodeId, key_value: String },
}

/// Draws a seed's plan step by step.
pub struct Planner<'a> {
    rng: SimRng,
    config: &'a CheckConfig,
    /// Voters and learners the plan has added (a change may have been refused).
    members: Vec<NodeId>,
    /// Ids not used yet, for `add`.
    spare: Vec<NodeId>,
    /// Lease reads are on: a forced election timeout would break what leases rest on (a
    /// server's timer never fires within the minimum election timeout of its last contact
    /// with a leader), so the plan forces none.
    lease: bool,
    /// Values written by the plan's own requests, to keep them unique.
    values: u32,
    story: Option<Story>,
    /// Zeebe mode: the seed's layout. Faults hit brokers; a storyline is about one partition.
    zeebe: Option<Topology>,
    /// The Raft group the current storyline is about (always 0 in a classic cluster).
    group: GroupId,
    /// How much slower than the playground's the cluster's timing is (1, or T / 150 ms for
    /// Zeebe's timing): waits for elections are stretched by it.
    scale: Time,
}

/// What to do now: commands, then how long to run (an `await` in the commands may run
/// longer; a failed one simply runs out its time).
pub struct Step {
    pub commands: Vec<Cmd>,
    pub run: Time,
}

impl<'a> Planner<'a> {
    /// A planner and the commands that set the seed's run up (the cluster line first).
    pub fn new(seed: u64, config: &'a CheckConfig) -> (Planner<'a>, Vec<Cmd>) {
        if config.zeebe {
            return Planner::new_zeebe(seed, config);
        }
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
        flow_and_clients(&mut rng, &mut options);
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
            members: (1..=nodes).collect(),
            spare: ((nodes + 1)..=MAX_NODES).collect(),
            lease,
            values: 0,
            story: None,
            zeebe: None,
            group: 0,
            scale: 1,
        };
        // Some seeds start from logs that earlier terms left diverging, and begin with the
        // Figure 8 storyline.
        if p.rng.chance(0.5) {
            let ids: Vec<NodeId> = (1..=nodes).collect();
            commands.extend(p.history(&ids));
            if p.has(Fault::Crash) {
                p.story = Some(Story::Figure8 { stage: 0, newest: 0, leader: 0, rounds: 3 });
            }
        }
        (p, commands)
    }

    /// A Zeebe seed: a layout drawn from 1..9 brokers, 1..12 partitions and replication
    /// 1..brokers (unless fixed), priority election on in most seeds, Zeebe's election and
    /// check-quorum always; faults hit brokers.
    fn new_zeebe(seed: u64, config: &'a CheckConfig) -> (Planner<'a>, Vec<Cmd>) {
        let mut rng = SimRng::new(seed ^ 0x5eed_f00d_cafe_d00d);
        let min_brokers = config.replication.unwrap_or(1) as u64;
        let brokers = config.brokers.unwrap_or_else(|| rng.range(min_brokers, MAX_BROKERS as u64) as u32);
        let partitions = config.partitions.unwrap_or_else(|| rng.range(1, MAX_PARTITIONS as u64) as u32);
        let replication = config.replication.unwrap_or_else(|| rng.range(1, brokers as u64) as u32);
        let has = |f: Fault| config.faults.contains(&f);
        let priority = rng.chance(0.8);
        let mut options = vec![
            Setting::Brokers(brokers),
            Setting::Partitions(partitions),
            Setting::Replication(replication),
            Setting::Timing(config.zeebe_timing),
            Setting::PriorityElection(priority),
            Setting::Rate(config.rate),
        ];
        if has(Fault::Reads) {
            options.push(Setting::Reads(30));
        }
        if has(Fault::Compaction) {
            options.push(Setting::SnapshotThreshold(rng.range(5, 40)));
        }
        flow_and_clients(&mut rng, &mut options);
        let mut commands = vec![Cmd::Cluster(ClusterSpec { nodes: None, seed: Some(seed), groups: None, options })];
        for name in &config.breaks {
            commands.push(Cmd::Break { name: name.clone(), on: true });
        }
        let topology = Topology { brokers, partitions, replication };
        let (t, _) = config.zeebe_timing.election_and_heartbeat();
        let mut p = Planner {
            rng,
            config,
            members: topology.broker_ids(),
            spare: Vec::new(),
            lease: false,
            values: 0,
            story: None,
            zeebe: Some(topology),
            group: 0,
            scale: (t / (150 * MS)).max(1),
        };
        // Some seeds start one partition from logs that earlier terms left diverging.
        if p.rng.chance(0.5) {
            p.group = p.rng.index(partitions as usize) as GroupId;
            let ids = topology.replica_brokers(p.group + 1);
            let history = p.history(&ids);
            commands.extend(history.into_iter().map(|c| p.scoped(c)));
            if p.has(Fault::Crash) {
                p.story = Some(Story::Figure8 { stage: 0, newest: 0, leader: 0, rounds: 3 });
            }
        }
        (p, commands)
    }

    fn has(&self, f: Fault) -> bool {
        // A Zeebe partition's replicas are fixed by the layout.
        self.config.faults.contains(&f) && !(self.zeebe.is_some() && f == Fault::Membership)
    }

    /// `cmd` about the storyline's partition (Zeebe mode); `cmd` itself in a classic cluster.
    fn scoped(&self, cmd: Cmd) -> Cmd {
        match self.zeebe {
            Some(_) => Cmd::InPartition { partition: self.group + 1, cmd: Box::new(cmd) },
            None => cmd,
        }
    }

    /// A wait stretched to the cluster's timing.
    fn t(&self, d: Time) -> Time {
        d * self.scale
    }

    /// The live servers of the storyline's group: every live machine in a classic cluster,
    /// the partition's live replicas in Zeebe mode.
    fn up_in(&self, w: &World) -> Vec<NodeId> {
        w.replica_ids(self.group).into_iter().filter(|&n| w.is_up(n)).collect()
    }

    /// How long the quiet end lasts.
    pub fn quiet_len(&self) -> Time {
        self.t(QUIET_END)
    }

    fn pick(&mut self, from: &[NodeId]) -> NodeId {
        from[self.rng.index(from.len())]
    }

    fn gap(&mut self) -> Time {
        let step_max = (self.config.duration / 8).max(50 * MS);
        self.rng.range(10 * MS, step_max)
    }

    /// The next step, given the cluster as it is now.
    pub fn next(&mut self, w: &World) -> Step {
        if let Some(story) = self.story.take() {
            if let Some(step) = self.continue_story(story, w) {
                return step;
            }
        }
        if self.zeebe.is_some() && self.rng.chance(0.05) {
            let run = self.gap();
            return Step { commands: vec![Cmd::Rebalance], run };
        }
        let kinds: Vec<Fault> =
            self.config.faults.iter().copied().filter(|&f| f != Fault::Reads && f != Fault::Compaction && self.has(f)).collect();
        let mut commands = Vec::new();
        if !kinds.is_empty() {
            if self.rng.chance(0.3) {
                if let Some(step) = self.start_story(w) {
                    return step;
                }
            } else {
                let f = kinds[self.rng.index(kinds.len())];
                commands = self.single(f, w);
            }
        }
        let run = self.gap();
        Step { commands, run }
    }

    /// The quiet end: the network heals, crashed machines restart, the links are clean, the
    /// workload runs; once a leader is there, a few writes and reads of the plan's own must
    /// go through (liveness after the faults stop).
    pub fn quiet_end(&self, w: &World) -> Vec<Cmd> {
        let mut out = vec![Cmd::Heal];
        for n in w.machine_ids() {
            if !w.is_up(n) {
                out.push(Cmd::Restart(Target::Node(n)));
            }
        }
        let link = crate::sim::LinkConfig::default();
        out.push(Cmd::Set(vec![
            Setting::Drop(0.0),
            Setting::Duplicate(0.0),
            Setting::Reorder(0.0),
            Setting::Latency(link.latency_min, link.latency_max),
            Setting::Rate(self.config.rate),
        ]));
        if self.config.rate > 0 {
            match &self.zeebe {
                None => out.push(await_leader(None, QUIET_END / 2)),
                Some(t) => {
                    for p in t.partition_ids() {
                        let expect = Expect::Partition { partition: p, check: PartitionCheck::Leader(None) };
                        out.push(Cmd::Await { expect, within: self.t(QUIET_END / 2) });
                    }
                }
            }
            for k in 1..=3 {
                out.push(Cmd::Propose { command: format!("q=q{k}"), via: None });
                out.push(Cmd::Run(50 * MS));
                if self.has(Fault::Reads) {
                    out.push(Cmd::Read { key: "q".to_string(), via: None });
                    out.push(Cmd::Run(50 * MS));
                }
            }
        }
        out
    }

    // ----- single faults --------------------------------------------------------------

    fn single(&mut self, fault: Fault, w: &World) -> Vec<Cmd> {
        let up: Vec<NodeId> = w.machine_ids().into_iter().filter(|&n| w.is_up(n)).collect();
        let down: Vec<NodeId> = w.machine_ids().into_iter().filter(|&n| !w.is_up(n)).collect();
        let all = self.members.clone();
        match fault {
            Fault::Crash => {
                // Keep at least one machine up; restart the downed ones now and then.
                if !down.is_empty() && (self.rng.chance(0.5) || up.len() <= 1) {
                    let n = self.pick(&down);
                    vec![Cmd::Restart(Target::Node(n))]
                } else if up.len() > 1 {
                    let n = self.pick(&up);
                    // Sometimes between the effects of one input: after a write and before
                    // the message that depends on it, or the other way round.
                    if self.rng.chance(0.4) {
                        vec![Cmd::CrashMidway(Target::Node(n))]
                    } else {
                        vec![Cmd::Crash(Target::Node(n))]
                    }
                } else {
                    vec![]
                }
            }
            Fault::Partition => {
                if self.rng.chance(0.4) {
                    return vec![Cmd::Heal];
                }
                let mut shuffled = all;
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
                    crate::raft::sort_small(p);
                }
                vec![Cmd::Partition(parts)]
            }
            Fault::Cut => {
                let a = self.pick(&all);
                let b = self.pick(&all);
                if a == b {
                    vec![]
                } else if self.rng.chance(0.6) {
                    vec![Cmd::Cut(a, b)]
                } else {
                    vec![Cmd::Uncut(a, b)]
                }
            }
            Fault::Loss => {
                let p = [0.0, 0.0, 0.05, 0.1, 0.2, 0.4][self.rng.index(6)];
                vec![Cmd::Set(vec![Setting::Drop(p)])]
            }
            Fault::Latency => {
                let lo = self.rng.range(1, 30) * MS;
                let hi = lo + self.rng.range(0, 60) * MS;
                vec![Cmd::Set(vec![Setting::Latency(lo, hi)])]
            }
            Fault::Duplicate => {
                let p = [0.0, 0.05, 0.2][self.rng.index(3)];
                vec![Cmd::Set(vec![Setting::Duplicate(p)])]
            }
            Fault::Reorder => {
                let p = [0.0, 0.1, 0.3][self.rng.index(3)];
                vec![Cmd::Set(vec![Setting::Reorder(p)])]
            }
            Fault::Timeout if self.zeebe.is_some() => {
                self.pick_partition();
                let up = self.up_in(w);
                if up.is_empty() {
                    return vec![];
                }
                let n = self.pick(&up);
                vec![self.scoped(Cmd::Timeout(n))]
            }
            Fault::Timeout => self.timeout(&up),
            Fault::Membership => self.membership(),
            Fault::Transfer if self.zeebe.is_some() => {
                self.pick_partition();
                let replicas = w.replica_ids(self.group);
                let n = self.pick(&replicas);
                vec![self.scoped(Cmd::Transfer(n))]
            }
            Fault::Transfer => {
                let n = self.pick(&all);
                vec![Cmd::Transfer(n)]
            }
            Fault::Compaction | Fault::Reads => vec![],
        }
    }

    /// Zeebe mode: picks the partition the next step is about.
    fn pick_partition(&mut self) {
        if let Some(t) = self.zeebe {
            self.group = self.rng.index(t.partitions as usize) as GroupId;
        }
    }

    fn timeout(&mut self, up: &[NodeId]) -> Vec<Cmd> {
        if up.is_empty() || self.lease {
            return vec![];
        }
        let n = self.pick(up);
        vec![Cmd::Timeout(n)]
    }

    fn membership(&mut self) -> Vec<Cmd> {
        // Changes go through the leader; the runner skips refusals.
        let r = self.rng.index(3);
        if r == 0 && !self.spare.is_empty() {
            let n = self.spare.remove(0);
            self.members.push(n);
            if self.rng.chance(0.5) {
                vec![Cmd::AddLearner(n)]
            } else {
                vec![Cmd::Add(n)]
            }
        } else if r == 1 && self.members.len() > 3 {
            let members = self.members.clone();
            vec![Cmd::Remove(self.pick(&members))]
        } else {
            let members = self.members.clone();
            vec![Cmd::Promote(self.pick(&members))]
        }
    }

    // ----- storylines -----------------------------------------------------------------

    fn start_story(&mut self, w: &World) -> Option<Step> {
        self.pick_partition();
        let up = self.up_in(w);
        let mut lines: Vec<u8> = Vec::new();
        if self.has(Fault::Crash) && self.has(Fault::Timeout) && !self.lease && up.len() >= 3 {
            lines.push(0);
        }
        if self.has(Fault::Crash) {
            lines.push(1);
        }
        if self.has(Fault::Membership) && self.has(Fault::Partition) && !self.spare.is_empty() {
            lines.push(2);
        }
        if self.has(Fault::Cut) && up.len() >= 3 {
            lines.push(3);
        }
        if lines.is_empty() {
            return None;
        }
        match lines[self.rng.index(lines.len())] {
            0 => Some(self.election_race(&up, w)),
            1 => {
                let rounds = self.rng.range(1, 3) as u8;
                self.continue_story(Story::Figure8 { stage: 0, newest: 0, leader: 0, rounds }, w)
            }
            2 => {
                let spare = self.spare[0];
                self.continue_story(Story::Membership { stage: 0, old: 0, new: spare, rest: vec![], side: vec![] }, w)
            }
            _ => {
                let c = self.pick(&up);
                self.values += 1;
                // In Zeebe mode a key of the storyline's partition's own.
                let key = if self.zeebe.is_some() { format!("p{}x", self.group + 1) } else { "x".to_string() };
                self.continue_story(Story::Lease { stage: 0, node: c, old: 0, key_value: format!("{key}=s{}", self.values) }, w)
            }
        }
    }

    /// Two servers stand at once; a third restarts right after it voted for one of them.
    fn election_race(&mut self, up: &[NodeId], w: &World) -> Step {
        let a = self.pick(up);
        let others: Vec<NodeId> = up.iter().copied().filter(|&n| n != a).collect();
        let b = self.pick(&others);
        let voters: Vec<NodeId> = others.iter().copied().filter(|&n| n != b).collect();
        let v = self.pick(&voters);
        let term = w.node(self.group, v).map_or(0, |n| n.term());
        self.story = Some(Story::ElectionRace { voter: v, candidates: [a, b], term, polls: 40 });
        Step { commands: vec![self.scoped(Cmd::Timeout(a)), self.scoped(Cmd::Timeout(b))], run: MS }
    }

    /// One stage of a storyline; `None` when it is over.
    fn continue_story(&mut self, story: Story, w: &World) -> Option<Step> {
        let up = self.up_in(w);
        let g = self.group;
        let leader = w.leader(g);
        let (next, step) = match story {
            Story::ElectionRace { voter, candidates, term, polls } => {
                let voted = w.node(g, voter).is_some_and(|n| n.term() > term && n.voted_for().is_some_and(|c| candidates.contains(&c)));
                if voted {
                    let commands = vec![Cmd::Crash(Target::Node(voter)), Cmd::Restart(Target::Node(voter))];
                    (None, Step { commands, run: self.gap() })
                } else if polls > 0 && w.is_up(voter) {
                    (Some(Story::ElectionRace { voter, candidates, term, polls: polls - 1 }), Step { commands: vec![], run: MS })
                } else {
                    return None;
                }
            }
            Story::Figure8 { stage: 0, rounds, .. } => {
                // The live server with the newest last entry goes down for a while.
                let newest = up
                    .iter()
                    .filter_map(|&n| w.node(g, n).map(|node| (node.log().last_term(), node.log().last_index(), n)))
                    .max()
                    .map(|(_, _, n)| n)
                    .filter(|_| up.len() > 2)?;
                let commands = vec![Cmd::Crash(Target::Node(newest)), self.scoped(await_leader(None, self.t(2000 * MS)))];
                (Some(Story::Figure8 { stage: 1, newest, leader: 0, rounds }), Step { commands, run: 0 })
            }
            Story::Figure8 { stage: 1, newest, rounds, .. } => {
                // Let the new leader start replicating (entries of older terms first).
                let l = leader;
                let run = self.rng.range(10 * MS, 90 * MS);
                match l {
                    Some(l) => (Some(Story::Figure8 { stage: 2, newest, leader: l, rounds }), Step { commands: vec![], run }),
                    None => (None, Step { commands: vec![Cmd::Restart(Target::Node(newest))], run: self.gap() }),
                }
            }
            Story::Figure8 { stage: 2, newest, leader: l, rounds } => {
                // The leader goes down; the server with the newest last entry comes back and
                // stands at once.
                let crash = if self.rng.chance(0.3) { Cmd::CrashMidway(Target::Node(l)) } else { Cmd::Crash(Target::Node(l)) };
                let mut commands = vec![crash, Cmd::Restart(Target::Node(newest))];
                if !self.lease && self.has(Fault::Timeout) {
                    commands.push(self.scoped(Cmd::Timeout(newest)));
                }
                let run = self.rng.range(self.t(150 * MS), self.t(500 * MS));
                (Some(Story::Figure8 { stage: 3, newest, leader: l, rounds }), Step { commands, run })
            }
            Story::Figure8 { leader: l, rounds, .. } => {
                let again = (rounds > 1).then_some(Story::Figure8 { stage: 0, newest: 0, leader: 0, rounds: rounds - 1 });
                let run = if again.is_some() { self.rng.range(MS, 60 * MS) } else { self.gap() };
                (again, Step { commands: vec![Cmd::Restart(Target::Node(l))], run })
            }

            Story::Membership { stage: 0, new, .. } => {
                // An even number of voters, split: the old leader and the new server on one
                // side; on the other, enough to elect a leader that then loses `side`.
                let l = leader?;
                let voters = w.node(0, l)?.membership().voters.clone();
                let n = voters.len();
                if n < 4 || n % 2 == 1 || !voters.iter().all(|&v| w.is_up(v)) || self.spare.first() != Some(&new) {
                    return None;
                }
                let mut others: Vec<NodeId> = voters.iter().copied().filter(|&v| v != l).collect();
                for i in (1..others.len()).rev() {
                    let j = self.rng.index(i + 1);
                    others.swap(i, j);
                }
                let side: Vec<NodeId> = others[..n / 2 - 1].to_vec();
                let mut rest: Vec<NodeId> = others[n / 2 - 1..].to_vec();
                crate::raft::sort_small(&mut rest);
                self.spare.remove(0);
                self.members.push(new);
                let mut away = others.clone();
                crate::raft::sort_small(&mut away);
                let commands = vec![Cmd::Add(new), Cmd::Partition(vec![vec![l, new], away])];
                (Some(Story::Membership { stage: 1, old: l, new, rest, side }), Step { commands, run: 0 })
            }
            Story::Membership { stage: 1, old, new, rest, side } => {
                let expect = Expect::Leader { node: None, among: Some(rest.clone()), term: None };
                let commands = vec![Cmd::Await { expect, within: 2000 * MS }];
                (Some(Story::Membership { stage: 2, old, new, rest, side }), Step { commands, run: 0 })
            }
            Story::Membership { stage: 2, old, new, rest, side } => {
                // The new leader loses `side` at once and changes membership at once.
                leader.filter(|l| rest.contains(l))?;
                let mut one: Vec<NodeId> = vec![old, new];
                one.extend(&side);
                crate::raft::sort_small(&mut one);
                let removed = side[self.rng.index(side.len())];
                let commands = vec![Cmd::Partition(vec![one, rest.clone()]), Cmd::Remove(removed)];
                let run = self.rng.range(300 * MS, 900 * MS);
                (Some(Story::Membership { stage: 3, old, new, rest, side }), Step { commands, run })
            }
            Story::Membership { .. } => (None, Step { commands: vec![Cmd::Heal], run: self.gap() }),

            Story::Lease { stage: 0, node, key_value, .. } => {
                // The workload pauses, so the cut-off follower's log stays as up to date as
                // the others' and it can win.
                let l = leader.filter(|&l| l != node)?;
                let expect = Expect::Role { node, role: RoleName::Leader };
                let wait = self.scoped(Cmd::Await { expect, within: self.t(1500 * MS) });
                let commands = vec![Cmd::Set(vec![Setting::Rate(0)]), Cmd::Cut(l, node), Cmd::Cut(node, l), wait];
                (Some(Story::Lease { stage: 1, node, old: l, key_value }), Step { commands, run: 0 })
            }
            Story::Lease { stage: 1, node, old, key_value } => {
                if w.node(g, node).is_none_or(|n| n.role() != Role::Leader) {
                    let commands = vec![Cmd::Heal, Cmd::Set(vec![Setting::Rate(self.config.rate)])];
                    return Some(Step { commands, run: self.gap() });
                }
                let commands = vec![
                    Cmd::Isolate(Target::Node(old)),
                    self.scoped(Cmd::Propose { command: key_value.clone(), via: Some(node) }),
                    self.scoped(await_written(&key_value, node)),
                ];
                (Some(Story::Lease { stage: 2, node, old, key_value }), Step { commands, run: 0 })
            }
            Story::Lease { key_value, .. } => {
                let key = key_value.split_once('=').map_or("x", |(k, _)| k).to_string();
                let mut commands: Vec<Cmd> = up.iter().map(|&n| self.scoped(Cmd::Read { key: key.clone(), via: Some(n) })).collect();
                commands.push(Cmd::Run(self.rng.range(20 * MS, 60 * MS)));
                commands.push(Cmd::Heal);
                commands.push(Cmd::Set(vec![Setting::Rate(self.config.rate)]));
                (None, Step { commands, run: self.gap() })
            }
        };
        self.story = next;
        Some(step)
    }

    /// Logs as a few earlier terms could have left them: in each term a leader that a
    /// majority could elect appends a few entries and replicates a prefix of its log to
    /// some followers. Every server then knows the last of those terms (so no server can
    /// stand in one of them again, where it could not know whom the others voted for).
    /// Nothing is known committed: commit indexes are volatile.
    fn history(&mut self, ids: &[NodeId]) -> Vec<Cmd> {
        let n = ids.len();
        let mut logs: Vec<Vec<Term>> = vec![Vec::new(); n];
        let up_to_date = |a: &[Term], b: &[Term]| (a.last(), a.len()) >= (b.last(), b.len());
        let last_term = self.rng.range(3, 6);
        for t in 1..=last_term {
            let eligible: Vec<usize> = (0..n).filter(|&i| (0..n).filter(|&j| up_to_date(&logs[i], &logs[j])).count() > n / 2).collect();
            let l = eligible[self.rng.index(eligible.len())];
            for _ in 0..self.rng.range(1, 2) {
                logs[l].push(t);
            }
            for j in 0..n {
                if j == l || !self.rng.chance(0.4) {
                    continue;
                }
                let common = logs[j].iter().zip(&logs[l]).take_while(|(a, b)| a == b).count();
                let upto = self.rng.range(0, logs[l].len() as u64) as usize;
                if upto > common {
                    logs[j] = logs[l][..upto].to_vec();
                }
            }
        }
        let mut out = Vec::new();
        for (i, log) in logs.iter().enumerate() {
            let id = ids[i];
            if !log.is_empty() {
                out.push(Cmd::Log { node: id, terms: log.clone() });
            }
            if last_term > log.last().copied().unwrap_or(0) {
                out.push(Cmd::Term { node: id, term: last_term });
            }
        }
        out
    }
}

fn await_leader(among: Option<Vec<NodeId>>, within: Time) -> Cmd {
    Cmd::Await { expect: Expect::Leader { node: None, among, term: None }, within }
}

/// Waits until `node` has `command` committed (so the write is acknowledged).
fn await_written(command: &str, node: NodeId) -> Cmd {
    Cmd::Await { expect: Expect::Committed { command: command.to_string(), on: Some(vec![node]) }, within: 300 * MS }
}

/// Runs a seed's plan, drawing it as it goes. Stops at the first violation. Returns the
/// runner and the commands executed (refused steps left out; each `await` recorded as the
/// run it took), which replay the seed exactly.
pub fn run_seed(seed: u64, config: &CheckConfig, options: super::run::RunOptions) -> Result<(Runner, Vec<Cmd>), String> {
    let (mut planner, setup) = Planner::new(seed, config);
    let scenario = Scenario::new(setup.clone());
    let mut runner = Runner::new(&scenario, options).map_err(|f| f.to_string())?;
    let mut executed = vec![setup[0].clone()];
    let quiet = planner.quiet_len();
    let faults_end = if config.duration > 2 * quiet { config.duration - quiet } else { config.duration };
    let mut stopped = false;
    let exec = |runner: &mut Runner, executed: &mut Vec<Cmd>, cmd: &Cmd| -> bool {
        match cmd.inner() {
            Cmd::Run(d) => {
                let start = runner.world.now();
                let hit = runner.world.run_until_violation(start + d);
                // Up to the violation, so the replay ends where the finding is.
                executed.push(Cmd::Run(if hit { runner.world.now() - start } else { *d }));
                hit
            }
            Cmd::Await { .. } => {
                let start = runner.world.now();
                let _ = runner.exec(cmd);
                if runner.world.now() > start {
                    executed.push(Cmd::Run(runner.world.now() - start));
                }
                !runner.world.violations().is_empty()
            }
            _ => {
                // A refusal changes nothing and is not a finding; the replay leaves it out.
                if runner.exec(cmd).is_ok() {
                    executed.push(cmd.clone());
                }
                !runner.world.violations().is_empty()
            }
        }
    };
    for cmd in &setup[1..] {
        if exec(&mut runner, &mut executed, cmd) {
            stopped = true;
            break;
        }
    }
    while !stopped && runner.world.now() < faults_end {
        let step = planner.next(&runner.world);
        for cmd in &step.commands {
            if exec(&mut runner, &mut executed, cmd) {
                stopped = true;
                break;
            }
        }
        if stopped {
            break;
        }
        let run = step.run.min(faults_end.saturating_sub(runner.world.now()));
        if run > 0 && exec(&mut runner, &mut executed, &Cmd::Run(run)) {
            stopped = true;
        }
    }
    if !stopped && faults_end < config.duration {
        for cmd in planner.quiet_end(&runner.world) {
            if exec(&mut runner, &mut executed, &cmd) {
                stopped = true;
                break;
            }
        }
        // At least the whole quiet end, even if a storyline ran past the end of the faults.
        let rest = config.duration.saturating_sub(runner.world.now()).max(quiet);
        if !stopped {
            exec(&mut runner, &mut executed, &Cmd::Run(rest));
        }
    }
    Ok((runner, executed))
}
