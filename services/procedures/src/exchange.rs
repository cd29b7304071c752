//! The open format: a procedure and one revision as a versioned JSON document that another
//! Gamme (or any tool) can read, and that imports back as a new draft.

use diesel::{prelude::*, sql_types};
use gamme_auth_token::AuthUser;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    audit::{AuditEvent, Change},
    error::{ProcError, Result},
    procedures::Procedure,
    revisions::{Revision, RevisionFields, RevisionStatus},
    routes::procedures::create_procedure,
    search,
    steps::{Content, ContentInput},
};

pub const FORMAT: &str = "gamme.procedure";
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcedureDocument {
    /// Always `gamme.procedure`.
    pub format: String,
    /// The format's version; this Gamme reads 1.
    pub version: u32,
    pub procedure: DocumentProcedure,
    pub revision: DocumentRevision,
    /// What the step attachments are, so a reader can match them to files.
    #[serde(default)]
    pub attachments: Vec<AttachmentMeta>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentProcedure {
    pub code: String,
    /// Codes of the linked assets (informative: assets are not imported).
    #[serde(default)]
    pub asset_codes: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentRevision {
    pub number: i32,
    pub status: RevisionStatus,
    #[serde(flatten)]
    pub fields: RevisionFields,
    pub content: ContentInput,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, QueryableByName)]
#[serde(deny_unknown_fields)]
pub struct AttachmentMeta {
    #[diesel(sql_type = sql_types::Uuid)]
    pub file_id: Uuid,
    #[diesel(sql_type = sql_types::Nullable<sql_types::Text>)]
    pub name: Option<String>,
    #[diesel(sql_type = sql_types::Nullable<sql_types::Text>)]
    pub media_type: Option<String>,
    #[diesel(sql_type = sql_types::Nullable<sql_types::BigInt>)]
    pub size_bytes: Option<i64>,
    #[diesel(sql_type = sql_types::Nullable<sql_types::Text>)]
    pub sha256: Option<String>,
}

impl ProcedureDocument {
    pub fn check_format(&self) -> Result<()> {
        if self.format != FORMAT {
            return Err(ProcError::invalid(format!("This is not a Gamme procedure: `format` must be `{FORMAT}`.")));
        }
        if self.version != VERSION {
            return Err(ProcError::invalid(format!(
                "This document is format version {}; this Gamme reads version {VERSION}.",
                self.version
            )));
        }
        Ok(())
    }
}

/// Attachment metadata from the files service's table, when it is there.
fn attachment_meta(conn: &mut PgConnection, ids: &[Uuid]) -> QueryResult<Vec<AttachmentMeta>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let files_table: bool = diesel::sql_query("SELECT to_regclass('public.files') IS NOT NULL AS present")
        .get_result::<Present>(conn)?
        .present;
    if !files_table {
        return Ok(ids
            .iter()
            .map(|id| AttachmentMeta { file_id: *id, name: None, media_type: None, size_bytes: None, sha256: None })
            .collect());
    }
    diesel::sql_query(
        "SELECT i.id AS file_id, f.name, f.media_type, f.size_bytes, f.sha256 \
         FROM unnest($1::uuid[]) WITH ORDINALITY AS i(id, n) LEFT JOIN files f ON f.id = i.id ORDER BY i.n",
    )
    .bind::<sql_types::Array<sql_types::Uuid>, _>(ids)
    .load(conn)
}

#[derive(QueryableByName)]
struct Present {
    #[diesel(sql_type = sql_types::Bool)]
    present: bool,
}

pub fn export(conn: &mut PgConnection, procedure: &Procedure, revision: &Revision) -> Result<ProcedureDocument> {
    let content = Content::load(conn, revision.id)?;
    let mut ids: Vec<Uuid> = content.steps().flat_map(|s| s.attachments.iter().copied()).collect();
    ids.dedup();
    let asset_ids = Procedure::asset_ids(conn, procedure.id)?;
    let asset_codes = crate::assets::Asset::refs(conn, &asset_ids)?.into_iter().map(|a| a.code).collect();
    Ok(ProcedureDocument {
        format: FORMAT.to_owned(),
        version: VERSION,
        procedure: DocumentProcedure { code: procedure.code.clone(), asset_codes },
        revision: DocumentRevision {
            number: revision.number,
            status: revision.status(),
            fields: revision.fields(),
            content: content.to_input(),
        },
        attachments: attachment_meta(conn, &ids)?,
    })
}

/// Imports as a new draft of the procedure with the same code, or as a new procedure.
pub fn import(conn: &mut PgConnection, user: &AuthUser, doc: &ProcedureDocument) -> Result<Procedure> {
    let code = crate::validate::code("procedure.code", &doc.procedure.code)?;
    // Step ids in a document belong to another database: they are never kept.
    let mut content = doc.revision.content.clone();
    for section in &mut content.sections {
        section.id = None;
        for step in &mut section.steps {
            step.id = None;
        }
    }
    let Some(mut procedure) = Procedure::by_code(conn, &code)? else {
        let (procedure, _) =
            create_procedure(conn, user, code, &doc.revision.fields, &[], &content, "procedure.imported")?;
        return Ok(procedure);
    };
    let procedure_id = procedure.id;
    Procedure::find_for_update(conn, procedure_id)?;
    if procedure.archived_at.is_some() {
        return Err(ProcError::conflict("procedure_archived", format!("Procedure {code} is archived here.")));
    }
    if let Some(open) = Revision::list(conn, procedure_id)?
        .into_iter()
        .find(|r| matches!(r.status(), RevisionStatus::Draft | RevisionStatus::InReview))
    {
        return Err(ProcError::conflict(
            "draft_exists",
            format!(
                "Procedure {code} already has revision {} {}: finish or abandon it first.",
                open.number, open.status
            ),
        ));
    }
    let number = Revision::max_number(conn, procedure_id)? + 1;
    let mut draft = Revision::new_draft(procedure_id, number, user.id, doc.revision.fields.check()?);
    draft.based_on_revision_id = procedure.published_revision_id;
    draft.insert(conn)?;
    Content::replace(conn, draft.id, &content, None)?;
    search::reindex(conn, &procedure.code, &draft)?;
    procedure.latest_revision_id = Some(draft.id);
    procedure.set_revisions(conn)?;
    AuditEvent::record(
        conn,
        Change {
            actor_id: user.id,
            action: "revision.imported",
            entity_type: "revision",
            entity_id: draft.id,
            procedure_id: Some(procedure_id),
            before: None,
            after: Some(json!({ "number": number, "from_revision": doc.revision.number })),
        },
    )?;
    Ok(procedure)
}
