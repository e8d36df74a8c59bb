//! The scenario language: parse, print, run. One language serves tests, the command-line
//! tool, permalinks, export and import, and lessons.

pub mod ast;
pub mod check;
pub mod golden;
pub mod lesson;
pub mod parse;
pub mod plan;
pub mod print;
pub mod run;
pub mod session;

pub use ast::{Cmd, Expect, Scenario, Setting, Target};
pub use parse::{parse, ParseError};
pub use print::print;
pub use run::{run, RunFailure, RunOptions, RunOutcome, Runner};
