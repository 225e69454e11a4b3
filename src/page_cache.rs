//! Rendered public pages, kept for anonymous visitors: the leading-indicator page is what
//! everybody opens, and its HTML only changes when the data does or when the minute its
//! "as of" names turns. A page is kept by its address and served again while the database's
//! data version ([`Storage::data_version`], bumped by every write the pages show, in any
//! instance) and the minute are the ones it was rendered at. Each answer gets its own CSP
//! nonce: the kept page's nonce is replaced by the request's.
//!
//! Only `GET`s of the public pages without a cookie or credentials are kept: a signed-in
//! visitor's page names them.
//!
//! [`Storage::data_version`]: crate::storage::Storage::data_version

use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::Mutex;

/// The public pages (paths) that are kept.
const PAGES: [&str; 7] = [
    "/",
    "/outlook",
    "/arrivals",
    "/balance",
    "/reliability",
    "/congestion",
    "/accuracy",
];

/// Addresses kept at most; past that the cache starts afresh (query strings are the
/// visitors', so their number is theirs too).
const MAX_ENTRIES: usize = 512;

/// Bodies larger than this are not kept.
const MAX_BODY: usize = 4 * 1024 * 1024;

#[derive(Clone)]
struct Kept {
    version: i64,
    minute: i64,
    nonce: String,
    headers: HeaderMap,
    body: Bytes,
}

#[derive(Default)]
pub struct PageCache {
    pages: Mutex<HashMap<String, Kept>>,
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageCache").finish_non_exhaustive()
    }
}

impl PageCache {
    fn get(&self, key: &str, version: i64, minute: i64) -> Option<Kept> {
        let pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        pages
            .get(key)
            .filter(|k| k.version == version && k.minute == minute)
            .cloned()
    }

    fn keep(&self, key: String, kept: Kept) {
        let mut pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        if pages.len() >= MAX_ENTRIES && !pages.contains_key(&key) {
            pages.clear();
        }
        pages.insert(key, kept);
    }
}

/// Whether `request` may be answered from, and its answer kept in, the cache.
fn cacheable(request: &Request) -> bool {
    let h = request.headers();
    request.method() == Method::GET
        && PAGES.contains(&request.uri().path())
        && !h.contains_key(COOKIE)
        && !h.contains_key(AUTHORIZATION)
}

/// `body` with the nonce it was rendered with replaced by `nonce`.
fn with_nonce(body: &Bytes, was: &str, nonce: &str) -> Bytes {
    match std::str::from_utf8(body) {
        Ok(text) if !was.is_empty() => Bytes::from(text.replace(was, nonce)),
        _ => body.clone(),
    }
}

/// The middleware (inside [`crate::security::headers`], which makes the request's nonce).
pub async fn serve(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !state.settings.page_cache || !cacheable(&request) {
        return next.run(request).await;
    }
    let Some(nonce) = crate::security::request_nonce(&request).map(str::to_owned) else {
        return next.run(request).await;
    };
    // A database that cannot say its version is answered by the page itself (which shows
    // the error as it would).
    let Ok(version) = state.store.data_version().await else {
        return next.run(request).await;
    };
    let minute = chrono::Utc::now().timestamp().div_euclid(60);
    let key = request.uri().to_string();
    let cache = &state.live.pages;
    if let Some(kept) = cache.get(&key, version, minute) {
        metrics::counter!("portsignal_page_cache_total", "result" => "hit").increment(1);
        let mut response = Body::from(with_nonce(&kept.body, &kept.nonce, &nonce)).into_response();
        *response.headers_mut() = kept.headers;
        return response;
    }
    metrics::counter!("portsignal_page_cache_total", "result" => "miss").increment(1);
    let response = next.run(request).await;
    let html = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if response.status() != StatusCode::OK || !html || response.headers().contains_key(SET_COOKIE) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "page too large to send").into_response();
    };
    cache.keep(
        key,
        Kept {
            version,
            minute,
            nonce,
            headers: parts.headers.clone(),
            body: bytes.clone(),
        },
    );
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(version: i64, minute: i64) -> Kept {
        Kept {
            version,
            minute,
            nonce: "n0nce".into(),
            headers: HeaderMap::new(),
            body: Bytes::from_static(b"<script nonce=\"n0nce\">"),
        }
    }

    #[test]
    fn a_page_is_served_again_only_for_its_data_version_and_minute() {
        let cache = PageCache::default();
        cache.keep("/".into(), kept(7, 100));
        assert!(cache.get("/", 7, 100).is_some());
        assert!(cache.get("/", 8, 100).is_none(), "the data changed");
        assert!(cache.get("/", 7, 101).is_none(), "the minute turned");
        assert!(cache.get("/?port=USLGB", 7, 100).is_none());
    }

    #[test]
    fn each_answer_carries_the_requests_nonce() {
        let k = kept(1, 1);
        assert_eq!(
            with_nonce(&k.body, &k.nonce, "fresh"),
            Bytes::from_static(b"<script nonce=\"fresh\">")
        );
    }

    #[test]
    fn the_cache_starts_afresh_when_full() {
        let cache = PageCache::default();
        for i in 0..MAX_ENTRIES {
            cache.keep(format!("/?port={i}"), kept(1, 1));
        }
        assert!(cache.get("/?port=0", 1, 1).is_some());
        cache.keep("/?port=new".into(), kept(1, 1));
        assert!(cache.get("/?port=0", 1, 1).is_none());
        assert!(cache.get("/?port=new", 1, 1).is_some());
    }
}
