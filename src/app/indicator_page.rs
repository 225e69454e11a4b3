//! `/`: the public leading indicator. Import TEU due at the port this ISO week and the next,
//! with week-on-week and year-on-year change, vessels en route / at anchor / at berth, and the
//! week chart with the same numbers as a table.

use crate::view_model::{pct, teu, IndicatorView, HORIZONS};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[server(prefix = "/_fn", endpoint = "indicator")]
pub async fn get_indicator(
    port: Option<String>,
    weeks: Option<u32>,
) -> Result<IndicatorView, ServerFnError> {
    let state = expect_context::<crate::state::AppState>();
    crate::queries::indicator(&state, port.as_deref(), weeks, chrono::Utc::now())
        .await
        .map_err(|e| {
            // The status reaches the page too when it is rendered on the server.
            if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(e.status());
            }
            e.into_server_fn_error()
        })
}

#[component]
pub fn IndicatorPage() -> impl IntoView {
    let query = use_query_map();
    let port = move || query.read().get("port");
    let weeks = move || {
        query
            .read()
            .get("weeks")
            .and_then(|w| w.parse::<u32>().ok())
    };
    let outlook = Resource::new(
        move || (port(), weeks()),
        |(port, weeks)| get_indicator(port, weeks),
    );
    let shown = move || crate::view_model::horizon(weeks());
    let link = move |h: u32| match port() {
        Some(p) => format!("/?port={p}&weeks={h}"),
        None => format!("/?weeks={h}"),
    };

    view! {
        <Title text="Import outlook"/>
        <section class="indicator">
            <nav class="horizon" aria-label="Outlook horizon">
                <span>"Horizon:"</span>
                {HORIZONS
                    .into_iter()
                    .map(|h| {
                        view! {
                            <a
                                href=move || link(h)
                                data-weeks=h
                                aria-current=move || (shown() == h).then_some("true")
                            >
                                {format!("{h} weeks")}
                            </a>
                        }
                    })
                    .collect_view()}
            </nav>
            <Transition fallback=|| view! { <p class="loading">"Loading the outlook…"</p> }>
                <ErrorBoundary fallback=|errors| {
                    view! {
                        <div class="error" role="alert">
                            <h2>"The outlook is not available"</h2>
                            <ul>
                                {move || {
                                    errors
                                        .get()
                                        .into_iter()
                                        .map(|(_, e)| view! { <li>{e.to_string()}</li> })
                                        .collect_view()
                                }}
                            </ul>
                        </div>
                    }
                }>
                    {move || Suspend::new(async move {
                        outlook.await.map(|v| view! { <IndicatorPanel view=v/> })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

#[component]
fn IndicatorPanel(view: IndicatorView) -> impl IntoView {
    let first = view.weeks.first().cloned();
    let n = view.weeks.len();
    view! {
        <h1>"Imports heading for the " {view.port_name.clone()}</h1>
        <p class="as-of">
            "As of " <time>{view.as_of_local.clone()}</time> " · weeks are ISO weeks in "
            {view.time_zone.clone()}
        </p>
        {first.map(|w| view! {
            <p class="headline">
                <strong class="figure" data-testid="this-week-teu">{teu(w.import_teu)}</strong>
                " TEU of imports due this week (" {w.iso_week.clone()} "), "
                {pct(w.wow_pct)} " on last week, " {pct(w.yoy_pct)} " on a year ago."
            </p>
        })}
        <ul class="vessel-counts" aria-label="Vessels">
            <li><strong data-testid="en-route">{view.en_route}</strong> " en route"</li>
            <li><strong data-testid="at-anchor">{view.at_anchor}</strong> " at anchor"</li>
            <li><strong data-testid="at-berth">{view.at_berth}</strong> " at berth"</li>
        </ul>
        <div class="chart-and-table">
            <figure class="chart" data-weeks=n inner_html=view.chart_svg.clone()></figure>
            <div class="table-wrap">
                <table class="weeks">
                    <caption>"Import TEU by ISO week (laden and empty discharge)"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Week"</th>
                            <th scope="col">"Starts"</th>
                            <th scope="col">"Import TEU"</th>
                            <th scope="col">"Vessels"</th>
                            <th scope="col">"w/w"</th>
                            <th scope="col">"y/y"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {view
                            .weeks
                            .into_iter()
                            .map(|w| {
                                let week = w.iso_week.clone();
                                view! {
                                    <tr data-week=week>
                                        <th scope="row">{w.iso_week}</th>
                                        <td>{w.start}</td>
                                        <td class="num">{teu(w.import_teu)}</td>
                                        <td class="num">{w.vessels}</td>
                                        <td class="num">{pct(w.wow_pct)}</td>
                                        <td class="num">{pct(w.yoy_pct)}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </div>
    }
}
