//! The monthly models. Seasonal naive is the baseline every forecaster must beat; Holt-Winters
//! with a damped trend and a yearly season (ETS(A,Ad,A) in Hyndman's taxonomy) is fitted to the
//! TEU themselves (a season of fixed size) and to their logarithm (a season that grows with the
//! level, as a port's peak does). A naive random walk covers histories shorter than a year.
//!
//! Each fitted model gives a point forecast and simulated sample paths (its own error process,
//! with Gaussian innovations of the fitted size), from which bands and sums are read.

use rand::Rng;
use serde::Serialize;

/// Months in the season.
pub const SEASON: usize = 12;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Model {
    /// Last value, as a random walk: for less than a year of history.
    Naive,
    /// Each month as the same month a year earlier, as a seasonal random walk.
    SeasonalNaive,
    /// Holt-Winters, damped trend, additive yearly season.
    HoltWinters,
    /// Holt-Winters on the logarithm: the season scales with the level.
    HoltWintersLog,
}

impl Model {
    /// The models that compete in the backtest, the baseline first (it wins ties).
    pub const SEASONAL: [Model; 3] = [
        Model::SeasonalNaive,
        Model::HoltWinters,
        Model::HoltWintersLog,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Model::Naive => "naive",
            Model::SeasonalNaive => "seasonal-naive",
            Model::HoltWinters => "holt-winters",
            Model::HoltWintersLog => "holt-winters-log",
        }
    }

    /// Months of history the model needs to be fitted: Holt-Winters starts its level, trend
    /// and season from two full years.
    pub fn min_history(self) -> usize {
        match self {
            Model::Naive => 1,
            Model::SeasonalNaive => SEASON,
            Model::HoltWinters | Model::HoltWintersLog => 2 * SEASON,
        }
    }
}

/// Holt-Winters smoothing parameters: level, trend, season, damping.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HwParams {
    pub alpha: f64,
    pub beta: f64,
    pub gamma: f64,
    pub phi: f64,
}

/// Holt-Winters state after the last month seen.
#[derive(Clone, Debug, PartialEq)]
pub struct HwState {
    level: f64,
    trend: f64,
    /// `season[0]` is the seasonal term of the next month, `season[11]` that of 12 months on.
    season: Vec<f64>,
}

impl HwState {
    /// Level, trend and season from the first two years: the level at month 12, the trend from
    /// the change between the two yearly means, each month's offset from the trend line.
    fn initial(x: &[f64]) -> Self {
        let mean = |s: &[f64]| s.iter().sum::<f64>() / s.len() as f64;
        let (first, second) = (mean(&x[..SEASON]), mean(&x[SEASON..2 * SEASON]));
        let trend = (second - first) / SEASON as f64;
        let centre = (SEASON as f64 - 1.0) / 2.0;
        let season = (0..SEASON)
            .map(|i| x[i] - (first + (i as f64 - centre) * trend))
            .collect();
        HwState {
            level: first + (SEASON as f64 - 1.0 - centre) * trend,
            trend,
            season,
        }
    }

    fn next(&self, p: &HwParams) -> f64 {
        self.level + p.phi * self.trend + self.season[0]
    }

    /// Moves one month on, given that month's error (observed minus [`Self::next`]).
    fn advance(&mut self, p: &HwParams, error: f64) {
        let seasonal = self.season[0] + p.gamma * error;
        self.level += p.phi * self.trend + p.alpha * error;
        self.trend = p.phi * self.trend + p.beta * error;
        self.season.rotate_left(1);
        self.season[SEASON - 1] = seasonal;
    }
}

/// Runs the filter over `x` from month 12 on: the state at the end and the sum of squared
/// one-step errors over the second year onwards.
fn filter(x: &[f64], p: &HwParams) -> (HwState, f64) {
    let mut state = HwState::initial(x);
    // The first year set the season; filtering restarts from it, so its months are errors too.
    let mut sse = 0.0;
    for &observed in &x[SEASON..] {
        let error = observed - state.next(p);
        sse += error * error;
        state.advance(p, error);
    }
    (state, sse)
}

/// The grid the parameters are chosen from (least squares over one-step errors). A grid is
/// deterministic and, for four bounded parameters, as good as a search on 2-5 years of months.
fn grid() -> impl Iterator<Item = HwParams> {
    const ALPHAS: [f64; 10] = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.95];
    const BETAS: [f64; 5] = [0.0, 0.01, 0.03, 0.1, 0.2];
    const GAMMAS: [f64; 6] = [0.0, 0.05, 0.1, 0.2, 0.3, 0.5];
    const PHIS: [f64; 3] = [0.8, 0.9, 0.98];
    ALPHAS.into_iter().flat_map(|alpha| {
        BETAS
            .into_iter()
            .filter(move |beta| *beta <= alpha)
            .flat_map(move |beta| {
                GAMMAS
                    .into_iter()
                    .filter(move |gamma| *gamma <= 1.0 - alpha)
                    .flat_map(move |gamma| {
                        PHIS.into_iter().map(move |phi| HwParams {
                            alpha,
                            beta,
                            gamma,
                            phi,
                        })
                    })
            })
    })
}

/// A model fitted to a history.
#[derive(Clone, Debug, PartialEq)]
pub enum Fitted {
    Naive {
        last: f64,
        sigma: f64,
    },
    SeasonalNaive {
        /// The last 12 months, oldest first.
        last_year: Vec<f64>,
        sigma: f64,
    },
    HoltWinters {
        log: bool,
        params: HwParams,
        state: HwState,
        sigma: f64,
    },
}

impl Fitted {
    /// Fits `model` to `history` (oldest first); `None` when the history is too short for it,
    /// or (for the log model) not all positive.
    pub fn fit(model: Model, history: &[f64]) -> Option<Fitted> {
        let n = history.len();
        if n < model.min_history() {
            return None;
        }
        match model {
            Model::Naive => {
                let last = history[n - 1];
                let steps: Vec<f64> = history.windows(2).map(|w| w[1] - w[0]).collect();
                // One month says nothing of spread: assume 5% of the level a month.
                let sigma = if steps.is_empty() {
                    0.05 * last.abs()
                } else {
                    rms(&steps)
                };
                Some(Fitted::Naive { last, sigma })
            }
            Model::SeasonalNaive => {
                let steps: Vec<f64> = (SEASON..n)
                    .map(|t| history[t] - history[t - SEASON])
                    .collect();
                let sigma = if steps.is_empty() {
                    0.05 * history.iter().map(|v| v.abs()).sum::<f64>() / n as f64
                } else {
                    rms(&steps)
                };
                Some(Fitted::SeasonalNaive {
                    last_year: history[n - SEASON..].to_vec(),
                    sigma,
                })
            }
            Model::HoltWinters | Model::HoltWintersLog => {
                let log = model == Model::HoltWintersLog;
                let x: Vec<f64> = if log {
                    if history.iter().any(|v| *v <= 0.0) {
                        return None;
                    }
                    history.iter().map(|v| v.ln()).collect()
                } else {
                    history.to_vec()
                };
                let (params, (state, sse)) = grid()
                    .map(|p| (p, filter(&x, &p)))
                    .min_by(|a, b| a.1 .1.total_cmp(&b.1 .1))
                    .expect("the grid is not empty");
                let errors = (n - SEASON) as f64;
                let sigma = (sse / (errors - 4.0).max(1.0)).sqrt();
                Some(Fitted::HoltWinters {
                    log,
                    params,
                    state,
                    sigma,
                })
            }
        }
    }

    /// Point forecasts for the next `horizon` months (for the log model, the median).
    pub fn point(&self, horizon: usize) -> Vec<f64> {
        self.path(horizon, |_| 0.0)
    }

    /// One sample path of the next `horizon` months.
    pub fn simulate(&self, horizon: usize, rng: &mut impl Rng) -> Vec<f64> {
        let sigma = match self {
            Fitted::Naive { sigma, .. }
            | Fitted::SeasonalNaive { sigma, .. }
            | Fitted::HoltWinters { sigma, .. } => *sigma,
        };
        self.path(horizon, |_| sigma * standard_normal(rng))
    }

    /// The months ahead with `shock(h)` as each month's innovation.
    fn path(&self, horizon: usize, mut shock: impl FnMut(usize) -> f64) -> Vec<f64> {
        match self {
            Fitted::Naive { last, .. } => {
                let mut value = *last;
                (0..horizon)
                    .map(|h| {
                        value += shock(h);
                        value
                    })
                    .collect()
            }
            Fitted::SeasonalNaive { last_year, .. } => {
                let mut ring = last_year.clone();
                (0..horizon)
                    .map(|h| {
                        let value = ring[h % SEASON] + shock(h);
                        ring[h % SEASON] = value;
                        value
                    })
                    .collect()
            }
            Fitted::HoltWinters {
                log, params, state, ..
            } => {
                let mut state = state.clone();
                (0..horizon)
                    .map(|h| {
                        let error = shock(h);
                        let value = state.next(params) + error;
                        state.advance(params, error);
                        if *log {
                            value.exp()
                        } else {
                            value
                        }
                    })
                    .collect()
            }
        }
    }
}

fn rms(values: &[f64]) -> f64 {
    (values.iter().map(|v| v * v).sum::<f64>() / values.len() as f64).sqrt()
}

/// A standard normal draw (Box-Muller).
fn standard_normal(rng: &mut impl Rng) -> f64 {
    let u1: f64 = rng.gen_range(f64::EPSILON..1.0);
    let u2: f64 = rng.gen();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    /// A year of shape: 100 with a peak of +30 in month 8 and a dip of -20 in month 2.
    fn shape(month: usize) -> f64 {
        match month % SEASON {
            1 => -20.0,
            7 => 30.0,
            _ => 0.0,
        }
    }

    #[test]
    fn seasonal_naive_repeats_the_last_year_and_its_spread_is_the_yearly_change() {
        let history: Vec<f64> = (0..24)
            .map(|t| 100.0 + shape(t) + (t / 12) as f64 * 5.0)
            .collect();
        let fitted = Fitted::fit(Model::SeasonalNaive, &history).unwrap();
        assert_eq!(fitted.point(14)[..12], history[12..]);
        assert_eq!(fitted.point(14)[12..], history[12..14]);
        // Every yearly change is +5.
        let Fitted::SeasonalNaive { sigma, .. } = fitted else {
            unreachable!()
        };
        assert!((sigma - 5.0).abs() < 1e-9);
    }

    #[test]
    fn holt_winters_recovers_a_purely_seasonal_series() {
        let history: Vec<f64> = (0..48).map(|t| 1000.0 + 10.0 * shape(t)).collect();
        for model in [Model::HoltWinters, Model::HoltWintersLog] {
            let fitted = Fitted::fit(model, &history).unwrap();
            let ahead = fitted.point(12);
            for (h, value) in ahead.iter().enumerate() {
                let expected = 1000.0 + 10.0 * shape(48 + h);
                assert!(
                    (value - expected).abs() < 1.0,
                    "{model:?} month {h}: {value} against {expected}"
                );
            }
        }
    }

    #[test]
    fn holt_winters_follows_a_level_shift() {
        // Two years at 1000, then a lasting step to 1300 for the last year.
        let history: Vec<f64> = (0..36)
            .map(|t| if t < 24 { 1000.0 } else { 1300.0 } + 10.0 * shape(t))
            .collect();
        let hw = Fitted::fit(Model::HoltWinters, &history).unwrap().point(6);
        for (h, value) in hw.iter().enumerate() {
            let expected = 1300.0 + 10.0 * shape(36 + h);
            assert!(
                (value - expected).abs() < 60.0,
                "month {h}: {value} against {expected}"
            );
        }
    }

    #[test]
    fn the_log_model_needs_positive_values_and_every_model_its_history() {
        let mut history = vec![100.0; 30];
        assert!(Fitted::fit(Model::HoltWintersLog, &history).is_some());
        history[3] = 0.0;
        assert!(Fitted::fit(Model::HoltWintersLog, &history).is_none());
        assert!(Fitted::fit(Model::HoltWinters, &history[..23]).is_none());
        assert!(Fitted::fit(Model::SeasonalNaive, &history[..11]).is_none());
        assert!(Fitted::fit(Model::Naive, &history[..1]).is_some());
    }

    #[test]
    fn simulated_paths_spread_around_the_point_forecast_and_more_so_further_out() {
        let history: Vec<f64> = (0..36)
            .map(|t| {
                1000.0 + 10.0 * shape(t) + 25.0 * ((t as f64 * 12.9898).sin() * 43_758.545).fract()
            })
            .collect();
        for model in Model::SEASONAL {
            let fitted = Fitted::fit(model, &history).unwrap();
            let point = fitted.point(24);
            let mut rng = ChaCha8Rng::seed_from_u64(7);
            let paths: Vec<Vec<f64>> = (0..2000).map(|_| fitted.simulate(24, &mut rng)).collect();
            let spread = |h: usize| {
                let mean = paths.iter().map(|p| p[h]).sum::<f64>() / paths.len() as f64;
                let sd = (paths.iter().map(|p| (p[h] - mean).powi(2)).sum::<f64>()
                    / paths.len() as f64)
                    .sqrt();
                (mean, sd)
            };
            let (mean1, sd1) = spread(0);
            // Seasonal naive keeps its spread through the first year (a sampling wobble aside)
            // and grows in the second; the trend models grow from the start.
            let (_, sd12) = spread(11);
            let (_, sd24) = spread(23);
            assert!((mean1 - point[0]).abs() < 0.2 * sd1 + 1.0, "{model:?}");
            assert!(
                sd1 > 0.0 && sd12 >= 0.95 * sd1 && sd24 > 1.2 * sd1,
                "{model:?}: {sd1} {sd12} {sd24}"
            );
        }
    }
}
