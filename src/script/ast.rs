//! The scenario language's syntax tree. One command a line; see the README for the full
//! vocabulary.

use crate::raft::{NodeId, Term, Time};
use crate::sim::zeebe::{Health, PartitionId, ZeebeTiming};

/// A parsed scenario: its commands and the source line of each.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub commands: Vec<Cmd>,
    /// 1-based source line of each command (same length as `commands`).
    pub lines: Vec<usize>,
}

impl PartialEq for Scenario {
    /// Two scenarios are equal if they say the same thing; line numbers and comments
    /// do not count.
    fn eq(&self, other: &Self) -> bool {
        self.commands == other.commands
    }
}

impl Scenario {
    pub fn new(commands: Vec<Cmd>) -> Scenario {
        let lines = (1..=commands.len()).collect();
        Scenario { commands, lines }
    }
}

/// The settings a `cluster` line may give; `None` keeps the default.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClusterSpec {
    pub nodes: Option<u32>,
    pub seed: Option<u64>,
    pub groups: Option<u32>,
    pub options: Vec<Setting>,
}

/// A `name=value` switch or setting (also used by `set`).
#[derive(Clone, Debug, PartialEq)]
pub enum Setting {
    PreVote(bool),
    CheckQuorum(bool),
    LeaseRead(bool),
    PriorityElection(bool),
    Election(Time, Time),
    Heartbeat(Time),
    Latency(Time, Time),
    Drop(f64),
    Duplicate(f64),
    Reorder(f64),
    /// Client requests per second.
    Rate(u32),
    /// Share of client requests that are reads, in percent.
    Reads(u32),
    /// Compact logs beyond this many applied entries (0: never).
    SnapshotThreshold(u64),
    MaxInflight(u32),
    MaxEntries(u32),
    ClientTimeout(Time),
    /// Client processes of the workload.
    Clients(u32),
    /// Zeebe mode (`cluster` line only): brokers, ids 0..n-1 (Zeebe's `clusterSize`).
    Brokers(u32),
    /// Zeebe mode (`cluster` line only): partitions, ids 1..P (`partitionsCount`).
    Partitions(u32),
    /// Zeebe mode (`cluster` line only): replicas per partition (`replicationFactor`).
    Replication(u32),
    /// Zeebe mode (`cluster` line only): Zeebe's timing or the playground's.
    Timing(ZeebeTiming),
}

impl Setting {
    /// Settings that shape a Zeebe cluster and may only be given on its `cluster` line.
    pub fn is_layout(&self) -> bool {
        matches!(self, Setting::Brokers(_) | Setting::Partitions(_) | Setting::Replication(_) | Setting::Timing(_))
    }
}

/// What `expect partition P ...` checks.
#[derive(Clone, Debug, PartialEq)]
pub enum PartitionCheck {
    /// `leader [B]`: the partition has an announced leader (broker B).
    Leader(Option<NodeId>),
    /// `healthy`, `degraded`, `unavailable`.
    Health(Health),
    /// `term >= 2`: the partition's term (the highest among its replicas).
    Term(Cmp),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Node(NodeId),
    /// The leader as `expect leader` means it (for `restart`: the last leader crashed).
    Leader,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    pub fn holds(self, left: u64, right: u64) -> bool {
        match self {
            CmpOp::Eq => left == right,
            CmpOp::Ne => left != right,
            CmpOp::Lt => left < right,
            CmpOp::Le => left <= right,
            CmpOp::Gt => left > right,
            CmpOp::Ge => left >= right,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cmp {
    pub op: CmpOp,
    pub value: u64,
}

/// A role as `expect role` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoleName {
    Follower,
    PreCandidate,
    Candidate,
    Leader,
    Learner,
    Crashed,
}

impl RoleName {
    pub const ALL: [RoleName; 6] =
        [RoleName::Follower, RoleName::PreCandidate, RoleName::Candidate, RoleName::Leader, RoleName::Learner, RoleName::Crashed];

    pub fn name(self) -> &'static str {
        match self {
            RoleName::Follower => "follower",
            RoleName::PreCandidate => "precandidate",
            RoleName::Candidate => "candidate",
            RoleName::Leader => "leader",
            RoleName::Learner => "learner",
            RoleName::Crashed => "crashed",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Expect {
    /// `expect leader [N | in A,B] [term<op>T]`
    Leader {
        node: Option<NodeId>,
        among: Option<Vec<NodeId>>,
        term: Option<Cmp>,
    },
    /// `expect no-leader [in A,B]`
    NoLeader {
        among: Option<Vec<NodeId>>,
    },
    Role {
        node: NodeId,
        role: RoleName,
    },
    Term {
        node: NodeId,
        cmp: Cmp,
    },
    Commit {
        node: NodeId,
        cmp: Cmp,
    },
    Snapshot {
        node: NodeId,
        cmp: Cmp,
    },
    Committed {
        command: String,
        on: Option<Vec<NodeId>>,
    },
    NotCommitted {
        command: String,
        on: Option<Vec<NodeId>>,
    },
    Converged,
    Log {
        node: NodeId,
        terms: Vec<Term>,
    },
    /// `expect read x=1` / `expect read x=none`: the latest finished read of `key` returned this.
    Read {
        key: String,
        value: Option<String>,
    },
    /// `expect violation [name]`: a safety violation (of this invariant) has been found.
    /// A scenario with this line does not stop at violations.
    Violation {
        invariant: Option<String>,
    },
    /// `expect refused`: the command just before was refused by the cluster (instead of
    /// ending the run, as a refusal otherwise does).
    Refused,
    /// Zeebe mode: `expect partition 2 leader 1`, `... healthy`, `... term >= 2`.
    Partition {
        partition: PartitionId,
        check: PartitionCheck,
    },
    /// Zeebe mode: `expect brokers-leading 0:1 1:1 2:2`: how many partitions each listed
    /// broker leads; brokers not listed lead none.
    BrokersLeading(Vec<(NodeId, u32)>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Cmd {
    Cluster(ClusterSpec),
    Run(Time),
    Crash(Target),
    /// `crash 3 midway`: node 3's machine crashes during its next input that has effects,
    /// after a prefix of them (drawn by the world) was carried out.
    CrashMidway(Target),
    Restart(Target),
    Partition(Vec<Vec<NodeId>>),
    Isolate(Target),
    Heal,
    Cut(NodeId, NodeId),
    Uncut(NodeId, NodeId),
    /// `cut leader->3` / `cut 3->leader`: a one-way cut between the leader (as `expect
    /// leader` means it, when the command runs) and a node.
    CutLeader {
        node: NodeId,
        from_leader: bool,
    },
    Set(Vec<Setting>),
    Timeout(NodeId),
    Propose {
        command: String,
        via: Option<NodeId>,
    },
    Read {
        key: String,
        via: Option<NodeId>,
    },
    Log {
        node: NodeId,
        terms: Vec<Term>,
    },
    Term {
        node: NodeId,
        term: Term,
    },
    Transfer(NodeId),
    Add(NodeId),
    AddLearner(NodeId),
    Promote(NodeId),
    Remove(NodeId),
    Compact(NodeId),
    Priority {
        node: NodeId,
        priority: u32,
    },
    Break {
        name: String,
        on: bool,
    },
    /// Drop one message in flight by its id (`drop-message 42`).
    DropMessage(u64),
    Expect(Expect),
    /// `await <expectation> [within 2s]`: run until the expectation holds (checked after
    /// every event); it fails if it does not hold within the limit (default 10 s).
    Await {
        expect: Expect,
        within: Time,
    },
    /// Zeebe mode: `rebalance`: leaders hand their partitions back to the primaries.
    Rebalance,
    /// Zeebe mode: a command about one partition, written `<command> partition P`.
    InPartition {
        partition: PartitionId,
        cmd: Box<Cmd>,
    },
}

/// How long `await` waits by default.
pub const AWAIT_DEFAULT: Time = 10_000_000;

impl Cmd {
    /// Whether the command changes the world (as opposed to checking it).
    pub fn is_intervention(&self) -> bool {
        match self {
            Cmd::InPartition { cmd, .. } => cmd.is_intervention(),
            _ => !matches!(self, Cmd::Expect(_) | Cmd::Run(_) | Cmd::Cluster(_) | Cmd::Await { .. }),
        }
    }

    /// The command without a `partition P` around it.
    pub fn inner(&self) -> &Cmd {
        match self {
            Cmd::InPartition { cmd, .. } => cmd.inner(),
            _ => self,
        }
    }
}
