//! Migrations that rebuild a table keep what it held: a database made by an earlier version
//! opens under this one with its rows, its ids and its rules.

use portsignal::storage;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::Row;
use std::path::Path;

#[tokio::test]
async fn sqlite_event_log_survives_the_rebuild_of_migration_3() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("portsignal.db");
    let options = SqliteConnectOptions::new()
        .filename(&file)
        .create_if_missing(true)
        .foreign_keys(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .unwrap();

    // The schema as versions 1 and 2 left it, with a call and two events.
    let mut earlier = Migrator::new(Path::new("migrations/sqlite")).await.unwrap();
    let all = earlier.migrations.len();
    assert!(all >= 3, "migration 3 exists");
    earlier.migrations = earlier.migrations[..2].to_vec().into();
    earlier.run(&pool).await.unwrap();
    for sql in [
        "INSERT INTO ports (locode, name, time_zone) VALUES ('USLAX', 'Los Angeles', 'America/Los_Angeles')",
        "INSERT INTO carriers (code, name) VALUES ('MSK', 'Maersk')",
        "INSERT INTO services (carrier_code, code, name) VALUES ('MSK', 'TP6', 'TP6')",
        "INSERT INTO vessels (imo, name) VALUES ('9074729', 'Sample')",
        "INSERT INTO port_calls (call_ref, port_locode, vessel_imo, carrier_code, service_code, import_voyage, export_voyage) \
         VALUES ('USLAX-9074729-1E', 'USLAX', '9074729', 'MSK', 'TP6', '1E', '1W')",
        "INSERT INTO port_call_events (id, call_ref, source, publisher, classifier, event_type, facility_type, event_time, received_at) \
         VALUES (7, 'USLAX-9074729-1E', 'test', 'MSK', 'EST', 'ARRI', 'BRTH', '2026-12-01T14:00:00+00:00', '2026-11-28T10:00:00+00:00'), \
                (9, 'USLAX-9074729-1E', 'test', 'MSK', 'ACT', 'ARRI', 'BRTH', '2026-12-01T15:00:00+00:00', '2026-12-01T15:05:00+00:00')",
    ] {
        sqlx::query(sql).execute(&pool).await.unwrap();
    }
    pool.close().await;

    // This version migrates it on opening.
    let store = storage::open(None, dir.path()).await.unwrap();
    let events = store.events_of_call("USLAX-9074729-1E").await.unwrap();
    assert_eq!(events.len(), 2);
    drop(store);

    let pool = SqlitePoolOptions::new()
        .connect_with(SqliteConnectOptions::new().filename(&file))
        .await
        .unwrap();
    let ids: Vec<i64> = sqlx::query("SELECT id FROM port_call_events ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(ids, [7, 9]);
    // New ids continue after the kept ones.
    sqlx::query(
        "INSERT INTO port_call_events (call_ref, source, publisher, classifier, event_type, event_time, received_at) \
         VALUES ('USLAX-9074729-1E', 'test', 'MSK', 'EST', 'DEPA', '2026-12-02T14:00:00+00:00', '2026-11-28T10:00:00+00:00')",
    )
    .execute(&pool)
    .await
    .unwrap();
    let last: i64 = sqlx::query_scalar("SELECT max(id) FROM port_call_events")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(last, 10);
    // The rules still hold: code lists, the identity key, append-only.
    let bad_code = sqlx::query(
        "INSERT INTO port_call_events (call_ref, source, publisher, classifier, event_type, event_time, received_at) \
         VALUES ('USLAX-9074729-1E', 'test', 'MSK', 'XXX', 'ARRI', '2026-12-03T14:00:00+00:00', '2026-11-28T10:00:00+00:00')",
    )
    .execute(&pool)
    .await;
    assert!(bad_code.unwrap_err().to_string().contains("CHECK"));
    let again = sqlx::query(
        "INSERT INTO port_call_events (call_ref, source, publisher, classifier, event_type, facility_type, event_time, received_at) \
         VALUES ('USLAX-9074729-1E', 'other', 'MSK', 'EST', 'ARRI', 'BRTH', '2026-12-01T14:00:00+00:00', '2026-11-29T10:00:00+00:00') \
         ON CONFLICT DO NOTHING",
    )
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(again.rows_affected(), 0, "the same event is stored once");
    let update = sqlx::query("UPDATE port_call_events SET remark = 'x' WHERE id = 7")
        .execute(&pool)
        .await;
    assert!(update.unwrap_err().to_string().contains("append-only"));
}
