#!/usr/bin/env python3
"""The shipped WebAssembly by part of the program, from twiggy.

    source scripts/lib.sh && build_site && python3 tools/wasm-breakdown.py

Takes the .wasm cargo wrote (target/wasm32-unknown-unknown/release/raft-playground.wasm),
runs wasm-bindgen and wasm-opt on it as the build does but keeping function names
(`--keep-debug`, `-g`), then sums twiggy's shallow sizes by the part each function or data
segment belongs to, and prints each part's share and its approximate gzip size (each
part's share of the whole file's gzip size). Shares are rough: after inlining, code counts
where it ended up, and generic code instantiated for our types is counted by the crate
that defines it (Vec<T> in `alloc`), not by ours. The name section is left out: it is not
shipped.
"""
import csv, io, re, subprocess, sys

import gzip, os, tempfile

src = sys.argv[1] if len(sys.argv) > 1 else "target/wasm32-unknown-unknown/release/raft-playground.wasm"
tmp = tempfile.mkdtemp()
subprocess.run(["wasm-bindgen", "--target", "web", "--keep-debug", "--out-dir", tmp, src], check=True)
bound = os.path.join(tmp, os.path.basename(src).replace(".wasm", "_bg.wasm"))
wasm = os.path.join(tmp, "opt.wasm")
features = ["--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext", "--enable-mutable-globals",
            "--enable-reference-types", "--enable-multivalue"]
subprocess.run(["wasm-opt", "-Oz", "-g", *features, bound, "-o", wasm], check=True)
stripped = os.path.join(tmp, "stripped.wasm")
subprocess.run(["wasm-opt", "-Oz", *features, bound, "-o", stripped], check=True)
gz = len(gzip.compress(open(stripped, "rb").read(), 9))
out = subprocess.run(["twiggy", "top", "-n", "1000000", "--format", "csv", wasm], capture_output=True, text=True, check=True).stdout
rows = list(csv.DictReader(io.StringIO(out)))

PARTS = [
    ("our UI (ui/)", r"raft_playground::ui::|as yew::functional::FunctionProvider>::run|raft_playground\[\w+\]::ui::"),
    ("page model (view/)", r"raft_playground::view::"),
    ("JavaScript API (api.rs)", r"raft_playground::api::|^simulation_|^__wbg_simulation"),
    ("scenario language (script/)", r"raft_playground::script::"),
    ("checker + linearizability", r"raft_playground(_engine)?::sim::(checker|linearizability)"),
    ("simulator (sim/)", r"raft_playground(_engine)?::sim::"),
    ("Raft core (raft/)", r"raft_playground(_engine)?::raft::"),
    ("decimal numbers (decimal.rs)", r"raft_playground(_engine)?::decimal::"),
    ("Yew", r"\byew\b|yew::|implicit_clone|gloo|prokio|wasm_bindgen_futures"),
    ("serde", r"\bserde"),
    ("formatting (core::fmt, float printing)", r"core::fmt|fmt::float|flt2dec|core::num::fmt|<.* as core::fmt::(Display|Debug)>|::fmt::h"),
    ("panics", r"panic|core::panicking|unwrap_failed|expect_failed|rust_begin_unwind"),
    ("allocator (talc) and alloc", r"\btalc\b|alloc::|__rust_alloc|__rust_dealloc|__rust_realloc|dlmalloc"),
    ("wasm-bindgen, js-sys, web-sys glue", r"wasm_bindgen|js_sys|web_sys|__wbg_|__wbindgen|externref"),
    ("core/std (slices, iterators, sort, hashing, math)", r"\bcore\b|\bstd\b|compiler_builtins|hashbrown"),
    ("other crates", r"rand_|thiserror|libm"),
]
sizes = {name: 0 for name, _ in PARTS}
sizes["data (strings, tables)"] = 0
sizes["other"] = 0
total = 0
for r in rows:
    item, size = r["Name"], int(r["ShallowSize"])
    if "custom section" in item or "subsection" in item or item.startswith("Σ") or item.startswith("..."):
        continue
    total += size
    if item.startswith("data segment") or item.startswith("data["):
        sizes["data (strings, tables)"] += size
        continue
    # The nightly the page is built with demangles names with their crate's disambiguator
    # (`core[c5930c85a12de822]::fmt`): match them without it.
    plain = re.sub(r"\[[0-9a-f]+\]", "", item)
    for name, pat in PARTS:
        if re.search(pat, plain):
            sizes[name] += size
            break
    else:
        sizes["other"] += size
print(f"shipped wasm (wasm-bindgen + wasm-opt -Oz): {os.path.getsize(stripped):,} bytes, {gz:,} gzip -9; by part:")
for name, size in sorted(sizes.items(), key=lambda kv: -kv[1]):
    if size:
        print(f"  {name:<52} {size:>9,}  {100 * size / total:5.1f}%  ~{gz * size / total / 1000:5.1f} KB gzip")
