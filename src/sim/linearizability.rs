//! Checks that a history of client reads and writes on the key-value store is
//! linearizable (Herlihy & Wing 1990), with the search of Wing & Gong (1993) as Lowe and
//! Porcupine refine it: repeatedly pick an operation that could take effect next (one
//! invoked before every pending operation returned), apply it to a model register, and
//! backtrack on a mismatch, remembering visited (operations done, register value) pairs.
//!
//! Linearizability is local (Herlihy & Wing, Theorem 1), so each key is checked alone.
//! A write whose outcome is unknown may have taken effect at any time after its
//! invocation, or never: it is given an infinite return time, so it can always be placed
//! last, where it changes nothing that was observed.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use super::checker::seconds_3;
use super::client::{Op, OpKind, Outcome};
use crate::raft::Time;

#[derive(Clone, Debug)]
struct Rec {
    call: Time,
    ret: Time,
    /// `Some(v)`: a write of v. `None`: a read.
    write: Option<Arc<str>>,
    /// For reads: the value returned.
    read: Option<Arc<str>>,
    id: u64,
}

/// Ok, or a description of the first key whose history cannot be linearized.
pub fn check(history: &[Op]) -> Result<(), String> {
    let mut per_key: BTreeMap<&str, Vec<Rec>> = BTreeMap::new();
    for op in history {
        let rec = match (&op.kind, &op.outcome) {
            (OpKind::Write { value, .. }, Outcome::Written) => {
                Rec { call: op.invoked_at, ret: op.completed_at.unwrap_or(Time::MAX), write: Some(value.clone()), read: None, id: op.id }
            }
            (OpKind::Write { value, .. }, Outcome::Unknown | Outcome::Pending) => {
                Rec { call: op.invoked_at, ret: Time::MAX, write: Some(value.clone()), read: None, id: op.id }
            }
            (OpKind::Read { .. }, Outcome::Read(v)) => {
                Rec { call: op.invoked_at, ret: op.completed_at.unwrap_or(Time::MAX), write: None, read: v.clone(), id: op.id }
            }
            // Failed operations had no effect; unanswered reads observed nothing.
            _ => continue,
        };
        per_key.entry(op.kind.key()).or_default().push(rec);
    }
    for (key, mut recs) in per_key {
        // An unknown write that no read observed can always be placed last, where it
        // changes nothing: leave it out (otherwise each one doubles the search).
        let observed: HashSet<Arc<str>> = recs.iter().filter(|r| r.write.is_none()).filter_map(|r| r.read.clone()).collect();
        recs.retain(|r| r.ret != Time::MAX || r.write.as_ref().is_none_or(|v| observed.contains(v)));
        recs.sort_by_key(|r| (r.call, r.id));
        if let Err(e) = check_register(&recs) {
            return Err(format!("the history of key {key} is not linearizable: {e}"));
        }
    }
    Ok(())
}

fn describe(r: &Rec) -> String {
    let when = |t: Time| if t == Time::MAX { "never".to_string() } else { seconds_3(t) };
    match &r.write {
        Some(v) => format!("write {v} (op {}, invoked {}, returned {})", r.id, when(r.call), when(r.ret)),
        None => {
            format!("read -> {} (op {}, invoked {}, returned {})", r.read.as_deref().unwrap_or("none"), r.id, when(r.call), when(r.ret))
        }
    }
}

/// The most search states visited per key before the check gives up (as inconclusive,
/// which is not reported as a violation).
const MAX_STATES: usize = 2_000_000;

/// One register, starting empty.
fn check_register(recs: &[Rec]) -> Result<(), String> {
    let n = recs.len();
    let words = n.div_ceil(64).max(1);
    let mut done = vec![0u64; words];
    let mut state: Option<Arc<str>> = None;
    let mut seen: HashSet<(Vec<u64>, Option<Arc<str>>)> = HashSet::new();
    // Each level of the search: which op it linearized and the register before it.
    let mut stack: Vec<(usize, Option<Arc<str>>)> = Vec::new();
    let mut deepest = 0usize;
    let mut stuck_at: Option<usize> = None;
    let is_done = |done: &[u64], i: usize| done[i / 64] >> (i % 64) & 1 == 1;
    let mut start_from = 0usize;
    loop {
        if stack.len() == n {
            return Ok(());
        }
        // Operations that may go next: not done, invoked no later than the earliest
        // return among those not done.
        let min_ret = (0..n).filter(|&i| !is_done(&done, i)).map(|i| recs[i].ret).min().unwrap_or(Time::MAX);
        let mut chosen = None;
        for i in start_from..n {
            if recs[i].call > min_ret {
                break;
            }
            if is_done(&done, i) {
                continue;
            }
            let r = &recs[i];
            let next_state = match &r.write {
                Some(v) => Some(v.clone()),
                None => {
                    if r.read != state {
                        continue;
                    }
                    state.clone()
                }
            };
            let mut next_done = done.clone();
            next_done[i / 64] |= 1 << (i % 64);
            if !seen.insert((next_done.clone(), next_state.clone())) {
                continue;
            }
            if seen.len() > MAX_STATES {
                return Ok(());
            }
            chosen = Some((i, next_state, next_done));
            break;
        }
        match chosen {
            Some((i, next_state, next_done)) => {
                stack.push((i, state.clone()));
                state = next_state;
                done = next_done;
                start_from = 0;
                if stack.len() > deepest {
                    deepest = stack.len();
                    stuck_at = None;
                }
            }
            None => {
                if stack.len() == deepest && stuck_at.is_none() {
                    // Remember the first operation that could not be placed at the deepest point.
                    stuck_at = (0..n).filter(|&i| !is_done(&done, i)).find(|&i| recs[i].write.is_none());
                }
                let Some((i, prev)) = stack.pop() else {
                    let what = stuck_at.map(|i| describe(&recs[i])).unwrap_or_else(|| "no order fits".to_string());
                    return Err(format!("no order of the operations explains {what}"));
                };
                done[i / 64] &= !(1 << (i % 64));
                state = prev;
                start_from = i + 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::client::Op;

    fn w(id: u64, key: &str, v: &str, call: Time, ret: Option<Time>) -> Op {
        Op {
            id,
            group: 0,
            kind: OpKind::Write { key: key.into(), value: v.into() },
            invoked_at: call,
            completed_at: ret,
            outcome: if ret.is_some() { Outcome::Written } else { Outcome::Unknown },
        }
    }

    fn r(id: u64, key: &str, v: Option<&str>, call: Time, ret: Time) -> Op {
        Op {
            id,
            group: 0,
            kind: OpKind::Read { key: key.into() },
            invoked_at: call,
            completed_at: Some(ret),
            outcome: Outcome::Read(v.map(Arc::from)),
        }
    }

    #[test]
    fn sequential_history_is_linearizable() {
        let h = vec![w(1, "x", "1", 0, Some(10)), r(2, "x", Some("1"), 20, 30), w(3, "x", "2", 40, Some(50)), r(4, "x", Some("2"), 60, 70)];
        assert_eq!(check(&h), Ok(()));
    }

    #[test]
    fn stale_read_after_a_completed_write_is_not() {
        let h = vec![w(1, "x", "1", 0, Some(10)), w(2, "x", "2", 20, Some(30)), r(3, "x", Some("1"), 40, 50)];
        let e = check(&h).unwrap_err();
        assert!(e.contains("key x") && e.contains("read -> 1"), "{e}");
    }

    #[test]
    fn concurrent_operations_may_take_either_order() {
        // The read overlaps the write: it may see the old or the new value.
        let h = vec![w(1, "x", "1", 0, Some(10)), w(2, "x", "2", 20, Some(60)), r(3, "x", Some("1"), 30, 40), r(4, "x", Some("2"), 50, 70)];
        assert_eq!(check(&h), Ok(()));
        // But two sequential reads cannot see the values in the wrong order.
        let h = vec![w(1, "x", "1", 0, Some(10)), w(2, "x", "2", 20, Some(90)), r(3, "x", Some("2"), 30, 40), r(4, "x", Some("1"), 50, 60)];
        assert!(check(&h).is_err());
    }

    #[test]
    fn unknown_writes_may_or_may_not_have_happened() {
        let h = vec![w(1, "x", "1", 0, None), r(2, "x", None, 10, 20), r(3, "x", Some("1"), 30, 40)];
        assert_eq!(check(&h), Ok(()));
        let h = vec![w(1, "x", "1", 0, None), r(2, "x", None, 10, 20)];
        assert_eq!(check(&h), Ok(()));
    }

    #[test]
    fn reads_of_values_never_written_are_caught() {
        let h = vec![r(1, "y", Some("7"), 0, 10)];
        assert!(check(&h).is_err());
    }

    #[test]
    fn keys_are_independent_and_many_ops_are_fast() {
        let mut h = Vec::new();
        let mut id = 0;
        for k in 0..400u64 {
            for key in ["x", "y"] {
                id += 1;
                let v = format!("{k}");
                h.push(w(id, key, &v, k * 100, Some(k * 100 + 60)));
                id += 1;
                h.push(r(id, key, Some(&v), k * 100 + 70, k * 100 + 90));
            }
        }
        assert_eq!(check(&h), Ok(()));
    }
}
