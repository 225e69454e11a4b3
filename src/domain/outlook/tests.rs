use super::*;
use crate::domain::{CallTimes, Classifier, EventType, FacilityType, PortCallEvent, TeuMoves};

fn utc(m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, m, d, h, 0, 0).unwrap()
}

fn call(service: &str, eta: DateTime<Utc>, teu: f64) -> PortCall {
    PortCall {
        call_ref: format!("{service}-{eta}"),
        port: "USLAX".into(),
        terminal: None,
        vessel_imo: "9074729".into(),
        carrier: "MSK".into(),
        service: service.into(),
        import_voyage: "1E".into(),
        export_voyage: "1W".into(),
        times: CallTimes {
            estimated_arrival: Some(eta),
            ..Default::default()
        },
        expected: TeuMoves {
            discharge_laden: teu * 0.8,
            discharge_empty: teu * 0.2,
            ..Default::default()
        },
        actual: None,
        rail_share: 0.25,
    }
}

fn misses(service: &str, hours: &[f64], lead: f64) -> Vec<EtaMiss> {
    hours
        .iter()
        .map(|h| EtaMiss {
            carrier: "MSK".into(),
            service: service.into(),
            lead_hours: lead,
            miss_hours: *h,
        })
        .collect()
}

/// Monday 7 December 2026, 08:00 UTC: ISO week 2026-W50 (in UTC).
fn monday() -> DateTime<Utc> {
    utc(12, 7, 8)
}

fn stated(c: &PortCall) -> f64 {
    c.expected.discharge()
}

#[test]
fn without_any_history_calls_land_in_their_eta_week() {
    let calls = [
        call("TP1", utc(12, 9, 12), 4000.0),
        call("TP1", utc(12, 12, 12), 2000.0),
        call("TP2", utc(12, 16, 0), 5000.0),
    ];
    let out = weekly_outlook(
        &calls,
        stated,
        &MissHistory::new(&[]).into(),
        &Utc,
        monday(),
        3,
        1,
    );
    assert_eq!(out.len(), 3);
    assert_eq!(out[0].week.to_string(), "2026-W50");
    let certain = |t: f64| Band {
        p10: t,
        p50: t,
        p90: t,
    };
    assert_eq!(out[0].import_teu, certain(6000.0));
    assert_eq!(out[1].import_teu, certain(5000.0));
    assert_eq!(out[2].import_teu, certain(0.0));
    assert_eq!((out[0].vessels, out[0].rail_teu), (2.0, 1500.0));
}

#[test]
fn a_service_that_runs_late_pushes_a_sunday_eta_into_the_next_week() {
    // Sunday 13 December 20:00; this service has always been a day or two late at a week out.
    let calls = [call("TP1", utc(12, 13, 20), 3000.0)];
    let late = misses("TP1", &[24.0, 30.0, 36.0, 48.0].repeat(5), 120.0);
    let out = weekly_outlook(
        &calls,
        stated,
        &MissHistory::new(&late).into(),
        &Utc,
        monday(),
        2,
        1,
    );
    assert_eq!(out[0].import_teu.p90, 0.0);
    assert_eq!(out[1].import_teu.p10, 3000.0);
    assert_eq!(out[1].vessels, 1.0);
}

#[test]
fn an_even_chance_of_slipping_spreads_the_band_over_both_weeks() {
    let calls = [call("TP1", utc(12, 12, 12), 3000.0)];
    let coin = misses("TP1", &[0.0, 48.0].repeat(20), 100.0);
    let out = weekly_outlook(
        &calls,
        stated,
        &MissHistory::new(&coin).into(),
        &Utc,
        monday(),
        2,
        1,
    );
    for week in &out {
        assert_eq!((week.import_teu.p10, week.import_teu.p90), (0.0, 3000.0));
        assert!((week.vessels - 0.5).abs() <= 0.1, "{week:?}");
    }
}

#[test]
fn thin_history_falls_back_from_service_to_carrier_to_the_port() {
    let mut all = misses("TP1", &[10.0; 5], 24.0);
    all.extend(misses("TP2", &[-5.0; 30], 24.0));
    let h = MissHistory::new(&all);
    // TP1 has 5 misses at this lead: too few; MSK as a whole has 35.
    assert_eq!(h.for_call("MSK", "TP1", 30.0).len(), 35);
    assert_eq!(h.for_call("MSK", "TP2", 30.0), [-5.0; 30]);
    // Another carrier: the port's misses at that lead.
    assert_eq!(h.for_call("CMA", "X", 30.0).len(), 35);
    // No misses at a two-week lead at all.
    assert!(h.for_call("MSK", "TP2", 400.0).is_empty());
}

#[test]
fn arrived_and_omitted_calls_are_not_coming() {
    let mut arrived = call("TP1", utc(12, 8, 0), 1000.0);
    arrived.times.actual_berth_arrival = Some(utc(12, 8, 2));
    let mut omitted = call("TP1", utc(12, 9, 0), 2000.0);
    omitted.times.omitted = true;
    let out = weekly_outlook(
        &[arrived, omitted, call("TP1", utc(12, 10, 0), 4000.0)],
        stated,
        &MissHistory::new(&[]).into(),
        &Utc,
        monday(),
        1,
        1,
    );
    assert_eq!(out[0].import_teu.p50, 4000.0);
}

#[test]
fn calls_without_stated_moves_are_estimated_from_capacity_and_utilisation() {
    let mut bare = call("TP1", utc(12, 10, 0), 0.0);
    let utilisation = HashMap::from([("TP1".to_owned(), 0.35)]);
    assert_eq!(import_teu(&bare, Some(14_000.0), &utilisation), 4900.0);
    assert_eq!(import_teu(&bare, None, &utilisation), 0.0);
    bare.service = "TP9".into();
    assert_eq!(import_teu(&bare, Some(14_000.0), &utilisation), 0.0);
    let full = call("TP1", utc(12, 10, 0), 3000.0);
    assert_eq!(import_teu(&full, Some(14_000.0), &utilisation), 3000.0);
}

#[test]
fn lead_classes_split_at_three_seven_and_fourteen_days() {
    let classes: Vec<usize> = [0.0, 71.9, 72.0, 167.0, 168.0, 335.0, 336.0, 2000.0]
        .into_iter()
        .map(lead_class)
        .collect();
    assert_eq!(classes, [0, 0, 1, 1, 2, 2, 3, 3]);
}

fn event(
    classifier: Classifier,
    at: DateTime<Utc>,
    issued: DateTime<Utc>,
    received: DateTime<Utc>,
) -> PortCallEvent {
    PortCallEvent {
        call_ref: "C".into(),
        source: "test".into(),
        publisher: "MSK".into(),
        classifier,
        event_type: EventType::Arri,
        facility_type: FacilityType::Brth,
        event_time: at,
        issued_at: Some(issued),
        received_at: received,
        delay_reason: None,
        remark: None,
    }
}

#[test]
fn misses_compare_each_estimate_with_the_arrival_known_by_as_of() {
    let c = call("TP1", utc(12, 10, 0), 1000.0);
    let events = [
        // Planned 30 days out for 10 Dec 00:00, estimated a week out for 10 Dec 12:00.
        event(
            Classifier::Pln,
            utc(12, 10, 0),
            utc(11, 10, 0),
            utc(11, 10, 0),
        ),
        event(
            Classifier::Est,
            utc(12, 10, 12),
            utc(12, 3, 12),
            utc(12, 3, 12),
        ),
        // Arrived 10 Dec 18:00, reported at 19:00.
        event(
            Classifier::Act,
            utc(12, 10, 18),
            utc(12, 10, 19),
            utc(12, 10, 19),
        ),
    ];
    let refs: Vec<&PortCallEvent> = events.iter().collect();
    let misses = eta_misses(&c, &refs, utc(12, 11, 0));
    let pairs: Vec<(f64, f64)> = misses
        .iter()
        .map(|m| (m.lead_hours, m.miss_hours))
        .collect();
    assert_eq!(pairs, [(720.0, 18.0), (168.0, 6.0)]);
    // Before the actual arrival was reported, there is nothing to learn from this call.
    assert!(eta_misses(&c, &refs, utc(12, 10, 18)).is_empty());

    // Known at 5 Dec: the estimate of 3 Dec is the latest ETA; not yet arrived.
    let then = known_at(&c, &refs, utc(12, 5, 0));
    assert_eq!(then.times.latest_eta(), Some(utc(12, 10, 12)));
    assert_eq!(then.times.actual_berth_arrival, None);
    assert_eq!(
        known_at(&c, &refs, utc(11, 20, 0)).times.latest_eta(),
        Some(utc(12, 10, 0))
    );
}

#[test]
fn utilisation_is_the_mean_share_of_capacity_discharged_by_departed_calls() {
    let mut a = call("TP1", utc(11, 1, 0), 0.0);
    a.times.actual_departure = Some(utc(11, 2, 0));
    a.actual = Some(TeuMoves {
        discharge_laden: 4000.0,
        discharge_empty: 1000.0,
        ..Default::default()
    });
    let mut b = a.clone();
    b.actual = Some(TeuMoves {
        discharge_laden: 3000.0,
        ..Default::default()
    });
    let mut later = a.clone();
    later.times.actual_departure = Some(utc(12, 20, 0));
    let u = service_utilisation(&[a, b, later], |_| Some(10_000.0), monday());
    assert_eq!(u, HashMap::from([("TP1".to_owned(), 0.4)]));
}

/// A call due on `day` of November that has departed, with `stated` and `actual` discharge.
fn departed(service: &str, day: u32, stated: f64, actual: f64) -> PortCall {
    let mut c = call(service, utc(11, day, 0), stated);
    c.times.actual_departure = Some(utc(11, day, 20));
    c.actual = Some(TeuMoves {
        discharge_laden: actual,
        ..Default::default()
    });
    c
}

#[test]
fn volume_history_learns_ratios_from_departed_calls() {
    let mut calls: Vec<PortCall> = (1..=3).map(|d| departed("TP1", d, 1000.0, 900.0)).collect();
    // Not yet departed by `as_of`: it teaches nothing yet.
    let mut departs_later = departed("TP1", 5, 1000.0, 2000.0);
    departs_later.times.actual_departure = Some(utc(12, 20, 0));
    calls.push(departs_later);
    let h = VolumeHistory::new(calls.iter().map(|c| (c, None)), monday());
    // Three ratios: too few for the service, so the port's (the same three here).
    assert_eq!(h.ratios("TP1"), [0.9, 0.9, 0.9]);
    assert_eq!(h.ratios("TP9"), [0.9, 0.9, 0.9]);
    assert!(VolumeHistory::new([], monday()).ratios("TP1").is_empty());
}

#[test]
fn the_chance_of_a_cancellation_depends_on_how_far_ahead_the_call_still_stands() {
    // Five calls due before Monday: one cancelled ten days ahead, one a day ahead. A call not
    // yet due teaches nothing.
    let calls: Vec<PortCall> = (1..=5)
        .map(|d| call("TP1", utc(11, d, 0), 1000.0))
        .collect();
    let leads = [Some(240.0), Some(24.0), None, None, None];
    let mut with_leads: Vec<(&PortCall, Option<f64>)> = calls.iter().zip(leads).collect();
    let coming = call("TP1", utc(12, 20, 0), 1000.0);
    with_leads.push((&coming, Some(100.0)));
    let h = VolumeHistory::new(with_leads, monday());
    // Two days ahead: four calls still stood (the ten-day one was gone), one went later.
    assert_eq!(h.cancel_chance(48.0), 0.25);
    // Three weeks ahead: all five stood, two went later.
    assert_eq!(h.cancel_chance(500.0), 0.4);
    // Half a day ahead: three still stood, none went later.
    assert_eq!(h.cancel_chance(12.0), 0.0);
    assert_eq!(VolumeHistory::default().cancel_chance(48.0), 0.0);
}

#[test]
fn a_cancellation_lead_is_counted_from_the_arrival_to_its_receipt() {
    let c = call("TP1", utc(12, 10, 0), 1000.0);
    let omit = PortCallEvent {
        event_type: EventType::Omit,
        ..event(
            Classifier::Est,
            utc(12, 10, 0),
            utc(12, 8, 0),
            utc(12, 8, 0),
        )
    };
    let refs = [&omit];
    assert_eq!(cancellation_lead(&c, &refs, utc(12, 9, 0)), Some(48.0));
    // Not received yet by `as_of`.
    assert_eq!(cancellation_lead(&c, &refs, utc(12, 7, 0)), None);
}

#[test]
fn actual_moves_are_known_once_the_departure_was_reported() {
    let mut c = call("TP1", utc(12, 10, 0), 1000.0);
    c.actual = Some(TeuMoves {
        discharge_laden: 950.0,
        ..Default::default()
    });
    let departs = PortCallEvent {
        event_type: EventType::Depa,
        ..event(
            Classifier::Act,
            utc(12, 11, 0),
            utc(12, 11, 0),
            utc(12, 11, 1),
        )
    };
    let refs = [&departs];
    assert_eq!(known_at(&c, &refs, utc(12, 11, 0)).actual, None);
    assert_eq!(
        known_at(&c, &refs, utc(12, 11, 2))
            .actual
            .map(|m| m.discharge()),
        Some(950.0)
    );
}

#[test]
fn a_service_with_enough_history_uses_its_own_ratios() {
    let mut calls: Vec<PortCall> = (0..20)
        .map(|i| departed("TP1", 1 + i % 28, 1000.0, 1100.0))
        .collect();
    calls.push(departed("TP2", 2, 1000.0, 500.0));
    let h = VolumeHistory::new(calls.iter().map(|c| (c, None)), monday());
    assert_eq!(h.ratios("TP1"), [1.1; 20]);
    // TP2 has one ratio: the port's 21 apply.
    assert_eq!(h.ratios("TP2").len(), 21);
}

#[test]
fn past_volume_errors_and_cancellations_widen_the_band() {
    // One certain call of 1,000 TEU; its service discharged 80 % or 120 % of what it stated.
    let calls = [call("TP1", utc(12, 9, 12), 1000.0)];
    let history = History {
        misses: MissHistory::new(&[]),
        volume: VolumeHistory {
            port: vec![0.8, 1.2],
            ..VolumeHistory::default()
        },
    };
    let out = weekly_outlook(&calls, stated, &history, &Utc, monday(), 1, 7);
    assert_eq!(
        (out[0].import_teu.p10, out[0].import_teu.p90),
        (800.0, 1200.0)
    );
    // Of two past calls that still stood two days ahead, one was cancelled later: in about
    // half the draws the week has nothing.
    let history = History {
        misses: MissHistory::new(&[]),
        volume: VolumeHistory {
            due: 2,
            cancel_leads: vec![10.0],
            ..VolumeHistory::default()
        },
    };
    let out = weekly_outlook(&calls, stated, &history, &Utc, monday(), 1, 7);
    assert_eq!(
        (out[0].import_teu.p10, out[0].import_teu.p90),
        (0.0, 1000.0)
    );
    assert!((0.4..0.6).contains(&out[0].vessels), "{}", out[0].vessels);
}
