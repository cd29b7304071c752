//! What the assistants read: document text the files service extracted and revisions the
//! procedures service keeps, through their read models in `gamme_db` (those tables are theirs).

pub use gamme_db::{
    documents::Chunk,
    revision_texts::{RevisionText, SectionText, StepText},
};
