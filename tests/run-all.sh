#!/usr/bin/env bash
# Runs every test of tco on a fresh Debian machine: installs what the suite
# needs (apt packages for llama.cpp, the wasm32 target), checks formatting,
# denies clippy's lints, proves tco-core builds for wasm32, then runs the
# whole workspace's tests with the real llama.cpp probe compiled in and a
# real llama-server (built once by tests/tools/llama-tools.sh, about 8 minutes
# on 2 cores, then cached under $CARGO_TARGET_DIR/llama-tools), then the
# terminal calculator's tests
# again as built without llama.cpp, compiles the benchmarks, and tests the
# browser page in headless Chromium (tests/web/run.sh, which installs
# chromium, chromium-driver, nodejs and npm when missing).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "system packages (cmake, clang, libclang-dev for llama.cpp; python3-pip fetches the llama.cpp tools' sources; chromium for the HTML report's print test in the workspace tests)"
missing=()
for p in cmake clang libclang-dev tmux python3 python3-pip chromium; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

step "rust targets"
rustup target add wasm32-unknown-unknown >/dev/null
rustup component add clippy rustfmt >/dev/null

step "formatting"
cargo fmt --all -- --check

step "lints: clippy on every crate and target, with the llama.cpp probe; any warning fails"
# The lints are declared once in the workspace's Cargo.toml ([workspace.lints]).
cargo clippy --locked --workspace --all-targets --features tco-cli/llama -- -D warnings

step "tco-core and tco-chart build for wasm32-unknown-unknown (no file, network or terminal I/O)"
cargo build --locked -p tco-core --target wasm32-unknown-unknown
cargo build --locked -p tco-chart --target wasm32-unknown-unknown

# The real llama-server tests (tests/cli/server.rs, real_llama_*) start the
# llama-server that TCO_LLAMA_SERVER names on a generated GGUF. Built from the
# llama-cpp-python sdist's llama.cpp (same compiler flags as the probe's
# llama-cpp-sys-2) and cached; with CI set, those tests fail rather than skip
# when the variable is missing.
step "llama.cpp tools: llama-server and llama-bench (built once, then cached)"
eval "$(bash tests/tools/llama-tools.sh)"
export TCO_LLAMA_SERVER TCO_LLAMA_BENCH

step "tests: every crate, with the llama.cpp probe and a real llama-server"
cargo test --locked --workspace --features tco-cli/llama

step "tests: tco-tui and tco-cli's terminal tests as built without llama.cpp (the probe screen says how to get it)"
cargo test --locked -p tco-tui
cargo test --locked -p tco-cli --test tui

step "benchmarks compile"
cargo bench --locked -p tco-core -p tco-tui -p tco-loadgen --no-run

step "browser page: build web/dist, wasm-bindgen tests and the end-to-end test in Chromium"
TCO_BIN="${CARGO_TARGET_DIR:-target}/debug/tco" bash tests/web/run.sh
