//! Small charts over virtual time: term per node, commit index per node, messages per second.

use std::fmt::Write as _;

use super::markup::{esc, num, secs};
use super::Controller;
use crate::raft::NodeId;
use crate::view::catalog::cat;
use crate::view::controller::{PerGroup, Sample};

const W: f64 = 320.0;
const H: f64 = 110.0;
const PAD: f64 = 26.0;

fn x_of(t: u64, t0: u64, t1: u64) -> f64 {
    PAD + (W - PAD - 6.0) * (t.saturating_sub(t0)) as f64 / (t1.saturating_sub(t0)).max(1) as f64
}

fn y_of(v: f64, max: f64) -> f64 {
    H - 16.0 - (H - 26.0) * (v / max.max(1e-9))
}

fn chart(out: &mut String, title: &str, max: u64, t0: u64, t1: u64, body: &str, legend: &str) {
    let _ = write!(
        out,
        r#"<figure class="chart"><figcaption>{t}</figcaption><svg viewBox="0 0 {w} {h}" role="img" aria-label="{t}"><line class="axis" x1="{p}" y1="{b}" x2="{r}" y2="{b}"/><line class="axis" x1="{p}" y1="10" x2="{p}" y2="{b}"/><text class="tick" x="{pl}" y="14" text-anchor="end">{max}</text><text class="tick" x="{pl}" y="{b}" text-anchor="end">0</text><text class="tick" x="{p}" y="{bl}">{s0}s</text><text class="tick" x="{r}" y="{bl}" text-anchor="end">{s1}s</text>{body}</svg>{legend}</figure>"#,
        t = esc(title),
        w = num(W),
        h = num(H),
        p = num(PAD),
        pl = num(PAD - 4.0),
        b = num(H - 16.0),
        bl = num(H - 3.0),
        r = num(W - 6.0),
        s0 = secs(t0),
        s1 = secs(t1),
    );
}

/// One step line per node (of Raft group `g`).
fn per_node(out: &mut String, samples: &[&Sample], pick: fn(&Sample) -> &PerGroup, g: usize, ids: &[NodeId], title: &str) {
    let empty = Vec::new();
    let pick = |s: &Sample| pick(s).get(g).unwrap_or(&empty).clone();
    let (t0, t1) = (samples.first().map_or(0, |s| s.time), samples.last().map_or(1, |s| s.time));
    let max = samples.iter().flat_map(|s| pick(s).into_iter().map(|(_, v)| v)).max().unwrap_or(1).max(1);
    let mut body = String::new();
    for &id in ids {
        let _ = write!(body, r#"<polyline class="series node-{id}" points=""#);
        let mut last: Option<f64> = None;
        for s in samples {
            if let Some((_, v)) = pick(s).iter().find(|(n, _)| *n == id) {
                let x = num(x_of(s.time, t0, t1));
                let y = y_of(*v as f64, max as f64);
                if let Some(ly) = last {
                    let _ = write!(body, "{x},{} ", num(ly));
                }
                let _ = write!(body, "{x},{} ", num(y));
                last = Some(y);
            }
        }
        body.push_str(r#""/>"#);
    }
    let mut legend = String::from(r#"<div class="chart-legend">"#);
    for id in ids {
        let _ = write!(legend, r#"<span class="key node-{id}">{id}</span>"#);
    }
    legend.push_str("</div>");
    chart(out, title, max, t0, t1, &body, &legend);
}

/// Zeebe mode: entries committed per second in each partition, one line per partition
/// (from the growth of its committed prefix between samples).
fn throughput(out: &mut String, samples: &[&Sample], partitions: u32) {
    let (t0, t1) = (samples[0].time, samples[samples.len() - 1].time);
    let rate = |a: &Sample, b: &Sample, g: usize| {
        let d = b.committed.get(g).unwrap_or(&0).saturating_sub(*a.committed.get(g).unwrap_or(&0));
        d as f64 / ((b.time - a.time).max(1) as f64 / 1e6)
    };
    let pairs: Vec<(&Sample, &Sample)> = samples.windows(2).map(|w| (w[0], w[1])).collect();
    let max = pairs.iter().flat_map(|(a, b)| (0..partitions as usize).map(|g| rate(a, b, g))).fold(1.0, f64::max).ceil();
    let mut body = String::new();
    let mut legend = String::from(r#"<div class="chart-legend">"#);
    for g in 0..partitions as usize {
        let class = format!("series node-{}", g % 9 + 1);
        let _ = write!(body, r#"<polyline class="{class}" points=""#);
        for (a, b) in &pairs {
            let y = num(y_of(rate(a, b, g), max));
            let _ = write!(body, "{},{y} {},{y} ", num(x_of(a.time, t0, t1)), num(x_of(b.time, t0, t1)));
        }
        body.push_str(r#""/>"#);
        let _ = write!(
            legend,
            r#"<span class="key node-{}">{}</span>"#,
            g % 9 + 1,
            esc(&crate::view::catalog::fill(cat().z_p, &[("partition", &(g + 1))]))
        );
    }
    legend.push_str("</div>");
    chart(out, cat().z_chart, max as u64, t0, t1, &body, &legend);
}

pub fn charts_markup(c: &Controller) -> String {
    let samples: Vec<&Sample> = c.samples.iter().collect();
    let world = c.session.world();
    let g = c.group;
    let ids = if world.topology().is_some() { world.replica_ids(g) } else { world.machine_ids() };
    if samples.len() < 2 {
        return format!(r#"<h2>{}</h2><p class="hint">{}</p>"#, esc(cat().charts), esc(cat().no_events));
    }
    let (t0, t1) = (samples[0].time, samples[samples.len() - 1].time);
    let max_rate = samples.iter().map(|s| s.messages_per_second).fold(1.0, f64::max).ceil();
    let mut out = String::new();
    per_node(&mut out, &samples, |s| &s.terms, g as usize, &ids, &c.words(cat().chart_term));
    per_node(&mut out, &samples, |s| &s.commits, g as usize, &ids, &c.words(cat().chart_commit));
    if let Some(t) = world.topology() {
        throughput(&mut out, &samples, t.partitions);
    }
    let mut area = format!(r#"<polygon class="area" points="{},{} "#, num(x_of(t0, t0, t1)), num(y_of(0.0, max_rate)));
    for s in &samples {
        let _ = write!(area, "{},{} ", num(x_of(s.time, t0, t1)), num(y_of(s.messages_per_second, max_rate)));
    }
    let _ = write!(area, r#"{},{}"/>"#, num(x_of(t1, t0, t1)), num(y_of(0.0, max_rate)));
    chart(&mut out, cat().chart_messages, max_rate as u64, t0, t1, &area, "");
    format!(r#"<h2>{}</h2><div class="chart-row">{out}</div>"#, esc(cat().charts))
}
