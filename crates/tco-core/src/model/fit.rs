//! Will the model fit, and can the machine go as fast as claimed?
//!
//! Memory: weights = params × bits per weight / 8; KV cache = 2 × layers ×
//! kv_heads × head_dim × 2 bytes (f16) × context × concurrency. When the shape
//! is not given, the KV cache is estimated from the nearest Llama shape by
//! parameter count. Bandwidth: a single decode stream reads every weight once
//! per token, so tokens/s ≤ bandwidth / weight bytes; a batch of `concurrency`
//! streams shares those reads, so the aggregate ≤ concurrency × that.

use crate::model::prices::Hardware;
use rust_decimal::Decimal;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Quant {
    Q2K,
    Q3KM,
    Q4_0,
    Q4KS,
    Q4KM,
    Q5KS,
    Q5KM,
    Q6K,
    Q8_0,
    F16,
    BF16,
    F32,
}

impl Quant {
    pub const ALL: [Quant; 12] = [
        Quant::Q2K,
        Quant::Q3KM,
        Quant::Q4_0,
        Quant::Q4KS,
        Quant::Q4KM,
        Quant::Q5KS,
        Quant::Q5KM,
        Quant::Q6K,
        Quant::Q8_0,
        Quant::F16,
        Quant::BF16,
        Quant::F32,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Quant::Q2K => "Q2_K",
            Quant::Q3KM => "Q3_K_M",
            Quant::Q4_0 => "Q4_0",
            Quant::Q4KS => "Q4_K_S",
            Quant::Q4KM => "Q4_K_M",
            Quant::Q5KS => "Q5_K_S",
            Quant::Q5KM => "Q5_K_M",
            Quant::Q6K => "Q6_K",
            Quant::Q8_0 => "Q8_0",
            Quant::F16 => "F16",
            Quant::BF16 => "BF16",
            Quant::F32 => "F32",
        }
    }

    /// Average bits per weight of llama.cpp's formats (whole-model averages).
    pub fn bits_per_weight(self) -> Decimal {
        match self {
            Quant::Q2K => Decimal::new(263, 2),
            Quant::Q3KM => Decimal::new(391, 2),
            Quant::Q4_0 => Decimal::new(455, 2),
            Quant::Q4KS => Decimal::new(458, 2),
            Quant::Q4KM => Decimal::new(485, 2),
            Quant::Q5KS => Decimal::new(554, 2),
            Quant::Q5KM => Decimal::new(569, 2),
            Quant::Q6K => Decimal::new(656, 2),
            Quant::Q8_0 => Decimal::new(85, 1),
            Quant::F16 | Quant::BF16 => Decimal::from(16),
            Quant::F32 => Decimal::from(32),
        }
    }

    pub fn parse(s: &str) -> Option<Quant> {
        let up = s.trim().to_ascii_uppercase().replace('-', "_");
        Quant::ALL.into_iter().find(|q| q.name() == up)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelShape {
    /// The open weights served (`qwen2.5-coder-32b`), when named: `tco compare`
    /// marks the API entries that serve the same weights.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub params_b: Decimal,
    /// Parameters used per token, billions (mixture-of-experts models); the
    /// roofline estimate's compute term. None: all of `params_b`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_params_b: Option<Decimal>,
    pub quant: Quant,
    pub context: u64,
    pub concurrency: u64,
    pub layers: Option<u64>,
    pub kv_heads: Option<u64>,
    pub head_dim: Option<u64>,
}

/// Llama shapes by size: (billions of params, layers, kv heads, head dim).
const LLAMA_SHAPES: [(u32, u64, u64, u64); 7] = [
    (1, 16, 8, 64),    // Llama 3.2 1B
    (3, 28, 8, 128),   // Llama 3.2 3B
    (7, 32, 32, 128),  // Llama 2 7B (no grouped-query attention)
    (8, 32, 8, 128),   // Llama 3.1 8B
    (13, 40, 40, 128), // Llama 2 13B
    (70, 80, 8, 128),  // Llama 3.x 70B
    (405, 126, 8, 128),
];

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FitStatus {
    Fit,
    Tight,
    NoFit,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemoryFit {
    pub weights_gb: Decimal,
    pub kv_cache_gb: Decimal,
    pub total_gb: Decimal,
    /// Whether the KV cache used the given shape or the nearest Llama shape.
    pub kv_estimated: bool,
    pub memory_gb: Option<Decimal>,
    pub status: Option<FitStatus>,
    /// Single-stream decode ceiling, tokens/s (bandwidth / weight bytes).
    pub decode_ceiling_tps: Option<Decimal>,
}

fn gb() -> Decimal {
    Decimal::from(1_000_000_000u64)
}

impl ModelShape {
    pub fn weight_bytes(&self) -> Decimal {
        self.params_b * gb() * self.quant.bits_per_weight() / Decimal::from(8)
    }

    fn shape(&self) -> (u64, u64, u64, bool) {
        if let (Some(l), Some(h), Some(d)) = (self.layers, self.kv_heads, self.head_dim) {
            return (l, h, d, false);
        }
        let p = self.params_b;
        let nearest = LLAMA_SHAPES
            .iter()
            .min_by_key(|(b, ..)| {
                let b = Decimal::from(*b);
                // distance on a log scale: max(p, b) / min(p, b)
                if p > b {
                    p / b
                } else {
                    b / p
                }
            })
            .copied()
            .unwrap_or(LLAMA_SHAPES[3]);
        (
            self.layers.unwrap_or(nearest.1),
            self.kv_heads.unwrap_or(nearest.2),
            self.head_dim.unwrap_or(nearest.3),
            true,
        )
    }

    /// KV-cache bytes per token of context: K and V, f16, every layer.
    pub fn kv_bytes_per_token(&self) -> Decimal {
        let (l, h, d, _) = self.shape();
        Decimal::from(
            2u64.saturating_mul(l)
                .saturating_mul(h)
                .saturating_mul(d)
                .saturating_mul(2),
        )
    }

    /// Whether the KV-cache size is estimated from the nearest Llama shape.
    pub fn kv_estimated(&self) -> bool {
        self.shape().3
    }

    pub fn kv_cache_bytes(&self) -> Decimal {
        self.kv_bytes_per_token() * Decimal::from(self.context) * Decimal::from(self.concurrency)
    }

    /// Sizes, and fit and ceiling when the machine is known.
    pub fn fit(&self, machine: Option<&Hardware>) -> MemoryFit {
        let weights = self.weight_bytes() / gb();
        let kv = self.kv_cache_bytes() / gb();
        let total = weights + kv;
        let status = machine.map(|m| {
            if total <= m.memory_gb * Decimal::new(9, 1) {
                FitStatus::Fit
            } else if total <= m.memory_gb {
                FitStatus::Tight
            } else {
                FitStatus::NoFit
            }
        });
        MemoryFit {
            weights_gb: weights.round_dp(2),
            kv_cache_gb: kv.round_dp(2),
            total_gb: total.round_dp(2),
            kv_estimated: self.shape().3,
            memory_gb: machine.map(|m| m.memory_gb),
            status,
            decode_ceiling_tps: machine
                .map(|m| (m.memory_bandwidth_gbs * gb() / self.weight_bytes()).round_dp(1)),
        }
    }
}

/// Why a model cannot run on a machine at all: its weights and KV cache
/// need more memory than the machine has ("no fit"). Empty when it fits,
/// when it is tight, or when either side is unknown.
pub fn infeasible(model: Option<&ModelShape>, machine: Option<&Hardware>) -> Vec<String> {
    let (Some(m), Some(hw)) = (model, machine) else {
        return Vec::new();
    };
    let fit = m.fit(Some(hw));
    if fit.status != Some(FitStatus::NoFit) {
        return Vec::new();
    }
    vec![format!(
        "cannot hold the model: {}B at {} needs {} GB ({} GB weights + {} GB KV cache{}), more than the machine's {} GB",
        m.params_b.normalize(),
        m.quant.name(),
        fit.total_gb,
        fit.weights_gb,
        fit.kv_cache_gb,
        if fit.kv_estimated {
            ", estimated from the nearest Llama shape"
        } else {
            ""
        },
        hw.memory_gb.normalize()
    )]
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn shape(params: Decimal, context: u64) -> ModelShape {
        ModelShape {
            id: None,
            params_b: params,
            active_params_b: None,
            quant: Quant::Q4KM,
            context,
            concurrency: 1,
            layers: None,
            kv_heads: None,
            head_dim: None,
        }
    }

    #[test]
    fn q4_k_m_weights() {
        // 70B × 4.85 / 8 = 42.4375 GB: the top of the literature's 35–43 GB.
        assert_eq!(shape(dec!(70), 4096).weight_bytes(), dec!(42_437_500_000));
        assert_eq!(shape(dec!(7), 4096).fit(None).weights_gb, dec!(4.24));
    }

    #[test]
    fn kv_cache_from_shape() {
        // Llama 3 8B at 8k: 2 × 32 × 8 × 128 × 2 B × 8192 = 1,073,741,824 B.
        let mut s = shape(dec!(8), 8192);
        assert_eq!(s.kv_cache_bytes(), dec!(1073741824));
        s.concurrency = 4;
        assert_eq!(s.kv_cache_bytes(), dec!(4294967296));
    }

    #[test]
    fn quant_names_round_trip() {
        for q in Quant::ALL {
            assert_eq!(Quant::parse(q.name()), Some(q));
        }
        assert_eq!(Quant::parse("q4_k_m"), Some(Quant::Q4KM));
        assert_eq!(Quant::parse("Q9"), None);
    }
}
