//! The page's free functions: the bundled scenarios, the field registry,
//! the version, and the display formatting every face shares.

use crate::convert::{decimal, json, volume};
use serde::Serialize;
use tco_core::input::bundled;
use tco_core::model::format;
use tco_core::model::units::{Money, PerMTok};
use wasm_bindgen::prelude::*;

#[derive(Serialize)]
struct BundledScenario {
    /// The name `tco report NAME` takes: `flagship`, `lit-document-pipeline`, …
    id: &'static str,
    /// Path in the repository, used as the origin in messages.
    path: &'static str,
    text: &'static str,
}

/// Every bundled scenario as JSON: `[{"id", "path", "text"}]`, in file-name order.
#[wasm_bindgen(js_name = bundledScenarios)]
pub fn bundled_scenarios() -> Result<String, JsValue> {
    let list: Vec<BundledScenario> = bundled::SCENARIOS
        .iter()
        .map(|&(path, text)| BundledScenario {
            id: path
                .trim_start_matches("scenarios/")
                .trim_end_matches(".yaml"),
            path,
            text,
        })
        .collect();
    json(&list)
}

/// The field registry as JSON: `[{path, label, unit, kind, min, max,
/// allowed, dist, step, input_step}]` (`tco_core::model::fields::FIELDS`;
/// the billing line with its `kinds`), from which the page builds its form:
/// labels, units, limits and hints are the ones the scenario reader checks
/// against.
#[wasm_bindgen(js_name = fieldSpecs)]
pub fn field_specs() -> Result<String, JsValue> {
    #[derive(Serialize)]
    struct Spec {
        #[serde(flatten)]
        spec: &'static tco_core::model::fields::FieldSpec,
        /// The number box's step (`null`: any).
        input_step: Option<String>,
        /// `local[].rented.billing` only: `[[kind, [[key, default | null]]]]`
        /// (`fields::BILLING_KINDS`), the keys each kind owns.
        #[serde(skip_serializing_if = "Option::is_none")]
        kinds: Option<&'static [tco_core::model::fields::BillingKind]>,
        /// `local[].model.quant` only: `[[as the scenario JSON writes it,
        /// as a scenario names it]]`, every quantization the core knows.
        #[serde(skip_serializing_if = "Option::is_none")]
        choices: Option<Vec<(serde_json::Value, &'static str)>>,
    }
    let list: Vec<Spec> = tco_core::model::fields::FIELDS
        .iter()
        .map(|spec| Spec {
            spec,
            input_step: spec.step.input_step().map(|d| d.normalize().to_string()),
            kinds: (spec.path == "local[].rented.billing")
                .then_some(tco_core::model::fields::BILLING_KINDS),
            choices: (spec.path == "local[].model.quant").then(|| {
                tco_core::model::fit::Quant::ALL
                    .iter()
                    .map(|q| (serde_json::to_value(q).unwrap_or_default(), q.name()))
                    .collect()
            }),
        })
        .collect();
    json(&list)
}

/// The `--set workload.hourly_profile=VALUE` value for what was typed in the
/// profile box: `flat`, or numbers separated by commas or spaces as a list
/// (`fields::profile_value`); the scenario reader judges it.
#[wasm_bindgen(js_name = profileValue)]
pub fn profile_value(typed: &str) -> String {
    tco_core::model::fields::profile_value(typed)
}

/// The `PATH=VALUE` edits that add the latency target typed as `KEY=MS` to
/// the throughput at `throughput` (`local[0].throughput`), removing a fixed
/// `concurrency` when `had_concurrency` (`fields::slo_add`).
#[wasm_bindgen(js_name = sloAdd)]
pub fn slo_add(
    throughput: &str,
    typed: &str,
    had_concurrency: bool,
) -> Result<Vec<String>, JsValue> {
    tco_core::model::fields::slo_add(throughput, typed, had_concurrency)
        .map_err(|e| JsValue::from(js_sys::Error::new(&e)))
}

/// A field's label with its option, as the tornado and the CLI write it:
/// `local[0].power.price_per_kwh` → `electricity price (local 1)`.
#[wasm_bindgen(js_name = fieldLabel)]
pub fn field_label(path: &str) -> String {
    tco_core::model::fields::label(path)
}

/// The version of the bindings (the workspace version), for the page's footer.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The id of the scenario `tco report` runs with no argument.
#[wasm_bindgen(js_name = flagshipId)]
pub fn flagship_id() -> String {
    bundled::FLAGSHIP
        .0
        .trim_start_matches("scenarios/")
        .trim_end_matches(".yaml")
        .to_string()
}

/// `$2,222.22`: money as every face shows it (half away from zero, to the cent).
#[wasm_bindgen(js_name = formatMoney)]
pub fn format_money(amount: &str, currency: &str) -> Result<String, JsValue> {
    Ok(format::money(Money::new(decimal(amount)?), currency))
}

/// `$5.40`, `$0.0750`: a price per million tokens.
#[wasm_bindgen(js_name = formatPerMtok)]
pub fn format_per_mtok(price: &str, currency: &str) -> Result<String, JsValue> {
    Ok(format::per_mtok(PerMTok::new(decimal(price)?), currency))
}

/// `988,411,523`.
#[wasm_bindgen(js_name = formatTokens)]
pub fn format_tokens(tokens: &str) -> Result<String, JsValue> {
    Ok(format::tokens(volume(tokens)?))
}

/// `988M`, `3.11B`.
#[wasm_bindgen(js_name = formatTokensShort)]
pub fn format_tokens_short(tokens: &str) -> Result<String, JsValue> {
    Ok(format::tokens_short(volume(tokens)?))
}

/// `43.7%` from `0.43712`.
#[wasm_bindgen(js_name = formatPercent)]
pub fn format_percent(share: &str) -> Result<String, JsValue> {
    Ok(format::percent(decimal(share)?))
}

/// `35.0` from `35.014`: a plain number rounded as the CLI's tables round
/// payback months (`Decimal::round_dp`, `dp` decimal places).
#[wasm_bindgen(js_name = formatRounded)]
pub fn format_rounded(value: &str, dp: u32) -> Result<String, JsValue> {
    Ok(decimal(value)?.round_dp(dp).to_string())
}
