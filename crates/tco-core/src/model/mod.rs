//! Stage 2: the domain and its formulas, on values already checked.
//!
//! [`units`] (money, prices per MTok, tokens) and [`format`] (how each is
//! written, to the cent); [`scenario`], [`prices`], [`throughput`] and
//! [`uncertain`] are the domain types; [`cost`] prices an option at a volume
//! (amortization, power, staff, rent, capacity and nodes); [`breakeven`]
//! solves where local and API costs cross; [`fit`] checks memory and the
//! bandwidth ceiling; [`load_curve`] picks the capacity a latency target
//! allows. [`fields`] is the registry of every scenario input (label, unit,
//! range, allowed text).

pub mod breakeven;
pub mod cost;
pub mod date;
pub mod estimate;
pub mod fields;
pub mod fit;
pub mod format;
pub mod load_curve;
pub mod prices;
pub mod scenario;
pub mod tariff;
pub mod throughput;
pub mod uncertain;
pub mod units;
