//! Who may see and do what in the work service, written once:
//!
//! | role | sees orders | may change |
//! |---|---|---|
//! | admin, editor | all | everything: plans, teams, meters, settings, every order |
//! | technician | his own and his teams' | starts, completes and comments the orders he may see; records meter readings |
//! | viewer | all (boards, calendar, compliance) | nothing |

use diesel::prelude::*;
use gamme_auth_token::{AuthUser, Roles};
use gamme_db::schema::team_members;
use uuid::Uuid;

use crate::error::{Result, WorkError};

/// Roles that read every order but change none: viewers, plus the managers.
pub const READERS_OF_ALL: [gamme_auth_token::Role; 3] =
    [gamme_auth_token::Role::Admin, gamme_auth_token::Role::Editor, gamme_auth_token::Role::Viewer];

/// The signed-in user with the teams he belongs to.
#[derive(Debug, Clone)]
pub struct Access {
    pub user_id: Uuid,
    pub role: gamme_auth_token::Role,
    pub teams: Vec<Uuid>,
    manager: bool,
}

impl Access {
    pub fn of(conn: &mut PgConnection, user: &AuthUser) -> QueryResult<Self> {
        let teams =
            team_members::table.filter(team_members::user_id.eq(user.id)).select(team_members::team_id).load(conn)?;
        Ok(Self { user_id: user.id, role: user.role, teams, manager: user.is(Roles::EDITORS) })
    }

    /// Admins and editors: plans, teams, settings and every order are theirs to change.
    pub fn is_manager(&self) -> bool {
        self.manager
    }

    /// Sees every order (managers and viewers), rather than only his own and his teams'.
    pub fn sees_all(&self) -> bool {
        READERS_OF_ALL.contains(&self.role)
    }

    /// An order assigned to him, or to one of his teams.
    pub fn is_his(&self, assignee: Option<Uuid>, team: Option<Uuid>) -> bool {
        assignee == Some(self.user_id) || team.is_some_and(|t| self.teams.contains(&t))
    }

    pub fn can_see(&self, assignee: Option<Uuid>, team: Option<Uuid>) -> bool {
        self.sees_all() || self.is_his(assignee, team)
    }

    /// Start, complete and comment: managers on any order, technicians on theirs.
    pub fn require_worker_of(&self, assignee: Option<Uuid>, team: Option<Uuid>) -> Result<()> {
        let technician = self.role == gamme_auth_token::Role::Technician;
        if self.manager || (technician && self.is_his(assignee, team)) {
            Ok(())
        } else if technician {
            Err(WorkError::forbidden("This work order is assigned to someone else: only they, their team, editors and admins can work on it."))
        } else {
            Err(WorkError::forbidden(format!("A {} reads work orders but cannot change them.", self.role)))
        }
    }

    pub fn require_manager(&self) -> Result<()> {
        if self.manager {
            Ok(())
        } else {
            Err(WorkError::forbidden(format!("Only editors and admins can do this; you are {}.", self.role)))
        }
    }
}
