//! The HTTP API for other systems. One router per area, merged here.

mod auth;
mod forecast;
mod jit;
mod ovs;
mod statistics;

pub use auth::Provider;

use crate::error::AppError;
use crate::state::AppState;
use axum::extract::DefaultBodyLimit;
use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::Router;

/// Statistics files are small: a century of months is about 60 KB.
pub const STATISTICS_BODY_LIMIT: usize = 1024 * 1024;
/// A JIT timestamp is about 1.5 KB: room for batches of several thousand.
pub const JIT_BODY_LIMIT: usize = 16 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/ports/{locode}/statistics/monthly",
            post(statistics::post_monthly).layer(DefaultBodyLimit::max(STATISTICS_BODY_LIMIT)),
        )
        .route(
            "/api/v1/ports/{locode}/forecast/monthly",
            get(forecast::get_monthly),
        )
        .route(
            "/api/v1/ports/{locode}/outlook/weekly",
            get(forecast::get_weekly),
        )
        .route(
            "/api/v1/ports/{locode}/accuracy",
            get(forecast::get_accuracy),
        )
        // DCSA clients are configured with a base URL and append the standard's own path.
        .route(
            "/dcsa/jit/v1/timestamps",
            post(jit::post_timestamps).layer(DefaultBodyLimit::max(JIT_BODY_LIMIT)),
        )
        .route(
            "/dcsa/ovs/v3/service-schedules",
            get(ovs::get_schedules)
                .post(ovs::post_schedules)
                .layer(DefaultBodyLimit::max(JIT_BODY_LIMIT)),
        )
}

/// `415` unless the request says it carries `expected` (parameters such as charset allowed).
fn require_content_type(headers: &HeaderMap, expected: &str) -> Result<(), AppError> {
    let given = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = given.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case(expected) {
        Ok(())
    } else {
        Err(AppError::UnsupportedMediaType(format!(
            "expected Content-Type: {expected}, got '{given}'"
        )))
    }
}
