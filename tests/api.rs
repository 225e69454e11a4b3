//! The HTTP API through the real router, on a SQLite store: auth, content rules, validation.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use portsignal::auth::{self, Role};
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
    let state = support::app_state(store, dir.path());
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

const JIT: &str = "/dcsa/jit/v1/timestamps";

/// A carrier's estimated arrival at berth, as DCSA JIT 1.2 shapes it (our own sample).
fn estimate(port: &str, voyage: &str, eta: &str) -> Value {
    serde_json::json!({
        "publisher": {"partyName": "Maersk A/S", "identifyingCodes": [{"DCSAResponsibleAgencyCode": "SMDG", "partyCode": "MSK", "codeListName": "LCL"}]},
        "publisherRole": "CA",
        "vesselIMONumber": "9074729",
        "vessel": {"vesselIMONumber": "9074729", "name": "MAERSK HORIZON"},
        "carrierServiceCode": "TP6",
        "carrierVoyageNumber": voyage,
        "UNLocationCode": port,
        "facilitySMDGCode": "APMT",
        "facilityTypeCode": "BRTH",
        "eventClassifierCode": "EST",
        "operationsEventTypeCode": "ARRI",
        "eventDateTime": eta,
    })
}

fn terminal_actual(voyage: &str, at: &str) -> Value {
    let mut e = estimate("USLAX", voyage, at);
    e["publisherRole"] = serde_json::json!("TR");
    e["publisher"] = serde_json::json!({"partyName": "APM Terminals Pier 400"});
    e["eventClassifierCode"] = serde_json::json!("ACT");
    e
}

#[tokio::test]
async fn jit_timestamps_create_the_call_once_and_fold_into_it() {
    let f = fixture().await;
    let body =
        serde_json::json!([estimate("USLAX", "2648E", "2026-12-01T06:00:00-08:00")]).to_string();
    let (status, answer) = post(&f, JIT, Some(&f.lax), "application/json", body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    assert_eq!(answer, serde_json::json!({"accepted": 1, "duplicates": 0}));
    // The same again is a duplicate.
    let (_, answer) = post(&f, JIT, Some(&f.lax), "application/json", body).await;
    assert_eq!(answer, serde_json::json!({"accepted": 0, "duplicates": 1}));

    let call = f
        .state
        .store
        .port_call("USLAX-9074729-2648E")
        .await
        .unwrap()
        .expect("created by the carrier's timestamp");
    assert_eq!(call.carrier, "MSK");
    assert_eq!(call.service, "TP6");
    assert_eq!(
        call.terminal, None,
        "APMT is not a terminal this test port has"
    );
    assert_eq!(
        call.times.estimated_arrival,
        Some(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 12, 1, 14, 0, 0).unwrap())
    );
    assert_eq!(
        f.state.store.vessel("9074729").await.unwrap().unwrap().name,
        "MAERSK HORIZON"
    );

    // Now the terminal may report the actual arrival, as a single object.
    let (status, _) = post(
        &f,
        JIT,
        Some(&f.lax),
        "application/json",
        terminal_actual("2648E", "2026-12-01T08:30:00-08:00").to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let call = f
        .state
        .store
        .port_call("USLAX-9074729-2648E")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        call.times.actual_berth_arrival,
        Some(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 12, 1, 16, 30, 0).unwrap())
    );
    assert_eq!(
        f.state.store.events_of_call(&call.call_ref).await.unwrap()[1].publisher,
        "APM Terminals Pier 400"
    );
}

#[tokio::test]
async fn jit_timestamps_are_all_or_nothing() {
    let f = fixture().await;
    let mut bad = estimate("USLAX", "2649E", "2026-12-08T06:00:00");
    bad["eventClassifierCode"] = serde_json::json!("MAYBE");
    let body = serde_json::json!([estimate("USLAX", "2648E", "2026-12-01T06:00:00-08:00"), bad])
        .to_string();
    let (status, answer) = post(&f, JIT, Some(&f.lax), "application/json", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let locations: Vec<&str> = answer["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["location"].as_str().unwrap())
        .collect();
    assert_eq!(
        locations,
        vec!["$[1].eventClassifierCode", "$[1].eventDateTime"]
    );
    assert_eq!(f.state.store.count_events().await.unwrap(), 0);
    assert!(
        f.state
            .store
            .port_call("USLAX-9074729-2648E")
            .await
            .unwrap()
            .is_none(),
        "the good item was not stored either"
    );

    // A terminal cannot announce a call nobody scheduled.
    let (status, answer) = post(
        &f,
        JIT,
        Some(&f.lax),
        "application/json",
        terminal_actual("2650E", "2026-12-15T08:00:00Z").to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer["problems"][0]["location"], "$");
    assert!(answer["problems"][0]["message"]
        .as_str()
        .unwrap()
        .contains("no port call USLAX-9074729-2650E"));

    // Unknown port, wrong port, wrong content type, no token.
    let (status, answer) = post(
        &f,
        JIT,
        Some(&f.lax),
        "application/json",
        estimate("NLRTM", "1E", "2026-12-01T06:00:00Z").to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer["problems"][0]["location"], "$.UNLocationCode");
    let (status, _) = post(
        &f,
        JIT,
        Some(&f.lax),
        "application/json",
        estimate("USLGB", "1E", "2026-12-01T06:00:00Z").to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = post(&f, JIT, Some(&f.lax), "text/plain", "{}").await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (status, _) = post(&f, JIT, None, "application/json", "{}").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(f.state.store.count_events().await.unwrap(), 0);
}

const OVS: &str = "/dcsa/ovs/v3/service-schedules";

/// A loop calling Shanghai (not a port of this instance) and Los Angeles twice, plus a dummy.
fn schedule() -> Value {
    let call = |port: &str, voyage: &str, status: Option<&str>, stamps: Value| {
        let mut c = serde_json::json!({
            "transportCallReference": format!("TP6-{port}-{voyage}"),
            "carrierImportVoyageNumber": voyage,
            "carrierExportVoyageNumber": voyage.replace('E', "W"),
            "location": {"locationType": "UNLO", "UNLocationCode": port},
            "timestamps": stamps,
        });
        if let Some(s) = status {
            c["statusCode"] = serde_json::json!(s);
        }
        c
    };
    let arrival = |c: &str, at: &str| serde_json::json!({"eventTypeCode": "ARRI", "eventClassifierCode": c, "eventDateTime": at});
    serde_json::json!([{
        "carrierServiceName": "Transpacific 6",
        "carrierServiceCode": "TP6",
        "vesselSchedules": [
            {
                "vesselOperatorSMDGLinerCode": "MSK",
                "vesselIMONumber": "9074729",
                "vesselName": "MAERSK HORIZON",
                "vesselCallSign": "OXYZ2",
                "isDummyVessel": false,
                "transportCalls": [
                    call("CNSHA", "2648E", None, serde_json::json!([arrival("PLN", "2026-11-15T08:00:00+08:00")])),
                    call("USLAX", "2648E", None, serde_json::json!([
                        arrival("PLN", "2026-12-01T06:00:00-08:00"),
                        arrival("EST", "2026-12-01T18:00:00-08:00"),
                    ])),
                    call("USLAX", "2655E", Some("OMIT"), serde_json::json!([arrival("PLN", "2026-12-29T06:00:00-08:00")])),
                ]
            },
            {"vesselOperatorSMDGLinerCode": "MSK", "isDummyVessel": true, "transportCalls": []}
        ]
    }])
}

async fn get(f: &Fixture, path: &str) -> (StatusCode, HeaderMapOwned, Value) {
    let response = portsignal::server::router(f.state.clone())
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        headers,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

type HeaderMapOwned = axum::http::HeaderMap;

#[tokio::test]
async fn what_one_system_posts_as_ovs_another_reads_back() {
    let f = fixture().await;
    let (status, answer) = post(
        &f,
        OVS,
        Some(&f.lax),
        "application/json",
        schedule().to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    assert_eq!(
        answer,
        serde_json::json!({"port_calls": 2, "other_ports": 1, "events_accepted": 4, "events_duplicates": 0}),
        "two calls here (one with an OMIT event added), Shanghai skipped"
    );
    let (_, answer) = post(
        &f,
        OVS,
        Some(&f.lax),
        "application/json",
        schedule().to_string(),
    )
    .await;
    assert_eq!(
        answer["events_duplicates"], 4,
        "the same schedule again changes nothing"
    );

    // Public: no token needed to read.
    let (status, _, body) = get(
        &f,
        &format!("{OVS}?carrierServiceCode=TP6&startDate=2026-11-01&endDate=2027-01-31"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let service = &body[0];
    assert_eq!(service["carrierServiceName"], "Transpacific 6");
    let vessel = &service["vesselSchedules"][0];
    assert_eq!(vessel["vesselIMONumber"], "9074729");
    assert_eq!(vessel["vesselName"], "MAERSK HORIZON");
    assert_eq!(vessel["vesselCallSign"], "OXYZ2");
    assert_eq!(vessel["isDummyVessel"], false);
    let calls = vessel["transportCalls"].as_array().unwrap();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0]["carrierImportVoyageNumber"], "2648E");
    assert_eq!(calls[0]["carrierExportVoyageNumber"], "2648W");
    assert_eq!(calls[0]["location"]["UNLocationCode"], "USLAX");
    assert_eq!(
        calls[0]["timestamps"],
        serde_json::json!([
            {"eventTypeCode": "ARRI", "eventClassifierCode": "PLN", "eventDateTime": "2026-12-01T14:00:00Z"},
            {"eventTypeCode": "ARRI", "eventClassifierCode": "EST", "eventDateTime": "2026-12-02T02:00:00Z"},
        ])
    );
    assert_eq!(calls[1]["statusCode"], "OMIT");

    // Paging: one call per page, the cursor in a header.
    let (_, headers, first) = get(
        &f,
        &format!("{OVS}?UNLocationCode=USLAX&startDate=2026-11-01&limit=1"),
    )
    .await;
    let cursor = headers["next-page-cursor"].to_str().unwrap().to_owned();
    let (_, headers, second) = get(
        &f,
        &format!("{OVS}?UNLocationCode=USLAX&startDate=2026-11-01&limit=1&cursor={cursor}"),
    )
    .await;
    assert_eq!(
        first[0]["vesselSchedules"][0]["transportCalls"][0]["carrierImportVoyageNumber"],
        "2648E"
    );
    assert_eq!(
        second[0]["vesselSchedules"][0]["transportCalls"][0]["carrierImportVoyageNumber"],
        "2655E"
    );
    assert!(
        headers.get("next-page-cursor").is_some(),
        "a full page may have a next one"
    );
    let next = headers["next-page-cursor"].to_str().unwrap().to_owned();
    let (_, headers, third) = get(
        &f,
        &format!("{OVS}?UNLocationCode=USLAX&startDate=2026-11-01&limit=1&cursor={next}"),
    )
    .await;
    assert_eq!(third, serde_json::json!([]));
    assert!(headers.get("next-page-cursor").is_none());

    let (status, _, body) = get(&f, &format!("{OVS}?startDate=yesterday&limit=0")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"].as_str().unwrap().contains("query startDate"),
        "{body}"
    );
}

#[tokio::test]
async fn ovs_documents_are_checked_before_anything_is_stored() {
    let f = fixture().await;
    let mut bad = schedule();
    bad[0]["vesselSchedules"][0]["vesselIMONumber"] = serde_json::json!("1234568");
    bad[0]["vesselSchedules"][0]["transportCalls"][1]["statusCode"] = serde_json::json!("LATE");
    bad[0]["vesselSchedules"][0]["transportCalls"][1]["timestamps"][0]["eventClassifierCode"] =
        serde_json::json!("REQ");
    let (status, answer) = post(&f, OVS, Some(&f.lax), "application/json", bad.to_string()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let locations: Vec<&str> = answer["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["location"].as_str().unwrap())
        .collect();
    assert_eq!(
        locations,
        vec![
            "$[0].vesselSchedules[0].vesselIMONumber",
            "$[0].vesselSchedules[0].transportCalls[1].statusCode",
            "$[0].vesselSchedules[0].transportCalls[1].timestamps[0].eventClassifierCode",
        ]
    );
    assert_eq!(f.state.store.count_events().await.unwrap(), 0);
    // Writing needs a token for the port; a schedule for Long Beach is refused.
    let long_beach = schedule().to_string().replace("USLAX", "USLGB");
    let (status, _) = post(&f, OVS, Some(&f.lax), "application/json", long_beach).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = post(&f, OVS, None, "application/json", schedule().to_string()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_carrier_may_announce_a_call_later_in_the_same_batch() {
    let f = fixture().await;
    let body = serde_json::json!([
        terminal_actual("2651E", "2026-12-20T08:00:00Z"),
        estimate("USLAX", "2651E", "2026-12-20T06:00:00Z"),
    ])
    .to_string();
    let (status, answer) = post(&f, JIT, Some(&f.lax), "application/json", body).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    assert_eq!(answer["accepted"], 2);
}

/// 40 months of statistics from January 2023: a level near 800,000 TEU with a yearly shape.
fn monthly_history() -> Vec<portsignal::domain::MonthlyStats> {
    (0..40)
        .map(|i| {
            let shape = [
                0.0, -0.18, -0.08, 0.0, 0.02, 0.03, 0.05, 0.12, 0.1, 0.08, -0.02, -0.04,
            ];
            let total = 800_000.0 * (1.0 + shape[i % 12]) + 5_000.0 * ((i * 7 % 5) as f64 - 2.0);
            portsignal::domain::MonthlyStats {
                port: "USLAX".into(),
                month: format!("{}-{:02}", 2023 + i / 12, i % 12 + 1),
                loaded_imports: total * 0.45,
                loaded_exports: total * 0.12,
                empty_imports: None,
                empty_exports: None,
                empties: total * 0.43,
                total_teu: total,
            }
        })
        .collect()
}

#[tokio::test]
async fn the_monthly_forecast_answers_the_contract_and_checks_its_parameters() {
    let f = fixture().await;
    let path = "/api/v1/ports/USLAX/forecast/monthly";
    let (status, _, body) = get(&f, path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        body["error"],
        "no monthly statistics for USLAX: nothing to forecast from"
    );
    let (status, _, _) = get(&f, "/api/v1/ports/NLRTM/forecast/monthly").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let history = monthly_history();
    f.state
        .store
        .write_batch(&Batch {
            monthly_stats: history.clone(),
            ..Batch::default()
        })
        .await
        .unwrap();
    let (status, _, body) = get(&f, path).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["port"], "USLAX");
    assert_eq!(body["as_of"], "2026-04");
    assert!(body["method"].as_str().unwrap().contains("total_teu: "));
    let months = body["months"].as_array().unwrap();
    let names: Vec<&str> = months
        .iter()
        .map(|m| m["month"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
    );
    for m in months {
        for series in ["total_teu", "loaded_imports", "loaded_exports", "empties"] {
            let b = &m[series];
            let (p10, p50, p90) = (
                b["p10"].as_f64().unwrap(),
                b["p50"].as_f64().unwrap(),
                b["p90"].as_f64().unwrap(),
            );
            assert!(0.0 < p10 && p10 <= p50 && p50 <= p90, "{m}");
        }
    }
    let year = &body["year"];
    assert_eq!(year["year"], 2026);
    let to_date: f64 = history[36..].iter().map(|s| s.total_teu).sum();
    assert!((year["actual_to_date"].as_f64().unwrap() - to_date).abs() < 1e-6);
    assert!(year["total_teu"]["p10"].as_f64().unwrap() > to_date);

    let (status, _, body) = get(&f, &format!("{path}?as_of=2025-06&horizon=24")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["as_of"], "2025-06");
    assert_eq!(body["months"].as_array().unwrap().len(), 24);
    assert_eq!(body["months"][0]["month"], "2025-07");
    assert_eq!(body["year"]["year"], 2025);

    for (query, message) in [
        ("horizon=0", "horizon 0 is outside 1-24"),
        ("horizon=25", "horizon 25 is outside 1-24"),
        ("as_of=2025-13", "as_of '2025-13' is not a month (YYYY-MM)"),
    ] {
        let (status, _, body) = get(&f, &format!("{path}?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(body["error"], message);
    }
    let (status, _, _) = get(&f, &format!("{path}?horizon=six")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, body) = get(&f, &format!("{path}?as_of=2022-12")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        body["error"],
        "no monthly statistics up to 2022-12 for USLAX: nothing to forecast from"
    );
}

#[tokio::test]
async fn the_weekly_outlook_bands_the_demo_ports_coming_weeks() {
    let f = fixture().await;
    let opts = portsignal::demo::DemoOptions {
        seed: 1,
        as_of: "2026-11-29T12:00:00Z".parse().unwrap(),
    };
    f.state.store.clear().await.unwrap();
    portsignal::demo::load(f.state.store.as_ref(), &portsignal::demo::generate(&opts))
        .await
        .unwrap();
    let path = "/api/v1/ports/USLAX/outlook/weekly?as_of=2026-11-29T12:00:00Z";
    let (status, _, body) = get(&f, path).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["port"], "USLAX");
    assert_eq!(body["as_of"], "2026-11-29T12:00:00Z");
    let weeks = body["weeks"].as_array().unwrap();
    let labels: Vec<&str> = weeks
        .iter()
        .map(|w| w["iso_week"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        ["2026-W48", "2026-W49", "2026-W50", "2026-W51", "2026-W52", "2026-W53"]
    );
    assert_eq!(weeks[1]["start"], "2026-11-30");
    // The current week holds what arrived in it so far; w/w compares whole weeks.
    assert!(
        weeks[0]["import_teu"]["p50"].as_f64().unwrap() > 40_000.0,
        "{}",
        weeks[0]
    );
    for w in &weeks[..4] {
        let b = &w["import_teu"];
        let (p10, p50, p90) = (
            b["p10"].as_f64().unwrap(),
            b["p50"].as_f64().unwrap(),
            b["p90"].as_f64().unwrap(),
        );
        // A port of ~9 M TEU a year takes in some 80,000-120,000 import TEU a week.
        assert!(
            40_000.0 < p10 && p10 <= p50 && p50 <= p90 && p90 < 250_000.0,
            "{w}"
        );
        if w["iso_week"] != "2026-W48" {
            assert!(p10 < p90, "some arrivals are uncertain: {w}");
        }
        assert!(w["vessels"].as_f64().unwrap() > 5.0, "{w}");
        assert!(w["rail_teu"].as_f64().unwrap() > 0.0, "{w}");
        assert!(w["wow_pct"].is_number() && w["yoy_pct"].is_number(), "{w}");
    }

    // The same question again gets the same answer.
    assert_eq!(get(&f, path).await.2, body);
    // Asked as of a week earlier, it answers from what was known then.
    let (status, _, earlier) = get(
        &f,
        "/api/v1/ports/USLAX/outlook/weekly?as_of=2026-11-22T12:00:00Z&weeks=2",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(earlier["weeks"][0]["iso_week"], "2026-W47");
    assert_eq!(earlier["weeks"].as_array().unwrap().len(), 2);

    for (query, message) in [
        ("weeks=9", "weeks 9 is outside 1-8"),
        ("weeks=0", "weeks 0 is outside 1-8"),
        (
            "as_of=2026-11-29",
            "as_of '2026-11-29' is not a date-time with an offset (RFC 3339)",
        ),
    ] {
        let (status, _, body) =
            get(&f, &format!("/api/v1/ports/USLAX/outlook/weekly?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(body["error"], message);
    }
    let (status, _, _) = get(&f, "/api/v1/ports/NLRTM/outlook/weekly").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// The demo port as of a fixed moment, in the fixture's store.
async fn demo_port(f: &Fixture, as_of: &str) -> chrono::DateTime<chrono::Utc> {
    let as_of = as_of.parse().unwrap();
    let opts = portsignal::demo::DemoOptions { seed: 1, as_of };
    f.state.store.clear().await.unwrap();
    portsignal::demo::load(f.state.store.as_ref(), &portsignal::demo::generate(&opts))
        .await
        .unwrap();
    as_of
}

#[tokio::test]
async fn forecasts_are_recorded_when_issued_and_scored_once_the_actuals_are_in() {
    use portsignal::domain::accuracy::ForecastKind;
    use portsignal::queries::accuracy::{backfill, issue_due};
    let f = fixture().await;
    let now = demo_port(&f, "2026-11-29T12:00:00Z").await;
    let store = f.state.store.as_ref();

    // Loading statistics issued the monthly forecast after the latest month, live.
    let monthly = store
        .issued_forecasts("USLAX", ForecastKind::Monthly)
        .await
        .unwrap();
    assert_eq!(monthly.len(), 12 * 4);
    assert!(monthly
        .iter()
        .all(|m| m.issue == "2026-10" && !m.reproduced));
    let (status, _, body) = get(&f, "/api/v1/ports/USLAX/accuracy").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["weekly"]["issues"], 0);
    assert_eq!(body["monthly"][0]["series"], "total_teu");
    assert_eq!(body["monthly"][0]["issues"], 1);
    assert_eq!(body["monthly"][0]["horizons"], serde_json::json!([]));

    // Four weeks of daily outlooks and every month from the thirteenth, reproduced.
    let done = backfill(store, "USLAX", 28, now).await.unwrap();
    assert_eq!((done.weekly_issues, done.monthly_issues), (28, 24));
    // Reading once for all days gives what asking for each day gives.
    let weekly = store
        .issued_forecasts("USLAX", ForecastKind::WeeklyImport)
        .await
        .unwrap();
    assert_eq!(weekly.len(), 28 * 8);
    let (_, _, asked) = get(
        &f,
        "/api/v1/ports/USLAX/outlook/weekly?as_of=2026-11-10T06:00:00-08:00&weeks=8",
    )
    .await;
    let issued: Vec<_> = weekly.iter().filter(|w| w.issue == "2026-11-10").collect();
    assert_eq!(issued.len(), 8);
    for (i, w) in issued.iter().enumerate() {
        assert_eq!(w.horizon, i as i32);
        assert_eq!(asked["weeks"][i]["iso_week"], w.target.as_str());
        assert_eq!(asked["weeks"][i]["import_teu"]["p50"], w.band.p50);
        assert_eq!(asked["weeks"][i]["import_teu"]["p90"], w.band.p90);
        assert!(w.reproduced);
    }

    let (status, _, body) = get(&f, "/api/v1/ports/USLAX/accuracy").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let week = &body["weekly"];
    assert_eq!(week["issues"], 28);
    assert_eq!(week["reproduced_issues"], 28);
    assert_eq!(week["first_issue"], "2026-11-01");
    assert_eq!(week["latest_issue"], "2026-11-28");
    // Weeks count once they have ended: before W48, the week of 29 November. Issued in their
    // own week (horizon 0): 1 November (W44) and the 21 days of W45-W47; a week ahead: 15.
    let horizons = week["horizons"].as_array().unwrap();
    assert_eq!(horizons[0]["horizon"], 0);
    assert_eq!(horizons[0]["forecasts"], 22);
    assert_eq!(horizons[1]["forecasts"], 15);
    for h in horizons {
        let mape = h["mape_pct"].as_f64().unwrap();
        assert!((0.0..50.0).contains(&mape), "{h}");
        assert!(h["bias_pct"].as_f64().unwrap().abs() <= mape, "{h}");
        assert!(
            (0.0..=100.0).contains(&h["coverage_pct"].as_f64().unwrap()),
            "{h}"
        );
    }
    // The chart's points: each week's earliest forecast a week ahead, beside its actual.
    let recent = body["weekly_recent"].as_array().unwrap();
    let targets: Vec<&str> = recent
        .iter()
        .map(|p| p["target"].as_str().unwrap())
        .collect();
    assert_eq!(targets, ["2026-W45", "2026-W46", "2026-W47"]);
    assert_eq!(recent[1]["issue"], "2026-11-02");
    assert!(recent
        .iter()
        .all(|p| p["actual"].as_f64().unwrap() > 40_000.0));

    // Monthly: issues after 2024-10 … 2026-10; the last one was live.
    let total = &body["monthly"][0];
    assert_eq!(total["issues"], 24);
    assert_eq!(total["reproduced_issues"], 23);
    let h = total["horizons"].as_array().unwrap();
    assert_eq!(h.len(), 12);
    assert_eq!(
        (h[0]["horizon"].clone(), h[0]["forecasts"].clone()),
        (1.into(), 23.into())
    );
    assert_eq!(
        (h[11]["horizon"].clone(), h[11]["forecasts"].clone()),
        (12.into(), 12.into())
    );
    assert_eq!(body["monthly"].as_array().unwrap().len(), 4);
    // Years count once all twelve months are in: 2024 (one issue) and 2025 (twelve).
    let years: u64 = body["yearly"]["horizons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["forecasts"].as_u64().unwrap())
        .sum();
    assert_eq!(years, 13);

    // The hourly check issues today's outlook from 06:00 local (12:00 UTC is 04:00 in Los
    // Angeles), once, and no monthly forecast: the statistics have not changed since the last.
    assert_eq!(issue_due(store, now).await.unwrap(), 0);
    let later = now + chrono::Duration::hours(3);
    assert_eq!(issue_due(store, later).await.unwrap(), 8);
    assert_eq!(issue_due(store, later).await.unwrap(), 0);
    let kind = ForecastKind::WeeklyImport;
    assert!(store.has_issue("USLAX", kind, "2026-11-29").await.unwrap());

    let (status, _, _) = get(&f, "/api/v1/ports/NLRTM/accuracy").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn posting_statistics_issues_the_monthly_forecast() {
    use portsignal::domain::accuracy::ForecastKind;
    let f = fixture().await;
    let csv = "month,loaded_imports,loaded_exports,empty_imports,empty_exports\n\
               2026-08,400000,120000,20000,230000\n\
               2026-09,410000,125000,20000,235000\n";
    let (status, body) = post(&f, STATS, Some(&f.lax), "text/csv", csv).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let store = f.state.store.as_ref();
    let issued = store
        .issued_forecasts("USLAX", ForecastKind::Monthly)
        .await
        .unwrap();
    assert_eq!(issued.len(), 12 * 4);
    assert!(issued.iter().all(|m| m.issue == "2026-09" && !m.reproduced));
    assert_eq!(issued[0].target, "2026-10");
    // Two months are too few for a seasonal model: the method says what was used.
    assert!(!issued[0].method.is_empty());
    let yearly = store
        .issued_forecasts("USLAX", ForecastKind::Yearly)
        .await
        .unwrap();
    assert_eq!(yearly.len(), 1);
    assert_eq!((yearly[0].target.as_str(), yearly[0].horizon), ("2026", 3));
    assert!(yearly[0].band.p50 >= 770_000.0 + 790_000.0);
}

#[tokio::test]
async fn open_pages_hear_of_new_events_for_their_port_and_only_those() {
    let f = fixture().await;
    let response = portsignal::server::router(f.state.clone())
        .oneshot(
            Request::get("/live?port=uslax")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut body = response.into_body();
    let mut next = async || {
        let frame = tokio::time::timeout(std::time::Duration::from_millis(500), body.frame()).await;
        frame.ok().map(|f| {
            let data = f.unwrap().unwrap().into_data().unwrap();
            String::from_utf8(data.to_vec()).unwrap()
        })
    };
    assert_eq!(
        next().await.as_deref(),
        Some("event: ready\ndata: USLAX\n\n")
    );

    let body =
        serde_json::json!([estimate("USLAX", "2648E", "2026-12-01T06:00:00-08:00")]).to_string();
    let (status, _) = post(&f, JIT, Some(&f.lax), "application/json", body.clone()).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        next().await.as_deref(),
        Some("event: changed\ndata: USLAX\n\n")
    );
    // A re-sent event changes nothing, so nobody is told.
    post(&f, JIT, Some(&f.lax), "application/json", body).await;
    assert_eq!(next().await, None);
    // Another port's news is not this page's.
    f.state.live.changed("USLGB");
    assert_eq!(next().await, None);
}

// ---- The read API and its OpenAPI document ----

/// The demo port generated as of now, as the pages and the read API see it (with a new
/// provider token for USLAX: loading the demo clears the old one).
async fn demo_now(f: &mut Fixture) {
    demo_port(f, &portsignal::queries::page_now().to_rfc3339()).await;
    let (lax, token) = auth::generate(Role::Provider, "test".into(), vec!["USLAX".into()]);
    f.state.store.create_token(&token).await.unwrap();
    f.lax = lax;
}

/// Everything the issue asks the API to offer, by method and path.
const EXPECTED_ROUTES: [(&str, &str); 16] = [
    ("get", "/api/v1/ports"),
    ("get", "/api/v1/ports/{locode}"),
    ("get", "/api/v1/ports/{locode}/port-calls"),
    ("get", "/api/v1/ports/{locode}/statistics/monthly"),
    ("post", "/api/v1/ports/{locode}/statistics/monthly"),
    ("get", "/api/v1/ports/{locode}/balance"),
    ("get", "/api/v1/ports/{locode}/outlook/weekly"),
    ("get", "/api/v1/ports/{locode}/forecast/monthly"),
    ("get", "/api/v1/ports/{locode}/accuracy"),
    ("get", "/api/v1/ports/{locode}/reliability"),
    ("get", "/api/v1/ports/{locode}/congestion"),
    ("post", "/dcsa/jit/v1/timestamps"),
    ("get", "/dcsa/ovs/v3/service-schedules"),
    ("post", "/dcsa/ovs/v3/service-schedules"),
    // Served beside the document, not in it.
    ("get", "/api/v1/openapi.json"),
    ("get", "/api/v1/docs"),
];

/// A validator for what `operation` documents for `status`, strict: every object schema that
/// lists properties also rejects properties it does not list (`unevaluatedProperties`, so
/// that schemas composed with `allOf` still see each other's), and formats are checked.
fn response_validator(doc: &Value, operation: &Value, status: u16) -> jsonschema::Validator {
    let content = &operation["responses"][status.to_string()]["content"]["application/json"];
    assert!(
        content.is_object(),
        "no JSON response {status} documented for {}",
        operation["operationId"]
    );
    let mut schemas = doc["components"]["schemas"].clone();
    // Schemas used as parts of an allOf must stay open; the composition closes them.
    let mut parts = std::collections::HashSet::new();
    for s in schemas.as_object().unwrap().values() {
        for part in s["allOf"].as_array().into_iter().flatten() {
            if let Some(r) = part["$ref"].as_str() {
                parts.insert(r.trim_start_matches("#/components/schemas/").to_string());
            }
        }
    }
    fn close(schema: &mut Value, open: bool) {
        match schema {
            Value::Object(map) => {
                let has_props = map.contains_key("properties") || map.contains_key("allOf");
                if has_props && !open && !map.contains_key("additionalProperties") {
                    map.insert("unevaluatedProperties".into(), Value::Bool(false));
                }
                for (key, v) in map.iter_mut() {
                    // Inline parts of an allOf stay open too.
                    close(v, key == "allOf");
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| close(v, open)),
            _ => {}
        }
    }
    for (name, s) in schemas.as_object_mut().unwrap() {
        close(s, parts.contains(name));
    }
    let schema = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": {"schemas": schemas},
        "allOf": [content["schema"].clone()],
    });
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("schema for {status} does not compile: {e}"))
}

fn assert_matches(doc: &Value, operation: &Value, status: u16, body: &Value, what: &str) {
    let validator = response_validator(doc, operation, status);
    let errors: Vec<String> = validator
        .iter_errors(body)
        .take(5)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} answered {status} not as documented: {errors:#?}"
    );
}

async fn openapi(f: &Fixture) -> Value {
    let (status, headers, doc) = get(f, "/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    doc
}

#[tokio::test]
async fn every_route_is_documented_and_answers_as_documented_for_the_demo_port() {
    let mut f = fixture().await;
    demo_now(&mut f).await;
    let doc = openapi(&f).await;
    let paths = doc["paths"].as_object().unwrap();
    for (method, path) in EXPECTED_ROUTES {
        if path.starts_with("/api/v1/openapi") || path == "/api/v1/docs" {
            continue;
        }
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} is not in the document"
        );
    }
    let mut checked = 0;
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            assert!(
                operation["summary"].is_string(),
                "{method} {path} says nothing about itself"
            );
            let responses = operation["responses"].as_object().unwrap();
            let url = path.replace("{locode}", "uslax");
            if method == "get" {
                let (status, _, body) = get(&f, &url).await;
                assert_eq!(status, StatusCode::OK, "GET {url}: {body}");
                assert_matches(&doc, operation, 200, &body, &format!("GET {url}"));
                if path.contains("{locode}") {
                    let url = path.replace("{locode}", "XXNOP");
                    let (status, _, body) = get(&f, &url).await;
                    assert_eq!(status, StatusCode::NOT_FOUND, "GET {url}");
                    assert_matches(&doc, operation, 404, &body, &format!("GET {url}"));
                }
                if responses.contains_key("400") {
                    let url = format!("{url}?limit=0&weeks=99&horizon=99&as_of=soon");
                    let (status, _, body) = get(&f, &url).await;
                    assert_eq!(status, StatusCode::BAD_REQUEST, "GET {url}: {body}");
                    assert_matches(&doc, operation, 400, &body, &format!("GET {url}"));
                }
            } else {
                assert!(operation["security"].is_array(), "{method} {path} is open");
                let content_type = operation["requestBody"]["content"]
                    .as_object()
                    .and_then(|c| c.keys().next().cloned())
                    .unwrap();
                let (status, body) = post(&f, &url, None, &content_type, "").await;
                assert_eq!(status, StatusCode::UNAUTHORIZED);
                assert_matches(&doc, operation, 401, &body, &format!("POST {url}"));
                let (status, body) = post(&f, &url, Some(&f.lax), "text/plain", "x").await;
                assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
                assert_matches(&doc, operation, 415, &body, &format!("POST {url}"));
                let broken = if content_type == "text/csv" {
                    "month,loaded_imports,loaded_exports\n2026-13,x,1\n"
                } else {
                    "[{}]"
                };
                let (status, body) = post(&f, &url, Some(&f.lax), &content_type, broken).await;
                assert_eq!(
                    status,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "POST {url}: {body}"
                );
                assert!(body["problems"].as_array().is_some_and(|p| !p.is_empty()));
                assert_matches(&doc, operation, 422, &body, &format!("POST {url}"));
                let good = if content_type == "text/csv" {
                    GOOD.to_string()
                } else if path.contains("/jit/") {
                    estimate("USLAX", "9001E", "2026-12-20T06:00:00-08:00").to_string()
                } else {
                    schedule().to_string()
                };
                let (status, body) = post(&f, &url, Some(&f.lax), &content_type, good).await;
                assert_eq!(status, StatusCode::CREATED, "POST {url}: {body}");
                assert_matches(&doc, operation, 201, &body, &format!("POST {url}"));
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 14, "operations checked");
}

#[tokio::test]
async fn the_checker_itself_rejects_what_the_document_does_not_say() {
    let f = fixture().await;
    let doc = openapi(&f).await;
    let operation = &doc["paths"]["/api/v1/ports/{locode}/balance"]["get"];
    let validator = response_validator(&doc, operation, 200);
    let good = serde_json::json!({"port": "USLAX", "months": [], "years": [], "trailing": null, "export_run": null});
    assert!(validator.is_valid(&good));
    let mut extra = good.clone();
    extra["portName"] = serde_json::json!("Los Angeles");
    assert!(!validator.is_valid(&extra), "an undocumented field passed");
    let missing = serde_json::json!({"port": "USLAX", "years": []});
    assert!(!validator.is_valid(&missing), "a missing field passed");
    let calls = &doc["paths"]["/api/v1/ports/{locode}/port-calls"]["get"];
    let validator = response_validator(&doc, calls, 200);
    let page = |at: &str| serde_json::json!({"port": "USLAX", "as_of": at, "port_calls": [], "next_cursor": null});
    assert!(validator.is_valid(&page("2026-11-29T20:00:00Z")));
    assert!(
        !validator.is_valid(&page("29/11/2026 20:00")),
        "a bad date-time passed"
    );
}

/// Every page of `path` (which has a query already), following `next_cursor`.
async fn all_pages(f: &Fixture, path: &str) -> Vec<Value> {
    let mut calls = Vec::new();
    let mut url = path.to_string();
    for _ in 0..1000 {
        let (status, _, page) = get(f, &url).await;
        assert_eq!(status, StatusCode::OK, "{url}: {page}");
        calls.extend(page["port_calls"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => url = format!("{path}&cursor={c}"),
            None => return calls,
        }
    }
    panic!("paging did not end");
}

#[tokio::test]
async fn port_calls_page_by_cursor_and_filter_as_asked() {
    let mut f = fixture().await;
    demo_now(&mut f).await;
    let store = f.state.store.as_ref();
    let everything = all_pages(&f, "/api/v1/ports/USLAX/port-calls?limit=1000").await;
    let stored = store.count_port_calls("USLAX").await.unwrap() as usize;
    assert!(stored > 1000, "the demo port has {stored} calls");
    assert_eq!(everything.len(), stored, "every call, once");
    let keys: Vec<(String, String)> = everything
        .iter()
        .map(|c| {
            let t = &c["times"];
            let best = t["actual_berth_arrival"]
                .as_str()
                .or(t["estimated_arrival"].as_str())
                .or(t["planned_arrival"].as_str())
                .unwrap();
            let best = chrono::DateTime::parse_from_rfc3339(best)
                .unwrap()
                .timestamp();
            (
                format!("{best:012}"),
                c["call_ref"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(keys, sorted, "in arrival order, no call twice");
    assert!(everything.iter().all(|c| c["vessel_name"].is_string()));

    // Small pages and a status filter give the same calls as filtering everything.
    let anchored: Vec<&Value> = everything
        .iter()
        .filter(|c| c["status"] == "at_anchor")
        .collect();
    assert!(!anchored.is_empty(), "the demo port has ships at anchor");
    let paged = all_pages(
        &f,
        "/api/v1/ports/USLAX/port-calls?status=at_anchor&limit=2",
    )
    .await;
    assert_eq!(paged.iter().collect::<Vec<_>>(), anchored);

    // Terminal, carrier and ETA range.
    let sample = &everything[everything.len() / 2];
    let terminal = sample["terminal"].as_str().unwrap();
    let carrier = sample["carrier"].as_str().unwrap();
    let eta = sample["times"]["planned_arrival"].as_str().unwrap();
    let from = chrono::DateTime::parse_from_rfc3339(eta).unwrap() - chrono::Duration::days(7);
    let to = from + chrono::Duration::days(14);
    let path = format!(
        "/api/v1/ports/USLAX/port-calls?limit=7&terminal={terminal}&carrier={carrier}&eta_from={}&eta_to={}",
        from.to_utc().format("%Y-%m-%dT%H:%M:%SZ"),
        to.to_utc().format("%Y-%m-%dT%H:%M:%SZ"),
    );
    let some = all_pages(&f, &path).await;
    let expected: Vec<&Value> = everything
        .iter()
        .zip(&keys)
        .filter(|(c, (best, _))| {
            let best: i64 = best.parse().unwrap();
            c["terminal"] == terminal
                && c["carrier"] == carrier
                && best >= from.timestamp()
                && best < to.timestamp()
        })
        .map(|(c, _)| c)
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(some.iter().collect::<Vec<_>>(), expected);

    // What is not understood is said.
    for (query, says) in [
        ("status=sailing", "status 'sailing'"),
        ("limit=5000", "limit 5000"),
        ("cursor=abc", "cursor 'abc'"),
        ("eta_from=tomorrow", "eta_from 'tomorrow'"),
    ] {
        let (status, _, body) = get(&f, &format!("/api/v1/ports/USLAX/port-calls?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert!(
            body["error"].as_str().unwrap().contains(says),
            "{query}: {body}"
        );
    }
}

/// `v` as it reads after a trip through JSON text, as the API's answers are read here.
fn as_read(v: impl serde::Serialize) -> Value {
    serde_json::from_str(&serde_json::to_string(&v).unwrap()).unwrap()
}

#[tokio::test]
async fn the_read_api_says_what_the_pages_say() {
    let mut f = fixture().await;
    demo_now(&mut f).await;
    let store = f.state.store.as_ref();
    let now = portsignal::queries::page_now();
    let (_, _, ports) = get(&f, "/api/v1/ports").await;
    let lax = &ports["ports"][0];
    assert_eq!(lax["locode"], "USLAX");
    let terminals = store.terminals("USLAX").await.unwrap();
    assert_eq!(lax["terminals"].as_array().unwrap().len(), terminals.len());
    assert!(terminals.len() >= 5);

    let page = portsignal::queries::reliability::reliability(store, "USLAX", now)
        .await
        .unwrap();
    let (_, _, api) = get(&f, "/api/v1/ports/USLAX/reliability").await;
    assert_eq!(api["carriers"], as_read(&page.carriers));
    assert_eq!(api["port_wide"], as_read(&page.port_wide));

    let page = portsignal::queries::congestion::congestion(store, "USLAX", now)
        .await
        .unwrap();
    let (_, _, api) = get(&f, "/api/v1/ports/USLAX/congestion").await;
    let queue = api["queue"].as_array().unwrap();
    assert_eq!(queue.len(), page.queue.len());
    assert!(!queue.is_empty());
    for (a, p) in queue.iter().zip(&page.queue) {
        assert_eq!(a["vessel_name"], p.vessel.as_str());
        assert_eq!(a["waiting_hours"], as_read(p.waiting_hours));
    }

    let page = portsignal::queries::balance::balance(store, "USLAX")
        .await
        .unwrap();
    let (_, _, api) = get(&f, "/api/v1/ports/USLAX/balance").await;
    assert_eq!(api["months"], as_read(&page.months));
    assert_eq!(api["export_run"].as_str(), page.export_run.as_deref());
    let (_, _, stats) = get(&f, "/api/v1/ports/USLAX/statistics/monthly").await;
    assert_eq!(stats["months"].as_array().unwrap().len(), page.months.len());
}
