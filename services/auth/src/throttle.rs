//! Failed sign-ins, counted per account and per client address in Postgres (so every auth
//! replica and restart agrees). Past the limit, sign-in is refused with 429 for a time that
//! doubles with each further failure, up to 15 minutes.

use diesel::{
    prelude::*,
    sql_query,
    sql_types::{Array, Integer, Text},
};

const WINDOW: &str = "15 minutes";
const MAX_LOCK_SECS: i64 = 15 * 60;

#[derive(QueryableByName)]
struct Seconds {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::BigInt>)]
    secs: Option<i64>,
}

/// How many failed sign-ins in the window block an account, and a client address.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub per_account: i32,
    pub per_address: i32,
}

/// A sign-in attempt, counted against the account it names and the address it comes from.
#[derive(Debug, Clone)]
pub struct Attempt {
    account: String,
    address: String,
}

impl Attempt {
    pub fn new(email: &str, address: &str) -> Self {
        Self { account: format!("account:{email}"), address: format!("address:{address}") }
    }

    /// Seconds until this attempt may be made, if it is blocked now.
    pub fn blocked_for(&self, conn: &mut PgConnection) -> QueryResult<Option<u64>> {
        blocked_for(conn, &[self.account.clone(), self.address.clone()])
    }

    pub fn failed(&self, conn: &mut PgConnection, limits: Limits) -> QueryResult<()> {
        record_failure(conn, &self.account, limits.per_account)?;
        record_failure(conn, &self.address, limits.per_address)
    }

    /// A successful sign-in clears the account's failures (not the address's).
    pub fn succeeded(&self, conn: &mut PgConnection) -> QueryResult<()> {
        clear(conn, &self.account)
    }
}

/// Seconds until sign-in is allowed again for any of `keys`, if it is blocked now.
fn blocked_for(conn: &mut PgConnection, keys: &[String]) -> QueryResult<Option<u64>> {
    let row: Seconds = sql_query(
        "SELECT CEIL(EXTRACT(EPOCH FROM max(blocked_until) - now()))::BIGINT AS secs \
         FROM login_throttle WHERE scope_key = ANY($1) AND blocked_until > now()",
    )
    .bind::<Array<Text>, _>(keys)
    .get_result(conn)?;
    Ok(row.secs.and_then(|s| u64::try_from(s).ok()).filter(|s| *s > 0))
}

/// Counts a failure for `key`; once `limit` failures fall in the window, blocks it.
fn record_failure(conn: &mut PgConnection, key: &str, limit: i32) -> QueryResult<()> {
    sql_query(format!(
        "INSERT INTO login_throttle (scope_key, failures, window_started_at) VALUES ($1, 1, now()) \
         ON CONFLICT (scope_key) DO UPDATE SET \
           failures = CASE WHEN login_throttle.window_started_at < now() - interval '{WINDOW}' \
                           AND (login_throttle.blocked_until IS NULL OR login_throttle.blocked_until < now()) \
                      THEN 1 ELSE login_throttle.failures + 1 END, \
           window_started_at = CASE WHEN login_throttle.window_started_at < now() - interval '{WINDOW}' \
                           AND (login_throttle.blocked_until IS NULL OR login_throttle.blocked_until < now()) \
                      THEN now() ELSE login_throttle.window_started_at END"
    ))
    .bind::<Text, _>(key)
    .execute(conn)?;
    // 60 s at the limit, doubling with each failure past it.
    sql_query(format!(
        "UPDATE login_throttle SET blocked_until = now() + make_interval(secs => \
           LEAST({MAX_LOCK_SECS}, 60 * power(2, LEAST(failures - $2, 10)))) \
         WHERE scope_key = $1 AND failures >= $2"
    ))
    .bind::<Text, _>(key)
    .bind::<Integer, _>(limit)
    .execute(conn)?;
    Ok(())
}

fn clear(conn: &mut PgConnection, key: &str) -> QueryResult<()> {
    diesel::delete(gamme_db::schema::login_throttle::table.find(key)).execute(conn).map(|_| ())
}
