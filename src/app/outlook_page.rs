//! `/outlook`: the weekly import outlook in detail. The band of each week with the same week a
//! year earlier; expected import TEU laden and empty, by rail and local; by terminal (also as a
//! stacked chart) and by carrier. `?weeks=` 3, 6 or 8.

use super::downloads::Downloads;
use super::loaded::{loaded, weeks_page};
use crate::domain::split::Split;
use crate::view_model::{pct, teu, GroupRow, OutlookView, OUTLOOK_WEEKS};
use leptos::prelude::*;
use leptos_meta::Title;

#[server(prefix = "/_fn", endpoint = "outlook")]
pub async fn get_outlook(
    port: Option<String>,
    weeks: Option<u32>,
) -> Result<OutlookView, ServerFnError> {
    let (state, port) = super::loaded::state_and_port(port)?;
    let weeks = crate::view_model::outlook_weeks(weeks);
    crate::queries::outlook_view::outlook_view(
        state.store.as_ref(),
        &state.live.outlook,
        &port,
        weeks,
        crate::queries::page_now(),
    )
    .await
    .map_err(crate::error::AppError::into_server_fn_error)
}

#[component]
pub fn OutlookPage() -> impl IntoView {
    let (outlook, weeks_nav) = weeks_page(
        "/outlook",
        &OUTLOOK_WEEKS,
        crate::view_model::outlook_weeks,
        get_outlook,
    );
    view! {
        <Title text="Weekly outlook"/>
        <section class="outlook">
            {weeks_nav}
            {loaded(
                outlook,
                "Loading the outlook…",
                "The outlook is not available",
                |v| view! { <OutlookPanel view=v/> },
            )}
        </section>
    }
}

/// The share `part` is of `whole`, as a whole percentage.
fn part(part: f64, whole: f64) -> String {
    if whole > 0.0 {
        format!("{:.0}\u{a0}%", part / whole * 100.0)
    } else {
        "—".into()
    }
}

fn split_cells(s: Split) -> impl IntoView {
    view! {
        <td class="num">{teu(s.laden)}</td>
        <td class="num">{teu(s.empty())}</td>
        <td class="num">{teu(s.rail)}</td>
        <td class="num">{teu(s.local())}</td>
    }
}

/// A table of groups (terminals or carriers): TEU in each week, then the split over all.
fn group_table(
    class: &'static str,
    caption: &'static str,
    first: &'static str,
    weeks: &[String],
    rows: Vec<GroupRow>,
) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class=class>
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{first}</th>
                        {weeks.iter().map(|w| view! { <th scope="col">{w.clone()}</th> }).collect_view()}
                        <th scope="col">"All weeks"</th>
                        <th scope="col">"Laden"</th>
                        <th scope="col">"Empty"</th>
                        <th scope="col">"Rail"</th>
                        <th scope="col">"Local"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|r| view! {
                            <tr data-key=r.key.clone()>
                                <th scope="row">{r.name}</th>
                                {r.weekly_teu
                                    .iter()
                                    .map(|t| view! { <td class="num">{teu(*t)}</td> })
                                    .collect_view()}
                                <td class="num total">{teu(r.total.teu)}</td>
                                {split_cells(r.total)}
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn OutlookPanel(view: OutlookView) -> impl IntoView {
    let weeks: Vec<String> = view.weeks.iter().map(|w| w.iso_week.clone()).collect();
    let mut all = Split::default();
    view.expected.iter().for_each(|s| all.add(*s));
    view! {
        <h1>"Weekly import outlook for the " {view.port_name.clone()}</h1>
        <p class="as-of">
            "As of " <time datetime=view.as_of.clone()>{view.as_of_local.clone()}</time> " · weeks are ISO weeks in "
            {view.time_zone.clone()} " · TEU: twenty-foot equivalent units. The band is P10-P90: "
            "8 in 10 outcomes fall in it. By terminal and carrier, TEU are expected values (the "
            "mean of the outlook's draws), so they add up; the port's P50 may differ slightly."
        </p>
        <p class="headline" data-testid="outlook-split">
            <strong class="figure">{teu(all.teu)}</strong>
            " TEU of imports expected over these weeks: " {part(all.laden, all.teu)} " laden, "
            {part(all.empty(), all.teu)} " empty; " {part(all.rail, all.teu)}
            " leaving by on-dock rail, " {part(all.local(), all.teu)} " locally."
        </p>
        <Downloads
            page="outlook"
            port=view.port.clone()
            charts=vec![("outlook.svg", "weekly band"), ("outlook-terminals.svg", "by terminal")]
            params=format!("weeks={}", view.weeks.len())
        />
        <figure class="chart" inner_html=view.chart_svg.clone()></figure>
        <div class="table-wrap">
            <table class="outlook-weeks">
                <caption>"Import TEU by week: the band, a year earlier, and the split"</caption>
                {super::table_head(&["Week", "P10", "P50", "P90", "A year earlier", "Change y/y", "Expected", "Laden", "Empty", "Rail", "Local"])}
                <tbody>
                    {view
                        .weeks
                        .iter()
                        .zip(view.expected.iter())
                        .map(|(w, s)| view! {
                            <tr data-week=w.iso_week.clone()>
                                <th scope="row">{w.iso_week.clone()} <small>" from " {w.start.clone()}</small></th>
                                <td class="num">{teu(w.p10)}</td>
                                <td class="num p50">{teu(w.import_teu)}</td>
                                <td class="num">{teu(w.p90)}</td>
                                <td class="num">{w.year_ago_teu.map(teu).unwrap_or_else(|| "—".into())}</td>
                                <td class="num">{pct(w.yoy_pct)}</td>
                                <td class="num expected">{teu(s.teu)}</td>
                                {split_cells(*s)}
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        <h2>"By terminal"</h2>
        <figure class="chart" inner_html=view.terminals_svg.clone()></figure>
        {group_table("outlook-terminals", "Expected import TEU by terminal and week", "Terminal", &weeks, view.terminals.clone())}
        <h2>"By carrier"</h2>
        {group_table("outlook-carriers", "Expected import TEU by carrier and week", "Carrier", &weeks, view.carriers.clone())}
        <p class="more">
            <a href=format!("/accuracy?port={}", view.port)>"How accurate past outlooks were"</a>
        </p>
    }
}
