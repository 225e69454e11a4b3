//! The Leptos application: the HTML shell, the router and the pages.
//!
//! Rendering: full hydration with client-side routing. Pages are rendered on the server in one
//! pass (`SsrMode::Async`), so they are complete without JavaScript; once the wasm has loaded,
//! links and controls navigate inside the page and fetch through server functions.

mod account;
mod accuracy_page;
mod admin_page;
mod api_docs_page;
mod arrivals_page;
mod balance_page;
mod congestion_page;
mod downloads;
mod indicator_page;
mod labour_page;
mod live;
mod loaded;
mod outlook_page;
mod owner_page;
mod port_select;
mod reliability_page;

use account::{AccountLine, LoginPage};
use accuracy_page::AccuracyPage;
use admin_page::AdminPage;
use api_docs_page::ApiDocsPage;
use arrivals_page::ArrivalsPage;
use balance_page::BalancePage;
use congestion_page::CongestionPage;
use indicator_page::IndicatorPage;
use labour_page::LabourPage;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode, StaticSegment};
use outlook_page::OutlookPage;
use owner_page::OwnerPage;
use port_select::{PortSelect, SiteNav};
use reliability_page::ReliabilityPage;

pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="description" content="Import container volume heading for the port, week by week: an open leading indicator."/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    mark_hydrated();
    view! {
        <Stylesheet id="leptos" href="/pkg/portsignal.css"/>
        <Link rel="icon" href="/favicon.ico"/>
        <Title formatter=|page: String| format!("{page} · portsignal")/>
        <Router>
            <header class="site-header">
                <a class="brand" href="/">"portsignal"</a>
                <span class="tagline">"Container volume heading for the port"</span>
                <SiteNav/>
                <PortSelect/>
                <AccountLine/>
            </header>
            <main>
                <Routes fallback=NotFound>
                    <Route path=StaticSegment("") view=IndicatorPage ssr=SsrMode::Async/>
                    <Route path=path!("/staff/labour") view=LabourPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("owner") view=OwnerPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("admin") view=AdminPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("login") view=LoginPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("outlook") view=OutlookPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("accuracy") view=AccuracyPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("balance") view=BalancePage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("arrivals") view=ArrivalsPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("reliability") view=ReliabilityPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("congestion") view=CongestionPage ssr=SsrMode::Async/>
                    <Route path=path!("/api/v1/docs") view=ApiDocsPage ssr=SsrMode::Async/>
                </Routes>
            </main>
            <footer class="site-footer">
                "Open data, open standards (DCSA). Figures are computed from vessel schedules and port calls."
                " " <a href="/api/v1/docs">"API"</a>
            </footer>
        </Router>
    }
}

/// A table's head row: one column header per name.
fn table_head(columns: &'static [&'static str]) -> impl IntoView {
    view! {
        <thead>
            <tr>
                {columns.iter().map(|c| view! { <th scope="col">{*c}</th> }).collect_view()}
            </tr>
        </thead>
    }
}

/// Marks the body once the browser has hydrated the page; tests and styles can rely on it.
fn mark_hydrated() {
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found"/>
        <section class="error-page">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address. " <a href="/">"Back to the outlook"</a></p>
        </section>
    }
}
