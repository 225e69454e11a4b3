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
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::trace::TraceLayer;

pub fn leptos_options(settings: &Settings) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(env!("CARGO_PKG_NAME"))
        .site_root(settings.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(settings.site_addr)
        .build()
}

/// The app's routes, generated once per process. Generating them renders the app with resource
/// loading suppressed by a process-wide flag: a page rendering at that moment in the same
/// process would wait forever on its data (leptos-rs/leptos#4773), which tests that build a
/// router per request hit.
fn routes() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

pub fn router(state: AppState) -> Router {
    let routes = routes();
    // Metrics count from the first request on.
    crate::metrics::handle();
    let operations = if state.settings.metrics_bind.is_some() {
        Router::new()
    } else {
        Router::new().route("/metrics", get(crate::metrics::render))
    };
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .merge(operations)
        .merge(crate::api::router())
        .merge(crate::downloads::router())
        .merge(crate::embed::router())
        .merge(crate::live::router())
        // The wasm, its JS glue and the stylesheet, straight from the directory: answered
        // (and revalidated, by `Last-Modified`) without passing through the app's page
        // renderer, which serves every other path it does not know.
        .nest_service("/pkg", static_pkg(&state.leptos_options))
        .leptos_routes_with_context(&state, routes, crate::security::provide_request_nonce, {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(crate::security::provide_request_nonce, shell))
        // A handler that panics answers with the app's own error page, not a dropped connection.
        .layer(CatchPanicLayer::custom(internal_error_page))
        .layer(crate::sessions::layer(
            state.store.clone(),
            state.settings.https,
        ))
        // Outside the sessions: a kept page is answered without loading one.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::page_cache::serve,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::security::require_same_origin,
        ))
        // Inside the security headers, so a 429 carries them too.
        .layer(axum::middleware::from_fn_with_state(
            crate::rate_limit::Limit::per_minute(state.settings.rate_limit_per_minute),
            crate::rate_limit::limit,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::security::headers,
        ))
        .layer(axum::middleware::from_fn(crate::http_cache::etag))
        // Brotli and gzip at level 4: most of the size gain at a fraction of the CPU of the
        // highest levels (the 1.3 MB wasm compresses in milliseconds, not seconds).
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
        .layer(TraceLayer::new_for_http())
        .layer(axum::middleware::from_fn(crate::metrics::track))
        .with_state(state)
}

/// `/pkg`: the build's output. `no-cache`: browsers keep it but ask again each time, so a new
/// release is picked up at once (the file names carry no hash).
fn static_pkg(options: &LeptosOptions) -> Router {
    use tower_http::services::ServeDir;
    use tower_http::set_header::SetResponseHeaderLayer;
    let dir = std::path::Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    Router::new()
        .fallback_service(ServeDir::new(dir).precompressed_br().precompressed_gzip())
        .layer(SetResponseHeaderLayer::if_not_present(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-cache"),
        ))
}

/// What `--metrics-bind` serves: `/metrics` alone.
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(crate::metrics::render))
        .with_state(state)
}

/// The 500 page, in the app's look (its stylesheet and header), for a request whose handler
/// panicked: nothing of the panic is shown, it goes to the log.
fn internal_error_page(panic: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    use axum::response::IntoResponse;
    let what = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown");
    tracing::error!(panic = what, "request handler panicked");
    (
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        axum::response::Html(INTERNAL_ERROR_HTML),
    )
        .into_response()
}

const INTERNAL_ERROR_HTML: &str = r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>Something went wrong · portsignal</title><link rel="stylesheet" href="/pkg/portsignal.css"/></head>
<body><header class="site-header"><a class="brand" href="/">portsignal</a>
<span class="tagline">Container volume heading for the port</span></header>
<main><section class="error-page"><h1>Something went wrong on our side</h1>
<p>The page could not be made; the error is in the server's log. Try again in a moment, or
<a href="/">go back to the signal</a>.</p></section></main></body></html>"#;

/// The process is up and serving (it says nothing of the database: see `/readyz`).
async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

/// Ready for traffic: the database answers and holds the schema this binary needs. `503`
/// otherwise, saying which (the error itself goes to the log).
async fn readyz(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> (axum::http::StatusCode, Json<serde_json::Value>) {
    use axum::http::StatusCode;
    match state.store.readiness().await {
        Ok(r) if r.schema_version == r.expected_version => (
            StatusCode::OK,
            Json(serde_json::json!({ "status": "ready", "schema_version": r.schema_version })),
        ),
        Ok(r) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({
                "status": "schema not current",
                "schema_version": r.schema_version,
                "expected_version": r.expected_version,
            })),
        ),
        Err(e) => {
            tracing::warn!(error = %e, "not ready: database");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": "database unreachable" })),
            )
        }
    }
}

pub async fn serve(settings: Settings, store: Arc<dyn Storage>) -> anyhow::Result<()> {
    let addr = settings.site_addr;
    let state = AppState {
        leptos_options: leptos_options(&settings),
        store,
        settings: Arc::new(settings),
        live: crate::live::Live::default(),
        forecasts: Default::default(),
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
    tokio::spawn(state.live.clone().relay(state.store.clone()));
    if let Some(at) = state.settings.metrics_bind {
        let metrics = tokio::net::TcpListener::bind(at)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen for metrics on {at}: {e}"))?;
        tracing::info!(%at, "metrics on http://{at}/metrics");
        let router = metrics_router(state.clone());
        tokio::spawn(async move {
            if let Err(e) = axum::serve(metrics, router).await {
                tracing::error!(error = %e, "metrics server stopped");
            }
        });
    }
    tracing::info!(%addr, "serving portsignal on http://{addr}");
    let live = state.live.clone();
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
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

/// Issues due forecasts into the accuracy record, having refreshed the planner's statistics:
/// at start-up, then every hour.
async fn issue_forecasts(store: Arc<dyn Storage>) {
    let mut every = tokio::time::interval(ISSUE_EVERY);
    loop {
        every.tick().await;
        if let Err(e) = store.analyze().await {
            tracing::warn!(error = %e, "planner statistics not refreshed");
        }
        let result = crate::queries::accuracy::issue_due(store.as_ref(), chrono::Utc::now()).await;
        let outcome = if result.is_ok() { "ok" } else { "error" };
        metrics::counter!("portsignal_forecast_runs_total", "result" => outcome).increment(1);
        match result {
            Ok(0) => {}
            Ok(n) => {
                metrics::counter!("portsignal_forecasts_issued_total").increment(n);
                tracing::info!(figures = n, "forecasts issued");
            }
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

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn a_panic_answers_500_with_the_apps_page_and_nothing_of_the_panic() {
        use http_body_util::BodyExt;
        let response = super::internal_error_page(Box::new("secret detail".to_string()));
        assert_eq!(
            response.status(),
            axum::http::StatusCode::INTERNAL_SERVER_ERROR
        );
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let html = String::from_utf8_lossy(&body);
        assert!(html.contains("class=\"site-header\""));
        assert!(html.contains("/pkg/portsignal.css"));
        assert!(html.contains("Something went wrong on our side"));
        assert!(!html.contains("secret detail"));
    }
}
