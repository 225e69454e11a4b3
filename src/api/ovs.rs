//! DCSA OVS 3.0 service schedules: `GET /dcsa/ovs/v3/service-schedules` publishes what we hold
//! (public); `POST` takes the same document from a data provider.

use super::Provider;
use crate::error::AppError;
use crate::ingest::{ovs, store_schedules, Problem, Rejected, ScheduleOutcome};
use crate::state::AppState;
use crate::storage::CallFilter;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use std::collections::HashMap;

/// OVS 3.0: 100 by default.
const DEFAULT_LIMIT: u32 = 100;
const MAX_LIMIT: u32 = 1000;
/// OVS 3.0.1 names the response header that carries the next page's cursor.
const NEXT_PAGE_CURSOR: &str = "Next-Page-Cursor";

/// The schedules this instance holds, as DCSA OVS 3.0 service schedules. Paged: the
/// `Next-Page-Cursor` header, when present, is the `cursor` of the next page.
#[utoipa::path(get, path = "/dcsa/ovs/v3/service-schedules", tag = "DCSA",
    params(
        ("UNLocationCode" = Option<String>, Query, description = "Only calls at this port"),
        ("carrierServiceCode" = Option<String>, Query, description = "Only this service"),
        ("vesselIMONumber" = Option<String>, Query, description = "Only this vessel"),
        ("startDate" = Option<String>, Query, description = "Arrivals from this day (YYYY-MM-DD; default 91 days ago)"),
        ("endDate" = Option<String>, Query, description = "Arrivals up to this day (YYYY-MM-DD; default in 183 days)"),
        ("limit" = Option<u32>, Query, description = "Port calls per page, 1-1000 (default 100)"),
        ("cursor" = Option<String>, Query, description = "The Next-Page-Cursor of the page before")),
    responses(
        (status = 200, description = "Service schedules", body = serde_json::Value,
            headers(("Next-Page-Cursor" = String, description = "The next page's cursor, if there is one"))),
        (status = 400, description = "A parameter is not understood", body = super::ErrorBody)))]
pub async fn get_schedules(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let (filter, problems) = filter_from(&params, Utc::now());
    if !problems.is_empty() {
        let each: Vec<String> = problems.iter().map(ToString::to_string).collect();
        return Err(AppError::BadRequest(each.join("; ")));
    }
    let calls = state.store.port_calls(&filter).await?;
    let services = state.store.services().await?;
    let imos: Vec<String> = calls.iter().map(|c| c.vessel_imo.clone()).collect();
    let vessels = state.store.vessels(&imos).await?;
    let mut response = Json(ovs::publish(&calls, &services, &vessels)).into_response();
    if calls.len() == filter.limit as usize {
        if let Some(last) = calls.last() {
            if let Ok(value) = HeaderValue::from_str(&super::cursor_after(last)) {
                response.headers_mut().insert(NEXT_PAGE_CURSOR, value);
            }
        }
    }
    Ok(response)
}

/// The standard's query parameters as a storage filter; dates are whole days in UTC.
fn filter_from(params: &HashMap<String, String>, now: DateTime<Utc>) -> (CallFilter, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut problem =
        |name: &str, message: String| problems.push(Problem::new(format!("query {name}"), message));
    let date = |name: &str, problem: &mut dyn FnMut(&str, String)| {
        params
            .get(name)
            .and_then(|raw| match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
                Ok(d) => {
                    Some(Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight exists")))
                }
                Err(_) => {
                    problem(name, format!("'{raw}' is not a date as YYYY-MM-DD"));
                    None
                }
            })
    };
    let from = date("startDate", &mut problem).unwrap_or(now - Duration::days(91));
    let to = date("endDate", &mut problem)
        .map(|d| d + Duration::days(1))
        .unwrap_or(now + Duration::days(183));
    let limit = match params.get("limit").map(|l| l.parse::<u32>()) {
        None => DEFAULT_LIMIT,
        Some(Ok(l)) if (1..=MAX_LIMIT).contains(&l) => l,
        Some(_) => {
            problem(
                "limit",
                format!("expected a whole number from 1 to {MAX_LIMIT}"),
            );
            DEFAULT_LIMIT
        }
    };
    let after = params.get("cursor").and_then(|c| {
        let parsed = super::parse_cursor(c);
        if parsed.is_none() {
            problem("cursor", "not a cursor this server gave out".into());
        }
        parsed
    });
    let filter = CallFilter {
        port: params.get("UNLocationCode").map(|p| p.to_uppercase()),
        service: params.get("carrierServiceCode").cloned(),
        vessel_imo: params.get("vesselIMONumber").cloned(),
        from: Some(from),
        to: Some(to),
        after,
        limit,
        ..Default::default()
    };
    (filter, problems)
}

/// DCSA OVS 3.0 service schedules from a data provider (all or nothing).
#[utoipa::path(post, path = "/dcsa/ovs/v3/service-schedules", tag = "DCSA",
    request_body(content = serde_json::Value, content_type = "application/json",
        description = "An array of DCSA OVS 3.0 service schedules"),
    security(("provider_token" = [])),
    responses(
        (status = 201, description = "Stored", body = ScheduleOutcome),
        (status = 401, description = "No valid token", body = super::ErrorBody),
        (status = 403, description = "The token may not write for a port named", body = super::ErrorBody),
        (status = 413, description = "Too large", body = super::ErrorBody),
        (status = 415, description = "Not application/json", body = super::ErrorBody),
        (status = 422, description = "Fields with problems; nothing stored", body = super::ErrorBody)))]
pub async fn post_schedules(
    State(state): State<AppState>,
    Provider(token): Provider,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<ScheduleOutcome>), AppError> {
    super::require_content_type(&headers, "application/json")?;
    let body = body.map_err(|e| AppError::from_body_rejection(e, super::JIT_BODY_LIMIT))?;
    let (parsed, dummies) = ovs::parse(&body);
    if !parsed.problems.is_empty() {
        return Err(AppError::Unprocessable {
            message: format!(
                "{} problem(s) in {} transport call(s); nothing stored",
                parsed.problems.len(),
                parsed.read
            ),
            problems: parsed.problems,
        });
    }
    let outcome = store_schedules(state.store.as_ref(), &parsed.records, Utc::now(), |port| {
        token.may_write(port)
    })
    .await
    .map_err(|e| match e {
        Rejected::Forbidden(port) => {
            AppError::Forbidden(format!("token {} may not write for {port}", token.prefix))
        }
        Rejected::Problems(problems) => AppError::Unprocessable {
            message: "nothing stored".into(),
            problems,
        },
        Rejected::Storage(e) => AppError::Storage(e),
    })?;
    tracing::info!(token = %token.prefix, calls = outcome.port_calls, dummies, "OVS schedules posted");
    // A schedule names many ports; the pages of each refetch.
    crate::live::announce(&state, crate::live::ALL_PORTS).await;
    Ok((StatusCode::CREATED, Json(outcome)))
}
