//! Sign-in attempts, counted in Postgres (so every auth replica and restart agrees) per
//! account *and client address* pair and per client address, and password-change attempts per
//! account. An attempt is counted before its password is checked, in one statement that also
//! says whether it may go on: parallel guesses queue on the counter's row, so no more than the
//! limit are ever checked. Past the limit, attempts are refused with 429 for a time that
//! doubles with each further attempt, up to 15 minutes. Counting the account with the address
//! means someone guessing a colleague's password from one machine locks out only that machine,
//! not the colleague, and not the whole site.

use diesel::{
    prelude::*,
    sql_query,
    sql_types::{Integer, Nullable, Text, Timestamptz},
};
use uuid::Uuid;

const WINDOW: &str = "15 minutes";
const MAX_LOCK_SECS: i64 = 15 * 60;

/// How many attempts in the window block an (account, address) pair, and a client address.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub per_account: i32,
    pub per_address: i32,
}

/// The counter's verdict on one attempt.
#[derive(QueryableByName)]
struct Counted {
    #[diesel(sql_type = Integer)]
    attempts: i32,
    /// The lock in force before this attempt, if any.
    #[diesel(sql_type = Nullable<Timestamptz>)]
    locked_until: Option<chrono::DateTime<chrono::Utc>>,
    /// The lock after this attempt (this one may have set it).
    #[diesel(sql_type = Nullable<Timestamptz>)]
    blocked_until: Option<chrono::DateTime<chrono::Utc>>,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    now_epoch: i64,
}

/// Counts one attempt against `key` and says whether it may be checked: `Err(seconds)` when
/// the key is locked (the attempt is then not counted) or when this attempt is past the limit.
/// Row-locked by the upsert until the caller's transaction ends.
fn count(conn: &mut PgConnection, key: &str, limit: i32) -> QueryResult<Result<(), u64>> {
    // Attempts on one key queue here, before the statement below takes its snapshot: each then
    // reads the row as the attempt before it left it. (A row lock alone does not do it for the
    // first attempts, when there is no row yet to lock: one that waited on the insert would
    // read no lock in force and be checked past the limit.)
    gamme_db::locks::xact_throttle(conn, key)?;
    // `prior` locks and reads the row before the upsert changes it (the upsert reads from it,
    // so it runs first).
    let row: Counted = sql_query(format!(
        "WITH prior AS (SELECT blocked_until FROM login_throttle WHERE scope_key = $1 FOR UPDATE), \
         counted AS ( \
           INSERT INTO login_throttle AS t (scope_key, failures, window_started_at, blocked_until) \
           SELECT $1, 1, now(), CASE WHEN 1 >= $2 THEN now() + interval '60 seconds' END \
           FROM (SELECT 1) AS one LEFT JOIN prior ON TRUE \
           ON CONFLICT (scope_key) DO UPDATE SET \
             failures = CASE WHEN t.blocked_until > now() THEN t.failures \
                             WHEN t.window_started_at < now() - interval '{WINDOW}' THEN 1 \
                             ELSE t.failures + 1 END, \
             window_started_at = CASE WHEN t.blocked_until > now() THEN t.window_started_at \
                             WHEN t.window_started_at < now() - interval '{WINDOW}' THEN now() \
                             ELSE t.window_started_at END, \
             blocked_until = CASE WHEN t.blocked_until > now() THEN t.blocked_until \
                             WHEN t.window_started_at < now() - interval '{WINDOW}' THEN \
                               CASE WHEN 1 >= $2 THEN now() + interval '60 seconds' END \
                             WHEN t.failures + 1 >= $2 THEN now() + make_interval(secs => \
                               LEAST({MAX_LOCK_SECS}, 60 * power(2, LEAST(t.failures + 1 - $2, 10)))) \
                             ELSE t.blocked_until END \
           RETURNING failures, blocked_until) \
         SELECT counted.failures AS attempts, (SELECT blocked_until FROM prior) AS locked_until, \
                counted.blocked_until, EXTRACT(EPOCH FROM now())::BIGINT AS now_epoch \
         FROM counted"
    ))
    .bind::<Text, _>(key)
    .bind::<Integer, _>(limit)
    .get_result(conn)?;
    let now = row.now_epoch;
    let wait = |until: chrono::DateTime<chrono::Utc>| u64::try_from(until.timestamp() - now).unwrap_or(1).max(1);
    match row.locked_until {
        // Locked before this attempt: refused, not counted.
        Some(until) if until.timestamp() > now => Ok(Err(wait(until))),
        // A lock served: one more attempt is checked (and has doubled the next lock).
        Some(_) => Ok(Ok(())),
        None if row.attempts > limit => Ok(Err(row.blocked_until.map_or(60, wait))),
        None => Ok(Ok(())),
    }
}

fn clear(conn: &mut PgConnection, key: &str) -> QueryResult<()> {
    diesel::delete(gamme_db::schema::login_throttle::table.find(key)).execute(conn).map(|_| ())
}

/// A sign-in attempt, counted against the (account, address) pair and the address.
#[derive(Debug, Clone)]
pub struct Attempt {
    pair: String,
    address: String,
}

impl Attempt {
    pub fn new(email: &str, address: &str) -> Self {
        Self { pair: format!("account:{email}|address:{address}"), address: format!("address:{address}") }
    }

    /// Counts the attempt; `Err(seconds)` when it must not be checked. Call in a transaction.
    pub fn count(&self, conn: &mut PgConnection, limits: Limits) -> QueryResult<Result<(), u64>> {
        let pair = count(conn, &self.pair, limits.per_account)?;
        let address = count(conn, &self.address, limits.per_address)?;
        Ok(match (pair, address) {
            (Ok(()), Ok(())) => Ok(()),
            (Err(a), Err(b)) => Err(a.max(b)),
            (Err(secs), _) | (_, Err(secs)) => Err(secs),
        })
    }

    /// A successful sign-in clears the pair's count, and takes itself back from the address's
    /// (with the lock it may have set): an office behind one address signs in all day.
    pub fn succeeded(&self, conn: &mut PgConnection, limits: Limits) -> QueryResult<()> {
        clear(conn, &self.pair)?;
        sql_query(
            "UPDATE login_throttle SET failures = GREATEST(failures - 1, 0), \
               blocked_until = CASE WHEN failures - 1 < $2 THEN NULL ELSE blocked_until END \
             WHERE scope_key = $1",
        )
        .bind::<Text, _>(&self.address)
        .bind::<Integer, _>(limits.per_address)
        .execute(conn)
        .map(|_| ())
    }
}

/// The signed-in user proving their password, to change it or to re-authenticate before a
/// signature: one count against their account for both (whatever the address: they are signed
/// in, the account is known), so a stolen session cannot guess twice as fast.
#[derive(Debug, Clone)]
pub struct PasswordChange {
    key: String,
}

impl PasswordChange {
    pub fn new(user_id: Uuid) -> Self {
        Self { key: format!("password-change:{user_id}") }
    }

    /// Counts the attempt; `Err(seconds)` when it must not be checked. Call in a transaction.
    pub fn count(&self, conn: &mut PgConnection, limit: i32) -> QueryResult<Result<(), u64>> {
        count(conn, &self.key, limit)
    }

    pub fn succeeded(&self, conn: &mut PgConnection) -> QueryResult<()> {
        clear(conn, &self.key)
    }
}
