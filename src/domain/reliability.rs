//! Schedule reliability: how close vessels came to their scheduled arrival. A call counts once
//! it has berthed; its delay is actual berth arrival minus the scheduled (planned) arrival. On
//! time means within a day either way, the window the industry's schedule-reliability figures
//! use. Pure functions over plain data.

use super::port_call::PortCall;
use super::week::IsoWeek;
use chrono::TimeZone;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A call within this many hours of its schedule is on time.
pub const ON_TIME_HOURS: f64 = 24.0;

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

/// The delay of each berthed call with a schedule, in hours.
pub fn delays(calls: &[PortCall]) -> Vec<(&PortCall, f64)> {
    calls
        .iter()
        .filter(|c| !c.times.omitted)
        .filter_map(|c| {
            let delay = c.times.actual_berth_arrival? - c.times.planned_arrival?;
            Some((c, delay.num_minutes() as f64 / 60.0))
        })
        .collect()
}

fn one_decimal(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Reliability grouped by `key`, in key order.
pub fn by<'a>(
    delays: &[(&'a PortCall, f64)],
    key: impl Fn(&'a PortCall) -> String,
) -> Vec<Reliability> {
    let mut groups: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for (call, delay) in delays {
        groups.entry(key(call)).or_default().push(*delay);
    }
    groups
        .into_iter()
        .map(|(key, d)| {
            let n = d.len() as f64;
            Reliability {
                key,
                calls: d.len(),
                on_time_pct: one_decimal(
                    d.iter().filter(|h| h.abs() <= ON_TIME_HOURS).count() as f64 / n * 100.0,
                ),
                mean_delay_hours: one_decimal(d.iter().sum::<f64>() / n),
            }
        })
        .collect()
}

/// Reliability by ISO week (in `tz`) of the actual arrival: the trend.
pub fn by_week<Tz: TimeZone>(delays: &[(&PortCall, f64)], tz: &Tz) -> Vec<Reliability> {
    by(delays, |c| {
        let at = c
            .times
            .actual_berth_arrival
            .expect("delays are of berthed calls");
        IsoWeek::of(at.with_timezone(tz).date_naive()).to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Duration, Utc};

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
        let d = delays(&calls);
        assert_eq!(d.len(), 4, "a call not yet berthed has no delay yet");
        let carriers = by(&d, |c| c.carrier.clone());
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
        let weeks = by_week(&delays(&calls), &chrono_tz::America::Los_Angeles);
        let keys: Vec<&str> = weeks.iter().map(|w| w.key.as_str()).collect();
        assert_eq!(keys, ["2026-W47", "2026-W48"]);
        assert_eq!((weeks[0].on_time_pct, weeks[1].on_time_pct), (100.0, 0.0));
    }
}
