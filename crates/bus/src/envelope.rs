//! The one message format: a versioned envelope around a typed event.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Bumped when an event's payload changes incompatibly; consumers skip versions they do not know.
pub const SCHEMA_VERSION: u16 = 1;

/// What goes on the wire: `{"schema_version":1,"message_id":…,"correlation_id":…,
/// "occurred_at":…,"type":"user.created","data":{…}}`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Envelope {
    pub schema_version: u16,
    pub message_id: Uuid,
    /// The request id of the HTTP request that caused the event.
    pub correlation_id: Option<String>,
    pub occurred_at: DateTime<Utc>,
    #[serde(flatten)]
    pub event: Event,
}

impl Envelope {
    pub fn new(event: Event, correlation_id: Option<String>) -> Self {
        Self {
            schema_version: SCHEMA_VERSION,
            message_id: Uuid::now_v7(),
            correlation_id,
            occurred_at: Utc::now(),
            event,
        }
    }
}

/// Domain events. The `type` doubles as the routing key on the events exchange.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type", content = "data")]
pub enum Event {
    #[serde(rename = "user.created")]
    UserCreated { user_id: Uuid, role: String },
    #[serde(rename = "user.updated")]
    UserUpdated { user_id: Uuid, role: String, is_active: bool },
}

impl Event {
    pub fn kind(&self) -> &'static str {
        match self {
            Event::UserCreated { .. } => "user.created",
            Event::UserUpdated { .. } => "user.updated",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_round_trips_with_type_and_data() {
        let env =
            Envelope::new(Event::UserCreated { user_id: Uuid::nil(), role: "editor".into() }, Some("req-1".into()));
        let json = serde_json::to_value(&env).unwrap();
        assert_eq!(json["type"], "user.created");
        assert_eq!(json["data"]["role"], "editor");
        assert_eq!(json["schema_version"], 1);
        let back: Envelope = serde_json::from_value(json).unwrap();
        assert_eq!(back, env);
        assert_eq!(back.event.kind(), "user.created");
    }
}
