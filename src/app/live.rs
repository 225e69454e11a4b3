//! The browser's end of live updates: one EventSource per page on `/live?port=…`, which
//! refetches the page's data when its port changes. On the server (and without JavaScript)
//! it does nothing: the page is complete as rendered.

/// Calls `refetch` whenever the server says `port` (None: the configured one) changed.
/// The body carries `data-live="open"` while the stream is connected.
pub fn refetch_on_change(
    port: impl Fn() -> Option<String> + Send + Sync + 'static,
    refetch: impl Fn() + Send + Sync + Clone + 'static,
) {
    #[cfg(feature = "hydrate")]
    leptos::prelude::Effect::new(move |_| {
        use leptos::prelude::{document, on_cleanup};
        use send_wrapper::SendWrapper;
        use wasm_bindgen::prelude::*;
        let url = match port() {
            Some(p) => format!("/live?port={p}"),
            None => "/live".to_string(),
        };
        let Ok(source) = web_sys::EventSource::new(&url) else {
            return;
        };
        let refetch = refetch.clone();
        let changed = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |_| refetch());
        let _ =
            source.add_event_listener_with_callback("changed", changed.as_ref().unchecked_ref());
        let mark = |state: &'static str| {
            Closure::<dyn Fn()>::new(move || {
                if let Some(body) = document().body() {
                    let _ = body.set_attribute("data-live", state);
                }
            })
        };
        let (opened, failed) = (mark("open"), mark("reconnecting"));
        source.set_onopen(Some(opened.as_ref().unchecked_ref()));
        source.set_onerror(Some(failed.as_ref().unchecked_ref()));
        // Closed (and its callbacks freed) when the page goes or its port changes.
        let held = SendWrapper::new((source, changed, opened, failed));
        on_cleanup(move || held.0.close());
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (port, refetch);
}
