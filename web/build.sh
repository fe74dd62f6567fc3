#!/usr/bin/env bash
# Builds the browser page into web/dist/: tco-wasm compiled for wasm32,
# wasm-bindgen's JS glue, then wasm-opt (binaryen from npm, web/package-lock.json),
# and the page's static files. Installs what it needs when missing: the
# wasm32 target, wasm-bindgen-cli at the version in Cargo.lock, binaryen.
#
#   bash web/build.sh            # then serve web/dist/ over http (wasm needs it):
#   python3 -m http.server -d web/dist 8000
#
# TCO_WASM_OPT=0 skips wasm-opt (and so npm).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
target_dir=${CARGO_TARGET_DIR:-$root/target}
dist=web/dist

step() { printf '==> %s\n' "$*"; }

if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# The CLI must match the wasm-bindgen crate exactly, or its output does not load.
want=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ -z "$want" ]; then
  echo "web/build.sh: no wasm-bindgen in Cargo.lock" >&2
  exit 1
fi
if [ "$have" != "$want" ]; then
  step "cargo install wasm-bindgen-cli $want (found: ${have:-none})"
  cargo install wasm-bindgen-cli --version "$want" --force
fi

step "cargo build tco-wasm (release, wasm32)"
# Size over speed for the page: the model's work per recompute is microseconds.
CARGO_PROFILE_RELEASE_OPT_LEVEL=z \
CARGO_PROFILE_RELEASE_LTO=true \
CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
CARGO_PROFILE_RELEASE_DEBUG=false \
  cargo build --locked --release -p tco-wasm --target wasm32-unknown-unknown

step "wasm-bindgen --target web"
rm -rf "$dist"
mkdir -p "$dist/pkg"
wasm-bindgen --target web --no-typescript --out-dir "$dist/pkg" \
  "$target_dir/wasm32-unknown-unknown/release/tco_wasm.wasm"

wasm="$dist/pkg/tco_wasm_bg.wasm"
if [ "${TCO_WASM_OPT:-1}" != 0 ]; then
  # Debian's binaryen (108) mangles wasm-bindgen output; npm's is current.
  if [ ! -x web/node_modules/.bin/wasm-opt ]; then
    step "npm ci (binaryen's wasm-opt)"
    (cd web && npm ci --no-audit --no-fund --loglevel=error)
  fi
  # --converge repeats -Oz while it still shrinks the module (about 1.2 KB
  # gzipped on top of one pass); the producers and target-features custom
  # sections are toolchain notes no browser reads.
  step "wasm-opt -Oz --converge"
  web/node_modules/.bin/wasm-opt -Oz --converge --strip-producers --strip-target-features \
    --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$wasm" -o "$wasm.opt"
  mv "$wasm.opt" "$wasm"
fi

cp web/index.html web/app.js web/style.css "$dist/"

raw=$(wc -c <"$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
step "web/dist ready: tco_wasm_bg.wasm $raw bytes, $gz gzipped"
