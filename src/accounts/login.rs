//! Logging in: the password checked off the async runtime, and throttled. After
//! [`MAX_FAILURES`] failed attempts within [`WINDOW`] for an account or from an address,
//! further attempts are refused (`429`) until the oldest of them is out of the window; the
//! count is kept in the database, so it holds across instances and restarts.

use super::{password, User};
use crate::storage::{Result, Storage};
use chrono::{DateTime, Duration, Utc};

pub const MAX_FAILURES: i64 = 5;
pub const WINDOW: Duration = Duration::minutes(5);

#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    LoggedIn(User),
    /// Unknown address, wrong password or disabled account: said the same way.
    Refused,
    /// Too many failures: try again after this long.
    Throttled(Duration),
}

fn keys(email: &str, address: &str) -> [String; 2] {
    [format!("account:{email}"), format!("address:{address}")]
}

/// Checks `password` for `email` (already normalised) from `address` at `now`.
pub async fn log_in(
    store: &dyn Storage,
    email: &str,
    password_given: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<Outcome> {
    let keys = keys(email, address);
    for key in &keys {
        if store.login_failures_since(key, now - WINDOW).await? >= MAX_FAILURES {
            return Ok(Outcome::Throttled(WINDOW));
        }
    }
    let found = store.user_by_email(email).await?;
    // An unknown address costs as much as a wrong password: no timing tells them apart.
    let hash = found
        .as_ref()
        .map_or_else(|| password::decoy().to_string(), |(_, h)| h.clone());
    let matches = password::verify_blocking(password_given.to_string(), hash).await;
    match found {
        Some((user, _)) if matches && user.disabled_at.is_none() => {
            store.clear_login_failures(&keys[0]).await?;
            Ok(Outcome::LoggedIn(user))
        }
        _ => {
            for key in &keys {
                store.login_failure(key, now).await?;
            }
            Ok(Outcome::Refused)
        }
    }
}
