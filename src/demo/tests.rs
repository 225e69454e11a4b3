//! The demo port's promises: reproducible, calibrated, consistent, never knowing the future.

use super::*;
use crate::domain::{CallTimes, PortCallEvent};
use std::collections::HashMap;

fn opts() -> DemoOptions {
    DemoOptions {
        seed: DEFAULT_SEED,
        as_of: Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap(),
    }
}

#[test]
fn same_seed_same_port() {
    let a = generate(&opts());
    let b = generate(&opts());
    assert_eq!(a.port_calls, b.port_calls);
    assert_eq!(a.events, b.events);
    assert_eq!(a.monthly_stats, b.monthly_stats);
    let c = generate(&DemoOptions { seed: 7, ..opts() });
    assert_ne!(a.port_calls, c.port_calls);
}

#[test]
fn sizes_and_calibration_match_the_design() {
    let b = generate(&opts());
    assert_eq!(b.terminals.len(), 7);
    assert_eq!(b.carriers.len(), 25);
    assert_eq!(b.vessels.len(), 150);
    assert_eq!(b.monthly_stats.len(), HISTORY_MONTHS as usize);
    assert_eq!(b.monthly_stats.last().unwrap().month, "2026-10");
    assert!(b
        .vessels
        .iter()
        .all(|v| crate::domain::port_call::imo_is_valid(&v.imo)));
    // About 9 million TEU a year, loaded imports 3.5-4x loaded exports.
    let last12 = &b.monthly_stats[b.monthly_stats.len() - 12..];
    let year: f64 = last12.iter().map(|s| s.total_teu).sum();
    assert!((8.3e6..9.7e6).contains(&year), "year total {year}");
    let li: f64 = last12.iter().map(|s| s.loaded_imports).sum();
    let le: f64 = last12.iter().map(|s| s.loaded_exports).sum();
    assert!((3.5..4.0).contains(&(li / le)), "ratio {}", li / le);
    // Lunar New Year dip below the August-October peak.
    let month = |m: &str| {
        last12
            .iter()
            .find(|s| s.month.ends_with(m))
            .unwrap()
            .total_teu
    };
    assert!(month("-02") < month("-08") * 0.85);
    // Six weeks of schedules ahead.
    let ahead = b
        .port_calls
        .iter()
        .filter(|c| c.times.best_arrival().unwrap() > opts().as_of)
        .count();
    assert!((120..=170).contains(&ahead), "{ahead} calls ahead");
}

#[test]
fn no_call_discharges_more_than_its_vessel_could_carry() {
    let b = generate(&opts());
    let capacity: HashMap<&str, f64> = b
        .vessels
        .iter()
        .map(|v| (v.imo.as_str(), f64::from(v.teu_capacity.unwrap())))
        .collect();
    for c in &b.port_calls {
        // Discharge of 28-40 % of capacity, give or take the month's swing.
        let share = c.expected.discharge() / capacity[c.vessel_imo.as_str()];
        assert!(
            share < 0.6,
            "{} discharges {:.0} % of its vessel",
            c.call_ref,
            share * 100.0
        );
    }
}

#[test]
fn nothing_is_known_before_it_happens() {
    let o = opts();
    let b = generate(&o);
    assert!(b.events.iter().all(|e| e.received_at <= o.as_of));
    for c in &b.port_calls {
        let t = &c.times;
        for actual in [
            t.actual_anchorage_arrival,
            t.actual_berth_arrival,
            t.actual_departure,
        ] {
            assert!(
                actual.is_none_or(|a| a <= o.as_of),
                "{} knows the future",
                c.call_ref
            );
        }
        assert_eq!(
            c.actual.is_some(),
            t.actual_departure.is_some() && !t.omitted
        );
    }
}

#[test]
fn every_event_is_distinct_under_the_storage_key() {
    let b = generate(&opts());
    let keys: HashSet<_> = b
        .events
        .iter()
        .map(|e| {
            (
                &e.call_ref,
                &e.publisher,
                e.classifier,
                e.event_type,
                e.facility_type,
                e.event_time,
                e.issued_at,
            )
        })
        .collect();
    assert_eq!(keys.len(), b.events.len());
}

#[test]
fn call_times_are_the_fold_of_their_events() {
    let b = generate(&opts());
    let mut by_call: BTreeMap<&str, Vec<&PortCallEvent>> = BTreeMap::new();
    for e in &b.events {
        by_call.entry(&e.call_ref).or_default().push(e);
    }
    for c in &b.port_calls {
        let events = by_call
            .get(c.call_ref.as_str())
            .cloned()
            .unwrap_or_default();
        assert_eq!(CallTimes::folded(CallTimes::default(), events), c.times);
    }
}
