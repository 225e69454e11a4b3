//! Issuing forecasts into the record, and scoring the record against what happened.
//!
//! - The weekly import outlook is issued once a day per port (the server checks every hour;
//!   the first issue of a local date stands).
//! - The monthly forecast (and its full year) is issued whenever statistics are imported.
//! - A back-fill reproduces the forecasts of past days and months from the data as known
//!   then (every computation takes `as_of`), marked as reproduced by their `issued_at`.

use super::{forecast, outlook};
use crate::domain::accuracy::{by_horizon, score, ForecastKind, HorizonAccuracy, IssuedForecast};
use crate::domain::forecast::{Band, Month, SERIES};
use crate::domain::indicator::{volumes_by_week, week_start_utc};
use crate::domain::IsoWeek;
use crate::error::AppError;
use crate::storage::Storage;
use crate::view_model;
use chrono::{DateTime, Duration, NaiveTime, TimeZone, Timelike, Utc};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// The weekly outlook forecasts this measure.
pub const WEEKLY_SERIES: &str = "import_teu";
const WEEKLY_METHOD: &str = "scheduled calls placed in weeks by their carrier's ETA misses";
/// Months ahead each monthly issue records.
pub const MONTHLY_HORIZON: usize = 12;
/// Days of weekly issues the demo and `forecast backfill` reproduce by default: half a year.
pub const DEFAULT_BACKFILL_DAYS: u32 = 182;
/// Months of statistics a back-filled monthly forecast needs at least.
const BACKFILL_MIN_MONTHS: i64 = 13;
/// The hour of the local day the weekly outlook is issued (live) or reproduced (back-fill) at.
const ISSUE_HOUR: u32 = 6;
/// A week is scored this long after it ended, once late reports of its arrivals are in.
const SCORE_AFTER: Duration = Duration::days(3);
/// Scored weekly forecasts one week ahead the accuracy chart shows.
const RECENT_WEEKS: usize = 26;

/// When a forecast goes into the record, and whether it is issued live or reproduced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Issuing {
    pub at: DateTime<Utc>,
    pub reproduced: bool,
}

impl Issuing {
    pub fn live(at: DateTime<Utc>) -> Self {
        Issuing {
            at,
            reproduced: false,
        }
    }

    pub fn reproduced(at: DateTime<Utc>) -> Self {
        Issuing {
            at,
            reproduced: true,
        }
    }
}

async fn time_zone(store: &dyn Storage, locode: &str) -> Result<chrono_tz::Tz, AppError> {
    Ok(super::known_port(store, locode).await?.1)
}

/// Issues the weekly import outlook of `port` as known now (all eight weeks). Returns how many
/// figures were new (none when this local date was issued already).
pub async fn issue_weekly(
    store: &dyn Storage,
    port: &str,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    let as_of = now;
    let tz = time_zone(store, port).await?;
    let outlook = outlook::weekly_at(store, port, as_of, outlook::MAX_WEEKS).await?;
    if is_blank(&outlook) {
        return Ok(0);
    }
    Ok(store
        .record_forecasts(&weekly_rows(&outlook, &tz, Issuing::live(now)))
        .await?)
}

/// An outlook with nothing coming in any week: the port has no schedules (yet, or its feed has
/// stopped). Recording it would score zeros against the first real weeks, so it is not issued.
fn is_blank(outlook: &outlook::WeeklyOutlook) -> bool {
    outlook.weeks.iter().all(|w| w.import_teu.p90 == 0.0)
}

/// The figures of one weekly outlook, as the record keeps them.
fn weekly_rows(
    outlook: &outlook::WeeklyOutlook,
    tz: &chrono_tz::Tz,
    issuing: Issuing,
) -> Vec<IssuedForecast> {
    let issue = outlook.as_of.with_timezone(tz).date_naive().to_string();
    outlook
        .weeks
        .iter()
        .enumerate()
        .map(|(i, w)| IssuedForecast {
            port: outlook.port.clone(),
            kind: ForecastKind::WeeklyImport,
            series: WEEKLY_SERIES.into(),
            issue: issue.clone(),
            target: w.iso_week.clone(),
            horizon: i as i32,
            as_of: outlook.as_of,
            method: WEEKLY_METHOD.into(),
            band: w.import_teu,
            reproduced: issuing.reproduced,
            issued_at: issuing.at,
        })
        .collect()
}

/// Issues the monthly forecast of `port` after `as_of` (default: its latest statistics), twelve
/// months of each series and the full year. A port without statistics has nothing to issue (0).
pub async fn issue_monthly(
    store: &dyn Storage,
    port: &str,
    as_of: Option<Month>,
    issuing: Issuing,
) -> Result<u64, AppError> {
    let now = issuing.at;
    let as_of_text = as_of.map(|m| m.to_string());
    let f =
        match forecast::monthly_forecast(store, port, as_of_text.as_deref(), Some(MONTHLY_HORIZON))
            .await
        {
            Ok(f) => f,
            Err(AppError::NotFound(_)) if store.port(port).await?.is_some() => return Ok(0),
            Err(e) => return Err(e),
        };
    let issue = f.forecast.as_of;
    // Statistics for a month are known once it has ended (and are published later still).
    let known_at = Utc
        .with_ymd_and_hms(issue.offset(1).year, issue.offset(1).month, 1, 0, 0, 0)
        .single()
        .unwrap_or(now)
        .min(now);
    let model = |series: &str| {
        f.forecast
            .methods
            .iter()
            .find(|m| m.series == series)
            .map_or("", |m| m.model)
            .to_string()
    };
    let row = |kind, series: &str, target: String, horizon: i64, band: Band| IssuedForecast {
        port: f.port.clone(),
        kind,
        series: series.into(),
        issue: issue.to_string(),
        target,
        horizon: horizon as i32,
        as_of: known_at,
        method: model(series),
        band,
        reproduced: issuing.reproduced,
        issued_at: now,
    };
    let mut rows = Vec::with_capacity(MONTHLY_HORIZON * SERIES.len() + 1);
    for m in &f.forecast.months {
        let h = m.month.since(issue);
        for (series, band) in [
            ("total_teu", m.total_teu),
            ("loaded_imports", m.loaded_imports),
            ("loaded_exports", m.loaded_exports),
            ("empties", m.empties),
        ] {
            rows.push(row(
                ForecastKind::Monthly,
                series,
                m.month.to_string(),
                h,
                band,
            ));
        }
    }
    let year = &f.forecast.year;
    let months_left = Month {
        year: year.year,
        month: 12,
    }
    .since(issue);
    rows.push(row(
        ForecastKind::Yearly,
        "total_teu",
        year.year.to_string(),
        months_left,
        year.total_teu,
    ));
    Ok(store.record_forecasts(&rows).await?)
}

/// Issues what is due for every port at `now`: today's weekly outlook (from 06:00 local, the
/// hour back-filled outlooks are taken at, so live and reproduced issues compare), and the
/// monthly forecast when statistics newer than its last issue have arrived. Failures are
/// logged per port, so one port cannot stop the others.
pub async fn issue_due(store: &dyn Storage, now: DateTime<Utc>) -> Result<u64, AppError> {
    let mut new = 0;
    for port in store.ports().await? {
        match issue_due_for(store, &port, now).await {
            Ok(n) => new += n,
            Err(e) => tracing::warn!(port = %port.locode, error = %e, "forecasts not issued"),
        }
    }
    Ok(new)
}

async fn issue_due_for(
    store: &dyn Storage,
    port: &crate::domain::Port,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    let mut new = 0;
    let tz: chrono_tz::Tz = port.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let local = now.with_timezone(&tz);
    let today = local.date_naive().to_string();
    let weekly = ForecastKind::WeeklyImport;
    if local.hour() >= ISSUE_HOUR && !store.has_issue(&port.locode, weekly, &today).await? {
        new += issue_weekly(store, &port.locode, now).await?;
    }
    let latest_stats = store
        .monthly_stats(&port.locode)
        .await?
        .last()
        .map(|s| s.month.clone());
    if let Some(month) = latest_stats {
        if !store
            .has_issue(&port.locode, ForecastKind::Monthly, &month)
            .await?
        {
            new += issue_monthly(store, &port.locode, None, Issuing::live(now)).await?;
        }
    }
    Ok(new)
}

/// What a back-fill issued.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Backfill {
    pub weekly_issues: usize,
    pub monthly_issues: usize,
    pub figures: u64,
}

/// Reproduces the forecasts `port` would have issued: the weekly outlook at 06:00 local on
/// each of the `days` days before `now`, and the monthly forecast after each month of
/// statistics from the thirteenth on. Issues stored already are kept as they are.
pub async fn backfill(
    store: &dyn Storage,
    port: &str,
    days: u32,
    now: DateTime<Utc>,
) -> Result<Backfill, AppError> {
    let locode = port.trim().to_uppercase();
    let tz = time_zone(store, &locode).await?;
    let today = now.with_timezone(&tz).date_naive();
    let at = NaiveTime::from_hms_opt(ISSUE_HOUR, 0, 0).unwrap_or_default();
    let moments: Vec<DateTime<Utc>> = (1..=i64::from(days))
        .rev()
        .filter_map(|back| {
            let local = (today - Duration::days(back)).and_time(at);
            Some(
                tz.from_local_datetime(&local)
                    .earliest()?
                    .with_timezone(&Utc),
            )
        })
        .collect();
    let mut done = Backfill {
        weekly_issues: moments.len(),
        ..Backfill::default()
    };
    if let (Some(&from), Some(&to)) = (moments.first(), moments.last()) {
        let data = outlook::OutlookData::load(store, &locode, from, to, outlook::MAX_WEEKS).await?;
        // CPU work: a thousand draws per call per day.
        let rows = tokio::task::spawn_blocking(move || {
            moments
                .iter()
                .map(|&as_of| data.at(as_of, outlook::MAX_WEEKS))
                .filter(|outlook| !is_blank(outlook))
                .flat_map(|outlook| weekly_rows(&outlook, &tz, Issuing::reproduced(now)))
                .collect::<Vec<_>>()
        })
        .await
        .expect("the outlook does not panic");
        done.figures += store.record_forecasts(&rows).await?;
    }
    let months: Vec<Month> = store
        .monthly_stats(&locode)
        .await?
        .iter()
        .filter_map(|s| Month::parse(&s.month))
        .collect();
    if let (Some(&first), Some(&last)) = (months.first(), months.last()) {
        let mut m = first.offset(BACKFILL_MIN_MONTHS - 1);
        while m <= last {
            done.figures +=
                issue_monthly(store, &locode, Some(m), Issuing::reproduced(now)).await?;
            done.monthly_issues += 1;
            m = m.offset(1);
        }
    }
    Ok(done)
}

/// One forecast beside what happened, for charts.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ScoredPoint {
    pub target: String,
    pub issue: String,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub actual: f64,
}

/// The track record of one series.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SeriesAccuracy {
    pub series: String,
    /// Issues on record, and how many of them were reproduced after the fact.
    pub issues: usize,
    pub reproduced_issues: usize,
    pub first_issue: Option<String>,
    pub latest_issue: Option<String>,
    /// Forecasts whose actual is known, by horizon.
    pub horizons: Vec<HorizonAccuracy>,
}

/// `GET /api/v1/ports/{locode}/accuracy` answers this.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PortAccuracy {
    pub port: String,
    pub as_of: DateTime<Utc>,
    /// Import TEU by ISO week; horizon 0 is the week the outlook was issued in.
    pub weekly: SeriesAccuracy,
    /// The last forecasts made one week ahead, beside their actuals.
    pub weekly_recent: Vec<ScoredPoint>,
    /// Each published series; horizon 1 is the month after the latest statistics.
    pub monthly: Vec<SeriesAccuracy>,
    /// Calendar-year total TEU; horizon is the months that were left to forecast.
    pub yearly: SeriesAccuracy,
}

fn series_accuracy(
    forecasts: &[IssuedForecast],
    series: &str,
    actuals: &HashMap<String, f64>,
) -> SeriesAccuracy {
    let of_series: Vec<&IssuedForecast> = forecasts.iter().filter(|f| f.series == series).collect();
    let issues: BTreeSet<&str> = of_series.iter().map(|f| f.issue.as_str()).collect();
    let reproduced: BTreeSet<&str> = of_series
        .iter()
        .filter(|f| f.reproduced)
        .map(|f| f.issue.as_str())
        .collect();
    SeriesAccuracy {
        series: series.into(),
        issues: issues.len(),
        reproduced_issues: reproduced.len(),
        first_issue: issues.first().map(|s| s.to_string()),
        latest_issue: issues.last().map(|s| s.to_string()),
        horizons: by_horizon(&score(forecasts, series, actuals)),
    }
}

/// How the forecasts `port` issued compare with what happened, as known at `now`: a week
/// counts three days after it ended, a month once its statistics are in, a year once all
/// twelve months are.
pub async fn accuracy(
    store: &dyn Storage,
    port: &str,
    now: DateTime<Utc>,
) -> Result<PortAccuracy, AppError> {
    let locode = port.trim().to_uppercase();
    let tz = time_zone(store, &locode).await?;

    let weekly = store
        .issued_forecasts(&locode, ForecastKind::WeeklyImport)
        .await?;
    let mut week_actuals = HashMap::new();
    if let Some(from) = weekly.iter().map(|f| f.as_of).min() {
        // The first week not yet scored: the one holding `now - SCORE_AFTER`.
        let this_week = IsoWeek::at(now - SCORE_AFTER, &tz);
        let from = week_start_utc(IsoWeek::at(from, &tz), &tz);
        let to = week_start_utc(this_week, &tz);
        let arrived: Vec<_> = store
            .port_calls_arriving(&locode, from, to)
            .await?
            .into_iter()
            .filter(|c| c.times.actual_berth_arrival.is_some())
            .collect();
        week_actuals = volumes_by_week(&arrived, &tz)
            .into_iter()
            .filter(|(w, _)| *w < this_week)
            .map(|(w, v)| (w.to_string(), v.import_teu.round()))
            .collect();
    }

    let stats = store.monthly_stats(&locode).await?;
    let monthly = store
        .issued_forecasts(&locode, ForecastKind::Monthly)
        .await?;
    let monthly: Vec<SeriesAccuracy> = SERIES
        .iter()
        .map(|(series, value)| {
            let actuals: HashMap<String, f64> =
                stats.iter().map(|s| (s.month.clone(), value(s))).collect();
            series_accuracy(&monthly, series, &actuals)
        })
        .collect();
    let mut years: HashMap<String, (usize, f64)> = HashMap::new();
    for s in &stats {
        let y = years.entry(s.month[..4].to_string()).or_default();
        y.0 += 1;
        y.1 += s.total_teu;
    }
    let year_actuals: HashMap<String, f64> = years
        .into_iter()
        .filter(|(_, (months, _))| *months == 12)
        .map(|(y, (_, total))| (y, total))
        .collect();
    let yearly = store
        .issued_forecasts(&locode, ForecastKind::Yearly)
        .await?;

    let mut recent: Vec<ScoredPoint> = score(&weekly, WEEKLY_SERIES, &week_actuals)
        .into_iter()
        .filter(|s| s.horizon == 1)
        .map(|s| ScoredPoint {
            target: s.target,
            issue: s.issue,
            p10: s.band.p10,
            p50: s.band.p50,
            p90: s.band.p90,
            actual: s.actual,
        })
        .collect();
    // Each day of a week forecasts the next one: keep the earliest, a full week ahead.
    recent.sort_by(|a, b| (&a.target, &a.issue).cmp(&(&b.target, &b.issue)));
    recent.dedup_by(|later, first| later.target == first.target);
    let recent = recent.split_off(recent.len().saturating_sub(RECENT_WEEKS));

    Ok(PortAccuracy {
        port: locode,
        as_of: now,
        weekly: series_accuracy(&weekly, WEEKLY_SERIES, &week_actuals),
        weekly_recent: recent,
        monthly,
        yearly: series_accuracy(&yearly, "total_teu", &year_actuals),
    })
}

/// What people call a series.
fn series_label(series: &str) -> &'static str {
    match series {
        WEEKLY_SERIES => "Import TEU by ISO week",
        "total_teu" => "Total TEU",
        "loaded_imports" => "Loaded imports",
        "loaded_exports" => "Loaded exports",
        "empties" => "Empties",
        _ => "",
    }
}

fn series_view(s: SeriesAccuracy, label: fn(i32) -> String) -> view_model::SeriesAccuracyView {
    view_model::SeriesAccuracyView {
        label: series_label(&s.series).to_string(),
        series: s.series,
        issues: s.issues,
        reproduced_issues: s.reproduced_issues,
        first_issue: s.first_issue,
        latest_issue: s.latest_issue,
        horizons: s
            .horizons
            .into_iter()
            .map(|h| view_model::HorizonRow {
                label: label(h.horizon),
                horizon: h.horizon,
                forecasts: h.forecasts,
                mape_pct: h.mape_pct,
                bias_pct: h.bias_pct,
                coverage_pct: h.coverage_pct,
            })
            .collect(),
    }
}

/// The accuracy page's figures: the API's [`accuracy`], labelled, with its chart.
pub async fn accuracy_view(
    store: &dyn Storage,
    port: &str,
    now: DateTime<Utc>,
) -> Result<view_model::AccuracyView, AppError> {
    let a = accuracy(store, port, now).await?;
    let (port, tz) = super::known_port(store, &a.port).await?;
    let title = format!(
        "Import TEU a week ahead: forecast and actual, {}",
        port.name
    );
    Ok(view_model::AccuracyView {
        chart_svg: crate::chart::forecast_vs_actual_svg(&a.weekly_recent, &title),
        chart_points: a.weekly_recent.len(),
        port: a.port,
        port_name: port.name,
        as_of_local: super::local_stamp(now, &tz),
        weekly: series_view(a.weekly, |h| {
            view_model::horizon_label(h, "week", "in the same week")
        }),
        monthly: a
            .monthly
            .into_iter()
            .map(|s| series_view(s, |h| view_model::horizon_label(h, "month", "-")))
            .collect(),
        yearly: series_view(a.yearly, |h| match h {
            1 => "1 month left to forecast".into(),
            h => format!("{h} months left to forecast"),
        }),
    })
}
