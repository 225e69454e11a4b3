//! `/`: the public leading indicator. Import TEU due at the port this ISO week and the next,
//! with its P10-P90 band, week-on-week and year-on-year change; vessels en route / at anchor /
//! at berth; the week chart with the same numbers as a table; the monthly and full-year
//! forecast; and a link to how right past forecasts were.

use super::downloads::Downloads;
use super::loaded::{loaded, weeks_page};
use crate::view_model::{month_label, pct, teu, IndicatorView, MonthlyView, HORIZONS};
use leptos::prelude::*;
use leptos_meta::Title;

#[server(prefix = "/_fn", endpoint = "indicator")]
pub async fn get_indicator(
    port: Option<String>,
    weeks: Option<u32>,
) -> Result<IndicatorView, ServerFnError> {
    let state = super::loaded::app_state()?;
    crate::queries::indicator(&state, port.as_deref(), weeks, crate::queries::page_now())
        .await
        .map_err(crate::error::AppError::into_server_fn_error)
}

#[component]
pub fn IndicatorPage() -> impl IntoView {
    let (outlook, weeks_nav) =
        weeks_page("/", &HORIZONS, crate::view_model::horizon, get_indicator);
    view! {
        <Title text="Import outlook"/>
        <section class="indicator">
            {weeks_nav}
            {loaded(
                outlook,
                "Loading the outlook…",
                "The outlook is not available",
                |v| view! { <IndicatorPanel view=v/> },
            )}
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
                {pct(w.wow_pct)} " on last week, " {pct(w.yoy_pct)} " on a year ago; "
                "8 in 10 outcomes fall between " {teu(w.p10)} " and " {teu(w.p90)} "."
            </p>
        })}
        <ul class="vessel-counts" aria-label="Vessels">
            <li><strong data-testid="en-route">{view.en_route}</strong> " en route"</li>
            <li><strong data-testid="at-anchor">{view.at_anchor}</strong> " at anchor"</li>
            <li><strong data-testid="at-berth">{view.at_berth}</strong> " at berth"</li>
        </ul>
        {view.balance.clone().map(|b| {
            let link = format!("/balance?port={}", view.port);
            view! {
                <p class="balance-line" data-testid="balance">
                    "Balance: " {b.sentence()} ". " <a href=link>"Imports and exports by month"</a>
                </p>
            }
        })}
        <Downloads
            page="signal"
            port=view.port.clone()
            charts=vec![("signal.svg", "weekly outlook")]
            params=format!("weeks={n}")
        />
        <div class="chart-and-table">
            <figure class="chart" data-weeks=n inner_html=view.chart_svg.clone()></figure>
            <div class="table-wrap">
                <table class="weeks">
                    <caption>"Import TEU by ISO week (laden and empty discharge)"</caption>
                    {super::table_head(&["Week", "Starts", "Import TEU (P50)", "P10–P90", "Vessels", "w/w", "y/y"])}
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
                                        <td class="num band">
                                            {format!("{}–{}", teu(w.p10), teu(w.p90))}
                                        </td>
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
        {match view.monthly {
            Some(m) => view! { <MonthlyPanel monthly=m/> }.into_any(),
            None => view! {
                <p class="empty-state" data-testid="no-statistics">
                    "No monthly statistics imported for " {view.port.clone()}
                    " yet, so there is no monthly or full-year forecast: see README, Importing data."
                </p>
            }.into_any(),
        }}
        <p class="accuracy-link">
            <a href=format!("/accuracy?port={}", view.port)>"How right were past forecasts?"</a>
            " Every forecast shown here is recorded when issued and scored against what arrived."
        </p>
    }
}

#[component]
fn MonthlyPanel(monthly: MonthlyView) -> impl IntoView {
    let year = monthly.year;
    let total = monthly.year_total;
    view! {
        <section class="monthly" aria-labelledby="monthly-heading">
            <h2 id="monthly-heading">"Monthly and full-year forecast"</h2>
            <p class="headline" data-testid="year-forecast">
                {year} " full year: " <strong class="figure">{teu(total.p50)}</strong>
                " TEU (P10–P90 " {teu(total.p10)} "–" {teu(total.p90)} "), of which "
                {teu(monthly.year_actual_to_date)} " TEU published to "
                {month_label(&monthly.as_of)} "."
            </p>
            <div class="table-wrap">
                <table class="months">
                    <caption>"Forecast TEU by month (P50, with P10–P90)"</caption>
                    {super::table_head(&["Month", "Total TEU", "P10–P90", "Loaded imports", "Loaded exports"])}
                    <tbody>
                        {monthly
                            .months
                            .into_iter()
                            .map(|m| {
                                view! {
                                    <tr data-month=m.month.clone()>
                                        <th scope="row">{month_label(&m.month)}</th>
                                        <td class="num">{teu(m.total_teu.p50)}</td>
                                        <td class="num band">
                                            {format!("{}–{}", teu(m.total_teu.p10), teu(m.total_teu.p90))}
                                        </td>
                                        <td class="num">{teu(m.loaded_imports.p50)}</td>
                                        <td class="num">{teu(m.loaded_exports.p50)}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
            <details class="method">
                <summary>"How this was forecast"</summary>
                <p>{monthly.method}</p>
            </details>
        </section>
    }
}
