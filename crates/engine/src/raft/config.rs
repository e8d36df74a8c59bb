//! Timing, feature switches and "break it" switches of a node.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::types::{NodeId, Time};
use super::vecmap::VecMap;

/// Everything that shapes a node's behaviour. Times are in microseconds of the caller's
/// clock. Defaults follow the Raft paper: election timeout 150–300 ms, heartbeat 50 ms,
/// pre-vote and check-quorum off.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// The range the caller draws randomized election timeouts from (§5.2). The node
    /// also uses the lower bound as "the minimum election timeout" of §4.2.3 and §6.4.1.
    pub election_timeout_min: Time,
    pub election_timeout_max: Time,
    /// How often a leader sends AppendEntries to each follower when idle (§5.2).
    pub heartbeat_interval: Time,
    /// Pre-vote (dissertation §9.6): a would-be candidate first asks whether it could win,
    /// without raising its term, so a server that rejoins after a partition does not force
    /// the cluster into a new term.
    pub pre_vote: bool,
    /// Check-quorum (dissertation §6.2): a leader that has not heard from a majority for an
    /// election timeout steps down. With it, a follower that heard from a live leader within
    /// the minimum election timeout ignores vote requests (leader stickiness, §4.2.3).
    pub check_quorum: bool,
    /// Serve reads from a leader's lease (dissertation §6.4.1) instead of a ReadIndex round.
    /// Only safe with check-quorum, which is what keeps other servers from electing a new
    /// leader while the lease runs; [`Config::validate`] refuses it otherwise.
    pub lease_read: bool,
    /// Flow control: appends in flight to one follower in the replicate state.
    pub max_inflight: u32,
    /// Flow control: entries in one AppendEntries message.
    pub max_entries_per_append: u32,
    /// Priority election (as in Zeebe): a node whose priority is below the current target
    /// waits out extra election timeouts before standing, so the preferred node usually leads.
    pub priority_election: bool,
    /// Node priorities for priority election; nodes not listed have priority 1.
    pub priorities: VecMap<NodeId, u32>,
    /// Zeebe's election rules (the Raft Zeebe runs, derived from Atomix; camunda/camunda
    /// `zeebe/atomix/cluster`, `FollowerRole`, `CandidateRole`, `LeaderRole`,
    /// `PriorityElectionTimer`) instead of the dissertation's, where they differ:
    /// - a server always **polls** before it stands (Zeebe's pre-vote): the poll carries the
    ///   server's *current* term, not the next one, and a voter grants it when the poller's
    ///   log is at least as up to date as its own and the poller's term is not below its own
    ///   — whether or not it hears from a leader; a leader refuses every poll. `pre_vote` is
    ///   then ignored;
    /// - a poll that is lost, or not won within one election timeout, sends the server back
    ///   to follower to wait a full timeout again (`PriorityElectionTimer.reset`);
    /// - a candidate whose vote times out stands once more (term + 1), then falls back to
    ///   follower (`CandidateRole`: one retry);
    /// - with priority election, the target priority goes back to the highest priority when
    ///   the server becomes a follower, hears from its leader, or grants a vote
    ///   (`FollowerRole.onHeartbeatFromLeader`, `handleVote`);
    /// - voters never stick to a leader (§4.2.3's stickiness comes with `check_quorum` in this
    ///   core; Zeebe has none).
    ///
    /// Priority is never checked when voting or polling: it only decides who tries first.
    pub zeebe_election: bool,
    /// Zeebe's check-quorum (`LeaderAppender.failAttempt`): a leader steps down once no
    /// quorum of voters has answered it within two election timeouts (counted from when it
    /// became leader at the earliest). Checked at every heartbeat. Unlike `check_quorum` it
    /// does not make voters refuse votes while they hear from a leader.
    pub zeebe_check_quorum: bool,
    /// Switches that re-create known Raft bugs. All off by default.
    pub breaks: Breaks,
}

/// Known Raft bugs, each a switch that removes one rule of the protocol. They exist so the
/// playground can show why each rule is there, and so the tests can show that the safety
/// checker catches each bug.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Breaks {
    /// Breaks §5.4.2: the leader commits an entry of an earlier term once it is stored on a
    /// majority, although a later leader can still overwrite it (Figure 8).
    pub figure8_commit: bool,
    /// Breaks Figure 2's "persistent state: votedFor": a restarted server forgets whom it
    /// voted for and can vote twice in one term, so one term can have two leaders.
    pub forget_vote_on_restart: bool,
    /// Breaks §5.4.1: a voter grants its vote without checking that the candidate's log is
    /// at least as up to date as its own, so a leader can lack committed entries.
    pub vote_without_log_check: bool,
    /// Breaks AppendEntries rule 3: a follower overwrites conflicting entries but keeps the
    /// conflicting entries after them, so logs that match at one index differ before it.
    pub keep_conflicting_suffix: bool,
    /// Breaks the single-server membership fix (dissertation §4.1 erratum): a new leader
    /// proposes a change before committing an entry of its own term.
    pub membership_without_barrier: bool,
    /// Breaks §6.4.1: lease reads are allowed without check-quorum, so a deposed leader
    /// keeps answering reads from its stale state.
    pub lease_without_check_quorum: bool,
    /// Breaks Figure 2's "respond to RPCs only after updating stable storage": a server
    /// sends its vote or acknowledgement before the write that backs it is durable, so a
    /// crash between the two makes it forget what it promised.
    pub send_before_persist: bool,
}

impl Breaks {
    /// The switches by their scenario-language names, in a stable order.
    pub const NAMES: [&'static str; 7] = [
        "figure8",
        "forget-vote",
        "vote-no-log-check",
        "keep-conflicting-suffix",
        "membership-no-barrier",
        "lease-no-checkquorum",
        "send-before-persist",
    ];

    pub fn get(&self, name: &str) -> Option<bool> {
        Some(match name {
            "figure8" => self.figure8_commit,
            "forget-vote" => self.forget_vote_on_restart,
            "vote-no-log-check" => self.vote_without_log_check,
            "keep-conflicting-suffix" => self.keep_conflicting_suffix,
            "membership-no-barrier" => self.membership_without_barrier,
            "lease-no-checkquorum" => self.lease_without_check_quorum,
            "send-before-persist" => self.send_before_persist,
            _ => return None,
        })
    }

    /// Sets a switch by name; false if there is no such switch.
    pub fn set(&mut self, name: &str, on: bool) -> bool {
        let slot = match name {
            "figure8" => &mut self.figure8_commit,
            "forget-vote" => &mut self.forget_vote_on_restart,
            "vote-no-log-check" => &mut self.vote_without_log_check,
            "keep-conflicting-suffix" => &mut self.keep_conflicting_suffix,
            "membership-no-barrier" => &mut self.membership_without_barrier,
            "lease-no-checkquorum" => &mut self.lease_without_check_quorum,
            "send-before-persist" => &mut self.send_before_persist,
            _ => return false,
        };
        *slot = on;
        true
    }

    pub fn any(&self) -> bool {
        Breaks::NAMES.iter().any(|n| self.get(n) == Some(true))
    }
}

#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("the election timeout range must satisfy 0 < min <= max (got {min}..{max} µs)")]
    ElectionRange { min: Time, max: Time },
    #[error("the heartbeat interval ({heartbeat} µs) must be positive and below the minimum election timeout ({min} µs)")]
    Heartbeat { heartbeat: Time, min: Time },
    #[error("lease reads are only safe with check-quorum on (turn check-quorum on, or use ReadIndex reads)")]
    LeaseWithoutCheckQuorum,
    #[error("flow-control limits must be at least 1")]
    FlowControl,
    #[error("node priorities must be at least 1")]
    Priority,
}

pub const MS: Time = 1_000;

/// The clock-drift bound leases assume: any two servers' clocks run at rates within this
/// many percent of each other (the simulator's clocks do not drift at all).
pub const CLOCK_DRIFT_PERCENT: Time = 10;

impl Default for Config {
    fn default() -> Config {
        Config {
            election_timeout_min: 150 * MS,
            election_timeout_max: 300 * MS,
            heartbeat_interval: 50 * MS,
            pre_vote: false,
            check_quorum: false,
            lease_read: false,
            max_inflight: 4,
            max_entries_per_append: 64,
            priority_election: false,
            priorities: VecMap::new(),
            zeebe_election: false,
            zeebe_check_quorum: false,
            breaks: Breaks::default(),
        }
    }
}

impl Config {
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.election_timeout_min == 0 || self.election_timeout_min > self.election_timeout_max {
            return Err(ConfigError::ElectionRange { min: self.election_timeout_min, max: self.election_timeout_max });
        }
        if self.heartbeat_interval == 0 || self.heartbeat_interval >= self.election_timeout_min {
            return Err(ConfigError::Heartbeat { heartbeat: self.heartbeat_interval, min: self.election_timeout_min });
        }
        if self.lease_read && !self.check_quorum && !self.breaks.lease_without_check_quorum {
            return Err(ConfigError::LeaseWithoutCheckQuorum);
        }
        if self.max_inflight == 0 || self.max_entries_per_append == 0 {
            return Err(ConfigError::FlowControl);
        }
        if self.priorities.values().any(|&p| p == 0) {
            return Err(ConfigError::Priority);
        }
        Ok(())
    }

    pub fn priority_of(&self, id: NodeId) -> u32 {
        self.priorities.get(&id).copied().unwrap_or(1)
    }

    /// How long a leader's lease lasts after the heartbeat round a majority answered was
    /// sent (dissertation §6.4.1). The lease rests on one assumption about timers: a server's
    /// own election timer never fires within the minimum election timeout of its last
    /// contact with a leader (the node guarantees it, and redraws its timer when the timing
    /// changes). Clocks may run at rates up to [`CLOCK_DRIFT_PERCENT`] apart, so the lease
    /// stops that share short of the minimum election timeout.
    pub fn lease_duration(&self) -> Time {
        self.election_timeout_min - self.election_timeout_min * CLOCK_DRIFT_PERCENT / 100
    }

    pub fn max_priority(&self) -> u32 {
        self.priorities.values().copied().max().unwrap_or(1).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_is_valid() {
        assert_eq!(Config::default().validate(), Ok(()));
    }

    #[test]
    fn lease_reads_need_check_quorum() {
        let c = Config { lease_read: true, ..Config::default() };
        assert_eq!(c.validate(), Err(ConfigError::LeaseWithoutCheckQuorum));
        let c = Config { lease_read: true, check_quorum: true, ..Config::default() };
        assert_eq!(c.validate(), Ok(()));
    }

    #[test]
    fn bad_timing_is_refused() {
        let c = Config { election_timeout_min: 300 * MS, election_timeout_max: 150 * MS, ..Config::default() };
        assert!(matches!(c.validate(), Err(ConfigError::ElectionRange { .. })));
        let c = Config { heartbeat_interval: 200 * MS, ..Config::default() };
        assert!(matches!(c.validate(), Err(ConfigError::Heartbeat { .. })));
    }

    #[test]
    fn break_switches_by_name() {
        let mut b = Breaks::default();
        assert!(!b.any());
        for name in Breaks::NAMES {
            assert!(b.set(name, true), "{name}");
            assert_eq!(b.get(name), Some(true));
        }
        assert!(!b.set("nonsense", true));
        assert!(b.any());
    }
}
