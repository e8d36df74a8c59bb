//! The page's URL parameters: `seed`, `nodes`, `speed` (virtual ms per real ms), `scenario`
//! (scenario text), `embed=1`, `theme` (auto, light, dark), `autoplay` (1/0), `caption`
//! (one line of text), `s` and `t` (a permalink's session and moment; `t` also works with
//! `scenario`). Each bad value is reported and replaced by its default; nothing stops the
//! page.

use crate::sim::MAX_NODES;
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
    for (k, v) in pairs {
        let v = v.trim();
        match k.as_str() {
            "seed" => match v.parse::<u64>() {
                Ok(s) => p.seed = Some(s),
                Err(_) => errors.push(format!("seed: `{v}` is not a whole number from 0 to {}", u64::MAX)),
            },
            "nodes" => match v.parse::<u32>() {
                Ok(n) if (1..=MAX_NODES).contains(&n) => p.nodes = Some(n),
                _ => errors.push(format!("nodes: `{v}` is not a node count from 1 to {MAX_NODES}")),
            },
            "speed" => match v.parse::<f64>() {
                Ok(s) if s.is_finite() && (SPEED_MIN..=SPEED_MAX).contains(&s) => p.speed = Some(s),
                _ => errors.push(format!("speed: `{v}` is not a speed from {SPEED_MIN} to {SPEED_MAX} (virtual ms per real ms)")),
            },
            "scenario" => p.scenario = Some(v.to_string()),
            "embed" => match flag(v) {
                Some(b) => p.embed = b,
                None => errors.push(format!("embed: `{v}` is not 1 or 0")),
            },
            "theme" => match Theme::from_name(v) {
                Some(t) => p.theme = Some(t),
                None => errors.push(format!("theme: `{v}` is not auto, light or dark")),
            },
            "autoplay" => match flag(v) {
                Some(b) => p.autoplay = Some(b),
                None => errors.push(format!("autoplay: `{v}` is not 1 or 0")),
            },
            "s" | "session" => p.session = Some(v.to_string()),
            "caption" => {
                let line: String = v.chars().filter(|c| !c.is_control()).take(MAX_CAPTION).collect();
                if v.chars().count() > MAX_CAPTION {
                    errors.push(format!("caption: longer than {MAX_CAPTION} characters; the rest is left out"));
                }
                p.caption = Some(line).filter(|l| !l.trim().is_empty());
            }
            "t" => match v.parse::<u64>() {
                Ok(t) if t <= 86_400_000 => p.time = Some(t),
                _ => errors.push(format!("t: `{v}` is not a time in milliseconds (0 to 86400000)")),
            },
            _ => {}
        }
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
    fn a_caption_is_one_line_of_bounded_length() {
        let (p, e) = from_pairs(&pairs(&[("caption", "Leader crash\n demo")]));
        assert_eq!((p.caption.as_deref(), e.len()), (Some("Leader crash demo"), 0));
        let long = "x".repeat(MAX_CAPTION + 5);
        let (p, e) = from_pairs(&pairs(&[("caption", &long)]));
        assert_eq!((p.caption.map(|c| c.len()), e.len()), (Some(MAX_CAPTION), 1));
        assert_eq!(from_pairs(&pairs(&[("caption", "  ")])).0.caption, None);
    }
}
