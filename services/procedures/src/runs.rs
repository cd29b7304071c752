//! Runs: a technician works through a published revision step by step. Results are keyed by a
//! client-generated id so a retried call is harmless (`results.rs`); readings outside their
//! limits are flagged; completion needs every required step and a sign-off, and a completed
//! run never changes.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use gamme_auth_token::{AuthUser, Roles};
use gamme_bus::{outbox, Envelope, Event};
use gamme_db::{
    file_access::Viewer,
    paging::{Page, PageSize, Pager},
    schema::{procedures, revisions, runs, signatures as signature_rows},
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{
    assets::Asset,
    audit::{AuditEntity, AuditEvent, Audited},
    diff::{self, RevisionDiff},
    error::{ProcError, Result},
    procedures::Procedure,
    results::{ResultInput, ResultView, StepResult},
    revisions::{Revision, RevisionView},
    run_contents::RunContents,
    signatures::{self, Meaning, Signature, SigningPolicy, Subject},
    steps::{Content, StepKind, StepView},
    validate,
};

gamme_db::text_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum RunStatus {
        InProgress,
        Completed,
    }
}

gamme_db::text_enum! {
    /// `failed` when any step was flagged.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum RunOutcome {
        Passed,
        Failed,
    }
}

/// Why a step of a run is flagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema, gamme_db::strum::Display)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case", crate = "gamme_db::strum")]
pub enum FlagReason {
    /// A pass/fail check failed.
    Failed,
    /// A reading fell outside the step's limits.
    OutOfLimit,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = runs)]
pub struct Run {
    pub id: Uuid,
    pub procedure_id: Uuid,
    pub revision_id: Uuid,
    pub asset_id: Option<Uuid>,
    pub technician_id: Uuid,
    pub status: RunStatus,
    pub outcome: Option<RunOutcome>,
    pub started_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub signoff_name: Option<String>,
    pub signoff_at: Option<DateTime<Utc>>,
    pub signature_file_id: Option<Uuid>,
    /// The work order the run carries out (the work service's).
    pub work_order_id: Option<Uuid>,
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

/// Where a run stands with the second person's check (`verified`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, gamme_db::strum::EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case", crate = "gamme_db::strum")]
pub enum Verification {
    /// Its revision does not require one (and nobody gave one).
    NotRequired,
    /// Required: signed off, or still open, and not yet verified.
    Pending,
    /// A second person signed it as `verified`.
    Verified,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FlaggedStep {
    pub step_id: Uuid,
    pub number: i32,
    pub title: String,
    pub reason: FlagReason,
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
    pub status: RunStatus,
    /// Once completed.
    pub outcome: Option<RunOutcome>,
    pub started_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    /// The work order the run carries out.
    pub work_order_id: Option<Uuid>,
    /// Where the run stands with the second person's check its revision may require.
    pub verification: Verification,
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
    /// The run's signatures, oldest first: `performed` at sign-off, `verified` by a second
    /// person.
    pub signatures: Vec<Signature>,
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
    pub outcome: Option<RunOutcome>,
    pub status: Option<RunStatus>,
    /// `pending` (its revision requires a second person's check, not given yet), `verified` or
    /// `not_required`.
    pub verification: Option<Verification>,
    pub cursor: Option<String>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// 1–200, 50 by default.
const RUN_PAGE: PageSize = PageSize::new(50, 200);

/// A run with its procedure's code, its revision's title, number and whether it requires
/// verification, and whether it has a `verified` signature.
type SummaryRow = (Run, String, String, i32, bool, bool);

impl Audited for Run {
    fn entity(&self) -> AuditEntity {
        AuditEntity::Run
    }

    fn id(&self) -> Uuid {
        self.id
    }

    fn procedure_id(&self) -> Option<Uuid> {
        Some(self.procedure_id)
    }
}

/// The asset a run for `order` is on, once the work service's view says the order may be started
/// now by `user` for this procedure (and `asset`, when one is given).
pub fn work_order_asset(
    conn: &mut PgConnection,
    order: Uuid,
    procedure: Uuid,
    asset: Option<Uuid>,
    user: &AuthUser,
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
    if !user.is(Roles::EDITORS) && !startable.may_start(user.id) {
        return Err(ProcError::Forbidden(if startable.runners.is_empty() {
            "This work order is assigned to nobody yet: an editor or an admin gives it out first."
        } else {
            "This work order is assigned to someone else."
        }));
    }
    Ok(startable.asset_id)
}

impl Run {
    /// Starts a run of a procedure's published revision, for an asset if one is given (the work
    /// order's when the run carries one out), and announces it.
    pub fn start(
        conn: &mut PgConnection,
        actor: &AuthUser,
        input: &StartRun,
        correlation: Option<String>,
    ) -> Result<Self> {
        let procedure = Procedure::visible_to(conn, input.procedure_id, actor)?;
        let revision_id = match procedure.published_revision_id {
            Some(id) if procedure.is_runnable() => id,
            _ => return Err(ProcError::conflict("not_published", "Only a published procedure can be run.")),
        };
        let asset_id = match input.work_order_id {
            Some(order) => Some(work_order_asset(conn, order, procedure.id, input.asset_id, actor)?),
            None => input.asset_id,
        };
        if let Some(asset_id) = asset_id {
            let asset = Asset::find(conn, asset_id).map_err(|_| ProcError::invalid("The asset does not exist."))?;
            if asset.archived_at.is_some() {
                return Err(ProcError::conflict("asset_archived", "This asset is archived."));
            }
        }
        let run = Run {
            id: Uuid::now_v7(),
            procedure_id: procedure.id,
            revision_id,
            asset_id,
            technician_id: actor.id,
            status: RunStatus::InProgress,
            outcome: None,
            started_at: gamme_db::clock::now(),
            completed_at: None,
            signoff_name: None,
            signoff_at: None,
            signature_file_id: None,
            work_order_id: input.work_order_id,
        };
        diesel::insert_into(runs::table).values(&run).execute(conn)?;
        let after = json!({ "revision_id": revision_id, "asset_id": asset_id, "work_order_id": input.work_order_id });
        AuditEvent::record(conn, actor.id, "run.started", &run, None, Some(after))?;
        let event = Event::RunStarted {
            run_id: run.id,
            procedure_id: run.procedure_id,
            revision_id: run.revision_id,
            asset_id: run.asset_id,
            technician_id: run.technician_id,
            work_order_id: run.work_order_id,
        };
        outbox::enqueue(conn, &Envelope::new(event, correlation))?;
        Ok(run)
    }

    /// The run, if `user` may see it (`gamme_db::file_access`'s rule): else 404, so a run one
    /// may not see does not exist for them.
    pub fn find(conn: &mut PgConnection, id: Uuid, user: &AuthUser) -> Result<Self> {
        runs::table
            .find(id)
            .filter(viewer(user).may_see_run(runs::id))
            .select(Run::as_select())
            .first(conn)
            .optional()?
            .ok_or(ProcError::NotFound("run"))
    }

    /// Locks the run, if `user` may see it, for the rest of the transaction: its results are
    /// recorded one at a time.
    pub fn find_for_update(conn: &mut PgConnection, id: Uuid, user: &AuthUser) -> Result<Self> {
        runs::table
            .find(id)
            .filter(viewer(user).may_see_run(runs::id))
            .select(Run::as_select())
            .for_update()
            .first(conn)
            .optional()?
            .ok_or(ProcError::NotFound("run"))
    }

    /// 409 once the run is completed: a signed-off run never changes.
    fn require_open(&self) -> Result<()> {
        match self.status {
            RunStatus::InProgress => Ok(()),
            RunStatus::Completed => Err(ProcError::conflict(
                "run_completed",
                "This run is completed and signed off: it can no longer change.",
            )),
        }
    }

    /// 403 unless `user` started the run (or is an admin).
    fn require_technician(&self, user: &AuthUser) -> Result<()> {
        if self.technician_id == user.id || user.is(Roles::ADMINS) {
            Ok(())
        } else {
            Err(ProcError::Forbidden("Only the technician who started this run can record it."))
        }
    }

    /// Required steps without a usable result, and failed or out-of-limit steps.
    fn check(content: &Content, results: &[StepResult]) -> (Vec<StepView>, Vec<FlaggedStep>) {
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
                    Some(FlagReason::Failed)
                } else if r.out_of_limit {
                    Some(FlagReason::OutOfLimit)
                } else {
                    None
                };
                if let Some(reason) = reason {
                    flagged.push(FlaggedStep {
                        step_id: step.id,
                        number: step.number,
                        title: step.title.clone(),
                        reason,
                        note: r.note.clone(),
                    });
                }
            }
        }
        (missing, flagged)
    }

    /// Records the result of `step_id` in run `run_id`, as `record_step` does. A `result_id`
    /// sent again (a retry after a lost answer, the phone's queue replayed) is answered from
    /// what is stored without locking the run: a replay writes nothing, not even the row lock.
    pub fn record(
        conn: &mut PgConnection,
        run_id: Uuid,
        actor: &AuthUser,
        step_id: Uuid,
        input: ResultInput,
        contents: &RunContents,
    ) -> Result<ResultView> {
        StepResult::check_note(&input)?;
        let run = Run::find(conn, run_id, actor)?;
        let content = contents.get(conn, run.revision_id)?;
        if let Some(stored) = run.stored_result(conn, actor, step_id, input.result_id, &content)? {
            return Ok(stored);
        }
        Run::find_for_update(conn, run_id, actor)?.record_step(conn, actor, step_id, input, contents)
    }

    /// Records the result of `step_id`; the run is locked. Sending a `result_id` again answers
    /// the result stored under it and changes nothing, even once the run is completed; a new one
    /// replaces the step's result while the run is open.
    fn record_step(
        &self,
        conn: &mut PgConnection,
        actor: &AuthUser,
        step_id: Uuid,
        input: ResultInput,
        contents: &RunContents,
    ) -> Result<ResultView> {
        let note = StepResult::check_note(&input)?;
        let content = contents.get(conn, self.revision_id)?;
        if let Some(stored) = self.stored_result(conn, actor, step_id, input.result_id, &content)? {
            return Ok(stored);
        }
        self.require_open()?;
        let step = content.steps().find(|s| s.id == step_id).ok_or(ProcError::NotFound("step in this run"))?;
        let (previous, stored) = StepResult::store(conn, self.id, self.technician_id, step, input, note, actor.id)?;
        let (before, after) = (previous.map(|p| json!(p)), Some(json!(stored)));
        AuditEvent::record(conn, actor.id, "run.step_recorded", self, before, after)?;
        Ok(stored.view(Some(step)))
    }

    /// The result stored under `result_id` for `step_id`, if it was sent before: 403 unless
    /// `actor` may record this run, 404 for a step not in it, 409 when the id is another step's.
    fn stored_result(
        &self,
        conn: &mut PgConnection,
        actor: &AuthUser,
        step_id: Uuid,
        result_id: Uuid,
        content: &Content,
    ) -> Result<Option<ResultView>> {
        self.require_technician(actor)?;
        let step = content.steps().find(|s| s.id == step_id).ok_or(ProcError::NotFound("step in this run"))?;
        match StepResult::by_client_id(conn, self.id, result_id)? {
            Some(existing) if existing.run_id != self.id || existing.step_id != step_id => {
                Err(ProcError::conflict("result_id_conflict", "This result id belongs to another step."))
            }
            Some(existing) => Ok(Some(existing.view(Some(step)))),
            None => Ok(None),
        }
    }

    /// The hash a sign-off and a verification sign: the run's identity and every result.
    fn signed_results(&self, results: &[StepResult]) -> String {
        signatures::content_hash(&json!({
            "run_id": self.id,
            "procedure_id": self.procedure_id,
            "revision_id": self.revision_id,
            "asset_id": self.asset_id,
            "work_order_id": self.work_order_id,
            "results": results,
        }))
    }

    /// Signs the run off, the one move of its lifecycle (`in_progress → completed`): every
    /// required step needs a result, and failed checks and out-of-limit readings a note. Its
    /// outcome is `failed` when a step was flagged; `run.completed` announces it. The signer
    /// signs its results (`performed`), with a recent sign-in.
    pub fn complete(
        &mut self,
        conn: &mut PgConnection,
        actor: &AuthUser,
        input: &CompleteRun,
        policy: &SigningPolicy,
        correlation: Option<String>,
    ) -> Result<()> {
        self.require_technician(actor)?;
        let content = Content::load(conn, self.revision_id)?;
        self.require_open()?;
        let signature: Vec<Uuid> = input.signature_file_id.into_iter().collect();
        validate::run_files(conn, self.id, self.technician_id, &signature, "Signature")?;
        let name = validate::required_text("signoff_name", &input.signoff_name, 200)?;
        let results = StepResult::for_run(conn, self.id)?;
        let (missing, flagged) = Run::check(&content, &results);
        if !missing.is_empty() {
            let names: Vec<String> = missing.iter().map(|s| format!("{}. {}", s.number, s.title)).collect();
            return Err(ProcError::unprocessable(
                "missing_steps",
                format!("These required steps have no result yet: {}.", names.join("; ")),
                Some(json!({
                    "missing_steps": missing.iter().map(|s| json!({ "step_id": s.id, "number": s.number, "title": s.title })).collect::<Vec<_>>()
                })),
            ));
        }
        let unnoted: Vec<&StepResult> = results.iter().filter(|r| r.needs_note()).collect();
        if !unnoted.is_empty() {
            let steps: Vec<Value> = unnoted
                .iter()
                .filter_map(|r| content.steps().find(|s| s.id == r.step_id))
                .map(|s| json!({ "step_id": s.id, "number": s.number, "title": s.title }))
                .collect();
            return Err(ProcError::unprocessable(
                "notes_required",
                "Failed checks and out-of-limit readings need a note before the run can be signed off.",
                Some(json!({ "steps": steps })),
            ));
        }
        let signed = self.signed_results(&results);
        let image = input.signature_file_id;
        Signature::sign(conn, policy, actor, Subject::Run, self.id, Meaning::Performed, signed, image)?;
        let now = gamme_db::clock::now();
        self.status = RunStatus::Completed;
        self.outcome = Some(if flagged.is_empty() { RunOutcome::Passed } else { RunOutcome::Failed });
        self.completed_at = Some(now);
        self.signoff_name = Some(name);
        self.signoff_at = Some(now);
        self.signature_file_id = input.signature_file_id;
        diesel::update(runs::table.find(self.id))
            .set((
                runs::status.eq(self.status),
                runs::outcome.eq(self.outcome),
                runs::completed_at.eq(self.completed_at),
                runs::signoff_name.eq(&self.signoff_name),
                runs::signoff_at.eq(self.signoff_at),
                runs::signature_file_id.eq(self.signature_file_id),
            ))
            .execute(conn)?;
        let after = json!({ "status": self.status, "outcome": self.outcome, "signoff_name": self.signoff_name,
            "signature_file_id": self.signature_file_id });
        let before = json!({ "status": RunStatus::InProgress });
        AuditEvent::record(conn, actor.id, "run.completed", self, Some(before), Some(after))?;
        let event = Event::RunCompleted {
            run_id: self.id,
            procedure_id: self.procedure_id,
            revision_id: self.revision_id,
            asset_id: self.asset_id,
            technician_id: self.technician_id,
            outcome: self.outcome.map(|o| o.to_string()).unwrap_or_default(),
            flagged_steps: flagged
                .iter()
                .map(|f| gamme_bus::FlaggedStep {
                    step_id: f.step_id,
                    number: f.number,
                    title: f.title.clone(),
                    reason: f.reason.to_string(),
                })
                .collect(),
            work_order_id: self.work_order_id,
        };
        outbox::enqueue(conn, &Envelope::new(event, correlation))?;
        Ok(())
    }

    /// A second person's check of a signed-off run (`verified`, over the same results as the
    /// sign-off), with a recent sign-in: never the person who performed or signed it off.
    pub fn verify(&self, conn: &mut PgConnection, actor: &AuthUser, policy: &SigningPolicy) -> Result<()> {
        if self.status != RunStatus::Completed {
            return Err(ProcError::conflict("run_not_completed", "Only a signed-off run can be verified."));
        }
        let performed = Signature::find(conn, Subject::Run, self.id, Meaning::Performed)?;
        if self.technician_id == actor.id || performed.is_some_and(|s| s.signer_id == actor.id) {
            return Err(ProcError::Forbidden("You performed this run: a second person verifies it."));
        }
        let results = StepResult::for_run(conn, self.id)?;
        let signed = self.signed_results(&results);
        let signature = Signature::sign(conn, policy, actor, Subject::Run, self.id, Meaning::Verified, signed, None)?;
        let after = json!({ "verified_by": signature.signer_name, "content_hash": signature.content_hash });
        AuditEvent::record(conn, actor.id, "run.verified", self, None, Some(after))?;
        Ok(())
    }

    /// The run with the revision it follows, its results, what is missing and what was
    /// flagged, and what changed when a newer revision has been published since.
    pub fn view(self, conn: &mut PgConnection) -> Result<RunView> {
        let revision = Revision::by_id(conn, self.revision_id)?;
        let procedure = Procedure::find(conn, self.procedure_id)?;
        let content = Content::load(conn, revision.id)?;
        let results = StepResult::for_run(conn, self.id)?;
        let (missing, flagged) = Run::check(&content, &results);
        let newer_revision = match procedure.published_revision_id {
            Some(pid) if pid != revision.id => {
                let newer = Revision::by_id(conn, pid)?;
                if newer.number > revision.number {
                    let newer_content = Content::load(conn, newer.id)?;
                    Some(NewerRevision {
                        number: newer.number,
                        diff: diff::diff(&revision, &content, &newer, &newer_content),
                    })
                } else {
                    None
                }
            }
            _ => None,
        };
        let result_views: Vec<ResultView> =
            results.iter().map(|r| r.view(content.steps().find(|s| s.id == r.step_id))).collect();
        let revision_view = revision.view(conn)?;
        let names = gamme_db::users::display_names(conn, &[self.technician_id])?;
        let signatures = Signature::of(conn, Subject::Run, self.id)?;
        let verified = signatures.iter().any(|s| s.meaning == Meaning::Verified);
        let (signoff_name, signoff_at, signature_file_id) =
            (self.signoff_name.clone(), self.signoff_at, self.signature_file_id);
        let row =
            (self, procedure.code, revision.title.clone(), revision.number, revision.requires_verification, verified);
        Ok(RunView {
            signatures,
            signoff_name,
            signoff_at,
            signature_file_id,
            summary: summary(row, &names),
            revision: revision_view,
            results: result_views,
            flagged,
            missing_steps: missing.iter().map(|s| s.id).collect(),
            newer_revision,
        })
    }

    /// Runs by procedure, asset (with what is under it), technician, date, status and outcome,
    /// newest first.
    pub fn list(conn: &mut PgConnection, filter: RunFilter, user: &AuthUser) -> Result<Page<RunSummary>> {
        let pager: Pager<(DateTime<Utc>, Uuid)> = Pager::new(RUN_PAGE, filter.limit, filter.cursor.as_deref())?;
        let RunFilter { outcome, status, verification, .. } = filter;
        let mut q = runs::table
            .inner_join(procedures::table.on(procedures::id.eq(runs::procedure_id)))
            .inner_join(revisions::table.on(revisions::id.eq(runs::revision_id)))
            .filter(viewer(user).may_see_run(runs::id))
            .select((
                Run::as_select(),
                procedures::code,
                revisions::title,
                revisions::number,
                revisions::requires_verification,
                verified(),
            ))
            .order((runs::started_at.desc(), runs::id.desc()))
            .limit(pager.fetch())
            .into_boxed();
        if let Some(p) = filter.procedure {
            q = q.filter(runs::procedure_id.eq(p));
        }
        if let Some(a) = filter.asset {
            q = q.filter(runs::asset_id.eq_any(Asset::subtree_ids(conn, a)?));
        }
        if let Some(t) = filter.technician {
            q = q.filter(runs::technician_id.eq(t));
        }
        if let Some(from) = filter.from {
            q = q.filter(runs::started_at.ge(from));
        }
        if let Some(to) = filter.to {
            q = q.filter(runs::started_at.lt(to));
        }
        if let Some(o) = outcome {
            q = q.filter(runs::outcome.eq(o));
        }
        if let Some(s) = status {
            q = q.filter(runs::status.eq(s));
        }
        q = match verification {
            Some(Verification::Pending) => q.filter(revisions::requires_verification.and(verified().eq(false))),
            Some(Verification::Verified) => q.filter(verified()),
            Some(Verification::NotRequired) => {
                q.filter(revisions::requires_verification.eq(false).and(verified().eq(false)))
            }
            None => q,
        };
        if let Some((at, id)) = pager.after {
            q = q.filter(runs::started_at.lt(at).or(runs::started_at.eq(at).and(runs::id.lt(id))));
        }
        let rows: Vec<SummaryRow> = q.load(conn)?;
        let page = pager.page(rows, |(r, ..)| (r.started_at, r.id));
        let technicians: Vec<Uuid> = page.items.iter().map(|(r, ..)| r.technician_id).collect();
        let names = gamme_db::users::display_names(conn, &technicians)?;
        Ok(Page {
            items: page.items.into_iter().map(|row| summary(row, &names)).collect(),
            next_cursor: page.next_cursor,
        })
    }
}

/// The signed-in user as the access rules see them.
fn viewer(user: &AuthUser) -> Viewer {
    Viewer::new(user.id, user.role)
}

/// A run with its procedure's code, its revision's title and number, and its technician's
/// name (from `names`).
/// Whether the run (of the query's `runs` row) carries a `verified` signature.
#[diesel::dsl::auto_type(no_type_alias)]
fn verified() -> _ {
    let run: Subject = Subject::Run;
    let meaning: Meaning = Meaning::Verified;
    diesel::dsl::exists(
        signature_rows::table
            .filter(signature_rows::subject_type.eq(run))
            .filter(signature_rows::subject_id.eq(runs::id))
            .filter(signature_rows::meaning.eq(meaning)),
    )
}

fn summary((run, code, title, number, required, verified): SummaryRow, names: &HashMap<Uuid, String>) -> RunSummary {
    let verification = if verified {
        Verification::Verified
    } else if required {
        Verification::Pending
    } else {
        Verification::NotRequired
    };
    RunSummary {
        id: run.id,
        procedure_id: run.procedure_id,
        procedure_code: code,
        title,
        revision_id: run.revision_id,
        revision_number: number,
        asset_id: run.asset_id,
        technician_id: run.technician_id,
        technician_name: names.get(&run.technician_id).cloned().unwrap_or_default(),
        status: run.status,
        outcome: run.outcome,
        started_at: run.started_at,
        completed_at: run.completed_at,
        work_order_id: run.work_order_id,
        verification,
    }
}
