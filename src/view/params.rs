//! The page's URL parameters: `seed`, `nodes`, `speed` (virtual ms per real ms), `scenario`
//! (scenario text), `embed=1`, `theme` (auto, light, dark), `autoplay` (1/0), `caption`
//! (one line of text), `s` and `t` (a permalink's session and moment; `t` also works with
//! `scenario`), `lang` (en, zh), `lesson` and `step` (a lesson and the step it opens at),
//! `brokers`, `partitions`, `replication` (Zeebe mode; partitions and replication default
//! to 1, as in Zeebe and the scenario language).
//! Each bad value is reported (in the page's language) and replaced by its default; nothing
//! stops the page.

use crate::sim::zeebe::{Topology, MAX_BROKERS, MAX_PARTITIONS};
use crate::sim::MAX_NODES;
use crate::view::catalog::{cat, fill};
use crate::view::geometry::{SPEED_MAX, SPEED_MIN};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    Auto,
    Light,
    Dark,
}

impl Theme {
    pub fn name(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn from_name(s: &str) -> Option<Theme> {
        match s {
            "auto" => Some(Theme::Auto),
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }
}

/// The languages the page speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    /// The `lang=` value and the name kept in local storage.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// The tag `<html lang>` takes.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }

    /// `en`, `zh`, or a browser's language tag (`zh-CN`, `zh-Hans-SG`, `en-US`...).
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "zh" => Some(Lang::Zh),
            _ => None,
        }
    }

    /// The page's language: the address's `lang=`, else the one the reader chose before,
    /// else the first of the browser's languages the page speaks, else English.
    pub fn choose(param: Option<Lang>, stored: Option<&str>, browser: &[String]) -> Lang {
        param.or_else(|| stored.and_then(Lang::from_tag)).or_else(|| browser.iter().find_map(|t| Lang::from_tag(t))).unwrap_or(Lang::En)
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageParams {
    pub seed: Option<u64>,
    pub nodes: Option<u32>,
    pub speed: Option<f64>,
    pub scenario: Option<String>,
    pub embed: bool,
    pub theme: Option<Theme>,
    pub autoplay: Option<bool>,
    /// An encoded session (permalink).
    pub session: Option<String>,
    /// The virtual time (ms) a permalink or a scenario opens at (paused, unless
    /// `autoplay=1`).
    pub time: Option<u64>,
    /// One line shown above the cluster, instead of the scenario's comments.
    pub caption: Option<String>,
    pub lang: Option<Lang>,
    /// A lesson to open (its id), and the step (1-based) to open it at.
    pub lesson: Option<String>,
    pub step: Option<u32>,
    /// Zeebe mode: the layout `brokers=`, `partitions=`, `replication=` ask for.
    pub zeebe: Option<Topology>,
}

impl PageParams {
    /// Whether the page starts playing: `autoplay` when given; otherwise yes, except when it
    /// opens at a chosen moment (`t=` with a session or a scenario that could be used),
    /// which opens paused so it can be looked at.
    pub fn plays(&self, at_moment: bool) -> bool {
        self.autoplay.unwrap_or(!at_moment)
    }
}

/// The longest caption taken from the address, in characters.
pub const MAX_CAPTION: usize = 200;

fn flag(v: &str) -> Option<bool> {
    match v {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// Reads decoded `(key, value)` pairs. Returns the parameters and a message for each value
/// that could not be used.
pub fn from_pairs(pairs: &[(String, String)]) -> (PageParams, Vec<String>) {
    let mut p = PageParams::default();
    let mut errors = Vec::new();
    let c = cat();
    // Zeebe's layout: each number checked alone first, then together.
    let (mut brokers, mut partitions, mut replication) = (None, None, None);
    for (k, v) in pairs {
        let v = v.trim();
        let mut bad = |template: &str, extra: &[(&str, &str)]| {
            let mut values: Vec<(&str, &dyn std::fmt::Display)> = vec![("value", &v)];
            values.extend(extra.iter().map(|(k, x)| (*k, x as &dyn std::fmt::Display)));
            errors.push(format!("{k}: {}", fill(template, &values)));
        };
        match k.as_str() {
            "seed" => match v.parse::<u64>() {
                Ok(s) => p.seed = Some(s),
                Err(_) => bad(c.p_seed, &[("max", &u64::MAX.to_string())]),
            },
            "nodes" => match v.parse::<u32>() {
                Ok(n) if (1..=MAX_NODES).contains(&n) => p.nodes = Some(n),
                _ => bad(c.p_nodes, &[("max", &MAX_NODES.to_string())]),
            },
            "speed" => match crate::decimal::parse(v) {
                Some(s) if (SPEED_MIN..=SPEED_MAX).contains(&s) => p.speed = Some(s),
                _ => bad(c.p_speed, &[("min", &crate::decimal::show(SPEED_MIN)), ("max", &crate::decimal::show(SPEED_MAX))]),
            },
            "scenario" => p.scenario = Some(v.to_string()),
            "embed" => match flag(v) {
                Some(b) => p.embed = b,
                None => bad(c.p_flag, &[]),
            },
            "theme" => match Theme::from_name(v) {
                Some(t) => p.theme = Some(t),
                None => bad(c.p_theme, &[]),
            },
            "autoplay" => match flag(v) {
                Some(b) => p.autoplay = Some(b),
                None => bad(c.p_flag, &[]),
            },
            "s" | "session" => p.session = Some(v.to_string()),
            "caption" => {
                let line: String = v.chars().filter(|c| !c.is_control()).take(MAX_CAPTION).collect();
                if v.chars().count() > MAX_CAPTION {
                    bad(c.p_caption, &[("max", &MAX_CAPTION.to_string())]);
                }
                p.caption = Some(line).filter(|l| !l.trim().is_empty());
            }
            "t" => match v.parse::<u64>() {
                Ok(t) if t <= 86_400_000 => p.time = Some(t),
                _ => bad(c.p_time, &[]),
            },
            "lang" => match Lang::from_tag(v) {
                Some(l) => p.lang = Some(l),
                None => bad(c.p_lang, &[]),
            },
            "lesson" => match crate::script::lesson::valid_id(v) {
                true => p.lesson = Some(v.to_string()),
                false => bad(c.p_lesson, &[]),
            },
            "step" => match v.parse::<u32>() {
                Ok(n) if n >= 1 => p.step = Some(n),
                _ => bad(c.p_step, &[]),
            },
            "brokers" | "partitions" | "replication" => {
                let max = match k.as_str() {
                    "brokers" => MAX_BROKERS,
                    "partitions" => MAX_PARTITIONS,
                    _ => brokers.unwrap_or(MAX_BROKERS),
                };
                match v.parse::<u32>() {
                    Ok(n) if (1..=max).contains(&n) => match k.as_str() {
                        "brokers" => brokers = Some(n),
                        "partitions" => partitions = Some(n),
                        _ => replication = Some(n),
                    },
                    _ => bad(c.p_count, &[("min", "1"), ("max", &max.to_string())]),
                }
            }
            _ => {}
        }
    }
    match brokers {
        Some(b) => {
            let r = replication.filter(|&r| r <= b);
            if r != replication {
                errors
                    .push(format!("replication: {}", fill(c.p_count, &[("value", &replication.unwrap_or(0)), ("min", &"1"), ("max", &b)])));
            }
            p.zeebe = Topology::new(b, partitions.unwrap_or(1), r.unwrap_or(1)).ok();
        }
        None if partitions.is_some() || replication.is_some() => {
            let k = if partitions.is_some() { "partitions" } else { "replication" };
            errors.push(format!("{k}: {}", c.p_needs_brokers));
        }
        None => {}
    }
    (p, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn good_values_are_taken() {
        let (p, e) = from_pairs(&pairs(&[("seed", "42"), ("nodes", "7"), ("speed", "0.01"), ("embed", "1"), ("scenario", "run 1s")]));
        assert!(e.is_empty());
        assert_eq!((p.seed, p.nodes, p.speed, p.embed), (Some(42), Some(7), Some(0.01), true));
        assert_eq!(p.scenario.as_deref(), Some("run 1s"));
    }

    #[test]
    fn bad_values_are_reported_and_ignored() {
        let (p, e) = from_pairs(&pairs(&[("seed", "-1"), ("nodes", "12"), ("speed", "fast"), ("theme", "pink"), ("unknown", "x")]));
        assert_eq!(p, PageParams::default());
        assert_eq!(e.len(), 4, "{e:?}");
        assert!(e[1].contains("1 to 9"));
        assert_eq!(e[0], format!("seed: `-1` is not a whole number from 0 to {}", u64::MAX));
    }

    #[test]
    fn the_language_comes_from_the_address_then_the_reader_then_the_browser() {
        let (p, e) = from_pairs(&pairs(&[("lang", "zh"), ("lesson", "partition"), ("step", "3")]));
        assert!(e.is_empty());
        assert_eq!((p.lang, p.lesson.as_deref(), p.step), (Some(Lang::Zh), Some("partition"), Some(3)));
        assert_eq!(from_pairs(&pairs(&[("lang", "zh-CN")])).0.lang, Some(Lang::Zh));
        assert_eq!(from_pairs(&pairs(&[("lang", "fr"), ("step", "0"), ("lesson", "../x")])).1.len(), 3);
        let zh = ["zh-CN".to_string()];
        assert_eq!(Lang::choose(Some(Lang::En), Some("zh"), &zh), Lang::En);
        assert_eq!(Lang::choose(None, Some("en"), &zh), Lang::En);
        assert_eq!(Lang::choose(None, None, &zh), Lang::Zh);
        assert_eq!(Lang::choose(None, None, &["fr".into(), "zh-Hans-SG".into()]), Lang::Zh);
        assert_eq!(Lang::choose(None, None, &["fr".into()]), Lang::En);
        assert_eq!(Lang::Zh.tag(), "zh-CN");
    }

    #[test]
    fn autoplay_defaults_to_playing_except_at_a_chosen_moment() {
        let plays = |list: &[(&str, &str)], at_moment| from_pairs(&pairs(list)).0.plays(at_moment);
        assert!(plays(&[], false));
        assert!(plays(&[("scenario", "run 1s")], false));
        assert!(!plays(&[("scenario", "run 1s"), ("t", "500")], true), "a moment opens paused");
        assert!(plays(&[("t", "500"), ("autoplay", "1")], true));
        assert!(!plays(&[("autoplay", "0")], false));
    }

    #[test]
    fn brokers_partitions_and_replication_open_zeebe_mode_and_bad_ones_are_named() {
        let (p, e) = from_pairs(&pairs(&[("brokers", "5"), ("partitions", "4"), ("replication", "3")]));
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(p.zeebe, Some(Topology { brokers: 5, partitions: 4, replication: 3 }));
        assert_eq!(from_pairs(&pairs(&[("brokers", "3")])).0.zeebe, Topology::new(3, 1, 1).ok(), "Zeebe's defaults");
        let (p, e) = from_pairs(&pairs(&[("brokers", "3"), ("replication", "4"), ("partitions", "13")]));
        assert_eq!(p.zeebe, Topology::new(3, 1, 1).ok());
        assert_eq!(e, vec!["replication: `4` is not a number from 1 to 3", "partitions: `13` is not a number from 1 to 12"]);
        let (p, e) = from_pairs(&pairs(&[("brokers", "0"), ("partitions", "2")]));
        assert_eq!(p.zeebe, None);
        assert_eq!(e, vec!["brokers: `0` is not a number from 1 to 9", "partitions: needs brokers= (the number of Zeebe brokers)"]);
    }

    #[test]
    fn a_caption_is_one_line_of_bounded_length() {
        let (p, e) = from_pairs(&pairs(&[("caption", "Leader crash\n demo")]));
        assert_eq!((p.caption.as_deref(), e.len()), (Some("Leader crash demo"), 0));
        let long = "x".repeat(MAX_CAPTION + 5);
        let (p, e) = from_pairs(&pairs(&[("caption", &long)]));
        assert_eq!((p.caption.map(|c| c.len()), e.len()), (Some(MAX_CAPTION), 1));
        assert_eq!(from_pairs(&pairs(&[("caption", "  ")])).0.caption, None);
    }
}
