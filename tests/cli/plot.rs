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
    assert_eq!(attr_of(&svg, "axes", "data-x-min"), ["1000000"]);
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
