//! Read path of the arrivals list: the page of calls the query selects, filtered, ordered
//! and cut by the database as the domain's `select` says → rows with vessel names and local
//! times.

use crate::domain::arrivals::{eta_change, ArrivalsQuery, PAGE_SIZE};
use crate::error::AppError;
use crate::storage::{CallFilter, Storage};
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
    // The database filters, sorts and cuts the page, as `domain::arrivals::select` does.
    let filter = CallFilter {
        port: Some(locode.clone()),
        terminal: query.terminal.clone(),
        carrier: query.carrier.clone(),
        service: query.service.clone(),
        status: query.status.map(|s| (s, now)),
        // Without a status, departed and omitted calls are left out.
        open_at: query.status.is_none().then_some(now),
        from: Some(from),
        to: Some(to),
        limit: PAGE_SIZE as u32,
        ..CallFilter::default()
    };
    let total = usize::try_from(store.count_calls(&filter).await?).unwrap_or(0);
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = query.page.clamp(1, pages);
    let offset = ((page - 1) * PAGE_SIZE) as u64;
    let rows = store.port_calls_sorted(&filter, query.sort, offset).await?;

    let local = |t: Option<DateTime<Utc>>| {
        t.map(|t| t.with_timezone(&tz).format("%a %d %b %H:%M").to_string())
            .unwrap_or_default()
    };
    let imos: Vec<String> = rows.iter().map(|c| c.vessel_imo.clone()).collect();
    let names = store.vessel_names(&imos).await?;
    let mut out = Vec::with_capacity(rows.len());
    for c in &rows {
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
    // The filters offer every carrier and service calling in the dates, whatever is chosen.
    let offered = store
        .call_services(&CallFilter {
            port: Some(locode.clone()),
            from: Some(from),
            to: Some(to),
            ..CallFilter::default()
        })
        .await?;
    let carriers: BTreeSet<String> = offered.iter().map(|(c, _)| c.clone()).collect();
    let services: BTreeSet<(String, String)> = offered
        .into_iter()
        .map(|(carrier, service)| (service.clone(), format!("{carrier} {service}")))
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
