//! The port calls of the demo: weekly services, schedule deviations, anchorage waits, moves cut
//! to the month's volume, and the DCSA-style events through which a call becomes known.

use super::catalogue::{ServiceSpec, PORT, SERVICES, TERMINALS};
use super::{Month, MonthVolume};
use crate::domain::{
    CallTimes, Classifier, EventType, FacilityType, PortCall, PortCallEvent, TeuMoves, Vessel,
};
use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;

/// A call as simulated, before it is cut down to what is known at `as_of`.
pub(super) struct SimCall {
    service: usize,
    vessel: usize,
    planned_arrival: DateTime<Utc>,
    anchorage_arrival: Option<DateTime<Utc>>,
    berth_arrival: DateTime<Utc>,
    omitted: bool,
    weight: f64,
    load_weight: f64,
    moves: TeuMoves,
    planned_moves: TeuMoves,
}

pub(super) fn simulate_calls(
    rng: &mut ChaCha8Rng,
    vessels: &[(Vessel, usize)],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<SimCall> {
    let first_monday = from.date_naive().week(chrono::Weekday::Mon).first_day();
    let mut sims = Vec::new();
    for (si, s) in SERVICES.iter().enumerate() {
        let loop_vessels: Vec<usize> = vessels
            .iter()
            .enumerate()
            .filter(|(_, (_, v))| *v == si)
            .map(|(i, _)| i)
            .collect();
        let mut week = 0usize;
        loop {
            let day = first_monday + Duration::weeks(week as i64) + Duration::days((si % 7) as i64);
            let planned =
                Utc.from_utc_datetime(&day.and_hms_opt(((si * 5) % 24) as u32, 0, 0).unwrap());
            week += 1;
            if planned > to {
                break;
            }
            if planned < from {
                continue;
            }
            let vessel = loop_vessels[week % loop_vessels.len()];
            // Lunar New Year blank sailings thin February and March.
            let blank = if matches!(planned.month(), 2 | 3) {
                0.12
            } else {
                0.03
            };
            let omitted = rng.gen_bool(blank);
            let delay_h = delay_hours(rng, s);
            let berth_arrival = planned + Duration::minutes((delay_h * 60.0) as i64);
            let anchorage_arrival = rng
                .gen_bool(0.25)
                .then(|| berth_arrival - Duration::minutes(rng.gen_range(4 * 60..60 * 60)));
            let capacity = f64::from(vessels[vessel].0.teu_capacity.unwrap_or(8000));
            let weight = capacity * rng.gen_range(0.28..0.40);
            sims.push(SimCall {
                service: si,
                vessel,
                planned_arrival: planned,
                anchorage_arrival,
                berth_arrival,
                omitted,
                weight,
                load_weight: weight * rng.gen_range(0.85..1.15),
                moves: TeuMoves::default(),
                planned_moves: TeuMoves::default(),
            });
        }
    }
    sims
}

/// Schedule deviation in hours: most calls within a shift, some a day or two late, a few days.
fn delay_hours(rng: &mut ChaCha8Rng, s: &ServiceSpec) -> f64 {
    let r: f64 = rng.gen();
    let hours = if r < 0.55 {
        rng.gen_range(-6.0..10.0)
    } else if r < 0.88 {
        rng.gen_range(10.0..48.0)
    } else {
        rng.gen_range(48.0..144.0)
    };
    hours * s.lateness
}

/// Shares each month's true imports and exports among the calls that berth in it. A month the
/// simulation covers only in part (its first and last) gets the share of its volume that its
/// covered days carry, so calls at the edges are as full as any others.
pub(super) fn assign_moves(
    rng: &mut ChaCha8Rng,
    sims: &mut [SimCall],
    volumes: &BTreeMap<Month, MonthVolume>,
    window: (DateTime<Utc>, DateTime<Utc>),
) {
    let mut weights: BTreeMap<Month, (f64, f64)> = BTreeMap::new();
    for s in sims.iter().filter(|s| !s.omitted) {
        let w = weights.entry(Month::of(s.berth_arrival)).or_default();
        w.0 += s.weight;
        w.1 += s.load_weight;
    }
    for (month, w) in weights.iter_mut() {
        let (start, end) = (month.start(), month.offset(1).start());
        let covered = (end.min(window.1) - start.max(window.0))
            .num_seconds()
            .max(1) as f64;
        let coverage = (covered / (end - start).num_seconds() as f64).min(1.0);
        w.0 /= coverage;
        w.1 /= coverage;
    }
    for s in sims.iter_mut() {
        let month = Month::of(s.berth_arrival);
        let (Some(v), Some((w, lw))) = (volumes.get(&month), weights.get(&month)) else {
            continue;
        };
        let discharge = (v.loaded_imports + v.empty_imports) * s.weight / w;
        let load = (v.loaded_exports + v.empty_exports) * s.load_weight / lw;
        let laden_in = v.loaded_imports / (v.loaded_imports + v.empty_imports);
        let laden_out = v.loaded_exports / (v.loaded_exports + v.empty_exports);
        let moves = TeuMoves {
            discharge_laden: (discharge * laden_in).round(),
            discharge_empty: (discharge * (1.0 - laden_in)).round(),
            load_laden: (load * laden_out).round(),
            load_empty: (load * (1.0 - laden_out)).round(),
        };
        // What the carrier announced ahead: the truth give or take 8 %.
        let mut planned = |x: f64| (x * rng.gen_range(0.92..1.08)).round();
        s.planned_moves = TeuMoves {
            discharge_laden: planned(moves.discharge_laden),
            discharge_empty: planned(moves.discharge_empty),
            load_laden: planned(moves.load_laden),
            load_empty: planned(moves.load_empty),
        };
        s.moves = moves;
    }
}

/// The call and its events as known at `as_of`: nothing received later is included, and the
/// call's times are the fold of its events.
pub(super) fn known_at(
    rng: &mut ChaCha8Rng,
    sim: &SimCall,
    vessels: &[(Vessel, usize)],
    as_of: DateTime<Utc>,
    eta_leads: &[i64],
) -> (PortCall, Vec<PortCallEvent>) {
    let spec = &SERVICES[sim.service];
    let vessel = &vessels[sim.vessel].0;
    let iso = sim.planned_arrival.iso_week();
    let voyage = format!("{:02}{:02}", iso.year() % 100, iso.week());
    let call_ref = format!("{}-{}-{}E", PORT.0, vessel.imo, voyage);
    let stay = Duration::minutes(
        (60.0 * (18.0 + (sim.moves.discharge() + sim.moves.load()) / 300.0)) as i64,
    );
    let departure = sim.berth_arrival + stay;
    let planned_departure = sim.planned_arrival + stay;

    let mut events = Vec::new();
    let mut push = |publisher: &str, c, e, f, at: DateTime<Utc>, received: DateTime<Utc>| {
        if received <= as_of {
            events.push(PortCallEvent {
                call_ref: call_ref.clone(),
                source: "demo".into(),
                publisher: publisher.into(),
                classifier: c,
                event_type: e,
                facility_type: f,
                event_time: at,
                issued_at: Some(received),
                received_at: received,
                delay_reason: None,
                remark: None,
            });
        }
    };
    use Classifier::*;
    use EventType::*;
    use FacilityType::*;
    // Carriers publish their schedules (OVS) about two months ahead.
    let published = sim.planned_arrival - Duration::days(60);
    push(
        spec.carrier,
        Pln,
        Arri,
        Brth,
        sim.planned_arrival,
        published,
    );
    push(spec.carrier, Pln, Depa, Brth, planned_departure, published);
    if sim.omitted {
        push(
            spec.carrier,
            Pln,
            Omit,
            Unspecified,
            sim.planned_arrival,
            sim.planned_arrival - Duration::days(10),
        );
    } else {
        // ETAs converge on the actual arrival as the vessel crosses.
        let gap = (sim.planned_arrival - sim.berth_arrival).num_minutes() as f64;
        for &lead_days in eta_leads {
            let noise = rng.gen_range(-30.0..30.0) * lead_days as f64;
            let eta = sim.berth_arrival
                + Duration::minutes((gap * lead_days as f64 / 21.0 + noise) as i64);
            push(
                spec.carrier,
                Est,
                Arri,
                Brth,
                eta,
                sim.planned_arrival - Duration::days(lead_days),
            );
        }
        if let Some(anch) = sim.anchorage_arrival {
            push(
                spec.terminal,
                Act,
                Arri,
                Anch,
                anch,
                anch + Duration::minutes(5),
            );
        }
        let atb = sim.berth_arrival;
        push(
            spec.terminal,
            Act,
            Arri,
            Brth,
            atb,
            atb + Duration::minutes(5),
        );
        let etd = departure + Duration::minutes(rng.gen_range(-120..120));
        push(
            spec.terminal,
            Est,
            Depa,
            Brth,
            etd,
            atb + Duration::minutes(10),
        );
        push(
            spec.terminal,
            Act,
            Depa,
            Brth,
            departure,
            departure + Duration::minutes(5),
        );
    }

    let times = CallTimes::folded(CallTimes::default(), &events);
    let terminal = TERMINALS
        .iter()
        .find(|t| t.code == spec.terminal)
        .expect("services name known terminals");
    let call = PortCall {
        call_ref,
        port: PORT.0.into(),
        terminal: Some(spec.terminal.into()),
        vessel_imo: vessel.imo.clone(),
        carrier: spec.carrier.into(),
        service: spec.service.into(),
        import_voyage: format!("{voyage}E"),
        export_voyage: format!("{voyage}W"),
        actual: (!sim.omitted && departure <= as_of).then_some(sim.moves),
        expected: sim.planned_moves,
        rail_share: (terminal.rail_share + rng.gen_range(-0.05..0.05)).clamp(0.0, 1.0),
        times,
    };
    (call, events)
}
