#!/usr/bin/env python3
"""Splits the page's WebAssembly in two (run by scripts/split-wasm.sh, a trunk post-build hook).

  raft-playground_bg.wasm     what a page needs to load and run: the functions named in
                              scripts/split-keep.txt (made by tools/split-profile.mjs from
                              the functions the page called in a recorded session), and
                              every function without a name (wasm-bindgen's small shims)
  raft-playground_later.wasm  every other function; fetched and instantiated by
                              www/split.js when first needed

binaryen's wasm-split moves the functions and leaves, in the first module, a table slot for
each one that is called from there; until the second module is instantiated (which writes
its functions into those slots), the slot holds a placeholder imported from the namespace
"placeholder", whose name is the slot number. The wasm-bindgen glue is given that namespace
(www/split.js) by the two lines this script adds to it.

The list names functions without the crate hashes (`core[4c61260d5f5b686c]` is
`core`), so that it stays valid while unrelated code changes. A function the list misses
only moves to the second module: the page still works, and fetches the second module when
it first calls it; e2e/split.spec.js fails if a plain page load does, and then
`node tools/split-profile.mjs` writes the list again.

Usage: split-wasm.py STAGING_DIR  (environment: WASM_SPLIT, the wasm-split binary)
For tools/split-profile.mjs (same environment):
       split-wasm.py --instrument MODULE OUT  (wasm-split --instrument, and the export fix)
       split-wasm.py --write-list MODULE PROFILE...  (the functions that ran, into the list)
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

NAME = "raft-playground"
LATER = NAME + "_later.wasm"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEEP_LIST = os.path.join(ROOT, "scripts", "split-keep.txt")
# The unsplit module (with names) and its glue, kept for tools/split-profile.mjs.
KEPT_DIR = os.path.join(ROOT, "target", "split")
FEATURES = [
    "--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext",
    "--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue",
]
# Where the glue builds its imports (once in initSync, once in the async init).
GLUE_ANCHOR = "const imports = __wbg_get_imports();"
GLUE_IMPORT = "import { placeholders as __split_placeholders } from './split.js';\n"
GLUE_LINE = GLUE_ANCHOR + "\n    imports.placeholder = __split_placeholders(() => wasm);"

CRATE_HASH = re.compile(r"\\5b[0-9a-f]{16}\\5d")
LLVM_SUFFIX = re.compile(r"\.llvm\.[0-9]+")


def normalize(name):
    """A function's name without what changes from one build to the next."""
    return LLVM_SUFFIX.sub("", CRATE_HASH.sub("", name))


def unnamed(name):
    return name.isdigit()


def run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True)


def function_names(wasm_split, module):
    """Every function's name as binaryen spells it (with its escapes), from a dry split."""
    with tempfile.TemporaryDirectory() as tmp:
        empty = os.path.join(tmp, "none.txt")
        open(empty, "w").close()
        out = run(wasm_split, "--split", module, "--keep-funcs", "@" + empty, "-v",
                  "-o1", os.path.join(tmp, "a.wasm"), "-o2", os.path.join(tmp, "b.wasm"),
                  *FEATURES)
    names = []
    for line in (out.stdout + out.stderr).splitlines():
        for prefix in ("Keeping functions: ", "Splitting out functions: "):
            if line.startswith(prefix):
                names += line[len(prefix):].split(", ")
    if not names:
        sys.exit("split-wasm: wasm-split -v listed no functions")
    return names


def kept_by_list(wasm_split, module):
    """The names of the functions the first module keeps, of all of them, and how many names
    of the list this module does not have."""
    wanted = {line.strip() for line in open(KEEP_LIST) if line.strip() and not line.startswith("#")}
    names = function_names(wasm_split, module)
    keep = [n for n in names if unnamed(n) or normalize(n) in wanted]
    return keep, names, len(wanted - {normalize(n) for n in keep})


def split_module(wasm_split, module, keep, first, later, *extra):
    """Splits `module` into `first` (the functions named in `keep`) and `later`."""
    with tempfile.TemporaryDirectory() as tmp:
        keep_file = os.path.join(tmp, "keep.txt")
        open(keep_file, "w").write("\n".join(keep) + "\n")
        run(wasm_split, "--split", module, "--keep-funcs", "@" + keep_file,
            "--placeholder-namespace", "placeholder", "--import-namespace", "primary",
            "--export-prefix", "%", "-o1", first, "-o2", later, *extra, *FEATURES)
    fix_externref_export(first)


def instrument(wasm_split, module, out):
    run(wasm_split, "--instrument", module, "-o", out, *FEATURES)
    fix_externref_export(out)


def write_list(wasm_split, module, profiles):
    """Writes KEEP_LIST: the named functions that ran in any of the profiles, normalized."""
    with tempfile.TemporaryDirectory() as tmp:
        merged = os.path.join(tmp, "merged")
        run(wasm_split, "--merge-profiles", *profiles, "-o", merged)
        out = run(wasm_split, "--split", module, "--profile", merged, "-v",
                  "-o1", os.path.join(tmp, "a.wasm"), "-o2", os.path.join(tmp, "b.wasm"), *FEATURES)
    prefix = "Keeping functions: "
    line = next((l for l in out.stdout.splitlines() if l.startswith(prefix)), None)
    if line is None:
        sys.exit("split-wasm: wasm-split -v printed no %r" % prefix)
    names = sorted({normalize(n) for n in line[len(prefix):].split(", ") if not unnamed(n)})
    open(KEEP_LIST, "w").write("\n".join([
        "# The functions the first WebAssembly module keeps (scripts/split-wasm.py), as",
        "# recorded by tools/split-profile.mjs; names without crate hashes, as binaryen escapes them.",
        *names, ""]))
    print("%s: %d functions" % (os.path.relpath(KEEP_LIST, ROOT), len(names)))


def leb(data, i):
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def sections(data):
    i = 8
    while i < len(data):
        size, j = leb(data, i + 1)
        yield data[i], j, j + size
        i = j + size


def skip_limits(data, i):
    """Past a table's or a memory's limits (flags, minimum, maximum if flagged)."""
    flags = data[i]
    _, i = leb(data, i + 1)
    if flags & 1:
        _, i = leb(data, i)
    return i


def fix_externref_export(path):
    """wasm-split 108 exports wasm-bindgen's externref table as table 0 (the function table)
    when a module has both; point the export back at the externref table."""
    data = bytearray(open(path, "rb").read())
    tables = []  # element types, imported tables first
    export_at = None
    for sid, start, end in sections(data):
        if sid == 2:  # imports
            count, i = leb(data, start)
            for _ in range(count):
                for _ in range(2):
                    n, i = leb(data, i)
                    i += n
                kind = data[i]
                i += 1
                if kind == 0:
                    _, i = leb(data, i)
                elif kind == 1:
                    tables.append(data[i])
                    i = skip_limits(data, i + 1)
                elif kind == 2:
                    i = skip_limits(data, i)
                elif kind == 3:
                    i += 2
                else:
                    sys.exit("split-wasm: unknown import kind %d" % kind)
        elif sid == 4:  # tables
            count, i = leb(data, start)
            for _ in range(count):
                tables.append(data[i])
                i = skip_limits(data, i + 1)
        elif sid == 7:  # exports
            count, i = leb(data, start)
            for _ in range(count):
                n, i = leb(data, i)
                name = bytes(data[i:i + n])
                i += n
                kind = data[i]
                i += 1
                index_at = i
                _, i = leb(data, i)
                if name == b"__wbindgen_externrefs" and kind == 1:
                    export_at = index_at
    externref = [k for k, t in enumerate(tables) if t == 0x6F]
    if len(externref) != 1 or export_at is None or externref[0] > 127 or data[export_at] > 127:
        sys.exit("split-wasm: expected one externref table and its export in %s" % path)
    data[export_at] = externref[0]
    open(path, "wb").write(data)


def strip_comments(js):
    """Our own loaders (boot.js, split.js) without their whole-line comments and blank lines:
    half their size, and the first load counts every byte."""
    out, in_block = [], False
    for line in js.splitlines():
        s = line.strip()
        if in_block:
            in_block = not s.endswith("*/")
        elif s.startswith("/*"):
            in_block = not s.endswith("*/")
        elif s and not s.startswith("//"):
            out.append(line)
    return "\n".join(out) + "\n"


def patch_glue(path):
    glue = open(path).read()
    if glue.count(GLUE_ANCHOR) != 2:
        sys.exit("split-wasm: the wasm-bindgen glue changed: %r is not there twice" % GLUE_ANCHOR)
    glue = GLUE_IMPORT + glue.replace(GLUE_ANCHOR, GLUE_LINE)
    open(path, "w").write(glue)


def main():
    wasm_split = os.environ.get("WASM_SPLIT")
    if len(sys.argv) == 2 and not sys.argv[1].startswith("--"):
        return optimize_and_split(wasm_split, sys.argv[1])
    if not wasm_split:
        sys.exit("split-wasm: WASM_SPLIT is not set (scripts/lib.sh ensure_wasm_split)")
    if sys.argv[1] == "--instrument":
        return instrument(wasm_split, sys.argv[2], sys.argv[3])
    if sys.argv[1] == "--write-list":
        return write_list(wasm_split, sys.argv[2], sys.argv[3:])
    sys.exit(__doc__)


def optimize_and_split(wasm_split, out):
    """The build's step: wasm-opt, then the split, on the staging directory `out`."""
    module = os.path.join(out, NAME + "_bg.wasm")
    if not wasm_split:
        print("split-wasm: no wasm-split (scripts/lib.sh ensure_wasm_split): the page stays one module", file=sys.stderr)
        run("wasm-opt", "-Oz", *FEATURES, module, "-o", module)
        return
    # `*_on_demand` functions stay out of line (so that the split can move them); -g keeps
    # the names the split goes by, which the -Oz after it removes.
    run("wasm-opt", "--no-inline=*_on_demand", "-Oz", "-g", *FEATURES, module, "-o", module)
    glue = os.path.join(out, NAME + ".js")
    os.makedirs(KEPT_DIR, exist_ok=True)
    shutil.copy(module, os.path.join(KEPT_DIR, NAME + "_bg.wasm"))
    shutil.copy(glue, os.path.join(KEPT_DIR, NAME + ".js"))

    keep, names, missing = kept_by_list(wasm_split, module)
    with tempfile.TemporaryDirectory() as tmp:
        first, later = os.path.join(tmp, "first.wasm"), os.path.join(tmp, "later.wasm")
        split_module(wasm_split, module, keep, first, later)
        for src, dst in ((first, module), (later, os.path.join(out, LATER))):
            # -Oz again (the split left both unoptimized), and no names in what is shipped.
            run("wasm-opt", "-Oz", "--strip-debug", *FEATURES, src, "-o", dst)
    patch_glue(glue)
    loader = os.path.join(out, "split.js")
    text = open(loader).read()
    if text.count("export const split = false;") != 1:
        sys.exit("split-wasm: split.js has no `export const split = false;`")
    open(loader, "w").write(strip_comments(text.replace("export const split = false;", "export const split = true;")))
    boot = os.path.join(out, "boot.js")
    text = open(boot).read()
    open(boot, "w").write(strip_comments(text))
    print("split-wasm: %d of %d functions in the first module, %d in %s; %d names of the list "
          "not in this build" % (len(keep), len(names), len(names) - len(keep), LATER, missing))


if __name__ == "__main__":
    main()
