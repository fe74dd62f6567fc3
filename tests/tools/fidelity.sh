#!/usr/bin/env bash
# Probe fidelity: does `tco probe --model` (llama.cpp in-process through
# llama-cpp-2) measure what llama.cpp's own llama-bench measures on the same
# model? Both run the same generated GGUF with the same threads, pp512 and
# tg128, in alternating rounds (tco then llama-bench, then llama-bench then
# tco, …) so machine drift hits both alike; reported are the ratio of the
# medians and the median of each round's paired ratio, which slow drift of
# the host's capacity disturbs least (goal ≥ 0.97 on both).
#
# Usage: [REPS=3] tests/tools/fidelity.sh [ROUNDS=5] [SHAPE=125m] [QUANT=q4_k] [THREADS=2]
# REPS: repetitions per tool per round (1 with many rounds alternates finest).
# Builds llama-bench (tests/tools/llama-tools.sh) and tco with the llama
# feature when missing. Prints a table and writes target/fidelity.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-5}"; shape="${2:-125m}"; quant="${3:-q4_k}"; threads="${4:-2}"
target="${CARGO_TARGET_DIR:-target}"
reps="${REPS:-3}"

eval "$(tests/tools/llama-tools.sh)"
cargo build --quiet -p tco-cli --features llama
cargo build --quiet -p tco-probe --example write_model
tco="$target/debug/tco"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
model="$work/$shape-$quant.gguf"
"$target/debug/examples/write_model" "$shape" "$quant" "$model" >&2

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
: > "$work/tco.txt"; : > "$work/bench.txt"
run_tco() {
  "$tco" probe --model "$model" --threads "$threads" --reps "$reps" --concurrency 1 \
    --prompt-tokens 8 --gen-tokens 8 --pp 512 --tg 128 --format json > "$work/t.json"
  python3 - "$work/t.json" >> "$work/tco.txt" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
print(s["pp"]["tps"]["mean"], s["tg"]["tps"]["mean"])
PY
}
run_bench() {
  "$TCO_LLAMA_BENCH" -m "$model" -t "$threads" -p 512 -n 128 -r "$reps" -o json > "$work/b.json" 2>/dev/null
  python3 - "$work/b.json" >> "$work/bench.txt" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
pp = [r["avg_ts"] for r in rows if r["n_prompt"] > 0 and r["n_gen"] == 0][0]
tg = [r["avg_ts"] for r in rows if r["n_gen"] > 0 and r["n_prompt"] == 0][0]
print(pp, tg)
PY
}
for i in $(seq 1 "$rounds"); do
  if [ $((i % 2)) -eq 1 ]; then run_tco; run_bench; else run_bench; run_tco; fi
  echo "round $i: tco $(tail -1 "$work/tco.txt")  llama-bench $(tail -1 "$work/bench.txt")" >&2
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
python3 - "$work/tco.txt" "$work/bench.txt" "$target/fidelity.json" "$shape" "$quant" "$threads" <<'PY'
import json, statistics, sys
tco = [list(map(float, l.split())) for l in open(sys.argv[1])]
ben = [list(map(float, l.split())) for l in open(sys.argv[2])]
out = {"model": f"synthetic {sys.argv[4]} {sys.argv[5]}", "threads": int(sys.argv[6]), "rounds": len(tco)}
print(f"{'test':<6} {'tco probe':>12} {'llama-bench':>12} {'ratio':>7}")
for i, name in enumerate(["pp512", "tg128"]):
    a = statistics.median(r[i] for r in tco); b = statistics.median(r[i] for r in ben)
    out[name] = {"tco_tps": a, "llama_bench_tps": b, "ratio": a / b}
    paired = statistics.median(t[i] / b_[i] for t, b_ in zip(tco, ben))
    out[name]["paired_ratio_median"] = paired
    print(f"{name:<6} {a:>12.1f} {b:>12.1f} {a / b:>7.3f}   median of paired ratios {paired:.3f}")
json.dump(out, open(sys.argv[3], "w"), indent=2)
PY
