//! Every Postgres advisory lock Gamme takes, in one list, so no two uses share a key by
//! accident. The fixed keys are short ASCII words read as numbers (40 bits and more); the
//! per-user keys are `hashtext` values (32 bits), so the two kinds never meet.

use diesel::{pg::PgConnection, sql_query, sql_types::BigInt, QueryResult, QueryableByName, RunQueryDsl};

/// Applying the embedded migrations (a session lock): two migrators never run at once.
pub const MIGRATIONS: i64 = 0x67_61_6d_6d_65; // "gamme"
/// Building the test databases' template (a session lock): parallel test processes build it once.
pub const TEST_TEMPLATE: i64 = 0x67_61_6d_6d_65_74; // "gammet"
/// First-run setup (auth): only one admin is created from an empty users table.
pub const FIRST_RUN_SETUP: i64 = 0x67_61_6d_6d_65_73; // "gammes"
/// Role and activation changes (auth): the last active admin cannot be demoted or deactivated.
pub const ADMIN_CHANGES: i64 = 0x67_61_6d_6d_65_61; // "gammea"
/// Audit entries in flight (procedures): held shared by every writer of an entry until it
/// commits, and exclusively by the sealer for an instant, after which every entry numbered so
/// far has committed or rolled back and can be sealed in order.
pub const AUDIT_CHAIN: i64 = 0x67_61_75_64_69_74; // "gaudit"
/// Sealing the audit chain (procedures, tried): one replica appends seals at a time.
pub const AUDIT_SEALER: i64 = 0x6761_7564_6974_534c; // "gauditSL"
/// The files sweep (files, tried): one replica sweeps at a time.
pub const FILES_SWEEP: i64 = 0x6761_6d6d_6553_5750; // "gammeSWP"
/// Blobs on disk (files): held shared by an upload between keeping a blob and recording its
/// row, exclusively by the sweep and by deletions, so a blob is never removed while a new row
/// is about to point at it.
pub const FILES_BLOBS: i64 = 0x6761_6d6d_6542_4c42; // "gammeBLB"
/// The work scheduler's pass (work, tried): one replica at a time makes the orders plans are due
/// to make and announces due and overdue orders; the others skip that tick. The unique
/// `(plan_id, plan_occurrence)` key makes a second order for one occurrence impossible anyway.
pub const WORK_SCHEDULER: i64 = 0x6761_6d6d_6557_524b; // "gammeWRK"

/// Waits for `key` until the end of the transaction.
pub fn xact(conn: &mut PgConnection, key: i64) -> QueryResult<()> {
    sql_query("SELECT pg_advisory_xact_lock($1)").bind::<BigInt, _>(key).execute(conn).map(drop)
}

/// Waits for `key` in shared mode until the end of the transaction.
pub fn xact_shared(conn: &mut PgConnection, key: i64) -> QueryResult<()> {
    sql_query("SELECT pg_advisory_xact_lock_shared($1)").bind::<BigInt, _>(key).execute(conn).map(drop)
}

#[derive(QueryableByName)]
struct Taken {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    taken: bool,
}

/// Takes `key` until the end of the transaction if it is free; `false` when another holds it.
pub fn try_xact(conn: &mut PgConnection, key: i64) -> QueryResult<bool> {
    let got: Taken =
        sql_query("SELECT pg_try_advisory_xact_lock($1) AS taken").bind::<BigInt, _>(key).get_result(conn)?;
    Ok(got.taken)
}

/// Waits for `key` until [`unlock`] (or the connection closes): for work that spans transactions.
pub fn session(conn: &mut PgConnection, key: i64) -> QueryResult<()> {
    sql_query("SELECT pg_advisory_lock($1)").bind::<BigInt, _>(key).execute(conn).map(drop)
}

pub fn unlock(conn: &mut PgConnection, key: i64) -> QueryResult<()> {
    sql_query("SELECT pg_advisory_unlock($1)").bind::<BigInt, _>(key).execute(conn).map(drop)
}

/// One user's AI jobs (ai-worker): they are counted against the per-user limit one request at
/// a time. The key is `hashtext` of the user's id.
pub fn xact_ai_jobs_of(conn: &mut PgConnection, user_id: uuid::Uuid) -> QueryResult<()> {
    sql_query("SELECT pg_advisory_xact_lock(hashtext($1::text))")
        .bind::<diesel::sql_types::Text, _>(user_id.to_string())
        .execute(conn)
        .map(drop)
}

/// One sign-in or password-change counter (auth): attempts on it are counted one at a time.
/// The key is `hashtext` of the counter's key.
pub fn xact_throttle(conn: &mut PgConnection, counter: &str) -> QueryResult<()> {
    sql_query("SELECT pg_advisory_xact_lock(hashtext('throttle ' || $1))")
        .bind::<diesel::sql_types::Text, _>(counter)
        .execute(conn)
        .map(drop)
}
