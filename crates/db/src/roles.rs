//! The Postgres login role each service connects as (made by the `service_roles` migration,
//! with rights on its own tables and read rights on the views and read models it uses), and
//! the setting `gamme-migrate` reads each role's password from.

/// A service's database role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServiceRole {
    Auth,
    Procedures,
    Files,
    Ai,
    Work,
}

impl ServiceRole {
    pub const ALL: [Self; 5] = [Self::Auth, Self::Procedures, Self::Files, Self::Ai, Self::Work];

    /// The role's name in Postgres: the user in that service's database URL.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Auth => "gamme_auth",
            Self::Procedures => "gamme_procedures",
            Self::Files => "gamme_files",
            Self::Ai => "gamme_ai",
            Self::Work => "gamme_work",
        }
    }

    /// The setting holding the role's password (or, with `_FILE`, the file holding it).
    pub const fn password_key(self) -> &'static str {
        match self {
            Self::Auth => "GAMME_DB_PASSWORD_AUTH",
            Self::Procedures => "GAMME_DB_PASSWORD_PROCEDURES",
            Self::Files => "GAMME_DB_PASSWORD_FILES",
            Self::Ai => "GAMME_DB_PASSWORD_AI",
            Self::Work => "GAMME_DB_PASSWORD_WORK",
        }
    }
}

/// Sets the role's password: the server quotes the literal (`ALTER ROLE` takes no parameters),
/// and the statement is never logged here.
pub fn set_password(conn: &mut diesel::PgConnection, role: ServiceRole, password: &str) -> diesel::QueryResult<()> {
    use diesel::{sql_query, sql_types::Text, QueryableByName, RunQueryDsl};

    #[derive(QueryableByName)]
    struct Quoted {
        #[diesel(sql_type = Text)]
        literal: String,
    }
    let quoted: Quoted = sql_query("SELECT quote_literal($1) AS literal").bind::<Text, _>(password).get_result(conn)?;
    // The role's name is one of ours, a plain identifier.
    sql_query(format!("ALTER ROLE {} LOGIN PASSWORD {}", role.name(), quoted.literal)).execute(conn)?;
    Ok(())
}
