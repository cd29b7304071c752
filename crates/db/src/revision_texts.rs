//! What services other than procedures read of a revision's text (procedures owns
//! `procedures`, `revisions`, `sections` and `steps`): its fields and its steps, numbered and
//! grouped by section, as the AI assistants read a revision to translate or review it.

use diesel::prelude::*;
use serde::Serialize;
use uuid::Uuid;

use crate::schema::{procedures, revisions, sections, steps};

/// A revision, whatever its status, with its steps in order.
#[derive(Debug, Clone, Serialize)]
pub struct RevisionText {
    pub revision_id: Uuid,
    pub procedure_id: Uuid,
    pub code: String,
    pub number: i32,
    pub status: String,
    pub title: String,
    pub description: String,
    pub language: String,
    pub tools: Vec<String>,
    pub parts: Vec<String>,
    pub ppe: Vec<String>,
    pub sections: Vec<SectionText>,
}

/// Consecutive steps under one section title (`None`: steps outside any section).
#[derive(Debug, Clone, Serialize)]
pub struct SectionText {
    pub title: Option<String>,
    pub steps: Vec<StepText>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StepText {
    /// From 1, across the whole revision.
    pub number: i32,
    #[serde(skip)]
    pub section: Option<String>,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub warning_level: Option<String>,
    pub warning_text: Option<String>,
    pub required: bool,
    pub unit: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub options: Vec<String>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = revisions, check_for_backend(diesel::pg::Pg))]
struct RevisionRow {
    id: Uuid,
    procedure_id: Uuid,
    number: i32,
    status: String,
    title: String,
    description: String,
    language: String,
    tools: Vec<String>,
    parts: Vec<String>,
    ppe: Vec<String>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = steps, check_for_backend(diesel::pg::Pg))]
struct StepRow {
    position: i32,
    kind: String,
    title: String,
    body: String,
    warning_level: Option<String>,
    warning_text: Option<String>,
    required: bool,
    unit: Option<String>,
    min_value: Option<f64>,
    max_value: Option<f64>,
    options: Vec<String>,
}

impl RevisionText {
    /// Whether the procedure has a revision `number`.
    pub fn exists(conn: &mut PgConnection, procedure_id: Uuid, number: i32) -> QueryResult<bool> {
        diesel::select(diesel::dsl::exists(
            revisions::table.filter(revisions::procedure_id.eq(procedure_id)).filter(revisions::number.eq(number)),
        ))
        .get_result(conn)
    }

    /// Revision `number` of a procedure; `None` when there is none.
    pub fn find(conn: &mut PgConnection, procedure_id: Uuid, number: i32) -> QueryResult<Option<Self>> {
        let found: Option<(RevisionRow, String)> = revisions::table
            .inner_join(procedures::table.on(procedures::id.eq(revisions::procedure_id)))
            .filter(revisions::procedure_id.eq(procedure_id))
            .filter(revisions::number.eq(number))
            .select((RevisionRow::as_select(), procedures::code))
            .first(conn)
            .optional()?;
        let Some((row, code)) = found else { return Ok(None) };
        let rows: Vec<(StepRow, Option<String>)> = steps::table
            .left_join(sections::table)
            .filter(steps::revision_id.eq(row.id))
            .order(steps::position.asc())
            .select((StepRow::as_select(), sections::title.nullable()))
            .load(conn)?;
        let mut grouped: Vec<SectionText> = Vec::new();
        for (s, section) in rows {
            let step = StepText {
                number: s.position + 1,
                section,
                kind: s.kind,
                title: s.title,
                body: s.body,
                warning_level: s.warning_level,
                warning_text: s.warning_text,
                required: s.required,
                unit: s.unit,
                min: s.min_value,
                max: s.max_value,
                options: s.options,
            };
            match grouped.last_mut() {
                Some(last) if last.title == step.section => last.steps.push(step),
                _ => grouped.push(SectionText { title: step.section.clone(), steps: vec![step] }),
            }
        }
        Ok(Some(Self {
            revision_id: row.id,
            procedure_id: row.procedure_id,
            code,
            number: row.number,
            status: row.status,
            title: row.title,
            description: row.description,
            language: row.language,
            tools: row.tools,
            parts: row.parts,
            ppe: row.ppe,
            sections: grouped,
        }))
    }

    pub fn steps(&self) -> impl Iterator<Item = &StepText> {
        self.sections.iter().flat_map(|s| s.steps.iter())
    }
}
