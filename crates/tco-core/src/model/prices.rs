//! Price tables as the model uses them: API models' list prices and the
//! machines of the hardware table. [`crate::input::pricing`] reads them.

use crate::model::date::Date;
use crate::model::tariff::{Dated, OffPeak, PriceSet, Rates, Tier};
use crate::model::units::PerMTok;
use rust_decimal::Decimal;
use serde::Serialize;

/// One API model's list prices.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApiModel {
    pub id: String,
    pub name: String,
    pub vendor: String,
    pub input_per_mtok: PerMTok,
    pub output_per_mtok: PerMTok,
    pub cached_input_per_mtok: PerMTok,
    /// A prompt token written to the cache, when the vendor prices writes apart.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_write_per_mtok: Option<PerMTok>,
    /// Prices for prompts longer than a threshold (long-context surcharges).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<Tier>,
    /// Prices during the vendor's off-peak hours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub off_peak: Option<OffPeak>,
    /// Later price sets, each in force from its date; the prices above are in
    /// force before the first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub schedule: Vec<Dated>,
    pub batch_discount: Decimal,
    pub context_window: Option<u64>,
    /// The date the vendor deprecated the model (or the snapshot that marked it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<Date>,
    pub as_of: String,
    pub source: String,
}

impl ApiModel {
    /// Deprecated on or before `date` (no date: deprecated at all).
    pub fn deprecated_on(&self, date: Option<Date>) -> bool {
        match (self.deprecated, date) {
            (Some(d), Some(on)) => d <= on,
            (Some(_), None) => true,
            (None, _) => false,
        }
    }

    /// Priced by the field literature alone: its source cites the literature
    /// and no vendor list (genai-prices, LiteLLM) that agrees. Kept for the
    /// worked examples; `tco compare` hides it unless asked.
    pub fn literature_only(&self) -> bool {
        self.source.starts_with("literature")
            && !self.source.contains("genai-prices")
            && !self.source.contains("LiteLLM")
    }

    /// The entry's own prices (in force before any `schedule` date).
    pub fn base(&self) -> PriceSet {
        PriceSet {
            rates: Rates {
                input_per_mtok: self.input_per_mtok,
                output_per_mtok: self.output_per_mtok,
                cached_input_per_mtok: self.cached_input_per_mtok,
                cache_write_per_mtok: self.cache_write_per_mtok,
            },
            tiers: self.tiers.clone(),
            off_peak: self.off_peak.clone(),
        }
    }

    /// The prices in force on `date` (no date: the entry's own).
    pub fn prices_on(&self, date: Option<Date>) -> PriceSet {
        crate::model::tariff::in_force(&self.base(), &self.schedule, date).clone()
    }

    /// `as_of` as a date, when it is one.
    pub fn as_of_date(&self) -> Option<Date> {
        Date::parse(&self.as_of)
    }
}

/// The API models tco knows, in file order.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct PriceTable {
    pub models: Vec<ApiModel>,
}

/// A machine or accelerator from `pricing/hardware.yaml`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hardware {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub price: Decimal,
    pub price_range: Option<(Decimal, Decimal)>,
    pub condition: String,
    /// Memory of the whole unit (all its accelerators together), GB.
    pub memory_gb: Decimal,
    /// Memory bandwidth of the whole unit, GB/s.
    pub memory_bandwidth_gbs: Decimal,
    /// Peak dense FP16/BF16 TFLOPS of the whole unit, where known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fp16_tflops: Option<Decimal>,
    /// Peak dense INT8 TOPS of the whole unit, where published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub int8_tops: Option<Decimal>,
    /// Where the FLOPS figures come from.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub compute_source: String,
    /// `gpu`, `apple`, `unified` or `cpu`: picks the roofline's default
    /// efficiencies ([`crate::model::estimate::default_efficiency`]).
    pub platform: String,
    pub load_watts: Decimal,
    pub idle_watts: Decimal,
    pub gpus: u64,
    /// Typical rental prices per GPU-hour, where the unit is rented.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rent_per_gpu_hour: Option<Rent>,
    /// The date the price was taken (launch list price, quote, estimate).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<Date>,
    pub source: String,
}

/// Typical cloud prices of one GPU for one hour, in USD.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Rent {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_demand: Option<Decimal>,
    /// Reserved for a term (one year, paid monthly).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reserved: Option<Decimal>,
    /// Interruptible (spot, preemptible).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spot: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct HardwareTable {
    pub hardware: Vec<Hardware>,
}

impl PriceTable {
    /// The model with this id.
    pub fn get(&self, id: &str) -> Option<&ApiModel> {
        self.models.iter().find(|m| m.id == id)
    }
}

impl HardwareTable {
    /// The machine with this id.
    pub fn get(&self, id: &str) -> Option<&Hardware> {
        self.hardware.iter().find(|m| m.id == id)
    }
}
