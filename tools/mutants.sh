#!/usr/bin/env bash
# Mutation testing of the Raft core (issue 8): cargo-mutants changes the code of
# crates/engine/src/raft/{node,log,quorum,progress,membership}.rs one mutant at a time, rebuilds, and runs
# the fast native tests (the lib's unit tests, tests/raft_paper.rs, tests/raft_features.rs, tests/zeebe.rs);
# a mutant no test notices is "missed". The scope, tests and build profile are in
# .cargo/mutants.toml; the score and date of the last full run are in README.md, Tests.
#
#   tools/mutants.sh                         # every mutant (~600; 1.5-2 h on 2 busy cores)
#   tools/mutants.sh --list                  # list them, run nothing
#   tools/mutants.sh --file crates/engine/src/raft/node.rs # one file (replaces the file list)
#   tools/mutants.sh --iterate               # only what the last run did not catch
#   tools/mutants.sh --score                 # the score of the last run in mutants.out/
#
# Other arguments go to `cargo mutants` (its --help lists them). Output: mutants.out/
# (caught.txt, missed.txt, timeout.txt, unviable.txt, and a log per mutant).
# Needs cargo-mutants: `cargo install --locked cargo-mutants` (27.1 checked; rustc >= 1.88).
set -uo pipefail
cd "$(dirname "$0")/.."

score() {
  local dir=${CARGO_MUTANTS_OUTPUT:-.}/mutants.out
  [[ -d $dir ]] || { echo "no $dir/: run tools/mutants.sh first" >&2; return 2; }
  count() { local n; n=$(grep -c . "$dir/$1.txt" 2>/dev/null); echo "${n:-0}"; }
  local caught missed timeout unviable viable
  caught=$(count caught) missed=$(count missed) timeout=$(count timeout) unviable=$(count unviable)
  viable=$((caught + missed + timeout))
  echo "caught $caught, missed $missed, timeout $timeout (counted as caught), unviable $unviable"
  if ((viable > 0)); then
    echo "score: $((caught + timeout)) / $viable viable = $(((caught + timeout) * 1000 / viable / 10)).$(((caught + timeout) * 1000 / viable % 10))%"
  fi
  if ((missed > 0)); then
    echo "missed:"
    sed 's/^/  /' "$dir/missed.txt"
  fi
}

if [[ ${1:-} == --score ]]; then
  score
  exit
fi
if ! cargo mutants --version >/dev/null 2>&1; then
  echo "cargo-mutants is not installed: cargo install --locked cargo-mutants" >&2
  exit 2
fi
# The core's protocol files, unless the arguments name files.
files=(--file crates/engine/src/raft/node.rs --file crates/engine/src/raft/log.rs --file crates/engine/src/raft/quorum.rs --file crates/engine/src/raft/progress.rs --file crates/engine/src/raft/membership.rs)
# One mutant at a time: each build uses both cores already, and others share the machine.
jobs=(--jobs 1)
for arg in "$@"; do
  [[ $arg == -f || $arg == --file || $arg == --file=* ]] && files=()
  [[ $arg == --in-place ]] && jobs=()
done
# The core is in the engine crate and the tests that drive it are in both crates. cargo-mutants
# (27.1) runs its unmutated baseline with the mutated crate's tests only, where the root's
# `--test raft_paper` does not exist: the baseline is run here instead, then skipped there.
tests=(--lib --test raft_paper --test raft_features --test zeebe)
if [[ " $* " != *" --list "* && " $* " != *" --list-files "* ]]; then
  echo "baseline: the tests on the unmutated tree"
  cargo test --profile mutants -p raft-playground-engine -p raft-playground "${tests[@]}" -q >/dev/null ||
    { echo "the tests fail on the unmutated tree" >&2; exit 4; }
fi
cargo mutants --workspace --test-workspace true --baseline skip --timeout 60 --build-timeout 600 \
  "${jobs[@]}" "${files[@]}" "$@"
status=$?
# 0: all caught; 2: some missed; 3: some timed out (see cargo mutants --help).
if [[ " $* " != *" --list "* && " $* " != *" --list-files "* ]]; then
  score
fi
exit $status
