//! The `portsignal` command: `serve` (default), `migrate`, `demo`, `import`, `port`, `token`.

use crate::config::{
    BacktestCommand, BacktestMonthlyArgs, Cli, Command, DemoArgs, DemoScale, ForecastCommand,
    ForecastMonthlyArgs, ImportCommand, ImportFileArgs, ImportSchedulesArgs, ImportStatisticsArgs,
    OutputFormat, PortAddArgs, PortCommand, Settings, TokenCommand, TokenCreateArgs,
};
use crate::demo::{self, DemoOptions};
use crate::ingest::statistics_csv;
use crate::queries::accuracy;
use crate::storage::{self, Storage};
use anyhow::Context;
use progress::ImportProgress;
use std::sync::Arc;
use tracing_subscriber::EnvFilter;

mod accounts;
mod progress;

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = Settings::load(&cli.overrides)?;
    init_tracing(&settings)?;
    let store = storage::open(settings.database_url.as_deref(), &settings.data_dir).await?;
    tracing::info!(backend = ?store.backend(), "database ready");
    let filled = store.fill_call_weeks().await?;
    if filled > 0 {
        tracing::info!(
            ports = filled,
            "weekly rollups built for calls stored before them"
        );
    }
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            if settings.demo_on_empty && store.is_empty().await? {
                let opts = DemoOptions {
                    seed: settings.demo_seed,
                    as_of: demo::default_as_of(),
                };
                load_demo(store.as_ref(), opts, settings.demo_record_days).await?;
            }
            crate::server::serve(settings, store).await
        }
        Command::Migrate => {
            tracing::info!("schema is current");
            Ok(())
        }
        Command::Demo(args) => demo_command(&settings, store, args).await,
        Command::Import(ImportCommand::Events(args)) => import_events(store.as_ref(), args).await,
        Command::Forecast(ForecastCommand::Monthly(args)) => {
            forecast_monthly(store.as_ref(), args).await
        }
        Command::Forecast(ForecastCommand::Backfill(args)) => {
            let started = std::time::Instant::now();
            let done =
                accuracy::backfill(store.as_ref(), &args.port, args.days, chrono::Utc::now())
                    .await?;
            println!(
                "reproduced {} weekly and {} monthly issues ({} new figures) in {:.1} s",
                done.weekly_issues,
                done.monthly_issues,
                done.figures,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Backtest(BacktestCommand::Monthly(args)) => {
            backtest_monthly(store.as_ref(), args).await
        }
        Command::Import(ImportCommand::PortCalls(args)) => {
            import_port_calls(store.as_ref(), args).await
        }
        Command::Import(ImportCommand::Schedules(args)) => {
            import_schedules(store.as_ref(), args).await
        }
        Command::Import(ImportCommand::Statistics(args)) => {
            import_statistics(store.as_ref(), args).await
        }
        Command::Port(PortCommand::Add(args)) => port_add(store.as_ref(), args).await,
        Command::Token(TokenCommand::Create(args)) => token_create(store.as_ref(), args).await,
        Command::Org(command) => accounts::org(store.as_ref(), command).await,
        Command::User(command) => accounts::user(store.as_ref(), command).await,
        Command::Token(TokenCommand::List) => {
            for t in store.tokens().await? {
                let used = t
                    .last_used_at
                    .map(|at| at.to_rfc3339())
                    .unwrap_or_else(|| "never used".into());
                let state = if t.revoked_at.is_some() {
                    "revoked"
                } else {
                    "active"
                };
                println!(
                    "{}\t{}…\t{}\t{}\t{}\t{}\t{}",
                    t.id,
                    t.prefix,
                    t.role.code(),
                    t.ports.join(","),
                    state,
                    used,
                    t.label
                );
            }
            Ok(())
        }
        Command::Token(TokenCommand::Revoke { id }) => {
            anyhow::ensure!(
                store.revoke_token(id, chrono::Utc::now()).await?,
                "no active token {id}"
            );
            println!("token {id} revoked");
            Ok(())
        }
        Command::Port(PortCommand::List) => {
            for p in store.ports().await? {
                let shifts = store.port_shifts(&p.locode).await?.unwrap_or_default();
                println!("{}\t{}\t{}\t{shifts}", p.locode, p.name, p.time_zone);
            }
            Ok(())
        }
        Command::Port(PortCommand::Shifts { locode, pattern }) => {
            let text = crate::admin::set_shifts(store.as_ref(), &locode, &pattern).await?;
            println!("shifts of {}: {text}", locode.to_uppercase());
            Ok(())
        }
        Command::Port(PortCommand::Terminal(a)) => {
            let t = crate::admin::save_terminal(
                store.as_ref(),
                crate::domain::Terminal {
                    port: a.port,
                    code: a.code,
                    name: a.name,
                    berths: a.berths,
                    gang_moves_per_hour: a.gang_moves_per_hour,
                    daily_capacity_teu: a.daily_capacity_teu,
                },
            )
            .await?;
            println!("terminal {} {} ({}) saved", t.port, t.code, t.name);
            Ok(())
        }
    }
}

async fn token_create(store: &dyn Storage, args: TokenCreateArgs) -> anyhow::Result<()> {
    let (id, secret) =
        crate::admin::create_token(store, args.role, &args.label, &args.ports).await?;
    eprintln!(
        "token {id} created for {}; it is shown once, keep it now:",
        args.ports.join(", ").to_uppercase()
    );
    println!("{secret}");
    Ok(())
}

async fn import_schedules(store: &dyn Storage, args: ImportSchedulesArgs) -> anyhow::Result<()> {
    let file = args.file.display().to_string();
    let body = std::fs::read(&args.file).with_context(|| format!("cannot read {file}"))?;
    let (parsed, dummies) = crate::ingest::ovs::parse(&body);
    if !parsed.problems.is_empty() {
        for problem in &parsed.problems {
            eprintln!("{file}: {problem}");
        }
        anyhow::bail!(
            "{file}: {} problem(s); nothing imported",
            parsed.problems.len()
        );
    }
    let outcome =
        crate::ingest::store_schedules(store, &parsed.records, chrono::Utc::now(), |_| true)
            .await?;
    println!(
        "read {} transport calls: {} here, {} at other ports; events accepted {}, duplicates {}; {} dummy vessel schedules skipped",
        parsed.read,
        outcome.port_calls,
        outcome.other_ports,
        outcome.events_accepted,
        outcome.events_duplicates,
        dummies
    );
    Ok(())
}

async fn import_events(store: &dyn Storage, args: ImportFileArgs) -> anyhow::Result<()> {
    let file = args.file.display().to_string();
    let mut progress = ImportProgress::reading(&file, file_size(&args.file));
    let text =
        std::fs::read_to_string(&args.file).with_context(|| format!("cannot read {file}"))?;
    let parsed = crate::ingest::jit::parse_file(&text);
    // The text is as large as the file; storing needs only what was parsed.
    drop(text);
    let (read, records, problems) = (parsed.read, parsed.records, parsed.problems);
    progress.storing(records.len());
    let stored_so_far = |n| progress.stored(n);
    let stored = store_or_report(
        &file,
        &progress,
        read,
        records.len(),
        problems,
        args.skip_invalid,
        |skip| {
            crate::ingest::store_timestamps(
                store,
                records,
                chrono::Utc::now(),
                |_| true,
                skip,
                &stored_so_far,
            )
        },
    )
    .await?;
    println!(
        "read {read}, accepted {}, duplicates {}, rejected {}",
        stored.outcome.accepted, stored.outcome.duplicates, stored.rejected
    );
    Ok(())
}

async fn import_port_calls(store: &dyn Storage, args: ImportFileArgs) -> anyhow::Result<()> {
    let file = args.file.display().to_string();
    let mut progress = ImportProgress::reading(&file, file_size(&args.file));
    let input = std::fs::File::open(&args.file).with_context(|| format!("cannot read {file}"))?;
    let parsed =
        crate::ingest::port_calls_csv::parse(std::io::BufReader::new(input), chrono::Utc::now());
    let (read, rows, problems) = (parsed.read, parsed.records, parsed.problems);
    progress.storing(rows.iter().map(|r| r.events.len()).sum());
    let stored_so_far = |n| progress.stored(n);
    let stored = store_or_report(
        &file,
        &progress,
        read,
        rows.len(),
        problems,
        args.skip_invalid,
        |skip| crate::ingest::store_port_calls(store, &rows, skip, &stored_so_far),
    )
    .await?;
    println!(
        "read {read}, accepted {} calls, rejected {}; schedule events accepted {}, duplicates {}",
        read - stored.rejected,
        stored.rejected,
        stored.outcome.accepted,
        stored.outcome.duplicates
    );
    Ok(())
}

async fn forecast_monthly(store: &dyn Storage, args: ForecastMonthlyArgs) -> anyhow::Result<()> {
    let f = crate::queries::forecast::monthly_forecast(
        store,
        &args.port,
        args.as_of.as_deref(),
        Some(args.horizon),
    )
    .await?;
    if args.format == OutputFormat::Json {
        println!("{}", serde_json::to_string_pretty(&f)?);
        return Ok(());
    }
    let band =
        |b: &crate::domain::forecast::Band| format!("{:>9.0} {:>9.0} {:>9.0}", b.p10, b.p50, b.p90);
    println!(
        "{} monthly forecast as of {}, TEU (P10 P50 P90)",
        f.port, f.forecast.as_of
    );
    println!(
        "{:<8} {:^29} {:^29} {:^29} {:^29}",
        "month", "total", "loaded imports", "loaded exports", "empties"
    );
    for m in &f.forecast.months {
        println!(
            "{:<8} {} {} {} {}",
            m.month.to_string(),
            band(&m.total_teu),
            band(&m.loaded_imports),
            band(&m.loaded_exports),
            band(&m.empties)
        );
    }
    let y = &f.forecast.year;
    println!(
        "year {}: actual to date {:.0}; full year {}",
        y.year,
        y.actual_to_date,
        band(&y.total_teu)
    );
    for m in &f.forecast.methods {
        println!("{}: {} ({})", m.series, m.model, m.reason);
    }
    Ok(())
}

async fn backtest_monthly(store: &dyn Storage, args: BacktestMonthlyArgs) -> anyhow::Result<()> {
    let models = crate::queries::forecast::monthly_backtest(
        store,
        &args.port,
        &args.series,
        &args.from,
        &args.to,
        args.horizon,
    )
    .await?;
    println!(
        "{} {} forecast after each month {} to {}: error by months ahead",
        args.port.to_uppercase(),
        args.series,
        args.from,
        args.to
    );
    println!(
        "{:<18} {:>7} {:>9} {:>8} {:>8} {:>9}",
        "model", "months", "forecasts", "MAPE %", "bias %", "P10-P90"
    );
    for m in &models {
        let name = if m.chosen {
            format!("{} *", m.model)
        } else {
            m.model.to_owned()
        };
        for h in &m.horizons {
            println!(
                "{:<18} {:>7} {:>9} {:>8.1} {:>+8.1} {:>8.0}%",
                name,
                h.horizon,
                h.forecasts,
                h.mape,
                h.bias,
                h.coverage * 100.0
            );
        }
    }
    println!("* chosen for this series by the backtest as of {}", args.to);
    Ok(())
}

fn file_size(path: &std::path::Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

struct Imported {
    outcome: crate::storage::EventOutcome,
    /// Records not stored: rows or timestamps with problems.
    rejected: usize,
}

/// The command line's all-or-nothing rule: problems from parsing stop the import unless
/// `skip_invalid`; the store step skips or rejects by the same rule. Every problem is printed,
/// prefixed with the file, once the progress display is cleared.
async fn store_or_report<F, Fut>(
    file: &str,
    progress: &ImportProgress,
    read: usize,
    parsed_ok: usize,
    parse_problems: Vec<crate::ingest::Problem>,
    skip_invalid: bool,
    store: F,
) -> anyhow::Result<Imported>
where
    F: FnOnce(bool) -> Fut,
    Fut: std::future::Future<Output = Result<crate::ingest::Stored, crate::ingest::Rejected>>,
{
    let report = |problems: &[crate::ingest::Problem]| {
        for problem in problems {
            eprintln!("{file}: {problem}");
        }
    };
    let nothing = |n: usize| {
        format!("{file}: {n} problem(s) in {read} record(s); nothing imported (--skip-invalid imports the valid ones)")
    };
    if !parse_problems.is_empty() && !skip_invalid {
        progress.finish();
        report(&parse_problems);
        anyhow::bail!(nothing(parse_problems.len()));
    }
    let stored = store(skip_invalid).await;
    progress.finish();
    match stored {
        Ok(stored) => {
            report(&parse_problems);
            report(&stored.skipped);
            // The store step reports at most one problem per record it skipped.
            Ok(Imported {
                outcome: stored.outcome,
                rejected: read - parsed_ok + stored.skipped.len(),
            })
        }
        Err(crate::ingest::Rejected::Problems(problems)) => {
            report(&problems);
            anyhow::bail!(nothing(problems.len()))
        }
        Err(e) => Err(e.into()),
    }
}

async fn port_add(store: &dyn Storage, args: PortAddArgs) -> anyhow::Result<()> {
    let port = crate::admin::save_port(store, &args.locode, &args.name, &args.tz).await?;
    println!(
        "port {} ({}, {}) saved",
        port.locode, port.name, port.time_zone
    );
    Ok(())
}

async fn import_statistics(store: &dyn Storage, args: ImportStatisticsArgs) -> anyhow::Result<()> {
    let port = args.port.to_uppercase();
    if store.port(&port).await?.is_none() {
        anyhow::bail!("unknown port {port}: add it first with `portsignal port add {port} --name ... --tz ...`");
    }
    let file = args.file.display().to_string();
    let input = std::fs::File::open(&args.file).with_context(|| format!("cannot read {file}"))?;
    let parsed = statistics_csv::parse(&port, std::io::BufReader::new(input));
    for problem in &parsed.problems {
        eprintln!("{file}: {problem}");
    }
    if !parsed.problems.is_empty() && !args.skip_invalid {
        anyhow::bail!(
            "{file}: {} problem(s) in {} row(s); nothing imported (--skip-invalid imports the valid rows)",
            parsed.problems.len(),
            parsed.read
        );
    }
    let summary = crate::ingest::store_statistics(store, &port, &parsed).await?;
    println!(
        "read {}, accepted {} ({} replaced), rejected {}",
        summary.read, summary.accepted, summary.replaced, summary.rejected
    );
    Ok(())
}

async fn demo_command(
    settings: &Settings,
    store: Arc<dyn Storage>,
    args: DemoArgs,
) -> anyhow::Result<()> {
    if args.reset {
        store.clear().await?;
    } else if store.count_port_calls(demo::PORT_LOCODE).await? > 0 {
        anyhow::bail!(
            "the database already holds port calls for {}: run `portsignal demo --reset` to replace everything",
            demo::PORT_LOCODE
        );
    }
    let opts = DemoOptions {
        seed: args.seed.unwrap_or(settings.demo_seed),
        as_of: args.as_of.unwrap_or_else(demo::default_as_of),
    };
    match args.scale {
        DemoScale::Port => load_demo(store.as_ref(), opts, settings.demo_record_days).await,
        DemoScale::National => {
            let national = demo::national::NationalOptions {
                seed: opts.seed,
                as_of: opts.as_of,
                ports: args.ports,
                calls: args.calls,
            };
            load_national(store.as_ref(), national).await
        }
    }
}

/// The national demo, with progress: a bar on a terminal, a line per tenth otherwise.
async fn load_national(
    store: &dyn Storage,
    opts: demo::national::NationalOptions,
) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let progress = std::sync::Mutex::new(ImportProgress::reading("national demo", 0));
    let loaded = demo::national::load(store, opts, &|done, expected| {
        let mut p = progress.lock().expect("progress is not poisoned");
        if p.total() != expected {
            p.storing(expected);
        }
        p.stored(done);
    })
    .await
    .context("cannot load the national demo")?;
    progress.lock().expect("progress is not poisoned").finish();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "national demo: {} ports ({} copies of the demo cast each), {} port calls, {} events, {} months of statistics in {:.0} s ({:.0} events/s)",
        loaded.ports,
        loaded.copies_per_port,
        loaded.port_calls,
        loaded.events,
        loaded.months,
        secs,
        loaded.events as f64 / secs.max(1e-9)
    );
    tracing::info!(
        ports = loaded.ports,
        port_calls = loaded.port_calls,
        events = loaded.events,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "national demo generated"
    );
    Ok(())
}

async fn load_demo(store: &dyn Storage, opts: DemoOptions, record_days: u32) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let batch = tokio::task::spawn_blocking(move || demo::generate(&opts)).await?;
    demo::load(store, &batch)
        .await
        .context("cannot load the demo port")?;
    // The demo's past forecasts, so the accuracy page has a record to show from the start.
    let record = accuracy::backfill(store, demo::PORT_LOCODE, record_days, opts.as_of)
        .await
        .context("cannot reproduce the demo port's past forecasts")?;
    tracing::info!(
        seed = opts.seed,
        as_of = %opts.as_of,
        port_calls = batch.port_calls.len(),
        events = batch.events.len(),
        months = batch.monthly_stats.len(),
        forecasts = record.figures,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "demo port generated"
    );
    Ok(())
}

fn init_tracing(settings: &Settings) -> anyhow::Result<()> {
    let filter = EnvFilter::try_new(&settings.log_filter)
        .map_err(|e| anyhow::anyhow!("log filter '{}': {e}", settings.log_filter))?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if settings.log_json {
        builder.json().init();
    } else {
        builder.init();
    }
    Ok(())
}
