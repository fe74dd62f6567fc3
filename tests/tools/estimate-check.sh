#!/usr/bin/env bash
# The roofline estimate (`throughput: {estimate: roofline}`) checked against
# measurements on this machine (issue 15, tests/model/EXPECTED.md "The
# estimate against this machine").
#
# For each generated model, three estimates from this machine's specs:
#   defaults, FP32 peak  the CPU default efficiencies (memory 0.5, compute
#                        0.3) and the FP32 FMA peak for every format: the rule
#                        before CPUs were estimated at their INT8 peak;
#   defaults             the same efficiencies at the peak tco uses on a CPU:
#                        INT8, for every weight format;
#   fitted to REF        the efficiencies `tco probe fit` derives from the
#                        probe of one model (REF, default 125m:q4_k) on this
#                        machine, used for every other model: what item 3's
#                        "calibrated by measurement" promises;
# against `tco probe --model` (decode with 1, 4 and 8 sequences, pp512) and a
# real llama-server sweep (4 and 8 requests in flight). Prints
# estimated / measured for each (goal: within ±25 %) and writes
# target/estimate-check.json; the probe and server files stay in
# target/estimate-check/.
#
# The machine: bandwidth measured by `tco probe --bandwidth` (release build);
# FP32 peak = cores × 32 FLOP/cycle (two 8-lane FMA units, AVX2) × the clock
# /proc/cpuinfo reports; INT8 peak = 4 × that (AVX2's vpmaddubsw does 32
# 8-bit multiply-adds where an FMA does 8). GFLOPS= and INT8_GOPS= override.
#
# Usage: [REPS=3] [REF=125m:q4_k] [MODELS="125m:f16 125m:q8_0 125m:q4_k 1b:q4_k"] \
#        tests/tools/estimate-check.sh
#        ESTIMATE_ONLY=1 tests/tools/estimate-check.sh   # re-estimate from the kept
#                                                         # measurements (after a model change)
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${CARGO_TARGET_DIR:-target}"
models="${MODELS:-125m:f16 125m:q8_0 125m:q4_k 1b:q4_k}"
ref="${REF:-125m:q4_k}"
threads="$(nproc)"
case " $models " in *" $ref "*) ;; *) echo "REF=$ref must be one of MODELS" >&2; exit 2 ;; esac
# The reference first: every other model's fitted estimate needs its fit.
models="$ref $(printf '%s\n' $models | grep -vx "$ref" | tr '\n' ' ')"

eval "$(tests/tools/llama-tools.sh)"
# Release builds: the bandwidth test's streaming loop and the probe's
# tokenization are unoptimised in a debug build (it read 1 GB/s there).
cargo build --quiet --release -p tco-cli --features llama --bin tco --example roofline_here
cargo build --quiet --release -p tco-probe --example write_model
tco="$target/release/tco"
bin="$target/release/examples"
keep="$target/estimate-check"
only="${ESTIMATE_ONLY:-}"
if [ -z "$only" ]; then rm -rf "$keep"; mkdir -p "$keep"; fi
work="$(mktemp -d)"
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

if [ -n "$only" ]; then
  bw=$(awk '/memory_bandwidth_gbs:/{print $2}' "$keep/here.yaml")
else
  bw=$("$tco" probe --bandwidth --reps 5 --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["memory_bandwidth_gbs"])')
fi
mhz=$(awk -F: '/^cpu MHz/{gsub(/ /, "", $2); print $2; exit}' /proc/cpuinfo)
gflops="${GFLOPS:-$(python3 -c "print(round($threads * 32 * $mhz / 1000, 1))")}"
int8="${INT8_GOPS:-$(python3 -c "print(round(4 * $gflops, 1))")}"
mem_gb=$(awk '/^MemTotal/{printf "%.1f", $2 * 1024 / 1e9}' /proc/meminfo)
echo "machine: $threads threads, $mhz MHz, bandwidth $bw GB/s (measured), peak $gflops GFLOPS (FP32 FMA), $int8 GOPS (INT8), $mem_gb GB" >&2
# This machine as a hardware-table entry, for `tco probe fit`.
cat > "$keep/here.yaml" <<EOF
hardware:
  - id: local/this-machine
    name: "this machine ($threads threads)"
    kind: machine
    platform: cpu
    price: 1
    memory_gb: $mem_gb
    memory_bandwidth_gbs: $bw
    fp16_tflops: $(python3 -c "print($gflops / 1000)")
    int8_tops: $(python3 -c "print($int8 / 1000)")
    compute_source: "estimate: $threads cores x 32 FP32 FLOP/cycle x $mhz MHz; INT8 4x that"
    load_watts: 100
    source: "tests/tools/estimate-check.sh: bandwidth measured by tco probe --bandwidth"
EOF

fit_mem=""; fit_cmp=""; fit_dec=""
: > "$work/rows.jsonl"
for m in $models; do
  shape="${m%%:*}"; quant="${m##*:}"
  model="$work/$shape-$quant.gguf"
  if [ -z "$only" ]; then
  "$bin/write_model" "$shape" "$quant" "$model" >&2
  echo "== $shape $quant: tco probe --model" >&2
  "$tco" probe --model "$model" --threads "$threads" --reps "${REPS:-3}" --concurrency 1,4,8 \
    --prompt-tokens 64 --gen-tokens 128 --pp 512 --tg 128 --format json \
    --out "$keep/$shape-$quant-probe.yaml" > "$keep/$shape-$quant-probe.json"
  echo "== $shape $quant: llama-server sweep" >&2
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$TCO_LLAMA_SERVER" -m "$model" --host 127.0.0.1 --port "$port" -np 8 -c 8192 \
    -t "$threads" --no-warmup >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
  "$tco" probe --server "http://127.0.0.1:$port" --concurrency 1,4,8 --requests 8 \
    --prompt-tokens 64 --output-tokens 128 --no-early-stop --format json \
    --out "$keep/$shape-$quant-server.json" >/dev/null
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
  fi
  # The model file's size, as the probe recorded it.
  bytes=$(awk '/^  bytes:/{print $2; exit}' "$keep/$shape-$quant-probe.yaml")
  if [ "$m" = "$ref" ]; then
    p=$("$bin/roofline_here" --params "$shape")
    case "$quant" in f16) tq=F16 ;; q8_0) tq=Q8_0 ;; q4_k) tq=Q4_K_M ;; *) tq="$quant" ;; esac
    "$tco" probe fit "$keep/$shape-$quant-probe.yaml" --hardware "$keep/here.yaml" \
      --machine local/this-machine --params-b "$p" --quant "$tq" --format json > "$keep/fit.json"
    fit_mem=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["efficiency"]["memory"])' "$keep/fit.json")
    fit_cmp=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["efficiency"]["compute"])' "$keep/fit.json")
    # Batched decode's own efficiency, where the fit found the batched level
    # compute-bound (else the CPU share of compute, as a scenario gets it).
    fit_dec=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["efficiency"].get("decode_compute"); print("" if d is None else d)' "$keep/fit.json")
    echo "fitted to $shape $quant: memory $fit_mem, compute $fit_cmp, batched decode ${fit_dec:-(not fitted)}" >&2
  fi
  peak="$int8"
  est() { "$bin/roofline_here" "$shape" "$quant" "$bw" "$1" "$mem_gb" "$2" "$3" "$bytes" "${@:4}"; }
  est "$gflops" 64 128 > "$work/est-old.json"; est "$gflops" 512 1 > "$work/pre-old.json"
  est "$peak" 64 128 > "$work/est-new.json"; est "$peak" 512 1 > "$work/pre-new.json"
  est "$peak" 64 128 "$fit_mem" "$fit_cmp" $fit_dec > "$work/est-fit.json"
  est "$peak" 512 1 "$fit_mem" "$fit_cmp" $fit_dec > "$work/pre-fit.json"
  python3 - "$shape" "$quant" "$work" "$keep" >> "$work/rows.jsonl" <<'PY'
import json, sys
shape, quant, work, keep = sys.argv[1:]
p = json.load(open(f"{keep}/{shape}-{quant}-probe.json"))["summary"]
s = {l["concurrency"]: l for l in json.load(open(f"{keep}/{shape}-{quant}-server.json"))["levels"]}
conc = {c["concurrency"]: c["decode_tps"]["mean"] for c in p["concurrency"]}
measured = {"decode B=1 (probe tg128)": p["tg"]["tps"]["mean"]}
for b in (4, 8):
    measured[f"decode B={b} (probe)"] = conc[b]
    measured[f"decode B={b} (llama-server)"] = s[b]["decode_tps_per_stream"]["p50"] * s[b]["achieved_concurrency"]
measured["prefill (probe pp512)"] = p["pp"]["tps"]["mean"]
row = {"model": f"{shape} {quant}", "measured": measured, "estimates": {}}
for kind in ("old", "new", "fit"):
    e = {l["batch"]: float(l["aggregate_decode_tps"]) for l in json.load(open(f"{work}/est-{kind}.json"))["levels"]}
    pre = float(json.load(open(f"{work}/pre-{kind}.json"))["prefill_tps"])
    row["estimates"][kind] = {k: (pre if k.startswith("prefill") else e[int(k.split("B=")[1][0])]) for k in measured}
print(json.dumps(row))
PY
done
python3 - "$work/rows.jsonl" "$target/estimate-check.json" "$bw" "$gflops" "$int8" "$ref" "$fit_mem" "$fit_cmp" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
bw, gflops, int8, ref, fm, fc = sys.argv[3:]
json.dump({"bandwidth_gbs": float(bw), "fp32_gflops": float(gflops), "int8_gops": float(int8),
           "fitted_to": ref, "fitted_efficiency": {"memory": float(fm), "compute": float(fc)},
           "rows": rows}, open(sys.argv[2], "w"), indent=2)
names = {"old": "defaults, FP32 peak", "new": "defaults", "fit": f"fitted to {ref}"}
for kind, title in names.items():
    print(f"\nestimated / measured, {title}")
    keys = list(rows[0]["measured"])
    print(f"{'':<28}" + "".join(f"{r['model']:>12}" for r in rows))
    for k in keys:
        print(f"{k:<28}" + "".join(f"{r['estimates'][kind][k] / r['measured'][k]:>12.2f}" for r in rows))
print("\nmeasured tokens/s")
for k in rows[0]["measured"]:
    print(f"{k:<28}" + "".join(f"{r['measured'][k]:>12.1f}" for r in rows))
PY
