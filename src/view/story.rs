//! A scenario's comments as captions: each comment is shown from the moment the command it
//! stands before (or beside) is carried out, so a scenario file tells its story as it plays.

use crate::raft::Time;
use crate::script::ast::Cmd;

/// One caption and the virtual time it appears at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caption {
    pub time: Time,
    pub text: String,
}

/// The captions of a scenario text, in time order. Consecutive comment lines make one
/// caption; a comment belongs to the first command at or after its line (at the end of the
/// scenario if none follows). Captions due at the same moment are joined. A text that does
/// not parse has none.
pub fn captions(text: &str) -> Vec<Caption> {
    let Ok(scenario) = crate::script::parse(text) else { return Vec::new() };
    // The virtual time each command is carried out at, by source line.
    let mut starts: Vec<(usize, Time)> = Vec::with_capacity(scenario.commands.len());
    let mut t: Time = 0;
    for (k, cmd) in scenario.commands.iter().enumerate() {
        starts.push((scenario.lines[k], t));
        if let Cmd::Run(d) = cmd {
            t += d;
        }
    }
    let end = t;
    let time_at = |line: usize| starts.iter().find(|(l, _)| *l >= line).map_or(end, |&(_, t)| t);

    let mut out: Vec<Caption> = Vec::new();
    let mut group: Option<(usize, String)> = None;
    let flush = |group: &mut Option<(usize, String)>, out: &mut Vec<Caption>| {
        if let Some((line, text)) = group.take() {
            let time = time_at(line);
            match out.last_mut() {
                Some(last) if last.time == time => {
                    last.text.push(' ');
                    last.text.push_str(&text);
                }
                _ => out.push(Caption { time, text }),
            }
        }
    };
    for (k, raw) in text.lines().enumerate() {
        let line = k + 1;
        let (code, comment) = match raw.find('#') {
            Some(p) => (&raw[..p], raw[p + 1..].trim()),
            None => (raw, ""),
        };
        let has_code = !code.trim().is_empty();
        if has_code {
            // A comment beside a command belongs to it; one above it was already gathered.
            if !comment.is_empty() {
                flush(&mut group, &mut out);
                group = Some((line, comment.to_string()));
            }
            flush(&mut group, &mut out);
        } else if comment.is_empty() {
            flush(&mut group, &mut out);
        } else {
            match &mut group {
                Some((_, text)) => {
                    text.push(' ');
                    text.push_str(comment);
                }
                None => group = Some((line, comment.to_string())),
            }
        }
    }
    flush(&mut group, &mut out);
    // Lines come in order, and so do their times: the list is sorted as it is.
    out
}

/// The caption showing at `now`: the last one that has appeared.
pub fn current(captions: &[Caption], now: Time) -> Option<&str> {
    captions.iter().rev().find(|c| c.time <= now).map(|c| c.text.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::MS;

    #[test]
    fn comments_appear_when_the_command_they_stand_before_is_carried_out() {
        let text = "# A partition.\n# Two lines.\ncluster nodes=5 seed=5\ntimeout 1\nrun 500ms\n\n# Split.\npartition 1,2 | 3,4,5\nrun 2s\nheal # Healed.\nrun 1s\n# The end.\n";
        let c = captions(text);
        let texts: Vec<(Time, &str)> = c.iter().map(|c| (c.time, c.text.as_str())).collect();
        assert_eq!(texts, vec![(0, "A partition. Two lines."), (500 * MS, "Split."), (2500 * MS, "Healed."), (3500 * MS, "The end.")]);
        assert_eq!(current(&c, 0), Some("A partition. Two lines."));
        assert_eq!(current(&c, 499 * MS), Some("A partition. Two lines."));
        assert_eq!(current(&c, 500 * MS), Some("Split."));
        assert_eq!(current(&c, 9000 * MS), Some("The end."));
    }

    #[test]
    fn captions_due_at_once_are_joined_and_bad_text_has_none() {
        let c = captions("# One.\ncluster nodes=3\n# Two.\ntimeout 1\n");
        assert_eq!(c, vec![Caption { time: 0, text: "One. Two.".into() }]);
        assert!(captions("run 2x\n# never").is_empty());
        assert!(current(&[], 5).is_none());
    }

    #[test]
    #[cfg(not(target_arch = "wasm32"))] // reads the example from the repository
    fn every_example_tells_its_story_from_the_start() {
        for e in crate::view::library::LIBRARY.iter() {
            let c = captions(&e.text());
            assert!(c.first().is_some_and(|c| c.time == 0 && !c.text.is_empty()), "{}: {c:?}", e.name);
        }
    }
}
