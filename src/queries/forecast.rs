//! Read paths of the monthly forecast and its backtest: the port's statistics → the domain's
//! models (on a blocking thread: fitting is CPU work) → what the API and the CLI print.

use crate::domain::forecast::{self, ModelBacktest, Month, MonthlyForecast, SERIES};
use crate::error::AppError;
use crate::storage::Storage;
use serde::Serialize;

pub const DEFAULT_HORIZON: usize = 6;
pub const MAX_HORIZON: usize = 24;

/// `GET /api/v1/ports/{locode}/forecast/monthly` answers this.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PortMonthlyForecast {
    pub port: String,
    #[serde(flatten)]
    pub forecast: MonthlyForecast,
}

fn month(name: &str, text: &str) -> Result<Month, AppError> {
    Month::parse(text.trim())
        .ok_or_else(|| AppError::BadRequest(format!("{name} '{text}' is not a month (YYYY-MM)")))
}

/// The port's statistics, or `404` for a port this instance does not hold.
async fn statistics(
    store: &dyn Storage,
    port: &str,
) -> Result<(String, Vec<crate::domain::MonthlyStats>), AppError> {
    let locode = super::known_port(store, port).await?.0.locode;
    let stats = store.monthly_stats(&locode).await?;
    Ok((locode, stats))
}

/// The monthly and full-year forecast of `port` after `as_of` (`YYYY-MM`; default the latest
/// month with statistics), `horizon` months ahead (1-24, default 6).
pub async fn monthly_forecast(
    store: &dyn Storage,
    port: &str,
    as_of: Option<&str>,
    horizon: Option<usize>,
) -> Result<PortMonthlyForecast, AppError> {
    let as_of = as_of.map(|a| month("as_of", a)).transpose()?;
    let horizon = horizon.unwrap_or(DEFAULT_HORIZON);
    if !(1..=MAX_HORIZON).contains(&horizon) {
        return Err(AppError::BadRequest(format!(
            "horizon {horizon} is outside 1-{MAX_HORIZON}"
        )));
    }
    let (locode, stats) = statistics(store, port).await?;
    forecast_from(locode, stats, as_of, horizon).await
}

/// The forecast from statistics already read (on a blocking thread: fitting is CPU work).
pub async fn forecast_from(
    locode: String,
    stats: Vec<crate::domain::MonthlyStats>,
    as_of: Option<Month>,
    horizon: usize,
) -> Result<PortMonthlyForecast, AppError> {
    let forecast =
        tokio::task::spawn_blocking(move || forecast::monthly_forecast(&stats, as_of, horizon))
            .await
            .expect("the forecast does not panic")
            .map_err(|e| {
                AppError::NotFound(format!("{e} for {locode}: nothing to forecast from"))
            })?;
    Ok(PortMonthlyForecast {
        port: locode,
        forecast,
    })
}

/// Forecasts already made, by their inputs (the port's statistics as read, the month and the
/// horizon): statistics change a few times a month, pages ask on every view. Keyed by the
/// content, so an import from any process is seen at once; at most 64 are kept.
#[derive(Clone, Default)]
pub struct ForecastCache(
    std::sync::Arc<
        std::sync::Mutex<
            std::collections::HashMap<
                u64,
                std::sync::Arc<tokio::sync::OnceCell<PortMonthlyForecast>>,
            >,
        >,
    >,
);

impl std::fmt::Debug for ForecastCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ForecastCache")
    }
}

impl ForecastCache {
    /// [`forecast_from`], made once for the same statistics, month and horizon.
    pub async fn forecast_from(
        &self,
        locode: String,
        stats: Vec<crate::domain::MonthlyStats>,
        as_of: Option<Month>,
        horizon: usize,
    ) -> Result<PortMonthlyForecast, AppError> {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (&locode, format!("{as_of:?}"), horizon).hash(&mut h);
        serde_json::to_string(&stats)
            .map_err(|e| AppError::Internal(e.to_string()))?
            .hash(&mut h);
        let key = h.finish();
        let cell = {
            let mut map = self
                .0
                .lock()
                .map_err(|_| AppError::Internal("forecast cache poisoned".into()))?;
            if map.len() >= 64 && !map.contains_key(&key) {
                map.clear();
            }
            map.entry(key).or_default().clone()
        };
        cell.get_or_try_init(|| forecast_from(locode, stats, as_of, horizon))
            .await
            .cloned()
    }
}

/// Every model's backtest of one series of `port`, forecasting after each month from `from`
/// to `to`, up to `horizon` months ahead.
pub async fn monthly_backtest(
    store: &dyn Storage,
    port: &str,
    series: &str,
    from: &str,
    to: &str,
    horizon: usize,
) -> Result<Vec<ModelBacktest>, AppError> {
    let (from, to) = (month("from", from)?, month("to", to)?);
    if from > to {
        return Err(AppError::BadRequest(format!(
            "from {from} is after to {to}"
        )));
    }
    let index = SERIES
        .iter()
        .position(|(name, _)| *name == series)
        .ok_or_else(|| {
            AppError::BadRequest(format!(
                "series '{series}' is not one of {}",
                SERIES.map(|(name, _)| name).join(", ")
            ))
        })?;
    let (locode, stats) = statistics(store, port).await?;
    tokio::task::spawn_blocking(move || forecast::backtest_port(&stats, index, from, to, horizon))
        .await
        .expect("the backtest does not panic")
        .map_err(|e| AppError::NotFound(format!("{e} for {locode}")))
}
