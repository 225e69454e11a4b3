//! Read path of schedule reliability: calls that berthed in the last weeks → the domain's
//! delays, by carrier, service and week → the page's view with its trend chart.

use crate::chart;
use crate::domain::indicator::week_start_utc;
use crate::domain::reliability::{by, by_week, delays, ON_TIME_HOURS};
use crate::domain::IsoWeek;
use crate::error::AppError;
use crate::storage::Storage;
use crate::view_model::ReliabilityView;
use chrono::{DateTime, Duration, Utc};

/// Weeks of berthed calls the page scores.
pub const WEEKS: u32 = 26;

pub async fn reliability(
    store: &dyn Storage,
    port: &str,
    now: DateTime<Utc>,
) -> Result<ReliabilityView, AppError> {
    let (port, tz) = super::known_port(store, port).await?;
    // Whole weeks: from the Monday of the week 26 weeks back, in the port's zone.
    let from = week_start_utc(
        IsoWeek::of(
            (now - Duration::weeks(i64::from(WEEKS)))
                .with_timezone(&tz)
                .date_naive(),
        ),
        &tz,
    );
    // Calls are found by best-known arrival, which for a berthed call is its actual one.
    let calls: Vec<_> = store
        .port_calls_arriving(&port.locode, from, now)
        .await?
        .into_iter()
        .filter(|c| c.times.actual_berth_arrival.is_some_and(|a| a <= now))
        .collect();
    let d = delays(&calls);
    let trend = by_week(&d, &tz);
    let labels: Vec<String> = trend.iter().map(|w| w.key[5..].to_string()).collect();
    let trend_svg = chart::lines_svg(
        &format!("Calls within a day of schedule, by week, {}", port.name),
        (&labels, "ISO week"),
        "On time (% of calls)",
        &[(
            "On-time share",
            trend.iter().map(|w| w.on_time_pct).collect(),
        )],
    );
    Ok(ReliabilityView {
        as_of_local: super::local_stamp(now, &tz),
        weeks: WEEKS,
        on_time_hours: ON_TIME_HOURS,
        port_wide: by(&d, |_| port.locode.clone()).pop(),
        carriers: by(&d, |c| c.carrier.clone()),
        services: by(&d, |c| format!("{} {}", c.carrier, c.service)),
        trend,
        trend_svg,
        port: port.locode,
        port_name: port.name,
    })
}
