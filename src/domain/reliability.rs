//! Schedule reliability: how close vessels came to their scheduled arrival. A call counts once
//! it has berthed; its delay is actual berth arrival minus the scheduled (planned) arrival. On
//! time means within a day either way, the window the industry's schedule-reliability figures
//! use. Pure functions over plain data.

use super::rollup::{sum_by, WeekCell};
use serde::{Deserialize, Serialize};

/// A call within this many hours of its schedule is on time.
pub const ON_TIME_HOURS: f64 = super::rollup::ON_TIME_MINUTES as f64 / 60.0;

/// How one carrier, service or week did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Reliability {
    /// Carrier code, service code, or ISO week.
    pub key: String,
    pub calls: usize,
    /// Share of calls on time, in percent (one decimal).
    pub on_time_pct: f64,
    /// Mean delay in hours (negative: early), one decimal.
    pub mean_delay_hours: f64,
}

fn one_decimal(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Reliability of the scored calls in `cells`, grouped by `key`, in key order.
pub fn by(cells: &[WeekCell], key: impl Fn(&WeekCell) -> String) -> Vec<Reliability> {
    sum_by(cells, key)
        .into_iter()
        .filter(|(_, s)| s.scored > 0)
        .map(|(key, s)| {
            let n = s.scored as f64;
            Reliability {
                key,
                calls: s.scored as usize,
                on_time_pct: one_decimal(s.on_time as f64 / n * 100.0),
                mean_delay_hours: one_decimal(s.delay_minutes as f64 / 60.0 / n),
            }
        })
        .collect()
}

/// Reliability by ISO week of berth arrival (the cells' weeks): the trend.
pub fn by_week(cells: &[WeekCell]) -> Vec<Reliability> {
    by(cells, |c| c.week.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::port_call::PortCall;
    use crate::domain::rollup::cells;
    use chrono::{DateTime, Duration, TimeZone, Utc};

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
    }

    fn berthed(carrier: &str, planned: DateTime<Utc>, late_hours: i64) -> PortCall {
        let mut c = PortCall::planned(
            &format!("{carrier}-{planned}-{late_hours}"),
            carrier,
            planned,
        );
        c.times.actual_berth_arrival = Some(planned + Duration::hours(late_hours));
        c
    }

    #[test]
    fn on_time_is_within_a_day_either_way_and_delays_average_signed() {
        let mut not_yet = berthed("MSK", at(20, 0), 0);
        not_yet.times.actual_berth_arrival = None;
        let calls = [
            berthed("MSK", at(2, 0), 24),
            berthed("MSK", at(3, 0), -30),
            berthed("MSK", at(4, 0), 6),
            berthed("CMA", at(5, 0), 72),
            not_yet,
        ];
        let c = cells(&calls, at(30, 0), &Utc);
        let scored: i64 = c.iter().map(|c| c.scored).sum();
        assert_eq!(scored, 4, "a call not yet berthed has no delay yet");
        let carriers = by(&c, |c| c.carrier.clone());
        assert_eq!(
            carriers,
            vec![
                Reliability {
                    key: "CMA".into(),
                    calls: 1,
                    on_time_pct: 0.0,
                    mean_delay_hours: 72.0
                },
                Reliability {
                    key: "MSK".into(),
                    calls: 3,
                    // 24 h late is still on time; 30 h early is not.
                    on_time_pct: 66.7,
                    mean_delay_hours: 0.0
                },
            ]
        );
    }

    #[test]
    fn the_trend_is_by_week_of_arrival_in_the_ports_zone() {
        // Sunday 22 November, 23:00 in Los Angeles is Monday 07:00 UTC: still week 47 there.
        let late_sunday = berthed(
            "MSK",
            Utc.with_ymd_and_hms(2026, 11, 23, 5, 0, 0).unwrap(),
            2,
        );
        let monday = berthed("MSK", at(24, 12), 30);
        let calls = [late_sunday, monday];
        let la = chrono_tz::America::Los_Angeles;
        let weeks = by_week(&cells(&calls, at(30, 0), &la));
        let keys: Vec<&str> = weeks.iter().map(|w| w.key.as_str()).collect();
        assert_eq!(keys, ["2026-W47", "2026-W48"]);
        assert_eq!((weeks[0].on_time_pct, weeks[1].on_time_pct), (100.0, 0.0));
    }
}
