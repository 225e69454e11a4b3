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

/// The state and the port a server function is asked about (the configured one by default).
#[cfg(feature = "ssr")]
pub fn state_and_port(port: Option<String>) -> (crate::state::AppState, String) {
    let state = expect_context::<crate::state::AppState>();
    let port = port.unwrap_or_else(|| state.settings.default_port.clone());
    (state, port)
}
