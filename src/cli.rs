//! The `portsignal` command: `serve` (default), `migrate`, `demo`.

use crate::config::{Cli, Command, DemoArgs, Settings};
use crate::demo::{self, DemoOptions};
use crate::storage::{self, Storage};
use anyhow::Context;
use std::sync::Arc;
use tracing_subscriber::EnvFilter;

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = Settings::load(&cli.overrides)?;
    init_tracing(&settings)?;
    let store = storage::open(settings.database_url.as_deref(), &settings.data_dir).await?;
    tracing::info!(backend = ?store.backend(), "database ready");
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            if settings.demo_on_empty && store.is_empty().await? {
                let opts = DemoOptions {
                    seed: settings.demo_seed,
                    as_of: demo::default_as_of(),
                };
                load_demo(store.as_ref(), opts).await?;
            }
            crate::server::serve(settings, store).await
        }
        Command::Migrate => {
            tracing::info!("schema is current");
            Ok(())
        }
        Command::Demo(args) => demo_command(&settings, store, args).await,
    }
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
    load_demo(store.as_ref(), opts).await
}

async fn load_demo(store: &dyn Storage, opts: DemoOptions) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let batch = tokio::task::spawn_blocking(move || demo::generate(&opts)).await?;
    store
        .write_batch(&batch)
        .await
        .context("cannot write the demo port")?;
    tracing::info!(
        seed = opts.seed,
        as_of = %opts.as_of,
        port_calls = batch.port_calls.len(),
        events = batch.events.len(),
        months = batch.monthly_stats.len(),
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
