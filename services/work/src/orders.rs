//! Work orders: what is to be done on an asset, by whom and by when, and their lifecycle
//! `proposed → open → in_progress → done`, or `cancelled`. Each transition is allowed in one
//! place ([`OrderStatus::allows`]); every change leaves a history row; every step is announced.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use gamme_bus::{Event, WorkOrderSnapshot};
use gamme_db::{
    asset_tree::AssetNode,
    schema::{work_order_history, work_order_signals, work_orders},
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    error::{Result, WorkError},
    events::{publish, Actor},
    refs::{self, check_assignee},
    teams::{self, Team},
    text,
};

gamme_db::text_enum! {
    /// Where an order stands. `proposed`: a follow-up waiting for someone to accept or dismiss it.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum OrderStatus {
        Proposed,
        Open,
        InProgress,
        Done,
        Cancelled,
    }
}

impl OrderStatus {
    /// The lifecycle, written once. `open → done` is allowed: an order without a procedure may
    /// be completed without being started, and a run's completion may arrive before its start.
    pub fn allows(self, next: OrderStatus) -> bool {
        use OrderStatus::*;
        matches!(
            (self, next),
            (Proposed, Open)
                | (Proposed, Cancelled)
                | (Open, InProgress)
                | (Open, Done)
                | (Open, Cancelled)
                | (InProgress, Done)
                | (InProgress, Cancelled)
        )
    }

    /// Still to be done (what due lists and boards show).
    pub fn is_pending(self) -> bool {
        matches!(self, OrderStatus::Proposed | OrderStatus::Open | OrderStatus::InProgress)
    }
}

gamme_db::text_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum Priority {
        Low,
        Normal,
        High,
        Urgent,
    }
}

gamme_db::text_enum! {
    /// `preventive`: made by a plan (what compliance counts); `corrective`: a repair.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum OrderKind {
        Preventive,
        Corrective,
    }
}

gamme_db::text_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum OrderSource {
        Manual,
        Plan,
        FollowUp,
    }
}

gamme_db::text_enum! {
    /// Why a run's step gave a follow-up.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum FollowUpReason {
        Failed,
        OutOfLimit,
    }
}

gamme_db::text_enum! {
    /// What a history row records.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum Change {
        Created,
        Status,
        Assignee,
        Team,
        DueAt,
        Priority,
        Title,
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = work_orders, check_for_backend(diesel::pg::Pg))]
pub struct WorkOrder {
    pub id: Uuid,
    /// `WO-<number>` for people.
    pub number: i64,
    pub title: String,
    pub description: String,
    pub kind: OrderKind,
    pub source: OrderSource,
    pub asset_id: Uuid,
    pub site_id: Uuid,
    pub procedure_id: Option<Uuid>,
    pub priority: Priority,
    pub status: OrderStatus,
    pub due_at: Option<DateTime<Utc>>,
    pub assignee_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
    pub plan_id: Option<Uuid>,
    pub plan_occurrence: Option<i32>,
    /// A follow-up's run and step, why, and the reading and note recorded there.
    pub source_run_id: Option<Uuid>,
    pub source_step_id: Option<Uuid>,
    pub source_reason: Option<FollowUpReason>,
    #[schema(value_type = Option<Object>)]
    pub source_value: Option<Value>,
    pub source_note: Option<String>,
    /// The run carrying the order out (the latest started).
    pub run_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub completed_by: Option<Uuid>,
    pub completion_note: Option<String>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancel_reason: Option<String>,
}

/// A new order as domain code describes it; [`WorkOrder::insert`] completes and stores it.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = work_orders)]
pub struct NewWorkOrder {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub kind: OrderKind,
    pub source: OrderSource,
    pub asset_id: Uuid,
    pub site_id: Uuid,
    pub procedure_id: Option<Uuid>,
    pub priority: Priority,
    pub status: OrderStatus,
    pub due_at: Option<DateTime<Utc>>,
    pub assignee_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
    pub plan_id: Option<Uuid>,
    pub plan_occurrence: Option<i32>,
    pub source_run_id: Option<Uuid>,
    pub source_step_id: Option<Uuid>,
    pub source_reason: Option<FollowUpReason>,
    pub source_value: Option<Value>,
    pub source_note: Option<String>,
    pub created_by: Option<Uuid>,
}

impl NewWorkOrder {
    /// An open corrective order on `asset`, made by hand; the caller fills in the rest.
    pub fn on(asset: &AssetNode, site: &AssetNode, title: String) -> Self {
        Self {
            id: Uuid::now_v7(),
            title,
            description: String::new(),
            kind: OrderKind::Corrective,
            source: OrderSource::Manual,
            asset_id: asset.id,
            site_id: site.id,
            procedure_id: None,
            priority: Priority::Normal,
            status: OrderStatus::Open,
            due_at: None,
            assignee_id: None,
            team_id: None,
            plan_id: None,
            plan_occurrence: None,
            source_run_id: None,
            source_step_id: None,
            source_reason: None,
            source_value: None,
            source_note: None,
            created_by: None,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = work_order_history, check_for_backend(diesel::pg::Pg))]
pub struct HistoryEntry {
    pub id: i64,
    #[serde(skip)]
    pub work_order_id: Uuid,
    /// `None` for the service's own changes (the scheduler, a run's events).
    pub actor_id: Option<Uuid>,
    pub at: DateTime<Utc>,
    pub change: Change,
    pub from_value: Option<String>,
    pub to_value: Option<String>,
    pub note: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = work_order_history)]
struct NewHistory<'a> {
    work_order_id: Uuid,
    actor_id: Option<Uuid>,
    at: DateTime<Utc>,
    change: Change,
    from_value: Option<String>,
    to_value: Option<String>,
    note: Option<&'a str>,
}

/// An order made by hand. Without a team or an assignee it goes to the asset's team; without a
/// title, it takes the procedure's.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrder {
    #[schema(max_length = 200, pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$")]
    pub title: Option<String>,
    #[schema(max_length = 10000, pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$")]
    pub description: Option<String>,
    pub asset_id: Uuid,
    /// A corrective job may have none; with one, the order starts with a run of it.
    pub procedure_id: Option<Uuid>,
    pub priority: Option<Priority>,
    pub due_at: Option<DateTime<Utc>>,
    pub assignee_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
}

/// What an editor may change on an order; absent fields stay, `null` clears an optional one.
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderPatch {
    #[schema(
        max_length = 200,
        pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"
    )]
    pub title: Option<String>,
    #[schema(max_length = 10000, pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$")]
    pub description: Option<String>,
    pub priority: Option<Priority>,
    #[serde(default, deserialize_with = "text::nullable")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub due_at: Option<Option<DateTime<Utc>>>,
    #[serde(default, deserialize_with = "text::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub assignee_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "text::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub team_id: Option<Option<Uuid>>,
}

fn show<T: ToString>(value: Option<T>) -> Option<String> {
    value.map(|v| v.to_string())
}

impl WorkOrder {
    pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<Self> {
        work_orders::table
            .find(id)
            .select(Self::as_select())
            .first(conn)
            .optional()?
            .ok_or(WorkError::NotFound("work order"))
    }

    pub fn find_for_update(conn: &mut PgConnection, id: Uuid) -> Result<Self> {
        work_orders::table
            .find(id)
            .select(Self::as_select())
            .for_update()
            .first(conn)
            .optional()?
            .ok_or(WorkError::NotFound("work order"))
    }

    /// Stores `new` with its `created` history row; `None` when its plan occurrence or its
    /// run step already has an order (a second replica, a redelivered event).
    pub fn insert(conn: &mut PgConnection, actor: &Actor, new: &NewWorkOrder) -> Result<Option<Self>> {
        let stored: Option<Self> = diesel::insert_into(work_orders::table)
            .values(new)
            .on_conflict_do_nothing()
            .returning(Self::as_returning())
            .get_result(conn)
            .optional()?;
        if let Some(order) = &stored {
            order.record(conn, actor, Change::Created, None, Some(order.status.to_string()), None)?;
        }
        Ok(stored)
    }

    /// An order made by hand, announced.
    pub fn create(conn: &mut PgConnection, actor: &Actor, input: NewOrder) -> Result<Self> {
        let (asset, site) = refs::asset_and_site(conn, input.asset_id)?;
        let procedure = input.procedure_id.map(|p| refs::procedure(conn, p)).transpose()?;
        let title = match input.title.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            Some(t) => text::required("title", t, 200)?,
            None => match &procedure {
                Some(p) => p.title.clone().unwrap_or_else(|| p.code.clone()),
                None => return Err(WorkError::invalid("`title` must not be empty: say what is to be done.")),
            },
        };
        if let Some(person) = input.assignee_id {
            check_assignee(conn, person)?;
        }
        if let Some(team) = input.team_id {
            Team::find(conn, team)?;
        }
        let mut new = NewWorkOrder::on(&asset, &site, title);
        new.description = text::bounded("description", input.description.as_deref().unwrap_or("").trim(), 10_000)?;
        new.procedure_id = procedure.map(|p| p.id);
        new.priority = input.priority.unwrap_or(Priority::Normal);
        new.due_at = input.due_at;
        new.assignee_id = input.assignee_id;
        new.team_id = match (input.team_id, input.assignee_id) {
            (None, None) => teams::team_of_asset(conn, asset.id)?.map(|t| t.team_id),
            (team, _) => team,
        };
        new.created_by = actor.user_id;
        let order = Self::insert(conn, actor, &new)?
            .ok_or_else(|| WorkError::conflict("conflict", "This order exists already."))?;
        publish(conn, actor, Event::WorkOrderCreated { order: order.snapshot(), actor_id: actor.user_id })?;
        Ok(order)
    }

    pub fn snapshot(&self) -> WorkOrderSnapshot {
        WorkOrderSnapshot {
            id: self.id,
            number: self.number,
            title: self.title.clone(),
            kind: self.kind.to_string(),
            source: self.source.to_string(),
            status: self.status.to_string(),
            priority: self.priority.to_string(),
            asset_id: self.asset_id,
            site_id: self.site_id,
            procedure_id: self.procedure_id,
            assignee_id: self.assignee_id,
            team_id: self.team_id,
            due_at: self.due_at,
            plan_id: self.plan_id,
        }
    }

    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.status.is_pending() && self.due_at.is_some_and(|due| due < now)
    }

    fn record(
        &self,
        conn: &mut PgConnection,
        actor: &Actor,
        change: Change,
        from_value: Option<String>,
        to_value: Option<String>,
        note: Option<&str>,
    ) -> Result<()> {
        diesel::insert_into(work_order_history::table)
            .values(NewHistory {
                work_order_id: self.id,
                actor_id: actor.user_id,
                at: crate::now(),
                change,
                from_value,
                to_value,
                note,
            })
            .execute(conn)?;
        Ok(())
    }

    pub fn history(conn: &mut PgConnection, id: Uuid) -> QueryResult<Vec<HistoryEntry>> {
        work_order_history::table
            .filter(work_order_history::work_order_id.eq(id))
            .order(work_order_history::id.asc())
            .select(HistoryEntry::as_select())
            .load(conn)
    }

    /// Moves the order to `next` if its lifecycle allows it, with its history row.
    fn transition(
        &mut self,
        conn: &mut PgConnection,
        actor: &Actor,
        next: OrderStatus,
        note: Option<&str>,
    ) -> Result<()> {
        if !self.status.allows(next) {
            return Err(WorkError::conflict(
                "invalid_transition",
                format!("A work order that is {} cannot become {next}.", self.status),
            ));
        }
        let from = self.status;
        self.status = next;
        self.updated_at = crate::now();
        self.record(conn, actor, Change::Status, Some(from.to_string()), Some(next.to_string()), note)
    }

    fn save(&self, conn: &mut PgConnection) -> Result<()> {
        diesel::update(work_orders::table.find(self.id))
            .set((
                work_orders::title.eq(&self.title),
                work_orders::description.eq(&self.description),
                work_orders::priority.eq(self.priority),
                work_orders::status.eq(self.status),
                work_orders::due_at.eq(self.due_at),
                work_orders::assignee_id.eq(self.assignee_id),
                work_orders::team_id.eq(self.team_id),
                work_orders::run_id.eq(self.run_id),
                work_orders::updated_at.eq(self.updated_at),
                work_orders::started_at.eq(self.started_at),
                work_orders::completed_at.eq(self.completed_at),
                work_orders::completed_by.eq(self.completed_by),
                work_orders::completion_note.eq(&self.completion_note),
                work_orders::cancelled_at.eq(self.cancelled_at),
                work_orders::cancel_reason.eq(&self.cancel_reason),
            ))
            .execute(conn)?;
        Ok(())
    }

    fn require_pending(&self) -> Result<()> {
        if self.status.is_pending() {
            Ok(())
        } else {
            Err(WorkError::conflict(
                "order_closed",
                format!("This work order is {}: it can no longer change.", self.status),
            ))
        }
    }

    /// A proposed follow-up becomes an open order.
    pub fn accept(&mut self, conn: &mut PgConnection, actor: &Actor) -> Result<()> {
        self.transition(conn, actor, OrderStatus::Open, None)?;
        self.save(conn)
    }

    /// Cancels an order, or dismisses a proposed follow-up.
    pub fn cancel(&mut self, conn: &mut PgConnection, actor: &Actor, reason: Option<String>) -> Result<()> {
        self.transition(conn, actor, OrderStatus::Cancelled, reason.as_deref())?;
        self.cancelled_at = Some(self.updated_at);
        self.cancel_reason = reason.clone();
        self.save(conn)?;
        publish(conn, actor, Event::WorkOrderCancelled { order: self.snapshot(), actor_id: actor.user_id, reason })
    }

    /// Work begins, by `by`: through a run (`run`) or by hand. An order assigned to nobody
    /// becomes the starter's. Starting an order already in progress again (a new run) keeps
    /// it in progress with the new run.
    pub fn start(&mut self, conn: &mut PgConnection, actor: &Actor, by: Uuid, run: Option<Uuid>) -> Result<()> {
        if self.status != OrderStatus::InProgress {
            self.transition(conn, actor, OrderStatus::InProgress, None)?;
            self.started_at = Some(self.updated_at);
        }
        if self.assignee_id.is_none() {
            self.record(conn, actor, Change::Assignee, None, Some(by.to_string()), None)?;
            self.assignee_id = Some(by);
        }
        self.run_id = run.or(self.run_id);
        self.save(conn)?;
        publish(conn, actor, Event::WorkOrderStarted { order: self.snapshot(), actor_id: actor.user_id, run_id: run })
    }

    /// Done, by `by` at `at`: its run completed (`run`), or by hand with a note.
    pub fn complete(
        &mut self,
        conn: &mut PgConnection,
        actor: &Actor,
        by: Uuid,
        at: DateTime<Utc>,
        run: Option<Uuid>,
        note: Option<String>,
    ) -> Result<()> {
        self.transition(conn, actor, OrderStatus::Done, note.as_deref())?;
        self.completed_at = Some(at);
        self.completed_by = Some(by);
        self.started_at = self.started_at.or(Some(at));
        self.completion_note = note;
        self.run_id = run.or(self.run_id);
        self.save(conn)?;
        let on_time = self.due_at.map(|due| at <= due);
        publish(
            conn,
            actor,
            Event::WorkOrderCompleted {
                order: self.snapshot(),
                actor_id: actor.user_id,
                run_id: run,
                completed_at: at,
                on_time,
            },
        )
    }

    /// An order without a procedure is started by hand; one with a procedure starts with its run.
    pub fn start_by_hand(&mut self, conn: &mut PgConnection, actor: &Actor, by: Uuid) -> Result<()> {
        if self.procedure_id.is_some() {
            return Err(WorkError::conflict(
                "start_with_a_run",
                "This work order follows a procedure: start it by starting a run of the procedure for it.",
            ));
        }
        self.require_pending()?;
        self.start(conn, actor, by, None)
    }

    /// An order without a procedure is completed by hand; one with a procedure by its run.
    pub fn complete_by_hand(
        &mut self,
        conn: &mut PgConnection,
        actor: &Actor,
        by: Uuid,
        note: Option<String>,
    ) -> Result<()> {
        if self.procedure_id.is_some() {
            return Err(WorkError::conflict(
                "complete_with_a_run",
                "This work order follows a procedure: it is done when its run is signed off.",
            ));
        }
        self.require_pending()?;
        self.complete(conn, actor, by, crate::now(), None, note)
    }

    /// An editor's changes, each with its history row; a new assignee or team is announced.
    pub fn apply(&mut self, conn: &mut PgConnection, actor: &Actor, patch: OrderPatch) -> Result<()> {
        self.require_pending()?;
        let (previous_assignee, previous_team) = (self.assignee_id, self.team_id);
        if let Some(title) = patch.title {
            let title = text::required("title", &title, 200)?;
            if title != self.title {
                self.record(conn, actor, Change::Title, Some(self.title.clone()), Some(title.clone()), None)?;
                self.title = title;
            }
        }
        if let Some(description) = patch.description {
            self.description = text::bounded("description", description.trim(), 10_000)?;
        }
        if let Some(priority) = patch.priority.filter(|p| *p != self.priority) {
            self.record(conn, actor, Change::Priority, show(Some(self.priority)), show(Some(priority)), None)?;
            self.priority = priority;
        }
        if let Some(due) = patch.due_at.filter(|d| *d != self.due_at) {
            self.record(
                conn,
                actor,
                Change::DueAt,
                self.due_at.map(|d| d.to_rfc3339()),
                due.map(|d| d.to_rfc3339()),
                None,
            )?;
            self.due_at = due;
            // A new due date is announced again when it comes.
            diesel::delete(work_order_signals::table.filter(work_order_signals::work_order_id.eq(self.id)))
                .execute(conn)?;
        }
        if let Some(assignee) = patch.assignee_id.filter(|a| *a != self.assignee_id) {
            if let Some(id) = assignee {
                check_assignee(conn, id)?;
            }
            self.record(conn, actor, Change::Assignee, show(self.assignee_id), show(assignee), None)?;
            self.assignee_id = assignee;
        }
        if let Some(team) = patch.team_id.filter(|t| *t != self.team_id) {
            if let Some(id) = team {
                Team::find(conn, id)?;
            }
            self.record(conn, actor, Change::Team, show(self.team_id), show(team), None)?;
            self.team_id = team;
        }
        self.updated_at = crate::now();
        self.save(conn)?;
        if (previous_assignee, previous_team) != (self.assignee_id, self.team_id) {
            publish(
                conn,
                actor,
                Event::WorkOrderAssigned {
                    order: self.snapshot(),
                    actor_id: actor.user_id,
                    previous_assignee_id: previous_assignee,
                    previous_team_id: previous_team,
                },
            )?;
        }
        Ok(())
    }
}
