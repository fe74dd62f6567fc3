//! Which model input a field path names, and what a distribution on it may
//! take (bounds, whole numbers).

use serde::Serialize;

/// The model input a distribution stands for. Indexes are positions in the
/// scenario's `api:` and `local:` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "input", content = "option", rename_all = "snake_case")]
pub enum Param {
    HoursPerMonth,
    TokensPerMonth,
    InputShare,
    CachedInputShare,
    BatchShare,
    ApiInput(usize),
    ApiOutput(usize),
    ApiCachedInput(usize),
    ApiBatchDiscount(usize),
    Price(usize),
    ResidualValue(usize),
    AmortizationMonths(usize),
    CostOfCapital(usize),
    PricePerGpuHour(usize),
    Gpus(usize),
    LoadWatts(usize),
    IdleWatts(usize),
    PricePerKwh(usize),
    Pue(usize),
    Fte(usize),
    AnnualCost(usize),
    OtherMonthly(usize),
    OverheadShare(usize),
    MaxUtilization(usize),
    TokensPerSecond(usize),
    TokensPerHour(usize),
    PrefillTokensPerSecond(usize),
    DecodeTokensPerSecond(usize),
    DiscountRate,
    VolumeGrowth,
    ApiPriceChange,
}

/// Every path a distribution may stand at, for messages.
pub const ALLOWED: &str = "hours_per_month; workload.{tokens_per_month, input_share, cached_input_share, batch_share}; \
api[i].{input_per_mtok, output_per_mtok, cached_input_per_mtok, batch_discount}; \
local[i].owned.{price, residual_value, amortization_months, cost_of_capital}; \
local[i].rented.{price_per_gpu_hour, gpus}; local[i].power.{load_watts, idle_watts, price_per_kwh, pue}; \
local[i].staff.{fte, annual_cost}; local[i].{other_monthly, overhead_share, max_utilization}; \
local[i].throughput.{tokens_per_second, tokens_per_hour, prefill_tokens_per_second, decode_tokens_per_second}; \
finance.{discount_rate, volume_growth_per_month, api_price_change_per_year}";

enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

impl Param {
    fn from_steps(steps: &[Seg<'_>]) -> Option<Param> {
        use Param::*;
        Some(match steps {
            [Seg::Key("hours_per_month")] => HoursPerMonth,
            [Seg::Key("workload"), Seg::Key(k)] => match *k {
                "tokens_per_month" => TokensPerMonth,
                "input_share" => InputShare,
                "cached_input_share" => CachedInputShare,
                "batch_share" => BatchShare,
                _ => return None,
            },
            [Seg::Key("api"), Seg::Index(i), Seg::Key(k)] => match *k {
                "input_per_mtok" => ApiInput(*i),
                "output_per_mtok" => ApiOutput(*i),
                "cached_input_per_mtok" => ApiCachedInput(*i),
                "batch_discount" => ApiBatchDiscount(*i),
                _ => return None,
            },
            [Seg::Key("local"), Seg::Index(i), Seg::Key(k)] => match *k {
                "other_monthly" => OtherMonthly(*i),
                "overhead_share" => OverheadShare(*i),
                "max_utilization" => MaxUtilization(*i),
                _ => return None,
            },
            [Seg::Key("local"), Seg::Index(i), Seg::Key(group), Seg::Key(k)] => {
                match (*group, *k) {
                    ("owned", "price") => Price(*i),
                    ("owned", "residual_value") => ResidualValue(*i),
                    ("owned", "amortization_months") => AmortizationMonths(*i),
                    ("owned", "cost_of_capital") => CostOfCapital(*i),
                    ("rented", "price_per_gpu_hour") => PricePerGpuHour(*i),
                    ("rented", "gpus") => Gpus(*i),
                    ("power", "load_watts") => LoadWatts(*i),
                    ("power", "idle_watts") => IdleWatts(*i),
                    ("power", "price_per_kwh") => PricePerKwh(*i),
                    ("power", "pue") => Pue(*i),
                    ("staff", "fte") => Fte(*i),
                    ("staff", "annual_cost") => AnnualCost(*i),
                    ("throughput", "tokens_per_second") => TokensPerSecond(*i),
                    ("throughput", "tokens_per_hour") => TokensPerHour(*i),
                    ("throughput", "prefill_tokens_per_second") => PrefillTokensPerSecond(*i),
                    ("throughput", "decode_tokens_per_second") => DecodeTokensPerSecond(*i),
                    _ => return None,
                }
            }
            [Seg::Key("finance"), Seg::Key(k)] => match *k {
                "discount_rate" => DiscountRate,
                "volume_growth_per_month" => VolumeGrowth,
                "api_price_change_per_year" => ApiPriceChange,
                _ => return None,
            },
            _ => return None,
        })
    }

    /// The registry's path pattern of this input (`local[].power.pue`).
    pub fn pattern(self) -> &'static str {
        use Param::*;
        match self {
            HoursPerMonth => "hours_per_month",
            TokensPerMonth => "workload.tokens_per_month",
            InputShare => "workload.input_share",
            CachedInputShare => "workload.cached_input_share",
            BatchShare => "workload.batch_share",
            ApiInput(_) => "api[].input_per_mtok",
            ApiOutput(_) => "api[].output_per_mtok",
            ApiCachedInput(_) => "api[].cached_input_per_mtok",
            ApiBatchDiscount(_) => "api[].batch_discount",
            Price(_) => "local[].owned.price",
            ResidualValue(_) => "local[].owned.residual_value",
            AmortizationMonths(_) => "local[].owned.amortization_months",
            CostOfCapital(_) => "local[].owned.cost_of_capital",
            PricePerGpuHour(_) => "local[].rented.price_per_gpu_hour",
            Gpus(_) => "local[].rented.gpus",
            LoadWatts(_) => "local[].power.load_watts",
            IdleWatts(_) => "local[].power.idle_watts",
            PricePerKwh(_) => "local[].power.price_per_kwh",
            Pue(_) => "local[].power.pue",
            Fte(_) => "local[].staff.fte",
            AnnualCost(_) => "local[].staff.annual_cost",
            OtherMonthly(_) => "local[].other_monthly",
            OverheadShare(_) => "local[].overhead_share",
            MaxUtilization(_) => "local[].max_utilization",
            TokensPerSecond(_) => "local[].throughput.tokens_per_second",
            TokensPerHour(_) => "local[].throughput.tokens_per_hour",
            PrefillTokensPerSecond(_) => "local[].throughput.prefill_tokens_per_second",
            DecodeTokensPerSecond(_) => "local[].throughput.decode_tokens_per_second",
            DiscountRate => "finance.discount_rate",
            VolumeGrowth => "finance.volume_growth_per_month",
            ApiPriceChange => "finance.api_price_change_per_year",
        }
    }

    /// The values the scenario reader accepts for this input (the field
    /// registry's range); draws outside are set to the nearest bound (and counted).
    pub fn bounds(self) -> (f64, f64) {
        crate::model::fields::known(self.pattern()).bounds_f64()
    }

    /// Inputs that only take whole numbers (draws are rounded).
    pub fn is_integer(self) -> bool {
        matches!(
            self,
            Param::AmortizationMonths(_) | Param::Gpus(_) | Param::TokensPerMonth
        )
    }
}

fn segments(path: &str) -> Vec<Seg<'_>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            out.push(Seg::Key(key));
        }
        for idx in rest.split(']').filter(|s| !s.is_empty()) {
            if let Ok(i) = idx.trim_start_matches('[').parse() {
                out.push(Seg::Index(i));
            }
        }
    }
    out
}

/// The input a path names, when a distribution may stand there.
pub fn param_at(path: &str) -> Option<Param> {
    Param::from_steps(&segments(path))
}
