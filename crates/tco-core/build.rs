// Embeds the bundled price tables and scenarios, so that `tco report` works
// from any directory and the page carries them without fetching anything.
use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut out = String::new();
    for dir in ["pricing", "scenarios"] {
        println!("cargo:rerun-if-changed={}", root.join(dir).display());
    }
    let mut scenarios: Vec<_> = std::fs::read_dir(root.join("scenarios"))
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    scenarios.retain(|p| p.extension().is_some_and(|e| e == "yaml"));
    scenarios.sort();
    out.push_str("/// Every bundled scenario as (path in the repository, text).\npub const SCENARIOS: &[(&str, &str)] = &[\n");
    for p in &scenarios {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        println!("cargo:rerun-if-changed={}", p.display());
        let _ = writeln!(
            out,
            "    (\"scenarios/{name}\", include_str!({:?})),",
            p.canonicalize().unwrap_or(p.clone()).display().to_string()
        );
    }
    out.push_str("];\n");
    for (name, file) in [
        ("API_PRICES", "pricing/api.yaml"),
        ("HARDWARE", "pricing/hardware.yaml"),
    ] {
        let p = root.join(file);
        println!("cargo:rerun-if-changed={}", p.display());
        let _ = writeln!(out, "/// `{file}` as bundled.\npub const {name}: (&str, &str) = (\"{file}\", include_str!({:?}));", p.canonicalize().unwrap_or(p.clone()).display().to_string());
    }
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap_or_default()).join("bundled.rs");
    if let Err(e) = std::fs::write(&dest, out) {
        println!("cargo:warning=cannot write {}: {e}", dest.display());
    }
}
