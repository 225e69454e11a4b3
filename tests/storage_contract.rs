//! One storage contract, run unchanged against SQLite (a file in a temp directory) and against
//! the PostgreSQL server (a fresh schema per test).

mod support;

use chrono::{DateTime, Duration, TimeZone, Utc};
use portsignal::auth::{self, Role};
use portsignal::demo::{self, DemoOptions, STATS_TOLERANCE};
use portsignal::domain::accuracy::{ForecastKind, IssuedForecast};
use portsignal::domain::forecast::Band;
use portsignal::domain::{
    CallTimes, Classifier, EventType, FacilityType, MonthlyStats, Port, PortCall, PortCallEvent,
    Terminal, TeuMoves, Vessel,
};
use portsignal::storage::{
    self, Batch, CallFilter, Carrier, EventOutcome, Existing, Service, Storage, StorageError,
};
use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::task::Poll;

/// Opens the store under test the way the server does: from a URL, or SQLite under a data dir.
type Opener =
    Box<dyn Fn() -> std::pin::Pin<Box<dyn Future<Output = Arc<dyn Storage>> + Send>> + Send + Sync>;

async fn on_sqlite<F, Fut>(test: F)
where
    F: FnOnce(Opener) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let opener: Opener = Box::new(move || {
        let path = path.clone();
        Box::pin(async move { storage::open(None, Path::new(&path)).await.unwrap() })
    });
    test(opener).await;
}

async fn on_postgres<F, Fut>(test: F)
where
    F: FnOnce(Opener) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let schema = support::PgSchema::create().await;
    let url = schema.url.clone();
    let opener: Opener = Box::new(move || {
        let url = url.clone();
        Box::pin(async move {
            storage::open(Some(&url), Path::new("unused"))
                .await
                .unwrap()
        })
    });
    // Run in a task so a failing test still drops its schema.
    let outcome = tokio::spawn(test(opener)).await;
    schema.drop_schema().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

macro_rules! contract {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $name() { super::on_sqlite(super::$name).await })+
        }
        mod postgres {
            $(#[tokio::test] async fn $name() { super::on_postgres(super::$name).await })+
        }
    };
}

contract!(
    migrations_are_idempotent,
    reference_data_is_created_then_updated,
    port_calls_are_upserted_and_found_by_arrival,
    events_are_stored_once_and_fold_into_their_call,
    events_for_an_unknown_call_write_nothing,
    a_failing_batch_writes_nothing,
    a_write_dropped_half_way_leaves_the_database_writable,
    monthly_statistics_replace_their_month,
    demo_port_agrees_with_its_statistics,
    clear_empties_every_table,
    events_in_any_order_leave_the_same_state,
    events_may_bring_their_call_and_keep_what_exists,
    port_calls_are_filtered_and_paged_by_cursor,
    port_calls_are_filtered_by_status_terminal_and_carrier,
    a_schedule_update_keeps_what_events_and_measurements_said,
    a_returning_estimate_is_news_but_a_resent_one_is_not,
    tokens_are_found_by_hash_limited_to_ports_and_revoked,
    events_of_many_calls_come_by_call_in_receipt_order,
    issued_forecasts_are_kept_as_first_issued,
    accounts_organisations_sessions_and_login_failures,
    watchlists_visits_and_shift_patterns,
    weekly_rollups_follow_every_write,
    writers_on_several_instances_keep_the_rollups_true,
    a_port_given_another_zone_has_its_weeks_counted_again,
    the_arrivals_list_is_cut_by_the_database_as_the_domain_says,
);

fn t(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, day, hour, 0, 0).unwrap()
}

fn reference() -> Batch {
    Batch {
        ports: vec![Port {
            locode: "USLAX".into(),
            name: "Los Angeles".into(),
            time_zone: "America/Los_Angeles".into(),
        }],
        terminals: vec![Terminal {
            port: "USLAX".into(),
            code: "APMT".into(),
            name: "APM Terminals Pier 400".into(),
            berths: 4,
            gang_moves_per_hour: 28.0,
            daily_capacity_teu: 18000.0,
        }],
        carriers: vec![Carrier {
            code: "MSK".into(),
            name: "Maersk".into(),
        }],
        services: vec![Service {
            carrier: "MSK".into(),
            code: "TP6".into(),
            name: "Transpacific 6".into(),
        }],
        vessels: vec![Vessel {
            imo: "9074729".into(),
            name: "MAERSK HORIZON".into(),
            mmsi: Some("219000000".into()),
            call_sign: None,
            operator: Some("MSK".into()),
            teu_capacity: Some(15000),
        }],
        ..Batch::default()
    }
}

fn call(call_ref: &str, eta: DateTime<Utc>, discharge: f64) -> PortCall {
    PortCall {
        call_ref: call_ref.into(),
        port: "USLAX".into(),
        terminal: Some("APMT".into()),
        vessel_imo: "9074729".into(),
        carrier: "MSK".into(),
        service: "TP6".into(),
        import_voyage: format!("{call_ref}E"),
        export_voyage: format!("{call_ref}W"),
        times: CallTimes {
            planned_arrival: Some(eta),
            ..Default::default()
        },
        expected: TeuMoves {
            discharge_laden: discharge,
            discharge_empty: 100.0,
            load_laden: 800.0,
            load_empty: 1500.5,
        },
        actual: None,
        rail_share: 0.25,
    }
}

fn event(
    call_ref: &str,
    c: Classifier,
    e: EventType,
    f: FacilityType,
    at: DateTime<Utc>,
    received: DateTime<Utc>,
) -> PortCallEvent {
    PortCallEvent {
        call_ref: call_ref.into(),
        source: "test".into(),
        publisher: "MSK".into(),
        classifier: c,
        event_type: e,
        facility_type: f,
        event_time: at,
        issued_at: None,
        received_at: received,
        delay_reason: None,
        remark: Some("from the contract test".into()),
    }
}

async fn migrations_are_idempotent(open: Opener) {
    let first = open().await;
    first.write_batch(&reference()).await.unwrap();
    drop(first);
    // Opening again runs the migrator again: nothing to do, nothing lost.
    let second = open().await;
    assert_eq!(second.ports().await.unwrap().len(), 1);
    assert!(!second.is_empty().await.unwrap());
}

async fn reference_data_is_created_then_updated(open: Opener) {
    let store = open().await;
    assert!(store.is_empty().await.unwrap());
    let mut batch = reference();
    store.write_batch(&batch).await.unwrap();
    assert_eq!(
        store.port("USLAX").await.unwrap(),
        Some(batch.ports[0].clone())
    );
    assert_eq!(store.port("NLRTM").await.unwrap(), None);
    assert_eq!(store.terminals("USLAX").await.unwrap(), batch.terminals);
    assert_eq!(
        store.vessel("9074729").await.unwrap(),
        Some(batch.vessels[0].clone())
    );

    batch.ports[0].name = "Port of Los Angeles".into();
    batch.vessels[0].teu_capacity = Some(15226);
    store.write_batch(&batch).await.unwrap();
    assert_eq!(store.ports().await.unwrap(), batch.ports);
    assert_eq!(
        store.vessel("9074729").await.unwrap().unwrap().teu_capacity,
        Some(15226)
    );
    // Many at once: each known one once, unknown ones left out.
    let asked: Vec<String> = ["9074729", "9999999", "9074729"].map(String::from).into();
    let found = store.vessels(&asked).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found["9074729"], batch.vessels[0]);
    let names = store.vessel_names(&asked).await.unwrap();
    assert_eq!(names["9074729"], batch.vessels[0].name);
    assert!(store.vessels(&[]).await.unwrap().is_empty());
}

async fn port_calls_are_upserted_and_found_by_arrival(open: Opener) {
    let store = open().await;
    let mut batch = reference();
    let mut late = call("C3", t(10, 6), 3000.0);
    late.times.estimated_arrival = Some(t(12, 18));
    late.actual = Some(TeuMoves {
        discharge_laden: 2950.0,
        discharge_empty: 90.0,
        load_laden: 700.0,
        load_empty: 1400.0,
    });
    batch.port_calls = vec![
        call("C1", t(1, 8), 4000.0),
        call("C2", t(5, 8), 5000.0),
        late,
    ];
    store.write_batch(&batch).await.unwrap();

    let found = store
        .port_calls_arriving("USLAX", t(4, 0), t(13, 0))
        .await
        .unwrap();
    assert_eq!(
        found,
        batch.port_calls[1..].to_vec(),
        "C2 and C3 (by its ETA, not its plan), in order"
    );
    assert!(store
        .port_calls_arriving("USLAX", t(11, 0), t(12, 0))
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .port_calls_arriving("USLGB", t(1, 0), t(30, 0))
        .await
        .unwrap()
        .is_empty());

    // The same reference again updates the call instead of adding one.
    let mut again = reference();
    let mut moved = call("C1", t(2, 8), 4200.0);
    moved.terminal = None;
    again.port_calls = vec![moved.clone()];
    store.write_batch(&again).await.unwrap();
    assert_eq!(store.count_port_calls("USLAX").await.unwrap(), 3);
    assert_eq!(store.port_call("C1").await.unwrap(), Some(moved));
}

async fn events_are_stored_once_and_fold_into_their_call(open: Opener) {
    use Classifier::*;
    use EventType::*;
    use FacilityType::*;
    let store = open().await;
    let mut batch = reference();
    batch.port_calls = vec![call("C1", t(10, 8), 4000.0)];
    store.write_batch(&batch).await.unwrap();

    let events = vec![
        event("C1", Est, Arri, Brth, t(11, 2), t(3, 0)),
        event("C1", Est, Arri, Brth, t(10, 20), t(6, 0)),
        event("C1", Act, Arri, Anch, t(9, 23), t(9, 23)),
    ];
    assert_eq!(
        store
            .record_events(&Batch::default(), Existing::Keep, &events)
            .await
            .unwrap(),
        EventOutcome {
            accepted: 3,
            duplicates: 0
        }
    );
    let c = store.port_call("C1").await.unwrap().unwrap();
    assert_eq!(
        c.times.estimated_arrival,
        Some(t(10, 20)),
        "the estimate received last wins"
    );
    assert_eq!(c.times.actual_anchorage_arrival, Some(t(9, 23)));
    assert_eq!(
        c.times.planned_arrival,
        Some(t(10, 8)),
        "untouched by events of other kinds"
    );
    // Found by its new best arrival.
    assert_eq!(
        store
            .port_calls_arriving("USLAX", t(10, 12), t(10, 21))
            .await
            .unwrap()
            .len(),
        1
    );

    // Re-sending is a no-op, also when mixed with something new.
    let mut again = events.clone();
    again.push(event("C1", Act, Arri, Brth, t(10, 22), t(10, 22)));
    assert_eq!(
        store
            .record_events(&Batch::default(), Existing::Keep, &again)
            .await
            .unwrap(),
        EventOutcome {
            accepted: 1,
            duplicates: 3
        }
    );
    assert_eq!(store.count_events().await.unwrap(), 4);
    let log = store.events_of_call("C1").await.unwrap();
    assert_eq!(log.len(), 4);
    assert_eq!(log[..3], events[..], "stored as sent, in receipt order");
    let c = store.port_call("C1").await.unwrap().unwrap();
    assert_eq!(c.times.actual_berth_arrival, Some(t(10, 22)));
}

async fn events_of_many_calls_come_by_call_in_receipt_order(open: Opener) {
    use Classifier::*;
    use EventType::*;
    use FacilityType::*;
    let store = open().await;
    let mut batch = reference();
    batch.port_calls = vec![call("C1", t(10, 8), 4000.0), call("C2", t(12, 8), 3000.0)];
    store.write_batch(&batch).await.unwrap();
    let events = vec![
        event("C2", Est, Arri, Brth, t(12, 9), t(4, 0)),
        event("C1", Est, Arri, Brth, t(10, 9), t(5, 0)),
        event("C1", Pln, Arri, Brth, t(10, 8), t(1, 0)),
        event("C2", Act, Arri, Brth, t(12, 10), t(12, 10)),
    ];
    store
        .record_events(&Batch::default(), Existing::Keep, &events)
        .await
        .unwrap();
    // More references than one IN list holds, most of them unknown.
    let mut refs: Vec<String> = (0..1200).map(|i| format!("X{i}")).collect();
    refs.insert(700, "C2".into());
    refs.insert(3, "C1".into());
    let got = store.events_of_calls(&refs).await.unwrap();
    let order: Vec<(&str, DateTime<Utc>)> = got
        .iter()
        .map(|e| (e.call_ref.as_str(), e.event_time))
        .collect();
    assert_eq!(
        order,
        [
            ("C1", t(10, 8)),
            ("C1", t(10, 9)),
            ("C2", t(12, 9)),
            ("C2", t(12, 10))
        ]
    );
    assert!(store.events_of_calls(&[]).await.unwrap().is_empty());
}

async fn events_for_an_unknown_call_write_nothing(open: Opener) {
    let store = open().await;
    let mut batch = reference();
    batch.port_calls = vec![call("C1", t(10, 8), 4000.0)];
    store.write_batch(&batch).await.unwrap();
    let events = vec![
        event(
            "C1",
            Classifier::Est,
            EventType::Arri,
            FacilityType::Brth,
            t(11, 0),
            t(3, 0),
        ),
        event(
            "NOPE",
            Classifier::Est,
            EventType::Arri,
            FacilityType::Brth,
            t(11, 0),
            t(3, 0),
        ),
    ];
    match store
        .record_events(&Batch::default(), Existing::Keep, &events)
        .await
    {
        Err(StorageError::UnknownPortCall(r)) => assert_eq!(r, "NOPE"),
        other => panic!("expected UnknownPortCall, got {other:?}"),
    }
    assert_eq!(store.count_events().await.unwrap(), 0);
    assert_eq!(
        store
            .port_call("C1")
            .await
            .unwrap()
            .unwrap()
            .times
            .estimated_arrival,
        None
    );
}

async fn a_failing_batch_writes_nothing(open: Opener) {
    let store = open().await;
    let mut batch = reference();
    let mut orphan = call("C1", t(10, 8), 4000.0);
    orphan.vessel_imo = "9999999".into(); // no such vessel: a foreign key fails after the port was written
    batch.port_calls = vec![orphan];
    assert!(store.write_batch(&batch).await.is_err());
    assert!(
        store.is_empty().await.unwrap(),
        "the port written earlier in the batch was rolled back"
    );
}

/// Polls `write` `polls` times (the first, then once per wake-up) and drops it after the last
/// one if it has not finished, as axum drops a handler whose client went away. Whether it
/// finished.
async fn drop_after<F: Future>(write: F, polls: usize) -> bool {
    let mut write = std::pin::pin!(write);
    let mut left = polls;
    std::future::poll_fn(move |cx| {
        if write.as_mut().poll(cx).is_ready() {
            return Poll::Ready(true);
        }
        left -= 1;
        if left == 0 {
            Poll::Ready(false)
        } else {
            Poll::Pending
        }
    })
    .await
}

/// A write dropped at any of its awaits is written whole or not at all, and leaves the
/// database writable, by the same store and by another one on it (the CLI beside the server).
/// sqlx 0.8.6's SQLite `BEGIN IMMEDIATE` once left a transaction nobody owned when dropped
/// half-way: every later write failed and the CLI found the database locked.
async fn a_write_dropped_half_way_leaves_the_database_writable(open: Opener) {
    let store = open().await;
    let other = open().await;
    let reference = reference();
    store.write_batch(&reference).await.unwrap();
    let within = |write| async move {
        tokio::time::timeout(std::time::Duration::from_secs(20), write)
            .await
            .expect("a write waited on a lock nobody releases")
    };
    // Where a write stands after so many polls depends on the database's pace: ten sweeps.
    let mut dropped = 0;
    for sweep in 0..10 {
        for polls in 1.. {
            let mut batch = reference.clone();
            let refs = [format!("A{sweep}-{polls}"), format!("B{sweep}-{polls}")];
            batch.port_calls = refs.iter().map(|r| call(r, t(10, 8), 4000.0)).collect();
            let finished = drop_after(store.write_batch(&batch), polls).await;
            // One read, one snapshot: a commit still on its way may land before it or after.
            let written = store
                .port_calls_arriving("USLAX", t(10, 0), t(11, 0))
                .await
                .unwrap()
                .iter()
                .filter(|c| refs.contains(&c.call_ref))
                .count();
            assert!(
                written == 0 || written == 2,
                "{written} of 2 calls after {polls} polls"
            );
            assert!(!finished || written == 2);
            // The other store first: this store's next write must not be what frees the lock.
            within(other.write_batch(&reference))
                .await
                .unwrap_or_else(|e| panic!("another store cannot write after {polls} polls: {e}"));
            within(store.write_batch(&reference))
                .await
                .unwrap_or_else(|e| panic!("the store cannot write after {polls} polls: {e}"));
            if finished {
                break;
            }
            dropped += 1;
        }
    }
    assert!(
        dropped >= 20,
        "only {dropped} writes were dropped before they finished"
    );
}

async fn monthly_statistics_replace_their_month(open: Opener) {
    let store = open().await;
    let stats = |month: &str, li: f64| MonthlyStats {
        port: "USLAX".into(),
        month: month.into(),
        loaded_imports: li,
        loaded_exports: 100_000.0,
        empty_imports: Some(4000.25),
        empty_exports: None,
        empties: 254_000.75,
        total_teu: li + 354_000.75,
    };
    let mut batch = reference();
    batch.monthly_stats = vec![stats("2026-09", 420_000.0), stats("2026-08", 455_000.75)];
    store.write_batch(&batch).await.unwrap();
    let revised = Batch {
        monthly_stats: vec![stats("2026-09", 421_500.5)],
        ..Batch::default()
    };
    store.write_batch(&revised).await.unwrap();
    let stored = store.monthly_stats("USLAX").await.unwrap();
    assert_eq!(
        stored,
        vec![stats("2026-08", 455_000.75), stats("2026-09", 421_500.5)]
    );
}

async fn demo_port_agrees_with_its_statistics(open: Opener) {
    let store = open().await;
    let as_of = Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap();
    let batch = demo::generate(&DemoOptions {
        seed: demo::DEFAULT_SEED,
        as_of,
    });
    // Through the ingestion path, as real data comes.
    demo::load(store.as_ref(), &batch).await.unwrap();
    assert_eq!(
        store.count_port_calls("USLAX").await.unwrap(),
        batch.port_calls.len() as i64
    );
    assert_eq!(
        store.count_events().await.unwrap(),
        batch.events.len() as i64
    );

    let stats = store.monthly_stats("USLAX").await.unwrap();
    assert_eq!(stats.len(), demo::HISTORY_MONTHS as usize);
    for s in &stats {
        let (y, m) = s.month.split_once('-').unwrap();
        let start = Utc
            .with_ymd_and_hms(y.parse().unwrap(), m.parse().unwrap(), 1, 0, 0, 0)
            .unwrap();
        let end = (start + Duration::days(32)).with_day_one();
        let calls = store
            .port_calls_arriving("USLAX", start, end)
            .await
            .unwrap();
        let discharged: f64 = calls
            .iter()
            .filter_map(|c| c.actual)
            .map(|m| m.discharge())
            .sum();
        let loaded: f64 = calls
            .iter()
            .filter_map(|c| c.actual)
            .map(|m| m.load())
            .sum();
        assert!(
            (discharged - s.imports().unwrap()).abs() <= s.imports().unwrap() * STATS_TOLERANCE,
            "{}: calls discharged {discharged}, statistics say {}",
            s.month,
            s.imports().unwrap()
        );
        assert!(
            (loaded - s.exports().unwrap()).abs() <= s.exports().unwrap() * STATS_TOLERANCE,
            "{} exports",
            s.month
        );
        assert!(
            calls.iter().all(|c| c.times.omitted || c.actual.is_some()),
            "{}: a call without moves",
            s.month
        );
    }

    // What the store derives from a call's events is what the generator derived.
    for c in batch.port_calls.iter().step_by(97) {
        let events = store.events_of_call(&c.call_ref).await.unwrap();
        assert_eq!(
            CallTimes::folded(CallTimes::default(), &events),
            c.times,
            "{}",
            c.call_ref
        );
    }
}

trait DayOne {
    fn with_day_one(self) -> Self;
}

impl DayOne for DateTime<Utc> {
    fn with_day_one(self) -> Self {
        use chrono::Datelike;
        Utc.with_ymd_and_hms(self.year(), self.month(), 1, 0, 0, 0)
            .unwrap()
    }
}

async fn clear_empties_every_table(open: Opener) {
    let store = open().await;
    let mut batch = reference();
    batch.port_calls = vec![call("C1", t(10, 8), 4000.0)];
    batch.events = vec![event(
        "C1",
        Classifier::Pln,
        EventType::Arri,
        FacilityType::Brth,
        t(10, 8),
        t(1, 0),
    )];
    store.write_batch(&batch).await.unwrap();
    let forecast = weekly_forecast("2026-12-01", "2026-W49", 0, 1000.0);
    store.record_forecasts(&[forecast]).await.unwrap();
    store.clear().await.unwrap();
    assert!(store.is_empty().await.unwrap());
    let kind = ForecastKind::WeeklyImport;
    assert!(store
        .issued_forecasts("USLAX", kind)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(store.count_events().await.unwrap(), 0);
    assert_eq!(store.count_port_calls("USLAX").await.unwrap(), 0);
    // And it can be filled again.
    store.write_batch(&batch).await.unwrap();
    assert_eq!(store.count_events().await.unwrap(), 1);
}

async fn tokens_are_found_by_hash_limited_to_ports_and_revoked(open: Opener) {
    let store = open().await;
    let mut batch = reference();
    batch.ports.push(Port {
        locode: "USLGB".into(),
        name: "Long Beach".into(),
        time_zone: "America/Los_Angeles".into(),
    });
    store.write_batch(&batch).await.unwrap();
    let (secret, new) = auth::generate(
        Role::Provider,
        "terminal operator".into(),
        vec!["USLAX".into(), "USLGB".into()],
    );
    let id = store.create_token(&new).await.unwrap();

    let found = store
        .token_by_hash(&auth::hash(&secret))
        .await
        .unwrap()
        .expect("found by its hash");
    assert_eq!(found.id, id);
    assert_eq!(found.ports, vec!["USLAX".to_string(), "USLGB".to_string()]);
    assert_eq!(found.role, Role::Provider);
    assert_eq!(found.label, "terminal operator");
    assert!(found.last_used_at.is_none());
    assert!(store
        .token_by_hash(&auth::hash("ps_other"))
        .await
        .unwrap()
        .is_none());

    store.touch_token(id, t(3, 9)).await.unwrap();
    assert!(store.revoke_token(id, t(4, 9)).await.unwrap());
    assert!(
        !store.revoke_token(id, t(5, 9)).await.unwrap(),
        "revoked once"
    );
    let listed = store.tokens().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].last_used_at, Some(t(3, 9)));
    assert_eq!(listed[0].revoked_at, Some(t(4, 9)));
    assert!(!listed[0].may_write("USLAX"));

    // A token for a port that does not exist is refused, and nothing of it is kept.
    let (_, bad) = auth::generate(Role::Provider, String::new(), vec!["NLRTM".into()]);
    assert!(store.create_token(&bad).await.is_err());
    assert_eq!(store.tokens().await.unwrap().len(), 1);
}

fn issued(mut e: PortCallEvent, at: DateTime<Utc>) -> PortCallEvent {
    e.issued_at = Some(at);
    e
}

async fn events_in_any_order_leave_the_same_state(open: Opener) {
    use Classifier::*;
    use EventType::*;
    use FacilityType::*;
    let store = open().await;
    let mut batch = reference();
    batch.port_calls = vec![call("IN", t(10, 8), 4000.0), call("OUT", t(10, 8), 4000.0)];
    store.write_batch(&batch).await.unwrap();
    let stream = |call_ref: &str| {
        vec![
            issued(event(call_ref, Est, Arri, Brth, t(11, 2), t(3, 0)), t(3, 0)),
            issued(
                event(call_ref, Est, Arri, Brth, t(10, 20), t(6, 0)),
                t(6, 0),
            ),
            issued(
                event(call_ref, Act, Arri, Anch, t(10, 19), t(10, 19)),
                t(10, 19),
            ),
            issued(
                event(call_ref, Est, Arri, Brth, t(10, 23), t(8, 0)),
                t(8, 0),
            ),
            issued(
                event(call_ref, Act, Arri, Brth, t(10, 22), t(10, 22)),
                t(10, 22),
            ),
        ]
    };
    // In order, one request each; and the other call's stream backwards, also one by one.
    for e in stream("IN") {
        store
            .record_events(&Batch::default(), Existing::Keep, &[e])
            .await
            .unwrap();
    }
    for e in stream("OUT").into_iter().rev() {
        store
            .record_events(&Batch::default(), Existing::Keep, &[e])
            .await
            .unwrap();
    }
    let a = store.port_call("IN").await.unwrap().unwrap().times;
    let b = store.port_call("OUT").await.unwrap().unwrap().times;
    assert_eq!(a, b);
    assert_eq!(
        a.estimated_arrival,
        Some(t(10, 23)),
        "issued last, so it stands though received first backwards"
    );
    assert_eq!(a.actual_berth_arrival, Some(t(10, 22)));
}

async fn a_returning_estimate_is_news_but_a_resent_one_is_not(open: Opener) {
    use Classifier::*;
    use EventType::*;
    use FacilityType::*;
    let store = open().await;
    let mut batch = reference();
    batch.port_calls = vec![call("C1", t(10, 8), 4000.0)];
    store.write_batch(&batch).await.unwrap();
    let eta_a = issued(event("C1", Est, Arri, Brth, t(11, 0), t(3, 0)), t(3, 0));
    let eta_b = issued(event("C1", Est, Arri, Brth, t(12, 0), t(4, 0)), t(4, 0));
    let eta_a_again = issued(event("C1", Est, Arri, Brth, t(11, 0), t(5, 0)), t(5, 0));
    store
        .record_events(&Batch::default(), Existing::Keep, &[eta_a.clone(), eta_b])
        .await
        .unwrap();
    let outcome = store
        .record_events(&Batch::default(), Existing::Keep, &[eta_a_again, eta_a])
        .await
        .unwrap();
    assert_eq!(
        outcome,
        EventOutcome {
            accepted: 1,
            duplicates: 1
        }
    );
    let c = store.port_call("C1").await.unwrap().unwrap();
    assert_eq!(
        c.times.estimated_arrival,
        Some(t(11, 0)),
        "back to the first estimate"
    );
}

async fn events_may_bring_their_call_and_keep_what_exists(open: Opener) {
    use Classifier::*;
    use EventType::*;
    use FacilityType::*;
    let store = open().await;
    store.write_batch(&reference()).await.unwrap();
    let mut missing = reference();
    missing.ports.clear();
    missing.terminals.clear();
    missing.carriers[0].name = "MSK".into(); // what a feed knows: the code only
    missing.vessels[0].name = "IMO 9074729".into();
    missing.port_calls = vec![call("NEW", t(10, 8), 0.0)];
    let events = vec![event("NEW", Est, Arri, Brth, t(10, 12), t(3, 0))];
    let outcome = store
        .record_events(&missing, Existing::Keep, &events)
        .await
        .unwrap();
    assert_eq!(
        outcome,
        EventOutcome {
            accepted: 1,
            duplicates: 0
        }
    );
    let created = store.port_call("NEW").await.unwrap().unwrap();
    assert_eq!(created.times.estimated_arrival, Some(t(10, 12)));
    assert_eq!(created.times.planned_arrival, Some(t(10, 8)));
    assert_eq!(
        store.vessel("9074729").await.unwrap().unwrap().name,
        "MAERSK HORIZON",
        "kept, not overwritten"
    );

    // Announcing the call again changes nothing of it but what its new events say.
    let mut again = missing.clone();
    again.port_calls[0].terminal = None;
    let later = vec![event("NEW", Est, Arri, Brth, t(10, 14), t(4, 0))];
    store
        .record_events(&again, Existing::Keep, &later)
        .await
        .unwrap();
    let kept = store.port_call("NEW").await.unwrap().unwrap();
    assert_eq!(kept.terminal, Some("APMT".into()));
    assert_eq!(kept.times.estimated_arrival, Some(t(10, 14)));
}

async fn port_calls_are_filtered_and_paged_by_cursor(open: Opener) {
    let store = open().await;
    let mut batch = reference();
    batch.services.push(Service {
        carrier: "MSK".into(),
        code: "TP2".into(),
        name: "Transpacific 2".into(),
    });
    let mut other = call("B", t(5, 8), 1.0);
    other.service = "TP2".into();
    // A and C share an arrival: the reference orders them.
    batch.port_calls = vec![
        call("C", t(5, 8), 1.0),
        other,
        call("A", t(5, 8), 1.0),
        call("D", t(9, 8), 1.0),
    ];
    store.write_batch(&batch).await.unwrap();
    assert_eq!(store.services().await.unwrap().len(), 2);

    let refs = |calls: Vec<PortCall>| calls.into_iter().map(|c| c.call_ref).collect::<Vec<_>>();
    let all = CallFilter {
        port: Some("USLAX".into()),
        limit: 10,
        ..Default::default()
    };
    assert_eq!(
        refs(store.port_calls(&all).await.unwrap()),
        ["A", "B", "C", "D"]
    );
    let tp6 = CallFilter {
        service: Some("TP6".into()),
        ..all.clone()
    };
    assert_eq!(refs(store.port_calls(&tp6).await.unwrap()), ["A", "C", "D"]);
    let window = CallFilter {
        from: Some(t(5, 8)),
        to: Some(t(9, 8)),
        ..all.clone()
    };
    assert_eq!(
        refs(store.port_calls(&window).await.unwrap()),
        ["A", "B", "C"]
    );
    let vessel = CallFilter {
        vessel_imo: Some("9999999".into()),
        ..all.clone()
    };
    assert!(store.port_calls(&vessel).await.unwrap().is_empty());

    // Pages of two, each starting after the last call of the one before.
    let first = store
        .port_calls(&CallFilter {
            limit: 2,
            ..all.clone()
        })
        .await
        .unwrap();
    let last = first.last().unwrap();
    let after = Some((last.times.best_arrival().unwrap(), last.call_ref.clone()));
    let second = store
        .port_calls(&CallFilter {
            limit: 2,
            after,
            ..all.clone()
        })
        .await
        .unwrap();
    assert_eq!(
        (refs(first), refs(second)),
        (
            vec!["A".to_string(), "B".into()],
            vec!["C".to_string(), "D".into()]
        )
    );
}

async fn port_calls_are_filtered_by_status_terminal_and_carrier(open: Opener) {
    use portsignal::domain::VesselStatus;
    let store = open().await;
    let mut batch = reference();
    let now = t(10, 12);
    let with = |r: &str, f: &dyn Fn(&mut CallTimes)| {
        let mut c = call(r, t(10, 6), 1.0);
        f(&mut c.times);
        c
    };
    batch.port_calls = vec![
        // Far ahead, and one with only an estimate that is near.
        with("sched", &|c| c.planned_arrival = Some(t(30, 0))),
        with("near", &|c| {
            c.planned_arrival = Some(t(30, 0));
            c.estimated_arrival = Some(t(20, 0));
        }),
        with("due", &|_| {}),
        with("anchored", &|c| c.actual_anchorage_arrival = Some(t(10, 1))),
        // Its anchorage arrival is still ahead of `now`: not at anchor yet.
        with("later", &|c| c.actual_anchorage_arrival = Some(t(10, 13))),
        with("berthed", &|c| {
            c.actual_anchorage_arrival = Some(t(9, 1));
            c.actual_berth_arrival = Some(t(10, 2));
        }),
        with("gone", &|c| {
            c.actual_berth_arrival = Some(t(9, 2));
            c.actual_departure = Some(t(10, 3));
        }),
        with("leaving", &|c| {
            c.actual_berth_arrival = Some(t(9, 2));
            c.actual_departure = Some(t(10, 20));
        }),
        with("dropped", &|c| c.omitted = true),
    ];
    store.write_batch(&batch).await.unwrap();
    let all = CallFilter {
        port: Some("USLAX".into()),
        limit: 100,
        ..Default::default()
    };
    let calls = store.port_calls(&all).await.unwrap();
    assert_eq!(calls.len(), 9);
    for status in VesselStatus::ALL {
        let mut expected: Vec<&str> = calls
            .iter()
            .filter(|c| c.status(now) == status)
            .map(|c| c.call_ref.as_str())
            .collect();
        assert!(!expected.is_empty(), "{status:?} is tried");
        let mut found: Vec<String> = store
            .port_calls(&CallFilter {
                status: Some((status, now)),
                ..all.clone()
            })
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.call_ref)
            .collect();
        expected.sort_unstable();
        found.sort_unstable();
        assert_eq!(found, expected, "{status:?}");
    }
    // The same calls a day later: the status moves on, the filter with it.
    let later = store
        .port_calls(&CallFilter {
            status: Some((VesselStatus::Departed, t(11, 12))),
            ..all.clone()
        })
        .await
        .unwrap();
    assert_eq!(later.len(), 2, "gone and leaving");
    for (terminal, carrier, n) in [("APMT", "MSK", 9), ("FMS", "MSK", 0), ("APMT", "CMA", 0)] {
        let found = store
            .port_calls(&CallFilter {
                terminal: Some(terminal.into()),
                carrier: Some(carrier.into()),
                ..all.clone()
            })
            .await
            .unwrap();
        assert_eq!(found.len(), n, "{terminal} {carrier}");
    }
}

async fn a_schedule_update_keeps_what_events_and_measurements_said(open: Opener) {
    use Classifier::*;
    use EventType::*;
    use FacilityType::*;
    let store = open().await;
    let mut batch = reference();
    let mut measured = call("C1", t(10, 8), 4000.0);
    measured.actual = Some(TeuMoves {
        discharge_laden: 3900.0,
        discharge_empty: 80.0,
        load_laden: 700.0,
        load_empty: 1300.0,
    });
    batch.port_calls = vec![measured.clone()];
    store.write_batch(&batch).await.unwrap();
    let eta = vec![event("C1", Est, Arri, Brth, t(10, 20), t(3, 0))];
    store
        .record_events(&Batch::default(), Existing::Keep, &eta)
        .await
        .unwrap();

    // A new schedule row: new expected moves, no terminal, and (wrongly) no times or actuals.
    let mut revised = call("C1", t(1, 1), 5200.0);
    revised.terminal = None;
    revised.times = CallTimes::default();
    revised.actual = None;
    let mut renamed = reference();
    renamed.vessels[0].name = "MAERSK HORIZON II".into();
    renamed.port_calls = vec![revised];
    store
        .record_events(&renamed, Existing::UpdateSchedule, &[])
        .await
        .unwrap();

    let c = store.port_call("C1").await.unwrap().unwrap();
    assert_eq!(
        c.expected.discharge_laden, 5200.0,
        "the schedule owns expected moves"
    );
    assert_eq!(c.terminal, None);
    assert_eq!(c.actual, measured.actual, "what was measured stays");
    assert_eq!(
        c.times.estimated_arrival,
        Some(t(10, 20)),
        "what events said stays"
    );
    assert_eq!(c.times.planned_arrival, Some(t(10, 8)));
    assert_eq!(
        store.vessel("9074729").await.unwrap().unwrap().name,
        "MAERSK HORIZON II"
    );
}

fn weekly_forecast(issue: &str, target: &str, horizon: i32, p50: f64) -> IssuedForecast {
    IssuedForecast {
        port: "USLAX".into(),
        kind: ForecastKind::WeeklyImport,
        series: "import_teu".into(),
        issue: issue.into(),
        target: target.into(),
        horizon,
        as_of: t(1, 14),
        method: "schedules and ETA misses".into(),
        band: Band {
            p10: p50 * 0.9,
            p50,
            p90: p50 * 1.125,
        },
        reproduced: issue == "2026-12-01",
        issued_at: t(1, 14) + Duration::milliseconds(250),
    }
}

async fn issued_forecasts_are_kept_as_first_issued(open: Opener) {
    let store = open().await;
    store.write_batch(&reference()).await.unwrap();
    let kind = ForecastKind::WeeklyImport;
    assert!(!store.has_issue("USLAX", kind, "2026-12-01").await.unwrap());
    let first = vec![
        weekly_forecast("2026-12-01", "2026-W50", 1, 41_000.5),
        weekly_forecast("2026-12-01", "2026-W49", 0, 38_000.0),
    ];
    assert_eq!(store.record_forecasts(&first).await.unwrap(), 2);
    // The same issue again, with other numbers, and a new target: only the target is new.
    let again = vec![
        weekly_forecast("2026-12-01", "2026-W49", 0, 99_999.0),
        weekly_forecast("2026-12-01", "2026-W51", 2, 40_000.0),
    ];
    assert_eq!(store.record_forecasts(&again).await.unwrap(), 1);
    let next_day = vec![weekly_forecast("2026-12-02", "2026-W49", 0, 39_000.0)];
    assert_eq!(store.record_forecasts(&next_day).await.unwrap(), 1);
    let monthly = IssuedForecast {
        kind: ForecastKind::Monthly,
        series: "total_teu".into(),
        issue: "2026-10".into(),
        target: "2026-11".into(),
        ..weekly_forecast("x", "x", 1, 800_000.0)
    };
    assert_eq!(
        store
            .record_forecasts(std::slice::from_ref(&monthly))
            .await
            .unwrap(),
        1
    );

    let stored = store.issued_forecasts("USLAX", kind).await.unwrap();
    assert_eq!(
        stored,
        vec![
            first[1].clone(),
            first[0].clone(),
            again[1].clone(),
            next_day[0].clone()
        ]
    );
    assert!(store.has_issue("USLAX", kind, "2026-12-02").await.unwrap());
    assert!(!store.has_issue("USLAX", kind, "2026-12-03").await.unwrap());
    assert!(!store.has_issue("USLGB", kind, "2026-12-02").await.unwrap());
    let monthly_kind = ForecastKind::Monthly;
    assert!(!store
        .has_issue("USLAX", monthly_kind, "2026-12-02")
        .await
        .unwrap());
    assert!(store
        .has_issue("USLAX", monthly_kind, "2026-10")
        .await
        .unwrap());
    assert_eq!(
        store
            .issued_forecasts("USLAX", ForecastKind::Monthly)
            .await
            .unwrap(),
        vec![monthly]
    );
    assert!(store
        .issued_forecasts("USNYC", kind)
        .await
        .unwrap()
        .is_empty());
}

async fn accounts_organisations_sessions_and_login_failures(open: Opener) {
    use portsignal::accounts::{password, Follow, NewUser, UserRole};
    let store = open().await;
    let follows = vec![
        Follow::parse("MSK").unwrap(),
        Follow::parse("CMA:PRX2").unwrap(),
    ];
    let org = store
        .create_organisation("Harbour Imports", &follows, t(1, 0))
        .await
        .unwrap();
    assert!(
        store
            .create_organisation("Harbour Imports", &[], t(1, 0))
            .await
            .is_err(),
        "names are unique"
    );
    let staff_org = store
        .create_organisation("Port of LA", &[], t(1, 0))
        .await
        .unwrap();
    let orgs = store.organisations().await.unwrap();
    assert_eq!(orgs.len(), 2);
    let harbour = orgs.iter().find(|o| o.id == org).unwrap();
    let mut expected = follows.clone();
    expected.sort();
    assert_eq!(harbour.follows, expected);
    assert_eq!(harbour.created_at, t(1, 0));

    let hash = password::hash("a long enough password");
    let id = store
        .create_user(&NewUser {
            email: "ana@example.org".into(),
            password_hash: hash.clone(),
            role: UserRole::Owner,
            organisation_id: Some(org),
            created_at: t(2, 0),
        })
        .await
        .unwrap();
    let dup = NewUser {
        email: "ana@example.org".into(),
        password_hash: hash.clone(),
        role: UserRole::Staff,
        organisation_id: Some(staff_org),
        created_at: t(2, 0),
    };
    assert!(
        store.create_user(&dup).await.is_err(),
        "one account per address"
    );
    let (user, stored) = store
        .user_by_email("ana@example.org")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored, hash);
    assert_eq!(
        (user.id, user.role, user.organisation_id),
        (id, UserRole::Owner, Some(org))
    );
    assert_eq!(user.session_epoch, 0);
    assert!(store
        .user_by_email("bob@example.org")
        .await
        .unwrap()
        .is_none());
    assert_eq!(store.user(id).await.unwrap().unwrap(), user);
    assert_eq!(store.users().await.unwrap(), vec![user.clone()]);
    // A new password, and "log out everywhere", each end the sessions made before.
    assert!(store.set_password(id, "new-hash").await.unwrap());
    let (after, stored) = store
        .user_by_email("ana@example.org")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((after.session_epoch, stored.as_str()), (1, "new-hash"));
    assert!(store.end_sessions(id).await.unwrap());
    assert_eq!(store.user(id).await.unwrap().unwrap().session_epoch, 2);
    assert!(!store.end_sessions(id + 100).await.unwrap());

    // Sessions: saved, replaced, found until they expire, deleted.
    store
        .save_session("s1", "{\"a\":1}", t(3, 8))
        .await
        .unwrap();
    store
        .save_session("s1", "{\"a\":2}", t(3, 8))
        .await
        .unwrap();
    store.save_session("s2", "{}", t(3, 1)).await.unwrap();
    // Creating never takes over a session that exists.
    assert!(!store
        .create_session("s1", "{\"a\":3}", t(3, 8))
        .await
        .unwrap());
    assert!(store.create_session("s3", "{}", t(3, 8)).await.unwrap());
    assert_eq!(
        store.load_session("s1", t(3, 0)).await.unwrap().as_deref(),
        Some("{\"a\":2}")
    );
    assert_eq!(
        store.load_session("s1", t(3, 8)).await.unwrap(),
        None,
        "expired"
    );
    assert_eq!(store.delete_expired_sessions(t(3, 2)).await.unwrap(), 1);
    assert_eq!(store.load_session("s2", t(3, 0)).await.unwrap(), None);
    store.delete_session("s1").await.unwrap();
    assert_eq!(store.load_session("s1", t(3, 0)).await.unwrap(), None);

    // Failed logins are counted by key within a window, and cleared.
    for minute in [0, 1, 2] {
        store
            .login_failure(
                "account:ana@example.org",
                t(4, 0) + Duration::minutes(minute),
            )
            .await
            .unwrap();
    }
    store
        .login_failure("address:10.0.0.1", t(4, 0))
        .await
        .unwrap();
    let since = |m| t(4, 0) + Duration::minutes(m);
    let key = "account:ana@example.org";
    assert_eq!(store.login_failures_since(key, since(0)).await.unwrap(), 3);
    assert_eq!(store.login_failures_since(key, since(1)).await.unwrap(), 2);
    store.clear_login_failures(key).await.unwrap();
    assert_eq!(store.login_failures_since(key, since(0)).await.unwrap(), 0);
    assert_eq!(
        store
            .login_failures_since("address:10.0.0.1", since(0))
            .await
            .unwrap(),
        1
    );
}

async fn watchlists_visits_and_shift_patterns(open: Opener) {
    use portsignal::accounts::{NewUser, UserRole, Watch, WatchKind};
    let store = open().await;
    store.write_batch(&reference()).await.unwrap();
    let org = store
        .create_organisation("Harbour Imports", &[], t(1, 0))
        .await
        .unwrap();
    let user = store
        .create_user(&NewUser {
            email: "buyer@harbour.example".into(),
            password_hash: "x".into(),
            role: UserRole::Owner,
            organisation_id: Some(org),
            created_at: t(1, 0),
        })
        .await
        .unwrap();

    // Visits: each answers the one before.
    assert_eq!(store.visit(user, t(2, 8)).await.unwrap(), None);
    assert_eq!(store.visit(user, t(3, 9)).await.unwrap(), Some(t(2, 8)));
    assert_eq!(store.visit(user, t(4, 10)).await.unwrap(), Some(t(3, 9)));

    // Watchlists: added once, vessels first, removed once.
    let service = Watch::new(WatchKind::Service, "msk:tp6", t(2, 0)).unwrap();
    let vessel = Watch::new(WatchKind::Vessel, "9321483", t(2, 1)).unwrap();
    assert!(store.watch(user, &service).await.unwrap());
    assert!(store.watch(user, &vessel).await.unwrap());
    assert!(!store.watch(user, &vessel).await.unwrap(), "already there");
    assert_eq!(
        store.watchlist(user).await.unwrap(),
        vec![vessel.clone(), service.clone()]
    );
    assert!(store
        .unwatch(user, WatchKind::Vessel, "9321483")
        .await
        .unwrap());
    assert!(!store
        .unwatch(user, WatchKind::Vessel, "9321483")
        .await
        .unwrap());
    assert_eq!(store.watchlist(user).await.unwrap(), vec![service]);

    // Shift patterns: Los Angeles' by default, set per port.
    assert_eq!(
        store.port_shifts("USLAX").await.unwrap().as_deref(),
        Some("day 08-17, night 18-03, hoot 03-08")
    );
    assert!(store
        .set_port_shifts("USLAX", "day 07-19, night 19-07")
        .await
        .unwrap());
    assert_eq!(
        store.port_shifts("USLAX").await.unwrap().as_deref(),
        Some("day 07-19, night 19-07")
    );
    assert!(!store.set_port_shifts("XXXXX", "day 07-19").await.unwrap());
    assert_eq!(store.port_shifts("XXXXX").await.unwrap(), None);

    // Clearing empties the watchlist with the users.
    store.clear().await.unwrap();
    assert!(store.users().await.unwrap().is_empty());
}

/// The stored rollups of USLAX, checked against rollups made afresh from its calls.
async fn rollups_match_the_calls(store: &dyn Storage) -> Vec<portsignal::domain::rollup::WeekCell> {
    rollups_of_port_match_its_calls(store, "USLAX", chrono_tz::America::Los_Angeles).await
}

/// The stored rollups of `port`, checked against rollups made afresh from its calls in `tz`.
async fn rollups_of_port_match_its_calls(
    store: &dyn Storage,
    port: &str,
    tz: chrono_tz::Tz,
) -> Vec<portsignal::domain::rollup::WeekCell> {
    use portsignal::domain::rollup::cells;
    let (from, to) = (t(1, 0) - Duration::days(400), t(1, 0) + Duration::days(400));
    let key = |c: &portsignal::domain::rollup::WeekCell| {
        (
            c.week,
            c.carrier.clone(),
            c.service.clone(),
            c.terminal.clone(),
        )
    };
    let mut stored = store.call_weeks(port, from, to).await.unwrap();
    stored.sort_by_key(key);
    let calls = store.port_calls_berthed(port, from, to).await.unwrap();
    let mut fresh = cells(&calls, DateTime::<Utc>::MAX_UTC, &tz);
    fresh.sort_by_key(key);
    assert_eq!(stored, fresh);
    stored
}

async fn weekly_rollups_follow_every_write(open: Opener) {
    use Classifier::*;
    use EventType::*;
    use FacilityType::*;
    let store = open().await;
    let mut batch = reference();
    let mut c1 = call("C1", t(8, 8), 4000.0);
    c1.times.actual_berth_arrival = Some(t(8, 10));
    let mut c2 = call("C2", t(9, 0), 3000.0);
    c2.import_voyage = "C2E".into();
    c2.terminal = None;
    c2.times.actual_anchorage_arrival = Some(t(9, 2));
    c2.times.actual_berth_arrival = Some(t(10, 4));
    let c3 = call("C3", t(15, 0), 2000.0);
    batch.port_calls = vec![c1, c2, c3];
    store.write_batch(&batch).await.unwrap();
    let cells = rollups_match_the_calls(store.as_ref()).await;
    // Both berthed in week 50 (7-13 December in Los Angeles), one at APMT, one at no terminal.
    assert_eq!(cells.len(), 2, "{cells:?}");
    assert!(cells.iter().all(|c| c.week.week == 50 && c.berthed == 1));
    assert_eq!(cells.iter().map(|c| c.anchored).sum::<i64>(), 1);

    // Events move C1's berth into week 51 and berth C3 there: week 50 keeps only C2.
    let events = vec![
        event("C1", Act, Arri, Brth, t(15, 3), t(15, 3)),
        event("C3", Act, Arri, Brth, t(16, 0), t(16, 0)),
    ];
    store
        .record_events(&Batch::default(), Existing::Keep, &events)
        .await
        .unwrap();
    let cells = rollups_match_the_calls(store.as_ref()).await;
    let by_week: Vec<(u32, &str, i64)> = cells
        .iter()
        .map(|c| (c.week.week, c.terminal.as_str(), c.berthed))
        .collect();
    assert_eq!(by_week, [(50, "", 1), (51, "APMT", 2)]);
    // Summed by the database as the domain sums them.
    use portsignal::domain::rollup::sum_by;
    use portsignal::storage::CellGrouping;
    let (from, to) = (t(1, 0), t(31, 0));
    let sums = |by| store.call_week_sums("USLAX", from, to, by);
    let weekly: Vec<_> = sum_by(&cells, |c| c.week)
        .into_iter()
        .map(|(_, c)| c)
        .collect();
    let got = sums(CellGrouping::Week).await.unwrap();
    assert_eq!(got.len(), weekly.len());
    for (g, w) in got.iter().zip(&weekly) {
        assert_eq!(
            (g.week, g.berthed, g.scored, g.on_time),
            (w.week, w.berthed, w.scored, w.on_time)
        );
        assert_eq!(
            (g.delay_minutes, g.anchored, g.wait_tenths),
            (w.delay_minutes, w.anchored, w.wait_tenths)
        );
        assert_eq!(g.max_wait_tenths, w.max_wait_tenths);
    }
    let by_service = sum_by(&cells, |c| (c.carrier.clone(), c.service.clone()));
    let got = sums(CellGrouping::Service).await.unwrap();
    assert_eq!(got.len(), by_service.len());
    for (g, ((carrier, service), w)) in got.iter().zip(&by_service) {
        assert_eq!((&g.carrier, &g.service), (carrier, service));
        assert_eq!(
            (g.berthed, g.scored, g.delay_minutes),
            (w.berthed, w.scored, w.delay_minutes)
        );
        assert_eq!(
            (g.anchored, g.wait_tenths, g.max_wait_tenths),
            (w.anchored, w.wait_tenths, w.max_wait_tenths)
        );
    }

    // Sent again, nothing changes.
    store
        .record_events(&Batch::default(), Existing::Keep, &events)
        .await
        .unwrap();
    assert_eq!(rollups_match_the_calls(store.as_ref()).await, cells);

    // A later anchorage arrival shortens C2's wait: its cell's longest wait falls.
    let later_anchor = [event("C2", Act, Arri, Anch, t(10, 0), t(10, 1))];
    store
        .record_events(&Batch::default(), Existing::Keep, &later_anchor)
        .await
        .unwrap();
    let cells = rollups_match_the_calls(store.as_ref()).await;
    assert_eq!((cells[0].week.week, cells[0].max_wait_tenths), (50, 40));
    // A new call joins C1 and C3's cell; then C1 moves to another service, leaving it.
    let mut c4 = call("C4", t(16, 0), 1000.0);
    c4.times.actual_berth_arrival = Some(t(17, 0));
    let mut c1 = call("C1", t(8, 8), 4000.0);
    c1.service = "TP7".into();
    c1.times.actual_berth_arrival = Some(t(15, 3));
    let mut shown = Vec::new();
    for c in [c4, c1] {
        let mut more = reference();
        more.services.push(Service {
            carrier: "MSK".into(),
            code: "TP7".into(),
            name: "Transpacific 7".into(),
        });
        more.port_calls = vec![c];
        store.write_batch(&more).await.unwrap();
        let cells = rollups_match_the_calls(store.as_ref()).await;
        shown.push(
            cells
                .iter()
                .map(|c| (c.week.week, c.service.clone(), c.berthed))
                .collect::<Vec<_>>(),
        );
    }
    let tp = |w: u32, s: &str, n: i64| (w, s.to_owned(), n);
    assert_eq!(
        shown,
        [
            vec![tp(50, "TP6", 1), tp(51, "TP6", 3)],
            vec![tp(50, "TP6", 1), tp(51, "TP6", 2), tp(51, "TP7", 1)]
        ]
    );
    // A database whose rollups are there has none to fill.
    assert_eq!(store.fill_call_weeks().await.unwrap(), 0);
}

/// Several instances (each its own store, as several servers on one PostgreSQL) write the
/// same two ports' weeks at once: they rewrite the same calls with other berths, send the same
/// new calls, and shorten waits with later anchorage arrivals (a week counted again); half the
/// writers list the ports' calls in the other order. The rollups still equal the calls after
/// every round.
async fn writers_on_several_instances_keep_the_rollups_true(open: Opener) {
    use Classifier::*;
    use EventType::*;
    use FacilityType::*;
    let mut stores = Vec::new();
    for _ in 0..4 {
        stores.push(open().await);
    }
    let reference = || {
        let mut batch = reference();
        batch.ports.push(Port {
            locode: "USLGB".into(),
            name: "Long Beach".into(),
            time_zone: "America/Los_Angeles".into(),
        });
        batch
    };
    stores[0].write_batch(&reference()).await.unwrap();
    for round in 0..6u32 {
        let writers = stores.iter().enumerate().map(|(i, store)| {
            let store = store.clone();
            let i = i as u32;
            tokio::spawn(async move {
                let mut batch = reference();
                for k in 0..8u32 {
                    for r in [format!("K{k}"), format!("N{round}-{k}"), format!("L{k}")] {
                        let mut c = call(&r, t(8, 0), 1000.0);
                        if r.starts_with('L') {
                            c.port = "USLGB".into();
                            c.terminal = None;
                        }
                        let day = 8 + (i + round + k) % 8;
                        c.times.actual_anchorage_arrival = Some(t(day, 0));
                        c.times.actual_berth_arrival = Some(t(day, 4 + i + k));
                        batch.port_calls.push(c);
                    }
                }
                batch.port_calls.sort_by(|a, b| a.call_ref.cmp(&b.call_ref));
                if i % 2 == 1 {
                    batch.port_calls.reverse();
                }
                store.write_batch(&batch).await.unwrap();
                // A later anchorage arrival shortens one call's wait.
                let k = (i + round) % 8;
                let c = batch
                    .port_calls
                    .iter()
                    .find(|c| c.call_ref == format!("K{k}"));
                let berth = c.unwrap().times.actual_berth_arrival.unwrap();
                let at = berth - Duration::hours(1);
                let shorter = [event(&format!("K{k}"), Act, Arri, Anch, at, at)];
                store
                    .record_events(&Batch::default(), Existing::Keep, &shorter)
                    .await
                    .unwrap();
            })
        });
        for writer in writers.collect::<Vec<_>>() {
            writer.await.unwrap();
        }
        rollups_match_the_calls(stores[0].as_ref()).await;
        let tz = chrono_tz::America::Los_Angeles;
        let lgb = rollups_of_port_match_its_calls(stores[0].as_ref(), "USLGB", tz).await;
        assert_eq!(lgb.iter().map(|c| c.berthed).sum::<i64>(), 8);
    }
}

/// A port's weeks are drawn in its time zone: given another zone, its rollups are counted
/// again, and a call keeps the port it was first stored at.
async fn a_port_given_another_zone_has_its_weeks_counted_again(open: Opener) {
    let store = open().await;
    let mut batch = reference();
    // Sunday 13 December, 20:00 in Los Angeles: Monday 14 December, 04:00 UTC.
    let mut c1 = call("C1", t(13, 0), 1000.0);
    c1.times.actual_berth_arrival = Some(t(14, 4));
    batch.port_calls = vec![c1.clone()];
    store.write_batch(&batch).await.unwrap();
    let weeks = |cells: Vec<portsignal::domain::rollup::WeekCell>| -> Vec<u32> {
        cells.iter().map(|c| c.week.week).collect()
    };
    assert_eq!(weeks(rollups_match_the_calls(store.as_ref()).await), [50]);

    let mut utc = reference();
    utc.ports[0].time_zone = "UTC".into();
    store.write_batch(&utc).await.unwrap();
    let cells = rollups_of_port_match_its_calls(store.as_ref(), "USLAX", chrono_tz::UTC).await;
    assert_eq!(weeks(cells), [51]);

    // The call sent again under another port stays at its own.
    let mut moved = utc.clone();
    moved.ports.push(Port {
        locode: "USLGB".into(),
        name: "Long Beach".into(),
        time_zone: "UTC".into(),
    });
    c1.port = "USLGB".into();
    c1.terminal = None;
    moved.port_calls = vec![c1];
    store.write_batch(&moved).await.unwrap();
    assert_eq!(store.port_call("C1").await.unwrap().unwrap().port, "USLAX");
    let cells = rollups_of_port_match_its_calls(store.as_ref(), "USLAX", chrono_tz::UTC).await;
    assert_eq!(weeks(cells), [51]);
}

async fn the_arrivals_list_is_cut_by_the_database_as_the_domain_says(open: Opener) {
    use portsignal::domain::arrivals::{select, ArrivalsQuery, SortKey, PAGE_SIZE};
    use portsignal::domain::VesselStatus;
    let store = open().await;
    let now = Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap();
    let batch = demo::generate(&DemoOptions {
        seed: demo::DEFAULT_SEED,
        as_of: now,
    });
    demo::load(store.as_ref(), &batch).await.unwrap();
    let tz = chrono_tz::America::Los_Angeles;
    let (from, to) = (now - Duration::days(30), now + Duration::weeks(10));
    let calls = store.port_calls_arriving("USLAX", from, to).await.unwrap();
    let carrier = calls[0].carrier.clone();
    let refs = |calls: Vec<&PortCall>| -> Vec<String> {
        calls.into_iter().map(|c| c.call_ref.clone()).collect()
    };
    let statuses = [
        None,
        Some(VesselStatus::EnRoute),
        Some(VesselStatus::AtBerth),
        Some(VesselStatus::Departed),
    ];
    for sort in SortKey::ALL {
        for status in statuses {
            for carrier in [None, Some(carrier.clone())] {
                let q = ArrivalsQuery {
                    status,
                    sort,
                    carrier: carrier.clone(),
                    page: 2,
                    ..ArrivalsQuery::default()
                };
                let (rows, total, page, _) = select(&calls, &q, now, &tz);
                let filter = CallFilter {
                    port: Some("USLAX".into()),
                    carrier,
                    status: status.map(|s| (s, now)),
                    open_at: status.is_none().then_some(now),
                    from: Some(from),
                    to: Some(to),
                    limit: PAGE_SIZE as u32,
                    ..CallFilter::default()
                };
                let case = format!("{sort:?} {status:?} {:?}", q.carrier);
                assert_eq!(
                    store.count_calls(&filter).await.unwrap() as usize,
                    total,
                    "{case}"
                );
                let offset = ((page - 1) * PAGE_SIZE) as u64;
                let got = store
                    .port_calls_sorted(&filter, sort, offset)
                    .await
                    .unwrap();
                assert_eq!(refs(got.iter().collect()), refs(rows), "{case}");
            }
        }
    }
    // The demo lists enough to page: the default list has a second page.
    let (_, total, _, _) = select(&calls, &ArrivalsQuery::default(), now, &tz);
    assert!(total > PAGE_SIZE, "{total}");
}

/// PostgreSQL only: a bulk write that autovacuum has not reached (it is off on this machine)
/// gets the planner's statistics from `analyze`, as the server calls it at start and hourly.
#[tokio::test]
async fn postgres_tables_never_analysed_are_analysed() {
    let schema = support::PgSchema::create().await;
    let store = storage::open(Some(&schema.url), Path::new("unused"))
        .await
        .unwrap();
    let mut batch = reference();
    batch.port_calls = (0..200)
        .map(|i| call(&format!("C{i}"), t(10, 8), 4000.0))
        .collect();
    store.write_batch(&batch).await.unwrap();
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&schema.url)
        .await
        .unwrap();
    let rows = "SELECT reltuples FROM pg_class WHERE oid = 'port_calls'::regclass";
    let before: f32 = sqlx::query_scalar(rows).fetch_one(&mut conn).await.unwrap();
    store.analyze().await.unwrap();
    let after: f32 = sqlx::query_scalar(rows).fetch_one(&mut conn).await.unwrap();
    drop(conn);
    schema.drop_schema().await;
    assert_eq!(before, -1.0, "port_calls was analysed before");
    assert_eq!(after, 200.0, "port_calls was not analysed");
}
