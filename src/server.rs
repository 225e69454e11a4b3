//! The HTTP server: pages, server functions, static files, `/healthz`; graceful shutdown.

use crate::app::{shell, App};
use crate::config::Settings;
use crate::state::AppState;
use crate::storage::Storage;
use axum::routing::get;
use axum::serve::ListenerExt;
use axum::{Json, Router};
use leptos::prelude::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;
use tower_http::trace::TraceLayer;

pub fn leptos_options(settings: &Settings) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(env!("CARGO_PKG_NAME"))
        .site_root(settings.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(settings.site_addr)
        .build()
}

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    Router::new()
        .route("/healthz", get(healthz))
        .merge(crate::api::router())
        .merge(crate::downloads::router())
        .merge(crate::live::router())
        .leptos_routes_with_context(&state, routes, || (), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The process is up and serving. (Readiness, with the database, comes with `/readyz`.)
async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

pub async fn serve(settings: Settings, store: Arc<dyn Storage>) -> anyhow::Result<()> {
    let addr = settings.site_addr;
    let state = AppState {
        leptos_options: leptos_options(&settings),
        store,
        settings: Arc::new(settings),
        live: crate::live::Live::default(),
    };
    // Leptos streams HTML in several writes: without TCP_NODELAY, Nagle and delayed ACKs add
    // ~40 ms to every response.
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?
        .tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
    tokio::spawn(issue_forecasts(state.store.clone()));
    tracing::info!(%addr, "serving portsignal on http://{addr}");
    let live = state.live.clone();
    axum::serve(listener, router(state).into_make_service())
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            live.close();
        })
        .await?;
    tracing::info!("stopped");
    Ok(())
}

/// How often the server checks whether a forecast is due (the weekly outlook is issued once
/// a local day, the monthly forecast once per statistics update).
const ISSUE_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Issues due forecasts into the accuracy record: at start-up, then every hour.
async fn issue_forecasts(store: Arc<dyn Storage>) {
    let mut every = tokio::time::interval(ISSUE_EVERY);
    loop {
        every.tick().await;
        match crate::queries::accuracy::issue_due(store.as_ref(), chrono::Utc::now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(figures = n, "forecasts issued"),
            Err(e) => tracing::warn!(error = %e, "forecasts not issued"),
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
