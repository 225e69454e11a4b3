//! What every response carries for the browser's protection (OWASP ASVS level 2, V14.4 and
//! V50), and the check that a state-changing request comes from this site (V50.2):
//!
//! - pages get a Content-Security-Policy with the nonce Leptos put on its inline scripts
//!   ([`page_csp`], set while rendering the shell); the embed card may be framed by any site,
//!   nothing else may; every other response gets a strict policy of its own;
//! - `X-Content-Type-Options: nosniff`, `Referrer-Policy`, and HSTS when served over https;
//! - a request that changes state (any method but GET/HEAD/OPTIONS) must say it comes from
//!   this origin (`Sec-Fetch-Site: same-origin`, or a matching `Origin`), except the API and
//!   DCSA endpoints, which authenticate with bearer tokens, never cookies.

use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::header::{
    CONTENT_SECURITY_POLICY, HOST, ORIGIN, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The policy of a page: its own scripts, those with this render's nonce, and the wasm they
/// compile; styles and images from this site; no plugins, no `<base>`, no framing.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The embed card: no script at all, its inline style, framed by any site.
const EMBED_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; \
     object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors *";

/// Everything else (JSON, CSV, SVG, the static 500 page): this site's style, no script.
const OTHER_CSP: &str = "default-src 'self'; script-src 'none'; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The nonce of one response: made here, before the page renders, so that the policy sent
/// and the scripts rendered name the same one.
#[derive(Clone, Debug)]
struct CspNonce(String);

/// The nonce this request's page is rendered with (set by [`headers`]).
pub fn request_nonce(request: &Request) -> Option<&str> {
    request.extensions().get::<CspNonce>().map(|n| n.0.as_str())
}

/// Hands this request's nonce to Leptos, which puts it on the page's inline scripts (used as
/// the router's additional context, after Leptos has provided the request's parts).
pub fn provide_request_nonce() {
    use leptos::prelude::{provide_context, use_context};
    if let Some(nonce) = use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CspNonce>().cloned())
    {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
}

/// Adds the headers above to every response.
pub async fn headers(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let embed = request.uri().path().starts_with("/embed/");
    let nonce = leptos::nonce::Nonce::new().to_string();
    request.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut response = next.run(request).await;
    let html = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let h = response.headers_mut();
    if !h.contains_key(CONTENT_SECURITY_POLICY) {
        let csp = match (embed, html) {
            (true, _) => HeaderValue::from_static(EMBED_CSP),
            (false, true) => HeaderValue::from_str(&page_csp(&nonce))
                .unwrap_or(HeaderValue::from_static(OTHER_CSP)),
            (false, false) => HeaderValue::from_static(OTHER_CSP),
        };
        h.insert(CONTENT_SECURITY_POLICY, csp);
    }
    if !embed {
        h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(
        REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    if state.settings.https {
        h.insert(
            STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

/// Whether a state-changing request shows it comes from this site.
fn same_origin(request: &Request, https: bool) -> bool {
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    match header("sec-fetch-site").as_deref() {
        Some("same-origin") => return true,
        Some(_) => return false,
        None => {}
    }
    // Browsers without Fetch Metadata still send Origin with a POST.
    let (Some(origin), Some(host)) = (header(ORIGIN.as_str()), header(HOST.as_str())) else {
        return false;
    };
    let scheme = if https { "https" } else { "http" };
    origin == format!("{scheme}://{host}")
}

/// Refuses a state-changing request from elsewhere with `403`, before it reaches a handler.
pub async fn require_same_origin(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let path = request.uri().path();
    let bearer = path.starts_with("/api/") || path.starts_with("/dcsa/");
    if safe || bearer || same_origin(&request, state.settings.https) {
        return next.run(request).await;
    }
    tracing::warn!(%path, "cross-site request refused");
    (
        StatusCode::FORBIDDEN,
        "this request must come from a page of this site",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn post(headers: &[(&str, &str)]) -> Request {
        let mut r = Request::post("/_fn/logout");
        for (k, v) in headers {
            r = r.header(*k, *v);
        }
        r.body(Body::empty()).unwrap()
    }

    #[test]
    fn same_origin_by_fetch_metadata_else_by_origin() {
        assert!(same_origin(
            &post(&[("sec-fetch-site", "same-origin")]),
            false
        ));
        assert!(!same_origin(
            &post(&[("sec-fetch-site", "cross-site")]),
            false
        ));
        assert!(!same_origin(
            &post(&[
                ("sec-fetch-site", "same-site"),
                ("origin", "http://a.test"),
                ("host", "a.test")
            ]),
            false
        ));
        let from = |origin: &str| post(&[("origin", origin), ("host", "signal.example.org")]);
        assert!(same_origin(&from("http://signal.example.org"), false));
        assert!(!same_origin(&from("http://signal.example.org"), true));
        assert!(same_origin(&from("https://signal.example.org"), true));
        assert!(!same_origin(&from("https://evil.example"), true));
        assert!(!same_origin(&post(&[]), false), "neither header: refused");
    }

    #[test]
    fn the_page_policy_names_the_nonce_and_forbids_framing_and_plugins() {
        let csp = page_csp("abc123");
        assert!(csp.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval'"));
        for directive in [
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(directive), "{directive}");
            assert!(OTHER_CSP.contains(directive), "{directive}");
        }
        assert!(
            EMBED_CSP.contains("frame-ancestors *") && EMBED_CSP.contains("default-src 'none'")
        );
    }
}
