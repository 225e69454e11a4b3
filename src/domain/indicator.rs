//! Week sums and vessel counts behind the public leading indicator.
//!
//! A call's import TEU (laden + empty discharge; actual once known, else expected) counts in
//! the ISO week, in the port's time zone, of its best-known arrival (actual, else latest ETA):
//! what arrived in past weeks, and the same weeks a year earlier. The outlook of coming weeks,
//! with its band, is the forecaster's (`outlook`).

use super::port_call::{PortCall, VesselStatus};
use super::week::IsoWeek;
use chrono::{DateTime, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct WeekVolume {
    pub import_teu: f64,
    pub vessels: u32,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VesselCounts {
    pub en_route: u32,
    pub at_anchor: u32,
    pub at_berth: u32,
}

/// Sums import TEU and vessels by ISO week (in `tz`) of each call's best-known arrival.
/// Omitted calls and calls with no arrival time count nowhere.
pub fn volumes_by_week<Tz: TimeZone>(calls: &[PortCall], tz: &Tz) -> HashMap<IsoWeek, WeekVolume> {
    let mut weeks: HashMap<IsoWeek, WeekVolume> = HashMap::new();
    for call in calls.iter().filter(|c| !c.times.omitted) {
        let Some(arrival) = call.times.best_arrival() else {
            continue;
        };
        let week = IsoWeek::at(arrival, tz);
        let v = weeks.entry(week).or_default();
        v.import_teu += call.best_discharge_teu();
        v.vessels += 1;
    }
    weeks
}

/// The UTC instant a week starts at, in the port's time zone.
pub fn week_start_utc<Tz: TimeZone>(week: IsoWeek, tz: &Tz) -> DateTime<Utc> {
    let local = week.start().and_time(NaiveTime::MIN);
    tz.from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        // Midnight never falls in a DST gap in the zones ports use; fall back to UTC midnight.
        .unwrap_or_else(|| Utc.from_utc_datetime(&local))
}

/// How many of `calls` are en route, at anchor and at berth at `now`. The indicator page has
/// the database count them (`Storage::count_calls`); this is the rule it is tested against.
pub fn vessel_counts(calls: &[PortCall], now: DateTime<Utc>) -> VesselCounts {
    let mut counts = VesselCounts::default();
    for call in calls {
        match call.status(now) {
            VesselStatus::EnRoute => counts.en_route += 1,
            VesselStatus::AtAnchor => counts.at_anchor += 1,
            VesselStatus::AtBerth => counts.at_berth += 1,
            _ => {}
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::port_call::{CallTimes, TeuMoves};
    use chrono::{Duration, FixedOffset};

    fn call(arrival: DateTime<Utc>, teu: f64) -> PortCall {
        PortCall {
            call_ref: format!("C{arrival}{teu}"),
            port: "USLAX".into(),
            terminal: None,
            vessel_imo: "9074729".into(),
            carrier: "MSK".into(),
            service: "TP1".into(),
            import_voyage: "1E".into(),
            export_voyage: "1W".into(),
            times: CallTimes {
                estimated_arrival: Some(arrival),
                ..Default::default()
            },
            expected: TeuMoves {
                discharge_laden: teu * 0.9,
                discharge_empty: teu * 0.1,
                ..Default::default()
            },
            actual: None,
            rail_share: 0.0,
        }
    }

    fn utc(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
    }

    #[test]
    fn calls_fall_in_the_local_iso_week() {
        let la = FixedOffset::west_opt(8 * 3600).unwrap();
        // Monday 2026-11-30 05:00 UTC is Sunday 21:00 in UTC-8: still week 48 locally.
        let calls = vec![
            call(utc(2026, 11, 30, 5), 1000.0),
            call(utc(2026, 11, 30, 9), 2000.0),
        ];
        let v = volumes_by_week(&calls, &la);
        assert_eq!(
            v[&IsoWeek {
                year: 2026,
                week: 48
            }]
                .import_teu,
            1000.0
        );
        assert_eq!(
            v[&IsoWeek {
                year: 2026,
                week: 49
            }],
            WeekVolume {
                import_teu: 2000.0,
                vessels: 1
            }
        );
    }

    #[test]
    fn omitted_calls_count_nowhere() {
        let mut c = call(utc(2026, 11, 30, 12), 1000.0);
        c.times.omitted = true;
        assert!(volumes_by_week(&[c], &Utc).is_empty());
    }

    #[test]
    fn vessel_counts_by_status() {
        let now = utc(2026, 11, 29, 12);
        let en_route = call(now + Duration::days(3), 1.0);
        let far = call(now + Duration::days(30), 1.0);
        let mut anchored = call(now - Duration::hours(5), 1.0);
        anchored.times.actual_anchorage_arrival = Some(now - Duration::hours(20));
        let mut berthed = anchored.clone();
        berthed.times.actual_berth_arrival = Some(now - Duration::hours(2));
        let counts = vessel_counts(&[en_route, far, anchored, berthed], now);
        assert_eq!(
            counts,
            VesselCounts {
                en_route: 1,
                at_anchor: 1,
                at_berth: 1
            }
        );
    }

    #[test]
    fn week_start_is_local_midnight() {
        let la = FixedOffset::west_opt(8 * 3600).unwrap();
        assert_eq!(
            week_start_utc(
                IsoWeek {
                    year: 2026,
                    week: 49
                },
                &la
            ),
            utc(2026, 11, 30, 8)
        );
    }
}
