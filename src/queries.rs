//! Read paths behind the pages: storage query → domain → view model (and chart).

pub mod accuracy;
pub mod admin;
pub mod api_docs;
pub mod arrivals;
pub mod balance;
pub mod congestion;
pub mod forecast;
pub mod labour;
pub mod outlook;
pub mod outlook_view;
pub mod owner;
pub mod reliability;

use crate::chart;
use crate::domain::port_call::EN_ROUTE_HORIZON;
use crate::domain::VesselStatus;
use crate::error::AppError;
use crate::state::AppState;
use crate::storage::CallFilter;
use crate::view_model::{self, BandView, IndicatorView, MonthRow, MonthlyView, WeekRow};
use chrono::{DateTime, Duration, Utc};

/// The port a page or API call names (any case, spaces trimmed) with its time zone, or `404`.
pub async fn known_port(
    store: &dyn crate::storage::Storage,
    port: &str,
) -> Result<(crate::domain::Port, chrono_tz::Tz), AppError> {
    let locode = port.trim().to_uppercase();
    let port = store
        .port(&locode)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no port {locode} in this portsignal")))?;
    let tz = port.time_zone.parse().unwrap_or(chrono_tz::UTC);
    Ok((port, tz))
}

/// `now` as the pages print it: "2026-11-29 04:51 PST".
/// The weekly rollup cells of `port`'s calls that berthed from the start of the week `weeks`
/// weeks before `now` (in `tz`) up to `now`, summed as each of `groupings` says: whole weeks
/// from the rollups, the current week from its calls (it is not over, and a past `now` must
/// not see later berths), whose cells are added as they are (the domain sums them by key).
pub async fn berthed_cells(
    store: &dyn crate::storage::Storage,
    port: &str,
    tz: &chrono_tz::Tz,
    weeks: u32,
    now: DateTime<Utc>,
    groupings: &[crate::storage::CellGrouping],
) -> Result<Vec<Vec<crate::domain::rollup::WeekCell>>, AppError> {
    use crate::domain::indicator::week_start_utc;
    use crate::domain::IsoWeek;
    let local = |t: DateTime<Utc>| IsoWeek::at(t, tz);
    let first = week_start_utc(local(now - chrono::Duration::weeks(i64::from(weeks))), tz);
    let current = week_start_utc(local(now), tz);
    let this_week = store.port_calls_berthed(port, current, now).await?;
    let live = crate::domain::rollup::cells(&this_week, now, tz);
    let mut out = Vec::with_capacity(groupings.len());
    for by in groupings {
        let mut cells = store.call_week_sums(port, first, current, *by).await?;
        cells.extend(live.iter().cloned());
        out.push(cells);
    }
    Ok(out)
}

pub fn local_stamp(now: DateTime<Utc>, tz: &chrono_tz::Tz) -> String {
    now.with_timezone(tz)
        .format("%Y-%m-%d %H:%M %Z")
        .to_string()
}

/// The moment pages compute for: now, to the minute. The outlook's draws are seeded by their
/// moment, so a page and its downloads asked for in the same minute give the same figures.
pub fn page_now() -> DateTime<Utc> {
    use chrono::DurationRound;
    let now = Utc::now();
    now.duration_trunc(Duration::minutes(1)).unwrap_or(now)
}

/// How far back a call that has not departed still counts as being at the port.
pub const OPEN_CALL_LOOKBACK: Duration = Duration::days(30);

/// The public leading indicator: the import outlook of the current and coming ISO weeks with
/// its band, the monthly and full-year forecast, and the vessels at and near the port now.
pub async fn indicator(
    state: &AppState,
    port: Option<&str>,
    weeks: Option<u32>,
    now: DateTime<Utc>,
) -> Result<IndicatorView, AppError> {
    let store = state.store.as_ref();
    let (port, tz) = known_port(store, port.unwrap_or(&state.settings.default_port)).await?;
    let locode = port.locode.clone();
    let n = view_model::horizon(weeks);

    let weekly = state
        .live
        .outlook
        .weekly_at(store, &locode, now, n as usize)
        .await?;
    let rows: Vec<WeekRow> = weekly.weeks.iter().map(week_row).collect();

    // One read of the statistics for the forecast and the balance.
    let stats = store.monthly_stats(&locode).await?;
    let balance = balance::trailing(&crate::domain::balance::balance_months(&stats));
    let monthly = match state
        .forecasts
        .forecast_from(locode.clone(), stats, None, PAGE_MONTHS)
        .await
    {
        Ok(f) => Some(monthly_view(f.forecast)),
        Err(AppError::NotFound(_)) => None,
        Err(e) => return Err(e),
    };

    // Counted by the database, as `domain::indicator::vessel_counts` would count the calls.
    let count = |status: VesselStatus| {
        let filter = CallFilter {
            port: Some(locode.clone()),
            status: Some((status, now)),
            from: Some(now - OPEN_CALL_LOOKBACK),
            to: Some(now + EN_ROUTE_HORIZON),
            ..CallFilter::default()
        };
        async move { store.count_calls(&filter).await }
    };
    let en_route = count(VesselStatus::EnRoute).await?;
    let at_anchor = count(VesselStatus::AtAnchor).await?;
    let at_berth = count(VesselStatus::AtBerth).await?;
    let title = format!("Import TEU by ISO week, {}", port.name);
    Ok(IndicatorView {
        chart_svg: chart::weekly_imports_svg(&rows, &title),
        port: port.locode,
        port_name: port.name,
        as_of_local: local_stamp(now, &tz),
        time_zone: port.time_zone,
        weeks: rows,
        monthly,
        balance,
        en_route: en_route as u32,
        at_anchor: at_anchor as u32,
        at_berth: at_berth as u32,
    })
}

/// A week of the outlook as pages show it.
fn week_row(w: &outlook::OutlookWeek) -> WeekRow {
    WeekRow {
        iso_week: w.iso_week.clone(),
        start: w.start.clone(),
        import_teu: w.import_teu.p50,
        p10: w.import_teu.p10,
        p90: w.import_teu.p90,
        vessels: w.vessels.round() as u32,
        year_ago_teu: w.year_ago_teu,
        wow_pct: w.wow_pct,
        yoy_pct: w.yoy_pct,
    }
}

/// Months of forecast the public page shows.
const PAGE_MONTHS: usize = 6;

fn band(b: crate::domain::forecast::Band) -> BandView {
    BandView {
        p10: b.p10,
        p50: b.p50,
        p90: b.p90,
    }
}

fn monthly_view(f: crate::domain::forecast::MonthlyForecast) -> MonthlyView {
    MonthlyView {
        as_of: f.as_of.to_string(),
        method: f.method,
        months: f
            .months
            .into_iter()
            .map(|m| MonthRow {
                month: m.month.to_string(),
                total_teu: band(m.total_teu),
                loaded_imports: band(m.loaded_imports),
                loaded_exports: band(m.loaded_exports),
            })
            .collect(),
        year: f.year.year,
        year_actual_to_date: f.year.actual_to_date,
        year_total: band(f.year.total_teu),
    }
}
