#!/usr/bin/env bash
# Trunk post-build hook (release builds): optimizes the page's WebAssembly for size and splits
# it into what a page needs to load and run, and the rest, fetched on first use
# (scripts/split-wasm.py). Here rather than in trunk (index.html has data-wasm-opt="0")
# because the functions named `*_on_demand` must be kept out of line before -Oz inlines them:
# each is what the page draws only once something is opened, so the split can move it.
# Without wasm-split (a plain `trunk build --release` on a machine where build_site never
# ran) the page stays one module.
set -euo pipefail
cd "${TRUNK_SOURCE_DIR:-$(dirname "$0")/..}"
out="${TRUNK_STAGING_DIR:?run by trunk (post_build hook)}"
[ "${TRUNK_PROFILE:-debug}" = "release" ] || exit 0
if [ -z "${WASM_SPLIT:-}" ]; then
  for candidate in target/tools/binaryen*/usr/bin/wasm-split; do
    [ -x "$candidate" ] && WASM_SPLIT="$PWD/$candidate"
  done
fi
WASM_SPLIT="${WASM_SPLIT:-}" python3 scripts/split-wasm.py "$out"
