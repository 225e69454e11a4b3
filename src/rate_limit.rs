//! Per-address rate limit of the public read endpoints that other software calls: `GET` under
//! `/api/`, `/dcsa/` and `/download/`. Each client address may make `rate_limit_per_minute`
//! such requests a minute (a burst of that many, refilled evenly); more get `429` with
//! `Retry-After`. Pages are not limited here: people read them, and they are cheap to serve.
//! The address is the TCP peer's: behind a proxy every client shares the proxy's budget, so
//! limit at the proxy there (forwarded headers are not trusted: they can be forged).

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header::RETRY_AFTER, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

/// The limiter, or none when the limit is 0 (off).
#[derive(Clone)]
pub struct Limit(Option<Arc<DefaultKeyedRateLimiter<IpAddr>>>);

impl Limit {
    pub fn per_minute(n: u32) -> Limit {
        Limit(NonZeroU32::new(n).map(|n| Arc::new(RateLimiter::keyed(Quota::per_minute(n)))))
    }
}

fn limited(request: &Request) -> bool {
    let path = request.uri().path();
    matches!(*request.method(), Method::GET | Method::HEAD)
        && ["/api/", "/dcsa/", "/download/"]
            .iter()
            .any(|p| path.starts_with(p))
}

pub async fn limit(State(limit): State<Limit>, request: Request, next: Next) -> Response {
    let Some(limiter) = limit.0.as_ref().filter(|_| limited(&request)) else {
        return next.run(request).await;
    };
    let address = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
    match limiter.check_key(&address) {
        Ok(()) => next.run(request).await,
        Err(not_until) => {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            metrics::counter!("portsignal_rate_limited_total").increment(1);
            let mut response = (
                StatusCode::TOO_MANY_REQUESTS,
                axum::Json(serde_json::json!({
                    "error": format!("too many requests from {address}: try again in {seconds} s")
                })),
            )
                .into_response();
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(seconds.max(1)));
            response
        }
    }
}
