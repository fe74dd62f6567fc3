//! Throughput: declared rates, calibrations, load curves under latency targets and estimates from specs.

#[allow(unused_imports)]
use super::*;

/// A curve none of whose levels meets the latency targets: the option is
/// infeasible (see [`read_local`]); the lowest level's rate is kept so its
/// costs can still be shown.
pub(super) fn slo_unmet(
    curve: &crate::model::load_curve::LoadCurve,
    file: Option<String>,
    reason: String,
    per_second: &dyn Fn(Decimal) -> Throughput,
) -> Throughput {
    let (concurrency, rate) = curve.lowest().map_or((1, Decimal::ONE), |l| {
        (l.concurrency, l.total_tokens_per_second)
    });
    let mut t = per_second(rate.max(min_tps()));
    t.source = ThroughputSource::SloUnmet {
        file,
        concurrency,
        reason,
    };
    t
}

/// A local option's throughput, and why the option cannot run at all when
/// a roofline estimate finds the model does not fit.
pub(super) fn read_throughput(
    f: &Field<'_>,
    machine: Option<&Hardware>,
    model: Option<&ModelShape>,
    ctx: &PriceContext<'_>,
    files: &dyn Resolve,
) -> Result<(Throughput, Vec<String>), Diagnostic> {
    let o = f.clone().map(THROUGHPUT_KEYS)?;
    if o.has("estimate") {
        return read_estimate(f, &o, machine, model, ctx);
    }
    if let Some(e) = o.get("efficiency") {
        return Err(e
            .error("`efficiency` applies to an estimate")
            .allowed("`efficiency` with `estimate: roofline`"));
    }
    read_measured(f, &o, machine, files).map(|t| (t, Vec::new()))
}

pub(super) fn read_measured(
    f: &Field<'_>,
    o: &Obj<'_>,
    machine: Option<&Hardware>,
    files: &dyn Resolve,
) -> Result<Throughput, Diagnostic> {
    let o = o.clone();
    let tps = |f: &Field<'_>| f.within(spec("local[].throughput.tokens_per_second"));
    let given: Vec<&str> = THROUGHPUT_KEYS
        .iter()
        .copied()
        .filter(|k| *k != "concurrency" && *k != "slo" && o.has(k))
        .collect();
    let one_of = "one of: tokens_per_second, tokens_per_hour, prefill_tokens_per_second with decode_tokens_per_second, calibration, or levels (with slo or concurrency)";
    let slo = o
        .get("slo")
        .map(|f| crate::input::load_curve::read_slo(&f))
        .transpose()?;
    if slo.is_some() && o.has("concurrency") {
        let c = o.req("concurrency", "")?;
        return Err(c
            .error("`concurrency` and `slo` both choose the load level")
            .allowed("one of them: `slo` finds the highest load that meets the targets"));
    }
    if slo.is_some() && !matches!(given.as_slice(), ["calibration"] | ["levels"]) {
        let s = o.req("slo", "")?;
        return Err(s
            .error("latency targets need measured load levels")
            .allowed("`slo` with `levels: [...]` or with a server probe's `calibration: FILE`"));
    }
    let per_second = |tps: Decimal| Throughput {
        prefill: Rate {
            tokens: tps,
            per_seconds: Decimal::ONE,
        },
        decode: Rate {
            tokens: tps,
            per_seconds: Decimal::ONE,
        },
        source: ThroughputSource::Declared,
        curve_input_share: None,
    };
    let declared = |rate: Rate| Throughput {
        prefill: rate,
        decode: rate,
        source: ThroughputSource::Declared,
        curve_input_share: None,
    };
    match given.as_slice() {
        ["tokens_per_second"] => Ok(declared(Rate {
            tokens: tps(&o.req("tokens_per_second", "")?)?,
            per_seconds: Decimal::ONE,
        })),
        ["tokens_per_hour"] => {
            let t = o.req("tokens_per_hour", "")?;
            let v = t.tokens()?;
            let per_hour = spec("local[].throughput.tokens_per_hour");
            if v.as_decimal() < per_hour.min || v.as_decimal() > per_hour.max {
                return Err(t
                    .error(format!("{} tokens per hour is out of range", v.0))
                    .allowed(per_hour.allowed));
            }
            Ok(declared(Rate {
                tokens: v.as_decimal(),
                per_seconds: Decimal::from(3600),
            }))
        }
        ["prefill_tokens_per_second", "decode_tokens_per_second"] => Ok(Throughput {
            prefill: Rate {
                tokens: tps(&o.req("prefill_tokens_per_second", "")?)?,
                per_seconds: Decimal::ONE,
            },
            decode: Rate {
                tokens: tps(&o.req("decode_tokens_per_second", "")?)?,
                per_seconds: Decimal::ONE,
            },
            source: ThroughputSource::Declared,
            curve_input_share: None,
        }),
        ["levels"] => {
            let lf = o.req("levels", "")?;
            let curve = crate::input::load_curve::read_levels(&lf)?;
            match slo {
                Some(slo) => {
                    let mut t = match curve.capacity(&slo) {
                        Ok(capacity) => {
                            let mut t = per_second(capacity.total_tokens_per_second);
                            t.source = ThroughputSource::Slo {
                                file: None,
                                capacity,
                            };
                            t
                        }
                        Err(SloError::NoLevelMeets(reason)) => {
                            slo_unmet(&curve, None, reason, &per_second)
                        }
                        Err(e) => {
                            return Err(lf.error(e.to_string()).allowed(
                                "latency targets on figures every level has (ttft, tpot, itl or e2e at p50/p90/p95/p99)",
                            ))
                        }
                    };
                    t.curve_input_share = curve.input_share();
                    Ok(t)
                }
                None => {
                    let Some(cf) = o.get("concurrency") else {
                        return Err(f
                            .error("measured levels need `slo` or `concurrency`")
                            .allowed("`slo: {ttft_p95_ms: 2000, …}` (the highest load meeting the targets) or `concurrency: N` (that level)"));
                    };
                    let c = cf.integer(1, 100_000, "a concurrency measured in `levels`")? as u32;
                    let level = curve
                        .levels
                        .iter()
                        .find(|l| l.concurrency == c)
                        .ok_or_else(|| {
                            let have: Vec<String> = curve
                                .levels
                                .iter()
                                .map(|l| l.concurrency.to_string())
                                .collect();
                            cf.error(format!("no level at concurrency {c}"))
                                .allowed(format!("a concurrency of `levels`: {}", have.join(", ")))
                        })?;
                    let mut t = per_second(level.total_tokens_per_second);
                    t.source = ThroughputSource::Level { concurrency: c };
                    t.curve_input_share = curve.input_share();
                    Ok(t)
                }
            }
        }
        ["calibration"] if slo.is_some() => {
            let c = o.req("calibration", "")?;
            let file = c.name()?;
            let text = files.calibration(&file).map_err(|m| c.error(m).allowed("a calibration file written by `tco probe --server --out`, path relative to the scenario"))?;
            let cal = crate::input::calibration_schema::CalibrationFile::from_text(&text)
                .map_err(|m| c.error(format!("calibration `{file}`: {m}")))?;
            let curve = crate::input::load_curve::load_curve_from_calibration(&cal)
                .map_err(|m| c.error(format!("calibration `{file}`: {m}")))?;
            let slo = slo.unwrap_or(crate::model::load_curve::Slo {
                targets: Vec::new(),
            });
            let mut t = match curve.capacity(&slo) {
                Ok(capacity) => {
                    let mut t = per_second(capacity.total_tokens_per_second);
                    t.source = ThroughputSource::Slo {
                        file: Some(file),
                        capacity,
                    };
                    t
                }
                Err(SloError::NoLevelMeets(reason)) => {
                    slo_unmet(&curve, Some(file), reason, &per_second)
                }
                Err(e) => {
                    return Err(c.error(format!("calibration `{file}`: {e}")).allowed(
                        "latency targets on figures every level has (ttft, tpot, itl or e2e at p50/p90/p95/p99)",
                    ))
                }
            };
            t.curve_input_share = curve.input_share();
            Ok(t)
        }
        ["calibration"] => {
            let c = o.req("calibration", "")?;
            let file = c.name()?;
            let concurrency = opt(&o, "concurrency", 1, |f| {
                f.whole(spec("local[].throughput.concurrency"))
            })? as u32;
            let text = files.calibration(&file).map_err(|m| c.error(m).allowed("a calibration file written by `tco probe --out`, path relative to the scenario"))?;
            let cal = Calibration::parse(&text)
                .map_err(|m| c.error(format!("calibration `{file}`: {m}")))?;
            let measured = cal
                .throughput(concurrency)
                .map_err(|m| c.error(format!("calibration `{file}`: {m}")))?;
            let mut scale = None;
            if let (Some(target), Some(from_bw)) = (machine, measured.machine_bandwidth_gbs) {
                let same = measured.machine_id.as_deref() == Some(target.id.as_str());
                if !same && !from_bw.is_zero() {
                    scale = Some(target.memory_bandwidth_gbs / from_bw);
                }
            }
            let k = scale.unwrap_or(Decimal::ONE);
            let rate = |m: &crate::model::throughput::Measured| -> Result<Rate, Diagnostic> {
                let v = m.mean * k;
                if v < min_tps() {
                    return Err(c
                        .error(format!(
                            "calibration `{file}` measured a rate of {v} tokens/s"
                        ))
                        .allowed("a measured rate of at least 0.01 tokens/s"));
                }
                Ok(Rate {
                    tokens: v.min(max_tps()),
                    per_seconds: Decimal::ONE,
                })
            };
            Ok(Throughput {
                prefill: rate(&measured.prefill)?,
                decode: rate(&measured.decode)?,
                source: ThroughputSource::Calibration {
                    file,
                    concurrency,
                    measured: Box::new(measured),
                    bandwidth_scale: scale,
                },
                curve_input_share: None,
            })
        }
        [] => Err(f.error("no throughput given").allowed(one_of)),
        ["decode_tokens_per_second"] | ["prefill_tokens_per_second"] => Err(f
            .error("split rates need both prefill_tokens_per_second and decode_tokens_per_second")
            .allowed(one_of)),
        more => Err(f
            .error(format!(
                "more than one throughput given ({})",
                more.join(", ")
            ))
            .allowed(one_of)),
    }
}

/// `efficiency.source`: where the efficiencies came from, one line of at most
/// [`crate::model::estimate::MAX_EFFICIENCY_SOURCE_CHARS`] characters.
fn read_efficiency_source(f: &Field<'_>) -> Result<String, Diagnostic> {
    use crate::model::estimate::MAX_EFFICIENCY_SOURCE_CHARS as MAX;
    let allowed = spec("local[].throughput.efficiency.source").allowed;
    let t = f.text()?;
    let t = t.trim();
    let n = t.chars().count();
    if n == 0 {
        return Err(f.error("is empty").allowed(allowed));
    }
    if n > MAX {
        return Err(f
            .error(format!("is {n} characters long, more than {MAX}"))
            .allowed(allowed));
    }
    if t.contains(['\n', '\r']) {
        return Err(f.error("spans more than one line").allowed(allowed));
    }
    Ok(t.to_string())
}

/// `throughput: {estimate: roofline}`: the load curve modelled from the
/// machine's specs ([`crate::model::estimate::roofline`]) for the model and
/// the workload's requests, and the capacity picked from it exactly as from
/// a measured curve: the highest load meeting `slo`, or without targets the
/// highest total tokens/s (the largest batch that fits).
pub(super) fn read_estimate(
    f: &Field<'_>,
    o: &Obj<'_>,
    machine: Option<&Hardware>,
    model: Option<&ModelShape>,
    ctx: &PriceContext<'_>,
) -> Result<(Throughput, Vec<String>), Diagnostic> {
    use crate::model::estimate::{
        default_decode_compute, default_efficiency, efficiency_range, request_shape, roofline,
        ComputePeak, Efficiency, EfficiencySource, EstimateError, MachineSpecs, ModelLoad,
    };
    let ef = o.req("estimate", "")?;
    ef.choice(&["roofline"])?;
    let others: Vec<&str> = THROUGHPUT_KEYS
        .iter()
        .copied()
        .filter(|k| !matches!(*k, "estimate" | "efficiency" | "slo") && o.has(k))
        .collect();
    if let Some(k) = others.first() {
        let at = o.req(k, "")?;
        return Err(at
            .error(format!("`{k}` and `estimate` both give the throughput"))
            .allowed("`estimate: roofline` with optional `efficiency` and `slo`, or measured figures without `estimate`"));
    }
    let Some(m) = machine else {
        return Err(ef
            .error("the roofline estimate needs the machine's specs")
            .allowed(
                "`machine: ID` on this option, an id from the hardware table (tco hardware list)",
            ));
    };
    let Some(model) = model else {
        return Err(ef
            .error("the roofline estimate needs the model served")
            .allowed("`model: {params_b: 70, quant: Q4_K_M}` on this option"));
    };
    let Some((specs, peak)) = MachineSpecs::of_machine(m) else {
        return Err(ef
            .error(format!(
                "the roofline estimate needs the machine's peak FP16 TFLOPS; `{}` has no `fp16_tflops` in the hardware table",
                m.id
            ))
            .allowed("a machine with `fp16_tflops` and `memory_bandwidth_gbs` (tco hardware show ID), or measured `levels` or `calibration`"));
    };
    if let Some(a) = model.active_params_b {
        if a > model.params_b {
            return Err(f
                .error(format!(
                    "active_params_b {} is above params_b {}",
                    a.normalize(),
                    model.params_b.normalize()
                ))
                .allowed("active parameters at most the model's parameters"));
        }
    }
    let default = default_efficiency(&m.platform);
    let (eff, source) = match o.get("efficiency") {
        None => (
            default,
            EfficiencySource::Default {
                kind: m.platform.clone(),
            },
        ),
        Some(e) => {
            let e = e.map(EFFICIENCY_KEYS)?;
            let memory = opt(&e, "memory", default.memory, |f| {
                f.within(spec("local[].throughput.efficiency.memory"))
            })?;
            let compute = opt(&e, "compute", default.compute, |f| {
                f.within(spec("local[].throughput.efficiency.compute"))
            })?;
            // Unwritten: the platform's share of the compute written (or
            // defaulted) above, so a fitted prefill efficiency carries over.
            let decode_compute = match e.get("decode_compute") {
                None => default_decode_compute(&m.platform, compute),
                Some(f) => Some(f.within(spec("local[].throughput.efficiency.decode_compute"))?),
            };
            let source = match e.get("source") {
                None => EfficiencySource::Scenario,
                Some(f) => EfficiencySource::Written {
                    source: read_efficiency_source(&f)?,
                },
            };
            (
                Efficiency {
                    memory,
                    compute,
                    decode_compute,
                },
                source,
            )
        }
    };
    let slo = o
        .get("slo")
        .map(|f| crate::input::load_curve::read_slo(&f))
        .transpose()?;
    let (prompt, output) = request_shape(ctx.prompt_tokens, ctx.input_share, model.context);
    let load = ModelLoad {
        weight_bytes: model.weight_bytes(),
        active_params_b: model.active_params_b.unwrap_or(model.params_b),
        kv_bytes_per_token: model.kv_bytes_per_token(),
        prompt_tokens: prompt,
        output_tokens: output,
    };
    // Named only where it is not the usual FP16 peak.
    let peak_text = match peak {
        ComputePeak::Fp16 => String::new(),
        ComputePeak::Int8 => format!(
            ", compute at the INT8 peak ({} TOPS: a CPU's ceiling, every weight format)",
            specs.peak_tflops.normalize()
        ),
    };
    let source_text = format!(
        "estimated (roofline) for {}, {}B {} at {prompt} prompt + {output} output tokens{peak_text}",
        m.name,
        model.params_b.normalize(),
        model.quant.name()
    );
    let targets = slo.clone().unwrap_or(crate::model::load_curve::Slo {
        targets: Vec::new(),
    });
    let eta = |e: Efficiency| {
        let decode = e
            .decode_compute
            .map(|d| format!(", batched decode {}", d.normalize()))
            .unwrap_or_default();
        format!(
            "η memory {}, compute {}{decode}",
            e.memory.normalize(),
            e.compute.normalize()
        )
    };
    let from = match &source {
        EfficiencySource::Default { kind } => format!("the default for {kind} machines"),
        EfficiencySource::Scenario => "from the scenario".to_string(),
        EfficiencySource::Written { source } => format!("“{source}”"),
        EfficiencySource::Fitted { calibration } => format!("fitted to {calibration}"),
    };
    // Capacity on the curve at one efficiency (None: no fit or no level meets).
    let at = |e: Efficiency| -> Option<Decimal> {
        let est = roofline(specs, load, e).ok()?;
        est.load_curve(&load, String::new())
            .capacity(&targets)
            .ok()
            .map(|c| c.total_tokens_per_second)
    };
    let (lo, hi) = efficiency_range(eff);
    let range = (at(lo), at(hi));
    // An option that cannot run: infeasible for `why`, with a nominal rate
    // kept so that its costs still read sensibly.
    let cannot_run =
        |tokens: Decimal,
         range: (Option<Decimal>, Option<Decimal>),
         description: String,
         why: String,
         curves: Option<Box<crate::model::estimate::EstimateCurves>>| {
            let rate = Rate {
                tokens: tokens.clamp(min_tps(), max_tps()),
                per_seconds: Decimal::ONE,
            };
            let source = ThroughputSource::Estimate {
                capacity: None,
                efficiency: eff,
                efficiency_source: source.clone(),
                range_tokens_per_second: range,
                description,
                curves,
            };
            Ok((
                Throughput {
                    prefill: rate,
                    decode: rate,
                    source,
                    curve_input_share: None,
                },
                vec![why],
            ))
        };
    let est = match roofline(specs, load, eff) {
        Ok(est) => est,
        Err(EstimateError::DoesNotFit { needed_gb, .. }) => {
            // The nominal rate: the single-stream bandwidth ceiling.
            let ceiling = (m.memory_bandwidth_gbs * eff.memory * Decimal::from(1_000_000_000u64)
                / load.weight_bytes.max(Decimal::ONE))
            .round_dp(4)
            .clamp(min_tps(), max_tps());
            let why = format!(
                "cannot hold the model: {}B at {} needs {needed_gb} GB for its weights and one request's KV cache ({prompt} + {output} tokens), more than the machine's {} GB",
                model.params_b.normalize(),
                model.quant.name(),
                m.memory_gb.normalize()
            );
            return cannot_run(
                ceiling,
                (None, None),
                format!("{source_text}: does not fit"),
                why,
                None,
            );
        }
        Err(e @ EstimateError::MissingSpec(_)) => {
            return Err(ef
                .error(format!("{}: {e}", m.id))
                .allowed("a machine with `fp16_tflops` and `memory_bandwidth_gbs` above 0"))
        }
    };
    let curve = est.load_curve(&load, source_text.clone());
    // The curves a chart draws: the fit does not depend on η, so the ends of
    // the range model whenever the point does.
    let curves = |capacity: Option<crate::model::load_curve::SloCapacity>| match (
        roofline(specs, load, lo),
        roofline(specs, load, hi),
    ) {
        (Ok(low), Ok(high)) => Some(Box::new(crate::model::estimate::EstimateCurves {
            point: est.clone(),
            low,
            high,
            capacity,
        })),
        _ => None,
    };
    let capacity = match curve.capacity(&targets) {
        Ok(c) => c,
        // No batch size meets the targets: the option cannot serve (issue
        // 14), as for a measured curve; the batch-1 rate is kept for the record.
        Err(SloError::NoLevelMeets(reason)) => {
            return cannot_run(
                curve
                    .lowest()
                    .map_or(min_tps(), |l| l.total_tokens_per_second),
                range,
                format!(
                    "{source_text}: misses the latency targets at every batch size; {} ({from})",
                    eta(eff)
                ),
                reason.replace(", measured ", ", estimated "),
                curves(None),
            );
        }
        Err(e) => {
            let at = o.get("slo").unwrap_or_else(|| ef.clone());
            return Err(at
                .error(e.to_string())
                .allowed("latency targets on ttft, tpot, itl or e2e at p50/p90/p95/p99"));
        }
    };
    let tps = capacity.total_tokens_per_second.clamp(min_tps(), max_tps());
    let fmt_range = |v: Option<Decimal>, e: Efficiency| {
        let what = v.map_or("targets missed".to_string(), |v| {
            format!(
                "{} tokens/s",
                crate::model::format::decimal_grouped(v.round_dp(0))
            )
        });
        format!("{what} ({})", eta(e))
    };
    let description = format!(
        "{}; {} ({from}); range {} to {}",
        capacity.description,
        eta(eff),
        fmt_range(range.0, lo),
        fmt_range(range.1, hi),
    );
    let rate = Rate {
        tokens: tps,
        per_seconds: Decimal::ONE,
    };
    let curves = curves(Some(capacity.clone()));
    Ok((
        Throughput {
            prefill: rate,
            decode: rate,
            source: ThroughputSource::Estimate {
                curves,
                capacity: Some(capacity),
                efficiency: eff,
                efficiency_source: source,
                range_tokens_per_second: range,
                description,
            },
            curve_input_share: None,
        },
        Vec::new(),
    ))
}

/// What the faces edit of one local option's latency targets, read from the
/// tree as written (`local[i].throughput`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct WrittenTargets {
    /// The throughput is a curve that takes targets: `levels`, `calibration`
    /// or `estimate` (declared rates take none).
    pub curve: bool,
    /// `concurrency: N` is written (a fixed level instead of targets).
    pub concurrency: bool,
    /// `slo`'s entries in the order written: the key (`ttft_p95_ms`) and the
    /// value's text.
    pub targets: Vec<(String, String)>,
}

/// [`WrittenTargets`] of every local option of `root`, in list order.
pub fn written_targets(root: &Node) -> Vec<WrittenTargets> {
    let Some(yaml::Value::Seq(items)) = root.get("local").map(|l| &l.value) else {
        return Vec::new();
    };
    items
        .iter()
        .map(|item| {
            let Some(t) = item.get("throughput") else {
                return WrittenTargets::default();
            };
            let targets = match t.get("slo").map(|s| &s.value) {
                Some(yaml::Value::Map(entries)) => entries
                    .iter()
                    .filter_map(|(k, v)| {
                        Some((k.scalar_text()?.to_string(), v.scalar_text()?.to_string()))
                    })
                    .collect(),
                _ => Vec::new(),
            };
            WrittenTargets {
                curve: ["levels", "calibration", "estimate"]
                    .iter()
                    .any(|k| t.get(k).is_some()),
                concurrency: t.get("concurrency").is_some(),
                targets,
            }
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod written_targets_tests {
    use super::*;

    #[test]
    fn targets_are_read_per_option_as_written() {
        let root = yaml::parse(
            "local:\n  - {name: a, throughput: {tokens_per_second: 5}}\n  - name: b\n    throughput:\n      levels: []\n      slo: {tpot_p95_ms: 90, ttft_p95_ms: 2000}\n  - {name: c, throughput: {calibration: f.yaml, concurrency: 4}}\n  - {name: d}\n",
            "t.yaml",
        )
        .unwrap();
        let w = written_targets(&root);
        assert_eq!(w.len(), 4);
        assert_eq!(w[0], WrittenTargets::default());
        assert!(w[1].curve && !w[1].concurrency);
        assert_eq!(
            w[1].targets,
            [
                ("tpot_p95_ms".to_string(), "90".to_string()),
                ("ttft_p95_ms".to_string(), "2000".to_string())
            ]
        );
        assert!(w[2].curve && w[2].concurrency && w[2].targets.is_empty());
        assert_eq!(w[3], WrittenTargets::default());
        assert!(written_targets(&yaml::parse("name: x\n", "t.yaml").unwrap()).is_empty());
    }
}
