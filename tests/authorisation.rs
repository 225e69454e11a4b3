//! The authorisation matrix: every route and every server function, called anonymously and as
//! each role (cargo owner, port staff, admin, data provider with an API token), through the
//! real router, gives the expected answer; and what the public pages send holds nothing from
//! staff or owner data.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::Utc;
use http_body_util::BodyExt;
use portsignal::accounts::{password, Follow, NewUser, UserRole};
use portsignal::state::AppState;
use portsignal::storage::{self, Storage};
use std::sync::Arc;
use tower::ServiceExt;

const PASSWORD: &str = "harbour pilot boarding";

#[derive(Clone, Copy, Debug, PartialEq)]
enum Caller {
    Anonymous,
    Owner,
    Staff,
    Admin,
    Provider,
}

const CALLERS: [Caller; 5] = [
    Caller::Anonymous,
    Caller::Owner,
    Caller::Staff,
    Caller::Admin,
    Caller::Provider,
];

/// What a caller gets: let through (2xx, or a 4xx about the request itself, not the caller),
/// asked to log in or to show a token (401), refused (403).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    Ok,
    Unauthorised,
    Forbidden,
}

use Expect::{Forbidden as F, Ok as O, Unauthorised as U};

/// Expected answers for Anonymous, Owner, Staff, Admin, Provider.
type Row = [Expect; 5];
const PUBLIC: Row = [O, O, O, O, O];
const STAFF: Row = [U, F, O, O, U];
const OWNER: Row = [U, O, F, O, U];
const ADMIN: Row = [U, F, F, O, U];
const PROVIDER: Row = [U, U, U, U, O];

struct World {
    state: AppState,
    /// Session cookies of the owner, the staff member and the admin.
    cookies: [String; 3],
    token: String,
    /// A token for the admin to revoke.
    spare_token: i64,
}

async fn login(state: &AppState, email: &str) -> String {
    let form = format!(
        "email={}&password={}",
        email.replace('@', "%40"),
        PASSWORD.replace(' ', "+")
    );
    let response = send_body(state, post("/_fn/login"), form).await;
    assert_eq!(response.0, StatusCode::OK, "login {email}: {}", response.1);
    response.2.expect("a session cookie")
}

async fn world(store: Arc<dyn Storage>, dir: &std::path::Path) -> World {
    let opts = portsignal::demo::DemoOptions {
        seed: 3,
        as_of: Utc::now(),
    };
    portsignal::demo::load(store.as_ref(), &portsignal::demo::generate(&opts))
        .await
        .unwrap();
    let carrier = store
        .port_calls_arriving("USLAX", Utc::now(), Utc::now() + chrono::Duration::days(30))
        .await
        .unwrap()[0]
        .carrier
        .clone();
    let owners = store
        .create_organisation(
            "Secret Harbour Imports",
            &[Follow::parse(&carrier).unwrap()],
            Utc::now(),
        )
        .await
        .unwrap();
    let port = store
        .create_organisation("Port Operations", &[], Utc::now())
        .await
        .unwrap();
    let hash = password::hash(PASSWORD);
    for (email, role, org) in [
        ("buyer@harbour.example", UserRole::Owner, owners),
        ("planner@port.example", UserRole::Staff, port),
        ("root@port.example", UserRole::Admin, port),
        ("spare@harbour.example", UserRole::Owner, owners),
    ] {
        store
            .create_user(&NewUser {
                email: email.into(),
                password_hash: hash.clone(),
                role,
                organisation_id: Some(org),
                created_at: Utc::now(),
            })
            .await
            .unwrap();
    }
    let (token, stored) = portsignal::auth::generate(
        portsignal::auth::Role::Provider,
        "feed".into(),
        vec!["USLAX".into()],
    );
    store.create_token(&stored).await.unwrap();
    let (_, spare) = portsignal::auth::generate(
        portsignal::auth::Role::Provider,
        "spare".into(),
        vec!["USLAX".into()],
    );
    let spare_token = store.create_token(&spare).await.unwrap();
    let state = support::app_state(store, dir);
    let cookies = [
        login(&state, "buyer@harbour.example").await,
        login(&state, "planner@port.example").await,
        login(&state, "root@port.example").await,
    ];
    World {
        state,
        cookies,
        token,
        spare_token,
    }
}

fn post(path: &str) -> axum::http::request::Builder {
    Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
}

/// Sends `request` without a body: status, body (not read for event streams), the session
/// cookie it sets.
async fn send(
    state: &AppState,
    request: axum::http::request::Builder,
) -> (StatusCode, String, Option<String>) {
    send_body(state, request, String::new()).await
}

async fn send_body(
    state: &AppState,
    request: axum::http::request::Builder,
    body: String,
) -> (StatusCode, String, Option<String>) {
    let response = portsignal::server::router(state.clone())
        .oneshot(request.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let cookie = response
        .headers()
        .get("set-cookie")
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string());
    let streaming = response
        .headers()
        .get("content-type")
        .is_some_and(|v| v.to_str().unwrap().starts_with("text/event-stream"));
    let body = if streaming {
        String::new()
    } else {
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        String::from_utf8_lossy(&bytes).into_owned()
    };
    (status, body, cookie)
}

fn as_caller(
    world: &World,
    caller: Caller,
    request: axum::http::request::Builder,
) -> axum::http::request::Builder {
    match caller {
        Caller::Anonymous => request,
        Caller::Owner => request.header("cookie", &world.cookies[0]),
        Caller::Staff => request.header("cookie", &world.cookies[1]),
        Caller::Admin => request.header("cookie", &world.cookies[2]),
        Caller::Provider => request.header("authorization", format!("Bearer {}", world.token)),
    }
}

/// The answer a status gives, or the status when it is no answer about the caller (a 500).
fn verdict(status: StatusCode) -> Result<Expect, StatusCode> {
    match status {
        StatusCode::UNAUTHORIZED => Ok(U),
        StatusCode::FORBIDDEN => Ok(F),
        s if s.is_success() || s.is_redirection() => Ok(O),
        // About the request, not the caller: an API body the provider may send but that is
        // not valid still got past the door.
        StatusCode::BAD_REQUEST
        | StatusCode::UNPROCESSABLE_ENTITY
        | StatusCode::UNSUPPORTED_MEDIA_TYPE => Ok(O),
        s => Err(s),
    }
}

/// Every route a browser or client may GET, with who may.
const GETS: &[(&str, Row)] = &[
    ("/", PUBLIC),
    ("/outlook", PUBLIC),
    ("/arrivals", PUBLIC),
    ("/balance", PUBLIC),
    ("/reliability", PUBLIC),
    ("/congestion", PUBLIC),
    ("/accuracy", PUBLIC),
    ("/login", PUBLIC),
    ("/embed/outlook", PUBLIC),
    ("/healthz", PUBLIC),
    ("/readyz", PUBLIC),
    // On the site's address unless `metrics_bind` moves it (README, "Operations").
    ("/metrics", PUBLIC),
    ("/live?port=USLAX", PUBLIC),
    ("/download/outlook.csv", PUBLIC),
    ("/download/signal.json", PUBLIC),
    ("/download/signal.svg", PUBLIC),
    ("/api/v1/ports/USLAX/outlook/weekly", PUBLIC),
    ("/api/v1/ports/USLAX/forecast/monthly", PUBLIC),
    ("/api/v1/ports/USLAX/accuracy", PUBLIC),
    ("/api/v1/ports", PUBLIC),
    ("/api/v1/ports/USLAX", PUBLIC),
    ("/api/v1/ports/USLAX/port-calls?status=at_anchor", PUBLIC),
    ("/api/v1/ports/USLAX/statistics/monthly", PUBLIC),
    ("/api/v1/ports/USLAX/balance", PUBLIC),
    ("/api/v1/ports/USLAX/reliability", PUBLIC),
    ("/api/v1/ports/USLAX/congestion", PUBLIC),
    ("/api/v1/openapi.json", PUBLIC),
    ("/api/v1/docs", PUBLIC),
    (
        "/dcsa/ovs/v3/service-schedules?UNLocationCode=USLAX",
        PUBLIC,
    ),
    ("/staff/labour", STAFF),
    ("/staff/labour.csv", STAFF),
    ("/owner", OWNER),
    ("/admin", ADMIN),
];

/// Every server function, with a valid call and who may make it. `login` and `logout` come
/// last: they end the session they are called in.
fn server_functions(caller: Caller, revoke: i64) -> Vec<(&'static str, String, Row)> {
    let n = format!("{caller:?}").to_lowercase();
    vec![
        ("whoami", String::new(), PUBLIC),
        ("indicator", String::new(), PUBLIC),
        ("outlook", String::new(), PUBLIC),
        ("arrivals", "query[sort]=Arrival&query[page]=1".into(), PUBLIC),
        ("balance", String::new(), PUBLIC),
        ("reliability", String::new(), PUBLIC),
        ("congestion", String::new(), PUBLIC),
        ("api-docs", String::new(), PUBLIC),
        ("accuracy", String::new(), PUBLIC),
        ("ports", String::new(), PUBLIC),
        ("labour", String::new(), STAFF),
        ("owner", String::new(), OWNER),
        ("watch", "kind=vessel&key=9321483".into(), OWNER),
        ("unwatch", "kind=vessel&key=9321483".into(), OWNER),
        ("admin", String::new(), ADMIN),
        ("admin-organisation", format!("name=Org+{n}&follows=MSK"), ADMIN),
        (
            "admin-user",
            format!("email={n}%40new.example&role=owner&org=Port+Operations"),
            ADMIN,
        ),
        ("admin-reset-password", "email=spare%40harbour.example".into(), ADMIN),
        ("admin-logout", "email=spare%40harbour.example".into(), ADMIN),
        ("admin-token", format!("role=provider&label={n}&ports=USLAX"), ADMIN),
        ("admin-revoke", format!("id={revoke}"), ADMIN),
        ("admin-port", format!("locode=USL{}&name=Test&time_zone=UTC", &n[..2].to_uppercase()), ADMIN),
        ("admin-shifts", "locode=USLAX&shifts=day+07-16%2C+night+17-02".into(), ADMIN),
        (
            "admin-terminal",
            "port=USLAX&code=NEW&name=New+pier&berths=2&gang_moves_per_hour=25&daily_capacity_teu=4000"
                .into(),
            ADMIN,
        ),
        (
            "login",
            format!("email=buyer%40harbour.example&password={}", PASSWORD.replace(' ', "+")),
            PUBLIC,
        ),
        ("logout", "everywhere=false".into(), PUBLIC),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_and_server_function_answers_each_role_as_expected() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Storage> = storage::open(None, dir.path()).await.unwrap();
    let world = world(store.clone(), dir.path()).await;
    let mut wrong = Vec::new();

    for (path, row) in GETS {
        for (i, caller) in CALLERS.iter().enumerate() {
            let (status, body, _) = send(
                &world.state,
                as_caller(&world, *caller, Request::get(*path)),
            )
            .await;
            if verdict(status) != Ok(row[i]) {
                wrong.push(format!(
                    "GET {path} as {caller:?}: {status} {}",
                    &body[..body.len().min(200)]
                ));
            }
        }
    }

    // Writes from data providers: a token lets them in, a session does not.
    let posts: [(&str, &str, &str); 3] = [
        (
            "/api/v1/ports/USLAX/statistics/monthly",
            "text/csv",
            "month,total_teu\n",
        ),
        ("/dcsa/jit/v1/timestamps", "application/json", "[]"),
        ("/dcsa/ovs/v3/service-schedules", "application/json", "[]"),
    ];
    for (path, content_type, body) in posts {
        for (i, caller) in CALLERS.iter().enumerate() {
            let request = as_caller(
                &world,
                *caller,
                Request::post(path).header("content-type", content_type),
            );
            let (status, answer, _) = send_body(&world.state, request, body.into()).await;
            if verdict(status) != Ok(PROVIDER[i]) {
                wrong.push(format!("POST {path} as {caller:?}: {status} {answer}"));
            }
        }
    }

    // Server functions: the caller's role is checked by each, whoever calls.
    for (i, caller) in CALLERS.iter().enumerate() {
        for (endpoint, form, row) in server_functions(*caller, world.spare_token) {
            let request = as_caller(&world, *caller, post(&format!("/_fn/{endpoint}")));
            let (status, body, _) = send_body(&world.state, request, form.clone()).await;
            let got = verdict(status);
            // A request refused for its arguments passed the door, but these calls are valid.
            let wanted_ok = row[i] == O && !status.is_success();
            if got != Ok(row[i]) || wanted_ok {
                wrong.push(format!("/_fn/{endpoint} as {caller:?}: {status} {body}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );

    // What the allowed calls did is there; what the refused ones asked is not.
    let orgs: Vec<String> = store
        .organisations()
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.name)
        .collect();
    assert!(orgs.contains(&"Org admin".to_string()), "{orgs:?}");
    for refused in ["Org anonymous", "Org owner", "Org staff", "Org provider"] {
        assert!(!orgs.contains(&refused.to_string()), "{refused}");
    }
    assert_eq!(
        store.port_shifts("USLAX").await.unwrap().as_deref(),
        Some("day 07-16, night 17-02")
    );
    assert!(store
        .tokens()
        .await
        .unwrap()
        .iter()
        .any(|t| t.label == "admin"));
    let tokens = store.tokens().await.unwrap();
    assert!(!tokens.iter().any(|t| t.label == "owner"));
    let spare = tokens.iter().find(|t| t.id == world.spare_token).unwrap();
    assert!(spare.revoked_at.is_some());
    let terminals = store.terminals("USLAX").await.unwrap();
    let new = terminals.iter().find(|t| t.code == "NEW").unwrap();
    assert_eq!(
        (new.gang_moves_per_hour, new.daily_capacity_teu),
        (25.0, 4000.0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_pages_send_nothing_of_staff_or_owner_data() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Storage> = storage::open(None, dir.path()).await.unwrap();
    let world = world(store.clone(), dir.path()).await;
    assert!(
        store.vessel("9321483").await.unwrap().is_none(),
        "not a demo vessel"
    );
    // The owner watches a vessel, so there is owner data to leak.
    let (status, _, _) = send_body(
        &world.state,
        as_caller(&world, Caller::Owner, post("/_fn/watch")),
        "kind=vessel&key=9321483".into(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let stored_token = store.tokens().await.unwrap()[0].prefix.clone();
    let secrets = [
        "Secret Harbour Imports",
        "buyer@harbour.example",
        "planner@port.example",
        "root@port.example",
        "$argon2",
        &stored_token,
        &world.token,
        "9321483",
        "gangs",
        "labour-table",
        "owner-weeks",
        "visit_baseline",
    ];
    let public = [
        "/",
        "/outlook",
        "/arrivals",
        "/balance",
        "/reliability",
        "/congestion",
        "/accuracy",
        "/api/v1/docs",
        "/login",
        "/embed/outlook",
        "/download/outlook.json",
        "/download/signal.json",
    ];
    for path in public {
        let (status, html, _) = send(&world.state, Request::get(path)).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        for secret in secrets {
            assert!(!html.contains(secret), "{path} holds '{secret}'");
        }
        // Logged in as staff, the public pages add only the caller's own account line.
        let (_, html, _) = send(
            &world.state,
            as_caller(&world, Caller::Staff, Request::get(path)),
        )
        .await;
        for secret in secrets.iter().filter(|s| **s != "planner@port.example") {
            assert!(!html.contains(secret), "{path} as staff holds '{secret}'");
        }
    }
    // The scan can fail: the owner's own page holds what was hidden from the public.
    let (_, html, _) = send(
        &world.state,
        as_caller(&world, Caller::Owner, Request::get("/owner")),
    )
    .await;
    assert!(html.contains("Secret Harbour Imports") && html.contains("owner-weeks"));
}
