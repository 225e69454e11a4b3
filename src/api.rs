//! The HTTP API for other systems. One router per area, merged here.

mod auth;
mod statistics;

pub use auth::Provider;

use crate::state::AppState;
use axum::extract::DefaultBodyLimit;
use axum::routing::post;
use axum::Router;

/// Statistics files are small: a century of months is about 60 KB.
pub const STATISTICS_BODY_LIMIT: usize = 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/api/v1/ports/{locode}/statistics/monthly",
        post(statistics::post_monthly).layer(DefaultBodyLimit::max(STATISTICS_BODY_LIMIT)),
    )
}
