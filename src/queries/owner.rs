//! Read path of a cargo owner's page: the port's coming calls → those of the carriers and
//! services the owner's organisation follows (volume by week and terminal, ETA changes since
//! the previous visit) and those on the user's watchlist (with each call's ETA history).

use crate::accounts::{User, Watch, WatchKind};
use crate::domain::indicator::week_start_utc;
use crate::domain::owner::{eta_change_since, eta_history, weekly_by_terminal};
use crate::domain::{IsoWeek, PortCall, PortCallEvent};
use crate::error::AppError;
use crate::storage::Storage;
use crate::view_model::{OwnerCall, OwnerView, OwnerWeekRow, WatchRow};
use chrono::{DateTime, Duration, Utc};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// ISO weeks shown, from the current one.
pub const WEEKS: i64 = 6;
/// Calls that arrived this long ago may still be at the port.
const LOOK_BACK: Duration = Duration::days(3);

fn service_key(call: &PortCall) -> String {
    format!("{}:{}", call.carrier, call.service)
}

fn watches(watch: &Watch, call: &PortCall) -> bool {
    match watch.kind {
        WatchKind::Vessel => call.vessel_imo == watch.key,
        WatchKind::Service => service_key(call) == watch.key,
    }
}

pub async fn owner(
    store: &dyn Storage,
    port: &str,
    user: &User,
    since: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<OwnerView, AppError> {
    let (port, tz) = super::known_port(store, port).await?;
    let organisation = match user.organisation_id {
        Some(id) => store
            .organisations()
            .await?
            .into_iter()
            .find(|o| o.id == id),
        None => None,
    };
    let follows = organisation
        .as_ref()
        .map(|o| o.follows.clone())
        .unwrap_or_default();
    let first = IsoWeek::at(now, &tz);
    let weeks: Vec<IsoWeek> = (0..WEEKS).map(|i| first.offset(i)).collect();
    let calls = store
        .port_calls_arriving(
            &port.locode,
            week_start_utc(first, &tz).min(now - LOOK_BACK),
            week_start_utc(first.offset(WEEKS), &tz),
        )
        .await?;
    let is_followed = |c: &PortCall| follows.iter().any(|f| f.covers(&c.carrier, &c.service));
    let followed: Vec<&PortCall> = calls.iter().filter(|c| is_followed(c)).collect();
    let week_rows = weekly_by_terminal(&followed, &weeks, &tz);
    let terminals: Vec<String> = {
        let mut t: Vec<String> = store
            .terminals(&port.locode)
            .await?
            .into_iter()
            .map(|t| t.code)
            .collect();
        // Codes the port does not list (and `-`, none named) after its own, so the columns add
        // up to the week.
        let others: BTreeSet<String> = week_rows
            .iter()
            .flat_map(|w| w.by_terminal.iter().map(|(code, _)| code.clone()))
            .filter(|code| !t.contains(code))
            .collect();
        t.extend(others);
        t
    };

    // Calls still to come or at the port: the ones whose ETAs matter.
    let coming: Vec<&PortCall> = calls
        .iter()
        .filter(|c| !c.times.omitted && c.times.actual_departure.is_none())
        .collect();
    let watchlist = store.watchlist(user.id).await?;
    let wanted: Vec<String> = coming
        .iter()
        .filter(|c| is_followed(c) || watchlist.iter().any(|w| watches(w, c)))
        .map(|c| c.call_ref.clone())
        .collect();
    let events = store.events_of_calls(&wanted).await?;
    let mut by_call: HashMap<&str, Vec<&PortCallEvent>> = HashMap::new();
    for e in &events {
        by_call.entry(e.call_ref.as_str()).or_default().push(e);
    }
    let imos: Vec<String> = coming.iter().map(|c| c.vessel_imo.clone()).collect();
    let vessel_names = store.vessel_names(&imos).await?;

    let local = |t: DateTime<Utc>| t.with_timezone(&tz).format("%a %d %b %H:%M").to_string();
    let row = |c: &PortCall, before: Option<DateTime<Utc>>| {
        let events = by_call.get(c.call_ref.as_str()).map_or(&[][..], |v| &v[..]);
        OwnerCall {
            call_ref: c.call_ref.clone(),
            vessel: vessel_names
                .get(&c.vessel_imo)
                .cloned()
                .unwrap_or_else(|| c.vessel_imo.clone()),
            imo: c.vessel_imo.clone(),
            carrier: c.carrier.clone(),
            service: c.service.clone(),
            voyage: c.import_voyage.clone(),
            terminal: c.terminal.clone().unwrap_or_default(),
            import_teu: c.best_discharge_teu(),
            eta: c.times.best_arrival().map(local).unwrap_or_default(),
            eta_before: before.map(local).unwrap_or_default(),
            history: eta_history(events)
                .into_iter()
                .map(|r| (local(r.known_at), local(r.eta)))
                .collect(),
        }
    };
    fn by_arrival(mut calls: Vec<&PortCall>) -> Vec<&PortCall> {
        calls.sort_by_key(|c| (c.times.best_arrival(), c.call_ref.clone()));
        calls
    }

    let changed: Vec<OwnerCall> = match since {
        Some(since) => by_arrival(coming.iter().copied().filter(|c| is_followed(c)).collect())
            .into_iter()
            .filter_map(|c| {
                let events = by_call.get(c.call_ref.as_str()).map_or(&[][..], |v| &v[..]);
                let (before, _) = eta_change_since(events, since)?;
                Some(row(c, before))
            })
            .collect(),
        None => Vec::new(),
    };

    let services = store.services().await?;
    let watch_rows = watchlist
        .iter()
        .map(|w| WatchRow {
            kind: w.kind.code().into(),
            key: w.key.clone(),
            label: match w.kind {
                WatchKind::Vessel => vessel_names.get(&w.key).cloned().unwrap_or_default(),
                WatchKind::Service => services
                    .iter()
                    .find(|s| format!("{}:{}", s.carrier, s.code) == w.key)
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
            },
            calls: by_arrival(coming.iter().copied().filter(|c| watches(w, c)).collect())
                .into_iter()
                .map(|c| row(c, None))
                .collect(),
        })
        .collect();

    let service_options: BTreeMap<String, String> = coming
        .iter()
        .map(|c| {
            let name = services
                .iter()
                .find(|s| s.carrier == c.carrier && s.code == c.service)
                .map_or_else(String::new, |s| s.name.clone());
            (
                service_key(c),
                format!("{} {} {name}", c.carrier, c.service),
            )
        })
        .collect();
    let mut vessel_options: Vec<(String, String)> = vessel_names.into_iter().collect();
    vessel_options.sort_by(|a, b| a.1.cmp(&b.1));

    Ok(OwnerView {
        port: port.locode,
        port_name: port.name,
        time_zone: port.time_zone,
        as_of_local: super::local_stamp(now, &tz),
        organisation: organisation.map(|o| o.name).unwrap_or_default(),
        follows: follows.iter().map(ToString::to_string).collect(),
        since_local: since.map(|t| super::local_stamp(t, &tz)),
        weeks: week_rows
            .into_iter()
            .map(|w| OwnerWeekRow {
                iso_week: w.week.to_string(),
                start: w.week.start().to_string(),
                import_teu: w.import_teu,
                vessels: w.vessels,
                by_terminal: terminals
                    .iter()
                    .map(|t| {
                        w.by_terminal
                            .iter()
                            .find(|(code, _)| code == t)
                            .map_or(0.0, |(_, teu)| *teu)
                    })
                    .collect(),
            })
            .collect(),
        terminals,
        changed,
        watchlist: watch_rows,
        vessel_options,
        service_options: service_options.into_iter().collect(),
    })
}
