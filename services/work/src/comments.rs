//! Comments on a work order, with photos the commenter uploaded.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use gamme_bus::Event;
use gamme_db::{file_uploads, schema::work_order_comments};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    error::{Result, WorkError},
    events::{publish, Actor},
    orders::WorkOrder,
    text,
};

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = work_order_comments, check_for_backend(diesel::pg::Pg))]
pub struct Comment {
    pub id: Uuid,
    pub work_order_id: Uuid,
    pub author_id: Uuid,
    pub body: String,
    /// Files uploaded to the files service by the author.
    pub photo_ids: Vec<Uuid>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentInput {
    #[schema(
        max_length = 5000,
        pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"
    )]
    pub body: String,
    #[serde(default)]
    pub photo_ids: Vec<Uuid>,
}

impl Comment {
    pub fn for_order(conn: &mut PgConnection, order: Uuid) -> QueryResult<Vec<Self>> {
        work_order_comments::table
            .filter(work_order_comments::work_order_id.eq(order))
            .order((work_order_comments::created_at.asc(), work_order_comments::id.asc()))
            .select(Self::as_select())
            .load(conn)
    }

    /// Adds `author`'s comment; its photos must be files `author` uploaded.
    pub fn add(
        conn: &mut PgConnection,
        actor: &Actor,
        author: Uuid,
        order: &WorkOrder,
        input: CommentInput,
    ) -> Result<Self> {
        let body = text::required("body", &input.body, 5000)?;
        let mut photos = input.photo_ids;
        photos.dedup();
        if photos.len() > 10 {
            return Err(WorkError::invalid("A comment has at most 10 photos."));
        }
        let foreign = file_uploads::not_uploaded_by(conn, author, &photos)?;
        if !foreign.is_empty() {
            let ids: Vec<String> = foreign.iter().map(ToString::to_string).collect();
            return Err(WorkError::Validation {
                message: format!("Photos must be files you uploaded; these are not: {}.", ids.join(", ")),
                errors: Some(serde_json::json!({ "photo_ids": ids })),
            });
        }
        let comment = Comment {
            id: Uuid::now_v7(),
            work_order_id: order.id,
            author_id: author,
            body,
            photo_ids: photos,
            created_at: crate::now(),
        };
        diesel::insert_into(work_order_comments::table).values(&comment).execute(conn)?;
        publish(
            conn,
            actor,
            Event::WorkOrderCommented {
                order: order.snapshot(),
                comment_id: comment.id,
                author_id: author,
                body: comment.body.clone(),
            },
        )?;
        Ok(comment)
    }
}
