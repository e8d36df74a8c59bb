//! Replicas: booting, timers, feeding inputs to a node and carrying out its effects, and
//! the checker's view of each input.

use std::sync::Arc;

use super::*;

impl World {
    // ----------------------------------------------------------------------------------
    // Nodes
    // ----------------------------------------------------------------------------------

    pub(super) fn boot_replica(&mut self, group: GroupId, id: NodeId, storage: DurableState) {
        let config = self.group_config(group);
        let timeout = self.draw_election_timeout(Role::Follower);
        let node = RaftNode::restart(id, config, storage.clone(), self.now, timeout);
        let kv = Kv::restore(&storage.snapshot.data, storage.snapshot.index);
        // Timer events of an earlier life of this replica must stay stale.
        let timer_gen = self.replica(group, id).map_or(0, |r| r.timer_gen + 1);
        let replica = Replica { node: Some(node), storage, kv, timer_gen, timer_at: Time::MAX };
        self.groups[group as usize].replicas.insert(id, replica);
        self.reschedule_timer(group, id);
        let g = &mut self.groups[group as usize];
        if let Some(node) = g.replicas.get(&id).and_then(|r| r.node.as_ref()) {
            g.checker.on_restart(node);
        }
    }

    pub(super) fn replica(&self, group: GroupId, id: NodeId) -> Option<&Replica> {
        self.groups.get(group as usize)?.replicas.get(&id)
    }

    pub(super) fn replica_mut(&mut self, group: GroupId, id: NodeId) -> Option<&mut Replica> {
        self.groups.get_mut(group as usize)?.replicas.get_mut(&id)
    }

    pub(super) fn reschedule_timer(&mut self, group: GroupId, id: NodeId) {
        let Some(r) = self.replica_mut(group, id) else { return };
        let Some(node) = &r.node else { return };
        let at = node.next_deadline();
        if at == r.timer_at {
            return;
        }
        r.timer_at = at;
        r.timer_gen += 1;
        let gen = r.timer_gen;
        let at = at.max(self.now);
        self.schedule(at, Event::Timer { group, node: id, gen });
    }

    /// Feeds one input to a node and carries out everything it asks for.
    pub(super) fn input(&mut self, group: GroupId, id: NodeId, input: Input) -> InputResult {
        let now = self.now;
        let Some(node) = self.replica_mut(group, id).and_then(|r| r.node.as_mut()) else {
            return InputResult::Down;
        };
        let before = Before { role: node.role(), term: node.term(), commit: node.log().commit_index() };
        let result = match input {
            Input::Tick => {
                node.tick(now);
                InputResult::Done
            }
            Input::Message(m) => {
                node.step(now, m);
                InputResult::Done
            }
            Input::Propose(c) => match node.propose(now, c) {
                Ok(index) => InputResult::Accepted(index),
                Err(e) => InputResult::Refused(e.to_string(), hint_of_propose(&e)),
            },
            Input::Read(op) => match node.read_index(now, op) {
                Ok(()) => InputResult::Accepted(0),
                Err(e) => InputResult::ReadRefused(e),
            },
            Input::Campaign => {
                node.campaign_now(now);
                InputResult::Done
            }
            Input::Transfer(to) => match node.transfer_leadership(now, to) {
                Ok(()) => InputResult::Done,
                Err(e) => InputResult::TransferRefused(e),
            },
            Input::Configure(config) => {
                node.set_config(now, config);
                InputResult::Done
            }
            Input::Change(c) => match node.change_membership(now, c) {
                Ok(index) => InputResult::Accepted(index),
                Err(e) => InputResult::ChangeRefused(e),
            },
        };
        self.process_effects(group, id, before);
        result
    }

    pub(super) fn process_effects(&mut self, group: GroupId, id: NodeId, before: Before) {
        let leader_of_term = (before.role == Role::Leader).then_some(before.term);
        let mut first_wave = true;
        loop {
            let mut effects = std::mem::take(&mut self.effects);
            {
                let Some(node) = self.replica_mut(group, id).and_then(|r| r.node.as_mut()) else { return };
                node.drain_effects_into(&mut effects);
            }
            if effects.is_empty() {
                self.effects = effects;
                break;
            }
            let still_leader = {
                let node = self.node(group, id).expect("node is up");
                leader_of_term.filter(|&t| node.role() == Role::Leader && node.term() == t)
            };
            // An armed crash point lands after a prefix of this input's effects.
            let crash_after = (first_wave && self.crash_points.contains(&id)).then(|| self.rng.index(effects.len()));
            first_wave = false;
            for (k, effect) in effects.drain(..).enumerate() {
                if crash_after == Some(k) {
                    break;
                }
                self.execute(group, id, effect, still_leader);
            }
            effects.clear();
            self.effects = effects;
            if crash_after.is_some() {
                self.crash_points.retain(|&n| n != id);
                self.crash_machine(id, true);
                return;
            }
            self.maybe_compact(group, id);
        }
        self.reschedule_timer(group, id);
        self.after_input(group, id, before);
    }

    pub(super) fn execute(&mut self, group: GroupId, id: NodeId, effect: Effect, leader_of_term: Option<Term>) {
        let checking = self.checking;
        match effect {
            Effect::PersistHardState(hs) => {
                if let Some(r) = self.replica_mut(group, id) {
                    r.storage.hard_state = hs;
                }
            }
            Effect::PersistEntries { from, entries } => {
                let g = &mut self.groups[group as usize];
                let r = g.replicas.get_mut(&id).expect("replica exists");
                if checking {
                    g.checker.on_persist_entries(id, leader_of_term, &r.storage, from, &entries);
                }
                let discarded = if self.trace_mode != TraceMode::Off { discarded_entries(&r.storage, from, &entries) } else { Vec::new() };
                r.storage.write_entries(from, &entries);
                for (index, term, command) in discarded {
                    self.record(group, TraceKind::Discarded { node: id, index, term, command });
                }
            }
            Effect::PersistSnapshot(s) => {
                let g = &mut self.groups[group as usize];
                let r = g.replicas.get_mut(&id).expect("replica exists");
                if checking {
                    g.checker.on_persist_snapshot(id, &r.storage, &s);
                }
                r.storage.write_snapshot(&s);
            }
            Effect::Send(m) => {
                if checking {
                    let g = &mut self.groups[group as usize];
                    let r = g.replicas.get(&id).expect("replica exists");
                    if let Some(node) = &r.node {
                        g.checker.on_send(&r.storage, node.log(), &m);
                    }
                }
                self.send(group, m)
            }
            Effect::Apply(entries) => {
                let g = &mut self.groups[group as usize];
                let r = g.replicas.get_mut(&id).expect("replica exists");
                for e in &entries {
                    r.kv.apply(e);
                }
                if checking {
                    g.checker.on_apply(id, &entries);
                    if let Some(last) = entries.last() {
                        g.checker.on_state(id, last.index, r.kv.digest(), false);
                    }
                }
                for e in &entries {
                    if let Payload::Command(c) = &e.payload {
                        if c.request_id != 0 && self.client.pending.contains_key(&c.request_id) {
                            self.finish_op(c.request_id, Outcome::Written);
                        }
                    }
                }
            }
            Effect::ApplySnapshot(s) => {
                let g = &mut self.groups[group as usize];
                let r = g.replicas.get_mut(&id).expect("replica exists");
                r.kv = Kv::restore(&s.data, s.index);
                if checking {
                    g.checker.on_state(id, s.index, r.kv.digest(), true);
                }
                self.record(group, TraceKind::SnapshotInstalled { node: id, index: s.index });
            }
            Effect::ResetElectionTimer => {
                let role = self.node(group, id).map_or(Role::Follower, |n| n.role());
                let timeout = self.draw_election_timeout(role);
                if let Some(node) = self.replica_mut(group, id).and_then(|r| r.node.as_mut()) {
                    node.set_election_timeout(timeout);
                }
            }
            Effect::ReadReady { id: op, .. } => {
                let Some(p) = self.client.pending.get(&op) else { return };
                let key = p.op.kind.key().to_string();
                let value = self.replica(group, id).and_then(|r| r.kv.get(&key)).map(Arc::from);
                self.record(group, TraceKind::ReadServed { node: id, key: Arc::from(key.as_str()), value: value.clone() });
                self.finish_op(op, Outcome::Read(value));
            }
            Effect::ReadAborted { id: op } => {
                if let Some(p) = self.client.pending.get_mut(&op) {
                    p.accepted_by = None;
                    let at = self.now + 10 * MS;
                    self.schedule(at, Event::ClientRetry(op));
                }
            }
        }
    }

    pub(super) fn maybe_compact(&mut self, group: GroupId, id: NodeId) {
        let threshold = self.settings.snapshot_threshold;
        if threshold == 0 {
            return;
        }
        let Some(r) = self.replica_mut(group, id) else { return };
        let Some(node) = r.node.as_mut() else { return };
        let log = node.log();
        if log.applied_index() - log.snapshot_index() > threshold {
            let index = log.applied_index();
            let data = r.kv.encode();
            if node.compact(index, &data) {
                self.record(group, TraceKind::Compacted { node: id, index });
                self.prune_checker(group);
            }
        }
    }

    /// Lets the checker forget entries every replica of the group holds in a snapshot.
    pub(super) fn prune_checker(&mut self, group: GroupId) {
        let g = &mut self.groups[group as usize];
        let lowest = g
            .replicas
            .values()
            .map(|r| r.node.as_ref().map_or(r.storage.snapshot.index, |n| n.log().snapshot_index().min(r.storage.snapshot.index)))
            .min()
            .unwrap_or(0);
        g.checker.prune(lowest);
    }

    pub(super) fn after_input(&mut self, group: GroupId, id: NodeId, before: Before) {
        let tracing = self.trace_mode != TraceMode::Off;
        let (role, term, commit) = {
            let Some(node) = self.node(group, id) else { return };
            (node.role(), node.term(), node.log().commit_index())
        };
        if tracing {
            if role != before.role {
                self.record(group, TraceKind::Role { node: id, from: before.role, to: role, term });
            } else if term != before.term {
                self.record(group, TraceKind::Term { node: id, term });
            }
            if role == Role::Leader && commit > before.commit {
                self.record_commits(group, id, before.commit + 1, commit);
            }
        }
        if self.checking {
            let g = &mut self.groups[group as usize];
            let node = g.replicas.get(&id).and_then(|r| r.node.as_ref()).expect("node is up");
            g.checker.after_input(node);
            self.collect_findings(group);
        }
    }

    pub(super) fn record_commits(&mut self, group: GroupId, id: NodeId, from: Index, to: Index) {
        let mut events = Vec::new();
        {
            let node = self.node(group, id).expect("node is up");
            let status = node.status();
            for i in from..=to {
                let Some(e) = node.log().entry(i) else { continue };
                let command = match &e.payload {
                    Payload::Command(c) => Some(c.data.clone()),
                    _ => None,
                };
                let mut stored_on: Vec<NodeId> = status.peers.iter().filter(|p| p.match_index >= i).map(|p| p.id).collect();
                stored_on.push(id);
                sort_small(&mut stored_on);
                events.push(TraceKind::Committed { node: id, index: i, term: e.term, command, stored_on });
            }
        }
        for k in events {
            self.record(group, k);
        }
    }

    pub(super) fn collect_findings(&mut self, group: GroupId) {
        let findings = std::mem::take(&mut self.groups[group as usize].checker.findings);
        if findings.is_empty() {
            return;
        }
        let event = self.describe_current();
        for f in findings {
            let v = Violation {
                invariant: f.invariant,
                group,
                nodes: f.nodes,
                index: f.index,
                term: f.term,
                time: self.now,
                step: self.steps,
                detail: f.detail,
                event: event.clone(),
            };
            self.record(group, TraceKind::Violation { invariant: v.invariant.name().to_string(), detail: v.detail.clone() });
            self.violations.push(v);
        }
    }

    /// The event being processed, in words (for violation reports).
    pub(super) fn describe_current(&self) -> String {
        match self.current {
            Some(Event::Deliver(id)) => format!("delivery of message {id}"),
            Some(Event::Timer { node, .. }) => format!("a timer of node {node}"),
            Some(Event::ClientTick { .. }) | Some(Event::ClientRetry(_)) => "a client request".to_string(),
            // As `{:?}` printed these.
            Some(Event::Lose(id)) => format!("Lose({id})"),
            Some(Event::ClientTimeout(op)) => format!("ClientTimeout({op})"),
            Some(Event::Rebalance { .. }) => "a rebalance".to_string(),
            None => "an intervention".to_string(),
        }
    }
}

/// The entries a write of `entries` at `from` removes from `storage`: those it replaces with
/// an entry of another term, or cuts off.
fn discarded_entries(storage: &DurableState, from: Index, entries: &[Entry]) -> Vec<(Index, Term, Option<Arc<str>>)> {
    let base = storage.snapshot.index;
    storage
        .entries
        .iter()
        .filter(|e| e.index >= from.max(base + 1))
        .filter(|e| entries.get((e.index - from) as usize).is_none_or(|n| n.term != e.term))
        .map(|e| {
            let command = match &e.payload {
                Payload::Command(c) => Some(c.data.clone()),
                _ => None,
            };
            (e.index, e.term, command)
        })
        .collect()
}
