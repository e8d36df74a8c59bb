//! The JavaScript API: a `Simulation` class for pages that run a cluster and draw it
//! themselves. Bad input throws a JavaScript `Error` with a clear message; nothing panics.
//!
//! ```js
//! import init, { Simulation } from './raft-playground-api.js';
//! await init();
//! const sim = new Simulation({ nodes: 5, seed: 7 });
//! sim.advance(1000);                       // one second of virtual time
//! const { nodes, messages, leader } = sim.state();
//! sim.crash(leader);
//! ```
//! TypeScript declarations: `raft-playground-api.d.ts` next to the module.

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use raft_playground::raft::{NodeId, Payload, Time};
use raft_playground::script::ast::{ClusterSpec, Cmd, Setting, Target};
use raft_playground::script::session::Session;
use raft_playground::sim::{MAX_NODES, MS};
use raft_playground::view::catalog::cat;
use raft_playground::view::frame::{self, entry_label};
use raft_playground::view::narrate::narrate;

/// Settings a `Simulation` starts from; every field is optional.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
struct Options {
    nodes: Option<u32>,
    seed: Option<u64>,
    prevote: Option<bool>,
    checkquorum: Option<bool>,
    election_min: Option<f64>,
    election_max: Option<f64>,
    heartbeat: Option<f64>,
    latency_min: Option<f64>,
    latency_max: Option<f64>,
    loss: Option<f64>,
    rate: Option<u32>,
}

const OPTION_NAMES: [&str; 11] =
    ["nodes", "seed", "prevote", "checkquorum", "electionMin", "electionMax", "heartbeat", "latencyMin", "latencyMax", "loss", "rate"];

fn err(message: impl std::fmt::Display) -> JsError {
    JsError::new(&message.to_string())
}

/// Milliseconds from JavaScript to virtual microseconds, refusing what is not a duration.
fn duration(what: &str, ms: f64) -> Result<Time, JsError> {
    if !ms.is_finite() || !(0.0..=1e9).contains(&ms) {
        return Err(err(format!("{what} must be a number of milliseconds from 0 to 1e9 (got {ms})")));
    }
    Ok((ms * 1000.0).round() as Time)
}

fn node_id(id: f64) -> Result<NodeId, JsError> {
    if id.fract() != 0.0 || !(1.0..=MAX_NODES as f64).contains(&id) {
        return Err(err(format!("a node id is a whole number from 1 to {MAX_NODES} (got {id})")));
    }
    Ok(id as NodeId)
}

impl Options {
    fn spec(self) -> Result<ClusterSpec, JsError> {
        let mut options = Vec::new();
        if let Some(b) = self.prevote {
            options.push(Setting::PreVote(b));
        }
        if let Some(b) = self.checkquorum {
            options.push(Setting::CheckQuorum(b));
        }
        if self.election_min.is_some() || self.election_max.is_some() {
            let lo = duration("electionMin", self.election_min.unwrap_or(150.0))?;
            let hi = duration("electionMax", self.election_max.unwrap_or(300.0))?;
            options.push(Setting::Election(lo, hi));
        }
        if let Some(h) = self.heartbeat {
            options.push(Setting::Heartbeat(duration("heartbeat", h)?));
        }
        if self.latency_min.is_some() || self.latency_max.is_some() {
            let lo = duration("latencyMin", self.latency_min.unwrap_or(10.0))?;
            let hi = duration("latencyMax", self.latency_max.unwrap_or(20.0))?;
            options.push(Setting::Latency(lo, hi));
        }
        if let Some(p) = self.loss {
            options.push(Setting::Drop(p));
        }
        if let Some(r) = self.rate {
            options.push(Setting::Rate(r));
        }
        Ok(ClusterSpec { nodes: self.nodes, seed: self.seed, groups: None, options })
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EntryState {
    index: u64,
    term: u64,
    command: String,
    committed: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NodeState {
    id: NodeId,
    role: &'static str,
    term: u64,
    voted_for: Option<NodeId>,
    leader: Option<NodeId>,
    commit_index: u64,
    applied_index: u64,
    last_index: u64,
    snapshot_index: u64,
    /// Election timer: elapsed and timeout, in virtual milliseconds.
    timer_elapsed: f64,
    timer_timeout: f64,
    /// For a leader that cannot commit (cut off from a majority, or replaced by a newer
    /// term it has not heard of yet): `no-majority` or `newer-term`.
    stale: Option<&'static str>,
    log: Vec<EntryState>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MessageState {
    id: u64,
    kind: &'static str,
    from: NodeId,
    to: NodeId,
    term: u64,
    sent_at: f64,
    deliver_at: f64,
    /// How far along its way it is, 0 to 1.
    progress: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ViolationState {
    invariant: &'static str,
    time: f64,
    detail: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct State {
    time: f64,
    leader: Option<NodeId>,
    nodes: Vec<NodeState>,
    messages: Vec<MessageState>,
    partition: Vec<Vec<NodeId>>,
    cuts: Vec<[NodeId; 2]>,
    violations: Vec<ViolationState>,
    /// Linearizability searches that gave up: nothing is known about those windows.
    inconclusive: Vec<String>,
}

#[derive(Serialize)]
struct EventState {
    time: f64,
    category: &'static str,
    nodes: Vec<NodeId>,
    text: String,
}

fn ms(t: Time) -> f64 {
    t as f64 / 1000.0
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(err)
}

/// The most events kept for `eventsSince`.
const MAX_EVENTS: usize = 10_000;

/// Makes the events simulations tell speak the language of a catalog file (the page's
/// `i18n/zh-CN.txt`; `lang` is its tag, `zh-CN` by default). English is built in.
#[wasm_bindgen(js_name = useCatalog)]
pub fn use_catalog(text: &str, lang: Option<String>) -> Result<(), JsError> {
    let tag: &'static str = Box::leak(lang.unwrap_or_else(|| "zh-CN".to_string()).into_boxed_str());
    let c = raft_playground::view::catalog::Catalog::parse(tag, text).map_err(|e| JsError::new(&e.to_string()))?;
    raft_playground::view::catalog::set_current(Box::leak(Box::new(c)));
    Ok(())
}

/// A simulated Raft cluster.
#[wasm_bindgen]
pub struct Simulation {
    session: Session,
    events: Vec<EventState>,
    /// The index of `events[0]` (older ones were dropped).
    first_event: u32,
}

#[wasm_bindgen]
impl Simulation {
    /// A cluster from options (`{ nodes, seed, prevote, checkquorum, electionMin,
    /// electionMax, heartbeat, latencyMin, latencyMax, loss, rate }`, all optional;
    /// times in milliseconds) or from scenario text.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<Simulation, JsError> {
        if let Some(text) = options.as_string() {
            return Simulation::from_scenario(&text);
        }
        let options: Options = if options.is_undefined() || options.is_null() {
            Options::default()
        } else {
            // Unknown names are mistakes (a typo would silently do nothing otherwise).
            if let Some(obj) = options.dyn_ref::<js_sys::Object>() {
                for key in js_sys::Object::keys(obj).iter().filter_map(|k| k.as_string()) {
                    if !OPTION_NAMES.contains(&key.as_str()) {
                        return Err(err(format!("unknown option `{key}` (known: {})", OPTION_NAMES.join(", "))));
                    }
                }
            }
            serde_wasm_bindgen::from_value(options).map_err(|e| err(format!("bad options: {e}")))?
        };
        let session = Session::new(options.spec()?).map_err(err)?;
        Ok(Simulation::with(session))
    }

    /// A cluster that replays a scenario (the scenario language of the README) as time
    /// advances. Syntax errors name the line and column.
    #[wasm_bindgen(js_name = fromScenario)]
    pub fn from_scenario(text: &str) -> Result<Simulation, JsError> {
        let scenario = raft_playground::script::parse(text).map_err(err)?;
        let session = Session::from_scenario(&scenario).map_err(err)?;
        Ok(Simulation::with(session))
    }

    fn with(session: Session) -> Simulation {
        let mut s = Simulation { session, events: Vec::new(), first_event: 0 };
        s.collect();
        s
    }

    fn collect(&mut self) {
        let machines = self.session.world().machine_ids();
        for e in self.session.drain_trace() {
            // Single messages are in `state().messages`; the events tell what they did.
            if matches!(e.kind, raft_playground::sim::TraceKind::Sent { .. }) {
                continue;
            }
            if let Some(n) = narrate(cat(), &e, &machines) {
                self.events.push(EventState { time: ms(n.time), category: n.category.name(), nodes: n.nodes, text: n.text });
            }
        }
        if self.events.len() > MAX_EVENTS {
            let drop = self.events.len() - MAX_EVENTS;
            self.events.drain(..drop);
            self.first_event += drop as u32;
        }
    }

    fn act(&mut self, cmd: Cmd) -> Result<(), JsError> {
        let result = self.session.act(cmd);
        self.collect();
        result.map_err(err)
    }

    /// Virtual time in milliseconds.
    #[wasm_bindgen(getter)]
    pub fn time(&self) -> f64 {
        ms(self.session.now())
    }

    /// Advances virtual time by `ms` milliseconds.
    pub fn advance(&mut self, ms: f64) -> Result<(), JsError> {
        let d = duration("advance", ms)?;
        let t = self.session.now() + d;
        self.session.advance_to(t);
        self.collect();
        Ok(())
    }

    /// Processes exactly one event.
    pub fn step(&mut self) {
        self.session.step();
        self.collect();
    }

    /// Travels to virtual time `ms` (earlier or later); acting afterwards forks a new future.
    pub fn seek(&mut self, ms: f64) -> Result<(), JsError> {
        let t = duration("seek", ms)?;
        self.session.seek(t);
        self.collect();
        Ok(())
    }

    /// Everything visible now, as plain objects: time, leader, nodes (with their logs),
    /// messages in flight, partition, one-way cuts, safety violations.
    pub fn state(&self) -> Result<JsValue, JsError> {
        let world = self.session.world();
        let now = world.now();
        let nodes = frame::nodes(world, 0)
            .into_iter()
            .map(|v| {
                let log = match world.node(0, v.id) {
                    Some(n) => n
                        .log()
                        .entries()
                        .iter()
                        .map(|e| EntryState { index: e.index, term: e.term, command: command(e), committed: e.index <= v.commit_index })
                        .collect(),
                    None => Vec::new(),
                };
                NodeState {
                    id: v.id,
                    role: v.role,
                    term: v.term,
                    voted_for: v.voted_for,
                    leader: v.leader,
                    commit_index: v.commit_index,
                    applied_index: v.applied_index,
                    last_index: v.last_index,
                    snapshot_index: v.snapshot_index,
                    timer_elapsed: ms(v.timer_elapsed),
                    timer_timeout: ms(v.timer_timeout),
                    stale: v.stale.map(|s| match s {
                        frame::Stale::NoMajority => "no-majority",
                        frame::Stale::NewerTerm => "newer-term",
                    }),
                    log,
                }
            })
            .collect();
        let messages = frame::messages(world, 0)
            .into_iter()
            .map(|m| MessageState {
                id: m.id,
                kind: m.kind,
                from: m.from,
                to: m.to,
                term: m.term,
                sent_at: ms(m.sent_at),
                deliver_at: ms(m.deliver_at),
                progress: m.progress(now),
            })
            .collect();
        let violations = world
            .violations()
            .iter()
            .map(|v| ViolationState { invariant: v.invariant.name(), time: ms(v.time), detail: v.detail.clone() })
            .collect();
        let state = State {
            time: ms(now),
            leader: world.leader(0),
            nodes,
            messages,
            partition: world.network().partition().to_vec(),
            cuts: world.network().cuts().map(|(a, b)| [a, b]).collect(),
            violations,
            inconclusive: world.inconclusive().to_vec(),
        };
        to_js(&state)
    }

    /// The id of the leader (the one node leading in the highest term), or undefined.
    pub fn leader(&self) -> Option<u32> {
        self.session.world().leader(0)
    }

    /// Events told in plain words since index `from`: `{ next, events: [{ time, category,
    /// nodes, text }] }` (elections, votes, commits, client requests, faults, lost messages,
    /// violations; not every message sent). Pass `next` back to get only newer ones.
    #[wasm_bindgen(js_name = eventsSince)]
    pub fn events_since(&self, from: u32) -> Result<JsValue, JsError> {
        let start = from.saturating_sub(self.first_event) as usize;
        let events = self.events.get(start.min(self.events.len())..).unwrap_or(&[]);
        #[derive(Serialize)]
        struct Events<'a> {
            next: u32,
            events: &'a [EventState],
        }
        to_js(&Events { next: self.first_event + self.events.len() as u32, events })
    }

    pub fn crash(&mut self, node: f64) -> Result<(), JsError> {
        let id = node_id(node)?;
        self.act(Cmd::Crash(Target::Node(id)))
    }

    pub fn restart(&mut self, node: f64) -> Result<(), JsError> {
        let id = node_id(node)?;
        self.act(Cmd::Restart(Target::Node(id)))
    }

    /// Fires a node's election timer now.
    pub fn timeout(&mut self, node: f64) -> Result<(), JsError> {
        let id = node_id(node)?;
        self.act(Cmd::Timeout(id))
    }

    /// Splits the network: `partition([[1, 2], [3, 4, 5]])`.
    pub fn partition(&mut self, groups: JsValue) -> Result<(), JsError> {
        let groups: Vec<Vec<f64>> =
            serde_wasm_bindgen::from_value(groups).map_err(|_| err("partition takes groups of node ids, e.g. [[1, 2], [3, 4, 5]]"))?;
        let groups =
            groups.into_iter().map(|g| g.into_iter().map(node_id).collect::<Result<Vec<_>, _>>()).collect::<Result<Vec<_>, _>>()?;
        if groups.iter().all(|g| g.is_empty()) {
            return Err(err("partition needs at least one non-empty group"));
        }
        self.act(Cmd::Partition(groups))
    }

    pub fn heal(&mut self) -> Result<(), JsError> {
        self.act(Cmd::Heal)
    }

    /// Cuts the link from one node to another, one way.
    pub fn cut(&mut self, from: f64, to: f64) -> Result<(), JsError> {
        let (a, b) = (node_id(from)?, node_id(to)?);
        self.act(Cmd::Cut(a, b))
    }

    pub fn uncut(&mut self, from: f64, to: f64) -> Result<(), JsError> {
        let (a, b) = (node_id(from)?, node_id(to)?);
        self.act(Cmd::Uncut(a, b))
    }

    /// A client write `key=value`, to the leader or only to node `via`.
    pub fn propose(&mut self, command: &str, via: Option<f64>) -> Result<(), JsError> {
        let via = via.map(node_id).transpose()?;
        if raft_playground::sim::kv::parse_write(command).is_none() {
            return Err(err(format!("`{command}` is not a command of the form key=value")));
        }
        self.act(Cmd::Propose { command: command.to_string(), via })
    }

    /// Drops one message in flight by id.
    #[wasm_bindgen(js_name = dropMessage)]
    pub fn drop_message(&mut self, id: f64) -> Result<(), JsError> {
        if id.fract() != 0.0 || id < 0.0 {
            return Err(err(format!("a message id is a whole number (got {id})")));
        }
        self.act(Cmd::DropMessage(id as u64))
    }

    /// Message loss probability from now on, 0 to 1.
    #[wasm_bindgen(js_name = setLoss)]
    pub fn set_loss(&mut self, p: f64) -> Result<(), JsError> {
        if !(0.0..=1.0).contains(&p) {
            return Err(err(format!("loss must be a probability from 0 to 1 (got {p})")));
        }
        self.act(Cmd::Set(vec![Setting::Drop(p)]))
    }

    /// One-way latency range from now on, in milliseconds.
    #[wasm_bindgen(js_name = setLatency)]
    pub fn set_latency(&mut self, min_ms: f64, max_ms: f64) -> Result<(), JsError> {
        let (lo, hi) = (duration("latency minimum", min_ms)?, duration("latency maximum", max_ms)?);
        if lo > hi {
            return Err(err(format!("the latency minimum ({min_ms} ms) is above the maximum ({max_ms} ms)")));
        }
        self.act(Cmd::Set(vec![Setting::Latency(lo, hi)]))
    }

    /// Any intervention of the scenario language, e.g. `run("partition 1,2 | 3,4,5")` or
    /// `run("set prevote=on")`. Lines with `run` or `expect` are refused: use `advance` and
    /// `state`.
    pub fn run(&mut self, line: &str) -> Result<(), JsError> {
        let scenario = raft_playground::script::parse(line).map_err(err)?;
        for cmd in scenario.commands {
            match cmd {
                Cmd::Run(_) | Cmd::Expect(_) | Cmd::Cluster(_) => {
                    return Err(err("run() takes interventions; use advance() for time and state() to look"));
                }
                cmd => self.act(cmd)?,
            }
        }
        Ok(())
    }

    /// A fingerprint of everything that has happened in this timeline up to now (every
    /// event of the trace, hashed with FNV-1a), as 16 lowercase hex digits. The same options
    /// and the same calls give the same hash natively and in every browser engine; after
    /// `seek` it is the hash of the timeline up to the moment travelled to.
    #[wasm_bindgen(js_name = traceHash)]
    pub fn trace_hash(&self) -> String {
        format!("{:016x}", self.session.world().trace_hash())
    }

    /// The session so far as scenario text: replaying it gives the same run.
    #[wasm_bindgen(js_name = exportScenario)]
    pub fn export_scenario(&self) -> String {
        raft_playground::script::print(&self.session.to_scenario())
    }
}

fn command(e: &raft_playground::raft::Entry) -> String {
    match &e.payload {
        Payload::Command(c) => c.data.to_string(),
        _ => entry_label(e),
    }
}

/// How long this build takes to simulate `virtual_ms` of a cluster of `nodes` under
/// `rate` client requests per second (checker off): `[events, wall milliseconds]`.
/// Used by the browser benchmark to compare with the native build.
#[wasm_bindgen(js_name = benchmarkSimulator)]
pub fn benchmark_simulator(nodes: u32, rate: u32, virtual_ms: u32) -> Result<Vec<f64>, JsError> {
    let settings = raft_playground::sim::Settings { nodes, client_rate: rate, seed: 42, ..Default::default() };
    let mut world = raft_playground::sim::World::new(settings, raft_playground::sim::TraceMode::Off).map_err(err)?;
    world.set_checking(false);
    let perf = web_sys::window().and_then(|w| w.performance());
    let t0 = perf.as_ref().map_or(0.0, |p| p.now());
    world.run_until(virtual_ms as u64 * MS);
    let t1 = perf.as_ref().map_or(0.0, |p| p.now());
    Ok(vec![world.steps() as f64, t1 - t0])
}
