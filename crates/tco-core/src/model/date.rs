//! Calendar dates (proleptic Gregorian, no time zone): price schedules,
//! `--date`, exchange-rate dates and staleness all need only "which day",
//! comparisons, whole months ahead and a difference in days.

use serde::{Serialize, Serializer};
use std::fmt;

/// A calendar day, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

impl Date {
    /// The date, if it exists (year 1900 to 9999).
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        ((1900..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(i64::from(year), month))
        .then_some(Date { year, month, day })
    }

    /// Reads `YYYY-MM-DD` exactly (no time, no other form).
    ///
    /// ```
    /// use tco_core::model::date::Date;
    /// assert_eq!(Date::parse("2026-02-29"), None);
    /// assert_eq!(Date::parse("2028-02-29").unwrap().to_string(), "2028-02-29");
    /// ```
    pub fn parse(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        if b.len() != 10
            || b[4] != b'-'
            || b[7] != b'-'
            || !b
                .iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        {
            return None;
        }
        Date::new(
            text[0..4].parse().ok()?,
            text[5..7].parse().ok()?,
            text[8..10].parse().ok()?,
        )
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let (y, m, d) = (
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        );
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01, if it is within 1900–9999.
    pub fn from_days(days: i64) -> Option<Date> {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        Date::new(
            u16::try_from(y).ok()?,
            u8::try_from(m).ok()?,
            u8::try_from(d).ok()?,
        )
    }

    /// The same day `months` months later, clamped to the month's last day
    /// (2026-01-31 + 1 month = 2026-02-28); saturates at 9999-12.
    pub fn add_months(self, months: u32) -> Date {
        let total = i64::from(self.year) * 12 + i64::from(self.month) - 1 + i64::from(months);
        let y = (total / 12).min(9999);
        let m = if total / 12 > 9999 {
            12
        } else {
            (total % 12 + 1) as u8
        };
        let d = self.day.min(days_in_month(y, m));
        Date {
            year: y as u16,
            month: m,
            day: d,
        }
    }

    /// Whole days from `earlier` to `self` (negative when `earlier` is later).
    pub fn days_since(self, earlier: Date) -> i64 {
        self.days() - earlier.days()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parse_checks_the_calendar() {
        assert!(Date::parse("2026-08-21").is_some());
        for bad in [
            "2026-13-01",
            "2026-04-31",
            "2025-02-29",
            "26-08-21",
            "2026/08/21",
            "2026-08-21T00",
            "1899-12-31",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
        assert!(Date::parse("2000-02-29").is_some());
        assert_eq!(Date::parse("1900-02-29"), None);
    }

    #[test]
    fn days_round_trip() {
        assert_eq!(Date::parse("1970-01-01").unwrap().days(), 0);
        assert_eq!(Date::parse("2025-11-20").unwrap().days(), 20_412);
        for d in [-25_567, -1, 0, 59, 20_412, 2_932_896] {
            assert_eq!(Date::from_days(d).unwrap().days(), d);
        }
        let a = Date::parse("2026-08-21").unwrap();
        let b = Date::parse("2026-12-03").unwrap();
        assert_eq!(b.days_since(a), 104);
    }

    #[test]
    fn months_clamp_to_the_last_day() {
        let d = Date::parse("2026-01-31").unwrap();
        assert_eq!(d.add_months(1).to_string(), "2026-02-28");
        assert_eq!(d.add_months(13).to_string(), "2027-02-28");
        assert_eq!(d.add_months(25).to_string(), "2028-02-29");
        assert_eq!(
            Date::parse("2026-12-03").unwrap().add_months(1).to_string(),
            "2027-01-03"
        );
        assert_eq!(
            Date::parse("9999-12-01").unwrap().add_months(5).to_string(),
            "9999-12-01"
        );
    }
}
