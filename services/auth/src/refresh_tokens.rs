//! Refresh tokens: opaque, stored as SHA-256, rotated at every use. A family is one sign-in;
//! presenting a token that was already rotated means it was stolen or replayed, so the whole
//! family is revoked and both holders must sign in again. The sign-in flows that hand them out
//! are in `sessions.rs`.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use gamme_db::schema::refresh_tokens;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub const REFRESH_TTL_DAYS: i64 = 30;

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens, check_for_backend(diesel::pg::Pg))]
pub struct RefreshToken {
    pub id: Uuid,
    pub user_id: Uuid,
    pub family_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub rotated_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub authenticated_at: DateTime<Utc>,
}

#[derive(Insertable)]
#[diesel(table_name = refresh_tokens)]
struct RefreshTokenInsertForm {
    id: Uuid,
    user_id: Uuid,
    family_id: Uuid,
    token_hash: Vec<u8>,
    expires_at: DateTime<Utc>,
    authenticated_at: DateTime<Utc>,
}

fn digest(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// What presenting a refresh token led to.
pub enum Rotation {
    Rotated {
        user_id: Uuid,
        token: SecretString,
        /// When the sign-in this family continues proved the password.
        authenticated_at: DateTime<Utc>,
    },
    /// Unknown, expired or revoked.
    Invalid,
    /// Already rotated: the family is now revoked.
    Replayed { user_id: Uuid },
}

impl RefreshToken {
    /// A new token in `family` (a new family when `None`), for a sign-in that proved the
    /// password at `authenticated_at`.
    pub fn issue(
        conn: &mut PgConnection,
        user_id: Uuid,
        family: Option<Uuid>,
        authenticated_at: DateTime<Utc>,
    ) -> QueryResult<SecretString> {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let token = URL_SAFE_NO_PAD.encode(bytes);
        diesel::insert_into(refresh_tokens::table)
            .values(RefreshTokenInsertForm {
                id: Uuid::now_v7(),
                user_id,
                family_id: family.unwrap_or_else(Uuid::now_v7),
                token_hash: digest(&token),
                expires_at: Utc::now() + Duration::days(REFRESH_TTL_DAYS),
                authenticated_at,
            })
            .execute(conn)?;
        Ok(SecretString::from(token))
    }

    /// Rotates `presented`; call inside a transaction.
    pub fn rotate(conn: &mut PgConnection, presented: &SecretString) -> QueryResult<Rotation> {
        let found: Option<RefreshToken> = refresh_tokens::table
            .filter(refresh_tokens::token_hash.eq(digest(presented.expose_secret())))
            .select(RefreshToken::as_select())
            .for_update()
            .first(conn)
            .optional()?;
        let Some(found) = found else { return Ok(Rotation::Invalid) };
        if found.rotated_at.is_some() {
            Self::revoke_family(conn, found.family_id)?;
            return Ok(Rotation::Replayed { user_id: found.user_id });
        }
        if found.revoked_at.is_some() || found.expires_at <= Utc::now() {
            return Ok(Rotation::Invalid);
        }
        diesel::update(refresh_tokens::table.find(found.id))
            .set(refresh_tokens::rotated_at.eq(Utc::now()))
            .execute(conn)?;
        let token = Self::issue(conn, found.user_id, Some(found.family_id), found.authenticated_at)?;
        Ok(Rotation::Rotated { user_id: found.user_id, token, authenticated_at: found.authenticated_at })
    }

    pub fn revoke_family(conn: &mut PgConnection, family_id: Uuid) -> QueryResult<usize> {
        diesel::update(refresh_tokens::table.filter(refresh_tokens::family_id.eq(family_id)))
            .filter(refresh_tokens::revoked_at.is_null())
            .set(refresh_tokens::revoked_at.eq(Utc::now()))
            .execute(conn)
    }

    /// Ends the sign-in `presented` belongs to; unknown tokens are ignored.
    pub fn revoke_presented(conn: &mut PgConnection, presented: &SecretString) -> QueryResult<()> {
        let family: Option<Uuid> = refresh_tokens::table
            .filter(refresh_tokens::token_hash.eq(digest(presented.expose_secret())))
            .select(refresh_tokens::family_id)
            .first(conn)
            .optional()?;
        if let Some(f) = family {
            Self::revoke_family(conn, f)?;
        }
        Ok(())
    }

    pub fn revoke_all_for_user(conn: &mut PgConnection, user_id: Uuid) -> QueryResult<usize> {
        diesel::update(refresh_tokens::table.filter(refresh_tokens::user_id.eq(user_id)))
            .filter(refresh_tokens::revoked_at.is_null())
            .set(refresh_tokens::revoked_at.eq(Utc::now()))
            .execute(conn)
    }
}
