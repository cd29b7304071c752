//! Checks on text people type, shared by assets, procedures, steps and runs.

use diesel::{prelude::*, sql_query, sql_types::Array};
use gamme_db::{file_metadata::FileMetadata, file_uploads};
use uuid::Uuid;

use crate::error::{ProcError, Result};

/// 400 unless every id names a file the files service holds (`what` says where it was used).
pub fn files_exist(conn: &mut PgConnection, ids: &[Uuid], what: &str) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let found = FileMetadata::existing(conn, ids)?;
    let missing: Vec<String> = ids.iter().filter(|id| !found.contains(id)).map(ToString::to_string).collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(ProcError::Validation {
            message: format!("{what}: no uploaded file has the id {}. Upload the file first.", missing.join(", ")),
            errors: Some(serde_json::json!({ "unknown_files": missing })),
        })
    }
}

/// 400 unless every id names a file that run `run_id`'s technician uploaded and that no other
/// run uses: a run's photos and signature are evidence of that run, taken by its technician.
pub fn run_files(conn: &mut PgConnection, run_id: Uuid, technician_id: Uuid, ids: &[Uuid], what: &str) -> Result<()> {
    files_exist(conn, ids, what)?;
    let foreign = file_uploads::not_uploaded_by(conn, technician_id, ids)?;
    if !foreign.is_empty() {
        let foreign: Vec<String> = foreign.iter().map(ToString::to_string).collect();
        return Err(ProcError::Validation {
            message: format!(
                "{what}: {} not uploaded by the run's technician. Take the photo or signature during this run.",
                foreign.join(", ")
            ),
            errors: Some(serde_json::json!({ "foreign_files": foreign })),
        });
    }
    let elsewhere: Vec<Uuid> = sql_query(
        "SELECT DISTINCT file_id FROM file_references \
         WHERE file_id = ANY($1) AND source = 'run' AND source_id <> $2",
    )
    .bind::<Array<diesel::sql_types::Uuid>, _>(ids)
    .bind::<diesel::sql_types::Uuid, _>(run_id)
    .load::<FileId>(conn)?
    .into_iter()
    .map(|f| f.file_id)
    .collect();
    if !elsewhere.is_empty() {
        let elsewhere: Vec<String> = elsewhere.iter().map(ToString::to_string).collect();
        return Err(ProcError::Validation {
            message: format!("{what}: {} already belong to another run.", elsewhere.join(", ")),
            errors: Some(serde_json::json!({ "files_of_another_run": elsewhere })),
        });
    }
    Ok(())
}

#[derive(QueryableByName)]
struct FileId {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    file_id: Uuid,
}

/// Trimmed, non-empty, at most `max` characters.
pub fn required_text(field: &str, value: &str, max: usize) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(ProcError::invalid(format!("`{field}` must not be empty.")));
    }
    bounded(field, value, max)
}

/// At most `max` characters (may be empty); control characters other than line breaks refused.
pub fn bounded(field: &str, value: &str, max: usize) -> Result<String> {
    let count = value.chars().count();
    if count > max {
        return Err(ProcError::invalid(format!("`{field}` is {count} characters long; the limit is {max}.")));
    }
    if value.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(ProcError::invalid(format!("`{field}` contains control characters.")));
    }
    Ok(value.to_owned())
}

pub fn optional_text(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => bounded(field, v, max).map(Some),
    }
}

/// A list of short labels (tags, tools, parts, PPE): trimmed, empty ones dropped, duplicates
/// removed in order.
pub fn labels(field: &str, values: &[String], max_items: usize, max_len: usize) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        let v = bounded(field, v.trim(), max_len)?;
        if !v.is_empty() && !out.iter().any(|o| o.eq_ignore_ascii_case(&v)) {
            out.push(v);
        }
    }
    if out.len() > max_items {
        return Err(ProcError::invalid(format!("`{field}` has {} entries; the limit is {max_items}.", out.len())));
    }
    Ok(out)
}

/// Codes such as `PM-PUMP-001`: letters, digits, `.`, `_`, `-`; stored upper-case.
pub fn code(field: &str, value: &str) -> Result<String> {
    let value = value.trim();
    let ok = !value.is_empty()
        && value.len() <= 64
        && value.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !ok {
        return Err(ProcError::invalid(format!(
            "`{field}` must be 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit."
        )));
    }
    Ok(value.to_ascii_uppercase())
}

/// A language tag such as `fr`, `en` or `fr-CA`.
pub fn language(value: &str) -> Result<String> {
    let v = value.trim();
    let (primary, region) = v.split_once('-').map_or((v, None), |(p, r)| (p, Some(r)));
    let ok = (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_lowercase())
        && region.is_none_or(|r| r.len() == 2 && r.chars().all(|c| c.is_ascii_uppercase()));
    if !ok {
        return Err(ProcError::invalid("`language` must be a language tag such as `fr`, `en` or `fr-CA`."));
    }
    Ok(v.to_owned())
}

/// For PATCH bodies: a field that is absent (`None`), `null` (`Some(None)`) or set.
pub fn nullable<'de, D, T>(d: D) -> std::result::Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(d).map(Some)
}
