//! What the procedures service reads of the work service's orders (work owns `work_orders`),
//! through work's `work_order_starts` view: whether a run may be started for an order now, for
//! which procedure and asset, and by whom.

use diesel::prelude::*;
use uuid::Uuid;

diesel::table! {
    /// A view (see the `work` migration), read-only: one row per order open or in progress with
    /// a procedure and per person who may start it besides editors and admins (its assignee and
    /// its team's members); `runner_id` is NULL for an order with neither.
    work_order_starts (work_order_id) {
        work_order_id -> Uuid,
        procedure_id -> Uuid,
        asset_id -> Uuid,
        runner_id -> Nullable<Uuid>,
    }
}

/// An order a run may be started for now.
#[derive(Debug, Clone, PartialEq)]
pub struct StartableOrder {
    pub work_order_id: Uuid,
    pub procedure_id: Uuid,
    pub asset_id: Uuid,
    /// Who may start it besides editors and admins; empty when it is assigned to nobody.
    pub runners: Vec<Uuid>,
}

impl StartableOrder {
    /// `None` when the order does not exist, is not open or in progress, or has no procedure.
    pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<Self>> {
        let rows: Vec<(Uuid, Uuid, Uuid, Option<Uuid>)> = work_order_starts::table
            .filter(work_order_starts::work_order_id.eq(id))
            .select((
                work_order_starts::work_order_id,
                work_order_starts::procedure_id,
                work_order_starts::asset_id,
                work_order_starts::runner_id,
            ))
            .load(conn)?;
        let Some(&(work_order_id, procedure_id, asset_id, _)) = rows.first() else { return Ok(None) };
        let runners = rows.into_iter().filter_map(|r| r.3).collect();
        Ok(Some(Self { work_order_id, procedure_id, asset_id, runners }))
    }

    /// Whether `user` may start it: its assignee or a member of its team, as work's own start by
    /// hand says; an order assigned to nobody is for editors and admins (the caller's to let
    /// through) to give out, since work shows it to no technician.
    pub fn may_start(&self, user: Uuid) -> bool {
        self.runners.contains(&user)
    }
}
