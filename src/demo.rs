//! A deterministic demo port: the Port of Los Angeles with three years of history and six weeks
//! of schedules, generated from a seed so tests and screenshots are reproducible.
//!
//! Calibration (public figures): about 9 million TEU a year; loaded imports about 3.7× loaded
//! exports; empties mostly going back out; a Lunar New Year dip in February–March and a peak in
//! August–October. The monthly statistics are generated first and the port calls are cut to
//! match them: the discharged TEU of the calls that berthed in a published month add up to that
//! month's imports within [`STATS_TOLERANCE`] (whole-TEU rounding).

mod calls;
mod catalogue;
pub mod national;
#[cfg(test)]
mod tests;

use crate::domain::port_call::imo_check_digit;
use crate::domain::{MonthlyStats, Port, Terminal, Vessel};
use crate::storage::{Batch, Carrier, Service};
use calls::{assign_moves, known_at, simulate_calls};
use catalogue::{PORT, SERVICES, TERMINALS, VESSEL_NAMES};
use chrono::{DateTime, Datelike, Duration, DurationRound, TimeZone, Utc};
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
pub(crate) struct Month {
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
pub(crate) struct MonthVolume {
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

/// Days before the planned arrival at which the carrier sends a new ETA.
pub const ETA_LEADS: [i64; 4] = [14, 7, 3, 1];

pub fn generate(opts: &DemoOptions) -> Batch {
    generate_with(opts, &ETA_LEADS)
}

/// The demo port, with an ETA from the carrier at each of `eta_leads` days before arrival.
pub fn generate_with(opts: &DemoOptions, eta_leads: &[i64]) -> Batch {
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
        let (call, events) = known_at(&mut rng, sim, &vessels, as_of, eta_leads);
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

/// The demo's default "now": the current hour, so a fresh start shows the coming weeks.
pub fn default_as_of() -> DateTime<Utc> {
    Utc::now()
        .duration_trunc(Duration::hours(1))
        .unwrap_or_else(|_| Utc::now())
}

/// Loads a generated port the way real data arrives: the port's set-up (port, terminals,
/// carriers, services, vessels) as an administrator would enter it, then every call through
/// the port-call import's write step (schedule and events, folded by the store), then the
/// statistics through the statistics import's.
pub async fn load(store: &dyn crate::storage::Storage, batch: &Batch) -> Result<(), LoadError> {
    load_setup(store, batch).await?;
    load_calls(store, batch).await?;
    load_statistics(store, &batch.ports, &batch.monthly_stats).await
}

/// The ports' set-up (port, terminals, carriers, services, vessels), as an administrator
/// would enter it.
pub async fn load_setup(
    store: &dyn crate::storage::Storage,
    batch: &Batch,
) -> Result<(), LoadError> {
    let setup = Batch {
        ports: batch.ports.clone(),
        terminals: batch.terminals.clone(),
        carriers: batch.carriers.clone(),
        services: batch.services.clone(),
        vessels: batch.vessels.clone(),
        ..Batch::default()
    };
    store.write_batch(&setup).await?;
    Ok(())
}

/// Every call with its events through the port-call import's write step (schedule and
/// events, folded by the store).
pub async fn load_calls(
    store: &dyn crate::storage::Storage,
    batch: &Batch,
) -> Result<(), LoadError> {
    use crate::ingest::port_calls_csv::CallRow;
    use crate::ingest::store_port_calls;
    let vessels: BTreeMap<&str, &Vessel> =
        batch.vessels.iter().map(|v| (v.imo.as_str(), v)).collect();
    let mut events: BTreeMap<&str, Vec<crate::domain::PortCallEvent>> = BTreeMap::new();
    for e in &batch.events {
        events
            .entry(e.call_ref.as_str())
            .or_default()
            .push(e.clone());
    }
    let rows: Vec<CallRow> = batch
        .port_calls
        .iter()
        .enumerate()
        .map(|(i, call)| CallRow {
            row: format!("call {}", i + 1),
            call: call.clone(),
            vessel: (*vessels[call.vessel_imo.as_str()]).clone(),
            events: events.remove(call.call_ref.as_str()).unwrap_or_default(),
        })
        .collect();
    store_port_calls(store, &rows, false, &|_| {}).await?;
    Ok(())
}

/// Each port's statistics through the statistics import's write step.
pub async fn load_statistics(
    store: &dyn crate::storage::Storage,
    ports: &[Port],
    stats: &[MonthlyStats],
) -> Result<(), LoadError> {
    use crate::ingest::{store_statistics, Parsed};
    for port in ports {
        let records: Vec<MonthlyStats> = stats
            .iter()
            .filter(|s| s.port == port.locode)
            .cloned()
            .collect();
        let parsed = Parsed {
            read: records.len(),
            records,
            problems: Vec::new(),
        };
        store_statistics(store, &port.locode, &parsed).await?;
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Storage(#[from] crate::storage::StorageError),
    #[error("the demo port was refused by ingestion: {0}")]
    Rejected(#[from] crate::ingest::Rejected),
}
