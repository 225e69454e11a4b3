//! Storage: one trait, a SQLite and a PostgreSQL implementation, chosen by the URL's scheme.
//!
//! Both implementations share their SQL (see `sql_store`), differ only in how they connect and
//! start a write, and pass the same contract tests (`tests/storage_contract.rs`).

mod postgres;
mod rows;
mod sql_store;
mod sqlite;

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

use crate::accounts::{Follow, NewUser, Organisation, User, Watch, WatchKind};
use crate::auth::{ApiToken, NewToken};
use crate::domain::accuracy::{ForecastKind, IssuedForecast};
use crate::domain::{MonthlyStats, Port, PortCall, PortCallEvent, Terminal, Vessel};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::path::Path;
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("DATABASE_URL scheme '{0}' is not supported: use sqlite:// or postgres://")]
    UnsupportedScheme(String),
    #[error("cannot create data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot open database {url}: {source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("cannot migrate database {url}: {source}")]
    Migrate {
        url: String,
        source: sqlx::migrate::MigrateError,
    },
    #[error("event for unknown port call {0}")]
    UnknownPortCall(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

/// A carrier (SMDG liner code / SCAC) and one of its services (`carrierServiceCode`).
/// Whether the database can serve: the schema version it holds and the one this binary needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Readiness {
    pub schema_version: i64,
    pub expected_version: i64,
}

/// Connections of the store's pools: open, idle among them, and the most it may open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PoolUse {
    pub open: u32,
    pub idle: u32,
    pub max: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Carrier {
    pub code: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Service {
    pub carrier: String,
    pub code: String,
    pub name: String,
}

/// Which port calls a listing wants, in order of best-known arrival, then reference.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CallFilter {
    pub port: Option<String>,
    pub service: Option<String>,
    pub vessel_imo: Option<String>,
    pub terminal: Option<String>,
    pub carrier: Option<String>,
    /// Calls in this status at this moment (as [`PortCall::status`] says).
    pub status: Option<(crate::domain::VesselStatus, DateTime<Utc>)>,
    /// Calls neither omitted nor departed at this moment (still coming, or here).
    pub open_at: Option<DateTime<Utc>>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Start after this call (its best arrival and reference): the cursor of a listing.
    pub after: Option<(DateTime<Utc>, String)>,
    pub limit: u32,
}

/// How [`Storage::call_week_sums`] sums rollup cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellGrouping {
    Week,
    Service,
}

/// Everything one write puts in the database, in one transaction: reference data and port
/// calls are created or updated by key, events are appended as they are (duplicates skipped),
/// statistics replace the month they name.
#[derive(Clone, Debug, Default)]
pub struct Batch {
    pub ports: Vec<Port>,
    pub terminals: Vec<Terminal>,
    pub carriers: Vec<Carrier>,
    pub services: Vec<Service>,
    pub vessels: Vec<Vessel>,
    pub port_calls: Vec<PortCall>,
    pub events: Vec<PortCallEvent>,
    pub monthly_stats: Vec<MonthlyStats>,
}

/// What a write does to rows that exist already.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Existing {
    /// Keep them as they are (a feed announcing a call that may be known better already).
    Keep,
    /// Update what a schedule owns: names, and a call's terminal, carrier, service, vessel,
    /// export voyage, expected moves and rail share; keep what events derived (times) and what
    /// was measured (actual moves).
    UpdateSchedule,
}

/// How many of the events sent were new, and how many were already stored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EventOutcome {
    pub accepted: u64,
    pub duplicates: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Told how many events a write has stored so far.
pub type Progress<'a> = &'a (dyn Fn(usize) + Send + Sync);

#[async_trait]
pub trait Storage: Send + Sync {
    fn backend(&self) -> Backend;
    /// Asks the database for its schema version: an error when it cannot be reached.
    async fn readiness(&self) -> Result<Readiness>;
    fn pool_use(&self) -> PoolUse;
    /// Refreshes the query planner's statistics where the database has not by itself (SQLite
    /// never does; PostgreSQL when autovacuum is off or behind); the server does it at start
    /// and every hour.
    async fn analyze(&self) -> Result<()>;
    /// Tells the other instances on this database that `message` happened (PostgreSQL
    /// `NOTIFY`; nothing for SQLite, which one process serves).
    async fn notify(&self, message: &str) -> Result<()>;
    /// Hands every message the other instances notify to `deliver`, until the connection
    /// fails (an error: call again) or at once where there are none (SQLite).
    async fn listen(&self, deliver: Box<dyn Fn(String) + Send + Sync>) -> Result<()>;

    /// Writes a batch in one transaction: all of it or none of it.
    async fn write_batch(&self, batch: &Batch) -> Result<()>;

    /// Appends events and folds them into their port calls, in one transaction. `calls` holds
    /// what to create first where it does not exist yet (carriers, services, vessels, port
    /// calls); `existing` says what happens to rows that do. An event naming a port call that
    /// neither exists nor is in `calls` rejects the whole call.
    async fn record_events(
        &self,
        calls: &Batch,
        existing: Existing,
        events: &[PortCallEvent],
    ) -> Result<EventOutcome> {
        self.record_events_reporting(calls, existing, events, &|_| {})
            .await
    }

    /// [`Storage::record_events`], telling `progress` how many of `events` have been written
    /// as the write goes on (for long imports; the transaction still commits all or nothing).
    async fn record_events_reporting(
        &self,
        calls: &Batch,
        existing: Existing,
        events: &[PortCallEvent],
        progress: Progress<'_>,
    ) -> Result<EventOutcome>;

    async fn ports(&self) -> Result<Vec<Port>>;
    async fn port(&self, locode: &str) -> Result<Option<Port>>;
    async fn terminals(&self, port: &str) -> Result<Vec<Terminal>>;
    async fn vessel(&self, imo: &str) -> Result<Option<Vessel>>;
    /// These vessels, by IMO number (unknown ones left out): one query per thousand, not one
    /// per vessel.
    async fn vessels(&self, imos: &[String]) -> Result<std::collections::HashMap<String, Vessel>>;
    /// The names of these vessels, by IMO number (unknown ones left out).
    async fn vessel_names(
        &self,
        imos: &[String],
    ) -> Result<std::collections::HashMap<String, String>> {
        Ok(self
            .vessels(imos)
            .await?
            .into_iter()
            .map(|(imo, v)| (imo, v.name))
            .collect())
    }
    async fn port_call(&self, call_ref: &str) -> Result<Option<PortCall>>;
    /// Which of these port calls exist.
    async fn existing_port_calls(
        &self,
        call_refs: &[String],
    ) -> Result<std::collections::HashSet<String>>;
    /// Calls whose best-known arrival is in `[from, to)`, in arrival order.
    async fn port_calls_arriving(
        &self,
        port: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<PortCall>>;
    /// Calls matching a filter, at most `filter.limit`, in (best arrival, reference) order.
    async fn port_calls(&self, filter: &CallFilter) -> Result<Vec<PortCall>>;
    /// How many calls `filter` finds, its cursor and limit aside.
    async fn count_calls(&self, filter: &CallFilter) -> Result<i64>;
    /// The calls `filter` finds (its cursor aside) in the arrivals list's `sort` order (ties
    /// by best arrival, then reference), skipping `offset`, at most `filter.limit`: a page of
    /// the list as `domain::arrivals::select` would cut it.
    async fn port_calls_sorted(
        &self,
        filter: &CallFilter,
        sort: crate::domain::arrivals::SortKey,
        offset: u64,
    ) -> Result<Vec<PortCall>>;
    /// The carriers and services of the calls `filter` finds, in code order.
    async fn call_services(&self, filter: &CallFilter) -> Result<Vec<(String, String)>>;
    /// Calls of `port` that berthed in `[from, to]`, in berth order.
    async fn port_calls_berthed(
        &self,
        port: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<PortCall>>;
    /// The weekly rollup cells of `port` (see `domain::rollup`) of the weeks starting in
    /// `[from, to)`, in week order. Every write that moves a berth arrival keeps them current.
    async fn call_weeks(
        &self,
        port: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<crate::domain::rollup::WeekCell>>;
    /// The rollup cells of `port` of the weeks starting in `[from, to)`, summed by the
    /// database per `by`: per week (carrier, service and terminal left empty), or per carrier
    /// and service over all the weeks (week: the first, terminal empty).
    async fn call_week_sums(
        &self,
        port: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        by: CellGrouping,
    ) -> Result<Vec<crate::domain::rollup::WeekCell>>;
    /// Builds the rollups of each port that has berthed calls but no rollup (a database
    /// made before there were rollups); says how many ports it filled.
    async fn fill_call_weeks(&self) -> Result<usize>;
    /// A number that changes whenever data the public pages show is written (calls, events,
    /// statistics, reference data, issued forecasts, shift patterns): what cached pages are
    /// checked against, in every instance on the database.
    async fn data_version(&self) -> Result<i64>;

    async fn services(&self) -> Result<Vec<Service>>;
    /// A call's events in the order they were received.
    async fn events_of_call(&self, call_ref: &str) -> Result<Vec<PortCallEvent>>;
    /// The events of many calls, by call, each call's in the order they were received.
    async fn events_of_calls(&self, call_refs: &[String]) -> Result<Vec<PortCallEvent>>;
    async fn monthly_stats(&self, port: &str) -> Result<Vec<MonthlyStats>>;
    async fn count_port_calls(&self, port: &str) -> Result<i64>;
    async fn count_events(&self) -> Result<i64>;
    /// True when no port has been set up yet.
    async fn is_empty(&self) -> Result<bool>;
    /// Deletes every row (for `portsignal demo --reset`), keeping the schema.
    async fn clear(&self) -> Result<()>;

    /// Stores issued forecasts; a figure whose port, kind, issue, series and target is stored
    /// already is kept as it was. Returns how many were new.
    async fn record_forecasts(&self, forecasts: &[IssuedForecast]) -> Result<u64>;
    /// The port's issued forecasts of one kind, by issue, series and target.
    async fn issued_forecasts(&self, port: &str, kind: ForecastKind)
        -> Result<Vec<IssuedForecast>>;
    /// Whether the port has an issue of one kind with this key (a local date or a month).
    async fn has_issue(&self, port: &str, kind: ForecastKind, issue: &str) -> Result<bool>;

    /// Stores a token and the ports it may write for; returns its id.
    async fn create_token(&self, token: &NewToken) -> Result<i64>;
    async fn token_by_hash(&self, hash: &str) -> Result<Option<ApiToken>>;
    async fn tokens(&self) -> Result<Vec<ApiToken>>;
    /// Records a use of the token (callers limit how often).
    async fn touch_token(&self, id: i64, at: DateTime<Utc>) -> Result<()>;
    /// Returns false when there is no such token or it was revoked already.
    async fn revoke_token(&self, id: i64, at: DateTime<Utc>) -> Result<bool>;

    // Accounts (see `crate::accounts`).
    /// A new organisation following `follows`; its id. A name taken already is an error.
    async fn create_organisation(
        &self,
        name: &str,
        follows: &[Follow],
        at: DateTime<Utc>,
    ) -> Result<i64>;
    async fn organisations(&self) -> Result<Vec<Organisation>>;
    async fn create_user(&self, user: &NewUser) -> Result<i64>;
    /// The user with this (lower-case) e-mail address and their password hash.
    async fn user_by_email(&self, email: &str) -> Result<Option<(User, String)>>;
    async fn user(&self, id: i64) -> Result<Option<User>>;
    async fn users(&self) -> Result<Vec<User>>;
    /// Sets the password hash and raises the session epoch (older sessions end).
    async fn set_password(&self, id: i64, hash: &str) -> Result<bool>;
    /// Raises the session epoch: every session of the user ends.
    async fn end_sessions(&self, id: i64) -> Result<bool>;
    /// Server-side sessions: a record's JSON by id, while it has not expired.
    async fn load_session(&self, id: &str, now: DateTime<Utc>) -> Result<Option<String>>;
    /// Stores a new session; false (and nothing written) when the id is taken.
    async fn create_session(&self, id: &str, data: &str, expires_at: DateTime<Utc>)
        -> Result<bool>;
    async fn save_session(&self, id: &str, data: &str, expires_at: DateTime<Utc>) -> Result<()>;
    async fn delete_session(&self, id: &str) -> Result<()>;
    async fn delete_expired_sessions(&self, now: DateTime<Utc>) -> Result<u64>;
    /// Failed logins under `key` (an account or an address) since `since`, after noting one
    /// more at `at` when `at` is given.
    async fn login_failure(&self, key: &str, at: DateTime<Utc>) -> Result<()>;
    async fn login_failures_since(&self, key: &str, since: DateTime<Utc>) -> Result<i64>;
    async fn clear_login_failures(&self, key: &str) -> Result<()>;
    /// Notes a visit of the user's at `at`; returns the one before (if any).
    async fn visit(&self, user_id: i64, at: DateTime<Utc>) -> Result<Option<DateTime<Utc>>>;
    /// A user's watchlist, vessels first, in key order.
    async fn watchlist(&self, user_id: i64) -> Result<Vec<Watch>>;
    /// Adds to the watchlist; false when it was there already.
    async fn watch(&self, user_id: i64, watch: &Watch) -> Result<bool>;
    /// Removes from the watchlist; false when it was not there.
    async fn unwatch(&self, user_id: i64, kind: WatchKind, key: &str) -> Result<bool>;

    // Labour planning.
    /// A port's shift pattern (`domain::labour::parse_shifts`); `None` for an unknown port.
    async fn port_shifts(&self, port: &str) -> Result<Option<String>>;
    /// Sets a port's shift pattern; false for an unknown port.
    async fn set_port_shifts(&self, port: &str, shifts: &str) -> Result<bool>;
}

/// Opens (creating and migrating) the store a URL names. SQLite is the default: with no
/// URL, a file `portsignal.db` under `data_dir`.
pub async fn open(database_url: Option<&str>, data_dir: &Path) -> Result<Arc<dyn Storage>> {
    let url = match database_url {
        Some(url) => url.to_owned(),
        None => {
            std::fs::create_dir_all(data_dir).map_err(|source| StorageError::DataDir {
                path: data_dir.display().to_string(),
                source,
            })?;
            format!("sqlite://{}", data_dir.join("portsignal.db").display())
        }
    };
    let scheme = url.split_once(':').map(|(s, _)| s).unwrap_or(&url);
    match scheme {
        "sqlite" => Ok(Arc::new(SqliteStore::open(&url).await?)),
        "postgres" | "postgresql" => Ok(Arc::new(PostgresStore::open(&url).await?)),
        other => Err(StorageError::UnsupportedScheme(other.to_owned())),
    }
}

/// The URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_owned(),
    }
}
