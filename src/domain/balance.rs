//! The import/export balance from a port's monthly statistics: loaded imports against loaded
//! exports month by month, the year-on-year change of exports and the run it is in ("exports
//! down 21 of the last 22 months"), and calendar-year totals. Pure functions over plain data.

use super::MonthlyStats;
use serde::{Deserialize, Serialize};

/// One month of the balance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BalanceMonth {
    /// `YYYY-MM`.
    pub month: String,
    pub loaded_imports: f64,
    pub loaded_exports: f64,
    pub empties: f64,
    /// Loaded imports per loaded export; `None` without exports.
    pub ratio: Option<f64>,
    /// Loaded exports against the same month a year earlier, in percent (one decimal).
    pub exports_yoy_pct: Option<f64>,
}

/// The month twelve before `month` (`YYYY-MM`), or `None` when it is not a month.
fn year_before(month: &str) -> Option<String> {
    let (y, m) = month.split_once('-')?;
    Some(format!("{:04}-{m}", y.parse::<i32>().ok()? - 1))
}

fn one_decimal(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The balance of each month with statistics, in month order (a month given twice counts once,
/// the last given).
pub fn balance_months(stats: &[MonthlyStats]) -> Vec<BalanceMonth> {
    let mut by_month: std::collections::BTreeMap<&str, &MonthlyStats> = Default::default();
    for s in stats {
        by_month.insert(&s.month, s);
    }
    by_month
        .values()
        .map(|s| {
            let exports_yoy_pct = year_before(&s.month)
                .and_then(|m| by_month.get(m.as_str()))
                .filter(|before| before.loaded_exports > 0.0)
                .map(|before| {
                    one_decimal((s.loaded_exports / before.loaded_exports - 1.0) * 100.0)
                });
            BalanceMonth {
                month: s.month.clone(),
                loaded_imports: s.loaded_imports,
                loaded_exports: s.loaded_exports,
                empties: s.empties,
                ratio: (s.loaded_exports > 0.0).then(|| s.loaded_imports / s.loaded_exports),
                exports_yoy_pct,
            }
        })
        .collect()
}

/// Which way exports have been going, year on year, over the latest run of months.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportRun {
    /// True when exports fell (the latest month's direction).
    pub down: bool,
    /// Months in the run going that way …
    pub months: usize,
    /// … out of this many, the run's length (it tolerates one month the other way).
    pub of: usize,
}

impl ExportRun {
    /// "exports down 21 of the last 22 months", "exports up for 5 months in a row".
    pub fn sentence(&self) -> String {
        let way = if self.down { "down" } else { "up" };
        match (self.months, self.of) {
            (1, 1) => format!("exports {way} on a year earlier in the latest month"),
            (m, of) if m == of => {
                format!("exports {way} on a year earlier for {m} months in a row")
            }
            (m, of) => format!("exports {way} on a year earlier in {m} of the last {of} months"),
        }
    }
}

/// The run the latest month with a year-on-year change is in: going back from it, the longest
/// stretch with at most one month the other way, starting with a month the same way as the
/// latest. No change is neither way, and ends the run.
pub fn export_run(months: &[BalanceMonth]) -> Option<ExportRun> {
    let changes: Vec<f64> = months
        .iter()
        .rev()
        .map_while(|m| m.exports_yoy_pct)
        .collect();
    let latest = *changes.first()?;
    if latest == 0.0 {
        return None;
    }
    let down = latest < 0.0;
    let same = |c: f64| if down { c < 0.0 } else { c > 0.0 };
    let (mut of, mut contrary) = (0, 0);
    for (i, &c) in changes.iter().enumerate() {
        if !same(c) {
            contrary += 1;
            if contrary > 1 || c == 0.0 {
                break;
            }
            continue;
        }
        of = i + 1;
    }
    let months = changes[..of].iter().filter(|c| same(**c)).count();
    Some(ExportRun { down, months, of })
}

/// A calendar year's totals.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct YearTotals {
    pub year: i32,
    /// Months with statistics (12 for a whole year).
    pub months: usize,
    pub loaded_imports: f64,
    pub loaded_exports: f64,
    pub empties: f64,
    pub ratio: Option<f64>,
}

/// Totals by calendar year, in year order.
pub fn yearly_totals(months: &[BalanceMonth]) -> Vec<YearTotals> {
    let mut years: Vec<YearTotals> = Vec::new();
    for m in months {
        let Some(year) = m.month.get(..4).and_then(|y| y.parse().ok()) else {
            continue;
        };
        if years.last().is_none_or(|y| y.year != year) {
            years.push(YearTotals {
                year,
                months: 0,
                loaded_imports: 0.0,
                loaded_exports: 0.0,
                empties: 0.0,
                ratio: None,
            });
        }
        let y = years.last_mut().expect("pushed above");
        y.months += 1;
        y.loaded_imports += m.loaded_imports;
        y.loaded_exports += m.loaded_exports;
        y.empties += m.empties;
    }
    for y in &mut years {
        y.ratio = (y.loaded_exports > 0.0).then(|| y.loaded_imports / y.loaded_exports);
    }
    years
}

/// Loaded imports per loaded export over the last (up to) twelve months, with the first and last
/// month counted: the one number the public page gives.
pub fn trailing_ratio(months: &[BalanceMonth]) -> Option<(f64, String, String)> {
    let last = &months[months.len().saturating_sub(12)..];
    let imports: f64 = last.iter().map(|m| m.loaded_imports).sum();
    let exports: f64 = last.iter().map(|m| m.loaded_exports).sum();
    let (first, latest) = (last.first()?, last.last()?);
    (exports > 0.0).then(|| (imports / exports, first.month.clone(), latest.month.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(month: &str, imports: f64, exports: f64) -> MonthlyStats {
        MonthlyStats {
            port: "USLAX".into(),
            month: month.into(),
            loaded_imports: imports,
            loaded_exports: exports,
            empty_imports: None,
            empty_exports: None,
            empties: 100.0,
            total_teu: imports + exports + 100.0,
        }
    }

    /// Monthly balances whose export changes on a year earlier are `changes` (percent), the
    /// first of them in January 2025.
    fn with_changes(changes: &[f64]) -> Vec<BalanceMonth> {
        let mut s: Vec<MonthlyStats> = (1..=12)
            .map(|m| stats(&format!("2024-{m:02}"), 400.0, 100.0))
            .collect();
        for (i, c) in changes.iter().enumerate() {
            let month = format!("{}-{:02}", 2025 + i / 12, i % 12 + 1);
            // Against a base of 100 in 2024; later years compare with the year before, so
            // keep every year at the base plus its change from the base month's year.
            let before = s[s.len() - 12].loaded_exports;
            s.push(stats(&month, 400.0, before * (1.0 + c / 100.0)));
        }
        balance_months(&s)
    }

    #[test]
    fn ratio_and_year_on_year_exports_by_month() {
        let b = balance_months(&[
            stats("2025-10", 420.0, 120.0),
            stats("2024-10", 400.0, 100.0),
            stats("2025-09", 380.0, 0.0),
        ]);
        let months: Vec<&str> = b.iter().map(|m| m.month.as_str()).collect();
        assert_eq!(months, ["2024-10", "2025-09", "2025-10"]);
        assert_eq!(b[2].ratio, Some(3.5));
        assert_eq!(b[2].exports_yoy_pct, Some(20.0));
        assert_eq!(b[0].exports_yoy_pct, None);
        // No exports: no ratio.
        assert_eq!(b[1].ratio, None);
    }

    #[test]
    fn says_down_21_of_the_last_22_months() {
        // Up for a while, then 22 months down but for one month up in the middle.
        let mut changes = vec![3.0, 4.0];
        changes.extend([-5.0; 10]);
        changes.push(2.0);
        changes.extend([-4.0; 11]);
        let run = export_run(&with_changes(&changes)).unwrap();
        assert_eq!(
            run,
            ExportRun {
                down: true,
                months: 21,
                of: 22
            }
        );
        assert_eq!(
            run.sentence(),
            "exports down on a year earlier in 21 of the last 22 months"
        );
    }

    #[test]
    fn a_clean_run_is_in_a_row_and_a_second_contrary_month_ends_it() {
        let run = export_run(&with_changes(&[-1.0, -2.0, 5.0, 6.0, 7.0])).unwrap();
        assert_eq!(
            run,
            ExportRun {
                down: false,
                months: 3,
                of: 3
            }
        );
        assert_eq!(
            run.sentence(),
            "exports up on a year earlier for 3 months in a row"
        );
        // A contrary month at the start of the window does not count: the run starts with
        // a month going the latest way.
        let run = export_run(&with_changes(&[1.0, -2.0, -3.0])).unwrap();
        assert_eq!(
            run,
            ExportRun {
                down: true,
                months: 2,
                of: 2
            }
        );
        let run = export_run(&with_changes(&[-4.0])).unwrap();
        assert_eq!(
            run.sentence(),
            "exports down on a year earlier in the latest month"
        );
        // Without a year earlier there is nothing to say.
        assert_eq!(export_run(&with_changes(&[])), None);
    }

    #[test]
    fn years_total_their_months_and_say_how_many() {
        let b = balance_months(&[
            stats("2024-11", 400.0, 100.0),
            stats("2024-12", 500.0, 100.0),
            stats("2025-01", 300.0, 100.0),
        ]);
        let years = yearly_totals(&b);
        assert_eq!(years.len(), 2);
        assert_eq!((years[0].year, years[0].months), (2024, 2));
        assert_eq!(years[0].loaded_imports, 900.0);
        assert_eq!(years[0].ratio, Some(4.5));
        assert_eq!(
            (years[1].year, years[1].months, years[1].empties),
            (2025, 1, 100.0)
        );
    }

    #[test]
    fn the_trailing_ratio_sums_the_last_twelve_months() {
        let mut s: Vec<MonthlyStats> = (1..=12)
            .map(|m| stats(&format!("2025-{m:02}"), 300.0, 100.0))
            .collect();
        s.insert(0, stats("2024-12", 9000.0, 1.0));
        let (ratio, from, to) = trailing_ratio(&balance_months(&s)).unwrap();
        assert_eq!(
            (ratio, from.as_str(), to.as_str()),
            (3.0, "2025-01", "2025-12")
        );
        assert_eq!(trailing_ratio(&[]), None);
    }
}
