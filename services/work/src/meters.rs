//! Meters on assets (running hours, cycles, km), their readings (entered by hand or taken from a
//! run's number step that is the meter's source), and what a reading sets off in the plans that
//! count the meter.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use gamme_db::{
    run_results::{RunRef, RunResult},
    schema::{meter_readings, meter_sources, meters},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    error::{Result, WorkError},
    events::Actor,
    planning,
    plans::latest_reading,
    refs, text,
};

gamme_db::text_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum ReadingSource {
        Manual,
        Run,
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = meters, check_for_backend(diesel::pg::Pg))]
pub struct Meter {
    pub id: Uuid,
    pub asset_id: Uuid,
    pub name: String,
    pub unit: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = meter_readings, check_for_backend(diesel::pg::Pg))]
pub struct Reading {
    pub id: Uuid,
    pub meter_id: Uuid,
    pub value: f64,
    pub taken_at: DateTime<Utc>,
    pub source: ReadingSource,
    /// A run's reading: the run and its number step.
    pub run_id: Option<Uuid>,
    pub step_id: Option<Uuid>,
    pub recorded_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeterInput {
    pub asset_id: Uuid,
    #[schema(
        max_length = 100,
        pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"
    )]
    pub name: String,
    /// `h`, `cycles`, `km`…
    #[schema(
        max_length = 20,
        pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"
    )]
    pub unit: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadingInput {
    pub value: f64,
    /// When it was read; now when absent.
    pub taken_at: Option<DateTime<Utc>>,
}

/// A procedure's number step whose value is the meter's reading when a run of it on the
/// meter's asset is completed.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, Serialize, Deserialize, ToSchema)]
#[diesel(table_name = meter_sources, check_for_backend(diesel::pg::Pg))]
#[serde(deny_unknown_fields)]
pub struct MeterSource {
    #[serde(skip_deserializing)]
    pub meter_id: Uuid,
    pub procedure_id: Uuid,
    /// The step's `key` (stable across revisions).
    pub step_key: Uuid,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MeterView {
    #[serde(flatten)]
    pub meter: Meter,
    pub latest: Option<Reading>,
    pub sources: Vec<MeterSource>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecordedReading {
    pub reading: Reading,
    /// Work orders the reading made (plans whose threshold it reached).
    pub orders_made: usize,
}

impl Meter {
    pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<Self> {
        meters::table.find(id).select(Self::as_select()).first(conn).optional()?.ok_or(WorkError::NotFound("meter"))
    }

    pub fn list(conn: &mut PgConnection, asset: Option<Uuid>) -> QueryResult<Vec<Self>> {
        let mut q = meters::table.select(Self::as_select()).order((meters::asset_id, meters::name)).into_boxed();
        if let Some(a) = asset {
            q = q.filter(meters::asset_id.eq(a));
        }
        q.load(conn)
    }

    pub fn create(conn: &mut PgConnection, input: MeterInput) -> Result<Self> {
        refs::asset_and_site(conn, input.asset_id)?;
        let meter = Meter {
            id: Uuid::now_v7(),
            asset_id: input.asset_id,
            name: text::required("name", &input.name, 100)?,
            unit: text::required("unit", &input.unit, 20)?,
            created_at: crate::now(),
        };
        let taken: bool = diesel::select(diesel::dsl::exists(
            meters::table.filter(meters::asset_id.eq(meter.asset_id)).filter(meters::name.eq(&meter.name)),
        ))
        .get_result(conn)?;
        if taken {
            return Err(WorkError::conflict(
                "meter_name_taken",
                format!("This asset already has a meter named {}.", meter.name),
            ));
        }
        diesel::insert_into(meters::table).values(&meter).execute(conn)?;
        Ok(meter)
    }

    pub fn sources(conn: &mut PgConnection, id: Uuid) -> QueryResult<Vec<MeterSource>> {
        meter_sources::table.filter(meter_sources::meter_id.eq(id)).select(MeterSource::as_select()).load(conn)
    }

    pub fn view(self, conn: &mut PgConnection) -> Result<MeterView> {
        let latest = meter_readings::table
            .filter(meter_readings::meter_id.eq(self.id))
            .order((meter_readings::taken_at.desc(), meter_readings::id.desc()))
            .select(Reading::as_select())
            .first(conn)
            .optional()?;
        let sources = Self::sources(conn, self.id)?;
        Ok(MeterView { meter: self, latest, sources })
    }

    /// A reading entered by hand: never below the latest one (a meter only counts up), never in
    /// the future.
    pub fn record(&self, conn: &mut PgConnection, actor: &Actor, input: ReadingInput) -> Result<RecordedReading> {
        if !input.value.is_finite() || input.value < 0.0 {
            return Err(WorkError::invalid("`value` is a reading: a number, 0 or more."));
        }
        let now = crate::now();
        let taken_at = input.taken_at.unwrap_or(now);
        if taken_at > now + chrono::Duration::minutes(5) {
            return Err(WorkError::invalid("`taken_at` is in the future."));
        }
        if let Some(latest) = latest_reading(conn, self.id)? {
            if input.value < latest {
                return Err(WorkError::conflict(
                    "reading_below_latest",
                    format!(
                        "{} {} is below the latest reading, {latest} {}: a meter only counts up.",
                        input.value, self.unit, self.unit
                    ),
                ));
            }
        }
        let reading = Reading {
            id: Uuid::now_v7(),
            meter_id: self.id,
            value: input.value,
            taken_at,
            source: ReadingSource::Manual,
            run_id: None,
            step_id: None,
            recorded_by: actor.user_id,
            created_at: now,
        };
        diesel::insert_into(meter_readings::table).values(&reading).execute(conn)?;
        let orders_made = planning::meter_reading(conn, actor, self.id, reading.value, reading.taken_at)?;
        Ok(RecordedReading { reading, orders_made })
    }

    /// Replaces the meter's sources; each must be a number step of its procedure's published
    /// revision.
    pub fn set_sources(&self, conn: &mut PgConnection, sources: Vec<MeterSource>) -> Result<Vec<MeterSource>> {
        if sources.len() > 20 {
            return Err(WorkError::invalid("A meter has at most 20 sources."));
        }
        for s in &sources {
            let procedure = refs::procedure(conn, s.procedure_id)?;
            let step = procedure.published_steps(conn)?.into_iter().find(|st| st.key == s.step_key);
            match step {
                Some(st) if st.kind == "number" => {}
                Some(st) => {
                    return Err(WorkError::invalid(format!(
                        "“{}” of {} is not a number step: it cannot be a meter reading.",
                        st.title, procedure.code
                    )))
                }
                None => {
                    return Err(WorkError::invalid(format!(
                        "{} has no such step in its published revision.",
                        procedure.code
                    )))
                }
            }
        }
        diesel::delete(meter_sources::table.filter(meter_sources::meter_id.eq(self.id))).execute(conn)?;
        let rows: Vec<MeterSource> = sources
            .into_iter()
            .map(|s| MeterSource { meter_id: self.id, procedure_id: s.procedure_id, step_key: s.step_key })
            .collect();
        diesel::insert_into(meter_sources::table).values(&rows).on_conflict_do_nothing().execute(conn)?;
        Ok(Self::sources(conn, self.id)?)
    }
}

/// A run completed: each number step that is the source of a meter of the run's asset gives that
/// meter a reading (once per run and step, however often the event comes).
pub fn readings_from_run(conn: &mut PgConnection, actor: &Actor, run: &RunRef, results: &[RunResult]) -> Result<usize> {
    let Some(asset) = run.asset_id else { return Ok(0) };
    let fed: Vec<(Meter, Uuid)> = meters::table
        .inner_join(meter_sources::table)
        .filter(meters::asset_id.eq(asset))
        .filter(meter_sources::procedure_id.eq(run.procedure_id))
        .select((Meter::as_select(), meter_sources::step_key))
        .load(conn)?;
    let mut made = 0;
    for (meter, key) in fed {
        let Some(result) = results.iter().find(|r| r.step_key == key && r.kind == "number") else { continue };
        let Some(value) =
            result.value.as_ref().and_then(serde_json::Value::as_f64).filter(|v| v.is_finite() && *v >= 0.0)
        else {
            continue;
        };
        let reading = Reading {
            id: Uuid::now_v7(),
            meter_id: meter.id,
            value,
            taken_at: result.recorded_at,
            source: ReadingSource::Run,
            run_id: Some(run.id),
            step_id: Some(result.step_id),
            recorded_by: Some(run.technician_id),
            created_at: crate::now(),
        };
        let inserted =
            diesel::insert_into(meter_readings::table).values(&reading).on_conflict_do_nothing().execute(conn)?;
        if inserted > 0 {
            made += planning::meter_reading(conn, actor, meter.id, value, reading.taken_at)?;
        }
    }
    Ok(made)
}

pub const READINGS_PAGE: gamme_db::paging::PageSize = gamme_db::paging::PageSize::new(50, 200);

/// Readings of a meter, newest first, after `after` (`taken_at`, `id`).
pub fn readings(
    conn: &mut PgConnection,
    meter: Uuid,
    after: Option<(DateTime<Utc>, Uuid)>,
    fetch: i64,
) -> QueryResult<Vec<Reading>> {
    let mut q = meter_readings::table
        .filter(meter_readings::meter_id.eq(meter))
        .order((meter_readings::taken_at.desc(), meter_readings::id.desc()))
        .limit(fetch)
        .select(Reading::as_select())
        .into_boxed();
    if let Some((at, id)) = after {
        q = q
            .filter(meter_readings::taken_at.lt(at).or(meter_readings::taken_at.eq(at).and(meter_readings::id.lt(id))));
    }
    q.load(conn)
}
