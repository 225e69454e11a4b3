//! `/arrivals`: upstream vessel arrivals. Every call coming to the port and every call at it:
//! vessel, carrier, service, voyage, terminal, status, scheduled against latest arrival ("14 h
//! late") and expected moves. Filters and order live in the URL (a plain GET form, so they
//! work without JavaScript and can be shared); long lists come a page at a time.

use super::downloads::Downloads;
use super::loaded::loaded;
use crate::domain::arrivals::{ArrivalsQuery, SortKey};
use crate::domain::VesselStatus;
use crate::view_model::{teu, ArrivalsView};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

#[server(prefix = "/_fn", endpoint = "arrivals")]
pub async fn get_arrivals(
    port: Option<String>,
    query: ArrivalsQuery,
) -> Result<ArrivalsView, ServerFnError> {
    let (state, port) = super::loaded::state_and_port(port)?;
    crate::queries::arrivals::arrivals(state.store.as_ref(), &port, query, chrono::Utc::now())
        .await
        .map_err(crate::error::AppError::into_server_fn_error)
}

#[component]
pub fn ArrivalsPage() -> impl IntoView {
    let params = use_query_map();
    let arrivals = Resource::new(
        move || {
            let p = params.read();
            (p.get("port"), ArrivalsQuery::from_params(|k| p.get(k)))
        },
        |(port, query)| get_arrivals(port, query),
    );
    super::live::refetch_on_change(
        move || params.read().get("port"),
        move || arrivals.refetch(),
    );
    view! {
        <Title text="Vessel arrivals"/>
        <section class="arrivals">
            {loaded(
                arrivals,
                "Loading the arrivals…",
                "The arrivals are not available",
                |v| view! { <ArrivalsPanel view=v/> },
            )}
        </section>
    }
}

/// A `<select>` of `options` (value, text) with "any" first, `chosen` selected.
fn choice(
    name: &'static str,
    label: &'static str,
    any: &'static str,
    options: Vec<(String, String)>,
    chosen: Option<String>,
) -> impl IntoView {
    view! {
        <label>
            <span>{label}</span>
            <select name=name>
                <option value="" selected=chosen.is_none()>{any}</option>
                {options
                    .into_iter()
                    .map(|(value, text)| {
                        let selected = chosen.as_deref() == Some(value.as_str());
                        view! { <option value=value selected=selected>{text}</option> }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}

#[component]
fn ArrivalsPanel(view: ArrivalsView) -> impl IntoView {
    let q = view.query.clone();
    let port = view.port.clone();
    let statuses = VesselStatus::ALL
        .iter()
        .map(|s| (s.code().to_string(), s.label().to_string()))
        .collect();
    let sorts = SortKey::ALL
        .iter()
        .map(|s| (s.code().to_string(), s.code().to_string()))
        .collect::<Vec<_>>();
    let page_link = {
        let (q, port) = (q.clone(), port.clone());
        move |page: usize| q.url(&port, page)
    };
    let (page, pages) = (view.page, view.pages);
    let download_params = q
        .url(&port, 1)
        .split_once('&')
        .map(|(_, rest)| rest.to_string())
        .unwrap_or_default();
    view! {
        <h1>"Vessels arriving at the " {view.port_name.clone()}</h1>
        <p class="as-of">
            "As of " <time>{view.as_of_local.clone()}</time> " · times in " {view.time_zone.clone()}
            " · without a status, departed and omitted calls are left out"
        </p>
        <Form method="GET" action="/arrivals">
            <div class="filters">
                <input type="hidden" name="port" value=port.clone()/>
                {choice("terminal", "Terminal", "All terminals", view.terminals.clone(), q.terminal.clone())}
                {choice(
                    "carrier",
                    "Carrier",
                    "All carriers",
                    view.carriers.iter().map(|c| (c.clone(), c.clone())).collect(),
                    q.carrier.clone(),
                )}
                {choice("service", "Service", "All services", view.services.clone(), q.service.clone())}
                {choice(
                    "status",
                    "Status",
                    "Coming and here",
                    statuses,
                    q.status.map(|s| s.code().to_string()),
                )}
                <label>
                    <span>"Arriving from"</span>
                    <input type="date" name="from" value=q.from.map(|d| d.to_string()).unwrap_or_default()/>
                </label>
                <label>
                    <span>"to"</span>
                    <input type="date" name="to" value=q.to.map(|d| d.to_string()).unwrap_or_default()/>
                </label>
                <label>
                    <span>"Order by"</span>
                    <select name="sort">
                        {sorts
                            .into_iter()
                            .map(|(value, text)| {
                                let selected = value == q.sort.code();
                                view! { <option value=value selected=selected>{text}</option> }
                            })
                            .collect_view()}
                    </select>
                </label>
                <button type="submit">"Show"</button>
                <a class="reset" href=format!("/arrivals?port={port}")>"Clear filters"</a>
            </div>
        </Form>
        <p class="count" data-testid="arrivals-count">
            {view.total} " calls · page " {page} " of " {pages}
        </p>
        <Downloads
            page="arrivals"
            port=view.port.clone()
            charts=vec![]
            params=download_params
        />
        <div class="table-wrap">
            <table class="arrivals-table">
                <caption>"Port calls, by the order chosen; TEU are expected moves"</caption>
                {super::table_head(&["Vessel", "Carrier", "Service", "Voyage", "Terminal", "Status", "Scheduled", "Latest", "Change", "Discharge TEU", "Load TEU"])}
                <tbody>
                    {view
                        .rows
                        .into_iter()
                        .map(|r| view! {
                            <tr data-call=r.call_ref.clone() data-status=r.status.clone()>
                                <th scope="row">{r.vessel} <small>" IMO " {r.imo}</small></th>
                                <td>{r.carrier}</td>
                                <td>{r.service}</td>
                                <td>{r.voyage}</td>
                                <td data-terminal=r.terminal.clone()>{r.terminal.clone()}</td>
                                <td><span class=format!("status {}", r.status)>{r.status_label}</span></td>
                                <td>{r.scheduled}</td>
                                <td>{r.latest}</td>
                                <td class="change">{r.change}</td>
                                <td class="num">{teu(r.discharge_teu)}</td>
                                <td class="num">{teu(r.load_teu)}</td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        <nav class="paging" aria-label="Pages">
            {(page > 1).then(|| view! { <a rel="prev" href=page_link(page - 1)>"← Previous"</a> })}
            {(page < pages).then(|| view! { <a rel="next" href=page_link(page + 1)>"Next →"</a> })}
        </nav>
    }
}
