//! Verifying access tokens with the auth service's public keys.

use std::{
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};

use gamme_bus::heard_cache::HeardCache;
use jsonwebtoken::{jwk::JwkSet, Algorithm, DecodingKey, Validation};
use tokio::sync::{Mutex, RwLock};

use crate::claims::{Claims, ACCESS_TOKEN_TTL_SECS};

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

/// Tokens whose signature was checked, kept until they expire: a signature check costs far
/// more than the rest of a cached read. At most this many (then the expired go, then all), and
/// none longer than an access token lives.
const VERIFIED_CAPACITY: usize = 4096;

/// Checks signature (EdDSA only), `exp`, `nbf`, `iss` and `aud`. A token that passed is
/// remembered by its exact text until its `exp` (plus the leeway), so a signed-in user's next
/// requests skip the signature check; a token signed with a key auth has since retired stays
/// good until then, as it would for the JWKS cache's lifetime anyway.
#[derive(Clone)]
pub struct Verifier {
    jwks: JwksCache,
    validation: Validation,
    verified: Arc<HeardCache<Box<str>, Claims>>,
}

impl Verifier {
    pub fn new(jwks: JwksCache, issuer: &str, audience: &str) -> Self {
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub", "nbf"]);
        validation.validate_nbf = true;
        validation.leeway = 30;
        let lifetime = Duration::from_secs(ACCESS_TOKEN_TTL_SECS.unsigned_abs() + validation.leeway);
        Self { jwks, validation, verified: Arc::new(HeardCache::unheard(lifetime, VERIFIED_CAPACITY)) }
    }

    pub async fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        let leeway = i64::try_from(self.validation.leeway).unwrap_or(0);
        let now = chrono::Utc::now().timestamp();
        if let Some(claims) = self.verified.get(token).filter(|c| now <= c.exp + leeway) {
            return Ok(claims);
        }
        let seen = self.verified.begin();
        let claims = self.check(token).await?;
        self.verified.keep(seen, token.into(), claims.clone(), 1);
        Ok(claims)
    }

    async fn check(&self, token: &str) -> Result<Claims, TokenError> {
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

#[cfg(all(test, feature = "testing"))]
#[allow(clippy::unwrap_used)] // a test that cannot unwrap has failed
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::{role::Role, testing::TestIssuer};

    fn verifier(issuer: &TestIssuer) -> Verifier {
        let config = issuer.token_config();
        Verifier::new(JwksCache::with_keys(config.static_keys.unwrap()), &config.issuer, &config.audience)
    }

    #[tokio::test]
    async fn a_remembered_token_is_the_same_text_and_still_expires() {
        let issuer = TestIssuer::new();
        let verifier = verifier(&issuer);
        let id = Uuid::now_v7();
        let token = issuer.sign(id, "t@usine.test", "Théo", Role::Technician, 60);
        assert_eq!(verifier.verify(&token).await.unwrap().sub, id);
        assert_eq!(verifier.verify(&token).await.unwrap().sub, id, "remembered");

        // One changed character of the signature is a different text: checked, and refused.
        let mut tampered = token.clone();
        let last = tampered.pop().unwrap();
        tampered.push(if last == 'A' { 'B' } else { 'A' });
        assert!(verifier.verify(&tampered).await.is_err());

        // A remembered token past its expiry (and the leeway) is checked again, and refused.
        let expired = issuer.sign(id, "t@usine.test", "Théo", Role::Technician, -120);
        let mut claims = verifier.check(&token).await.unwrap();
        claims.exp = chrono::Utc::now().timestamp() - 120;
        verifier.verified.keep(verifier.verified.begin(), expired.as_str().into(), claims, 1);
        assert!(matches!(verifier.verify(&expired).await, Err(TokenError::Expired)));
    }
}
