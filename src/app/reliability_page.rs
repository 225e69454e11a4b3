//! `/reliability`: schedule reliability. How close vessels came to their scheduled arrival
//! over the last 26 weeks: on-time share (within a day either way) and mean delay, port-wide,
//! by carrier and by service, and the weekly trend.

use super::downloads::Downloads;
use super::loaded::port_page;
use crate::domain::reliability::Reliability;
use crate::view_model::{share, ReliabilityView};
use leptos::prelude::*;

#[server(prefix = "/_fn", endpoint = "reliability")]
pub async fn get_reliability(port: Option<String>) -> Result<ReliabilityView, ServerFnError> {
    let (state, port) = super::loaded::state_and_port(port)?;
    crate::queries::reliability::reliability(state.store.as_ref(), &port, chrono::Utc::now())
        .await
        .map_err(crate::error::AppError::into_server_fn_error)
}

#[component]
pub fn ReliabilityPage() -> impl IntoView {
    port_page(
        "Schedule reliability",
        "reliability",
        get_reliability,
        (
            "Loading schedule reliability…",
            "Schedule reliability is not available",
        ),
        |v| view! { <ReliabilityPanel view=v/> },
    )
}

/// "6.5 h late", "2.0 h early".
fn delay(hours: f64) -> String {
    if hours < 0.0 {
        format!("{:.1}\u{a0}h early", -hours)
    } else {
        format!("{hours:.1}\u{a0}h late")
    }
}

fn table(
    id: &'static str,
    (what, heading): (&'static str, &'static str),
    rows: Vec<Reliability>,
) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="reliability-table" id=id>
                <caption>{format!("By {what}: calls berthed, share within a day of schedule, mean delay")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{heading}</th>
                        <th scope="col">"Calls"</th>
                        <th scope="col">"On time"</th>
                        <th scope="col">"Mean delay"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|r| {
                            let key = r.key.clone();
                            view! {
                            <tr data-key=key>
                                <th scope="row">{r.key}</th>
                                <td class="num">{r.calls}</td>
                                <td class="num">{share(r.on_time_pct)}</td>
                                <td class="num">{delay(r.mean_delay_hours)}</td>
                            </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn ReliabilityPanel(view: ReliabilityView) -> impl IntoView {
    view! {
        <h1>"Schedule reliability at the " {view.port_name.clone()}</h1>
        <p class="as-of">
            "As of " <time>{view.as_of_local.clone()}</time> ". Calls that berthed in the last "
            {view.weeks} " whole weeks and this one, against their scheduled arrival; on time = within "
            {view.on_time_hours} " hours either way. Weeks are ISO weeks in the port's time zone."
        </p>
        {match view.port_wide.clone() {
            Some(p) => view! {
                <p class="headline" data-testid="on-time">
                    <strong class="figure">{share(p.on_time_pct)}</strong>
                    " of " {p.calls} " calls arrived within a day of schedule; on average "
                    {delay(p.mean_delay_hours)} "."
                </p>
            }
            .into_any(),
            None => view! {
                <p class="empty-state">"No call has berthed in these weeks: nothing to score yet."</p>
            }
            .into_any(),
        }}
        <Downloads page="reliability" port=view.port.clone() charts=vec![("reliability.svg", "on-time share by week")]/>
        <figure class="chart" inner_html=view.trend_svg.clone()></figure>
        <details class="data">
            <summary>"The trend by week"</summary>
            {table("reliability-weeks", ("week", "Week"), view.trend.clone())}
        </details>
        <h2>"By carrier"</h2>
        {table("reliability-carriers", ("carrier", "Carrier"), view.carriers.clone())}
        <h2>"By service"</h2>
        {table("reliability-services", ("service", "Service"), view.services.clone())}
    }
}
