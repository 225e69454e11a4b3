//! Passwords: argon2id with the parameters OWASP recommends for it (19 MiB of memory, two
//! passes, one lane), a random salt each, stored as a PHC string so the parameters travel
//! with the hash. Hashing is deliberately slow: callers run it off the async runtime
//! (`hash_blocking`, `verify_blocking`).

use argon2::password_hash::{rand_core::OsRng, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};

/// Memory in KiB, passes and lanes: OWASP's Password Storage Cheat Sheet, argon2id option 2.
pub const MEMORY_KIB: u32 = 19_456;
pub const PASSES: u32 = 2;
pub const LANES: u32 = 1;
/// Shorter passwords are refused (ASVS 2.1.1); longer than this too (hashing cost).
pub const MIN_LEN: usize = 12;
pub const MAX_LEN: usize = 128;

fn argon2() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Why a password cannot be set.
pub fn check(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_LEN {
        return Err(format!("a password needs at least {MIN_LEN} characters"));
    }
    if n > MAX_LEN {
        return Err(format!("a password may have at most {MAX_LEN} characters"));
    }
    Ok(())
}

/// The PHC string of `password` with a fresh salt.
pub fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashing does not fail with valid parameters")
        .to_string()
}

/// Whether `password` matches `phc` (a malformed hash matches nothing).
pub fn verify(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash of nothing anyone types, verified against when the account does not exist, so a
/// login takes as long for an unknown address as for a wrong password.
pub fn decoy() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash("no account has this password, it is only timed"))
}

pub async fn hash_blocking(password: String) -> String {
    tokio::task::spawn_blocking(move || hash(&password))
        .await
        .expect("hashing does not panic")
}

pub async fn verify_blocking(password: String, phc: String) -> bool {
    tokio::task::spawn_blocking(move || verify(&password, &phc))
        .await
        .unwrap_or(false)
}

/// A password for a new account or a reset: 20 characters from 56 unambiguous ones
/// (about 116 bits), shown once.
pub fn generate() -> String {
    use rand::Rng;
    const CHARS: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..20)
        .map(|_| CHARS[rng.gen_range(0..CHARS.len())] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_the_owasp_parameters_and_a_salt_each() {
        let a = hash("correct horse battery");
        let b = hash("correct horse battery");
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "each hash has its own salt");
        assert!(verify("correct horse battery", &a));
        assert!(verify("correct horse battery", &b));
        assert!(!verify("correct horse batterY", &a));
        assert!(!verify("correct horse battery", "not a hash"));
        assert!(!verify("anything", decoy()));
    }

    #[test]
    fn passwords_are_long_enough_and_generated_ones_are() {
        assert!(check("short").is_err());
        assert!(check(&"x".repeat(MIN_LEN)).is_ok());
        assert!(check(&"x".repeat(MAX_LEN + 1)).is_err());
        let p = generate();
        assert_eq!(p.len(), 20);
        assert!(check(&p).is_ok());
        assert_ne!(p, generate());
    }
}
