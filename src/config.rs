//! Configuration: command-line flags, then environment variables, then `Leptos.toml`, then the
//! defaults documented in README.md ("Configuration"), in that order of precedence.

use clap::{Args, Parser, Subcommand};
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

pub const DEFAULT_CONFIG_FILE: &str = "Leptos.toml";
/// Enough for a dashboard refreshing every second and a nightly bulk export.
pub const DEFAULT_RATE_LIMIT_PER_MINUTE: u32 = 1200;

#[derive(Debug, Parser)]
#[command(
    name = "portsignal",
    version,
    about = "An open, self-hostable control tower for container ports"
)]
pub struct Cli {
    #[command(flatten)]
    pub overrides: Overrides,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the dashboard and API (the default).
    Serve,
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Generate the demo port (Los Angeles) into the database.
    Demo(DemoArgs),
    /// Import data from files.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Manage the ports this instance serves.
    #[command(subcommand)]
    Port(PortCommand),
    /// Manage API tokens for data providers.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Manage the organisations users belong to.
    #[command(subcommand)]
    Org(OrgCommand),
    /// Manage user accounts: port staff, cargo owners, admins.
    #[command(subcommand)]
    User(UserCommand),
    /// Forecast a port's volumes.
    #[command(subcommand)]
    Forecast(ForecastCommand),
    /// Score the forecasting models on a port's history.
    #[command(subcommand)]
    Backtest(BacktestCommand),
}

#[derive(Debug, Subcommand)]
pub enum ForecastCommand {
    /// Monthly and full-year forecast from the monthly statistics (the API's JSON, or a table).
    Monthly(ForecastMonthlyArgs),
    /// Reproduce the forecasts of past days and months into the accuracy record, from the data
    /// as known then (issues already on record are kept).
    Backfill(ForecastBackfillArgs),
}

#[derive(Debug, Args)]
pub struct ForecastBackfillArgs {
    /// UN/LOCODE of the port.
    #[arg(long)]
    pub port: String,
    /// Days of daily weekly-outlook issues to reproduce, ending yesterday.
    #[arg(long, default_value_t = crate::queries::accuracy::DEFAULT_BACKFILL_DAYS)]
    pub days: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Json,
    Table,
}

#[derive(Debug, Args)]
pub struct ForecastMonthlyArgs {
    /// UN/LOCODE of the port.
    #[arg(long)]
    pub port: String,
    /// Forecast as of this month (YYYY-MM): only statistics up to it are used. Default: the
    /// latest month with statistics.
    #[arg(long)]
    pub as_of: Option<String>,
    /// Months ahead, 1-24.
    #[arg(long, default_value_t = 6)]
    pub horizon: usize,
    #[arg(long, value_enum, default_value_t = OutputFormat::Json)]
    pub format: OutputFormat,
}

#[derive(Debug, Subcommand)]
pub enum BacktestCommand {
    /// Error by horizon (MAPE, bias) and P10-P90 band coverage of each monthly model.
    Monthly(BacktestMonthlyArgs),
}

#[derive(Debug, Args)]
pub struct BacktestMonthlyArgs {
    /// UN/LOCODE of the port.
    #[arg(long)]
    pub port: String,
    /// First month to forecast after (YYYY-MM).
    #[arg(long)]
    pub from: String,
    /// Last month to forecast after (YYYY-MM).
    #[arg(long)]
    pub to: String,
    /// Months ahead to score.
    #[arg(long, default_value_t = 12)]
    pub horizon: usize,
    /// total_teu, loaded_imports, loaded_exports or empties.
    #[arg(long, default_value = "total_teu")]
    pub series: String,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token; it is printed once and only its hash is kept.
    Create(TokenCreateArgs),
    /// List tokens (never their secrets) with their last use.
    List,
    /// Revoke a token by its id.
    Revoke { id: i64 },
}

#[derive(Debug, Args)]
pub struct TokenCreateArgs {
    #[arg(long, value_enum)]
    pub role: crate::auth::Role,
    /// A port the token may write for (repeat for several).
    #[arg(long = "port")]
    pub ports: Vec<String>,
    /// Who the token is for.
    #[arg(long, default_value = "")]
    pub label: String,
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Add an organisation; a cargo owner's names the carriers and services it follows.
    Add(OrgAddArgs),
    /// List the organisations with what they follow.
    List,
}

#[derive(Debug, Args)]
pub struct OrgAddArgs {
    pub name: String,
    /// A carrier (`MSK`) or one of its services (`MSK:TP6`) the organisation follows; repeat.
    #[arg(long = "follows")]
    pub follows: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user. The password is read from standard input with --password-stdin; else one
    /// is generated and printed once.
    Add(UserAddArgs),
    /// Give a user a new password (generated and printed once, or --password-stdin); every
    /// session of the user ends.
    ResetPassword(UserPasswordArgs),
    /// End every session of a user ("log out everywhere").
    Logout(UserEmailArgs),
    /// List the users (never their passwords).
    List,
}

#[derive(Debug, Args)]
pub struct UserAddArgs {
    pub email: String,
    #[arg(long, value_enum)]
    pub role: crate::accounts::UserRole,
    /// The organisation (by name) the user belongs to.
    #[arg(long)]
    pub org: String,
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Debug, Args)]
pub struct UserPasswordArgs {
    pub email: String,
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Debug, Args)]
pub struct UserEmailArgs {
    pub email: String,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Monthly statistics from CSV (see README, "Importing data").
    Statistics(ImportStatisticsArgs),
    /// DCSA JIT 1.2 timestamps: a JSON array, one object, or JSON lines.
    Events(ImportFileArgs),
    /// DCSA OVS 3.0 service schedules: a JSON array of ServiceSchedule objects.
    Schedules(ImportSchedulesArgs),
    /// Port calls from CSV, one row per call (see README, "Importing data").
    PortCalls(ImportFileArgs),
}

#[derive(Debug, Args)]
pub struct ImportSchedulesArgs {
    /// The JSON file.
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct ImportFileArgs {
    /// The file.
    pub file: PathBuf,
    /// Import the valid records and report the rest, instead of importing nothing.
    #[arg(long)]
    pub skip_invalid: bool,
}

#[derive(Debug, Args)]
pub struct ImportStatisticsArgs {
    /// The CSV file.
    pub file: PathBuf,
    /// UN/LOCODE of the port the figures are for.
    #[arg(long)]
    pub port: String,
    /// Import the valid rows and report the rest, instead of importing nothing.
    #[arg(long)]
    pub skip_invalid: bool,
}

#[derive(Debug, Subcommand)]
pub enum PortCommand {
    /// Add a port, or update its name and time zone.
    Add(PortAddArgs),
    /// List the ports.
    List,
    /// Set a port's shift pattern for labour planning, e.g. "day 08-17, night 18-03, hoot 03-08".
    Shifts { locode: String, pattern: String },
    /// Add a terminal to a port, or update it.
    Terminal(TerminalArgs),
}

#[derive(Debug, Args)]
pub struct TerminalArgs {
    /// UN/LOCODE of the port.
    pub port: String,
    /// The terminal's SMDG code, e.g. APMT.
    pub code: String,
    #[arg(long)]
    pub name: String,
    #[arg(long, default_value_t = 1)]
    pub berths: i32,
    /// Container moves one longshore gang makes per hour here.
    #[arg(long)]
    pub gang_moves_per_hour: f64,
    /// TEU the terminal can work in a day.
    #[arg(long)]
    pub daily_capacity_teu: f64,
}

#[derive(Debug, Args)]
pub struct PortAddArgs {
    /// UN/LOCODE, e.g. USLGB.
    pub locode: String,
    #[arg(long)]
    pub name: String,
    /// IANA time zone, e.g. America/Los_Angeles.
    #[arg(long)]
    pub tz: String,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Random seed: the same seed and `--as-of` give the same port.
    #[arg(long)]
    pub seed: Option<u64>,
    /// The demo's "now" (RFC 3339); history ends and schedules start here. Default: this hour.
    #[arg(long)]
    pub as_of: Option<chrono::DateTime<chrono::Utc>>,
    /// Delete everything in the database first.
    #[arg(long)]
    pub reset: bool,
    /// `port`: the Port of Los Angeles; `national`: the container ports of the country, at
    /// the size of a national system (see `--calls`).
    #[arg(long, value_enum, default_value_t = DemoScale::Port)]
    pub scale: DemoScale,
    /// With `--scale national`: about how many port calls in all.
    #[arg(long, default_value_t = 1_000_000)]
    pub calls: usize,
    /// With `--scale national`: how many ports, largest first (at most 20).
    #[arg(long, default_value_t = 20)]
    pub ports: usize,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum DemoScale {
    #[default]
    Port,
    National,
}

/// Settings that flags and environment variables may override.
#[derive(Debug, Default, Args)]
pub struct Overrides {
    /// Configuration file.
    #[arg(long, env = "PORTSIGNAL_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, env = "PORTSIGNAL_SITE_ADDR", global = true)]
    pub site_addr: Option<SocketAddr>,
    /// Where the built site (pkg/, CSS, favicon) is served from.
    #[arg(long, env = "LEPTOS_SITE_ROOT", global = true)]
    pub site_root: Option<PathBuf>,
    /// Directory for the SQLite database.
    #[arg(long, env = "PORTSIGNAL_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// sqlite://PATH or postgres://…; unset means SQLite under the data directory.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    /// UN/LOCODE of the port pages show when none is chosen.
    #[arg(long, env = "PORTSIGNAL_DEFAULT_PORT", global = true)]
    pub default_port: Option<String>,
    /// Generate the demo port when the database is empty at start-up.
    #[arg(long, env = "PORTSIGNAL_DEMO_ON_EMPTY", global = true)]
    pub demo_on_empty: Option<bool>,
    /// Seed of the demo port.
    #[arg(long, env = "PORTSIGNAL_DEMO_SEED", global = true)]
    pub demo_seed: Option<u64>,
    /// Days of daily weekly outlooks the demo reproduces into the accuracy record.
    #[arg(long, env = "PORTSIGNAL_DEMO_RECORD_DAYS", global = true)]
    pub demo_record_days: Option<u32>,
    /// Served over https (usually behind a TLS proxy): `Secure` `__Host-` cookies and HSTS.
    #[arg(long, env = "PORTSIGNAL_HTTPS", global = true)]
    pub https: Option<bool>,
    /// Requests a minute each client address may make to the read API and downloads (0: off).
    #[arg(long, env = "PORTSIGNAL_RATE_LIMIT_PER_MINUTE", global = true)]
    pub rate_limit_per_minute: Option<u32>,
    /// Keep rendered public pages for anonymous visitors until the data or the minute changes.
    #[arg(long, env = "PORTSIGNAL_PAGE_CACHE", global = true)]
    pub page_cache: Option<bool>,
    /// Serve `/metrics` on this address only (e.g. 127.0.0.1:9100), not on the site's.
    #[arg(long, env = "PORTSIGNAL_METRICS_BIND", global = true)]
    pub metrics_bind: Option<SocketAddr>,
    /// Log as JSON lines instead of text.
    #[arg(long, env = "PORTSIGNAL_LOG_JSON", global = true)]
    pub log_json: Option<bool>,
    /// Log filter (tracing EnvFilter syntax), e.g. `info,portsignal=debug`.
    #[arg(long, env = "RUST_LOG", global = true)]
    pub log_filter: Option<String>,
}

/// The keys `Leptos.toml` may hold; all optional, unknown keys are an error.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    site_addr: Option<SocketAddr>,
    site_root: Option<PathBuf>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    default_port: Option<String>,
    demo_on_empty: Option<bool>,
    demo_seed: Option<u64>,
    demo_record_days: Option<u32>,
    https: Option<bool>,
    rate_limit_per_minute: Option<u32>,
    page_cache: Option<bool>,
    metrics_bind: Option<SocketAddr>,
    log_json: Option<bool>,
    log_filter: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub site_addr: SocketAddr,
    pub site_root: PathBuf,
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    pub default_port: String,
    pub demo_on_empty: bool,
    pub demo_seed: u64,
    pub demo_record_days: u32,
    pub https: bool,
    /// Read API and download requests a minute per client address; 0 turns the limit off.
    pub rate_limit_per_minute: u32,
    /// Rendered public pages are kept for anonymous visitors (see `page_cache`).
    pub page_cache: bool,
    /// Where `/metrics` is served when not on the site's address.
    pub metrics_bind: Option<SocketAddr>,
    pub log_json: bool,
    pub log_filter: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: line {line}, column {column}: {message}")]
    Parse {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("default port '{0}' is not a UN/LOCODE (two letters and three letters or digits)")]
    DefaultPort(String),
}

impl Settings {
    /// Merges flags/env over the file over the defaults. A missing default `Leptos.toml` is
    /// fine; a missing file named explicitly is not.
    pub fn load(o: &Overrides) -> Result<Self, ConfigError> {
        let path = o
            .config
            .clone()
            .unwrap_or_else(|| PathBuf::from(DEFAULT_CONFIG_FILE));
        let file = match std::fs::read_to_string(&path) {
            Ok(text) => parse_file(&path, &text)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && o.config.is_none() => {
                FileSettings::default()
            }
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.display().to_string(),
                    source,
                })
            }
        };
        let settings = Settings {
            site_addr: o
                .site_addr
                .or(file.site_addr)
                .unwrap_or(([127, 0, 0, 1], 3000).into()),
            site_root: o
                .site_root
                .clone()
                .or(file.site_root)
                .unwrap_or_else(|| "target/site".into()),
            data_dir: o
                .data_dir
                .clone()
                .or(file.data_dir)
                .unwrap_or_else(|| "data".into()),
            database_url: o
                .database_url
                .clone()
                .or(file.database_url)
                .filter(|u| !u.is_empty()),
            default_port: o
                .default_port
                .clone()
                .or(file.default_port)
                .unwrap_or_else(|| "USLAX".into()),
            demo_on_empty: o.demo_on_empty.or(file.demo_on_empty).unwrap_or(true),
            demo_seed: o
                .demo_seed
                .or(file.demo_seed)
                .unwrap_or(crate::demo::DEFAULT_SEED),
            demo_record_days: o
                .demo_record_days
                .or(file.demo_record_days)
                .unwrap_or(crate::queries::accuracy::DEFAULT_BACKFILL_DAYS),
            https: o.https.or(file.https).unwrap_or(false),
            rate_limit_per_minute: o
                .rate_limit_per_minute
                .or(file.rate_limit_per_minute)
                .unwrap_or(DEFAULT_RATE_LIMIT_PER_MINUTE),
            page_cache: o.page_cache.or(file.page_cache).unwrap_or(true),
            metrics_bind: o.metrics_bind.or(file.metrics_bind),
            log_json: o.log_json.or(file.log_json).unwrap_or(false),
            log_filter: o
                .log_filter
                .clone()
                .or(file.log_filter)
                .unwrap_or_else(|| "info".into()),
        };
        if !is_locode(&settings.default_port) {
            return Err(ConfigError::DefaultPort(settings.default_port));
        }
        Ok(settings)
    }
}

/// UN/LOCODE shape: a two-letter country code and three letters or digits 2-9.
pub fn is_locode(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 5
        && b[..2].iter().all(u8::is_ascii_uppercase)
        && b[2..]
            .iter()
            .all(|c| c.is_ascii_uppercase() || (b'2'..=b'9').contains(c))
}

fn parse_file(path: &Path, text: &str) -> Result<FileSettings, ConfigError> {
    toml::from_str(text).map_err(|e| {
        let offset = e.span().map(|s| s.start).unwrap_or(0).min(text.len());
        let before = &text[..offset];
        ConfigError::Parse {
            path: path.display().to_string(),
            line: before.matches('\n').count() + 1,
            column: before.len() - before.rfind('\n').map(|i| i + 1).unwrap_or(0) + 1,
            message: e.message().trim().replace('\n', " "),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_with(text: &str, o: Overrides) -> Result<Settings, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Leptos.toml");
        std::fs::write(&path, text).unwrap();
        Settings::load(&Overrides {
            config: Some(path),
            ..o
        })
    }

    #[test]
    fn flags_beat_the_file_and_the_file_beats_defaults() {
        let s = load_with(
            "site_addr = \"0.0.0.0:8080\"\ndata_dir = \"/srv/ps\"\n",
            Overrides {
                data_dir: Some("/tmp/x".into()),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(s.site_addr, "0.0.0.0:8080".parse().unwrap());
        assert_eq!(s.data_dir, PathBuf::from("/tmp/x"));
        assert_eq!(s.default_port, "USLAX");
        assert!(s.demo_on_empty);
    }

    #[test]
    fn malformed_file_names_line_and_column() {
        let err = load_with(
            "default_port = \"USLAX\"\nsite_addr = 3000\n",
            Overrides::default(),
        )
        .unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("line 2, column 13"), "{msg}");
        assert!(!msg.contains('\n'));
        let err = load_with("data_directory = \"x\"\n", Overrides::default()).unwrap_err();
        assert!(err.to_string().contains("line 1, column 1"), "{err}");
        assert!(err.to_string().contains("data_directory"), "{err}");
    }

    #[test]
    fn explicit_missing_file_is_an_error() {
        let o = Overrides {
            config: Some("/nonexistent/Leptos.toml".into()),
            ..Default::default()
        };
        assert!(matches!(Settings::load(&o), Err(ConfigError::Read { .. })));
    }

    #[test]
    fn locode_shape() {
        assert!(is_locode("USLAX"));
        assert!(is_locode("DEHAM"));
        assert!(is_locode("NL2AB"));
        assert!(!is_locode("uslax"));
        assert!(!is_locode("USLA"));
        assert!(!is_locode("US1AX"));
        assert!(load_with("default_port = \"LA\"\n", Overrides::default()).is_err());
    }
}
