//! Password rules and argon2id hashing, run on the blocking pool: a hash takes tens of
//! milliseconds of CPU and ~19 MiB, which must not stall an async worker.
//!
//! The rules are ASVS 5.0 level 2's: 8 to 128 characters, any characters, and not one of the
//! common passwords of `data/common-passwords.txt` (19,640 of them, compared case-insensitively:
//! Django's list, BSD-licensed, see `data/common-passwords.LICENSE`).
//!
//! The 19 MiB are allocated once per hashing slot and reused. Letting argon2 allocate them per
//! hash made auth's memory grow with every sign-in (18 MiB idle, ~600 MiB after 100): glibc
//! serves a freed 19 MiB block from the heap once its adaptive mmap threshold has risen past it,
//! every blocking thread gets an arena of its own, and an arena keeps what it was given. With the
//! slots' blocks kept, no hash allocates: memory is the base plus one block set per slot.

use std::sync::{LazyLock, Mutex};

use argon2::{
    password_hash::{rand_core::OsRng, Output, ParamsString, PasswordHash, SaltString},
    Algorithm, Argon2, Block, Params, Version,
};
use secrecy::{ExposeSecret, SecretString};

use crate::error::AuthError;

/// Hashes at once, whatever the host: each holds its slot's working memory (19 MiB) for its
/// duration, so a burst of sign-ins queues instead of piling up memory (and CPU). Two slots sign
/// in a shift of 50 technicians in about a second of a release build's hashing.
const SLOTS: usize = 2;

struct Hashing {
    slots: tokio::sync::Semaphore,
    /// The working memory of idle slots (made when first needed, then kept).
    memory: Mutex<Vec<Vec<Block>>>,
}

static HASHING: LazyLock<Hashing> =
    LazyLock::new(|| Hashing { slots: tokio::sync::Semaphore::new(SLOTS), memory: Mutex::new(Vec::new()) });

/// Runs `work` on the blocking pool with a slot's working memory.
async fn with_memory<T: Send + 'static>(
    work: impl FnOnce(&mut Vec<Block>) -> T + Send + 'static,
) -> Result<T, AuthError> {
    let _slot = HASHING.slots.acquire().await.map_err(|e| AuthError::Unexpected(e.into()))?;
    tokio::task::spawn_blocking(move || {
        let mut blocks = HASHING.memory.lock().map(|mut m| m.pop()).unwrap_or_default().unwrap_or_default();
        let out = work(&mut blocks);
        if let Ok(mut memory) = HASHING.memory.lock() {
            memory.push(blocks);
        }
        out
    })
    .await
    .map_err(|e| AuthError::Unexpected(e.into()))
}

/// Argon2 over `blocks`, resized (once) to what `argon2`'s parameters need.
fn hash_into(
    argon2: &Argon2<'_>,
    params: &Params,
    password: &[u8],
    salt: &SaltString,
    output_len: usize,
    blocks: &mut Vec<Block>,
) -> argon2::password_hash::Result<Output> {
    if blocks.len() != params.block_count() {
        *blocks = vec![Block::new(); params.block_count()];
    }
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.as_salt().decode_b64(&mut salt_bytes)?;
    Output::init_with(output_len, |out| {
        Ok(argon2.hash_password_into_with_memory(password, salt_bytes, out, &mut blocks[..])?)
    })
}

pub const MIN_LEN: usize = 8;
pub const MAX_LEN: usize = 128;

/// OWASP's minimum for argon2id: m = 19 MiB, t = 2, p = 1.
fn params() -> Params {
    Params::new(19 * 1024, 2, 1, None).expect("argon2 parameters are valid")
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
    with_memory(move |blocks| {
        let salt = SaltString::generate(&mut OsRng);
        let params = params();
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
        let output = hash_into(
            &argon2,
            &params,
            password.expose_secret().as_bytes(),
            &salt,
            Params::DEFAULT_OUTPUT_LEN,
            blocks,
        )?;
        let hash = PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(&params)?,
            salt: Some(salt.as_salt()),
            hash: Some(output),
        };
        Ok::<_, argon2::password_hash::Error>(hash.to_string())
    })
    .await?
    .map_err(|e| AuthError::Unexpected(anyhow::anyhow!("argon2 hashing failed: {e}")))
}

/// A hash of a random password, verified against when the account does not exist, so a
/// wrong email takes as long as a wrong password.
const DECOY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Vb5g3mWkH3V7mzYvN2o0v0QwJ7yq8v3CkUjGmz3b9bA";

pub async fn verify(password: SecretString, stored: Option<String>) -> Result<bool, AuthError> {
    CHECKS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    with_memory(move |blocks| {
        let exists = stored.is_some();
        let stored = stored.unwrap_or_else(|| DECOY_HASH.to_owned());
        matches(password.expose_secret().as_bytes(), &stored, blocks).unwrap_or(false) && exists
    })
    .await
}

/// Whether `password` hashes to `stored` (with the parameters `stored` names), as argon2's own
/// `verify_password` decides, over the slot's memory. The comparison is `Output`'s, in constant time.
fn matches(password: &[u8], stored: &str, blocks: &mut Vec<Block>) -> argon2::password_hash::Result<bool> {
    let parsed = PasswordHash::new(stored)?;
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else { return Ok(false) };
    let algorithm = Algorithm::try_from(parsed.algorithm)?;
    let version = parsed.version.map(Version::try_from).transpose()?.unwrap_or_default();
    let params = Params::try_from(&parsed)?;
    let argon2 = Argon2::new(algorithm, version, params.clone());
    let salt = SaltString::from_b64(salt.as_str())?;
    let computed = hash_into(&argon2, &params, password, &salt, expected.len(), blocks)?;
    Ok(computed == expected)
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

    #[tokio::test]
    async fn hashes_made_by_argon2s_own_hasher_verify_and_the_other_way_round() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let theirs_hasher = Argon2::new(Algorithm::Argon2id, Version::V0x13, params());
        let salt = SaltString::generate(&mut OsRng);
        let theirs = theirs_hasher.hash_password(b"correct horse", &salt).unwrap().to_string();
        assert!(verify(SecretString::from("correct horse"), Some(theirs.clone())).await.unwrap());
        assert!(!verify(SecretString::from("wrong horse!"), Some(theirs)).await.unwrap());
        let ours = hash(SecretString::from("correct horse")).await.unwrap();
        assert!(theirs_hasher.verify_password(b"correct horse", &PasswordHash::new(&ours).unwrap()).is_ok());
        // A hash made with other parameters (before a change of them) still verifies.
        let light = Params::new(8 * 1024, 1, 1, None).unwrap();
        let older = Argon2::new(Algorithm::Argon2id, Version::V0x13, light).hash_password(b"pumpkin!", &salt).unwrap();
        assert!(verify(SecretString::from("pumpkin!"), Some(older.to_string())).await.unwrap());
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
