//! `GET /api/v1/ports/{locode}/forecast/monthly?as_of=YYYY-MM&horizon=N`: the monthly and
//! full-year forecast with P10/P50/P90 bands. Public, like the statistics it is made from.

use crate::error::AppError;
use crate::queries::forecast::{monthly_forecast, PortMonthlyForecast};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct MonthlyParams {
    as_of: Option<String>,
    horizon: Option<usize>,
}

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
