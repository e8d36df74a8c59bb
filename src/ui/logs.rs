//! Every node's log, aligned by index: entries coloured by term, committed ones solid,
//! the commit index marked, and the leader's next and match index for each follower.

use std::fmt::Write as _;

use yew::prelude::*;

use super::markup::{esc, Markup};
use super::PanelProps;
use crate::raft::{Entry, Index};
use crate::view::catalog::EN;
use crate::view::frame::{self, entry_label, PeerView};

/// How many of the latest indexes are drawn.
const WINDOW: u64 = 48;

/// One node's log as drawn: id, role, entries after the snapshot, snapshot index, commit
/// index (unknown for a crashed node).
type Row = (u32, &'static str, Vec<Entry>, Index, Option<Index>);

fn grid(props: &PanelProps) -> String {
    let c = props.ctl.0.borrow();
    let world = c.session.world();
    let nodes = frame::nodes(world, 0);
    let rows: Vec<Row> = nodes
        .iter()
        .map(|v| match world.node(0, v.id) {
            Some(n) => (v.id, v.role, n.log().entries().to_vec(), n.log().snapshot_index(), Some(n.log().commit_index())),
            None => match world.storage(0, v.id) {
                Some(s) => (v.id, v.role, s.entries.clone(), s.snapshot.index, None),
                None => (v.id, v.role, Vec::new(), 0, None),
            },
        })
        .collect();
    let end = rows.iter().map(|r| r.3 + r.2.len() as u64).max().unwrap_or(0).max(1);
    let start = end.saturating_sub(WINDOW - 1).max(1);
    let peers: Vec<PeerView> = world.leader(0).map(|l| frame::peers(world, 0, l)).unwrap_or_default();

    let mut s = String::with_capacity(8192);
    let _ = write!(s, r#"<div class="log-grid" role="table" aria-label="{}" style="--cols:{}">"#, esc(EN.logs), end - start + 1);
    s.push_str(r#"<div class="log-row head" role="row"><span class="who"></span>"#);
    for i in start..=end {
        let _ = write!(s, r#"<span class="idx">{i}</span>"#);
    }
    s.push_str("</div>");
    for (id, role, entries, snapshot, commit) in &rows {
        let peer = peers.iter().find(|p| p.id == *id);
        let _ = write!(
            s,
            r#"<div class="log-row role-{role}" role="row"><span class="who" role="rowheader"><span class="dot"></span>{id}</span>"#
        );
        for i in start..=end {
            let edge = if *commit == Some(i) { " commit-edge" } else { "" };
            let mut marks = String::new();
            if let Some(p) = peer {
                if p.match_index == i {
                    let _ = write!(marks, r#"<span class="pm match" title="{} {i}">▴</span>"#, EN.f_match);
                }
                if p.next_index == i {
                    let _ = write!(marks, r#"<span class="pm next" title="{} {i}">▸</span>"#, EN.f_next);
                }
            }
            if i <= *snapshot {
                let label = if i == *snapshot { "snap" } else { "" };
                let _ =
                    write!(s, r#"<span class="cell compacted{edge}" title="{} ≤ {snapshot}">{label}{marks}</span>"#, esc(EN.logs_snapshot));
                continue;
            }
            match entries.get((i - snapshot - 1) as usize) {
                Some(e) => {
                    let committed = commit.is_some_and(|c| i <= c);
                    let label = esc(&entry_label(e));
                    let _ = write!(
                        s,
                        r#"<span class="cell entry term-{tc}{ok}{edge}" data-log-entry="" data-node-id="{id}" data-index="{i}" data-term="{t}" data-committed="{committed}" title="index {i}, term {t}: {label}"><span class="t">{t}</span><span class="cmd">{label}</span>{marks}</span>"#,
                        tc = e.term % 8,
                        ok = if committed { " committed" } else { "" },
                        t = e.term,
                    );
                }
                None => {
                    let _ = write!(s, r#"<span class="cell empty{edge}">{marks}</span>"#);
                }
            }
        }
        s.push_str("</div>");
    }
    s.push_str("</div>");
    s
}

#[function_component]
pub fn LogsView(props: &PanelProps) -> Html {
    let scroller = use_node_ref();
    let follow = use_state(|| true);
    {
        let scroller = scroller.clone();
        let follow = *follow;
        use_effect_with(props.version, move |_| {
            if follow {
                if let Some(el) = scroller.cast::<web_sys::Element>() {
                    el.set_scroll_left(el.scroll_width());
                }
            }
        });
    }
    let toggle_follow = {
        let follow = follow.clone();
        Callback::from(move |_: Event| follow.set(!*follow))
    };
    let mut legend = Markup::new();
    let _ = write!(
        legend.0,
        r#"<span class="cell entry committed term-1 sample"></span> {} <span class="cell entry term-1 sample"></span> {} <span class="cell empty commit-edge sample"></span> {} · {}"#,
        esc(EN.logs_committed),
        esc(EN.logs_uncommitted),
        esc(EN.logs_commit_index),
        esc(EN.logs_markers)
    );
    html! {
        <>
            <div class="panel-head">
                <h2>{ EN.logs }</h2>
                <label class="check small"><input type="checkbox" checked={*follow} onchange={toggle_follow} />{ EN.follow_tail }</label>
            </div>
            <div class="log-scroll" ref={scroller}>{ Html::from_html_unchecked(AttrValue::from(grid(props))) }</div>
            <p class="small legend-line">{ legend.html() }</p>
        </>
    }
}
