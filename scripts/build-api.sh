#!/usr/bin/env bash
# Trunk post-build hook: builds the JavaScript API (src/bin/raft-playground-api) as its own
# WebAssembly module next to the page's, so the playground page does not download it:
#   raft-playground-api.js, raft-playground-api_bg.wasm (wasm-opt -Oz in release builds).
# It inherits build_site's environment (scripts/lib.sh, page_build_env), so both modules are
# built by the same toolchain.
set -euo pipefail
cd "${TRUNK_SOURCE_DIR:-$(dirname "$0")/..}"
out="${TRUNK_STAGING_DIR:?run by trunk (post_build hook)}"
profile=()
dir=debug
if [ "${TRUNK_PROFILE:-debug}" = "release" ]; then
  profile=(--release)
  dir=release
fi
cargo build --locked --target wasm32-unknown-unknown --bin raft-playground-api "${profile[@]}"
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name raft-playground-api \
  "target/wasm32-unknown-unknown/$dir/raft-playground-api.wasm"
if [ "$dir" = release ]; then
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
    --enable-reference-types --enable-multivalue "$out/raft-playground-api_bg.wasm" -o "$out/raft-playground-api_bg.wasm"
fi
