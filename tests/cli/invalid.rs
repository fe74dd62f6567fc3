//! One invalid input per error kind (tests/invalid/*.yaml): each exits 1 with
//! `error: FILE:LINE:COL: PATH: message` and says what is allowed.
//!
//! Every fixture starts with two comment lines, so the scenario proper starts
//! on line 3.

use crate::{root, tco, tco_in, Out};

struct Case {
    fixture: &'static str,
    /// Acceptable positions (line, column), the first the one we expect.
    pos: &'static [(usize, usize)],
    /// Field path; empty for problems with the document itself.
    path: &'static str,
    fragment: &'static str,
}

const fn case(
    fixture: &'static str,
    pos: &'static [(usize, usize)],
    path: &'static str,
    fragment: &'static str,
) -> Case {
    Case {
        fixture,
        pos,
        path,
        fragment,
    }
}

#[rustfmt::skip]
const CASES: &[Case] = &[
    case("unknown-key-did-you-mean", &[(4, 1)], "curency", "unknown field `curency` (did you mean `currency`?)"),
    case("unknown-nested-key", &[(16, 7)], "local[0].owned.warranty_years", "unknown field `warranty_years`"),
    case("missing-required-field", &[(14, 7), (13, 5)], "local[0].owned", "missing field `price`"),
    case("negative-price", &[(14, 14)], "local[0].owned.price", "-80000 is below 0"),
    case("negative-api-price", &[(11, 21)], "api[0].input_per_mtok", "-4 is below 0"),
    case("share-above-one", &[(8, 16)], "workload.input_share", "1.5 is above 1"),
    case("share-below-zero", &[(9, 23)], "workload.cached_input_share", "-0.1 is below 0"),
    case("zero-amortization-months", &[(15, 28)], "local[0].owned.amortization_months", "0 is below 1"),
    case("zero-throughput", &[(17, 26)], "local[0].throughput.tokens_per_second", "0 is below 0.01"),
    case("nan", &[(14, 14)], "local[0].owned.price", "`.nan` is not a finite number"),
    case("huge-exponent", &[(14, 14)], "local[0].owned.price", "`1e400` is out of the range"),
    case("huge-integer", &[(14, 14)], "local[0].owned.price", "`1234567890123456789012345678901234567890` is out of the range"),
    case("wrong-type-list", &[(14, 14)], "local[0].owned.price", "expected a number, found a list"),
    case("wrong-type-text", &[(14, 14)], "local[0].owned.price", "expected a number, found `eighty thousand`"),
    case("unknown-price-id", &[(10, 12)], "api[0].model", "`anthropic/claude-sonet-4.6` is not in the API price table (did you mean `anthropic/claude-sonnet-4.6`?)"),
    case("unknown-machine-id", &[(13, 14)], "local[0].machine", "`nvidia/a100-80gb-x5` is not in the hardware table"),
    case("owned-and-rented", &[(16, 5), (17, 7)], "local[0].rented", "both `owned` and `rented` are given"),
    case("neither-owned-nor-rented", &[(12, 5), (12, 3)], "local[0]", "missing `owned` or `rented`"),
    case("two-throughputs", &[(17, 7), (16, 5), (18, 7)], "local[0].throughput", "more than one throughput given"),
    case("residual-above-price", &[(16, 23)], "local[0].owned.residual_value", "residual value 90000 is above the price 80000"),
    case("duplicate-key", &[(6, 1)], "hours_per_month", "`hours_per_month` appears twice"),
    case("nested-duplicate-key", &[(16, 7)], "local[0].owned.price", "`price` appears twice"),
    case("empty-api-list", &[(9, 6)], "api", "the list is empty"),
    case("empty-local-list", &[(11, 8)], "local", "the list is empty"),
    // The parser notices the unclosed `[` of line 8 at the next key.
    case("yaml-syntax", &[(9, 4)], "", "this is not valid YAML"),
    case("empty", &[(1, 1)], "", "the input is empty"),
    // Numbers written as people write them: refused with the field's hint and what was meant.
    case("decimal-comma", &[(20, 22)], "local[0].power.price_per_kwh", "`0,30` uses a decimal comma; write digits with a decimal point only (did you mean `0.30`?)"),
    case("decimal-comma-in-braces", &[(18, 48)], "local[0].power.30", "a decimal comma inside `{…}`?"),
    case("percent-share", &[(8, 16)], "workload.input_share", "`75%` has a percent sign; shares are written as fractions (did you mean `0.75`?)"),
    case("currency-sign", &[(14, 14)], "local[0].owned.price", "`$80000` has a currency; money is a bare number in the scenario's `currency:` (did you mean `80000`?)"),
    case("unit-kw", &[(18, 25)], "local[0].power.load_watts", "`1.6 kW` has a unit; write the number alone, in W (did you mean `1600`?)"),
    case("unit-years", &[(15, 28)], "local[0].owned.amortization_months", "`3 years` has a unit; write the number alone, in months (did you mean `36`?)"),
    case("thousands-separator", &[(14, 14)], "local[0].owned.price", "`80,000` uses a thousands separator; write digits with a decimal point only (if the comma is a decimal comma, write 80.000) (did you mean `80000`?)"),
    case("two-documents", &[(19, 1), (18, 1)], "", "more than one YAML document"),
    // The tab starts line 8; the YAML scanner reports the plain scalar before it (7:21).
    case("tab-indent", &[(8, 1), (7, 21)], "", "found a tab"),
    case("odd-unicode", &[(17, 26)], "local[0].throughput.tokens_per_second", "expected a number, found `１２００`"),
    case("zero-width-space-key", &[(4, 1)], "cur\\u{200b}rency", "(did you mean `currency`?)"),
    case("bad-billing", &[(16, 16)], "local[0].rented.billing", "`per_minute` is not one of the choices"),
    case("profile-23-hours", &[(9, 19)], "workload.hourly_profile", "23 weights given, one per hour of the day needs 24"),
    case("profile-negative", &[(9, 53)], "workload.hourly_profile[11]", "-1 is below 0"),
    case("reserved-without-term", &[(14, 7)], "local[0].rented", "missing field `term_months`"),
    case("spot-discount-above-one", &[(17, 17)], "local[0].rented.discount", "1.5 is above 1"),
    case("min-nodes-on-spot", &[(18, 18)], "local[0].rented.min_nodes", "`min_nodes` applies to `billing: autoscaled`, not `spot`"),
    case("negative-grid-factor", &[(17, 90)], "local[0].power.grid_kg_co2e_per_kwh", "-0.2 is below 0"),
    case("embodied-rented-no-months", &[(17, 23)], "local[0].embodied_kg_co2e", "a rented option's embodied carbon needs the months"),
    case("bad-quant", &[(20, 14)], "local[0].model.quant", "`Q4_KM` is not a known quantization (did you mean `Q4_K_M`?)"),
    case("bad-currency", &[(4, 11)], "currency", "`dollars` is not an ISO currency code"),
    case("max-utilization-zero", &[(18, 22)], "local[0].max_utilization", "0 is below 0.01"),
    case("hours-800", &[(5, 18)], "hours_per_month", "800 is above 744"),
    case("volume-lowercase-m", &[(7, 21)], "workload.tokens_per_month", "`5m`"),
    case("volume-bad-suffix", &[(7, 21)], "workload.tokens_per_month", "`12X` has an unknown suffix `X`"),
];

fn validate(fixture: &str) -> (String, Out) {
    let file = format!("tests/invalid/{fixture}.yaml");
    assert!(root().join(&file).is_file(), "fixture {file} is missing");
    let out = tco(&["validate", &file]);
    (file, out)
}

/// Exit 1 (never a panic, 101, or an abort, 134), one `error:` line naming the file.
#[track_caller]
fn check_common(c: &Case, file: &str, out: &Out) {
    assert_eq!(
        out.code, 1,
        "{file}: expected exit 1, got {}\nstderr:\n{}",
        out.code, out.stderr
    );
    assert!(
        out.stdout.is_empty(),
        "{file}: nothing on stdout:\n{}",
        out.stdout
    );
    assert!(
        !out.stderr.contains("panicked"),
        "{file}: panic:\n{}",
        out.stderr
    );
    assert!(
        out.stderr.starts_with(&format!("error: {file}:")),
        "{file}: `error: FILE:LINE:COL:` expected:\n{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(c.fragment),
        "{file}: expected `{}` in:\n{}",
        c.fragment,
        out.stderr
    );
}

#[track_caller]
fn check_location(c: &Case, file: &str, out: &Out) {
    let first = out.stderr.lines().next().unwrap_or_default();
    let ok = c.pos.iter().any(|(line, col)| {
        let prefix = if c.path.is_empty() {
            format!("error: {file}:{line}:{col}: ")
        } else {
            format!("error: {file}:{line}:{col}: {}: ", c.path)
        };
        first.starts_with(&prefix)
    });
    assert!(
        ok,
        "{file}: expected `error: {file}:LINE:COL: {}` with (LINE, COL) in {:?}, got:\n{}",
        c.path, c.pos, out.stderr
    );
    assert!(
        out.stderr.contains("\n  allowed: "),
        "{file}: the message says what is allowed:\n{}",
        out.stderr
    );
}

#[test]
fn every_fixture_is_covered_by_a_case() {
    let mut names: Vec<String> = std::fs::read_dir(root().join("tests/invalid"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut cased: Vec<String> = CASES.iter().map(|c| c.fixture.to_string()).collect();
    cased.sort();
    assert_eq!(names, cased, "one case per fixture in tests/invalid/");
}

#[test]
fn invalid_fixtures_are_located_errors() {
    for c in CASES {
        let (file, out) = validate(c.fixture);
        check_common(c, &file, &out);
        check_location(c, &file, &out);
    }
}

#[test]
fn invalid_fixtures_fail_every_command_the_same_way() {
    // report reads the same way as validate.
    for c in CASES {
        let file = format!("tests/invalid/{}.yaml", c.fixture);
        let (_, v) = validate(c.fixture);
        let r = tco(&["report", &file, "--format", "json"]);
        assert_eq!(r.code, 1, "{file}: {}", r.stderr);
        assert_eq!(r.stderr, v.stderr, "{file}: report and validate agree");
    }
}

#[test]
fn invisible_characters_are_shown_escaped() {
    let (_, out) = validate("zero-width-space-key");
    assert!(
        !out.stderr.contains('\u{200b}'),
        "the zero-width space is shown escaped (e.g. \\u{{200b}}):\n{}",
        out.stderr
    );
}

/// Binary input, written from here: NUL bytes, and bytes that are not UTF-8.
#[test]
fn binary_files_are_located_user_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("nul.yaml"),
        b"name: x\ncurrency: \x00\x01\x02USD\n",
    )
    .unwrap();
    let out = tco_in(dir.path(), &["validate", "nul.yaml"]);
    assert!(
        out.user_error().starts_with("error: nul.yaml:2:"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("binary"), "{}", out.stderr);

    // Random-looking bytes with NULs and invalid UTF-8: still exit 1.
    let bytes: Vec<u8> = (0u32..4096)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(dir.path().join("blob.yaml"), &bytes).unwrap();
    let out = tco_in(dir.path(), &["validate", "blob.yaml"]);
    assert!(out.user_error().contains("blob.yaml"), "{}", out.stderr);
    let out = tco_in(dir.path(), &["report", "blob.yaml"]);
    out.user_error();
}

#[test]
fn binary_file_errors_have_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("latin1.yaml"),
        b"name: caf\xe9\ncurrency: USD\n",
    )
    .unwrap();
    let out = tco_in(dir.path(), &["validate", "latin1.yaml"]);
    assert!(
        out.user_error().starts_with("error: latin1.yaml:1:10: "),
        "{}",
        out.stderr
    );
    std::fs::write(dir.path().join("nul.yaml"), b"name: x\ncurrency: \x00USD\n").unwrap();
    let out = tco_in(dir.path(), &["validate", "nul.yaml"]);
    assert!(
        out.user_error().starts_with("error: nul.yaml:2:11: "),
        "{}",
        out.stderr
    );
}

#[test]
fn byte_order_mark_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read(root().join("scenarios/lit-4xa100-vs-sonnet.yaml")).unwrap();
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend(text);
    std::fs::write(dir.path().join("bom.yaml"), bytes).unwrap();
    tco_in(dir.path(), &["validate", "bom.yaml"]).ok();
}

/// Price tables given with --pricing / --hardware are checked the same way.
#[test]
fn bad_price_tables_are_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    let api = std::fs::read_to_string(root().join("pricing/api.yaml")).unwrap();
    let first = api.find("input_per_mtok: ").expect("a price") + "input_per_mtok: ".len();
    let line = api[..first].matches('\n').count() + 1;
    let col = first - api[..first].rfind('\n').map_or(0, |i| i + 1) + 1;
    let end = first + api[first..].find('\n').unwrap();
    let mut bad = api.clone();
    bad.replace_range(first..end, "-3.00");
    std::fs::write(dir.path().join("api.yaml"), bad).unwrap();
    let out = tco_in(dir.path(), &["validate", "--pricing", "api.yaml"]);
    let prefix =
        format!("error: api.yaml:{line}:{col}: models[0].input_per_mtok: -3.00 is below 0");
    assert!(
        out.user_error().starts_with(&prefix),
        "{prefix}\n{}",
        out.stderr
    );
    let out = tco_in(dir.path(), &["prices", "list", "--pricing", "api.yaml"]);
    assert!(out.user_error().starts_with(&prefix), "{}", out.stderr);

    let hw = std::fs::read_to_string(root().join("pricing/hardware.yaml")).unwrap();
    let first = hw.find("memory_gb: ").expect("a memory size") + "memory_gb: ".len();
    let line = hw[..first].matches('\n').count() + 1;
    let col = first - hw[..first].rfind('\n').map_or(0, |i| i + 1) + 1;
    let end = first + hw[first..].find(['\n', ' ']).unwrap();
    let mut bad = hw.clone();
    bad.replace_range(first..end, "lots");
    std::fs::write(dir.path().join("hw.yaml"), bad).unwrap();
    let out = tco_in(dir.path(), &["validate", "--hardware", "hw.yaml"]);
    let prefix = format!("error: hw.yaml:{line}:{col}: hardware[0].memory_gb: expected a number");
    assert!(
        out.user_error().starts_with(&prefix),
        "{prefix}\n{}",
        out.stderr
    );
}
