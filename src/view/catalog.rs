//! Every word the page shows, in one place. English is compiled in (the first frame needs
//! it); another language is a text file of `key = text` lines, fetched when it is first
//! chosen and read into a [`Catalog`] by [`Catalog::parse`] (`www/i18n/zh-CN.txt`).
//!
//! Templates name their blanks (`{node}`, `{term}`...); [`fill`] puts values in. Keep the
//! blanks when translating; their order may change. [`unfill`] reads values back out of a
//! text made from a template (to translate messages that come from below the page).

use std::cell::Cell;

/// Replaces each `{name}` in `template` by its value (any `Display`: `("node", &3)`, so that
/// callers need not make a string of each number first).
pub fn fill(template: &str, values: &[(&str, &dyn std::fmt::Display)]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                let name = &after[..end];
                match values.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => {
                        let _ = write!(out, "{v}");
                    }
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

/// Declares the catalog once: the struct, the English values, and the keys a catalog file
/// uses (`field`, and `list.0`, `list.1`... for lists).
macro_rules! catalog {
    (
        $( $field:ident = $en:expr; )*
        @lists { $( $list:ident [$n:expr] = [ $( $item:expr ),* $(,)? ]; )* }
    ) => {
        /// Every text is a `&'static str`, laid out in declaration order (`repr(C)`), so the
        /// catalog is also an array of texts: a file is read into it by position, without
        /// code per field.
        #[derive(Clone)]
        #[repr(C)]
        pub struct Catalog {
            /// The language's tag, as `<html lang>` takes it (`en`, `zh-CN`).
            pub lang: &'static str,
            $( pub $field: &'static str, )*
            $( pub $list: [&'static str; $n], )*
        }

        pub static EN: Catalog = Catalog { lang: "en", $( $field: $en, )* $( $list: [ $( $item ),* ], )* };

        impl Catalog {
            const FIELDS: &'static [&'static str] = &[ $( stringify!($field) ),* ];
            const LISTS: &'static [(&'static str, usize)] = &[ $( (stringify!($list), $n) ),* ];
            /// How many texts a catalog holds (the language tag first).
            const TEXTS: usize = 1 + Catalog::FIELDS.len() $( + $n )*;
        }
    };
}

catalog! {
    title = "Raft Playground";
    tagline = "A real Raft cluster in your browser. Break it and watch it recover.";

    // Roles.
    role_follower = "follower";
    role_precandidate = "pre-candidate";
    role_candidate = "candidate";
    role_leader = "leader";
    role_learner = "learner";
    role_crashed = "crashed";
    role_removed = "removed";

    // Playback.
    play = "Play";
    pause = "Pause";
    step = "Step";
    speed = "Speed";
    speed_value = "{speed}× real time";
    clock = "Virtual time";
    timeline = "Timeline";
    in_past = "Viewing the past. Acting now forks a new future.";
    forked = "New future forked at {time}: what was recorded after it is gone.";
    back_to_now = "Back to the latest";

    // Panels.
    cluster = "Cluster";
    inspector = "Inspector";
    inspector_empty = "Click a node or a message to inspect it.";
    logs = "Logs";
    events = "What happened";
    invariants = "Safety invariants";
    charts = "Charts";
    controls = "Break it";
    settings = "Settings";
    legend = "Legend";
    legend_lost = "lost message";
    legend_cut = "cut link";
    legend_refused = "answer: no";
    legend_timer = "election timer";
    follow_tail = "Newest";
    older_entries = "Older entries";
    newer_entries = "Newer entries";
    logs_committed = "committed";
    logs_uncommitted = "not yet committed";
    logs_commit_index = "commit index";
    logs_markers = "▴ match index, framed: next index (the leader's view of each follower)";
    logs_snapshot = "in a snapshot";
    entry_title = "index {index}, term {term}: {label}";
    message_gone = "This message has arrived or was dropped.";
    go_to_moment = "Go to that moment";
    filter_events_by_node = "Filter events by node";
    network = "Network";
    clients = "Clients";

    // Inspector fields.
    f_role = "Role";
    f_term = "Term";
    f_voted_for = "Voted for";
    f_leader = "Leader";
    f_commit = "Commit index";
    f_applied = "Last applied";
    f_log_length = "Log length";
    f_snapshot = "Snapshot up to";
    f_timer = "Election timer";
    f_members = "Members";
    f_peers = "Followers";
    f_next = "next";
    f_match = "match";
    f_state = "state";
    f_kind = "Kind";
    f_from = "From";
    f_to = "To";
    f_sent = "Sent at";
    f_arrives = "Arrives at";
    f_fields = "Fields";
    none = "none";

    // Node actions (templates with {node}).
    crash_node = "Crash node {node}";
    restart_node = "Restart node {node}";
    timeout_node = "Force timeout on node {node}";
    transfer_here = "Transfer leadership to node {node}";
    isolate_node = "Isolate node {node}";
    drop_message = "Drop this message";
    message_title = "Message {id}";
    node_title = "Node {node}";
    select_node = "Select node {node}";

    // Client.
    request = "Send a client request";
    workload = "Automatic workload";
    rate = "Requests per second";

    // Network.
    preset_isolate_leader = "Isolate the leader";
    preset_minority = "Leader in a minority";
    preset_heal = "Heal the network";
    partition_editor = "Partition: drag nodes between groups";
    partition_hint = "Drag a node chip into another group (or tap a chip, then a group). Nodes in different groups cannot talk.";
    group_name = "Group {n}";
    cut_link = "Cut link";
    cut_from = "Cut link from node";
    cut_to = "Cut link to node";
    move_node = "Move node {node}";
    latency_min = "Latency minimum";
    latency_max = "Latency maximum";
    election_min = "Election timeout minimum (ms)";
    election_max = "Election timeout maximum (ms)";
    uncut_link = "Restore link";
    loss = "Message loss";
    latency = "Latency";

    // Membership, compaction, reads, priorities.
    membership = "Membership, snapshots and reads";
    add_voter = "Add a node";
    add_learner = "Add a learner";
    remove_node = "Remove node {node}";
    promote_node = "Promote node {node} to voter";
    compact_node = "Compact node {node}'s log";
    read_key = "Read x (ReadIndex)";
    lease_reads = "Lease reads";
    auto_compact = "Snapshot past (entries, 0 = never)";
    priority_election = "Priority election";
    priority = "Priority";
    raise_priority = "Raise node {node}'s priority";
    lower_priority = "Lower node {node}'s priority";
    cluster_full = "The cluster has the most nodes the playground draws (9).";

    // Break it: known Raft bugs, in Breaks::NAMES order.
    bugs = "Known bugs";
    bugs_intro = "Switch off one rule of Raft and watch the safety invariants catch what goes wrong.";

    // Sharing.
    share = "Share and scenarios";
    copy_link = "Copy link";
    link_copied = "Link to this moment (copied): it replays everything you did.";
    permalink = "Permalink";
    export_scenario = "Export as scenario";
    exported = "This session as a scenario (the README explains the language):";
    exported_scenario = "Exported scenario";
    download = "Download";
    examples = "Load an example";
    pick_example = "Choose a scenario…";
    import_scenario = "Import a scenario";
    scenario_text = "Scenario text";
    run_scenario = "Run as a new scenario";
    open_file = "Open a file…";
    open_full = "Open in the playground ↗";

    // Settings.
    nodes = "Nodes";
    election_timeout = "Election timeout";
    heartbeat = "Heartbeat interval";
    prevote = "Pre-vote";
    checkquorum = "Check-quorum";
    seed = "Seed";
    new_seed = "New seed";
    apply_restart = "Restart with these settings";
    theme = "Theme";
    theme_auto = "Auto";
    theme_light = "Light";
    theme_dark = "Dark";

    // Help.
    help = "Help";
    help_title = "Raft Playground: help";
    help_intro = "Five servers run the Raft consensus algorithm over a simulated network. Everything you see is computed by a real Raft implementation. Click a node to inspect or crash it; use the controls to partition the network, lose or delay messages, and send client requests. Drag the timeline to go back in time.";
    close = "Close";

    // Event log.
    filter_node = "Node";
    all_nodes = "All nodes";
    cat_election = "Elections";
    cat_replication = "Replication";
    cat_client = "Clients";
    cat_fault = "Faults";
    cat_message = "Messages";
    cat_safety = "Safety";
    no_events = "Nothing yet.";

    violated = "violated";
    holds = "holds";
    inconclusive = "inconclusive (the check gave up: too many orders to try)";
    violation_stop = "Stopped at a safety violation: {detail}";

    // Charts.
    chart_term = "Term per node";
    chart_commit = "Commit index per node";
    chart_messages = "Messages per second";

    // Narration (templates).
    n_timeout_candidate = "Node {node} timed out and became a candidate for term {term}";
    n_timeout_precandidate = "Node {node} timed out and asks for pre-votes for term {next} (its term stays {term})";
    n_prevote_won = "Node {node} won the pre-vote and stands for term {term}";
    n_elected = "Node {node} won the election: leader of term {term}";
    n_stepped_down = "Node {node} stepped down in term {term}";
    n_lost = "Node {node} lost the election for term {term}";
    n_became = "Node {node} became {role} in term {term}";
    n_term = "Node {node} moved to term {term}";
    n_voted = "Node {node} voted for node {candidate} in term {term}";
    n_prevoted = "Node {node} would vote for node {candidate} in term {term} (pre-vote)";
    n_committed = "Entry {index} ({command}) committed: stored on nodes {nodes}";
    n_committed_noop = "Entry {index} (no-op of term {term}) committed: stored on nodes {nodes}";
    n_committed_config = "Entry {index} (membership change) committed: stored on nodes {nodes}";
    n_proposed = "Leader {node} appended {command} as entry {index} (term {term})";
    n_refused = "Node {node} refused {command}: {reason}";
    n_crashed = "Node {node} crashed";
    n_restarted = "Node {node} restarted from its disk";
    n_partitioned = "Network partitioned: {groups}";
    n_healed = "Network healed";
    n_cut = "Link {from}→{to} cut";
    n_uncut = "Link {from}→{to} restored";
    n_link = "Network now: loss {loss}, latency {latency}";
    n_forced_timeout = "Node {node}'s election timer fired by hand";
    n_compacted = "Node {node} compacted its log into a snapshot up to entry {index}";
    n_snapshot_installed = "Node {node} installed a snapshot up to entry {index}";
    n_membership = "Leader {node} proposed a membership change ({change}) as entry {index}";
    n_node_added = "Node {node} joined with an empty log";
    n_transfer = "Leader {from} hands leadership to node {to}";
    n_read = "Node {node} served a read: {key} = {value}";
    n_discarded = "Node {node} discarded entry {index} ({command}, term {term}): it was never committed";
    n_discarded_noop = "Node {node} discarded entry {index} (term {term}): it was never committed";
    n_op_unknown = "The request {command} was never acknowledged: the client gave up waiting (it may or may not have taken effect)";
    n_op_unknown_taken = "The request {command} was never acknowledged: node {node} took it, but no commit came back before the client gave up (it may or may not take effect)";
    n_op_failed = "The request {command} failed: no node took it, so it had no effect";
    n_op_failed_taken = "The request {command} failed: node {node} took it but did not answer in time";
    why_not_leader = "it is not the leader and knows of none";
    why_not_leader_hint = "it is not the leader (it believes node {leader} leads)";
    why_transfer = "it is handing leadership over to node {node}";
    n_violation = "SAFETY VIOLATION ({invariant}): {detail}";
    n_dropped_user = "A {kind} {from}→{to} was dropped by hand";
    n_dropped_partition = "A {kind} {from}→{to} was lost at the partition";
    n_dropped_loss = "A {kind} {from}→{to} was lost";
    n_dropped_down = "A {kind} {from}→{to} reached a crashed node";
    n_sent = "{kind} {from}→{to}";

    // Errors and states.
    error_overlay_title = "Something broke";
    error_overlay_text = "The playground hit an internal error and stopped. Reloading starts it again.";
    part_missing_text = "Part of the playground could not be downloaded, so it stopped. Check the connection, then reload.";
    part_offline_text = "That needs a part of the playground not downloaded yet, and the network is gone. The cluster runs on; try again once you are online.";
    reload = "Reload";
    url_problem = "Problem with the link";
    no_leader = "No leader";
    cluster_not_here = "line {line}: `cluster` starts a new cluster; use “Run as a new scenario” for it";

    // Issue 9: stale leaders, requests to a node, embedding, layout.
    role_stale_leader = "stale leader";
    stale_no_majority = "no majority, cannot commit";
    stale_newer_term = "newer term elsewhere, cannot commit";
    stale_caption_no_majority = "Node {node} still believes it leads (term {term}) but cannot commit: it cannot reach a majority.";
    stale_caption_newer_term = "Node {node} still believes it leads (term {term}) but cannot commit: a majority has moved to a newer term.";
    leaders_are = "Leaders at once: nodes {nodes}";
    request_to = "Send a client request to node {node}";
    legend_stale = "stale leader: cannot commit";
    legend_groups = "partition groups (as in the partition editor)";
    logs_stale = "uncommitted on a stale leader";
    logs_discarded = "discarded, never committed";
    ghost_title = "discarded: {command} (term {term}), never committed";
    run_here = "Run on the current cluster";
    replace_title = "Replace this session?";
    replace_text = "This starts another cluster: what you did in this one is not kept. Copy a link first to come back to it.";
    replace_confirm = "Replace";
    cancel = "Cancel";
    copy_embed = "Copy embed code";
    embed_copied = "Embed code (copied): paste it into your page.";
    embed_code = "Embed code";
    embed_options = "Embed options: size, autoplay, caption";
    embed_size = "Size";
    embed_caption = "Caption (optional; shown instead of the scenario's comments)";
    embed_autoplay = "Start playing at once";
    replay = "Replay from the start";
    skip_to_controls = "Skip to the controls";
    link_embed = "Embed it in a page";
    link_api = "JavaScript API";
    link_language = "The scenario language";
    events_list = "What happened (arrow keys move, Enter goes to that moment)";
    leader_is = "Leader: node {node} (term {term})";

    // Issue 10: languages, the address's errors, lessons.
    language = "Language";
    lang_en = "English";
    lang_zh = "中文";
    lang_failed = "The Chinese text could not be loaded ({error}); the page stays in English.";
    p_seed = "`{value}` is not a whole number from 0 to {max}";
    p_nodes = "`{value}` is not a node count from 1 to {max}";
    p_speed = "`{value}` is not a speed from {min} to {max} (virtual ms per real ms)";
    p_flag = "`{value}` is not 1 or 0";
    p_theme = "`{value}` is not auto, light or dark";
    p_caption = "longer than {max} characters; the rest is left out";
    p_time = "`{value}` is not a time in milliseconds (0 to 86400000)";
    p_lang = "`{value}` is not en or zh";
    p_lesson = "`{value}` is not a lesson's name";
    p_step = "`{value}` is not a step number (1, 2, ...)";
    parse_error = "line {line}, column {column}: expected {expected}, found {found}";
    ch_add = "add {node}";
    ch_add_learner = "add learner {node}";
    ch_promote = "promote {node}";
    ch_remove = "remove {node}";
    members_learners = "{voters} + learners {learners}";
    mark_commit = "commit {index}";
    term_short = "T{term}";
    state_probe = "probe";
    state_replicate = "replicate";
    state_snapshot = "snapshot";

    // The lessons.
    lessons = "Lessons";
    lessons_title = "Lessons: a guided path through Raft";
    lessons_intro = "Each lesson runs on the real engine, and the engine checks every sentence it says. When a step asks you to act, use any control; “Play freely from here” leaves the lesson at any moment.";
    lesson_label = "Lesson";
    lesson_step = "Step {step} of {steps}";
    lesson_next = "Next";
    lesson_finish_step = "Finish this step";
    lesson_back = "Back";
    lesson_do = "Do it for me";
    lesson_your_turn = "Your turn:";
    lesson_waiting = "Waiting for you…";
    lesson_noticed = "✓ Done. Here is what happens.";
    lesson_free = "Play freely from here";
    lesson_replay = "Replay this step";
    lesson_loading = "Loading the lesson…";
    lesson_load_failed = "The lesson “{id}” could not be loaded: {error}";
    lesson_acted = "You changed the cluster while this step was playing, so what it says may no longer be true.";
    lesson_travelled = "You travelled in time, away from this step's story.";
    lesson_keep_failed = "This step's story needs “{condition}”, and that no longer holds.";
    lesson_blocked = "From the cluster as it is now this step's story would not be true, so the lesson does not tell it. It checks:";
    lesson_finished = "You finished this lesson.";
    lesson_next_lesson = "Next lesson: {title}";
    lesson_progress_done = "done";
    lesson_progress = "step {step} of {steps}";
    lesson_list_label = "Lessons, with your progress";

    // Issue 11: Zeebe mode.
    broker_words = "Node>Broker|Nodes>Brokers|node>broker|nodes>brokers";
    z_event = "P{partition} · {text}";
    z_p = "P{partition}";
    z_b = "B{broker}";
    z_partition = "Partition {partition}";
    z_broker = "Broker {broker}";
    z_topology = "Brokers and partitions";
    z_topology_hint = "A row per partition (its own Raft group), a column per broker; a cell is a replica: role, priority (★ primary), term. Choose a partition to see its Raft group, a replica to inspect it (and crash, restart or isolate its broker).";
    z_healthy = "healthy";
    z_degraded = "degraded";
    z_unavailable = "unavailable";
    z_down = "down";
    z_shown = "its Raft group on brokers {brokers}";
    z_show = "Partition shown";
    z_all_messages = "Messages of all partitions";
    z_priority = "priority {priority}";
    z_target = "target {target}";
    z_not_announced = "not announced yet: its initial entry is not committed";
    z_rebalance = "Rebalance";
    z_rebalance_help = "Leaders that are not their partition's primary hand it back, one partition at a time.";
    z_rebalancing = "Rebalancing…";
    z_request = "Send a client request to partition {partition}";
    z_mode = "Cluster";
    z_mode_raft = "Raft: one group of nodes";
    z_mode_zeebe = "Zeebe: brokers and partitions";
    z_brokers = "Brokers";
    z_partitions = "Partitions";
    z_replication = "Replication factor";
    z_chart = "Entries committed per second, per partition";
    z_replicas = "Replicas on this broker";
    z_machines = "The brokers, each with the replicas it holds";
    z_chip = "Partition {partition} on broker {broker}: {role}, priority {priority}";
    z_leads = "leads {count}";
    p_count = "`{value}` is not a number from {min} to {max}";
    p_needs_brokers = "needs brokers= (the number of Zeebe brokers)";

    // The safety checker's reports, as a whole (view::safety; English as the engine prints
    // a violation: the invariant's id, the time, the event number).
    v_report = "{invariant} violated at {time} (event {step}): {detail}";
    v_during = "{report} [during: {event}]";
    v_or = "{a} or {b}";

    // Notes of the trace: a scenario's `break` and `set` (told as written in English).
    n_break_on = "Known bug switched on: {bug}";
    n_break_off = "Known bug switched off: {bug}";
    n_set = "Settings changed: {settings}";
    n_setting = "{name}: {value}";
    op_read = "read {key}";
    switch_on = "on";
    switch_off = "off";

    // A message's field values in the inspector (its fields: the `fields` list).
    v_true = "true";
    v_false = "false";
    v_heartbeat = "[] (heartbeat)";
    v_refused = "refused";
    // The log cell of the last entry in a snapshot.
    logs_snap = "snap";

    @lists {
        // The engine's messages and the scenario parser's phrases, as the engine writes them
        // (view::errors reads them back in this order; more specific shapes first).
        engine[100] = [
            "there is no node {node}",
            "there is no Raft group {group}",
            "node {node} is down",
            "node {node} is already up",
            "there is no leader",
            "no message {id} is in flight",
            "logs and terms can only be set before time starts",
            "`{command}` is not a command of the form key=value",
            "node {node} has nothing to compact",
            "log terms must not decrease along the log",
            "a cluster needs 1 to {max} nodes (got {n})",
            "{what} must be a probability between 0 and 1 (got {value})",
            "the latency range must satisfy min <= max (got {min}..{max} µs)",
            "the client rate must be at most {max} requests per second (got {n})",
            "the election timeout range must satisfy 0 < min <= max (got {min}..{max} µs)",
            "the heartbeat interval ({heartbeat} µs) must be positive and below the minimum election timeout ({min} µs)",
            "lease reads are only safe with check-quorum on (turn check-quorum on, or use ReadIndex reads)",
            "node is not the leader (leader hint: {hint})",
            "leadership is being transferred to node {node}",
            "a membership change is still uncommitted; one change at a time",
            "the leader has not yet committed an entry of its own term",
            "node {node} is already a voter",
            "node {node} is already a member",
            "node {node} is not a learner",
            "node {node} is not a member",
            "node {node} is the last voter and cannot be removed",
            "node {node} is not a voter",
            "node {node} already leads",
            "leadership is already being handed to node {node}",
            "there is no leader to crash",
            "there is no leader to isolate",
            "no leader has been crashed, so none can be restarted",
            "node {node} refused the request: it is not the leader (or is leaving the lead)",
            "there is no known bug called {name}",
            "`cluster` must be the first command",
            "line {line}: `cluster` must be the first command",
            "at {time}: `{command}`: {error}",
            "node {node}: {error}",
            "the end of the line",
            "a node id (1..{max}) or `leader`",
            "a node id (1..{max})",
            "a duration such as 250ms or 2s",
            "a range whose end is not below its start",
            "a probability between 0 and 1",
            "`on` or `off`",
            "a comparison (= != < <= > >=)",
            "a number",
            "a term",
            "a command such as x=1",
            "a value, or `none`",
            "a value",
            "a setting ({names})",
            "a setting",
            "requests per second",
            "a number of entries",
            "a positive number of {what}",
            "appends in flight",
            "entries per append",
            "priority",
            "a number of clients (1..{max})",
            "a number of clients",
            "a percentage 0..100",
            "a command ({names})",
            "a command",
            "a node count (1..{max})",
            "a seed (a whole number)",
            "a group count (1..{max})",
            "a rate such as 20/s, or `off`",
            "a key",
            "the name of a known bug ({names})",
            "the name of a known bug",
            "a message id",
            "what to expect ({names})",
            "what to expect",
            "a role ({names})",
            "a role",
            "an invariant ({names})",
            "the end of the line (`partition P` after a command needs a Zeebe cluster: cluster brokers=N ...)",
            "a broker id (0..{max}) or `leader`",
            "a broker id (0..{max})",
            "a partition id (1..{max})",
            "a setting that may change while running (`{name}=` goes on the cluster line)",
            "`zeebe` or `scaled`",
            "leader, healthy, degraded, unavailable or term",
            "how many partitions it leads",
            "broker {broker} once",
            "Zeebe settings (brokers=, partitions=, replication=, timing=) without nodes= or groups= (a Zeebe cluster's machines are its brokers)",
            "brokers=N before partitions=, replication= or timing= (they describe a Zeebe cluster)",
            "there is no broker {broker}",
            "there is no partition {partition}",
            "this needs a Zeebe cluster (cluster brokers=N partitions=P replication=R)",
            "a broker count",
            "a partition count",
            "a replication factor",
            "{what} ({lo}..{hi})",
            "rebalance: leaders hand their partitions back to the primaries, one partition at a time",
            "rebalance: partition {partition} is not led by its primary; given up",
            "rebalance: done",
            "broker {broker} holds no replica of partition {partition}",
            "key {key} lives on partition {partition} (follow-up commands go to the partition of their key)",
        ];
        // The safety checker's details (sim::checker, sim::linearizability) and the events
        // it names as the moment of a violation (World::describe_current), as the engine
        // writes them, with the phrases nested in them (view::safety reads them back; more
        // specific shapes first).
        safety[53] = [
            "node {node}'s term went back from {from} to {to}",
            "node {node}'s commit index went back from {from} to {to}",
            "node {node}'s applied index went back from {from} to {to}",
            "node {node}: snapshot {snapshot}, applied {applied}, commit {commit}, last {last} are out of order",
            "node {node} committed a different entry at index {index} (term {term}) than was committed before (term {before})",
            "leader {node} of term {term} rewrote its log from index {index} (its log ended at {last})",
            "node {node} discarded committed entry {index} (term {term}) when it stored a snapshot up to {snapshot}",
            "node {node} discarded committed entry {index} (term {term})",
            "node {node} holds entry {index} of term {term} with a different command than another node",
            "node {node} holds entry {index} of term {term} with a different history before it than another node",
            "node {node} crashed with term {term} / vote {vote} but storage held term {stored_term} / vote {stored_vote}",
            "node {node} crashed with a log ending at {last} but storage's ends at {stored}",
            "node {node} held committed entries up to {before} before crashing but only up to {after} after restarting",
            "node {node} stored a snapshot up to entry {index} of term {term}, but the committed entry there is of term {committed}",
            "node {node} sent {kind} to node {to} before {what}",
            "its term {term} was durable (storage: term {stored})",
            "its vote for itself was durable (storage: vote {vote})",
            "its vote for node {to} was durable (storage: vote {vote})",
            "entry {index} it sends was durable",
            "entry {index} it acknowledges was durable",
            "the snapshot up to {index} it sends was durable",
            "the snapshot up to {index} it acknowledges was durable",
            "Some({node})",
            "None",
            "node {node} applied a different command at index {index} than another node",
            "node {node} installed a snapshot whose state differs at index {index} from another node's",
            "node {node} reached a different state at index {index} from another node's",
            "nodes {node} and {other} were both elected leader in term {term}",
            "node {node} became leader of term {term} without committed entry {index}",
            "entry {index} of term {term} was committed but node {node}, leader of term {leader_term}, lacked it when elected",
            "the history of key {key} is not linearizable: no order of the operations explains {op}: it started after {op2} and {op3} had returned (before the operations still in question, {key} could only hold {values})",
            "the history of key {key} is not linearizable: no order of the operations explains {op}: it started after {op2} had returned (before the operations still in question, {key} could only hold {values})",
            "the history of key {key} is not linearizable: no order of the operations explains {op} (before the operations still in question, {key} could only hold {values})",
            "the history of key {key} is not linearizable",
            "the history of key {key} is too tangled to check ({why}); checking goes on from an unknown value",
            "the history of key {key} is too tangled to check (search stopped after {budget} states)",
            "search stopped after {budget} states",
            "more than {max} ways it can stand",
            "write {value} (op {id}, {who}, invoked {call}, {returned})",
            "read -> {got} (op {id}, {who}, invoked {call}, {returned})",
            "client {client}",
            "scripted",
            "never answered",
            "returned {time}",
            "nothing",
            "anything",
            "delivery of message {id}",
            "a timer of node {node}",
            "a client request",
            "Lose({id})",
            "ClientTimeout({op})",
            "a rebalance",
            "an intervention",
        ];
        // A message's fields in the inspector (view::frame::message_fields), by their names
        // in Figure 2 of the Raft paper.
        fields[19] = [
            "term",
            "lastLogIndex",
            "lastLogTerm",
            "preVote",
            "leadershipTransfer",
            "voteGranted",
            "prevLogIndex",
            "prevLogTerm",
            "entries",
            "leaderCommit",
            "success",
            "matchIndex",
            "rejectedIndex",
            "conflictTerm",
            "conflictIndex",
            "lastIncludedIndex",
            "lastIncludedTerm",
            "read",
            "readIndex",
        ];
        // Settings a scenario's `set` may change that have no control of their own, by their
        // names in the scenario language (view::narrate tells `set` notes with them).
        set_names[8] = [
            "reads",
            "batch",
            "inflight",
            "timeout",
            "clients",
            "duplicate",
            "reorder",
            "timing",
        ];
        // The named scenarios of view::library, in its order.
        example_names[16] = [
            "Election in a 5-node cluster",
            "Leader crash",
            "Split vote",
            "Partition: the old leader in the minority",
            "Figure 7: every follower log converges",
            "Figure 8: no commit by counting",
            "Figure 8 with the rule broken",
            "Term inflation without pre-vote",
            "Term inflation with pre-vote",
            "Check-quorum: an isolated leader steps down",
            "Leadership transfer",
            "Membership: learner, promote, add, remove",
            "Snapshots and InstallSnapshot",
            "Linearizable reads",
            "The single-server membership bug",
            "A forgotten vote: two leaders",
        ];
        // Message kinds, in MessageKind::ALL order.
        kinds[crate::raft::MessageKind::ALL.len()] = [
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
            "read index request",
            "read index response",
        ];
        // Known bugs, in Breaks::NAMES order.
        bug_names[crate::raft::Breaks::NAMES.len()] = [
            "Commit old-term entries by counting (Figure 8)",
            "Forget the vote on restart",
            "Vote without the log check",
            "Keep a conflicting log suffix",
            "Change membership without the barrier",
            "Lease reads without check-quorum",
            "Answer before the write is durable",
        ];
        bug_help[crate::raft::Breaks::NAMES.len()] = [
            "§5.4.2: a leader may only commit an entry of its own term by counting; an older one can still be overwritten.",
            "Figure 2: votedFor is durable. Forgetting it lets a server vote twice in a term: two leaders.",
            "§5.4.1: only vote for a candidate whose log is at least as up to date, or a leader may lack committed entries.",
            "AppendEntries rule 3: delete a conflicting entry and all that follow; keeping them breaks Log Matching.",
            "A new leader must commit an entry of its term before a membership change, or two majorities can form.",
            "§6.4.1: a lease is only safe while others refuse to vote (check-quorum); otherwise reads go stale.",
            "Figure 2: respond only after updating stable storage. A crash in between makes a server forget what it promised.",
        ];
        // The help's keyboard shortcuts.
        shortcut_keys[8] = [
            "Space",
            "S or →",
            "R",
            "C",
            "L",
            "H",
            "+ / −",
            "?",
        ];
        shortcut_help[8] = [
            "Play / pause",
            "Step one event",
            "Send a client request",
            "Crash or restart the selected node",
            "Isolate the leader",
            "Heal the network",
            "Faster / slower",
            "Show or hide this help",
        ];
        // Invariant names and descriptions, in Invariant::ALL order.
        invariant_names[12] = [
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
        ];
        invariant_help[12] = [
            "At most one leader is elected in a term.",
            "A leader never overwrites or deletes entries in its log.",
            "Logs holding an entry with the same index and term are identical up to it.",
            "An entry committed in a term is in the log of every later leader.",
            "No two servers apply different commands at the same index.",
            "No server discards a committed entry; restarts lose none.",
            "A server sends a vote or an acknowledgement only once it is on its disk.",
            "A server's term never goes back.",
            "A live server's commit index never goes back.",
            "A live server's applied index never goes back.",
            "snapshot ≤ applied ≤ commit ≤ last index on every server.",
            "Client reads and writes behave like one copy of the data.",
        ];
    }
}

// The layout `texts_mut` relies on: nothing but `&'static str`s, without padding.
const _: () = assert!(std::mem::size_of::<Catalog>() == Catalog::TEXTS * std::mem::size_of::<&'static str>());
const _: () = assert!(std::mem::align_of::<Catalog>() == std::mem::align_of::<&'static str>());

impl Catalog {
    /// Every key of a catalog file, in declaration order (`field`, then `list.0`...).
    pub fn keys() -> Vec<String> {
        let mut keys: Vec<String> = Catalog::FIELDS.iter().map(|f| f.to_string()).collect();
        for (name, n) in Catalog::LISTS {
            keys.extend((0..*n).map(|k| format!("{name}.{k}")));
        }
        keys
    }

    /// The texts in declaration order: the language tag, the fields, then the lists.
    fn texts_mut(&mut self) -> &mut [&'static str] {
        // SAFETY: `Catalog` is `repr(C)` and every field is a `&'static str` or an array of
        // them, so it is laid out as `TEXTS` consecutive `&'static str`s (the assertions
        // above check size and alignment); the slice borrows `self` mutably.
        unsafe { std::slice::from_raw_parts_mut(self as *mut Catalog as *mut &'static str, Catalog::TEXTS) }
    }

    /// Where the text of `key` is kept, if there is such a key.
    fn slot(&mut self, key: &str) -> Option<&mut &'static str> {
        let position = match Catalog::FIELDS.iter().position(|f| *f == key) {
            Some(i) => 1 + i,
            None => {
                let (name, k) = key.split_once('.')?;
                let k: usize = k.parse().ok()?;
                let mut start = 1 + Catalog::FIELDS.len();
                let mut found = None;
                for (list, n) in Catalog::LISTS {
                    if *list == name && k < *n {
                        found = Some(start + k);
                    }
                    start += n;
                }
                found?
            }
        };
        self.texts_mut().get_mut(position)
    }
}

/// A problem with a catalog file, for its author.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for CatalogError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// The blanks of a template, in order (`{node}` gives `node`).
pub fn blanks(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else { break };
        out.push(&after[..end]);
        rest = &after[end + 1..];
    }
    out
}

impl Catalog {
    /// Reads a catalog file: `key = text` lines (`#` starts a comment line; `\n` in a text is
    /// a line break). Keys it does not give keep their English text ([`Catalog::missing`]
    /// names them). An unknown key, a repeated one or a line without `=` is an error.
    pub fn parse(lang: &'static str, text: &str) -> Result<Catalog, CatalogError> {
        let mut c = EN.clone();
        c.lang = lang;
        let mut seen = std::collections::BTreeSet::new();
        for (k, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |message: String| CatalogError { line: k + 1, message };
            let (key, value) = line.split_once('=').ok_or_else(|| err("expected `key = text`".to_string()))?;
            let (key, value) = (key.trim(), value.trim());
            if !seen.insert(key.to_string()) {
                return Err(err(format!("`{key}` is given twice")));
            }
            let slot = c.slot(key).ok_or_else(|| err(format!("there is no key `{key}`")))?;
            // Read once per language and kept for the page's life.
            *slot = Box::leak(value.replace("\\n", "\n").into_boxed_str());
        }
        Ok(c)
    }

    /// The keys a catalog file does not give (they stay in English).
    pub fn missing(text: &str) -> Vec<String> {
        let given: Vec<&str> =
            text.lines().filter(|l| !l.trim_start().starts_with('#')).filter_map(|l| l.split_once('=')).map(|(k, _)| k.trim()).collect();
        Catalog::keys().into_iter().filter(|k| !given.contains(&k.as_str())).collect()
    }

    /// The text of `key`, if there is such a key.
    pub fn get(&self, key: &str) -> Option<&'static str> {
        self.clone().slot(key).map(|s| *s)
    }

    /// Whether this is a Chinese catalog (its words need no spaces around numbers).
    pub fn is_zh(&self) -> bool {
        self.lang.starts_with("zh")
    }
}

thread_local! {
    static CURRENT: Cell<&'static Catalog> = const { Cell::new(&EN) };
}

/// The catalog the page speaks now (English until another is chosen).
pub fn cat() -> &'static Catalog {
    CURRENT.with(|c| c.get())
}

/// Makes `c` the catalog the page speaks.
pub fn set_current(c: &'static Catalog) {
    CURRENT.with(|cell| cell.set(c));
}

/// Reads the values of a template's blanks back out of a text made from it, or `None` if
/// the text does not have the template's shape. A blank takes the shortest text that lets
/// the rest match.
pub fn unfill<'t>(template: &str, text: &'t str) -> Option<Vec<(String, &'t str)>> {
    fn go<'t>(parts: &[(&str, Option<&str>)], text: &'t str, out: &mut Vec<(String, &'t str)>) -> bool {
        let Some(((lit, blank), rest)) = parts.split_first() else { return text.is_empty() };
        let Some(after) = text.strip_prefix(lit) else { return false };
        let (Some(name), Some(next)) = (blank, rest.first().map(|(l, _)| *l)) else { return after.is_empty() };
        if next.is_empty() {
            // A blank at the very end takes the rest; two blanks side by side are not read.
            let last = rest.len() == 1 && !after.is_empty();
            if last {
                out.push((name.to_string(), after));
            }
            return last;
        }
        for (p, _) in after.match_indices(next) {
            if p == 0 {
                continue;
            }
            out.push((name.to_string(), &after[..p]));
            if go(rest, &after[p..], out) {
                return true;
            }
            out.pop();
        }
        false
    }
    // The template as (literal before, blank) pairs, ending with the literal after the last.
    let mut parts: Vec<(&str, Option<&str>)> = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else { break };
        parts.push((&rest[..start], Some(&after[..end])));
        rest = &after[end + 1..];
    }
    parts.push((rest, None));
    let mut out = Vec::new();
    go(&parts, text, &mut out).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ZH: &str = include_str!("../../www/i18n/zh-CN.txt");

    #[test]
    fn the_chinese_catalog_translates_every_key_and_keeps_every_blank() {
        let zh = Catalog::parse("zh-CN", ZH).unwrap_or_else(|e| panic!("www/i18n/zh-CN.txt {e}"));
        let missing = Catalog::missing(ZH);
        assert!(missing.is_empty(), "not translated in www/i18n/zh-CN.txt: {missing:?}");
        for key in Catalog::keys() {
            let (en, cn) = (EN.get(&key).unwrap(), zh.get(&key).unwrap());
            let mut a = blanks(en);
            let mut b = blanks(cn);
            a.sort_unstable();
            b.sort_unstable();
            assert_eq!(a, b, "{key}: the blanks of {en:?} and {cn:?} differ");
            assert!(!cn.is_empty(), "{key} is empty");
        }
    }

    #[test]
    fn every_key_names_its_own_text() {
        let mut c = EN.clone();
        for (k, key) in Catalog::keys().iter().enumerate() {
            let marker: &'static str = Box::leak(format!("<{k}>").into_boxed_str());
            *c.slot(key).unwrap() = marker;
        }
        assert_eq!((c.title, c.tagline, c.lang), ("<0>", "<1>", "en"), "the language tag is not a key");
        let keys = Catalog::keys();
        let at = |key: &str| format!("<{}>", keys.iter().position(|k| k == key).unwrap());
        assert_eq!(c.kinds[0], at("kinds.0"));
        assert_eq!(c.kinds[11], at("kinds.11"));
        assert_eq!(c.bug_help[6], at("bug_help.6"));
        assert_eq!(c.invariant_help[11], format!("<{}>", keys.len() - 1));
        assert_eq!(c.example_names[15], at("example_names.15"));
        assert_eq!(c.leader_is, at("leader_is"));
    }

    #[test]
    fn a_catalog_file_names_its_mistakes() {
        let err = |text: &str| Catalog::parse("zh-CN", text).err().unwrap();
        assert_eq!(err("title = A\ntitle = B").line, 2);
        assert!(err("no_such_key = x").message.contains("no_such_key"));
        assert!(Catalog::parse("zh-CN", "kinds.99 = x").is_err());
        assert!(Catalog::parse("zh-CN", "just words").is_err());
        let text = "# comment\ntitle = 演练场\nkinds.0 = 投票";
        let (c, missing) = (Catalog::parse("zh-CN", text).unwrap(), Catalog::missing(text));
        assert_eq!((c.title, c.kinds[0], c.play), ("演练场", "投票", "Play"));
        assert_eq!(missing.len(), Catalog::keys().len() - 2);
    }

    #[test]
    fn unfill_reads_back_what_fill_wrote() {
        let t = "Node {node} voted for node {candidate} in term {term}";
        let text = fill(t, &[("node", &"3"), ("candidate", &"12"), ("term", &"4")]);
        let got = unfill(t, &text).unwrap();
        assert_eq!(got, vec![("node".to_string(), "3"), ("candidate".to_string(), "12"), ("term".to_string(), "4")]);
        assert_eq!(unfill("node {node}: {error}", "node 2: node 3 is down").unwrap()[1].1, "node 3 is down");
        assert_eq!(unfill("{what} must be positive", "loss must be positive").unwrap()[0].1, "loss");
        assert!(unfill("node {node} is down", "node 3 is up").is_none());
        assert!(unfill("no blanks", "no blanks").is_some_and(|v| v.is_empty()));
        assert!(unfill("no blanks", "other").is_none());
    }

    #[test]
    fn fill_replaces_named_blanks() {
        assert_eq!(fill("Node {node} in term {term}", &[("node", &"3"), ("term", &"4")]), "Node 3 in term 4");
        assert_eq!(fill("{a}{a}", &[("a", &"x")]), "xx");
        assert_eq!(fill("no blanks", &[]), "no blanks");
        assert_eq!(fill("{missing} stays", &[]), "{missing} stays");
        assert_eq!(fill("open { brace", &[]), "open { brace");
    }
}
