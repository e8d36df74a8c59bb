//! Every node's log, aligned by index: entries coloured by term, committed ones solid,
//! the commit index marked, and the leader's next and match index for each follower.

use yew::prelude::*;

use super::PanelProps;
use crate::raft::{Entry, Index, NodeId};
use crate::view::catalog::EN;
use crate::view::frame::{self, entry_label};

/// How many of the latest indexes are drawn.
const WINDOW: u64 = 48;

struct Row {
    id: NodeId,
    role: &'static str,
    entries: Vec<Entry>,
    snapshot: Index,
    commit: Option<Index>,
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
    let c = props.ctl.0.borrow();
    let world = c.session.world();
    let nodes = frame::nodes(world, 0);
    let mut rows = Vec::new();
    for v in &nodes {
        let (entries, snapshot, commit) = match world.node(0, v.id) {
            Some(n) => (n.log().entries().to_vec(), n.log().snapshot_index(), Some(n.log().commit_index())),
            None => match world.storage(0, v.id) {
                Some(s) => (s.entries.clone(), s.snapshot.index, None),
                None => (Vec::new(), 0, None),
            },
        };
        rows.push(Row { id: v.id, role: v.role, entries, snapshot, commit });
    }
    let end = rows.iter().map(|r| r.snapshot + r.entries.len() as u64).max().unwrap_or(0).max(1);
    let start = end.saturating_sub(WINDOW - 1).max(1);
    let leader = world.leader(0);
    let peers = leader.map(|l| frame::peers(world, 0, l)).unwrap_or_default();

    let header: Html = (start..=end).map(|i| html! { <span class="idx">{ i }</span> }).collect();
    let body: Html = rows
        .iter()
        .map(|row| {
            let peer = peers.iter().find(|p| p.id == row.id);
            let cells: Html = (start..=end)
                .map(|i| {
                    let is_commit = row.commit == Some(i);
                    let mark_match = peer.is_some_and(|p| p.match_index == i);
                    let mark_next = peer.is_some_and(|p| p.next_index == i);
                    let marks = html! {
                        <>
                            if mark_match { <span class="pm match" title={format!("{} {i}", EN.f_match)}>{ "▴" }</span> }
                            if mark_next { <span class="pm next" title={format!("{} {i}", EN.f_next)}>{ "▸" }</span> }
                        </>
                    };
                    if i <= row.snapshot {
                        let label = if i == row.snapshot { "snap" } else { "" };
                        return html! { <span class="cell compacted" title={format!("{} {}", EN.f_snapshot, row.snapshot)}>{ label }{ marks }</span> };
                    }
                    match row.entries.get((i - row.snapshot - 1) as usize) {
                        Some(e) => {
                            let committed = row.commit.is_some_and(|c| i <= c);
                            let label = entry_label(e);
                            html! {
                                <span class={classes!("cell", "entry", format!("term-{}", e.term % 8), committed.then_some("committed"), is_commit.then_some("commit-edge"))}
                                    data-log-entry="" data-node-id={row.id.to_string()} data-index={i.to_string()}
                                    data-term={e.term.to_string()} data-committed={committed.to_string()}
                                    title={format!("index {i}, term {}: {label}{}", e.term, if committed { " (committed)" } else { "" })}>
                                    <span class="t">{ e.term }</span>
                                    <span class="cmd">{ label }</span>
                                    { marks }
                                </span>
                            }
                        }
                        None => html! { <span class={classes!("cell", "empty", is_commit.then_some("commit-edge"))}>{ marks }</span> },
                    }
                })
                .collect();
            html! {
                <div class={classes!("log-row", format!("role-{}", row.role))} role="row">
                    <span class="who" role="rowheader"><span class="dot"></span>{ row.id }</span>
                    { cells }
                </div>
            }
        })
        .collect();
    let toggle_follow = {
        let follow = follow.clone();
        Callback::from(move |_: Event| follow.set(!*follow))
    };
    let columns = end - start + 1;
    html! {
        <>
            <div class="panel-head">
                <h2>{ EN.logs }</h2>
                <label class="check small"><input type="checkbox" checked={*follow} onchange={toggle_follow} />{ "Follow the tail" }</label>
            </div>
            <div class="log-scroll" ref={scroller}>
                <div class="log-grid" role="table" aria-label={EN.logs} style={format!("--cols:{columns}")}>
                    <div class="log-row head" role="row"><span class="who"></span>{ header }</div>
                    { body }
                </div>
            </div>
            <p class="small legend-line">
                <span class="cell entry committed term-1 sample"></span>{ " committed " }
                <span class="cell entry term-1 sample"></span>{ " not yet committed " }
                <span class="cell empty commit-edge sample"></span>{ " commit index " }
                { "▴ match ▸ next (leader's view)" }
            </p>
        </>
    }
}
