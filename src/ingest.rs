//! Ingestion: parse → validate → normalise, before anything reaches storage. Every parser
//! collects every problem it finds (with its row and column or JSON path) instead of stopping
//! at the first, so one answer tells a data provider all that is wrong.

pub mod jit;
mod json;
pub mod ovs;
pub mod port_calls_csv;
pub mod statistics_csv;
mod write;

pub use write::{
    store_port_calls, store_schedules, store_statistics, store_timestamps, ImportSummary, Rejected,
    ScheduleOutcome, Stored,
};

use serde::Serialize;
use std::collections::HashMap;
use std::fmt;

/// One thing wrong with an input: where, and what was expected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
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

/// A CSV reader as our imports read files: trimmed cells, rows of any length (checked per row).
pub(crate) fn csv_reader<R: std::io::Read>(input: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(input)
}

/// Maps the header's column names (any order, any case, a byte-order mark ignored) to their
/// positions, with a problem for each unknown, repeated or missing column.
pub(crate) fn csv_columns<R: std::io::Read>(
    reader: &mut csv::Reader<R>,
    required: &[&'static str],
    optional: &[&'static str],
) -> Result<HashMap<&'static str, usize>, Vec<Problem>> {
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').to_ascii_lowercase())
            .collect(),
        Err(e) => {
            return Err(vec![Problem::new(
                "row 1",
                format!("cannot read the header: {e}"),
            )])
        }
    };
    let known: Vec<&'static str> = required.iter().chain(optional).copied().collect();
    let mut problems = Vec::new();
    let mut column = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        match known.iter().find(|k| **k == h) {
            Some(k) if column.insert(*k, i).is_some() => {
                problems.push(Problem::new("row 1", format!("column '{h}' appears twice")))
            }
            Some(_) => {}
            None => problems.push(Problem::new(
                format!("row 1, column {}", i + 1),
                format!("unknown column '{h}': expected {}", known.join(", ")),
            )),
        }
    }
    for r in required.iter().filter(|r| !column.contains_key(*r)) {
        problems.push(Problem::new(
            "row 1",
            format!("missing required column '{r}'"),
        ));
    }
    if problems.is_empty() {
        Ok(column)
    } else {
        Err(problems)
    }
}

/// The data rows with their row numbers (the header is row 1), counting each in `out.read`;
/// a row the CSV reader cannot read becomes a problem.
pub(crate) fn csv_rows<R: std::io::Read, T>(
    reader: &mut csv::Reader<R>,
    out: &mut Parsed<T>,
) -> Vec<(usize, csv::StringRecord)> {
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 2;
        out.read += 1;
        match record {
            Ok(r) => rows.push((row, r)),
            Err(e) => out.problems.push(Problem::new(
                format!("row {row}"),
                format!("unreadable: {e}"),
            )),
        }
    }
    rows
}

/// A row's non-empty value in the named column.
pub(crate) fn csv_cell<'r>(
    column: &HashMap<&'static str, usize>,
    record: &'r csv::StringRecord,
    name: &str,
) -> Option<&'r str> {
    column
        .get(name)
        .and_then(|i| record.get(*i))
        .filter(|v| !v.is_empty())
}

/// What a parser returns: the good records, and the problems of the rest.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed<T> {
    pub records: Vec<T>,
    pub problems: Vec<Problem>,
    /// Records read, good or bad.
    pub read: usize,
}

// Not derived: a derive would ask `T: Default` of every record type.
impl<T> Default for Parsed<T> {
    fn default() -> Self {
        Parsed {
            records: Vec::new(),
            problems: Vec::new(),
            read: 0,
        }
    }
}
