//! A port's monthly forecast: its four published series, the months after `as_of`, and the
//! calendar year that holds the month after `as_of`.

use super::models::Model;
use super::{forecast_series, Band, HorizonScore, Month, SeriesForecast};
use crate::domain::MonthlyStats;
use serde::Serialize;

/// The port has no statistics up to `as_of`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("no monthly statistics{}", match .0 { Some(m) => format!(" up to {m}"), None => String::new() })]
pub struct NoStatistics(pub Option<String>);

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MonthForecast {
    pub month: Month,
    pub total_teu: Band,
    pub loaded_imports: Band,
    pub loaded_exports: Band,
    pub empties: Band,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct YearForecast {
    pub year: i32,
    /// Published total TEU of the year's months up to `as_of`.
    pub actual_to_date: f64,
    /// The whole year: actual to date plus the forecast of its remaining months.
    pub total_teu: Band,
}

/// How one series was forecast.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SeriesMethod {
    pub series: &'static str,
    pub model: &'static str,
    pub backtest_mape: Option<f64>,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MonthlyForecast {
    pub as_of: Month,
    /// One line a reader can take in: the model of each series and why.
    pub method: String,
    pub methods: Vec<SeriesMethod>,
    /// The first month of the history used (the run of months without a gap up to `as_of`).
    pub history_from: Month,
    pub months: Vec<MonthForecast>,
    pub year: YearForecast,
}

/// Reads one series' value from a month's statistics.
pub type SeriesValue = fn(&MonthlyStats) -> f64;

/// The series a port publishes, by the names the API uses.
pub const SERIES: [(&str, SeriesValue); 4] = [
    ("total_teu", |s| s.total_teu),
    ("loaded_imports", |s| s.loaded_imports),
    ("loaded_exports", |s| s.loaded_exports),
    ("empties", |s| s.empties),
];

/// The months known up to `as_of` (all, without it), in order, one entry a month.
fn months_up_to(stats: &[MonthlyStats], as_of: Option<Month>) -> Vec<(Month, &MonthlyStats)> {
    let mut known: Vec<(Month, &MonthlyStats)> = stats
        .iter()
        .filter_map(|s| Some((Month::parse(&s.month)?, s)))
        .filter(|(m, _)| as_of.is_none_or(|a| *m <= a))
        .collect();
    known.sort_by_key(|(m, _)| *m);
    known.dedup_by_key(|(m, _)| *m);
    known
}

/// Where the run of consecutive months that ends with the latest one starts.
fn last_run_start(known: &[(Month, &MonthlyStats)]) -> usize {
    known
        .windows(2)
        .rposition(|w| w[1].0.since(w[0].0) != 1)
        .map_or(0, |i| i + 1)
}

/// One model's backtest of one series.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ModelBacktest {
    pub model: &'static str,
    /// Whether the selection, as of the last origin, would choose it.
    pub chosen: bool,
    pub horizons: Vec<HorizonScore>,
}

/// Backtests every seasonal model on `series` (one of [`SERIES`]) as if forecasting after each
/// month from `from` to `to`, up to `max_h` months ahead, against what was published later.
pub fn backtest_port(
    stats: &[MonthlyStats],
    series: usize,
    from: Month,
    to: Month,
    max_h: usize,
) -> Result<Vec<ModelBacktest>, NoStatistics> {
    let known = months_up_to(stats, None);
    let run = &known[last_run_start(&known)..];
    let Some(first) = run.first().map(|(m, _)| *m) else {
        return Err(NoStatistics(None));
    };
    let value = SERIES[series].1;
    let history: Vec<f64> = run.iter().map(|(_, s)| value(s)).collect();
    // Origin = months of history, so forecasting after month m trains on first..=m.
    let origin = |m: Month| (m.since(first) + 1).clamp(0, history.len() as i64) as usize;
    let origins = origin(from)..origin(to) + 1;
    let chosen = super::choose(&history[..origins.end.min(history.len()).max(1)]).model;
    Ok(Model::SEASONAL
        .into_iter()
        .map(|model| ModelBacktest {
            model: model.name(),
            chosen: model == chosen,
            horizons: super::backtest(&history, model, origins.clone(), max_h, 1),
        })
        .collect())
}

/// Forecasts the `horizon` months after `as_of` (default: the latest month with statistics)
/// from the statistics published for months up to `as_of`. A gap in the months cuts the history
/// to the run after it; when the latest statistics are older than `as_of`, the months between
/// are forecast too (and not shown).
pub fn monthly_forecast(
    stats: &[MonthlyStats],
    as_of: Option<Month>,
    horizon: usize,
) -> Result<MonthlyForecast, NoStatistics> {
    let known = months_up_to(stats, as_of);
    let Some(&(last, _)) = known.last() else {
        return Err(NoStatistics(as_of.map(|m| m.to_string())));
    };
    let as_of = as_of.unwrap_or(last);
    // The run of consecutive months ending with the latest.
    let run = &known[last_run_start(&known)..];
    let history_from = run[0].0;

    // Path index k is month last + 1 + k.
    let gap = as_of.since(last) as usize;
    let year = as_of.offset(1).year;
    let first_of_year = Month { year, month: 1 };
    let year_from = (first_of_year.since(last) - 1).max(0) as usize;
    let year_to = (Month { year, month: 12 }.since(last)) as usize;
    let length = gap + horizon;
    let seed = ((as_of.year as u64) << 8) | u64::from(as_of.month);

    let forecasts: Vec<SeriesForecast> = SERIES
        .iter()
        .enumerate()
        .map(|(i, (_, value))| {
            let history: Vec<f64> = run.iter().map(|(_, s)| value(s)).collect();
            forecast_series(
                &history,
                length,
                year_from..year_to,
                seed.wrapping_add(i as u64),
            )
        })
        .collect();

    let methods: Vec<SeriesMethod> = SERIES
        .iter()
        .zip(&forecasts)
        .map(|((name, _), f)| SeriesMethod {
            series: name,
            model: f.choice.model.name(),
            backtest_mape: f.choice.backtest_mape.map(|m| (m * 10.0).round() / 10.0),
            reason: f.choice.reason.clone(),
        })
        .collect();
    let method = methods
        .iter()
        .map(|m| format!("{}: {} ({})", m.series, m.model, m.reason))
        .collect::<Vec<_>>()
        .join("; ");
    let months = (0..horizon)
        .map(|h| MonthForecast {
            month: as_of.offset(h as i64 + 1),
            total_teu: forecasts[0].months[gap + h],
            loaded_imports: forecasts[1].months[gap + h],
            loaded_exports: forecasts[2].months[gap + h],
            empties: forecasts[3].months[gap + h],
        })
        .collect();
    let actual_to_date: f64 = known
        .iter()
        .filter(|(m, _)| m.year == year)
        .map(|(_, s)| s.total_teu)
        // Not `sum()`: an empty f64 sum is -0, which prints as "-0".
        .fold(0.0, |a, b| a + b);
    Ok(MonthlyForecast {
        as_of,
        method,
        methods,
        history_from,
        months,
        year: YearForecast {
            year,
            actual_to_date,
            total_teu: forecasts[0].sum_of.shifted(actual_to_date),
        },
    })
}
