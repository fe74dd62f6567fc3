//! Calibration files: what `tco probe` measured on a machine, read back by a
//! scenario's `throughput: {calibration: FILE, concurrency: N}`.
//!
//! PLACEHOLDER OWNED BY THE PROBE WORK (issue 4): replace the body, keep the
//! signatures of `Calibration::parse` and `Calibration::throughput`.

use rust_decimal::Decimal;

/// A parsed calibration file.
#[derive(Debug, Clone)]
pub struct Calibration {
    _private: (),
}

/// One measured rate with its spread.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    pub mean: Decimal,
    pub sd: Decimal,
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
}

impl Calibration {
    /// Parses a calibration file's text (YAML or JSON).
    pub fn parse(_text: &str) -> Result<Calibration, String> {
        Err("calibration files are not supported yet".to_string())
    }

    /// The throughput a scenario uses at `concurrency` parallel sequences.
    pub fn throughput(&self, _concurrency: u32) -> Result<MeasuredThroughput, String> {
        Err("calibration files are not supported yet".to_string())
    }
}
