//! Messages that come from below the page (the engine's refusals, the scenario parser's
//! errors), in the page's language. The engine speaks English; its messages have a known
//! set of shapes (the catalog's `engine` list, whose English texts are those shapes), so
//! each one is read back with [`unfill`] and told again from the current catalog. A message
//! of no known shape is shown as it is.

use super::catalog::{cat, fill, unfill, Catalog, EN};
use crate::script::ParseError;

/// Blanks whose values are themselves engine messages (translated in turn).
const NESTED: [&str; 3] = ["error", "what", "reason"];

/// An engine message in the current language.
pub fn translate(text: &str) -> String {
    translate_with(cat(), text)
}

/// An engine message in `c`'s language.
pub fn translate_with(c: &Catalog, text: &str) -> String {
    if c.lang == EN.lang {
        return text.to_string();
    }
    for (k, shape) in EN.engine.iter().enumerate() {
        if let Some(values) = unfill(shape, text) {
            let told: Vec<(String, String)> = values
                .into_iter()
                .map(|(name, v)| {
                    let v = if NESTED.contains(&name.as_str()) { translate_with(c, v) } else { v.to_string() };
                    (name, v)
                })
                .collect();
            let refs: Vec<(&str, &dyn std::fmt::Display)> = told.iter().map(|(k, v)| (k.as_str(), v as &dyn std::fmt::Display)).collect();
            return fill(c.engine[k], &refs);
        }
    }
    text.to_string()
}

/// A scenario parse error in the current language: line, column, what was expected and
/// what was found.
pub fn parse_error(e: &ParseError) -> String {
    let c = cat();
    fill(
        c.parse_error,
        &[
            ("line", &e.line.to_string()),
            ("column", &e.column.to_string()),
            ("expected", &translate_with(c, &e.expected)),
            ("found", &translate_with(c, &e.found)),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::catalog::blanks;

    #[test]
    fn english_stays_as_it_is_and_parse_errors_read_as_before() {
        let e = crate::script::parse("run 2x").unwrap_err();
        assert_eq!(parse_error(&e), e.to_string());
        assert_eq!(translate("node 3 is down"), "node 3 is down");
    }

    fn zh() -> Catalog {
        Catalog::parse("zh-CN", include_str!("../../www/i18n/zh-CN.txt")).unwrap()
    }

    /// Broken versions of every line of the test suite's scenarios: cut short after each
    /// word, or with one word replaced by something wrong.
    fn broken_lines() -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scenarios")).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            lines.extend(text.lines().map(|l| l.split('#').next().unwrap_or("").trim().to_string()).filter(|l| !l.is_empty()));
        }
        lines.extend(
            [
                "cluster clients=0",
                "set inflight=0",
                "cluster groups=99",
                "await leader within",
                "break nothing",
                "expect violation nothing",
                "workload 5",
                "set reads=200",
                "expect role 1 king",
                "priority 1 0",
            ]
            .map(String::from),
        );
        let mut out = Vec::new();
        for line in lines {
            let words: Vec<&str> = line.split(' ').collect();
            for k in 0..words.len() {
                out.push(words[..k].join(" "));
                for wrong in ["?", "0", "99", "x", "-1", "1.5", "on"] {
                    let mut w = words.clone();
                    w[k] = wrong;
                    out.push(w.join(" "));
                }
            }
        }
        out
    }

    #[test]
    fn every_parse_error_reads_in_chinese() {
        let zh = zh();
        let mut seen = std::collections::BTreeSet::new();
        let mut missing = Vec::new();
        for line in broken_lines() {
            let Err(e) = crate::script::parse(&line) else { continue };
            for phrase in [&e.expected, &e.found] {
                if phrase.starts_with('`') || !seen.insert(phrase.clone()) {
                    continue; // code is shown as it is
                }
                if translate_with(&zh, phrase) == *phrase {
                    missing.push(format!("{phrase:?} (from `{line}`)"));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "no Chinese for these phrases of the parser (add their shapes to the catalog's engine list):\n{}",
            missing.join("\n")
        );
        assert!(seen.len() >= 20, "the broken lines reach most phrases: {seen:?}");
    }

    #[test]
    fn engine_messages_read_in_chinese_with_their_values() {
        let zh = zh();
        assert_eq!(translate_with(&zh, "node 3 is down"), "节点 3 已宕机");
        assert_eq!(translate_with(&zh, "node 2: node is not the leader (leader hint: 4)"), "节点 2：该节点不是领导者（它所知的领导者：4）");
        assert_eq!(translate_with(&zh, "at 1.200s: `crash 3`: node 3 is down"), "在 1.200s：`crash 3`：节点 3 已宕机");
        assert_eq!(translate_with(&zh, "something new"), "something new", "an unknown message is shown as it is");
        crate::view::catalog::set_current(Box::leak(Box::new(zh)));
        let e = crate::script::parse("cluster nodes=5\nrun 2x").unwrap_err();
        assert_eq!(parse_error(&e), "第 2 行第 5 列：应为时长，例如 250ms 或 2s，实际是`2x`");
        crate::view::catalog::set_current(&EN);
    }

    #[test]
    fn every_shape_has_blanks_with_names() {
        for shape in EN.engine {
            assert!(blanks(shape).iter().all(|b| !b.is_empty()), "{shape}");
        }
    }
}
