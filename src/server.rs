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
    };
    // Leptos streams HTML in several writes: without TCP_NODELAY, Nagle and delayed ACKs add
    // ~40 ms to every response.
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?
        .tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
    tracing::info!(%addr, "serving portsignal on http://{addr}");
    axum::serve(listener, router(state).into_make_service())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    tracing::info!("stopped");
    Ok(())
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
