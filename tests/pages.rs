//! The pages' numbers, as the server renders them for the demo port, against the domain
//! functions computed here from the same stored data; and the downloads behind them.
//! Each test runs on a multi-threaded runtime, as the server does: a page's render waits on
//! blocking work (the forecast's fitting) that a single-threaded test runtime once left
//! stuck in a full run.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use portsignal::domain::balance::{balance_months, export_run, trailing_ratio};
use portsignal::state::AppState;
use portsignal::storage::{self, Storage};
use portsignal::view_model::teu;
use std::sync::Arc;
use tower::ServiceExt;

struct Demo {
    _dir: tempfile::TempDir,
    state: AppState,
}

async fn demo() -> Demo {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Storage> = storage::open(None, dir.path()).await.unwrap();
    let opts = portsignal::demo::DemoOptions {
        seed: 1,
        as_of: "2026-11-29T12:00:00Z".parse().unwrap(),
    };
    portsignal::demo::load(store.as_ref(), &portsignal::demo::generate(&opts))
        .await
        .unwrap();
    let state = support::app_state(store, dir.path());
    Demo { _dir: dir, state }
}

/// Status, content type and body text of a GET through the real router.
async fn get(d: &Demo, path: &str) -> (StatusCode, String, String) {
    let response = portsignal::server::router(d.state.clone())
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, kind, String::from_utf8_lossy(&bytes).into_owned())
}

/// The page without Leptos' hydration markers between text pieces.
fn text(html: &str) -> String {
    html.replace("<!-- -->", "").replace("<!>", "")
}

/// The text of each cell of the table rows marked `data-{attr}="{key}"`.
fn row_cells(html: &str, attr: &str, key: &str) -> Vec<String> {
    let start = html
        .find(&format!("data-{attr}=\"{key}\""))
        .unwrap_or_else(|| panic!("no row {key}"));
    let row = &html[start..start + html[start..].find("</tr>").unwrap()];
    row.split("<t")
        .skip(1)
        .filter_map(|cell| cell.split_once('>'))
        .map(|(_, rest)| {
            let text = rest.split("</t").next().unwrap();
            // Drop Leptos' hydration markers.
            text.replace("<!>", "")
                .split("<!--")
                .next()
                .unwrap()
                .trim()
                .to_string()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_balance_page_shows_the_domains_numbers_for_the_demo_port() {
    let d = demo().await;
    let stats = d.state.store.monthly_stats("USLAX").await.unwrap();
    let months = balance_months(&stats);
    assert_eq!(months.len(), 36);

    let (status, _, html) = get(&d, "/balance").await;
    assert_eq!(status, StatusCode::OK);
    for m in [&months[35], &months[20], &months[0]] {
        let cells = row_cells(&html, "month", &m.month);
        assert_eq!(cells[1], teu(m.loaded_imports), "{cells:?}");
        assert_eq!(cells[2], teu(m.loaded_exports), "{cells:?}");
        assert_eq!(cells[3], teu(m.empties), "{cells:?}");
        assert_eq!(cells[4], format!("{:.2}", m.ratio.unwrap()), "{cells:?}");
    }
    let (ratio, _, _) = trailing_ratio(&months).unwrap();
    assert!(text(&html).contains(&format!("<strong class=\"figure\">{ratio:.1}</strong>")));
    // The demo's ports import 3-5 loaded TEU per loaded export, as Los Angeles does.
    assert!((3.0..5.0).contains(&ratio), "{ratio}");
    if let Some(run) = export_run(&months) {
        let sentence = run.sentence();
        let capital = sentence[..1].to_uppercase() + &sentence[1..];
        assert!(text(&html).contains(&capital), "{capital}");
    }
    // The public page gives the same twelve-month figure.
    let (_, _, home) = get(&d, "/").await;
    assert!(
        home.contains(&format!(
            "{ratio:.1} loaded imports for every loaded export"
        )),
        "balance line missing from /"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_balance_downloads_as_csv_json_and_svg() {
    let d = demo().await;
    let months = balance_months(&d.state.store.monthly_stats("USLAX").await.unwrap());

    let (status, kind, csv) = get(&d, "/download/balance.csv?port=uslax").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kind, "text/csv; charset=utf-8");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "month,loaded_imports,loaded_exports,empties,imports_per_export,exports_yoy_pct"
    );
    assert_eq!(lines.len(), 1 + months.len());
    let last = &months[35];
    let fields: Vec<&str> = lines[36].split(',').collect();
    assert_eq!(fields[0], last.month);
    assert_eq!(fields[1].parse::<f64>().unwrap(), last.loaded_imports);
    assert_eq!(fields[4], format!("{:.4}", last.ratio.unwrap()));

    let (status, kind, json) = get(&d, "/download/balance.json").await;
    assert_eq!(
        (status, kind.as_str()),
        (StatusCode::OK, "application/json")
    );
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["port"], "USLAX");
    assert_eq!(json["months"].as_array().unwrap().len(), 36);
    assert_eq!(json["months"][35]["loaded_exports"], last.loaded_exports);

    let (status, kind, svg) = get(&d, "/download/balance-ratio.svg").await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "image/svg+xml"));
    assert!(svg.starts_with("<svg role=\"img\""));
    assert!(svg.contains("Imports per export"));

    assert_eq!(
        get(&d, "/download/secrets.csv").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&d, "/download/balance.csv?port=NLRTM").await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_port_without_statistics_says_so_on_the_balance_page() {
    let d = demo().await;
    d.state
        .store
        .write_batch(&portsignal::storage::Batch {
            ports: vec![portsignal::domain::Port {
                locode: "USLGB".into(),
                name: "Port of Long Beach".into(),
                time_zone: "America/Los_Angeles".into(),
            }],
            ..Default::default()
        })
        .await
        .unwrap();
    let (status, _, html) = get(&d, "/balance?port=USLGB").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        text(&html).contains("No monthly statistics imported for USLGB yet"),
        "{html}"
    );
    let (status, _, _) = get(&d, "/balance?port=NLRTM").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_arrivals_page_lists_what_the_domain_selects() {
    use portsignal::domain::arrivals::{select, ArrivalsQuery};
    let d = demo().await;
    let store = d.state.store.as_ref();
    let now = chrono::Utc::now();
    let calls = store
        .port_calls_arriving(
            "USLAX",
            now - chrono::Duration::days(30),
            now + chrono::Duration::weeks(10),
        )
        .await
        .unwrap();
    let terminal = calls[0].terminal.clone().unwrap();
    let query = ArrivalsQuery {
        terminal: Some(terminal.clone()),
        ..Default::default()
    };
    let (rows, total, _, pages) = select(&calls, &query, now, &chrono_tz::America::Los_Angeles);
    assert!(total > 10, "{total}");

    let (status, _, html) = get(&d, &format!("/arrivals?terminal={terminal}")).await;
    assert_eq!(status, StatusCode::OK);
    let html = text(&html);
    assert!(
        html.contains(&format!("{total} calls · page 1 of {pages}")),
        "count line missing"
    );
    assert_eq!(html.matches("<tr data-call=").count(), rows.len());
    assert_eq!(
        html.matches(&format!("data-terminal=\"{terminal}\""))
            .count(),
        rows.len()
    );
    // The first row is the domain's first, with its vessel's name.
    let first = rows[0];
    let vessel = store.vessel(&first.vessel_imo).await.unwrap().unwrap();
    let row = &html[html
        .find(&format!("data-call=\"{}\"", first.call_ref))
        .unwrap()..];
    assert!(row[..row.find("</tr>").unwrap()].contains(&vessel.name));
    assert!(html.contains(&format!("<option value=\"{terminal}\" selected")));

    // A status nobody has yet is an empty list, not an error.
    let (status, _, html) = get(&d, "/arrivals?status=departed&from=2030-01-01").await;
    assert_eq!(status, StatusCode::OK);
    assert!(text(&html).contains("0 calls · page 1 of 1"));
}

use portsignal::domain::rollup::cells;

/// Monday 00:00 in Los Angeles of the week holding `t`.
fn week_start(t: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    let tz = chrono_tz::America::Los_Angeles;
    let week = portsignal::domain::IsoWeek::of(t.with_timezone(&tz).date_naive());
    portsignal::domain::indicator::week_start_utc(week, &tz)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reliability_page_shows_the_domains_figures() {
    use portsignal::domain::reliability::by;
    let d = demo().await;
    let now = chrono::Utc::now();
    // Straight from the calls, not from the rollups the page reads.
    let calls = d
        .state
        .store
        .port_calls_berthed("USLAX", week_start(now - chrono::Duration::weeks(26)), now)
        .await
        .unwrap();
    let delays = cells(&calls, now, &chrono_tz::America::Los_Angeles);
    let carriers = by(&delays, |c| c.carrier.clone());
    assert!(carriers.len() > 5, "{}", carriers.len());

    let (status, _, html) = get(&d, "/reliability").await;
    assert_eq!(status, StatusCode::OK);
    let html = text(&html);
    for c in [&carriers[0], &carriers[carriers.len() - 1]] {
        let cells = row_cells(&html, "key", &c.key);
        assert_eq!(cells[1], c.calls.to_string(), "{cells:?}");
        assert_eq!(
            cells[2],
            format!("{:.1}\u{a0}%", c.on_time_pct),
            "{cells:?}"
        );
    }
    let all = by(&delays, |_| "all".into()).pop().unwrap();
    assert!(html.contains(&format!(
        "of {} calls arrived within a day of schedule",
        all.calls
    )));
    // The demo's ETAs drift as real ones do: most calls on time, not all.
    assert!(
        (40.0..100.0).contains(&all.on_time_pct),
        "{}",
        all.on_time_pct
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_congestion_page_shows_the_queue_and_waits_the_domain_finds() {
    use portsignal::domain::congestion::{at_anchor, by_week};
    let d = demo().await;
    let now = chrono::Utc::now();
    let calls = d
        .state
        .store
        .port_calls_arriving(
            "USLAX",
            week_start(now - chrono::Duration::weeks(26)),
            now + chrono::Duration::days(14),
        )
        .await
        .unwrap();
    let queue = at_anchor(&calls, now);
    // Straight from the calls, not from the rollups the page reads.
    let berthed = d
        .state
        .store
        .port_calls_berthed("USLAX", week_start(now - chrono::Duration::weeks(26)), now)
        .await
        .unwrap();
    let weeks = by_week(&cells(&berthed, now, &chrono_tz::America::Los_Angeles));
    assert!(weeks.len() >= 26, "{}", weeks.len());
    assert!(
        weeks.iter().any(|w| w.anchored > 0),
        "the demo's ships queue at times"
    );

    let (status, _, html) = get(&d, "/congestion").await;
    assert_eq!(status, StatusCode::OK);
    let html = text(&html);
    let ships = if queue.len() == 1 { "ship" } else { "ships" };
    assert!(
        html.contains(&format!(
            "<strong class=\"figure\">{}</strong> {ships} at anchor now",
            queue.len()
        )),
        "queue headline"
    );
    for w in [&weeks[0], &weeks[weeks.len() - 1]] {
        let cells = row_cells(&html, "week", &w.week);
        assert_eq!(cells[1], w.berthed.to_string(), "{cells:?}");
        assert_eq!(cells[2], w.anchored.to_string(), "{cells:?}");
        assert_eq!(
            cells[3],
            format!("{:.1}\u{a0}h", w.mean_wait_hours),
            "{cells:?}"
        );
    }
}

/// The `datetime` of the page's first `<time>`: the moment it was computed for.
fn page_as_of(html: &str) -> chrono::DateTime<chrono::Utc> {
    let at = html.find("<time datetime=\"").expect("the page says when") + 16;
    html[at..at + html[at..].find('"').unwrap()]
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_outlook_page_shows_the_domains_outlook_by_terminal_and_carrier() {
    use portsignal::queries::outlook::OutlookData;
    let d = demo().await;
    let (status, _, html) = get(&d, "/outlook?weeks=6").await;
    assert_eq!(status, StatusCode::OK);
    let html = text(&html);
    // The same outlook, computed here for the moment the page names.
    let as_of = page_as_of(&html);
    let data = OutlookData::load(d.state.store.as_ref(), "USLAX", as_of, as_of, 6)
        .await
        .unwrap();
    let outlook = data.at(as_of, 6);
    assert_eq!(outlook.weeks.len(), 6);
    for w in &outlook.weeks {
        let cells = row_cells(&html, "week", &w.iso_week);
        assert_eq!(cells[1], teu(w.import_teu.p10), "{cells:?}");
        assert_eq!(cells[2], teu(w.import_teu.p50), "{cells:?}");
        assert_eq!(cells[3], teu(w.import_teu.p90), "{cells:?}");
        assert_eq!(cells[6], teu(w.expected.teu), "{cells:?}");
        assert_eq!(cells[7], teu(w.expected.laden), "{cells:?}");
        assert_eq!(cells[9], teu(w.expected.rail), "{cells:?}");
        // Terminals and carriers each add up to the week's expected TEU (rounding aside).
        for groups in [&w.by_terminal, &w.by_carrier] {
            let sum: f64 = groups.iter().map(|g| g.split.teu).sum();
            assert!((sum - w.expected.teu).abs() <= groups.len() as f64, "{sum}");
        }
    }
    // The largest terminal's row: its TEU in each week and its laden share over all.
    let terminals = d.state.store.terminals("USLAX").await.unwrap();
    let mut totals: Vec<(String, f64, f64)> = Vec::new();
    for w in &outlook.weeks {
        for g in &w.by_terminal {
            match totals.iter_mut().find(|t| t.0 == g.key) {
                Some(t) => {
                    t.1 += g.split.teu;
                    t.2 += g.split.laden;
                }
                None => totals.push((g.key.clone(), g.split.teu, g.split.laden)),
            }
        }
    }
    totals.sort_by(|a, b| b.1.total_cmp(&a.1));
    let (key, total, laden) = &totals[0];
    assert!(terminals.iter().any(|t| &t.code == key), "{key}");
    let cells = row_cells(&html, "key", key);
    let first_week = outlook.weeks[0]
        .by_terminal
        .iter()
        .find(|g| &g.key == key)
        .map_or(0.0, |g| g.split.teu);
    assert_eq!(cells[1], teu(first_week), "{cells:?}");
    assert_eq!(cells[7], teu(*total), "{cells:?}");
    assert_eq!(cells[8], teu(*laden), "{cells:?}");
    // Most import TEU are laden, and Los Angeles sends about a quarter inland by rail.
    let (all, laden, rail) = outlook.weeks.iter().fold((0.0, 0.0, 0.0), |a, w| {
        (
            a.0 + w.expected.teu,
            a.1 + w.expected.laden,
            a.2 + w.expected.rail,
        )
    });
    assert!((0.6..0.98).contains(&(laden / all)), "{}", laden / all);
    assert!((0.05..0.5).contains(&(rail / all)), "{}", rail / all);
    assert!(html.contains("By carrier"));
    assert!(html.contains("Expected import TEU by terminal"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_offers_its_numbers_and_charts_as_downloads() {
    let d = demo().await;
    let pages = [
        ("/", "signal", vec!["signal.svg"]),
        (
            "/outlook",
            "outlook",
            vec!["outlook.svg", "outlook-terminals.svg"],
        ),
        ("/arrivals", "arrivals", vec![]),
        (
            "/balance",
            "balance",
            vec!["balance-volumes.svg", "balance-ratio.svg"],
        ),
        ("/reliability", "reliability", vec!["reliability.svg"]),
        ("/congestion", "congestion", vec!["congestion.svg"]),
        ("/accuracy", "accuracy", vec!["accuracy.svg"]),
    ];
    for (path, page, charts) in pages {
        let (status, _, html) = get(&d, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        // Every link the page offers answers with its kind of file.
        let links: Vec<String> = html
            .match_indices("href=\"/download/")
            .map(|(at, _)| {
                let rest = &html[at + 6..];
                rest[..rest.find('"').unwrap()].replace("&amp;", "&")
            })
            .collect();
        assert_eq!(links.len(), 2 + charts.len(), "{path}: {links:?}");
        for link in &links {
            let (status, kind, body) = get(&d, link).await;
            assert_eq!(status, StatusCode::OK, "{link}");
            let name = link.split('?').next().unwrap();
            if name.ends_with(".csv") {
                assert_eq!(kind, "text/csv; charset=utf-8");
                // Nothing is scored in a fresh demo without its record: the header alone.
                let least = if page == "accuracy" { 1 } else { 2 };
                assert!(body.lines().count() >= least, "{link}: {body}");
            } else if name.ends_with(".json") {
                let json: serde_json::Value = serde_json::from_str(&body).unwrap();
                assert_eq!(json["port"], "USLAX", "{link}");
                assert!(
                    !body.contains("<svg"),
                    "{link}: charts stay out of the numbers"
                );
            } else {
                assert_eq!(kind, "image/svg+xml");
                assert!(body.starts_with("<svg role=\"img\""), "{link}");
            }
        }
        for chart in charts {
            assert!(links
                .iter()
                .any(|l| l.starts_with(&format!("/download/{chart}?"))));
        }
        assert!(links
            .iter()
            .any(|l| l.starts_with(&format!("/download/{page}.csv?"))));
    }
    // The outlook's CSV holds the page's figures for the same minute.
    let (_, _, html) = get(&d, "/outlook?weeks=3").await;
    let (_, _, csv) = get(&d, "/download/outlook.csv?port=USLAX&weeks=3").await;
    let html = text(&html);
    let port_rows: Vec<Vec<&str>> = csv
        .lines()
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|r| r[1] == "port")
        .collect();
    assert_eq!(port_rows.len(), 3);
    if page_as_of(&html) == portsignal::queries::page_now() {
        let week = port_rows[0][0];
        let cells = row_cells(&html, "week", week);
        assert_eq!(cells[6], teu(port_rows[0][3].parse().unwrap()), "{cells:?}");
        assert_eq!(cells[2], teu(port_rows[0][9].parse().unwrap()), "{cells:?}");
    }
    // The arrivals download holds the whole selection, not one page of it.
    let (_, _, html) = get(&d, "/arrivals").await;
    let total: usize = text(&html)
        .split(" calls · page")
        .next()
        .unwrap()
        .rsplit('>')
        .next()
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let (_, _, csv) = get(&d, "/download/arrivals.csv").await;
    assert!(total > 50, "{total}");
    assert_eq!(csv.lines().count(), 1 + total);
    for bad in [
        "/download/outlook-secrets.csv",
        "/download/nothing.svg",
        "/download/outlook",
    ] {
        assert_eq!(get(&d, bad).await.0, StatusCode::NOT_FOUND, "{bad}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embed_card_shows_the_public_outlook_alone() {
    let d = demo().await;
    let (status, kind, html) = get(&d, "/embed/outlook?port=uslax").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kind, "text/html; charset=utf-8");
    let html = text(&html);
    assert!(html.starts_with("<!DOCTYPE html><html lang=\"en\">"));
    assert!(html.contains("Imports heading for the Port of Los Angeles"));
    assert_eq!(html.matches("class=\"week\"").count(), 3);
    assert!(html.contains("<svg role=\"img\""));
    // A card, not the app: no script, no navigation, no port selector.
    assert!(!html.contains("<script"));
    assert!(!html.contains("site-nav"));
    // The same figures as the public page for the same minute.
    let (_, _, home) = get(&d, "/?weeks=3").await;
    let home = text(&home);
    let week = home.split("data-testid=\"this-week-teu\"").nth(1).unwrap();
    let week = &week[week.find('>').unwrap() + 1..];
    let this_week = &week[..week.find('<').unwrap()];
    let card_week = html.split("class=\"week\"").nth(1).unwrap();
    let card_figure = card_week.split("<strong>").nth(1).unwrap();
    let card_figure = &card_figure[..card_figure.find('<').unwrap()];
    if html.contains(&home.split("<time>").nth(1).unwrap()[..16]) {
        assert_eq!(card_figure, this_week);
    }
    assert_eq!(
        get(&d, "/embed/outlook?port=NLRTM").await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_offer_the_ports_held_and_keep_the_one_chosen() {
    let d = demo().await;
    let store = d.state.store.as_ref();
    let mut batch = portsignal::storage::Batch::default();
    batch.ports.push(portsignal::domain::Port {
        locode: "USLGB".into(),
        name: "Port of Long Beach".into(),
        time_zone: "America/Los_Angeles".into(),
    });
    store.write_batch(&batch).await.unwrap();

    let (status, _, html) = get(&d, "/reliability").await;
    assert_eq!(status, StatusCode::OK);
    let html = text(&html);
    assert!(
        html.contains("<option value=\"USLAX\" selected"),
        "default port chosen"
    );
    assert!(html.contains("Port of Long Beach (USLGB)"));
    assert!(html.contains("<form method=\"GET\" action=\"/reliability\""));

    let (status, _, html) = get(&d, "/balance?port=USLGB").await;
    assert_eq!(status, StatusCode::OK);
    let html = text(&html);
    assert!(html.contains("<option value=\"USLGB\" selected"));
    assert!(html.contains("No monthly statistics imported for USLGB yet"));
    // Links to the other pages keep the port.
    assert!(html.contains("href=\"/arrivals?port=USLGB\""));
    assert!(html.contains("href=\"/outlook?port=USLGB\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_database_gives_a_500_page_in_the_apps_look() {
    let d = demo().await;
    let url = format!("sqlite://{}", d._dir.path().join("portsignal.db").display());
    let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    sqlx::query("DROP TABLE monthly_stats")
        .execute(&mut conn)
        .await
        .unwrap();
    let (status, kind, html) = get(&d, "/balance").await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(kind.starts_with("text/html"));
    let html = text(&html);
    assert!(html.contains("class=\"site-header\""));
    assert!(html.contains("The balance is not available"));
    // Nothing of the database's own words reaches the reader.
    assert!(!html.to_lowercase().contains("no such table"), "{html}");
}

/// The response to `request` through the real router.
async fn send(d: &Demo, request: Request<Body>) -> axum::response::Response {
    portsignal::server::router(d.state.clone())
        .oneshot(request)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_the_security_headers() {
    let d = demo().await;
    let header = |r: &axum::response::Response, name: &str| {
        r.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    };
    for path in [
        "/",
        "/outlook",
        "/no-such-page",
        "/api/v1/ports/USLAX/accuracy",
        "/download/balance.csv",
        "/embed/outlook",
        "/healthz",
        // Refusals carry them too.
        "/owner",
        "/admin",
        "/staff/labour.csv",
    ] {
        let r = send(&d, Request::get(path).body(Body::empty()).unwrap()).await;
        assert_eq!(
            header(&r, "x-content-type-options").as_deref(),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(
            header(&r, "referrer-policy").as_deref(),
            Some("strict-origin-when-cross-origin"),
            "{path}"
        );
        assert_eq!(
            header(&r, "strict-transport-security"),
            None,
            "{path}: http only"
        );
        let csp = header(&r, "content-security-policy").unwrap_or_else(|| panic!("{path}"));
        assert!(
            csp.contains("object-src 'none'") && csp.contains("base-uri 'none'"),
            "{path}: {csp}"
        );
        if path == "/embed/outlook" {
            assert!(csp.contains("frame-ancestors *"), "{csp}");
            assert_eq!(header(&r, "x-frame-options"), None);
        } else {
            assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
            assert_eq!(header(&r, "x-frame-options").as_deref(), Some("DENY"));
        }
        let html = r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html");
        if html && path != "/embed/outlook" {
            // The policy allows exactly the nonce the page's inline scripts carry.
            let body = r.into_body().collect().await.unwrap().to_bytes();
            let body = String::from_utf8_lossy(&body);
            let nonce = csp_nonce(&csp);
            assert!(body.contains(&format!("nonce=\"{nonce}\"")), "{path}");
            assert!(
                !body.contains("<script>"),
                "{path}: an inline script without the nonce"
            );
        }
    }
    // Over https, HSTS too.
    let mut settings = (*d.state.settings).clone();
    settings.https = true;
    let state = portsignal::state::AppState {
        settings: std::sync::Arc::new(settings),
        ..d.state.clone()
    };
    let r = portsignal::server::router(state)
        .oneshot(Request::get("/healthz").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(
        r.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn state_changing_requests_must_come_from_this_site() {
    let d = demo().await;
    let call = |headers: &[(&str, &str)]| {
        let mut r = Request::post("/_fn/indicator")
            .header("content-type", "application/x-www-form-urlencoded");
        for (k, v) in headers {
            r = r.header(*k, *v);
        }
        r.body(Body::from("port=USLAX&weeks=3")).unwrap()
    };
    let ok = send(&d, call(&[("sec-fetch-site", "same-origin")])).await;
    assert_eq!(ok.status(), StatusCode::OK);
    let ok = send(
        &d,
        call(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000"),
        ]),
    )
    .await;
    assert_eq!(ok.status(), StatusCode::OK);
    for refused in [
        vec![("sec-fetch-site", "cross-site")],
        vec![
            ("origin", "https://evil.example"),
            ("host", "127.0.0.1:3000"),
        ],
        vec![],
    ] {
        let r = send(&d, call(&refused)).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{refused:?}");
    }
    // Token-authenticated endpoints are not cookie-borne: no origin needed, the token decides.
    let r = send(
        &d,
        Request::post("/dcsa/jit/v1/timestamps")
            .header("content-type", "application/json")
            .body(Body::from("[]"))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

/// The value of one series in Prometheus text (0 when absent).
fn series(metrics: &str, name_and_labels: &str) -> f64 {
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(name_and_labels)?.trim().parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_only_on_the_current_schema_and_metrics_count_what_happens() {
    let d = demo().await;
    let get = |path: &str| Request::get(path).body(Body::empty()).unwrap();
    let body = |r: axum::response::Response| async move {
        String::from_utf8(r.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap()
    };
    let r = send(&d, get("/readyz")).await;
    assert_eq!(r.status(), StatusCode::OK);

    // Imports are counted by kind and result.
    let accepted = r#"portsignal_ingest_records_total{kind="statistics",result="accepted"}"#;
    let rejected = r#"portsignal_ingest_records_total{kind="statistics",result="rejected"}"#;
    let before = body(send(&d, get("/metrics")).await).await;
    let csv = "month,loaded_imports,loaded_exports,empties\n2026-10,400000,100000,300000\n2026-11,x,1,1\n";
    let parsed = portsignal::ingest::statistics_csv::parse("USLAX", csv.as_bytes());
    portsignal::ingest::store_statistics(d.state.store.as_ref(), "USLAX", &parsed)
        .await
        .unwrap();
    let after = body(send(&d, get("/metrics")).await).await;
    assert_eq!(
        series(&after, accepted) - series(&before, accepted),
        1.0,
        "{after}"
    );
    assert_eq!(series(&after, rejected) - series(&before, rejected), 1.0);
    // The readiness checks above are there, by route and status.
    assert!(
        series(
            &after,
            r#"http_requests_total{method="GET",route="/readyz",status="200"}"#
        ) >= 1.0
    );

    // A database whose schema is behind this binary (an upgrade not run) is not ready.
    let db = d._dir.path().join("portsignal.db");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display()))
        .await
        .unwrap();
    sqlx::query(
        "DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)",
    )
    .execute(&pool)
    .await
    .unwrap();
    let r = send(&d, get("/readyz")).await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let text = body(r).await;
    assert!(text.contains("schema not current"), "{text}");
    // Liveness does not depend on it.
    assert_eq!(send(&d, get("/healthz")).await.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_are_compressed_tagged_and_revalidated() {
    let d = demo().await;
    let get = |path: &str, headers: &[(&str, &str)]| {
        let mut r = Request::get(path);
        for (k, v) in headers {
            r = r.header(*k, *v);
        }
        r.body(Body::empty()).unwrap()
    };
    let header = |r: &axum::response::Response, name: &str| {
        r.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    };
    let size = |r: axum::response::Response| async move {
        r.into_body().collect().await.unwrap().to_bytes().len()
    };
    // Compression as the client accepts it.
    let api = "/api/v1/ports/USLAX/outlook/weekly?as_of=2026-11-29T12:00:00Z";
    let plain = send(&d, get(api, &[])).await;
    assert_eq!(header(&plain, "content-encoding"), None);
    let plain_size = size(plain).await;
    for encoding in ["br", "gzip"] {
        let r = send(&d, get(api, &[("accept-encoding", encoding)])).await;
        assert_eq!(header(&r, "content-encoding").as_deref(), Some(encoding));
        assert!(header(&r, "vary").unwrap().contains("accept-encoding"));
        let packed = size(r).await;
        assert!(
            packed * 3 < plain_size,
            "{encoding}: {packed} of {plain_size}"
        );
    }

    // The same answer keeps its tag; asked with it, 304 and no body.
    let first = send(&d, get(api, &[])).await;
    let tag = header(&first, "etag").expect("an ETag");
    assert!(tag.starts_with("W/\""), "{tag}");
    let again = send(&d, get(api, &[("if-none-match", &tag)])).await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&again, "etag").as_deref(), Some(tag.as_str()));
    assert_eq!(
        header(&again, "x-content-type-options").as_deref(),
        Some("nosniff")
    );
    assert_eq!(size(again).await, 0);
    let other = send(&d, get(api, &[("if-none-match", "W/\"stale\"")])).await;
    assert_eq!(other.status(), StatusCode::OK);

    // A page: a new nonce each time, the same tag; its 304 keeps the policy the page came with.
    let a = send(&d, get("/login", &[])).await;
    let b = send(&d, get("/login", &[])).await;
    assert_ne!(
        header(&a, "content-security-policy"),
        header(&b, "content-security-policy")
    );
    let tag = header(&a, "etag").unwrap();
    assert_eq!(header(&b, "etag").as_deref(), Some(tag.as_str()));
    let cached = send(&d, get("/login", &[("if-none-match", &tag)])).await;
    assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&cached, "content-security-policy"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_read_api_is_rate_limited_per_address_with_retry_after() {
    let mut d = demo().await;
    let mut settings = (*d.state.settings).clone();
    settings.rate_limit_per_minute = 3;
    d.state.settings = Arc::new(settings);
    let from = |ip: [u8; 4], path: &str| {
        let mut r = Request::get(path).body(Body::empty()).unwrap();
        r.extensions_mut()
            .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
                ip, 40000,
            ))));
        r
    };
    // One router, as a server has: the budget lives in it.
    let router = portsignal::server::router(d.state.clone());
    let call = |r| router.clone().oneshot(r);
    let api = "/api/v1/ports/USLAX/accuracy";
    for _ in 0..3 {
        assert_eq!(
            call(from([10, 0, 0, 1], api)).await.unwrap().status(),
            StatusCode::OK
        );
    }
    let refused = call(from([10, 0, 0, 1], "/download/outlook.csv"))
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=20).contains(&wait), "{wait}");
    assert_eq!(refused.headers()["x-content-type-options"], "nosniff");
    // Another address has its own budget; pages are not limited.
    assert_eq!(
        call(from([10, 0, 0, 2], api)).await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        call(from([10, 0, 0, 1], "/login")).await.unwrap().status(),
        StatusCode::OK
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_outlook_is_computed_once_a_minute_and_forgotten_when_its_port_changes() {
    use portsignal::domain::{CallTimes, PortCall, TeuMoves};
    let d = demo().await;
    let router = portsignal::server::router(d.state.clone());
    let get = |path: &str| {
        router
            .clone()
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
    };
    let json = |r: axum::response::Response| async move {
        let bytes = r.into_body().collect().await.unwrap().to_bytes();
        serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()
    };
    let text = |r: axum::response::Response| async move {
        String::from_utf8(r.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap()
    };
    let hits = |m: &str| series(m, r#"portsignal_outlook_cache_total{result="hit"}"#);
    let api = "/api/v1/ports/USLAX/outlook/weekly?weeks=3";
    // The cache is by minute: checks of what is cached hold only while the minute lasts.
    let minute = portsignal::queries::page_now();
    let same_minute = || portsignal::queries::page_now() == minute;
    let first = json(get(api).await.unwrap()).await;
    let before = text(get("/metrics").await.unwrap()).await;
    let again = json(get(api).await.unwrap()).await;
    let after = text(get("/metrics").await.unwrap()).await;
    if same_minute() {
        assert_eq!(first, again);
        assert!(
            hits(&after) > hits(&before),
            "the second answer came from the cache"
        );
    }

    // A ship with 50,000 TEU for next week arrives in the data: once the port's change is
    // announced (as every ingest does), the outlook is computed again and shows it.
    let next_week_p50 =
        |v: &serde_json::Value| v["weeks"][1]["import_teu"]["p50"].as_f64().unwrap();
    let start: chrono::DateTime<chrono::Utc> = first["weeks"][1]["start"]
        .as_str()
        .map(|s| format!("{s}T20:00:00Z").parse().unwrap())
        .unwrap();
    // Like a call of the demo's (its vessel, carrier and service exist), but new.
    let template = d
        .state
        .store
        .port_calls_arriving("USLAX", start, start + chrono::Duration::days(7))
        .await
        .unwrap()
        .remove(0);
    let big = PortCall {
        call_ref: "CACHE-TEST".into(),
        terminal: None,
        import_voyage: "C1E".into(),
        export_voyage: "C1W".into(),
        times: CallTimes {
            planned_arrival: Some(start + chrono::Duration::days(2)),
            ..Default::default()
        },
        expected: TeuMoves {
            discharge_laden: 50_000.0,
            ..Default::default()
        },
        actual: None,
        ..template
    };
    // The outlook knows a call by its events, as received: a plan, an hour ago.
    let plan = portsignal::domain::PortCallEvent {
        call_ref: big.call_ref.clone(),
        source: "test".into(),
        publisher: big.carrier.clone(),
        classifier: portsignal::domain::Classifier::Pln,
        event_type: portsignal::domain::EventType::Arri,
        facility_type: portsignal::domain::FacilityType::Brth,
        event_time: start + chrono::Duration::days(2),
        issued_at: None,
        received_at: chrono::Utc::now() - chrono::Duration::hours(1),
        delay_reason: None,
        remark: None,
    };
    d.state
        .store
        .record_events(
            &portsignal::storage::Batch {
                port_calls: vec![big],
                ..Default::default()
            },
            portsignal::storage::Existing::Keep,
            &[plan],
        )
        .await
        .unwrap();
    let stale = json(get(api).await.unwrap()).await;
    if same_minute() {
        assert_eq!(
            next_week_p50(&stale),
            next_week_p50(&first),
            "not announced yet"
        );
    }
    d.state.live.changed("USLAX");
    let fresh = json(get(api).await.unwrap()).await;
    assert!(
        next_week_p50(&fresh) > next_week_p50(&first) + 20_000.0,
        "{} → {}",
        next_week_p50(&first),
        next_week_p50(&fresh)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn monthly_forecasts_are_kept_by_the_statistics_they_come_from() {
    use portsignal::queries::forecast::{forecast_from, ForecastCache};
    let d = demo().await;
    let mut stats = d.state.store.monthly_stats("USLAX").await.unwrap();
    let cache = ForecastCache::default();
    let made = forecast_from("USLAX".into(), stats.clone(), None, 6)
        .await
        .unwrap();
    let kept = cache
        .forecast_from("USLAX".into(), stats.clone(), None, 6)
        .await
        .unwrap();
    assert_eq!(made, kept);
    assert_eq!(
        cache
            .forecast_from("USLAX".into(), stats.clone(), None, 6)
            .await
            .unwrap(),
        made
    );
    // A revised month is other statistics: forecast again.
    let last = stats.last_mut().unwrap();
    last.total_teu *= 1.5;
    last.loaded_imports *= 1.5;
    let revised = cache
        .forecast_from("USLAX".into(), stats.clone(), None, 6)
        .await
        .unwrap();
    assert_eq!(
        revised,
        forecast_from("USLAX".into(), stats, None, 6).await.unwrap()
    );
    assert_ne!(revised, made);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_build_output_is_served_as_files_and_revalidated() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Storage> = storage::open(None, dir.path()).await.unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(
        site.join("pkg/portsignal.js"),
        "export default 1;\n".repeat(40),
    )
    .unwrap();
    let mut state = support::app_state(store, dir.path());
    state.leptos_options = leptos::prelude::LeptosOptions::builder()
        .output_name("portsignal")
        .site_root(site.display().to_string())
        .site_pkg_dir("pkg")
        .build();
    let d = Demo { _dir: dir, state };
    let r = send(
        &d,
        Request::get("/pkg/portsignal.js")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "no-cache");
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("javascript"));
    let modified = r.headers()["last-modified"].clone();
    let etag = r.headers()["etag"].clone();
    let body = r.into_body().collect().await.unwrap().to_bytes();
    assert!(body.starts_with(b"export default 1;"));
    // Asked again with what the browser kept: not modified, by date or by tag.
    let again = |name: &'static str, value: axum::http::HeaderValue| {
        Request::get("/pkg/portsignal.js")
            .header(name, value)
            .body(Body::empty())
            .unwrap()
    };
    let r = send(&d, again("if-modified-since", modified)).await;
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    let r = send(&d, again("if-none-match", etag)).await;
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    // A file that is not there is a plain 404, not the app's page.
    let r = send(
        &d,
        Request::get("/pkg/nothing.js").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let body = r.into_body().collect().await.unwrap().to_bytes();
    assert!(!String::from_utf8_lossy(&body).contains("site-header"));
}

/// The nonce a page's CSP allows scripts by.
fn csp_nonce(csp: &str) -> &str {
    csp.split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap()
}

/// The page at `path` with the nonce of its CSP, sent with `cookie` if any.
async fn page_and_nonce(d: &Demo, path: &str, cookie: Option<&str>) -> (String, String) {
    let mut request = Request::get(path);
    if let Some(c) = cookie {
        request = request.header("cookie", c);
    }
    let response = send(d, request.body(Body::empty()).unwrap()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let nonce = csp_nonce(&csp).to_owned();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (String::from_utf8_lossy(&bytes).into_owned(), nonce)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_pages_are_kept_for_anonymous_visitors_until_the_data_changes() {
    let d = demo().await;
    let url = format!("sqlite://{}", d._dir.path().join("portsignal.db").display());
    let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    let minute = || chrono::Utc::now().timestamp() / 60;
    // Within one minute (tried again if the minute turns): a change made behind the store's
    // back, which does not bump the data version, is not seen by anonymous visitors.
    for attempt in 0.. {
        let started = minute();
        let name = format!("Cached Harbour {attempt}");
        let (first, first_nonce) = page_and_nonce(&d, "/?port=USLAX", None).await;
        sqlx::query("UPDATE ports SET name = $1 WHERE locode = 'USLAX'")
            .bind(&name)
            .execute(&mut conn)
            .await
            .unwrap();
        let (again, nonce) = page_and_nonce(&d, "/?port=USLAX", None).await;
        let (signed_in, _) = page_and_nonce(&d, "/?port=USLAX", Some("id=x")).await;
        if minute() != started {
            assert!(attempt < 3, "the minute kept turning");
            continue;
        }
        assert!(!again.contains(&name), "served as kept");
        assert_ne!(nonce, first_nonce, "each answer has its own nonce");
        assert!(again.contains(&format!("nonce=\"{nonce}\"")));
        assert!(!again.contains(&first_nonce));
        assert_eq!(again.replace(&nonce, ""), first.replace(&first_nonce, ""));
        assert!(
            signed_in.contains(&name),
            "a visitor with a cookie gets a fresh page"
        );
        break;
    }
    // A write through the store bumps the version: the next visitor sees the change.
    d.state
        .store
        .write_batch(&portsignal::storage::Batch::default())
        .await
        .unwrap();
    let (fresh, _) = page_and_nonce(&d, "/?port=USLAX", None).await;
    assert!(fresh.contains("Cached Harbour"), "the data changed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_indicator_counts_vessels_as_the_domain_does() {
    use portsignal::domain::indicator::vessel_counts;
    let d = demo().await;
    let now = chrono::Utc::now();
    let calls = d
        .state
        .store
        .port_calls_arriving(
            "USLAX",
            now - portsignal::queries::OPEN_CALL_LOOKBACK,
            now + portsignal::domain::port_call::EN_ROUTE_HORIZON,
        )
        .await
        .unwrap();
    let counts = vessel_counts(&calls, now);
    assert!(counts.en_route + counts.at_anchor + counts.at_berth > 0);
    let (status, _, html) = get(&d, "/").await;
    assert_eq!(status, StatusCode::OK);
    let html = text(&html);
    for (id, n) in [
        ("en-route", counts.en_route),
        ("at-anchor", counts.at_anchor),
        ("at-berth", counts.at_berth),
    ] {
        assert!(
            html.contains(&format!("data-testid=\"{id}\">{n}</strong>")),
            "{id}: {n}"
        );
    }
}
