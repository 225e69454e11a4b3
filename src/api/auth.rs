//! Bearer tokens as an extractor: a handler that takes `Provider` cannot forget to check.

use crate::auth::{hash, ApiToken};
use crate::error::AppError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use chrono::{Duration, Utc};

/// How often a token's last use is written: often enough to show in lists, rarely enough not
/// to turn every read into a write.
const TOUCH_EVERY: Duration = Duration::seconds(60);

/// A caller holding a live data-provider (or admin) token.
pub struct Provider(pub ApiToken);

impl FromRequestParts<AppState> for Provider {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let secret = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or(AppError::Unauthorized)?;
        let token = state
            .store
            .token_by_hash(&hash(secret))
            .await?
            .filter(|t| t.revoked_at.is_none())
            .ok_or(AppError::Unauthorized)?;
        let now = Utc::now();
        if token.last_used_at.is_none_or(|at| now - at > TOUCH_EVERY) {
            state.store.touch_token(token.id, now).await?;
        }
        Ok(Provider(token))
    }
}
