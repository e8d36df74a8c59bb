//! What nodes apply: State Machine Safety (no two nodes apply different commands at an
//! index, and no two reach different states at an index, snapshots included).

use super::*;

impl GroupChecker {
    /// A node applied these entries to its state machine.
    pub fn on_apply(&mut self, node: NodeId, entries: &[Entry]) {
        for e in entries {
            if e.index <= self.pruned {
                continue;
            }
            let k = (e.index - self.pruned) as usize;
            if self.applied.len() < k {
                self.applied.resize(k, None);
            }
            let fp = fingerprint(e);
            match self.applied[k - 1] {
                None => self.applied[k - 1] = Some(fp),
                Some(seen) if seen != fp => {
                    self.report(
                        Invariant::StateMachineSafety,
                        vec![node],
                        Some(e.index),
                        Some(e.term),
                        format!("node {node} applied a different command at index {} than another node", e.index),
                    );
                }
                _ => {}
            }
        }
    }

    /// A node's state machine reached the state with this `digest` after applying up to
    /// `index` (entries, or a snapshot it installed): every node must reach the same state
    /// there.
    pub fn on_state(&mut self, node: NodeId, index: Index, digest: u64, from_snapshot: bool) {
        if index <= self.pruned {
            return;
        }
        match self.states.get(&index) {
            None => {
                self.states.insert(index, digest);
            }
            Some(&seen) if seen != digest => {
                let how = if from_snapshot { "installed a snapshot whose state differs" } else { "reached a different state" };
                self.report(
                    Invariant::StateMachineSafety,
                    vec![node],
                    Some(index),
                    None,
                    format!("node {node} {how} at index {index} from another node's"),
                );
            }
            _ => {}
        }
    }
}
