//! Logging in through the real router: cookies, throttling, session expiry, logging out
//! everywhere; and the throttle's window against the clock.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{Duration, Utc};
use http_body_util::BodyExt;
use portsignal::accounts::login::{log_in, Outcome, MAX_FAILURES};
use portsignal::accounts::{password, NewUser, UserRole};
use portsignal::state::AppState;
use portsignal::storage::{self, Storage};
use std::sync::Arc;
use tower::ServiceExt;

const PASSWORD: &str = "longshore dispatch";

async fn with_user(dir: &std::path::Path) -> (Arc<dyn Storage>, i64) {
    let store: Arc<dyn Storage> = storage::open(None, dir).await.unwrap();
    let org = store
        .create_organisation("Port of LA", &[], Utc::now())
        .await
        .unwrap();
    let id = store
        .create_user(&NewUser {
            email: "staff@port.example".into(),
            password_hash: password::hash(PASSWORD),
            role: UserRole::Staff,
            organisation_id: Some(org),
            created_at: Utc::now(),
        })
        .await
        .unwrap();
    (store, id)
}

/// [`with_user`], and the demo port as of now.
async fn with_user_and_demo(dir: &std::path::Path) -> Arc<dyn Storage> {
    let (store, _) = with_user(dir).await;
    let opts = portsignal::demo::DemoOptions {
        seed: 1,
        as_of: Utc::now(),
    };
    portsignal::demo::load(store.as_ref(), &portsignal::demo::generate(&opts))
        .await
        .unwrap();
    store
}

/// POSTs a form to a server function from this site; status, Set-Cookie, body.
async fn call(
    state: &AppState,
    endpoint: &str,
    form: &str,
    cookie: Option<&str>,
) -> (StatusCode, Option<String>, String, Option<String>) {
    let mut request = Request::post(format!("/_fn/{endpoint}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin");
    if let Some(c) = cookie {
        request = request.header("cookie", c);
    }
    let response = portsignal::server::router(state.clone())
        .oneshot(request.body(Body::from(form.to_string())).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    };
    let (set_cookie, retry) = (header("set-cookie"), header("retry-after"));
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        set_cookie,
        String::from_utf8_lossy(&body).into_owned(),
        retry,
    )
}

fn login_form(password: &str) -> String {
    format!(
        "email=Staff%40Port.example&password={}",
        password.replace(' ', "+")
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_sets_a_safe_cookie_that_names_the_user_until_logout() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = with_user(dir.path()).await;
    let state = support::app_state(store.clone(), dir.path());

    let (status, cookie, body, _) = call(&state, "login", &login_form(PASSWORD), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let cookie = cookie.expect("a session cookie");
    assert!(cookie.starts_with("portsignal="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain http: {cookie}");
    assert!(body.contains("\"role\":\"staff\""), "{body}");
    let pair = cookie.split(';').next().unwrap().to_string();

    let (_, _, me, _) = call(&state, "whoami", "", Some(&pair)).await;
    assert!(me.contains("staff@port.example"), "{me}");
    let (_, _, anonymous, _) = call(&state, "whoami", "", None).await;
    assert_eq!(anonymous, "null");

    // Logging out ends this session.
    call(&state, "logout", "everywhere=false", Some(&pair)).await;
    let (_, _, me, _) = call(&state, "whoami", "", Some(&pair)).await;
    assert_eq!(me, "null");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_end_when_idle_too_long_and_when_ended_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let (store, id) = with_user(dir.path()).await;
    let state = support::app_state(store.clone(), dir.path());
    let session = |cookie: &str| cookie.split(';').next().unwrap().to_string();
    let (_, c1, _, _) = call(&state, "login", &login_form(PASSWORD), None).await;
    let (_, c2, _, _) = call(&state, "login", &login_form(PASSWORD), None).await;
    let (one, two) = (session(&c1.unwrap()), session(&c2.unwrap()));
    assert_ne!(one, two);

    // Eight hours without a request: the stored session has expired.
    let id_one = one.split_once('=').unwrap().1.to_string();
    let data = store
        .load_session(&id_one, Utc::now())
        .await
        .unwrap()
        .expect("stored");
    store
        .save_session(&id_one, &data, Utc::now() - Duration::seconds(1))
        .await
        .unwrap();
    let (_, _, me, _) = call(&state, "whoami", "", Some(&one)).await;
    assert_eq!(me, "null", "an idle session has ended");
    assert!(store
        .load_session(
            &id_one,
            Utc::now() + Duration::hours(7) + Duration::minutes(59)
        )
        .await
        .unwrap()
        .is_none());
    let (_, _, me, _) = call(&state, "whoami", "", Some(&two)).await;
    assert!(me.contains("staff@port.example"));
    let id_two = two.split_once('=').unwrap().1.to_string();
    assert!(
        store
            .load_session(
                &id_two,
                Utc::now() + Duration::hours(7) + Duration::minutes(59)
            )
            .await
            .unwrap()
            .is_some(),
        "a request moves the idle deadline 8 hours on"
    );
    assert!(store
        .load_session(
            &id_two,
            Utc::now() + Duration::hours(8) + Duration::minutes(1)
        )
        .await
        .unwrap()
        .is_none());

    // "Log out everywhere" (here from the command line's store call) ends the other one too.
    store.end_sessions(id).await.unwrap();
    let (_, _, me, _) = call(&state, "whoami", "", Some(&two)).await;
    assert_eq!(me, "null");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_failures_in_five_minutes_throttle_the_account() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = with_user(dir.path()).await;
    let state = support::app_state(store.clone(), dir.path());
    for _ in 0..MAX_FAILURES {
        let (status, cookie, body, _) =
            call(&state, "login", &login_form("wrong password!"), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert!(
            body.contains("The e-mail address or the password is wrong."),
            "{body}"
        );
        assert!(cookie.is_none(), "no session for a failed login");
    }
    // Now even the right password waits.
    let (status, cookie, body, retry) = call(&state, "login", &login_form(PASSWORD), None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(
        body.contains("Too many failed attempts: try again in 5 minutes."),
        "{body}"
    );
    assert_eq!(retry.as_deref(), Some("300"));
    assert!(cookie.is_none());
    // Unknown accounts are refused the same way as wrong passwords.
    let (status, _, body, _) = call(
        &state,
        "login",
        "email=nobody%40port.example&password=whatever+it+is",
        None,
    )
    .await;
    assert!(
        status == StatusCode::UNAUTHORIZED || status == StatusCode::TOO_MANY_REQUESTS,
        "{status} {body}"
    );
}

#[tokio::test]
async fn the_throttle_holds_for_the_window_then_lets_the_right_password_in() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = with_user(dir.path()).await;
    let t0 = Utc::now();
    let at = |minutes: i64| t0 + Duration::minutes(minutes);
    let email = "staff@port.example";
    // Failures from different addresses still count against the account.
    for m in 0..MAX_FAILURES {
        let address = format!("10.0.0.{m}");
        let outcome = log_in(store.as_ref(), email, "wrong password!", &address, at(m))
            .await
            .unwrap();
        assert_eq!(outcome, Outcome::Refused);
    }
    let throttled = log_in(store.as_ref(), email, PASSWORD, "10.0.0.9", at(5))
        .await
        .unwrap();
    assert!(matches!(throttled, Outcome::Throttled(_)), "{throttled:?}");
    // Once the first failure is five minutes old, four remain in the window.
    let back = log_in(
        store.as_ref(),
        email,
        PASSWORD,
        "10.0.0.9",
        at(5) + Duration::seconds(1),
    )
    .await
    .unwrap();
    assert!(matches!(back, Outcome::LoggedIn(_)), "{back:?}");
    // A success clears the account's count, not the addresses'.
    assert_eq!(
        store
            .login_failures_since("account:staff@port.example", at(0))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store
            .login_failures_since("address:10.0.0.1", at(0))
            .await
            .unwrap(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_https_the_cookie_is_secure_and_host_only() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = with_user(dir.path()).await;
    let mut state = support::app_state(store.clone(), dir.path());
    let mut settings = (*state.settings).clone();
    settings.https = true;
    state.settings = Arc::new(settings);
    let (status, cookie, _, _) = call(&state, "login", &login_form(PASSWORD), None).await;
    assert_eq!(status, StatusCode::OK);
    let cookie = cookie.unwrap();
    assert!(cookie.starts_with("__Host-portsignal="), "{cookie}");
    assert!(
        cookie.contains("Secure") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Domain="), "{cookie}");
}

/// GETs `path` with `cookie` (if any): status and body.
async fn page(state: &AppState, path: &str, cookie: Option<&str>) -> (StatusCode, String) {
    let mut request = Request::get(path);
    if let Some(c) = cookie {
        request = request.header("cookie", c);
    }
    let response = portsignal::server::router(state.clone())
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        String::from_utf8_lossy(&body)
            .replace("<!-- -->", "")
            .replace("<!>", ""),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn labour_planning_is_for_staff_and_shows_the_domains_gangs() {
    let dir = tempfile::tempdir().unwrap();
    let store = with_user_and_demo(dir.path()).await;
    let owners = store
        .create_organisation("Harbour Imports", &[], Utc::now())
        .await
        .unwrap();
    store
        .create_user(&NewUser {
            email: "buyer@harbour.example".into(),
            password_hash: password::hash(PASSWORD),
            role: UserRole::Owner,
            organisation_id: Some(owners),
            created_at: Utc::now(),
        })
        .await
        .unwrap();
    let state = support::app_state(store.clone(), dir.path());
    let cookie_of = |set: Option<String>| set.unwrap().split(';').next().unwrap().to_string();
    let (_, staff, _, _) = call(&state, "login", &login_form(PASSWORD), None).await;
    let staff = cookie_of(staff);
    let (_, owner, _, _) = call(
        &state,
        "login",
        &format!(
            "email=buyer%40harbour.example&password={}",
            PASSWORD.replace(' ', "+")
        ),
        None,
    )
    .await;
    let owner = cookie_of(owner);

    // Nobody and cargo owners are refused, saying why; the server function likewise.
    let (status, html) = page(&state, "/staff/labour", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(html.contains("Log in to see labour planning."));
    assert!(!html.contains("labour-table"));
    let (status, html) = page(&state, "/staff/labour", Some(&owner)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("Your account may not see labour planning."));
    let (status, _, _, _) = call(&state, "labour", "", Some(&owner)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _, _) = call(&state, "labour", "", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Staff see every terminal's 14 days, with the gangs the domain computes.
    let (status, html) = page(&state, "/staff/labour", Some(&staff)).await;
    assert_eq!(status, StatusCode::OK);
    let view = portsignal::queries::labour::labour(store.as_ref(), "USLAX", Utc::now())
        .await
        .unwrap();
    assert_eq!(
        html.matches("class=\"labour-table\"").count(),
        view.terminals.len()
    );
    let busiest = view
        .terminals
        .iter()
        .flat_map(|t| t.days.iter().map(move |d| (t, d)))
        .max_by(|a, b| {
            let g = |d: &portsignal::view_model::LabourDay| {
                d.shifts.iter().map(|s| s.gangs).sum::<u32>()
            };
            g(a.1).cmp(&g(b.1))
        })
        .unwrap();
    let (terminal, day) = busiest;
    assert!(
        day.shifts.iter().map(|s| s.gangs).sum::<u32>() > 0,
        "the demo port has work"
    );
    let table = &html[html
        .find(&format!("data-terminal=\"{}\"", terminal.code))
        .unwrap()..];
    let row = &table[table.find(&format!("data-date=\"{}\"", day.date)).unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    for s in &day.shifts {
        assert!(s.gangs_p90 >= s.gangs);
        assert!(
            row.contains(&format!("{} ({})", s.gangs, s.gangs_p90)),
            "{row}"
        );
    }
    // The public page carries nothing of it.
    let (_, public) = page(&state, "/", None).await;
    assert!(!public.contains("labour-table") && !public.contains("gangs"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_labour_plan_downloads_as_csv_for_staff_only() {
    let dir = tempfile::tempdir().unwrap();
    let store = with_user_and_demo(dir.path()).await;
    let state = support::app_state(store.clone(), dir.path());
    let (status, body) = page(&state, "/staff/labour.csv", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (_, cookie, _, _) = call(&state, "login", &login_form(PASSWORD), None).await;
    let cookie = cookie.unwrap().split(';').next().unwrap().to_string();
    let (status, csv) = page(&state, "/staff/labour.csv?port=uslax", Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "terminal,date,shift,moves,moves_p90,gangs,gangs_p90,over_capacity"
    );
    let terminals = store.terminals("USLAX").await.unwrap().len();
    assert_eq!(lines.len(), 1 + terminals * 14 * 3);
    // The file says what the page says.
    let view = portsignal::queries::labour::labour(store.as_ref(), "USLAX", Utc::now())
        .await
        .unwrap();
    let t = &view.terminals[0];
    let s = &t.days[1].shifts[0];
    let expected = format!(
        "{},{},{},{},{},{},{},{}",
        t.code,
        t.days[1].date,
        s.shift,
        s.moves,
        s.moves_p90,
        s.gangs,
        s.gangs_p90,
        t.days[1].over_capacity
    );
    assert!(lines.contains(&expected.as_str()), "{expected}");
}
