//! Read path of the weekly import outlook: the port's calls and their events as known at
//! `as_of` → the domain's draws → the API's JSON.

use crate::domain::forecast::Band;
use crate::domain::indicator::{volumes_by_week, week_start_utc};
use crate::domain::outlook::{
    eta_misses, import_teu, known_at, service_utilisation, weekly_outlook, MissHistory,
};
use crate::domain::{IsoWeek, PortCallEvent};
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

#[derive(Clone, Debug, PartialEq, Serialize)]
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
}

#[derive(Clone, Debug, PartialEq, Serialize)]
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
    let weeks = weeks.unwrap_or(DEFAULT_WEEKS);
    if !(1..=MAX_WEEKS).contains(&weeks) {
        return Err(AppError::BadRequest(format!(
            "weeks {weeks} is outside 1-{MAX_WEEKS}"
        )));
    }
    let locode = port.trim().to_uppercase();
    let port = store
        .port(&locode)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no port {locode} in this portsignal")))?;
    let tz: chrono_tz::Tz = port.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let first = IsoWeek::of(as_of.with_timezone(&tz).date_naive());
    let end = week_start_utc(first.offset(weeks as i64), &tz);

    let calls = store
        .port_calls_arriving(&locode, as_of - LEARN_FROM, end + STILL_COMING)
        .await?;
    let refs: Vec<String> = calls.iter().map(|c| c.call_ref.clone()).collect();
    let events = store.events_of_calls(&refs).await?;
    let mut by_call: HashMap<&str, Vec<&PortCallEvent>> = HashMap::new();
    for e in &events {
        by_call.entry(e.call_ref.as_str()).or_default().push(e);
    }
    let none = Vec::new();
    let mut known = Vec::with_capacity(calls.len());
    let mut misses = Vec::new();
    for c in &calls {
        let events = by_call.get(c.call_ref.as_str()).unwrap_or(&none);
        misses.extend(eta_misses(c, events, as_of));
        known.push(known_at(c, events, as_of));
    }
    let mut capacity: HashMap<String, Option<f64>> = HashMap::new();
    for c in &calls {
        if !capacity.contains_key(&c.vessel_imo) {
            let cap = store
                .vessel(&c.vessel_imo)
                .await?
                .and_then(|v| v.teu_capacity)
                .map(f64::from);
            capacity.insert(c.vessel_imo.clone(), cap);
        }
    }
    let utilisation =
        service_utilisation(&calls, |imo| capacity.get(imo).copied().flatten(), as_of);
    let history = MissHistory::new(&misses);
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
    let year_ago_from = week_start_utc(first.year_earlier(), &tz);
    let year_ago_calls = store
        .port_calls_arriving(
            &locode,
            year_ago_from,
            year_ago_from + Duration::weeks(weeks as i64 + 1),
        )
        .await?;
    let year_ago = volumes_by_week(&year_ago_calls, &tz);
    let mut previous = before.get(&first.offset(-1)).map(|v| v.import_teu);
    let weeks = bands
        .into_iter()
        .map(|mut b| {
            // The current week counts what has arrived in it already.
            if let Some(volume) = before.get(&b.week) {
                b.import_teu = b.import_teu.shifted(volume.import_teu.round());
                b.vessels += f64::from(volume.vessels);
                let in_week = |c: &&crate::domain::PortCall| {
                    c.times
                        .actual_berth_arrival
                        .map(|a| IsoWeek::of(a.with_timezone(&tz).date_naive()))
                        == Some(b.week)
                };
                let rail: f64 = arrived
                    .iter()
                    .filter(in_week)
                    .map(|c| c.best_discharge_teu() * c.rail_share)
                    .sum();
                b.rail_teu += rail.round();
            }
            let row = OutlookWeek {
                iso_week: b.week.to_string(),
                start: b.week.start().to_string(),
                import_teu: b.import_teu,
                rail_teu: b.rail_teu,
                vessels: b.vessels,
                wow_pct: pct(b.import_teu.p50, previous),
                yoy_pct: pct(
                    b.import_teu.p50,
                    year_ago.get(&b.week.year_earlier()).map(|v| v.import_teu),
                ),
            };
            previous = Some(b.import_teu.p50);
            row
        })
        .collect();
    Ok(WeeklyOutlook {
        port: locode,
        as_of,
        weeks,
    })
}
