//! The download line under a page's heading: the numbers behind its charts as CSV and JSON,
//! and each chart as SVG (served by `GET /download/{name}?port=`, see `crate::downloads`).

use leptos::prelude::*;

#[component]
pub fn Downloads(
    /// The page's name, which starts every file's name: `outlook.csv`, `outlook-terminals.svg`.
    page: &'static str,
    port: String,
    /// (file name, what the chart shows).
    charts: Vec<(&'static str, &'static str)>,
    /// The page's own parameters (`weeks=6`, the arrivals filters), so a download holds what
    /// the page shows.
    #[prop(optional)]
    params: String,
) -> impl IntoView {
    let params = if params.is_empty() {
        params
    } else {
        format!("&{params}")
    };
    let href = move |file: &str| format!("/download/{file}?port={port}{params}");
    let n = charts.len();
    view! {
        <p class="downloads" data-testid="downloads">
            "Download the numbers: " <a href=href(&format!("{page}.csv")) download>"CSV"</a> " · "
            <a href=href(&format!("{page}.json")) download>"JSON"</a>
            {(n > 0).then_some(" · charts as SVG: ")}
            {charts
                .into_iter()
                .enumerate()
                .map(|(i, (file, what))| view! {
                    <a href=href(file) download>{what}</a>
                    {(i + 1 < n).then_some(", ")}
                })
                .collect_view()}
        </p>
    }
}
