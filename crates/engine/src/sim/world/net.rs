//! The wire: sending, losing and dropping messages.

use super::*;

impl World {
    // ----------------------------------------------------------------------------------
    // Network
    // ----------------------------------------------------------------------------------

    pub(super) fn send(&mut self, group: GroupId, m: Message) {
        let now = self.now;
        let kind = m.kind();
        self.sent.0[kind as usize] += 1;
        if let Body::RequestVoteResponse { pre_vote, vote_granted: true } = m.body {
            self.record(group, TraceKind::Voted { node: m.from, candidate: m.to, term: m.term, pre_vote });
        }
        let fates = self.network.fates(&mut self.rng, now, m.from, m.to);
        for fate in fates {
            let id = self.next_message;
            self.next_message += 1;
            let message = m.clone();
            self.record(group, TraceKind::Sent { id, from: m.from, to: m.to, kind, deliver_at: fate.deliver_at });
            let f =
                InFlight { id, group, message, sent_at: now, deliver_at: fate.deliver_at, lost_at: fate.lost_at, lost_reason: fate.reason };
            match fate.lost_at {
                Some(at) => self.schedule(at, Event::Lose(id)),
                None => self.schedule(fate.deliver_at, Event::Deliver(id)),
            }
            self.in_flight.insert(f);
        }
    }

    pub(super) fn record_drop(&mut self, m: &InFlight, reason: DropReason) {
        let kind = TraceKind::Dropped {
            id: m.id,
            from: m.message.from,
            to: m.message.to,
            kind: m.message.kind(),
            sent_at: m.sent_at,
            deliver_at: m.deliver_at,
            reason,
        };
        self.record(m.group, kind);
    }

    /// Drops what is in flight on links that are now blocked.
    pub(super) fn drop_blocked(&mut self) {
        let blocked: Vec<MessageId> = self
            .in_flight
            .iter()
            .filter(|m| m.lost_at.is_none() && !self.network.connected(m.message.from, m.message.to))
            .map(|m| m.id)
            .collect();
        for id in blocked {
            if let Some(m) = self.in_flight.remove(id) {
                self.record_drop(&m, DropReason::Partition);
            }
        }
    }
}
