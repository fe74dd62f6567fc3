//! The editable inputs: which scenario fields the calculator offers, with
//! the labels, units, allowed ranges and +/− steps of the core's field
//! registry (`tco_core::model::fields`).
//!
//! The list is rebuilt from the checked [`Scenario`] after every change, so a
//! value shown is always the value the core computed with (defaults included).
//! Nothing here prices anything: a step only proposes a new input text, which
//! goes through `set_path` and the core's parser like a typed value.
//!
//! An input written as a distribution (`{dist: triangular, …}`) is listed with
//! its distribution and point value; `+`/`−` shifts the whole distribution by
//! the step its point value would take (every parameter but a standard
//! deviation moves by the same amount), so the spread is kept. A shift the
//! core refuses (a share's max above 1) is refused like any other value.

use rust_decimal::{Decimal, RoundingStrategy};
use tco_core::input::yaml::Node;
use tco_core::model::fields::{self as reg, FieldSpec, Kind};
use tco_core::model::format;
use tco_core::model::scenario::{Billing, HardwareCost, Scenario};
use tco_core::model::throughput::ThroughputSource;
use tco_core::model::uncertain::{Dist, InputSource};
use tco_core::model::units::{Money, PerMTok, Tokens};

/// How `+`/`−` move a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Token volume: × or ÷ 1.25, whole tokens.
    Volume,
    /// A share in [0, 1]: ± 0.05.
    Share,
    /// Money or another positive quantity: × or ÷ 1.05, to `dp` places.
    Percent5 { dp: u32 },
    /// An integer: ± `by`.
    Int { by: i64, min: i64 },
    /// A plain number: ± `by`, not below `min`.
    Add { by: Decimal, min: Decimal },
}

/// How the value is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Show {
    Tokens,
    Money,
    /// A unit price (per MTok, per kWh, per GPU-hour): to the cent, or four places below ten cents.
    Price,
    Plain,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The heading the field is listed under ("Workload", "API: …", "Local: …").
    pub group: String,
    pub label: &'static str,
    /// `set_path` path, e.g. `local[0].owned.price`.
    pub path: String,
    /// The unit with the scenario's currency: `USD/kWh`.
    pub unit: String,
    /// What the core accepts, as its error messages say it.
    pub range: &'static str,
    pub step: Step,
    pub show: Show,
    /// The value the core used (a distribution's point value).
    pub value: Decimal,
    /// The distribution written at `path`, if any.
    pub dist: Option<Dist>,
    /// A field that holds text (the billing kind, a date): its text; `+`/`−`
    /// cycle a billing kind through the registry's kinds.
    pub text: Option<String>,
    /// An optional input the scenario leaves out: shown as "not set", `+`
    /// starts it from its minimum's step.
    pub unset: bool,
}

impl Field {
    /// The value as the list shows it: `triangular 0.08/0.12/0.20 (point $0.12)`.
    pub fn display(&self, currency: &str) -> String {
        match &self.dist {
            Some(d) => format!(
                "{} (point {})",
                dist_text(d, self.show),
                self.point_display(currency)
            ),
            None => self.point_display(currency),
        }
    }

    /// The text an edit starts from: the number, or the distribution as YAML.
    pub fn edit_text(&self) -> String {
        match (&self.text, &self.dist) {
            (Some(t), _) => t.clone(),
            (None, _) if self.unset => String::new(),
            (None, Some(d)) => dist_yaml(d),
            (None, None) => self.value.normalize().to_string(),
        }
    }

    /// The input text one step up or down: a number, or for a distribution
    /// the whole distribution shifted by its point value's step.
    pub fn stepped_input(&self, up: bool) -> Option<String> {
        if let Some(t) = &self.text {
            if self.is_throughput_choice() {
                // Two choices: either key goes to the other one.
                return Some(
                    if t == "roofline" {
                        TYPED_RATE
                    } else {
                        "roofline"
                    }
                    .into(),
                );
            }
            return self.is_billing().then(|| next_kind(t, up));
        }
        let new = self.stepped(up)?;
        let Some(d) = &self.dist else {
            return Some(new);
        };
        let new: Decimal = new.parse().ok()?;
        Some(dist_yaml(&shift(d, new - self.value)))
    }

    /// Whether this is a local option's throughput choice (typed rate or
    /// estimate from specs).
    pub fn is_throughput_choice(&self) -> bool {
        reg::pattern(&self.path) == "local[].throughput.estimate"
    }

    /// Whether this is a rented option's billing kind.
    pub fn is_billing(&self) -> bool {
        reg::pattern(&self.path) == "local[].rented.billing"
    }

    /// Whether this is a local option's "add a latency target" line.
    pub fn is_slo_add(&self) -> bool {
        reg::pattern(&self.path) == "local[].throughput.slo"
    }

    fn point_display(&self, currency: &str) -> String {
        if self.is_slo_add() {
            return "add one: Enter, KEY=MS (tpot_p95_ms=90)".into();
        }
        if let Some(t) = &self.text {
            return t.clone();
        }
        if self.unset {
            return "not set".into();
        }
        match self.show {
            Show::Tokens => {
                let t = Tokens(to_u64(self.value));
                format!("{} ({})", format::tokens_short(t), format::tokens(t))
            }
            Show::Money => format::money(Money::new(self.value), currency),
            Show::Price => format::per_mtok(PerMTok::new(self.value), currency),
            Show::Plain => self.value.normalize().to_string(),
        }
    }

    /// The input text one step up (`up`) or down, or None when it cannot move.
    pub fn stepped(&self, up: bool) -> Option<String> {
        let v = self.value;
        let new = match self.step {
            Step::Volume => {
                let f = Decimal::new(125, 2);
                let n = if up { v * f } else { v / f };
                let n = n.round();
                if !up && n == v {
                    (v - Decimal::ONE).max(Decimal::ZERO)
                } else if up && n == v {
                    v + Decimal::ONE
                } else {
                    n
                }
            }
            Step::Share => {
                let d = Decimal::new(5, 2);
                let n = if up { v + d } else { v - d };
                n.clamp(Decimal::ZERO, Decimal::ONE)
            }
            Step::Percent5 { dp } => {
                let f = Decimal::new(105, 2);
                let n = if up { v * f } else { v / f };
                let n = n.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
                if v.is_zero() && up {
                    Decimal::new(1, dp)
                } else {
                    n
                }
            }
            Step::Int { by, min } => {
                let n = if up {
                    v + Decimal::from(by)
                } else {
                    v - Decimal::from(by)
                };
                n.max(Decimal::from(min))
            }
            Step::Add { by, min } => {
                let n = if up { v + by } else { v - by };
                n.max(min)
            }
        };
        (new != v).then(|| new.normalize().to_string())
    }
}

/// The billing kind after (`up`) or before `kind` in the registry's list, wrapping.
fn next_kind(kind: &str, up: bool) -> String {
    let kinds = reg::BILLING_KINDS;
    let n = kinds.len();
    let i = kinds.iter().position(|(k, _)| *k == kind).unwrap_or(0);
    let j = if up { (i + 1) % n } else { (i + n - 1) % n };
    kinds[j].0.to_string()
}

/// What the throughput choice field shows: `roofline` for an estimate from
/// specs, else how the rate is given.
pub const TYPED_RATE: &str = "none (typed rate)";
pub const MEASURED: &str = "none (measured; edit the file)";

fn throughput_choice(source: &ThroughputSource) -> &'static str {
    match source {
        ThroughputSource::Estimate { .. } => "roofline",
        ThroughputSource::Declared => TYPED_RATE,
        _ => MEASURED,
    }
}

/// The billing kind's name as the reader writes it (`always_on` for `on_demand`).
pub fn billing_name(b: &Billing) -> &'static str {
    match b {
        Billing::AlwaysOn => "always_on",
        Billing::BusyHours => "busy_hours",
        Billing::Reserved { .. } => "reserved",
        Billing::Spot { .. } => "spot",
        Billing::Autoscaled { .. } => "autoscaled",
    }
}

/// `d` moved by `delta`: location parameters shift, spreads stay.
pub fn shift(d: &Dist, delta: Decimal) -> Dist {
    let m = |x: Decimal| (x + delta).normalize();
    match d {
        Dist::Normal { mean, sd } => Dist::Normal {
            mean: m(*mean),
            sd: *sd,
        },
        Dist::Lognormal { mean, sd } => Dist::Lognormal {
            mean: m(*mean),
            sd: *sd,
        },
        Dist::Uniform { min, max } => Dist::Uniform {
            min: m(*min),
            max: m(*max),
        },
        Dist::Triangular { min, mode, max } => Dist::Triangular {
            min: m(*min),
            mode: m(*mode),
            max: m(*max),
        },
        Dist::Pert { min, mode, max } => Dist::Pert {
            min: m(*min),
            mode: m(*mode),
            max: m(*max),
        },
    }
}

/// A distribution as the flow mapping the scenario format reads.
pub fn dist_yaml(d: &Dist) -> String {
    match d {
        Dist::Normal { mean, sd } => format!("{{dist: normal, mean: {mean}, sd: {sd}}}"),
        Dist::Lognormal { mean, sd } => format!("{{dist: lognormal, mean: {mean}, sd: {sd}}}"),
        Dist::Uniform { min, max } => format!("{{dist: uniform, min: {min}, max: {max}}}"),
        Dist::Triangular { min, mode, max } => {
            format!("{{dist: triangular, min: {min}, mode: {mode}, max: {max}}}")
        }
        Dist::Pert { min, mode, max } => {
            format!("{{dist: pert, min: {min}, mode: {mode}, max: {max}}}")
        }
    }
}

/// A distribution in a few characters: `triangular 0.08/0.12/0.20`, volumes as `2B`.
pub fn dist_text(d: &Dist, show: Show) -> String {
    let v = |x: &Decimal| match show {
        Show::Tokens => format::tokens_short(Tokens(to_u64(*x))),
        _ => x.to_string(),
    };
    match d {
        Dist::Normal { mean, sd } => format!("normal {} sd {}", v(mean), v(sd)),
        Dist::Lognormal { mean, sd } => format!("lognormal {} sd {}", v(mean), v(sd)),
        Dist::Uniform { min, max } => format!("uniform {}–{}", v(min), v(max)),
        Dist::Triangular { min, mode, max } => {
            format!("triangular {}/{}/{}", v(min), v(mode), v(max))
        }
        Dist::Pert { min, mode, max } => format!("PERT {}/{}/{}", v(min), v(mode), v(max)),
    }
}

fn to_u64(d: Decimal) -> u64 {
    use rust_decimal::prelude::ToPrimitive;
    d.to_u64().unwrap_or(0)
}

fn tree_at<'a>(root: &'a Node, path: &[&str], index: usize, section: &str) -> Option<&'a Node> {
    let list = root.get(section)?;
    let tco_core::input::yaml::Value::Seq(items) = &list.value else {
        return None;
    };
    let mut n = items.get(index)?;
    for p in path {
        n = n.get(p)?;
    }
    Some(n)
}

/// How the calculator steps and shows a registry field.
fn step_show(spec: &FieldSpec) -> (Step, Show) {
    use rust_decimal::prelude::ToPrimitive;
    let step = match spec.step {
        reg::Step::Volume => Step::Volume,
        reg::Step::Share => Step::Share,
        reg::Step::Percent5 { dp } => Step::Percent5 { dp },
        reg::Step::Add { by } if spec.kind == Kind::Integer => Step::Int {
            by: by.to_i64().unwrap_or(1),
            min: spec.min.to_i64().unwrap_or(0),
        },
        reg::Step::Add { by } => Step::Add { by, min: spec.min },
        reg::Step::None => Step::Add {
            by: Decimal::ZERO,
            min: spec.min,
        },
    };
    let show = match spec.kind {
        Kind::Tokens => Show::Tokens,
        Kind::Money => Show::Money,
        Kind::Price => Show::Price,
        _ => Show::Plain,
    };
    (step, show)
}

/// The inputs of `s`, in list order. `tree` says which throughput keys the
/// file uses. Labels, units, ranges and steps are the field registry's
/// ([`tco_core::model::fields`]).
pub fn fields(s: &Scenario, tree: &Node) -> Vec<Field> {
    let mut out = Vec::new();
    let cur = s.currency.as_str();
    let written = tco_core::input::scenario::written_targets(tree);
    let mut push_any = |group: &str, path: String, value: Option<Decimal>, text: Option<String>| {
        let spec = reg::spec_of(&path).unwrap_or_else(|| reg::known(&reg::pattern(&path)));
        let (step, show) = step_show(spec);
        out.push(Field {
            group: group.to_string(),
            label: spec.label,
            unit: spec.unit_in(cur),
            range: spec.allowed,
            step,
            show,
            path,
            unset: value.is_none() && text.is_none(),
            value: value.unwrap_or_default(),
            dist: None,
            text,
        });
    };
    if let Some(r) = &s.exchange_rates {
        let g = "Currency";
        push_any(
            g,
            "exchange_rates.as_of".into(),
            None,
            Some(r.as_of.to_string()),
        );
        for (code, rate) in &r.rates {
            push_any(g, format!("exchange_rates.{code}"), Some(*rate), None);
        }
    }
    macro_rules! push {
        ($group:expr, $path:expr, $value:expr $(,)?) => {
            push_any($group, $path, Some($value), None)
        };
    }
    let w = &s.workload;
    let g = "Workload";
    push!(
        g,
        "workload.tokens_per_month".into(),
        w.tokens_per_month.as_decimal(),
    );
    push!(g, "workload.input_share".into(), w.input_share.get());
    push!(
        g,
        "workload.cached_input_share".into(),
        w.cached_input_share.get(),
    );
    push!(g, "workload.batch_share".into(), w.batch_share.get());
    push!(
        g,
        "workload.cache_write_share".into(),
        w.cache_write_share.get()
    );
    push!(g, "workload.off_peak_share".into(), w.off_peak_share.get());
    push_any(
        g,
        "workload.hourly_profile".into(),
        None,
        Some(reg::profile_text(w.hourly_profile.as_deref())),
    );
    // 0 = not set (the standard prices, no long-context tier).
    push!(
        g,
        "workload.prompt_tokens_per_request".into(),
        Decimal::from(w.prompt_tokens_per_request.unwrap_or(0)),
    );
    push!(g, "hours_per_month".into(), s.hours_per_month);
    for (i, a) in s.api.iter().enumerate() {
        let group = format!("API: {}", a.name);
        push!(
            &group,
            format!("api[{i}].input_per_mtok"),
            a.input_per_mtok.amount(),
        );
        push!(
            &group,
            format!("api[{i}].output_per_mtok"),
            a.output_per_mtok.amount(),
        );
        push!(&group, format!("api[{i}].uplift"), a.uplift);
    }
    for (i, l) in s.local.iter().enumerate() {
        let group = format!("Local: {}", l.name);
        let mut local =
            |key: &str, value: Decimal| push!(&group, format!("local[{i}].{key}"), value);
        match &l.hardware {
            HardwareCost::Owned {
                price: p,
                amortization_months,
                cost_of_capital,
                ..
            } => {
                local("owned.price", p.amount());
                local(
                    "owned.amortization_months",
                    Decimal::from(*amortization_months),
                );
                local("owned.cost_of_capital", *cost_of_capital);
            }
            HardwareCost::Rented {
                price_per_gpu_hour,
                billing,
                ..
            } => {
                local("rented.price_per_gpu_hour", price_per_gpu_hour.amount());
                push_any(
                    &group,
                    format!("local[{i}].rented.billing"),
                    None,
                    Some(billing_name(billing).into()),
                );
                let mut local =
                    |key: &str, value: Decimal| push!(&group, format!("local[{i}].{key}"), value);
                match billing {
                    Billing::Reserved {
                        term_months,
                        upfront,
                    } => {
                        local("rented.term_months", Decimal::from(*term_months));
                        local("rented.upfront", upfront.get());
                    }
                    Billing::Spot {
                        discount,
                        interruption_overhead,
                    } => {
                        local("rented.discount", discount.get());
                        local("rented.interruption_overhead", interruption_overhead.get());
                    }
                    Billing::Autoscaled { min_nodes } => {
                        local("rented.min_nodes", Decimal::from(*min_nodes));
                    }
                    Billing::AlwaysOn | Billing::BusyHours => {}
                }
            }
        }
        let mut local =
            |key: &str, value: Decimal| push!(&group, format!("local[{i}].{key}"), value);
        if let Some(p) = &l.power {
            local("power.load_watts", p.load_watts.amount());
            local("power.price_per_kwh", p.price_per_kwh.amount());
            local("power.pue", p.pue);
        }
        if let Some(st) = &l.staff {
            local("staff.fte", st.fte);
            local("staff.annual_cost", st.annual_cost.amount());
        }
        local("other_monthly", l.other_monthly.amount());
        // How the throughput is given: `+`/`−` switch a typed rate and an
        // estimate from the machine's specs (see `App::sets_for`); an
        // estimate's efficiencies edit as shares.
        push_any(
            &group,
            format!("local[{i}].throughput.estimate"),
            None,
            Some(throughput_choice(&l.throughput.source).into()),
        );
        if let ThroughputSource::Estimate { efficiency, .. } = &l.throughput.source {
            let mut local =
                |key: &str, value: Decimal| push!(&group, format!("local[{i}].{key}"), value);
            local("throughput.efficiency.memory", efficiency.memory);
            local("throughput.efficiency.compute", efficiency.compute);
            // A CPU's batched decode has its own (see tco-core's estimate).
            if let Some(d) = efficiency.decode_compute {
                local("throughput.efficiency.decode_compute", d);
            }
        }
        let mut local =
            |key: &str, value: Decimal| push!(&group, format!("local[{i}].{key}"), value);
        // Edit the throughput keys the file uses; a calibration is read-only here.
        let tp = tree_at(tree, &["throughput"], i, "local");
        let has = |k: &str| tp.and_then(|t| t.get(k)).is_some();
        if has("tokens_per_second") {
            local(
                "throughput.tokens_per_second",
                l.throughput.decode.per_second().round_dp(4),
            );
        }
        if has("prefill_tokens_per_second") {
            local(
                "throughput.prefill_tokens_per_second",
                l.throughput.prefill.per_second().round_dp(4),
            );
        }
        if has("decode_tokens_per_second") {
            local(
                "throughput.decode_tokens_per_second",
                l.throughput.decode.per_second().round_dp(4),
            );
        }
        // Latency targets of a curve: one line each as written, and a line
        // that adds one (`KEY=MS`).
        if let Some(w) = written.get(i).filter(|w| w.curve) {
            for (key, text) in &w.targets {
                let v = text
                    .parse::<Decimal>()
                    .or_else(|_| Decimal::from_scientific(text));
                if let Ok(v) = v {
                    local(&format!("throughput.slo.{key}"), v.normalize());
                }
            }
            push_any(
                &group,
                format!("local[{i}].throughput.slo"),
                None,
                Some(String::new()),
            );
        }
        let mut local =
            |key: &str, value: Decimal| push!(&group, format!("local[{i}].{key}"), value);
        local("max_utilization", l.max_utilization.get());
        // Carbon: the grid's intensity (with a power line) and the embodied
        // carbon per node, "not set" until given.
        if let Some(p) = &l.power {
            push_any(
                &group,
                format!("local[{i}].power.grid_kg_co2e_per_kwh"),
                p.grid_kg_co2e_per_kwh,
                None,
            );
        }
        let e = l.embodied.as_ref();
        push_any(
            &group,
            format!("local[{i}].embodied_kg_co2e"),
            e.map(|e| e.kg_co2e),
            None,
        );
        if matches!(l.hardware, HardwareCost::Rented { .. }) {
            push_any(
                &group,
                format!("local[{i}].embodied_months"),
                e.map(|e| Decimal::from(e.months)),
                None,
            );
        }
    }
    for f in &mut out {
        f.dist = s
            .uncertain
            .iter()
            .find(|u| u.source == InputSource::Written && u.path == f.path)
            .map(|u| u.dist.clone());
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn f(step: Step, value: Decimal) -> Field {
        Field {
            group: String::new(),
            label: "x",
            path: "x".into(),
            unit: String::new(),
            range: "",
            step,
            show: Show::Plain,
            value,
            dist: None,
            text: None,
            unset: false,
        }
    }

    #[test]
    fn steps_are_sensible() {
        let v = f(Step::Volume, Decimal::from(100_000_000));
        assert_eq!(v.stepped(true).as_deref(), Some("125000000"));
        assert_eq!(v.stepped(false).as_deref(), Some("80000000"));
        let s = f(Step::Share, Decimal::new(98, 2));
        assert_eq!(s.stepped(true).as_deref(), Some("1"));
        assert_eq!(f(Step::Share, Decimal::ONE).stepped(true), None);
        let m = f(Step::Percent5 { dp: 2 }, Decimal::from(80_000));
        assert_eq!(m.stepped(true).as_deref(), Some("84000"));
        assert_eq!(m.stepped(false).as_deref(), Some("76190.48"));
        let i = f(Step::Int { by: 1, min: 1 }, Decimal::ONE);
        assert_eq!(i.stepped(false), None);
    }
}
