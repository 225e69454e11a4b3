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

/// A cargo owner, buyer@harbour.example, in "Harbour Imports" following `follows`.
async fn add_owner(store: &dyn Storage, follows: &[portsignal::accounts::Follow]) {
    let org = store
        .create_organisation("Harbour Imports", follows, Utc::now())
        .await
        .unwrap();
    store
        .create_user(&NewUser {
            email: "buyer@harbour.example".into(),
            password_hash: password::hash(PASSWORD),
            role: UserRole::Owner,
            organisation_id: Some(org),
            created_at: Utc::now(),
        })
        .await
        .unwrap();
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
    add_owner(store.as_ref(), &[]).await;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn owners_see_their_carriers_volume_eta_changes_since_last_visit_and_watchlist() {
    use portsignal::accounts::Follow;
    use portsignal::domain::{Classifier, EventType, FacilityType, IsoWeek, PortCallEvent};
    use portsignal::storage::{Batch, Existing};
    let dir = tempfile::tempdir().unwrap();
    let store = with_user_and_demo(dir.path()).await;
    let now = Utc::now();
    let calls = store
        .port_calls_arriving("USLAX", now - Duration::days(7), now + Duration::days(60))
        .await
        .unwrap();
    // Follow the carrier of a call still to come, on one service.
    let coming = calls
        .iter()
        .find(|c| {
            c.times
                .best_arrival()
                .is_some_and(|a| a > now + Duration::days(2))
        })
        .unwrap()
        .clone();
    let follow = Follow::parse(&format!("{}:{}", coming.carrier, coming.service)).unwrap();
    add_owner(store.as_ref(), std::slice::from_ref(&follow)).await;
    let state = support::app_state(store.clone(), dir.path());
    let form = format!(
        "email=buyer%40harbour.example&password={}",
        PASSWORD.replace(' ', "+")
    );
    let log_in = || async {
        let (_, cookie, _, _) = call(&state, "login", &form, None).await;
        cookie.unwrap().split(';').next().unwrap().to_string()
    };
    let first = log_in().await;

    // The weeks: what the domain sums for the followed calls, and nothing of the others.
    let (status, html) = page(&state, "/owner", Some(&first)).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("this is your first"), "{html}");
    let tz = chrono_tz::America::Los_Angeles;
    let this_week = IsoWeek::of(now.with_timezone(&tz).date_naive());
    let followed: Vec<&portsignal::domain::PortCall> = calls
        .iter()
        .filter(|c| follow.covers(&c.carrier, &c.service))
        .collect();
    let weeks: Vec<IsoWeek> = (0..6).map(|i| this_week.offset(i)).collect();
    let expected = portsignal::domain::owner::weekly_by_terminal(&followed, &weeks, &tz);
    assert!(expected.iter().any(|w| w.vessels > 0));
    for w in &expected {
        let row = &html[html.find(&format!("data-week=\"{}\"", w.week)).unwrap()..];
        assert!(
            row.contains(&format!("data-teu=\"{}\"", w.import_teu)),
            "{}: {}",
            w.week,
            &row[..300]
        );
    }
    let all: f64 = portsignal::domain::owner::weekly_by_terminal(
        &calls.iter().collect::<Vec<_>>(),
        &weeks[..1],
        &tz,
    )[0]
    .import_teu;
    assert!(all > expected[0].import_teu, "other carriers are left out");

    // The carrier moves the call's ETA by 7 hours after that visit.
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let old_eta = coming.times.latest_eta().unwrap();
    let moved = PortCallEvent {
        call_ref: coming.call_ref.clone(),
        source: "dcsa-jit".into(),
        publisher: coming.carrier.clone(),
        classifier: Classifier::Est,
        event_type: EventType::Arri,
        facility_type: FacilityType::Brth,
        event_time: old_eta + Duration::hours(7),
        issued_at: None,
        received_at: Utc::now(),
        delay_reason: None,
        remark: None,
    };
    store
        .record_events(&Batch::default(), Existing::Keep, &[moved])
        .await
        .unwrap();
    // Within the same session "since your last visit" stays what the session began with.
    let (_, html) = page(&state, "/owner", Some(&first)).await;
    assert!(html.contains("this is your first"));
    // A new session compares with the previous visit and lists the call.
    let second = log_in().await;
    let (_, html) = page(&state, "/owner", Some(&second)).await;
    assert!(html.contains("since your last visit ("), "{html}");
    let changes = &html[html
        .find("data-testid=\"eta-changes\"")
        .expect("changes listed")..];
    let changes = &changes[..changes.find("</table>").unwrap()];
    assert!(
        changes.contains(&format!("data-call=\"{}\"", coming.call_ref)),
        "{changes}"
    );
    let local =
        |t: chrono::DateTime<Utc>| t.with_timezone(&tz).format("%a %d %b %H:%M").to_string();
    assert!(
        changes.contains(&local(old_eta + Duration::hours(7))),
        "{changes}"
    );

    // The watchlist: a service, with the ETA history of its calls.
    let key = format!("{}:{}", coming.carrier, coming.service);
    let (status, _, body, _) = call(
        &state,
        "watch",
        &format!("kind=service&key={}", key.replace(':', "%3A")),
        Some(&second),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _, body, _) =
        call(&state, "watch", "kind=vessel&key=1234568", Some(&second)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("not an IMO number"), "{body}");
    let (_, html) = page(&state, "/owner", Some(&second)).await;
    let watch = &html[html
        .find(&format!("data-watch=\"service:{key}\""))
        .expect("watched")..];
    let row = &watch[watch
        .find(&format!("data-call=\"{}\"", coming.call_ref))
        .unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(
        row.contains(&format!("{} (as of", local(old_eta + Duration::hours(7)))),
        "{row}"
    );
    let (status, _, _, _) = call(
        &state,
        "unwatch",
        &format!("kind=service&key={}", key.replace(':', "%3A")),
        Some(&second),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (owner, _) = store
        .user_by_email("buyer@harbour.example")
        .await
        .unwrap()
        .unwrap();
    assert!(store.watchlist(owner.id).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_labour_plan_follows_the_ports_configured_shifts_and_productivity() {
    let dir = tempfile::tempdir().unwrap();
    let store = with_user_and_demo(dir.path()).await;
    portsignal::admin::set_shifts(store.as_ref(), "uslax", "day 07-19, night 19-07")
        .await
        .unwrap();
    let mut terminal = store.terminals("USLAX").await.unwrap()[0].clone();
    let before = portsignal::queries::labour::labour(store.as_ref(), "USLAX", Utc::now())
        .await
        .unwrap();
    let gangs = |v: &portsignal::view_model::LabourView| -> (f64, u32) {
        let t = v
            .terminals
            .iter()
            .find(|t| t.code == terminal.code)
            .unwrap();
        let shifts = t.days.iter().flat_map(|d| d.shifts.iter());
        let moves = shifts.clone().map(|s| s.moves).sum();
        (moves, shifts.map(|s| s.gangs).sum())
    };
    let names: Vec<(&str, u32, u32)> = before
        .shifts
        .iter()
        .map(|s| (s.name.as_str(), s.start_hour, s.hours))
        .collect();
    assert_eq!(names, vec![("day", 7, 12), ("night", 19, 12)]);
    assert!(before.terminals[0].days.iter().all(|d| d.shifts.len() == 2));
    // Halving a terminal's productivity leaves its moves and needs more gangs.
    terminal.gang_moves_per_hour /= 2.0;
    portsignal::admin::save_terminal(store.as_ref(), terminal.clone())
        .await
        .unwrap();
    let after = portsignal::queries::labour::labour(store.as_ref(), "USLAX", Utc::now())
        .await
        .unwrap();
    let (moves_before, gangs_before) = gangs(&before);
    let (moves_after, gangs_after) = gangs(&after);
    assert!(moves_before > 0.0);
    assert!((moves_before - moves_after).abs() < 1e-6);
    assert!(gangs_after > gangs_before, "{gangs_before} → {gangs_after}");
}
