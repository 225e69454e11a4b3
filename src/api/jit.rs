//! `POST /dcsa/jit/v1/timestamps`: DCSA Just-in-Time Port Call 1.2 timestamps, one object or an
//! array, from a data provider. All or nothing; re-sent timestamps are counted, not stored.

use super::Provider;
use crate::error::AppError;
use crate::ingest::{jit, store_timestamps, Rejected};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Accepted {
    pub accepted: u64,
    pub duplicates: u64,
}

/// DCSA Just-in-Time Port Call 1.2 timestamps, one object or an array (all or nothing;
/// timestamps sent before are counted as duplicates, not stored again).
#[utoipa::path(post, path = "/dcsa/jit/v1/timestamps", tag = "DCSA",
    request_body(content = serde_json::Value, content_type = "application/json",
        description = "A DCSA JIT 1.2 timestamp object, or an array of them"),
    security(("provider_token" = [])),
    responses(
        (status = 201, description = "Stored", body = Accepted),
        (status = 401, description = "No valid token", body = super::ErrorBody),
        (status = 403, description = "The token may not write for a port named", body = super::ErrorBody),
        (status = 413, description = "Too large", body = super::ErrorBody),
        (status = 415, description = "Not application/json", body = super::ErrorBody),
        (status = 422, description = "Fields with problems; nothing stored", body = super::ErrorBody)))]
pub async fn post_timestamps(
    State(state): State<AppState>,
    Provider(token): Provider,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<Accepted>), AppError> {
    super::require_content_type(&headers, "application/json")?;
    let body = body.map_err(|e| AppError::from_body_rejection(e, super::JIT_BODY_LIMIT))?;
    let parsed = jit::parse(&body);
    if !parsed.problems.is_empty() {
        return Err(AppError::Unprocessable {
            message: format!(
                "{} problem(s) in {} timestamp(s); nothing stored",
                parsed.problems.len(),
                parsed.read
            ),
            problems: parsed.problems,
        });
    }
    let ports: std::collections::BTreeSet<String> =
        parsed.records.iter().map(|t| t.port.clone()).collect();
    let outcome = store_timestamps(
        state.store.as_ref(),
        parsed.records,
        chrono::Utc::now(),
        |port| token.may_write(port),
        false,
        &|_| {},
    )
    .await
    .map(|stored| stored.outcome)
    .map_err(|e| match e {
        Rejected::Problems(problems) => AppError::Unprocessable {
            message: format!("{} problem(s); nothing stored", problems.len()),
            problems,
        },
        Rejected::Forbidden(port) => {
            AppError::Forbidden(format!("token {} may not write for {port}", token.prefix))
        }
        Rejected::Storage(e) => AppError::Storage(e),
    })?;
    tracing::info!(token = %token.prefix, accepted = outcome.accepted, duplicates = outcome.duplicates, "JIT timestamps posted");
    if outcome.accepted > 0 {
        for port in &ports {
            crate::live::announce(&state, port).await;
        }
    }
    Ok((
        StatusCode::CREATED,
        Json(Accepted {
            accepted: outcome.accepted,
            duplicates: outcome.duplicates,
        }),
    ))
}
