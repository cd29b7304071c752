//! Runs: a technician works through a published revision step by step. Results are keyed by a
//! client-generated id so a retried call is harmless; readings outside their limits are
//! flagged; completion needs every required step and a sign-off, and a completed run never
//! changes.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use gamme_db::schema::{run_step_results, runs, users};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{
    diff::RevisionDiff,
    error::{ProcError, Result},
    revisions::RevisionView,
    steps::{Content, StepKind, StepView},
    validate,
};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = runs)]
pub struct Run {
    pub id: Uuid,
    pub procedure_id: Uuid,
    pub revision_id: Uuid,
    pub asset_id: Option<Uuid>,
    pub technician_id: Uuid,
    pub status: String,
    pub outcome: Option<String>,
    pub started_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub signoff_name: Option<String>,
    pub signoff_at: Option<DateTime<Utc>>,
    pub signature_file_id: Option<Uuid>,
    /// The work order the run carries out (the work service's).
    pub work_order_id: Option<Uuid>,
}

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

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartRun {
    pub procedure_id: Uuid,
    pub asset_id: Option<Uuid>,
    /// The work order the run carries out: it must be open or in progress, name this procedure
    /// (and this asset, when one is given; the order's asset otherwise), and be assigned to you
    /// or your team, unless you are an editor or an admin.
    pub work_order_id: Option<Uuid>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteRun {
    /// The name of the person signing off.
    pub signoff_name: String,
    /// A drawn signature, uploaded to the files service.
    pub signature_file_id: Option<Uuid>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FlaggedStep {
    pub step_id: Uuid,
    pub number: i32,
    pub title: String,
    /// `failed` or `out_of_limit`.
    pub reason: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RunSummary {
    pub id: Uuid,
    pub procedure_id: Uuid,
    pub procedure_code: String,
    pub title: String,
    pub revision_id: Uuid,
    pub revision_number: i32,
    pub asset_id: Option<Uuid>,
    pub technician_id: Uuid,
    pub technician_name: String,
    /// `in_progress` or `completed`.
    pub status: String,
    /// `passed` or `failed` once completed.
    pub outcome: Option<String>,
    pub started_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    /// The work order the run carries out.
    pub work_order_id: Option<Uuid>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NewerRevision {
    pub number: i32,
    pub diff: RevisionDiff,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RunView {
    #[serde(flatten)]
    pub summary: RunSummary,
    pub signoff_name: Option<String>,
    pub signoff_at: Option<DateTime<Utc>>,
    pub signature_file_id: Option<Uuid>,
    /// The revision followed, whole.
    pub revision: RevisionView,
    pub results: Vec<ResultView>,
    pub flagged: Vec<FlaggedStep>,
    /// Required steps without a result yet.
    pub missing_steps: Vec<Uuid>,
    /// When a newer revision has been published since: what changed.
    pub newer_revision: Option<NewerRevision>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RunFilter {
    pub procedure: Option<Uuid>,
    pub asset: Option<Uuid>,
    pub technician: Option<Uuid>,
    /// Started at or after.
    pub from: Option<DateTime<Utc>>,
    /// Started before.
    pub to: Option<DateTime<Utc>>,
    /// `passed` or `failed`.
    pub outcome: Option<String>,
    /// `in_progress` or `completed`.
    pub status: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

/// What a value means for a step: its checks, in the technician's words.
pub struct Evaluated {
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
pub fn evaluate(step: &StepView, input: &ResultInput) -> Result<Evaluated> {
    let wrong =
        |expected: &str| ProcError::invalid(format!("Step {} ({}) takes {expected}.", step.number, step.kind.as_str()));
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
}

/// The asset a run for `order` is on, once the work service's view says the order may be started
/// now by `user` for this procedure (and `asset`, when one is given).
pub fn work_order_asset(
    conn: &mut PgConnection,
    order: Uuid,
    procedure: Uuid,
    asset: Option<Uuid>,
    user: &gamme_auth_token::AuthUser,
) -> Result<Uuid> {
    let Some(startable) = gamme_db::work_order_starts::StartableOrder::find(conn, order)? else {
        return Err(ProcError::conflict(
            "work_order_not_startable",
            "This work order cannot be started: it does not exist, is not open or in progress, or has no procedure.",
        ));
    };
    if startable.procedure_id != procedure || asset.is_some_and(|a| a != startable.asset_id) {
        return Err(ProcError::invalid("This work order is for another procedure or asset."));
    }
    if !user.is(gamme_auth_token::Roles::EDITORS) && !startable.may_start(user.id) {
        return Err(ProcError::Forbidden("This work order is assigned to someone else.".into()));
    }
    Ok(startable.asset_id)
}

impl Run {
    pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<Self> {
        runs::table.find(id).select(Run::as_select()).first(conn).optional()?.ok_or(ProcError::NotFound("run"))
    }

    pub fn find_for_update(conn: &mut PgConnection, id: Uuid) -> Result<Self> {
        runs::table
            .find(id)
            .select(Run::as_select())
            .for_update()
            .first(conn)
            .optional()?
            .ok_or(ProcError::NotFound("run"))
    }

    pub fn is_completed(&self) -> bool {
        self.status == "completed"
    }

    pub fn require_open(&self) -> Result<()> {
        if self.is_completed() {
            Err(ProcError::conflict("run_completed", "This run is completed and signed off: it can no longer change."))
        } else {
            Ok(())
        }
    }

    pub fn technician_name(conn: &mut PgConnection, id: Uuid) -> QueryResult<String> {
        users::table.find(id).select(users::display_name).first(conn)
    }

    /// Required steps without a usable result, and failed or out-of-limit steps.
    pub fn check(content: &Content, results: &[StepResult]) -> (Vec<StepView>, Vec<FlaggedStep>) {
        let mut missing = Vec::new();
        let mut flagged = Vec::new();
        for step in content.steps() {
            let result = results.iter().find(|r| r.step_id == step.id);
            let done = match (step.kind, result) {
                (_, None) => false,
                (StepKind::Checkbox, Some(r)) => r.value == Some(Value::Bool(true)),
                (_, Some(_)) => true,
            };
            if step.required && !done {
                missing.push(step.clone());
            }
            if let Some(r) = result {
                let reason = if r.passed == Some(false) {
                    Some("failed")
                } else if r.out_of_limit {
                    Some("out_of_limit")
                } else {
                    None
                };
                if let Some(reason) = reason {
                    flagged.push(FlaggedStep {
                        step_id: step.id,
                        number: step.number,
                        title: step.title.clone(),
                        reason: reason.to_owned(),
                        note: r.note.clone(),
                    });
                }
            }
        }
        (missing, flagged)
    }

    pub fn complete(
        &mut self,
        conn: &mut PgConnection,
        content: &Content,
        input: &CompleteRun,
    ) -> Result<Vec<FlaggedStep>> {
        self.require_open()?;
        let name = validate::required_text("signoff_name", &input.signoff_name, 200)?;
        let results = StepResult::for_run(conn, self.id)?;
        let (missing, flagged) = Run::check(content, &results);
        if !missing.is_empty() {
            let names: Vec<String> = missing.iter().map(|s| format!("{}. {}", s.number, s.title)).collect();
            return Err(ProcError::Unprocessable {
                code: "missing_steps",
                message: format!("These required steps have no result yet: {}.", names.join("; ")),
                errors: Some(json!({
                    "missing_steps": missing.iter().map(|s| json!({ "step_id": s.id, "number": s.number, "title": s.title })).collect::<Vec<_>>()
                })),
            });
        }
        let unnoted: Vec<&StepResult> = results.iter().filter(|r| r.needs_note()).collect();
        if !unnoted.is_empty() {
            let steps: Vec<Value> = unnoted
                .iter()
                .filter_map(|r| content.steps().find(|s| s.id == r.step_id))
                .map(|s| json!({ "step_id": s.id, "number": s.number, "title": s.title }))
                .collect();
            return Err(ProcError::Unprocessable {
                code: "notes_required",
                message: "Failed checks and out-of-limit readings need a note before the run can be signed off.".into(),
                errors: Some(json!({ "steps": steps })),
            });
        }
        let now = crate::now();
        self.status = "completed".into();
        self.outcome = Some(if flagged.is_empty() { "passed" } else { "failed" }.into());
        self.completed_at = Some(now);
        self.signoff_name = Some(name);
        self.signoff_at = Some(now);
        self.signature_file_id = input.signature_file_id;
        diesel::update(runs::table.find(self.id))
            .set((
                runs::status.eq(&self.status),
                runs::outcome.eq(&self.outcome),
                runs::completed_at.eq(self.completed_at),
                runs::signoff_name.eq(&self.signoff_name),
                runs::signoff_at.eq(self.signoff_at),
                runs::signature_file_id.eq(self.signature_file_id),
            ))
            .execute(conn)?;
        Ok(flagged)
    }
}
