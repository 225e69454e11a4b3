//! `/accuracy`: the track record. Every forecast the site shows is recorded when issued; this
//! page sets them against what happened: error of the median by horizon, which way it leaned,
//! and how often the P10-P90 band held the actual (about 8 in 10 when the bands are honest).

use super::downloads::Downloads;
use super::loaded::port_page;
use crate::view_model::{pct, share, AccuracyView, SeriesAccuracyView};
use leptos::prelude::*;

#[server(prefix = "/_fn", endpoint = "accuracy")]
pub async fn get_accuracy(port: Option<String>) -> Result<AccuracyView, ServerFnError> {
    let (state, port) = super::loaded::state_and_port(port)?;
    crate::queries::accuracy::accuracy_view(state.store.as_ref(), &port, chrono::Utc::now())
        .await
        .map_err(crate::error::AppError::into_server_fn_error)
}

#[component]
pub fn AccuracyPage() -> impl IntoView {
    port_page(
        "Forecast accuracy",
        "accuracy",
        get_accuracy,
        ("Loading the record…", "The record is not available"),
        |v| view! { <AccuracyPanel view=v/> },
    )
}

#[component]
fn AccuracyPanel(view: AccuracyView) -> impl IntoView {
    let back = format!("/?port={}", view.port);
    view! {
        <h1>"How right were the forecasts for the " {view.port_name.clone()} "?"</h1>
        <p class="as-of">
            "As of " <time>{view.as_of_local.clone()}</time>
            ". Each forecast is recorded when issued (the weekly outlook daily, the monthly forecast "
            "with each statistics update) and scored once the actual is known. Error is the "
            "median's distance from the actual; bias is its sign (positive: forecasts ran high); "
            "the band should hold the actual about 8 times in 10. "
            <a href=back>"Back to the outlook"</a>
        </p>
        <Downloads page="accuracy" port=view.port.clone() charts=vec![("accuracy.svg", "a week ahead against actual")]/>
        {if view.chart_points > 0 {
            view! {
                <figure class="chart" data-points=view.chart_points inner_html=view.chart_svg.clone()></figure>
            }
                .into_any()
        } else {
            view! {
                <p class="empty-state" data-testid="no-weekly-record">
                    "No week forecast a week ahead has ended yet: the chart appears once one has."
                </p>
            }
                .into_any()
        }}
        <SeriesTable series=view.weekly id="weekly"/>
        <h2>"Monthly statistics"</h2>
        {view
            .monthly
            .into_iter()
            .map(|s| {
                let id = s.series.clone();
                view! { <SeriesTable series=s id=id/> }
            })
            .collect_view()}
        <h2>"Full year"</h2>
        <SeriesTable series=view.yearly id="yearly"/>
    }
}

#[component]
fn SeriesTable(series: SeriesAccuracyView, #[prop(into)] id: String) -> impl IntoView {
    let record = match (&series.first_issue, &series.latest_issue) {
        (Some(first), Some(latest)) => format!(
            "{} issues from {first} to {latest} ({} reproduced after the fact from the data as known then).",
            series.issues, series.reproduced_issues
        ),
        _ => "No forecast issued yet.".to_string(),
    };
    let empty = series.horizons.is_empty();
    let table_id = format!("accuracy-{id}");
    view! {
        <section class="series-accuracy" data-series=id>
            <h3>{series.label.clone()}</h3>
            <p class="record">{record}</p>
            {if empty {
                view! {
                    <p class="empty-state">"No forecast has met its actual yet."</p>
                }
                    .into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="accuracy-table" id=table_id>
                            <caption>{format!("{}: error, bias and band coverage by horizon", series.label)}</caption>
                            {super::table_head(&["Horizon", "Forecasts scored", "Error (MAPE)", "Bias", "Actual inside P10–P90"])}
                            <tbody>
                                {series
                                    .horizons
                                    .into_iter()
                                    .map(|h| {
                                        view! {
                                            <tr data-horizon=h.horizon>
                                                <th scope="row">{h.label}</th>
                                                <td class="num">{h.forecasts}</td>
                                                <td class="num">{share(h.mape_pct)}</td>
                                                <td class="num">{pct(Some(h.bias_pct))}</td>
                                                <td class="num">{share(h.coverage_pct)}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                    .into_any()
            }}
        </section>
    }
}
