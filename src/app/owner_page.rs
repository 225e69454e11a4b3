//! `/owner`: for cargo owners (and admins). The import volume of the carriers and services the
//! organisation follows, by week and terminal; the calls whose ETA moved since the previous
//! visit; the user's watchlist of vessels and services with each call's ETA history.

use super::loaded::loaded;
use super::table_head;
use crate::view_model::{teu, OwnerCall, OwnerView, WatchRow};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[server(prefix = "/_fn", endpoint = "owner")]
pub async fn get_owner(port: Option<String>) -> Result<OwnerView, ServerFnError> {
    use crate::accounts::UserRole;
    let user = super::account::require_role(
        &[UserRole::Owner, UserRole::Admin],
        "the cargo owner's page",
    )
    .await?;
    let (state, port) = super::loaded::state_and_port(port)?;
    let now = chrono::Utc::now();
    let since = super::account::visit_baseline(&user, now).await?;
    crate::queries::owner::owner(state.store.as_ref(), &port, &user, since, now)
        .await
        .map_err(crate::error::AppError::into_server_fn_error)
}

/// The caller (an owner or admin), the server's state and the kind of entry named.
#[cfg(feature = "ssr")]
async fn watcher(
    kind: &str,
) -> Result<
    (
        crate::accounts::User,
        crate::state::AppState,
        crate::accounts::WatchKind,
    ),
    ServerFnError,
> {
    use crate::accounts::{UserRole, WatchKind};
    let user =
        super::account::require_role(&[UserRole::Owner, UserRole::Admin], "a watchlist").await?;
    let state = super::loaded::app_state()?;
    let kind = WatchKind::from_code(kind).ok_or_else(|| {
        crate::error::AppError::BadRequest(format!("'{kind}' is not vessel or service"))
            .into_server_fn_error()
    })?;
    Ok((user, state, kind))
}

/// Adds a vessel (`kind` `vessel`, `key` its IMO number) or a service (`service`,
/// `CARRIER:SERVICE`) to the caller's watchlist.
#[server(prefix = "/_fn", endpoint = "watch")]
pub async fn watch(kind: String, key: String) -> Result<(), ServerFnError> {
    use crate::error::AppError;
    let (user, state, kind) = watcher(&kind).await?;
    let entry = crate::accounts::Watch::new(kind, &key, chrono::Utc::now())
        .map_err(|e| AppError::BadRequest(e).into_server_fn_error())?;
    state
        .store
        .watch(user.id, &entry)
        .await
        .map_err(|e| AppError::from(e).into_server_fn_error())?;
    Ok(())
}

/// Takes a vessel or service off the caller's watchlist.
#[server(prefix = "/_fn", endpoint = "unwatch")]
pub async fn unwatch(kind: String, key: String) -> Result<(), ServerFnError> {
    let (user, state, kind) = watcher(&kind).await?;
    state
        .store
        .unwatch(user.id, kind, &key)
        .await
        .map_err(|e| crate::error::AppError::from(e).into_server_fn_error())?;
    Ok(())
}

/// The page's two actions, for the panel to post to.
#[derive(Clone, Copy)]
struct WatchActions {
    add: ServerAction<Watch>,
    remove: ServerAction<Unwatch>,
}

#[component]
pub fn OwnerPage() -> impl IntoView {
    let query = use_query_map();
    let actions = WatchActions {
        add: ServerAction::<Watch>::new(),
        remove: ServerAction::<Unwatch>::new(),
    };
    provide_context(actions);
    let resource = Resource::new(
        move || {
            (
                query.read().get("port"),
                actions.add.version().get(),
                actions.remove.version().get(),
            )
        },
        |(port, _, _)| get_owner(port),
    );
    view! {
        <Title text="Cargo owner"/>
        <section class="owner">
            {loaded(
                resource,
                "Loading your volume…",
                "The cargo owner's page is not available",
                |v| view! { <OwnerPanel view=v/> },
            )}
        </section>
    }
}

fn history(call: &OwnerCall) -> String {
    call.history
        .iter()
        .map(|(known, eta)| format!("{eta} (as of {known})"))
        .collect::<Vec<_>>()
        .join(" → ")
}

fn calls_table(calls: Vec<OwnerCall>, changed: bool, testid: &'static str) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table data-testid=testid>
                {if changed {
                    table_head(&["Vessel", "Voyage", "Service", "Terminal", "Import TEU", "ETA then", "ETA now"])
                        .into_any()
                } else {
                    table_head(&["Vessel", "Voyage", "Service", "Terminal", "Import TEU", "ETA", "ETA history"])
                        .into_any()
                }}
                <tbody>
                    {calls
                        .into_iter()
                        .map(|c| {
                            let last = if changed {
                                if c.eta_before.is_empty() { "new".to_string() } else { c.eta_before.clone() }
                            } else {
                                c.eta.clone()
                            };
                            let next = if changed { c.eta.clone() } else { history(&c) };
                            view! {
                                <tr data-call=c.call_ref.clone()>
                                    <th scope="row">{c.vessel.clone()} <small>" " {c.imo.clone()}</small></th>
                                    <td>{c.voyage.clone()}</td>
                                    <td>{format!("{} {}", c.carrier, c.service)}</td>
                                    <td>{c.terminal.clone()}</td>
                                    <td class="num">{teu(c.import_teu)}</td>
                                    <td>{last}</td>
                                    <td>{next}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

fn watch_item(w: WatchRow) -> impl IntoView {
    let actions = expect_context::<WatchActions>();
    let title = if w.label.is_empty() {
        w.key.clone()
    } else {
        format!("{} ({})", w.label, w.key)
    };
    let empty = w.calls.is_empty();
    let id = format!("{}:{}", w.kind, w.key);
    view! {
        <div class="watch" data-watch=id>
            <h3>{title}</h3>
            <ActionForm action=actions.remove>
                <input type="hidden" name="kind" value=w.kind.clone()/>
                <input type="hidden" name="key" value=w.key.clone()/>
                <button type="submit">"Stop watching"</button>
            </ActionForm>
            {if empty {
                view! { <p class="empty">"No call at this port in the weeks shown."</p> }.into_any()
            } else {
                calls_table(w.calls, false, "watch-calls").into_any()
            }}
        </div>
    }
}

/// A form adding one of `options` (value, label) of `kind` to the watchlist.
fn add_form(
    add: ServerAction<Watch>,
    (kind, label): (&'static str, &'static str),
    options: Vec<(String, String)>,
) -> impl IntoView {
    view! {
        <ActionForm action=add>
            <input type="hidden" name="kind" value=kind/>
            <label>
                <span>{label}</span>
                <select name="key">
                    {options
                        .into_iter()
                        .map(|(value, text)| view! { <option value=value>{text}</option> })
                        .collect_view()}
                </select>
            </label>
            <button type="submit">{format!("Watch {kind}")}</button>
        </ActionForm>
    }
}

#[component]
fn OwnerPanel(view: OwnerView) -> impl IntoView {
    let actions = expect_context::<WatchActions>();
    let follows = if view.follows.is_empty() {
        "nothing yet: an administrator adds the carriers and services it follows".to_string()
    } else {
        view.follows.join(", ")
    };
    let since = match &view.since_local {
        Some(s) => format!("ETA changes since your last visit ({s})"),
        None => {
            "ETA changes since your last visit (this is your first: next time, this lists them)"
                .into()
        }
    };
    let changed = view.changed.len();
    let vessels: Vec<(String, String)> = view
        .vessel_options
        .iter()
        .map(|(imo, name)| (imo.clone(), format!("{name} ({imo})")))
        .collect();
    let terminals = view.terminals.clone();
    view! {
        <h1>"Upcoming volume for " {view.organisation.clone()} " at the " {view.port_name.clone()}</h1>
        <p class="as-of">
            "As of " <time>{view.as_of_local.clone()}</time> " · times in " {view.time_zone.clone()}
            " · following " <span data-testid="follows">{follows}</span>
        </p>
        <h2>"Import TEU by week and terminal"</h2>
        <div class="table-wrap">
            <table data-testid="owner-weeks">
                <caption>"Import TEU the followed carriers and services are expected to discharge, by ISO week of arrival"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Week"</th>
                        <th scope="col">"Vessels"</th>
                        <th scope="col">"Import TEU"</th>
                        {terminals.iter().map(|t| view! { <th scope="col">{t.clone()}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {view.weeks
                        .into_iter()
                        .map(|w| view! {
                            <tr data-week=w.iso_week.clone()>
                                <th scope="row">{w.iso_week.clone()} <small>" from " {w.start.clone()}</small></th>
                                <td class="num">{w.vessels}</td>
                                <td class="num" data-teu=w.import_teu.to_string()>{teu(w.import_teu)}</td>
                                {w.by_terminal.iter().map(|t| view! { <td class="num">{teu(*t)}</td> }).collect_view()}
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        <h2>{since}</h2>
        {if changed == 0 {
            view! { <p class="empty" data-testid="no-changes">"No ETA has moved."</p> }.into_any()
        } else {
            calls_table(view.changed, true, "eta-changes").into_any()
        }}
        <h2>"Your watchlist"</h2>
        <div class="watch-add">
            {add_form(actions.add, ("vessel", "Vessel"), vessels)}
            {add_form(actions.add, ("service", "Service"), view.service_options)}
        </div>
        {if view.watchlist.is_empty() {
            view! { <p class="empty">"Nothing on your watchlist yet."</p> }.into_any()
        } else {
            view.watchlist.into_iter().map(watch_item).collect_view().into_any()
        }}
    }
}
