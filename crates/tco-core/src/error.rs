//! Located errors: what a user did wrong, where, and what is allowed.
//!
//! Every problem with an input file becomes one [`Diagnostic`]: the origin (a
//! file name, `--set`, or the page's text box), line and column, the field
//! path (`local[0].owned.price`), what is wrong and what is allowed — the way a
//! compiler reports a mistake.

use std::fmt;

/// A position in a YAML text, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

/// One located problem in an input.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// Where the text came from: a path, `--set`, `<input>`.
    pub origin: String,
    pub line: usize,
    pub col: usize,
    /// Field path such as `local[0].owned.price`; empty for the document itself.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// What is allowed, when that can be said.
    pub allowed: Option<String>,
}

impl Diagnostic {
    pub fn new(origin: &str, pos: Pos, path: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            origin: origin.to_string(),
            line: pos.line,
            col: pos.col,
            path: path.to_string(),
            message: message.into(),
            allowed: None,
        }
    }

    #[must_use]
    pub fn allowed(mut self, allowed: impl Into<String>) -> Self {
        self.allowed = Some(allowed.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.origin, self.line, self.col)?;
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        write!(f, "{}", self.message)?;
        if let Some(allowed) = &self.allowed {
            write!(f, "\n  allowed: {allowed}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

/// Errors of the core library.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An input (scenario, price table, `--set`) is wrong at a known place.
    #[error("{0}")]
    Input(Box<Diagnostic>),
    /// A computation left the range `Decimal` can hold (inputs near the limits).
    #[error("arithmetic overflow while computing {0}; use smaller inputs")]
    Overflow(&'static str),
    /// A request that is not about a file (a volume range, a sweep size).
    #[error("{0}")]
    Invalid(String),
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Self {
        Error::Input(Box::new(d))
    }
}

/// The closest of `candidates` to `word`, when close enough to suggest.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = word.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let keys = ["price", "residual_value", "amortization_months"];
        assert_eq!(did_you_mean("prcie", keys), Some("price"));
        assert_eq!(
            did_you_mean("amortisation_months", keys),
            Some("amortization_months")
        );
        assert_eq!(did_you_mean("zzz", keys), None);
    }

    #[test]
    fn display_names_place_path_and_allowed() {
        let d = Diagnostic::new(
            "a.yaml",
            Pos { line: 3, col: 7 },
            "workload.input_share",
            "1.5 is above 1",
        )
        .allowed("a share between 0 and 1");
        assert_eq!(
            d.to_string(),
            "a.yaml:3:7: workload.input_share: 1.5 is above 1\n  allowed: a share between 0 and 1"
        );
    }
}
