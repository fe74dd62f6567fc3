//! Local options: hardware, power, staff, billing, embodied carbon and the model.

use super::api::table_factor;
use super::throughput::read_throughput;
#[allow(unused_imports)]
use super::*;

pub(super) fn read_local(
    f: &Field<'_>,
    hardware: &HardwareTable,
    files: &dyn Resolve,
    ctx: &PriceContext<'_>,
) -> Result<LocalOption, Diagnostic> {
    let o = f.clone().map(LOCAL_KEYS)?;
    let name = o.req("name", "a name for this machine option")?.name()?;
    let machine = match o.get("machine") {
        Some(m) => Some(hardware.lookup(&m.name()?, &m)?.clone()),
        None => None,
    };
    let hw = read_hardware(f, &o, machine.as_ref(), ctx)?;
    let power = read_power(&o, machine.as_ref())?;
    let staff = match o.get("staff") {
        None => None,
        Some(s) => {
            let s = s.map(STAFF_KEYS)?;
            Some(Staff {
                fte: s
                    .req("fte", "full-time equivalents spent on this option")?
                    .within(spec("local[].staff.fte"))?,
                annual_cost: money(&s.req("annual_cost", "fully loaded annual cost of one FTE")?)?,
            })
        }
    };
    let model = match o.get("model") {
        None => None,
        Some(m) => Some(read_model(&m)?),
    };
    let (throughput, estimate_infeasible) = read_throughput(
        &o.req("throughput", "tokens per second one node sustains")?,
        machine.as_ref(),
        model.as_ref(),
        ctx,
        files,
    )?;
    let mut notes = Vec::new();
    if let ThroughputSource::Calibration {
        bandwidth_scale: Some(s),
        measured,
        ..
    } = &throughput.source
    {
        notes.push(format!(
            "throughput scaled by {} from the calibrated machine to {} by memory bandwidth",
            s.round_dp(3),
            machine.as_ref().map_or("this machine", |m| m.name.as_str())
        ));
        let _ = measured;
    }
    let mut infeasible = crate::model::fit::infeasible(model.as_ref(), machine.as_ref());
    if infeasible.is_empty() {
        infeasible = estimate_infeasible;
    }
    if let ThroughputSource::SloUnmet { reason, .. } = &throughput.source {
        infeasible.push(reason.clone());
    }
    notes.extend(plausibility_notes(
        &hw,
        &throughput,
        model.as_ref(),
        machine.as_ref(),
    ));
    let embodied = read_embodied(&o, &hw)?;
    Ok(LocalOption {
        name,
        hardware: hw,
        power,
        staff,
        other_monthly: opt(&o, "other_monthly", Money::ZERO, money)?,
        overhead_share: opt(&o, "overhead_share", Share::ZERO, |f| {
            f.share_in(spec("local[].overhead_share"))
        })?,
        throughput,
        max_utilization: opt(&o, "max_utilization", Share::ONE, |f| {
            f.share_in(spec("local[].max_utilization"))
        })?,
        max_nodes: o
            .get("max_nodes")
            .map(|f| f.whole(spec("local[].max_nodes")))
            .transpose()?,
        embodied,
        model,
        machine,
        notes,
        infeasible,
    })
}

/// How a node is paid for: `owned` (its monthly charge worked out) or
/// `rented`, with the machine's table price converted where it is taken.
fn read_hardware(
    f: &Field<'_>,
    o: &Obj<'_>,
    machine: Option<&Hardware>,
    ctx: &PriceContext<'_>,
) -> Result<HardwareCost, Diagnostic> {
    // A machine's table price is in USD; only needed when the option takes it.
    let machine_factor = |at: &Field<'_>| -> Result<Decimal, Diagnostic> {
        table_factor(ctx, at, "the machine's table price")
    };
    let hw = match (o.get("owned"), o.get("rented")) {
        (Some(_), Some(r)) => {
            return Err(r
                .error("both `owned` and `rented` are given")
                .allowed("one of `owned` or `rented`"))
        }
        (None, None) => {
            return Err(f.error("missing `owned` or `rented`").allowed(
                "`owned: {price, amortization_months}` or `rented: {price_per_gpu_hour, gpus}`",
            ))
        }
        (Some(ow), None) => {
            let ow = ow.map(OWNED_KEYS)?;
            let price = match (ow.get("price"), machine) {
                (Some(p), _) => money(&p)?,
                (None, Some(m)) => {
                    let at = o.get("machine").unwrap_or_else(|| ow.field.clone());
                    Money::new(m.price * machine_factor(&at)?)
                }
                (None, None) => {
                    return Err(ow.field.error("missing field `price`").allowed(
                        "`price`: capital cost of one node (or `machine:` to take its price)",
                    ))
                }
            };
            let residual = opt(&ow, "residual_value", Money::ZERO, money)?;
            if residual > price {
                let r = ow.get("residual_value").unwrap_or_else(|| ow.field.clone());
                return Err(r
                    .error(format!(
                        "residual value {} is above the price {}",
                        residual.amount(),
                        price.amount()
                    ))
                    .allowed("a resale value from 0 to the price"));
            }
            HardwareCost::Owned {
                monthly: Money::ZERO,
                price,
                residual_value: residual,
                amortization_months: ow
                    .req(
                        "amortization_months",
                        "months over which the price is spread",
                    )?
                    .whole(spec("local[].owned.amortization_months"))?
                    as u32,
                cost_of_capital: opt(&ow, "cost_of_capital", Decimal::ZERO, |f| {
                    f.within(spec("local[].owned.cost_of_capital"))
                })?,
            }
        }
        (None, Some(r)) => {
            let r = r.map(RENTED_KEYS)?;
            HardwareCost::Rented {
                price_per_gpu_hour: r
                    .req(
                        "price_per_gpu_hour",
                        "the rental price of one GPU for one hour",
                    )?
                    .within(spec("local[].rented.price_per_gpu_hour"))
                    .map(PricePerGpuHour::new)?,
                gpus: opt(&r, "gpus", 1, |f| f.whole(spec("local[].rented.gpus")))? as u32,
                billing: read_billing(&r)?,
            }
        }
    };
    Ok(match hw {
        HardwareCost::Owned {
            price,
            residual_value,
            amortization_months,
            cost_of_capital,
            ..
        } => HardwareCost::Owned {
            monthly: crate::model::cost::owned_monthly(
                price,
                residual_value,
                amortization_months,
                cost_of_capital,
            ),
            price,
            residual_value,
            amortization_months,
            cost_of_capital,
        },
        rented => rented,
    })
}

/// The `power` block, taking the machine's watts where none are written.
fn read_power(o: &Obj<'_>, machine: Option<&Hardware>) -> Result<Option<Power>, Diagnostic> {
    let watts = |f: &Field<'_>| f.within(spec("local[].power.load_watts")).map(Watts::new);
    Ok(match o.get("power") {
        None => None,
        Some(p) => {
            let p = p.map(POWER_KEYS)?;
            let load = match (p.get("load_watts"), machine) {
                (Some(w), _) => watts(&w)?,
                (None, Some(m)) => Watts::new(m.load_watts),
                (None, None) => {
                    return Err(p.field.error("missing field `load_watts`").allowed(
                        "`load_watts`: power draw under load, W (or `machine:` to take it)",
                    ))
                }
            };
            let idle = match (p.get("idle_watts"), machine) {
                (Some(w), _) => watts(&w)?,
                (None, Some(m)) if !p.has("load_watts") => Watts::new(m.idle_watts),
                _ => load,
            };
            Some(Power {
                load_watts: load,
                idle_watts: idle,
                price_per_kwh: p
                    .req("price_per_kwh", "electricity price per kWh")?
                    .within(spec("local[].power.price_per_kwh"))
                    .map(PricePerKwh::new)?,
                grid_kg_co2e_per_kwh: p
                    .get("grid_kg_co2e_per_kwh")
                    .map(|f| f.within(spec("local[].power.grid_kg_co2e_per_kwh")))
                    .transpose()?,
                pue: opt(&p, "pue", Decimal::ONE, |f| {
                    f.within(spec("local[].power.pue"))
                })?,
            })
        }
    })
}

/// Warnings for inputs that read as numbers but are probably not what was
/// meant: an owned price far from the machine's table entry (`3.220` typed
/// for 3,220 with a German thousands separator), and a single throughput rate
/// that looks like a decode figure, applied to prompt tokens too.
pub(super) fn plausibility_notes(
    hw: &HardwareCost,
    throughput: &Throughput,
    model: Option<&crate::model::fit::ModelShape>,
    machine: Option<&Hardware>,
) -> Vec<String> {
    let mut notes = Vec::new();
    if let (HardwareCost::Owned { price, .. }, Some(m)) = (hw, machine) {
        let p = price.amount();
        let table = m.price;
        let ten = Decimal::from(10);
        if table > Decimal::ZERO && (p * ten < table || p > table * ten) {
            notes.push(format!(
                "owned.price {} is far from the {} the price table gives for {} ({}): a thousands separator read as a decimal point (3.220 for 3,220)? Write the price as digits only, e.g. {}",
                p.normalize(),
                table.normalize(),
                m.id,
                m.name,
                table.normalize()
            ));
        }
    }
    let single = throughput.prefill == throughput.decode
        && matches!(throughput.source, ThroughputSource::Declared);
    if single {
        let rate = throughput.decode.per_second();
        // One decode stream reads every weight per token; prefill processes a
        // whole prompt per read of the weights and runs 10-100x faster. A
        // single rate under ten times one stream's bandwidth ceiling (or
        // under 200 tokens/s when the machine is unknown) is below what
        // prefill plausibly runs at: a decode figure.
        let ceiling = match (model, machine) {
            (Some(md), Some(m)) => md.fit(Some(m)).decode_ceiling_tps,
            _ => None,
        };
        let looks_like_decode = match ceiling {
            Some(c) => rate < c * Decimal::from(10),
            None => rate < Decimal::from(200),
        };
        if looks_like_decode {
            notes.push(format!(
                "one throughput rate, {} tokens/s, is applied to prompt (prefill) tokens too, which usually run 10-100x faster than decode: give `prefill_tokens_per_second` and `decode_tokens_per_second` (tco probe measures both)",
                rate.round_dp(2).normalize()
            ));
        }
    }
    notes
}

/// `workload.hourly_profile`: `flat`, or 24 non-negative weights.
pub(super) fn read_profile(f: &Field<'_>) -> Result<Option<Vec<Decimal>>, Diagnostic> {
    let allowed =
        "`flat`, or a list of 24 non-negative numbers: traffic in each hour of the day (any scale)";
    if let Ok(t) = f.text() {
        if t == "flat" {
            return Ok(None);
        }
        return Err(f
            .error(format!("`{t}` is not an hourly profile"))
            .allowed(allowed));
    }
    let items = f.seq().map_err(|d| d.allowed(allowed))?;
    if items.len() != 24 {
        return Err(f
            .error(format!(
                "{} weights given, one per hour of the day needs 24",
                items.len()
            ))
            .allowed(allowed));
    }
    let w = items
        .iter()
        .map(|i| {
            i.decimal_in(
                Decimal::ZERO,
                Decimal::from(1_000_000_000u32),
                "a weight from 0 to 10^9",
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    if w.iter().all(|x| x.is_zero()) {
        return Err(f
            .error("every weight is 0: no hour carries traffic")
            .allowed(allowed));
    }
    Ok(Some(w))
}

/// `rented.billing` and the fields that go with it.
pub(super) fn read_billing(r: &Obj<'_>) -> Result<Billing, Diagnostic> {
    let kind = match r.get("billing") {
        None => "on_demand",
        Some(b) => b.choice(BILLINGS)?,
    };
    let own: Vec<&str> = crate::model::fields::billing_keys(kind).collect();
    for (needs, keys) in crate::model::fields::BILLING_KINDS {
        for &(k, _) in keys.iter() {
            let Some(f) = r.get(k) else { continue };
            if !own.contains(&k) {
                return Err(f
                    .error(format!("`{k}` applies to `billing: {needs}`, not `{kind}`"))
                    .allowed(format!(
                        "with billing `{kind}`: {}",
                        if own.is_empty() {
                            "no further fields".to_string()
                        } else {
                            own.join(", ")
                        }
                    )));
            }
        }
    }
    Ok(match kind {
        "busy_hours" => Billing::BusyHours,
        "reserved" => Billing::Reserved {
            term_months: r
                .req("term_months", "the length of the commitment in months")?
                .whole(spec("local[].rented.term_months"))? as u32,
            upfront: opt(r, "upfront", Share::ZERO, |f| {
                f.share_in(spec("local[].rented.upfront"))
            })?,
        },
        "spot" => Billing::Spot {
            discount: r
                .req(
                    "discount",
                    "the spot discount on the hourly price, e.g. 0.6",
                )?
                .share_in(spec("local[].rented.discount"))?,
            interruption_overhead: opt(r, "interruption_overhead", Share::ZERO, |f| {
                f.share_in(spec("local[].rented.interruption_overhead"))
            })?,
        },
        "autoscaled" => Billing::Autoscaled {
            min_nodes: opt(r, "min_nodes", 0, |f| {
                f.whole(spec("local[].rented.min_nodes"))
            })?,
        },
        _ => Billing::AlwaysOn,
    })
}

/// `embodied_kg_co2e` per node, spread over the owned hardware's
/// amortization months or a rented option's `embodied_months`.
pub(super) fn read_embodied(
    o: &Obj<'_>,
    hw: &HardwareCost,
) -> Result<Option<crate::model::scenario::Embodied>, Diagnostic> {
    let months_field = o.get("embodied_months");
    let Some(f) = o.get("embodied_kg_co2e") else {
        if let Some(m) = months_field {
            return Err(m
                .error("`embodied_months` without `embodied_kg_co2e`")
                .allowed("`embodied_kg_co2e` (kg CO2e to make one node) with it, or neither"));
        }
        return Ok(None);
    };
    let kg = f.within(spec("local[].embodied_kg_co2e"))?;
    let months =
        match (hw, months_field) {
            (_, Some(m)) => m.whole(spec("local[].embodied_months"))? as u32,
            (
                HardwareCost::Owned {
                    amortization_months,
                    ..
                },
                None,
            ) => *amortization_months,
            (HardwareCost::Rented { .. }, None) => return Err(f
                .error("a rented option's embodied carbon needs the months to spread it over")
                .allowed(
                    "`embodied_months`: the months of the hardware's life the rent covers, e.g. 48",
                )),
        };
    Ok(Some(crate::model::scenario::Embodied {
        kg_co2e: kg,
        months,
    }))
}

pub(super) fn read_model(f: &Field<'_>) -> Result<ModelShape, Diagnostic> {
    let o = f.clone().map(MODEL_KEYS)?;
    let quant_field = o.req("quant", "the weight format, e.g. Q4_K_M")?;
    let quant_text = quant_field.text()?;
    let quant = Quant::parse(&quant_text).ok_or_else(|| {
        let names: Vec<&str> = Quant::ALL.iter().map(|q| q.name()).collect();
        let mut msg = format!("`{quant_text}` is not a known quantization");
        if let Some(s) = crate::error::did_you_mean(&quant_text, names.iter().copied()) {
            msg.push_str(&format!(" (did you mean `{s}`?)"));
        }
        quant_field.error(msg).allowed(names.join(", "))
    })?;
    let shape = |k: &str| {
        o.get(k)
            .map(|f| f.whole(spec(&format!("local[].model.{k}"))))
            .transpose()
    };
    Ok(ModelShape {
        id: o.get("id").map(|f| f.name()).transpose()?,
        params_b: o
            .req("params_b", "parameters in billions, e.g. 70")?
            .within(spec("local[].model.params_b"))?,
        active_params_b: o
            .get("active_params_b")
            .map(|f| f.within(spec("local[].model.active_params_b")))
            .transpose()?,
        quant,
        context: opt(&o, "context", 4096, |f| {
            f.whole(spec("local[].model.context"))
        })?,
        concurrency: opt(&o, "concurrency", 1, |f| {
            f.whole(spec("local[].model.concurrency"))
        })?,
        layers: shape("layers")?,
        kv_heads: shape("kv_heads")?,
        head_dim: shape("head_dim")?,
    })
}
