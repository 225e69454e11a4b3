//! Downloads of what the pages show: the numbers behind each chart as CSV and JSON, and the
//! charts themselves as SVG. `GET /download/{name}?port=LOCODE` (default: the configured port),
//! where `name` is a page's name and a suffix: `outlook.csv`, `outlook.json`, `outlook.svg`,
//! `outlook-terminals.svg`. The other query parameters are the page's own (`weeks`, the
//! arrivals filters), so a download holds what the page showed.

use crate::error::AppError;
use crate::queries;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Serialize;
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/download/{name}", get(download))
        .route("/staff/labour.csv", get(labour_csv))
}

/// The labour plan as CSV for the dispatch hall: port staff and admins only.
async fn labour_csv(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    use crate::accounts::UserRole;
    use crate::sessions::Access;
    let store = state.store.as_ref();
    let access = crate::sessions::access(&session, store, &[UserRole::Staff, UserRole::Admin])
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "session store");
            AppError::LoginRequired("log in to download the labour plan".into())
        })?;
    match access {
        Access::Allowed(_) => {}
        Access::Denied => {
            return Err(AppError::Forbidden(
                "your account may not see labour planning".into(),
            ))
        }
        Access::NotLoggedIn => {
            return Err(AppError::LoginRequired(
                "log in to download the labour plan".into(),
            ))
        }
    }
    let port = params
        .get("port")
        .map(|p| p.trim().to_uppercase())
        .unwrap_or_else(|| state.settings.default_port.clone());
    let view = queries::labour::labour(store, &port, chrono::Utc::now()).await?;
    let mut rows = vec![row([
        "terminal",
        "date",
        "shift",
        "moves",
        "moves_p90",
        "gangs",
        "gangs_p90",
        "over_capacity",
    ])];
    for t in &view.terminals {
        for d in &t.days {
            for s in &d.shifts {
                rows.push(vec![
                    t.code.clone(),
                    d.date.clone(),
                    s.shift.clone(),
                    num(s.moves),
                    num(s.moves_p90),
                    s.gangs.to_string(),
                    s.gangs_p90.to_string(),
                    d.over_capacity.to_string(),
                ]);
            }
        }
    }
    let mut response = attachment(
        &format!("{port}-labour.csv"),
        "text/csv; charset=utf-8",
        csv_text(&rows),
    );
    // Staff data: never kept by shared caches.
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

/// A page's files: its table as CSV rows (header first), its view as JSON, its charts by name.
struct Files {
    csv: Vec<Vec<String>>,
    json: serde_json::Value,
    charts: Vec<(&'static str, String)>,
}

/// The view as JSON without its drawn charts: numbers only.
fn numbers(view: &impl Serialize) -> serde_json::Value {
    let mut value = serde_json::to_value(view).unwrap_or_default();
    if let Some(map) = value.as_object_mut() {
        map.retain(|k, _| !k.ends_with("svg"));
    }
    value
}

fn num(x: f64) -> String {
    format!("{x}")
}

fn opt(x: Option<f64>) -> String {
    x.map(num).unwrap_or_default()
}

fn row<const N: usize>(cells: [&str; N]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

async fn files(
    state: &AppState,
    page: &str,
    port: &str,
    params: &HashMap<String, String>,
) -> Result<Files, AppError> {
    let store = state.store.as_ref();
    let now = queries::page_now();
    let weeks = params.get("weeks").and_then(|w| w.parse::<u32>().ok());
    Ok(match page {
        "signal" => {
            let v = queries::indicator(state, Some(port), weeks, now).await?;
            let mut csv = vec![row([
                "iso_week",
                "start",
                "import_teu_p10",
                "import_teu_p50",
                "import_teu_p90",
                "vessels",
                "year_ago_teu",
                "wow_pct",
                "yoy_pct",
            ])];
            csv.extend(v.weeks.iter().map(|w| {
                vec![
                    w.iso_week.clone(),
                    w.start.clone(),
                    num(w.p10),
                    num(w.import_teu),
                    num(w.p90),
                    w.vessels.to_string(),
                    opt(w.year_ago_teu),
                    opt(w.wow_pct),
                    opt(w.yoy_pct),
                ]
            }));
            Files {
                csv,
                json: numbers(&v),
                charts: vec![("signal.svg", v.chart_svg)],
            }
        }
        "outlook" => {
            let weeks = crate::view_model::outlook_weeks(weeks);
            let v =
                queries::outlook_view::outlook_view(store, &state.live.outlook, port, weeks, now)
                    .await?;
            let mut csv = vec![row([
                "iso_week",
                "group",
                "key",
                "teu",
                "laden",
                "empty",
                "rail",
                "local",
                "import_teu_p10",
                "import_teu_p50",
                "import_teu_p90",
                "year_ago_teu",
            ])];
            for (i, (w, s)) in v.weeks.iter().zip(&v.expected).enumerate() {
                let split = |group: &str, key: &str, s: &crate::domain::split::Split| {
                    vec![
                        w.iso_week.clone(),
                        group.to_string(),
                        key.to_string(),
                        num(s.teu),
                        num(s.laden),
                        num(s.empty()),
                        num(s.rail),
                        num(s.local()),
                    ]
                };
                let mut port_row = split("port", &v.port, s);
                port_row.extend([
                    num(w.p10),
                    num(w.import_teu),
                    num(w.p90),
                    opt(w.year_ago_teu),
                ]);
                csv.push(port_row);
                for (group, rows) in [("terminal", &v.terminals), ("carrier", &v.carriers)] {
                    // A group's split is kept over all weeks, not per week: its TEU only.
                    for g in rows.iter().filter(|g| g.weekly_teu[i] > 0.0) {
                        let mut r = vec![
                            w.iso_week.clone(),
                            group.to_string(),
                            g.key.clone(),
                            num(g.weekly_teu[i]),
                        ];
                        r.resize(12, String::new());
                        csv.push(r);
                    }
                }
            }
            Files {
                csv,
                json: numbers(&v),
                charts: vec![
                    ("outlook.svg", v.chart_svg),
                    ("outlook-terminals.svg", v.terminals_svg),
                ],
            }
        }
        "arrivals" => {
            let mut query =
                crate::domain::arrivals::ArrivalsQuery::from_params(|k| params.get(k).cloned());
            query.page = 1;
            let mut v = queries::arrivals::arrivals(store, port, query.clone(), now).await?;
            // Every page of the selection, not only the one shown.
            for page in 2..=v.pages {
                query.page = page;
                let more = queries::arrivals::arrivals(store, port, query.clone(), now).await?;
                v.rows.extend(more.rows);
            }
            let mut csv = vec![row([
                "call_ref",
                "vessel",
                "imo",
                "carrier",
                "service",
                "voyage",
                "terminal",
                "status",
                "scheduled",
                "latest",
                "change",
                "discharge_teu",
                "load_teu",
            ])];
            csv.extend(v.rows.iter().map(|r| {
                vec![
                    r.call_ref.clone(),
                    r.vessel.clone(),
                    r.imo.clone(),
                    r.carrier.clone(),
                    r.service.clone(),
                    r.voyage.clone(),
                    r.terminal.clone(),
                    r.status.clone(),
                    r.scheduled.clone(),
                    r.latest.clone(),
                    r.change.clone(),
                    num(r.discharge_teu),
                    num(r.load_teu),
                ]
            }));
            Files {
                csv,
                json: serde_json::json!({
                    "port": v.port,
                    "time_zone": v.time_zone,
                    "as_of_local": v.as_of_local,
                    "query": v.query,
                    "total": v.total,
                    "calls": v.rows,
                }),
                charts: vec![],
            }
        }
        "balance" => {
            let v = queries::balance::balance(store, port).await?;
            Files {
                csv: queries::balance::balance_rows(&v),
                json: serde_json::json!({
                    "port": v.port,
                    "months": v.months,
                    "years": v.years,
                    "export_run": v.export_run,
                }),
                charts: vec![
                    ("balance-volumes.svg", v.volumes_svg),
                    ("balance-ratio.svg", v.ratio_svg),
                ],
            }
        }
        "reliability" => {
            let v = queries::reliability::reliability(store, port, now).await?;
            let mut csv = vec![row([
                "group",
                "key",
                "calls",
                "on_time_pct",
                "mean_delay_hours",
            ])];
            let groups = [
                ("port", v.port_wide.iter().collect::<Vec<_>>()),
                ("carrier", v.carriers.iter().collect()),
                ("service", v.services.iter().collect()),
                ("week", v.trend.iter().collect()),
            ];
            for (group, rows) in groups {
                csv.extend(rows.into_iter().map(|r| {
                    vec![
                        group.to_string(),
                        r.key.clone(),
                        r.calls.to_string(),
                        num(r.on_time_pct),
                        num(r.mean_delay_hours),
                    ]
                }));
            }
            Files {
                csv,
                json: numbers(&v),
                charts: vec![("reliability.svg", v.trend_svg)],
            }
        }
        "congestion" => {
            let v = queries::congestion::congestion(store, port, now).await?;
            let mut csv = vec![row([
                "iso_week",
                "berthed",
                "anchored",
                "mean_wait_hours",
                "max_wait_hours",
            ])];
            csv.extend(v.trend.iter().map(|w| {
                vec![
                    w.week.clone(),
                    w.berthed.to_string(),
                    w.anchored.to_string(),
                    num(w.mean_wait_hours),
                    num(w.max_wait_hours),
                ]
            }));
            Files {
                csv,
                json: numbers(&v),
                charts: vec![("congestion.svg", v.trend_svg)],
            }
        }
        "accuracy" => {
            let v = queries::accuracy::accuracy_view(store, port, now).await?;
            let mut csv = vec![row([
                "kind",
                "series",
                "horizon",
                "forecasts",
                "mape_pct",
                "bias_pct",
                "coverage_pct",
            ])];
            let series = std::iter::once(("weekly", &v.weekly))
                .chain(v.monthly.iter().map(|m| ("monthly", m)))
                .chain(std::iter::once(("yearly", &v.yearly)));
            for (kind, s) in series {
                csv.extend(s.horizons.iter().map(|h| {
                    vec![
                        kind.to_string(),
                        s.series.clone(),
                        h.horizon.to_string(),
                        h.forecasts.to_string(),
                        num(h.mape_pct),
                        num(h.bias_pct),
                        num(h.coverage_pct),
                    ]
                }));
            }
            Files {
                csv,
                json: numbers(&v),
                charts: vec![("accuracy.svg", v.chart_svg)],
            }
        }
        other => return Err(AppError::NotFound(format!("no page named {other}"))),
    })
}

fn csv_text(rows: &[Vec<String>]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        let _ = w.write_record(r);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

async fn download(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let port = params
        .get("port")
        .filter(|p| !p.trim().is_empty())
        .map(|p| p.trim().to_uppercase())
        .unwrap_or_else(|| state.settings.default_port.clone());
    let no_such = || AppError::NotFound(format!("no download named {name}"));
    let (stem, ext) = name.rsplit_once('.').ok_or_else(no_such)?;
    let page = stem.split('-').next().unwrap_or(stem);
    if ext != "svg" && stem != page {
        return Err(no_such());
    }
    let files = files(&state, page, &port, &params).await?;
    let (body, content_type) = match ext {
        "csv" => (csv_text(&files.csv), "text/csv; charset=utf-8"),
        "json" => (files.json.to_string(), "application/json"),
        "svg" => (
            files
                .charts
                .into_iter()
                .find(|(file, _)| *file == name)
                .ok_or_else(no_such)?
                .1,
            "image/svg+xml",
        ),
        _ => return Err(no_such()),
    };
    let file = format!("{port}-{name}");
    Ok(attachment(&file, content_type, body))
}

/// `body` as a file to save under `file`.
fn attachment(file: &str, content_type: &str, body: String) -> Response {
    (
        [
            (CONTENT_TYPE, content_type.to_string()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response()
}
