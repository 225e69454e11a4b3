//! What every data page does with its server function's answer: a loading line while the
//! first answer comes, the page once it is there (kept on screen while a new one loads), and
//! the error, said plainly, when there is one.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Renders `resource` with `render`; `loading` and `failed` name what is loading or missing.
pub fn loaded<T, V>(
    resource: Resource<Result<T, ServerFnError>>,
    loading: &'static str,
    failed: &'static str,
    render: fn(T) -> V,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Transition fallback=move || view! { <p class="loading">{loading}</p> }>
            <ErrorBoundary fallback=move |errors| {
                view! {
                    <div class="error" role="alert">
                        <h2>{failed}</h2>
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
                {move || Suspend::new(async move { resource.await.map(render) })}
            </ErrorBoundary>
        </Transition>
    }
}

/// A page about one port (`?port=`, else the configured one): its title, and `render` over what
/// `fetch` (its server function) answers for that port.
pub fn port_page<T, V, Fut>(
    title: &'static str,
    class: &'static str,
    fetch: fn(Option<String>) -> Fut,
    (loading, failed): (&'static str, &'static str),
    render: fn(T) -> V,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
    Fut: std::future::Future<Output = Result<T, ServerFnError>> + Send + 'static,
{
    let query = use_query_map();
    let resource = Resource::new(move || query.read().get("port"), fetch);
    super::live::refetch_on_change(move || query.read().get("port"), move || resource.refetch());
    view! {
        <Title text=title/>
        <section class=class>{loaded(resource, loading, failed, render)}</section>
    }
}

/// A page about one port over some weeks (`?port=`, `?weeks=`): the resource `fetch` answers
/// for the address (refetched live when the port's data changes), and the links to each of the
/// weeks `offered` at `path` (`shown` turns the address's weeks into the one shown). The links
/// work without JavaScript; hydrated, they refetch in place.
pub fn weeks_page<T, Fut>(
    path: &'static str,
    offered: &'static [u32],
    shown: fn(Option<u32>) -> u32,
    fetch: fn(Option<String>, Option<u32>) -> Fut,
) -> (Resource<Result<T, ServerFnError>>, impl IntoView)
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    Fut: std::future::Future<Output = Result<T, ServerFnError>> + Send + 'static,
{
    let query = use_query_map();
    let port = move || query.read().get("port");
    let weeks = move || {
        query
            .read()
            .get("weeks")
            .and_then(|w| w.parse::<u32>().ok())
    };
    let resource = Resource::new(move || (port(), weeks()), move |(p, w)| fetch(p, w));
    super::live::refetch_on_change(port, move || resource.refetch());
    let link = move |w: u32| match port() {
        Some(p) => format!("{path}?port={p}&weeks={w}"),
        None => format!("{path}?weeks={w}"),
    };
    let nav = view! {
        <nav class="horizon" aria-label="Weeks shown">
            <span>"Weeks:"</span>
            {offered
                .iter()
                .map(|&w| view! {
                    <a
                        href=move || link(w)
                        data-weeks=w
                        aria-current=move || (shown(weeks()) == w).then_some("true")
                    >
                        {format!("{w} weeks")}
                    </a>
                })
                .collect_view()}
        </nav>
    };
    (resource, nav)
}

/// The state and the port a server function is asked about (the configured one by default).
#[cfg(feature = "ssr")]
pub fn state_and_port(
    port: Option<String>,
) -> Result<(crate::state::AppState, String), ServerFnError> {
    let state = app_state()?;
    let port = port.unwrap_or_else(|| state.settings.default_port.clone());
    Ok((state, port))
}

/// The server's state, which the router provides to every render and server function. Its
/// absence is a bug, answered as an internal error rather than a panic in the render task.
#[cfg(feature = "ssr")]
pub fn app_state() -> Result<crate::state::AppState, ServerFnError> {
    use_context::<crate::state::AppState>().ok_or_else(|| {
        tracing::error!("server function called without the server's state");
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
        }
        ServerFnError::ServerError("internal error".into())
    })
}
