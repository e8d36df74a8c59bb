//! A scenario's comments as captions: each comment is shown from the moment the command it
//! stands before (or beside) is carried out, so a scenario file tells its story as it plays.
//!
//! A comment line `#zh: ...` right after a comment line (a line of its own, or a comment
//! beside a command) is that line's Chinese: the Chinese page shows it instead of the English
//! line, the English page skips it. A line without one shows in English on both.

use crate::raft::Time;
use crate::script::ast::Cmd;

/// One caption and the virtual time it appears at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caption {
    pub time: Time,
    pub text: String,
    /// In Chinese (from the `#zh:` lines; English where a line has none).
    pub zh: String,
}

/// The captions of a scenario text, in time order. Consecutive comment lines make one
/// caption; a comment belongs to the first command at or after its line (at the end of the
/// scenario if none follows). Captions due at the same moment are joined. A text that does
/// not parse has none.
pub fn captions(text: &str) -> Vec<Caption> {
    let en = captions_in(text, false);
    let zh = captions_in(text, true);
    // Both come from the same lines (a `#zh:` line replaces a comment, never adds one).
    debug_assert_eq!(en.len(), zh.len());
    en.into_iter().zip(zh).map(|(e, z)| Caption { time: e.time, text: e.text, zh: z.text }).collect()
}

/// The text of a `#zh:` comment line, if `raw` is one.
pub fn chinese_line(raw: &str) -> Option<&str> {
    let t = raw.trim_start().strip_prefix('#')?.trim_start();
    let zh = t.strip_prefix("zh:")?.trim();
    (!zh.is_empty()).then_some(zh)
}

/// The captions in English, or in Chinese (`zh`): each comment line, or the `#zh:` line
/// that follows it.
fn captions_in(text: &str, zh: bool) -> Vec<Caption> {
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
                Some(last) if last.time == time => join(&mut last.text, &text, zh),
                _ => out.push(Caption { time, zh: String::new(), text }),
            }
        }
    };
    let lines: Vec<&str> = text.lines().collect();
    for (k, raw) in lines.iter().enumerate() {
        let line = k + 1;
        if raw.trim_start().starts_with('#') && raw.trim_start()[1..].trim_start().starts_with("zh:") {
            continue; // told with the line before it
        }
        let (code, comment) = match raw.find('#') {
            Some(p) => (&raw[..p], raw[p + 1..].trim()),
            None => (*raw, ""),
        };
        let comment = match lines.get(k + 1).and_then(|next| chinese_line(next)) {
            Some(chinese) if zh && !comment.is_empty() => chinese,
            _ => comment,
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
                Some((_, text)) => join(text, comment, zh),
                None => group = Some((line, comment.to_string())),
            }
        }
    }
    flush(&mut group, &mut out);
    // Lines come in order, and so do their times: the list is sorted as it is.
    out
}

/// Adds a line to a caption: after a space, but in Chinese not after or before a Chinese
/// character or punctuation mark.
fn join(text: &mut String, next: &str, zh: bool) {
    let wide = |c: Option<char>| c.is_some_and(|c| !c.is_ascii());
    if !(zh && (wide(text.chars().next_back()) || wide(next.chars().next()))) {
        text.push(' ');
    }
    text.push_str(next);
}

/// The caption showing at `now`: the last one that has appeared, in Chinese if `zh`.
pub fn current(captions: &[Caption], now: Time, zh: bool) -> Option<&str> {
    captions.iter().rev().find(|c| c.time <= now).map(|c| if zh { c.zh.as_str() } else { c.text.as_str() })
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
        assert_eq!(current(&c, 0, false), Some("A partition. Two lines."));
        assert_eq!(current(&c, 499 * MS, false), Some("A partition. Two lines."));
        assert_eq!(current(&c, 500 * MS, false), Some("Split."));
        assert_eq!(current(&c, 9000 * MS, false), Some("The end."));
        assert_eq!(current(&c, 9000 * MS, true), Some("The end."), "no Chinese given: English");
    }

    #[test]
    fn captions_due_at_once_are_joined_and_bad_text_has_none() {
        let c = captions("# One.\ncluster nodes=3\n# Two.\ntimeout 1\n");
        assert_eq!(c, vec![Caption { time: 0, text: "One. Two.".into(), zh: "One. Two.".into() }]);
        assert!(captions("run 2x\n# never").is_empty());
        assert!(current(&[], 5, false).is_none());
    }

    #[test]
    fn a_zh_line_is_the_chinese_of_the_comment_line_before_it() {
        let text = "# A partition.\n#zh: 一次分区。\n# Two lines.\n#zh: 两行。\ncluster nodes=5 seed=5\ntimeout 1\nrun 500ms\n\n# Split.\n# zh: 分裂。\npartition 1,2 | 3,4,5\nrun 2s\nheal # Healed.\n#zh: 已恢复。\nrun 1s\n";
        let c = captions(text);
        let en: Vec<(Time, &str)> = c.iter().map(|c| (c.time, c.text.as_str())).collect();
        let zh: Vec<(Time, &str)> = c.iter().map(|c| (c.time, c.zh.as_str())).collect();
        assert_eq!(en, vec![(0, "A partition. Two lines."), (500 * MS, "Split."), (2500 * MS, "Healed.")]);
        assert_eq!(zh, vec![(0, "一次分区。两行。"), (500 * MS, "分裂。"), (2500 * MS, "已恢复。")]);
        assert_eq!(current(&c, 600 * MS, true), Some("分裂。"));
        assert_eq!(current(&c, 600 * MS, false), Some("Split."));
        // The file stays a valid scenario, and the same one.
        let plain: String = text.lines().filter(|l| chinese_line(l).is_none()).map(|l| format!("{l}\n")).collect();
        assert_eq!(crate::script::parse(text).unwrap().commands, crate::script::parse(&plain).unwrap().commands);
    }

    /// The Latin words of a text (two letters or more), but for those Chinese Raft texts
    /// keep (as e2e/helpers.js `strayLatin` allows them).
    #[cfg(not(target_arch = "wasm32"))]
    fn stray_latin(text: &str) -> Vec<&str> {
        const ALLOWED: [&str; 9] =
            ["Raft", "ReadIndex", "AppendEntries", "RequestVote", "InstallSnapshot", "CheckQuorum", "votedFor", "Pre", "Vote"];
        text.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| w.len() > 1 && !ALLOWED.contains(w)).collect()
    }

    #[test]
    #[cfg(not(target_arch = "wasm32"))] // reads the examples from the repository
    fn every_comment_of_every_example_has_its_chinese() {
        for e in crate::view::library::LIBRARY.iter() {
            let text = e.text();
            let lines: Vec<&str> = text.lines().collect();
            for (k, line) in lines.iter().enumerate() {
                let Some(p) = line.find('#') else { continue };
                if chinese_line(line).is_some() || line[p + 1..].trim().is_empty() {
                    continue;
                }
                let chinese = lines.get(k + 1).and_then(|l| chinese_line(l));
                assert!(chinese.is_some(), "{}: line {} has no `#zh:` line after it: {line}", e.file, k + 1);
            }
            for c in captions(&text) {
                assert_ne!(c.zh, c.text, "{}", e.file);
                assert!(stray_latin(&c.zh).is_empty(), "{}: {:?} has Latin words {:?}", e.file, c.zh, stray_latin(&c.zh));
            }
        }
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
