//! Each service's Postgres role can do what its service needs and nothing that would turn a bug
//! in one service into another's data: no credentials outside auth, no writes to another owner's
//! tables, no disabled triggers, no server programs, an audit log that only grows.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap has failed

use diesel::{sql_query, sql_types::Text, PgConnection, QueryableByName, RunQueryDsl};
use gamme_db::{roles::ServiceRole, testing::TestDb};

/// The owner of each table (docs/architecture.md, "Who owns what"); `None`: shared by all.
fn owner(table: &str) -> Option<ServiceRole> {
    use ServiceRole::*;
    Some(match table {
        "outbox" => return None,
        "users" | "refresh_tokens" | "signing_keys" | "login_throttle" => Auth,
        "assets" | "procedures" | "procedure_assets" | "revisions" | "reviews" | "sections" | "steps"
        | "step_attachments" | "revision_search" | "runs" | "run_step_results" | "audit_events" | "audit_seals"
        | "signatures" => Procedures,
        "files" | "file_texts" => Files,
        "ai_jobs" => Ai,
        "teams"
        | "team_members"
        | "asset_teams"
        | "site_settings"
        | "procedure_settings"
        | "meters"
        | "meter_readings"
        | "meter_sources"
        | "plans"
        | "work_orders"
        | "work_order_comments"
        | "work_order_history"
        | "work_order_signals"
        | "notifications"
        | "notification_preferences"
        | "notification_languages"
        | "notification_emails"
        | "webhook_endpoints"
        | "webhook_deliveries" => Work,
        other => panic!("table {other} has no owner here: add it, and its migration's grants"),
    })
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

fn tables(conn: &mut PgConnection) -> Vec<String> {
    sql_query(
        "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' \
         AND tablename <> '__diesel_schema_migrations' ORDER BY 1",
    )
    .load::<Name>(conn)
    .unwrap()
    .into_iter()
    .map(|n| n.name)
    .collect()
}

/// The error of `sql`, which must fail.
fn refused(conn: &mut PgConnection, role: ServiceRole, sql: &str) -> String {
    match sql_query(sql).execute(conn) {
        Ok(_) => panic!("{} may run `{sql}`", role.name()),
        Err(e) => e.to_string(),
    }
}

fn allowed(conn: &mut PgConnection, role: ServiceRole, sql: &str) {
    if let Err(e) = sql_query(sql).execute(conn) {
        panic!("{} may not run `{sql}`: {e}", role.name());
    }
}

#[test]
fn every_table_is_granted_to_its_owners_role() {
    let db = TestDb::new();
    let mut admin = db.connect();
    #[derive(QueryableByName)]
    struct Granted {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        granted: bool,
    }
    for table in tables(&mut admin) {
        let roles = owner(&table).map_or(ServiceRole::ALL.to_vec(), |r| vec![r]);
        for role in roles {
            let g: Granted = sql_query("SELECT has_table_privilege($1, $2, 'INSERT') AS granted")
                .bind::<Text, _>(role.name())
                .bind::<Text, _>(&table)
                .get_result(&mut admin)
                .unwrap();
            assert!(g.granted, "{} cannot write its table {table}: the migration must grant it", role.name());
        }
    }
}

#[test]
fn roles_are_plain_logins() {
    let db = TestDb::new();
    let mut admin = db.connect();
    for role in ServiceRole::ALL {
        let found: Vec<Name> = sql_query(
            "SELECT rolname::text AS name FROM pg_roles WHERE rolname = $1 AND rolcanlogin \
             AND NOT (rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls)",
        )
        .bind::<Text, _>(role.name())
        .load(&mut admin)
        .unwrap();
        assert_eq!(found.len(), 1, "{} is not a plain login role", role.name());
        let memberships: Vec<Name> = sql_query(
            "SELECT g.rolname::text AS name FROM pg_auth_members m \
             JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = $1",
        )
        .bind::<Text, _>(role.name())
        .load(&mut admin)
        .unwrap();
        let groups: Vec<String> = memberships.into_iter().map(|n| n.name).collect();
        assert!(groups.is_empty(), "{} is a member of {groups:?}", role.name());
    }
}

#[test]
fn only_auth_reads_signing_keys_and_password_hashes() {
    let db = TestDb::new();
    for role in ServiceRole::ALL {
        let mut conn = db.connect_as(role);
        if role == ServiceRole::Auth {
            allowed(&mut conn, role, "SELECT kid FROM signing_keys");
            allowed(&mut conn, role, "SELECT password_hash FROM users");
            continue;
        }
        for sql in ["SELECT * FROM signing_keys", "SELECT password_hash FROM users", "SELECT * FROM users"] {
            let error = refused(&mut conn, role, sql);
            assert!(error.contains("permission denied"), "{}: `{sql}`: {error}", role.name());
        }
        // What the read model shows of a person stays readable.
        allowed(&mut conn, role, "SELECT id, email, display_name, role, is_active, tokens_valid_after FROM users");
    }
}

#[test]
fn no_role_writes_another_services_table() {
    let db = TestDb::new();
    let mut admin = db.connect();
    let all: Vec<(String, String)> = tables(&mut admin)
        .into_iter()
        .map(|t| {
            let c = plain_column(&mut admin, &t);
            (t, c)
        })
        .collect();
    for role in ServiceRole::ALL {
        let mut conn = db.connect_as(role);
        for (table, column) in &all {
            match owner(table) {
                None => allowed(&mut conn, role, &format!("DELETE FROM {table} WHERE false")),
                Some(o) if o == role && !append_only(table) => {
                    allowed(&mut conn, role, &format!("UPDATE {table} SET {column} = {column} WHERE false"));
                    allowed(&mut conn, role, &format!("DELETE FROM {table} WHERE false"));
                }
                Some(o) if o == role => {}
                Some(_) => {
                    for sql in [
                        format!("INSERT INTO {table} DEFAULT VALUES"),
                        format!("UPDATE {table} SET {column} = {column} WHERE false"),
                        format!("DELETE FROM {table} WHERE false"),
                        format!("TRUNCATE {table}"),
                    ] {
                        let error = refused(&mut conn, role, &sql);
                        assert!(error.contains("permission denied"), "{}: `{sql}`: {error}", role.name());
                    }
                }
            }
        }
    }
}

/// Tables no role may change or empty, whose own triggers refuse it too: the audit log and
/// the signatures.
fn append_only(table: &str) -> bool {
    table.starts_with("audit_") || table == "signatures"
}

/// A column of the table an UPDATE may set (not generated, not an identity), for an UPDATE
/// that changes nothing.
fn plain_column(admin: &mut PgConnection, table: &str) -> String {
    let found: Name = sql_query(
        "SELECT column_name::text AS name FROM information_schema.columns WHERE table_schema = 'public' \
         AND table_name = $1 AND is_generated = 'NEVER' AND is_identity = 'NO' ORDER BY ordinal_position LIMIT 1",
    )
    .bind::<Text, _>(table)
    .get_result(admin)
    .unwrap_or_else(|e| panic!("{table} has no plain column: {e}"));
    found.name
}

#[test]
fn the_audit_log_and_the_signatures_are_append_only_for_every_role() {
    let db = TestDb::new();
    for role in ServiceRole::ALL {
        let mut conn = db.connect_as(role);
        for sql in [
            "UPDATE audit_events SET action = action WHERE false",
            "DELETE FROM audit_events WHERE false",
            "TRUNCATE audit_events",
            "UPDATE audit_seals SET mac = mac WHERE false",
            "DELETE FROM audit_seals WHERE false",
            "TRUNCATE audit_seals",
            "UPDATE signatures SET signer_name = signer_name WHERE false",
            "DELETE FROM signatures WHERE false",
            "TRUNCATE signatures",
        ] {
            let error = refused(&mut conn, role, sql);
            assert!(error.contains("permission denied"), "{}: `{sql}`: {error}", role.name());
        }
    }
    allowed(&mut db.connect_as(ServiceRole::Procedures), ServiceRole::Procedures, "SELECT seq FROM audit_events");
    allowed(&mut db.connect_as(ServiceRole::Procedures), ServiceRole::Procedures, "SELECT seq FROM audit_seals");
    allowed(&mut db.connect_as(ServiceRole::Procedures), ServiceRole::Procedures, "SELECT id FROM signatures");
}

#[test]
fn no_role_disables_a_trigger_alters_a_table_or_runs_a_server_program() {
    let db = TestDb::new();
    for role in ServiceRole::ALL {
        let mut conn = db.connect_as(role);
        let own = match role {
            ServiceRole::Auth => "users",
            ServiceRole::Procedures => "runs",
            ServiceRole::Files => "files",
            ServiceRole::Ai => "ai_jobs",
            ServiceRole::Work => "work_orders",
        };
        for sql in [
            "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only".to_owned(),
            "ALTER TABLE audit_seals DISABLE TRIGGER audit_seals_no_truncate".to_owned(),
            "ALTER TABLE signatures DISABLE TRIGGER signatures_append_only".to_owned(),
            format!("ALTER TABLE {own} DISABLE TRIGGER ALL"),
            format!("ALTER TABLE {own} ADD COLUMN extra TEXT"),
        ] {
            let error = refused(&mut conn, role, &sql);
            assert!(
                error.contains("must be owner") || error.contains("permission denied"),
                "{}: `{sql}`: {error}",
                role.name()
            );
        }
        for sql in [
            "COPY (SELECT 1) TO PROGRAM 'id'",
            "COPY outbox FROM PROGRAM 'id'",
            "COPY (SELECT 1) TO '/tmp/gamme-roles-test'",
            "SELECT pg_read_file('/etc/passwd')",
            "CREATE TABLE gamme_roles_test (id int)",
            "SET session_replication_role = replica",
        ] {
            let error = refused(&mut conn, role, sql);
            assert!(
                error.contains("permission denied") || error.contains("must be"),
                "{}: `{sql}`: {error}",
                role.name()
            );
        }
    }
}
