//! Live updates: when data for a port arrives (through the API), every open page of that port
//! hears of it within a second and refetches what it shows. One server-sent event stream per
//! page, `GET /live?port=LOCODE`; the browser's EventSource reconnects by itself after a
//! server restart. Instances sharing a PostgreSQL database relay changes to each other through
//! it (`NOTIFY`/`LISTEN`): a page hears of data posted to any instance.

use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use axum::Router;
use futures::Stream;
use serde::Deserialize;
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast;

/// Every port, for changes that may touch any (a schedule feed).
pub const ALL_PORTS: &str = "*";

/// Tells open pages that a port's data changed.
#[derive(Clone, Debug)]
pub struct Live {
    tx: broadcast::Sender<String>,
    /// This process among the instances on one database: it ignores its own notifications.
    instance: String,
    /// Outlooks computed for pages and the API, forgotten when their port changes.
    pub outlook: crate::queries::outlook::OutlookCache,
    /// Public pages rendered for anonymous visitors (checked against the data version).
    pub pages: std::sync::Arc<crate::page_cache::PageCache>,
    /// Set when the server shuts down: streams end, so graceful shutdown does not wait on
    /// pages that would listen forever.
    closing: std::sync::Arc<tokio::sync::watch::Sender<bool>>,
}

impl Default for Live {
    fn default() -> Self {
        // Pages only need to know that something changed: a slow one that misses messages
        // still hears the next.
        Live {
            tx: broadcast::channel(64).0,
            instance: format!("{:016x}", rand::random::<u64>()),
            outlook: Default::default(),
            pages: Default::default(),
            closing: std::sync::Arc::new(tokio::sync::watch::channel(false).0),
        }
    }
}

impl Live {
    /// Announces that `port` (or [`ALL_PORTS`]) changed. Nobody listening is fine.
    pub fn changed(&self, port: &str) {
        self.outlook.forget(&port.to_uppercase());
        crate::chart::forget_charts();
        let _ = self.tx.send(port.to_uppercase());
    }

    /// A change another instance announced (`INSTANCE PORT`); this one's own are ignored.
    pub fn relayed(&self, message: &str) {
        if let Some((from, port)) = message.split_once(' ') {
            if from != self.instance {
                self.changed(port);
            }
        }
    }

    /// Relays the other instances' changes to this one's pages while the process runs;
    /// after a failure it listens again (returns at once where there are no others: SQLite).
    pub async fn relay(self, store: std::sync::Arc<dyn crate::storage::Storage>) {
        loop {
            let live = self.clone();
            match store.listen(Box::new(move |m| live.relayed(&m))).await {
                Ok(()) => return,
                Err(e) => {
                    tracing::warn!(error = %e, "change relay interrupted; listening again");
                    tokio::time::sleep(Duration::from_secs(2)).await;
                }
            }
        }
    }

    /// Ends every open stream (at shutdown); browsers reconnect to the next server.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }
}

/// Announces that `port` (or [`ALL_PORTS`]) changed, to this instance's pages and to every
/// other instance on the database. A failed relay is logged: the data is stored either way.
pub async fn announce(state: &AppState, port: &str) {
    state.live.changed(port);
    let message = format!("{} {}", state.live.instance, port.to_uppercase());
    if let Err(e) = state.store.notify(&message).await {
        tracing::warn!(error = %e, "change not relayed to other instances");
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/live", get(stream))
}

#[derive(Debug, Deserialize)]
struct PortParam {
    port: Option<String>,
}

/// `ready` once, then `changed` (data: the port) whenever the port's data changes.
async fn stream(
    State(state): State<AppState>,
    Query(params): Query<PortParam>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let port = params
        .port
        .unwrap_or_else(|| state.settings.default_port.clone())
        .trim()
        .to_uppercase();
    let rx = state.live.tx.subscribe();
    let closing = state.live.closing.subscribe();
    let first = Event::default().event("ready").data(port.clone());
    let changes = futures::stream::unfold(
        (rx, closing, port),
        |(mut rx, mut closing, port)| async move {
            loop {
                let received = tokio::select! {
                    r = rx.recv() => r,
                    _ = closing.wait_for(|c| *c) => return None,
                };
                match received {
                    Ok(p) if p == port || p == ALL_PORTS => {
                        let event = Event::default().event("changed").data(p);
                        return Some((Ok(event), (rx, closing, port)));
                    }
                    Ok(_) => continue,
                    // Missed some: say "changed" once, the page refetches everything anyway.
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        let event = Event::default().event("changed").data(port.clone());
                        return Some((Ok(event), (rx, closing, port)));
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            }
        },
    );
    let stream = futures::StreamExt::chain(futures::stream::once(async { Ok(first) }), changes);
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
