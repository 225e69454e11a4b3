//! Monthly and full-year forecasts from a port's monthly statistics (see DESIGN.md,
//! "Forecasting, in brief"). For each series (total, loaded imports, loaded exports, empties)
//! the seasonal models compete in a rolling-origin backtest on that series' own history and the
//! one with the lowest error forecasts it; bands are the 10th and 90th percentiles of simulated
//! paths, and the full year is the actual year-to-date plus the sum of each path's remaining
//! months. Everything takes `as_of`: months after it are never read.

pub mod models;

use models::{Fitted, Model, SEASON};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use std::fmt;

/// Sample paths drawn for a band.
pub const PATHS: usize = 1000;
/// The shortest training history of a backtest origin: what Holt-Winters needs.
const MIN_TRAIN: usize = 2 * SEASON;
/// Origins a selection backtest uses at most (the last year of the history).
const SELECTION_ORIGINS: usize = 12;
/// With fewer origins than this the backtest cannot choose, and the baseline stands.
const MIN_ORIGINS: usize = 6;
/// Horizons a selection backtest scores.
const SELECTION_HORIZON: usize = 12;

/// A calendar month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    /// 1-12.
    pub month: u32,
}

impl Month {
    /// Reads `YYYY-MM`.
    pub fn parse(text: &str) -> Option<Month> {
        let (y, m) = text.split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        let (year, month) = (y.parse().ok()?, m.parse().ok()?);
        (1..=12).contains(&month).then_some(Month { year, month })
    }

    fn index(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    fn from_index(i: i64) -> Month {
        Month {
            year: i.div_euclid(12) as i32,
            month: i.rem_euclid(12) as u32 + 1,
        }
    }

    /// The month `n` months on (or back, when negative).
    pub fn offset(self, n: i64) -> Month {
        Month::from_index(self.index() + n)
    }

    /// Months from `earlier` to `self`.
    pub fn since(self, earlier: Month) -> i64 {
        self.index() - earlier.index()
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// In the API's document: a `YYYY-MM` string, as it serialises.
#[cfg(feature = "ssr")]
impl utoipa::PartialSchema for Month {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(r"^\d{4}-(0[1-9]|1[0-2])$"))
            .examples(["2026-10"])
            .into()
    }
}

#[cfg(feature = "ssr")]
impl utoipa::ToSchema for Month {}

impl Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// 10th, 50th and 90th percentiles.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Band {
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
}

impl Band {
    /// The percentiles of `values` (sorted in place), rounded to whole TEU.
    pub fn of(values: &mut [f64]) -> Band {
        values.sort_by(f64::total_cmp);
        let at = |q: f64| {
            let i = q * (values.len() - 1) as f64;
            let (lo, hi) = (i.floor() as usize, i.ceil() as usize);
            let v = values[lo] + (values[hi] - values[lo]) * (i - lo as f64);
            v.max(0.0).round()
        };
        Band {
            p10: at(0.1),
            p50: at(0.5),
            p90: at(0.9),
        }
    }

    /// Every percentile plus `by` (a known part of the total).
    pub fn shifted(self, by: f64) -> Band {
        Band {
            p10: self.p10 + by,
            p50: self.p50 + by,
            p90: self.p90 + by,
        }
    }
}

/// Which model forecasts a series, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    pub model: Model,
    /// Mean absolute percentage error of the chosen model's backtest, when there was one.
    pub backtest_mape: Option<f64>,
    pub reason: String,
}

/// Chooses the model for `history` (oldest first, not empty): the seasonal model with the
/// lowest backtest MAPE over the last year's origins, seasonal naive winning ties. Short
/// histories fall back to what they support, and the reason says so.
pub fn choose(history: &[f64]) -> Choice {
    let n = history.len();
    if n < SEASON {
        return Choice {
            model: Model::Naive,
            backtest_mape: None,
            reason: format!("{n} months of history, fewer than 12 for a seasonal model"),
        };
    }
    if n < MIN_TRAIN + MIN_ORIGINS {
        return Choice {
            model: Model::SeasonalNaive,
            backtest_mape: None,
            reason: format!(
                "{n} months of history: seasonal models are fitted from 24 and compared from {}",
                MIN_TRAIN + MIN_ORIGINS
            ),
        };
    }
    let origins = n.saturating_sub(SELECTION_ORIGINS).max(MIN_TRAIN)..n;
    let mut best: Option<(Model, f64)> = None;
    for model in Model::SEASONAL {
        let errors = point_errors(history, model, origins.clone(), SELECTION_HORIZON);
        let Some(mape) = mean(errors.iter().map(|e| e.ape())) else {
            continue;
        };
        if best.is_none_or(|(_, b)| mape < b) {
            best = Some((model, mape));
        }
    }
    let (model, mape) = best.expect("seasonal naive fits any history of a year or more");
    Choice {
        model,
        backtest_mape: Some(mape),
        reason: format!(
            "lowest backtest error of {} models: MAPE {:.1}% over {} origins",
            Model::SEASONAL.len(),
            mape,
            origins.len()
        ),
    }
}

/// One forecast scored against what happened.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scored {
    pub horizon: usize,
    pub actual: f64,
    pub forecast: f64,
}

impl Scored {
    /// Absolute percentage error.
    pub fn ape(&self) -> f64 {
        ((self.forecast - self.actual) / self.actual).abs() * 100.0
    }
}

/// Point forecasts of `model` from each origin (a history length) up to `max_h` months ahead,
/// against the actuals the history holds. Months with no TEU (nothing to divide by) are left
/// out.
pub fn point_errors(
    history: &[f64],
    model: Model,
    origins: std::ops::Range<usize>,
    max_h: usize,
) -> Vec<Scored> {
    let mut out = Vec::new();
    for origin in origins {
        let Some(fitted) = Fitted::fit(model, &history[..origin]) else {
            continue;
        };
        let ahead = max_h.min(history.len() - origin);
        for (h, forecast) in fitted.point(ahead).into_iter().enumerate() {
            let actual = history[origin + h];
            if actual > 0.0 {
                out.push(Scored {
                    horizon: h + 1,
                    actual,
                    forecast,
                });
            }
        }
    }
    out
}

/// A model's backtest at one horizon.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HorizonScore {
    pub horizon: usize,
    pub forecasts: usize,
    /// Mean absolute percentage error.
    pub mape: f64,
    /// Mean percentage error: positive when the model forecast too much.
    pub bias: f64,
    /// Share of actuals inside the P10-P90 band (80% when the band is right).
    pub coverage: f64,
}

/// Backtests `model` from each origin in `origins` (history lengths), up to `max_h` months
/// ahead: error, bias and band coverage by horizon.
pub fn backtest(
    history: &[f64],
    model: Model,
    origins: std::ops::Range<usize>,
    max_h: usize,
    seed: u64,
) -> Vec<HorizonScore> {
    let mut by_h: Vec<Vec<(f64, f64, bool)>> = vec![Vec::new(); max_h];
    for origin in origins {
        let Some(fitted) = Fitted::fit(model, &history[..origin]) else {
            continue;
        };
        let ahead = max_h.min(history.len() - origin);
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ origin as u64);
        let paths: Vec<Vec<f64>> = (0..PATHS)
            .map(|_| fitted.simulate(ahead, &mut rng))
            .collect();
        let point = fitted.point(ahead);
        for h in 0..ahead {
            let actual = history[origin + h];
            if actual <= 0.0 {
                continue;
            }
            let band = Band::of(&mut paths.iter().map(|p| p[h]).collect::<Vec<_>>());
            let pe = (point[h] - actual) / actual * 100.0;
            by_h[h].push((
                pe.abs(),
                pe,
                (band.p10..=band.p90).contains(&actual.round()),
            ));
        }
    }
    by_h.into_iter()
        .enumerate()
        .filter(|(_, scores)| !scores.is_empty())
        .map(|(h, scores)| HorizonScore {
            horizon: h + 1,
            forecasts: scores.len(),
            mape: mean(scores.iter().map(|s| s.0)).unwrap_or_default(),
            bias: mean(scores.iter().map(|s| s.1)).unwrap_or_default(),
            coverage: scores.iter().filter(|s| s.2).count() as f64 / scores.len() as f64,
        })
        .collect()
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

/// One series forecast: the chosen model, a band per month ahead, and the band of the sum of
/// chosen months (the rest of the year).
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesForecast {
    pub choice: Choice,
    pub months: Vec<Band>,
    pub sum_of: Band,
}

/// Forecasts `horizon` months after `history` (not empty); `sum_months` picks the months ahead
/// (0-based) whose sum is banded as well. The same inputs and seed give the same forecast.
pub fn forecast_series(
    history: &[f64],
    horizon: usize,
    sum_months: std::ops::Range<usize>,
    seed: u64,
) -> SeriesForecast {
    let choice = choose(history);
    let fitted = Fitted::fit(choice.model, history).expect("the choice fits this history");
    let length = horizon.max(sum_months.end);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let paths: Vec<Vec<f64>> = (0..PATHS)
        .map(|_| fitted.simulate(length, &mut rng))
        .collect();
    let months = (0..horizon)
        .map(|h| Band::of(&mut paths.iter().map(|p| p[h]).collect::<Vec<_>>()))
        .collect();
    let sum_of = Band::of(
        &mut paths
            .iter()
            .map(|p| p[sum_months.clone()].iter().map(|v| v.max(0.0)).sum())
            .collect::<Vec<f64>>(),
    );
    SeriesForecast {
        choice,
        months,
        sum_of,
    }
}

pub mod port;
pub use port::{
    backtest_port, monthly_forecast, ModelBacktest, MonthForecast, MonthlyForecast, NoStatistics,
    YearForecast, SERIES,
};

#[cfg(test)]
mod tests;
