//! Throughput: how many tokens a node serves per second, declared or measured.
//!
//! A node's capacity (tokens per month) follows from these rates in
//! [`crate::model::cost`]; a calibration file ([`crate::input::calibration`])
//! brings measured rates with their spread.

use rust_decimal::Decimal;
use serde::Serialize;

/// `tokens` tokens every `per_seconds` seconds (kept as a pair so that rates
/// quoted per hour stay exact).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rate {
    pub tokens: Decimal,
    pub per_seconds: Decimal,
}

impl Rate {
    pub fn per_second(self) -> Decimal {
        self.tokens / self.per_seconds
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ThroughputSource {
    Declared,
    Calibration {
        file: String,
        concurrency: u32,
        #[serde(skip)]
        measured: Box<MeasuredThroughput>,
        /// Factor applied for a different machine's bandwidth, when one was.
        bandwidth_scale: Option<Decimal>,
    },
    /// The highest total tokens/s of a load curve that meets latency targets.
    Slo {
        /// The calibration file, when the curve came from one.
        file: Option<String>,
        capacity: crate::model::load_curve::SloCapacity,
    },
    /// One level of a load curve written in the scenario, by concurrency.
    Level {
        concurrency: u32,
    },
    /// No measured level meets the latency targets: the option cannot serve
    /// (it is infeasible); the rate is the lowest level's, for the record.
    SloUnmet {
        /// The calibration file, when the curve came from one.
        file: Option<String>,
        /// The lowest level's concurrency, whose rate is kept.
        concurrency: u32,
        /// Why: the lowest level's figures against the targets.
        reason: String,
    },
    /// Modelled from the machine's specs (the roofline rule of
    /// [`crate::model::estimate`]), not measured: the curve goes through the
    /// same [`crate::model::load_curve::LoadCurve::capacity`] as a measured one.
    Estimate {
        /// The capacity chosen on the modelled curve; None when the model
        /// does not fit the machine (the option is then infeasible).
        capacity: Option<crate::model::load_curve::SloCapacity>,
        efficiency: crate::model::estimate::Efficiency,
        efficiency_source: crate::model::estimate::EfficiencySource,
        /// The capacity at the low and high ends of
        /// [`crate::model::estimate::efficiency_range`] (None where the
        /// targets cannot be met at that end).
        range_tokens_per_second: (Option<Decimal>, Option<Decimal>),
        /// One line for reports.
        description: String,
        /// The modelled curves behind the capacity, for charts (not in the
        /// report); None when the model does not fit the machine.
        #[serde(skip)]
        curves: Option<Box<crate::model::estimate::EstimateCurves>>,
    },
}

impl ThroughputSource {
    /// The modelled curves of a throughput estimated from specs, for charts;
    /// None for any other source, or an estimate whose model does not fit.
    pub fn estimate_curves(&self) -> Option<&crate::model::estimate::EstimateCurves> {
        match self {
            ThroughputSource::Estimate { curves, .. } => curves.as_deref(),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Throughput {
    pub prefill: Rate,
    pub decode: Rate,
    pub source: ThroughputSource,
    /// Prompt share of the measured requests, when a load curve gave the rate.
    #[serde(skip)]
    pub curve_input_share: Option<Decimal>,
}

/// One measured rate with its spread.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    pub mean: Decimal,
    pub sd: Decimal,
    /// 95 % Student's-t interval of the mean; (mean, mean) with one sample.
    pub ci95: (Decimal, Decimal),
    pub samples: usize,
}

/// What a scenario takes from a calibration at one concurrency.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasuredThroughput {
    /// Aggregate prefill tokens/s of one node.
    pub prefill: Measured,
    /// Aggregate decode tokens/s of one node at the requested concurrency.
    pub decode: Measured,
    /// Id in pricing/hardware.yaml of the machine measured, when known.
    pub machine_id: Option<String>,
    /// Memory bandwidth (GB/s) of the machine measured, when known.
    pub machine_bandwidth_gbs: Option<Decimal>,
    /// Size in bytes of the model file measured.
    pub model_bytes: Option<u64>,
    /// One line for reports: what was measured, where, when.
    pub description: String,
    /// Time to first token (seconds) for one sequence, when measured.
    pub ttft_seconds: Option<Measured>,
    /// Whether the model was a random-weight synthetic one.
    pub synthetic: bool,
}
