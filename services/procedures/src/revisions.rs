//! Revisions: numbered versions of a procedure. Each move of the lifecycle (`lifecycle.rs`)
//! is a method here that checks its rule, changes the status through `Revision::transition`,
//! and writes the audit entry and the event that go with it. Only drafts change.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use gamme_auth_token::{AuthUser, Roles};
use gamme_bus::{outbox, Envelope, Event};
use gamme_db::schema::revisions;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    audit::{AuditEntity, AuditEvent, Audited},
    error::{ProcError, Result},
    lifecycle::{self, RevisionStatus, Transition},
    procedures::Procedure,
    reviews::{Decision, Review, ReviewView},
    search,
    signatures::{self, Meaning, Signature, SigningPolicy, Subject},
    steps::{Content, ContentInput},
    validate,
};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = revisions)]
pub struct Revision {
    pub id: Uuid,
    pub procedure_id: Uuid,
    pub number: i32,
    pub status: RevisionStatus,
    pub title: String,
    pub description: String,
    pub tags: Vec<String>,
    pub language: String,
    pub estimated_minutes: Option<i32>,
    pub tools: Vec<String>,
    pub parts: Vec<String>,
    pub ppe: Vec<String>,
    pub based_on_revision_id: Option<Uuid>,
    pub translated_from_revision_id: Option<Uuid>,
    pub author_id: Uuid,
    pub submitted_at: Option<DateTime<Utc>>,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub superseded_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Each run of this revision needs a second person's `verified` signature.
    pub requires_verification: bool,
}

/// A revision's descriptive fields, as written by an author.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevisionFields {
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub tags: Vec<String>,
    pub language: String,
    pub estimated_minutes: Option<i32>,
    #[serde(default)]
    pub tools: Vec<String>,
    #[serde(default)]
    pub parts: Vec<String>,
    #[serde(default)]
    pub ppe: Vec<String>,
    /// Each run needs a second person's `verified` signature, besides the performer's.
    #[serde(default)]
    pub requires_verification: bool,
}

/// What an approval carries besides the approver: their comment, the signing policy, and the
/// request's correlation id for the event.
pub struct Approval {
    pub comment: String,
    pub policy: SigningPolicy,
    pub correlation: Option<String>,
}

/// A change to a draft's descriptive fields; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevisionPatch {
    pub title: Option<String>,
    pub description: Option<String>,
    pub tags: Option<Vec<String>>,
    pub language: Option<String>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "validate::nullable")]
    #[schema(value_type = Option<i32>)]
    pub estimated_minutes: Option<Option<i32>>,
    pub tools: Option<Vec<String>>,
    pub parts: Option<Vec<String>>,
    pub ppe: Option<Vec<String>>,
    pub requires_verification: Option<bool>,
}

/// A revision without its content, for lists.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RevisionSummary {
    pub id: Uuid,
    pub number: i32,
    pub status: RevisionStatus,
    pub title: String,
    pub language: String,
    pub author_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub superseded_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RevisionView {
    pub id: Uuid,
    pub procedure_id: Uuid,
    pub number: i32,
    pub status: RevisionStatus,
    pub title: String,
    pub description: String,
    pub tags: Vec<String>,
    pub language: String,
    pub estimated_minutes: Option<i32>,
    pub tools: Vec<String>,
    pub parts: Vec<String>,
    pub ppe: Vec<String>,
    /// Each run needs a second person's `verified` signature.
    pub requires_verification: bool,
    pub based_on_revision_id: Option<Uuid>,
    pub translated_from_revision_id: Option<Uuid>,
    pub author_id: Uuid,
    /// The author's display name, so readers who may not list users still see who wrote it.
    pub author_name: String,
    pub submitted_at: Option<DateTime<Utc>>,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub superseded_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub content: Content,
    pub reviews: Vec<ReviewView>,
    /// The approval's signature, once approved.
    pub signatures: Vec<Signature>,
}

impl RevisionFields {
    /// The fields cleaned (trimmed, duplicates dropped), or 400 naming the first one at fault.
    pub fn check(&self) -> Result<RevisionFields> {
        if let Some(m) = self.estimated_minutes {
            if !(1..=100_000).contains(&m) {
                return Err(ProcError::invalid("`estimated_minutes` must be between 1 and 100000."));
            }
        }
        Ok(RevisionFields {
            title: validate::required_text("title", &self.title, 200)?,
            description: validate::bounded("description", self.description.trim(), 20_000)?,
            tags: validate::labels("tags", &self.tags, 30, 40)?,
            language: validate::language(&self.language)?,
            estimated_minutes: self.estimated_minutes,
            tools: validate::labels("tools", &self.tools, 100, 200)?,
            parts: validate::labels("parts", &self.parts, 100, 200)?,
            ppe: validate::labels("ppe", &self.ppe, 50, 200)?,
            requires_verification: self.requires_verification,
        })
    }
}

impl Audited for Revision {
    fn entity(&self) -> AuditEntity {
        AuditEntity::Revision
    }

    fn id(&self) -> Uuid {
        self.id
    }

    fn procedure_id(&self) -> Option<Uuid> {
        Some(self.procedure_id)
    }
}

impl Revision {
    pub fn fields(&self) -> RevisionFields {
        RevisionFields {
            title: self.title.clone(),
            description: self.description.clone(),
            tags: self.tags.clone(),
            language: self.language.clone(),
            estimated_minutes: self.estimated_minutes,
            tools: self.tools.clone(),
            parts: self.parts.clone(),
            ppe: self.ppe.clone(),
            requires_verification: self.requires_verification,
        }
    }

    fn apply(&mut self, patch: &RevisionPatch) -> Result<()> {
        let mut fields = self.fields();
        if let Some(v) = &patch.title {
            fields.title.clone_from(v);
        }
        if let Some(v) = &patch.description {
            fields.description.clone_from(v);
        }
        if let Some(v) = &patch.tags {
            fields.tags.clone_from(v);
        }
        if let Some(v) = &patch.language {
            fields.language.clone_from(v);
        }
        if let Some(v) = patch.estimated_minutes {
            fields.estimated_minutes = v;
        }
        if let Some(v) = &patch.tools {
            fields.tools.clone_from(v);
        }
        if let Some(v) = &patch.parts {
            fields.parts.clone_from(v);
        }
        if let Some(v) = &patch.ppe {
            fields.ppe.clone_from(v);
        }
        if let Some(v) = patch.requires_verification {
            fields.requires_verification = v;
        }
        let c = fields.check()?;
        (self.title, self.description, self.tags, self.language) = (c.title, c.description, c.tags, c.language);
        self.estimated_minutes = c.estimated_minutes;
        (self.tools, self.parts, self.ppe) = (c.tools, c.parts, c.ppe);
        self.requires_verification = c.requires_verification;
        Ok(())
    }

    /// A new draft, not yet stored.
    pub fn draft(procedure_id: Uuid, number: i32, author_id: Uuid, fields: RevisionFields) -> Self {
        let now = gamme_db::clock::now();
        Revision {
            id: Uuid::now_v7(),
            procedure_id,
            number,
            status: RevisionStatus::Draft,
            title: fields.title,
            description: fields.description,
            tags: fields.tags,
            language: fields.language,
            estimated_minutes: fields.estimated_minutes,
            tools: fields.tools,
            parts: fields.parts,
            ppe: fields.ppe,
            based_on_revision_id: None,
            translated_from_revision_id: None,
            author_id,
            submitted_at: None,
            reviewed_by: None,
            reviewed_at: None,
            published_at: None,
            superseded_at: None,
            created_at: now,
            updated_at: now,
            requires_verification: fields.requires_verification,
        }
    }

    /// Writes every mutable column back.
    fn save(&self, conn: &mut PgConnection) -> QueryResult<()> {
        diesel::update(revisions::table.find(self.id))
            .set((
                revisions::status.eq(self.status),
                revisions::title.eq(&self.title),
                revisions::description.eq(&self.description),
                revisions::tags.eq(&self.tags),
                revisions::language.eq(&self.language),
                revisions::estimated_minutes.eq(self.estimated_minutes),
                revisions::tools.eq(&self.tools),
                revisions::parts.eq(&self.parts),
                revisions::ppe.eq(&self.ppe),
                revisions::requires_verification.eq(self.requires_verification),
                revisions::submitted_at.eq(self.submitted_at),
                revisions::reviewed_by.eq(self.reviewed_by),
                revisions::reviewed_at.eq(self.reviewed_at),
                revisions::published_at.eq(self.published_at),
                revisions::superseded_at.eq(self.superseded_at),
                revisions::updated_at.eq(self.updated_at),
            ))
            .execute(conn)
            .map(drop)
    }

    pub fn find(conn: &mut PgConnection, procedure_id: Uuid, number: i32) -> Result<Self> {
        revisions::table
            .filter(revisions::procedure_id.eq(procedure_id))
            .filter(revisions::number.eq(number))
            .select(Revision::as_select())
            .first(conn)
            .optional()?
            .ok_or(ProcError::NotFound("revision"))
    }

    pub fn by_id(conn: &mut PgConnection, id: Uuid) -> Result<Self> {
        revisions::table
            .find(id)
            .select(Revision::as_select())
            .first(conn)
            .optional()?
            .ok_or(ProcError::NotFound("revision"))
    }

    pub fn by_ids(conn: &mut PgConnection, ids: &[Uuid]) -> QueryResult<Vec<Self>> {
        revisions::table.filter(revisions::id.eq_any(ids)).select(Revision::as_select()).load(conn)
    }

    /// Locks the procedure, then its revision `number`, for the rest of the transaction: two
    /// editors cannot both decide on it.
    pub fn lock(conn: &mut PgConnection, procedure_id: Uuid, number: i32) -> Result<(Procedure, Self)> {
        let procedure = Procedure::find_for_update(conn, procedure_id)?;
        let revision = revisions::table
            .filter(revisions::procedure_id.eq(procedure_id))
            .filter(revisions::number.eq(number))
            .select(Revision::as_select())
            .for_update()
            .first(conn)
            .optional()?
            .ok_or(ProcError::NotFound("revision"))?;
        Ok((procedure, revision))
    }

    fn list(conn: &mut PgConnection, procedure_id: Uuid) -> QueryResult<Vec<Self>> {
        revisions::table
            .filter(revisions::procedure_id.eq(procedure_id))
            .order(revisions::number.desc())
            .select(Revision::as_select())
            .load(conn)
    }

    fn max_number(conn: &mut PgConnection, procedure_id: Uuid) -> QueryResult<i32> {
        revisions::table
            .filter(revisions::procedure_id.eq(procedure_id))
            .select(diesel::dsl::max(revisions::number))
            .first::<Option<i32>>(conn)
            .map(|n| n.unwrap_or(0))
    }

    /// Revision `number` of `procedure`, when the user may read it (readers: published and
    /// superseded ones; for them the others do not exist).
    pub fn visible_to(conn: &mut PgConnection, procedure: &Procedure, number: i32, user: &AuthUser) -> Result<Self> {
        let r = Revision::find(conn, procedure.id, number)?;
        if user.is(Roles::EDITORS) || r.status.is_public() {
            Ok(r)
        } else {
            Err(ProcError::NotFound("revision"))
        }
    }

    /// The revisions of a procedure the user may read, newest first.
    pub fn list_visible(conn: &mut PgConnection, procedure_id: Uuid, user: &AuthUser) -> Result<Vec<RevisionSummary>> {
        Procedure::visible_to(conn, procedure_id, user)?;
        Ok(Revision::list(conn, procedure_id)?
            .iter()
            .filter(|r| user.is(Roles::EDITORS) || r.status.is_public())
            .map(Revision::summary)
            .collect())
    }

    pub fn summary(&self) -> RevisionSummary {
        RevisionSummary {
            id: self.id,
            number: self.number,
            status: self.status,
            title: self.title.clone(),
            language: self.language.clone(),
            author_id: self.author_id,
            created_at: self.created_at,
            updated_at: self.updated_at,
            submitted_at: self.submitted_at,
            published_at: self.published_at,
            superseded_at: self.superseded_at,
        }
    }

    pub fn view(&self, conn: &mut PgConnection) -> QueryResult<RevisionView> {
        let content = Content::load(conn, self.id)?;
        let reviews = Review::of_revision(conn, self.id)?;
        let signatures = Signature::of(conn, Subject::Revision, self.id)?;
        let author_name =
            gamme_db::users::display_names(conn, &[self.author_id])?.remove(&self.author_id).unwrap_or_default();
        Ok(RevisionView {
            id: self.id,
            procedure_id: self.procedure_id,
            number: self.number,
            status: self.status,
            title: self.title.clone(),
            description: self.description.clone(),
            tags: self.tags.clone(),
            language: self.language.clone(),
            estimated_minutes: self.estimated_minutes,
            tools: self.tools.clone(),
            parts: self.parts.clone(),
            ppe: self.ppe.clone(),
            requires_verification: self.requires_verification,
            based_on_revision_id: self.based_on_revision_id,
            translated_from_revision_id: self.translated_from_revision_id,
            author_id: self.author_id,
            author_name,
            submitted_at: self.submitted_at,
            reviewed_by: self.reviewed_by,
            reviewed_at: self.reviewed_at,
            published_at: self.published_at,
            superseded_at: self.superseded_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
            content,
            reviews,
            signatures,
        })
    }

    /// Rewrites this revision's search document.
    fn index(&self, conn: &mut PgConnection, code: &str, content: &Content) -> QueryResult<()> {
        search::index(
            conn,
            &search::Document {
                revision_id: self.id,
                code,
                title: &self.title,
                description: &self.description,
                tags: &self.tags,
                tools: &self.tools,
                parts: &self.parts,
                ppe: &self.ppe,
                content,
            },
        )
    }

    // Drafts: where a revision comes from.

    /// Stores `draft` with `content` as the newest revision of `procedure`. `keys` carries the
    /// steps' identities over from the revision it was copied from.
    pub fn open_draft(
        conn: &mut PgConnection,
        procedure: &mut Procedure,
        draft: Revision,
        content: &ContentInput,
        keys: Option<&[Uuid]>,
    ) -> Result<Self> {
        diesel::insert_into(revisions::table).values(&draft).execute(conn)?;
        Content::replace(conn, draft.id, content, keys)?;
        let stored = Content::load(conn, draft.id)?;
        draft.index(conn, &procedure.code, &stored)?;
        procedure.latest_revision_id = Some(draft.id);
        procedure.save(conn)?;
        Ok(draft)
    }

    /// 409 unless `procedure` may take a new draft: it is not archived, and no draft or
    /// revision in review is open.
    fn require_room_for_draft(conn: &mut PgConnection, procedure: &Procedure) -> Result<()> {
        procedure.require_active()?;
        if let Some(open) = Revision::list(conn, procedure.id)?.into_iter().find(|r| r.status.is_open()) {
            return Err(ProcError::conflict(
                "draft_exists",
                format!(
                    "Revision {} of {} is already {}: finish or abandon it first.",
                    open.number, procedure.code, open.status
                ),
            ));
        }
        Ok(())
    }

    /// Starts a new draft of `procedure`, copied from its published revision (or its newest).
    pub fn start_draft(conn: &mut PgConnection, procedure: &mut Procedure, actor: &AuthUser) -> Result<Self> {
        Revision::require_room_for_draft(conn, procedure)?;
        let source_id = procedure.published_revision_id.or(procedure.latest_revision_id);
        let source = Revision::by_id(conn, source_id.ok_or(ProcError::NotFound("revision"))?)?;
        let number = Revision::max_number(conn, procedure.id)? + 1;
        let mut draft = Revision::draft(procedure.id, number, actor.id, source.fields().check()?);
        draft.based_on_revision_id = Some(source.id);
        draft.translated_from_revision_id = source.translated_from_revision_id;
        let content = Content::load(conn, source.id)?;
        let keys: Vec<Uuid> = content.steps().map(|s| s.key).collect();
        let draft = Revision::open_draft(conn, procedure, draft, &content.to_input(), Some(&keys))?;
        let after = json!({ "number": number, "based_on": source.number });
        AuditEvent::record(conn, actor.id, "revision.created", &draft, None, Some(after))?;
        Ok(draft)
    }

    /// Imports `fields` and `content` as a new draft of `procedure` (locked by the caller),
    /// based on its published revision.
    pub fn import_draft(
        conn: &mut PgConnection,
        procedure: &mut Procedure,
        actor: &AuthUser,
        fields: &RevisionFields,
        content: &ContentInput,
        from_number: i32,
    ) -> Result<Self> {
        Revision::require_room_for_draft(conn, procedure)?;
        let number = Revision::max_number(conn, procedure.id)? + 1;
        let mut draft = Revision::draft(procedure.id, number, actor.id, fields.check()?);
        draft.based_on_revision_id = procedure.published_revision_id;
        let draft = Revision::open_draft(conn, procedure, draft, content, None)?;
        let after = json!({ "number": number, "from_revision": from_number });
        AuditEvent::record(conn, actor.id, "revision.imported", &draft, None, Some(after))?;
        Ok(draft)
    }

    // Edits: only drafts change.

    /// 409 unless this revision is a draft.
    pub fn require_draft(&self) -> Result<()> {
        match self.status {
            RevisionStatus::Draft => Ok(()),
            status => Err(lifecycle::not_a_draft(self.number, status)),
        }
    }

    /// Changes a draft's descriptive fields.
    pub fn edit(
        &mut self,
        conn: &mut PgConnection,
        procedure: &Procedure,
        actor: &AuthUser,
        patch: &RevisionPatch,
    ) -> Result<()> {
        self.require_draft()?;
        let before = json!(self.fields());
        self.apply(patch)?;
        self.updated_at = gamme_db::clock::now();
        self.save(conn)?;
        let content = Content::load(conn, self.id)?;
        self.index(conn, &procedure.code, &content)?;
        AuditEvent::record(conn, actor.id, "revision.updated", self, Some(before), Some(json!(self.fields())))?;
        Ok(())
    }

    /// Replaces a draft's sections and steps.
    pub fn replace_content(
        &mut self,
        conn: &mut PgConnection,
        procedure: &Procedure,
        actor: &AuthUser,
        input: &ContentInput,
    ) -> Result<()> {
        self.require_draft()?;
        let before = Content::load(conn, self.id)?;
        Content::replace(conn, self.id, input, None)?;
        let after = Content::load(conn, self.id)?;
        self.updated_at = gamme_db::clock::now();
        self.save(conn)?;
        self.index(conn, &procedure.code, &after)?;
        let (before, after) = (json!(before), json!(after));
        AuditEvent::record(conn, actor.id, "revision.content_replaced", self, Some(before), Some(after))?;
        Ok(())
    }

    // The lifecycle.

    /// 409 unless `transition` may start from this revision's status.
    fn allow(&self, transition: Transition) -> Result<()> {
        if transition.starts_from(self.status) {
            Ok(())
        } else {
            Err(transition.refusal(self.number, self.status))
        }
    }

    /// Makes `transition` at `at`, the one place a status changes, and records it: who, the
    /// status before and after, and `note` (fields added to the after state).
    fn transition(
        &mut self,
        conn: &mut PgConnection,
        actor: Uuid,
        transition: Transition,
        at: DateTime<Utc>,
        note: Value,
    ) -> Result<()> {
        self.allow(transition)?;
        let before = json!({ "number": self.number, "status": self.status });
        self.status = transition.path().1;
        self.updated_at = at;
        match transition {
            Transition::Submit => self.submitted_at = Some(at),
            Transition::Approve => {
                (self.reviewed_by, self.reviewed_at) = (Some(actor), Some(at));
                self.published_at = Some(at);
            }
            Transition::Reject => (self.reviewed_by, self.reviewed_at) = (Some(actor), Some(at)),
            Transition::Supersede => self.superseded_at = Some(at),
            Transition::Abandon | Transition::Withdraw => {}
        }
        self.save(conn)?;
        if let Some(action) = transition.action() {
            let mut after = json!({ "number": self.number, "status": self.status });
            if let (Some(after), Value::Object(note)) = (after.as_object_mut(), note) {
                after.extend(note);
            }
            AuditEvent::record(conn, actor, action, self, Some(before), Some(after))?;
        }
        Ok(())
    }

    /// Sends a draft to review; it needs at least one step.
    pub fn submit(&mut self, conn: &mut PgConnection, actor: &AuthUser) -> Result<()> {
        self.allow(Transition::Submit)?;
        if Content::load(conn, self.id)?.step_count() == 0 {
            return Err(ProcError::unprocessable(
                "no_steps",
                "A revision needs at least one step before review.",
                None,
            ));
        }
        self.transition(conn, actor.id, Transition::Submit, gamme_db::clock::now(), json!({}))
    }

    /// Publishes a revision in review, superseding the one published before, and announces
    /// it (`procedure.published`). Four-eyes: whoever wrote or edited it cannot approve it. The
    /// approver signs it (`approved`, over its fields and content), with a recent sign-in.
    pub fn approve(
        &mut self,
        conn: &mut PgConnection,
        procedure: &mut Procedure,
        actor: &AuthUser,
        approval: Approval,
    ) -> Result<()> {
        let Approval { comment, policy, correlation } = approval;
        let comment = validate::bounded("comment", comment.trim(), 5000)?;
        self.allow(Transition::Approve)?;
        if self.author_id == actor.id || AuditEvent::edited_by(conn, self.id, actor.id)? {
            return Err(ProcError::Forbidden(
                "You wrote or edited this revision: another editor must approve it (four-eyes rule).",
            ));
        }
        let content = Content::load(conn, self.id)?;
        let signed = self.signed_content(&content);
        Signature::sign(conn, &policy, actor, Subject::Revision, self.id, Meaning::Approved, signed, None)?;
        let now = gamme_db::clock::now();
        let superseded = procedure.published_revision_id;
        if let Some(old) = superseded {
            Revision::by_id(conn, old)?.transition(
                conn,
                actor.id,
                Transition::Supersede,
                now,
                json!({ "by": self.number }),
            )?;
        }
        self.transition(conn, actor.id, Transition::Approve, now, json!({ "comment": comment }))?;
        Review::add(conn, self.id, actor.id, Decision::Approved, &comment)?;
        procedure.published_revision_id = Some(self.id);
        procedure.latest_revision_id = Some(self.id);
        procedure.save(conn)?;
        let event = Event::ProcedurePublished {
            procedure_id: procedure.id,
            revision_id: self.id,
            number: self.number,
            code: procedure.code.clone(),
            title: self.title.clone(),
            superseded_revision_id: superseded,
        };
        outbox::enqueue(conn, &Envelope::new(event, correlation))?;
        Ok(())
    }

    /// The hash an approval signs: the revision's identity, fields and content.
    pub fn signed_content(&self, content: &Content) -> String {
        signatures::content_hash(&json!({
            "revision_id": self.id,
            "procedure_id": self.procedure_id,
            "number": self.number,
            "fields": self.fields(),
            "content": content,
        }))
    }

    /// Sends a revision in review back to draft, with the comment its author needs.
    pub fn reject(&mut self, conn: &mut PgConnection, actor: &AuthUser, comment: &str) -> Result<()> {
        let comment = validate::required_text("comment", comment, 5000).map_err(|_| {
            ProcError::invalid("Say what must change: a rejection needs a comment (up to 5000 characters).")
        })?;
        self.allow(Transition::Reject)?;
        if self.author_id == actor.id {
            return Err(ProcError::Forbidden("You wrote this revision: another editor reviews it."));
        }
        self.transition(conn, actor.id, Transition::Reject, gamme_db::clock::now(), json!({ "comment": comment }))?;
        Review::add(conn, self.id, actor.id, Decision::Rejected, &comment)?;
        Ok(())
    }

    /// Abandons a draft or a revision in review; the procedure's newest revision falls back
    /// to the published one (or the one this was based on).
    pub fn abandon(&mut self, conn: &mut PgConnection, procedure: &mut Procedure, actor: &AuthUser) -> Result<()> {
        self.transition(conn, actor.id, Transition::Abandon, gamme_db::clock::now(), json!({}))?;
        if procedure.latest_revision_id == Some(self.id) {
            procedure.latest_revision_id = procedure.published_revision_id.or(self.based_on_revision_id);
            procedure.save(conn)?;
        }
        Ok(())
    }

    /// Withdraws every open or published revision of an archived procedure.
    pub fn withdraw_all(
        conn: &mut PgConnection,
        procedure_id: Uuid,
        actor: &AuthUser,
        at: DateTime<Utc>,
    ) -> Result<()> {
        for mut r in Revision::list(conn, procedure_id)? {
            if Transition::Withdraw.starts_from(r.status) {
                r.transition(conn, actor.id, Transition::Withdraw, at, json!({}))?;
            }
        }
        Ok(())
    }
}
