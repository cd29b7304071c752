//! What an access token says.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::role::Role;

/// Access tokens live about 15 minutes; the refresh token renews them.
pub const ACCESS_TOKEN_TTL_SECS: i64 = 15 * 60;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    /// The user id.
    pub sub: Uuid,
    pub exp: i64,
    pub iat: i64,
    pub nbf: i64,
    pub jti: Uuid,
    pub email: String,
    pub name: String,
    /// The role when the token was made; services use the current role from the database.
    pub role: Role,
    /// When the holder last proved their password (Unix seconds), as OpenID Connect's
    /// `auth_time`: the sign-in a refresh continues, or a re-authentication. Signatures need it
    /// recent. Absent (0) in tokens made before it existed: never recent.
    #[serde(default)]
    pub auth_time: i64,
}
