//! SQLite, the embedded default: one file, WAL, one writer connection that starts every write
//! with `BEGIN IMMEDIATE` (so a write never fails half-way on a lock upgrade), readers beside it.

use super::{redact, Result, StorageError};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};
use std::str::FromStr;
use std::time::Duration;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");

/// The newest migration this binary carries.
pub(super) fn expected_version() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

pub struct SqliteStore {
    writer: SqlitePool,
    readers: SqlitePool,
}

impl SqliteStore {
    pub async fn open(url: &str) -> Result<Self> {
        let connect_err = |source| StorageError::Connect {
            url: redact(url),
            source,
        };
        let options = SqliteConnectOptions::from_str(url)
            .map_err(connect_err)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await
            .map_err(connect_err)?;
        MIGRATOR
            .run(&writer)
            .await
            .map_err(|source| StorageError::Migrate {
                url: redact(url),
                source,
            })?;
        let readers = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options.read_only(true))
            .await
            .map_err(connect_err)?;
        Ok(SqliteStore { writer, readers })
    }

    /// One process serves a SQLite database: there is nobody else to tell.
    async fn notify_others(&self, _message: &str) -> Result<()> {
        Ok(())
    }

    async fn listen_to_others(&self, _deliver: Box<dyn Fn(String) + Send + Sync>) -> Result<()> {
        Ok(())
    }

    /// Samples table statistics for the query planner (`ANALYZE` limited to a few hundred rows
    /// per index: milliseconds even at national size). Without them SQLite guessed, and took
    /// the berth index for "at berth now", reading every berthed call of a port.
    async fn analyze(&self) -> Result<()> {
        sqlx::raw_sql("PRAGMA analysis_limit = 400; ANALYZE;")
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// The writer and the readers together.
    fn pools(&self) -> super::PoolUse {
        let [w, r] = [&self.writer, &self.readers];
        super::PoolUse {
            open: w.size() + r.size(),
            idle: (w.num_idle() + r.num_idle()) as u32,
            max: w.options().get_max_connections() + r.options().get_max_connections(),
        }
    }

    fn reader(&self) -> &SqlitePool {
        &self.readers
    }

    async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>> {
        Ok(self.writer.begin_with("BEGIN IMMEDIATE").await?)
    }
}

crate::storage::sql_store::sql_store!(SqliteStore, Sqlite, Backend::Sqlite);
