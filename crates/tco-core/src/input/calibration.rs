//! Calibration files: what `tco probe` measured on a machine, read back by a
//! scenario's `throughput: {calibration: FILE, concurrency: N}`.
//!
//! The file is written by tco-probe (`tco probe --out`, `tco probe import`)
//! and tco-loadgen (`tco probe --server`) through the same serde types this
//! reader uses ([`crate::input::calibration_schema`]); this is the reading
//! side, pure so the page can use it too. Unknown fields are errors: a
//! calibration is tco's own format (llama-bench's, vLLM's and guidellm's
//! outputs are turned into one by `tco probe import`, which tolerates their
//! growing schemas).

use rust_decimal::Decimal;

use crate::input::calibration_schema::{CalibrationFile, Summary};
use crate::model::throughput::{Measured, MeasuredThroughput};

pub use crate::input::calibration_schema::{FORMAT, FORMAT_V1};

/// A parsed calibration file (either version; the schema is
/// [`crate::input::calibration_schema`], the same types the writers use).
#[derive(Debug, Clone)]
pub struct Calibration {
    file: CalibrationFile,
}

fn dec(x: f64, what: &str) -> Result<Decimal, String> {
    Decimal::from_f64_retain(x)
        .map(|d| d.round_dp(6).normalize())
        .ok_or_else(|| format!("{what} is not a finite number: {x}"))
}

fn measured(s: &Summary, what: &str) -> Result<Measured, String> {
    if !(s.mean.is_finite() && s.mean > 0.0) {
        return Err(format!(
            "{what}: mean must be a positive number, not {}",
            s.mean
        ));
    }
    if !(s.sd.is_finite() && s.sd >= 0.0) {
        return Err(format!("{what}: sd must be zero or positive, not {}", s.sd));
    }
    let mean = dec(s.mean, what)?;
    let ci95 = match s.ci95 {
        Some([lo, hi]) if lo <= hi => (dec(lo, what)?, dec(hi, what)?),
        Some([lo, hi]) => return Err(format!("{what}: ci95 [{lo}, {hi}] is upside down")),
        None => (mean, mean),
    };
    Ok(Measured {
        mean,
        sd: dec(s.sd, what)?,
        ci95,
        samples: s.n,
    })
}

/// A rate measured once over a whole level: no spread.
fn point(x: f64, n: usize, what: &str) -> Result<Measured, String> {
    measured(
        &Summary {
            mean: x,
            sd: 0.0,
            ci95: None,
            n,
        },
        what,
    )
}

impl Calibration {
    /// Parses a calibration file's text (YAML or JSON).
    pub fn parse(text: &str) -> Result<Calibration, String> {
        let file = CalibrationFile::from_text(text)?;
        let cal = Calibration { file };
        // Refuse bad figures now, not when a scenario asks for them.
        let first = cal.concurrencies().first().copied().unwrap_or(1);
        cal.throughput(first)?;
        Ok(cal)
    }

    /// The file as read.
    pub fn file(&self) -> &CalibrationFile {
        &self.file
    }

    /// The concurrencies the file has decode figures for.
    pub fn concurrencies(&self) -> Vec<u32> {
        let mut c: Vec<u32> = match &self.file.summary {
            Some(s) => {
                let mut c: Vec<u32> = s.concurrency.iter().map(|r| r.concurrency).collect();
                if !c.contains(&1) {
                    c.insert(0, 1);
                }
                c
            }
            None => self
                .file
                .usable_levels()
                .filter_map(|l| l.concurrency)
                .collect(),
        };
        c.sort_unstable();
        c.dedup();
        c
    }

    /// Warnings recorded when the calibration was made.
    pub fn warnings(&self) -> &[String] {
        &self.file.warnings
    }

    /// The throughput a scenario uses at `concurrency` parallel sequences.
    pub fn throughput(&self, concurrency: u32) -> Result<MeasuredThroughput, String> {
        match (&self.file.summary, &self.file.machine, &self.file.model) {
            (Some(_), Some(_), Some(_)) => self.in_process(concurrency),
            _ => self.server(concurrency),
        }
    }

    fn in_process(&self, concurrency: u32) -> Result<MeasuredThroughput, String> {
        let (Some(s), Some(m), Some(model)) =
            (&self.file.summary, &self.file.machine, &self.file.model)
        else {
            return Err("the calibration holds no in-process measurement".to_string());
        };
        let decode = if concurrency == 1 {
            measured(&s.decode_tps, "summary.decode_tps")?
        } else {
            let row = s
                .concurrency
                .iter()
                .find(|r| r.concurrency == concurrency)
                .ok_or_else(|| {
                    let have: Vec<String> =
                        self.concurrencies().iter().map(u32::to_string).collect();
                    format!(
                        "the calibration has no figure for concurrency {concurrency} (it was measured at {}; re-run `tco probe --concurrency {concurrency}`)",
                        have.join(", ")
                    )
                })?;
            measured(&row.decode_tps, "summary.concurrency.decode_tps")?
        };
        let prefill = measured(&s.prefill_tps, "summary.prefill_tps")?;
        let ttft_seconds = s
            .ttft_s
            .as_ref()
            .map(|t| measured(t, "summary.ttft_s"))
            .transpose()?;
        let machine_bandwidth_gbs = m
            .bandwidth_gbs
            .map(|b| dec(b, "machine.bandwidth_gbs"))
            .transpose()?;
        let synthetic = model.synthetic.is_some();
        let gpu = m
            .gpu
            .as_deref()
            .map(|g| format!(", {g}"))
            .unwrap_or_default();
        let description = format!(
            "{} on {} ({}{gpu}, {} threads): {} {}{}, concurrency {concurrency}, {}",
            self.file.source,
            m.cpu,
            m.backend,
            m.threads,
            model.file,
            model.quantization,
            if synthetic {
                " (synthetic weights)"
            } else {
                ""
            },
            self.file.date
        );
        Ok(MeasuredThroughput {
            prefill,
            decode,
            machine_id: m.hardware_id.clone(),
            machine_bandwidth_gbs,
            model_bytes: Some(model.bytes).filter(|b| *b > 0),
            description,
            ttft_seconds,
            synthetic,
        })
    }

    /// A server measurement: prefill from the lowest level's TTFT, decode at
    /// `concurrency` net of the prefill work (see
    /// [`CalibrationFile::server_rates`]).
    fn server(&self, concurrency: u32) -> Result<MeasuredThroughput, String> {
        let r = self.file.server_rates(concurrency)?;
        let n = r.level.completed as usize;
        let ttft_seconds = match &r.level.ttft_ms {
            Some(d) if concurrency == 1 => Some(measured(
                &Summary {
                    mean: d.mean / 1e3,
                    sd: d.sd / 1e3,
                    ci95: None,
                    n: d.n,
                },
                "levels.ttft_ms",
            )?),
            _ => None,
        };
        let server = self.file.server.as_ref();
        let description = format!(
            "{} of {}{} serving {} ({} API): concurrency {concurrency}, {:.1} output tokens/s, TTFT p50 {}, {}{}",
            self.file.source,
            server.map_or("a server", |s| s.kind.as_str()),
            server
                .and_then(|s| s.version.as_deref())
                .map(|v| format!(" {v}"))
                .unwrap_or_default(),
            server.map_or("?", |s| s.model.as_str()),
            server.map_or("?", |s| s.api.as_str()),
            r.level.output_tps,
            r.level
                .ttft_ms
                .as_ref()
                .map_or("–".to_string(), |d| format!("{:.0} ms", d.p50)),
            self.file.date,
            if self.file.partial { " (partial run)" } else { "" }
        );
        Ok(MeasuredThroughput {
            prefill: point(r.prefill_tps, n, "prefill from levels[0] (prompt / TTFT)")?,
            decode: point(r.decode_tps, n, "levels.output_tps")?,
            machine_id: self
                .file
                .machine
                .as_ref()
                .and_then(|m| m.hardware_id.clone()),
            machine_bandwidth_gbs: None,
            model_bytes: None,
            description,
            ttft_seconds,
            synthetic: false,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const FILE: &str = r#"
format: tco-calibration/1
tco_version: 0.1.0
date: 2026-11-20T21:00:00Z
source: tco probe
machine: {cpu: AMD EPYC, cores: 2, threads: 2, backend: CPU, gpu: null, memory_bytes: 25000000000,
          os: linux x86_64, hardware_id: null, bandwidth_gbs: 20.0}
model: {file: m.gguf, bytes: 1000000000, params: 1200000000, quantization: Q8_0,
        sha256: null, architecture: llama, synthetic: null}
settings: {prompt_tokens: 200, gen_tokens: 500, reps: 3}
samples:
  - {test: prefill, concurrency: 1, rep: 0, tokens: 200, seconds: 0.5}
summary:
  prefill_tps: {mean: 400.0, sd: 20.0, ci95: [350.3, 449.7], n: 3}
  decode_tps: {mean: 15.5, sd: 0.5, ci95: [14.26, 16.74], n: 3}
  ttft_s: {mean: 0.5, sd: 0.01, ci95: [0.48, 0.52], n: 3}
  concurrency:
    - {concurrency: 1, decode_tps: {mean: 15.5, sd: 0.5, ci95: [14.26, 16.74], n: 3}}
    - {concurrency: 4, decode_tps: {mean: 50.0, sd: 2.0, ci95: [45.03, 54.97], n: 3}}
  pp: null
  tg: null
  decode_ceiling_tps: 20.0
  efficiency: 0.775
"#;

    #[test]
    fn reads_rates_at_each_concurrency() {
        let cal = Calibration::parse(FILE).unwrap();
        let t1 = cal.throughput(1).unwrap();
        assert_eq!(t1.prefill.mean, Decimal::new(400, 0));
        assert_eq!(t1.decode.mean, Decimal::new(155, 1));
        assert_eq!(
            t1.decode.ci95,
            (Decimal::new(1426, 2), Decimal::new(1674, 2))
        );
        assert_eq!(t1.decode.samples, 3);
        assert_eq!(t1.machine_bandwidth_gbs, Some(Decimal::new(20, 0)));
        assert_eq!(t1.model_bytes, Some(1_000_000_000));
        assert!(t1.description.contains("AMD EPYC"), "{}", t1.description);
        let t4 = cal.throughput(4).unwrap();
        assert_eq!(t4.decode.mean, Decimal::new(50, 0));
        let err = cal.throughput(8).unwrap_err();
        assert!(err.contains("measured at 1, 4"), "{err}");
    }

    #[test]
    fn refuses_unknown_fields_other_formats_and_bad_figures() {
        let err = Calibration::parse(&FILE.replace("source:", "sauce: 1\nsource:")).unwrap_err();
        assert!(err.contains("sauce"), "{err}");
        let err = Calibration::parse(&FILE.replace("tco-calibration/1", "tco-calibration/9"))
            .unwrap_err();
        assert!(err.contains("not supported"), "{err}");
        let err = Calibration::parse(&FILE.replace("mean: 400.0", "mean: -4")).unwrap_err();
        assert!(err.contains("positive"), "{err}");
        assert!(Calibration::parse("[1, 2]").is_err());
    }

    const SERVER: &str = r#"
format: tco-calibration/2
tco_version: 0.1.0
date: 2026-12-03T17:00:00Z
source: tco probe --server
server: {kind: llama-server, version: b1-x, endpoint: "http://127.0.0.1:8080", api: openai, model: m.gguf}
levels:
  - {concurrency: 1, status: ok, completed: 10, failed: 0, duration_s: 10, achieved_concurrency: 1,
     request_rate: 1, prompt_tokens: 2000, output_tokens: 300, output_tps: 30, total_tps: 90,
     ttft_ms: {mean: 100, sd: 5, p50: 99, p90: 105, p95: 108, p99: 110, max: 111, n: 10}}
  - {concurrency: 4, status: ok, completed: 10, failed: 0, duration_s: 5, achieved_concurrency: 3.9,
     request_rate: 2, prompt_tokens: 2000, output_tokens: 500, output_tps: 100, total_tps: 500,
     ttft_ms: {mean: 400, sd: 50, p50: 390, n: 10}}
  - {concurrency: 8, status: failing, completed: 3, failed: 7, duration_s: 5, achieved_concurrency: 7,
     request_rate: 0.6, prompt_tokens: 600, output_tokens: 90, output_tps: 18, total_tps: 138}
"#;

    #[test]
    fn reads_a_server_measurement() {
        let cal = Calibration::parse(SERVER).unwrap();
        // The failing level is not offered.
        assert_eq!(cal.concurrencies(), vec![1, 4]);
        // Prefill: 200 prompt tokens / 0.1 s = 2000 tok/s. Decode at 4:
        // 400 input tok/s take 0.2 of each second, so 100 / 0.8 = 125.
        let t4 = cal.throughput(4).unwrap();
        assert_eq!(t4.prefill.mean, Decimal::new(2000, 0));
        assert_eq!(t4.decode.mean, Decimal::new(125, 0));
        assert_eq!(t4.decode.samples, 10);
        assert!(
            t4.description.contains("llama-server b1-x"),
            "{}",
            t4.description
        );
        assert!(t4.ttft_seconds.is_none());
        let t1 = cal.throughput(1).unwrap();
        // 30 output + 60 input tok/s: 60/2000 = 0.03 of the time prefilling.
        // 30 / 0.97, to six decimals as every rate read from a file.
        assert_eq!(t1.decode.mean, Decimal::new(30_927_835, 6));
        assert_eq!(t1.ttft_seconds.unwrap().mean, Decimal::new(1, 1));
        let err = cal.throughput(8).unwrap_err();
        assert!(err.contains("measured at 1, 4"), "{err}");
        // A v1 file may not hold levels.
        let v1 = SERVER.replace("tco-calibration/2", "tco-calibration/1");
        assert!(Calibration::parse(&v1)
            .unwrap_err()
            .contains("needs machine"));
    }
}
