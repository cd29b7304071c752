//! Who may see which file: decided here, once, as a filter every read of a file for someone
//! goes through — the list, a file's metadata, its content and its thumbnail — so a file one
//! may not see is absent from the list and a 404 alone. Signed links are handed out only with
//! metadata read through it, so only for files the reader may see.
//!
//! The rule itself is the database's `file_visible_to` (see `gamme_db::file_access`), the same
//! one procedures and the AI worker ask: the uploader, editors and admins, and whoever may see
//! something that uses the file (the published revision of an unarchived procedure, a run
//! they may see).

use diesel::{dsl::sql, expression::BoxableExpression, pg::Pg, sql_types::Bool};
use gamme_auth_token::AuthUser;
use gamme_db::{
    file_access::{file_visible_to, Viewer},
    schema::files,
};

/// Who reads a file.
#[derive(Debug, Clone)]
pub enum Reader {
    /// Someone signed in.
    User(AuthUser),
    /// The holder of a signed link, already verified for this file and variant.
    Link,
}

/// A condition over a query that reads `files`.
pub type Visible<QS> = Box<dyn BoxableExpression<QS, Pg, SqlType = Bool>>;

/// The rule's condition on the `files` row of a query.
type SeenBy = file_visible_to<files::id, uuid::Uuid, &'static str>;

impl Reader {
    /// The files this reader may see, as a filter for a query over `files` (alone or joined).
    pub fn visible<QS>(&self) -> Visible<QS>
    where
        SeenBy: BoxableExpression<QS, Pg, SqlType = Bool>,
    {
        match self {
            // A link names one file: whoever was handed it may open that file.
            Reader::Link => Box::new(sql::<Bool>("TRUE")),
            Reader::User(user) => Box::new(Viewer::new(user.id, user.role).may_see_file(files::id)),
        }
    }
}
