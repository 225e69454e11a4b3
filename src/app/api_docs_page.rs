//! `/api/v1/docs`: the API's reference for people, made from the OpenAPI document the API
//! serves (`/api/v1/openapi.json`), so the two cannot disagree.

use crate::view_model::{ApiDocsView, ApiEndpoint, ApiField, ApiSchema};
use leptos::prelude::*;
use leptos_meta::Title;

#[server(prefix = "/_fn", endpoint = "api-docs")]
pub async fn api_docs() -> Result<ApiDocsView, ServerFnError> {
    static VIEW: std::sync::OnceLock<ApiDocsView> = std::sync::OnceLock::new();
    Ok(VIEW
        .get_or_init(|| {
            let doc = serde_json::to_value(crate::api::openapi()).unwrap_or_default();
            crate::queries::api_docs::docs(&doc)
        })
        .clone())
}

#[component]
pub fn ApiDocsPage() -> impl IntoView {
    let resource = Resource::new(|| (), |_| api_docs());
    view! {
        <Title text="API"/>
        <section class="api-docs">
            {super::loaded::loaded(resource, "Loading the reference…", "The reference is not available", |v| view! { <ApiDocs view=v/> })}
        </section>
    }
}

/// The document's prose, with its `backticked` spans as code.
fn prose(text: String) -> impl IntoView {
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                view! { <code>{part.to_string()}</code> }.into_any()
            } else {
                part.to_string().into_any()
            }
        })
        .collect_view()
}

/// Where a schema's description sits in the page.
fn anchor(name: &str) -> String {
    format!("schema-{name}")
}

/// A type in words, the schema names in it linked to their descriptions.
fn kind_view(kind: String, names: &[String]) -> impl IntoView {
    let linked = names.iter().find(|n| {
        kind == **n
            || kind == format!("array of {n}")
            || kind == format!("{n} or null")
            || kind == format!("null or {n}")
    });
    match linked {
        Some(name) => {
            let (before, after) = kind.split_once(name.as_str()).unwrap_or((&kind, ""));
            view! {
                {before.to_string()}
                <a href=format!("#{}", anchor(name))>{name.clone()}</a>
                {after.to_string()}
            }
            .into_any()
        }
        None => view! { <code>{kind}</code> }.into_any(),
    }
}

fn field_rows(fields: Vec<ApiField>, names: &[String], with_location: bool) -> impl IntoView {
    fields
        .into_iter()
        .map(|f| {
            view! {
                <tr>
                    <th scope="row"><code>{f.name}</code></th>
                    {with_location.then(|| view! { <td>{f.location}</td> })}
                    <td>{kind_view(f.kind, names)}</td>
                    <td>{if f.required { "yes" } else { "no" }}</td>
                    <td>{prose(f.description)}</td>
                </tr>
            }
        })
        .collect_view()
}

fn endpoint_view(e: ApiEndpoint, names: &[String]) -> impl IntoView {
    let id = format!(
        "{}-{}",
        e.method.to_lowercase(),
        e.path.replace(['/', '{', '}'], "-")
    );
    view! {
        <article class="endpoint" id=id data-testid="endpoint">
            <h3>
                <span class=format!("method method-{}", e.method.to_lowercase())>{e.method.clone()}</span>
                " " <code class="path">{e.path.clone()}</code>
                {e.secured.then(|| view! { <span class="secured" title="Needs a provider's bearer token">" token"</span> })}
            </h3>
            <p>{prose(e.summary)}</p>
            {(!e.description.is_empty()).then(|| view! { <p>{prose(e.description)}</p> })}
            {(!e.params.is_empty()).then(|| view! {
                <div class="table-wrap">
                    <table class="params">
                        <caption>"Parameters"</caption>
                        {super::table_head(&["Name", "In", "Type", "Required", "Meaning"])}
                        <tbody>{field_rows(e.params, names, true)}</tbody>
                    </table>
                </div>
            })}
            {e.body.map(|(content_type, what)| view! {
                <p class="body">"Body: " <code>{content_type}</code> ". " {prose(what)}</p>
            })}
            <div class="table-wrap">
                <table class="responses">
                    <caption>"Answers"</caption>
                    {super::table_head(&["Status", "When", "Body"])}
                    <tbody>
                        {e.responses.into_iter().map(|r| view! {
                            <tr>
                                <th scope="row">{r.status}</th>
                                <td>{prose(r.description)}</td>
                                <td>{kind_view(r.schema, names)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </article>
    }
}

fn schema_view(s: ApiSchema, names: &[String]) -> impl IntoView {
    view! {
        <article class="schema" id=anchor(&s.name)>
            <h3><code>{s.name.clone()}</code></h3>
            {(!s.description.is_empty()).then(|| view! { <p>{prose(s.description)}</p> })}
            {(!s.fields.is_empty()).then(|| view! {
                <div class="table-wrap">
                    <table class="fields">
                        {super::table_head(&["Field", "Type", "Always there", "Meaning"])}
                        <tbody>{field_rows(s.fields, names, false)}</tbody>
                    </table>
                </div>
            })}
        </article>
    }
}

#[component]
fn ApiDocs(view: ApiDocsView) -> impl IntoView {
    let names: Vec<String> = view.schemas.iter().map(|s| s.name.clone()).collect();
    let mut tags: Vec<String> = Vec::new();
    for e in &view.endpoints {
        if !tags.contains(&e.tag) {
            tags.push(e.tag.clone());
        }
    }
    let by_tag = tags
        .into_iter()
        .map(|tag| {
            let of_tag: Vec<ApiEndpoint> = view
                .endpoints
                .iter()
                .filter(|e| e.tag == tag)
                .cloned()
                .collect();
            let names = names.clone();
            view! {
                <h2>{tag}</h2>
                {of_tag.into_iter().map(|e| endpoint_view(e, &names)).collect_view()}
            }
        })
        .collect_view();
    view! {
        <h1>{view.title} " " <small>{view.version}</small></h1>
        <p>{prose(view.description)}</p>
        <p>
            "The same reference as an OpenAPI 3.1 document: "
            <a href="/api/v1/openapi.json" rel="external" data-testid="openapi-link">"/api/v1/openapi.json"</a>
            ". Reads are limited per client address; a client over the limit is answered "
            <code>"429"</code> " with " <code>"Retry-After"</code> "."
        </p>
        {by_tag}
        <h2>"Schemas"</h2>
        {view.schemas.into_iter().map(|s| schema_view(s, &names)).collect_view()}
    }
}
