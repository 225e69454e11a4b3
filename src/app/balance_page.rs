//! `/balance`: the import/export balance. Loaded imports, loaded exports and empties by month;
//! imports per export over time; the run exports are in on a year earlier; yearly totals. The
//! numbers behind each chart download as CSV and JSON, the charts as SVG.

use super::downloads::Downloads;
use super::loaded::port_page;
use crate::view_model::{month_label, pct, teu, BalanceView};
use leptos::prelude::*;

#[server(prefix = "/_fn", endpoint = "balance")]
pub async fn get_balance(port: Option<String>) -> Result<BalanceView, ServerFnError> {
    let (state, port) = super::loaded::state_and_port(port)?;
    crate::queries::balance::balance(state.store.as_ref(), &port)
        .await
        .map_err(crate::error::AppError::into_server_fn_error)
}

#[component]
pub fn BalancePage() -> impl IntoView {
    port_page(
        "Import/export balance",
        "balance",
        get_balance,
        ("Loading the balance…", "The balance is not available"),
        |v| view! { <BalancePanel view=v/> },
    )
}

fn ratio(x: Option<f64>) -> String {
    x.map_or_else(|| "—".into(), |r| format!("{r:.2}"))
}

#[component]
fn BalancePanel(view: BalanceView) -> impl IntoView {
    if view.months.is_empty() {
        return view! {
            <h1>"Imports and exports at the " {view.port_name.clone()}</h1>
            <p class="empty-state" data-testid="no-statistics">
                "No monthly statistics imported for " {view.port.clone()}
                " yet: see README, Importing data."
            </p>
        }
        .into_any();
    }
    let latest = view
        .months
        .last()
        .map(|m| month_label(&m.month))
        .unwrap_or_default();
    view! {
        <h1>"Imports and exports at the " {view.port_name.clone()}</h1>
        <p class="as-of">"Monthly statistics to " {latest} ". TEU: twenty-foot equivalent units."</p>
        {view.trailing.clone().map(|t| view! {
            <p class="headline" data-testid="balance-ratio">
                <strong class="figure">{format!("{:.1}", t.ratio)}</strong>
                " loaded imports for every loaded export, " {month_label(&t.from)} " to "
                {month_label(&t.to)} "."
            </p>
        })}
        {view.export_run.clone().map(|s| view! {
            <p class="run" data-testid="export-run">{capitalised(&s)} "."</p>
        })}
        <Downloads
            page="balance"
            port=view.port.clone()
            charts=vec![("balance-volumes.svg", "volumes"), ("balance-ratio.svg", "imports per export")]
        />
        <figure class="chart" inner_html=view.volumes_svg.clone()></figure>
        <figure class="chart" inner_html=view.ratio_svg.clone()></figure>
        <details class="data" open>
            <summary>"The numbers by month"</summary>
            <div class="table-wrap">
                <table class="balance-months">
                    <caption>"Monthly TEU, imports per export, and exports on a year earlier"</caption>
                    {super::table_head(&["Month", "Loaded imports", "Loaded exports", "Empties", "Imports per export", "Exports y/y"])}
                    <tbody>
                        {view
                            .months
                            .iter()
                            .rev()
                            .map(|m| view! {
                                <tr data-month=m.month.clone()>
                                    <th scope="row">{month_label(&m.month)}</th>
                                    <td class="num">{teu(m.loaded_imports)}</td>
                                    <td class="num">{teu(m.loaded_exports)}</td>
                                    <td class="num">{teu(m.empties)}</td>
                                    <td class="num">{ratio(m.ratio)}</td>
                                    <td class="num">{pct(m.exports_yoy_pct)}</td>
                                </tr>
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </details>
        <h2>"By year"</h2>
        <div class="table-wrap">
            <table class="balance-years">
                <caption>"Yearly TEU (a year with fewer than 12 months of statistics says so)"</caption>
                {super::table_head(&["Year", "Loaded imports", "Loaded exports", "Empties", "Imports per export"])}
                <tbody>
                    {view
                        .years
                        .iter()
                        .map(|y| {
                            let year = if y.months == 12 {
                                y.year.to_string()
                            } else {
                                format!("{} ({} months)", y.year, y.months)
                            };
                            view! {
                                <tr data-year=y.year>
                                    <th scope="row">{year}</th>
                                    <td class="num">{teu(y.loaded_imports)}</td>
                                    <td class="num">{teu(y.loaded_exports)}</td>
                                    <td class="num">{teu(y.empties)}</td>
                                    <td class="num">{ratio(y.ratio)}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
