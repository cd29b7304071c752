//! Who a signed-in user is, kept in memory between their requests: the row every token check
//! needs (active? role? sessions revoked since the token?) read once, not once per request.
//! auth publishes `user.updated` for every change that check depends on (rename, role,
//! deactivation, reactivation, password); each replica hears it on a queue of its own and
//! forgets that user at once ([`HeardCache`] says what happens while it cannot hear).

use gamme_bus::{
    heard_cache::{Forget, HeardCache},
    Envelope, Event, Heard,
};
use gamme_db::users::UserStatus;
use uuid::Uuid;

/// The events that change what a token check reads.
pub const EVENTS: &[&str] = &["user.updated"];

pub type UserCache = HeardCache<Uuid, UserStatus>;

/// What the user listener heard.
pub fn heard(cache: &UserCache, heard: Heard) {
    cache.heard(heard, |envelope: &Envelope| match envelope.event {
        Event::UserUpdated { user_id, .. } => Forget::One(user_id),
        _ => Forget::Nothing,
    });
}
