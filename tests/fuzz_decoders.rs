#![cfg(not(target_arch = "wasm32"))]
//! Fuzzing the two decoders that read untrusted input (a permalink token from a URL, a
//! scenario typed or pasted by a user): whatever they are given, they return a value or a
//! clear error, and never panic. A panic in the browser would kill the page.
//!
//! Inputs are random strings, random bytes, and mutations (insertions, deletions, flips,
//! truncations) of valid tokens and scenarios. `FUZZ_CASES` sets the number of cases per
//! property (default 250,000: four properties, a million inputs in all).

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use raft_playground::script::{parse, print};
use raft_playground::view::permalink;

fn cases() -> u32 {
    std::env::var("FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(250_000)
}

fn runner() -> TestRunner {
    TestRunner::new(Config { cases: cases(), failure_persistence: None, ..Config::default() })
}

const SEEDS: [&str; 5] = [
    "cluster nodes=5 seed=7 prevote=on checkquorum=off\nrun 2s\ncrash leader\nrun 500ms\npartition 1,2 | 3,4,5\npropose x=1 via 3\nexpect committed x=1 on 3,4,5",
    "cluster nodes=7 seed=7\nlog 2 terms=1,1,1,4,4,5,5,6,6\nterm 2 6\ntimeout 1\nrun 2s\nexpect log 2 terms=1,1,1,4,4,5,5,6,6,6,8",
    "cluster nodes=3 seed=1 latency=10ms..10ms batch=1 snapshot=10 lease=on checkquorum=on\nadd-learner 4\npromote 4\nread x\nexpect read x=none\nbreak figure8\nset drop=0.25 reads=30%",
    "workload 20/s reads=10%\ncut 1->2\nuncut 1->2\ntransfer 3\ncompact 2\npriority 2 3\nexpect violation log-matching\nexpect refused",
    "cluster brokers=5 partitions=4 replication=3 timing=scaled priority=off\ncrash 0\npartition 0,1 | 2,3,4\npropose k=v partition 2\ntimeout 4 partition 3\nrebalance\nexpect partition 2 leader 1\nexpect partition 4 term >= 2\nexpect brokers-leading 0:1 1:1 2:2\nawait leader within 2s partition 4",
];

/// A valid input with random damage.
fn mutated(base: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec((any::<u8>(), any::<u16>(), 0u8..4), 1..6).prop_map(move |edits| {
        let mut v = base.clone();
        for (byte, at, kind) in edits {
            let i = if v.is_empty() { 0 } else { at as usize % v.len() };
            match kind {
                0 => v.insert(i, byte),
                1 if !v.is_empty() => {
                    v.remove(i);
                }
                2 if !v.is_empty() => v[i] ^= byte | 1,
                _ => v.truncate(i),
            }
        }
        v
    })
}

#[test]
fn the_scenario_parser_survives_random_text() {
    runner()
        .run(&prop_oneof!["(?s).{0,300}", "[a-z0-9=,.|> \n-]{0,200}"], |text| {
            if let Ok(s) = parse(&text) {
                prop_assert_eq!(parse(&print(&s)).unwrap(), s, "what parses, prints and parses again");
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn the_scenario_parser_survives_damaged_scenarios() {
    let seeds: Vec<Vec<u8>> = SEEDS.iter().map(|s| s.as_bytes().to_vec()).collect();
    let strategy = prop::sample::select(seeds).prop_flat_map(mutated);
    runner()
        .run(&strategy, |bytes| {
            let _ = parse(&String::from_utf8_lossy(&bytes));
            Ok(())
        })
        .unwrap();
}

#[test]
fn the_permalink_decoder_survives_random_tokens() {
    runner()
        .run(&prop_oneof!["1[A-Za-z0-9_-]{0,200}", "(?s).{0,120}"], |token| {
            let _ = permalink::decode(&token);
            Ok(())
        })
        .unwrap();
}

#[test]
fn the_permalink_decoder_survives_damaged_links() {
    let tokens: Vec<Vec<u8>> = SEEDS.iter().map(|s| permalink::encode(&parse(s).unwrap()).into_bytes()).collect();
    let strategy = prop::sample::select(tokens).prop_flat_map(mutated);
    runner()
        .run(&strategy, |bytes| {
            let token = String::from_utf8_lossy(&bytes);
            if let Ok(s) = permalink::decode(&token) {
                prop_assert_eq!(permalink::decode(&permalink::encode(&s)).unwrap(), s);
            }
            Ok(())
        })
        .unwrap();
}
