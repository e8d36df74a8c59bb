#!/usr/bin/env python3
"""The shipped WebAssembly by part of the program, from twiggy.

    source scripts/lib.sh && build_site && python3 tools/wasm-breakdown.py [--split]

Takes the .wasm cargo wrote (target/wasm32-unknown-unknown/release/raft-playground.wasm),
runs wasm-bindgen and wasm-opt on it as the build does but keeping function names
(`--keep-debug`, `-g`), then sums twiggy's shallow sizes by the part each function or data
segment belongs to, and prints each part's share and its approximate gzip size (each
part's share of the whole file's gzip size). Shares are rough: after inlining, code counts
where it ended up, and generic code instantiated for our types is counted by the crate
that defines it (Vec<T> in `alloc`), not by ours. The name section is left out: it is not
shipped.

With --split: the shipped page in its two parts (scripts/split-wasm.py), from the module the
last build split (target/split/, with names) and scripts/split-keep.txt, split again keeping
names: each part's shares by part of the program, times the gzip size of that part as
shipped (dist/).
"""
import csv, gzip, importlib.util, io, os, re, subprocess, sys, tempfile

# The build's own split script: its wasm features, its split, its list.
_spec = importlib.util.spec_from_file_location("split_wasm", os.path.join(os.path.dirname(__file__), "..", "scripts", "split-wasm.py"))
sw = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sw)
FEATURES = sw.FEATURES

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


def gzip_size(path):
    return len(gzip.compress(open(path, "rb").read(), 9))


def by_part(named):
    """Twiggy's shallow sizes of a wasm with names, summed by part; and their total."""
    out = subprocess.run(["twiggy", "top", "-n", "1000000", "--format", "csv", named], capture_output=True, text=True, check=True).stdout
    sizes = {name: 0 for name, _ in PARTS}
    sizes["data (strings, tables)"] = 0
    sizes["other"] = 0
    total = 0
    for r in csv.DictReader(io.StringIO(out)):
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
    return sizes, total


def whole(src):
    tmp = tempfile.mkdtemp()
    subprocess.run(["wasm-bindgen", "--target", "web", "--keep-debug", "--out-dir", tmp, src], check=True)
    bound = os.path.join(tmp, os.path.basename(src).replace(".wasm", "_bg.wasm"))
    named = os.path.join(tmp, "opt.wasm")
    subprocess.run(["wasm-opt", "-Oz", "-g", *FEATURES, bound, "-o", named], check=True)
    stripped = os.path.join(tmp, "stripped.wasm")
    subprocess.run(["wasm-opt", "-Oz", *FEATURES, bound, "-o", stripped], check=True)
    gz = gzip_size(stripped)
    sizes, total = by_part(named)
    print(f"shipped wasm (wasm-bindgen + wasm-opt -Oz): {os.path.getsize(stripped):,} bytes, {gz:,} gzip -9; by part:")
    for name, size in sorted(sizes.items(), key=lambda kv: -kv[1]):
        if size:
            print(f"  {name:<52} {size:>9,}  {100 * size / total:5.1f}%  ~{gz * size / total / 1000:5.1f} KB gzip")


def split():
    wasm_split = os.environ.get("WASM_SPLIT") or sys.exit("WASM_SPLIT is not set: source scripts/lib.sh && ensure_wasm_split")
    module = os.path.join(sw.KEPT_DIR, "raft-playground_bg.wasm")
    keep, _, _ = sw.kept_by_list(wasm_split, module)
    tmp = tempfile.mkdtemp()
    first, later = os.path.join(tmp, "first.wasm"), os.path.join(tmp, "later.wasm")
    sw.split_module(wasm_split, module, keep, first, later, "-g")
    columns = []
    # Shares from the parts with names; sizes of the parts as shipped (dist/).
    for title, path, shipped in (("first part", first, "dist/raft-playground_bg.wasm"),
                                 ("second part", later, "dist/raft-playground_later.wasm")):
        named = path + ".named.wasm"
        subprocess.run(["wasm-opt", "-Oz", "-g", *FEATURES, path, "-o", named], check=True)
        sizes, total = by_part(named)
        columns.append((title, os.path.getsize(shipped), gzip_size(shipped), sizes, total))
    print("the page's WebAssembly in two parts (approximate KB gzip of each part, by part of the program):")
    print(f"  {'part of the program':<52} " + "  ".join(f"{t:>12}" for t, *_ in columns))
    names = sorted(columns[0][3], key=lambda n: -(columns[0][3][n] + columns[1][3][n]))
    for name in names:
        if any(c[3][name] for c in columns):
            cells = [f"{gz * sizes[name] / total / 1000:12.1f}" for _, _, gz, sizes, total in columns]
            print(f"  {name:<52} " + "  ".join(cells))
    print(f"  {'whole part (bytes, gzip -9 bytes)':<52} " + "  ".join(f"{f'{raw:,}, {gz:,}':>12}" for _, raw, gz, _, _ in columns))


if "--split" in sys.argv[1:]:
    split()
else:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    whole(args[0] if args else "target/wasm32-unknown-unknown/release/raft-playground.wasm")
