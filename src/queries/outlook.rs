//! Read path of the weekly import outlook: the port's calls and their events as known at
//! `as_of` → the domain's draws → the API's JSON.

use crate::domain::forecast::Band;
use crate::domain::indicator::{volumes_by_week, week_start_utc};
use crate::domain::outlook::{
    cancellation_lead, eta_misses, import_teu, known_at, service_utilisation, weekly_outlook,
    History, MissHistory, Split, VolumeHistory, NO_TERMINAL,
};
use crate::domain::{IsoWeek, PortCall, PortCallEvent};
use crate::error::AppError;
use crate::storage::Storage;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use std::collections::HashMap;

pub const DEFAULT_WEEKS: usize = 6;
pub const MAX_WEEKS: usize = 8;
/// How far back arrivals teach the ETA misses and utilisation.
const LEARN_FROM: Duration = Duration::days(182);
/// A call this far behind its ETA may still be coming.
const STILL_COMING: Duration = Duration::days(30);

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct OutlookWeek {
    pub iso_week: String,
    pub start: String,
    pub import_teu: Band,
    pub rail_teu: f64,
    pub vessels: f64,
    /// P50 against the week before (its actual import TEU for the current week).
    pub wow_pct: Option<f64>,
    /// P50 against the actual import TEU of the same ISO week a year earlier.
    pub yoy_pct: Option<f64>,
    /// Import TEU of the same ISO week a year earlier.
    pub year_ago_teu: Option<f64>,
    /// Expected import TEU (mean of the draws, with what has arrived), laden and by rail.
    pub expected: Split,
    /// The same by terminal (`-`: none named) and by carrier, largest first.
    pub by_terminal: Vec<GroupSplit>,
    pub by_carrier: Vec<GroupSplit>,
}

/// One terminal's or carrier's expected import TEU in a week.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct GroupSplit {
    pub key: String,
    #[serde(flatten)]
    pub split: Split,
}

fn groups(groups: Vec<(String, Split)>) -> Vec<GroupSplit> {
    groups
        .into_iter()
        .map(|(key, split)| GroupSplit { key, split })
        .collect()
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct WeeklyOutlook {
    pub port: String,
    pub as_of: DateTime<Utc>,
    pub weeks: Vec<OutlookWeek>,
}

fn pct(now: f64, before: Option<f64>) -> Option<f64> {
    before
        .filter(|b| *b > 0.0)
        .map(|b| ((now / b - 1.0) * 1000.0).round() / 10.0)
}

/// The import outlook of `port` for `weeks` ISO weeks (1-8, default 6) from the one holding
/// `as_of` (RFC 3339; default now), from what was known at `as_of`.
pub async fn weekly(
    store: &dyn Storage,
    port: &str,
    as_of: Option<&str>,
    weeks: Option<usize>,
    now: DateTime<Utc>,
) -> Result<WeeklyOutlook, AppError> {
    let as_of = match as_of {
        Some(text) => DateTime::parse_from_rfc3339(text.trim())
            .map_err(|_| {
                AppError::BadRequest(format!(
                    "as_of '{text}' is not a date-time with an offset (RFC 3339)"
                ))
            })?
            .with_timezone(&Utc),
        None => now,
    };
    weekly_at(store, port, as_of, checked_weeks(weeks)?).await
}

/// The weeks asked for (default 6), when in 1-8.
pub fn checked_weeks(weeks: Option<usize>) -> Result<usize, AppError> {
    let weeks = weeks.unwrap_or(DEFAULT_WEEKS);
    if !(1..=MAX_WEEKS).contains(&weeks) {
        return Err(AppError::BadRequest(format!(
            "weeks {weeks} is outside 1-{MAX_WEEKS}"
        )));
    }
    Ok(weeks)
}

type CacheKey = (String, DateTime<Utc>, usize);

/// Outlooks already computed, by port, moment and weeks: the draws of one port's outlook take
/// ~100 ms, and pages ask for the current minute's (`page_now`) over and over. Concurrent
/// requests for one key wait for a single computation. A change announced for a port (ingest,
/// here or on another instance) forgets that port's outlooks; entries for moments more than
/// five minutes old are dropped as new ones come.
#[derive(Clone, Default)]
pub struct OutlookCache(
    std::sync::Arc<
        std::sync::Mutex<HashMap<CacheKey, std::sync::Arc<tokio::sync::OnceCell<WeeklyOutlook>>>>,
    >,
);

impl std::fmt::Debug for OutlookCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OutlookCache")
    }
}

impl OutlookCache {
    /// Forgets the outlooks of `port` (of every port for `*`).
    pub fn forget(&self, port: &str) {
        if let Ok(mut map) = self.0.lock() {
            map.retain(|k, _| port != crate::live::ALL_PORTS && k.0 != port);
        }
    }

    /// The outlook of `port` (a stored port's UN/LOCODE) as of `as_of`, computed once.
    pub async fn weekly_at(
        &self,
        store: &dyn Storage,
        port: &str,
        as_of: DateTime<Utc>,
        weeks: usize,
    ) -> Result<WeeklyOutlook, AppError> {
        let key = (port.to_uppercase(), as_of, weeks);
        let cell = {
            let mut map = self
                .0
                .lock()
                .map_err(|_| AppError::Internal("outlook cache poisoned".into()))?;
            if !map.contains_key(&key) {
                let stale = as_of - Duration::minutes(5);
                map.retain(|k, _| k.1 >= stale);
            }
            map.entry(key).or_default().clone()
        };
        let hit = cell.initialized();
        metrics::counter!("portsignal_outlook_cache_total", "result" => if hit { "hit" } else { "miss" })
            .increment(1);
        cell.get_or_try_init(|| async {
            let data = OutlookData::load(store, port, as_of, as_of, weeks).await?;
            tokio::task::spawn_blocking(move || data.at(as_of, weeks))
                .await
                .map_err(|e| AppError::Internal(format!("outlook computation failed: {e}")))
        })
        .await
        .cloned()
    }
}

/// [`weekly`] with its arguments checked: `weeks` in 1-8.
pub async fn weekly_at(
    store: &dyn Storage,
    port: &str,
    as_of: DateTime<Utc>,
    weeks: usize,
) -> Result<WeeklyOutlook, AppError> {
    Ok(OutlookData::load(store, port, as_of, as_of, weeks)
        .await?
        .at(as_of, weeks))
}

/// What the outlook reads from storage, for every `as_of` in a range: reading once and
/// computing many times is what makes reproducing half a year of daily outlooks cheap.
pub struct OutlookData {
    locode: String,
    tz: chrono_tz::Tz,
    /// Calls whose best-known arrival may matter to an outlook in the range, in arrival order.
    calls: Vec<PortCall>,
    events: HashMap<String, Vec<PortCallEvent>>,
    capacity: HashMap<String, Option<f64>>,
    /// Calls in the same weeks a year earlier, for the year-on-year change.
    year_ago: Vec<PortCall>,
}

/// From, to (exclusive).
type Window = (DateTime<Utc>, DateTime<Utc>);

/// The calls an outlook as of `as_of` reads: the weeks shown, what came before to learn from,
/// and what is late enough to still be coming.
fn windows(as_of: DateTime<Utc>, weeks: usize, tz: &chrono_tz::Tz) -> (Window, Window) {
    let first = IsoWeek::at(as_of, tz);
    let end = week_start_utc(first.offset(weeks as i64), tz);
    let year_ago_from = week_start_utc(first.year_earlier(), tz);
    (
        (as_of - LEARN_FROM, end + STILL_COMING),
        (
            year_ago_from,
            year_ago_from + Duration::weeks(weeks as i64 + 1),
        ),
    )
}

fn arriving(calls: &[PortCall], (from, to): Window) -> Vec<&PortCall> {
    calls
        .iter()
        .filter(|c| c.times.best_arrival().is_some_and(|a| from <= a && a < to))
        .collect()
}

impl OutlookData {
    /// Reads what outlooks of `weeks` weeks as of any moment in `[from, to]` need.
    pub async fn load(
        store: &dyn Storage,
        port: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        weeks: usize,
    ) -> Result<Self, AppError> {
        let (port, tz) = super::known_port(store, port).await?;
        let locode = port.locode.clone();
        let (main_from, year_ago_from) = windows(from, weeks, &tz);
        let (main_to, year_ago_to) = windows(to, weeks, &tz);
        let calls = store
            .port_calls_arriving(&locode, main_from.0, main_to.1)
            .await?;
        let year_ago = store
            .port_calls_arriving(&locode, year_ago_from.0, year_ago_to.1)
            .await?;
        let refs: Vec<String> = calls.iter().map(|c| c.call_ref.clone()).collect();
        let mut events: HashMap<String, Vec<PortCallEvent>> = HashMap::new();
        for e in store.events_of_calls(&refs).await? {
            events.entry(e.call_ref.clone()).or_default().push(e);
        }
        let imos: Vec<String> = calls.iter().map(|c| c.vessel_imo.clone()).collect();
        let known = store.vessels(&imos).await?;
        let capacity: HashMap<String, Option<f64>> = imos
            .into_iter()
            .map(|imo| {
                let cap = known.get(&imo).and_then(|v| v.teu_capacity).map(f64::from);
                (imo, cap)
            })
            .collect();
        Ok(OutlookData {
            locode,
            tz,
            calls,
            events,
            capacity,
            year_ago,
        })
    }

    /// The outlook as known at `as_of` (within the range loaded), `weeks` weeks from the one
    /// holding it.
    pub fn at(&self, as_of: DateTime<Utc>, weeks: usize) -> WeeklyOutlook {
        let tz = self.tz;
        let capacity = &self.capacity;
        let first = IsoWeek::at(as_of, &tz);
        let (main, year_ago_window) = windows(as_of, weeks, &tz);
        let calls: Vec<PortCall> = arriving(&self.calls, main).into_iter().cloned().collect();
        let none = Vec::new();
        let mut known = Vec::with_capacity(calls.len());
        let mut misses = Vec::new();
        let mut cancel_leads = Vec::with_capacity(calls.len());
        for c in &calls {
            let events: Vec<&PortCallEvent> = self
                .events
                .get(&c.call_ref)
                .unwrap_or(&none)
                .iter()
                .collect();
            misses.extend(eta_misses(c, &events, as_of));
            let k = known_at(c, &events, as_of);
            cancel_leads.push(cancellation_lead(&k, &events, as_of));
            known.push(k);
        }
        let utilisation =
            service_utilisation(&calls, |imo| capacity.get(imo).copied().flatten(), as_of);
        let history = History {
            misses: MissHistory::new(&misses),
            volume: VolumeHistory::new(known.iter().zip(cancel_leads), as_of),
        };
        let seed = as_of.timestamp() as u64;
        let bands = weekly_outlook(
            &known,
            |c| {
                import_teu(
                    c,
                    capacity.get(&c.vessel_imo).copied().flatten(),
                    &utilisation,
                )
            },
            &history,
            &tz,
            as_of,
            weeks,
            seed,
        );

        // Actual import TEU of the week before and of the same weeks a year earlier.
        let arrived: Vec<_> = known
            .iter()
            .filter(|c| c.times.actual_berth_arrival.is_some_and(|a| a <= as_of))
            .cloned()
            .collect();
        let before = volumes_by_week(&arrived, &tz);
        let year_ago_calls: Vec<PortCall> = arriving(&self.year_ago, year_ago_window)
            .into_iter()
            .cloned()
            .collect();
        let year_ago = volumes_by_week(&year_ago_calls, &tz);
        let mut previous = before.get(&first.offset(-1)).map(|v| v.import_teu);
        let weeks = bands
            .into_iter()
            .map(|mut b| {
                // The current week counts what has arrived in it already.
                if let Some(volume) = before.get(&b.week) {
                    b.import_teu = b.import_teu.shifted(volume.import_teu.round());
                    b.vessels += f64::from(volume.vessels);
                    let week = b.week;
                    let in_week = |c: &&PortCall| {
                        c.times.actual_berth_arrival.map(|a| IsoWeek::at(a, &tz)) == Some(week)
                    };
                    let mut rail = 0.0;
                    for c in arrived.iter().filter(in_week) {
                        let split = Split::of_call(c, c.best_discharge_teu(), 1.0);
                        rail += split.rail;
                        b.add_arrived(
                            split.rounded(),
                            c.terminal.as_deref().unwrap_or(NO_TERMINAL),
                            &c.carrier,
                        );
                    }
                    b.rail_teu += rail.round();
                }
                let year_ago_teu = year_ago
                    .get(&b.week.year_earlier())
                    .map(|v| v.import_teu.round());
                let row = OutlookWeek {
                    iso_week: b.week.to_string(),
                    start: b.week.start().to_string(),
                    import_teu: b.import_teu,
                    rail_teu: b.rail_teu,
                    vessels: b.vessels,
                    wow_pct: pct(b.import_teu.p50, previous),
                    yoy_pct: pct(b.import_teu.p50, year_ago_teu),
                    year_ago_teu,
                    expected: b.expected,
                    by_terminal: groups(b.by_terminal),
                    by_carrier: groups(b.by_carrier),
                };
                previous = Some(b.import_teu.p50);
                row
            })
            .collect();
        WeeklyOutlook {
            port: self.locode.clone(),
            as_of,
            weeks,
        }
    }
}
