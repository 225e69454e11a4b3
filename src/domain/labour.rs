//! Labour planning for port staff: how many longshore gangs each terminal needs in each shift.
//! A call's container moves (discharge and load) are worked evenly over its time at berth;
//! each shift of a terminal gets the moves of the hours it overlaps, and needs
//! `ceil(moves / (gang moves per hour × shift hours))` gangs. The P90 figure does the same with
//! each call's P90 moves (what the caller's outlook says it brings 9 times in 10 or less), so
//! planners can hold a reserve. Shifts are each port's configuration: Los Angeles works
//! day 08–17, night 18–03 and hoot 03–08.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

/// TEU per container move: the mix of 20- and 40-foot boxes US West Coast terminals handle.
pub const TEU_PER_MOVE: f64 = 1.8;

/// One shift of the day: it starts at `start_hour` local time and lasts `hours` (it may run
/// past midnight).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Shift {
    pub name: String,
    pub start_hour: u32,
    pub hours: u32,
}

/// The Port of Los Angeles' shift pattern, the default of every port.
pub const DEFAULT_SHIFTS: &str = "day 08-17, night 18-03, hoot 03-08";

/// The Port of Los Angeles' shifts.
pub fn los_angeles_shifts() -> Vec<Shift> {
    parse_shifts(DEFAULT_SHIFTS).expect("the default shift pattern parses")
}

/// Reads a shift pattern: comma-separated `NAME HH-HH` (local hours, the end may be past
/// midnight: `night 18-03`). Shifts may leave hours out (a changeover) but not overlap.
pub fn parse_shifts(text: &str) -> Result<Vec<Shift>, String> {
    let mut shifts = Vec::new();
    let mut covered = [false; 24];
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let bad = || format!("'{part}' is not NAME HH-HH (e.g. day 08-17)");
        let (name, hours) = part.rsplit_once(' ').ok_or_else(bad)?;
        let name = name.trim();
        let (from, to) = hours.split_once('-').ok_or_else(bad)?;
        let (from, to): (u32, u32) = (
            from.parse().map_err(|_| bad())?,
            to.parse().map_err(|_| bad())?,
        );
        let named = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == ' ');
        if !named || from > 23 || to > 24 || from == to % 24 {
            return Err(bad());
        }
        let length = (to + 24 - from) % 24;
        for h in 0..length {
            let hour = ((from + h) % 24) as usize;
            if std::mem::replace(&mut covered[hour], true) {
                return Err(format!("'{part}' overlaps another shift"));
            }
        }
        if shifts.iter().any(|s: &Shift| s.name == name) {
            return Err(format!("two shifts are called '{name}'"));
        }
        shifts.push(Shift {
            name: name.to_string(),
            start_hour: from,
            hours: length,
        });
    }
    if shifts.is_empty() {
        return Err("no shifts: give at least one, e.g. day 08-17".into());
    }
    Ok(shifts)
}

/// Writes a shift pattern as [`parse_shifts`] reads it.
pub fn format_shifts(shifts: &[Shift]) -> String {
    shifts
        .iter()
        .map(|s| {
            format!(
                "{} {:02}-{:02}",
                s.name,
                s.start_hour,
                (s.start_hour + s.hours) % 24
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A call's work at a terminal: at berth from `from` to `to`, with this many moves expected
/// (P50) and at the P90.
#[derive(Clone, Debug, PartialEq)]
pub struct BerthWork {
    pub terminal: String,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub moves: f64,
    pub moves_p90: f64,
}

/// One shift of one terminal on one day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShiftNeed {
    pub terminal: String,
    /// The local date the shift starts on.
    pub date: NaiveDate,
    pub shift: String,
    pub moves: f64,
    pub moves_p90: f64,
    pub gangs: u32,
    pub gangs_p90: u32,
}

/// Gangs needed to work `moves` in a shift of `hours` at `per_hour` moves per gang-hour.
pub fn gangs(moves: f64, per_hour: f64, hours: u32) -> u32 {
    if moves <= 0.0 || per_hour <= 0.0 || hours == 0 {
        return 0;
    }
    // A hair under a whole gang's work is still that gang (floating-point sums).
    (moves / (per_hour * f64::from(hours)) - 1e-9)
        .ceil()
        .max(0.0) as u32
}

/// Hours of overlap between two spans.
fn overlap_hours(a: (DateTime<Utc>, DateTime<Utc>), b: (DateTime<Utc>, DateTime<Utc>)) -> f64 {
    let start = a.0.max(b.0);
    let end = a.1.min(b.1);
    ((end - start).num_seconds().max(0)) as f64 / 3600.0
}

/// The UTC span of `shift` starting on local `date`.
pub fn shift_span<Tz: TimeZone>(
    date: NaiveDate,
    shift: &Shift,
    tz: &Tz,
) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let local = date.and_hms_opt(shift.start_hour, 0, 0)?;
    let start = tz
        .from_local_datetime(&local)
        .earliest()?
        .with_timezone(&Utc);
    Some((start, start + Duration::hours(i64::from(shift.hours))))
}

/// For each terminal (with its gang moves per hour) and each shift of the `days` local days
/// from `first`: the moves of the calls at berth in it and the gangs they need.
pub fn shift_needs<Tz: TimeZone>(
    work: &[BerthWork],
    terminals: &[(String, f64)],
    shifts: &[Shift],
    first: NaiveDate,
    days: u32,
    tz: &Tz,
) -> Vec<ShiftNeed> {
    let mut out = Vec::new();
    for (terminal, per_hour) in terminals {
        let at: Vec<&BerthWork> = work.iter().filter(|w| &w.terminal == terminal).collect();
        for day in 0..days {
            let date = first + Duration::days(i64::from(day));
            for shift in shifts {
                let Some(span) = shift_span(date, shift, tz) else {
                    continue;
                };
                let (mut moves, mut moves_p90) = (0.0, 0.0);
                for w in &at {
                    let stay = (w.to - w.from).num_seconds() as f64 / 3600.0;
                    if stay <= 0.0 {
                        continue;
                    }
                    let share = overlap_hours((w.from, w.to), span) / stay;
                    moves += w.moves * share;
                    moves_p90 += w.moves_p90 * share;
                }
                out.push(ShiftNeed {
                    terminal: terminal.clone(),
                    date,
                    shift: shift.name.clone(),
                    moves: moves.round(),
                    moves_p90: moves_p90.round(),
                    gangs: gangs(moves, *per_hour, shift.hours),
                    gangs_p90: gangs(moves_p90, *per_hour, shift.hours),
                });
            }
        }
    }
    out
}

/// Days on which a terminal's expected moves (in TEU) exceed its daily capacity in TEU.
pub fn over_capacity(
    needs: &[ShiftNeed],
    terminal: &str,
    daily_capacity_teu: f64,
) -> Vec<NaiveDate> {
    let mut days: Vec<NaiveDate> = Vec::new();
    for n in needs.iter().filter(|n| n.terminal == terminal) {
        if !days.contains(&n.date) {
            days.push(n.date);
        }
    }
    days.into_iter()
        .filter(|d| {
            let teu: f64 = needs
                .iter()
                .filter(|n| n.terminal == terminal && n.date == *d)
                .map(|n| n.moves * TEU_PER_MOVE)
                .sum();
            teu > daily_capacity_teu
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, d, h, 0, 0).unwrap()
    }

    #[test]
    fn gangs_round_up_and_never_go_negative() {
        // 30 moves an hour for 9 hours is 270 moves a gang.
        assert_eq!(gangs(270.0, 30.0, 9), 1);
        assert_eq!(gangs(271.0, 30.0, 9), 2);
        assert_eq!(gangs(540.0, 30.0, 9), 2);
        assert_eq!(gangs(1.0, 30.0, 5), 1);
        assert_eq!(gangs(0.0, 30.0, 9), 0);
        assert_eq!(gangs(100.0, 0.0, 9), 0);
        // 0.1 + 0.2 style sums that land a hair over a whole gang's work stay one gang.
        assert_eq!(gangs(150.0 * (0.1 + 0.2) / 0.3 + 120.0, 30.0, 9), 1);
    }

    #[test]
    fn los_angeles_shifts_cover_the_day_but_the_changeover_hour() {
        let shifts = los_angeles_shifts();
        let hours: u32 = shifts.iter().map(|s| s.hours).sum();
        assert_eq!(hours, 23);
        let date = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let tz = chrono_tz::America::Los_Angeles;
        // Night starts 18:00 PST = 02:00 UTC next day and runs to 03:00 PST.
        let night = shift_span(date, &shifts[1], &tz).unwrap();
        assert_eq!(night, (utc(2, 2), utc(2, 11)));
    }

    #[test]
    fn shift_patterns_parse_round_trip_and_refuse_overlaps() {
        let shifts = parse_shifts(" day 08-17,night 18-03 , hoot 03-08 ").unwrap();
        let spans: Vec<(&str, u32, u32)> = shifts
            .iter()
            .map(|s| (s.name.as_str(), s.start_hour, s.hours))
            .collect();
        assert_eq!(spans, vec![("day", 8, 9), ("night", 18, 9), ("hoot", 3, 5)]);
        assert_eq!(format_shifts(&shifts), DEFAULT_SHIFTS);
        // Two 12-hour shifts, the second ending at midnight written as 24 or 00.
        let two = parse_shifts("first 00-12, second 12-24").unwrap();
        assert_eq!((two[1].start_hour, two[1].hours), (12, 12));
        assert_eq!(format_shifts(&two), "first 00-12, second 12-00");
        for bad in [
            "",
            "day",
            "day 8",
            "day 08-08",
            "day 25-03",
            "day 08-17, late 16-20",
        ] {
            assert!(parse_shifts(bad).is_err(), "{bad}");
        }
        assert!(parse_shifts("day 08-12, day 13-17")
            .unwrap_err()
            .contains("two shifts"));
    }

    #[test]
    fn a_call_is_worked_evenly_over_its_berth_time() {
        // In UTC for hand-checking: day 08-17, night 18-03, hoot 03-08.
        let shifts = los_angeles_shifts();
        // At berth from 12:00 to 00:00 next day (12 hours): 1200 moves, 100 an hour.
        // Day shift holds 12-17 (5 h: 500), night 18-00 (6 h: 600); 17-18 is nobody's.
        let work = vec![BerthWork {
            terminal: "APMT".into(),
            from: utc(1, 12),
            to: utc(2, 0),
            moves: 1200.0,
            moves_p90: 1500.0,
        }];
        let first = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let needs = shift_needs(&work, &[("APMT".into(), 30.0)], &shifts, first, 1, &Utc);
        assert_eq!(needs.len(), 3);
        let day = &needs[0];
        assert_eq!(
            (day.shift.as_str(), day.moves, day.moves_p90),
            ("day", 500.0, 625.0)
        );
        // 500 / (30 × 9 = 270) = 1.85 → 2 gangs; P90 625 / 270 = 2.3 → 3.
        assert_eq!((day.gangs, day.gangs_p90), (2, 3));
        let night = &needs[1];
        assert_eq!((night.moves, night.gangs, night.gangs_p90), (600.0, 3, 3));
        let hoot = &needs[2];
        assert_eq!((hoot.moves, hoot.gangs), (0.0, 0));
        // 1100 moves × 1.8 = 1980 TEU on the day: over a 1900 TEU capacity, not over 2000.
        assert_eq!(over_capacity(&needs, "APMT", 1900.0), vec![first]);
        assert!(over_capacity(&needs, "APMT", 2000.0).is_empty());
    }

    #[test]
    fn terminals_only_count_their_own_calls() {
        let work = vec![BerthWork {
            terminal: "YTI".into(),
            from: utc(1, 8),
            to: utc(1, 17),
            moves: 270.0,
            moves_p90: 270.0,
        }];
        let first = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let terminals = [("APMT".to_string(), 30.0), ("YTI".to_string(), 30.0)];
        let needs = shift_needs(&work, &terminals, &los_angeles_shifts(), first, 2, &Utc);
        assert_eq!(needs.len(), 2 * 2 * 3);
        let gangs: Vec<(String, u32)> = needs
            .iter()
            .filter(|n| n.gangs > 0)
            .map(|n| (n.terminal.clone(), n.gangs))
            .collect();
        assert_eq!(gangs, vec![("YTI".to_string(), 1)]);
    }
}
