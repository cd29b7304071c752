//! Test databases: the migrations are applied once to a template database (named after a hash
//! of the migrations, so a changed migration makes a new template), and each test gets its own
//! copy, dropped when the test ends. Tests therefore run in parallel, in separate processes.

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use diesel::{pg::PgConnection, sql_query, Connection, RunQueryDsl};
use secrecy::SecretString;
use sha2::{Digest, Sha256};

use crate::{
    locks,
    pool::{build_pool, PgPool},
};

pub struct TestDb {
    name: String,
    url: String,
    admin_url: String,
}

/// `GAMME_TEST_DATABASE_URL`, a URL to a database the tests may create databases from.
///
/// Without an `sslmode` of its own the URL gets `sslmode=disable`: the test server is local, and
/// libpq's TLS state is torn down by OpenSSL's exit handler while a test's server threads may still
/// be closing pooled connections, which aborts the test process ("double free or corruption")
/// after the test has passed.
pub fn admin_url() -> String {
    let url = std::env::var("GAMME_TEST_DATABASE_URL")
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    without_tls_unless_asked(url)
}

fn without_tls_unless_asked(url: String) -> String {
    if url.contains("sslmode=") {
        url
    } else if url.contains('?') {
        format!("{url}&sslmode=disable")
    } else {
        format!("{url}?sslmode=disable")
    }
}

/// `base` with its database name replaced by `db`.
pub fn with_database(base: &str, db: &str) -> String {
    let (head, query) = match base.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (base, None),
    };
    let scheme_end = head.find("://").map_or(0, |i| i + 3);
    let path_start = head[scheme_end..].find('/').map_or(head.len(), |i| scheme_end + i);
    let mut url = format!("{}/{}", &head[..path_start], db);
    if let Some(q) = query {
        url.push('?');
        url.push_str(q);
    }
    url
}

/// `base` with its user (and password) replaced by `user`.
pub fn with_user(base: &str, user: &str) -> String {
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let rest = &base[scheme_end..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let host = match rest[..authority_end].rfind('@') {
        Some(at) => &rest[at + 1..],
        None => rest,
    };
    format!("{}{user}@{host}", &base[..scheme_end])
}

fn migrations_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations")
}

fn migrations_hash() -> String {
    let mut files = Vec::new();
    let mut stack = vec![migrations_dir()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("migrations directory is readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut hasher = Sha256::new();
    for f in files {
        hasher.update(f.strip_prefix(migrations_dir()).unwrap_or(&f).to_string_lossy().as_bytes());
        hasher.update(std::fs::read(&f).expect("migration file is readable"));
    }
    hex::encode(&hasher.finalize()[..6])
}

fn ensure_template(admin: &mut PgConnection, admin_url: &str) -> String {
    let template = format!("gamme_tpl_{}", migrations_hash());
    locks::session(admin, locks::TEST_TEMPLATE).expect("advisory lock");
    let exists = database_exists(admin, &template);
    if !exists {
        let building = format!("{template}_building");
        sql_query(format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)")).execute(admin).expect("drop");
        sql_query(format!("CREATE DATABASE {building}")).execute(admin).expect("create template");
        crate::migrate::run_pending_at(&with_database(admin_url, &building)).expect("migrate the template");
        sql_query(format!("ALTER DATABASE {building} RENAME TO {template}")).execute(admin).expect("rename");
    }
    locks::unlock(admin, locks::TEST_TEMPLATE).expect("advisory unlock");
    template
}

fn database_exists(conn: &mut PgConnection, name: &str) -> bool {
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let row: Count = sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
        .bind::<diesel::sql_types::Text, _>(name)
        .get_result(conn)
        .expect("query pg_database");
    row.n > 0
}

impl TestDb {
    /// A new, migrated database of its own.
    pub fn new() -> Self {
        let admin_url = admin_url();
        let mut admin = PgConnection::establish(&admin_url)
            .unwrap_or_else(|e| panic!("cannot reach the test Postgres (GAMME_TEST_DATABASE_URL): {e}"));
        let template = ensure_template(&mut admin, &admin_url);
        let name = format!("gamme_test_{}", uuid::Uuid::new_v4().simple());
        // Copying a template fails while another copy of it starts: retry briefly.
        let mut backoff = gamme_backoff::Backoff::exponential(Duration::from_millis(100), Duration::from_secs(2));
        let mut attempt = 0;
        loop {
            match sql_query(format!("CREATE DATABASE {name} TEMPLATE {template}")).execute(&mut admin) {
                Ok(_) => break,
                Err(e) if attempt < 20 => {
                    attempt += 1;
                    tracing::debug!(error = %e, "template busy, retrying");
                    std::thread::sleep(backoff.next_delay());
                }
                Err(e) => panic!("cannot create test database: {e}"),
            }
        }
        let url = with_database(&admin_url, &name);
        Self { name, url, admin_url }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The URL of this database for a service's role: the same server, the user swapped (the
    /// test server trusts local connections), so a service under test has only its grants.
    pub fn url_as(&self, role: crate::roles::ServiceRole) -> String {
        with_user(&self.url, role.name())
    }

    /// A connection as a service's role.
    pub fn connect_as(&self, role: crate::roles::ServiceRole) -> PgConnection {
        PgConnection::establish(&self.url_as(role)).expect("connect to the test database as a service role")
    }

    pub fn secret_url(&self) -> SecretString {
        SecretString::from(self.url.clone())
    }

    pub fn pool(&self, size: u32) -> PgPool {
        build_pool(&self.secret_url(), size, Duration::from_secs(10))
    }

    pub fn connect(&self) -> PgConnection {
        PgConnection::establish(&self.url).expect("connect to the test database")
    }
}

impl Default for TestDb {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut admin) = PgConnection::establish(&self.admin_url) {
            let _ = sql_query(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)).execute(&mut admin);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{with_database, with_user, without_tls_unless_asked};

    #[test]
    fn user_is_replaced_and_the_rest_kept() {
        assert_eq!(
            with_user("postgres://postgres@h:5432/db?sslmode=disable", "gamme_files"),
            "postgres://gamme_files@h:5432/db?sslmode=disable"
        );
        assert_eq!(with_user("postgres://u:secret@h/db", "gamme_ai"), "postgres://gamme_ai@h/db");
        assert_eq!(with_user("postgres://h/db", "gamme_work"), "postgres://gamme_work@h/db");
    }

    #[test]
    fn database_name_is_replaced_and_query_kept() {
        assert_eq!(with_database("postgres://u:p@h:5432/postgres", "x"), "postgres://u:p@h:5432/x");
        assert_eq!(with_database("postgres://h/a?sslmode=disable", "b"), "postgres://h/b?sslmode=disable");
        assert_eq!(with_database("postgres://h", "b"), "postgres://h/b");
    }

    #[test]
    fn tls_is_off_unless_the_url_asks_for_it() {
        assert_eq!(without_tls_unless_asked("postgres://h/a".into()), "postgres://h/a?sslmode=disable");
        assert_eq!(without_tls_unless_asked("postgres://h/a?x=1".into()), "postgres://h/a?x=1&sslmode=disable");
        assert_eq!(without_tls_unless_asked("postgres://h/a?sslmode=require".into()), "postgres://h/a?sslmode=require");
    }
}
