//! Conditional requests: every `200` answer to a `GET` carries a weak `ETag` (a hash of its
//! body), and a request whose `If-None-Match` names it gets `304 Not Modified` with no body.
//! A page's body holds its CSP nonce, new on every response: the tag leaves it out, so an
//! unchanged page keeps its tag; the `304` then carries no CSP, and the browser keeps the
//! page it has with the policy (and nonce) that came with it.

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_LENGTH, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG, IF_NONE_MATCH,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// Larger bodies are sent as they are, untagged (the largest here, the wasm, is ~1.3 MB).
const MAX_TAGGED: usize = 32 * 1024 * 1024;

/// The nonce a response's CSP allows scripts by, if any.
fn nonce(headers: &HeaderMap) -> Option<String> {
    let csp = headers.get(CONTENT_SECURITY_POLICY)?.to_str().ok()?;
    let start = csp.find("'nonce-")? + "'nonce-".len();
    let end = csp[start..].find('\'')? + start;
    Some(csp[start..end].to_string())
}

/// `W/"…"`: the first 128 bits of the body's SHA-256, the nonce left out. Weak, as one
/// representation may be sent compressed in several ways.
pub fn tag(body: &[u8], nonce: Option<&str>) -> String {
    let digest = match nonce.filter(|n| !n.is_empty()) {
        Some(n) => Sha256::digest(String::from_utf8_lossy(body).replace(n, "").as_bytes()),
        None => Sha256::digest(body),
    };
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("W/\"{hex}\"")
}

/// Whether `If-None-Match` names `tag` (weak comparison) or is `*`.
fn matches(if_none_match: &str, tag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_string();
    if_none_match
        .split(',')
        .any(|t| t.trim() == "*" || bare(t) == bare(tag))
}

fn taggable(method: &Method, response: &Response) -> bool {
    let h = response.headers();
    let value = |name| h.get(name).and_then(|v: &HeaderValue| v.to_str().ok());
    (method == Method::GET || method == Method::HEAD)
        && response.status() == StatusCode::OK
        && !h.contains_key(ETAG)
        && !value(CACHE_CONTROL).is_some_and(|c| c.contains("no-store"))
        && !value(CONTENT_TYPE).is_some_and(|c| c.starts_with("text/event-stream"))
        && value(CONTENT_LENGTH)
            .and_then(|l| l.parse::<usize>().ok())
            .is_none_or(|l| l <= MAX_TAGGED)
}

pub async fn etag(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let asked = request
        .headers()
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let response = next.run(request).await;
    if !taggable(&method, &response) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_TAGGED).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "response body unreadable");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let tag = tag(&bytes, nonce(&parts.headers).as_deref());
    let Ok(value) = HeaderValue::from_str(&tag) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    if asked.is_some_and(|a| matches(&a, &tag)) {
        let mut headers = parts.headers;
        for gone in [CONTENT_LENGTH, CONTENT_TYPE, CONTENT_SECURITY_POLICY] {
            headers.remove(gone);
        }
        headers.insert(ETAG, value);
        let mut not_modified = StatusCode::NOT_MODIFIED.into_response();
        *not_modified.headers_mut() = headers;
        return not_modified;
    }
    parts.headers.insert(ETAG, value);
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_leave_the_nonce_out_and_match_weakly() {
        let a = tag(b"<script nonce=\"abc123\">x</script>", Some("abc123"));
        let b = tag(b"<script nonce=\"zz9\">x</script>", Some("zz9"));
        assert_eq!(a, b);
        assert_ne!(a, tag(b"<script nonce=\"zz9\">y</script>", Some("zz9")));
        assert!(a.starts_with("W/\"") && a.len() == 3 + 32 + 1);
        assert!(matches(&a, &a));
        assert!(matches(
            &format!("\"x\", {}", a.trim_start_matches("W/")),
            &a
        ));
        assert!(matches("*", &a));
        assert!(!matches("W/\"0000\"", &a));
        let mut h = HeaderMap::new();
        h.insert(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("script-src 'self' 'nonce-QmFzZTY0' 'wasm-unsafe-eval'"),
        );
        assert_eq!(nonce(&h).as_deref(), Some("QmFzZTY0"));
    }
}
