//! On stable, in CI: every committed corpus input and every regression input
//! (each crash or hang the fuzzer ever found, and the hostile files of issue
//! 12) through its target's logic, each in bounded time; then a few thousand
//! deterministic mutations of the corpus (byte flips, truncations, splices),
//! a cheap stand-in for the nightly campaign of `fuzz/run.sh`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

fn inputs(kind: &str, target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = fuzz_dir().join(kind).join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<(PathBuf, Vec<u8>)> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter_map(|p| std::fs::read(&p).ok().map(|b| (p, b)))
        .collect();
    out.sort();
    out
}

/// Debug build, loaded 2-core machine: an input that takes longer is a hang.
const PER_INPUT: Duration = Duration::from_secs(20);

fn run_timed(target: &str, f: fn(&[u8]), what: &Path, data: &[u8]) {
    let t0 = Instant::now();
    f(data);
    let took = t0.elapsed();
    assert!(
        took < PER_INPUT,
        "{target}: {} took {took:?}",
        what.display()
    );
}

#[test]
fn every_target_has_a_corpus() {
    for (name, _) in tco_fuzz::TARGETS {
        assert!(
            !inputs("corpus", name).is_empty(),
            "fuzz/corpus/{name} is empty"
        );
        assert!(
            fuzz_dir().join(format!("fuzz_targets/{name}.rs")).is_file(),
            "no fuzz target for {name}"
        );
    }
}

#[test]
fn corpus_and_regressions_replay_cleanly() {
    let mut n = 0;
    for (name, f) in tco_fuzz::TARGETS {
        for kind in ["corpus", "regressions"] {
            for (path, data) in inputs(kind, name) {
                run_timed(name, *f, &path, &data);
                n += 1;
            }
        }
    }
    eprintln!("replayed {n} inputs");
    assert!(n >= tco_fuzz::TARGETS.len());
}

/// xorshift64*: deterministic, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const TOKENS: &[&[u8]] = &[
    b"&a ",
    b"*a",
    b"[",
    b"]",
    b"{",
    b"}",
    b"- ",
    b": ",
    b"\n",
    b"1e28",
    b"-1",
    b"0",
    b".nan",
    b"{dist: normal, mean: 1, sd: 9}",
    b"\"",
    b"\xff",
    b"~",
    b"99999999999999999999",
];

fn mutate(rng: &mut Rng, data: &[u8], other: &[u8]) -> Vec<u8> {
    let mut d = data.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(d.len() + 1);
        match rng.below(5) {
            0 if !d.is_empty() => {
                let i = rng.below(d.len());
                d[i] ^= 1 << rng.below(8);
            }
            1 => d.truncate(at),
            2 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                d.splice(at..at, t.iter().copied());
            }
            3 if !other.is_empty() => {
                let from = rng.below(other.len());
                let len = rng.below(other.len() - from + 1).min(256);
                d.splice(at..at, other[from..from + len].iter().copied());
            }
            _ => {
                let end = (at + rng.below(32)).min(d.len());
                d.drain(at..end);
            }
        }
    }
    d
}

#[test]
fn mutations_of_the_corpus() {
    let mut rng = Rng(0x7c0_f00d);
    let mut n = 0;
    for (name, f) in tco_fuzz::TARGETS {
        let corpus = inputs("corpus", name);
        // Fewer for the slow end-to-end targets, so CI stays short.
        let per_file = match *name {
            "scenario" | "set" => 20,
            _ => 60,
        };
        for (path, data) in &corpus {
            for _ in 0..per_file {
                let other = &corpus[rng.below(corpus.len())].1;
                let m = mutate(&mut rng, data, other);
                run_timed(name, *f, path, &m);
                n += 1;
            }
        }
    }
    eprintln!("ran {n} mutated inputs");
}
