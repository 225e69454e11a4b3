//! Read path of congestion: calls around the port over the last weeks → the domain's queue
//! and waits → the page's view with its trend chart.

use crate::chart;
use crate::domain::congestion::{at_anchor, by_week, WeekWaits};
use crate::domain::VesselStatus;
use crate::error::AppError;
use crate::storage::{CallFilter, CellGrouping, Storage};
use crate::view_model::{CongestionView, QueueRow};
use chrono::{DateTime, Utc};

/// Whole weeks of berth arrivals the trend covers (and the current one).
pub const WEEKS: u32 = 26;
/// At most this many ships are listed at anchor (a queue longer than any port has seen).
const QUEUE_LIMIT: u32 = 1000;

/// A ship at anchor now.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Anchored {
    pub call_ref: String,
    pub vessel_imo: String,
    pub vessel_name: Option<String>,
    pub carrier: String,
    pub terminal: Option<String>,
    pub anchored_at: Option<DateTime<Utc>>,
    pub waiting_hours: f64,
}

/// Congestion at `port` at `now`, as data: what the page and the API show.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct CongestionReport {
    pub port: String,
    pub as_of: DateTime<Utc>,
    /// Whole weeks of berth arrivals the trend covers (and the current one).
    pub weeks: u32,
    pub queue: Vec<Anchored>,
    /// By ISO week of berth arrival, oldest first.
    pub trend: Vec<WeekWaits>,
    /// Mean wait of the calls that anchored over the last four whole weeks, in hours.
    pub recent_mean_wait_hours: Option<f64>,
}

pub async fn report(
    store: &dyn Storage,
    port: &str,
    now: DateTime<Utc>,
) -> Result<(CongestionReport, crate::domain::Port), AppError> {
    let (port, tz) = super::known_port(store, port).await?;
    let weeks =
        super::berthed_cells(store, &port.locode, &tz, WEEKS, now, &[CellGrouping::Week]).await?;
    let trend = by_week(&weeks[0]);
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
    let at_anchor_now = store
        .port_calls(&CallFilter {
            port: Some(port.locode.clone()),
            status: Some((VesselStatus::AtAnchor, now)),
            limit: QUEUE_LIMIT,
            ..CallFilter::default()
        })
        .await?;
    let waiting = at_anchor(&at_anchor_now, now);
    let imos: Vec<String> = waiting.iter().map(|(c, _)| c.vessel_imo.clone()).collect();
    let names = store.vessel_names(&imos).await?;
    let queue = waiting
        .into_iter()
        .map(|(c, waiting_hours)| Anchored {
            call_ref: c.call_ref.clone(),
            vessel_name: names.get(&c.vessel_imo).cloned(),
            vessel_imo: c.vessel_imo.clone(),
            carrier: c.carrier.clone(),
            terminal: c.terminal.clone(),
            anchored_at: c.times.actual_anchorage_arrival,
            waiting_hours,
        })
        .collect();
    let report = CongestionReport {
        port: port.locode.clone(),
        as_of: now,
        weeks: WEEKS,
        queue,
        trend,
        recent_mean_wait_hours,
    };
    Ok((report, port))
}

pub async fn congestion(
    store: &dyn Storage,
    port: &str,
    now: DateTime<Utc>,
) -> Result<CongestionView, AppError> {
    let (r, port) = report(store, port, now).await?;
    let tz: chrono_tz::Tz = port.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let queue = r
        .queue
        .into_iter()
        .map(|a| QueueRow {
            vessel: a.vessel_name.unwrap_or(a.vessel_imo),
            carrier: a.carrier,
            terminal: a.terminal.unwrap_or_default(),
            anchored: a
                .anchored_at
                .map(|t| t.with_timezone(&tz).format("%a %d %b %H:%M").to_string())
                .unwrap_or_default(),
            waiting_hours: a.waiting_hours,
        })
        .collect();
    let trend = r.trend;
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
        weeks: r.weeks,
        queue,
        trend,
        recent_mean_wait_hours: r.recent_mean_wait_hours,
        trend_svg,
        port: port.locode,
        port_name: port.name,
    })
}
