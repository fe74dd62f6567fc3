//! `tco prices list|show|import`.

use crate::args::{Format, PricesCommand};
use crate::files::{check_destination, write_atomic};
use crate::load;
use crate::output::{json, Table};
use anyhow::{bail, Result};
use rust_decimal::Decimal;
use std::path::Path;
use tco_core::input::genai::{import_genai, looks_like_genai, GenaiOptions};
use tco_core::input::pricing::import_litellm;
use tco_core::model::format::per_mtok;
use tco_core::model::prices::PriceTable;

pub fn run(cmd: &PricesCommand) -> Result<String> {
    match cmd {
        PricesCommand::List {
            vendor,
            format,
            tables,
        } => {
            let t = load::tables(tables)?;
            let date = t.date;
            let heading = title(&t.prices, date);
            let needle = vendor.as_deref().map(str::to_lowercase);
            let models: Vec<_> = t
                .prices
                .models
                .iter()
                .filter(|m| {
                    needle.as_ref().is_none_or(|n| {
                        m.vendor.to_lowercase().contains(n) || m.id.contains(n.as_str())
                    })
                })
                .collect();
            if models.is_empty() {
                bail!(
                    "no API model matches --vendor {}",
                    vendor.as_deref().unwrap_or_default()
                );
            }
            Ok(match format {
                Format::Json => json(&models)?,
                Format::Csv => {
                    let mut out = tco_core::output::csv::line(&[
                        "id",
                        "name",
                        "vendor",
                        "input_per_mtok",
                        "output_per_mtok",
                        "cached_input_per_mtok",
                        "batch_discount",
                        "as_of",
                        "source",
                    ]);
                    for m in models {
                        out.push_str(&tco_core::output::csv::line(&[
                            m.id.clone(),
                            m.name.clone(),
                            m.vendor.clone(),
                            m.input_per_mtok.amount().to_string(),
                            m.output_per_mtok.amount().to_string(),
                            m.cached_input_per_mtok.amount().to_string(),
                            m.batch_discount.to_string(),
                            m.as_of.clone(),
                            m.source.clone(),
                        ]));
                    }
                    out
                }
                Format::Html => return Err(crate::output::html_only()),
                Format::Table | Format::Markdown => {
                    let mut t = Table::new(
                        &[
                            "Id",
                            "Name",
                            "Input /MTok",
                            "Output /MTok",
                            "Cached /MTok",
                            "Cache write /MTok",
                            "Batch discount",
                            "As of",
                            "Also",
                        ],
                        &[false, false, true, true, true, true, true, false, false],
                    )
                    .titled(heading);
                    for m in models {
                        let p = m.prices_on(date);
                        t.row(vec![
                            m.id.clone(),
                            m.name.clone(),
                            per_mtok(p.rates.input_per_mtok, "USD"),
                            per_mtok(p.rates.output_per_mtok, "USD"),
                            per_mtok(p.rates.cached_input_per_mtok, "USD"),
                            p.rates
                                .cache_write_per_mtok
                                .map_or("—".into(), |w| per_mtok(w, "USD")),
                            tco_core::model::format::percent(m.batch_discount),
                            m.as_of.clone(),
                            also(m, &p, date),
                        ]);
                    }
                    if *format == Format::Markdown {
                        t.markdown()
                    } else {
                        t.text()
                    }
                }
            })
        }
        PricesCommand::Show { id, format, tables } => {
            let t = load::tables(tables)?;
            let Some(m) = t.prices.get(id) else {
                let hint = tco_core::error::did_you_mean(
                    id,
                    t.prices.models.iter().map(|m| m.id.as_str()),
                )
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
                bail!("`{id}` is not in the API price table{hint}\n  allowed: an id listed by `tco prices list`");
            };
            Ok(match format {
                Format::Json => json(m)?,
                _ => {
                    let mut t = Table::new(&["Field", "Value"], &[false, false])
                        .titled(format!("{} ({})", m.name, m.id));
                    for (k, v) in [
                        ("vendor", m.vendor.clone()),
                        ("input per MTok", per_mtok(m.input_per_mtok, "USD")),
                        ("output per MTok", per_mtok(m.output_per_mtok, "USD")),
                        (
                            "cached input per MTok",
                            per_mtok(m.cached_input_per_mtok, "USD"),
                        ),
                        (
                            "batch discount",
                            tco_core::model::format::percent(m.batch_discount),
                        ),
                        (
                            "context window",
                            m.context_window.map_or("—".into(), |c| {
                                tco_core::model::format::tokens(tco_core::model::units::Tokens(c))
                            }),
                        ),
                        (
                            "cache write per MTok",
                            m.cache_write_per_mtok
                                .map_or("— (billed as input)".into(), |w| per_mtok(w, "USD")),
                        ),
                        ("also", also(m, &m.base(), None)),
                        ("as of", m.as_of.clone()),
                        ("source", m.source.clone()),
                    ] {
                        t.row(vec![k.to_string(), v]);
                    }
                    match format {
                        Format::Html => return Err(crate::output::html_only()),
                        Format::Markdown => t.markdown(),
                        Format::Csv => {
                            let mut out = tco_core::output::csv::line(&["field", "value"]);
                            for r in &t.rows {
                                out.push_str(&tco_core::output::csv::line(r));
                            }
                            out
                        }
                        _ => t.text(),
                    }
                }
            })
        }
        PricesCommand::Import {
            file,
            out,
            force,
            as_of,
            provider,
            batch,
            keep,
        } => {
            if let Some(path) = out {
                check_destination(path, *force)?;
            }
            let text = load::read_text(file)?;
            let as_of = match as_of {
                Some(d) => {
                    if tco_core::model::date::Date::parse(d).is_none() {
                        bail!("--as-of {d}: not a date\n  allowed: YYYY-MM-DD");
                    }
                    d.clone()
                }
                None => date_in_name(file)
                    .or_else(|| file.parent().and_then(date_in_name))
                    .unwrap_or_else(|| file_date(file)),
            };
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let yaml = if looks_like_genai(&text) {
                import_genai_file(file, &text, &as_of, provider, batch, keep.as_deref())?
            } else {
                if !provider.is_empty() || !batch.is_empty() || keep.is_some() {
                    bail!("--provider, --batch and --keep apply to genai-prices' data.json; {name} is LiteLLM's format\n  allowed: leave them out for a LiteLLM list");
                }
                import_litellm_file(file, &text, &name, &as_of)?
            };
            match out {
                None => Ok(yaml),
                Some(path) => {
                    write_atomic(path, yaml.as_bytes(), *force)?;
                    eprintln!("wrote {}", path.display());
                    Ok(String::new())
                }
            }
        }
    }
}

fn import_litellm_file(file: &Path, text: &str, name: &str, as_of: &str) -> Result<String> {
    let source = format!("LiteLLM model_prices_and_context_window.json ({name})");
    let (table, summary) = import_litellm(text, &file.display().to_string(), &source, as_of)?;
    let header = format!(
        "API prices imported by `tco prices import` from {name}\nas of {as_of}: {} chat models imported; skipped {} entries that are not chat models, {} without token prices, {} duplicate ids\nUnits: USD per million tokens. Check before use: list prices change.",
        summary.imported, summary.skipped_not_chat, summary.skipped_unpriced, summary.skipped_duplicate
    );
    eprintln!(
        "imported {} chat models; skipped {} not chat, {} unpriced, {} duplicate ids{}",
        summary.imported,
        summary.skipped_not_chat,
        summary.skipped_unpriced,
        summary.skipped_duplicate,
        if summary.batch_discount_mismatch > 0 {
            format!(
                "; {} models had different input and output batch discounts (the smaller was kept)",
                summary.batch_discount_mismatch
            )
        } else {
            String::new()
        }
    );
    Ok(table.to_yaml(&header))
}

fn import_genai_file(
    file: &Path,
    text: &str,
    as_of: &str,
    providers: &[String],
    batch: &[String],
    keep: Option<&Path>,
) -> Result<String> {
    let mut terms = Vec::new();
    for b in batch {
        let parsed = b
            .split_once('=')
            .and_then(|(v, d)| Some((v.trim().to_string(), d.trim().parse::<Decimal>().ok()?)))
            .filter(|(v, d)| !v.is_empty() && *d >= Decimal::ZERO && *d <= Decimal::ONE);
        match parsed {
            Some(t) => terms.push(t),
            None => bail!("--batch {b}: not VENDOR=SHARE\n  allowed: a tco vendor prefix and a share from 0 to 1, e.g. openai=0.5"),
        }
    }
    let kept = match keep {
        Some(p) => PriceTable::parse(&load::read_text(p)?, &p.display().to_string())?,
        None => PriceTable::default(),
    };
    let opts = GenaiOptions {
        providers: providers.to_vec(),
        batch: terms,
        as_of: as_of.to_string(),
        snapshot: format!("genai-prices {as_of}"),
    };
    let (imported, s) = import_genai(text, &file.display().to_string(), &opts, &kept)?;
    if !providers.is_empty() && s.providers < providers.len() {
        bail!(
            "--provider {}: {} of these providers are not in {}\n  allowed: genai-prices provider ids (openai, anthropic, google, x-ai, mistral, deepseek, together, fireworks, groq, …)",
            providers.join(","),
            providers.len() - s.providers,
            file.display()
        );
    }
    eprintln!(
        "imported {} models from {} providers ({} marked deprecated); skipped {} of other providers, {} not text models, {} without token prices, {} ids kept by hand or repeated, {} in price shapes tco cannot represent{}",
        s.imported,
        s.providers,
        s.deprecated,
        s.skipped_provider,
        s.skipped_not_text,
        s.skipped_unpriced,
        s.skipped_duplicate,
        s.skipped_unsupported,
        if s.unsupported.is_empty() { String::new() } else { format!(" ({})", s.unsupported.join("; ")) }
    );
    let mut table = kept;
    let kept_n = table.models.len();
    table.models.extend(imported.models);
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let header = format!(
        "API prices as of {as_of}, imported by `tco prices import` from genai-prices' {name}\n(pydantic/genai-prices, MIT licence: the newest public price data tco has; prices after\n{as_of} are not in it){}\n{} models imported from {} providers{}{}; skipped {} not text models, {} without\ntoken prices, {} whose id is kept by hand or repeated, {} in price shapes tco cannot represent.\nUnits: USD per million tokens. Check before use: list prices change.",
        if providers.is_empty() { String::new() } else { format!(".\nProviders: {}", providers.join(", ")) },
        s.imported,
        s.providers,
        if kept_n > 0 { format!(", after {kept_n} hand-kept entries") } else { String::new() },
        if opts.batch.is_empty() { String::new() } else {
            format!("; batch discounts given at import: {}", opts.batch.iter().map(|(v, d)| format!("{v} {}", d.normalize())).collect::<Vec<_>>().join(", "))
        },
        s.skipped_not_text,
        s.skipped_unpriced,
        s.skipped_duplicate,
        s.skipped_unsupported,
    );
    Ok(table.to_yaml(&header))
}

/// "API prices as of D (USD per million tokens), in force on D'": D is the
/// newest `as_of` in the table.
fn title(table: &PriceTable, date: Option<tco_core::model::date::Date>) -> String {
    let newest = table.models.iter().filter_map(|m| m.as_of_date()).max();
    format!(
        "API prices{} (USD per million tokens){}",
        newest.map_or(String::new(), |d| format!(" as of {d}")),
        date.map_or(String::new(), |d| format!(", in force on {d}"))
    )
}

/// What else an entry's pricing has: tiers, off-peak prices, later changes.
fn also(
    m: &tco_core::model::prices::ApiModel,
    p: &tco_core::model::tariff::PriceSet,
    date: Option<tco_core::model::date::Date>,
) -> String {
    let mut v = Vec::new();
    for t in &p.tiers {
        v.push(format!(
            "tier above {}",
            tco_core::model::format::tokens(tco_core::model::units::Tokens(t.above_prompt_tokens))
        ));
    }
    if let Some(o) = &p.off_peak {
        v.push(format!("off-peak {} UTC", o.hours_utc));
    }
    for c in m
        .schedule
        .iter()
        .filter(|c| date.is_none_or(|d| c.from > d))
    {
        v.push(format!("new price from {}", c.from));
    }
    if let Some(d) = m.deprecated {
        v.push(format!("deprecated {d}"));
    }
    v.join("; ")
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// `litellm-model-prices-2025-09.json` → `2025-09-01`.
fn date_in_name(p: &Path) -> Option<String> {
    let name = p.file_name()?.to_string_lossy().to_string();
    let b = name.as_bytes();
    for i in 0..b.len().saturating_sub(6) {
        let ym = &name[i..i + 7];
        let ok = ym.as_bytes().iter().enumerate().all(|(j, c)| {
            if j == 4 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
        if ok && (i == 0 || !b[i - 1].is_ascii_digit()) {
            if name.len() >= i + 10 && is_date(&name[i..i + 10]) {
                return Some(name[i..i + 10].to_string());
            }
            return Some(format!("{ym}-01"));
        }
    }
    None
}

/// The file's modification date (UTC), or today's.
fn file_date(p: &Path) -> String {
    let t = std::fs::metadata(p)
        .and_then(|m| m.modified())
        .unwrap_or_else(|_| std::time::SystemTime::now());
    let secs = t
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    tco_core::model::format::civil_date(secs / 86_400)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(tco_core::model::format::civil_date(0), "1970-01-01");
        assert_eq!(tco_core::model::format::civil_date(20_412), "2025-11-20");
        assert_eq!(
            date_in_name(Path::new("litellm-model-prices-2025-09.json")).as_deref(),
            Some("2025-09-01")
        );
        assert_eq!(
            date_in_name(Path::new("x-2024-02-29.json")).as_deref(),
            Some("2024-02-29")
        );
        assert_eq!(date_in_name(Path::new("prices.json")), None);
    }
}
