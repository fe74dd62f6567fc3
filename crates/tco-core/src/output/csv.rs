//! CSV text for results (RFC 4180 quoting), shared by the CLI and the page.

use crate::analysis::report::Report;
use crate::analysis::sweep::Sweep;

/// One CSV line: fields quoted when they hold a comma, quote or newline.
pub fn line<S: AsRef<str>>(fields: &[S]) -> String {
    let mut out = String::new();
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let f = f.as_ref();
        if f.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&f.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(f);
        }
    }
    out.push_str("\r\n");
    out
}

fn dec<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Null) => String::new(),
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

impl Report {
    /// One row per option: money at full precision, as in JSON.
    pub fn to_csv(&self) -> String {
        let mut out = line(&[
            "kind",
            "name",
            "monthly_cost",
            "cost_per_mtok",
            "hardware",
            "power",
            "staff",
            "other",
            "overhead",
            "nodes",
            "utilization",
            "capacity_tokens_per_month",
            "can_serve",
            "currency",
            "tokens_per_month",
        ]);
        let v = self.tokens_per_month.to_string();
        for a in &self.api {
            out.push_str(&line(&[
                "api".into(),
                a.name.clone(),
                dec(&a.monthly_cost),
                dec(&a.blended_per_mtok),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                "true".into(),
                self.currency.clone(),
                v.clone(),
            ]));
        }
        for l in &self.local {
            let b = &l.breakdown;
            out.push_str(&line(&[
                "local".into(),
                l.name.clone(),
                dec(&l.monthly_cost),
                dec(&l.cost_per_mtok),
                dec(&b.hardware),
                dec(&b.power),
                dec(&b.staff),
                dec(&b.other),
                dec(&b.overhead),
                l.nodes.to_string(),
                l.utilization.to_string(),
                l.capacity_tokens_per_month.to_string(),
                l.can_serve.to_string(),
                self.currency.clone(),
                v.clone(),
            ]));
        }
        out
    }

    /// One row per (local, API) pair.
    pub fn break_even_csv(&self) -> String {
        let mut out = line(&[
            "local",
            "api",
            "status",
            "tokens_per_month",
            "local_wins",
            "reason",
            "payback_months",
        ]);
        for b in &self.break_even {
            let wins: Vec<String> = b
                .local_wins
                .iter()
                .map(|r| {
                    format!(
                        "{}-{}",
                        r.from,
                        r.to.map_or(String::new(), |t| t.to_string())
                    )
                })
                .collect();
            out.push_str(&line(&[
                b.local.clone(),
                b.api.clone(),
                dec(&b.status),
                b.tokens_per_month.map_or(String::new(), |t| t.to_string()),
                wins.join(" "),
                b.reason.clone().unwrap_or_default(),
                b.payback_months.map_or(String::new(), |p| p.to_string()),
            ]));
        }
        out
    }
}

impl Sweep {
    /// One row per volume, one column per option.
    pub fn to_csv(&self) -> String {
        let mut head = vec!["tokens_per_month".to_string()];
        head.extend(self.api_names.iter().map(|n| format!("api: {n}")));
        head.extend(self.local_names.iter().map(|n| format!("local: {n}")));
        let mut out = line(&head);
        for p in &self.points {
            let mut row = vec![p.tokens_per_month.to_string()];
            row.extend(p.api.iter().map(dec));
            row.extend(p.local.iter().map(|l| {
                if l.can_serve {
                    dec(&l.monthly)
                } else {
                    String::new()
                }
            }));
            out.push_str(&line(&row));
        }
        out
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    #[test]
    fn quotes_when_needed() {
        assert_eq!(
            super::line(&["a", "b,c", "say \"hi\""]),
            "a,\"b,c\",\"say \"\"hi\"\"\"\r\n"
        );
    }
}
