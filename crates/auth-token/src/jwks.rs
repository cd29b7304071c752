//! Verifying access tokens with the auth service's public keys.

use std::{
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};

use jsonwebtoken::{jwk::JwkSet, Algorithm, DecodingKey, Validation};
use tokio::sync::{Mutex, RwLock};

use crate::claims::Claims;

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("the token is malformed")]
    Malformed,
    #[error("the token is not signed with EdDSA")]
    WrongAlgorithm,
    #[error("the token names no key, or a key the auth service does not publish")]
    UnknownKey,
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid: {0}")]
    Invalid(String),
    #[error("the auth service's keys cannot be fetched: {0}")]
    KeysUnavailable(String),
}

/// Refetching on an unknown `kid` is throttled so garbage tokens cannot hammer auth.
const MIN_REFRESH_INTERVAL: Duration = Duration::from_secs(5);

/// The auth service's public keys, fetched from its JWKS URL and cached by `kid`.
#[derive(Clone)]
pub struct JwksCache {
    url: String,
    client: reqwest::Client,
    keys: Arc<RwLock<HashMap<String, DecodingKey>>>,
    last_fetch: Arc<Mutex<Option<Instant>>>,
}

impl JwksCache {
    pub fn new(url: impl Into<String>) -> Self {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        Self { url: url.into(), client, keys: Arc::default(), last_fetch: Arc::default() }
    }

    /// A fixed set of keys, for the auth service itself, which knows its own.
    pub fn with_keys(keys: HashMap<String, DecodingKey>) -> Self {
        let mut cache = Self::new("");
        cache.keys = Arc::new(RwLock::new(keys));
        cache
    }

    async fn key(&self, kid: &str) -> Result<DecodingKey, TokenError> {
        if let Some(key) = self.keys.read().await.get(kid) {
            return Ok(key.clone());
        }
        self.refresh().await?;
        self.keys.read().await.get(kid).cloned().ok_or(TokenError::UnknownKey)
    }

    async fn refresh(&self) -> Result<(), TokenError> {
        if self.url.is_empty() {
            return Ok(());
        }
        let mut last = self.last_fetch.lock().await;
        let have_keys = !self.keys.read().await.is_empty();
        if have_keys && last.is_some_and(|t| t.elapsed() < MIN_REFRESH_INTERVAL) {
            return Ok(());
        }
        let set: JwkSet = self
            .client
            .get(&self.url)
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .map_err(|e| TokenError::KeysUnavailable(e.to_string()))?
            .json()
            .await
            .map_err(|e| TokenError::KeysUnavailable(e.to_string()))?;
        let mut fresh = HashMap::new();
        for jwk in &set.keys {
            let Some(kid) = jwk.common.key_id.clone() else { continue };
            match DecodingKey::from_jwk(jwk) {
                Ok(key) => {
                    fresh.insert(kid, key);
                }
                Err(err) => tracing::warn!(%kid, error = %err, "ignoring an unusable key in the JWKS"),
            }
        }
        tracing::debug!(keys = fresh.len(), "JWKS refreshed");
        *self.keys.write().await = fresh;
        *last = Some(Instant::now());
        Ok(())
    }
}

/// Checks signature (EdDSA only), `exp`, `nbf`, `iss` and `aud`.
#[derive(Clone)]
pub struct Verifier {
    jwks: JwksCache,
    validation: Validation,
}

impl Verifier {
    pub fn new(jwks: JwksCache, issuer: &str, audience: &str) -> Self {
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub", "nbf"]);
        validation.validate_nbf = true;
        validation.leeway = 30;
        Self { jwks, validation }
    }

    pub async fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        // `alg: none` and unknown algorithms fail here: jsonwebtoken knows no such algorithm.
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Malformed)?;
        if header.alg != Algorithm::EdDSA {
            return Err(TokenError::WrongAlgorithm);
        }
        let kid = header.kid.ok_or(TokenError::UnknownKey)?;
        let key = self.jwks.key(&kid).await?;
        jsonwebtoken::decode::<Claims>(token, &key, &self.validation).map(|data| data.claims).map_err(|e| {
            match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid(e.to_string()),
            }
        })
    }
}
