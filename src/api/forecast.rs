//! The forecasts, public like the data they are made from:
//! `GET /api/v1/ports/{locode}/forecast/monthly?as_of=YYYY-MM&horizon=N`, the monthly and
//! full-year forecast with P10/P50/P90 bands, and
//! `GET /api/v1/ports/{locode}/outlook/weekly?weeks=N&as_of=RFC3339`, the weekly import outlook,
//! and `GET /api/v1/ports/{locode}/accuracy`, how the forecasts issued so far did.

use crate::error::AppError;
use crate::queries::accuracy::{accuracy, PortAccuracy};
use crate::queries::forecast::{monthly_forecast, PortMonthlyForecast};
use crate::queries::outlook::{self, WeeklyOutlook};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MonthlyParams {
    /// Forecast from the statistics up to this month (`YYYY-MM`; default the latest).
    as_of: Option<String>,
    /// Months ahead, 1-24 (default 6).
    horizon: Option<usize>,
}

/// The monthly and full-year forecast, with P10/P50/P90 bands.
#[utoipa::path(get, path = "/api/v1/ports/{locode}/forecast/monthly", tag = "forecasts",
    params(super::read::PortPath, MonthlyParams),
    responses(
        (status = 200, description = "The forecast", body = PortMonthlyForecast),
        (status = 400, description = "A parameter is not understood", body = super::ErrorBody),
        (status = 404, description = "No such port here", body = super::ErrorBody)))]
pub async fn get_monthly(
    State(state): State<AppState>,
    Path(locode): Path<String>,
    params: Result<Query<MonthlyParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<PortMonthlyForecast>, AppError> {
    let Query(params) = params.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let forecast = monthly_forecast(
        state.store.as_ref(),
        &locode,
        params.as_of.as_deref(),
        params.horizon,
    )
    .await?;
    Ok(Json(forecast))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WeeklyParams {
    /// The outlook as known at this moment (RFC 3339; default now).
    as_of: Option<String>,
    /// ISO weeks from the current one, 1-8 (default 6).
    weeks: Option<usize>,
}

/// Import TEU expected in each coming ISO week from the schedules, with P10-P90 bands, beside
/// the same week a year earlier.
#[utoipa::path(get, path = "/api/v1/ports/{locode}/outlook/weekly", tag = "forecasts",
    params(super::read::PortPath, WeeklyParams),
    responses(
        (status = 200, description = "The outlook", body = WeeklyOutlook),
        (status = 400, description = "A parameter is not understood", body = super::ErrorBody),
        (status = 404, description = "No such port here", body = super::ErrorBody)))]
pub async fn get_weekly(
    State(state): State<AppState>,
    Path(locode): Path<String>,
    params: Result<Query<WeeklyParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<WeeklyOutlook>, AppError> {
    let Query(params) = params.map_err(|e| AppError::BadRequest(e.body_text()))?;
    // Without `as_of`, the current minute's outlook: the one pages show, computed once.
    let outlook = match params.as_of {
        None => {
            let weeks = outlook::checked_weeks(params.weeks)?;
            let (port, _) = crate::queries::known_port(state.store.as_ref(), &locode).await?;
            state
                .live
                .outlook
                .weekly_at(
                    state.store.as_ref(),
                    &port.locode,
                    crate::queries::page_now(),
                    weeks,
                )
                .await?
        }
        Some(as_of) => {
            outlook::weekly(
                state.store.as_ref(),
                &locode,
                Some(&as_of),
                params.weeks,
                chrono::Utc::now(),
            )
            .await?
        }
    };
    Ok(Json(outlook))
}

/// How the forecasts issued so far did against what happened, horizon by horizon.
#[utoipa::path(get, path = "/api/v1/ports/{locode}/accuracy", tag = "forecasts",
    params(super::read::PortPath),
    responses(
        (status = 200, description = "The track record", body = PortAccuracy),
        (status = 404, description = "No such port here", body = super::ErrorBody)))]
pub async fn get_accuracy(
    State(state): State<AppState>,
    Path(locode): Path<String>,
) -> Result<Json<PortAccuracy>, AppError> {
    Ok(Json(
        accuracy(state.store.as_ref(), &locode, chrono::Utc::now()).await?,
    ))
}
