//! The r2d2 pool and the one way to use it from async code: sync Diesel runs on the blocking
//! thread pool, never on an async worker thread.

use std::time::Duration;

use diesel::{
    pg::PgConnection,
    r2d2::{ConnectionManager, Pool, PoolError},
};
use secrecy::{ExposeSecret, SecretString};

pub type PgPool = Pool<ConnectionManager<PgConnection>>;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("no database connection available")]
    Unavailable(#[source] PoolError),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    #[error("database task failed: {0}")]
    Task(String),
}

impl DbError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, DbError::Query(diesel::result::Error::NotFound))
    }

    pub fn is_unique_violation(&self) -> bool {
        matches!(
            self,
            DbError::Query(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _))
        )
    }
}

/// A pool that does not fail when the database is down at start: `/readyz` reports it and
/// connections are made when it comes back.
pub fn build_pool(url: &SecretString, max_size: u32, connect_timeout: Duration) -> PgPool {
    let manager = ConnectionManager::<PgConnection>::new(url.expose_secret());
    Pool::builder()
        .max_size(max_size.max(1))
        .min_idle(Some(1))
        .connection_timeout(connect_timeout)
        .test_on_check_out(true)
        .build_unchecked(manager)
}

/// Runs `f` with a pooled connection on the blocking thread pool.
pub async fn run<T, E, F>(pool: &PgPool, f: F) -> Result<T, E>
where
    F: FnOnce(&mut PgConnection) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<DbError> + Send + 'static,
{
    let pool = pool.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().map_err(|e| E::from(DbError::Unavailable(e)))?;
        f(&mut conn)
    })
    .await
    .map_err(|e| E::from(DbError::Task(e.to_string())))?
}

/// `/readyz`: can we get a connection and run a query?
pub async fn ping(pool: &PgPool) -> Result<(), String> {
    use diesel::{sql_query, RunQueryDsl};
    run(pool, |conn| sql_query("SELECT 1").execute(conn).map(|_| ()).map_err(DbError::from))
        .await
        .map_err(|e: DbError| e.to_string())
}
