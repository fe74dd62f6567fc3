//! Each chart parsed back as XML: its series and markers by name, markers at
//! the right place on log and linear axes, axis labels with units and
//! currency, and byte-identical output for the same input.

// A failing assertion is how a test reports; unwrap and panic are its tools here.
#![allow(clippy::unwrap_used, clippy::panic)]

use roxmltree::{Document, Node};
use tco_chart::{
    Bar, Bin, CashChart, CashSeries, CostChart, CostSeries, Histogram, Marker, SeriesKind,
    SharesChart, SharesSeries, Tornado, Unit, VMarker,
};

// ---- reading the SVG back ---------------------------------------------------

fn has_class(n: &Node, class: &str) -> bool {
    n.attribute("class")
        .is_some_and(|c| c.split_whitespace().any(|w| w == class))
}

/// Every element with `class` among its classes, in document order.
fn with_class<'a, 'i>(doc: &'a Document<'i>, class: &str) -> Vec<Node<'a, 'i>> {
    doc.descendants()
        .filter(|n| n.is_element() && has_class(n, class))
        .collect()
}

fn one<'a, 'i>(doc: &'a Document<'i>, class: &str) -> Node<'a, 'i> {
    let v = with_class(doc, class);
    assert_eq!(
        v.len(),
        1,
        "expected one `{class}` element, found {}",
        v.len()
    );
    v[0]
}

fn num(n: &Node, attr: &str) -> f64 {
    n.attribute(attr)
        .unwrap_or_else(|| panic!("no {attr} on {n:?}"))
        .parse()
        .unwrap()
}

fn text_of(n: &Node) -> String {
    n.descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text())
        .collect()
}

fn child<'a, 'i>(n: &Node<'a, 'i>, tag: &str) -> Vec<Node<'a, 'i>> {
    n.descendants()
        .filter(|d| d.is_element() && d.tag_name().name() == tag)
        .collect()
}

/// The plot area in pixels (inclusive) and the axes' scales and data ranges.
#[derive(Debug)]
struct Frame {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    x_log: bool,
    x: (f64, f64),
    y_log: bool,
    y: (f64, f64),
}

impl Frame {
    fn read(doc: &Document) -> Frame {
        let a = one(doc, "axes");
        Frame {
            left: num(&a, "data-left"),
            right: num(&a, "data-right"),
            top: num(&a, "data-top"),
            bottom: num(&a, "data-bottom"),
            x_log: a.attribute("data-x-scale") == Some("log"),
            x: (num(&a, "data-x-min"), num(&a, "data-x-max")),
            y_log: a.attribute("data-y-scale") == Some("log"),
            y: (num(&a, "data-y-min"), num(&a, "data-y-max")),
        }
    }

    fn ratio(log: bool, (lo, hi): (f64, f64), v: f64) -> f64 {
        if log {
            (v.log10() - lo.log10()) / (hi.log10() - lo.log10())
        } else {
            (v - lo) / (hi - lo)
        }
    }

    /// Where a value should land, in pixels.
    fn px(&self, v: f64) -> f64 {
        self.left + Self::ratio(self.x_log, self.x, v) * (self.right - self.left)
    }

    fn py(&self, v: f64) -> f64 {
        self.bottom - Self::ratio(self.y_log, self.y, v) * (self.bottom - self.top)
    }
}

/// Tick labels of the x axis (centred under it) with their x, and of the y axis with their y.
fn x_ticks(doc: &Document) -> Vec<(String, f64)> {
    let f = Frame::read(doc);
    child(&one(doc, "axes"), "text")
        .into_iter()
        .filter(|t| t.attribute("text-anchor") == Some("middle") && num(t, "y") > f.bottom)
        .map(|t| (text_of(&t), num(&t, "x")))
        .collect()
}

fn y_ticks(doc: &Document) -> Vec<(String, f64)> {
    let f = Frame::read(doc);
    child(&one(doc, "axes"), "text")
        .into_iter()
        .filter(|t| t.attribute("text-anchor") == Some("end") && num(t, "x") < f.left)
        .map(|t| (text_of(&t), num(&t, "y")))
        .collect()
}

fn tick(ticks: &[(String, f64)], label: &str) -> f64 {
    ticks
        .iter()
        .find(|(l, _)| l == label)
        .unwrap_or_else(|| panic!("no tick `{label}` in {ticks:?}"))
        .1
}

fn labels(ticks: &[(String, f64)]) -> Vec<&str> {
    ticks.iter().map(|(l, _)| l.as_str()).collect()
}

/// The points of every polyline in a group.
fn polylines(g: &Node) -> Vec<Vec<(f64, f64)>> {
    child(g, "polyline")
        .iter()
        .map(|p| {
            p.attribute("points")
                .unwrap()
                .split_whitespace()
                .map(|xy| {
                    let (x, y) = xy.split_once(',').unwrap();
                    (x.parse().unwrap(), y.parse().unwrap())
                })
                .collect()
        })
        .collect()
}

fn series_names(doc: &Document) -> Vec<(String, String)> {
    with_class(doc, "series")
        .iter()
        .map(|g| {
            (
                g.attribute("data-name").unwrap().to_string(),
                g.attribute("data-kind").unwrap().to_string(),
            )
        })
        .collect()
}

#[track_caller]
fn near(a: f64, b: f64, tol: f64) {
    assert!((a - b).abs() <= tol, "{a} is not within {tol} of {b}");
}

// ---- the literature's 4x A100 vs Claude Sonnet 4.6 --------------------------

/// $80,000 over 36 months + $115.20 power + $3,000 staff = $5,337.42 a month,
/// 3.1104 B tokens a month per node; Sonnet at $5.40 blended per MTok.
const LOCAL: f64 = 80_000.0 / 36.0 + 115.2 + 3_000.0;
const CAPACITY: f64 = 3_110_400_000.0;

fn log_volumes(from: f64, to: f64, n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| {
            let t = from.log10() + (to.log10() - from.log10()) * i as f64 / (n - 1) as f64;
            10f64.powf(t).round()
        })
        .collect()
}

fn a100_chart(max_nodes: Option<u64>) -> CostChart {
    let vols = log_volumes(1e6, 1e10, 81);
    let nodes = |v: f64| (v / CAPACITY).ceil().max(1.0);
    let unservable_from =
        max_nodes.and_then(|m| vols.iter().copied().find(|&v| nodes(v) > m as f64));
    CostChart {
        title: "4x A100 80GB vs Claude Sonnet 4.6".into(),
        currency: "USD".into(),
        x_log: true,
        y_log: true,
        series: vec![
            CostSeries {
                name: "Claude Sonnet 4.6".into(),
                kind: SeriesKind::Api,
                points: vols.iter().map(|&v| (v, 5.4 * v / 1e6)).collect(),
                unservable_from: None,
            },
            CostSeries {
                name: "4x A100 80GB server".into(),
                kind: SeriesKind::Local,
                // Hardware and power per node, staff once (power is flat: idle = load).
                points: vols
                    .iter()
                    .map(|&v| (v, nodes(v) * (LOCAL - 3_000.0) + 3_000.0))
                    .collect(),
                unservable_from,
            },
        ],
        break_evens: vec![Marker {
            label: "988M".into(),
            x: 988_411_523.0,
            y: 5_337.422_224_2,
        }],
        workload: Some(100e6),
    }
}

#[test]
fn cost_chart_has_one_series_per_option_and_a_break_even_on_the_log_axis() {
    let svg = a100_chart(None).to_svg().unwrap();
    let doc = Document::parse(&svg).unwrap();
    let root = doc.root_element();
    assert_eq!(root.attribute("width"), Some("800"));
    assert_eq!(root.attribute("height"), Some("500"));

    assert_eq!(
        series_names(&doc),
        [
            ("Claude Sonnet 4.6".to_string(), "api".to_string()),
            ("4x A100 80GB server".to_string(), "local".to_string())
        ]
    );
    let legend: Vec<&str> = with_class(&doc, "legend-entry")
        .iter()
        .map(|g| g.attribute("data-name").unwrap())
        .collect();
    assert_eq!(
        legend,
        [
            "Claude Sonnet 4.6 (API)",
            "4x A100 80GB server (local)",
            "workload volume",
            "break-even"
        ]
    );

    // Axis labels carry units and currency; ticks are whole decades.
    assert_eq!(text_of(&one(&doc, "x-label")).trim(), "tokens / month");
    assert_eq!(text_of(&one(&doc, "y-label")).trim(), "USD / month");
    let f = Frame::read(&doc);
    assert!(f.x_log && f.y_log);
    assert_eq!((f.x.0, f.x.1), (1e6, 1e10));
    // $5.40 at 1M up to $54,000 at 10B: the y axis spans $1 to $100k.
    assert_eq!((f.y.0, f.y.1), (1.0, 1e5));
    let xt = x_ticks(&doc);
    assert_eq!(labels(&xt), ["1M", "10M", "100M", "1B", "10B"]);
    let yt = y_ticks(&doc);
    assert_eq!(labels(&yt), ["$1", "$10", "$100", "$1k", "$10k", "$100k"]);
    // Decades are evenly spaced on a log axis.
    let gaps: Vec<f64> = xt.windows(2).map(|w| w[1].1 - w[0].1).collect();
    assert!(gaps.iter().all(|g| (g - gaps[0]).abs() <= 1.0), "{gaps:?}");

    // The break-even at 988,411,523 tokens lies between the 100M and 1B ticks,
    // log10(9.884) = 0.9949 of the way: one pixel left of 1B.
    let m = one(&doc, "break-even");
    assert_eq!(m.attribute("data-label"), Some("988M"));
    assert_eq!(num(&m, "data-x"), 988_411_523.0);
    let dot = child(&m, "circle")[0];
    let (cx, cy) = (num(&dot, "cx"), num(&dot, "cy"));
    let (t100m, t1b) = (tick(&xt, "100M"), tick(&xt, "1B"));
    assert!(t100m < cx && cx < t1b, "{t100m} < {cx} < {t1b}");
    near((cx - t100m) / (t1b - t100m), 0.99495, 1.0 / (t1b - t100m));
    near(cx, f.px(988_411_523.0), 0.5);
    // $5,337.42 is log10(5.337) = 0.727 of the way from $1k to $10k (up is smaller y).
    let (y1k, y10k) = (tick(&yt, "$1k"), tick(&yt, "$10k"));
    near((y1k - cy) / (y1k - y10k), 0.72733, 1.0 / (y1k - y10k));
    let label = child(&m, "text")[0];
    assert_eq!(text_of(&label), "988M");

    // The workload volume is a vertical line exactly on the 100M tick.
    let w = one(&doc, "workload");
    assert_eq!(num(&w, "data-x"), 1e8);
    let rule = &polylines(&w)[0];
    assert_eq!(rule[0].0, t100m);
    assert_eq!(rule[1].0, t100m);
    assert!(text_of(&w).contains("workload 100M"));

    // The API line is straight on log-log axes: drawn as its two ends, $5.40 and $54,000.
    let series = with_class(&doc, "series");
    let api = polylines(&series[0]);
    assert_eq!(api.len(), 1);
    assert_eq!(api[0].len(), 2, "{:?}", api[0]);
    near(api[0][0].0, f.left, 0.0);
    near(api[0][0].1, f.py(5.4), 0.5);
    near(api[0][1].0, f.right, 0.0);
    near(api[0][1].1, f.py(54_000.0), 0.5);
    // The local line is flat at $5,337.42 up to one node's capacity, then steps up.
    let local = &polylines(&series[1])[0];
    near(local[0].1, f.py(LOCAL), 0.5);
    let one_node_end = f.px(CAPACITY);
    assert!(local
        .iter()
        .filter(|p| p.0 < one_node_end - 1.0)
        .all(|p| (p.1 - f.py(LOCAL)).abs() <= 0.5));
    near(
        local.last().unwrap().1,
        f.py(4.0 * (LOCAL - 3000.0) + 3000.0),
        0.5,
    );
}

#[test]
fn a_local_line_stops_where_the_option_cannot_serve() {
    let chart = a100_chart(Some(2));
    let u = chart.series[1].unservable_from.unwrap();
    assert!(u > 2.0 * CAPACITY);
    let svg = chart.to_svg().unwrap();
    let doc = Document::parse(&svg).unwrap();
    let f = Frame::read(&doc);
    let local = &polylines(&with_class(&doc, "series")[1])[0];
    let last = local.last().unwrap().0;
    assert!(last < f.px(u), "line runs to {last}, limit at {}", f.px(u));
    let limit = one(&doc, "limit");
    assert_eq!(limit.attribute("data-name"), Some("4x A100 80GB server"));
    assert_eq!(num(&limit, "data-x"), u);
    assert!(text_of(&limit).contains("max_nodes"));
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let a = a100_chart(Some(2)).to_svg().unwrap();
    let b = a100_chart(Some(2)).to_svg().unwrap();
    assert_eq!(a, b);
}

#[test]
fn names_with_markup_are_escaped() {
    let mut c = a100_chart(None);
    c.series[0].name = r#"R&D <"fast"> tier"#.into();
    c.title = "A & B".into();
    let svg = c.to_svg().unwrap();
    let doc = Document::parse(&svg).unwrap();
    assert_eq!(series_names(&doc)[0].0, r#"R&D <"fast"> tier"#);
    assert!(text_of(&one(&doc, "title")).contains("A & B"));
}

#[test]
fn bad_numbers_and_empty_charts_still_draw() {
    let mut c = a100_chart(None);
    c.series[0].points.extend([
        (f64::NAN, 1.0),
        (-5.0, 3.0),
        (2e10, f64::INFINITY),
        (0.0, 0.0),
    ]);
    c.break_evens.push(Marker {
        label: "nowhere".into(),
        x: f64::NAN,
        y: 1.0,
    });
    let svg = c.to_svg().unwrap();
    let doc = Document::parse(&svg).unwrap();
    assert_eq!(with_class(&doc, "break-even").len(), 1);
    assert!(!svg.contains("NaN") && !svg.contains("inf"));

    let empty = CostChart {
        title: "nothing".into(),
        currency: "EUR".into(),
        x_log: true,
        y_log: true,
        series: vec![],
        break_evens: vec![],
        workload: None,
    };
    let doc_text = empty.to_svg().unwrap();
    let doc = Document::parse(&doc_text).unwrap();
    assert!(series_names(&doc).is_empty());
    assert_eq!(text_of(&one(&doc, "y-label")).trim(), "EUR / month");
    for chart in [
        Histogram {
            title: String::new(),
            x_label: String::new(),
            x_unit: Unit::Tokens,
            x_log: true,
            bins: vec![],
            markers: vec![],
            workload: None,
            never_share: 1.0,
        }
        .to_svg(),
        Tornado {
            title: String::new(),
            note: String::new(),
            unit_label: String::new(),
            unit: Unit::Plain,
            x_log: true,
            base: 0.0,
            bars: vec![],
        }
        .to_svg(),
        CashChart {
            title: String::new(),
            currency: "USD".into(),
            y_label: String::new(),
            series: vec![],
        }
        .to_svg(),
        SharesChart {
            title: String::new(),
            currency: "USD".into(),
            series: vec![],
        }
        .to_svg(),
    ] {
        Document::parse(&chart.unwrap()).unwrap();
    }
}

#[test]
fn from_report_draws_the_bundled_scenario_with_the_solvers_break_even() {
    use tco_core::analysis::sweep::{volumes, Spacing};
    use tco_core::model::units::Tokens;
    use tco_core::{input::scenario::NoFiles, Scenario};
    let tables = tco_core::input::bundled::tables().unwrap();
    let (origin, text) =
        tco_core::input::bundled::find("scenarios/lit-4xa100-vs-sonnet.yaml").unwrap();
    let s = Scenario::parse(text, origin, tables.as_ref(), &NoFiles).unwrap();
    let report = s.evaluate();
    let vols = volumes(Tokens(1_000_000), Tokens(10_000_000_000), 121, Spacing::Log).unwrap();
    let chart = CostChart::from_report(&report, &s.sweep(&vols), true);
    assert_eq!(chart.series.len(), report.api.len() + report.local.len());
    let svg = chart.to_svg().unwrap();
    let doc = Document::parse(&svg).unwrap();
    let names: Vec<String> = series_names(&doc).into_iter().map(|(n, _)| n).collect();
    let expected: Vec<String> = report
        .api
        .iter()
        .map(|a| a.name.clone())
        .chain(report.local.iter().map(|l| l.name.clone()))
        .collect();
    assert_eq!(names, expected);
    let m = one(&doc, "break-even");
    assert_eq!(m.attribute("data-x"), Some("988411523"));
    assert_eq!(m.attribute("data-label"), Some("988M"));
    // API cost at the break-even: $5.40 × 988.411523 MTok.
    near(num(&m, "data-y"), 5_337.422_224_2, 1e-6);
    assert_eq!(
        num(&one(&doc, "workload"), "data-x"),
        report.tokens_per_month as f64
    );

    // `tco report --plot`: a decade below the workload (100M → 10M) to a
    // decade above the break-even (988M → 10B), 241 volumes like the page.
    let chart = CostChart::for_scenario(&s, &report);
    let svg = chart.to_svg().unwrap();
    let doc = Document::parse(&svg).unwrap();
    let f = Frame::read(&doc);
    assert_eq!((f.x.0, f.x.1), (1e7, 1e10));
    assert_eq!(chart.series[0].points.len(), 241);
    assert_eq!(
        one(&doc, "break-even").attribute("data-x"),
        Some("988411523")
    );
}

#[test]
fn the_report_range_widens_to_show_a_far_break_even() {
    use tco_core::{input::scenario::NoFiles, Scenario};
    let tables = tco_core::input::bundled::tables().unwrap();
    let (origin, text) =
        tco_core::input::bundled::find("scenarios/lit-4xa100-vs-sonnet.yaml").unwrap();
    let text = text.replace("tokens_per_month: 100M", "tokens_per_month: 1M");
    assert!(text.contains("tokens_per_month: 1M "));
    let s = Scenario::parse(&text, origin, tables.as_ref(), &NoFiles).unwrap();
    let report = s.evaluate();
    let chart = CostChart::for_scenario(&s, &report);
    // A decade below 1M up to a decade above 988,411,523.
    let xs: Vec<f64> = chart.series[0].points.iter().map(|p| p.0).collect();
    assert_eq!(xs.first(), Some(&100_000.0));
    assert_eq!(xs.last(), Some(&10_000_000_000.0));
    assert_eq!(chart.break_evens.len(), 1);
}

// ---- histogram ---------------------------------------------------------------

fn histogram() -> Histogram {
    // Ten bins a quarter decade wide from 10^8; the tallest (400) at 10^8.75..10^9.
    let counts = [10u64, 40, 120, 400, 300, 90, 30, 8, 2, 0];
    Histogram {
        title: "Break-even volume (1,000 samples)".into(),
        x_label: "break-even volume, tokens / month".into(),
        x_unit: Unit::Tokens,
        x_log: true,
        bins: counts
            .iter()
            .enumerate()
            .map(|(i, &count)| Bin {
                lo: 10f64.powf(8.0 + i as f64 * 0.25),
                hi: 10f64.powf(8.0 + (i + 1) as f64 * 0.25),
                count,
            })
            .collect(),
        markers: vec![
            VMarker {
                label: "p10 420M".into(),
                x: 420e6,
            },
            VMarker {
                label: "p50 988M".into(),
                x: 988e6,
            },
            VMarker {
                label: "p90 2.1B".into(),
                x: 2.1e9,
            },
        ],
        workload: Some(1e9),
        never_share: 0.12,
    }
}

#[test]
fn histogram_bars_percentiles_and_the_never_share() {
    let h = histogram();
    let svg = h.to_svg().unwrap();
    let doc = Document::parse(&svg).unwrap();
    let f = Frame::read(&doc);
    assert!(f.x_log && !f.y_log);
    assert_eq!(
        series_names(&doc),
        [("samples".to_string(), "histogram".to_string())]
    );
    // One bar per non-empty bin, each as high as its count.
    let bars = child(&with_class(&doc, "series")[0], "rect");
    // The bin of 2 samples still shows; the empty one does not.
    assert_eq!(bars.len(), 9);
    let tallest = bars
        .iter()
        .max_by(|a, b| num(a, "height").total_cmp(&num(b, "height")))
        .unwrap();
    near(num(tallest, "y"), f.py(400.0), 0.5);
    near(num(tallest, "y") + num(tallest, "height"), f.py(0.0), 0.5);
    near(num(tallest, "x"), f.px(10f64.powf(8.75)), 1.0);
    let p: Vec<(String, f64)> = with_class(&doc, "percentile")
        .iter()
        .map(|g| (g.attribute("data-label").unwrap().into(), num(g, "data-x")))
        .collect();
    assert_eq!(
        p,
        [
            ("p10 420M".to_string(), 420e6),
            ("p50 988M".to_string(), 988e6),
            ("p90 2.1B".to_string(), 2.1e9)
        ]
    );
    for g in with_class(&doc, "percentile") {
        let rule = &polylines(&g)[0];
        near(rule[0].0, f.px(num(&g, "data-x")), 0.5);
    }
    // The 1B workload line sits on the 1B tick.
    let xt = x_ticks(&doc);
    assert!(labels(&xt).contains(&"1B"), "{xt:?}");
    assert_eq!(polylines(&one(&doc, "workload"))[0][0].0, tick(&xt, "1B"));
    assert!(text_of(&one(&doc, "title")).contains("12% of samples never break even"));
    assert_eq!(
        text_of(&one(&doc, "x-label")).trim(),
        "break-even volume, tokens / month"
    );
    assert_eq!(text_of(&one(&doc, "y-label")).trim(), "samples");
}

// ---- tornado -------------------------------------------------------------------

fn tornado() -> Tornado {
    Tornado {
        title: "What moves the break-even volume".into(),
        note: String::new(),
        unit_label: "break-even volume, tokens / month".into(),
        unit: Unit::Tokens,
        x_log: false,
        base: 988e6,
        bars: vec![
            Bar {
                label: "power price".into(),
                low_value: 975e6,
                high_value: 1.0e9,
                low_input_label: "$0.08".into(),
                high_input_label: "$0.12".into(),
            },
            Bar {
                label: "staff FTE".into(),
                low_value: 600e6,
                high_value: 1.4e9,
                low_input_label: "0.1".into(),
                high_input_label: "0.3".into(),
            },
            Bar {
                label: "API output price".into(),
                low_value: 1.3e9,
                high_value: 800e6,
                low_input_label: "$12".into(),
                high_input_label: "$18".into(),
            },
        ],
    }
}

#[test]
fn tornado_puts_the_widest_swing_on_top_around_the_base() {
    let t = tornado();
    let svg = t.to_svg().unwrap();
    let doc = Document::parse(&svg).unwrap();
    let f = Frame::read(&doc);
    let bars = with_class(&doc, "bar");
    let names: Vec<&str> = bars
        .iter()
        .map(|g| g.attribute("data-name").unwrap())
        .collect();
    // Swings: 800M, 500M, 25M.
    assert_eq!(names, ["staff FTE", "API output price", "power price"]);
    let tops: Vec<f64> = bars
        .iter()
        .map(|g| num(&child(g, "rect")[0], "y"))
        .collect();
    assert!(tops.windows(2).all(|w| w[0] < w[1]), "{tops:?}");
    // Each bar's segments run from the base to the low and to the high value.
    let base = one(&doc, "base");
    let bx = polylines(&base)[0][0].0;
    near(bx, f.px(988e6), 0.5);
    let staff = child(&bars[0], "rect");
    let ends: Vec<(f64, f64)> = staff
        .iter()
        .map(|r| (num(r, "x"), num(r, "x") + num(r, "width")))
        .collect();
    assert!(ends
        .iter()
        .any(|&(l, r)| (l - f.px(600e6)).abs() <= 1.0 && (r - bx).abs() <= 1.0));
    assert!(ends
        .iter()
        .any(|&(l, r)| (l - bx).abs() <= 1.0 && (r - f.px(1.4e9)).abs() <= 1.0));
    // The input values label the bar ends; category names are the y axis.
    let words = text_of(&bars[0]);
    assert!(words.contains("0.1") && words.contains("0.3"), "{words}");
    let axis = text_of(&one(&doc, "axes"));
    for n in names {
        assert!(axis.contains(n), "{n} not on the axis: {axis}");
    }
    assert_eq!(
        text_of(&one(&doc, "x-label")).trim(),
        "break-even volume, tokens / month"
    );
}

#[test]
fn a_long_tornado_grows_taller() {
    let mut t = tornado();
    t.bars = (0..20)
        .map(|i| Bar {
            label: format!("input {i}"),
            low_value: 988e6 - 1e7 * i as f64,
            high_value: 988e6 + 1e7 * i as f64,
            low_input_label: "lo".into(),
            high_input_label: "hi".into(),
        })
        .collect();
    let svg = t.to_svg().unwrap();
    let doc = Document::parse(&svg).unwrap();
    assert!(num(&doc.root_element(), "height") > 500.0);
    assert_eq!(
        with_class(&doc, "bar")[0].attribute("data-name"),
        Some("input 19")
    );
}

// ---- cash and hybrid shares --------------------------------------------------------

#[test]
fn cash_chart_has_a_zero_line_and_payback_markers() {
    // $80,000 at month 0, $5,400 a month back, undiscounted: payback at 14.8 months.
    let c = CashChart {
        title: "Going local".into(),
        currency: "USD".into(),
        y_label: String::new(),
        series: vec![CashSeries {
            name: "4x A100 vs Sonnet".into(),
            points: (0..=36)
                .map(|m| (m as f64, -80_000.0 + 5_400.0 * m as f64))
                .collect(),
            payback: Some(Marker {
                label: "payback 14.8 months".into(),
                x: 80_000.0 / 5_400.0,
                y: 0.0,
            }),
        }],
    };
    let svg = c.to_svg().unwrap();
    let doc = Document::parse(&svg).unwrap();
    let f = Frame::read(&doc);
    assert!(!f.x_log && !f.y_log);
    assert_eq!((f.x.0, f.x.1), (0.0, 36.0));
    assert_eq!(
        series_names(&doc),
        [("4x A100 vs Sonnet".to_string(), "cash".to_string())]
    );
    let zero = &polylines(&one(&doc, "zero"))[0];
    let yt = y_ticks(&doc);
    assert_eq!(zero[0].1, tick(&yt, "$0"));
    assert_eq!((zero[0].0, zero[1].0), (f.left, f.right));
    let xt = x_ticks(&doc);
    assert_eq!(labels(&xt), ["0", "6", "12", "18", "24", "30", "36"]);
    let m = one(&doc, "payback");
    assert_eq!(m.attribute("data-series"), Some("4x A100 vs Sonnet"));
    let dot = child(&m, "circle")[0];
    // In its line's colour.
    let line = child(&with_class(&doc, "series")[0], "polyline")[0];
    assert_eq!(dot.attribute("fill"), line.attribute("stroke"));
    near(num(&dot, "cx"), f.px(14.8148), 0.5);
    assert_eq!(num(&dot, "cy"), tick(&yt, "$0"));
    assert!(text_of(&m).contains("payback 14.8 months"));
    assert_eq!(text_of(&one(&doc, "x-label")).trim(), "month");
    assert_eq!(
        text_of(&one(&doc, "y-label")).trim(),
        "cumulative discounted cash, USD"
    );
}

#[test]
fn shares_chart_marks_the_cheapest_share() {
    let c = SharesChart {
        title: "Hybrid".into(),
        currency: "EUR".into(),
        series: vec![
            SharesSeries {
                name: "A100 + Sonnet".into(),
                points: (0..=10)
                    .map(|i| {
                        let s = i as f64 / 10.0;
                        (s, 10_000.0 - 8_000.0 * s + 12_000.0 * s * s)
                    })
                    .collect(),
                // Minimum of 10000 − 8000 s + 12000 s² at s = 1/3: €8,666.67.
                best: Some(Marker {
                    label: "33.3% local: €8,667".into(),
                    x: 1.0 / 3.0,
                    y: 8_666.67,
                }),
            },
            SharesSeries {
                name: "H100 + GPT-5".into(),
                points: (0..=10).map(|i| (i as f64 / 10.0, 12_000.0)).collect(),
                best: None,
            },
        ],
    };
    let svg = c.to_svg().unwrap();
    let doc = Document::parse(&svg).unwrap();
    let f = Frame::read(&doc);
    assert_eq!(series_names(&doc).len(), 2);
    let xt = x_ticks(&doc);
    assert_eq!(labels(&xt).first(), Some(&"0%"));
    assert_eq!(labels(&xt).last(), Some(&"100%"));
    let m = one(&doc, "best");
    assert_eq!(m.attribute("data-series"), Some("A100 + Sonnet"));
    let dot = child(&m, "circle")[0];
    near(num(&dot, "cx"), f.px(1.0 / 3.0), 0.5);
    near(num(&dot, "cy"), f.py(8_666.67), 0.5);
    // €8,667 to €12,000 sits far above zero: the axis starts near the data.
    let yt = y_ticks(&doc);
    assert!(yt.iter().any(|(l, _)| l == "€10k"), "{yt:?}");
    assert!(f.y.0 > 0.0 && f.y.0 <= 8_666.67, "{f:?}");
    assert_eq!(text_of(&one(&doc, "y-label")).trim(), "EUR / month");
    assert_eq!(
        text_of(&one(&doc, "x-label")).trim(),
        "share of tokens served locally"
    );
}

// ---- snapshots: what changed in a picture shows in review ----------------------------

#[test]
fn snapshots() {
    insta::assert_snapshot!("cost", a100_chart(Some(2)).to_svg().unwrap());
    insta::assert_snapshot!("histogram", histogram().to_svg().unwrap());
    insta::assert_snapshot!("tornado", tornado().to_svg().unwrap());
}

// ---- charts built from tco-core's results ------------------------------------------

fn bundled(name: &str) -> (tco_core::Scenario, &'static str, &'static str) {
    use tco_core::input::scenario::NoFiles;
    let tables = tco_core::input::bundled::tables().unwrap();
    let (origin, text) = tco_core::input::bundled::find(&format!("scenarios/{name}.yaml")).unwrap();
    let s = tco_core::Scenario::parse(text, origin, tables.as_ref(), &NoFiles).unwrap();
    (s, origin, text)
}

#[test]
fn simulation_histogram_marks_its_percentiles() {
    use tco_core::analysis::sim::{simulate, SimOptions};
    let (s, _, _) = bundled("apple-64gb-workstation");
    let sim = simulate(
        &s,
        SimOptions {
            samples: 2_000,
            seed: 42,
        },
    )
    .unwrap();
    let pair = sim.break_even.iter().find(|p| p.never_share < 1.0).unwrap();
    let h = Histogram::from_simulation(&sim, pair);
    let svg = h.to_svg().unwrap();
    let doc = Document::parse(&svg).unwrap();
    let bars = child(&with_class(&doc, "series")[0], "rect");
    assert_eq!(
        bars.len(),
        pair.histogram.iter().filter(|b| b.count > 0).count()
    );
    let p = &pair.break_even_percentiles;
    let xs: Vec<f64> = with_class(&doc, "percentile")
        .iter()
        .map(|g| num(g, "data-x"))
        .collect();
    let want: Vec<f64> = [p.p10, p.p50, p.p90]
        .into_iter()
        .flatten()
        .map(|v| v as f64)
        .collect();
    assert_eq!(xs, want);
    assert_eq!(
        num(&one(&doc, "workload"), "data-x"),
        s.workload.tokens_per_month.0 as f64
    );
    // The visible title may be cut to fit; the document's <title> keeps it whole.
    let title = doc
        .root_element()
        .children()
        .find(|n| n.has_tag_name("title"))
        .unwrap();
    assert!(
        text_of(&title).contains("2,000 samples"),
        "{}",
        text_of(&title)
    );
}

#[test]
fn sensitivity_tornados_keep_the_widest_bars() {
    use tco_core::analysis::sensitivity::{sensitivity, SensOptions};
    use tco_core::input::scenario::NoFiles;
    let (_, origin, text) = bundled("flagship");
    let tables = tco_core::input::bundled::tables().unwrap();
    let root = tco_core::input::yaml::parse(text, origin).unwrap();
    let sens = sensitivity(
        &root,
        origin,
        tables.as_ref(),
        &NoFiles,
        SensOptions { all: true },
    )
    .unwrap();
    let pair = sens
        .pairs
        .iter()
        .find(|p| p.base_break_even.is_some())
        .unwrap();
    let t = Tornado::break_even(pair, 5).unwrap();
    assert_eq!(t.base, pair.base_break_even.unwrap() as f64);
    assert_eq!(t.bars.len(), 5);
    // The five widest of the pair's bars that break even at both ends, widest first.
    let mut swings: Vec<u64> = pair
        .break_even
        .iter()
        .filter_map(|b| Some(b.at_high?.abs_diff(b.at_low?)))
        .collect();
    swings.sort_unstable_by(|a, b| b.cmp(a));
    let drawn: Vec<u64> = t
        .sorted_bars()
        .iter()
        .map(|b| (b.high_value - b.low_value).abs() as u64)
        .collect();
    assert_eq!(drawn, swings[..5]);
    assert!(t.note.contains("smaller not shown"), "{}", t.note);
    let svg = t.to_svg().unwrap();
    let doc = Document::parse(&svg).unwrap();
    assert_eq!(with_class(&doc, "bar").len(), 5);
    assert!(text_of(&one(&doc, "title")).contains("smaller not shown"));

    let saving = Tornado::saving(&sens, pair, 3).unwrap();
    assert_eq!(
        saving.unit,
        Unit::Money {
            currency: "USD".into()
        }
    );
    assert!(saving.bars.len() <= 3);
    Document::parse(&saving.to_svg().unwrap()).unwrap();
}

#[test]
fn finance_and_hybrid_charts_follow_their_results() {
    let (s, _, _) = bundled("flagship");
    let fin = s.cash_flows().unwrap();
    let c = CashChart::from_finance(&fin);
    let computable: Vec<_> = fin.pairs.iter().filter(|p| !p.monthly.is_empty()).collect();
    assert_eq!(c.series.len(), computable.len());
    let svg = c.to_svg().unwrap();
    let doc = Document::parse(&svg).unwrap();
    assert_eq!(series_names(&doc).len(), computable.len());
    let paybacks: Vec<f64> = with_class(&doc, "payback")
        .iter()
        .map(|g| num(g, "data-x"))
        .collect();
    let want: Vec<f64> = computable
        .iter()
        .filter_map(|p| p.discounted_payback_months.map(f64::from))
        .collect();
    assert_eq!(paybacks, want);
    let f = Frame::read(&doc);
    assert_eq!((f.x.0, f.x.1), (0.0, f64::from(fin.horizon_months)));

    let h = s
        .hybrid(
            s.workload.tokens_per_month,
            tco_core::analysis::hybrid::default_step(),
        )
        .unwrap();
    let c = SharesChart::from_hybrid(&h);
    let svg = c.to_svg().unwrap();
    let doc = Document::parse(&svg).unwrap();
    assert_eq!(series_names(&doc).len(), h.pairs.len());
    let best: Vec<f64> = with_class(&doc, "best")
        .iter()
        .map(|g| num(g, "data-x"))
        .collect();
    let want: Vec<f64> = h
        .pairs
        .iter()
        .map(|p| p.best.local_share.to_string().parse().unwrap())
        .collect();
    assert_eq!(best, want);
}

/// The modelled curve of the bundled estimate (tests/model/EXPECTED.md,
/// estimate-before-you-buy): every level at its batch size, the hand-checked
/// totals at batch 8 and 16, and the capacity the report uses marked where
/// the TTFT target binds, between them.
#[test]
fn curve_chart_of_the_bundled_estimate_marks_the_reports_capacity() {
    use rust_decimal::prelude::ToPrimitive;
    use tco_chart::CurveChart;
    use tco_core::{input::scenario::NoFiles, Scenario};
    let tables = tco_core::input::bundled::tables().unwrap();
    let (origin, text) =
        tco_core::input::bundled::find("scenarios/estimate-before-you-buy.yaml").unwrap();
    let s = Scenario::parse(text, origin, tables.as_ref(), &NoFiles).unwrap();
    let l = &s.local[0];
    let curves = l.throughput.source.estimate_curves().unwrap();
    let chart = CurveChart::from_estimate(&l.name, curves);
    let f = |d: rust_decimal::Decimal| d.to_f64().unwrap();
    let levels = &curves.point.levels;
    assert_eq!(levels.len(), 8, "B = 1 … 128");
    for (i, lv) in levels.iter().enumerate() {
        let b = lv.batch as f64;
        assert_eq!(chart.per_stream[i], (b, f(lv.per_stream_decode_tps)));
        assert_eq!(chart.aggregate[i], (b, f(lv.aggregate_decode_tps)));
        assert_eq!(chart.total[i], (b, f(lv.total_tps)));
        assert_eq!(chart.total_low[i].0, b);
        assert!(chart.total_low[i].1 < chart.total[i].1);
        assert!(chart.total_high[i].1 > chart.total[i].1);
    }
    // EXPECTED.md: 2,246 and 3,449 tokens/s at batch 8 and 16; the report's
    // 2,999.1918 (the TTFT target reached 715/1142 of the way) between.
    assert_eq!(chart.total[3], (8.0, 2246.0));
    assert_eq!(chart.total[4], (16.0, 3449.0));
    let rate = l.throughput.decode.per_second();
    assert_eq!(rate.to_string(), "2999.1918");
    let m = chart.selected.clone().unwrap();
    assert_eq!(m.y, f(rate));
    near(
        m.x,
        8.0 + (2999.1918 - 2246.0) / (3449.0 - 2246.0) * 8.0,
        1e-9,
    );
    assert_eq!(m.label, "2,999 tokens/s (batch 8–16)");

    let svg = chart.to_svg().unwrap();
    let doc = Document::parse(&svg).unwrap();
    let fr = Frame::read(&doc);
    assert!(fr.x_log && fr.y_log);
    assert_eq!((fr.x.0, fr.x.1), (1.0, 128.0));
    // Batch sizes are ticked at the powers of two the estimate models.
    assert_eq!(
        labels(&x_ticks(&doc)),
        ["1", "2", "4", "8", "16", "32", "64", "128"]
    );
    near(tick(&x_ticks(&doc), "8"), fr.px(8.0), 1.0);
    assert_eq!(
        series_names(&doc),
        [
            ("per stream (decode)", "per_stream"),
            ("aggregate (decode)", "aggregate"),
            ("total, closed loop (capacity)", "total"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .to_vec()
    );
    assert_eq!(with_class(&doc, "range").len(), 2);
    let g = one(&doc, "selected");
    assert_eq!(num(&g, "data-y"), 2999.1918);
    assert!(text_of(&g).contains("2,999 tokens/s (batch 8–16)"));
    let dot = child(&g, "circle");
    assert_eq!(dot.len(), 1);
    near(num(&dot[0], "cx"), fr.px(m.x), 1.0);
    near(num(&dot[0], "cy"), fr.py(m.y), 1.0);
    // The total line goes through each level's pixel.
    let total = with_class(&doc, "series")
        .into_iter()
        .find(|g| g.attribute("data-kind") == Some("total"))
        .unwrap();
    let line: Vec<(f64, f64)> = polylines(&total).concat();
    for (b, y) in &chart.total {
        assert!(
            line.iter()
                .any(|p| (p.0 - fr.px(*b)).abs() <= 1.0 && (p.1 - fr.py(*y)).abs() <= 1.0),
            "no point of the total line at batch {b}"
        );
    }
    assert_eq!(chart.to_svg().unwrap(), svg, "the same bytes again");
}
