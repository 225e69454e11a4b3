//! Read paths behind the pages: storage query → domain → view model (and chart).

pub mod forecast;
pub mod outlook;

use crate::chart;
use crate::domain::indicator::{vessel_counts, volumes_by_week, week_start_utc};
use crate::domain::port_call::EN_ROUTE_HORIZON;
use crate::domain::{weekly_import_outlook, IsoWeek};
use crate::error::AppError;
use crate::state::AppState;
use crate::view_model::{self, IndicatorView, WeekRow};
use chrono::{DateTime, Duration, Utc};

/// How far back a call that has not departed still counts as being at the port.
const OPEN_CALL_LOOKBACK: Duration = Duration::days(30);

/// The public leading indicator: import TEU of the current and coming ISO weeks.
pub async fn indicator(
    state: &AppState,
    port: Option<&str>,
    weeks: Option<u32>,
    now: DateTime<Utc>,
) -> Result<IndicatorView, AppError> {
    let locode = port
        .unwrap_or(&state.settings.default_port)
        .trim()
        .to_uppercase();
    let port = state
        .store
        .port(&locode)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no port {locode} in this portsignal")))?;
    let tz: chrono_tz::Tz = port.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let n = view_model::horizon(weeks);
    let first = IsoWeek::of(now.with_timezone(&tz).date_naive());
    let last = first.offset(i64::from(n) - 1);

    // One window for the weeks shown (with the week before, for w/w) and the vessels at the
    // port now; one for the same weeks a year earlier.
    let from = week_start_utc(first.offset(-1), &tz).min(now - OPEN_CALL_LOOKBACK);
    let to = week_start_utc(last.offset(1), &tz).max(now + EN_ROUTE_HORIZON);
    let current = state.store.port_calls_arriving(&locode, from, to).await?;
    let year_ago = state
        .store
        .port_calls_arriving(
            &locode,
            week_start_utc(first.year_earlier(), &tz),
            week_start_utc(last.year_earlier().offset(1), &tz),
        )
        .await?;

    let mut volumes = volumes_by_week(&year_ago, &tz);
    volumes.extend(volumes_by_week(&current, &tz));
    let rows: Vec<WeekRow> = weekly_import_outlook(&volumes, first, n)
        .into_iter()
        .map(|w| WeekRow {
            iso_week: w.week.to_string(),
            start: w.week.start().format("%Y-%m-%d").to_string(),
            import_teu: w.import_teu.round(),
            vessels: w.vessels,
            year_ago_teu: w.year_ago_teu.map(f64::round),
            wow_pct: w.wow_pct,
            yoy_pct: w.yoy_pct,
        })
        .collect();
    let counts = vessel_counts(&current, now);
    let title = format!("Import TEU by ISO week, {}", port.name);
    Ok(IndicatorView {
        chart_svg: chart::weekly_imports_svg(&rows, &title),
        port: port.locode,
        port_name: port.name,
        as_of_local: now
            .with_timezone(&tz)
            .format("%Y-%m-%d %H:%M %Z")
            .to_string(),
        time_zone: port.time_zone,
        weeks: rows,
        en_route: counts.en_route,
        at_anchor: counts.at_anchor,
        at_berth: counts.at_berth,
    })
}
