//! API options: table prices, exchange rates and the price in force.

#[allow(unused_imports)]
use super::*;

/// The factor from table (USD) amounts to the scenario's currency, or a
/// located error at `at` when no rate is given.
pub(super) fn table_factor(
    ctx: &PriceContext<'_>,
    at: &Field<'_>,
    what: &str,
) -> Result<Decimal, Diagnostic> {
    if ctx.currency == TABLE_CURRENCY {
        return Ok(Decimal::ONE);
    }
    ctx.rates
            .and_then(|r| r.rate(TABLE_CURRENCY))
            .ok_or_else(|| {
                at.error(format!(
                    "{what} is in {TABLE_CURRENCY} and the scenario is in {}, with no {TABLE_CURRENCY} rate",
                    ctx.currency
                ))
                .allowed(format!(
                    "`exchange_rates: {{as_of: YYYY-MM-DD, {TABLE_CURRENCY}: RATE}}` at the top (RATE = the price of one {TABLE_CURRENCY} in {}), or inline prices in {}",
                    ctx.currency, ctx.currency
                ))
            })
}

pub(super) fn read_rates(f: &Field<'_>, currency: &str) -> Result<ExchangeRates, Diagnostic> {
    let node = f.node;
    let crate::input::yaml::Value::Map(entries) = &node.value else {
        return Err(f
            .error(format!("expected a mapping, found {}", node.kind()))
            .allowed("{as_of: YYYY-MM-DD, USD: 0.92}: one unit of each currency, in the scenario's currency"));
    };
    let mut keys: Vec<&str> = vec!["as_of"];
    let codes: Vec<String> = entries
        .iter()
        .filter_map(|(k, _)| k.scalar_text().map(str::to_string))
        .filter(|k| k != "as_of")
        .collect();
    for c in &codes {
        if c.len() != 3 || !c.chars().all(|ch| ch.is_ascii_uppercase()) {
            let o = f.clone().map(&["as_of"]);
            return Err(o.err().unwrap_or_else(|| f.error("bad key")).allowed(
                "`as_of` and ISO currency codes (three capital letters, e.g. USD) with their rates",
            ));
        }
        keys.push(c.as_str());
    }
    let o = f.clone().map(&keys)?;
    let as_of =
        crate::input::tariff::read_date(&o.req("as_of", "the date of the rates, YYYY-MM-DD")?)?;
    let mut rates = Vec::new();
    for c in &codes {
        let Some(rf) = o.get(c) else { continue };
        if c == currency {
            return Err(rf
                .error(format!("{c} is the scenario's own currency"))
                .allowed("rates of other currencies only"));
        }
        let rs = spec("exchange_rates.*");
        let r = rf.positive(rs.max, rs.allowed)?;
        rates.push((c.clone(), r));
    }
    if rates.is_empty() {
        return Err(f
            .error("no rate is given")
            .allowed("at least one currency with its rate, e.g. USD: 0.92"));
    }
    Ok(ExchangeRates { as_of, rates })
}

pub(super) fn read_api(
    f: &Field<'_>,
    prices: &PriceTable,
    ctx: &PriceContext<'_>,
) -> Result<ApiOption, Diagnostic> {
    let o = f.clone().map(API_KEYS)?;
    let base = match o.get("model") {
        Some(m) => {
            let id = m.name()?;
            let entry = prices.lookup(&id, &m)?;
            let factor = table_factor(ctx, &m, &format!("`{id}`'s table price"))?;
            let opt = ApiOption::from_model(entry, ctx, factor);
            Some(opt)
        }
        None => None,
    };
    let name = match (o.get("name"), &base) {
        (Some(n), _) => n.name()?,
        (None, Some(b)) => b.name.clone(),
        (None, None) => {
            return Err(f
                .error("missing field `name`")
                .allowed("`model: ID` from the price table, or `name:` with inline prices"))
        }
    };
    let input = match (o.get("input_per_mtok"), &base) {
        (Some(p), _) => price(&p)?,
        (None, Some(b)) => b.input_per_mtok,
        (None, None) => {
            return Err(f
                .error("missing field `input_per_mtok`")
                .allowed("`input_per_mtok`: price per million input tokens"))
        }
    };
    let output = match (o.get("output_per_mtok"), &base) {
        (Some(p), _) => price(&p)?,
        (None, Some(b)) => b.output_per_mtok,
        (None, None) => {
            return Err(f
                .error("missing field `output_per_mtok`")
                .allowed("`output_per_mtok`: price per million output tokens"))
        }
    };
    let inline_input = o.has("input_per_mtok");
    let cached = match (o.get("cached_input_per_mtok"), &base) {
        (Some(p), _) => price(&p)?,
        (None, Some(b)) if !inline_input => b.cached_input_per_mtok,
        _ => input,
    };
    let cache_write = match (o.get("cache_write_per_mtok"), &base) {
        (Some(p), _) => price(&p)?,
        (None, Some(b)) if !inline_input => b.cache_write_per_mtok,
        _ => input,
    };
    let batch_discount = match (o.get("batch_discount"), &base) {
        (Some(p), _) => p.within(spec("api[].batch_discount"))?,
        (None, Some(b)) => b.batch_discount,
        (None, None) => Decimal::ZERO,
    };
    let kg_co2e_per_mtok = o
        .get("kg_co2e_per_mtok")
        .map(|f| f.within(spec("api[].kg_co2e_per_mtok")))
        .transpose()?;
    let uplift = opt(&o, "uplift", Decimal::ONE, |f| {
        f.within(spec("api[].uplift"))
    })?;
    // Inline prices replace the table's: its later changes and off-peak
    // prices no longer describe them.
    let inline = inline_input || o.has("output_per_mtok");
    let (changes, off_peak, notes) = match base {
        Some(b) if !inline => (b.changes, b.off_peak, b.notes),
        _ => (Vec::new(), None, Vec::new()),
    };
    Ok(ApiOption {
        kg_co2e_per_mtok,
        model_id: o.get("model").map(|m| m.name()).transpose()?,
        name,
        input_per_mtok: input,
        output_per_mtok: output,
        cached_input_per_mtok: cached,
        batch_discount,
        cache_write_per_mtok: cache_write,
        off_peak,
        uplift,
        changes,
        notes,
    })
}
