//! Read path of congestion: calls around the port over the last weeks → the domain's queue
//! and waits → the page's view with its trend chart.

use crate::chart;
use crate::domain::congestion::{at_anchor, by_week};
use crate::domain::indicator::week_start_utc;
use crate::domain::IsoWeek;
use crate::error::AppError;
use crate::storage::Storage;
use crate::view_model::{CongestionView, QueueRow};
use chrono::{DateTime, Duration, Utc};

/// Whole weeks of berth arrivals the trend covers (and the current one).
pub const WEEKS: u32 = 26;

pub async fn congestion(
    store: &dyn Storage,
    port: &str,
    now: DateTime<Utc>,
) -> Result<CongestionView, AppError> {
    let (port, tz) = super::known_port(store, port).await?;
    let first = IsoWeek::of(
        (now - Duration::weeks(i64::from(WEEKS)))
            .with_timezone(&tz)
            .date_naive(),
    );
    // Calls are found by best-known arrival: berthed ones by their berth arrival, ships at
    // anchor by their ETA, which may lie a little ahead.
    let calls = store
        .port_calls_arriving(
            &port.locode,
            week_start_utc(first, &tz),
            now + Duration::days(14),
        )
        .await?;
    let trend = by_week(&calls, now, &tz);
    let recent: Vec<_> = trend
        .iter()
        .rev()
        .skip(1)
        .take(4)
        .filter(|w| w.anchored > 0)
        .collect();
    let anchored: usize = recent.iter().map(|w| w.anchored).sum();
    let recent_mean_wait_hours = (anchored > 0).then(|| {
        let total: f64 = recent
            .iter()
            .map(|w| w.mean_wait_hours * w.anchored as f64)
            .sum();
        (total / anchored as f64 * 10.0).round() / 10.0
    });
    let mut queue = Vec::new();
    for (c, waiting_hours) in at_anchor(&calls, now) {
        let vessel = store.vessel(&c.vessel_imo).await?;
        queue.push(QueueRow {
            vessel: vessel.map_or_else(|| c.vessel_imo.clone(), |v| v.name),
            carrier: c.carrier.clone(),
            terminal: c.terminal.clone().unwrap_or_default(),
            anchored: c
                .times
                .actual_anchorage_arrival
                .map(|t| t.with_timezone(&tz).format("%a %d %b %H:%M").to_string())
                .unwrap_or_default(),
            waiting_hours,
        });
    }
    let labels: Vec<String> = trend.iter().map(|w| w.week[5..].to_string()).collect();
    let trend_svg = chart::lines_svg(
        &format!("Wait at anchor before berthing, by week, {}", port.name),
        (&labels, "ISO week of berth arrival"),
        "Hours",
        &[
            (
                "Mean wait",
                trend.iter().map(|w| w.mean_wait_hours).collect(),
            ),
            (
                "Longest wait",
                trend.iter().map(|w| w.max_wait_hours).collect(),
            ),
        ],
    );
    Ok(CongestionView {
        as_of_local: super::local_stamp(now, &tz),
        weeks: WEEKS,
        queue,
        trend,
        recent_mean_wait_hours,
        trend_svg,
        port: port.locode,
        port_name: port.name,
    })
}
