//! People who log in: port staff, cargo owners and admins, each in an organisation (a cargo
//! owner's lists the carriers and services it follows). Data providers use API tokens
//! (`crate::auth`), the public no account at all. Passwords: `password`.

pub mod login;
pub mod password;

use chrono::{DateTime, Utc};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum UserRole {
    /// A shipper or consignee: sees the volume of the carriers and services it follows.
    Owner,
    /// Port staff: labour planning and everything public.
    Staff,
    /// Manages users, organisations, tokens and ports.
    Admin,
}

impl UserRole {
    pub fn code(self) -> &'static str {
        match self {
            UserRole::Owner => "owner",
            UserRole::Staff => "staff",
            UserRole::Admin => "admin",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "owner" => Some(UserRole::Owner),
            "staff" => Some(UserRole::Staff),
            "admin" => Some(UserRole::Admin),
            _ => None,
        }
    }
}

/// A carrier an organisation follows, all its services or one.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Follow {
    pub carrier: String,
    pub service: Option<String>,
}

impl Follow {
    /// `MSK` or `MSK:TP6`.
    pub fn parse(text: &str) -> Result<Follow, String> {
        let text = text.trim().to_uppercase();
        let (carrier, service) = match text.split_once(':') {
            Some((c, s)) => (c.to_string(), Some(s.to_string())),
            None => (text.clone(), None),
        };
        let code = |s: &str| {
            !s.is_empty() && s.len() <= 10 && s.chars().all(|c| c.is_ascii_alphanumeric())
        };
        if !code(&carrier) || service.as_deref().is_some_and(|s| !code(s)) {
            return Err(format!(
                "'{text}' is not CARRIER or CARRIER:SERVICE (e.g. MSK:TP6)"
            ));
        }
        Ok(Follow { carrier, service })
    }

    /// Whether a call of `carrier`'s `service` is followed.
    pub fn covers(&self, carrier: &str, service: &str) -> bool {
        self.carrier == carrier && self.service.as_deref().is_none_or(|s| s == service)
    }
}

impl std::fmt::Display for Follow {
    /// As [`Follow::parse`] reads it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.service {
            Some(s) => write!(f, "{}:{s}", self.carrier),
            None => write!(f, "{}", self.carrier),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Organisation {
    pub id: i64,
    pub name: String,
    pub follows: Vec<Follow>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct User {
    pub id: i64,
    /// Lower-case.
    pub email: String,
    pub role: UserRole,
    pub organisation_id: Option<i64>,
    /// Sessions made under an older epoch are no longer valid ("log out everywhere", resets).
    pub session_epoch: i64,
    pub created_at: DateTime<Utc>,
    pub disabled_at: Option<DateTime<Utc>>,
}

/// What `create_user` stores.
#[derive(Clone, Debug)]
pub struct NewUser {
    pub email: String,
    pub password_hash: String,
    pub role: UserRole,
    pub organisation_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// What a watchlist holds: a vessel (by IMO number) or a service (`CARRIER:SERVICE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum WatchKind {
    Vessel,
    Service,
}

impl WatchKind {
    pub fn code(self) -> &'static str {
        match self {
            WatchKind::Vessel => "vessel",
            WatchKind::Service => "service",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "vessel" => Some(WatchKind::Vessel),
            "service" => Some(WatchKind::Service),
            _ => None,
        }
    }
}

/// One entry of a user's watchlist.
#[derive(Clone, Debug, PartialEq)]
pub struct Watch {
    pub kind: WatchKind,
    pub key: String,
    pub added_at: DateTime<Utc>,
}

impl Watch {
    /// Checks and normalises a key: a valid IMO number, or `CARRIER:SERVICE`.
    pub fn new(kind: WatchKind, key: &str, added_at: DateTime<Utc>) -> Result<Watch, String> {
        let key = key.trim().to_uppercase();
        let ok = match kind {
            WatchKind::Vessel => crate::domain::port_call::imo_is_valid(&key),
            WatchKind::Service => Follow::parse(&key).is_ok_and(|f| f.service.is_some()),
        };
        if !ok {
            return Err(match kind {
                WatchKind::Vessel => format!("'{key}' is not an IMO number"),
                WatchKind::Service => format!("'{key}' is not CARRIER:SERVICE (e.g. MSK:TP6)"),
            });
        }
        Ok(Watch {
            kind,
            key,
            added_at,
        })
    }
}

/// E-mail addresses are compared lower-case and trimmed.
pub fn normalise_email(email: &str) -> Result<String, String> {
    let e = email.trim().to_lowercase();
    match e.split_once('@') {
        Some((local, domain))
            if !local.is_empty() && domain.contains('.') && !e.contains(char::is_whitespace) =>
        {
            Ok(e)
        }
        _ => Err(format!("'{email}' is not an e-mail address")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_parse_and_cover() {
        let all = Follow::parse(" msk ").unwrap();
        assert_eq!(
            all,
            Follow {
                carrier: "MSK".into(),
                service: None
            }
        );
        assert!(all.covers("MSK", "TP6") && !all.covers("MSC", "TP6"));
        let one = Follow::parse("MSK:tp6").unwrap();
        assert!(one.covers("MSK", "TP6") && !one.covers("MSK", "AE7"));
        assert_eq!(
            (all.to_string(), one.to_string()),
            ("MSK".into(), "MSK:TP6".into())
        );
        assert!(Follow::parse("MSK:").is_err());
        assert!(Follow::parse("M S K").is_err());
    }

    #[test]
    fn emails_are_lower_case_and_checked() {
        assert_eq!(
            normalise_email(" Ana@Example.ORG ").unwrap(),
            "ana@example.org"
        );
        assert!(normalise_email("ana").is_err());
        assert!(normalise_email("ana@localhost").is_err());
        assert!(normalise_email("a na@example.org").is_err());
    }

    #[test]
    fn role_codes_round_trip() {
        for r in [UserRole::Owner, UserRole::Staff, UserRole::Admin] {
            assert_eq!(UserRole::from_code(r.code()), Some(r));
        }
        assert_eq!(UserRole::from_code("provider"), None);
    }
}
