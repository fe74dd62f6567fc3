//! The report: every figure `tco report` prints, in the report's JSON names (docs/formats.md).

use crate::model::breakeven::{self, BreakEven};
use crate::model::cost::{whole_tokens, Breakdown};
use crate::model::fit::MemoryFit;
use crate::model::format;
use crate::model::scenario::{HardwareCost, LocalOption, Scenario};
use crate::model::throughput::ThroughputSource;
use crate::model::units::{Money, PerMTok, Tokens};
use rust_decimal::Decimal;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApiLine {
    pub name: String,
    pub model_id: Option<String>,
    pub blended_per_mtok: PerMTok,
    pub monthly_cost: Money,
    /// kg CO2e a month, only when the scenario declares the option's figure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kg_co2e_per_month: Option<Decimal>,
}

/// Energy and carbon of a local option at the workload volume (docs/billing.md).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Energy {
    /// kWh a month drawn by the nodes, PUE included.
    pub kwh_per_month: Decimal,
    /// Null at a volume of zero.
    pub kwh_per_mtok: Option<Decimal>,
    /// Grid plus embodied kg CO2e a month; null without a grid factor.
    pub kg_co2e_per_month: Option<Decimal>,
    pub kg_co2e_per_mtok: Option<Decimal>,
    /// The embodied part: embodied_kg_co2e / months per node in use.
    pub embodied_kg_co2e_per_month: Option<Decimal>,
}

impl Energy {
    /// The line every face lists under the tables: `energy 1,234.5 kWh a
    /// month (0.617 kWh per MTok); 432.1 kg CO2e a month (0.216 kg per
    /// MTok), 12.5 of it embodied`. Carbon only where the scenario gives the
    /// grid's intensity; rounded half away from zero.
    pub fn note(&self) -> String {
        let at = format::decimal_rounded;
        let mut s = format!("energy {} kWh a month", at(self.kwh_per_month, 1));
        if let Some(k) = self.kwh_per_mtok {
            s.push_str(&format!(" ({} kWh per MTok)", at(k, 3)));
        }
        if let Some(c) = self.kg_co2e_per_month {
            s.push_str(&format!("; {} kg CO2e a month", at(c, 1)));
            if let Some(k) = self.kg_co2e_per_mtok {
                s.push_str(&format!(" ({} kg per MTok)", at(k, 3)));
            }
            if let Some(b) = self.embodied_kg_co2e_per_month.filter(|b| !b.is_zero()) {
                s.push_str(&format!(", {} of it embodied", at(b, 1)));
            }
        }
        s
    }

    /// From the month's kWh (None without a `power` block).
    pub fn of(l: &LocalOption, kwh: Option<Decimal>, nodes: u64, v: Tokens) -> Option<Energy> {
        let kwh = kwh?;
        let per_mtok = |x: Decimal| {
            (v.0 > 0).then(|| {
                (x * Decimal::from(1_000_000u32) / v.as_decimal())
                    .round_dp(6)
                    .normalize()
            })
        };
        let embodied = l
            .embodied
            .as_ref()
            .map(|e| e.kg_co2e * Decimal::from(nodes) / Decimal::from(e.months));
        let grid = l
            .power
            .as_ref()
            .and_then(|p| p.grid_kg_co2e_per_kwh)
            .map(|g| g * kwh);
        let co2 = grid.map(|g| g + embodied.unwrap_or_default());
        Some(Energy {
            kwh_per_month: kwh.round_dp(6).normalize(),
            kwh_per_mtok: per_mtok(kwh),
            kg_co2e_per_month: co2.map(|c| c.round_dp(6).normalize()),
            kg_co2e_per_mtok: co2.and_then(per_mtok),
            embodied_kg_co2e_per_month: embodied.map(|e| e.round_dp(6).normalize()),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThroughputLine {
    pub prefill_tokens_per_second: Decimal,
    pub decode_tokens_per_second: Decimal,
    /// Where the figure came from: "declared in the scenario" or the calibration.
    pub source: String,
    /// 95 % interval of the measured decode rate, when calibrated.
    pub decode_ci95: Option<(Decimal, Decimal)>,
    /// Set when the rate is a roofline estimate, not a measurement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimate: Option<EstimateLine>,
}

/// What a roofline estimate assumed, for reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EstimateLine {
    pub efficiency: crate::model::estimate::Efficiency,
    pub efficiency_source: crate::model::estimate::EfficiencySource,
    /// Capacity (total tokens/s) at the low and high ends of the efficiency
    /// range; None where the latency targets are missed there.
    pub range_tokens_per_second: (Option<Decimal>, Option<Decimal>),
    /// The load level (batch) the capacity was picked at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LocalLine {
    pub name: String,
    pub kind: &'static str,
    pub monthly_cost: Money,
    pub breakdown: Breakdown,
    pub capacity_tokens_per_month: u64,
    pub nodes: u64,
    pub utilization: Decimal,
    /// Null at a volume of zero.
    pub cost_per_mtok: Option<PerMTok>,
    pub can_serve: bool,
    /// Why the option cannot serve at any volume (absent when it can).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub infeasible: Vec<String>,
    pub warnings: Vec<String>,
    pub throughput: ThroughputLine,
    pub memory: Option<MemoryFit>,
    /// Null without a `power` block (no draw known).
    pub energy: Option<Energy>,
}

impl Report {
    /// The notes every face lists: the price notes (`notes`: exchange rates,
    /// tiers, stale or deprecated prices), then every local option's notes in
    /// option order ([`LocalLine::notes`]), then the carbon an API option's
    /// scenario declares.
    pub fn notes(&self) -> Vec<String> {
        self.notes
            .iter()
            .cloned()
            .chain(self.local.iter().flat_map(LocalLine::notes))
            .chain(self.api.iter().filter_map(|a| {
                a.kg_co2e_per_month.map(|c| {
                    format!(
                        "{}: {} kg CO2e a month, as the scenario declares",
                        a.name,
                        format::decimal_rounded(c, 1)
                    )
                })
            }))
            .collect()
    }
}

impl LocalLine {
    /// The notes every face lists under the tables, each starting with the
    /// option's name: its warnings, where its throughput came from (with the
    /// measured 95 % interval), its memory fit ([`format::memory_note`]), and
    /// its energy and carbon ([`Energy::note`]).
    pub fn notes(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .warnings
            .iter()
            .map(|w| format!("{}: {w}", self.name))
            .collect();
        if self.throughput.source != "declared in the scenario" {
            let ci = self
                .throughput
                .decode_ci95
                .map(|(a, b)| {
                    format!(
                        ", 95 % interval {}–{} tokens/s",
                        a.round_dp(1),
                        b.round_dp(1)
                    )
                })
                .unwrap_or_default();
            v.push(format!(
                "{}: throughput from {}{ci}",
                self.name, self.throughput.source
            ));
        }
        // A tight or no-fit memory is among the warnings already: each note once.
        let listed = |m: &&crate::model::fit::MemoryFit| {
            !matches!(
                m.status,
                Some(crate::model::fit::FitStatus::Tight | crate::model::fit::FitStatus::NoFit)
            )
        };
        if let Some(m) = self.memory.as_ref().filter(listed) {
            v.push(format!("{}: {}", self.name, format::memory_note(m)));
        }
        if let Some(e) = &self.energy {
            v.push(format!("{}: {}", self.name, e.note()));
        }
        v
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// The cheapest option that can serve the workload volume.
    pub cheapest: String,
    pub kind: &'static str,
    pub monthly_cost: Money,
    pub cheapest_api: String,
    pub cheapest_api_monthly_cost: Money,
    /// The cheapest local option that can serve the volume, if any.
    pub cheapest_local: Option<String>,
    pub cheapest_local_monthly_cost: Option<Money>,
    /// Cheapest API minus cheapest local (positive: local saves this much a month).
    pub local_saving_monthly: Option<Money>,
    /// Local options left out of the verdict because they cannot serve the
    /// volume, each with the reason (absent when none is).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub excluded: Vec<Excluded>,
    pub summary: String,
}

/// A local option the verdict leaves out, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Excluded {
    pub name: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub scenario: String,
    pub currency: String,
    pub hours_per_month: Decimal,
    pub tokens_per_month: u64,
    pub api: Vec<ApiLine>,
    pub local: Vec<LocalLine>,
    pub break_even: Vec<BreakEven>,
    pub verdict: Verdict,
    /// Notes on the prices used: the date they are for, stale table prices,
    /// long-context tiers, exchange rates, deprecated models. Absent when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

fn local_line(s: &Scenario, l: &LocalOption, v: Tokens) -> LocalLine {
    let cost = l.cost_at(&s.workload, s.hours_per_month, v);
    let mut warnings = l.notes.clone();
    warnings.extend(l.infeasible.iter().cloned());
    if !cost.can_serve && l.feasible() {
        warnings.push(format!(
            "cannot serve {} tokens/month: needs {} nodes, max_nodes is {} (at most {} tokens/month)",
            format::tokens(v),
            cost.nodes,
            l.max_nodes.unwrap_or_default(),
            format::tokens(Tokens(l.steps(&s.workload, s.hours_per_month).top(l.max_nodes.unwrap_or_default())))
        ));
    }
    let memory = l.model.as_ref().map(|m| m.fit(l.machine.as_ref()));
    if let (Some(fit), Some(m)) = (&memory, &l.model) {
        // "no fit" is in `l.infeasible`, already among the warnings.
        if fit.status == Some(crate::model::fit::FitStatus::Tight) {
            warnings.push(format!(
                "memory is tight: {} GB needed of {} GB (over 90 %)",
                fit.total_gb,
                fit.memory_gb.unwrap_or_default()
            ));
        }
        // An estimate respects the bandwidth by construction (its batch, not
        // the model's `concurrency`, sets the streams).
        let estimated = matches!(l.throughput.source, ThroughputSource::Estimate { .. });
        if let (Some(ceiling), false) = (fit.decode_ceiling_tps, estimated) {
            let decode = l.throughput.decode.per_second();
            let limit = ceiling * Decimal::from(m.concurrency);
            if decode > limit {
                warnings.push(format!(
                    "implausible throughput: {} tokens/s decode is above the bandwidth ceiling of {} tokens/s ({} tokens/s per stream × concurrency {})",
                    decode.round_dp(1),
                    limit.round_dp(1),
                    ceiling,
                    m.concurrency
                ));
            }
        }
    }
    let (source, ci) = match &l.throughput.source {
        ThroughputSource::Declared => ("declared in the scenario".to_string(), None),
        ThroughputSource::Calibration { measured, file, .. } => (
            format!("{} (calibration {file})", measured.description),
            Some(measured.decode.ci95),
        ),
        ThroughputSource::Slo { capacity, file } => (
            match file {
                Some(f) => format!("{} (calibration {f})", capacity.description),
                None => capacity.description.clone(),
            },
            None,
        ),
        ThroughputSource::Estimate { description, .. } => (description.clone(), None),
        ThroughputSource::Level { concurrency } => (
            format!("measured at concurrency {concurrency} (levels in the scenario)"),
            None,
        ),
        ThroughputSource::SloUnmet {
            file, concurrency, ..
        } => (
            format!(
                "the lowest measured load, concurrency {concurrency}, which misses the latency targets{}",
                file.as_ref()
                    .map(|f| format!(" (calibration {f})"))
                    .unwrap_or_default()
            ),
            None,
        ),
    };
    LocalLine {
        name: l.name.clone(),
        kind: match l.hardware {
            HardwareCost::Owned { .. } => "owned",
            HardwareCost::Rented { .. } => "rented",
        },
        monthly_cost: cost.monthly,
        breakdown: cost.breakdown,
        capacity_tokens_per_month: whole_tokens(l.capacity(&s.workload, s.hours_per_month)),
        nodes: cost.nodes,
        utilization: cost.utilization.round_dp(6),
        cost_per_mtok: PerMTok::of(cost.monthly, v),
        can_serve: cost.can_serve,
        infeasible: l.infeasible.clone(),
        warnings,
        throughput: ThroughputLine {
            prefill_tokens_per_second: l.throughput.prefill.per_second().round_dp(4),
            decode_tokens_per_second: l.throughput.decode.per_second().round_dp(4),
            source,
            decode_ci95: ci,
            estimate: match &l.throughput.source {
                ThroughputSource::Estimate {
                    capacity,
                    efficiency,
                    efficiency_source,
                    range_tokens_per_second,
                    ..
                } => Some(EstimateLine {
                    efficiency: *efficiency,
                    efficiency_source: efficiency_source.clone(),
                    range_tokens_per_second: *range_tokens_per_second,
                    batch: capacity.as_ref().map(|c| c.concurrency),
                }),
                _ => None,
            },
        },
        memory,
        energy: Energy::of(l, cost.energy_kwh, cost.nodes, v),
    }
}

impl Scenario {
    /// Everything `tco report` shows, at the workload volume.
    pub fn evaluate(&self) -> Report {
        let v = self.workload.tokens_per_month;
        let api: Vec<ApiLine> = self
            .api
            .iter()
            .map(|a| ApiLine {
                name: a.name.clone(),
                model_id: a.model_id.clone(),
                blended_per_mtok: a.blended(&self.workload),
                monthly_cost: a.monthly(&self.workload, v),
                kg_co2e_per_month: a.kg_co2e_per_mtok.map(|k| {
                    (k * v.as_decimal() / Decimal::from(1_000_000u32))
                        .round_dp(6)
                        .normalize()
                }),
            })
            .collect();
        let local: Vec<LocalLine> = self.local.iter().map(|l| local_line(self, l, v)).collect();
        let mut break_even: Vec<BreakEven> = self
            .local
            .iter()
            .flat_map(|l| self.api.iter().map(move |a| breakeven::solve(self, l, a)))
            .collect();
        if let Some(f) = self.cash_flows() {
            // Both lists run local by local, API by API.
            for (b, p) in break_even.iter_mut().zip(&f.pairs) {
                b.finance = Some(p.figures());
            }
        }
        let verdict = verdict(self, &api, &local);
        Report {
            scenario: self.name.clone(),
            currency: self.currency.clone(),
            hours_per_month: self.hours_per_month,
            tokens_per_month: v.0,
            api,
            local,
            break_even,
            verdict,
            notes: self
                .exchange_rates
                .iter()
                .map(|r| {
                    format!(
                        "exchange rates as of {}: {}",
                        r.as_of,
                        r.rates
                            .iter()
                            .map(|(c, x)| format!("1 {c} = {} {}", x.normalize(), self.currency))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })
                .chain(self.api.iter().flat_map(|a| a.notes.iter().cloned()))
                .collect(),
        }
    }
}

fn verdict(s: &Scenario, api: &[ApiLine], local: &[LocalLine]) -> Verdict {
    // Scenarios always hold at least one API option (the parser insists).
    let best_api = api
        .iter()
        .min_by_key(|a| a.monthly_cost)
        .cloned()
        .unwrap_or(ApiLine {
            name: String::new(),
            model_id: None,
            blended_per_mtok: PerMTok::default(),
            monthly_cost: Money::ZERO,
            kg_co2e_per_month: None,
        });
    let best_local = local
        .iter()
        .filter(|l| l.can_serve)
        .min_by_key(|l| l.monthly_cost);
    let cur = &s.currency;
    let saving = best_local.map(|l| best_api.monthly_cost - l.monthly_cost);
    let local_wins = best_local.is_some_and(|l| l.monthly_cost < best_api.monthly_cost);
    let volume = format::tokens_short(s.workload.tokens_per_month);
    let excluded: Vec<Excluded> = local
        .iter()
        .filter(|l| !l.can_serve)
        .map(|l| Excluded {
            name: l.name.clone(),
            reason: l.infeasible.first().cloned().unwrap_or_else(|| {
                l.warnings
                    .iter()
                    .find(|w| w.starts_with("cannot serve"))
                    .cloned()
                    .unwrap_or_else(|| "cannot serve the volume".to_string())
            }),
        })
        .collect();
    let mut summary = match (best_local, saving) {
        (Some(l), Some(d)) if local_wins => format!(
            "At {volume} tokens/month, {} ({}/month) costs {} less per month than the cheapest API, {} ({}/month).",
            l.name,
            format::money(l.monthly_cost, cur),
            format::money(d, cur),
            best_api.name,
            format::money(best_api.monthly_cost, cur)
        ),
        (Some(l), Some(d)) => format!(
            "At {volume} tokens/month, the cheapest API, {} ({}/month), costs {} less per month than the cheapest local option, {} ({}/month).",
            best_api.name,
            format::money(best_api.monthly_cost, cur),
            format::money(-d, cur),
            l.name,
            format::money(l.monthly_cost, cur)
        ),
        _ => format!(
            "At {volume} tokens/month no local option can serve the volume; the cheapest API is {} ({}/month).",
            best_api.name,
            format::money(best_api.monthly_cost, cur)
        ),
    };
    if !excluded.is_empty() {
        let names: Vec<&str> = excluded.iter().map(|e| e.name.as_str()).collect();
        summary.push_str(&format!(
            " Left out, cannot serve: {} (see the notes).",
            names.join(", ")
        ));
    }
    let (cheapest, kind, monthly) = match best_local {
        Some(l) if local_wins => (l.name.clone(), "local", l.monthly_cost),
        _ => (best_api.name.clone(), "api", best_api.monthly_cost),
    };
    Verdict {
        cheapest,
        kind,
        monthly_cost: monthly,
        cheapest_api: best_api.name.clone(),
        cheapest_api_monthly_cost: best_api.monthly_cost,
        cheapest_local: best_local.map(|l| l.name.clone()),
        cheapest_local_monthly_cost: best_local.map(|l| l.monthly_cost),
        local_saving_monthly: saving,
        excluded,
        summary,
    }
}
