//! Server-side sessions (tower-sessions) kept in the database through the storage trait, so
//! every instance on one database shares them. The cookie holds a random id only: `HttpOnly`,
//! `SameSite=Lax`, and with `https = true` `Secure` under the `__Host-` prefix; a session ends
//! after 8 hours without a request. A session names its user and the user's session epoch:
//! raising the epoch (password reset, "log out everywhere") ends every session made before.

use crate::accounts::User;
use crate::storage::Storage;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tower_sessions::cookie::time::Duration;
use tower_sessions::cookie::SameSite;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result};
use tower_sessions::{Expiry, Session, SessionManagerLayer, SessionStore};

/// How long a session lasts without a request.
pub const IDLE_HOURS: i64 = 8;

#[derive(Clone)]
pub struct DbSessions(pub Arc<dyn Storage>);

impl std::fmt::Debug for DbSessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbSessions")
    }
}

fn backend(e: impl std::fmt::Display) -> Error {
    Error::Backend(e.to_string())
}

/// A record as stored: its JSON and when it expires.
fn encoded(record: &Record) -> Result<(String, chrono::DateTime<chrono::Utc>)> {
    let data = serde_json::to_string(record).map_err(|e| Error::Encode(e.to_string()))?;
    let expires = chrono::DateTime::from_timestamp(record.expiry_date.unix_timestamp(), 0)
        .ok_or_else(|| Error::Encode("expiry out of range".into()))?;
    Ok((data, expires))
}

#[async_trait]
impl SessionStore for DbSessions {
    /// A new session never takes over an existing one: on the (128-bit, so unheard-of) clash
    /// of ids it draws another.
    async fn create(&self, record: &mut Record) -> Result<()> {
        loop {
            let (data, expires) = encoded(record)?;
            let id = record.id.to_string();
            if self
                .0
                .create_session(&id, &data, expires)
                .await
                .map_err(backend)?
            {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> Result<()> {
        let (data, expires) = encoded(record)?;
        self.0
            .save_session(&record.id.to_string(), &data, expires)
            .await
            .map_err(backend)
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let data = self
            .0
            .load_session(&id.to_string(), chrono::Utc::now())
            .await
            .map_err(backend)?;
        data.map(|d| serde_json::from_str(&d).map_err(|e| Error::Decode(e.to_string())))
            .transpose()
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.0
            .delete_session(&id.to_string())
            .await
            .map_err(backend)
    }
}

/// The session cookie's name: `__Host-` requires `Secure`, so only over https.
pub fn cookie_name(https: bool) -> &'static str {
    if https {
        "__Host-portsignal"
    } else {
        "portsignal"
    }
}

pub fn layer(store: Arc<dyn Storage>, https: bool) -> SessionManagerLayer<DbSessions> {
    SessionManagerLayer::new(DbSessions(store))
        .with_name(cookie_name(https))
        .with_secure(https)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(Duration::hours(IDLE_HOURS)))
        // Each request moves the idle deadline on.
        .with_always_save(true)
}

const USER: &str = "user";

#[derive(Debug, Serialize, Deserialize)]
struct SessionUser {
    id: i64,
    epoch: i64,
}

type SessionResult<T> = std::result::Result<T, tower_sessions::session::Error>;

/// Starts `user`'s session under a new id (no fixation).
pub async fn start(session: &Session, user: &User) -> SessionResult<()> {
    session.cycle_id().await?;
    session
        .insert(
            USER,
            SessionUser {
                id: user.id,
                epoch: user.session_epoch,
            },
        )
        .await
}

/// The user of this session, if it names one whose epoch it still has and who is enabled;
/// a session that no longer does is ended.
pub async fn user(session: &Session, store: &dyn Storage) -> SessionResult<Option<User>> {
    let Some(s) = session.get::<SessionUser>(USER).await? else {
        return Ok(None);
    };
    let user = store
        .user(s.id)
        .await
        .map_err(|e| tower_sessions::session::Error::Store(backend(e)))?;
    match user {
        Some(u) if u.session_epoch == s.epoch && u.disabled_at.is_none() => Ok(Some(u)),
        _ => {
            session.flush().await?;
            Ok(None)
        }
    }
}

/// Whether this session's user may see what `allowed` roles may.
#[derive(Debug)]
pub enum Access {
    Allowed(User),
    /// Nobody is logged in: `401`.
    NotLoggedIn,
    /// Someone is, with another role: `403`.
    Denied,
}

pub async fn access(
    session: &Session,
    store: &dyn Storage,
    allowed: &[crate::accounts::UserRole],
) -> SessionResult<Access> {
    Ok(match user(session, store).await? {
        Some(u) if allowed.contains(&u.role) => Access::Allowed(u),
        Some(_) => Access::Denied,
        None => Access::NotLoggedIn,
    })
}

pub async fn end(session: &Session) -> SessionResult<()> {
    session.flush().await
}
