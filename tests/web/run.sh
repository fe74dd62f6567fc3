#!/usr/bin/env bash
# The browser page's tests, as tests/run-all.sh runs them on a fresh Debian machine:
#   1. web/build.sh builds web/dist (installs the wasm32 target, wasm-bindgen-cli
#      at the Cargo.lock version, binaryen from npm);
#   2. tco-wasm's wasm-bindgen tests run in headless Chromium through chromedriver;
#   3. tests/web/e2e.mjs drives Chromium with playwright-core against web/dist
#      served on 127.0.0.1 and compares the page's figures with the tco binary's.
# Installs chromium, chromium-driver, nodejs and npm from apt when missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
target_dir=${CARGO_TARGET_DIR:-$root/target}

step() { printf '\n==> %s\n' "$*"; }

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
  step "apt-get install ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

step "build the page (web/build.sh)"
bash web/build.sh

step "tco-wasm bindings: wasm-bindgen tests in headless Chromium"
CHROMEDRIVER=$(command -v chromedriver) \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
WASM_BINDGEN_TEST_TIMEOUT=120 \
  cargo test --locked -p tco-wasm --target wasm32-unknown-unknown

step "the page end to end (playwright-core, Chromium, against the tco binary)"
# tests/run-all.sh passes the binary its workspace tests built (TCO_BIN).
if [ -z "${TCO_BIN:-}" ]; then
  cargo build --locked -p tco-cli
  TCO_BIN="$target_dir/debug/tco"
fi
(cd tests/web && npm ci --no-audit --no-fund --loglevel=error)
TCO_BIN="$TCO_BIN" CHROMIUM=$(command -v chromium) node tests/web/e2e.mjs
