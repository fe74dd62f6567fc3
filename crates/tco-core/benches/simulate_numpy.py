#!/usr/bin/env python3
"""The flagship Monte Carlo of benches/simulate.rs written with numpy, for the
speed comparison issue 3 asks for. Same scenario (scenarios/flagship.yaml: two
local options, three API options, four uncertain inputs, a 36-month finance
block), same formulas (docs/model.md; break-even in closed form; NPV with capital
at month 0 and flows at month ends), same outputs (percentiles of monthly
cost, break-even and NPV per pair, P(local cheaper), never share, a
log-spaced histogram), vectorised over 100,000 samples.

Run:  python3 crates/tco-core/benches/simulate_numpy.py
      (pip install numpy; compares its medians with `tco simulate` if a
      built tco is found at target/release/tco)
"""
import json, math, os, subprocess, sys, time
import numpy as np

N = 100_000
HOURS, V, S, C = 730.0, 3e9, 0.85, 0.3
APIS = {  # input, output, cached per MTok
    "Claude Sonnet 4.6": (3.0, 15.0, 0.3),
    "GPT-5 (OpenAI list price)": (1.25, 10.0, 0.125),
    "GPT-4o mini": (0.15, 0.6, 0.075),
}
H, RATE = 36, 0.08


def pert(rng, lo, mode, hi, n):
    a = 1 + 4 * (mode - lo) / (hi - lo)
    b = 1 + 4 * (hi - mode) / (hi - lo)
    return lo + (hi - lo) * rng.beta(a, b, n)


def run(seed=42):
    rng = np.random.default_rng(seed)
    kwh = rng.triangular(0.08, 0.12, 0.20, N)
    tps0 = pert(rng, 900, 1200, 1400, N)
    rent = rng.triangular(2.00, 2.99, 3.50, N)
    trend = rng.triangular(-0.5, 0.0, 0.05, N)

    blended = {k: S * ((1 - C) * i + C * c) + (1 - S) * o for k, (i, o, c) in APIS.items()}
    api_cost = {k: V / 1e6 * p for k, p in blended.items()}

    staff = 0.3 * 180000 / 12
    # owned: annuity on 80,000 over 36 months at 8 %/12
    r = 0.08 / 12
    g = (1 + r) ** 36
    hw0 = 80000 * r * g / (g - 1)
    spt0 = S / tps0 + (1 - S) / tps0
    node_h = HOURS * 0.7
    fixed0 = hw0 + 250 + kwh * 1.5 / 1000 * HOURS * 700
    busy0 = kwh * 1.5 / 1000 * (2400 - 700)
    # rented, always on, 5 % overhead
    spt1 = np.full(N, 1 / 2000.0)
    fixed1 = rent * 2 * HOURS * 1.05
    busy1 = np.zeros(N)
    locals_ = {
        "Owned 4x A100 80GB server(s)": (spt0, fixed0, busy0, hw0, 80000.0),
        "Rented 2x H100 80GB, always on": (spt1, fixed1, busy1, 0.0, 0.0),
    }

    # finance: discount and price-factor sums per sample
    m = np.arange(1, H + 1)
    disc = (1 + RATE / 12) ** -m.astype(float)
    q = (1 + trend) ** (1 / 12)
    factors = q[:, None] ** (m - 1)[None, :]
    api_w = (factors * disc[None, :]).sum(axis=1) * V / 1e6
    annuity = disc.sum()

    out = {"local": {}, "api": {}, "pairs": {}}
    for k, c in api_cost.items():
        out["api"][k] = np.percentile(np.full(N, c), [5, 10, 50, 90, 95])
    for name, (spt, fixed, busy, hw, price) in locals_.items():
        cap = 3600 * node_h / spt
        busy_h = V * spt / 3600
        n = np.maximum(1, np.ceil(busy_h / node_h))
        monthly = n * fixed + busy * busy_h + staff
        out["local"][name] = np.percentile(monthly, [5, 10, 50, 90, 95])
        running = monthly - n * hw
        cost_fin = running * annuity + price * n  # horizon = life: book value 0
        for api, p in blended.items():
            qq = p / 1e6 - busy * spt / 3600
            gain = qq * cap - fixed
            with np.errstate(divide="ignore", invalid="ignore"):
                nn = np.maximum(1, np.ceil(staff / gain))
                first = np.maximum(np.ceil((nn * fixed + staff) / qq), np.floor((nn - 1) * cap) + 1)
            be = np.where((qq > 0) & (gain > 0) & (first <= 1e15), first, np.inf)
            cheaper = (monthly <= api_cost[api]).mean()
            npv = p * api_w - cost_fin
            finite = be[np.isfinite(be)]
            hist = np.histogram(np.log10(finite), bins=24)[0] if finite.size else None
            out["pairs"][(name, api)] = {
                "break_even": np.percentile(be, [5, 10, 50, 90, 95]),
                "never": 1 - finite.size / N,
                "prob_local_cheaper": cheaper,
                "npv": np.percentile(npv, [5, 10, 50, 90, 95]),
                "hist": hist,
            }
    return out


def main():
    run()  # warm up
    times = []
    for _ in range(9):
        t = time.perf_counter()
        out = run()
        times.append(time.perf_counter() - t)
    med = sorted(times)[len(times) // 2]
    print(f"numpy {np.__version__}: {N:,} samples of the flagship in {med * 1e3:.1f} ms (median of 9)")
    tco = os.path.join(os.path.dirname(__file__), "../../../target/release/tco")
    if os.path.exists(tco):
        js = json.loads(subprocess.run([tco, "simulate", "--samples", str(N), "--format", "json"],
                                       capture_output=True, text=True, check=True).stdout)
        print("median break-even and NPV, numpy vs tco (independent draws; should agree within ~1 %):")
        for p in js["break_even"]:
            o = out["pairs"][(p["local"], p["api"])]
            be = p["break_even_percentiles"]["p50"]
            npv = p["npv_percentiles"]["p50"]
            print(f"  {p['local'][:22]:22} vs {p['api'][:18]:18} "
                  f"break-even {o['break_even'][2]:.4g} vs {be if be is None else float(be):.4g}  "
                  f"NPV {o['npv'][2]:.6g} vs {float(npv) if npv else float('nan'):.6g}")


if __name__ == "__main__":
    main()
