//! The track record: forecasts as they were issued, set against what happened.
//!
//! A forecast is stored once per issue (the weekly import outlook each day, the monthly
//! forecast on each statistics update), one row per target period and series. Scoring pairs
//! each row with the actual of its target, once that is known, and sums up by horizon: how far
//! off the median was (MAPE), which way it leaned (bias), and how often the P10–P90 band held
//! the actual (about 80 % when the bands are honest).

use super::forecast::Band;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// What was forecast.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ForecastKind {
    /// Import TEU of an ISO week (`target` `YYYY-Www`), issued daily.
    WeeklyImport,
    /// A published monthly series (`target` `YYYY-MM`), issued on each statistics update.
    Monthly,
    /// A calendar year's total TEU (`target` `YYYY`), issued with the monthly forecast.
    Yearly,
}

impl ForecastKind {
    pub const ALL: [ForecastKind; 3] = [Self::WeeklyImport, Self::Monthly, Self::Yearly];

    pub fn code(self) -> &'static str {
        match self {
            Self::WeeklyImport => "weekly_import",
            Self::Monthly => "monthly",
            Self::Yearly => "yearly",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// One figure of one issued forecast.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IssuedForecast {
    pub port: String,
    pub kind: ForecastKind,
    /// `import_teu` for weekly forecasts; `total_teu`, `loaded_imports`, … for monthly ones.
    pub series: String,
    /// The issue this figure belongs to: the port's local date (weekly) or the last month of
    /// statistics used (monthly, yearly). One issue per kind and key: the first one stands.
    pub issue: String,
    /// The period forecast: `YYYY-Www`, `YYYY-MM` or `YYYY`.
    pub target: String,
    /// Periods ahead of the issue: 0 is the week holding `as_of` (weekly), 1 the month after
    /// the last published one (monthly), the months left to forecast (yearly).
    pub horizon: i32,
    /// Only what was known at this moment was used.
    pub as_of: DateTime<Utc>,
    pub method: String,
    pub band: Band,
    /// Reproduced after the fact from the data as known at `as_of` (the demo's history, a
    /// back-fill), rather than issued live.
    pub reproduced: bool,
    /// When it was stored.
    pub issued_at: DateTime<Utc>,
}

/// A forecast beside its actual.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scored {
    pub target: String,
    pub issue: String,
    pub horizon: i32,
    pub band: Band,
    pub actual: f64,
}

impl Scored {
    /// Signed error of the median against the actual, in percent (positive: said too much).
    pub fn error_pct(&self) -> f64 {
        (self.band.p50 - self.actual) / self.actual * 100.0
    }

    pub fn in_band(&self) -> bool {
        self.band.p10 <= self.actual && self.actual <= self.band.p90
    }
}

/// Pairs each forecast of `series` with its target's actual, where that is known and positive
/// (a percentage error of nothing is undefined).
pub fn score(
    forecasts: &[IssuedForecast],
    series: &str,
    actuals: &HashMap<String, f64>,
) -> Vec<Scored> {
    forecasts
        .iter()
        .filter(|f| f.series == series)
        .filter_map(|f| {
            let actual = *actuals.get(&f.target)?;
            (actual > 0.0).then(|| Scored {
                target: f.target.clone(),
                issue: f.issue.clone(),
                horizon: f.horizon,
                band: f.band,
                actual,
            })
        })
        .collect()
}

/// How one horizon did.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HorizonAccuracy {
    pub horizon: i32,
    /// Forecasts scored.
    pub forecasts: usize,
    /// Mean absolute percentage error of the median.
    pub mape_pct: f64,
    /// Mean signed percentage error of the median (positive: forecasts ran high).
    pub bias_pct: f64,
    /// Share of actuals inside P10–P90, in percent.
    pub coverage_pct: f64,
}

fn one_decimal(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Error, bias and band coverage for each horizon, in horizon order.
pub fn by_horizon(scored: &[Scored]) -> Vec<HorizonAccuracy> {
    let mut groups: BTreeMap<i32, Vec<&Scored>> = BTreeMap::new();
    for s in scored {
        groups.entry(s.horizon).or_default().push(s);
    }
    groups
        .into_iter()
        .map(|(horizon, group)| {
            let n = group.len() as f64;
            let errors: Vec<f64> = group.iter().map(|s| s.error_pct()).collect();
            HorizonAccuracy {
                horizon,
                forecasts: group.len(),
                mape_pct: one_decimal(errors.iter().map(|e| e.abs()).sum::<f64>() / n),
                bias_pct: one_decimal(errors.iter().sum::<f64>() / n),
                coverage_pct: one_decimal(
                    group.iter().filter(|s| s.in_band()).count() as f64 / n * 100.0,
                ),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn issued(target: &str, horizon: i32, p10: f64, p50: f64, p90: f64) -> IssuedForecast {
        let t = Utc.with_ymd_and_hms(2026, 1, 5, 14, 0, 0).unwrap();
        IssuedForecast {
            port: "USLAX".into(),
            kind: ForecastKind::WeeklyImport,
            series: "import_teu".into(),
            issue: "2026-01-05".into(),
            target: target.into(),
            horizon,
            as_of: t,
            method: "schedules".into(),
            band: Band { p10, p50, p90 },
            reproduced: false,
            issued_at: t,
        }
    }

    #[test]
    fn scores_only_targets_with_a_positive_actual_and_the_right_series() {
        let mut other = issued("2026-W02", 1, 0.0, 1.0, 2.0);
        other.series = "rail_teu".into();
        let forecasts = [
            issued("2026-W02", 1, 90.0, 100.0, 110.0),
            issued("2026-W03", 2, 90.0, 100.0, 110.0),
            issued("2026-W04", 3, 90.0, 100.0, 110.0),
            other,
        ];
        let actuals = HashMap::from([
            ("2026-W02".to_string(), 80.0),
            ("2026-W04".to_string(), 0.0),
        ]);
        let scored = score(&forecasts, "import_teu", &actuals);
        assert_eq!(scored.len(), 1);
        assert_eq!(scored[0].target, "2026-W02");
        assert_eq!(scored[0].actual, 80.0);
        assert_eq!(scored[0].error_pct(), 25.0);
        assert!(!scored[0].in_band());
    }

    #[test]
    fn sums_up_error_bias_and_coverage_by_horizon() {
        let forecasts = [
            // Horizon 1: +10 % (in band), -10 % (in band): MAPE 10, bias 0, coverage 100.
            issued("2026-W02", 1, 90.0, 110.0, 120.0),
            issued("2026-W03", 1, 80.0, 90.0, 100.0),
            // Horizon 2: +25 % (out), +50 % (out), 0 % (in), +5 % (in): MAPE 20, bias 20, 50 %.
            issued("2026-W02", 2, 110.0, 125.0, 140.0),
            issued("2026-W03", 2, 120.0, 150.0, 160.0),
            issued("2026-W04", 2, 95.0, 100.0, 105.0),
            issued("2026-W05", 2, 100.0, 105.0, 110.0),
        ];
        let actuals: HashMap<String, f64> = ["2026-W02", "2026-W03", "2026-W04", "2026-W05"]
            .into_iter()
            .map(|w| (w.to_string(), 100.0))
            .collect();
        let table = by_horizon(&score(&forecasts, "import_teu", &actuals));
        assert_eq!(
            table,
            vec![
                HorizonAccuracy {
                    horizon: 1,
                    forecasts: 2,
                    mape_pct: 10.0,
                    bias_pct: 0.0,
                    coverage_pct: 100.0
                },
                HorizonAccuracy {
                    horizon: 2,
                    forecasts: 4,
                    mape_pct: 20.0,
                    bias_pct: 20.0,
                    coverage_pct: 50.0
                },
            ]
        );
    }

    #[test]
    fn the_band_edges_count_as_held() {
        let s = Scored {
            target: "2026-03".into(),
            issue: "2026-01".into(),
            horizon: 2,
            band: Band {
                p10: 90.0,
                p50: 100.0,
                p90: 110.0,
            },
            actual: 110.0,
        };
        assert!(s.in_band());
        assert!(Scored {
            actual: 90.0,
            ..s.clone()
        }
        .in_band());
        assert!(!Scored { actual: 110.5, ..s }.in_band());
    }

    #[test]
    fn kinds_round_trip_through_their_codes() {
        for k in ForecastKind::ALL {
            assert_eq!(ForecastKind::from_code(k.code()), Some(k));
        }
        assert_eq!(ForecastKind::from_code("daily"), None);
    }
}
