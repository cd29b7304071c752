//! `gamme-migrate`: applies pending migrations and exits 0; safe to run twice or from two
//! places at once. Compose runs it before any service starts.

use std::{process::ExitCode, thread, time::Duration};

use gamme_backoff::Backoff;
use gamme_service_kit::{config::CommonConfig, telemetry, Env};
use secrecy::ExposeSecret;

fn main() -> ExitCode {
    let env = Env::from_process();
    telemetry::init(&env);
    let config = match CommonConfig::from_env(&env, "migrate", 0) {
        Ok(c) => c,
        Err(err) => {
            tracing::error!(error = %err, "invalid configuration");
            return ExitCode::FAILURE;
        }
    };
    // The database may still be starting: retry for about a minute.
    let mut backoff = Backoff::exponential(Duration::from_millis(250), Duration::from_secs(8));
    for attempt in 1..=12 {
        match gamme_db::migrate::run_pending_at(config.database_url.expose_secret()) {
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
