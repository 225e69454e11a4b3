//! Read path of the arrivals list: the port's calls around the query's dates → the domain's
//! selection, order and page → rows with vessel names and local times.

use crate::domain::arrivals::{eta_change, select, ArrivalsQuery};
use crate::error::AppError;
use crate::storage::Storage;
use crate::view_model::{ArrivalRow, ArrivalsView};
use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use std::collections::BTreeSet;

/// Without dates, calls arriving from this long ago (still at anchor or at berth) …
const LOOK_BACK: Duration = Duration::days(30);
/// … to this far ahead (the schedules' reach).
const LOOK_AHEAD: Duration = Duration::weeks(10);

pub async fn arrivals(
    store: &dyn Storage,
    port: &str,
    query: ArrivalsQuery,
    now: DateTime<Utc>,
) -> Result<ArrivalsView, AppError> {
    let (port, tz) = super::known_port(store, port).await?;
    let locode = port.locode.clone();
    let local_start = |d: chrono::NaiveDate| {
        tz.from_local_datetime(&d.and_time(NaiveTime::MIN))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    };
    let from = query.from.and_then(local_start).unwrap_or(now - LOOK_BACK);
    let to = query
        .to
        .and_then(|d| local_start(d.succ_opt()?))
        .unwrap_or(now + LOOK_AHEAD);
    let calls = store.port_calls_arriving(&locode, from, to).await?;
    let (rows, total, page, pages) = select(&calls, &query, now, &tz);

    let local = |t: Option<DateTime<Utc>>| {
        t.map(|t| t.with_timezone(&tz).format("%a %d %b %H:%M").to_string())
            .unwrap_or_default()
    };
    let imos: Vec<String> = rows.iter().map(|c| c.vessel_imo.clone()).collect();
    let names = store.vessel_names(&imos).await?;
    let mut out = Vec::with_capacity(rows.len());
    for c in rows {
        let status = c.status(now);
        out.push(ArrivalRow {
            call_ref: c.call_ref.clone(),
            vessel: names
                .get(&c.vessel_imo)
                .cloned()
                .unwrap_or_else(|| c.vessel_imo.clone()),
            imo: c.vessel_imo.clone(),
            carrier: c.carrier.clone(),
            service: c.service.clone(),
            voyage: c.import_voyage.clone(),
            terminal: c.terminal.clone().unwrap_or_default(),
            status: status.code().into(),
            status_label: status.label().into(),
            scheduled: local(c.times.planned_arrival),
            latest: local(c.times.best_arrival()),
            change: eta_change(c.times.planned_arrival, c.times.best_arrival()).unwrap_or_default(),
            discharge_teu: c.expected.discharge(),
            load_teu: c.expected.load_laden + c.expected.load_empty,
        });
    }
    let carriers: BTreeSet<String> = calls.iter().map(|c| c.carrier.clone()).collect();
    let services: BTreeSet<(String, String)> = calls
        .iter()
        .map(|c| (c.service.clone(), format!("{} {}", c.carrier, c.service)))
        .collect();
    Ok(ArrivalsView {
        terminals: store
            .terminals(&locode)
            .await?
            .into_iter()
            .map(|t| (t.code, t.name))
            .collect(),
        carriers: carriers.into_iter().collect(),
        services: services.into_iter().collect(),
        port: port.locode,
        port_name: port.name,
        as_of_local: super::local_stamp(now, &tz),
        time_zone: port.time_zone,
        query,
        rows: out,
        total,
        page,
        pages,
    })
}
