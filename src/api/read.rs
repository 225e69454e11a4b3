//! The read API: what the pages show, as data. Public, like the pages; times in RFC 3339 UTC,
//! field names in snake_case, a port named by its UN/LOCODE in any case.

use crate::domain::{MonthlyStats, PortCall, Terminal, VesselStatus};
use crate::error::AppError;
use crate::queries::balance::BalanceReport;
use crate::queries::congestion::CongestionReport;
use crate::queries::reliability::ReliabilityReport;
use crate::queries::{known_port, page_now};
use crate::state::AppState;
use crate::storage::CallFilter;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::Json;
use chrono::{DateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A port this instance holds, with its terminals.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortInfo {
    /// UN/LOCODE, e.g. `USLAX`.
    pub locode: String,
    pub name: String,
    /// IANA time zone the port's weeks and days are counted in.
    pub time_zone: String,
    pub terminals: Vec<Terminal>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PortList {
    pub ports: Vec<PortInfo>,
}

/// The port a request names, in the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct PortPath {
    /// UN/LOCODE of the port, e.g. `USLAX` (any case).
    pub locode: String,
}

async fn port_info(state: &AppState, port: crate::domain::Port) -> Result<PortInfo, AppError> {
    let terminals = state.store.terminals(&port.locode).await?;
    Ok(PortInfo {
        locode: port.locode,
        name: port.name,
        time_zone: port.time_zone,
        terminals,
    })
}

/// The ports this instance holds, with their terminals.
#[utoipa::path(get, path = "/api/v1/ports", tag = "ports",
    responses((status = 200, description = "Every port, by UN/LOCODE", body = PortList)))]
pub async fn list_ports(State(state): State<AppState>) -> Result<Json<PortList>, AppError> {
    let mut ports = Vec::new();
    for p in state.store.ports().await? {
        ports.push(port_info(&state, p).await?);
    }
    Ok(Json(PortList { ports }))
}

/// One port and its terminals (berths, crane productivity, daily capacity).
#[utoipa::path(get, path = "/api/v1/ports/{locode}", tag = "ports", params(PortPath),
    responses(
        (status = 200, description = "The port", body = PortInfo),
        (status = 404, description = "No such port here", body = super::ErrorBody)))]
pub async fn get_port(
    State(state): State<AppState>,
    Path(p): Path<PortPath>,
) -> Result<Json<PortInfo>, AppError> {
    let (port, _) = known_port(state.store.as_ref(), &p.locode).await?;
    Ok(Json(port_info(&state, port).await?))
}

/// A port call as listed: the stored call, its vessel's name and its status now.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListedCall {
    #[serde(flatten)]
    pub call: PortCall,
    pub vessel_name: Option<String>,
    pub status: VesselStatus,
}

/// One page of port calls; ask again with `cursor` for the next one.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortCallPage {
    pub port: String,
    pub as_of: DateTime<Utc>,
    pub port_calls: Vec<ListedCall>,
    /// Absent on the last page.
    pub next_cursor: Option<String>,
}

/// Which calls, in order of best-known arrival (actual berth arrival, else the latest ETA).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PortCallParams {
    /// `scheduled`, `en_route`, `at_anchor`, `at_berth`, `departed` or `omitted`.
    pub status: Option<String>,
    /// Terminal code, e.g. `WBCT`.
    pub terminal: Option<String>,
    /// Carrier SCAC code, e.g. `MAEU`.
    pub carrier: Option<String>,
    /// Carrier service code.
    pub service: Option<String>,
    /// Best-known arrival at or after this moment (RFC 3339).
    pub eta_from: Option<String>,
    /// Best-known arrival before this moment (RFC 3339).
    pub eta_to: Option<String>,
    /// Calls per page, 1-1000 (default 100).
    pub limit: Option<u32>,
    /// `next_cursor` of the page before.
    pub cursor: Option<String>,
}

pub const DEFAULT_LIMIT: u32 = 100;
pub const MAX_LIMIT: u32 = 1000;

/// The cursor after `call`: its best-known arrival (Unix seconds) and reference.
pub fn cursor_after(call: &PortCall) -> String {
    let at = call
        .times
        .best_arrival()
        .map(|t| t.timestamp())
        .unwrap_or_default();
    format!("{at}_{}", call.call_ref)
}

pub fn parse_cursor(text: &str) -> Option<(DateTime<Utc>, String)> {
    let (at, call_ref) = text.split_once('_')?;
    Some((
        Utc.timestamp_opt(at.parse().ok()?, 0).single()?,
        call_ref.to_owned(),
    ))
}

fn instant(name: &str, text: &Option<String>) -> Result<Option<DateTime<Utc>>, AppError> {
    text.as_deref()
        .map(|t| {
            DateTime::parse_from_rfc3339(t.trim())
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| {
                    AppError::BadRequest(format!(
                        "{name} '{t}' is not a date-time with an offset (RFC 3339)"
                    ))
                })
        })
        .transpose()
}

fn query<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, AppError> {
    q.map(|Query(t)| t)
        .map_err(|e| AppError::BadRequest(e.body_text()))
}

/// The port's calls with filters, in pages.
#[utoipa::path(get, path = "/api/v1/ports/{locode}/port-calls", tag = "port calls",
    params(PortPath, PortCallParams),
    responses(
        (status = 200, description = "One page of calls", body = PortCallPage),
        (status = 400, description = "A parameter is not understood", body = super::ErrorBody),
        (status = 404, description = "No such port here", body = super::ErrorBody)))]
pub async fn list_port_calls(
    State(state): State<AppState>,
    Path(p): Path<PortPath>,
    params: Result<Query<PortCallParams>, QueryRejection>,
) -> Result<Json<PortCallPage>, AppError> {
    let params = query(params)?;
    let (port, _) = known_port(state.store.as_ref(), &p.locode).await?;
    let status = params
        .status
        .as_deref()
        .map(|s| {
            VesselStatus::from_code(s.trim()).ok_or_else(|| {
                AppError::BadRequest(format!(
                    "status '{s}' is not one of scheduled, en_route, at_anchor, at_berth, departed, omitted"
                ))
            })
        })
        .transpose()?;
    let limit = match params.limit {
        None => DEFAULT_LIMIT,
        Some(l) if (1..=MAX_LIMIT).contains(&l) => l,
        Some(l) => {
            return Err(AppError::BadRequest(format!(
                "limit {l} is not from 1 to {MAX_LIMIT}"
            )))
        }
    };
    let after = params
        .cursor
        .as_deref()
        .map(|c| {
            parse_cursor(c)
                .ok_or_else(|| AppError::BadRequest(format!("cursor '{c}' was not given out here")))
        })
        .transpose()?;
    let now = page_now();
    // One more than asked: whether there is a next page.
    let filter = CallFilter {
        port: Some(port.locode.clone()),
        service: params.service.clone(),
        terminal: params.terminal.clone(),
        carrier: params.carrier.clone(),
        status: status.map(|s| (s, now)),
        from: instant("eta_from", &params.eta_from)?,
        to: instant("eta_to", &params.eta_to)?,
        after,
        limit: limit + 1,
        ..Default::default()
    };
    let mut found = state.store.port_calls(&filter).await?;
    let more = found.len() > limit as usize;
    found.truncate(limit as usize);
    let next_cursor = more.then(|| found.last().map(cursor_after)).flatten();
    let calls: Vec<(PortCall, VesselStatus)> = found
        .into_iter()
        .map(|c| {
            let s = c.status(now);
            (c, s)
        })
        .collect();
    let imos: Vec<String> = calls.iter().map(|(c, _)| c.vessel_imo.clone()).collect();
    let names = state.store.vessel_names(&imos).await?;
    let port_calls = calls
        .into_iter()
        .map(|(call, status)| ListedCall {
            vessel_name: names.get(&call.vessel_imo).cloned(),
            call,
            status,
        })
        .collect();
    Ok(Json(PortCallPage {
        port: port.locode,
        as_of: now,
        port_calls,
        next_cursor,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MonthlyStatistics {
    pub port: String,
    /// Every month with statistics, oldest first.
    pub months: Vec<MonthlyStats>,
}

/// The port's official monthly statistics.
#[utoipa::path(get, path = "/api/v1/ports/{locode}/statistics/monthly", tag = "statistics",
    params(PortPath),
    responses(
        (status = 200, description = "Monthly TEU by direction, laden and empty", body = MonthlyStatistics),
        (status = 404, description = "No such port here", body = super::ErrorBody)))]
pub async fn get_statistics(
    State(state): State<AppState>,
    Path(p): Path<PortPath>,
) -> Result<Json<MonthlyStatistics>, AppError> {
    let (port, _) = known_port(state.store.as_ref(), &p.locode).await?;
    let months = state.store.monthly_stats(&port.locode).await?;
    Ok(Json(MonthlyStatistics {
        port: port.locode,
        months,
    }))
}

/// The import/export balance by month and year.
#[utoipa::path(get, path = "/api/v1/ports/{locode}/balance", tag = "statistics",
    params(PortPath),
    responses(
        (status = 200, description = "The balance", body = BalanceReport),
        (status = 404, description = "No such port here", body = super::ErrorBody)))]
pub async fn get_balance(
    State(state): State<AppState>,
    Path(p): Path<PortPath>,
) -> Result<Json<BalanceReport>, AppError> {
    let (report, _) = crate::queries::balance::report(state.store.as_ref(), &p.locode).await?;
    Ok(Json(report))
}

/// How carriers and services kept to their schedules over the last 26 weeks.
#[utoipa::path(get, path = "/api/v1/ports/{locode}/reliability", tag = "operations",
    params(PortPath),
    responses(
        (status = 200, description = "Schedule reliability", body = ReliabilityReport),
        (status = 404, description = "No such port here", body = super::ErrorBody)))]
pub async fn get_reliability(
    State(state): State<AppState>,
    Path(p): Path<PortPath>,
) -> Result<Json<ReliabilityReport>, AppError> {
    let (report, _) =
        crate::queries::reliability::report(state.store.as_ref(), &p.locode, page_now()).await?;
    Ok(Json(report))
}

/// Ships at anchor now and waits before berthing by week.
#[utoipa::path(get, path = "/api/v1/ports/{locode}/congestion", tag = "operations",
    params(PortPath),
    responses(
        (status = 200, description = "The queue and the waits", body = CongestionReport),
        (status = 404, description = "No such port here", body = super::ErrorBody)))]
pub async fn get_congestion(
    State(state): State<AppState>,
    Path(p): Path<PortPath>,
) -> Result<Json<CongestionReport>, AppError> {
    let (report, _) =
        crate::queries::congestion::report(state.store.as_ref(), &p.locode, page_now()).await?;
    Ok(Json(report))
}
