//! What the assistants answer, as Gamme's schema: the types, the JSON Schema a language model
//! is asked to follow, and the checks an answer must pass before it is stored.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::ToSchema;
use uuid::Uuid;

pub const STEP_KINDS: [&str; 8] =
    ["instruction", "checkbox", "pass_fail", "number", "text", "choice", "photo", "signature"];
pub const WARNING_LEVELS: [&str; 4] = ["note", "caution", "warning", "danger"];

/// Where a step or an answer comes from: a page of an uploaded document.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Citation {
    pub file_id: Uuid,
    pub page: i32,
}

/// Where a proposed limit was read: the page and the exact passage (the sentence, list item or
/// table row) that states it. A limit without one was not read from the documents.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LimitSource {
    pub file_id: Uuid,
    pub page: i32,
    pub passage: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ProposedStep {
    pub kind: String,
    pub title: String,
    #[serde(default)]
    pub body: String,
    pub warning_level: Option<String>,
    pub warning_text: Option<String>,
    #[serde(default = "yes")]
    pub required: bool,
    pub unit: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub citations: Vec<Citation>,
    /// For a number step: where its unit, minimum and maximum were read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit_source: Option<LimitSource>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ProposedSection {
    pub title: Option<String>,
    pub steps: Vec<ProposedStep>,
}

/// A procedure proposal: the UI shows it for review and saves it as a new draft through the
/// procedures API (its `sections` are that API's content, plus citations).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DraftProposal {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub language: String,
    #[serde(default)]
    pub tools: Vec<String>,
    #[serde(default)]
    pub parts: Vec<String>,
    #[serde(default)]
    pub ppe: Vec<String>,
    pub sections: Vec<ProposedSection>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// `high`, `medium` or `low`.
    pub severity: String,
    /// e.g. `lockout_tagout`, `ppe`, `zero_energy`, `reading_without_limits`, `no_verification`.
    pub category: String,
    pub message: String,
    /// Step numbers (1-based) concerned; empty when the finding is about the whole procedure.
    #[serde(default)]
    pub steps: Vec<i32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ReviewResult {
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Passage {
    pub file_id: Uuid,
    pub page: i32,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    pub answer: String,
    /// The passages the answer rests on.
    pub citations: Vec<Passage>,
}

fn step_schema() -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["kind", "title", "body", "warning_level", "warning_text", "required", "unit", "min", "max", "options", "citations", "limit_source"],
        "properties": {
            "kind": { "type": "string", "enum": STEP_KINDS },
            "title": { "type": "string" },
            "body": { "type": "string" },
            "warning_level": { "type": ["string", "null"], "enum": ["note", "caution", "warning", "danger", null] },
            "warning_text": { "type": ["string", "null"] },
            "required": { "type": "boolean" },
            "unit": { "type": ["string", "null"] },
            "min": { "type": ["number", "null"] },
            "max": { "type": ["number", "null"] },
            "options": { "type": "array", "items": { "type": "string" } },
            "citations": { "type": "array", "items": {
                "type": "object", "additionalProperties": false, "required": ["file_id", "page"],
                "properties": { "file_id": { "type": "string" }, "page": { "type": "integer" } } } },
            "limit_source": {
                "description": "For a number step: the file, the page and the exact sentence or table row of the document that states its unit, min and max; null otherwise.",
                "type": ["object", "null"], "additionalProperties": false, "required": ["file_id", "page", "passage"],
                "properties": { "file_id": { "type": "string" }, "page": { "type": "integer" }, "passage": { "type": "string" } } }
        }
    })
}

/// The JSON Schema of a draft (also for translations).
pub fn draft_schema() -> Value {
    let labels = json!({ "type": "array", "items": { "type": "string" } });
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["title", "description", "language", "tools", "parts", "ppe", "sections"],
        "properties": {
            "title": { "type": "string" },
            "description": { "type": "string" },
            "language": { "type": "string" },
            "tools": labels, "parts": labels, "ppe": labels,
            "sections": { "type": "array", "items": {
                "type": "object", "additionalProperties": false, "required": ["title", "steps"],
                "properties": { "title": { "type": ["string", "null"] }, "steps": { "type": "array", "items": step_schema() } } } }
        }
    })
}

pub fn review_schema() -> Value {
    json!({
        "type": "object", "additionalProperties": false, "required": ["findings"],
        "properties": { "findings": { "type": "array", "items": {
            "type": "object", "additionalProperties": false, "required": ["severity", "category", "message", "steps"],
            "properties": {
                "severity": { "type": "string", "enum": ["high", "medium", "low"] },
                "category": { "type": "string" },
                "message": { "type": "string" },
                "steps": { "type": "array", "items": { "type": "integer" } } } } } }
    })
}

pub fn answer_schema() -> Value {
    json!({
        "type": "object", "additionalProperties": false, "required": ["answer", "citations"],
        "properties": {
            "answer": { "type": "string" },
            "citations": { "type": "array", "items": {
                "type": "object", "additionalProperties": false, "required": ["file_id", "page", "text"],
                "properties": { "file_id": { "type": "string" }, "page": { "type": "integer" }, "text": { "type": "string" } } } } }
    })
}

impl DraftProposal {
    /// What a model's draft must satisfy; the message goes back to the model on a retry.
    pub fn check(&self) -> Result<(), String> {
        if self.title.trim().is_empty() {
            return Err("`title` is empty".into());
        }
        let steps: Vec<&ProposedStep> = self.sections.iter().flat_map(|s| s.steps.iter()).collect();
        if steps.is_empty() {
            return Err("the draft has no steps".into());
        }
        for (i, s) in steps.iter().enumerate() {
            let n = i + 1;
            if !STEP_KINDS.contains(&s.kind.as_str()) {
                return Err(format!("step {n}: unknown kind `{}`", s.kind));
            }
            if s.title.trim().is_empty() {
                return Err(format!("step {n}: empty title"));
            }
            if let Some(level) = &s.warning_level {
                if !WARNING_LEVELS.contains(&level.as_str()) {
                    return Err(format!("step {n}: unknown warning level `{level}`"));
                }
            }
            if s.kind != "number" && (s.min.is_some() || s.max.is_some() || s.unit.is_some()) {
                return Err(format!("step {n}: only number steps have unit, min or max"));
            }
            if let (Some(min), Some(max)) = (s.min, s.max) {
                if min > max {
                    return Err(format!("step {n}: min {min} is greater than max {max}"));
                }
            }
            if s.kind == "choice" && s.options.len() < 2 {
                return Err(format!("step {n}: a choice step needs at least two options"));
            }
            if s.kind != "choice" && !s.options.is_empty() {
                return Err(format!("step {n}: only choice steps have options"));
            }
        }
        Ok(())
    }
}

impl ReviewResult {
    pub fn check(&self, step_count: usize) -> Result<(), String> {
        for f in &self.findings {
            if !["high", "medium", "low"].contains(&f.severity.as_str()) {
                return Err(format!("unknown severity `{}`", f.severity));
            }
            if let Some(bad) =
                f.steps.iter().find(|s| **s < 1 || usize::try_from(**s).unwrap_or(usize::MAX) > step_count)
            {
                return Err(format!("finding names step {bad}, which does not exist"));
            }
        }
        Ok(())
    }
}
