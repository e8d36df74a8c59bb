# Shared by scripts/serve and scripts/test: install what is missing, quickly skip what is
# there. Every step is idempotent. Versions: see ../shared/TOOLCHAIN.md of the project.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130
# The shipped WebAssembly (the page's and the JavaScript API's) is built with this pinned
# nightly Rust, which rebuilds the standard library for size (its `optimize_for_size`
# feature) and aborts on a panic without formatting a message: 24 KB gzip less than stable
# 1.95 (README, How it is built). Tests, lints and the command-line tool use the stable
# toolchain.
PAGE_TOOLCHAIN=nightly-2026-05-20

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

ensure_wasm_target() {
  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_page_toolchain() {
  if ! rustup run "$PAGE_TOOLCHAIN" rustc --version >/dev/null 2>&1 ||
    ! rustup component list --installed --toolchain "$PAGE_TOOLCHAIN" 2>/dev/null | grep -q '^rust-src' ||
    ! rustup target list --installed --toolchain "$PAGE_TOOLCHAIN" 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    say "installing Rust $PAGE_TOOLCHAIN (minimal, with rust-src and the wasm32 target) for the release build"
    rustup toolchain install "$PAGE_TOOLCHAIN" --profile minimal --component rust-src --target wasm32-unknown-unknown
  fi
}

# The environment of a release build of the shipped WebAssembly (in a subshell: build_site).
page_build_env() {
  export RUSTUP_TOOLCHAIN="$PAGE_TOOLCHAIN"
  export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
  export CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort"
}

ensure_trunk() {
  if ! trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION"; then
    say "installing trunk $TRUNK_VERSION (takes several minutes once)"
    cargo install --locked "trunk@$TRUNK_VERSION"
  fi
}

ensure_wasm_bindgen() {
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION"; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
    cargo install --locked wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" ||
      cargo install --force wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
  fi
}

ensure_npm() {
  # Reinstall when package-lock.json changed since the last install.
  local stamp=node_modules/.installed-lock
  if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    say "installing npm packages (Playwright, puppeteer-core, binaryen's wasm-opt)"
    npm ci --no-audit --no-fund
    cp package-lock.json "$stamp"
  fi
}

# apt-get install, quietly, with sudo only when not root. Updates the package lists once.
apt_install() {
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if [ -z "${APT_UPDATED:-}" ]; then
    $sudo apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@"
}

ensure_chromium() {
  if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
    say "installing Debian's chromium and chromium-driver"
    apt_install chromium chromium-driver
  fi
  export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}"
  export CHROMIUM_PATH="${CHROMIUM_PATH:-$(command -v chromium)}"
}

# Firefox (Gecko), driven by puppeteer-core over WebDriver BiDi (no geckodriver needed).
ensure_firefox() {
  if ! command -v firefox-esr >/dev/null 2>&1; then
    say "installing Debian's firefox-esr"
    apt_install firefox-esr
  fi
  export FIREFOX_PATH="${FIREFOX_PATH:-$(command -v firefox-esr)}"
}

# WebKit (WebKitGTK's MiniBrowser), driven over W3C WebDriver by WebKitWebDriver, under Xvfb.
ensure_webkit() {
  if ! command -v WebKitWebDriver >/dev/null 2>&1 || ! command -v xvfb-run >/dev/null 2>&1; then
    say "installing Debian's webkit2gtk-driver and xvfb"
    apt_install webkit2gtk-driver xvfb
  fi
  if [ -z "${MINIBROWSER_PATH:-}" ]; then
    MINIBROWSER_PATH="$(dpkg -L libwebkit2gtk-4.1-0 | grep '/MiniBrowser$' | head -n1 || true)"
  fi
  if [ ! -x "$MINIBROWSER_PATH" ]; then
    echo "MiniBrowser not found (dpkg -L libwebkit2gtk-4.1-0)" >&2
    return 1
  fi
  export MINIBROWSER_PATH
  export WEBKIT_WEBDRIVER="${WEBKIT_WEBDRIVER:-$(command -v WebKitWebDriver)}"
}

# wasm-split (binaryen), which splits the page's WebAssembly in two: what the first frame
# needs, and the rest, fetched on first use (scripts/split-wasm.py). npm's binaryen has no
# wasm-split, so the distribution's package is unpacked into target/tools (no root needed,
# nothing installed system-wide): Debian 12's 108-1, the version the tests run with, or else
# the version the package lists offer (GitHub's Ubuntu runners, for the Pages workflow).
# Version 108 writes one export wrong in modules with two tables; split-wasm.py corrects it
# and checks the result.
BINARYEN_DEB_VERSION=108-1
binaryen_download() {
  apt-get download -qq "binaryen=$BINARYEN_DEB_VERSION" 2>/dev/null || apt-get download -qq binaryen 2>/dev/null
}
ensure_wasm_split() {
  local dir="$ROOT/target/tools/binaryen"
  if [ ! -x "$dir/usr/bin/wasm-split" ]; then
    say "unpacking the binaryen package (for wasm-split) into target/tools"
    local tmp
    tmp="$(mktemp -d)"
    if ! (cd "$tmp" && binaryen_download); then
      local sudo=""
      [ "$(id -u)" -ne 0 ] && sudo="sudo"
      $sudo apt-get update -qq
      APT_UPDATED=1
      (cd "$tmp" && binaryen_download)
    fi
    mkdir -p "$dir"
    dpkg -x "$tmp"/binaryen_*.deb "$dir"
    rm -rf "$tmp"
  fi
  export WASM_SPLIT="$dir/usr/bin/wasm-split"
}

build_site() {
  ensure_page_toolchain
  ensure_wasm_split
  say "building the site (trunk build --release with $PAGE_TOOLCHAIN; wasm-opt and the split in its post-build hook)"
  (page_build_env && trunk build --release --locked)
}
