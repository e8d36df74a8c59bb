//! The replicated state machine: a key-value map fed with `key=value` commands.

use std::sync::Arc;

use crate::raft::{Entry, Index, Payload, VecMap};

/// One replica's key-value state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Kv {
    map: VecMap<Arc<str>, Arc<str>>,
    pub applied_index: Index,
}

/// Splits `key=value`. Keys and values are non-empty words of letters, digits, `_`, `-`, `.`.
pub fn parse_write(text: &str) -> Option<(&str, &str)> {
    let (k, v) = text.split_once('=')?;
    (is_word(k) && is_word(v)).then_some((k, v))
}

pub fn is_word(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

impl Kv {
    pub fn apply(&mut self, entry: &Entry) {
        if let Payload::Command(c) = &entry.payload {
            if let Some((k, v)) = parse_write(&c.data) {
                self.map.insert(Arc::from(k), Arc::from(v));
            }
        }
        self.applied_index = entry.index;
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.map.get(key).map(|v| &**v)
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.map.iter().map(|(k, v)| (&**k, &**v))
    }

    /// A digest of the state (the same state gives the same digest on every node).
    pub fn digest(&self) -> u64 {
        let mut h = super::trace::fnv1a(0, b"kv");
        for (k, v) in self.map.iter() {
            h = super::trace::fnv1a(h, k.as_bytes());
            h = super::trace::fnv1a(h, b"=");
            h = super::trace::fnv1a(h, v.as_bytes());
            h = super::trace::fnv1a(h, b"\n");
        }
        h
    }

    /// The snapshot encoding: one `key=value` a line, in key order.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        for (k, v) in self.map.iter() {
            out.push_str(k);
            out.push('=');
            out.push_str(v);
            out.push('\n');
        }
        out
    }

    pub fn restore(data: &str, applied_index: Index) -> Kv {
        let mut map = VecMap::new();
        for (k, v) in data.lines().filter_map(parse_write) {
            map.insert(Arc::from(k), Arc::from(v));
        }
        Kv { map, applied_index }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::Command;

    #[test]
    fn applies_writes_and_round_trips_snapshots() {
        let mut kv = Kv::default();
        for (i, c) in ["x=1", "y=2", "x=3", "not a command"].iter().enumerate() {
            kv.apply(&Entry { index: i as u64 + 1, term: 1, payload: Payload::Command(Command::new(c, 0)) });
        }
        assert_eq!(kv.get("x"), Some("3"));
        assert_eq!(kv.get("y"), Some("2"));
        assert_eq!(kv.applied_index, 4);
        let back = Kv::restore(&kv.encode(), 4);
        assert_eq!(back, kv);
    }

    #[test]
    fn write_syntax() {
        assert_eq!(parse_write("x=1"), Some(("x", "1")));
        assert_eq!(parse_write("x="), None);
        assert_eq!(parse_write("a b=1"), None);
    }
}
