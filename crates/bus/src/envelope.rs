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
    /// A file was stored; its thumbnail and text come later, off the request path.
    #[serde(rename = "file.uploaded")]
    FileUploaded { file_id: Uuid, uploader_id: Uuid, media_type: String, size_bytes: i64, sha256: String },
    /// A file's text is in `file_texts` (or it has none: `status` says which).
    #[serde(rename = "file.text_extracted")]
    FileTextExtracted { file_id: Uuid, status: String, pages: i32, chunks: i32 },
    /// A revision was approved and is now the one people run; the one before is superseded.
    #[serde(rename = "procedure.published")]
    ProcedurePublished {
        procedure_id: Uuid,
        revision_id: Uuid,
        number: i32,
        code: String,
        title: String,
        superseded_revision_id: Option<Uuid>,
    },
    /// A run was signed off; `flagged_steps` lists failed checks and out-of-limit readings.
    #[serde(rename = "run.completed")]
    RunCompleted {
        run_id: Uuid,
        procedure_id: Uuid,
        revision_id: Uuid,
        asset_id: Option<Uuid>,
        technician_id: Uuid,
        outcome: String,
        flagged_steps: Vec<FlaggedStep>,
    },
    /// An AI job settled: `status` is `succeeded` or `failed`.
    #[serde(rename = "ai.job.finished")]
    AiJobFinished { job_id: Uuid, owner_id: Uuid, kind: String, status: String },
}

/// A step of a completed run that did not go as written.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FlaggedStep {
    pub step_id: Uuid,
    pub number: i32,
    pub title: String,
    /// `failed` or `out_of_limit`.
    pub reason: String,
}

impl Event {
    pub fn kind(&self) -> &'static str {
        match self {
            Event::UserCreated { .. } => "user.created",
            Event::UserUpdated { .. } => "user.updated",
            Event::FileUploaded { .. } => "file.uploaded",
            Event::FileTextExtracted { .. } => "file.text_extracted",
            Event::ProcedurePublished { .. } => "procedure.published",
            Event::RunCompleted { .. } => "run.completed",
            Event::AiJobFinished { .. } => "ai.job.finished",
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
