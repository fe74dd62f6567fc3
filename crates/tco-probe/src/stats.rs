//! Summary statistics of repeated measurements: mean, sample standard
//! deviation and the 95 % Student's-t confidence interval of the mean.

pub use tco_core::input::calibration_schema::{t_975, Summary};

/// The median of `samples` (NaN-free input assumed).
pub fn median(samples: &[f64]) -> Option<f64> {
    if samples.is_empty() {
        return None;
    }
    let mut v = samples.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let m = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn three_samples_by_hand() {
        // mean 12; sd = sqrt((4 + 0 + 4) / 2) = 2; t(0.975, 2) = 4.302653;
        // half width = 4.302653 * 2 / sqrt(3) = 4.968275.
        let s = Summary::of(&[10.0, 12.0, 14.0]).unwrap();
        assert_eq!(s.mean, 12.0);
        assert_eq!(s.sd, 2.0);
        let [lo, hi] = s.ci95.unwrap();
        assert!(close(lo, 7.031725, 1e-5), "{lo}");
        assert!(close(hi, 16.968275, 1e-5), "{hi}");
    }

    #[test]
    fn five_samples_by_hand() {
        // mean 3; sd = sqrt(10 / 4) = 1.581139; t(0.975, 4) = 2.776445;
        // half width = 2.776445 * 1.581139 / sqrt(5) = 1.963243.
        let s = Summary::of(&[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        assert_eq!(s.mean, 3.0);
        assert!(close(s.sd, 1.581139, 1e-6));
        let [lo, hi] = s.ci95.unwrap();
        assert!(close(lo, 1.036757, 1e-5), "{lo}");
        assert!(close(hi, 4.963243, 1e-5), "{hi}");
    }

    #[test]
    fn t_quantiles_match_tables() {
        assert!(close(t_975(1), 12.706205, 1e-4));
        assert!(close(t_975(9), 2.262157, 1e-5));
        assert!(close(t_975(30), 2.042272, 1e-5));
    }

    #[test]
    fn one_sample_has_no_interval_and_none_is_none() {
        let s = Summary::of(&[7.0]).unwrap();
        assert_eq!((s.mean, s.sd, s.ci95), (7.0, 0.0, None));
        assert!(Summary::of(&[]).is_none());
        assert!(Summary::of(&[1.0, f64::NAN]).is_none());
    }

    #[test]
    fn medians() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
    }
}
