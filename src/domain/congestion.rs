//! Congestion: ships waiting at anchor for a berth. A call that anchored before berthing
//! waited from its anchorage arrival to its berth arrival; a call at anchor now has waited
//! since it anchored. Pure functions over plain data.

use super::port_call::{PortCall, VesselStatus};
use super::week::IsoWeek;
use chrono::{DateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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

/// Hours each call that anchored waited before berthing, for calls berthed by `now`.
pub fn waits(calls: &[PortCall], now: DateTime<Utc>) -> Vec<(&PortCall, f64)> {
    calls
        .iter()
        .filter_map(|c| {
            let berth = c.times.actual_berth_arrival.filter(|b| *b <= now)?;
            let anchor = c.times.actual_anchorage_arrival.filter(|a| *a <= berth)?;
            Some((c, hours(anchor, berth)))
        })
        .collect()
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

/// Waits by ISO week of berth arrival (in `tz`), in week order, for calls berthed by `now`.
pub fn by_week<Tz: TimeZone>(calls: &[PortCall], now: DateTime<Utc>, tz: &Tz) -> Vec<WeekWaits> {
    let mut weeks: BTreeMap<IsoWeek, (usize, Vec<f64>)> = BTreeMap::new();
    let waited: std::collections::HashMap<&str, f64> = waits(calls, now)
        .into_iter()
        .map(|(c, h)| (c.call_ref.as_str(), h))
        .collect();
    for c in calls {
        let Some(berth) = c.times.actual_berth_arrival.filter(|b| *b <= now) else {
            continue;
        };
        let week = weeks
            .entry(IsoWeek::of(berth.with_timezone(tz).date_naive()))
            .or_default();
        week.0 += 1;
        if let Some(h) = waited.get(c.call_ref.as_str()) {
            week.1.push(*h);
        }
    }
    weeks
        .into_iter()
        .map(|(week, (berthed, w))| WeekWaits {
            week: week.to_string(),
            berthed,
            anchored: w.len(),
            mean_wait_hours: if w.is_empty() {
                0.0
            } else {
                (w.iter().sum::<f64>() / w.len() as f64 * 10.0).round() / 10.0
            },
            max_wait_hours: w.iter().copied().fold(0.0, f64::max),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

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
        let w: Vec<(&str, f64)> = waits(&calls, now)
            .iter()
            .map(|(c, h)| (c.call_ref.as_str(), *h))
            .collect();
        assert_eq!(w, [("A", 30.0), ("B", 6.0)]);
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
        let weeks = by_week(&calls, now, &Utc);
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
