//! The documentation pages' Chinese texts (www/i18n/zh-CN.pages.txt) and the pages agree:
//! every element marked `data-i18n` and every `t('key', ...)` of api-example.js has its text,
//! and no text is left over.

use std::collections::BTreeSet;

fn www(name: &str) -> String {
    std::fs::read_to_string(format!("{}/www/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// What follows each occurrence of `marker` up to the quote that closes it.
fn quoted_after(text: &str, marker: &str) -> Vec<String> {
    text.match_indices(marker)
        // A whole word: `t('` but not `createElement('`.
        .filter(|(k, _)| text[..*k].chars().next_back().is_none_or(|c| !c.is_ascii_alphanumeric()))
        .filter_map(|(k, _)| text[k + marker.len()..].split(['"', '\'', '`']).next().map(str::to_string))
        .collect()
}

#[test]
fn every_marked_text_of_the_pages_is_translated_and_nothing_else() {
    let mut used = BTreeSet::new();
    for page in ["embed.html", "api.html", "language.html"] {
        used.extend(quoted_after(&www(page), "data-i18n=\""));
    }
    used.extend(quoted_after(&www("api-example.js"), "t('"));
    used.extend(quoted_after(&www("api-example.js"), "t(`").into_iter().filter(|k| !k.contains('$')));
    let roles = ["leader", "candidate", "precandidate", "follower", "learner", "crashed"];
    used.extend(roles.iter().map(|r| format!("api.role.{r}")));
    let zh = www("i18n/zh-CN.pages.txt");
    let given: BTreeSet<String> =
        zh.lines().filter(|l| !l.starts_with('#')).filter_map(|l| l.split_once(" = ").map(|(k, _)| k.trim().to_string())).collect();
    let missing: Vec<&String> = used.difference(&given).collect();
    let unused: Vec<&String> = given.difference(&used).collect();
    assert!(missing.is_empty(), "not translated in www/i18n/zh-CN.pages.txt: {missing:?}");
    assert!(unused.is_empty(), "translated but used nowhere: {unused:?}");
}
