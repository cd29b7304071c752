//! What services other than procedures read of a run (procedures owns `runs` and
//! `run_step_results`): where and by whom it ran, and each step's recorded result with the step's
//! key and kind.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::schema::{run_step_results, runs, steps};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = runs, check_for_backend(diesel::pg::Pg))]
pub struct RunRef {
    pub id: Uuid,
    pub procedure_id: Uuid,
    pub asset_id: Option<Uuid>,
    pub technician_id: Uuid,
    pub started_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub work_order_id: Option<Uuid>,
}

/// One step's result in a run.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct RunResult {
    pub step_id: Uuid,
    /// The step's key, stable across revisions.
    pub step_key: Uuid,
    pub kind: String,
    pub title: String,
    pub unit: Option<String>,
    pub value: Option<serde_json::Value>,
    pub note: Option<String>,
    pub passed: Option<bool>,
    pub out_of_limit: bool,
    pub recorded_at: DateTime<Utc>,
}

impl RunRef {
    pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<Self>> {
        runs::table.find(id).select(Self::as_select()).first(conn).optional()
    }

    pub fn results(conn: &mut PgConnection, run_id: Uuid) -> QueryResult<Vec<RunResult>> {
        run_step_results::table
            .inner_join(steps::table.on(steps::id.eq(run_step_results::step_id)))
            .filter(run_step_results::run_id.eq(run_id))
            .order(steps::position.asc())
            .select((
                run_step_results::step_id,
                steps::key,
                steps::kind,
                steps::title,
                steps::unit,
                run_step_results::value,
                run_step_results::note,
                run_step_results::passed,
                run_step_results::out_of_limit,
                run_step_results::recorded_at,
            ))
            .load(conn)
    }
}
