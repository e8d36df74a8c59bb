//! Interventions: what scenarios, the page and the checker's fault plans do to a world.

use super::*;

impl World {
    // ----------------------------------------------------------------------------------
    // Interventions
    // ----------------------------------------------------------------------------------

    pub(super) fn check_node(&self, id: NodeId) -> Result<(), SimError> {
        if self.machines.contains_key(&id) {
            Ok(())
        } else if self.topology().is_some() {
            Err(SimError::NoSuchBroker(id))
        } else {
            Err(SimError::NoSuchNode(id))
        }
    }

    pub(super) fn check_group(&self, group: GroupId) -> Result<(), SimError> {
        if (group as usize) < self.groups.len() {
            Ok(())
        } else if self.topology().is_some() {
            Err(SimError::NoSuchPartition(group.saturating_add(1)))
        } else {
            Err(SimError::NoSuchGroup(group))
        }
    }

    /// Stops a machine: every replica on it loses its volatile state; storage stays.
    pub fn crash(&mut self, id: NodeId) -> Result<(), SimError> {
        self.check_node(id)?;
        if !self.is_up(id) {
            return Err(SimError::NodeDown(id));
        }
        self.crash_machine(id, false);
        Ok(())
    }

    /// Arms a crash point: the machine crashes during its next input that has effects,
    /// after a prefix of them (drawn from the world's generator) was carried out. This is
    /// how a crash between a write and the message that depends on it is tried.
    pub fn crash_midway(&mut self, id: NodeId) -> Result<(), SimError> {
        self.check_node(id)?;
        if !self.is_up(id) {
            return Err(SimError::NodeDown(id));
        }
        if !self.crash_points.contains(&id) {
            self.crash_points.push(id);
        }
        Ok(())
    }

    /// Stops a machine. `midway`: during an input, so its volatile state may be ahead of
    /// its storage by the effects not yet carried out.
    pub(super) fn crash_machine(&mut self, id: NodeId, midway: bool) {
        self.machines.insert(id, false);
        self.crash_points.retain(|&n| n != id);
        for g in 0..self.groups.len() {
            let group = &mut self.groups[g];
            if let Some(r) = group.replicas.get_mut(&id) {
                if let Some(node) = r.node.take() {
                    if self.checking {
                        group.checker.on_crash(node, &r.storage, midway);
                    }
                }
                r.kv = Kv::default();
                r.timer_gen += 1;
                r.timer_at = Time::MAX;
            }
            self.record(g as GroupId, TraceKind::Crashed { node: id });
            if self.checking {
                self.collect_findings(g as GroupId);
            }
        }
        // Reads waiting at the crashed node will never be answered there.
        let waiting: Vec<OpId> = self
            .client
            .pending
            .values()
            .filter(|p| p.accepted_by == Some(id) && matches!(p.op.kind, OpKind::Read { .. }))
            .map(|p| p.op.id)
            .collect();
        for op in waiting {
            if let Some(p) = self.client.pending.get_mut(&op) {
                p.accepted_by = None;
            }
            self.retry_later(op, self.next_live_after(id));
        }
    }

    /// Starts a crashed machine again from its durable state.
    pub fn restart(&mut self, id: NodeId) -> Result<(), SimError> {
        self.check_node(id)?;
        if self.is_up(id) {
            return Err(SimError::NodeUp(id));
        }
        self.machines.insert(id, true);
        for g in 0..self.groups.len() as GroupId {
            let Some(storage) = self.replica(g, id).map(|r| r.storage.clone()) else {
                // A broker restarts for every partition's trace, as it crashed for each
                // (classic machines hold a replica of every group).
                self.record(g, TraceKind::Restarted { node: id });
                continue;
            };
            self.boot_replica(g, id, storage);
            self.record(g, TraceKind::Restarted { node: id });
            if self.checking {
                self.collect_findings(g);
            }
        }
        Ok(())
    }

    pub fn partition(&mut self, groups: Vec<Vec<NodeId>>) -> Result<(), SimError> {
        for g in &groups {
            for &id in g {
                self.check_node(id)?;
            }
        }
        self.network.set_partition(groups);
        let groups = self.network.partition().to_vec();
        self.record(0, TraceKind::Partitioned { groups });
        self.drop_blocked();
        Ok(())
    }

    /// Cuts every link of `id` in both directions.
    pub fn isolate(&mut self, id: NodeId) -> Result<(), SimError> {
        self.check_node(id)?;
        self.partition(vec![vec![id]])
    }

    pub fn heal(&mut self) {
        self.network.heal();
        self.record(0, TraceKind::Healed);
    }

    pub fn cut(&mut self, from: NodeId, to: NodeId) -> Result<(), SimError> {
        self.check_node(from)?;
        self.check_node(to)?;
        self.network.cut(from, to);
        self.record(0, TraceKind::Cut { from, to });
        self.drop_blocked();
        Ok(())
    }

    pub fn uncut(&mut self, from: NodeId, to: NodeId) -> Result<(), SimError> {
        self.check_node(from)?;
        self.check_node(to)?;
        self.network.uncut(from, to);
        self.record(0, TraceKind::Uncut { from, to });
        Ok(())
    }

    /// Changes latency, loss, duplication or reordering from now on.
    pub fn set_link(&mut self, link: LinkConfig) -> Result<(), SimError> {
        link.validate()?;
        self.settings.network = link.clone();
        self.network.link = link.clone();
        self.record(0, TraceKind::Link { link });
        Ok(())
    }

    /// Changes the protocol switches of every node from now on.
    pub fn set_raft_config(&mut self, config: Config) -> Result<(), SimError> {
        config.validate().map_err(SettingsError::from)?;
        let mut settings = self.settings.clone();
        settings.raft = config;
        settings.validate()?;
        self.settings = settings;
        for g in 0..self.groups.len() {
            let ids: Vec<NodeId> = self.groups[g].replicas.keys().copied().collect();
            let config = self.group_config(g as GroupId);
            for id in ids {
                self.input(g as GroupId, id, Input::Configure(config.clone()));
            }
        }
        Ok(())
    }

    pub fn set_client_rate(&mut self, rate: u32, read_percent: u32) -> Result<(), SimError> {
        let mut s = self.settings.clone();
        s.client_rate = rate;
        s.read_percent = read_percent;
        s.validate()?;
        self.settings = s;
        self.client.rate = rate;
        self.client.read_percent = read_percent;
        self.schedule_client_tick();
        Ok(())
    }

    pub fn set_snapshot_threshold(&mut self, entries: u64) {
        self.settings.snapshot_threshold = entries;
    }

    /// How long clients wait for answers, from the next request on.
    pub fn set_client_timeout(&mut self, timeout: Time) {
        if timeout > 0 {
            self.settings.client_timeout = timeout;
        }
    }

    /// Fires a node's election timer now.
    pub fn force_timeout(&mut self, group: GroupId, id: NodeId) -> Result<(), SimError> {
        self.check_replica(group, id)?;
        if !self.is_up(id) {
            return Err(SimError::NodeDown(id));
        }
        self.record(group, TraceKind::TimeoutForced { node: id });
        self.input(group, id, Input::Campaign);
        Ok(())
    }

    /// A client write `key=value`, to the leader (or only to `via`). Returns the op id.
    /// Removes a message from the wire.
    pub fn drop_message(&mut self, id: MessageId) -> Result<(), SimError> {
        let m = self.in_flight.remove(id).ok_or(SimError::NoSuchMessage(id))?;
        self.record_drop(&m, DropReason::User);
        Ok(())
    }

    /// Asks the leader of `group` to hand leadership to `to`.
    pub fn transfer(&mut self, group: GroupId, to: NodeId) -> Result<(), SimError> {
        self.check_replica(group, to)?;
        let leader = self.leader(group).ok_or(SimError::NoLeader)?;
        match self.input(group, leader, Input::Transfer(to)) {
            InputResult::TransferRefused(error) => Err(SimError::Transfer { node: leader, error }),
            _ => {
                self.record(group, TraceKind::Transfer { from: leader, to });
                Ok(())
            }
        }
    }

    /// Asks the leader of `group` to make a membership change. A node added for the
    /// first time gets a machine with an empty log.
    pub fn change_membership(&mut self, group: GroupId, change: ConfChange) -> Result<Index, SimError> {
        if self.topology().is_some() {
            return Err(SimError::NotInZeebe(
                "membership changes are not modelled in Zeebe mode (a partition's replicas are fixed by the layout)",
            ));
        }
        self.check_group(group)?;
        let target = check_node_id(change.node() as u64)?;
        let leader = self.leader(group).ok_or(SimError::NoLeader)?;
        let adding = matches!(change, ConfChange::AddVoter(_) | ConfChange::AddLearner(_));
        if !adding {
            self.check_node(target)?;
        }
        match self.input(group, leader, Input::Change(change)) {
            InputResult::ChangeRefused(error) => Err(SimError::Change { node: leader, error }),
            InputResult::Accepted(index) => {
                // A new server gets a machine with an empty log once the leader accepted it;
                // what the leader already sent it is still on the wire.
                if adding {
                    self.ensure_machine(target);
                }
                self.record(group, TraceKind::Membership { node: leader, change, index });
                Ok(index)
            }
            _ => Err(SimError::NoLeader),
        }
    }

    /// Creates machine `id` with empty replicas if it does not exist yet.
    pub(super) fn ensure_machine(&mut self, id: NodeId) {
        if self.machines.contains_key(&id) {
            return;
        }
        self.machines.insert(id, true);
        for g in 0..self.groups.len() as GroupId {
            self.groups[g as usize].checker.forget(id);
            self.boot_replica(g, id, DurableState::new(Membership::default()));
            self.record(g, TraceKind::NodeAdded { node: id });
        }
    }

    /// Compacts a node's log up to what it has applied.
    pub fn compact(&mut self, group: GroupId, id: NodeId) -> Result<Index, SimError> {
        self.check_replica(group, id)?;
        let r = self.replica_mut(group, id).ok_or(SimError::NoSuchNode(id))?;
        let data = r.kv.encode();
        let node = r.node.as_mut().ok_or(SimError::NodeDown(id))?;
        let index = node.log().applied_index();
        if !node.compact(index, &data) {
            return Err(SimError::NothingToCompact(id));
        }
        let before = Before { role: node.role(), term: node.term(), commit: node.log().commit_index() };
        self.record(group, TraceKind::Compacted { node: id, index });
        self.process_effects(group, id, before);
        Ok(index)
    }

    /// Sets a node's log before time starts (for the paper's figures). Entry `i` of term `t`
    /// carries the command `e<i>=t<t>`, so equal (index, term) pairs are equal entries.
    pub fn set_log(&mut self, group: GroupId, id: NodeId, terms: &[Term]) -> Result<(), SimError> {
        self.check_replica(group, id)?;
        if self.steps > 0 {
            return Err(SimError::TooLate);
        }
        if terms.windows(2).any(|w| w[0] > w[1]) {
            return Err(SimError::DecreasingTerms);
        }
        let mut storage = self.replica(group, id).ok_or(SimError::NoSuchNode(id))?.storage.clone();
        let entries: Vec<Entry> = terms
            .iter()
            .enumerate()
            .map(|(k, &t)| {
                let index = k as Index + 1;
                Entry { index, term: t, payload: Payload::Command(Command::new(&format!("e{index}=t{t}"), 0)) }
            })
            .collect();
        if self.checking {
            let g = &mut self.groups[group as usize];
            let r = g.replicas.get(&id).expect("exists");
            g.checker.on_persist_entries(id, None, &r.storage, 1, &entries);
        }
        storage.write_entries(1, &entries);
        // The linearizability check allows these writes to have taken effect, or not.
        for (k, &t) in terms.iter().enumerate() {
            self.lin.seed_unknown_write(&format!("e{}", k + 1), &format!("t{t}"), u64::MAX - (id as u64) * 1_000_000 - k as u64);
        }
        if let Some(&last) = terms.last() {
            storage.hard_state.current_term = storage.hard_state.current_term.max(last);
        }
        self.reboot(group, id, storage);
        self.collect_findings(group);
        Ok(())
    }

    /// Sets a node's current term before time starts.
    pub fn set_term(&mut self, group: GroupId, id: NodeId, term: Term) -> Result<(), SimError> {
        self.check_replica(group, id)?;
        if self.steps > 0 {
            return Err(SimError::TooLate);
        }
        let mut storage = self.replica(group, id).ok_or(SimError::NoSuchNode(id))?.storage.clone();
        storage.hard_state.current_term = term;
        storage.hard_state.voted_for = None;
        self.reboot(group, id, storage);
        Ok(())
    }

    pub(super) fn reboot(&mut self, group: GroupId, id: NodeId, storage: DurableState) {
        self.groups[group as usize].checker.forget(id);
        self.boot_replica(group, id, storage);
    }

    /// Adds a note to the trace (scenario steps, user actions).
    pub fn note(&mut self, text: String) {
        self.record(0, TraceKind::Note { text });
    }
}
