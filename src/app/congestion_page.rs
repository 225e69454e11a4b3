//! `/congestion`: ships waiting at anchor for a berth. The queue now (longest wait first),
//! the mean wait of the last four weeks, and waiting times by week.

use super::downloads::Downloads;
use super::loaded::port_page;
use crate::view_model::CongestionView;
use leptos::prelude::*;

#[server(prefix = "/_fn", endpoint = "congestion")]
pub async fn get_congestion(port: Option<String>) -> Result<CongestionView, ServerFnError> {
    let (state, port) = super::loaded::state_and_port(port)?;
    crate::queries::congestion::congestion(state.store.as_ref(), &port, chrono::Utc::now())
        .await
        .map_err(crate::error::AppError::into_server_fn_error)
}

#[component]
pub fn CongestionPage() -> impl IntoView {
    port_page(
        "Congestion",
        "congestion",
        get_congestion,
        ("Loading the queue…", "Congestion is not available"),
        |v| view! { <CongestionPanel view=v/> },
    )
}

fn hours(h: f64) -> String {
    format!("{h:.1}\u{a0}h")
}

#[component]
fn CongestionPanel(view: CongestionView) -> impl IntoView {
    let ships = view.queue.len();
    view! {
        <h1>"Ships waiting at the " {view.port_name.clone()}</h1>
        <p class="as-of">
            "As of " <time>{view.as_of_local.clone()}</time>
            ". A wait runs from anchorage arrival to berth arrival; weeks are ISO weeks of berth "
            "arrival in the port's time zone."
        </p>
        <p class="headline" data-testid="queue">
            <strong class="figure">{ships}</strong>
            {if ships == 1 { " ship at anchor now" } else { " ships at anchor now" }}
            {view.recent_mean_wait_hours.map(|h| format!(
                "; ships that anchored waited {} on average over the last four weeks", hours(h)
            ))} "."
        </p>
        <div class="table-wrap">
            <table class="queue-table">
                <caption>"At anchor now, longest wait first"</caption>
                {super::table_head(&["Vessel", "Carrier", "Terminal", "Anchored", "Waiting"])}
                <tbody>
                    {view
                        .queue
                        .into_iter()
                        .map(|q| view! {
                            <tr>
                                <th scope="row">{q.vessel}</th>
                                <td>{q.carrier}</td>
                                <td>{q.terminal}</td>
                                <td>{q.anchored}</td>
                                <td class="num">{hours(q.waiting_hours)}</td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        <Downloads page="congestion" port=view.port.clone() charts=vec![("congestion.svg", "waits by week")]/>
        <figure class="chart" inner_html=view.trend_svg.clone()></figure>
        <details class="data">
            <summary>"Waits by week"</summary>
            <div class="table-wrap">
                <table class="waits-table">
                    <caption>"Calls berthed, how many anchored first, mean and longest wait"</caption>
                    {super::table_head(&["Week", "Berthed", "Anchored first", "Mean wait", "Longest wait"])}
                    <tbody>
                        {view
                            .trend
                            .into_iter()
                            .map(|w| {
                                let week = w.week.clone();
                                view! {
                                    <tr data-week=week>
                                        <th scope="row">{w.week}</th>
                                        <td class="num">{w.berthed}</td>
                                        <td class="num">{w.anchored}</td>
                                        <td class="num">{hours(w.mean_wait_hours)}</td>
                                        <td class="num">{hours(w.max_wait_hours)}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </details>
    }
}
