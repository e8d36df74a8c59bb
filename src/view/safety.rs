//! The safety checker's reports in the page's language. The checker (`sim::checker`,
//! `sim::linearizability`) writes what it found in English, as the command-line tool prints
//! it; its sentences have a known set of shapes (the catalog's `safety` list, whose English
//! texts are those shapes, with the phrases nested in them and the events that name a
//! violation's moment), so each one is read back with [`unfill`] and told again from the
//! current catalog, as `view::errors` does for the engine's refusals. A text of no known shape
//! is shown as it is.

use super::catalog::{cat, fill, unfill, Catalog, EN};
use crate::raft::MessageKind;
use crate::sim::checker::{seconds_3, Invariant, Violation};

/// Blanks whose values are themselves phrases of the list (told in turn).
const NESTED: [&str; 9] = ["what", "why", "op", "op2", "op3", "who", "returned", "vote", "stored_vote"];

/// A checker's detail (or a nested phrase, or a violation's moment) in the current language.
pub fn detail(text: &str) -> String {
    detail_with(cat(), text)
}

/// The event a violation was seen during (`Violation::event`), in the current language.
pub fn moment(text: &str) -> String {
    detail_with(cat(), text)
}

/// A checker's detail in `c`'s language.
pub fn detail_with(c: &Catalog, text: &str) -> String {
    if c.lang == EN.lang {
        return text.to_string();
    }
    tell(c, text).unwrap_or_else(|| text.to_string())
}

fn tell(c: &Catalog, text: &str) -> Option<String> {
    let nested = |v: &str| tell(c, v).unwrap_or_else(|| v.to_string());
    for (k, shape) in EN.safety.iter().enumerate() {
        let Some(values) = unfill(shape, text) else { continue };
        let told: Vec<(String, String)> = values
            .into_iter()
            .map(|(name, v)| {
                let v = match name.as_str() {
                    n if NESTED.contains(&n) => nested(v),
                    // What a key could hold: values (or `nothing`, `anything`) joined by " or ".
                    "values" => v.split(" or ").map(nested).reduce(|a, b| fill(c.v_or, &[("a", &a), ("b", &b)])).unwrap_or_default(),
                    // What a read returned: `none` when the key had no value.
                    "got" if v == "none" => c.none.to_string(),
                    "kind" => MessageKind::ALL.iter().position(|m| m.name() == v).map_or_else(|| v.to_string(), |i| c.kinds[i].to_string()),
                    _ => v.to_string(),
                };
                (name, v)
            })
            .collect();
        let refs: Vec<(&str, &dyn std::fmt::Display)> = told.iter().map(|(k, v)| (k.as_str(), v as &dyn std::fmt::Display)).collect();
        return Some(fill(c.safety[k], &refs));
    }
    None
}

/// What names an invariant in a report: its id (`leader-completeness`) in English, as the
/// command-line tool prints it; its name in another language.
pub fn invariant_label(c: &Catalog, id: &str) -> String {
    match Invariant::ALL.iter().position(|i| i.name() == id) {
        Some(k) if c.lang != EN.lang => c.invariant_names[k].to_string(),
        _ => id.to_string(),
    }
}

/// A violation as one sentence in the current language (in English, exactly as the engine
/// prints it).
pub fn report(v: &Violation) -> String {
    let c = cat();
    let r = fill(
        c.v_report,
        &[
            ("invariant", &invariant_label(c, v.invariant.name())),
            ("time", &seconds_3(v.time)),
            ("step", &v.step.to_string()),
            ("detail", &detail_with(c, &v.detail)),
        ],
    );
    if v.event.is_empty() {
        return r;
    }
    fill(c.v_during, &[("report", &r), ("event", &detail_with(c, &v.event))])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::catalog::blanks;

    fn zh() -> Catalog {
        Catalog::parse("zh-CN", include_str!("../../www/i18n/zh-CN.txt")).unwrap()
    }

    /// Latin words a Chinese text may show (as e2e/helpers.js `strayLatin` allows them).
    const ALLOWED: [&str; 12] = [
        "Raft",
        "ReadIndex",
        "AppendEntries",
        "RequestVote",
        "InstallSnapshot",
        "TimeoutNow",
        "Leader",
        "Follower",
        "Candidate",
        "no",
        "op",
        "ms",
    ];

    /// The Latin words of a text (two letters or more, split at hyphens) that are not allowed.
    fn stray_latin(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut word = String::new();
        for ch in text.chars().chain([' ']) {
            if ch.is_ascii_alphabetic() || (ch == '-' && !word.is_empty()) {
                word.push(ch);
            } else {
                for w in word.trim_end_matches('-').split('-') {
                    if w.len() > 1 && !ALLOWED.contains(&w) {
                        out.push(w.to_string());
                    }
                }
                word.clear();
            }
        }
        out
    }

    /// A sample value for each blank of the shapes: distinct numbers, or a phrase of the
    /// kind the engine puts there.
    fn sample(name: &str, k: usize) -> String {
        match name {
            "what" => "its term 41 was durable (storage: term 42)".into(),
            "why" => "search stopped after 43 states".into(),
            "op" | "op2" | "op3" => format!("write 4{k} (op 5{k}, client 6{k}, invoked 0.07{k}s, returned 0.08{k}s)"),
            "who" => "scripted".into(),
            "returned" => "never answered".into(),
            "vote" => "None".into(),
            "stored_vote" => format!("Some(9{k})"),
            "values" => format!("nothing or 3{k} or anything"),
            "got" => "none".into(),
            "kind" => "append-response".into(),
            "time" | "call" => format!("1.2{k}0s"),
            _ => format!("{}", 100 + k),
        }
    }

    #[test]
    fn every_shape_of_the_checker_reads_in_chinese_with_its_numbers() {
        let zh = zh();
        for (k, shape) in EN.safety.iter().enumerate() {
            let names = blanks(shape);
            let values: Vec<(String, String)> = names.iter().enumerate().map(|(i, n)| (n.to_string(), sample(n, i))).collect();
            let refs: Vec<(&str, &dyn std::fmt::Display)> = values.iter().map(|(k, v)| (k.as_str(), v as &dyn std::fmt::Display)).collect();
            let english = fill(shape, &refs);
            let chinese = detail_with(&zh, &english);
            assert_ne!(chinese, english, "safety.{k}: not translated");
            assert!(stray_latin(&chinese).is_empty(), "safety.{k}: {chinese:?} has Latin words {:?}", stray_latin(&chinese));
            let numbers = english.split(|c: char| !c.is_ascii_digit() && c != '.').filter(|n| n.chars().any(|c| c.is_ascii_digit()));
            for n in numbers {
                assert!(chinese.contains(n.trim_matches('.')), "safety.{k}: {chinese:?} lacks {n} of {english:?}");
            }
        }
    }

    #[test]
    fn english_stays_as_the_engine_wrote_it() {
        let text = "node 5 became leader of term 5 without committed entry 2";
        assert_eq!(detail(text), text);
        assert_eq!(invariant_label(&EN, "leader-completeness"), "leader-completeness");
    }

    #[test]
    fn examples_from_the_brief_read_naturally() {
        let zh = zh();
        let t = |s: &str| detail_with(&zh, s);
        assert_eq!(t("node 5 became leader of term 5 without committed entry 2"), "节点 5 成为任期 5 的领导者，却缺少已提交的条目 2");
        assert_eq!(t("node 2 discarded committed entry 2 (term 2)"), "节点 2 丢弃了已提交的条目 2（任期 2）");
        assert_eq!(t("node 5 applied a different command at index 2 than another node"), "节点 5 在索引 2 应用的命令与另一个节点不同");
        assert_eq!(t("delivery of message 31"), "消息 31 送达");
        assert_eq!(
            t("node 2 sent vote-response to node 3 before its vote for node 3 was durable (storage: vote None)"),
            "节点 2 在它投给节点 3 的一票持久化（存储中的投票：无）之前就向节点 3 发送了投票回复"
        );
        assert_eq!(invariant_label(&zh, "state-machine-safety"), "状态机安全性");
        assert_eq!(t("something new"), "something new", "an unknown text is shown as it is");
    }

    /// Every sentence the checker writes (`format!` in its sources) has a shape in the
    /// catalog: a new one fails here until it is added (with its Chinese).
    #[test]
    #[cfg(not(target_arch = "wasm32"))] // reads the sources
    fn every_format_of_the_checker_has_a_shape() {
        fn skeleton(s: &str) -> String {
            let mut out = String::new();
            let mut depth = 0;
            for ch in s.chars() {
                match ch {
                    '{' => {
                        depth += 1;
                        if depth == 1 {
                            out.push_str("{}");
                        }
                    }
                    '}' if depth > 0 => depth -= 1,
                    _ if depth == 0 => out.push(ch),
                    _ => {}
                }
            }
            out
        }
        fn formats(source: &str) -> Vec<String> {
            let mut out = Vec::new();
            let mut rest = source;
            while let Some(p) = rest.find("format!(") {
                rest = rest[p + 8..].trim_start();
                let Some(body) = rest.strip_prefix('"') else { continue };
                let end = body.find('"').expect("a closing quote");
                out.push(body[..end].to_string());
                rest = &body[end..];
            }
            out
        }
        let read = |path: &str| std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let before_tests = |s: String| s.split("#[cfg(test)]").next().unwrap_or("").to_string();
        let mut found = Vec::new();
        for path in [
            "crates/engine/src/sim/checker.rs",
            "crates/engine/src/sim/checker/storage.rs",
            "crates/engine/src/sim/checker/state.rs",
            "crates/engine/src/sim/checker/leaders.rs",
            "crates/engine/src/sim/linearizability.rs",
        ] {
            found.extend(formats(&before_tests(read(path))));
        }
        let world = read("crates/engine/src/sim/world/replicas.rs");
        let start = world.find("fn describe_current").expect("describe_current");
        let end = start + world[start..].find("\n    }\n").expect("its end");
        let moments = formats(&world[start..end]);
        assert!(moments.len() >= 4, "{moments:?}");
        found.extend(moments);
        // Sentences assembled from parts, and what is not words.
        let assembled = [
            "{}.{}s",
            "{}s",
            // `what`: "a different command" or "a different history before it".
            "node {} holds entry {} of term {} with {} than another node",
            // `how`: "installed a snapshot whose state differs" or "reached a different state".
            "node {} {} at index {} from another node's",
            ": it started after {} had returned",
            "the history of key {} is not linearizable: no order of the operations explains {}{} (before the operations still in question, {} could only hold {})",
        ];
        let shapes: Vec<String> = EN.safety.iter().map(|s| skeleton(s)).collect();
        let missing: Vec<&String> =
            found.iter().filter(|f| !shapes.contains(&skeleton(f)) && !assembled.contains(&skeleton(f).as_str())).collect();
        assert!(missing.is_empty(), "no shape in the catalog's `safety` list for: {missing:#?}");
        assert!(found.len() >= 35, "the sources were read: {found:?}");
        // The assembled one, in each of its forms, and the phrases given as plain strings.
        let zh = zh();
        for text in [
            "the history of key x is not linearizable: no order of the operations explains read -> 1 (op 3, client 1, invoked 0.100s, returned 0.200s) (before the operations still in question, x could only hold 2)",
            "the history of key x is not linearizable: no order of the operations explains read -> 1 (op 3, client 1, invoked 0.100s, returned 0.200s): it started after write 2 (op 2, scripted, invoked 0.010s, returned 0.020s) had returned (before the operations still in question, x could only hold 2)",
            "the history of key x is not linearizable: no order of the operations explains read -> none (op 3, client 1, invoked 0.100s, never answered): it started after write 2 (op 2, client 2, invoked 0.010s, returned 0.020s) and write 3 (op 4, client 1, invoked 0.010s, returned 0.030s) had returned (before the operations still in question, x could only hold 2 or nothing or anything)",
            "node 3 holds entry 4 of term 2 with a different history before it than another node",
            "node 3 installed a snapshot whose state differs at index 7 from another node's",
            "node 3 sent append to node 4 before entry 9 it sends was durable",
            "a client request",
            "a rebalance",
            "an intervention",
            "a timer of node 4",
            "Lose(12)",
            "ClientTimeout(5)",
        ] {
            let chinese = detail_with(&zh, text);
            assert!(chinese != text && stray_latin(&chinese).is_empty(), "{text:?} reads {chinese:?}");
        }
    }

    /// Violations as the checker reports them in broken scenarios, told in Chinese.
    #[test]
    #[cfg(not(target_arch = "wasm32"))] // reads the scenarios from the repository
    fn violations_of_the_broken_examples_read_in_chinese() {
        use crate::script::session::Session;
        use crate::view::catalog::set_current;
        let zh: &'static Catalog = Box::leak(Box::new(zh()));
        let mut seen = std::collections::BTreeSet::new();
        for file in ["figure8_broken.txt", "forget_vote_broken.txt", "membership_barrier_broken.txt"] {
            let text = std::fs::read_to_string(format!("{}/tests/scenarios/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
            let scenario = crate::script::parse(&text).unwrap();
            let mut session = Session::from_scenario(&scenario).unwrap();
            session.advance_to(3 * crate::sim::SECOND);
            let violations = session.world().violations().to_vec();
            assert!(!violations.is_empty(), "{file}: no violation");
            for v in &violations {
                seen.insert(v.invariant);
                assert_eq!(report(v), v.to_string(), "in English, as the engine prints it");
                set_current(zh);
                let told = report(v);
                set_current(&EN);
                assert!(stray_latin(&told).is_empty(), "{file}: {told:?} has Latin words {:?}", stray_latin(&told));
                assert!(told.contains(zh.invariant_names[Invariant::ALL.iter().position(|i| *i == v.invariant).unwrap()]), "{told}");
                for n in v.nodes.iter().map(|n| n.to_string()).chain(v.index.map(|i| i.to_string())) {
                    assert!(told.contains(&n), "{told} lacks {n}");
                }
            }
        }
        assert!(seen.len() >= 2, "{seen:?}");
    }
}
