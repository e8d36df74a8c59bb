//! The scenarios the page offers by name. They are the test suite's own scenario files, so
//! each one is known to do what its comments say.

pub struct Example {
    pub name: &'static str,
    /// The file in tests/scenarios/, served beside the page as `scenarios/<file>` and
    /// fetched when the example is picked (so the texts do not weigh on the first load).
    pub file: &'static str,
}

impl Example {
    /// Where the page fetches the text from.
    pub fn path(&self) -> String {
        format!("scenarios/{}", self.file)
    }

    /// The text, read from the repository (for native tests).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn text(&self) -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios").join(self.file);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }
}

macro_rules! example {
    ($name:expr, $file:expr) => {
        Example { name: $name, file: $file }
    };
}

pub const LIBRARY: [Example; 16] = [
    example!("Election in a 5-node cluster", "election_5_nodes.txt"),
    example!("Leader crash", "leader_crash.txt"),
    example!("Split vote", "split_vote.txt"),
    example!("Partition: the old leader in the minority", "minority_partition.txt"),
    example!("Figure 7: every follower log converges", "figure7.txt"),
    example!("Figure 8: no commit by counting", "figure8.txt"),
    example!("Figure 8 with the rule broken", "figure8_broken.txt"),
    example!("Term inflation without pre-vote", "term_inflation_without_prevote.txt"),
    example!("Term inflation with pre-vote", "term_inflation_with_prevote.txt"),
    example!("Check-quorum: an isolated leader steps down", "check_quorum.txt"),
    example!("Leadership transfer", "transfer.txt"),
    example!("Membership: learner, promote, add, remove", "membership.txt"),
    example!("Snapshots and InstallSnapshot", "snapshots.txt"),
    example!("Linearizable reads", "reads.txt"),
    example!("The single-server membership bug", "membership_barrier_broken.txt"),
    example!("A forgotten vote: two leaders", "forget_vote_broken.txt"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_names_every_example() {
        let names: Vec<&str> = LIBRARY.iter().map(|e| e.name).collect();
        assert_eq!(names, crate::view::catalog::EN.example_names);
    }

    #[test]
    #[cfg(not(target_arch = "wasm32"))] // reads the example from the repository
    fn every_example_parses_and_starts() {
        for e in LIBRARY.iter() {
            let s = crate::script::parse(&e.text()).unwrap_or_else(|err| panic!("{}: {err}", e.name));
            crate::script::session::Session::from_scenario(&s).unwrap_or_else(|err| panic!("{}: {err}", e.name));
        }
    }
}
