//! Every node's log, aligned by index: entries coloured by term, committed ones solid,
//! the commit index marked, and the leader's next and match index for each follower.

use std::fmt::Write as _;

use super::dom::Slot;
use super::markup::{esc, num};
use super::Controller;
use crate::raft::{Entry, Index};
use crate::view::catalog::{cat, fill};
use crate::view::controller::GHOST_MS;
use crate::view::frame::{self, entry_label, PeerView};

/// The width of one index column, in CSS pixels, used to fit the window to the card.
const COLUMN_PX: i32 = 40;

/// One node's log as drawn: id, role, the entries shown and the index before the first of
/// them, the snapshot index, the commit index (unknown for a crashed node), and whether
/// the node is a stale leader.
type Row = (u32, &'static str, Vec<Entry>, Index, Index, Option<Index>, bool);

/// The grid's markup and the last index it shows.
/// `back`: how many indexes before the newest the window ends (0 follows the tail).
fn grid(c: &Controller, window: u64, back: u64) -> (String, Index) {
    let world = c.session.world();
    let g = c.group;
    let nodes = frame::nodes(world, g);
    // Only the window of the latest indexes is copied out of each log.
    let end = nodes
        .iter()
        .map(|v| match world.node(g, v.id) {
            Some(n) => n.log().last_index(),
            None => world.storage(g, v.id).map_or(0, |s| s.last_index()),
        })
        .max()
        .unwrap_or(0)
        .max(1);
    let end = end.saturating_sub(back).max(window.min(end));
    let start = end.saturating_sub(window - 1).max(1);
    let rows: Vec<Row> = nodes
        .iter()
        .map(|v| match world.node(g, v.id) {
            Some(n) => {
                let log = n.log();
                let first = start.max(log.snapshot_index() + 1);
                (v.id, v.role, log.slice(first, end).to_vec(), first - 1, log.snapshot_index(), Some(log.commit_index()), v.stale.is_some())
            }
            None => match world.storage(g, v.id) {
                Some(s) => {
                    let first = start.max(s.snapshot.index + 1);
                    let skip = (first - s.snapshot.index - 1) as usize;
                    let entries = s.entries.iter().skip(skip).take(window as usize).cloned().collect();
                    (v.id, v.role, entries, first - 1, s.snapshot.index, None, false)
                }
                None => (v.id, v.role, Vec::new(), 0, 0, None, false),
            },
        })
        .collect();
    let peers: Vec<PeerView> = world.leader(g).map(|l| frame::peers(world, g, l)).unwrap_or_default();
    let real_now = c.last_frame_ms();
    // Discarded entries' ghosts, fading out over the cells where they were: placed on the
    // row's grid, not inside a cell, so a cell's text stays its own entry's.
    let ghosts = |node: u32| -> String {
        let mut out = String::new();
        for g in c.ghosts.iter().filter(|g| g.node == node && (start..=end).contains(&g.index)) {
            let age = g.shown_at.map_or(0.0, |s| (real_now - s).max(0.0)) / GHOST_MS;
            let title = fill(cat().ghost_title, &[("command", &g.label), ("term", &g.term)]);
            let _ = write!(
                out,
                r#"<span class="ghost" style="grid-column:{} / span 1;opacity:{}" title="{}" aria-hidden="true">{}</span>"#,
                g.index - start + 2,
                num((1.0 - age).clamp(0.2, 1.0)),
                esc(&title),
                esc(&g.label)
            );
        }
        out
    };

    let mut s = String::with_capacity(8192);
    let _ = write!(s, r#"<div class="log-grid" role="table" aria-label="{}" style="--cols:{}">"#, esc(cat().logs), end - start + 1);
    s.push_str(r#"<div class="log-row head" role="row"><span class="who" role="columnheader"></span>"#);
    for i in start..=end {
        let _ = write!(s, r#"<span class="idx" role="columnheader">{i}</span>"#);
    }
    s.push_str("</div>");
    for (id, role, entries, before, snapshot, commit, stale) in &rows {
        let peer = peers.iter().find(|p| p.id == *id);
        let _ = write!(
            s,
            r#"<div class="log-row role-{role}{}" role="row"><span class="who" role="rowheader"><span class="dot"></span>{id}</span>"#,
            if *stale { " stale" } else { "" }
        );
        for i in start..=end {
            let mut class = String::new();
            if *commit == Some(i) {
                class.push_str(" commit-edge");
            }
            if let Some(p) = peer {
                if p.match_index == i {
                    class.push_str(" match");
                }
                if p.next_index == i {
                    class.push_str(" next");
                }
            }
            if i <= *snapshot {
                let label = if i == *snapshot { cat().logs_snap } else { "" };
                let _ = write!(
                    s,
                    r#"<span class="cell compacted{class}" role="cell" title="{} ≤ {snapshot}">{label}</span>"#,
                    esc(cat().logs_snapshot)
                );
                continue;
            }
            match entries.get((i - before - 1) as usize) {
                Some(e) => {
                    let committed = commit.is_some_and(|c| i <= c);
                    let label = esc(&entry_label(e)).to_string();
                    let mut title = fill(cat().entry_title, &[("index", &i), ("term", &e.term), ("label", &label)]);
                    if *stale && !committed {
                        class.push_str(" stale");
                        title = format!("{title} ({})", esc(cat().logs_stale));
                    }
                    let _ = write!(
                        s,
                        r#"<span class="cell entry term-{tc}{ok}{class}" role="cell" data-log-entry="" data-node-id="{id}" data-index="{i}" data-term="{t}" data-committed="{committed}" title="{title}">{label}</span>"#,
                        tc = e.term % 8,
                        ok = if committed { " committed" } else { "" },
                        t = e.term,
                    );
                }
                None => {
                    let _ = write!(s, r#"<span class="cell empty{class}" role="cell"></span>"#);
                }
            }
        }
        s.push_str(&ghosts(*id));
        s.push_str("</div>");
    }
    s.push_str("</div>");
    (s, end)
}

/// The logs card as kept in the page: the pager, the grid, the key under it; and which
/// indexes it shows.
pub struct LogsView {
    head: Slot,
    grid: Slot,
    legend: Slot,
    /// As many columns as fit the card.
    window: u64,
    /// How many indexes before the newest the window ends (0 follows the tail).
    back: u64,
}

impl LogsView {
    pub fn find(root: &web_sys::Element) -> LogsView {
        LogsView {
            head: Slot::find(root, ".logs .panel-head"),
            grid: Slot::find(root, ".log-scroll"),
            legend: Slot::find(root, ".legend-line"),
            window: 24,
            back: 0,
        }
    }

    /// Fits the window to the card; measured when the card appears and when the window
    /// resizes (never per update: reading a width forces a layout). Returns whether it changed.
    pub fn measure(&mut self) -> bool {
        let fit = ((self.grid.el.client_width() - 48) / COLUMN_PX).clamp(6, 80) as u64;
        let changed = fit != self.window;
        self.window = fit;
        changed
    }

    /// The pager's buttons; `false` when the act is not the pager's.
    pub fn click(&mut self, act: &str) -> bool {
        let step = (self.window / 2).max(1);
        match act {
            "older" => self.back += step,
            "newer" => self.back = self.back.saturating_sub(step),
            "newest" => self.back = 0,
            _ => return false,
        }
        true
    }

    pub fn draw(&mut self, c: &Controller) {
        let (markup, end) = grid(c, self.window, self.back);
        self.grid.set(markup);
        let disabled = |off: bool| if off { " disabled" } else { "" };
        self.head.patch(format!(
            r#"<h2>{}</h2><div class="pager"><button type="button" class="small" aria-label="{}" data-act="older"{}>◀</button><button type="button" class="small" aria-label="{}" data-act="newer"{}>▶</button><button type="button" class="small" data-act="newest"{}>{}</button></div>"#,
            esc(cat().logs),
            esc(cat().older_entries),
            disabled(end <= self.window),
            esc(cat().newer_entries),
            disabled(self.back == 0),
            disabled(self.back == 0),
            esc(cat().follow_tail)
        ));
        self.legend.set(format!(
            r#"<span class="cell entry committed neutral sample"></span> {} <span class="cell entry neutral sample"></span> {} <span class="cell entry neutral stale sample"></span> {} <span class="cell empty sample ghost-sample"></span> {} <span class="cell empty commit-edge sample"></span> {} · {}"#,
            esc(cat().logs_committed),
            esc(cat().logs_uncommitted),
            esc(cat().logs_stale),
            esc(cat().logs_discarded),
            esc(cat().logs_commit_index),
            esc(cat().logs_markers)
        ));
    }

    /// Keeps the window and the page of another view of the logs (drawn again).
    pub fn keep_pager(&mut self, other: &LogsView) {
        (self.window, self.back) = (other.window, other.back);
    }
}
