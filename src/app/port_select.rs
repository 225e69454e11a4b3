//! The port a page is about: `?port=LOCODE` in every page's address (the configured port when
//! absent). The header's selector is a plain GET form to the page being shown, so it works
//! without JavaScript; once hydrated, choosing a port navigates in place. The navigation links
//! keep the port chosen.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use serde::{Deserialize, Serialize};

/// The ports this instance holds and the one shown when an address names none.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PortChoices {
    pub default_port: String,
    /// (UN/LOCODE, name), by LOCODE.
    pub ports: Vec<(String, String)>,
}

#[server(prefix = "/_fn", endpoint = "ports")]
pub async fn get_ports() -> Result<PortChoices, ServerFnError> {
    let state = super::loaded::app_state()?;
    let ports = state
        .store
        .ports()
        .await
        .map_err(|e| crate::error::AppError::from(e).into_server_fn_error())?;
    Ok(PortChoices {
        default_port: state.settings.default_port.clone(),
        ports: ports.into_iter().map(|p| (p.locode, p.name)).collect(),
    })
}

/// `path` for the port in the address now (unchanged when the address names none).
fn with_port(path: &str, port: Option<&str>) -> String {
    match port {
        Some(p) if !p.is_empty() => format!("{path}?port={}", p.trim().to_uppercase()),
        _ => path.to_string(),
    }
}

const PAGES: [(&str, &str); 7] = [
    ("/", "Signal"),
    ("/outlook", "Outlook"),
    ("/arrivals", "Arrivals"),
    ("/balance", "Balance"),
    ("/reliability", "Reliability"),
    ("/congestion", "Congestion"),
    ("/accuracy", "Accuracy"),
];

/// The page links, each for the port chosen; the page shown is marked for screen readers.
#[component]
pub fn SiteNav() -> impl IntoView {
    let query = use_query_map();
    let location = use_location();
    view! {
        <nav class="site-nav" aria-label="Pages">
            {PAGES
                .iter()
                .map(|(path, label)| {
                    let href = move || with_port(path, query.read().get("port").as_deref());
                    let current = move || (location.pathname.get() == *path).then_some("page");
                    view! { <a href=href aria-current=current>{*label}</a> }
                })
                .collect_view()}
        </nav>
    }
}

/// The port selector: a GET form to the page shown, `port` its only field.
#[component]
pub fn PortSelect() -> impl IntoView {
    let query = use_query_map();
    let location = use_location();
    let choices = Resource::new(|| (), |_| get_ports());
    let navigate = use_navigate();
    let go = move |ev: leptos::ev::Event| {
        let port = event_target_value(&ev);
        navigate(
            &with_port(&location.pathname.get_untracked(), Some(&port)),
            Default::default(),
        );
    };
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let go = go.clone();
                Suspend::new(async move {
                    let choices = choices.await.ok()?;
                    let chosen = query
                        .read()
                        .get("port")
                        .map(|p| p.trim().to_uppercase())
                        .unwrap_or_else(|| choices.default_port.clone());
                    let action = location.pathname.get();
                    Some(view! {
                        <Form method="GET" action=action>
                            <div class="port-select">
                                <label for="port-select">"Port"</label>
                                <select id="port-select" name="port" on:change=go>
                                    {choices
                                        .ports
                                        .into_iter()
                                        .map(|(code, name)| {
                                            let selected = code == chosen;
                                            view! {
                                                <option value=code.clone() selected=selected>
                                                    {format!("{name} ({code})")}
                                                </option>
                                            }
                                        })
                                        .collect_view()}
                                </select>
                                <button type="submit">"Go"</button>
                            </div>
                        </Form>
                    })
                })
            }}
        </Suspense>
    }
}

#[cfg(test)]
mod tests {
    use super::with_port;

    #[test]
    fn links_carry_the_port_chosen_only() {
        assert_eq!(
            with_port("/arrivals", Some(" uslgb")),
            "/arrivals?port=USLGB"
        );
        assert_eq!(with_port("/arrivals", Some("")), "/arrivals");
        assert_eq!(with_port("/", None), "/");
    }
}
