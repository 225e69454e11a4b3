//! The HTTP API through the real router, on a SQLite store: auth, content rules, validation.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use portsignal::auth::{self, Role};
use portsignal::config::Settings;
use portsignal::domain::Port;
use portsignal::state::AppState;
use portsignal::storage::{self, Batch, Storage};
use serde_json::Value;
use std::sync::Arc;
use tower::ServiceExt;

struct Fixture {
    _dir: tempfile::TempDir,
    state: AppState,
    /// Provider token for USLAX only.
    lax: String,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Storage> = storage::open(None, dir.path()).await.unwrap();
    let port = |l: &str, n: &str| Port {
        locode: l.into(),
        name: n.into(),
        time_zone: "America/Los_Angeles".into(),
    };
    store
        .write_batch(&Batch {
            ports: vec![port("USLAX", "Los Angeles"), port("USLGB", "Long Beach")],
            ..Batch::default()
        })
        .await
        .unwrap();
    let (lax, token) = auth::generate(Role::Provider, "test".into(), vec!["USLAX".into()]);
    store.create_token(&token).await.unwrap();
    let settings = Settings {
        site_addr: ([127, 0, 0, 1], 0).into(),
        site_root: "target/site".into(),
        data_dir: dir.path().to_path_buf(),
        database_url: None,
        default_port: "USLAX".into(),
        demo_on_empty: false,
        demo_seed: 1,
        log_json: false,
        log_filter: "warn".into(),
    };
    let state = AppState {
        leptos_options: portsignal::server::leptos_options(&settings),
        store,
        settings: Arc::new(settings),
    };
    Fixture {
        _dir: dir,
        state,
        lax,
    }
}

async fn post(
    f: &Fixture,
    path: &str,
    token: Option<&str>,
    content_type: &str,
    body: impl Into<Body>,
) -> (StatusCode, Value) {
    let mut req = Request::post(path).header("content-type", content_type);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let response = portsignal::server::router(f.state.clone())
        .oneshot(req.body(body.into()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    if status == StatusCode::UNAUTHORIZED {
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
    }
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

const STATS: &str = "/api/v1/ports/USLAX/statistics/monthly";
const GOOD: &str = "month,loaded_imports,loaded_exports,empty_imports,empty_exports\n2026-09,455000.25,107000,12000,250000\n";

#[tokio::test]
async fn statistics_need_a_live_token_for_the_port() {
    let f = fixture().await;
    assert_eq!(
        post(&f, STATS, None, "text/csv", GOOD).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        post(&f, STATS, Some("ps_nonsense"), "text/csv", GOOD)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    let (status, body) = post(
        &f,
        "/api/v1/ports/USLGB/statistics/monthly",
        Some(&f.lax),
        "text/csv",
        GOOD,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body["error"]
        .as_str()
        .unwrap()
        .contains("may not write for USLGB"));
    assert!(f
        .state
        .store
        .monthly_stats("USLGB")
        .await
        .unwrap()
        .is_empty());
    // A revoked token is no token.
    let id = f.state.store.tokens().await.unwrap()[0].id;
    f.state
        .store
        .revoke_token(id, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(
        post(&f, STATS, Some(&f.lax), "text/csv", GOOD).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn statistics_are_stored_and_revisions_replace_the_month() {
    let f = fixture().await;
    let (status, body) = post(&f, STATS, Some(&f.lax), "text/csv; charset=utf-8", GOOD).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        body,
        serde_json::json!({"read": 1, "accepted": 1, "replaced": 0, "rejected": 0})
    );
    let revised = GOOD.replace("455000.25", "456100");
    let (status, body) = post(&f, STATS, Some(&f.lax), "text/csv", revised).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(body["replaced"], 1);
    let stored = f.state.store.monthly_stats("USLAX").await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].loaded_imports, 456_100.0);
    // The token's use is recorded.
    assert!(f.state.store.tokens().await.unwrap()[0]
        .last_used_at
        .is_some());
}

#[tokio::test]
async fn statistics_reject_bad_input_with_every_problem_and_write_nothing() {
    let f = fixture().await;
    let bad = "month,loaded_imports,loaded_exports,empties\n2026-09,1,2,3\n2026-13,-1,2,3\n";
    let (status, body) = post(&f, STATS, Some(&f.lax), "text/csv", bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["problems"],
        serde_json::json!([
            {"location": "row 3, column loaded_imports", "message": "'-1' is not a non-negative number of TEU"},
            {"location": "row 3, column month", "message": "'2026-13' is not a month as YYYY-MM"},
        ])
    );
    assert!(
        f.state
            .store
            .monthly_stats("USLAX")
            .await
            .unwrap()
            .is_empty(),
        "the good row was not written either"
    );

    let (status, _) = post(&f, STATS, Some(&f.lax), "application/json", GOOD).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let huge = format!(
        "{GOOD}{}",
        "x".repeat(portsignal::api::STATISTICS_BODY_LIMIT)
    );
    let (status, body) = post(&f, STATS, Some(&f.lax), "text/csv", huge).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");

    let (status, body) = post(
        &f,
        "/api/v1/ports/NLRTM/statistics/monthly",
        Some(&f.lax),
        "text/csv",
        GOOD,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
}
