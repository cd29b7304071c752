//! Step statistics: which steps of a revision trouble technicians.

use diesel::{prelude::*, sql_types};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{revisions::Revision, steps::StepKind};

#[derive(Debug, Serialize, ToSchema, QueryableByName)]
pub struct StepStats {
    #[diesel(sql_type = sql_types::Uuid)]
    pub step_id: Uuid,
    #[diesel(sql_type = sql_types::Integer)]
    pub number: i32,
    #[diesel(sql_type = sql_types::Text)]
    pub title: String,
    #[diesel(sql_type = sql_types::Text)]
    pub kind: StepKind,
    /// Results recorded in completed runs.
    #[diesel(sql_type = sql_types::BigInt)]
    pub results: i64,
    /// Share of pass/fail results that failed (0–1), when there are any.
    #[diesel(sql_type = sql_types::Nullable<sql_types::Double>)]
    pub failure_rate: Option<f64>,
    /// Share of readings outside min/max (0–1), when there are any.
    #[diesel(sql_type = sql_types::Nullable<sql_types::Double>)]
    pub out_of_limit_rate: Option<f64>,
    #[diesel(sql_type = sql_types::BigInt)]
    pub notes: i64,
    /// Median seconds from the previous result (or the start of the run) to this one.
    #[diesel(sql_type = sql_types::Nullable<sql_types::Double>)]
    pub median_seconds: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionStats {
    pub revision_id: Uuid,
    pub number: i32,
    pub completed_runs: i64,
    pub steps: Vec<StepStats>,
}

pub fn for_revision(conn: &mut PgConnection, revision: &Revision) -> QueryResult<RevisionStats> {
    let steps: Vec<StepStats> = diesel::sql_query(
        "WITH timed AS ( \
             SELECT res.step_id, res.passed, res.out_of_limit, res.note, \
                    EXTRACT(EPOCH FROM res.recorded_at - COALESCE( \
                        lag(res.recorded_at) OVER (PARTITION BY res.run_id ORDER BY res.recorded_at), ru.started_at))::float8 AS secs \
             FROM run_step_results res JOIN runs ru ON ru.id = res.run_id \
             WHERE ru.revision_id = $1 AND ru.status = 'completed') \
         SELECT s.id AS step_id, s.position + 1 AS number, s.title, s.kind, count(t.step_id) AS results, \
                CASE WHEN count(t.passed) = 0 THEN NULL \
                     ELSE (count(*) FILTER (WHERE t.passed = false))::float8 / count(t.passed) END AS failure_rate, \
                CASE WHEN s.kind <> 'number' OR count(t.step_id) = 0 THEN NULL \
                     ELSE (count(*) FILTER (WHERE t.out_of_limit))::float8 / count(t.step_id) END AS out_of_limit_rate, \
                count(*) FILTER (WHERE coalesce(trim(t.note), '') <> '') AS notes, \
                percentile_cont(0.5) WITHIN GROUP (ORDER BY t.secs) AS median_seconds \
         FROM steps s LEFT JOIN timed t ON t.step_id = s.id \
         WHERE s.revision_id = $1 GROUP BY s.id ORDER BY s.position",
    )
    .bind::<sql_types::Uuid, _>(revision.id)
    .load(conn)?;
    let completed_runs: i64 =
        diesel::sql_query("SELECT count(*) AS n FROM runs WHERE revision_id = $1 AND status = 'completed'")
            .bind::<sql_types::Uuid, _>(revision.id)
            .get_result::<Count>(conn)?
            .n;
    Ok(RevisionStats { revision_id: revision.id, number: revision.number, completed_runs, steps })
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = sql_types::BigInt)]
    n: i64,
}
