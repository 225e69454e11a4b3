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

    /// This cell's counts and sums less `other`'s; the longest wait stays this cell's (a
    /// longest wait cannot be taken back).
    pub fn less(&self, other: &WeekCell) -> WeekCell {
        WeekCell {
            berthed: self.berthed - other.berthed,
            scored: self.scored - other.scored,
            on_time: self.on_time - other.on_time,
            delay_minutes: self.delay_minutes - other.delay_minutes,
            anchored: self.anchored - other.anchored,
            wait_tenths: self.wait_tenths - other.wait_tenths,
            ..self.clone()
        }
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
        let week = IsoWeek::at(berth, tz);
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

/// What a write does to the stored cells, worked out from the cells of the calls it wrote as
/// they were before it (`before`) and after it (`after`), both from [`cells_of`].
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// Differences to add to the stored cells (a cell not stored yet is stored as it is here):
    /// counts and sums are after minus before, `max_wait_tenths` the written calls' longest
    /// wait after, which only raises the stored longest. In key order.
    pub add: Vec<WeekCell>,
    /// Weeks whose cells must be counted again from their calls: a call left one of their
    /// cells (which may now be empty), or a written call's wait got shorter (the cell's
    /// longest may have been that wait). No difference in `add` is for these weeks.
    pub recount: std::collections::BTreeSet<IsoWeek>,
}

/// [`Changes`] from the written calls' cells before and after the write. Applying `add` and
/// recounting `recount` leaves every cell as counting all calls again would.
pub fn changes(before: &[WeekCell], after: &[WeekCell]) -> Changes {
    type Key<'a> = (IsoWeek, &'a str, &'a str, &'a str);
    fn key(c: &WeekCell) -> Key<'_> {
        (c.week, &c.carrier, &c.service, &c.terminal)
    }
    let before: BTreeMap<Key, &WeekCell> = before.iter().map(|c| (key(c), c)).collect();
    let after: BTreeMap<Key, &WeekCell> = after.iter().map(|c| (key(c), c)).collect();
    let mut out = Changes::default();
    let mut add = Vec::new();
    for (k, b) in &before {
        let (left, shorter) = match after.get(k) {
            Some(a) => (a.berthed < b.berthed, a.max_wait_tenths < b.max_wait_tenths),
            None => (true, true),
        };
        if left || shorter {
            out.recount.insert(k.0);
        }
    }
    for (k, a) in &after {
        match before.get(k) {
            None => add.push((*a).clone()),
            Some(b) if a != b => add.push(a.less(b)),
            Some(_) => {}
        }
    }
    out.add = add
        .into_iter()
        .filter(|c| !out.recount.contains(&c.week))
        .collect();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;
    use proptest::prelude::*;

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

    /// A call as the property tests vary it: offsets in hours from 2 November 2026.
    #[derive(Clone, Debug)]
    struct Call {
        carrier: &'static str,
        terminal: Option<&'static str>,
        omitted: bool,
        planned: Option<i64>,
        wait: Option<i64>,
        berth: Option<i64>,
    }

    fn berth_of(c: &Call) -> Berth<'_> {
        let hour = |h: i64| at(2, 0) + Duration::hours(h);
        let berth = c.berth.map(hour);
        Berth {
            carrier: c.carrier,
            service: c.carrier,
            terminal: c.terminal,
            omitted: c.omitted,
            planned_arrival: c.planned.map(hour),
            actual_anchorage_arrival: berth.zip(c.wait).map(|(b, w)| b - Duration::minutes(w)),
            actual_berth_arrival: berth,
        }
    }

    fn call_strategy() -> impl Strategy<Value = Call> {
        (
            prop::sample::select(vec!["A", "B"]),
            prop::sample::select(vec![None, Some("T1")]),
            any::<bool>(),
            prop::option::of(0i64..24 * 21),
            prop::option::of(0i64..3000),
            prop::option::weighted(0.8, 0i64..24 * 21),
        )
            .prop_map(|(carrier, terminal, omitted, planned, wait, berth)| Call {
                carrier,
                terminal,
                omitted,
                planned,
                wait,
                berth,
            })
    }

    fn all_cells(calls: &[Call]) -> Vec<WeekCell> {
        cells_of(calls.iter().map(berth_of), DateTime::<Utc>::MAX_UTC, &Utc)
    }

    /// What the store does with [`Changes`]: differences added (a new cell stored as it is),
    /// recounted weeks' cells replaced by those counted from `calls`.
    fn apply(stored: Vec<WeekCell>, changes: &Changes, calls: &[Call]) -> Vec<WeekCell> {
        let key = |c: &WeekCell| {
            (
                c.week,
                c.carrier.clone(),
                c.service.clone(),
                c.terminal.clone(),
            )
        };
        let mut out: BTreeMap<_, WeekCell> = stored
            .into_iter()
            .filter(|c| !changes.recount.contains(&c.week))
            .map(|c| (key(&c), c))
            .collect();
        for d in &changes.add {
            out.entry(key(d))
                .and_modify(|c| c.add(d))
                .or_insert_with(|| d.clone());
        }
        for c in all_cells(calls)
            .into_iter()
            .filter(|c| changes.recount.contains(&c.week))
        {
            out.insert(key(&c), c);
        }
        out.into_values().collect()
    }

    proptest::proptest! {
        /// Adding a write's differences to the stored cells, and counting its recounted weeks
        /// again, gives the cells of all calls counted from scratch.
        #[test]
        fn stored_cells_plus_a_writes_changes_are_the_cells_counted_again(
            calls in prop::collection::vec(call_strategy(), 0..30),
            rewritten in prop::collection::vec((any::<prop::sample::Index>(), call_strategy()), 0..8),
            added in prop::collection::vec(call_strategy(), 0..5),
        ) {
            let mut now = calls.clone();
            let mut written = Vec::new();
            for (i, new) in rewritten {
                if !now.is_empty() {
                    let i = i.index(now.len());
                    written.push(i);
                    now[i] = new;
                }
            }
            written.sort_unstable();
            written.dedup();
            let before: Vec<Call> = written.iter().map(|&i| calls[i].clone()).collect();
            let mut after: Vec<Call> = written.iter().map(|&i| now[i].clone()).collect();
            after.extend(added.iter().cloned());
            now.extend(added);
            let changes = changes(&all_cells(&before), &all_cells(&after));
            prop_assert_eq!(apply(all_cells(&calls), &changes, &now), all_cells(&now));
        }
    }

    #[test]
    fn new_berths_and_longer_waits_are_added_and_a_shorter_wait_is_recounted() {
        let call = Call {
            carrier: "A",
            terminal: None,
            omitted: false,
            planned: Some(0),
            wait: Some(60),
            berth: Some(2),
        };
        let longer = Call {
            wait: Some(120),
            ..call.clone()
        };
        let fresh = changes(&[], &all_cells(std::slice::from_ref(&call)));
        assert!(fresh.recount.is_empty());
        assert_eq!(fresh.add, all_cells(std::slice::from_ref(&call)));
        let up = changes(
            &all_cells(std::slice::from_ref(&call)),
            &all_cells(std::slice::from_ref(&longer)),
        );
        assert!(up.recount.is_empty());
        assert_eq!(
            (
                up.add[0].berthed,
                up.add[0].wait_tenths,
                up.add[0].max_wait_tenths
            ),
            (0, 10, 20)
        );
        let unchanged = changes(
            &all_cells(std::slice::from_ref(&call)),
            &all_cells(std::slice::from_ref(&call)),
        );
        assert_eq!(
            unchanged,
            Changes::default(),
            "re-sent events change nothing"
        );
        let down = changes(
            &all_cells(std::slice::from_ref(&longer)),
            &all_cells(std::slice::from_ref(&call)),
        );
        assert_eq!(down.recount.len(), 1);
        assert!(down.add.is_empty());
        let moved = Call {
            berth: Some(24 * 8),
            ..call.clone()
        };
        let across = changes(
            &all_cells(std::slice::from_ref(&call)),
            &all_cells(std::slice::from_ref(&moved)),
        );
        assert_eq!(
            (
                across.recount.iter().map(|w| w.week).collect::<Vec<_>>(),
                across.add.len()
            ),
            (vec![45], 1),
            "the week it left is counted again, the one it joined gets the call"
        );
    }

    #[test]
    fn waits_round_to_the_nearest_tenth_half_up() {
        assert_eq!(
            [tenths(0), tenths(2), tenths(3), tenths(9), tenths(-5)],
            [0, 0, 1, 2, 0]
        );
    }
}
