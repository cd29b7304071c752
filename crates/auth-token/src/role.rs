//! The roles and the one way to guard by role: a handler that needs a role says
//! `user.require(Roles::EDITORS)?`; code that shows more to some roles asks
//! `user.is(Roles::EDITORS)`. The role itself is the `users.role` column's enum, kept in
//! `gamme-db` with the read model every service loads it through.

pub use gamme_db::users::Role;

/// The roles allowed to do something, and how a refused user reads them named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Roles {
    members: &'static [Role],
    names: &'static str,
}

impl Roles {
    /// User administration, everyone's jobs and runs.
    pub const ADMINS: Roles = Roles { members: &[Role::Admin], names: "admins" };
    /// Write and review procedures, assets and AI drafts; read unpublished procedures.
    pub const EDITORS: Roles = Roles { members: &[Role::Admin, Role::Editor], names: "editors and admins" };
    /// Run published procedures and upload what a run needs (photos, signatures).
    pub const RUNNERS: Roles =
        Roles { members: &[Role::Admin, Role::Editor, Role::Technician], names: "technicians, editors and admins" };

    pub fn contains(self, role: Role) -> bool {
        self.members.contains(&role)
    }

    /// `editors and admins`, for messages.
    pub fn names(self) -> &'static str {
        self.names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_set_holds_the_roles_above_it() {
        assert!(Roles::ADMINS.contains(Role::Admin) && !Roles::ADMINS.contains(Role::Editor));
        assert!(Roles::EDITORS.contains(Role::Editor) && !Roles::EDITORS.contains(Role::Technician));
        assert!(Roles::RUNNERS.contains(Role::Technician) && !Roles::RUNNERS.contains(Role::Viewer));
    }
}
