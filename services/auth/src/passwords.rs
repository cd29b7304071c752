//! Password rules and argon2id hashing, run on the blocking pool: a hash takes tens of
//! milliseconds of CPU and ~19 MiB, which must not stall an async worker.
//!
//! The rules are ASVS 5.0 level 2's: 8 to 128 characters, any characters, and not one of the
//! common passwords of `data/common-passwords.txt` (19,640 of them, compared case-insensitively:
//! Django's list, BSD-licensed, see `data/common-passwords.LICENSE`).

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Algorithm, Argon2, Params, Version,
};
use secrecy::{ExposeSecret, SecretString};

use crate::error::AuthError;

/// Each hash holds 19 MiB for its duration: a burst of sign-ins must queue, not pile up
/// memory (and CPU) without bound.
static HASHING: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
});

async fn off_thread<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, AuthError> {
    let _permit = HASHING.acquire().await.map_err(|e| AuthError::Unexpected(e.into()))?;
    tokio::task::spawn_blocking(work).await.map_err(|e| AuthError::Unexpected(e.into()))
}

pub const MIN_LEN: usize = 8;
pub const MAX_LEN: usize = 128;

/// OWASP's minimum for argon2id: m = 19 MiB, t = 2, p = 1.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

static COMMON: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
    std::sync::LazyLock::new(|| include_str!("../data/common-passwords.txt").lines().map(str::trim).collect());

/// Whether `password` is on the list of common passwords (compared lower-cased).
pub fn is_common(password: &str) -> bool {
    COMMON.contains(password.trim().to_lowercase().as_str())
}

pub fn validate(password: &SecretString) -> Result<(), AuthError> {
    let len = password.expose_secret().chars().count();
    if !(MIN_LEN..=MAX_LEN).contains(&len) {
        return Err(AuthError::Validation(format!("A password has {MIN_LEN} to {MAX_LEN} characters.")));
    }
    if is_common(password.expose_secret()) {
        return Err(AuthError::Validation(
            "This password is among the most common ones, the first an attacker tries. Choose another.".into(),
        ));
    }
    Ok(())
}

/// Passwords checked against a stored hash since start: what a sign-in throttle lets through.
static CHECKS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How many passwords this process has checked against a hash.
pub fn checks_made() -> u64 {
    CHECKS.load(std::sync::atomic::Ordering::Relaxed)
}

pub async fn hash(password: SecretString) -> Result<String, AuthError> {
    off_thread(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2()
            .hash_password(password.expose_secret().as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AuthError::Unexpected(anyhow::anyhow!("argon2 hashing failed: {e}")))
    })
    .await?
}

/// A hash of a random password, verified against when the account does not exist, so a
/// wrong email takes as long as a wrong password.
const DECOY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Vb5g3mWkH3V7mzYvN2o0v0QwJ7yq8v3CkUjGmz3b9bA";

pub async fn verify(password: SecretString, stored: Option<String>) -> Result<bool, AuthError> {
    CHECKS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    off_thread(move || {
        let exists = stored.is_some();
        let stored = stored.unwrap_or_else(|| DECOY_HASH.to_owned());
        let Ok(parsed) = PasswordHash::new(&stored) else { return false };
        let ok = argon2().verify_password(password.expose_secret().as_bytes(), &parsed).is_ok();
        ok && exists
    })
    .await
}

/// A one-time password an admin hands to a new user: 16 characters without look-alikes.
pub fn temporary() -> SecretString {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    let s: String = (0..16).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect();
    SecretString::from(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_is_argon2id_with_owasp_parameters_and_verifies() {
        let h = hash(SecretString::from("correct horse")).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify(SecretString::from("correct horse"), Some(h.clone())).await.unwrap());
        assert!(!verify(SecretString::from("wrong horse!"), Some(h)).await.unwrap());
        assert!(!verify(SecretString::from("correct horse"), None).await.unwrap());
    }

    #[test]
    fn length_rules_count_characters() {
        assert!(validate(&SecretString::from("1234567")).is_err());
        assert!(validate(&SecretString::from("kq7-rv2w")).is_ok());
        assert!(validate(&SecretString::from("é".repeat(128))).is_ok());
        assert!(validate(&SecretString::from("x".repeat(129))).is_err());
    }

    #[test]
    fn common_passwords_are_refused_whatever_their_case() {
        assert!(COMMON.len() >= 10_000, "{}", COMMON.len());
        for common in ["12345678", "Password1", "QWERTYUIOP", "iloveyou"] {
            assert!(validate(&SecretString::from(common)).is_err(), "{common}");
        }
        assert!(validate(&SecretString::from("Own-password-42")).is_ok());
    }
}
