//! Reviews: every decision another editor took on a submitted revision, kept after later ones.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use gamme_db::schema::reviews;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

gamme_db::text_enum! {
    /// What a reviewer decided.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum Decision {
        Approved,
        Rejected,
    }
}

// The body of an approval or a rejection.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewDecision {
    /// Required to reject: what the author must change.
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = reviews)]
pub struct Review {
    pub id: Uuid,
    pub revision_id: Uuid,
    pub reviewer_id: Uuid,
    pub decision: Decision,
    pub comment: String,
    pub created_at: DateTime<Utc>,
}

// With the reviewer's name, so readers who may not list users see who decided.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewView {
    pub id: Uuid,
    pub reviewer_id: Uuid,
    pub reviewer_name: String,
    pub decision: Decision,
    pub comment: String,
    pub created_at: DateTime<Utc>,
}

impl Review {
    pub fn add(
        conn: &mut PgConnection,
        revision_id: Uuid,
        reviewer_id: Uuid,
        decision: Decision,
        comment: &str,
    ) -> QueryResult<()> {
        diesel::insert_into(reviews::table)
            .values((
                reviews::id.eq(Uuid::now_v7()),
                reviews::revision_id.eq(revision_id),
                reviews::reviewer_id.eq(reviewer_id),
                reviews::decision.eq(decision),
                reviews::comment.eq(comment),
            ))
            .execute(conn)
            .map(drop)
    }

    /// The reviews of a revision, oldest first.
    pub fn of_revision(conn: &mut PgConnection, revision_id: Uuid) -> QueryResult<Vec<ReviewView>> {
        let rows: Vec<Review> = reviews::table
            .filter(reviews::revision_id.eq(revision_id))
            .order(reviews::created_at.asc())
            .select(Review::as_select())
            .load(conn)?;
        let reviewers: Vec<Uuid> = rows.iter().map(|r| r.reviewer_id).collect();
        let names = gamme_db::users::display_names(conn, &reviewers)?;
        Ok(rows
            .into_iter()
            .map(|r| ReviewView {
                id: r.id,
                reviewer_id: r.reviewer_id,
                reviewer_name: names.get(&r.reviewer_id).cloned().unwrap_or_default(),
                decision: r.decision,
                comment: r.comment,
                created_at: r.created_at,
            })
            .collect())
    }
}
