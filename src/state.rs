//! What every handler and server function can reach.

use crate::config::Settings;
use crate::storage::Storage;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub store: Arc<dyn Storage>,
    pub settings: Arc<Settings>,
    pub live: crate::live::Live,
    /// Monthly forecasts, kept by the statistics they were made from.
    pub forecasts: crate::queries::forecast::ForecastCache,
}
