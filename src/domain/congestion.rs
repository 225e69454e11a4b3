//! Congestion: ships waiting at anchor for a berth. A call that anchored before berthing
//! waited from its anchorage arrival to its berth arrival; a call at anchor now has waited
//! since it anchored. Pure functions over plain data.

use super::port_call::{PortCall, VesselStatus};
use super::rollup::{sum_by, WeekCell};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How one week of berth arrivals waited.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WeekWaits {
    /// `YYYY-Www`, the week of berth arrival in the port's zone.
    pub week: String,
    /// Calls that berthed in the week, and how many of them anchored first.
    pub berthed: usize,
    pub anchored: usize,
    /// Mean and longest wait at anchor of those that anchored, in hours (one decimal).
    pub mean_wait_hours: f64,
    pub max_wait_hours: f64,
}

fn hours(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    ((to - from).num_minutes().max(0) as f64 / 60.0 * 10.0).round() / 10.0
}

/// Calls at anchor at `now`, each with how long it has waited, longest first.
pub fn at_anchor(calls: &[PortCall], now: DateTime<Utc>) -> Vec<(&PortCall, f64)> {
    let mut queue: Vec<(&PortCall, f64)> = calls
        .iter()
        .filter(|c| c.status(now) == VesselStatus::AtAnchor)
        .filter_map(|c| Some((c, hours(c.times.actual_anchorage_arrival?, now))))
        .collect();
    queue.sort_by(|a, b| b.1.total_cmp(&a.1));
    queue
}

/// Waits by ISO week of berth arrival (the cells' weeks), in week order.
pub fn by_week(cells: &[WeekCell]) -> Vec<WeekWaits> {
    sum_by(cells, |c| c.week)
        .into_iter()
        .map(|(week, s)| WeekWaits {
            week: week.to_string(),
            berthed: s.berthed as usize,
            anchored: s.anchored as usize,
            mean_wait_hours: if s.anchored == 0 {
                0.0
            } else {
                (s.wait_tenths as f64 / s.anchored as f64).round() / 10.0
            },
            max_wait_hours: s.max_wait_tenths as f64 / 10.0,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rollup::cells;
    use chrono::{Duration, TimeZone};

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
    }

    /// A call that anchored at `anchored` and berthed `wait` hours later (never, if `None`).
    fn call(r: &str, anchored: Option<DateTime<Utc>>, wait: Option<i64>) -> PortCall {
        let mut c = PortCall::planned(r, "MSK", at(1, 0));
        c.times.actual_anchorage_arrival = anchored;
        c.times.actual_berth_arrival = match (anchored, wait) {
            (Some(a), Some(w)) => Some(a + Duration::hours(w)),
            (None, Some(w)) => Some(at(1, 0) + Duration::hours(w)),
            _ => None,
        };
        c
    }

    #[test]
    fn waits_run_from_anchorage_to_berth_and_the_queue_from_anchorage_to_now() {
        let now = at(20, 12);
        let calls = [
            call("A", Some(at(16, 0)), Some(30)),
            call("B", Some(at(17, 0)), Some(6)),
            call("DIRECT", None, Some(400)),
            call("WAITING", Some(at(19, 12)), None),
            call("LONGER", Some(at(18, 12)), None),
        ];
        let waited: Vec<(usize, f64)> = by_week(&cells(&calls, now, &Utc))
            .iter()
            .map(|w| (w.anchored, w.max_wait_hours))
            .collect();
        // A and B waited (30 h and 6 h, both berthed in W47); DIRECT came straight in.
        assert_eq!(waited, [(2, 30.0)]);
        let queue: Vec<(&str, f64)> = at_anchor(&calls, now)
            .iter()
            .map(|(c, h)| (c.call_ref.as_str(), *h))
            .collect();
        assert_eq!(queue, [("LONGER", 48.0), ("WAITING", 24.0)]);
    }

    #[test]
    fn weeks_count_berthed_calls_and_average_the_waits_of_those_that_anchored() {
        let now = at(30, 0);
        let calls = [
            // Berthed in W47 (16-22 Nov): one waited 30 h, one 6 h, one came straight in.
            call("A", Some(at(16, 0)), Some(30)),
            call("B", Some(at(17, 0)), Some(6)),
            call("DIRECT", None, Some(18 * 24)),
            // Berthed in W48.
            call("C", Some(at(23, 0)), Some(10)),
        ];
        let weeks = by_week(&cells(&calls, now, &Utc));
        assert_eq!(
            weeks[0],
            WeekWaits {
                week: "2026-W47".into(),
                berthed: 3,
                anchored: 2,
                mean_wait_hours: 18.0,
                max_wait_hours: 30.0
            }
        );
        assert_eq!((weeks[1].week.as_str(), weeks[1].anchored), ("2026-W48", 1));
    }
}
