//! No input makes tco panic: ~200 generated inputs (random bytes, truncated
//! scenarios, scenarios with extreme numbers) through `validate` and `report`,
//! each of which must exit 0 or 1.

use crate::{bin, bundled_scenarios, root};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const EXTREMES: &[&str] = &[
    "1e28",
    "-0",
    "99999999999999999999999999999",
    "0.0000000000000000000000000001",
    "79228162514264337593543950335",
    "-79228162514264337593543950335",
    "1e-28",
    "0",
    "-1",
    ".inf",
    "1000000000000",
];

/// Byte ranges of the plain numeric values (`key: 123.4`) outside comments, with their keys.
fn number_spans(text: &str) -> Vec<(usize, usize, String)> {
    let mut spans = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let body = line.split(" #").next().unwrap_or_default();
        if !body.trim_start().starts_with('#') {
            if let Some(i) = body.find(": ") {
                let start = i + 2;
                let value = body[start..].trim_end();
                let lead = body[start..].len() - body[start..].trim_start().len();
                let v = value.trim_start();
                let numeric = !v.is_empty()
                    && v.chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_digit() || c == '-' || c == '.')
                    && v.chars()
                        .all(|c| c.is_ascii_digit() || "-.eE_kMBT".contains(c));
                if numeric {
                    let key = body[..i].trim().trim_start_matches("- ").to_string();
                    spans.push((offset + start + lead, offset + start + lead + v.len(), key));
                }
            }
        }
        offset += line.len();
    }
    spans
}

fn inputs() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    // Random bytes: raw, and YAML-ish punctuation soup.
    for i in 0..10 {
        let n = 1 + rng.below(600);
        let raw: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
        out.push((format!("random-bytes-{i}"), raw));
        let alphabet = b"ab:- \n\t[]{},#&*!|>'\"%@`0123456789.eE+~?";
        let soup: Vec<u8> = (0..n)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        out.push((format!("random-yaml-{i}"), soup));
    }
    for name in bundled_scenarios() {
        let text = std::fs::read_to_string(root().join(format!("scenarios/{name}.yaml"))).unwrap();
        // Truncated copies at multiples of 7 bytes, spread over the file (may split a UTF-8 character).
        let sevens = text.len() / 7;
        for k in 1..=7 {
            let cut = 7 * (sevens * k / 8);
            out.push((format!("{name}-cut-{cut}"), text.as_bytes()[..cut].to_vec()));
        }
        // One number at a time replaced by an extreme value, so evaluation runs on it.
        let spans = number_spans(&text);
        assert!(spans.len() > 5, "{name}: numbers found: {spans:?}");
        for (j, v) in EXTREMES.iter().enumerate() {
            let (a, b, key) = spans[(j * 7 + name.len()) % spans.len()].clone();
            let mut t = text.clone();
            t.replace_range(a..b, v);
            out.push((format!("{name}-{key}@{a}={v}"), t.into_bytes()));
        }
        // And every number at once.
        let mut t = text.clone();
        for (a, b, _key) in spans.iter().rev() {
            let v = EXTREMES[(a + b) % EXTREMES.len()];
            t.replace_range(*a..*b, v);
        }
        out.push((format!("{name}-all-extreme"), t.into_bytes()));
    }
    out
}

fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let o = Command::new(bin())
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .expect("run tco");
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn no_panic_on_generated_garbage() {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<(String, PathBuf)> = inputs()
        .into_iter()
        .enumerate()
        .map(|(i, (label, bytes))| {
            let p = dir.path().join(format!("in-{i}.yaml"));
            std::fs::write(&p, bytes).unwrap();
            (label, p)
        })
        .collect();
    assert!(files.len() >= 200, "{} inputs", files.len());
    let failures = std::sync::Mutex::new(Vec::new());
    let (ok, err) = (
        std::sync::atomic::AtomicUsize::new(0),
        std::sync::atomic::AtomicUsize::new(0),
    );
    // Two workers: the machine has two cores.
    std::thread::scope(|s| {
        for part in files.chunks(files.len().div_ceil(2)) {
            let (failures, ok, err, dir) = (&failures, &ok, &err, dir.path());
            s.spawn(move || {
                for (label, p) in part {
                    let file = p.file_name().unwrap().to_str().unwrap();
                    for args in [
                        &["validate", file][..],
                        &["report", file, "--format", "json"][..],
                    ] {
                        let (code, stderr) = run(dir, args);
                        match code {
                            Some(0) => {
                                ok.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            }
                            Some(1)
                                if stderr.starts_with("error: ")
                                    && !stderr.contains("panicked") =>
                            {
                                err.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            }
                            _ => failures.lock().unwrap().push(format!(
                                "{label} ({}): `tco {}` exited {code:?}:\n{stderr}",
                                p.display(),
                                args.join(" ")
                            )),
                        }
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    if !failures.is_empty() {
        // Keep the inputs for a look.
        let keep = dir.keep();
        panic!(
            "{} of {} runs did not exit 0 or 1 (inputs kept in {}):\n\n{}",
            failures.len(),
            files.len() * 2,
            keep.display(),
            failures.join("\n")
        );
    }
    // The generator reaches both outcomes: some extreme values are still valid.
    assert!(ok.into_inner() > 0, "some generated inputs are valid");
    assert!(err.into_inner() > 0);
}

#[test]
fn no_panic_on_extreme_overrides_and_volumes() {
    let lit = "scenarios/lit-4xa100-vs-sonnet.yaml";
    let dir = root();
    let mut failures = Vec::new();
    let cases: &[&[&str]] = &[
        &["report", lit, "--set", "workload.tokens_per_month=1000T"],
        &[
            "report",
            lit,
            "--set",
            "workload.tokens_per_month=99999999999999999999999999999",
        ],
        &["report", lit, "--set", "local[0].owned.price=1000000000000"],
        &[
            "report",
            lit,
            "--set",
            "local[0].throughput.tokens_per_second=0.000001",
        ],
        &[
            "report",
            lit,
            "--set",
            "local[0].throughput.tokens_per_second=100000000",
        ],
        &["report", lit, "--set", "local[0].staff.annual_cost=1e28"],
        &[
            "breakeven",
            lit,
            "--set",
            "local[0].throughput.tokens_per_second=0.001",
        ],
        &["breakeven", lit, "--set", "local[0].max_nodes=1"],
        &[
            "sweep", lit, "--from", "1", "--to", "1000T", "--points", "50",
        ],
        &[
            "sweep",
            lit,
            "--from",
            "0",
            "--to",
            "1000T",
            "--points",
            "50",
            "--spacing",
            "linear",
        ],
        &["sweep", lit, "--from", "1", "--to", "1001T"],
        &["compare", lit, "--volume", "1000T"],
        &["compare", lit, "--volume", "0"],
        &["report", "--set", "finance.api_price_change_per_year=-1"],
    ];
    for args in cases {
        let (code, stderr) = run(&dir, args);
        if !matches!(code, Some(0 | 1)) || stderr.contains("panicked") {
            failures.push(format!(
                "`tco {}` exited {code:?}:\n{stderr}",
                args.join(" ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn tiny_positive_values_do_not_panic() {
    let dir = root();
    let lit = "scenarios/lit-4xa100-vs-sonnet.yaml";
    let doc = "scenarios/document-extraction.yaml";
    let mut failures = Vec::new();
    for (scenario, path) in [
        (lit, "hours_per_month"),
        (lit, "local[0].owned.cost_of_capital"),
        (lit, "local[0].throughput.tokens_per_second"),
        (lit, "local[0].max_utilization"),
        (lit, "local[0].model.params_b"),
        (doc, "local[0].throughput.prefill_tokens_per_second"),
        (doc, "local[0].throughput.decode_tokens_per_second"),
    ] {
        for v in ["1e-28", "0.0000000000000000000000000001"] {
            let set = format!("{path}={v}");
            let (code, stderr) = run(&dir, &["report", scenario, "--set", &set]);
            if !matches!(code, Some(0 | 1)) || stderr.contains("panicked") {
                failures.push(format!(
                    "`tco report {scenario} --set {set}` exited {code:?}:\n{stderr}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
