//! What every data page does with its server function's answer: a loading line while the
//! first answer comes, the page once it is there (kept on screen while a new one loads), and
//! the error, said plainly, when there is one.

use leptos::prelude::*;
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
