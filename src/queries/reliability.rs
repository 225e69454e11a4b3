//! Read path of schedule reliability: calls that berthed in the last weeks → the domain's
//! delays, by carrier, service and week → the page's view with its trend chart.

use crate::chart;
use crate::domain::reliability::{by, by_week, Reliability, ON_TIME_HOURS};
use crate::error::AppError;
use crate::storage::{CellGrouping, Storage};
use crate::view_model::ReliabilityView;
use chrono::{DateTime, Utc};

/// Weeks of berthed calls the page scores.
pub const WEEKS: u32 = 26;

/// Schedule reliability of `port` at `now`, as data: what the page and the API show.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ReliabilityReport {
    pub port: String,
    pub as_of: DateTime<Utc>,
    /// Calls that berthed in this many whole weeks before `as_of` count.
    pub weeks: u32,
    /// A call berthing within this many hours of its schedule is on time.
    pub on_time_hours: f64,
    pub port_wide: Option<Reliability>,
    /// Keyed by carrier code.
    pub carriers: Vec<Reliability>,
    /// Keyed by "carrier service".
    pub services: Vec<Reliability>,
    /// Keyed by ISO week (`2026-W47`), oldest first.
    pub trend: Vec<Reliability>,
}

pub async fn report(
    store: &dyn Storage,
    port: &str,
    now: DateTime<Utc>,
) -> Result<(ReliabilityReport, crate::domain::Port), AppError> {
    let (port, tz) = super::known_port(store, port).await?;
    let groupings = [CellGrouping::Week, CellGrouping::Service];
    let [weeks, services]: [Vec<_>; 2] =
        super::berthed_cells(store, &port.locode, &tz, WEEKS, now, &groupings)
            .await?
            .try_into()
            .expect("one list per grouping");
    let report = ReliabilityReport {
        port: port.locode.clone(),
        as_of: now,
        weeks: WEEKS,
        on_time_hours: ON_TIME_HOURS,
        port_wide: by(&weeks, |_| port.locode.clone()).pop(),
        carriers: by(&services, |c| c.carrier.clone()),
        services: by(&services, |c| format!("{} {}", c.carrier, c.service)),
        trend: by_week(&weeks),
    };
    Ok((report, port))
}

pub async fn reliability(
    store: &dyn Storage,
    port: &str,
    now: DateTime<Utc>,
) -> Result<ReliabilityView, AppError> {
    let (r, port) = report(store, port, now).await?;
    let tz = port.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let labels: Vec<String> = r.trend.iter().map(|w| w.key[5..].to_string()).collect();
    let trend_svg = chart::lines_svg(
        &format!("Calls within a day of schedule, by week, {}", port.name),
        (&labels, "ISO week"),
        "On time (% of calls)",
        &[(
            "On-time share",
            r.trend.iter().map(|w| w.on_time_pct).collect(),
        )],
    );
    Ok(ReliabilityView {
        as_of_local: super::local_stamp(now, &tz),
        weeks: r.weeks,
        on_time_hours: r.on_time_hours,
        port_wide: r.port_wide,
        carriers: r.carriers,
        services: r.services,
        trend: r.trend,
        trend_svg,
        port: port.locode,
        port_name: port.name,
    })
}
