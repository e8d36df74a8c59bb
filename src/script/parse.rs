//! Scenario text to syntax tree. Errors name the line, the column and what was expected.

use thiserror::Error;

use super::ast::*;
use crate::raft::{Breaks, NodeId, Term, Time};
use crate::sim::settings::{MAX_GROUPS, MAX_NODES};
use crate::sim::zeebe::{Health, Topology, ZeebeTiming, MAX_BROKERS, MAX_PARTITIONS};

#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("line {line}, column {column}: expected {expected}, found {found}")]
pub struct ParseError {
    pub line: usize,
    pub column: usize,
    pub expected: String,
    pub found: String,
}

#[derive(Clone, Debug, PartialEq)]
struct Token {
    text: String,
    column: usize,
}

/// Symbols that are tokens of their own.
const SYMBOLS: [&str; 12] = ["->", "..", "!=", "<=", ">=", "=", "<", ">", ",", "|", "/", "%"];

fn lex(line: &str) -> Vec<Token> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '#' {
            break;
        }
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let rest: String = chars[i..chars.len().min(i + 2)].iter().collect();
        if let Some(sym) = SYMBOLS.iter().find(|s| rest.starts_with(**s)) {
            out.push(Token { text: sym.to_string(), column: i + 1 });
            i += sym.chars().count();
            continue;
        }
        if c == '[' || c == ']' {
            // Optional parts are written without brackets; a bracket is a mistake to report.
            out.push(Token { text: c.to_string(), column: i + 1 });
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            let word_char = c.is_ascii_alphanumeric() || c == '_';
            // A dot inside a number (0.25, 1.5s) but not the `..` of a range.
            let decimal_dot = c == '.' && next.is_some_and(|n| n.is_ascii_digit()) && i > start && chars[i - 1].is_ascii_digit();
            // A dash inside a word (no-leader, add-learner) but not the `->` of a cut.
            let inner_dash = c == '-' && i > start && next.is_some_and(|n| n.is_ascii_alphanumeric());
            // Other characters are allowed inside command values (x=v.1) only as word chars.
            let value_dot = c == '.' && next.is_some_and(|n| n.is_ascii_alphanumeric()) && i > start && next != Some('.');
            if word_char || decimal_dot || inner_dash || value_dot {
                i += 1;
            } else {
                break;
            }
        }
        if i == start {
            out.push(Token { text: c.to_string(), column: i + 1 });
            i += 1;
        } else {
            out.push(Token { text: chars[start..i].iter().collect(), column: start + 1 });
        }
    }
    out
}

struct Line<'a> {
    number: usize,
    tokens: &'a [Token],
    pos: usize,
    end_column: usize,
    /// Zeebe mode (a `cluster brokers=...` line came first): ids are broker ids, 0..n-1.
    zeebe: Option<ZeebeShape>,
}

/// What the parser knows of a Zeebe cluster from its `cluster` line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct ZeebeShape {
    brokers: u32,
    partitions: Option<u32>,
}

type PResult<T> = Result<T, ParseError>;

impl<'a> Line<'a> {
    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.pos).map(|t| t.text.as_str())
    }

    fn error(&self, expected: impl Into<String>) -> ParseError {
        let (column, found) = match self.tokens.get(self.pos) {
            Some(t) => (t.column, format!("`{}`", t.text)),
            None => (self.end_column, "the end of the line".to_string()),
        };
        ParseError { line: self.number, column, expected: expected.into(), found }
    }

    fn next(&mut self, expected: &str) -> PResult<&'a str> {
        match self.tokens.get(self.pos) {
            Some(t) => {
                self.pos += 1;
                Ok(t.text.as_str())
            }
            None => Err(self.error(expected)),
        }
    }

    fn eat(&mut self, text: &str) -> bool {
        if self.peek() == Some(text) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, text: &str) -> PResult<()> {
        if self.eat(text) {
            Ok(())
        } else {
            Err(self.error(format!("`{text}`")))
        }
    }

    fn done(&self) -> PResult<()> {
        if self.pos < self.tokens.len() {
            Err(self.error("the end of the line"))
        } else {
            Ok(())
        }
    }

    fn number(&mut self, what: &str) -> PResult<u64> {
        let save = self.pos;
        let t = self.next(what)?;
        t.parse::<u64>().map_err(|_| {
            self.pos = save;
            self.error(what)
        })
    }

    fn node(&mut self) -> PResult<NodeId> {
        let (expected, lo, hi) = match self.zeebe {
            None => (format!("a node id (1..{MAX_NODES})"), 1, MAX_NODES as u64),
            Some(z) => (format!("a broker id (0..{})", z.brokers - 1), 0, z.brokers as u64 - 1),
        };
        let save = self.pos;
        let n = self.number(&expected)?;
        if n < lo || n > hi {
            self.pos = save;
            return Err(self.error(expected));
        }
        Ok(n as NodeId)
    }

    fn node_words(&self) -> String {
        match self.zeebe {
            None => format!("a node id (1..{MAX_NODES})"),
            Some(z) => format!("a broker id (0..{})", z.brokers - 1),
        }
    }

    /// A partition id: 1..P when the cluster line gave P, else 1..12.
    fn partition_id(&mut self) -> PResult<u32> {
        let hi = self.zeebe.and_then(|z| z.partitions).unwrap_or(MAX_PARTITIONS);
        let expected = format!("a partition id (1..{hi})");
        let save = self.pos;
        let n = self.number(&expected)?;
        if n == 0 || n > hi as u64 {
            self.pos = save;
            return Err(self.error(expected));
        }
        Ok(n as u32)
    }

    /// A count between `lo` and `hi`.
    fn count(&mut self, what: &str, lo: u64, hi: u64) -> PResult<u32> {
        let expected = format!("{what} ({lo}..{hi})");
        let save = self.pos;
        let n = self.number(&expected)?;
        if n < lo || n > hi {
            self.pos = save;
            return Err(self.error(expected));
        }
        Ok(n as u32)
    }

    fn node_list(&mut self) -> PResult<Vec<NodeId>> {
        let mut out = vec![self.node()?];
        while self.eat(",") {
            out.push(self.node()?);
        }
        Ok(out)
    }

    fn target(&mut self) -> PResult<Target> {
        if self.eat("leader") {
            return Ok(Target::Leader);
        }
        if self.peek().is_some_and(|t| t.parse::<u64>().is_ok()) {
            return Ok(Target::Node(self.node()?));
        }
        Err(self.error(format!("{} or `leader`", self.node_words())))
    }

    fn duration(&mut self) -> PResult<Time> {
        let what = "a duration such as 250ms or 2s";
        let save = self.pos;
        let t = self.next(what)?;
        parse_duration(t).ok_or_else(|| {
            self.pos = save;
            self.error(what)
        })
    }

    fn duration_range(&mut self) -> PResult<(Time, Time)> {
        let lo = self.duration()?;
        self.expect("..")?;
        let save = self.pos;
        let hi = self.duration()?;
        if hi < lo {
            self.pos = save;
            return Err(self.error("a range whose end is not below its start"));
        }
        Ok((lo, hi))
    }

    fn probability(&mut self) -> PResult<f64> {
        let what = "a probability between 0 and 1";
        let save = self.pos;
        let t = self.next(what)?;
        match crate::decimal::parse(t) {
            Some(p) if (0.0..=1.0).contains(&p) => Ok(p),
            _ => {
                self.pos = save;
                Err(self.error(what))
            }
        }
    }

    fn on_off(&mut self) -> PResult<bool> {
        match self.peek() {
            Some("on") | Some("true") => {
                self.pos += 1;
                Ok(true)
            }
            Some("off") | Some("false") => {
                self.pos += 1;
                Ok(false)
            }
            _ => Err(self.error("`on` or `off`")),
        }
    }

    fn cmp(&mut self) -> PResult<Cmp> {
        let op = match self.peek() {
            Some("=") => CmpOp::Eq,
            Some("!=") => CmpOp::Ne,
            Some("<") => CmpOp::Lt,
            Some("<=") => CmpOp::Le,
            Some(">") => CmpOp::Gt,
            Some(">=") => CmpOp::Ge,
            _ => return Err(self.error("a comparison (= != < <= > >=)")),
        };
        self.pos += 1;
        let value = self.number("a number")?;
        Ok(Cmp { op, value })
    }

    fn terms(&mut self) -> PResult<Vec<Term>> {
        self.expect("terms")?;
        self.expect("=")?;
        let mut out = vec![self.number("a term")?];
        while self.eat(",") {
            out.push(self.number("a term")?);
        }
        Ok(out)
    }

    /// `key=value` as one client command.
    fn command(&mut self) -> PResult<String> {
        let key = self.word("a command such as x=1")?;
        self.expect("=")?;
        let value = self.word("a value")?;
        Ok(format!("{key}={value}"))
    }

    fn word(&mut self, what: &str) -> PResult<String> {
        let save = self.pos;
        let t = self.next(what)?;
        if crate::sim::kv::is_word(t) {
            Ok(t.to_string())
        } else {
            self.pos = save;
            Err(self.error(what))
        }
    }

    fn via(&mut self) -> PResult<Option<NodeId>> {
        if self.eat("via") {
            Ok(Some(self.node()?))
        } else {
            Ok(None)
        }
    }

    fn on_nodes(&mut self) -> PResult<Option<Vec<NodeId>>> {
        if self.eat("on") {
            Ok(Some(self.node_list()?))
        } else {
            Ok(None)
        }
    }

    fn setting(&mut self) -> PResult<Setting> {
        let save = self.pos;
        let name = self.next("a setting")?;
        self.expect("=")?;
        let s = match name {
            "prevote" => Setting::PreVote(self.on_off()?),
            "checkquorum" => Setting::CheckQuorum(self.on_off()?),
            "lease" => Setting::LeaseRead(self.on_off()?),
            "priority" => Setting::PriorityElection(self.on_off()?),
            "election" => {
                let (lo, hi) = self.duration_range()?;
                Setting::Election(lo, hi)
            }
            "heartbeat" => Setting::Heartbeat(self.duration()?),
            "latency" => {
                let (lo, hi) = self.duration_range()?;
                Setting::Latency(lo, hi)
            }
            "drop" => Setting::Drop(self.probability()?),
            "duplicate" => Setting::Duplicate(self.probability()?),
            "reorder" => Setting::Reorder(self.probability()?),
            "rate" => Setting::Rate(self.number("requests per second")? as u32),
            "reads" => {
                let p = self.percent()?;
                Setting::Reads(p)
            }
            "snapshot" => Setting::SnapshotThreshold(self.number("a number of entries")?),
            "inflight" => Setting::MaxInflight(self.positive("appends in flight")?),
            "batch" => Setting::MaxEntries(self.positive("entries per append")?),
            "timeout" => Setting::ClientTimeout(self.duration()?),
            "clients" => {
                let save = self.pos;
                let n = self.number("a number of clients")?;
                if n == 0 || n > crate::sim::settings::MAX_CLIENTS as u64 {
                    self.pos = save;
                    return Err(self.error(format!("a number of clients (1..{})", crate::sim::settings::MAX_CLIENTS)));
                }
                Setting::Clients(n as u32)
            }
            "brokers" | "partitions" | "replication" | "timing" => {
                self.pos = save;
                return Err(self.error(format!("a setting that may change while running (`{name}=` goes on the cluster line)")));
            }
            _ => {
                self.pos = save;
                return Err(self.error(format!("a setting ({})", SETTING_NAMES.join(", "))));
            }
        };
        Ok(s)
    }

    fn positive(&mut self, what: &str) -> PResult<u32> {
        let save = self.pos;
        let n = self.number(what)?;
        if n == 0 || n > u32::MAX as u64 {
            self.pos = save;
            return Err(self.error(format!("a positive number of {what}")));
        }
        Ok(n as u32)
    }

    fn percent(&mut self) -> PResult<u32> {
        let save = self.pos;
        let n = self.number("a percentage 0..100")?;
        if n > 100 {
            self.pos = save;
            return Err(self.error("a percentage 0..100"));
        }
        self.eat("%");
        Ok(n as u32)
    }
}

pub const SETTING_NAMES: [&str; 17] = [
    "prevote",
    "checkquorum",
    "lease",
    "priority",
    "election",
    "heartbeat",
    "latency",
    "drop",
    "duplicate",
    "reorder",
    "rate",
    "reads",
    "snapshot",
    "inflight",
    "batch",
    "timeout",
    "clients",
];

pub const COMMAND_NAMES: [&str; 28] = [
    "cluster",
    "run",
    "crash",
    "restart",
    "partition",
    "isolate",
    "heal",
    "cut",
    "uncut",
    "drop",
    "latency",
    "duplicate",
    "reorder",
    "workload",
    "set",
    "timeout",
    "propose",
    "read",
    "log",
    "term",
    "transfer",
    "add",
    "add-learner",
    "promote",
    "remove",
    "compact",
    "await",
    "rebalance",
];

/// Parses a duration: an integer or decimal number followed by `us`, `ms`, `s` or `m`.
pub fn parse_duration(text: &str) -> Option<Time> {
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (num, unit) = text.split_at(split);
    let scale: u64 = match unit {
        "us" => 1,
        "ms" => 1_000,
        "s" => 1_000_000,
        "m" | "min" => 60_000_000,
        _ => return None,
    };
    if num.is_empty() || num.starts_with('.') || num.ends_with('.') {
        return None;
    }
    let (int, frac) = num.split_once('.').unwrap_or((num, ""));
    if frac.contains('.') || int.len() > 12 {
        return None;
    }
    let int: u64 = int.parse().ok()?;
    let mut value = int.checked_mul(scale)?;
    // Fractions in integer arithmetic: digits beyond microseconds are refused.
    let mut unit_scale = scale;
    for d in frac.chars() {
        if !unit_scale.is_multiple_of(10) {
            return None;
        }
        unit_scale /= 10;
        value = value.checked_add(d.to_digit(10)? as u64 * unit_scale)?;
    }
    Some(value)
}

/// Parses a whole scenario. A `cluster brokers=...` line makes the lines after it speak of
/// a Zeebe cluster: ids are broker ids (0..n-1), and `partition P` may follow a command.
pub fn parse(text: &str) -> Result<Scenario, ParseError> {
    parse_with(text, None)
}

/// Parses commands for a cluster that is already running (`zeebe`: its layout, if it is a
/// Zeebe cluster), as the page does for commands typed without a `cluster` line.
pub fn parse_with(text: &str, zeebe: Option<Topology>) -> Result<Scenario, ParseError> {
    let mut shape = zeebe.map(|t| ZeebeShape { brokers: t.brokers, partitions: Some(t.partitions) });
    let mut commands = Vec::new();
    let mut lines = Vec::new();
    for (k, raw) in text.lines().enumerate() {
        let tokens = lex(raw);
        if tokens.is_empty() {
            continue;
        }
        let end_column = raw.split('#').next().unwrap_or("").trim_end().chars().count() + 1;
        let mut line = Line { number: k + 1, tokens: &tokens, pos: 0, end_column, zeebe: shape };
        let cmd = parse_command(&mut line)?;
        line.done()?;
        if let Cmd::Cluster(spec) = &cmd {
            shape = zeebe_shape(spec);
        }
        commands.push(cmd);
        lines.push(k + 1);
    }
    Ok(Scenario { commands, lines })
}

/// The Zeebe shape a `cluster` line gives, if it makes a Zeebe cluster.
fn zeebe_shape(spec: &ClusterSpec) -> Option<ZeebeShape> {
    let brokers = spec.options.iter().find_map(|o| match o {
        Setting::Brokers(n) => Some(*n),
        _ => None,
    })?;
    let partitions = spec.options.iter().find_map(|o| match o {
        Setting::Partitions(n) => Some(*n),
        _ => None,
    });
    Some(ZeebeShape { brokers, partitions: Some(partitions.unwrap_or(1)) })
}

/// Commands that may be about one partition (`<command> partition P`).
fn takes_partition(cmd: &Cmd) -> bool {
    match cmd {
        Cmd::Propose { .. }
        | Cmd::Read { .. }
        | Cmd::Timeout(_)
        | Cmd::Transfer(_)
        | Cmd::Compact(_)
        | Cmd::Log { .. }
        | Cmd::Term { .. } => true,
        Cmd::Expect(e) | Cmd::Await { expect: e, .. } => !matches!(
            e,
            Expect::Partition { .. } | Expect::BrokersLeading(_) | Expect::Refused | Expect::Violation { .. } | Expect::Read { .. }
        ),
        _ => false,
    }
}

fn parse_command(l: &mut Line) -> PResult<Cmd> {
    let cmd = parse_plain_command(l)?;
    if l.peek() == Some("partition") && takes_partition(&cmd) {
        if l.zeebe.is_none() {
            return Err(l.error("the end of the line (`partition P` after a command needs a Zeebe cluster: cluster brokers=N ...)"));
        }
        l.pos += 1;
        let partition = l.partition_id()?;
        return Ok(Cmd::InPartition { partition, cmd: Box::new(cmd) });
    }
    Ok(cmd)
}

fn parse_plain_command(l: &mut Line) -> PResult<Cmd> {
    let save = l.pos;
    let word = l.next("a command")?;
    let cmd = match word {
        "cluster" => {
            let mut spec = ClusterSpec::default();
            let mut classic_at = None;
            let mut zeebe_at = None;
            while l.peek().is_some() {
                let at = l.pos;
                match l.peek() {
                    Some("nodes" | "groups") => classic_at = classic_at.or(Some(at)),
                    Some("brokers" | "partitions" | "replication" | "timing") => zeebe_at = zeebe_at.or(Some(at)),
                    _ => {}
                }
                match l.peek() {
                    Some("brokers") => {
                        l.pos += 1;
                        l.expect("=")?;
                        spec.options.push(Setting::Brokers(l.count("a broker count", 1, MAX_BROKERS as u64)?));
                    }
                    Some("partitions") => {
                        l.pos += 1;
                        l.expect("=")?;
                        spec.options.push(Setting::Partitions(l.count("a partition count", 1, MAX_PARTITIONS as u64)?));
                    }
                    Some("replication") => {
                        l.pos += 1;
                        l.expect("=")?;
                        spec.options.push(Setting::Replication(l.count("a replication factor", 1, MAX_BROKERS as u64)?));
                    }
                    Some("timing") => {
                        l.pos += 1;
                        l.expect("=")?;
                        let timing = match l.peek() {
                            Some("zeebe") => ZeebeTiming::Zeebe,
                            Some("scaled") => ZeebeTiming::Scaled,
                            _ => return Err(l.error("`zeebe` or `scaled`")),
                        };
                        l.pos += 1;
                        spec.options.push(Setting::Timing(timing));
                    }
                    Some("nodes") => {
                        l.pos += 1;
                        l.expect("=")?;
                        let save = l.pos;
                        let n = l.number(&format!("a node count (1..{MAX_NODES})"))?;
                        if n == 0 || n > MAX_NODES as u64 {
                            l.pos = save;
                            return Err(l.error(format!("a node count (1..{MAX_NODES})")));
                        }
                        spec.nodes = Some(n as u32);
                    }
                    Some("seed") => {
                        l.pos += 1;
                        l.expect("=")?;
                        spec.seed = Some(l.number("a seed (a whole number)")?);
                    }
                    Some("groups") => {
                        l.pos += 1;
                        l.expect("=")?;
                        let save = l.pos;
                        let n = l.number(&format!("a group count (1..{MAX_GROUPS})"))?;
                        if n == 0 || n > MAX_GROUPS as u64 {
                            l.pos = save;
                            return Err(l.error(format!("a group count (1..{MAX_GROUPS})")));
                        }
                        spec.groups = Some(n as u32);
                    }
                    _ => spec.options.push(l.setting()?),
                }
            }
            if let Some(at) = zeebe_at {
                let has_brokers = spec.options.iter().any(|o| matches!(o, Setting::Brokers(_)));
                if !has_brokers || classic_at.is_some() {
                    l.pos = if has_brokers { classic_at.unwrap_or(at) } else { at };
                    return Err(l.error(if has_brokers {
                        "Zeebe settings (brokers=, partitions=, replication=, timing=) without nodes= or groups= (a Zeebe cluster's machines are its brokers)"
                    } else {
                        "brokers=N before partitions=, replication= or timing= (they describe a Zeebe cluster)"
                    }));
                }
            }
            Cmd::Cluster(spec)
        }
        "run" => Cmd::Run(l.duration()?),
        "crash" => {
            let t = l.target()?;
            if l.eat("midway") {
                Cmd::CrashMidway(t)
            } else {
                Cmd::Crash(t)
            }
        }
        "restart" => Cmd::Restart(l.target()?),
        "isolate" => Cmd::Isolate(l.target()?),
        "partition" => {
            let mut groups = vec![l.node_list()?];
            while l.eat("|") {
                groups.push(l.node_list()?);
            }
            Cmd::Partition(groups)
        }
        "heal" => Cmd::Heal,
        "cut" if l.peek() == Some("leader") => {
            l.pos += 1;
            l.expect("->")?;
            Cmd::CutLeader { node: l.node()?, from_leader: true }
        }
        "cut" | "uncut" => {
            let from = l.node()?;
            l.expect("->")?;
            if word == "cut" && l.eat("leader") {
                Cmd::CutLeader { node: from, from_leader: false }
            } else {
                let to = l.node()?;
                if word == "cut" {
                    Cmd::Cut(from, to)
                } else {
                    Cmd::Uncut(from, to)
                }
            }
        }
        "drop" => Cmd::Set(vec![Setting::Drop(l.probability()?)]),
        "duplicate" => Cmd::Set(vec![Setting::Duplicate(l.probability()?)]),
        "reorder" => Cmd::Set(vec![Setting::Reorder(l.probability()?)]),
        "latency" => {
            let (lo, hi) = l.duration_range()?;
            Cmd::Set(vec![Setting::Latency(lo, hi)])
        }
        "workload" => {
            if l.eat("off") {
                Cmd::Set(vec![Setting::Rate(0)])
            } else {
                let rate = l.number("a rate such as 20/s, or `off`")?;
                l.expect("/")?;
                l.expect("s")?;
                let mut settings = vec![Setting::Rate(rate as u32)];
                if l.eat("reads") {
                    l.expect("=")?;
                    settings.push(Setting::Reads(l.percent()?));
                }
                Cmd::Set(settings)
            }
        }
        "set" => {
            let mut settings = vec![l.setting()?];
            while l.peek().is_some() {
                settings.push(l.setting()?);
            }
            Cmd::Set(settings)
        }
        "timeout" => Cmd::Timeout(l.node()?),
        "propose" => {
            let command = l.command()?;
            Cmd::Propose { command, via: l.via()? }
        }
        "read" => {
            let key = l.word("a key")?;
            Cmd::Read { key, via: l.via()? }
        }
        "log" => {
            let node = l.node()?;
            Cmd::Log { node, terms: l.terms()? }
        }
        "term" => {
            let node = l.node()?;
            Cmd::Term { node, term: l.number("a term")? }
        }
        "transfer" => Cmd::Transfer(l.node()?),
        "add" => Cmd::Add(l.node()?),
        "add-learner" => Cmd::AddLearner(l.node()?),
        "promote" => Cmd::Promote(l.node()?),
        "remove" => Cmd::Remove(l.node()?),
        "compact" => Cmd::Compact(l.node()?),
        "priority" => {
            let node = l.node()?;
            let priority = l.positive("priority")?;
            Cmd::Priority { node, priority }
        }
        "break" => {
            let save = l.pos;
            let name = l.next("the name of a known bug")?;
            if Breaks::default().get(name).is_none() {
                l.pos = save;
                return Err(l.error(format!("the name of a known bug ({})", Breaks::NAMES.join(", "))));
            }
            let on = if l.peek().is_some() { l.on_off()? } else { true };
            Cmd::Break { name: name.to_string(), on }
        }
        "drop-message" => Cmd::DropMessage(l.number("a message id")?),
        "rebalance" => Cmd::Rebalance,
        "expect" => Cmd::Expect(parse_expect(l)?),
        "await" => {
            let expect = parse_expect(l)?;
            let within = if l.eat("within") { l.duration()? } else { AWAIT_DEFAULT };
            Cmd::Await { expect, within }
        }
        _ => {
            l.pos = save;
            return Err(l.error(format!("a command ({}, drop-message, priority, break, expect)", COMMAND_NAMES.join(", "))));
        }
    };
    Ok(cmd)
}

fn parse_expect(l: &mut Line) -> PResult<Expect> {
    let save = l.pos;
    let what = l.next("what to expect")?;
    let e = match what {
        "leader" => {
            let mut node = None;
            let mut among = None;
            if l.eat("in") {
                among = Some(l.node_list()?);
            } else if l.peek().is_some_and(|t| t.parse::<u64>().is_ok()) {
                node = Some(l.node()?);
            }
            let term = if l.eat("term") { Some(l.cmp()?) } else { None };
            Expect::Leader { node, among, term }
        }
        "no-leader" => {
            let among = if l.eat("in") { Some(l.node_list()?) } else { None };
            Expect::NoLeader { among }
        }
        "role" => {
            let node = l.node()?;
            let save = l.pos;
            let name = l.next("a role")?;
            let role = RoleName::ALL.into_iter().find(|r| r.name() == name).ok_or_else(|| {
                l.pos = save;
                l.error("a role (follower, precandidate, candidate, leader, learner, crashed)")
            })?;
            Expect::Role { node, role }
        }
        "term" => {
            let node = l.node()?;
            Expect::Term { node, cmp: l.cmp()? }
        }
        "commit" => {
            let node = l.node()?;
            Expect::Commit { node, cmp: l.cmp()? }
        }
        "snapshot" => {
            let node = l.node()?;
            Expect::Snapshot { node, cmp: l.cmp()? }
        }
        "committed" => {
            let command = l.command()?;
            Expect::Committed { command, on: l.on_nodes()? }
        }
        "not-committed" => {
            let command = l.command()?;
            Expect::NotCommitted { command, on: l.on_nodes()? }
        }
        "converged" => Expect::Converged,
        "log" => {
            let node = l.node()?;
            Expect::Log { node, terms: l.terms()? }
        }
        "read" => {
            let key = l.word("a key")?;
            l.expect("=")?;
            let value = l.word("a value, or `none`")?;
            Expect::Read { key, value: (value != "none").then_some(value) }
        }
        "refused" => Expect::Refused,
        "partition" if l.zeebe.is_some() => {
            let partition = l.partition_id()?;
            let save = l.pos;
            let check = match l.next("leader, healthy, degraded, unavailable or term")? {
                "leader" => {
                    let broker = if l.peek().is_some_and(|t| t.parse::<u64>().is_ok()) { Some(l.node()?) } else { None };
                    PartitionCheck::Leader(broker)
                }
                "term" => PartitionCheck::Term(l.cmp()?),
                word => match Health::from_name(word) {
                    Some(h) => PartitionCheck::Health(h),
                    None => {
                        l.pos = save;
                        return Err(l.error("leader, healthy, degraded, unavailable or term"));
                    }
                },
            };
            Expect::Partition { partition, check }
        }
        "brokers-leading" if l.zeebe.is_some() => {
            let mut list = Vec::new();
            while l.peek().is_some() && l.peek() != Some("within") {
                let broker = l.node()?;
                l.expect(":")?;
                let n = l.number("how many partitions it leads")?;
                if list.iter().any(|&(b, _)| b == broker) {
                    return Err(l.error(format!("broker {broker} once")));
                }
                list.push((broker, n.min(u32::MAX as u64) as u32));
            }
            Expect::BrokersLeading(list)
        }
        "violation" => {
            let invariant = match l.peek().filter(|&t| t != "within").map(str::to_string) {
                Some(name) => {
                    if crate::sim::Invariant::from_name(&name).is_none() {
                        let names: Vec<&str> = crate::sim::Invariant::ALL.iter().map(|i| i.name()).collect();
                        return Err(l.error(format!("an invariant ({})", names.join(", "))));
                    }
                    l.pos += 1;
                    Some(name)
                }
                None => None,
            };
            Expect::Violation { invariant }
        }
        _ => {
            l.pos = save;
            return Err(l.error(
                "what to expect (leader, no-leader, role, term, commit, snapshot, committed, not-committed, converged, log, read, violation, refused; in a Zeebe cluster also partition, brokers-leading)",
            ));
        }
    };
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::zeebe::Health;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("250ms"), Some(250_000));
        assert_eq!(parse_duration("2s"), Some(2_000_000));
        assert_eq!(parse_duration("1.5s"), Some(1_500_000));
        assert_eq!(parse_duration("0.25ms"), Some(250));
        assert_eq!(parse_duration("100us"), Some(100));
        assert_eq!(parse_duration("1m"), Some(60_000_000));
        assert_eq!(parse_duration("1.0001us"), None);
        assert_eq!(parse_duration("-5ms"), None);
        assert_eq!(parse_duration("5"), None);
        assert_eq!(parse_duration("5h"), None);
        assert_eq!(parse_duration(".5s"), None);
    }

    #[test]
    fn design_vocabulary_parses() {
        let text = "\
cluster nodes=5 seed=7 prevote=on checkquorum=off      # start a cluster
run 2s
expect leader
crash leader
restart 3
restart leader
partition 1,2 | 3,4,5
heal
cut 1->2
uncut 1->2
drop 0.2
latency 10ms..40ms
timeout 4
propose x=1
propose x=1 via 3
expect leader 3 term=2
expect leader in 3,4,5 term>1
expect no-leader in 1,2
expect role 2 follower
expect term 3 >= 2
expect committed x=1 on 3,4,5
expect committed x=1
expect not-committed x=1 on 1,2
expect converged
log 2 terms=1,1,1,4,4,5,5,6,6
term 2 6
expect log 2 terms=1,1,1,4,4,5,5,6,6,6,8
";
        let s = parse(text).unwrap();
        assert_eq!(s.commands.len(), 27);
        assert_eq!(
            s.commands[0],
            Cmd::Cluster(ClusterSpec {
                nodes: Some(5),
                seed: Some(7),
                groups: None,
                options: vec![Setting::PreVote(true), Setting::CheckQuorum(false)]
            })
        );
        assert_eq!(s.commands[6], Cmd::Partition(vec![vec![1, 2], vec![3, 4, 5]]));
        assert_eq!(s.commands[11], Cmd::Set(vec![Setting::Latency(10_000, 40_000)]));
        assert_eq!(s.commands[14], Cmd::Propose { command: "x=1".into(), via: Some(3) });
        assert_eq!(
            s.commands[16],
            Cmd::Expect(Expect::Leader { node: None, among: Some(vec![3, 4, 5]), term: Some(Cmp { op: CmpOp::Gt, value: 1 }) })
        );
        assert_eq!(s.lines[1], 2);
    }

    #[test]
    fn zeebe_vocabulary_parses_with_broker_ids_from_zero() {
        let text = "\
cluster brokers=5 partitions=4 replication=3 priority=on timing=scaled seed=7
crash 0
partition 0,1 | 2,3,4
propose k=v partition 2
propose x=1
timeout 4 partition 3
rebalance
expect partition 2 leader 1
expect partition 3 unavailable
expect partition 1 healthy
expect partition 1 degraded
expect partition 4 term >= 2
expect partition 4 leader
expect brokers-leading 0:1 1:1 2:2
expect role 4 follower partition 3
await partition 1 leader 0 within 10s
await leader within 2s partition 4
";
        let s = parse(text).unwrap();
        assert_eq!(
            s.commands[0],
            Cmd::Cluster(ClusterSpec {
                nodes: None,
                seed: Some(7),
                groups: None,
                options: vec![
                    Setting::Brokers(5),
                    Setting::Partitions(4),
                    Setting::Replication(3),
                    Setting::PriorityElection(true),
                    Setting::Timing(ZeebeTiming::Scaled)
                ],
            })
        );
        assert_eq!(s.commands[1], Cmd::Crash(Target::Node(0)));
        assert_eq!(s.commands[2], Cmd::Partition(vec![vec![0, 1], vec![2, 3, 4]]));
        assert_eq!(s.commands[3], Cmd::InPartition { partition: 2, cmd: Box::new(Cmd::Propose { command: "k=v".into(), via: None }) });
        assert_eq!(s.commands[6], Cmd::Rebalance);
        assert_eq!(s.commands[7], Cmd::Expect(Expect::Partition { partition: 2, check: PartitionCheck::Leader(Some(1)) }));
        assert_eq!(s.commands[8], Cmd::Expect(Expect::Partition { partition: 3, check: PartitionCheck::Health(Health::Unavailable) }));
        assert_eq!(
            s.commands[11],
            Cmd::Expect(Expect::Partition { partition: 4, check: PartitionCheck::Term(Cmp { op: CmpOp::Ge, value: 2 }) })
        );
        assert_eq!(s.commands[13], Cmd::Expect(Expect::BrokersLeading(vec![(0, 1), (1, 1), (2, 2)])));
        assert_eq!(
            s.commands[16],
            Cmd::InPartition {
                partition: 4,
                cmd: Box::new(Cmd::Await { expect: Expect::Leader { node: None, among: None, term: None }, within: 2_000_000 })
            }
        );
        let printed = super::super::print::print(&s);
        assert_eq!(parse(&printed).unwrap(), s, "{printed}");
    }

    #[test]
    fn zeebe_errors_are_named() {
        let err = |text: &str| parse(text).unwrap_err().to_string();
        assert!(err("cluster brokers=3\ncrash 3").contains("a broker id (0..2)"), "{}", err("cluster brokers=3\ncrash 3"));
        assert!(err("crash 0").contains("a node id (1..9)"), "classic ids are unchanged");
        assert!(err("cluster brokers=10").contains("a broker count (1..9)"));
        assert!(err("cluster brokers=3 partitions=13").contains("a partition count (1..12)"));
        assert!(err("cluster partitions=3").contains("brokers=N before partitions="));
        assert!(err("cluster nodes=3 brokers=3").contains("without nodes= or groups="));
        assert!(err("cluster brokers=3 timing=fast").contains("`zeebe` or `scaled`"));
        assert!(err("cluster brokers=3\nset brokers=4").contains("goes on the cluster line"));
        assert!(err("cluster brokers=3 partitions=2\nexpect partition 3 healthy").contains("a partition id (1..2)"));
        assert!(err("cluster brokers=3\nexpect partition 1 sleepy").contains("leader, healthy, degraded, unavailable or term"));
        assert!(err("propose x=1 partition 2").contains("needs a Zeebe cluster"));
        assert!(err("expect partition 1 leader").contains("what to expect"), "classic clusters have no partitions");
        assert!(err("cluster brokers=3\nexpect brokers-leading 0:1 0:2").contains("broker 0 once"));
        assert!(err("cluster brokers=3\ncrash 0 partition 1").contains("end of the line"));
    }

    #[test]
    fn errors_name_line_column_and_expectation() {
        let e = parse("cluster nodes=5\nrun 2x\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 5));
        assert!(e.expected.contains("duration"), "{e}");
        let e = parse("crash 12").unwrap_err();
        assert_eq!((e.line, e.column), (1, 7));
        assert!(e.to_string().contains("a node id (1..9)"), "{e}");
        let e = parse("cluster nodes=0").unwrap_err();
        assert!(e.to_string().contains("node count"), "{e}");
        let e = parse("drop 1.5").unwrap_err();
        assert!(e.to_string().contains("probability"), "{e}");
        let e = parse("latency -5ms..2ms").unwrap_err();
        assert!(e.to_string().contains("duration"), "{e}");
        let e = parse("explode 3").unwrap_err();
        assert!(e.to_string().contains("expected a command"), "{e}");
        let e = parse("heal now").unwrap_err();
        assert!(e.to_string().contains("end of the line"), "{e}");
        let e = parse("propose x=1 [via 3]").unwrap_err();
        assert_eq!(e.column, 13);
        let e = parse("expect leader 3 term").unwrap_err();
        assert_eq!(e.found, "the end of the line");
        assert_eq!(e.column, 21);
    }
}
