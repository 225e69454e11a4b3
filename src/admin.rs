//! Administration, shared by the command line and `/admin`: organisations, users, API tokens,
//! ports, terminals and shift patterns. Each operation checks its input and says what is wrong
//! as a `BadRequest` the CLI prints and the page shows.

use crate::accounts::{normalise_email, password, Follow, NewUser, UserRole};
use crate::auth::Role;
use crate::config::is_locode;
use crate::domain::labour::{format_shifts, parse_shifts};
use crate::domain::{Port, Terminal};
use crate::error::AppError;
use crate::storage::{Batch, Storage};
use chrono::Utc;

fn bad(message: impl Into<String>) -> AppError {
    AppError::BadRequest(message.into())
}

/// A new organisation following `follows` (`MSK` or `MSK:TP6` each); its id.
pub async fn add_organisation(
    store: &dyn Storage,
    name: &str,
    follows: &[String],
) -> Result<i64, AppError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(bad("an organisation needs a name"));
    }
    let follows = follows
        .iter()
        .filter(|f| !f.trim().is_empty())
        .map(|f| Follow::parse(f))
        .collect::<Result<Vec<_>, _>>()
        .map_err(bad)?;
    if store.organisations().await?.iter().any(|o| o.name == name) {
        return Err(bad(format!(
            "an organisation named '{name}' exists already"
        )));
    }
    Ok(store
        .create_organisation(name, &follows, Utc::now())
        .await?)
}

/// A new user of the organisation named `org`, with `secret` as password (hashed off the
/// runtime); the user's id and normalised e-mail address.
pub async fn add_user(
    store: &dyn Storage,
    email: &str,
    role: UserRole,
    org: &str,
    secret: &str,
) -> Result<(i64, String), AppError> {
    let email = normalise_email(email).map_err(bad)?;
    password::check(secret).map_err(bad)?;
    let org = store
        .organisations()
        .await?
        .into_iter()
        .find(|o| o.name == org.trim())
        .ok_or_else(|| bad(format!("no organisation '{}'", org.trim())))?;
    if store.user_by_email(&email).await?.is_some() {
        return Err(bad(format!("a user {email} exists already")));
    }
    let id = store
        .create_user(&NewUser {
            email: email.clone(),
            password_hash: password::hash_blocking(secret.to_string()).await,
            role,
            organisation_id: Some(org.id),
            created_at: Utc::now(),
        })
        .await?;
    Ok((id, email))
}

/// The user with this e-mail address.
async fn user_id(store: &dyn Storage, email: &str) -> Result<(i64, String), AppError> {
    let email = normalise_email(email).map_err(bad)?;
    let (user, _) = store
        .user_by_email(&email)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no user {email}")))?;
    Ok((user.id, email))
}

/// Replaces a user's password; every session of theirs ends.
pub async fn set_password(
    store: &dyn Storage,
    email: &str,
    secret: &str,
) -> Result<String, AppError> {
    password::check(secret).map_err(bad)?;
    let (id, email) = user_id(store, email).await?;
    store
        .set_password(id, &password::hash_blocking(secret.to_string()).await)
        .await?;
    Ok(email)
}

/// Ends every session of a user.
pub async fn end_sessions(store: &dyn Storage, email: &str) -> Result<String, AppError> {
    let (id, email) = user_id(store, email).await?;
    store.end_sessions(id).await?;
    Ok(email)
}

/// A new API token; its id and its secret, to be shown once.
pub async fn create_token(
    store: &dyn Storage,
    role: Role,
    label: &str,
    ports: &[String],
) -> Result<(i64, String), AppError> {
    let ports: Vec<String> = ports
        .iter()
        .map(|p| p.trim().to_uppercase())
        .filter(|p| !p.is_empty())
        .collect();
    if role == Role::Provider && ports.is_empty() {
        return Err(bad("a provider token needs at least one port"));
    }
    for port in &ports {
        if store.port(port).await?.is_none() {
            return Err(bad(format!("unknown port {port}")));
        }
    }
    let (secret, token) = crate::auth::generate(role, label.trim().to_string(), ports);
    let id = store.create_token(&token).await?;
    Ok((id, secret))
}

pub async fn revoke_token(store: &dyn Storage, id: i64) -> Result<(), AppError> {
    if store.revoke_token(id, Utc::now()).await? {
        Ok(())
    } else {
        Err(AppError::NotFound(format!(
            "no token {id} that is not revoked already"
        )))
    }
}

/// Adds a port or updates its name and time zone.
pub async fn save_port(
    store: &dyn Storage,
    locode: &str,
    name: &str,
    tz: &str,
) -> Result<Port, AppError> {
    let locode = locode.trim().to_uppercase();
    if !is_locode(&locode) {
        return Err(bad(format!("'{locode}' is not a UN/LOCODE (e.g. USLAX)")));
    }
    if name.trim().is_empty() {
        return Err(bad("a port needs a name"));
    }
    if tz.trim().parse::<chrono_tz::Tz>().is_err() {
        return Err(bad(format!(
            "'{}' is not an IANA time zone (e.g. America/Los_Angeles)",
            tz.trim()
        )));
    }
    let port = Port {
        locode,
        name: name.trim().to_string(),
        time_zone: tz.trim().to_string(),
    };
    store
        .write_batch(&Batch {
            ports: vec![port.clone()],
            ..Batch::default()
        })
        .await?;
    Ok(port)
}

/// Sets a port's shift pattern (`day 08-17, night 18-03, hoot 03-08`); the pattern as stored.
pub async fn set_shifts(
    store: &dyn Storage,
    port: &str,
    pattern: &str,
) -> Result<String, AppError> {
    let shifts = parse_shifts(pattern).map_err(bad)?;
    let text = format_shifts(&shifts);
    let port = port.trim().to_uppercase();
    if store.set_port_shifts(&port, &text).await? {
        Ok(text)
    } else {
        Err(AppError::NotFound(format!("no port {port}")))
    }
}

/// Adds a terminal or updates it: its name, berths, gang productivity and daily capacity.
pub async fn save_terminal(store: &dyn Storage, terminal: Terminal) -> Result<Terminal, AppError> {
    let t = Terminal {
        port: terminal.port.trim().to_uppercase(),
        code: terminal.code.trim().to_uppercase(),
        name: terminal.name.trim().to_string(),
        ..terminal
    };
    if store.port(&t.port).await?.is_none() {
        return Err(AppError::NotFound(format!("no port {}", t.port)));
    }
    if t.code.is_empty() || t.code.len() > 10 || !t.code.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return Err(bad(format!(
            "'{}' is not a terminal code (e.g. APMT)",
            t.code
        )));
    }
    if t.name.is_empty() {
        return Err(bad("a terminal needs a name"));
    }
    if t.berths < 1 {
        return Err(bad("a terminal has at least one berth"));
    }
    if !(t.gang_moves_per_hour > 0.0 && t.gang_moves_per_hour <= 200.0) {
        return Err(bad("gang moves per hour must be above 0 and at most 200"));
    }
    if !(t.daily_capacity_teu > 0.0 && t.daily_capacity_teu.is_finite()) {
        return Err(bad("daily capacity must be above 0 TEU"));
    }
    store
        .write_batch(&Batch {
            terminals: vec![t.clone()],
            ..Batch::default()
        })
        .await?;
    Ok(t)
}
