//! `tco prices import` against the real LiteLLM snapshot.

use crate::{dec, tco, tco_in};
use rust_decimal::Decimal;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::str::FromStr;

/// `tests/data/litellm-model-prices-2025-09.json` (see tests/data/README.md).
/// Absent is a failure: the import is tested on real data or not at all.
fn snapshot() -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/litellm-model-prices-2025-09.json");
    assert!(
        p.is_file(),
        "the LiteLLM snapshot {} is missing: the import test needs it",
        p.display()
    );
    p
}

fn load_json() -> serde_json::Map<String, serde_json::Value> {
    let text = std::fs::read_to_string(snapshot()).unwrap();
    match serde_json::from_str(&text).unwrap() {
        serde_json::Value::Object(m) => m,
        _ => panic!("the snapshot is a JSON object"),
    }
}

/// The id tco gives an entry: the key when it already names a provider
/// (`vertex_ai/…`), else `litellm_provider/key`; lower case.
fn tco_id(key: &str, entry: &serde_json::Value) -> String {
    if key.contains('/') {
        key.to_lowercase()
    } else {
        format!(
            "{}/{}",
            entry["litellm_provider"].as_str().unwrap_or("unknown"),
            key
        )
        .to_lowercase()
    }
}

/// Chat models with both token prices, duplicate ids counted once.
fn expected_ids() -> BTreeSet<String> {
    load_json()
        .iter()
        .filter(|(_, v)| {
            v["mode"] == "chat"
                && v["input_cost_per_token"].is_number()
                && v["output_cost_per_token"].is_number()
        })
        .map(|(k, v)| tco_id(k, v))
        .collect()
}

/// Per-token price text × 10^6, exactly.
fn per_mtok(v: &serde_json::Value) -> Decimal {
    let text = v.to_string();
    let d = Decimal::from_str(&text)
        .or_else(|_| Decimal::from_scientific(&text))
        .unwrap();
    (d * Decimal::from(1_000_000)).normalize()
}

/// The YAML block of one model in the imported table.
fn block<'a>(yaml: &'a str, id: &str) -> &'a str {
    let start = yaml
        .find(&format!("  - id: \"{id}\"\n"))
        .unwrap_or_else(|| panic!("`{id}` is not in the imported table"));
    let rest = &yaml[start + 4..];
    let end = rest.find("\n  - id: ").map_or(rest.len(), |e| e + 1);
    &rest[..end]
}

#[test]
fn import_writes_exact_prices_and_a_usable_table() {
    let src = snapshot();
    let src = src.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("litellm.yaml");
    let out_s = out.to_str().unwrap();

    let o = tco(&["prices", "import", src, "-o", out_s]);
    o.ok();
    let yaml = std::fs::read_to_string(&out).unwrap();

    // Count: every chat model with both token prices, one per id.
    let ids = expected_ids();
    assert!(ids.len() > 500, "the snapshot holds many chat models");
    let written = yaml.lines().filter(|l| l.starts_with("  - id: ")).count();
    assert_eq!(written, ids.len(), "imported entries");
    assert!(
        o.stderr
            .contains(&format!("imported {} chat models", ids.len())),
        "{}",
        o.stderr
    );
    assert!(
        yaml.contains(&format!("{} chat models imported", ids.len())),
        "the header says how many"
    );
    assert!(yaml.contains("2025-09-01"), "as_of from the file name");
    assert!(
        yaml.contains("litellm-model-prices-2025-09.json"),
        "the source"
    );

    // gpt-4o-mini, exactly as written in the table (no f64 noise).
    let mini = block(&yaml, "openai/gpt-4o-mini");
    for line in [
        "    input_per_mtok: 0.15\n",
        "    output_per_mtok: 0.6\n",
        "    cached_input_per_mtok: 0.075\n",
        "    batch_discount: 0.5\n",
    ] {
        assert!(
            mini.contains(line),
            "gpt-4o-mini lacks `{}`:\n{mini}",
            line.trim()
        );
    }

    // The written file is a price table tco accepts...
    let list = tco(&["prices", "list", "--pricing", out_s, "--format", "json"]).json();
    let models = list.as_array().unwrap();
    assert_eq!(models.len(), ids.len());
    let listed: BTreeSet<String> = models
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(listed, ids, "the same ids as computed from the JSON");
    let m = models
        .iter()
        .find(|m| m["id"] == "openai/gpt-4o-mini")
        .unwrap();
    assert_eq!(
        dec(&m["input_per_mtok"]),
        Decimal::from_str("0.15").unwrap()
    );

    // ...and usable by `report` with a scenario that names an imported id
    // the bundled table does not have.
    let json = load_json();
    let key = "gpt-4o-mini-2024-07-18";
    let entry = &json[key];
    let id = tco_id(key, entry);
    let p_in = per_mtok(&entry["input_cost_per_token"]);
    let p_out = per_mtok(&entry["output_cost_per_token"]);
    let scenario = dir.path().join("s.yaml");
    std::fs::write(
        &scenario,
        format!(
            "name: imported price\ncurrency: USD\nworkload:\n  tokens_per_month: 1B\n  input_share: 0.8\n\
             api:\n  - model: {id}\nlocal:\n  - name: box\n    owned:\n      price: 10000\n      amortization_months: 36\n\
             \x20   throughput:\n      tokens_per_second: 1000\n"
        ),
    )
    .unwrap();
    let sc = scenario.to_str().unwrap();
    assert_eq!(
        tco(&["report", sc]).code,
        1,
        "`{id}` is not in the bundled table"
    );
    let r = tco(&["report", sc, "--pricing", out_s, "--format", "json"]).json();
    let blended =
        Decimal::from_str("0.8").unwrap() * p_in + Decimal::from_str("0.2").unwrap() * p_out;
    assert_eq!(dec(&r["api"][0]["blended_per_mtok"]), blended);
    assert_eq!(
        dec(&r["api"][0]["monthly_cost"]),
        blended * Decimal::from(1000)
    );

    // Without -o the same table goes to stdout.
    let printed = tco(&["prices", "import", src]);
    assert_eq!(printed.ok(), yaml, "stdout equals the written file");
}

#[test]
fn import_never_overwrites_without_force() {
    let src = snapshot();
    let src = src.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("existing.yaml");
    let before = b"# my hand-kept price table\nmodels: []\n";
    std::fs::write(&out, before).unwrap();
    let out_s = out.to_str().unwrap();

    let e = tco(&["prices", "import", src, "-o", out_s]);
    assert_eq!(e.code, 1, "{}", e.stderr);
    assert!(
        e.stderr
            .contains(&format!("error: {out_s}: already exists")),
        "{}",
        e.stderr
    );
    assert!(!e.stderr.contains("panicked"));
    assert!(e.stderr.contains("--force"), "says how: {}", e.stderr);
    assert_eq!(std::fs::read(&out).unwrap(), before, "left byte-identical");
    // No stray temporary files left beside it.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

    tco(&["prices", "import", src, "-o", out_s, "--force"]).ok();
    let after = std::fs::read_to_string(&out).unwrap();
    assert!(
        after.contains("openai/gpt-4o-mini"),
        "replaced by the import"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

    // Into a folder that does not exist: a user error, nothing created.
    let missing = dir.path().join("no-such-dir").join("x.yaml");
    let missing_s = missing.to_str().unwrap();
    let e = tco(&["prices", "import", src, "-o", missing_s]);
    assert_eq!(e.code, 1, "{}", e.stderr);
    assert!(
        e.stderr
            .contains(&format!("error: {missing_s}: the folder")),
        "{}",
        e.stderr
    );
    assert!(!e.stderr.contains("panicked"));
    assert!(!dir.path().join("no-such-dir").exists());
}

#[test]
fn import_rejects_what_is_not_litellm_json() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"gpt\": {\"mode\": \"chat\",\n  oops}").unwrap();
    let e = tco_in(dir.path(), &["prices", "import", "bad.json"]);
    assert!(
        e.user_error().starts_with("error: bad.json:2:"),
        "{}",
        e.stderr
    );
    std::fs::write(&bad, "[1, 2, 3]").unwrap();
    let e = tco_in(dir.path(), &["prices", "import", "bad.json"]);
    assert!(e.user_error().contains("bad.json:1:1"), "{}", e.stderr);
    let e = tco_in(
        dir.path(),
        &["prices", "import", "bad.json", "--as-of", "Sept"],
    );
    assert!(e.user_error().contains("--as-of"), "{}", e.stderr);
}

#[test]
fn refused_import_does_not_claim_success() {
    let src = snapshot();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("existing.yaml");
    std::fs::write(&out, "models: []\n").unwrap();
    let e = tco(&[
        "prices",
        "import",
        src.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    e.user_error();
    assert!(!e.stderr.contains("imported"), "{}", e.stderr);
    let missing = dir.path().join("no-such-dir/x.yaml");
    let e = tco(&[
        "prices",
        "import",
        src.to_str().unwrap(),
        "-o",
        missing.to_str().unwrap(),
    ]);
    e.user_error();
    assert!(!e.stderr.contains("imported"), "{}", e.stderr);
}
