//! PostgreSQL, for national scale: one pool; PostgreSQL's own locking makes a plain `BEGIN` safe.

use super::{redact, Result, StorageError};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::{Postgres, Transaction};
use std::time::Duration;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// The newest migration this binary carries.
pub(super) fn expected_version() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

pub struct PostgresStore {
    pool: PgPool,
    /// The `NOTIFY` channel of this database schema: instances on one schema hear each other,
    /// those on another schema of the same database do not.
    channel: String,
}

/// `portsignal_` and the schema's name, as a channel name may spell it.
fn channel_of(schema: &str) -> String {
    let safe: String = schema
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("portsignal_{safe}").chars().take(63).collect()
}

impl PostgresStore {
    pub async fn open(url: &str) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await
            .map_err(|source| StorageError::Connect {
                url: redact(url),
                source,
            })?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|source| StorageError::Migrate {
                url: redact(url),
                source,
            })?;
        let schema: String = sqlx::query_scalar("SELECT current_schema()")
            .fetch_one(&pool)
            .await?;
        Ok(PostgresStore {
            pool,
            channel: channel_of(&schema),
        })
    }

    fn pools(&self) -> super::PoolUse {
        super::PoolUse {
            open: self.pool.size(),
            idle: self.pool.num_idle() as u32,
            max: self.pool.options().get_max_connections(),
        }
    }

    /// Autovacuum keeps the planner's statistics when it runs, but it may be off (as on this
    /// project's test machine) or not yet have reached a bulk load: then the planner guesses.
    /// This analyses, in this schema, the tables never analysed (`reltuples` is -1 until the
    /// first ANALYZE or VACUUM, PostgreSQL 14 on) and those a tenth of whose rows changed
    /// since, as autovacuum would. About a second for the national demo's 6 GB.
    async fn analyze(&self) -> Result<()> {
        let due: Vec<String> = sqlx::query_scalar(
            "SELECT c.relname::text FROM pg_class c \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid \
             WHERE n.nspname = current_schema() AND c.relkind = 'r' \
             AND (c.reltuples < 0 OR s.n_mod_since_analyze > 50 + s.n_live_tup / 10) \
             ORDER BY c.relname",
        )
        .fetch_all(&self.pool)
        .await?;
        for table in due {
            sqlx::raw_sql(&format!("ANALYZE \"{}\"", table.replace('"', "\"\"")))
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    async fn notify_others(&self, message: &str) -> Result<()> {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(&self.channel)
            .bind(message)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn listen_to_others(&self, deliver: Box<dyn Fn(String) + Send + Sync>) -> Result<()> {
        let mut listener = sqlx::postgres::PgListener::connect_with(&self.pool).await?;
        listener.listen(&self.channel).await?;
        loop {
            // `recv` reconnects by itself after a lost connection (notifications sent in
            // between are lost: pages refetch on the next).
            let notification = listener.recv().await?;
            deliver(notification.payload().to_string());
        }
    }

    fn reader(&self) -> &PgPool {
        &self.pool
    }

    async fn begin_write(&self) -> Result<Transaction<'static, Postgres>> {
        Ok(self.pool.begin().await?)
    }
}

crate::storage::sql_store::sql_store!(PostgresStore, Postgres, Backend::Postgres);

/// The key of a port's write lock (see `lock_ports` in `sql_store`): the 32-bit FNV-1a hash of
/// its code, the same in every instance and every version. Two ports sharing a key only take
/// turns more often.
pub(super) fn port_lock_key(port: &str) -> i32 {
    let hash = port.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    hash as i32
}

#[cfg(test)]
mod tests {
    #[test]
    fn channels_are_named_after_the_schema() {
        assert_eq!(super::channel_of("public"), "portsignal_public");
        assert_eq!(super::channel_of("Test-1 x"), "portsignal_test_1_x");
        assert_eq!(super::channel_of(&"s".repeat(80)).len(), 63);
    }

    /// Instances of different versions must agree on the key: FNV-1a's published vectors.
    #[test]
    fn port_lock_keys_are_fnv_1a() {
        assert_eq!(super::port_lock_key(""), 0x811c_9dc5_u32 as i32);
        assert_eq!(super::port_lock_key("a"), 0xe40c_292c_u32 as i32);
        assert_eq!(super::port_lock_key("foobar"), 0xbf9c_f968_u32 as i32);
    }
}
