//! Weekly rollups of berthed calls: per ISO week of berth arrival (in the port's zone) and
//! per carrier, service and terminal, the sums that schedule reliability and congestion are
//! made of. The store keeps them up to date as calls and events arrive, so the pages read a
//! few hundred sums instead of every call of half a year. Every figure is a count or an
//! integer sum, so cells add up exactly, in any order.

use super::port_call::PortCall;
use super::week::IsoWeek;
use chrono::{DateTime, TimeZone, Utc};
use std::collections::BTreeMap;

/// A call within this many minutes of its schedule, either way, is on time (a day).
pub const ON_TIME_MINUTES: i64 = 24 * 60;

/// What the calls of one carrier's service at one terminal did in one week.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WeekCell {
    pub week: IsoWeek,
    pub carrier: String,
    pub service: String,
    /// Empty when the call named no terminal.
    pub terminal: String,
    /// Calls that berthed in the week.
    pub berthed: i64,
    /// Of those, calls with a schedule, not omitted: the ones reliability scores.
    pub scored: i64,
    /// Of the scored, those within [`ON_TIME_MINUTES`] of the schedule.
    pub on_time: i64,
    /// Sum of the scored calls' delays (berth arrival minus planned arrival), in minutes.
    pub delay_minutes: i64,
    /// Calls that waited at anchor before berthing.
    pub anchored: i64,
    /// Sum and longest of those waits, in tenths of an hour (each wait rounded to a tenth).
    pub wait_tenths: i64,
    pub max_wait_tenths: i64,
}

impl WeekCell {
    /// Adds `other`'s counts and sums to this cell's.
    pub fn add(&mut self, other: &WeekCell) {
        self.berthed += other.berthed;
        self.scored += other.scored;
        self.on_time += other.on_time;
        self.delay_minutes += other.delay_minutes;
        self.anchored += other.anchored;
        self.wait_tenths += other.wait_tenths;
        self.max_wait_tenths = self.max_wait_tenths.max(other.max_wait_tenths);
    }
}

/// A wait of `minutes`, in tenths of an hour, rounded half up.
fn tenths(minutes: i64) -> i64 {
    (minutes.max(0) + 3) / 6
}

/// What a cell needs to know of a call.
#[derive(Clone, Copy, Debug)]
pub struct Berth<'a> {
    pub carrier: &'a str,
    pub service: &'a str,
    pub terminal: Option<&'a str>,
    pub omitted: bool,
    pub planned_arrival: Option<DateTime<Utc>>,
    pub actual_anchorage_arrival: Option<DateTime<Utc>>,
    pub actual_berth_arrival: Option<DateTime<Utc>>,
}

impl<'a> From<&'a PortCall> for Berth<'a> {
    fn from(c: &'a PortCall) -> Self {
        Berth {
            carrier: &c.carrier,
            service: &c.service,
            terminal: c.terminal.as_deref(),
            omitted: c.times.omitted,
            planned_arrival: c.times.planned_arrival,
            actual_anchorage_arrival: c.times.actual_anchorage_arrival,
            actual_berth_arrival: c.times.actual_berth_arrival,
        }
    }
}

/// The cells of the calls that berthed by `now`, by week of berth arrival in `tz`, in key
/// order.
pub fn cells<Tz: TimeZone>(calls: &[PortCall], now: DateTime<Utc>, tz: &Tz) -> Vec<WeekCell> {
    cells_of(calls.iter().map(Berth::from), now, tz)
}

/// [`cells`] of what is known of each call's berth.
pub fn cells_of<'a, Tz: TimeZone>(
    calls: impl IntoIterator<Item = Berth<'a>>,
    now: DateTime<Utc>,
    tz: &Tz,
) -> Vec<WeekCell> {
    let mut out: BTreeMap<(IsoWeek, &str, &str, &str), WeekCell> = BTreeMap::new();
    for c in calls {
        let Some(berth) = c.actual_berth_arrival.filter(|b| *b <= now) else {
            continue;
        };
        let week = IsoWeek::of(berth.with_timezone(tz).date_naive());
        let terminal = c.terminal.unwrap_or("");
        let cell = out
            .entry((week, c.carrier, c.service, terminal))
            .or_insert_with(|| WeekCell {
                week,
                carrier: c.carrier.to_owned(),
                service: c.service.to_owned(),
                terminal: terminal.to_owned(),
                berthed: 0,
                scored: 0,
                on_time: 0,
                delay_minutes: 0,
                anchored: 0,
                wait_tenths: 0,
                max_wait_tenths: 0,
            });
        cell.berthed += 1;
        if let Some(planned) = c.planned_arrival.filter(|_| !c.omitted) {
            let delay = (berth - planned).num_minutes();
            cell.scored += 1;
            cell.on_time += i64::from(delay.abs() <= ON_TIME_MINUTES);
            cell.delay_minutes += delay;
        }
        if let Some(anchor) = c.actual_anchorage_arrival.filter(|a| *a <= berth) {
            let wait = tenths((berth - anchor).num_minutes());
            cell.anchored += 1;
            cell.wait_tenths += wait;
            cell.max_wait_tenths = cell.max_wait_tenths.max(wait);
        }
    }
    out.into_values().collect()
}

/// `cells` summed by `key`, in key order (a group's week, carrier, service and terminal are
/// its first cell's).
pub fn sum_by<K: Ord>(cells: &[WeekCell], key: impl Fn(&WeekCell) -> K) -> Vec<(K, WeekCell)> {
    let mut groups: BTreeMap<K, WeekCell> = BTreeMap::new();
    for c in cells {
        groups
            .entry(key(c))
            .and_modify(|g| g.add(c))
            .or_insert_with(|| c.clone());
    }
    groups.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
    }

    fn berthed(r: &str, planned: DateTime<Utc>, late_minutes: i64) -> PortCall {
        let mut c = PortCall::planned(r, "MSK", planned);
        c.times.actual_berth_arrival = Some(planned + Duration::minutes(late_minutes));
        c
    }

    #[test]
    fn a_cell_counts_berthed_scored_on_time_and_waits_of_its_week() {
        let mut anchored = berthed("A", at(16, 0), 30 * 60);
        anchored.times.actual_anchorage_arrival = Some(at(16, 0) + Duration::minutes(65));
        let mut omitted = berthed("OMIT", at(17, 0), 0);
        omitted.times.omitted = true;
        let mut unplanned = berthed("NOPLAN", at(17, 0), 0);
        unplanned.times.planned_arrival = None;
        let calls = [
            anchored,
            berthed("EARLY", at(18, 0), -24 * 60),
            omitted,
            unplanned,
            berthed("LATER", at(25, 0), 0),
            berthed("FUTURE", at(29, 0), 0),
        ];
        let got = cells(&calls, at(28, 0), &Utc);
        assert_eq!(
            got.len(),
            2,
            "W47 and W48; the call berthing after now is left out"
        );
        assert_eq!(
            got[0],
            WeekCell {
                week: IsoWeek {
                    year: 2026,
                    week: 47
                },
                carrier: "MSK".into(),
                service: "MSK1".into(),
                terminal: "".into(),
                berthed: 4,
                // The omitted call and the one without a schedule berthed but are not scored.
                scored: 2,
                // A day early is still on time; 30 hours late is not.
                on_time: 1,
                delay_minutes: 30 * 60 - 24 * 60,
                anchored: 1,
                // Anchored 65 minutes after 16 Nov 00:00, berthed 17 Nov 06:00: 28 h 55 min,
                // 289.17 tenths, rounded to 289.
                wait_tenths: 289,
                max_wait_tenths: 289,
            }
        );
        assert_eq!((got[1].week.week, got[1].berthed), (48, 1));
    }

    #[test]
    fn weeks_are_cut_in_the_ports_zone_and_sums_add_up() {
        // Sunday 22 November 21:00 in Los Angeles is Monday 05:00 UTC: still W47 there.
        let sunday_night = berthed("S", Utc.with_ymd_and_hms(2026, 11, 23, 5, 0, 0).unwrap(), 0);
        let mut other = berthed("T", at(20, 0), 90);
        other.terminal = Some("T1".into());
        let calls = [sunday_night, other];
        let la = cells(&calls, at(30, 0), &chrono_tz::America::Los_Angeles);
        let utc = cells(&calls, at(30, 0), &Utc);
        assert_eq!(la.iter().map(|c| c.week.week).collect::<Vec<_>>(), [47, 47]);
        assert_eq!(
            utc.iter().map(|c| c.week.week).collect::<Vec<_>>(),
            [47, 48]
        );
        let by_week = sum_by(&la, |c| c.week);
        assert_eq!(by_week.len(), 1);
        assert_eq!((by_week[0].1.berthed, by_week[0].1.delay_minutes), (2, 90));
    }

    #[test]
    fn waits_round_to_the_nearest_tenth_half_up() {
        assert_eq!(
            [tenths(0), tenths(2), tenths(3), tenths(9), tenths(-5)],
            [0, 0, 1, 2, 0]
        );
    }
}
