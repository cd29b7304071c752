//! `gamme-migrate`'s main: applies pending migrations, then sets the password of each service's
//! Postgres role given in `GAMME_DB_PASSWORD_<SVC>` (or `GAMME_DB_PASSWORD_<SVC>_FILE`), and
//! exits 0; safe to run twice or from two places at once. Compose runs it, connected as the
//! database's owner, before any service starts.

use std::{process::ExitCode, thread, time::Duration};

use crate::{config::CommonConfig, telemetry, Env};
use diesel::{Connection, PgConnection};
use gamme_backoff::Backoff;
use gamme_db::roles::{self, ServiceRole};
use secrecy::{ExposeSecret, SecretString};

/// The whole of `gamme-migrate`.
pub fn main() -> ExitCode {
    let env = Env::from_process();
    telemetry::init(&env);
    let config = match CommonConfig::from_env(&env, "migrate", 0) {
        Ok(c) => c,
        Err(err) => {
            tracing::error!(error = %err, "invalid configuration");
            return ExitCode::FAILURE;
        }
    };
    let mut passwords = Vec::new();
    for role in ServiceRole::ALL {
        match env.secret(role.password_key()) {
            Ok(Some(password)) => passwords.push((role, password)),
            Ok(None) => {}
            Err(err) => {
                tracing::error!(error = %err, "invalid configuration");
                return ExitCode::FAILURE;
            }
        }
    }
    // The database may still be starting: retry for about a minute.
    let mut backoff = Backoff::exponential(Duration::from_millis(250), Duration::from_secs(8));
    for attempt in 1..=12 {
        match migrate(config.database_url.expose_secret(), &passwords) {
            Ok(applied) if applied.is_empty() => {
                tracing::info!("database schema is up to date");
                return ExitCode::SUCCESS;
            }
            Ok(applied) => {
                tracing::info!(?applied, "migrations applied");
                return ExitCode::SUCCESS;
            }
            Err(err) => {
                tracing::warn!(attempt, error = %err, "cannot migrate yet");
                thread::sleep(backoff.next_delay());
            }
        }
    }
    tracing::error!("giving up: the database could not be migrated");
    ExitCode::FAILURE
}

fn migrate(
    url: &str,
    passwords: &[(ServiceRole, SecretString)],
) -> Result<Vec<String>, gamme_db::migrate::MigrationError> {
    let mut conn = PgConnection::establish(url)?;
    let applied = gamme_db::migrate::run_pending(&mut conn)?;
    for (role, password) in passwords {
        roles::set_password(&mut conn, *role, password.expose_secret())
            // Postgres's message names the role, never the statement (which holds the password).
            .map_err(|e| format!("cannot set the password of the role {}: {e}", role.name()))?;
        tracing::info!(role = role.name(), "role password set");
    }
    Ok(applied)
}
