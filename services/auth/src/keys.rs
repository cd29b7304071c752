//! Ed25519 signing keys: generated on first start and kept in Postgres (several auth
//! replicas agree on the oldest active key), or given by `GAMME_JWT_PRIVATE_KEY(_FILE)`.
//! Signs access tokens and publishes the public halves as a JWKS.

use std::collections::HashMap;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use gamme_auth_token::{Claims, ACCESS_TOKEN_TTL_SECS};
use gamme_db::schema::signing_keys;
use gamme_service_kit::Store;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};
use ring::signature::{Ed25519KeyPair, KeyPair};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{error::AuthError, users::User};

#[derive(Clone)]
pub struct SigningKey {
    pub kid: String,
    encoding: EncodingKey,
    public: Vec<u8>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = signing_keys, check_for_backend(diesel::pg::Pg))]
struct StoredKey {
    kid: String,
    private_key: Vec<u8>,
    public_key: Vec<u8>,
}

impl StoredKey {
    /// The keys not retired, oldest (the one that signs) first.
    fn active(conn: &mut PgConnection) -> QueryResult<Vec<Self>> {
        signing_keys::table
            .filter(signing_keys::retired_at.is_null())
            .order(signing_keys::created_at.asc())
            .select(Self::as_select())
            .load(conn)
    }

    fn generate() -> anyhow::Result<Self> {
        let rng = ring::rand::SystemRandom::new();
        let doc =
            Ed25519KeyPair::generate_pkcs8(&rng).map_err(|_| anyhow::anyhow!("cannot generate an Ed25519 key"))?;
        let pair =
            Ed25519KeyPair::from_pkcs8(doc.as_ref()).map_err(|_| anyhow::anyhow!("cannot read the generated key"))?;
        let public = pair.public_key().as_ref().to_vec();
        Ok(Self { kid: kid_of(&public), private_key: doc.as_ref().to_vec(), public_key: public })
    }
}

fn kid_of(public: &[u8]) -> String {
    hex::encode(&Sha256::digest(public)[..8])
}

impl SigningKey {
    fn from_pkcs8(der: &[u8]) -> anyhow::Result<Self> {
        let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(der)
            .map_err(|e| anyhow::anyhow!("not an Ed25519 PKCS#8 key: {e}"))?;
        let public = pair.public_key().as_ref().to_vec();
        Ok(Self { kid: kid_of(&public), encoding: EncodingKey::from_ed_der(der), public })
    }

    fn from_pem(pem: &str) -> anyhow::Result<Self> {
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).map(str::trim).collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(body)
            .map_err(|e| anyhow::anyhow!("GAMME_JWT_PRIVATE_KEY is not PEM: {e}"))?;
        Self::from_pkcs8(&der)
    }

    pub fn decoding_key(&self) -> DecodingKey {
        DecodingKey::from_ed_der(&self.public)
    }

    pub fn jwk(&self) -> serde_json::Value {
        serde_json::json!({
            "kty": "OKP", "crv": "Ed25519", "use": "sig", "alg": "EdDSA",
            "kid": self.kid, "x": URL_SAFE_NO_PAD.encode(&self.public),
        })
    }

    /// A ~15 minute access token for `user`, who proved their password at `authenticated_at`.
    pub fn sign_access_token(
        &self,
        user: &User,
        authenticated_at: DateTime<Utc>,
        issuer: &str,
        audience: &str,
    ) -> anyhow::Result<(String, Claims)> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            iss: issuer.to_owned(),
            aud: audience.to_owned(),
            sub: user.id,
            exp: now + ACCESS_TOKEN_TTL_SECS,
            iat: now,
            nbf: now,
            jti: Uuid::new_v4(),
            email: user.email.clone(),
            name: user.display_name.clone(),
            role: user.role,
            auth_time: authenticated_at.timestamp(),
        };
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        Ok((jsonwebtoken::encode(&header, &claims, &self.encoding)?, claims))
    }
}

/// The key that signs, and every key whose tokens may still be valid.
#[derive(Clone)]
pub struct KeyRing {
    pub current: SigningKey,
    pub published: Vec<SigningKey>,
}

impl KeyRing {
    pub async fn load(store: &Store, configured: Option<&SecretString>) -> anyhow::Result<Self> {
        if let Some(pem) = configured {
            let key = SigningKey::from_pem(pem.expose_secret())?;
            return Ok(Self { published: vec![key.clone()], current: key });
        }
        let stored = store
            .write(|conn| {
                let existing = StoredKey::active(conn)?;
                if !existing.is_empty() {
                    return Ok(existing);
                }
                let key = StoredKey::generate()?;
                diesel::insert_into(signing_keys::table).values(&key).on_conflict_do_nothing().execute(conn)?;
                tracing::info!(kid = %key.kid, "generated a new signing key");
                // Another replica may have generated one at the same moment: all use the oldest.
                StoredKey::active(conn).map_err(AuthError::from)
            })
            .await?;
        let keys = stored.iter().map(|k| SigningKey::from_pkcs8(&k.private_key)).collect::<anyhow::Result<Vec<_>>>()?;
        let current = keys.first().cloned().ok_or_else(|| anyhow::anyhow!("no signing key"))?;
        Ok(Self { current, published: keys })
    }

    pub fn jwks(&self) -> serde_json::Value {
        serde_json::json!({ "keys": self.published.iter().map(SigningKey::jwk).collect::<Vec<_>>() })
    }

    pub fn decoding_keys(&self) -> HashMap<String, DecodingKey> {
        self.published.iter().map(|k| (k.kid.clone(), k.decoding_key())).collect()
    }
}
