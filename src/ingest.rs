//! Ingestion: parse → validate → normalise, before anything reaches storage. Every parser
//! collects every problem it finds (with its row and column or JSON path) instead of stopping
//! at the first, so one answer tells a data provider all that is wrong.

pub mod jit;
pub mod statistics_csv;

use crate::domain::MonthlyStats;
use crate::storage::{Batch, Storage, StorageError};
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

/// What an import did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub read: usize,
    pub accepted: usize,
    /// Of the accepted, how many replaced what was stored.
    pub replaced: usize,
    pub rejected: usize,
}

/// Stores parsed monthly statistics, replacing the months already stored (ports revise their
/// figures) and logging each replacement. Shared by the CLI and the API.
pub async fn store_statistics(
    store: &dyn Storage,
    port: &str,
    parsed: &Parsed<MonthlyStats>,
) -> Result<ImportSummary, StorageError> {
    let stored = store.monthly_stats(port).await?;
    let mut replaced = 0;
    for new in &parsed.records {
        if let Some(old) = stored.iter().find(|s| s.month == new.month) {
            replaced += 1;
            tracing::info!(
                port,
                month = %new.month,
                old_total_teu = old.total_teu,
                new_total_teu = new.total_teu,
                "replacing monthly statistics"
            );
        }
    }
    store
        .write_batch(&Batch {
            monthly_stats: parsed.records.clone(),
            ..Batch::default()
        })
        .await?;
    Ok(ImportSummary {
        read: parsed.read,
        accepted: parsed.records.len(),
        replaced,
        rejected: parsed.read - parsed.records.len(),
    })
}
