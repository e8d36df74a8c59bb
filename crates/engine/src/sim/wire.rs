//! The messages on the wire, by id. Ids grow with each send and messages mostly leave in
//! the order they came, so a deque of slots indexed by `id - first` gives O(1) insert,
//! lookup and removal, and iteration in id order.

use std::collections::VecDeque;

use super::trace::MessageId;
use super::world::InFlight;

#[derive(Clone, Debug, Default)]
pub struct Wire {
    /// The id of `slots[0]`.
    first: MessageId,
    slots: VecDeque<Option<InFlight>>,
    len: usize,
}

impl Wire {
    /// Adds a message; its id must be above every id added before.
    pub fn insert(&mut self, m: InFlight) {
        if self.slots.is_empty() {
            self.first = m.id;
        }
        debug_assert!(m.id >= self.first + self.slots.len() as u64);
        while self.first + (self.slots.len() as u64) < m.id {
            self.slots.push_back(None);
        }
        self.slots.push_back(Some(m));
        self.len += 1;
    }

    pub fn get(&self, id: MessageId) -> Option<&InFlight> {
        let k = id.checked_sub(self.first)? as usize;
        self.slots.get(k)?.as_ref()
    }

    pub fn remove(&mut self, id: MessageId) -> Option<InFlight> {
        let k = id.checked_sub(self.first)? as usize;
        let m = self.slots.get_mut(k)?.take()?;
        self.len -= 1;
        while matches!(self.slots.front(), Some(None)) {
            self.slots.pop_front();
            self.first += 1;
        }
        Some(m)
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn iter(&self) -> impl Iterator<Item = &InFlight> {
        self.slots.iter().flatten()
    }
}
