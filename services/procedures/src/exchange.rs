//! The open format: a procedure and one revision as a versioned JSON document that another
//! Gamme (or any tool) can read, and that imports back as a new draft.

use diesel::prelude::*;
use gamme_auth_token::AuthUser;
use gamme_db::file_metadata::FileMetadata;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{
    assets::Asset,
    error::{ProcError, Result},
    library,
    lifecycle::RevisionStatus,
    procedures::Procedure,
    revisions::{Revision, RevisionFields},
    steps::{Content, ContentInput},
    validate,
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

// Only the id when the file is not there (any more).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachmentMeta {
    pub file_id: Uuid,
    pub name: Option<String>,
    pub media_type: Option<String>,
    pub size_bytes: Option<i64>,
    pub sha256: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// A revision number (editors); the published revision by default.
    pub revision: Option<i32>,
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

/// What the files service says of each attachment, in the same order.
fn attachment_meta(conn: &mut PgConnection, ids: &[Uuid]) -> QueryResult<Vec<AttachmentMeta>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let found = FileMetadata::find_many(conn, ids)?;
    Ok(ids
        .iter()
        .map(|id| match found.iter().find(|f| f.id == *id) {
            Some(f) => AttachmentMeta {
                file_id: f.id,
                name: Some(f.name.clone()),
                media_type: Some(f.media_type.clone()),
                size_bytes: Some(f.size_bytes),
                sha256: Some(f.sha256.clone()),
            },
            None => AttachmentMeta { file_id: *id, name: None, media_type: None, size_bytes: None, sha256: None },
        })
        .collect())
}

/// Procedure `id` as a document: revision `query.revision`, or the one `user` sees.
pub fn export(conn: &mut PgConnection, id: Uuid, query: &ExportQuery, user: &AuthUser) -> Result<ProcedureDocument> {
    let procedure = Procedure::visible_to(conn, id, user)?;
    let revision = match query.revision {
        Some(n) => Revision::visible_to(conn, &procedure, n, user)?,
        None => Revision::by_id(conn, procedure.shown_revision_id(user).ok_or(ProcError::NotFound("revision"))?)?,
    };
    let content = Content::load(conn, revision.id)?;
    let mut ids: Vec<Uuid> = content.steps().flat_map(|s| s.attachments.iter().copied()).collect();
    ids.dedup();
    let asset_ids = Procedure::asset_ids(conn, procedure.id)?;
    let asset_codes = Asset::refs(conn, &asset_ids)?.into_iter().map(|a| a.code).collect();
    Ok(ProcedureDocument {
        format: FORMAT.to_owned(),
        version: VERSION,
        procedure: DocumentProcedure { code: procedure.code.clone(), asset_codes },
        revision: DocumentRevision {
            number: revision.number,
            status: revision.status,
            fields: revision.fields(),
            content: content.to_input(),
        },
        attachments: attachment_meta(conn, &ids)?,
    })
}

impl ProcedureDocument {
    /// The name a download of it gets.
    pub fn file_name(&self) -> String {
        format!("{}-rev{}.gamme.json", self.procedure.code, self.revision.number)
    }
}

/// Imports as a new draft of the procedure with the same code, or as a new procedure.
pub fn import(conn: &mut PgConnection, user: &AuthUser, doc: &ProcedureDocument) -> Result<Procedure> {
    doc.check_format()?;
    let code = validate::code("procedure.code", &doc.procedure.code)?;
    // Step ids in a document belong to another database: they are never kept. A limit source
    // names a document of the Gamme it came from: where that file is not here, the passage
    // cannot be checked, and the limit is imported as one typed by a person.
    let mut content = doc.revision.content.clone();
    let sources: Vec<Uuid> = content
        .sections
        .iter()
        .flat_map(|s| &s.steps)
        .filter_map(|s| s.limit_source.as_ref())
        .map(|l| l.file_id)
        .collect();
    let here = FileMetadata::existing(conn, &sources)?;
    for section in &mut content.sections {
        section.id = None;
        for step in &mut section.steps {
            step.id = None;
            if step.limit_source.as_ref().is_some_and(|l| !here.contains(&l.file_id)) {
                step.limit_source = None;
            }
        }
    }
    let Some(found) = Procedure::by_code(conn, &code)? else {
        let fields = &doc.revision.fields;
        return library::create(conn, user, code, fields, &[], &content, "procedure.imported");
    };
    let mut procedure = Procedure::find_for_update(conn, found.id)?;
    Revision::import_draft(conn, &mut procedure, user, &doc.revision.fields, &content, doc.revision.number)?;
    Ok(procedure)
}
