#!/usr/bin/env bash
# The long fuzzing campaign: every target (or the ones named), one at a time,
# each for RUNS executions (default 1,000,000), niced, in one process.
# Prints each target's execution count, and a table at the end.
#
#   bash fuzz/run.sh                      # all targets, 1,000,000 runs each
#   RUNS=100000 bash fuzz/run.sh scenario # one target, fewer runs
#   SECONDS_EACH=60 bash fuzz/run.sh      # also stop each target after 60 s
#
# Installs a nightly toolchain (minimal profile) and cargo-fuzz when missing.
# Inputs that crash, hang (TIMEOUT seconds, default 10) or take more than
# RSS_MB of memory (default 2048) land in fuzz/artifacts/TARGET/; copy each
# into fuzz/regressions/TARGET/ once fixed, so the stable replay test
# (crates/tco-fuzz/tests/replay.rs) keeps it fixed. New coverage goes to
# fuzz/work/TARGET/ (ignored by git); `cargo +nightly fuzz cmin` shrinks it
# into corpus/ when worth committing.
set -euo pipefail
cd "$(dirname "$0")"

RUNS="${RUNS:-1000000}"
TIMEOUT="${TIMEOUT:-10}"
RSS_MB="${RSS_MB:-2048}"
SANITIZER="${SANITIZER:-address}"

if ! rustup toolchain list | grep -q '^nightly'; then
  rustup toolchain install nightly --profile minimal
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi

all=(scenario set prices_yaml hardware_yaml litellm_json genai_json calibration llama_bench gguf stream server_import)
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=("${all[@]}")

nice -n 15 cargo +nightly fuzz build -s "$SANITIZER"

declare -A done_runs secs status
for t in "${targets[@]}"; do
  mkdir -p "work/$t" "artifacts/$t"
  limit=(-runs="$RUNS")
  if [ -n "${SECONDS_EACH:-}" ]; then limit+=(-max_total_time="$SECONDS_EACH"); fi
  extra=()
  [ "$t" = gguf ] && extra=(-max_len=16384)
  log="artifacts/$t/campaign.log"
  echo "==> $t: ${limit[*]}"
  start=$(date +%s)
  set +e
  nice -n 15 cargo +nightly fuzz run -s "$SANITIZER" "$t" "work/$t" "corpus/$t" -- \
    "${limit[@]}" -timeout="$TIMEOUT" -rss_limit_mb="$RSS_MB" -print_final_stats=1 \
    -artifact_prefix="artifacts/$t/" "${extra[@]}" >"$log" 2>&1
  rc=$?
  set -e
  secs[$t]=$(( $(date +%s) - start ))
  done_runs[$t]=$(grep -o 'Done [0-9]* runs' "$log" | tail -1 | grep -o '[0-9]*' || echo "?")
  [ "${done_runs[$t]}" = "?" ] && done_runs[$t]=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  if [ "$rc" -eq 0 ]; then status[$t]=ok; else status[$t]="FAILED (rc $rc, see $log)"; fi
  echo "    ${done_runs[$t]} executions in ${secs[$t]} s: ${status[$t]}"
done

echo
printf '%-14s %12s %8s  %s\n' target executions seconds result
for t in "${targets[@]}"; do
  printf '%-14s %12s %8s  %s\n' "$t" "${done_runs[$t]}" "${secs[$t]}" "${status[$t]}"
done
for t in "${targets[@]}"; do
  [ "${status[$t]}" = ok ] || exit 1
done
