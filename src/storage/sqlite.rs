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
            // A connection still inside a transaction nobody owns would hold the database's
            // write lock for good: close it (closing rolls back) and open a fresh one. See
            // `begin_write` for how that happened; this is the net under it.
            .before_acquire(|conn, _| {
                Box::pin(async move {
                    let stuck = sqlx::Connection::is_in_transaction(conn);
                    if stuck {
                        tracing::warn!("closing a writer connection left inside a transaction");
                    }
                    Ok(!stuck)
                })
            })
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

    /// sqlx 0.8.6 runs `BEGIN IMMEDIATE` and only then, at a second await, makes the guard that
    /// rolls back on drop. A caller dropped between the two (a browser that went away
    /// mid-request) left the writer inside a transaction nobody owned, holding the write lock:
    /// every later write failed ("begin_with at non-zero transaction depth"), and the CLI beside
    /// the server found the database locked. In a task of its own the begin always finishes; if
    /// the caller has gone, the finished transaction is dropped there, and rolled back.
    async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>> {
        let writer = self.writer.clone();
        let begin = async move { writer.begin_with("BEGIN IMMEDIATE").await };
        match tokio::spawn(tracing::Instrument::in_current_span(begin)).await {
            Ok(begun) => Ok(begun?),
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            // Only a runtime shutting down cancels the task.
            Err(_) => Err(sqlx::Error::PoolClosed.into()),
        }
    }
}

crate::storage::sql_store::sql_store!(SqliteStore, Sqlite, Backend::Sqlite);

#[cfg(test)]
mod tests {
    use super::SqliteStore;
    use crate::domain::Port;
    use crate::storage::{Batch, Storage};

    fn port() -> Batch {
        Batch {
            ports: vec![Port {
                locode: "USLAX".into(),
                name: "Los Angeles".into(),
                time_zone: "America/Los_Angeles".into(),
            }],
            ..Batch::default()
        }
    }

    /// The net under `begin_write`: a writer connection given back inside a transaction that
    /// nobody owns (as a begin dropped half-way left it) is closed, not handed out again.
    #[tokio::test]
    async fn a_connection_left_inside_a_transaction_is_not_used_again() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let store = SqliteStore::open(&url).await.unwrap();
        {
            let mut conn = store.writer.acquire().await.unwrap();
            let orphan = sqlx::Connection::begin_with(&mut *conn, "BEGIN IMMEDIATE")
                .await
                .unwrap();
            std::mem::forget(orphan);
            assert!(sqlx::Connection::is_in_transaction(&*conn));
        }
        store.write_batch(&port()).await.unwrap();
        // Nobody holds the write lock either: another store on the file writes too.
        let other = SqliteStore::open(&url).await.unwrap();
        other.write_batch(&port()).await.unwrap();
        assert_eq!(store.ports().await.unwrap().len(), 1);
    }
}
