//! The revision lifecycle, written once: the statuses a revision passes through
//! (`draft → in_review → published → superseded`, or `archived`) and the moves between them.
//! `Revision::transition` applies a move; nothing else changes a revision's status.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ProcError;

gamme_db::text_enum! {
    // Where a revision stands. Only drafts change; a published revision never does.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum RevisionStatus {
        Draft,
        InReview,
        Published,
        Superseded,
        Archived,
    }
}

impl RevisionStatus {
    /// What viewers and technicians may read.
    pub fn is_public(self) -> bool {
        matches!(self, RevisionStatus::Published | RevisionStatus::Superseded)
    }

    /// Still being written or reviewed: a procedure has at most one such revision.
    pub fn is_open(self) -> bool {
        matches!(self, RevisionStatus::Draft | RevisionStatus::InReview)
    }
}

/// A move in a revision's lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// An author sends a draft to review.
    Submit,
    /// Another editor publishes it (four-eyes).
    Approve,
    /// Another editor sends it back to its author, with a comment.
    Reject,
    /// An editor abandons a draft or a revision in review.
    Abandon,
    /// The published revision gives way to the one just approved.
    Supersede,
    /// The procedure is archived: its open and published revisions with it.
    Withdraw,
}

impl Transition {
    /// Where the move may start, and where it leads: the whole lifecycle.
    pub const fn path(self) -> (&'static [RevisionStatus], RevisionStatus) {
        use RevisionStatus::{Archived, Draft, InReview, Published, Superseded};
        match self {
            Transition::Submit => (&[Draft], InReview),
            Transition::Approve => (&[InReview], Published),
            Transition::Reject => (&[InReview], Draft),
            Transition::Abandon => (&[Draft, InReview], Archived),
            Transition::Supersede => (&[Published], Superseded),
            Transition::Withdraw => (&[Draft, InReview, Published], Archived),
        }
    }

    pub fn starts_from(self, status: RevisionStatus) -> bool {
        self.path().0.contains(&status)
    }

    /// The audit log's name for it; a withdrawal is told by the procedure's own entry.
    pub const fn action(self) -> Option<&'static str> {
        match self {
            Transition::Submit => Some("revision.submitted"),
            Transition::Approve => Some("revision.approved"),
            Transition::Reject => Some("revision.rejected"),
            Transition::Abandon => Some("revision.archived"),
            Transition::Supersede => Some("revision.superseded"),
            Transition::Withdraw => None,
        }
    }

    /// Why revision `number`, being `status`, cannot make this move (409).
    pub fn refusal(self, number: i32, status: RevisionStatus) -> ProcError {
        match self {
            Transition::Submit => not_a_draft(number, status),
            Transition::Approve | Transition::Reject => {
                let verb = if self == Transition::Approve { "approved" } else { "rejected" };
                ProcError::conflict(
                    "not_in_review",
                    format!("Revision {number} is {status}; only a revision in review can be {verb}."),
                )
            }
            Transition::Abandon => ProcError::conflict(
                "not_a_draft",
                "Only a draft or a revision in review can be abandoned; archive the procedure instead.",
            ),
            Transition::Supersede | Transition::Withdraw => {
                let verb = if self == Transition::Supersede { "superseded" } else { "withdrawn" };
                ProcError::conflict(
                    "invalid_transition",
                    format!("Revision {number} is {status}: it cannot be {verb}."),
                )
            }
        }
    }
}

/// 409 for a change to a revision that is no longer a draft.
pub fn not_a_draft(number: i32, status: RevisionStatus) -> ProcError {
    ProcError::conflict(
        "not_a_draft",
        format!("Revision {number} is {status}; only drafts change. Start a new draft to edit this procedure."),
    )
}

#[cfg(test)]
mod tests {
    use gamme_db::strum::VariantArray;

    use super::{RevisionStatus, Transition};

    const ALL: [Transition; 6] = [
        Transition::Submit,
        Transition::Approve,
        Transition::Reject,
        Transition::Abandon,
        Transition::Supersede,
        Transition::Withdraw,
    ];

    #[test]
    fn superseded_and_archived_revisions_never_move_again() {
        for status in [RevisionStatus::Superseded, RevisionStatus::Archived] {
            assert!(ALL.iter().all(|t| !t.starts_from(status)), "{status} moved");
        }
    }

    #[test]
    fn a_published_revision_only_gives_way_or_is_withdrawn() {
        let moves: Vec<Transition> = ALL.into_iter().filter(|t| t.starts_from(RevisionStatus::Published)).collect();
        assert_eq!(moves, [Transition::Supersede, Transition::Withdraw]);
    }

    #[test]
    fn every_status_is_where_some_move_leads() {
        for status in RevisionStatus::VARIANTS {
            assert!(ALL.iter().any(|t| t.path().1 == *status), "{status}");
        }
    }
}
