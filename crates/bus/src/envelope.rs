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
    /// Something another service did that belongs in the audit log, which procedures keeps:
    /// user administration (auth), file deletions (files).
    #[serde(rename = "audit.entry")]
    AuditEntry {
        actor_id: Uuid,
        /// e.g. `user.deactivated`, `file.deleted`.
        action: String,
        /// `user` or `file`.
        entity_type: String,
        entity_id: Uuid,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    },
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
    /// What readers see of a procedure changed: its revision pointers (published, new draft,
    /// withdrawn), its archive mark or its linked assets. For caches of that view.
    #[serde(rename = "procedure.changed")]
    ProcedureChanged { procedure_id: Uuid },
    /// An asset was renamed, moved or archived: procedures show assets by code and name.
    #[serde(rename = "asset.changed")]
    AssetChanged { asset_id: Uuid },
    /// A technician started a run, for a work order when `work_order_id` says so.
    #[serde(rename = "run.started")]
    RunStarted {
        run_id: Uuid,
        procedure_id: Uuid,
        revision_id: Uuid,
        asset_id: Option<Uuid>,
        technician_id: Uuid,
        #[serde(default)]
        work_order_id: Option<Uuid>,
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
        /// The work order the run carried out, if any.
        #[serde(default)]
        work_order_id: Option<Uuid>,
    },
    /// An AI job settled: `status` is `succeeded` or `failed`.
    #[serde(rename = "ai.job.finished")]
    AiJobFinished { job_id: Uuid, owner_id: Uuid, kind: String, status: String },
    /// A work order was made: by hand, by a plan, or accepted from nothing (`actor_id` is `None`
    /// when the scheduler made it).
    #[serde(rename = "work_order.created")]
    WorkOrderCreated { order: WorkOrderSnapshot, actor_id: Option<Uuid> },
    /// Its assignee or team changed (`order` holds the new ones).
    #[serde(rename = "work_order.assigned")]
    WorkOrderAssigned {
        order: WorkOrderSnapshot,
        actor_id: Option<Uuid>,
        previous_assignee_id: Option<Uuid>,
        previous_team_id: Option<Uuid>,
    },
    /// Work began: a run was started for it (`run_id`), or it was started by hand.
    #[serde(rename = "work_order.started")]
    WorkOrderStarted { order: WorkOrderSnapshot, actor_id: Option<Uuid>, run_id: Option<Uuid> },
    /// Done: its run completed (`run_id`), or it was completed by hand. `on_time` when it had a
    /// due date: done at or before it.
    #[serde(rename = "work_order.completed")]
    WorkOrderCompleted {
        order: WorkOrderSnapshot,
        actor_id: Option<Uuid>,
        run_id: Option<Uuid>,
        completed_at: DateTime<Utc>,
        on_time: Option<bool>,
    },
    /// Cancelled, or a proposed follow-up dismissed.
    #[serde(rename = "work_order.cancelled")]
    WorkOrderCancelled { order: WorkOrderSnapshot, actor_id: Option<Uuid>, reason: Option<String> },
    #[serde(rename = "work_order.commented")]
    WorkOrderCommented { order: WorkOrderSnapshot, comment_id: Uuid, author_id: Uuid, body: String },
    /// An open order falls due within a day (announced once per order).
    #[serde(rename = "work_order.due")]
    WorkOrderDue { order: WorkOrderSnapshot },
    /// An order still not done passed its due time (announced once per order).
    #[serde(rename = "work_order.overdue")]
    WorkOrderOverdue { order: WorkOrderSnapshot },
    /// A completed run's failed check or out-of-limit reading gave a corrective order, proposed
    /// or open (`order.status`).
    #[serde(rename = "follow_up.created")]
    FollowUpCreated {
        order: WorkOrderSnapshot,
        run_id: Uuid,
        step_id: Uuid,
        /// `failed` or `out_of_limit`.
        reason: String,
        value: Option<serde_json::Value>,
        note: Option<String>,
    },
}

/// A work order as its events carry it: enough to notify people and to call integrations
/// without reading the work service's tables.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WorkOrderSnapshot {
    pub id: Uuid,
    /// `WO-<number>` for people.
    pub number: i64,
    pub title: String,
    /// `preventive` or `corrective`.
    pub kind: String,
    /// `manual`, `plan` or `follow_up`.
    pub source: String,
    /// `proposed`, `open`, `in_progress`, `done` or `cancelled`.
    pub status: String,
    /// `low`, `normal`, `high` or `urgent`.
    pub priority: String,
    pub asset_id: Uuid,
    pub site_id: Uuid,
    pub procedure_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
    pub due_at: Option<DateTime<Utc>>,
    pub plan_id: Option<Uuid>,
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
            Event::AuditEntry { .. } => "audit.entry",
            Event::FileUploaded { .. } => "file.uploaded",
            Event::FileTextExtracted { .. } => "file.text_extracted",
            Event::ProcedurePublished { .. } => "procedure.published",
            Event::ProcedureChanged { .. } => "procedure.changed",
            Event::AssetChanged { .. } => "asset.changed",
            Event::RunStarted { .. } => "run.started",
            Event::RunCompleted { .. } => "run.completed",
            Event::AiJobFinished { .. } => "ai.job.finished",
            Event::WorkOrderCreated { .. } => "work_order.created",
            Event::WorkOrderAssigned { .. } => "work_order.assigned",
            Event::WorkOrderStarted { .. } => "work_order.started",
            Event::WorkOrderCompleted { .. } => "work_order.completed",
            Event::WorkOrderCancelled { .. } => "work_order.cancelled",
            Event::WorkOrderCommented { .. } => "work_order.commented",
            Event::WorkOrderDue { .. } => "work_order.due",
            Event::WorkOrderOverdue { .. } => "work_order.overdue",
            Event::FollowUpCreated { .. } => "follow_up.created",
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

    #[test]
    fn a_run_completed_of_an_older_publisher_reads_without_a_work_order() {
        let json = serde_json::json!({
            "schema_version": 1, "message_id": Uuid::nil(), "correlation_id": null,
            "occurred_at": "2026-12-01T10:00:00Z", "type": "run.completed",
            "data": { "run_id": Uuid::nil(), "procedure_id": Uuid::nil(), "revision_id": Uuid::nil(),
                      "asset_id": null, "technician_id": Uuid::nil(), "outcome": "passed", "flagged_steps": [] }
        });
        let env: Envelope = serde_json::from_value(json).unwrap();
        assert!(matches!(env.event, Event::RunCompleted { work_order_id: None, .. }));
    }
}
