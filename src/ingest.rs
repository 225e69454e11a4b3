//! Ingestion: parse → validate → normalise, before anything reaches storage. Every parser
//! collects every problem it finds (with its row and column or JSON path) instead of stopping
//! at the first, so one answer tells a data provider all that is wrong.

pub mod statistics_csv;

use serde::Serialize;
use std::fmt;

/// One thing wrong with an input: where, and what was expected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// `row 3, column loaded_imports`, or a JSON path such as `$[2].eventDateTime`.
    pub location: String,
    pub message: String,
}

impl Problem {
    pub fn new(location: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            location: location.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// What a parser returns: the good records, and the problems of the rest.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed<T> {
    pub records: Vec<T>,
    pub problems: Vec<Problem>,
    /// Records read, good or bad.
    pub read: usize,
}
