//! The HTTP API for other systems. One router per area, merged here.

mod auth;
mod forecast;
mod jit;
mod ovs;
mod read;
mod statistics;

pub use auth::Provider;
pub use read::{cursor_after, parse_cursor};

use crate::error::AppError;
use crate::state::AppState;
use axum::extract::DefaultBodyLimit;
use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderMap;
use axum::routing::get;
use axum::Router;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Statistics files are small: a century of months is about 60 KB.
pub const STATISTICS_BODY_LIMIT: usize = 1024 * 1024;
/// A JIT timestamp is about 1.5 KB: room for batches of several thousand.
pub const JIT_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// Where the OpenAPI document is served.
pub const OPENAPI_PATH: &str = "/api/v1/openapi.json";

/// What every error answer carries.
#[derive(Debug, serde::Serialize, serde::Deserialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong, for people.
    pub error: String,
    /// For rejected input: each problem with where it is (row and column, or a JSON path).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problems: Option<Vec<crate::ingest::Problem>>,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "portsignal API",
        description = "Port calls, schedules, statistics, forecasts and their track record for the \
            ports this portsignal holds. Reads are public; writes take a provider's bearer token \
            (`portsignal token create`). Times are RFC 3339 in UTC; field names are snake_case, \
            except in the DCSA endpoints, which follow their standards.",
        license(name = "Apache-2.0", identifier = "Apache-2.0")
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "ports", description = "Ports and their terminals"),
        (name = "port calls", description = "Scheduled and actual port calls"),
        (name = "statistics", description = "Official monthly volumes and the import/export balance"),
        (name = "forecasts", description = "Outlook, forecasts and how accurate they were"),
        (name = "operations", description = "Schedule reliability and congestion"),
        (name = "DCSA", description = "DCSA Just-in-Time Port Call 1.2 and Operational Vessel Schedules 3.0")
    )
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "provider_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A data provider's token, limited to its ports"))
                    .build(),
            ),
        );
    }
}

/// Every documented route; the router and the document are made from this one list, so no
/// route can exist undocumented.
fn documented() -> OpenApiRouter<AppState> {
    let reads = OpenApiRouter::new()
        .routes(routes!(read::list_ports))
        .routes(routes!(read::get_port))
        .routes(routes!(read::list_port_calls))
        .routes(routes!(read::get_statistics))
        .routes(routes!(read::get_balance))
        .routes(routes!(read::get_reliability))
        .routes(routes!(read::get_congestion))
        .routes(routes!(forecast::get_monthly))
        .routes(routes!(forecast::get_weekly))
        .routes(routes!(forecast::get_accuracy))
        .routes(routes!(ovs::get_schedules));
    let statistics = OpenApiRouter::new()
        .routes(routes!(statistics::post_monthly))
        .layer(DefaultBodyLimit::max(STATISTICS_BODY_LIMIT));
    // DCSA clients are configured with a base URL and append the standard's own path.
    let dcsa = OpenApiRouter::new()
        .routes(routes!(jit::post_timestamps))
        .routes(routes!(ovs::post_schedules))
        .layer(DefaultBodyLimit::max(JIT_BODY_LIMIT));
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(reads)
        .merge(statistics)
        .merge(dcsa)
}

/// The OpenAPI 3.1 document of the API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    documented().split_for_parts().1
}

/// The document as served, made once.
fn openapi_json() -> &'static str {
    static JSON: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    JSON.get_or_init(|| openapi().to_pretty_json().expect("the document serialises"))
}

pub fn router() -> Router<AppState> {
    let (router, _) = documented().split_for_parts();
    router.route(
        OPENAPI_PATH,
        get(|| async { ([(CONTENT_TYPE, "application/json")], openapi_json()) }),
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
