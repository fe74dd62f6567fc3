#!/usr/bin/env bash
# The README's real llama-server example, reproducible: a generated 125M Q4_K
# GGUF served by a real llama-server (4 slots, 2 threads), swept by
# `tco probe --server` at concurrency 1, 2, 4, 8, then priced by `tco report`
# four ways: the best level without a latency target, under a p95 TTFT target,
# and both again with an office-hours hourly profile. Prints each command and
# its output (of each report its local table and throughput note; SHOW=all
# prints the whole report).
#
# Usage: tests/tools/server-example.sh
# Builds llama-server (tests/tools/llama-tools.sh) and tco when missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${CARGO_TARGET_DIR:-target}"

eval "$(tests/tools/llama-tools.sh)"
cargo build --quiet -p tco-cli
cargo build --quiet -p tco-probe --example write_model
tco="$PWD/$target/debug/tco"
case "$target" in /*) tco="$target/debug/tco" ;; esac
work="$(mktemp -d)"
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

"$target/debug/examples/write_model" 125m q4_k "$work/tiny.gguf" >&2
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$TCO_LLAMA_SERVER" -m "$work/tiny.gguf" --host 127.0.0.1 --port "$port" \
  -np 4 -c 4096 -t 2 --no-warmup >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do
  curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 0.1
done

run() { echo "\$ $*" | sed "s|$work/||g; s|$tco|tco|"; (cd "$work" && "$@") | sed "s|$work/||g"; echo; }

run "$tco" probe --server "http://127.0.0.1:$port" --concurrency 1,2,4,8 \
  --requests 8 --prompt-tokens 64 --output-tokens 24 --no-early-stop --out llama.json

# From the measurement: the level with the most total tokens/s (the capacity
# without a latency target); a p95 TTFT target between the 1- and 2-stream
# levels' (their geometric mean), so that it binds inside the measured range;
# the prompt share the server counted at that level (so the workload's mix is
# the measured one); and a volume of 90 % of what one node serves at the best level.
read -r best ttft share volume < <(python3 - "$work/llama.json" <<'PY'
import json, sys, math
levels = json.load(open(sys.argv[1]))["levels"]
by = {l["concurrency"]: l for l in levels}
best = max(levels, key=lambda l: l["total_tps"])
ttft = round(math.sqrt(by[1]["ttft_ms"]["p95"] * by[2]["ttft_ms"]["p95"]))
p, o = best["prompt_tokens"], best["output_tokens"]
volume = int(0.9 * best["total_tps"] * 3600 * 730)
print(best["concurrency"], ttft, round(p / (p + o), 4), volume)
PY
)
write() { # $1: file, $2: throughput line, $3: profile line
  cat >"$work/$1" <<YAML
name: llama-server example
workload: {tokens_per_month: $volume, input_share: $share, $3}
api:
  - {name: API, input_per_mtok: 0.5, output_per_mtok: 1.5}
local:
  - name: llama-server box
    owned: {price: 2000, amortization_months: 36}
    throughput: $2
YAML
}
office="hourly_profile: [1, 1, 1, 1, 1, 1, 2, 4, 6, 8, 8, 8, 8, 8, 8, 8, 6, 4, 2, 2, 1, 1, 1, 1]"
write best.yaml "{calibration: llama.json, concurrency: $best}" "hourly_profile: flat"
write slo.yaml "{calibration: llama.json, slo: {ttft_p95_ms: $ttft}}" "hourly_profile: flat"
write best-office.yaml "{calibration: llama.json, concurrency: $best}" "$office"
write slo-office.yaml "{calibration: llama.json, slo: {ttft_p95_ms: $ttft}}" "$office"
for f in best slo best-office slo-office; do
  echo "# $f.yaml: $(grep -o 'throughput: .*' "$work/$f.yaml"), $(grep -q 'hourly_profile: flat' "$work/$f.yaml" && echo 'flat profile' || echo 'office-hours profile')"
  # The node count and where the capacity came from: the report's local
  # table and its throughput note (the whole report with SHOW=all).
  if [ "${SHOW:-}" = all ]; then
    run "$tco" report "$f.yaml" --wide
  else
    run "$tco" report "$f.yaml" --wide | awk '/^Local options/{p=1} p&&/^$/{p=0} p; /throughput from/'
  fi
done
