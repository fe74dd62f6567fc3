//! Price tables as the model uses them: API models' list prices and the
//! machines of the hardware table. [`crate::input::pricing`] reads them.

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
    pub batch_discount: Decimal,
    pub context_window: Option<u64>,
    pub as_of: String,
    pub source: String,
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
    pub load_watts: Decimal,
    pub idle_watts: Decimal,
    pub gpus: u64,
    pub source: String,
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
