//! Faults that lose nothing (issue 12, item 4): a `tco` killed with SIGKILL at
//! random moments while it writes leaves the old file whole or the new one
//! whole, never a truncated one; a full disk and a read-only destination are
//! clear errors that keep the old file; a scenario whose calibration is
//! missing, corrupt or a folder is a located error.
//!
//! The full and read-only disks are small tmpfs mounts made in a private
//! mount namespace (`unshare -rm`), so the test needs neither root nor
//! changes to the machine; without `unshare` it fails and says so.

use crate::{bin, root, tco, tco_in};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A LiteLLM-style price list of `n` chat models: big enough (about 90 bytes
/// of YAML each) that writing the import takes a while.
fn litellm(n: usize) -> String {
    let mut s = String::from("{");
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!(
            "\"model-{i}\": {{\"mode\": \"chat\", \"litellm_provider\": \"vendor{}\", \"input_cost_per_token\": {}e-07, \"output_cost_per_token\": {}e-06, \"max_input_tokens\": 128000}}",
            i % 7,
            i % 90 + 1,
            i % 40 + 1
        ));
    }
    s.push('}');
    s
}

/// A deterministic generator (xorshift64*) for the kill moments.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// Runs `tco ARGS` to completion once (the reference output), then `rounds`
/// times killed with SIGKILL after a random delay within the run's duration,
/// each time over `old`: the file must then be `old` or the reference, byte
/// for byte.
fn kill_during_write(dir: &Path, out: &Path, args: &[&str], rounds: usize, seed: u64) {
    let old = b"# the old file, which must survive whole\nmodels: []\n".to_vec();
    std::fs::write(out, &old).unwrap();
    let t0 = Instant::now();
    tco_in(dir, args).ok();
    let full = t0.elapsed();
    let reference = std::fs::read(out).unwrap();
    assert_ne!(reference, old);
    let mut rng = Rng(seed);
    let (mut saw_old, mut saw_new) = (0, 0);
    for round in 0..rounds {
        std::fs::write(out, &old).unwrap();
        let mut child = Command::new(bin())
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Up to 1.2 × the full run, so some kills land after the rename.
        let micros = full.as_micros() as u64 * 12 / 10;
        std::thread::sleep(Duration::from_micros(rng.next() % micros.max(1)));
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        let now = std::fs::read(out).unwrap();
        if now == old {
            saw_old += 1;
        } else if now == reference {
            saw_new += 1;
        } else {
            panic!(
                "round {round}: {} is neither the old file nor the new one ({} bytes of {})",
                out.display(),
                now.len(),
                reference.len()
            );
        }
    }
    eprintln!(
        "{}: {rounds} kills, old file kept {saw_old}×, new file whole {saw_new}× (full run {full:?})",
        args[..2].join(" ")
    );
    // Temporary files of killed runs may stay (SIGKILL runs no cleanup), but
    // only under the writer's hidden .tco-*.tmp names.
    for e in std::fs::read_dir(out.parent().unwrap()).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            !name.ends_with(".yaml") || dir.join(&name) == out || name == "in.yaml",
            "stray file {name}"
        );
    }
}

#[test]
fn sigkill_during_prices_import_never_truncates() {
    let d = tempfile::tempdir().unwrap();
    let json = d.path().join("prices.json");
    std::fs::write(&json, litellm(6000)).unwrap();
    let out = d.path().join("api.yaml");
    kill_during_write(
        d.path(),
        &out,
        &[
            "prices",
            "import",
            "prices.json",
            "-o",
            "api.yaml",
            "--force",
        ],
        40,
        1,
    );
}

#[test]
fn sigkill_during_probe_import_never_truncates() {
    let d = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("tests/data/llama-bench-sample.json"),
        d.path().join("bench.json"),
    )
    .unwrap();
    let out = d.path().join("box.yaml");
    kill_during_write(
        d.path(),
        &out,
        &[
            "probe",
            "import",
            "bench.json",
            "--out",
            "box.yaml",
            "--force",
        ],
        40,
        2,
    );
}

/// `sh -c SCRIPT` in a private user and mount namespace, in `dir`.
fn in_namespace(dir: &Path, script: &str) -> (i32, String, String) {
    let o = Command::new("unshare")
        .args(["-rm", "sh", "-c", script])
        .current_dir(dir)
        .env("TCO", bin())
        .output()
        .expect("unshare (util-linux) is needed to mount a small tmpfs in a private namespace");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn a_full_disk_is_a_clear_error_and_keeps_the_old_file() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("prices.json"), litellm(3000)).unwrap();
    std::fs::copy(
        root().join("tests/data/llama-bench-sample.json"),
        d.path().join("bench.json"),
    )
    .unwrap();
    std::fs::create_dir(d.path().join("disk")).unwrap();
    // 64 KiB of disk: the old file fits, the 270 KB import does not.
    let (code, stdout, stderr) = in_namespace(
        d.path(),
        r#"set -e
mount -t tmpfs -o size=64k tmpfs disk
printf 'OLD\n' > disk/api.yaml
set +e
"$TCO" prices import prices.json -o disk/api.yaml --force; echo "rc=$?"
cat disk/api.yaml
ls -a disk
head -c 60000 /dev/zero > disk/filler
"$TCO" probe import bench.json --out disk/box.yaml; echo "rc=$?"
ls -a disk
"#,
    );
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stdout.contains("rc=1\nOLD\n"), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("disk/api.yaml: the disk holding disk is full; nothing was written"),
        "{stderr}"
    );
    assert!(
        stderr.contains("disk/box.yaml: the disk holding disk is full"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    // The failed writes left no temporary file behind.
    assert!(!stdout.contains(".tco-"), "{stdout}");
    assert!(!stdout.contains("box.yaml"), "{stdout}");
}

#[test]
fn a_read_only_destination_is_a_clear_error_and_keeps_the_old_file() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("prices.json"), litellm(10)).unwrap();
    std::fs::create_dir(d.path().join("ro")).unwrap();
    let (code, stdout, stderr) = in_namespace(
        d.path(),
        r#"set -e
mount -t tmpfs -o size=1m tmpfs ro
printf 'OLD\n' > ro/api.yaml
mount -o remount,ro ro
set +e
"$TCO" prices import prices.json -o ro/api.yaml --force; echo "rc=$?"
"$TCO" prices import prices.json -o ro/new.yaml; echo "rc=$?"
"$TCO" report --plot ro/cost.svg > /dev/null; echo "rc=$?"
cat ro/api.yaml
ls -a ro
"#,
    );
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(
        stdout.starts_with("rc=1\nrc=1\nrc=1\nOLD\n"),
        "{stdout}\n{stderr}"
    );
    for f in ["ro/api.yaml", "ro/new.yaml", "ro/cost.svg"] {
        assert!(
            stderr.contains(&format!(
                "{f}: cannot write in ro: the folder or its disk is read-only"
            )),
            "{f}: {stderr}"
        );
    }
    assert!(
        !stdout.contains("new.yaml") && !stdout.contains("cost.svg"),
        "{stdout}"
    );
}

/// A scenario naming `calibration` (relative to the scenario's folder).
fn calibrated(dir: &Path, calibration: &str) -> PathBuf {
    let s = dir.join("s.yaml");
    std::fs::write(
        &s,
        format!(
            "name: calibrated\nworkload: {{tokens_per_month: 10M}}\napi:\n  - {{name: a, input_per_mtok: 1, output_per_mtok: 2}}\nlocal:\n  - name: box\n    owned: {{price: 1000, amortization_months: 36}}\n    throughput: {{calibration: {calibration}}}\n"
        ),
    )
    .unwrap();
    s
}

#[test]
fn a_missing_corrupt_or_folder_calibration_is_a_located_error() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir(d.path().join("a-folder")).unwrap();
    std::fs::write(
        d.path().join("corrupt.yaml"),
        "format: tco-calibration/1\nsummary: [1, 2\n",
    )
    .unwrap();
    std::fs::write(d.path().join("binary.yaml"), b"\x00\xff\xfe garbage").unwrap();
    std::fs::write(d.path().join("other.yaml"), "name: not a calibration\n").unwrap();
    for (cal, want) in [
        ("missing.yaml", "missing.yaml: cannot read"),
        ("a-folder", "is a directory, not a file"),
        ("corrupt.yaml", "not a tco calibration file"),
        ("binary.yaml", "is not UTF-8 text"),
        ("other.yaml", "not a tco calibration file"),
    ] {
        let s = calibrated(d.path(), cal);
        for cmd in ["report", "validate", "simulate"] {
            let e = tco(&[cmd, s.to_str().unwrap()]);
            let err = e.user_error();
            // Located: the scenario's file, the calibration line and column, the field.
            assert!(
                err.contains(&format!("{}:8:", s.display())),
                "{cal} ({cmd}): {err}"
            );
            assert!(
                err.contains("local[0].throughput.calibration"),
                "{cal}: {err}"
            );
            assert!(err.contains(want), "{cal} ({cmd}): want `{want}` in {err}");
        }
    }
}
