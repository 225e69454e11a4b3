//! `POST /api/v1/ports/{locode}/statistics/monthly`: a port's monthly statistics as CSV
//! (columns as for `portsignal import statistics`). All or nothing.

use super::Provider;
use crate::error::AppError;
use crate::ingest::{statistics_csv, store_statistics, ImportSummary};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;

/// Replace months of the port's official statistics (all or nothing).
#[utoipa::path(post, path = "/api/v1/ports/{locode}/statistics/monthly", tag = "statistics",
    params(super::read::PortPath),
    request_body(content = String, content_type = "text/csv",
        description = "Columns by header, any order: `month` (YYYY-MM), `loaded_imports`, \
            `loaded_exports` required; `empty_imports`, `empty_exports`, `empties`, `total_teu` \
            optional; TEU (as for `portsignal import statistics`)"),
    security(("provider_token" = [])),
    responses(
        (status = 201, description = "Stored", body = ImportSummary),
        (status = 401, description = "No valid token", body = super::ErrorBody),
        (status = 403, description = "The token may not write for this port", body = super::ErrorBody),
        (status = 404, description = "No such port here", body = super::ErrorBody),
        (status = 413, description = "Too large", body = super::ErrorBody),
        (status = 415, description = "Not text/csv", body = super::ErrorBody),
        (status = 422, description = "Rows with problems; nothing stored", body = super::ErrorBody)))]
pub async fn post_monthly(
    State(state): State<AppState>,
    Path(locode): Path<String>,
    Provider(token): Provider,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<ImportSummary>), AppError> {
    super::require_content_type(&headers, "text/csv")?;
    let port = locode.to_uppercase();
    if state.store.port(&port).await?.is_none() {
        return Err(AppError::NotFound(format!(
            "no port {port} in this portsignal"
        )));
    }
    if !token.may_write(&port) {
        return Err(AppError::Forbidden(format!(
            "token {} may not write for {port}",
            token.prefix
        )));
    }
    let body = body.map_err(|e| AppError::from_body_rejection(e, super::STATISTICS_BODY_LIMIT))?;
    let parsed = statistics_csv::parse(&port, body.as_ref());
    if !parsed.problems.is_empty() {
        return Err(AppError::Unprocessable {
            message: format!(
                "{} problem(s) in {} row(s); nothing imported",
                parsed.problems.len(),
                parsed.read
            ),
            problems: parsed.problems,
        });
    }
    let summary = store_statistics(state.store.as_ref(), &port, &parsed).await?;
    tracing::info!(port = %port, token = %token.prefix, accepted = summary.accepted, "statistics posted");
    crate::live::announce(&state, &port).await;
    Ok((StatusCode::CREATED, Json(summary)))
}
