//! Units as types: money, prices per million tokens, per kWh and per
//! GPU-hour, power, energy, shares and token volumes.
//!
//! Amounts are `Decimal` throughout; only the arithmetic that makes sense is
//! offered (money + money, money × share, price × tokens → money, watts ×
//! hours → watt-hours, kWh × price per kWh → money), so a formula that
//! multiplies two amounts of money, or a rate stored where an amount belongs,
//! does not compile:
//!
//! ```compile_fail
//! use tco_core::model::units::Money;
//! let a = Money::ZERO;
//! let _ = a * a; // money × money has no meaning
//! ```
//!
//! ```compile_fail
//! use tco_core::model::units::{Money, PricePerKwh};
//! let price: PricePerKwh = Money::ZERO; // a price per kWh is not an amount
//! ```
//!
//! ```compile_fail
//! use tco_core::model::units::{Money, Watts};
//! let _ = Money::ZERO.share(Watts::new(rust_decimal::Decimal::ONE)); // watts are no share
//! ```
//!
//! ```
//! use rust_decimal_macros::dec;
//! use tco_core::model::units::{Money, PricePerKwh, Share, Watts};
//! // 1,600 W for 720 hours at $0.10/kWh: 1,152 kWh, $115.20.
//! let kwh = Watts::new(dec!(1600)).over_hours(dec!(720)).kwh();
//! assert_eq!(PricePerKwh::new(dec!(0.10)).cost(kwh), Money::new(dec!(115.20)));
//! assert_eq!(Money::new(dec!(200)).share(Share::new(dec!(0.25)).unwrap()), Money::new(dec!(50)));
//! ```

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Serialize, Serializer};
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub};

/// An amount of money in the scenario's currency, full precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Money(Decimal);

impl Money {
    pub const ZERO: Money = Money(Decimal::ZERO);

    pub fn new(amount: Decimal) -> Self {
        Money(amount)
    }

    pub fn amount(self) -> Decimal {
        self.0
    }

    /// Scales by a plain number (a count, a rate).
    #[must_use]
    pub fn times(self, factor: Decimal) -> Money {
        Money(self.0 * factor)
    }

    /// That share of the amount.
    #[must_use]
    pub fn share(self, s: Share) -> Money {
        Money(self.0 * s.0)
    }

    /// Divides by a plain number; `None` when dividing by zero.
    pub fn per(self, divisor: Decimal) -> Option<Money> {
        self.0.checked_div(divisor).map(Money)
    }

    /// How many times `other` fits in `self`; `None` when `other` is zero.
    pub fn ratio(self, other: Money) -> Option<Decimal> {
        self.0.checked_div(other.0)
    }

    /// Rounded to cents, half away from zero (invoice rounding, not banker's).
    #[must_use]
    pub fn round_cents(self) -> Money {
        Money(
            self.0
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero),
        )
    }

    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    /// A lossy f64, for charts and statistics only.
    pub fn to_f64_lossy(self) -> f64 {
        use rust_decimal::prelude::ToPrimitive;
        self.0.to_f64().unwrap_or(f64::NAN)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        self.0 += rhs.0;
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.normalize().to_string())
    }
}

/// A price per million tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct PerMTok(Decimal);

impl PerMTok {
    pub fn new(price: Decimal) -> Self {
        PerMTok(price)
    }

    pub fn amount(self) -> Decimal {
        self.0
    }

    /// What `tokens` cost at this price.
    pub fn cost(self, tokens: Tokens) -> Money {
        Money(self.0 * tokens.mtok())
    }

    /// The price of `money` spent on `tokens`; `None` for zero tokens.
    pub fn of(money: Money, tokens: Tokens) -> Option<PerMTok> {
        money.0.checked_div(tokens.mtok()).map(PerMTok)
    }

    #[must_use]
    pub fn times(self, factor: Decimal) -> PerMTok {
        PerMTok(self.0 * factor)
    }

    /// That share of the price.
    #[must_use]
    pub fn share(self, s: Share) -> PerMTok {
        PerMTok(self.0 * s.0)
    }
}

impl Add for PerMTok {
    type Output = PerMTok;
    fn add(self, rhs: PerMTok) -> PerMTok {
        PerMTok(self.0 + rhs.0)
    }
}

impl Serialize for PerMTok {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.normalize().to_string())
    }
}

/// Serializes a decimal as its normalized string (`0.10` → `"0.1"`), the
/// form money takes in JSON.
fn normalized<S: Serializer>(d: Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&d.normalize().to_string())
}

/// A price per kilowatt-hour of electricity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct PricePerKwh(Decimal);

impl PricePerKwh {
    pub fn new(price: Decimal) -> Self {
        PricePerKwh(price)
    }

    pub fn amount(self) -> Decimal {
        self.0
    }

    /// What one kWh costs, as money (for display).
    pub fn unit_price(self) -> Money {
        Money(self.0)
    }

    /// What `energy` costs at this price.
    pub fn cost(self, energy: KilowattHours) -> Money {
        Money(self.0 * energy.0)
    }
}

impl Serialize for PricePerKwh {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        normalized(self.0, s)
    }
}

/// A rental price of one GPU for one hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct PricePerGpuHour(Decimal);

impl PricePerGpuHour {
    pub fn new(price: Decimal) -> Self {
        PricePerGpuHour(price)
    }

    pub fn amount(self) -> Decimal {
        self.0
    }

    /// What one GPU-hour costs, as money (for display).
    pub fn unit_price(self) -> Money {
        Money(self.0)
    }

    /// This price scaled by a plain factor (a spot discount's `1 − d`).
    #[must_use]
    pub fn times(self, factor: Decimal) -> PricePerGpuHour {
        PricePerGpuHour(self.0 * factor)
    }

    /// What `gpu_hours` GPU-hours cost at this price.
    pub fn cost(self, gpu_hours: Decimal) -> Money {
        Money(self.0 * gpu_hours)
    }
}

impl Serialize for PricePerGpuHour {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        normalized(self.0, s)
    }
}

/// Electrical power drawn by a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash, Serialize)]
#[serde(transparent)]
pub struct Watts(Decimal);

impl Watts {
    pub fn new(w: Decimal) -> Self {
        Watts(w)
    }

    pub fn amount(self) -> Decimal {
        self.0
    }

    /// The energy drawn over `hours` hours.
    pub fn over_hours(self, hours: Decimal) -> WattHours {
        WattHours(self.0 * hours)
    }
}

impl Sub for Watts {
    type Output = Watts;
    fn sub(self, rhs: Watts) -> Watts {
        Watts(self.0 - rhs.0)
    }
}

/// Energy in watt-hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct WattHours(Decimal);

impl WattHours {
    /// In kilowatt-hours, exactly.
    pub fn kwh(self) -> KilowattHours {
        KilowattHours(self.0 / Decimal::from(1000))
    }
}

impl Add for WattHours {
    type Output = WattHours;
    fn add(self, rhs: WattHours) -> WattHours {
        WattHours(self.0 + rhs.0)
    }
}

/// Energy in kilowatt-hours, the unit electricity is billed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct KilowattHours(Decimal);

impl KilowattHours {
    pub fn amount(self) -> Decimal {
        self.0
    }

    /// Scaled by a plain factor (a power usage effectiveness).
    #[must_use]
    pub fn times(self, factor: Decimal) -> KilowattHours {
        KilowattHours(self.0 * factor)
    }
}

impl std::fmt::Display for Share {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A share from 0 to 1 (of tokens, of a cost).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash, Serialize)]
#[serde(transparent)]
pub struct Share(Decimal);

impl Share {
    pub const ZERO: Share = Share(Decimal::ZERO);
    pub const ONE: Share = Share(Decimal::ONE);

    /// `None` outside 0..=1.
    pub fn new(s: Decimal) -> Option<Self> {
        (Decimal::ZERO..=Decimal::ONE)
            .contains(&s)
            .then_some(Share(s))
    }

    pub fn get(self) -> Decimal {
        self.0
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// What is left: `1 − share`.
    #[must_use]
    pub fn rest(self) -> Share {
        Share(Decimal::ONE - self.0)
    }

    /// 1 − s.
    #[must_use]
    pub fn complement(self) -> Share {
        Share(Decimal::ONE - self.0)
    }

    /// The share of a share (s · t).
    #[must_use]
    pub fn of(self, t: Share) -> Share {
        Share(self.0 * t.0)
    }
}

/// A token volume (per month unless said otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash, Serialize)]
#[serde(transparent)]
pub struct Tokens(pub u64);

impl Tokens {
    /// In millions of tokens, exactly.
    pub fn mtok(self) -> Decimal {
        Decimal::from(self.0) / Decimal::from(1_000_000u32)
    }

    pub fn as_decimal(self) -> Decimal {
        Decimal::from(self.0)
    }
}

/// Largest volume tco reads or solves for: 10^15 tokens a month.
pub const MAX_TOKENS: u64 = 1_000_000_000_000_000;

/// Reads `250k`, `100M`, `1.5B`, `2T`, `1_000_000` or a plain integer.
pub fn parse_tokens(text: &str) -> Result<Tokens, String> {
    let t = text.trim().replace(['_', ','], "");
    if t.is_empty() {
        return Err("a volume is empty".into());
    }
    let (num, mult) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let mult: u64 = match c {
                'k' | 'K' => 1_000,
                'M' => 1_000_000,
                'B' | 'G' => 1_000_000_000,
                'T' => 1_000_000_000_000,
                'm' => {
                    return Err(format!(
                        "`{text}`: lower-case m is ambiguous; write M for million"
                    ))
                }
                _ => return Err(format!("`{text}` has an unknown suffix `{c}`")),
            };
            (&t[..i], mult)
        }
        _ => (t.as_str(), 1),
    };
    let value: Decimal = num
        .parse::<Decimal>()
        .or_else(|_| Decimal::from_scientific(num))
        .map_err(|_| format!("`{text}` is not a token volume"))?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err(format!("`{text}` is negative"));
    }
    let total = value
        .checked_mul(Decimal::from(mult))
        .ok_or_else(|| format!("`{text}` is too large"))?;
    if total.fract() != Decimal::ZERO {
        return Err(format!("`{text}` is not a whole number of tokens"));
    }
    use rust_decimal::prelude::ToPrimitive;
    let n = total
        .to_u64()
        .ok_or_else(|| format!("`{text}` is too large"))?;
    if n > MAX_TOKENS {
        return Err(format!("`{text}` is above the limit of 10^15 tokens"));
    }
    Ok(Tokens(n))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn volumes_with_suffixes() {
        assert_eq!(parse_tokens("250k"), Ok(Tokens(250_000)));
        assert_eq!(parse_tokens("100M"), Ok(Tokens(100_000_000)));
        assert_eq!(parse_tokens("1.5B"), Ok(Tokens(1_500_000_000)));
        assert_eq!(parse_tokens("2T"), Ok(Tokens(2_000_000_000_000)));
        assert_eq!(parse_tokens("1_000"), Ok(Tokens(1000)));
        assert_eq!(parse_tokens("0"), Ok(Tokens(0)));
        assert!(parse_tokens("1.5").is_err());
        assert!(parse_tokens("-1M").is_err());
        assert!(parse_tokens("5m").is_err());
        assert!(parse_tokens("2000T").is_err());
        assert!(parse_tokens("99999999999999999999999999999999999T").is_err());
        assert!(parse_tokens("abc").is_err());
    }

    #[test]
    fn money_rounds_half_away_from_zero() {
        assert_eq!(Money::new(dec!(2.345)).round_cents().amount(), dec!(2.35));
        assert_eq!(Money::new(dec!(-2.345)).round_cents().amount(), dec!(-2.35));
        assert_eq!(Money::new(dec!(2.3449)).round_cents().amount(), dec!(2.34));
    }

    #[test]
    fn price_times_tokens() {
        assert_eq!(
            PerMTok::new(dec!(5.40)).cost(Tokens(100_000_000)).amount(),
            dec!(540)
        );
        assert_eq!(
            PerMTok::new(dec!(0.15)).cost(Tokens(1)).amount(),
            dec!(0.00000015)
        );
    }
}
