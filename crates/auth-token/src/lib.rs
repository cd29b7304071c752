//! Gamme access tokens as every service sees them: the claims, verification against the
//! auth service's public keys (JWKS, cached, refreshed on an unknown `kid`), the `AuthUser`
//! extractor and the one way to guard by role (`user.require(Roles::EDITORS)?`). No service
//! but auth holds a private key.

mod claims;
mod config;
mod extractor;
mod jwks;
mod role;
#[cfg(feature = "testing")]
pub mod testing;
pub mod user_cache;

pub use claims::{Claims, ACCESS_TOKEN_TTL_SECS};
pub use config::TokenConfig;
pub use extractor::{password_change_required, AuthUser, Authenticator, PasswordPending};
pub use jwks::{JwksCache, TokenError, Verifier};
pub use role::{Role, Roles};
pub use user_cache::UserCache;
