//! Downloads of what the pages show: the numbers behind each chart as CSV and JSON, and the
//! charts themselves as SVG. `GET /download/{name}?port=LOCODE` (default: the configured port).

use crate::error::AppError;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/download/{name}", get(download))
}

#[derive(Debug, Deserialize)]
pub struct PortParam {
    port: Option<String>,
}

async fn download(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(params): Query<PortParam>,
) -> Result<Response, AppError> {
    let port = params
        .port
        .unwrap_or_else(|| state.settings.default_port.clone());
    let store = state.store.as_ref();
    let (body, content_type) = match name.as_str() {
        "balance.csv" | "balance.json" | "balance-volumes.svg" | "balance-ratio.svg" => {
            let view = crate::queries::balance::balance(store, &port).await?;
            match name.as_str() {
                "balance.csv" => (
                    crate::queries::balance::balance_csv(&view),
                    "text/csv; charset=utf-8",
                ),
                "balance.json" => (
                    serde_json::json!({
                        "port": view.port,
                        "months": view.months,
                        "years": view.years,
                        "export_run": view.export_run,
                    })
                    .to_string(),
                    "application/json",
                ),
                "balance-volumes.svg" => (view.volumes_svg, "image/svg+xml"),
                _ => (view.ratio_svg, "image/svg+xml"),
            }
        }
        other => return Err(AppError::NotFound(format!("no download named {other}"))),
    };
    let file = format!("{}-{name}", port.trim().to_uppercase());
    Ok((
        [
            (CONTENT_TYPE, content_type.to_string()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response())
}
