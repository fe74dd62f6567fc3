//! Exit codes: 0 ok, 1 a user error, 2 a usage error; help, version and a
//! closed pipe are not errors.

use crate::{bin, root, tco};
use std::io::Read;
use std::process::{Command, Stdio};

#[test]
fn help_and_version_succeed() {
    let h = tco(&["--help"]);
    let text = h.ok();
    assert!(text.contains("Usage"), "{text}");
    assert!(text.contains("Exit codes"), "{text}");
    for sub in [
        "report",
        "compare",
        "breakeven",
        "sweep",
        "validate",
        "prices",
    ] {
        assert!(text.contains(sub), "--help lists {sub}");
    }
    for sub in ["report", "compare", "breakeven", "sweep", "validate"] {
        let h = tco(&[sub, "--help"]);
        assert!(
            h.ok().contains("--format") || sub == "validate",
            "{sub} --help"
        );
    }
    assert!(tco(&["prices", "import", "--help"])
        .ok()
        .contains("--force"));
    let v = tco(&["--version"]);
    assert!(v.ok().starts_with("tco "), "{}", v.stdout);
}

#[track_caller]
fn usage_error(args: &[&str]) -> String {
    let o = tco(args);
    assert_eq!(
        o.code,
        2,
        "`tco {}` is a usage error (2), got {}\n{}",
        args.join(" "),
        o.code,
        o.stderr
    );
    assert!(o.stdout.is_empty(), "nothing on stdout: {}", o.stdout);
    o.stderr
}

#[test]
fn usage_errors_exit_2() {
    assert!(usage_error(&["report", "--bogus"]).contains("--bogus"));
    assert!(usage_error(&["report", "--format", "xml"]).contains("xml"));
    usage_error(&["sweep", "--format", "yaml"]);
    usage_error(&["prices", "list", "--format", "html"]);
    usage_error(&[]);
    usage_error(&["no-such-command"]);
    usage_error(&["prices"]);
    usage_error(&["prices", "show"]);
    usage_error(&["completions", "nosh"]);
    usage_error(&["sweep", "--points", "many"]);
    usage_error(&["sweep", "--spacing", "cubic"]);
}

#[test]
fn user_errors_exit_1() {
    let e = tco(&["report", "no-such-file.yaml"]);
    assert!(e.user_error().contains("no-such-file.yaml"), "{}", e.stderr);
    let e = tco(&["report", "lit-4xa100-vs-sonet"]);
    assert!(
        e.user_error()
            .contains("did you mean `lit-4xa100-vs-sonnet`"),
        "{}",
        e.stderr
    );
    let e = tco(&["report", "tests/invalid/yaml-syntax.yaml"]);
    assert!(e.user_error().contains("not valid YAML"), "{}", e.stderr);
    let e = tco(&["report", "tests/invalid/share-above-one.yaml"]);
    assert!(
        e.user_error().contains("workload.input_share"),
        "{}",
        e.stderr
    );
    let e = tco(&["report", "tests"]);
    assert!(e.user_error().contains("directory"), "{}", e.stderr);
    let e = tco(&["report", "--pricing", "no-such-prices.yaml"]);
    assert!(
        e.user_error().contains("no-such-prices.yaml"),
        "{}",
        e.stderr
    );
    let e = tco(&["report", "--pricing", "tests/invalid/yaml-syntax.yaml"]);
    e.user_error();
    let e = tco(&["compare", "--volume=-5"]);
    e.user_error();
    let e = tco(&["prices", "import", "no-such-litellm.json"]);
    assert!(
        e.user_error().contains("no-such-litellm.json"),
        "{}",
        e.stderr
    );
    // Every command reading a scenario fails the same way on a bad one.
    for cmd in ["report", "compare", "breakeven", "sweep", "validate"] {
        let e = tco(&[cmd, "tests/invalid/negative-price.yaml"]);
        assert!(
            e.user_error().contains("local[0].owned.price"),
            "{cmd}: {}",
            e.stderr
        );
        assert!(e.stdout.is_empty(), "{cmd} printed a result: {}", e.stdout);
    }
}

#[test]
fn closed_pipe_is_not_an_error() {
    let mut child = Command::new(bin())
        .args([
            "sweep", "--points", "100000", "--from", "1", "--to", "1T", "--format", "csv",
        ])
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tco");
    let mut stdout = child.stdout.take().unwrap();
    let mut buf = [0u8; 64];
    stdout.read_exact(&mut buf).expect("a few bytes of CSV");
    assert!(
        buf.starts_with(b"tokens_per_month"),
        "{:?}",
        String::from_utf8_lossy(&buf)
    );
    drop(stdout); // like `| head -c 64`
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(
        status.code(),
        Some(0),
        "a closed pipe ends tco quietly; status {status:?}, stderr:\n{stderr}"
    );
    assert!(!stderr.contains("error"), "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "stderr: {stderr}");
}
