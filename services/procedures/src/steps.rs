//! Steps and sections: the content of a revision. A draft's content is replaced in one call
//! (`Content`), so reordering, inserting and deleting cannot leave gaps or duplicates.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use gamme_db::schema::{sections, step_attachments, steps};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    error::{ProcError, Result},
    validate,
};

pub const MAX_STEPS: usize = 500;
pub const MAX_SECTIONS: usize = 100;
const MAX_ATTACHMENTS: usize = 20;
const MAX_OPTIONS: usize = 30;

gamme_db::text_enum! {
    // What a technician does at a step, and what its result holds.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum StepKind {
        Instruction,
        Checkbox,
        PassFail,
        Number,
        Text,
        Choice,
        Photo,
        Signature,
    }
}

gamme_db::text_enum! {
    // How loud a step's warning is.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum WarningLevel {
        Note,
        Caution,
        Warning,
        Danger,
    }
}

fn yes() -> bool {
    true
}

/// Where a number step's limit was read: a page of an uploaded document and the exact passage
/// (sentence, list item or table row) that states its unit, minimum and maximum. A limit without
/// one was typed by a person, or changed by one after it was read, and its reviewer is told so.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LimitSource {
    pub file_id: Uuid,
    /// 1-based.
    pub page: i32,
    /// 1 to 2000 characters, as the document says it.
    pub passage: String,
}

const MAX_PASSAGE_CHARS: usize = 2000;

/// One step as an author writes it. `id` keeps an existing step of this draft (its identity
/// across revisions follows); without it the step is new.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepInput {
    pub id: Option<Uuid>,
    pub kind: StepKind,
    pub title: String,
    /// Markdown.
    #[serde(default)]
    pub body: String,
    pub warning_level: Option<WarningLevel>,
    pub warning_text: Option<String>,
    #[serde(default = "yes")]
    pub required: bool,
    /// Number steps only.
    pub unit: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Choice steps only: the choices offered.
    #[serde(default)]
    pub options: Vec<String>,
    /// File ids (photos, drawings) from the files service.
    #[serde(default)]
    pub attachments: Vec<Uuid>,
    /// Number steps only: where the unit and bounds were read (a draft from the assistant).
    /// Kept as long as they are; a step whose unit or bounds change while the same source is
    /// sent loses it, since the passage no longer says what the step does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit_source: Option<LimitSource>,
}

/// A group of steps. Only the first group may be untitled (steps before any section).
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SectionInput {
    pub id: Option<Uuid>,
    pub title: Option<String>,
    pub steps: Vec<StepInput>,
}

/// The whole content of a revision, in order.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContentInput {
    pub sections: Vec<SectionInput>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = steps)]
pub struct Step {
    pub id: Uuid,
    pub revision_id: Uuid,
    pub key: Uuid,
    pub section_id: Option<Uuid>,
    pub position: i32,
    pub kind: StepKind,
    pub title: String,
    pub body: String,
    pub warning_level: Option<WarningLevel>,
    pub warning_text: Option<String>,
    pub required: bool,
    pub unit: Option<String>,
    pub min_value: Option<f64>,
    pub max_value: Option<f64>,
    pub options: Vec<String>,
    pub limit_source_file_id: Option<Uuid>,
    pub limit_source_page: Option<i32>,
    pub limit_source_passage: Option<String>,
}

impl Step {
    fn limit_source(&self) -> Option<LimitSource> {
        match (self.limit_source_file_id, self.limit_source_page, &self.limit_source_passage) {
            (Some(file_id), Some(page), Some(passage)) => Some(LimitSource { file_id, page, passage: passage.clone() }),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sections)]
pub struct Section {
    pub id: Uuid,
    pub revision_id: Uuid,
    pub position: i32,
    pub title: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct StepView {
    pub id: Uuid,
    /// The same across revisions: diffs and statistics follow it.
    pub key: Uuid,
    /// 1-based, over the whole revision.
    pub number: i32,
    pub section_id: Option<Uuid>,
    pub kind: StepKind,
    pub title: String,
    pub body: String,
    pub warning_level: Option<WarningLevel>,
    pub warning_text: Option<String>,
    pub required: bool,
    pub unit: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub options: Vec<String>,
    pub attachments: Vec<Uuid>,
    /// Where the limit was read; `null` for a limit typed by a person (the reviewer is told).
    pub limit_source: Option<LimitSource>,
}

impl StepView {
    /// A number step with a unit or a bound that no passage of a document vouches for.
    pub fn limit_unsourced(&self) -> bool {
        self.kind == StepKind::Number
            && (self.min.is_some() || self.max.is_some() || self.unit.is_some())
            && self.limit_source.is_none()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct SectionView {
    /// `null` for the steps before the first section.
    pub id: Option<Uuid>,
    pub title: Option<String>,
    pub steps: Vec<StepView>,
}

/// A revision's content as it is read.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Content {
    pub sections: Vec<SectionView>,
}

impl Content {
    pub fn steps(&self) -> impl Iterator<Item = &StepView> {
        self.sections.iter().flat_map(|s| s.steps.iter())
    }

    pub fn step_count(&self) -> usize {
        self.sections.iter().map(|s| s.steps.len()).sum()
    }

    /// The same content as input, keeping step identities (to copy into a new draft).
    pub fn to_input(&self) -> ContentInput {
        ContentInput {
            sections: self
                .sections
                .iter()
                .map(|s| SectionInput {
                    id: None,
                    title: s.title.clone(),
                    steps: s
                        .steps
                        .iter()
                        .map(|st| StepInput {
                            id: None,
                            kind: st.kind,
                            title: st.title.clone(),
                            body: st.body.clone(),
                            warning_level: st.warning_level,
                            warning_text: st.warning_text.clone(),
                            required: st.required,
                            unit: st.unit.clone(),
                            min: st.min,
                            max: st.max,
                            options: st.options.clone(),
                            attachments: st.attachments.clone(),
                            limit_source: st.limit_source.clone(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    /// Reads a revision's content.
    pub fn load(conn: &mut PgConnection, revision_id: Uuid) -> QueryResult<Self> {
        let secs: Vec<Section> = sections::table
            .filter(sections::revision_id.eq(revision_id))
            .order(sections::position.asc())
            .select(Section::as_select())
            .load(conn)?;
        let rows: Vec<Step> = steps::table
            .filter(steps::revision_id.eq(revision_id))
            .order(steps::position.asc())
            .select(Step::as_select())
            .load(conn)?;
        let ids: Vec<Uuid> = rows.iter().map(|s| s.id).collect();
        let attachments: Vec<(Uuid, Uuid)> = step_attachments::table
            .filter(step_attachments::step_id.eq_any(&ids))
            .order((step_attachments::step_id, step_attachments::position))
            .select((step_attachments::step_id, step_attachments::file_id))
            .load(conn)?;
        let mut files: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for (step, file) in attachments {
            files.entry(step).or_default().push(file);
        }
        let mut content = Content::default();
        if rows.first().is_some_and(|s| s.section_id.is_none()) || secs.is_empty() {
            content.sections.push(SectionView { id: None, title: None, steps: Vec::new() });
        }
        for s in &secs {
            content.sections.push(SectionView { id: Some(s.id), title: Some(s.title.clone()), steps: Vec::new() });
        }
        for row in rows {
            let limit_source = row.limit_source();
            let view = StepView {
                id: row.id,
                key: row.key,
                number: row.position + 1,
                section_id: row.section_id,
                kind: row.kind,
                title: row.title,
                body: row.body,
                warning_level: row.warning_level,
                warning_text: row.warning_text,
                required: row.required,
                unit: row.unit,
                min: row.min_value,
                max: row.max_value,
                options: row.options,
                attachments: files.remove(&row.id).unwrap_or_default(),
                limit_source,
            };
            if let Some(group) = content.sections.iter_mut().find(|g| g.id == view.section_id) {
                group.steps.push(view);
            }
        }
        Ok(content)
    }

    /// Replaces a draft's content with `input`. Steps named by `id` keep their id and key;
    /// `keys` gives keys for new steps copied from another revision (same order as input).
    pub fn replace(
        conn: &mut PgConnection,
        revision_id: Uuid,
        input: &ContentInput,
        keys: Option<&[Uuid]>,
    ) -> Result<()> {
        let plan = Plan::check(input)?;
        let attached: Vec<Uuid> =
            input.sections.iter().flat_map(|s| s.steps.iter()).flat_map(|s| s.attachments.iter().copied()).collect();
        validate::files_exist(conn, &attached, "Step attachments")?;
        let sources: Vec<Uuid> = input
            .sections
            .iter()
            .flat_map(|s| s.steps.iter())
            .filter_map(|s| s.limit_source.as_ref().map(|l| l.file_id))
            .collect();
        validate::files_exist(conn, &sources, "Limit sources")?;
        let rows: Vec<Step> =
            steps::table.filter(steps::revision_id.eq(revision_id)).select(Step::as_select()).load(conn)?;
        let existing: HashMap<Uuid, Uuid> = rows.iter().map(|r| (r.id, r.key)).collect();
        let before: HashMap<Uuid, &Step> = rows.iter().map(|r| (r.id, r)).collect();
        let existing_sections: HashSet<Uuid> = sections::table
            .filter(sections::revision_id.eq(revision_id))
            .select(sections::id)
            .load::<Uuid>(conn)?
            .into_iter()
            .collect();
        let unknown: Vec<String> =
            plan.kept_ids.iter().filter(|id| !existing.contains_key(id)).map(ToString::to_string).collect();
        if !unknown.is_empty() {
            return Err(ProcError::Validation {
                message: format!("These step ids are not steps of this draft: {}.", unknown.join(", ")),
                errors: Some(json!({ "unknown_steps": unknown })),
            });
        }
        for s in &input.sections {
            if let Some(id) = s.id {
                if !existing_sections.contains(&id) {
                    return Err(ProcError::invalid(format!("Section {id} is not a section of this draft.")));
                }
            }
        }

        // Rows are rewritten: ids that are kept are reinserted with their key.
        diesel::delete(
            step_attachments::table
                .filter(step_attachments::step_id.eq_any(existing.keys().copied().collect::<Vec<_>>())),
        )
        .execute(conn)?;
        diesel::delete(steps::table.filter(steps::revision_id.eq(revision_id))).execute(conn)?;
        diesel::delete(sections::table.filter(sections::revision_id.eq(revision_id))).execute(conn)?;

        let mut new_sections = Vec::new();
        let mut new_steps = Vec::new();
        let mut new_attachments = Vec::new();
        let mut position = 0;
        let mut copied = keys.map(|k| k.iter());
        for (i, group) in input.sections.iter().enumerate() {
            let section_id = match &group.title {
                Some(title) => {
                    let id = group.id.unwrap_or_else(Uuid::now_v7);
                    new_sections.push(Section {
                        id,
                        revision_id,
                        position: i32::try_from(i).unwrap_or(i32::MAX),
                        title: validate::required_text("section title", title, 200)?,
                    });
                    Some(id)
                }
                None => None,
            };
            for step in &group.steps {
                let id = step.id.unwrap_or_else(Uuid::now_v7);
                let key = match step.id.and_then(|id| existing.get(&id)) {
                    Some(key) => *key,
                    None => copied.as_mut().and_then(Iterator::next).copied().unwrap_or_else(Uuid::new_v4),
                };
                for (n, file) in step.attachments.iter().enumerate() {
                    new_attachments.push((id, *file, i32::try_from(n).unwrap_or(0)));
                }
                let source = kept_source(step, step.id.and_then(|id| before.get(&id).copied()));
                new_steps.push(Step {
                    id,
                    revision_id,
                    key,
                    section_id,
                    position,
                    kind: step.kind,
                    title: validate::required_text("title", &step.title, 500)?,
                    body: validate::bounded("body", &step.body, 20_000)?,
                    warning_level: step.warning_level,
                    warning_text: validate::optional_text("warning_text", step.warning_text.as_deref(), 2000)?,
                    required: step.required,
                    unit: validate::optional_text("unit", step.unit.as_deref(), 32)?,
                    min_value: step.min,
                    max_value: step.max,
                    options: step.options.iter().map(|o| o.trim().to_owned()).collect(),
                    limit_source_file_id: source.map(|l| l.file_id),
                    limit_source_page: source.map(|l| l.page),
                    limit_source_passage: source.map(|l| l.passage.trim().to_owned()),
                });
                position += 1;
            }
        }
        diesel::insert_into(sections::table).values(&new_sections).execute(conn)?;
        for chunk in new_steps.chunks(1000) {
            diesel::insert_into(steps::table).values(chunk).execute(conn)?;
        }
        let rows: Vec<_> = new_attachments
            .iter()
            .map(|(step, file, pos)| {
                (
                    step_attachments::step_id.eq(*step),
                    step_attachments::file_id.eq(*file),
                    step_attachments::position.eq(*pos),
                )
            })
            .collect();
        diesel::insert_into(step_attachments::table).values(&rows).execute(conn)?;
        Ok(())
    }
}

/// The source `step` keeps: the one it is given, unless it is the source the step already had
/// and its unit or bounds changed since (a person changed a limit read from a document).
fn kept_source<'a>(step: &'a StepInput, before: Option<&Step>) -> Option<&'a LimitSource> {
    let source = step.limit_source.as_ref()?;
    let Some(old) = before else { return Some(source) };
    let same_source = old.limit_source_file_id == Some(source.file_id)
        && old.limit_source_page == Some(source.page)
        && old.limit_source_passage.as_deref() == Some(source.passage.trim());
    let unit = step.unit.as_deref().map(str::trim).filter(|u| !u.is_empty());
    let limit_changed = old.unit.as_deref() != unit || old.min_value != step.min || old.max_value != step.max;
    if same_source && limit_changed {
        None
    } else {
        Some(source)
    }
}

/// The checks on a whole content before anything is written.
struct Plan {
    kept_ids: Vec<Uuid>,
}

impl Plan {
    fn check(input: &ContentInput) -> Result<Self> {
        let mut problems = Vec::new();
        if input.sections.len() > MAX_SECTIONS {
            return Err(ProcError::invalid(format!("A revision has at most {MAX_SECTIONS} sections.")));
        }
        let total: usize = input.sections.iter().map(|s| s.steps.len()).sum();
        if total > MAX_STEPS {
            return Err(ProcError::invalid(format!("A revision has at most {MAX_STEPS} steps; this one has {total}.")));
        }
        let mut seen_steps = HashSet::new();
        let mut seen_sections = HashSet::new();
        let mut kept_ids = Vec::new();
        let mut number = 0;
        for (i, group) in input.sections.iter().enumerate() {
            if group.title.is_none() && i > 0 {
                problems.push(json!({ "section": i, "problem": "only the first section may be untitled" }));
            }
            if group.title.is_none() && group.id.is_some() {
                problems.push(json!({ "section": i, "problem": "an untitled group has no id" }));
            }
            if let Some(id) = group.id {
                if !seen_sections.insert(id) {
                    problems.push(json!({ "section": i, "problem": format!("section {id} appears twice") }));
                }
            }
            for step in &group.steps {
                number += 1;
                if let Some(id) = step.id {
                    if seen_steps.insert(id) {
                        kept_ids.push(id);
                    } else {
                        problems.push(json!({ "step": number, "problem": format!("step {id} appears twice") }));
                    }
                }
                for problem in step_problems(step) {
                    problems.push(json!({ "step": number, "problem": problem }));
                }
            }
        }
        if problems.is_empty() {
            Ok(Self { kept_ids })
        } else {
            let first = problems[0]["problem"].as_str().unwrap_or_default().to_owned();
            Err(ProcError::Validation {
                message: format!(
                    "The steps cannot be saved: {first}{}.",
                    if problems.len() > 1 { " (and more)" } else { "" }
                ),
                errors: Some(json!(problems)),
            })
        }
    }
}

/// What is wrong with one step, in words an author understands.
fn step_problems(step: &StepInput) -> Vec<String> {
    let mut out = Vec::new();
    if step.title.trim().is_empty() {
        out.push("the title is empty".to_owned());
    }
    let is_number = step.kind == StepKind::Number;
    if !is_number && (step.unit.is_some() || step.min.is_some() || step.max.is_some()) {
        out.push("only number steps have a unit, a minimum or a maximum".to_owned());
    }
    if [step.min, step.max].iter().flatten().any(|v| !v.is_finite()) {
        out.push("the minimum and maximum must be finite numbers".to_owned());
    }
    if let (Some(min), Some(max)) = (step.min, step.max) {
        if min > max {
            out.push(format!("the minimum ({min}) is greater than the maximum ({max})"));
        }
    }
    if step.kind == StepKind::Choice {
        let options: Vec<&str> = step.options.iter().map(|o| o.trim()).collect();
        let unique: HashSet<&str> = options.iter().copied().collect();
        if options.len() < 2 || options.len() > MAX_OPTIONS {
            out.push(format!("a choice step offers 2 to {MAX_OPTIONS} options"));
        }
        if options.iter().any(|o| o.is_empty() || o.chars().count() > 200) {
            out.push("each option is 1 to 200 characters".to_owned());
        }
        if unique.len() != options.len() {
            out.push("the options must differ from one another".to_owned());
        }
    } else if !step.options.is_empty() {
        out.push("only choice steps have options".to_owned());
    }
    if step.warning_text.as_deref().is_some_and(|t| !t.trim().is_empty()) && step.warning_level.is_none() {
        out.push("a warning text needs a warning level".to_owned());
    }
    if let Some(source) = &step.limit_source {
        if !is_number || (step.unit.is_none() && step.min.is_none() && step.max.is_none()) {
            out.push("only a number step with a unit or a bound has a limit source".to_owned());
        }
        if source.page < 1 {
            out.push("a limit source's page is 1 or more".to_owned());
        }
        let passage = source.passage.trim().chars().count();
        if passage == 0 || passage > MAX_PASSAGE_CHARS {
            out.push(format!("a limit source's passage is 1 to {MAX_PASSAGE_CHARS} characters"));
        }
    }
    if step.attachments.len() > MAX_ATTACHMENTS {
        out.push(format!("a step has at most {MAX_ATTACHMENTS} attachments"));
    }
    if step.attachments.iter().collect::<HashSet<_>>().len() != step.attachments.len() {
        out.push("the same file is attached twice".to_owned());
    }
    out
}
