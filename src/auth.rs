//! API tokens for data providers: generated once, shown once, stored as a SHA-256 hash,
//! limited to the ports they name.

use chrono::{DateTime, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Tokens look like `ps_` followed by 64 hex digits (256 random bits).
pub const TOKEN_PREFIX: &str = "ps_";
/// Characters of a token kept in clear to recognise it (`ps_` and 8 hex digits).
const SHOWN: usize = 11;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Role {
    /// May post events, schedules and statistics for its ports.
    Provider,
    Admin,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Provider => "provider",
            Role::Admin => "admin",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "provider" => Some(Role::Provider),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// A token as stored: never the secret itself.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiToken {
    pub id: i64,
    pub prefix: String,
    pub role: Role,
    pub label: String,
    pub ports: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiToken {
    /// Admins may write for any port; providers for the ports on their token.
    pub fn may_write(&self, port: &str) -> bool {
        self.revoked_at.is_none()
            && (self.role == Role::Admin || self.ports.iter().any(|p| p == port))
    }
}

/// What `create_token` stores.
#[derive(Clone, Debug)]
pub struct NewToken {
    pub hash: String,
    pub prefix: String,
    pub role: Role,
    pub label: String,
    pub ports: Vec<String>,
    pub created_at: DateTime<Utc>,
}

/// A fresh secret and what to store of it.
pub fn generate(role: Role, label: String, ports: Vec<String>) -> (String, NewToken) {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret: String = std::iter::once(TOKEN_PREFIX.to_owned())
        .chain(bytes.iter().map(|b| format!("{b:02x}")))
        .collect();
    let token = NewToken {
        hash: hash(&secret),
        prefix: secret[..SHOWN].to_owned(),
        role,
        label,
        ports,
        created_at: Utc::now(),
    };
    (secret, token)
}

pub fn hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_and_only_their_hash_is_kept() {
        let (a, stored) = generate(Role::Provider, "x".into(), vec!["USLAX".into()]);
        let (b, _) = generate(Role::Provider, "x".into(), vec![]);
        assert_ne!(a, b);
        assert_eq!(a.len(), 3 + 64);
        assert!(a.starts_with("ps_"));
        assert_eq!(stored.hash, hash(&a));
        assert_eq!(stored.hash.len(), 64);
        assert!(!stored.hash.contains(&a[3..]));
        assert_eq!(stored.prefix, &a[..11]);
        // SHA-256 of "abc", the FIPS 180-2 test vector.
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn providers_write_for_their_ports_only() {
        let token = |role, revoked: bool| ApiToken {
            id: 1,
            prefix: "ps_00000000".into(),
            role,
            label: String::new(),
            ports: vec!["USLAX".into()],
            created_at: Utc::now(),
            last_used_at: None,
            revoked_at: revoked.then(Utc::now),
        };
        assert!(token(Role::Provider, false).may_write("USLAX"));
        assert!(!token(Role::Provider, false).may_write("USLGB"));
        assert!(token(Role::Admin, false).may_write("USLGB"));
        assert!(!token(Role::Provider, true).may_write("USLAX"));
    }
}
