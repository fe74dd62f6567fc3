//! Conversions at the JS boundary: core errors to one JS `Error`, results to
//! JSON text, and the text inputs (decimals, seeds, volumes) the page sends.

use rust_decimal::Decimal;
use serde::Serialize;
use tco_core::model::units::{parse_tokens, Tokens};
use tco_core::Error;
use wasm_bindgen::prelude::*;

/// The one conversion from a core error to a JS `Error`.
///
/// `message` is the text the CLI prints. A located input error also carries
/// `origin`, `line`, `col`, `path` (e.g. `workload.input_share`), `problem`
/// (what is wrong) and `allowed` (what is allowed, or null); `kind` is
/// `input`, `overflow` or `invalid`.
pub(crate) fn js_error(e: Error) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    err.set_name("TcoError");
    let put = |key: &str, value: JsValue| {
        // Setting a property on a fresh Error object cannot fail.
        let _ = js_sys::Reflect::set(&err, &JsValue::from_str(key), &value);
    };
    let kind = match &e {
        Error::Input(d) => {
            put("origin", JsValue::from_str(&d.origin));
            put("line", JsValue::from(d.line as u32));
            put("col", JsValue::from(d.col as u32));
            put("path", JsValue::from_str(&d.path));
            put("problem", JsValue::from_str(&d.message));
            put(
                "allowed",
                d.allowed
                    .as_deref()
                    .map_or(JsValue::NULL, JsValue::from_str),
            );
            "input"
        }
        Error::Overflow(_) => "overflow",
        _ => "invalid",
    };
    put("kind", JsValue::from_str(kind));
    err.into()
}

pub(crate) fn invalid(message: String) -> JsValue {
    js_error(Error::Invalid(message))
}

/// Compact JSON for data the page reads.
pub(crate) fn json<T: Serialize>(v: &T) -> Result<String, JsValue> {
    serde_json::to_string(v).map_err(|e| invalid(format!("cannot write JSON: {e}")))
}

/// JSON exactly as `tco … --format json` prints it (pretty, one final newline).
pub(crate) fn cli_json<T: Serialize>(v: &T) -> Result<String, JsValue> {
    let mut s =
        serde_json::to_string_pretty(v).map_err(|e| invalid(format!("cannot write JSON: {e}")))?;
    s.push('\n');
    Ok(s)
}

pub(crate) fn decimal(text: &str) -> Result<Decimal, JsValue> {
    let t = text.trim();
    t.parse::<Decimal>()
        .or_else(|_| Decimal::from_scientific(t))
        .map_err(|_| invalid(format!("`{text}` is not a decimal number")))
}

/// A seed from JS: a whole number from 0 to 2^53.
pub(crate) fn seed_of(seed: f64) -> Result<u64, JsValue> {
    const MAX: f64 = 9_007_199_254_740_992.0;
    if seed.fract() == 0.0 && (0.0..=MAX).contains(&seed) {
        Ok(seed as u64)
    } else {
        Err(invalid(format!(
            "seed {seed}: allowed a whole number from 0 to 2^53"
        )))
    }
}

pub(crate) fn volume(text: &str) -> Result<Tokens, JsValue> {
    parse_tokens(text).map_err(invalid)
}

/// Today (UTC) from the browser's clock; none outside wasm (native tests).
pub(crate) fn today() -> Option<tco_core::model::date::Date> {
    #[cfg(target_arch = "wasm32")]
    {
        let days = (js_sys::Date::now() / 86_400_000.0).floor() as i64;
        tco_core::model::date::Date::from_days(days)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        None
    }
}
