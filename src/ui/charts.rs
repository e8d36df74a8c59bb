//! Small charts over virtual time: term per node, commit index per node, messages per second.

use yew::prelude::*;

use super::PanelProps;
use crate::raft::NodeId;
use crate::view::catalog::EN;
use crate::view::controller::Sample;

const W: f64 = 320.0;
const H: f64 = 110.0;
const PAD: f64 = 22.0;

fn x_of(t: u64, t0: u64, t1: u64) -> f64 {
    PAD + (W - PAD - 6.0) * (t.saturating_sub(t0)) as f64 / (t1.saturating_sub(t0)).max(1) as f64
}

fn y_of(v: f64, max: f64) -> f64 {
    H - 16.0 - (H - 26.0) * (v / max.max(1e-9))
}

fn frame(title: &str, max: f64, t0: u64, t1: u64, body: Html, legend: Html) -> Html {
    html! {
        <figure class="chart">
            <figcaption>{ title.to_string() }</figcaption>
            <svg viewBox={format!("0 0 {W} {H}")} role="img" aria-label={title.to_string()}>
                <line class="axis" x1={PAD.to_string()} y1={(H - 16.0).to_string()} x2={(W - 6.0).to_string()} y2={(H - 16.0).to_string()} />
                <line class="axis" x1={PAD.to_string()} y1="10" x2={PAD.to_string()} y2={(H - 16.0).to_string()} />
                <text class="tick" x={(PAD - 4.0).to_string()} y="14" text-anchor="end">{ format!("{max:.0}") }</text>
                <text class="tick" x={(PAD - 4.0).to_string()} y={(H - 16.0).to_string()} text-anchor="end">{ "0" }</text>
                <text class="tick" x={PAD.to_string()} y={(H - 3.0).to_string()}>{ format!("{:.1}s", t0 as f64 / 1e6) }</text>
                <text class="tick" x={(W - 6.0).to_string()} y={(H - 3.0).to_string()} text-anchor="end">{ format!("{:.1}s", t1 as f64 / 1e6) }</text>
                { body }
            </svg>
            { legend }
        </figure>
    }
}

/// One step line per node.
fn per_node(samples: &[&Sample], pick: fn(&Sample) -> &Vec<(NodeId, u64)>, ids: &[NodeId], title: &str) -> Html {
    let (t0, t1) = (samples.first().map_or(0, |s| s.time), samples.last().map_or(1, |s| s.time));
    let max = samples.iter().flat_map(|s| pick(s).iter().map(|(_, v)| *v)).max().unwrap_or(1).max(1) as f64;
    let lines: Html = ids
        .iter()
        .map(|&id| {
            let mut points = String::new();
            let mut last: Option<f64> = None;
            for s in samples {
                if let Some((_, v)) = pick(s).iter().find(|(n, _)| *n == id) {
                    let x = x_of(s.time, t0, t1);
                    let y = y_of(*v as f64, max);
                    if let Some(ly) = last {
                        points.push_str(&format!("{x:.1},{ly:.1} "));
                    }
                    points.push_str(&format!("{x:.1},{y:.1} "));
                    last = Some(y);
                }
            }
            html! { <polyline class={format!("series node-{}", id)} points={points} /> }
        })
        .collect();
    let legend: Html = html! {
        <div class="chart-legend">
            { for ids.iter().map(|id| html! { <span class={format!("key node-{id}")}>{ id }</span> }) }
        </div>
    };
    frame(title, max, t0, t1, lines, legend)
}

#[function_component]
pub fn Charts(props: &PanelProps) -> Html {
    let c = props.ctl.0.borrow();
    let samples: Vec<&Sample> = c.samples.iter().collect();
    let ids = c.session.world().machine_ids();
    if samples.len() < 2 {
        return html! { <><h2>{ EN.charts }</h2><p class="hint">{ EN.no_events }</p></> };
    }
    let (t0, t1) = (samples[0].time, samples[samples.len() - 1].time);
    let max_rate = samples.iter().map(|s| s.messages_per_second).fold(1.0, f64::max);
    let mut points = format!("{:.1},{:.1} ", x_of(t0, t0, t1), y_of(0.0, max_rate));
    for s in &samples {
        points.push_str(&format!("{:.1},{:.1} ", x_of(s.time, t0, t1), y_of(s.messages_per_second, max_rate)));
    }
    points.push_str(&format!("{:.1},{:.1}", x_of(t1, t0, t1), y_of(0.0, max_rate)));
    let rate = frame(EN.chart_messages, max_rate, t0, t1, html! { <polygon class="area" points={points} /> }, html! {});
    html! {
        <>
            <h2>{ EN.charts }</h2>
            <div class="chart-row">
                { per_node(&samples, |s| &s.terms, &ids, EN.chart_term) }
                { per_node(&samples, |s| &s.commits, &ids, EN.chart_commit) }
                { rate }
            </div>
        </>
    }
}
