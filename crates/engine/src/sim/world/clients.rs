//! Clients: the automatic workload, single requests, routing to a leader and retries.

use std::sync::Arc;

use super::*;

impl World {
    // ----------------------------------------------------------------------------------
    // Clients
    // ----------------------------------------------------------------------------------

    pub(super) fn schedule_client_tick(&mut self) {
        self.client.tick_gen += 1;
        if self.client.rate == 0 {
            return;
        }
        let mean = SECOND / self.client.rate as u64;
        let gap = self.rng.range(mean / 2, mean + mean / 2).max(1);
        let gen = self.client.tick_gen;
        let at = self.now + gap;
        self.schedule(at, Event::ClientTick { gen });
    }

    /// One request of the automatic workload, by a client process that is not busy (each
    /// has one operation at a time, as Jepsen's clients do); none is made if all are busy.
    pub(super) fn workload_request(&mut self) {
        let idle = self.client.idle();
        if idle.is_empty() {
            self.client.stats.skipped += 1;
            return;
        }
        let client = idle[self.rng.index(idle.len())];
        let zeebe = self.settings.zeebe.is_some();
        let key: Arc<str> = if zeebe {
            let n = self.keys.workload_keys.len();
            self.keys.workload_keys[self.rng.index(n)].clone()
        } else {
            Arc::from(KEYS[self.rng.index(KEYS.len())])
        };
        let read = self.rng.range(0, 99) < self.client.read_percent as u64;
        let kind = if read {
            OpKind::Read { key: key.clone() }
        } else {
            let value = self.client.next_value();
            OpKind::Write { key: key.clone(), value: Arc::from(value.to_string().as_str()) }
        };
        // Zeebe mode: the gateway places a new key round-robin and sends follow-ups where
        // the key lives; it routes to the partition's leader itself (no per-client guesses).
        let group = if zeebe { self.route_key(&key) } else { self.group_of_key(&key) };
        if !zeebe && self.client.guess(Issuer::Workload(client), group).is_none() {
            // A new client starts with a node of its own (clients spread over the cluster).
            let up: Vec<NodeId> = self.machines.iter().filter(|(_, &up)| up).map(|(&id, _)| id).collect();
            if let Some(&n) = up.get(client as usize % up.len().max(1)) {
                self.client.guesses_mut(Issuer::Workload(client)).insert(group, n);
            }
        }
        let op = self.start_op(group, Issuer::Workload(client), kind, None);
        self.client_attempt(op);
    }

    /// Registers a new operation with the clients (and the linearizability checker) and
    /// arms its timeout.
    fn start_op(&mut self, group: GroupId, issuer: Issuer, kind: OpKind, pinned: Option<NodeId>) -> OpId {
        let op = self.client.invoke(group, issuer, kind, self.now, self.settings.client_timeout, pinned);
        if self.checking {
            self.lin.invoked(op);
        }
        let id = op.id;
        self.schedule(self.now + self.settings.client_timeout, Event::ClientTimeout(id));
        id
    }

    /// Keys are spread over the groups (as partitions of a key space are in Zeebe or TiKV).
    /// In Zeebe mode: the partition the key lives on, or for a new key the partition the
    /// gateway would place it on next (round-robin).
    pub fn group_of_key(&self, key: &str) -> GroupId {
        if self.settings.zeebe.is_some() {
            return self.key_partition(key).map_or(self.keys_next(), |p| p - 1);
        }
        (fnv1a(0, key.as_bytes()) % self.groups.len() as u64) as GroupId
    }

    /// Sends a client operation to the node it should go to now.
    pub(super) fn client_attempt(&mut self, op: OpId) {
        let Some(p) = self.client.pending.get(&op) else { return };
        if p.accepted_by.is_some() {
            return;
        }
        let group = p.op.group;
        let pinned = p.pinned;
        let issuer = p.op.issuer;
        let kind = p.op.kind.clone();
        let target = if self.settings.zeebe.is_some() {
            // Zeebe's gateway: the partition's leader once it is announced (its initial entry
            // committed); with none, the command waits.
            pinned.or_else(|| self.partition_leader(group + 1))
        } else {
            pinned.or_else(|| self.client.guess(issuer, group)).or_else(|| self.any_live_node())
        };
        let Some(target) = target else {
            self.retry_later(op, None);
            return;
        };
        let result = match &kind {
            OpKind::Write { key, value } => {
                let text = format!("{key}={value}");
                self.input(group, target, Input::Propose(Command::new(&text, op)))
            }
            OpKind::Read { .. } => self.input(group, target, Input::Read(op)),
        };
        let command: Arc<str> = match &kind {
            OpKind::Write { key, value } => Arc::from(format!("{key}={value}").as_str()),
            OpKind::Read { key } => Arc::from(format!("read {key}").as_str()),
        };
        match result {
            InputResult::Accepted(index) => {
                let term = self.node(group, target).map_or(0, |n| n.term());
                let write = matches!(kind, OpKind::Write { .. });
                if let Some(p) = self.client.pending.get_mut(&op) {
                    p.accepted_by = Some(target);
                    if write {
                        p.op.entry = Some((index, term));
                    }
                }
                self.client.guesses_mut(issuer).insert(group, target);
                if write {
                    self.record(group, TraceKind::Proposed { node: target, index, term, command });
                }
            }
            InputResult::Refused(reason, hint) => {
                self.client.stats.refusals += 1;
                self.record(group, TraceKind::Refused { node: target, command, leader_hint: hint, reason });
                self.retry_later(op, hint.filter(|&h| h != target).or_else(|| self.next_live_after(target)));
            }
            InputResult::ReadRefused(e) => {
                self.client.stats.refusals += 1;
                let hint = match e {
                    ReadError::NotLeader { leader_hint } => leader_hint,
                    ReadError::TransferInProgress(_) => Some(target),
                };
                self.record(group, TraceKind::Refused { node: target, command, leader_hint: hint, reason: e.to_string() });
                self.retry_later(op, hint.filter(|&h| h != target).or_else(|| self.next_live_after(target)));
            }
            InputResult::Down => self.retry_later(op, self.next_live_after(target)),
            _ => {}
        }
    }

    pub(super) fn retry_later(&mut self, op: OpId, next_guess: Option<NodeId>) {
        let Some(p) = self.client.pending.get(&op) else { return };
        if p.pinned.is_some() {
            self.finish_op(op, Outcome::Failed);
            return;
        }
        if self.settings.zeebe.is_some() {
            // The gateway tries again at the next heartbeat interval, until the client's
            // timeout.
            let at = self.now + self.settings.raft.heartbeat_interval;
            self.schedule(at, Event::ClientRetry(op));
            return;
        }
        let (group, issuer) = (p.op.group, p.op.issuer);
        let guesses = self.client.guesses_mut(issuer);
        match next_guess {
            Some(n) => {
                guesses.insert(group, n);
            }
            None => {
                guesses.remove(&group);
            }
        }
        let at = self.now + 10 * MS;
        self.schedule(at, Event::ClientRetry(op));
    }

    pub(super) fn any_live_node(&self) -> Option<NodeId> {
        self.machines.iter().find(|(_, &up)| up).map(|(&id, _)| id)
    }

    pub(super) fn next_live_after(&self, id: NodeId) -> Option<NodeId> {
        let up: Vec<NodeId> = self.machines.iter().filter(|(_, &up)| up).map(|(&id, _)| id).collect();
        up.iter().copied().find(|&n| n > id).or_else(|| up.first().copied())
    }

    pub fn propose(&mut self, command: &str, via: Option<NodeId>) -> Result<OpId, SimError> {
        self.propose_in(command, via, None)
    }

    /// A client write; in Zeebe mode on `partition` (the key must not live elsewhere), or
    /// where the gateway places the key.
    pub fn propose_in(&mut self, command: &str, via: Option<NodeId>, partition: Option<PartitionId>) -> Result<OpId, SimError> {
        let (key, value) = kv::parse_write(command).ok_or_else(|| SimError::BadCommand(command.to_string()))?;
        self.submit(OpKind::Write { key: Arc::from(key), value: Arc::from(value) }, via, partition)
    }

    /// Starts a client operation on its key's group: to the leader, or only to `via`.
    pub(super) fn submit(&mut self, kind: OpKind, via: Option<NodeId>, partition: Option<PartitionId>) -> Result<OpId, SimError> {
        if let Some(v) = via {
            self.check_node(v)?;
        }
        if self.settings.zeebe.is_some() {
            let group = match partition {
                Some(p) => {
                    let g = self.partition_group(p)?;
                    if let Some(lives) = self.key_partition(kind.key()).filter(|&l| l != p) {
                        return Err(SimError::KeyElsewhere { key: kind.key().to_string(), partition: lives });
                    }
                    g
                }
                None => self.group_of_key(kind.key()),
            };
            if let Some(v) = via {
                self.check_replica(group, v)?;
            }
            match partition {
                Some(_) => self.bind_key(kind.key(), group)?,
                None => {
                    self.route_key(kind.key());
                }
            }
            let op = self.start_op(group, Issuer::Scripted, kind, via);
            self.client_attempt(op);
            return Ok(op);
        }
        if partition.is_some() {
            return Err(SimError::NotZeebe);
        }
        let group = self.group_of_key(kind.key());
        if via.is_none() {
            if let Some(l) = self.leader(group) {
                self.client.scripted_guess.insert(group, l);
            }
        }
        let op = self.start_op(group, Issuer::Scripted, kind, via);
        self.client_attempt(op);
        Ok(op)
    }

    /// A linearizable client read of `key`, to the leader (or only to `via`).
    pub fn read(&mut self, key: &str, via: Option<NodeId>) -> Result<OpId, SimError> {
        self.read_in(key, via, None)
    }

    /// A linearizable client read; in Zeebe mode on `partition` (see `propose_in`).
    pub fn read_in(&mut self, key: &str, via: Option<NodeId>, partition: Option<PartitionId>) -> Result<OpId, SimError> {
        if !kv::is_word(key) {
            return Err(SimError::BadCommand(key.to_string()));
        }
        self.submit(OpKind::Read { key: Arc::from(key) }, via, partition)
    }

    /// Ends a client operation, checks the history it completes, and tells the trace how it
    /// ended.
    pub(super) fn finish_op(&mut self, op: OpId, outcome: Outcome) {
        let node = self.client.pending.get(&op).and_then(|p| p.accepted_by);
        let Some(done) = self.client.complete(op, outcome, self.now) else { return };
        if self.checking {
            match self.lin.completed(&done) {
                Verdict::Linearizable => {}
                Verdict::Violation(detail) => self.report_violation(Invariant::Linearizability, done.group, detail),
                Verdict::Inconclusive(detail) => self.inconclusive.push(detail),
            }
        }
        if self.trace_mode != TraceMode::Off {
            let command: Arc<str> = match &done.kind {
                OpKind::Write { key, value } => format!("{key}={value}").into(),
                OpKind::Read { key } => format!("read {key}").into(),
            };
            self.record(done.group, TraceKind::OpEnded { op, command, node, outcome: done.outcome });
        }
    }
}
