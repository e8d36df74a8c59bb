//! Every word the page shows, in one place. A second language is a second `Catalog`.
//!
//! Templates name their blanks (`{node}`, `{term}`...); [`fill`] puts values in. Keep the
//! blanks when translating; their order may change.

/// Replaces each `{name}` in `template` by its value.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                let name = &after[..end];
                match values.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

pub struct Catalog {
    pub lang: &'static str,
    pub title: &'static str,
    pub tagline: &'static str,

    // Roles.
    pub role_follower: &'static str,
    pub role_precandidate: &'static str,
    pub role_candidate: &'static str,
    pub role_leader: &'static str,
    pub role_learner: &'static str,
    pub role_crashed: &'static str,
    pub role_removed: &'static str,

    // Message kinds, in MessageKind::ALL order.
    pub kinds: [&'static str; 10],

    // Playback.
    pub play: &'static str,
    pub pause: &'static str,
    pub step: &'static str,
    pub speed: &'static str,
    pub speed_value: &'static str,
    pub clock: &'static str,
    pub timeline: &'static str,
    pub in_past: &'static str,
    pub forked: &'static str,
    pub back_to_now: &'static str,

    // Panels.
    pub cluster: &'static str,
    pub inspector: &'static str,
    pub inspector_empty: &'static str,
    pub logs: &'static str,
    pub events: &'static str,
    pub invariants: &'static str,
    pub charts: &'static str,
    pub controls: &'static str,
    pub settings: &'static str,
    pub legend: &'static str,
    pub legend_lost: &'static str,
    pub legend_cut: &'static str,
    pub legend_refused: &'static str,
    pub legend_timer: &'static str,
    pub follow_tail: &'static str,
    pub older_entries: &'static str,
    pub newer_entries: &'static str,
    pub logs_committed: &'static str,
    pub logs_uncommitted: &'static str,
    pub logs_commit_index: &'static str,
    pub logs_markers: &'static str,
    pub logs_snapshot: &'static str,
    pub message_gone: &'static str,
    pub go_to_moment: &'static str,
    pub filter_events_by_node: &'static str,
    pub network: &'static str,
    pub clients: &'static str,

    // Inspector fields.
    pub f_role: &'static str,
    pub f_term: &'static str,
    pub f_voted_for: &'static str,
    pub f_leader: &'static str,
    pub f_commit: &'static str,
    pub f_applied: &'static str,
    pub f_log_length: &'static str,
    pub f_snapshot: &'static str,
    pub f_timer: &'static str,
    pub f_members: &'static str,
    pub f_peers: &'static str,
    pub f_next: &'static str,
    pub f_match: &'static str,
    pub f_state: &'static str,
    pub f_kind: &'static str,
    pub f_from: &'static str,
    pub f_to: &'static str,
    pub f_sent: &'static str,
    pub f_arrives: &'static str,
    pub f_fields: &'static str,
    pub none: &'static str,

    // Node actions (templates with {node}).
    pub crash_node: &'static str,
    pub restart_node: &'static str,
    pub timeout_node: &'static str,
    pub transfer_here: &'static str,
    pub isolate_node: &'static str,
    pub drop_message: &'static str,
    pub message_title: &'static str,
    pub node_title: &'static str,
    pub select_node: &'static str,

    // Client.
    pub request: &'static str,
    pub workload: &'static str,
    pub rate: &'static str,

    // Network.
    pub preset_isolate_leader: &'static str,
    pub preset_minority: &'static str,
    pub preset_heal: &'static str,
    pub partition_editor: &'static str,
    pub partition_hint: &'static str,
    pub group_name: &'static str,
    pub cut_link: &'static str,
    pub cut_from: &'static str,
    pub cut_to: &'static str,
    pub move_node: &'static str,
    pub latency_min: &'static str,
    pub latency_max: &'static str,
    pub election_min: &'static str,
    pub election_max: &'static str,
    pub uncut_link: &'static str,
    pub loss: &'static str,
    pub latency: &'static str,

    // Membership, compaction, reads, priorities.
    pub membership: &'static str,
    pub add_voter: &'static str,
    pub add_learner: &'static str,
    pub remove_node: &'static str,
    pub promote_node: &'static str,
    pub compact_node: &'static str,
    pub read_key: &'static str,
    pub lease_reads: &'static str,
    pub auto_compact: &'static str,
    pub priority_election: &'static str,
    pub priority: &'static str,
    pub raise_priority: &'static str,
    pub lower_priority: &'static str,
    pub cluster_full: &'static str,

    // Break it: known Raft bugs, in Breaks::NAMES order.
    pub bugs: &'static str,
    pub bugs_intro: &'static str,
    pub bug_names: [&'static str; 6],
    pub bug_help: [&'static str; 6],

    // Settings.
    pub nodes: &'static str,
    pub election_timeout: &'static str,
    pub heartbeat: &'static str,
    pub prevote: &'static str,
    pub checkquorum: &'static str,
    pub seed: &'static str,
    pub new_seed: &'static str,
    pub apply_restart: &'static str,
    pub theme: &'static str,
    pub theme_auto: &'static str,
    pub theme_light: &'static str,
    pub theme_dark: &'static str,

    // Help.
    pub help: &'static str,
    pub help_title: &'static str,
    pub help_intro: &'static str,
    pub shortcuts: [(&'static str, &'static str); 8],
    pub close: &'static str,

    // Event log.
    pub filter_node: &'static str,
    pub all_nodes: &'static str,
    pub cat_election: &'static str,
    pub cat_replication: &'static str,
    pub cat_client: &'static str,
    pub cat_fault: &'static str,
    pub cat_message: &'static str,
    pub cat_safety: &'static str,
    pub no_events: &'static str,

    // Invariant names and descriptions, in Invariant::ALL order.
    pub invariant_names: [&'static str; 12],
    pub invariant_help: [&'static str; 12],
    pub violated: &'static str,
    pub holds: &'static str,
    pub violation_stop: &'static str,

    // Charts.
    pub chart_term: &'static str,
    pub chart_commit: &'static str,
    pub chart_messages: &'static str,

    // Narration (templates).
    pub n_timeout_candidate: &'static str,
    pub n_timeout_precandidate: &'static str,
    pub n_prevote_won: &'static str,
    pub n_elected: &'static str,
    pub n_stepped_down: &'static str,
    pub n_lost: &'static str,
    pub n_became: &'static str,
    pub n_term: &'static str,
    pub n_voted: &'static str,
    pub n_prevoted: &'static str,
    pub n_committed: &'static str,
    pub n_committed_noop: &'static str,
    pub n_committed_config: &'static str,
    pub n_proposed: &'static str,
    pub n_refused: &'static str,
    pub n_crashed: &'static str,
    pub n_restarted: &'static str,
    pub n_partitioned: &'static str,
    pub n_healed: &'static str,
    pub n_cut: &'static str,
    pub n_uncut: &'static str,
    pub n_link: &'static str,
    pub n_forced_timeout: &'static str,
    pub n_compacted: &'static str,
    pub n_snapshot_installed: &'static str,
    pub n_membership: &'static str,
    pub n_node_added: &'static str,
    pub n_transfer: &'static str,
    pub n_read: &'static str,
    pub n_violation: &'static str,
    pub n_dropped_user: &'static str,
    pub n_dropped_partition: &'static str,
    pub n_dropped_loss: &'static str,
    pub n_dropped_down: &'static str,
    pub n_sent: &'static str,

    // Errors and states.
    pub error_overlay_title: &'static str,
    pub error_overlay_text: &'static str,
    pub reload: &'static str,
    pub url_problem: &'static str,
    pub no_leader: &'static str,
    pub leader_is: &'static str,
}

pub static EN: Catalog = Catalog {
    lang: "en",
    title: "Raft Playground",
    tagline: "A real Raft cluster in your browser. Break it and watch it recover.",

    role_follower: "follower",
    role_precandidate: "pre-candidate",
    role_candidate: "candidate",
    role_leader: "leader",
    role_learner: "learner",
    role_crashed: "crashed",
    role_removed: "removed",

    kinds: [
        "vote request",
        "vote response",
        "pre-vote request",
        "pre-vote response",
        "append (with entries)",
        "heartbeat",
        "append response",
        "snapshot",
        "snapshot response",
        "timeout now",
    ],

    play: "Play",
    pause: "Pause",
    step: "Step",
    speed: "Speed",
    speed_value: "{speed}× real time",
    clock: "Virtual time",
    timeline: "Timeline",
    in_past: "Viewing the past. Acting now forks a new future.",
    forked: "New future forked at {time}: what was recorded after it is gone.",
    back_to_now: "Back to the latest",

    cluster: "Cluster",
    inspector: "Inspector",
    inspector_empty: "Click a node or a message to inspect it.",
    logs: "Logs",
    events: "What happened",
    invariants: "Safety invariants",
    charts: "Charts",
    controls: "Break it",
    settings: "Settings",
    legend: "Legend",
    legend_lost: "lost message",
    legend_cut: "cut link",
    legend_refused: "answer: no",
    legend_timer: "election timer",
    follow_tail: "Newest",
    older_entries: "Older entries",
    newer_entries: "Newer entries",
    logs_committed: "committed",
    logs_uncommitted: "not yet committed",
    logs_commit_index: "commit index",
    logs_markers: "▴ match index, framed: next index (the leader's view of each follower)",
    logs_snapshot: "in a snapshot",
    message_gone: "This message has arrived or was dropped.",
    go_to_moment: "Go to that moment",
    filter_events_by_node: "Filter events by node",
    network: "Network",
    clients: "Clients",

    f_role: "Role",
    f_term: "Term",
    f_voted_for: "Voted for",
    f_leader: "Leader",
    f_commit: "Commit index",
    f_applied: "Last applied",
    f_log_length: "Log length",
    f_snapshot: "Snapshot up to",
    f_timer: "Election timer",
    f_members: "Members",
    f_peers: "Followers",
    f_next: "next",
    f_match: "match",
    f_state: "state",
    f_kind: "Kind",
    f_from: "From",
    f_to: "To",
    f_sent: "Sent at",
    f_arrives: "Arrives at",
    f_fields: "Fields",
    none: "none",

    crash_node: "Crash node {node}",
    restart_node: "Restart node {node}",
    timeout_node: "Force timeout on node {node}",
    transfer_here: "Transfer leadership to node {node}",
    isolate_node: "Isolate node {node}",
    drop_message: "Drop this message",
    message_title: "Message {id}",
    node_title: "Node {node}",
    select_node: "Select node {node}",

    request: "Send a client request",
    workload: "Automatic workload",
    rate: "Requests per second",

    preset_isolate_leader: "Isolate the leader",
    preset_minority: "Leader in a minority",
    preset_heal: "Heal the network",
    partition_editor: "Partition: drag nodes between groups",
    partition_hint: "Drag a node chip into another group (or tap a chip, then a group). Nodes in different groups cannot talk.",
    group_name: "Group {n}",
    cut_link: "Cut link",
    cut_from: "Cut link from node",
    cut_to: "Cut link to node",
    move_node: "Move node {node}",
    latency_min: "Latency minimum",
    latency_max: "Latency maximum",
    election_min: "Election timeout minimum (ms)",
    election_max: "Election timeout maximum (ms)",
    uncut_link: "Restore link",
    loss: "Message loss",
    latency: "Latency",

    membership: "Membership, snapshots and reads",
    add_voter: "Add a node",
    add_learner: "Add a learner",
    remove_node: "Remove node {node}",
    promote_node: "Promote node {node} to voter",
    compact_node: "Compact node {node}'s log",
    read_key: "Read x (ReadIndex)",
    lease_reads: "Lease reads",
    auto_compact: "Snapshot past (entries, 0 = never)",
    priority_election: "Priority election",
    priority: "Priority",
    raise_priority: "Raise node {node}'s priority",
    lower_priority: "Lower node {node}'s priority",
    cluster_full: "The cluster has the most nodes the playground draws (9).",

    bugs: "Known bugs",
    bugs_intro: "Switch off one rule of Raft and watch the safety invariants catch what goes wrong.",
    bug_names: [
        "Commit old-term entries by counting (Figure 8)",
        "Forget the vote on restart",
        "Vote without the log check",
        "Keep a conflicting log suffix",
        "Change membership without the barrier",
        "Lease reads without check-quorum",
    ],
    bug_help: [
        "§5.4.2: a leader may only commit an entry of its own term by counting; an older one can still be overwritten.",
        "Figure 2: votedFor is durable. Forgetting it lets a server vote twice in a term: two leaders.",
        "§5.4.1: only vote for a candidate whose log is at least as up to date, or a leader may lack committed entries.",
        "AppendEntries rule 3: delete a conflicting entry and all that follow; keeping them breaks Log Matching.",
        "A new leader must commit an entry of its term before a membership change, or two majorities can form.",
        "§6.4.1: a lease is only safe while others refuse to vote (check-quorum); otherwise reads go stale.",
    ],

    nodes: "Nodes",
    election_timeout: "Election timeout",
    heartbeat: "Heartbeat interval",
    prevote: "Pre-vote",
    checkquorum: "Check-quorum",
    seed: "Seed",
    new_seed: "New seed",
    apply_restart: "Restart with these settings",
    theme: "Theme",
    theme_auto: "Auto",
    theme_light: "Light",
    theme_dark: "Dark",

    help: "Help",
    help_title: "Raft Playground: help",
    help_intro: "Five servers run the Raft consensus algorithm over a simulated network. Everything you see is computed by a real Raft implementation. Click a node to inspect or crash it; use the controls to partition the network, lose or delay messages, and send client requests. Drag the timeline to go back in time.",
    shortcuts: [
        ("Space", "Play / pause"),
        ("S or →", "Step one event"),
        ("R", "Send a client request"),
        ("C", "Crash or restart the selected node"),
        ("L", "Isolate the leader"),
        ("H", "Heal the network"),
        ("+ / −", "Faster / slower"),
        ("?", "Show or hide this help"),
    ],
    close: "Close",

    filter_node: "Node",
    all_nodes: "All nodes",
    cat_election: "Elections",
    cat_replication: "Replication",
    cat_client: "Clients",
    cat_fault: "Faults",
    cat_message: "Messages",
    cat_safety: "Safety",
    no_events: "Nothing yet.",

    invariant_names: [
        "Election Safety",
        "Leader Append-Only",
        "Log Matching",
        "Leader Completeness",
        "State Machine Safety",
        "Committed entries never lost",
        "Durable state",
        "Term never decreases",
        "Commit never decreases",
        "Applied never decreases",
        "Index order",
        "Linearizability",
    ],
    invariant_help: [
        "At most one leader is elected in a term.",
        "A leader never overwrites or deletes entries in its log.",
        "Logs holding an entry with the same index and term are identical up to it.",
        "An entry committed in a term is in the log of every later leader.",
        "No two servers apply different commands at the same index.",
        "No server discards a committed entry; restarts lose none.",
        "Whatever a server acted on was on its disk when it crashed.",
        "A server's term never goes back.",
        "A live server's commit index never goes back.",
        "A live server's applied index never goes back.",
        "snapshot ≤ applied ≤ commit ≤ last index on every server.",
        "Client reads and writes behave like one copy of the data.",
    ],
    violated: "violated",
    holds: "holds",
    violation_stop: "Stopped at a safety violation: {detail}",

    chart_term: "Term per node",
    chart_commit: "Commit index per node",
    chart_messages: "Messages per second",

    n_timeout_candidate: "Node {node} timed out and became a candidate for term {term}",
    n_timeout_precandidate: "Node {node} timed out and asks for pre-votes for term {next} (its term stays {term})",
    n_prevote_won: "Node {node} won the pre-vote and stands for term {term}",
    n_elected: "Node {node} won the election: leader of term {term}",
    n_stepped_down: "Node {node} stepped down in term {term}",
    n_lost: "Node {node} lost the election for term {term}",
    n_became: "Node {node} became {role} in term {term}",
    n_term: "Node {node} moved to term {term}",
    n_voted: "Node {node} voted for node {candidate} in term {term}",
    n_prevoted: "Node {node} would vote for node {candidate} in term {term} (pre-vote)",
    n_committed: "Entry {index} ({command}) committed: stored on nodes {nodes}",
    n_committed_noop: "Entry {index} (no-op of term {term}) committed: stored on nodes {nodes}",
    n_committed_config: "Entry {index} (membership change) committed: stored on nodes {nodes}",
    n_proposed: "Leader {node} appended {command} as entry {index} (term {term})",
    n_refused: "Node {node} refused {command}: {reason}",
    n_crashed: "Node {node} crashed",
    n_restarted: "Node {node} restarted from its disk",
    n_partitioned: "Network partitioned: {groups}",
    n_healed: "Network healed",
    n_cut: "Link {from}→{to} cut",
    n_uncut: "Link {from}→{to} restored",
    n_link: "Network now: loss {loss}, latency {latency}",
    n_forced_timeout: "Node {node}'s election timer fired by hand",
    n_compacted: "Node {node} compacted its log into a snapshot up to entry {index}",
    n_snapshot_installed: "Node {node} installed a snapshot up to entry {index}",
    n_membership: "Leader {node} proposed a membership change ({change}) as entry {index}",
    n_node_added: "Node {node} joined with an empty log",
    n_transfer: "Leader {from} hands leadership to node {to}",
    n_read: "Node {node} served a read: {key} = {value}",
    n_violation: "SAFETY VIOLATION ({invariant}): {detail}",
    n_dropped_user: "A {kind} {from}→{to} was dropped by hand",
    n_dropped_partition: "A {kind} {from}→{to} was lost at the partition",
    n_dropped_loss: "A {kind} {from}→{to} was lost",
    n_dropped_down: "A {kind} {from}→{to} reached a crashed node",
    n_sent: "{kind} {from}→{to}",

    error_overlay_title: "Something broke",
    error_overlay_text: "The playground hit an internal error and stopped. Reloading starts it again.",
    reload: "Reload",
    url_problem: "Problem with the link",
    no_leader: "No leader",
    leader_is: "Leader: node {node} (term {term})",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_named_blanks() {
        assert_eq!(fill("Node {node} in term {term}", &[("node", "3"), ("term", "4")]), "Node 3 in term 4");
        assert_eq!(fill("{a}{a}", &[("a", "x")]), "xx");
        assert_eq!(fill("no blanks", &[]), "no blanks");
        assert_eq!(fill("{missing} stays", &[]), "{missing} stays");
        assert_eq!(fill("open { brace", &[]), "open { brace");
    }
}
