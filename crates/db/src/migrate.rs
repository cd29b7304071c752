//! Embedded migrations, applied under a Postgres advisory lock so two migrators (two
//! deployments starting, two test processes) never run them at once.

use diesel::{pg::PgConnection, Connection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations");

use crate::locks;

pub type MigrationError = Box<dyn std::error::Error + Send + Sync>;

/// Applies pending migrations; returns the versions applied (empty when up to date).
pub fn run_pending(conn: &mut PgConnection) -> Result<Vec<String>, MigrationError> {
    locks::session(conn, locks::MIGRATIONS)?;
    let result = conn
        .run_pending_migrations(MIGRATIONS)
        .map(|versions| versions.iter().map(|v| v.to_string()).collect::<Vec<_>>());
    let unlock = locks::unlock(conn, locks::MIGRATIONS);
    let applied = result?;
    unlock?;
    Ok(applied)
}

/// Connects to `url` and applies pending migrations.
pub fn run_pending_at(url: &str) -> Result<Vec<String>, MigrationError> {
    let mut conn = PgConnection::establish(url)?;
    run_pending(&mut conn)
}
