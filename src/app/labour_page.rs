//! `/staff/labour`: for port staff (and admins), longshore gangs needed per terminal and shift
//! over the next 14 days, with a P90 figure for a reserve and the days a terminal's expected
//! moves exceed its daily capacity.

use super::loaded::port_page;
use crate::view_model::{teu, LabourView, TerminalLabour};
use leptos::prelude::*;

#[server(prefix = "/_fn", endpoint = "labour")]
pub async fn get_labour(port: Option<String>) -> Result<LabourView, ServerFnError> {
    use crate::accounts::UserRole;
    super::account::require_role(&[UserRole::Staff, UserRole::Admin], "labour planning").await?;
    let (state, port) = super::loaded::state_and_port(port)?;
    crate::queries::labour::labour(state.store.as_ref(), &port, chrono::Utc::now())
        .await
        .map_err(crate::error::AppError::into_server_fn_error)
}

#[component]
pub fn LabourPage() -> impl IntoView {
    port_page(
        "Labour planning",
        "labour",
        get_labour,
        ("Loading the plan…", "Labour planning is not available"),
        |v| view! { <LabourPanel view=v/> },
    )
}

fn terminal_table(t: TerminalLabour, shifts: Vec<String>) -> impl IntoView {
    let caption = format!(
        "{} ({}): gangs per shift, P90 in brackets; {} moves per gang-hour, capacity {} TEU a day",
        t.name,
        t.code,
        t.gang_moves_per_hour,
        teu(t.daily_capacity_teu)
    );
    view! {
        <div class="table-wrap">
            <table class="labour-table" data-terminal=t.code.clone()>
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Day"</th>
                        {shifts.iter().map(|s| view! { <th scope="col">{s.clone()}</th> }).collect_view()}
                        <th scope="col">"Moves"</th>
                    </tr>
                </thead>
                <tbody>
                    {t.days
                        .into_iter()
                        .map(|d| {
                            let moves: f64 = d.shifts.iter().map(|s| s.moves).sum();
                            let class = if d.over_capacity { "over-capacity" } else { "" };
                            view! {
                                <tr data-date=d.date.clone() class=class>
                                    <th scope="row">
                                        {d.date.clone()}
                                        {d.over_capacity.then(|| view! { <small>" over capacity"</small> })}
                                    </th>
                                    {d.shifts
                                        .iter()
                                        .map(|s| view! {
                                            <td class="num">{s.gangs} " (" {s.gangs_p90} ")"</td>
                                        })
                                        .collect_view()}
                                    <td class="num">{teu(moves)}</td>
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
fn LabourPanel(view: LabourView) -> impl IntoView {
    let shifts: Vec<String> = view
        .shifts
        .iter()
        .map(|s| format!("{} {:02}:00 ({} h)", s.name, s.start_hour, s.hours))
        .collect();
    view! {
        <h1>"Labour planning at the " {view.port_name.clone()}</h1>
        <p class="as-of">
            "As of " <time>{view.as_of_local.clone()}</time> " · shifts in " {view.time_zone.clone()}
            ". A call's moves (discharge and load, 1.8 TEU a move) are worked evenly over its time "
            "at berth; gangs = moves ÷ (moves per gang-hour × shift hours), rounded up. The P90 "
            "plans for moves " {format!("{:.2}", view.p90_factor)}
            " times those stated, as 1 call in 10 turned out over the last half year."
        </p>
        <p class="downloads">
            "Download the plan for the dispatch hall: "
            <a href=format!("/staff/labour.csv?port={}", view.port) download>"CSV"</a>
        </p>
        {view
            .terminals
            .into_iter()
            .map(|t| terminal_table(t, shifts.clone()))
            .collect_view()}
    }
}
