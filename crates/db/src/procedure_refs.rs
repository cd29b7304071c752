//! What services other than procedures read of a procedure (procedures owns `procedures`,
//! `revisions` and `steps`): its code, the title of its published revision, and that revision's
//! steps by key.

use diesel::prelude::*;
use uuid::Uuid;

use crate::schema::{procedures, revisions, steps};

/// A procedure as another service names it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcedureRef {
    pub id: Uuid,
    pub code: String,
    /// The published revision's title; `None` while nothing is published.
    pub title: Option<String>,
    pub published_revision_id: Option<Uuid>,
    pub archived: bool,
}

/// A step of a procedure's published revision.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = steps, check_for_backend(diesel::pg::Pg))]
pub struct PublishedStep {
    pub id: Uuid,
    pub key: Uuid,
    /// `instruction`, `checkbox`, `pass_fail`, `number`, `text`, `choice`, `photo` or `signature`.
    pub kind: String,
    pub title: String,
    pub unit: Option<String>,
}

type Row = (Uuid, String, Option<Uuid>, Option<chrono::DateTime<chrono::Utc>>, Option<String>);

impl ProcedureRef {
    pub fn find_many(conn: &mut PgConnection, ids: &[Uuid]) -> QueryResult<Vec<Self>> {
        let rows: Vec<Row> = procedures::table
            .left_join(revisions::table.on(revisions::id.nullable().eq(procedures::published_revision_id)))
            .filter(procedures::id.eq_any(ids))
            .select((
                procedures::id,
                procedures::code,
                procedures::published_revision_id,
                procedures::archived_at,
                revisions::title.nullable(),
            ))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(id, code, published_revision_id, archived_at, title)| Self {
                id,
                code,
                title,
                published_revision_id,
                archived: archived_at.is_some(),
            })
            .collect())
    }

    pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<Self>> {
        Ok(Self::find_many(conn, &[id])?.pop())
    }

    /// The steps of the published revision (none while nothing is published).
    pub fn published_steps(&self, conn: &mut PgConnection) -> QueryResult<Vec<PublishedStep>> {
        let Some(revision) = self.published_revision_id else { return Ok(Vec::new()) };
        steps::table
            .filter(steps::revision_id.eq(revision))
            .order(steps::position.asc())
            .select(PublishedStep::as_select())
            .load(conn)
    }
}
