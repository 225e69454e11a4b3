//! A deterministic demo port: the Port of Los Angeles with three years of history and six weeks
//! of schedules, generated from a seed so tests and screenshots are reproducible.
//!
//! Calibration (public figures): about 9 million TEU a year; loaded imports about 3.7× loaded
//! exports; empties mostly going back out; a Lunar New Year dip in February–March and a peak in
//! August–October. The monthly statistics are generated first and the port calls are cut to
//! match them: the discharged TEU of the calls that berthed in a published month add up to that
//! month's imports within [`STATS_TOLERANCE`] (whole-TEU rounding).

mod catalogue;

use crate::domain::port_call::imo_check_digit;
use crate::domain::{
    CallTimes, Classifier, EventType, FacilityType, MonthlyStats, Port, PortCall, PortCallEvent,
    Terminal, TeuMoves, Vessel,
};
use crate::storage::{Batch, Carrier, Service};
use catalogue::{ServiceSpec, PORT, SERVICES, TERMINALS, VESSEL_NAMES};
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, HashSet};

pub const DEFAULT_SEED: u64 = 2020;
pub const PORT_LOCODE: &str = PORT.0;
/// Published months of history.
pub const HISTORY_MONTHS: i32 = 36;
/// Weeks of schedules ahead of `as_of`.
pub const FUTURE_WEEKS: i64 = 6;
/// Relative difference allowed between a month's import statistics and its calls' discharge.
pub const STATS_TOLERANCE: f64 = 0.001;
/// Ports publish a month's statistics about two weeks after it ends.
const PUBLICATION_LAG_DAYS: i64 = 15;
const VESSELS_PER_LOOP: usize = 6;
/// Average month, in TEU, before season and growth.
const BASE_MONTH_TEU: f64 = 750_000.0;
const YEARLY_GROWTH: f64 = 0.025;
/// January … December.
const SEASON: [f64; 12] = [
    0.98, 0.84, 0.86, 0.95, 1.00, 1.02, 1.06, 1.13, 1.10, 1.08, 0.99, 0.97,
];

#[derive(Clone, Copy, Debug)]
pub struct DemoOptions {
    pub seed: u64,
    /// The demo's "now": history ends and schedules start here.
    pub as_of: DateTime<Utc>,
}

/// A calendar month, ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Month {
    year: i32,
    month: u32,
}

impl Month {
    fn of(t: DateTime<Utc>) -> Self {
        Month {
            year: t.year(),
            month: t.month(),
        }
    }
    fn offset(self, months: i32) -> Self {
        let i = self.year * 12 + self.month as i32 - 1 + months;
        Month {
            year: i.div_euclid(12),
            month: i.rem_euclid(12) as u32 + 1,
        }
    }
    fn start(self) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(self.year, self.month, 1, 0, 0, 0)
            .unwrap()
    }
    fn label(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }
}

/// One month's true volume in TEU.
#[derive(Clone, Copy, Debug)]
struct MonthVolume {
    loaded_imports: f64,
    empty_imports: f64,
    loaded_exports: f64,
    empty_exports: f64,
}

/// The last month whose statistics are published at `as_of`.
pub fn last_published_month(as_of: DateTime<Utc>) -> String {
    Month::of(as_of - Duration::days(PUBLICATION_LAG_DAYS))
        .offset(-1)
        .label()
}

/// A call as simulated, before it is cut down to what is known at `as_of`.
struct SimCall {
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

pub fn generate(opts: &DemoOptions) -> Batch {
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let as_of = opts.as_of;
    let last_stats = Month::of(as_of - Duration::days(PUBLICATION_LAG_DAYS)).offset(-1);
    let first_stats = last_stats.offset(1 - HISTORY_MONTHS);
    let first_sim = first_stats.offset(-1);
    let end = as_of + Duration::weeks(FUTURE_WEEKS);

    let volumes = month_volumes(&mut rng, first_sim, Month::of(end).offset(1));
    let vessels = vessels(&mut rng);
    // From two weeks before the first published month, so every call that berths in it is there.
    let window = (first_stats.start() - Duration::days(14), end);
    let mut sims = simulate_calls(&mut rng, &vessels, window.0, window.1);
    assign_moves(&mut rng, &mut sims, &volumes, window);

    let mut batch = Batch {
        ports: vec![Port {
            locode: PORT.0.into(),
            name: PORT.1.into(),
            time_zone: PORT.2.into(),
        }],
        terminals: TERMINALS
            .iter()
            .map(|t| Terminal {
                port: PORT.0.into(),
                code: t.code.into(),
                name: t.name.into(),
                berths: t.berths,
                gang_moves_per_hour: t.gang_moves_per_hour,
                daily_capacity_teu: t.daily_capacity_teu,
            })
            .collect(),
        carriers: SERVICES
            .iter()
            .map(|s| Carrier {
                code: s.carrier.into(),
                name: s.carrier_name.into(),
            })
            .collect(),
        services: SERVICES
            .iter()
            .map(|s| Service {
                carrier: s.carrier.into(),
                code: s.service.into(),
                name: s.service_name.into(),
            })
            .collect(),
        vessels: vessels.iter().map(|(v, _)| v.clone()).collect(),
        ..Batch::default()
    };

    for sim in &sims {
        let (call, events) = known_at(&mut rng, sim, &vessels, as_of);
        batch.port_calls.push(call);
        batch.events.extend(events);
    }

    batch.monthly_stats = volumes
        .iter()
        .filter(|(m, _)| **m >= first_stats && **m <= last_stats)
        .map(|(m, v)| MonthlyStats {
            port: PORT.0.into(),
            month: m.label(),
            loaded_imports: v.loaded_imports,
            loaded_exports: v.loaded_exports,
            empty_imports: Some(v.empty_imports),
            empty_exports: Some(v.empty_exports),
            empties: round2(v.empty_imports + v.empty_exports),
            total_teu: round2(
                v.loaded_imports + v.empty_imports + v.loaded_exports + v.empty_exports,
            ),
        })
        .collect();
    batch
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn month_volumes(rng: &mut ChaCha8Rng, from: Month, to: Month) -> BTreeMap<Month, MonthVolume> {
    let mut out = BTreeMap::new();
    let mut m = from;
    let mut i = 0.0;
    while m <= to {
        let total = BASE_MONTH_TEU
            * SEASON[m.month as usize - 1]
            * (1.0 + YEARLY_GROWTH * i / 12.0)
            * rng.gen_range(0.96..1.04);
        let li = total * 0.48 * rng.gen_range(0.98..1.02);
        let ei = total * 0.02 * rng.gen_range(0.8..1.2);
        let le = total * 0.13 * rng.gen_range(0.95..1.05);
        let ee = total - li - ei - le;
        out.insert(
            m,
            MonthVolume {
                loaded_imports: round2(li),
                empty_imports: round2(ei),
                loaded_exports: round2(le),
                empty_exports: round2(ee),
            },
        );
        m = m.offset(1);
        i += 1.0;
    }
    out
}

/// Each service runs a loop of vessels; returns each vessel with its service's index.
fn vessels(rng: &mut ChaCha8Rng) -> Vec<(Vessel, usize)> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (si, s) in SERVICES.iter().enumerate() {
        for k in 0..VESSELS_PER_LOOP {
            let imo = loop {
                let six: Vec<u32> = std::iter::once(9)
                    .chain((0..5).map(|_| rng.gen_range(0..10)))
                    .collect();
                let imo: String = six
                    .iter()
                    .chain(std::iter::once(&imo_check_digit(&six)))
                    .map(|d| char::from_digit(*d, 10).unwrap())
                    .collect();
                if seen.insert(imo.clone()) {
                    break imo;
                }
            };
            let capacity = rng.gen_range(s.capacity.0..=s.capacity.1) / 100 * 100;
            let call_sign: String = (0..5).map(|_| rng.gen_range(b'A'..=b'Z') as char).collect();
            out.push((
                Vessel {
                    name: format!(
                        "{} {}",
                        s.vessel_prefix,
                        VESSEL_NAMES[(si * 3 + k) % VESSEL_NAMES.len()]
                    ),
                    mmsi: Some(format!("{}", rng.gen_range(200_000_000u32..775_000_000))),
                    call_sign: Some(call_sign),
                    operator: Some(s.carrier.into()),
                    teu_capacity: Some(capacity),
                    imo,
                },
                si,
            ));
        }
    }
    out
}

fn simulate_calls(
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
fn assign_moves(
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
fn known_at(
    rng: &mut ChaCha8Rng,
    sim: &SimCall,
    vessels: &[(Vessel, usize)],
    as_of: DateTime<Utc>,
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
        for lead_days in [14i64, 7, 3, 1] {
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

/// The demo's default "now": the current hour, so a fresh start shows the coming weeks.
pub fn default_as_of() -> DateTime<Utc> {
    let now = Utc::now();
    let date: NaiveDate = now.date_naive();
    Utc.from_utc_datetime(&date.and_hms_opt(now.hour_of_day(), 0, 0).unwrap())
}

trait HourOfDay {
    fn hour_of_day(&self) -> u32;
}

impl HourOfDay for DateTime<Utc> {
    fn hour_of_day(&self) -> u32 {
        chrono::Timelike::hour(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
}
