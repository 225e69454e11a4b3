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
    let out = weekly_outlook(&calls, stated, &MissHistory::new(&[]), &Utc, monday(), 3, 1);
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
        &MissHistory::new(&late),
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
        &MissHistory::new(&coin),
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
        &MissHistory::new(&[]),
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
