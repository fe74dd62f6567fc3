//! `--plot FILE.svg` on `tco report` and `tco sweep`: a parseable SVG with one
//! series per option and the break-even marked, written atomically, never
//! over an existing file without `--force`.

use crate::{root, tco, tco_in};
use roxmltree::Document;
use std::path::Path;

fn series(svg: &str) -> Vec<(String, String)> {
    let doc = Document::parse(svg).unwrap_or_else(|e| panic!("not XML: {e}\n{svg}"));
    doc.descendants()
        .filter(|n| n.attribute("class") == Some("series"))
        .map(|n| {
            (
                n.attribute("data-name").unwrap().to_string(),
                n.attribute("data-kind").unwrap().to_string(),
            )
        })
        .collect()
}

fn attr_of(svg: &str, class: &str, attr: &str) -> Vec<String> {
    let doc = Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| {
            n.attribute("class")
                .is_some_and(|c| c.split_whitespace().any(|w| w == class))
        })
        .filter_map(|n| n.attribute(attr).map(str::to_string))
        .collect()
}

fn scenario() -> String {
    root()
        .join("scenarios/lit-4xa100-vs-sonnet.yaml")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn report_plot_draws_one_series_per_option_with_the_break_even() {
    let dir = tempfile::tempdir().unwrap();
    let out = tco_in(dir.path(), &["report", &scenario(), "--plot", "costs.svg"]);
    // The report itself still prints.
    assert!(out.ok().contains("Break-even"), "{}", out.stdout);
    let svg = std::fs::read_to_string(dir.path().join("costs.svg")).unwrap();
    assert_eq!(
        series(&svg),
        [
            ("Claude Sonnet 4.6".to_string(), "api".to_string()),
            (
                "4x A100 80GB server, owned".to_string(),
                "local".to_string()
            )
        ]
    );
    assert_eq!(attr_of(&svg, "break-even", "data-x"), ["988411523"]);
    assert_eq!(attr_of(&svg, "workload", "data-x"), ["100000000"]);
    // The range every face draws: a decade below the workload (100M) to a
    // decade above the break-even (988M), as the page's chart.
    assert_eq!(attr_of(&svg, "axes", "data-x-min"), ["10000000"]);
    assert_eq!(attr_of(&svg, "axes", "data-x-max"), ["10000000000"]);
    assert!(svg.contains(">USD / month</text>") && svg.contains(">tokens / month</text>"));
    // No temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["costs.svg"]);

    // The same scenario draws the same bytes.
    let again = tco_in(dir.path(), &["report", &scenario(), "--plot", "again.svg"]);
    again.ok();
    assert_eq!(
        std::fs::read_to_string(dir.path().join("again.svg")).unwrap(),
        svg
    );
}

#[test]
fn plot_refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("costs.svg");
    std::fs::write(&path, "keep me").unwrap();
    let out = tco_in(dir.path(), &["report", "--plot", "costs.svg"]);
    let err = out.user_error();
    assert!(
        err.contains("costs.svg: already exists") && err.contains("--force"),
        "{err}"
    );
    // Refused before anything is printed.
    assert_eq!(out.stdout, "");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "keep me");

    let out = tco_in(dir.path(), &["report", "--plot", "costs.svg", "--force"]);
    out.ok();
    let svg = std::fs::read_to_string(&path).unwrap();
    // The flagship: three API models and two machines.
    assert_eq!(series(&svg).len(), 5, "{:?}", series(&svg));
}

#[test]
fn plot_needs_an_svg_name_in_an_existing_folder() {
    let dir = tempfile::tempdir().unwrap();
    let err = tco_in(dir.path(), &["report", "--plot", "costs.png"])
        .user_error()
        .to_string();
    assert!(err.contains("ending in .svg"), "{err}");
    let err = tco_in(dir.path(), &["report", "--plot", "nowhere/costs.svg"])
        .user_error()
        .to_string();
    assert!(err.contains("does not exist"), "{err}");
    // --force alone is a command-line mistake.
    assert_eq!(tco(&["report", "--force"]).code, 2);
    assert!(!Path::new(&dir.path().join("costs.png")).exists());
}

#[test]
fn sweep_plot_follows_the_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let out = tco_in(
        dir.path(),
        &[
            "sweep",
            &scenario(),
            "--from",
            "10M",
            "--to",
            "10B",
            "--points",
            "61",
            "--plot",
            "sweep.svg",
            "--format",
            "csv",
        ],
    );
    assert_eq!(crate::csv(out.ok()).len(), 62);
    let svg = std::fs::read_to_string(dir.path().join("sweep.svg")).unwrap();
    assert_eq!(series(&svg).len(), 2);
    assert_eq!(attr_of(&svg, "axes", "data-x-scale"), ["log"]);
    assert_eq!(attr_of(&svg, "axes", "data-x-min"), ["10000000"]);
    assert_eq!(attr_of(&svg, "break-even", "data-x"), ["988411523"]);

    // A linear sweep from 0 gets linear axes; the break-even is still inside.
    let out = tco_in(
        dir.path(),
        &[
            "sweep",
            &scenario(),
            "--from",
            "0",
            "--to",
            "2B",
            "--points",
            "21",
            "--spacing",
            "linear",
            "--plot",
            "linear.svg",
        ],
    );
    out.ok();
    let svg = std::fs::read_to_string(dir.path().join("linear.svg")).unwrap();
    assert_eq!(attr_of(&svg, "axes", "data-x-scale"), ["linear"]);
    assert_eq!(attr_of(&svg, "axes", "data-y-scale"), ["linear"]);
    assert_eq!(attr_of(&svg, "break-even", "data-x"), ["988411523"]);
}

/// `simulate --plot`: the chosen pair's break-even histogram, its bins
/// equal to the JSON's, percentile markers at the JSON's percentiles.
#[test]
fn simulate_plot_is_the_pairs_histogram() {
    let dir = tempfile::tempdir().unwrap();
    let apple = root().join("scenarios/apple-64gb-workstation.yaml");
    let apple = apple.to_str().unwrap();
    let args = [
        "simulate",
        apple,
        "--samples",
        "3000",
        "--local",
        "Apple 64GB workstation, Phi-4 mini Q5_K_M",
        "--api",
        "Claude Sonnet 4.6",
    ];
    let mut with_plot = args.to_vec();
    with_plot.extend(["--plot", "h.svg", "-f", "json"]);
    let j = tco_in(dir.path(), &with_plot).json();
    let svg = std::fs::read_to_string(dir.path().join("h.svg")).unwrap();
    assert_eq!(
        series(&svg),
        [("samples".to_string(), "histogram".to_string())]
    );
    let p = &j["break_even"][0]["break_even_percentiles"];
    let want: Vec<String> = ["p10", "p50", "p90"]
        .iter()
        .map(|k| p[*k].as_u64().unwrap().to_string())
        .collect();
    assert_eq!(attr_of(&svg, "percentile", "data-x"), want);
    assert_eq!(attr_of(&svg, "workload", "data-x"), ["100000000"]);
    let doc = Document::parse(&svg).unwrap();
    let bars = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("series"))
        .flat_map(|n| n.children().filter(|c| c.is_element()))
        .count();
    assert_eq!(
        bars,
        j["break_even"][0]["histogram"].as_array().unwrap().len()
    );
    // An unknown pair name is an input error naming the choices.
    let mut bad = args.to_vec();
    bad[7] = "Claude";
    bad.extend(["--plot", "x.svg"]);
    let e = tco_in(dir.path(), &bad);
    assert!(e.user_error().contains("did you mean"), "{}", e.stderr);
    assert!(!dir.path().join("x.svg").exists());
}

/// `sensitivity --plot`: one bar per input that moves the result, widest
/// first, each bar's ends the JSON's, the base line at the base break-even.
#[test]
fn sensitivity_plot_is_the_pairs_tornado() {
    let dir = tempfile::tempdir().unwrap();
    let j = tco_in(
        dir.path(),
        &[
            "sensitivity",
            "--all",
            "--plot",
            "t.svg",
            "--top",
            "5",
            "-f",
            "json",
        ],
    )
    .json();
    let svg = std::fs::read_to_string(dir.path().join("t.svg")).unwrap();
    let pair = &j["pairs"][0];
    let moving: Vec<&serde_json::Value> = pair["break_even"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["at_low"] != b["at_high"] && b["swing"].is_u64())
        .take(5)
        .collect();
    let mut names = attr_of(&svg, "bar", "data-name");
    let mut want: Vec<String> = moving
        .iter()
        .map(|b| b["label"].as_str().unwrap().to_string())
        .collect();
    // Bars are named by the field registry's labels, which the JSON carries
    // beside the path ("input share" for `workload.input_share`).
    assert_eq!(
        moving
            .iter()
            .map(|b| tco_core::model::fields::label(b["path"].as_str().unwrap()))
            .collect::<Vec<_>>(),
        want
    );
    // The widest first; equal swings (staff fte and annual cost, both ±20 %) in either order.
    assert_eq!(names[0], want[0]);
    names.sort();
    want.sort();
    assert_eq!(names, want);
    assert_eq!(
        attr_of(&svg, "bar", "data-low")[0],
        moving[0]["at_low"].to_string()
    );
    assert_eq!(
        attr_of(&svg, "base", "data-x"),
        [pair["base_break_even"].to_string()]
    );
    // The saving tornado is in money.
    tco_in(
        dir.path(),
        &[
            "sensitivity",
            "--all",
            "--plot",
            "s.svg",
            "--tornado",
            "saving",
        ],
    )
    .ok();
    let svg = std::fs::read_to_string(dir.path().join("s.svg")).unwrap();
    assert!(svg.contains("USD / month"), "money axis");
}

/// A written file gets the usual permissions (0644 less the umask), not the
/// private 0600 of the temporary file it was renamed from.
#[cfg(unix)]
#[test]
fn written_files_are_readable_like_any_other() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    tco_in(dir.path(), &["report", "--plot", "r.svg"]).ok();
    let umask = std::process::Command::new("sh")
        .args(["-c", "umask"])
        .output()
        .unwrap();
    let umask = u32::from_str_radix(String::from_utf8_lossy(&umask.stdout).trim(), 8).unwrap();
    let mode = std::fs::metadata(dir.path().join("r.svg"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o644 & !umask);
}

/// `npv --plot`: one cumulative-cash line per chosen pair, the discounted
/// payback marked at the month `tco npv` reports.
#[test]
fn npv_and_hybrid_plots_follow_their_results() {
    let dir = tempfile::tempdir().unwrap();
    let j = tco_in(dir.path(), &["npv", "--plot", "n.svg", "-f", "json"]).json();
    let svg = std::fs::read_to_string(dir.path().join("n.svg")).unwrap();
    let names: Vec<String> = series(&svg).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names.len(), 6);
    let paybacks: Vec<String> = j["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| {
            p["discounted_payback_months"]
                .as_u64()
                .map(|m| m.to_string())
        })
        .collect();
    assert_eq!(attr_of(&svg, "payback", "data-x"), paybacks);
    assert_eq!(paybacks, ["26", "1"]);
    // --local/--api pick the pairs drawn.
    tco_in(
        dir.path(),
        &["npv", "--plot", "one.svg", "--api", "Claude Sonnet 4.6"],
    )
    .ok();
    let svg = std::fs::read_to_string(dir.path().join("one.svg")).unwrap();
    assert_eq!(series(&svg).len(), 2);

    let j = tco_in(dir.path(), &["hybrid", "--plot", "h.svg", "-f", "json"]).json();
    let svg = std::fs::read_to_string(dir.path().join("h.svg")).unwrap();
    assert_eq!(series(&svg).len(), 6);
    let best: Vec<String> = j["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let x: f64 = p["best"]["local_share"].as_str().unwrap().parse().unwrap();
            x.to_string()
        })
        .collect();
    assert_eq!(attr_of(&svg, "best", "data-x"), best);
}
