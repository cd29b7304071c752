//! For other services' tests: an issuer with its own Ed25519 key that makes users and signs
//! their access tokens, and a `TokenConfig` that trusts it without a running auth service.

use std::collections::HashMap;

use chrono::Utc;
use diesel::{sql_query, sql_types, PgConnection, RunQueryDsl};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};
use ring::signature::{Ed25519KeyPair, KeyPair};
use uuid::Uuid;

use crate::{
    claims::{Claims, ACCESS_TOKEN_TTL_SECS},
    config::TokenConfig,
    role::Role,
};

pub const ISSUER: &str = "gamme";
pub const AUDIENCE: &str = "gamme";

pub struct TestIssuer {
    kid: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
}

/// A user row and a valid access token for it.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub token: String,
}

impl Default for TestIssuer {
    fn default() -> Self {
        Self::new()
    }
}

impl TestIssuer {
    pub fn new() -> Self {
        let rng = ring::rand::SystemRandom::new();
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).expect("an Ed25519 key");
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).expect("the generated key");
        Self {
            kid: format!("test-{}", Uuid::new_v4()),
            encoding: EncodingKey::from_ed_der(pkcs8.as_ref()),
            decoding: DecodingKey::from_ed_der(pair.public_key().as_ref()),
        }
    }

    /// Trusts this issuer's key only.
    pub fn token_config(&self) -> TokenConfig {
        TokenConfig {
            jwks_url: String::new(),
            issuer: ISSUER.to_owned(),
            audience: AUDIENCE.to_owned(),
            static_keys: Some(HashMap::from([(self.kid.clone(), self.decoding.clone())])),
            user_cache_ttl: std::time::Duration::from_secs(30),
        }
    }

    /// Inserts an active user of `role` (the email is made unique) and signs a token for it.
    pub fn user(&self, conn: &mut PgConnection, name: &str, role: Role) -> TestUser {
        let id = Uuid::new_v4();
        let email = format!("{}.{}@usine.test", name.to_lowercase().replace(' ', "."), &id.simple().to_string()[..8]);
        sql_query(
            "INSERT INTO users (id, email, display_name, password_hash, role, tokens_valid_after) \
             VALUES ($1, $2, $3, 'not-a-hash', $4, now() - interval '1 minute')",
        )
        .bind::<sql_types::Uuid, _>(id)
        .bind::<sql_types::Text, _>(&email)
        .bind::<sql_types::Text, _>(name)
        .bind::<sql_types::Text, _>(role)
        .execute(conn)
        .expect("insert a test user");
        let token = self.sign(id, &email, name, role, ACCESS_TOKEN_TTL_SECS);
        TestUser { id, email, display_name: name.to_owned(), role, token }
    }

    /// A token for any subject, valid for `ttl_secs` (negative for an expired one), from a
    /// sign-in just now.
    pub fn sign(&self, sub: Uuid, email: &str, name: &str, role: Role, ttl_secs: i64) -> String {
        self.sign_signed_in_ago(sub, email, name, role, ttl_secs, 0)
    }

    /// A fresh token for `user` whose holder last proved their password `secs_ago` seconds ago.
    pub fn signed_in_ago(&self, user: &TestUser, secs_ago: i64) -> String {
        self.sign_signed_in_ago(user.id, &user.email, &user.display_name, user.role, ACCESS_TOKEN_TTL_SECS, secs_ago)
    }

    fn sign_signed_in_ago(
        &self,
        sub: Uuid,
        email: &str,
        name: &str,
        role: Role,
        ttl_secs: i64,
        secs_ago: i64,
    ) -> String {
        let now = Utc::now().timestamp();
        let claims = Claims {
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            sub,
            exp: now + ttl_secs,
            iat: now,
            nbf: now - 1,
            jti: Uuid::new_v4(),
            email: email.to_owned(),
            name: name.to_owned(),
            role,
            auth_time: now - secs_ago,
        };
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, &claims, &self.encoding).expect("sign a test token")
    }
}
