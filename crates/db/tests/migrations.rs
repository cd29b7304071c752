//! The migrator against real Postgres.

#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed

use diesel::{sql_query, RunQueryDsl};
use gamme_db::testing::TestDb;

#[test]
fn migrating_twice_is_a_no_op() {
    let db = TestDb::new();
    // The template was migrated already: nothing is pending.
    assert!(gamme_db::migrate::run_pending_at(db.url()).unwrap().is_empty());
    assert!(gamme_db::migrate::run_pending_at(db.url()).unwrap().is_empty());
}

#[test]
fn two_migrators_at_once_both_succeed_on_an_empty_database() {
    let db = TestDb::new();
    let mut conn = db.connect();
    // Make the database empty again, then race two migrators on it.
    sql_query("DROP SCHEMA public CASCADE").execute(&mut conn).unwrap();
    sql_query("CREATE SCHEMA public").execute(&mut conn).unwrap();
    sql_query("DROP TABLE IF EXISTS __diesel_schema_migrations").execute(&mut conn).unwrap();
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let url = db.url().to_owned();
            std::thread::spawn(move || gamme_db::migrate::run_pending_at(&url).map_err(|e| e.to_string()))
        })
        .collect();
    let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let applied: usize = results.iter().map(|r| r.as_ref().unwrap().len()).sum();
    let on_disk = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../migrations")).unwrap().count();
    assert_eq!(applied, on_disk, "each migration is applied exactly once");
}
