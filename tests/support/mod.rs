//! Test harness shared by the integration tests: fresh databases on both backends.
#![allow(dead_code)] // each test binary uses its own part of the harness

use std::sync::atomic::{AtomicU32, Ordering};

/// The PostgreSQL server the tests use; CI starts it (see scripts/test).
pub fn pg_admin_url() -> String {
    std::env::var("PORTSIGNAL_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A fresh, empty schema on the test server, dropped on `drop_schema`.
pub struct PgSchema {
    pub name: String,
    pub url: String,
}

static NEXT: AtomicU32 = AtomicU32::new(0);

impl PgSchema {
    pub async fn create() -> PgSchema {
        let name = format!(
            "ps_test_{}_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst),
            chrono::Utc::now().timestamp_subsec_nanos()
        );
        let admin = pg_admin_url();
        let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL at {admin} is needed by these tests: {e}"));
        sqlx::query(&format!("CREATE SCHEMA {name}"))
            .execute(&mut conn)
            .await
            .unwrap();
        let sep = if admin.contains('?') { '&' } else { '?' };
        let url = format!("{admin}{sep}options[search_path]={name}");
        PgSchema { name, url }
    }

    pub async fn drop_schema(self) {
        let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&pg_admin_url())
            .await
            .unwrap();
        sqlx::query(&format!("DROP SCHEMA {} CASCADE", self.name))
            .execute(&mut conn)
            .await
            .unwrap();
    }
}

/// The app's state over `store`, configured as a test server would be (USLAX by default).
pub fn app_state(
    store: std::sync::Arc<dyn portsignal::storage::Storage>,
    data_dir: &std::path::Path,
) -> portsignal::state::AppState {
    let settings = portsignal::config::Settings {
        site_addr: ([127, 0, 0, 1], 0).into(),
        site_root: "target/site".into(),
        data_dir: data_dir.to_path_buf(),
        database_url: None,
        default_port: "USLAX".into(),
        demo_on_empty: false,
        demo_seed: 1,
        demo_record_days: 0,
        https: false,
        metrics_bind: None,
        rate_limit_per_minute: 0,
        page_cache: true,
        log_json: false,
        log_filter: "warn".into(),
    };
    portsignal::state::AppState {
        leptos_options: portsignal::server::leptos_options(&settings),
        store,
        settings: std::sync::Arc::new(settings),
        live: portsignal::live::Live::default(),
        forecasts: Default::default(),
    }
}
