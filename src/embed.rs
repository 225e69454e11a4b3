//! `GET /embed/outlook?port=LOCODE`: the public outlook as a card for other sites' iframes.
//! Server-rendered by Leptos as one small self-contained document: the import TEU due in the
//! next three weeks with the band, the chart, and a link back. No script, no external style,
//! refreshed by the browser every 15 minutes. Only the public figures of `/` are in it.

use crate::error::AppError;
use crate::state::AppState;
use crate::view_model::{pct, teu, IndicatorView};
use axum::extract::{Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use leptos::prelude::*;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/embed/outlook", get(outlook_card))
}

#[derive(Debug, Deserialize)]
pub struct CardParams {
    port: Option<String>,
}

/// Weeks on the card.
const WEEKS: u32 = 3;

const STYLE: &str = "body{margin:0;font:15px/1.4 system-ui,sans-serif;color:#14212b;background:#fff}\
.card{padding:12px 14px;max-width:720px}h1{font-size:1rem;margin:0 0 4px}\
.as-of,.source{color:#5a6773;font-size:.8rem;margin:0}.weeks{display:flex;gap:14px;flex-wrap:wrap;margin:8px 0}\
.week{border-left:3px solid #1f5f8b;padding-left:8px}.week strong{font-size:1.3rem;display:block}\
.week small{color:#5a6773}svg{width:100%;height:auto}a{color:#1f5f8b}";

async fn outlook_card(
    State(state): State<AppState>,
    Query(params): Query<CardParams>,
) -> Result<Response, AppError> {
    let view = crate::queries::indicator(
        &state,
        params.port.as_deref(),
        Some(WEEKS),
        crate::queries::page_now(),
    )
    .await?;
    let html = format!("<!DOCTYPE html>{}", card(view).to_html());
    Ok((
        [
            (CONTENT_TYPE, "text/html; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=300"),
        ],
        html,
    )
        .into_response())
}

fn card(view: IndicatorView) -> impl IntoView {
    let page = format!("/?port={}", view.port);
    let title = format!("Imports heading for the {}", view.port_name);
    view! {
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta http-equiv="refresh" content="900"/>
                <title>{title.clone()}</title>
                <style>{STYLE}</style>
            </head>
            <body>
                <article class="card" data-port=view.port.clone()>
                    <h1>{title}</h1>
                    <p class="as-of">
                        "Import TEU by ISO week, as of " {view.as_of_local.clone()}
                        ". 8 in 10 outcomes fall in the range."
                    </p>
                    <div class="weeks">
                        {view
                            .weeks
                            .iter()
                            .map(|w| view! {
                                <div class="week" data-week=w.iso_week.clone()>
                                    <span>{w.iso_week.clone()}</span>
                                    <strong>{teu(w.import_teu)}</strong>
                                    <small>
                                        {teu(w.p10)} "–" {teu(w.p90)} " · " {pct(w.yoy_pct)}
                                        " y/y"
                                    </small>
                                </div>
                            })
                            .collect_view()}
                    </div>
                    <div class="chart" inner_html=view.chart_svg.clone()></div>
                    <p class="source">
                        "Source: " <a href=page target="_blank" rel="noopener">"portsignal"</a>
                        ", from vessel schedules and port calls."
                    </p>
                </article>
            </body>
        </html>
    }
}
