//! Checks on what people type, and `null` told apart from absent in a patch.

use serde::{Deserialize, Deserializer};

use crate::error::{Result, WorkError};

/// Trimmed, non-empty, at most `max` characters.
pub fn required(field: &str, value: &str, max: usize) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(WorkError::invalid(format!("`{field}` must not be empty.")));
    }
    bounded(field, value, max)
}

/// At most `max` characters; control characters other than line breaks and tabs refused.
pub fn bounded(field: &str, value: &str, max: usize) -> Result<String> {
    let count = value.chars().count();
    if count > max {
        return Err(WorkError::invalid(format!("`{field}` is {count} characters long; the limit is {max}.")));
    }
    if value.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(WorkError::invalid(format!("`{field}` contains control characters.")));
    }
    Ok(value.to_owned())
}

/// Trimmed; empty is none.
pub fn optional(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => bounded(field, v, max).map(Some),
    }
}

/// For `Option<Option<T>>` patch fields: absent stays `None`, `null` becomes `Some(None)`.
pub fn nullable<'de, T, D>(deserializer: D) -> std::result::Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}
