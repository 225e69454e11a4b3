//! The write step of every import, shared by the command line and the API: what parsing let
//! through becomes storage writes, all or nothing (or skipping what cannot be stored, when the
//! caller asks).

use super::{jit, ovs, port_calls_csv, Parsed, Problem};
use crate::domain::{MonthlyStats, PortCall, TeuMoves, Vessel};
use crate::storage::{
    Batch, Carrier, EventOutcome, Existing, Progress, Service, Storage, StorageError,
};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// What an import did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImportSummary {
    pub read: usize,
    pub accepted: usize,
    /// Of the accepted, how many replaced what was stored.
    pub replaced: usize,
    pub rejected: usize,
}

/// Stores parsed monthly statistics, replacing the months already stored (ports revise their
/// figures) and logging each replacement. Shared by the CLI and the API.
pub async fn store_statistics(
    store: &dyn Storage,
    port: &str,
    parsed: &Parsed<MonthlyStats>,
) -> Result<ImportSummary, StorageError> {
    let stored = store.monthly_stats(port).await?;
    let mut replaced = 0;
    for new in &parsed.records {
        if let Some(old) = stored.iter().find(|s| s.month == new.month) {
            replaced += 1;
            tracing::info!(
                port,
                month = %new.month,
                old_total_teu = old.total_teu,
                new_total_teu = new.total_teu,
                "replacing monthly statistics"
            );
        }
    }
    store
        .write_batch(&Batch {
            monthly_stats: parsed.records.clone(),
            ..Batch::default()
        })
        .await?;
    // Each statistics update issues the monthly forecast into the record (see accuracy).
    // The import stands whatever happens here: a failure is logged, not returned.
    if !parsed.records.is_empty() {
        use crate::queries::accuracy::{issue_monthly, Issuing};
        let now = Issuing::live(chrono::Utc::now());
        if let Err(e) = issue_monthly(store, port, None, now).await {
            tracing::warn!(port, error = %e, "monthly forecast not issued");
        }
    }
    crate::metrics::ingested("statistics", "accepted", parsed.records.len() as u64);
    crate::metrics::ingested(
        "statistics",
        "rejected",
        (parsed.read - parsed.records.len()) as u64,
    );
    Ok(ImportSummary {
        read: parsed.read,
        accepted: parsed.records.len(),
        replaced,
        rejected: parsed.read - parsed.records.len(),
    })
}

/// Why records were not stored.
#[derive(Debug, thiserror::Error)]
pub enum Rejected {
    #[error("{} problem(s); nothing stored", .0.len())]
    Problems(Vec<Problem>),
    #[error("may not write for {0}")]
    Forbidden(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// What was stored, and the problems of what was skipped (with `skip_invalid` only).
#[derive(Debug)]
pub struct Stored {
    pub outcome: EventOutcome,
    pub skipped: Vec<Problem>,
}

/// Stores DCSA JIT timestamps as port-call events. A call not known yet is created when a
/// carrier (or its agent) publishes about it anywhere in the batch, with the carrier, service
/// and vessel it names; other publishers can only speak of calls that exist. All or nothing,
/// unless `skip_invalid` stores the rest. Shared by the API and `portsignal import events`.
pub async fn store_timestamps(
    store: &dyn Storage,
    timestamps: Vec<jit::JitTimestamp>,
    received_at: DateTime<Utc>,
    may_write: impl Fn(&str) -> bool,
    skip_invalid: bool,
    progress: Progress<'_>,
) -> Result<Stored, Rejected> {
    let terminals = port_terminals(store, timestamps.iter().map(|t| t.port.as_str())).await?;
    check_may_write(&terminals, may_write)?;
    // Ten timestamps a call is common: ask the store about each call once.
    let refs: Vec<String> = timestamps.iter().map(|t| t.call_ref()).collect();
    let distinct: Vec<String> = refs
        .iter()
        .collect::<HashSet<_>>()
        .into_iter()
        .cloned()
        .collect();
    let mut known = store.existing_port_calls(&distinct).await?;
    drop(distinct);

    // Calls the batch's carriers announce, wherever in the batch they do.
    let mut missing = Batch::default();
    for (t, call_ref) in timestamps.iter().zip(&refs) {
        let (Some(Some(port_terminals)), Some(carrier)) = (terminals.get(&t.port), &t.carrier)
        else {
            continue;
        };
        if known.contains(call_ref) {
            continue;
        }
        known.insert(call_ref.clone());
        missing.carriers.push(Carrier {
            code: carrier.clone(),
            name: carrier.clone(),
        });
        missing.services.push(Service {
            carrier: carrier.clone(),
            code: t.service.clone(),
            name: t.service.clone(),
        });
        missing.vessels.push(Vessel {
            imo: t.vessel_imo.clone(),
            name: t
                .vessel_name
                .clone()
                .unwrap_or_else(|| format!("IMO {}", t.vessel_imo)),
            mmsi: None,
            call_sign: None,
            operator: Some(carrier.clone()),
            teu_capacity: None,
        });
        missing.port_calls.push(PortCall {
            call_ref: call_ref.clone(),
            port: t.port.clone(),
            terminal: t
                .terminal
                .clone()
                .filter(|code| port_terminals.contains(code)),
            vessel_imo: t.vessel_imo.clone(),
            carrier: carrier.clone(),
            service: t.service.clone(),
            import_voyage: t.import_voyage.clone(),
            export_voyage: t
                .export_voyage
                .clone()
                .unwrap_or_else(|| t.import_voyage.clone()),
            times: Default::default(),
            expected: TeuMoves::default(),
            actual: None,
            rail_share: 0.0,
        });
    }

    let mut problems = Vec::new();
    let mut events = Vec::with_capacity(timestamps.len());
    for (t, call_ref) in timestamps.into_iter().zip(refs) {
        if terminals[&t.port].is_none() {
            problems.push(Problem::new(
                format!("{}.UNLocationCode", t.path),
                format!("unknown port {}", t.port),
            ));
        } else if !known.contains(&call_ref) {
            problems.push(Problem::new(
                t.path,
                format!(
                    "no port call {call_ref} is known yet: the carrier (publisherRole CA or AG) or its schedule must announce it first"
                ),
            ));
        } else {
            events.push(t.into_event(call_ref, received_at));
        }
    }
    record_unless_rejected(
        store,
        missing,
        Existing::Keep,
        &events,
        problems,
        skip_invalid,
        progress,
    )
    .await
}

/// The terminal codes of each port named, `None` for a port this instance does not hold. Each
/// port is looked up once, however often it is named.
async fn port_terminals<'a>(
    store: &dyn Storage,
    ports: impl Iterator<Item = &'a str>,
) -> Result<BTreeMap<String, Option<BTreeSet<String>>>, StorageError> {
    let mut terminals = BTreeMap::new();
    for port in ports {
        if terminals.contains_key(port) {
            continue;
        }
        let codes = match store.port(port).await? {
            Some(_) => Some(
                store
                    .terminals(port)
                    .await?
                    .into_iter()
                    .map(|t| t.code)
                    .collect(),
            ),
            None => None,
        };
        terminals.insert(port.to_owned(), codes);
    }
    Ok(terminals)
}

/// `Forbidden` for the first port of this instance the writer may not write for.
fn check_may_write(
    terminals: &BTreeMap<String, Option<BTreeSet<String>>>,
    may_write: impl Fn(&str) -> bool,
) -> Result<(), Rejected> {
    match terminals
        .iter()
        .find(|(port, codes)| codes.is_some() && !may_write(port))
    {
        Some((port, _)) => Err(Rejected::Forbidden(port.clone())),
        None => Ok(()),
    }
}

/// The all-or-nothing rule of every import: problems reject the whole input unless
/// `skip_invalid`; what is left is recorded in one transaction.
async fn record_unless_rejected(
    store: &dyn Storage,
    mut calls: Batch,
    existing: Existing,
    events: &[crate::domain::PortCallEvent],
    problems: Vec<Problem>,
    skip_invalid: bool,
    progress: Progress<'_>,
) -> Result<Stored, Rejected> {
    if !problems.is_empty() && !skip_invalid {
        crate::metrics::ingested("events", "rejected", events.len() as u64);
        return Err(Rejected::Problems(problems));
    }
    dedup_reference(&mut calls);
    let outcome = store
        .record_events_reporting(&calls, existing, events, progress)
        .await?;
    crate::metrics::ingested("events", "accepted", outcome.accepted);
    crate::metrics::ingested("events", "duplicate", outcome.duplicates);
    crate::metrics::ingested("events", "skipped", problems.len() as u64);
    Ok(Stored {
        outcome,
        skipped: problems,
    })
}

/// What storing a schedule document did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ScheduleOutcome {
    /// Transport calls at ports of this instance.
    pub port_calls: usize,
    /// Transport calls elsewhere on the loop, not stored.
    pub other_ports: usize,
    pub events_accepted: u64,
    pub events_duplicates: u64,
}

/// Stores OVS transport calls at this instance's ports: the carrier, service, vessel and call
/// are created where missing (existing ones keep their names), and each timestamp becomes an
/// event folded into its call. All or nothing.
pub async fn store_schedules(
    store: &dyn Storage,
    calls: &[ovs::ScheduledCall],
    received_at: DateTime<Utc>,
    may_write: impl Fn(&str) -> bool,
) -> Result<ScheduleOutcome, Rejected> {
    let mut outcome = ScheduleOutcome::default();
    let terminals = port_terminals(store, calls.iter().map(|c| c.port.as_str())).await?;
    check_may_write(&terminals, may_write)?;
    let mut missing = Batch::default();
    let mut events = Vec::new();
    for call in calls {
        let Some(port_terminals) = &terminals[&call.port] else {
            outcome.other_ports += 1;
            continue;
        };
        outcome.port_calls += 1;
        missing.carriers.push(Carrier {
            code: call.carrier.clone(),
            name: call.carrier.clone(),
        });
        missing.services.push(Service {
            carrier: call.carrier.clone(),
            code: call.service_code.clone(),
            name: call.service_name.clone(),
        });
        missing.vessels.push(call.vessel.clone());
        missing.port_calls.push(PortCall {
            call_ref: call.call_ref(),
            port: call.port.clone(),
            terminal: call
                .terminal
                .clone()
                .filter(|code| port_terminals.contains(code)),
            vessel_imo: call.vessel.imo.clone(),
            carrier: call.carrier.clone(),
            service: call.service_code.clone(),
            import_voyage: call.import_voyage.clone(),
            export_voyage: call
                .export_voyage
                .clone()
                .unwrap_or_else(|| call.import_voyage.clone()),
            times: Default::default(),
            expected: TeuMoves::default(),
            actual: None,
            rail_share: 0.0,
        });
        events.extend(call.events(received_at));
    }
    let recorded = record_unless_rejected(
        store,
        missing,
        Existing::Keep,
        &events,
        Vec::new(),
        false,
        &|_| {},
    )
    .await?
    .outcome;
    outcome.events_accepted = recorded.accepted;
    outcome.events_duplicates = recorded.duplicates;
    Ok(outcome)
}

/// One row per key: several timestamps or calls may name the same carrier, service or vessel.
fn dedup_reference(batch: &mut Batch) {
    batch.carriers.sort_by(|a, b| a.code.cmp(&b.code));
    batch.carriers.dedup_by(|a, b| a.code == b.code);
    batch
        .services
        .sort_by(|a, b| (&a.carrier, &a.code).cmp(&(&b.carrier, &b.code)));
    batch
        .services
        .dedup_by(|a, b| a.carrier == b.carrier && a.code == b.code);
    batch.vessels.sort_by(|a, b| a.imo.cmp(&b.imo));
    batch.vessels.dedup_by(|a, b| a.imo == b.imo);
    batch.port_calls.sort_by(|a, b| a.call_ref.cmp(&b.call_ref));
    batch.port_calls.dedup_by(|a, b| a.call_ref == b.call_ref);
}

/// Stores port-call rows: each call's schedule (vessel, terminal, voyages, expected moves) is
/// created or updated, its times become events, and what events and measurements said before
/// is kept. Rows naming an unknown port or terminal are problems. All or nothing, unless
/// `skip_invalid` stores the rest.
pub async fn store_port_calls(
    store: &dyn Storage,
    rows: &[port_calls_csv::CallRow],
    skip_invalid: bool,
    progress: Progress<'_>,
) -> Result<Stored, Rejected> {
    let mut problems = Vec::new();
    let terminals = port_terminals(store, rows.iter().map(|r| r.call.port.as_str())).await?;
    let mut batch = Batch::default();
    let mut events = Vec::new();
    for r in rows {
        let port = &r.call.port;
        let Some(codes) = &terminals[port] else {
            problems.push(Problem::new(
                format!("{}, column port", r.row),
                format!("unknown port {port}"),
            ));
            continue;
        };
        if let Some(t) = r.call.terminal.as_ref().filter(|t| !codes.contains(*t)) {
            problems.push(Problem::new(
                format!("{}, column terminal", r.row),
                format!(
                    "unknown terminal {t} at {port}: expected one of {}",
                    codes
                        .iter()
                        .map(String::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
            continue;
        }
        batch.carriers.push(Carrier {
            code: r.call.carrier.clone(),
            name: r.call.carrier.clone(),
        });
        batch.services.push(Service {
            carrier: r.call.carrier.clone(),
            code: r.call.service.clone(),
            name: r.call.service.clone(),
        });
        batch.vessels.push(r.vessel.clone());
        batch.port_calls.push(r.call.clone());
        events.extend(r.events.iter().cloned());
    }
    record_unless_rejected(
        store,
        batch,
        Existing::UpdateSchedule,
        &events,
        problems,
        skip_invalid,
        progress,
    )
    .await
}
