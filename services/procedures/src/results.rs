//! Step results: what a technician recorded at a step of a run, checked against the step's
//! kind and limits. A result is stored under the id its client made, so a retried call finds
//! it and changes nothing; a new id for the same step replaces the result.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use gamme_db::schema::run_step_results;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    error::{ProcError, Result},
    steps::{StepKind, StepView},
    validate,
};

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = run_step_results)]
pub struct StepResult {
    pub id: Uuid,
    pub run_id: Uuid,
    pub step_id: Uuid,
    pub value: Option<Value>,
    pub note: Option<String>,
    pub photo_ids: Vec<Uuid>,
    pub passed: Option<bool>,
    pub out_of_limit: bool,
    pub recorded_by: Uuid,
    pub recorded_at: DateTime<Utc>,
    pub replaced_ids: Vec<Uuid>,
}

/// One step's result as the technician's device sends it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResultInput {
    /// Made by the client once per entry; sending it again is harmless.
    pub result_id: Uuid,
    /// By kind: checkbox `true`/`false`; pass_fail `"pass"`/`"fail"`; number a number; text a
    /// string; choice one of the options; signature the file id of the drawn signature;
    /// instruction `true` (done) or nothing; photo nothing (see `photo_ids`).
    #[schema(value_type = Option<Value>)]
    pub value: Option<Value>,
    pub note: Option<String>,
    #[serde(default)]
    pub photo_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ResultView {
    pub result_id: Uuid,
    pub step_id: Uuid,
    #[schema(value_type = Option<Value>)]
    pub value: Option<Value>,
    pub note: Option<String>,
    pub photo_ids: Vec<Uuid>,
    /// pass_fail steps: whether it passed.
    pub passed: Option<bool>,
    /// number steps: the reading is outside the step's min/max.
    pub out_of_limit: bool,
    /// A failed check or an out-of-limit reading wants a note before the run completes.
    pub note_required: bool,
    /// What is wrong with the entry, for the technician.
    pub message: Option<String>,
    pub recorded_by: Uuid,
    pub recorded_at: DateTime<Utc>,
}

/// What a value means for a step: its checks, in the technician's words.
struct Evaluated {
    pub value: Option<Value>,
    pub passed: Option<bool>,
    pub out_of_limit: bool,
    pub message: Option<String>,
}

fn format_number(v: f64) -> String {
    let s = format!("{v}");
    s.strip_suffix(".0").map(str::to_owned).unwrap_or(s)
}

/// Checks `input` against the step's kind and limits.
fn evaluate(step: &StepView, input: &ResultInput) -> Result<Evaluated> {
    let wrong = |expected: &str| ProcError::invalid(format!("Step {} ({}) takes {expected}.", step.number, step.kind));
    let value = input.value.clone().filter(|v| !v.is_null());
    let mut out = Evaluated { value: value.clone(), passed: None, out_of_limit: false, message: None };
    match step.kind {
        StepKind::Instruction => {
            if value.as_ref().is_some_and(|v| v != &Value::Bool(true)) {
                return Err(wrong("`true` (done) or no value"));
            }
            out.value = Some(Value::Bool(true));
        }
        StepKind::Checkbox => {
            if !value.as_ref().is_some_and(Value::is_boolean) {
                return Err(wrong("`true` or `false`"));
            }
        }
        StepKind::PassFail => match value.as_ref().and_then(Value::as_str) {
            Some("pass") => out.passed = Some(true),
            Some("fail") => {
                out.passed = Some(false);
                out.message = Some("The check failed: say what you found in a note.".to_owned());
            }
            _ => return Err(wrong("`\"pass\"` or `\"fail\"`")),
        },
        StepKind::Number => {
            let Some(v) = value.as_ref().and_then(Value::as_f64).filter(|v| v.is_finite()) else {
                return Err(wrong("a number"));
            };
            let unit = step.unit.as_deref().map(|u| format!(" {u}")).unwrap_or_default();
            if let Some(min) = step.min.filter(|min| v < *min) {
                out.out_of_limit = true;
                out.message =
                    Some(format!("{}{unit} is below the minimum of {}{unit}.", format_number(v), format_number(min)));
            } else if let Some(max) = step.max.filter(|max| v > *max) {
                out.out_of_limit = true;
                out.message =
                    Some(format!("{}{unit} is above the maximum of {}{unit}.", format_number(v), format_number(max)));
            }
        }
        StepKind::Text => match value.as_ref().and_then(Value::as_str) {
            Some(s) if !s.trim().is_empty() => {
                validate::bounded("value", s, 10_000)?;
            }
            _ => return Err(wrong("some text")),
        },
        StepKind::Choice => match value.as_ref().and_then(Value::as_str) {
            Some(s) if step.options.iter().any(|o| o == s) => {}
            _ => return Err(wrong(&format!("one of: {}", step.options.join(", ")))),
        },
        StepKind::Photo => {
            if value.is_some() {
                return Err(wrong("no value, only `photo_ids`"));
            }
            if input.photo_ids.is_empty() {
                return Err(ProcError::invalid(format!("Step {} needs at least one photo.", step.number)));
            }
        }
        StepKind::Signature => {
            if value.as_ref().and_then(Value::as_str).is_none_or(|s| Uuid::parse_str(s).is_err()) {
                return Err(wrong("the file id of the signature image"));
            }
        }
    }
    if input.photo_ids.len() > 20 {
        return Err(ProcError::invalid("A step result has at most 20 photos."));
    }
    Ok(out)
}

impl StepResult {
    pub fn needs_note(&self) -> bool {
        (self.passed == Some(false) || self.out_of_limit) && self.note.as_deref().is_none_or(|n| n.trim().is_empty())
    }

    pub fn view(&self, step: Option<&StepView>) -> ResultView {
        let message = step.and_then(|s| {
            let input = ResultInput {
                result_id: self.id,
                value: self.value.clone(),
                note: None,
                photo_ids: self.photo_ids.clone(),
            };
            evaluate(s, &input).ok().and_then(|e| e.message)
        });
        ResultView {
            result_id: self.id,
            step_id: self.step_id,
            value: self.value.clone(),
            note: self.note.clone(),
            photo_ids: self.photo_ids.clone(),
            passed: self.passed,
            out_of_limit: self.out_of_limit,
            note_required: self.needs_note(),
            message,
            recorded_by: self.recorded_by,
            recorded_at: self.recorded_at,
        }
    }

    /// The result stored under this client id, or the one that replaced it.
    pub fn by_client_id(conn: &mut PgConnection, run_id: Uuid, id: Uuid) -> QueryResult<Option<Self>> {
        if let Some(found) = run_step_results::table.find(id).select(StepResult::as_select()).first(conn).optional()? {
            return Ok(Some(found));
        }
        run_step_results::table
            .filter(run_step_results::run_id.eq(run_id))
            .filter(
                diesel::dsl::sql::<diesel::sql_types::Bool>("")
                    .bind::<diesel::sql_types::Uuid, _>(id)
                    .sql(" = ANY(replaced_ids)"),
            )
            .select(StepResult::as_select())
            .first(conn)
            .optional()
    }

    pub fn for_run(conn: &mut PgConnection, run_id: Uuid) -> QueryResult<Vec<Self>> {
        run_step_results::table
            .filter(run_step_results::run_id.eq(run_id))
            .order(run_step_results::recorded_at.asc())
            .select(StepResult::as_select())
            .load(conn)
    }

    /// The result of `step` recorded before, if any.
    fn of_step(conn: &mut PgConnection, run_id: Uuid, step_id: Uuid) -> QueryResult<Option<Self>> {
        run_step_results::table
            .filter(run_step_results::run_id.eq(run_id))
            .filter(run_step_results::step_id.eq(step_id))
            .select(StepResult::as_select())
            .first(conn)
            .optional()
    }

    /// The note of a result, checked before anything else of the call.
    pub fn check_note(input: &ResultInput) -> Result<Option<String>> {
        validate::optional_text("note", input.note.as_deref(), 5000)
    }

    /// Checks `input` for `step` and stores it, with its checked `note`, as the step's result,
    /// replacing the one before (whose client id it keeps, so a late retry of that one changes
    /// nothing). Answers the result it replaced and the stored one. Photos and a signature must
    /// be uploads of `technician_id`, the run's technician, used by no other run.
    pub fn store(
        conn: &mut PgConnection,
        run_id: Uuid,
        technician_id: Uuid,
        step: &StepView,
        input: ResultInput,
        note: Option<String>,
        recorded_by: Uuid,
    ) -> Result<(Option<Self>, Self)> {
        let evaluated = evaluate(step, &input)?;
        validate::run_files(conn, run_id, technician_id, &input.photo_ids, "Photos")?;
        if step.kind == StepKind::Signature {
            let signature: Vec<Uuid> = evaluated
                .value
                .as_ref()
                .and_then(Value::as_str)
                .and_then(|s| Uuid::parse_str(s).ok())
                .into_iter()
                .collect();
            validate::run_files(conn, run_id, technician_id, &signature, "Signature")?;
        }
        let previous = StepResult::of_step(conn, run_id, step.id)?;
        let stored = StepResult {
            id: input.result_id,
            run_id,
            step_id: step.id,
            value: evaluated.value,
            note,
            photo_ids: input.photo_ids,
            passed: evaluated.passed,
            out_of_limit: evaluated.out_of_limit,
            recorded_by,
            recorded_at: gamme_db::clock::now(),
            replaced_ids: previous
                .as_ref()
                .map(|p| p.replaced_ids.iter().copied().chain([p.id]).collect())
                .unwrap_or_default(),
        };
        if let Some(prev) = &previous {
            diesel::delete(run_step_results::table.find(prev.id)).execute(conn)?;
        }
        diesel::insert_into(run_step_results::table).values(&stored).execute(conn)?;
        Ok((previous, stored))
    }
}
