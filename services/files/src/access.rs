//! Who may see which file: decided here, once, as a filter every read of a file for someone
//! goes through — the list, a file's metadata, its content and its thumbnail — so a file one
//! may not see is absent from the list and a 404 alone. Signed links are handed out only with
//! metadata read through it, so only for files the reader may see.
//!
//! Today every signed-in person sees every file.

use diesel::{dsl::sql, expression::BoxableExpression, pg::Pg, sql_types::Bool};
use gamme_auth_token::AuthUser;

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

impl Reader {
    /// The files this reader may see, as a filter for a query over `files` (alone or joined).
    pub fn visible<QS>(&self) -> Visible<QS> {
        match self {
            // A link names one file: whoever was handed it may open that file.
            Reader::Link => everything(),
            Reader::User(_) => everything(),
        }
    }
}

fn everything<QS>() -> Visible<QS> {
    Box::new(sql::<Bool>("TRUE"))
}
