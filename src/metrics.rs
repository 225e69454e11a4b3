//! Prometheus metrics at `/metrics` (or on `--metrics-bind`'s own address): requests and their
//! latency by route, ingested records by result, database connections, forecast runs. The
//! `metrics` facade records them anywhere in the code; this module installs the Prometheus
//! recorder once per process and measures each request.

use crate::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Instant;

/// Latency buckets in seconds: the 50 ms page target sits between two of them.
const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// The process's recorder, installed on first use. A second router in the same process (the
/// tests build many) shares it.
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Full("http_request_duration_seconds".into()),
                &LATENCY_BUCKETS,
            )
            .map(PrometheusBuilder::build_recorder)
            .unwrap_or_else(|_| PrometheusBuilder::new().build_recorder());
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was installed already: /metrics stays empty");
        }
        handle
    })
}

/// Counts each request and times it to its response head, by method, route pattern (not the
/// path, so ids do not multiply the series) and status.
pub async fn track(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let start = Instant::now();
    let response = next.run(request).await;
    let route = route.unwrap_or_else(|| {
        if response.status() == axum::http::StatusCode::NOT_FOUND {
            "unmatched".into()
        } else {
            "static".into()
        }
    });
    let status = response.status().as_u16().to_string();
    metrics::histogram!("http_request_duration_seconds", "method" => method.clone(), "route" => route.clone())
        .record(start.elapsed().as_secs_f64());
    metrics::counter!("http_requests_total", "method" => method, "route" => route, "status" => status)
        .increment(1);
    response
}

/// `GET /metrics`: the Prometheus text format.
pub async fn render(State(state): State<AppState>) -> Response {
    let handle = handle();
    let pool = state.store.pool_use();
    metrics::gauge!("portsignal_db_connections", "state" => "open").set(f64::from(pool.open));
    metrics::gauge!("portsignal_db_connections", "state" => "idle").set(f64::from(pool.idle));
    metrics::gauge!("portsignal_db_connections", "state" => "max").set(f64::from(pool.max));
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle.render(),
    )
        .into_response()
}

/// Records stored by an import, by what they were and what became of them.
pub fn ingested(kind: &'static str, result: &'static str, n: u64) {
    if n > 0 {
        metrics::counter!("portsignal_ingest_records_total", "kind" => kind, "result" => result)
            .increment(n);
    }
}
