//! What a cargo owner sees: the calls of the carriers and services its organisation follows,
//! their import volume by week and terminal, and how each call's ETA moved.

use super::{Classifier, EventType, FacilityType, IsoWeek, PortCall, PortCallEvent};
use chrono::{DateTime, TimeZone, Utc};
use std::collections::BTreeMap;

/// One week of a followed selection: import TEU by terminal (`-`: none named) and vessels.
#[derive(Clone, Debug, PartialEq)]
pub struct OwnerWeek {
    pub week: IsoWeek,
    pub import_teu: f64,
    pub vessels: usize,
    /// Largest first.
    pub by_terminal: Vec<(String, f64)>,
}

/// Import TEU (stated, else as measured) and vessels of `calls` in each of `weeks`, by the ISO
/// week (in `tz`) of each call's best-known arrival. Omitted calls count nowhere.
pub fn weekly_by_terminal<Tz: TimeZone>(
    calls: &[&PortCall],
    weeks: &[IsoWeek],
    tz: &Tz,
) -> Vec<OwnerWeek> {
    weeks
        .iter()
        .map(|&week| {
            let mut by_terminal: BTreeMap<String, f64> = BTreeMap::new();
            let mut vessels = 0;
            for call in calls.iter().filter(|c| !c.times.omitted) {
                let Some(arrival) = call.times.best_arrival() else {
                    continue;
                };
                if IsoWeek::at(arrival, tz) != week {
                    continue;
                }
                vessels += 1;
                let terminal = call.terminal.clone().unwrap_or_else(|| "-".into());
                *by_terminal.entry(terminal).or_default() += call.best_discharge_teu();
            }
            let mut by_terminal: Vec<(String, f64)> = by_terminal.into_iter().collect();
            by_terminal.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            OwnerWeek {
                week,
                import_teu: by_terminal.iter().map(|t| t.1).sum(),
                vessels,
                by_terminal,
            }
        })
        .collect()
}

/// One arrival estimate as it was received: when, and the arrival it named.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EtaRevision {
    /// When the publisher issued it (its receipt when it did not say).
    pub known_at: DateTime<Utc>,
    /// When it first reached this portsignal.
    pub received_at: DateTime<Utc>,
    pub eta: DateTime<Utc>,
}

/// The arrival estimates of one call (at berth or unspecified; pilot boarding place and
/// anchorage estimates are other milestones), oldest first, leaving out repeats of the
/// estimate before. A revision is known from its issue time, else its receipt.
pub fn eta_history(events: &[&PortCallEvent]) -> Vec<EtaRevision> {
    let mut estimates: Vec<&&PortCallEvent> = events
        .iter()
        .filter(|e| {
            e.classifier == Classifier::Est
                && e.event_type == EventType::Arri
                && matches!(
                    e.facility_type,
                    FacilityType::Brth | FacilityType::Unspecified
                )
        })
        .collect();
    estimates.sort_by(|a, b| a.precedence().cmp(&b.precedence()));
    let mut out: Vec<EtaRevision> = Vec::new();
    for e in estimates {
        if out.last().is_some_and(|r| r.eta == e.event_time) {
            continue;
        }
        out.push(EtaRevision {
            known_at: e.issued_at.unwrap_or(e.received_at),
            received_at: e.received_at,
            eta: e.event_time,
        });
    }
    out
}

/// How a call's ETA moved since `since`: the estimate then (`None`: none yet) and the latest,
/// when they differ. Estimates are dated by receipt here: what the owner could have seen.
pub fn eta_change_since(
    events: &[&PortCallEvent],
    since: DateTime<Utc>,
) -> Option<(Option<DateTime<Utc>>, DateTime<Utc>)> {
    let history = eta_history(events);
    let latest = history.last()?.eta;
    let then = history
        .iter()
        .filter(|r| r.received_at <= since)
        .map(|r| r.eta)
        .next_back();
    (then != Some(latest)).then_some((then, latest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CallTimes, TeuMoves};
    use chrono::{Duration, NaiveDate};

    fn at(d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, d, h, 0, 0).unwrap()
    }

    fn call(terminal: Option<&str>, eta: DateTime<Utc>, teu: f64) -> PortCall {
        PortCall {
            call_ref: format!("C{}{teu}", eta.timestamp()),
            port: "USLAX".into(),
            terminal: terminal.map(str::to_string),
            vessel_imo: "9321483".into(),
            carrier: "MSK".into(),
            service: "TP6".into(),
            import_voyage: "1".into(),
            export_voyage: "1".into(),
            times: CallTimes {
                estimated_arrival: Some(eta),
                ..CallTimes::default()
            },
            expected: TeuMoves {
                discharge_laden: teu,
                ..TeuMoves::default()
            },
            actual: None,
            rail_share: 0.0,
        }
    }

    #[test]
    fn weeks_add_up_by_terminal_and_leave_omitted_calls_out() {
        // 2026-12-07 is a Monday (ISO week 50).
        let w50 = IsoWeek::of(NaiveDate::from_ymd_opt(2026, 12, 7).unwrap());
        let w51 = IsoWeek::of(NaiveDate::from_ymd_opt(2026, 12, 14).unwrap());
        let a = call(Some("APMT"), at(8, 10), 1000.0);
        let b = call(Some("YTI"), at(9, 10), 3000.0);
        let c = call(None, at(10, 10), 500.0);
        let d = call(Some("APMT"), at(11, 10), 700.0);
        let mut gone = call(Some("APMT"), at(11, 10), 900.0);
        gone.times.omitted = true;
        // Sunday 13th 23:00 in Los Angeles is Monday 14th 07:00 UTC: week 50 there.
        let late = call(Some("YTI"), at(14, 7), 100.0);
        let calls = [&a, &b, &c, &d, &gone, &late];
        let weeks = weekly_by_terminal(&calls, &[w50, w51], &chrono_tz::America::Los_Angeles);
        assert_eq!(weeks[0].import_teu, 5300.0);
        assert_eq!(weeks[0].vessels, 5);
        assert_eq!(
            weeks[0].by_terminal,
            vec![
                ("YTI".to_string(), 3100.0),
                ("APMT".to_string(), 1700.0),
                ("-".to_string(), 500.0)
            ]
        );
        assert_eq!((weeks[1].import_teu, weeks[1].vessels), (0.0, 0));
        // In UTC the late call falls in week 51.
        let utc = weekly_by_terminal(&calls, &[w50, w51], &Utc);
        assert_eq!((utc[0].vessels, utc[1].vessels), (4, 1));
    }

    fn estimate(eta: DateTime<Utc>, received: DateTime<Utc>) -> PortCallEvent {
        PortCallEvent {
            call_ref: "C1".into(),
            source: "dcsa-jit".into(),
            publisher: "MSK".into(),
            classifier: Classifier::Est,
            event_type: EventType::Arri,
            facility_type: FacilityType::Brth,
            event_time: eta,
            issued_at: None,
            received_at: received,
            delay_reason: None,
            remark: None,
        }
    }

    #[test]
    fn eta_history_keeps_revisions_in_order_without_repeats() {
        let first = estimate(at(20, 8), at(1, 0));
        let repeat = estimate(at(20, 8), at(2, 0));
        let later = estimate(at(21, 14), at(3, 0));
        let mut pilot = estimate(at(19, 0), at(4, 0));
        pilot.facility_type = FacilityType::Pbpl;
        let mut planned = estimate(at(18, 0), at(4, 0));
        planned.classifier = Classifier::Pln;
        // Given out of order: the history is by issue (here: receipt).
        let events = [&later, &pilot, &repeat, &first, &planned];
        let history = eta_history(&events);
        assert_eq!(
            history,
            vec![
                EtaRevision {
                    known_at: at(1, 0),
                    received_at: at(1, 0),
                    eta: at(20, 8)
                },
                EtaRevision {
                    known_at: at(3, 0),
                    received_at: at(3, 0),
                    eta: at(21, 14)
                },
            ]
        );
    }

    #[test]
    fn eta_changes_are_against_what_was_known_at_the_last_visit() {
        let first = estimate(at(20, 8), at(1, 0));
        let later = estimate(at(21, 14), at(3, 0));
        let events = [&first, &later];
        // Visited on the 2nd: the ETA then was the 20th, now the 21st.
        assert_eq!(
            eta_change_since(&events, at(2, 0)),
            Some((Some(at(20, 8)), at(21, 14)))
        );
        // Visited after the revision: nothing new.
        assert_eq!(
            eta_change_since(&events, at(3, 0) + Duration::hours(1)),
            None
        );
        // Visited before any estimate: the call is new to the owner.
        assert_eq!(
            eta_change_since(&events, at(1, 0) - Duration::hours(1)),
            Some((None, at(21, 14)))
        );
        assert_eq!(eta_change_since(&[], at(2, 0)), None);
    }
}
