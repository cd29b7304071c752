//! The access matrix (tests/e2e/access-matrix.csv): every operation of every OpenAPI document,
//! called by six callers (no token, a deactivated user's token, viewer, technician, editor,
//! admin) through nginx, and the status class each gets. The fixtures (a published procedure, a
//! draft with a photo, runs, AI jobs, a team, a plan, orders…) are made through the API first;
//! writes get fresh fixtures per caller, so no row depends on another. Every mismatch is
//! printed, then the test fails.
//!
//! Every run makes its own users, codes and assets, so reruns on the same stack pass.

#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed

use std::{
    collections::{BTreeSet, HashMap},
    path::PathBuf,
    sync::{
        atomic::{AtomicU32, Ordering},
        Mutex,
    },
    time::Duration,
};

use gamme_e2e::{admin, base_url, client, send_patiently, upload, Session};
use reqwest::{header, Method, StatusCode};
use serde_json::{json, Value};

const SERVICES: [&str; 5] = ["auth", "procedures", "files", "ai", "work"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Caller {
    Anonymous,
    Deactivated,
    Viewer,
    Technician,
    Editor,
    Admin,
}

const CALLERS: [Caller; 6] =
    [Caller::Anonymous, Caller::Deactivated, Caller::Viewer, Caller::Technician, Caller::Editor, Caller::Admin];

impl Caller {
    fn name(self) -> &'static str {
        match self {
            Caller::Anonymous => "anonymous",
            Caller::Deactivated => "deactivated",
            Caller::Viewer => "viewer",
            Caller::Technician => "technician",
            Caller::Editor => "editor",
            Caller::Admin => "admin",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The table and the OpenAPI documents

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[derive(Debug, Clone)]
struct Row {
    line: usize,
    service: String,
    operation: String,
    method: String,
    path: String,
    case: String,
    expected: Vec<String>,
    comment: String,
}

impl Row {
    fn name(&self) -> String {
        let case = if self.case == "-" { String::new() } else { format!(" [{}]", self.case) };
        format!("{} {} {} {}{case}", self.service, self.operation, self.method, self.path)
    }
}

fn table() -> Vec<Row> {
    let path = repo().join("tests/e2e/access-matrix.csv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut rows = Vec::new();
    let mut header_seen = false;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cells: Vec<&str> = line.splitn(12, ',').map(str::trim).collect();
        assert_eq!(cells.len(), 12, "access-matrix.csv line {}: 12 columns, got {}", i + 1, cells.len());
        if !header_seen {
            assert_eq!(cells[0], "service", "access-matrix.csv: the first line that is not a comment is the header");
            let callers: Vec<&str> = CALLERS.iter().map(|c| c.name()).collect();
            assert_eq!(&cells[5..11], callers.as_slice(), "access-matrix.csv: caller columns");
            header_seen = true;
            continue;
        }
        let expected: Vec<String> = cells[5..11].iter().map(|c| (*c).to_owned()).collect();
        for cell in &expected {
            assert!(
                matches!(cell.as_str(), "2xx" | "4xx") || (cell.len() == 3 && cell.parse::<u16>().is_ok()),
                "access-matrix.csv line {}: `{cell}` is neither 2xx, 4xx nor a status",
                i + 1
            );
        }
        rows.push(Row {
            line: i + 1,
            service: cells[0].to_owned(),
            operation: cells[1].to_owned(),
            method: cells[2].to_owned(),
            path: cells[3].to_owned(),
            case: cells[4].to_owned(),
            expected,
            comment: cells[11].to_owned(),
        });
    }
    rows
}

/// (service, operationId, METHOD, path) of every operation the documents describe.
fn operations() -> BTreeSet<(String, String, String, String)> {
    let mut all = BTreeSet::new();
    for service in SERVICES {
        let path = repo().join(format!("docs/openapi/{service}.json"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let doc: Value = serde_json::from_str(&text).unwrap();
        for (route, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                if !["get", "put", "post", "delete", "patch", "head", "options"].contains(&method.as_str()) {
                    continue;
                }
                let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{service}: {method} {route} has no id"));
                all.insert((service.to_owned(), id.to_owned(), method.to_uppercase(), route.clone()));
            }
        }
    }
    all
}

/// Operations without a row, rows of no operation, and rows named twice.
fn coverage_problems(rows: &[Row]) -> Vec<String> {
    let documented = operations();
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for row in rows {
        let key = (row.service.clone(), row.operation.clone(), row.method.clone(), row.path.clone());
        if !documented.contains(&key) {
            problems.push(format!(
                "access-matrix.csv line {}: {} is no operation of docs/openapi/{}.json",
                row.line,
                row.name(),
                row.service
            ));
        }
        if !seen.insert((key, row.case.clone())) {
            problems.push(format!("access-matrix.csv line {}: {} is there twice", row.line, row.name()));
        }
    }
    for (service, id, method, path) in &documented {
        if !rows.iter().any(|r| {
            &r.service == service && &r.operation == id && &r.method == method && &r.path == path && r.case == "-"
        }) {
            problems.push(format!(
                "{service} {id} {method} {path} (docs/openapi/{service}.json) has no row (case `-`) in access-matrix.csv"
            ));
        }
    }
    problems
}

#[test]
fn the_access_matrix_names_every_operation_of_every_openapi_document() {
    let problems = coverage_problems(&table());
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Talking to the stack

fn unique(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!("{prefix}-{}-{}-{}", nanos % 1_000_000_000_000, std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// A 1×1 PNG with a text chunk of its own, so no two uploads are the same file.
fn png() -> Vec<u8> {
    const HEAD: &[u8] = &[
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
        0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00,
        0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x64, 0x60, 0xf8, 0x5f, 0x0f, 0x00, 0x02, 0x87, 0x01, 0x80,
        0xeb, 0x47, 0xba, 0x92,
    ];
    const END: &[u8] = &[0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];
    let mut chunk = b"tEXt".to_vec();
    chunk.extend_from_slice(b"Comment\0");
    chunk.extend_from_slice(unique("matrix").as_bytes());
    let mut out = HEAD.to_vec();
    out.extend_from_slice(&u32::try_from(chunk.len() - 4).unwrap().to_be_bytes());
    out.extend_from_slice(&chunk);
    out.extend_from_slice(&crc32(&chunk).to_be_bytes());
    out.extend_from_slice(END);
    out
}

/// nginx limits these: the answer is waited for while it says 429.
fn rate_limited(path: &str) -> bool {
    path == "/api/auth/login" || path == "/api/auth/setup"
}

async fn send(
    token: Option<&str>,
    cookie: Option<&str>,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> (StatusCode, Value) {
    let request = || {
        let mut req = client().request(method.clone(), format!("{}{path}", base_url()));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(cookie) = cookie.filter(|c| !c.is_empty()) {
            req = req.header(header::COOKIE, cookie);
        }
        if let Some(body) = body {
            req = req.json(body);
        }
        req
    };
    let res = if rate_limited(path.split('?').next().unwrap_or_default()) {
        send_patiently(request).await
    } else {
        request().send().await.unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    };
    let status = res.status();
    let cookie = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("gamme_refresh="))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned);
    let text = res.text().await.unwrap();
    let mut value =
        if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
    // A new refresh cookie travels with the body, for the callers whose session it renews.
    if let (Some(cookie), Some(object)) = (cookie, value.as_object_mut()) {
        object.insert("__refresh_cookie".into(), json!(cookie));
    }
    (status, value)
}

/// A fixture step: the call must answer `expected`.
async fn ok(s: &Session, method: Method, path: &str, body: Option<&Value>, expected: StatusCode) -> Value {
    let (status, value) = send(Some(&s.access_token), None, method.clone(), path, body).await;
    assert_eq!(status, expected, "fixture: {method} {path}: {value}");
    value
}

fn id_of(value: &Value) -> String {
    value["id"].as_str().unwrap_or_else(|| panic!("no id in {value}")).to_owned()
}

/// Polls `path` (up to 60 s) until `done` holds for its answer; answers it.
async fn until(s: &Session, path: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let value = ok(s, Method::GET, path, None, StatusCode::OK).await;
        if done(&value) || std::time::Instant::now() > deadline {
            return value;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

// ---------------------------------------------------------------------------------------------
// People and fixtures

struct Person {
    email: String,
    password: String,
    session: Session,
}

impl Person {
    fn id(&self) -> String {
        self.session.user["id"].as_str().unwrap().to_owned()
    }
}

impl Clone for Person {
    fn clone(&self) -> Self {
        Person { email: self.email.clone(), password: self.password.clone(), session: copy(&self.session) }
    }
}

fn copy(s: &Session) -> Session {
    Session { access_token: s.access_token.clone(), refresh_cookie: s.refresh_cookie.clone(), user: s.user.clone() }
}

/// A new user of `role`, signed in once with the temporary password, then on the session the
/// password change gives (one sign-in each: nginx limits them).
async fn person(admin: &Session, role: &str) -> Person {
    let email = format!("{}@gamme.test", unique(&format!("matrix.{role}")));
    let created = ok(
        admin,
        Method::POST,
        "/api/auth/users",
        Some(&json!({ "email": email, "display_name": format!("Matrix {role}"), "role": role })),
        StatusCode::CREATED,
    )
    .await;
    let temporary = created["temporary_password"].as_str().unwrap().to_owned();
    let first = gamme_e2e::login(&email, &temporary).await;
    let password = "Own-password-42".to_owned();
    let changed = ok(
        &first,
        Method::POST,
        "/api/auth/me/password",
        Some(&json!({ "current_password": temporary, "new_password": password })),
        StatusCode::OK,
    )
    .await;
    Person { email, password, session: session_of(&changed) }
}

/// `person`'s session with the password typed again just now, as a signature needs.
async fn signing(person: &Person) -> Session {
    let body = json!({ "password": person.password });
    let answer = ok(&person.session, Method::POST, "/api/auth/reauthenticate", Some(&body), StatusCode::OK).await;
    Session { refresh_cookie: person.session.refresh_cookie.clone(), ..session_of(&answer) }
}

fn session_of(answer: &Value) -> Session {
    Session {
        access_token: answer["access_token"].as_str().unwrap().to_owned(),
        refresh_cookie: answer["__refresh_cookie"].as_str().unwrap_or_default().to_owned(),
        user: answer["user"].clone(),
    }
}

/// What the rows need, made through the API.
struct World {
    /// The stack's admin: makes the fixtures, and writes the revisions the editor and the admin
    /// callers review. The admin caller is an admin of the matrix's own, so that its password
    /// change and sign-ins touch no other test's session.
    shared_admin: Session,
    people: Mutex<HashMap<Caller, Person>>,
    /// A second technician: the "someone else" of the cross-user rows.
    other: Person,
    site: String,
    equipment: String,
    /// Published (revision 2; 1 superseded; 3 a draft), linked to `equipment`, one photo.
    published: String,
    /// The checkbox and photo steps of the published revision (the one runs follow).
    step: String,
    photo_step: String,
    other_run_photo: String,
    draft_only: String,
    published_photo: String,
    draft_photo: String,
    tech_run: String,
    other_run: String,
    completed_run: String,
    jobs: HashMap<Caller, String>,
    other_job: String,
    team: String,
    meter: String,
    plan: String,
    tech_order: String,
    other_order: String,
    proposed: Mutex<Vec<String>>,
}

fn content(photo: Option<&str>) -> Value {
    let attachments: Vec<&str> = photo.into_iter().collect();
    json!({ "sections": [ { "title": null, "steps": [
        { "kind": "instruction", "title": "Lock out the pump", "required": false, "attachments": attachments },
        { "kind": "checkbox", "title": "Guard in place" },
        { "kind": "photo", "title": "Photo of the coupling", "required": false },
    ] } ] })
}

impl World {
    fn admin(&self) -> Session {
        copy(&self.shared_admin)
    }

    fn person(&self, caller: Caller) -> Option<Person> {
        self.people.lock().unwrap().get(&caller).cloned()
    }

    fn renew(&self, caller: Caller, answer: &Value, password: Option<&str>) {
        let Some(mut person) = self.person(caller) else { return };
        let renewed = session_of(answer);
        person.session.access_token = renewed.access_token;
        if !renewed.refresh_cookie.is_empty() {
            person.session.refresh_cookie = renewed.refresh_cookie;
        }
        if let Some(password) = password {
            person.password = password.to_owned();
        }
        self.people.lock().unwrap().insert(caller, person);
    }

    async fn asset(&self, kind: &str, parent: Option<&str>) -> String {
        asset_of(&self.admin(), kind, parent).await
    }

    /// A procedure that is only a draft (revision 1), written by `by`.
    async fn draft(&self, by: &Session, photo: Option<&str>) -> String {
        let body = json!({ "code": unique("MATRIX"), "title": "Matrix procedure", "language": "en",
                           "content": content(photo) });
        id_of(&ok(by, Method::POST, "/api/procedures", Some(&body), StatusCode::CREATED).await)
    }

    /// The admin caller, who approves what the stack's admin writes, with a recent sign-in.
    async fn reviewer(&self) -> Session {
        signing(&self.person(Caller::Admin).unwrap()).await
    }

    /// Revision 1 of a fresh procedure, written and submitted by the stack's admin, in review.
    async fn in_review(&self) -> String {
        let author = self.admin();
        let id = self.draft(&author, None).await;
        ok(&author, Method::POST, &format!("/api/procedures/{id}/revisions/1/submit"), None, StatusCode::OK).await;
        id
    }

    async fn published(&self) -> String {
        let id = self.in_review().await;
        let path = format!("/api/procedures/{id}/revisions/1/approve");
        ok(&self.reviewer().await, Method::POST, &path, Some(&json!({})), StatusCode::OK).await;
        id
    }

    /// A run of the published procedure by `by`, recorded and signed off.
    async fn signed_off(&self, by: &Person) -> String {
        let run = self.run(&by.session, true).await;
        let path = format!("/api/runs/{run}/complete");
        let body = json!({ "signoff_name": "Matrix sign-off" });
        ok(&signing(by).await, Method::POST, &path, Some(&body), StatusCode::OK).await;
        run
    }

    /// A run of the published procedure by `by`, its required step recorded when `recorded`.
    async fn run(&self, by: &Session, recorded: bool) -> String {
        let body = json!({ "procedure_id": self.published, "asset_id": self.equipment });
        let run = id_of(&ok(by, Method::POST, "/api/runs", Some(&body), StatusCode::CREATED).await);
        if recorded {
            let path = format!("/api/runs/{run}/steps/{}", self.step);
            ok(by, Method::PUT, &path, Some(&json!({ "result_id": new_id(), "value": true })), StatusCode::OK).await;
        }
        run
    }

    async fn upload(&self, by: &Session) -> String {
        let res = upload(by, "matrix.png", &png()).await;
        assert_eq!(res.status(), StatusCode::CREATED, "fixture: upload");
        let body: Value = res.json().await.unwrap();
        id_of(&body["files"][0])
    }

    async fn order(&self, assignee: &str) -> String {
        let body = json!({ "asset_id": self.equipment, "title": unique("Matrix order"), "assignee_id": assignee });
        id_of(&ok(&self.admin(), Method::POST, "/api/work/orders", Some(&body), StatusCode::CREATED).await)
    }

    async fn team(&self) -> String {
        let body = json!({ "name": unique("Matrix team") });
        id_of(&ok(&self.admin(), Method::POST, "/api/work/teams", Some(&body), StatusCode::CREATED).await)
    }

    /// A webhook for an event the matrix never causes, at a URL where nothing listens.
    async fn webhook(&self) -> String {
        let body = json!({ "url": "http://127.0.0.1:9/matrix", "event_types": ["procedure.published"] });
        id_of(&ok(&self.admin(), Method::POST, "/api/work/webhooks", Some(&body), StatusCode::CREATED).await)
    }

    async fn meter(&self) -> String {
        let body = json!({ "asset_id": self.equipment, "name": unique("Hours"), "unit": "h" });
        id_of(&ok(&self.admin(), Method::POST, "/api/work/meters", Some(&body), StatusCode::CREATED).await)
    }

    fn plan_body(&self) -> Value {
        json!({ "asset_id": self.equipment, "procedure_id": self.published, "trigger": "time",
                "title": unique("Matrix plan"), "interval_count": 1, "interval_unit": "month",
                "schedule": "fixed", "anchor_date": "2031-01-15", "due_time": "08:00" })
    }

    async fn plan(&self) -> String {
        id_of(&ok(&self.admin(), Method::POST, "/api/work/plans", Some(&self.plan_body()), StatusCode::CREATED).await)
    }

    /// An AI job of `by`'s on the published photo (`build` waits until it has finished).
    async fn job(&self, by: &Session) -> String {
        let body = json!({ "kind": "ask_document", "file_ids": [self.published_photo], "question": "What is shown?" });
        id_of(&ok(by, Method::POST, "/api/ai/jobs", Some(&body), StatusCode::ACCEPTED).await)
    }

    async fn build() -> World {
        let admin = admin().await;
        let mut people = HashMap::new();
        for (caller, role) in [
            (Caller::Viewer, "viewer"),
            (Caller::Technician, "technician"),
            (Caller::Editor, "editor"),
            (Caller::Admin, "admin"),
            (Caller::Deactivated, "technician"),
        ] {
            people.insert(caller, person(&admin, role).await);
        }
        let other = person(&admin, "technician").await;
        let tech = copy(&people[&Caller::Technician].session);

        let site = asset_of(&admin, "site", None).await;
        let area = asset_of(&admin, "area", Some(&site)).await;
        let equipment = asset_of(&admin, "equipment", Some(&area)).await;
        let spare = asset_of(&admin, "equipment", Some(&area)).await;

        let mut world = World {
            shared_admin: copy(&admin),
            people: Mutex::new(people),
            other,
            site,
            equipment,
            published: String::new(),
            step: String::new(),
            photo_step: String::new(),
            other_run_photo: String::new(),
            draft_only: String::new(),
            published_photo: String::new(),
            draft_photo: String::new(),
            tech_run: String::new(),
            other_run: String::new(),
            completed_run: String::new(),
            jobs: HashMap::new(),
            other_job: String::new(),
            team: String::new(),
            meter: String::new(),
            plan: String::new(),
            tech_order: String::new(),
            other_order: String::new(),
            proposed: Mutex::new(Vec::new()),
        };
        world.published_photo = world.upload(&admin).await;
        world.draft_photo = world.upload(&admin).await;

        // The published procedure: revision 1 superseded by 2, and 3 a draft.
        let (author, reviewer) = (copy(&admin), world.reviewer().await);
        let body = json!({ "code": unique("MATRIX-PUB"), "title": "Matrix published", "language": "en",
                           "asset_ids": [world.equipment], "content": content(Some(&world.published_photo)) });
        let published = id_of(&ok(&author, Method::POST, "/api/procedures", Some(&body), StatusCode::CREATED).await);
        for n in [1, 2] {
            if n == 2 {
                let path = format!("/api/procedures/{published}/revisions");
                ok(&author, Method::POST, &path, None, StatusCode::CREATED).await;
            }
            let path = format!("/api/procedures/{published}/revisions/{n}/submit");
            ok(&author, Method::POST, &path, None, StatusCode::OK).await;
            let path = format!("/api/procedures/{published}/revisions/{n}/approve");
            ok(&reviewer, Method::POST, &path, Some(&json!({})), StatusCode::OK).await;
        }
        ok(&author, Method::POST, &format!("/api/procedures/{published}/revisions"), None, StatusCode::CREATED).await;
        let revision =
            ok(&admin, Method::GET, &format!("/api/procedures/{published}/revisions/2"), None, StatusCode::OK).await;
        let step_of = |kind: &str| {
            revision["content"]["sections"][0]["steps"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["kind"] == kind)
                .map(|s| s["id"].as_str().unwrap().to_owned())
                .unwrap()
        };
        world.step = step_of("checkbox");
        world.photo_step = step_of("photo");
        world.published = published;
        world.draft_only = world.draft(&admin, Some(&world.draft_photo.clone())).await;
        for photo in [&world.published_photo, &world.draft_photo] {
            let file = until(&admin, &format!("/api/files/{photo}"), |f| f["thumbnail"]["status"] != "pending").await;
            assert_eq!(file["thumbnail"]["status"], "ready", "fixture: a thumbnail of the photo: {file}");
        }

        let other = copy(&world.other.session);
        world.tech_run = world.run(&tech, false).await;
        world.other_run = world.run(&other, false).await;
        world.other_run_photo = world.upload(&other).await;
        let path = format!("/api/runs/{}/steps/{}", world.other_run, world.photo_step);
        let result = json!({ "result_id": new_id(), "photo_ids": [world.other_run_photo] });
        ok(&other, Method::PUT, &path, Some(&result), StatusCode::OK).await;
        world.completed_run = world.signed_off(&world.other.clone()).await;

        for caller in [Caller::Viewer, Caller::Technician, Caller::Editor, Caller::Admin] {
            let session = copy(&world.person(caller).unwrap().session);
            let job = world.job(&session).await;
            world.jobs.insert(caller, job);
        }
        world.other_job = world.job(&other).await;
        let mut jobs: Vec<String> = world.jobs.values().cloned().collect();
        jobs.push(world.other_job.clone());
        for job in jobs {
            let done = until(&admin, &format!("/api/ai/jobs/{job}"), |j| {
                !matches!(j["status"].as_str(), Some("queued" | "running"))
            })
            .await;
            assert!(!matches!(done["status"].as_str(), Some("queued" | "running")), "fixture: a job that ends: {done}");
        }

        world.team = world.team().await;
        let path = format!("/api/work/teams/{}/members/{}", world.team, world.person(Caller::Technician).unwrap().id());
        ok(&admin, Method::PUT, &path, Some(&json!({})), StatusCode::OK).await;
        world.meter = world.meter().await;
        world.plan = world.plan().await;
        world.tech_order = world.order(&world.person(Caller::Technician).unwrap().id()).await;
        world.other_order = world.order(&world.other.id()).await;
        world.proposed = Mutex::new(follow_ups(&world, &admin, &spare).await);
        world
    }
}

async fn asset_of(admin: &Session, kind: &str, parent: Option<&str>) -> String {
    let body = json!({ "kind": kind, "parent_id": parent, "code": unique(kind), "name": format!("Matrix {kind}") });
    id_of(&ok(admin, Method::POST, "/api/assets", Some(&body), StatusCode::CREATED).await)
}

/// Proposed follow-ups, one per caller of the accept row: a run on `asset` (no team) failing
/// every check of a procedure of six.
async fn follow_ups(world: &World, admin: &Session, asset: &str) -> Vec<String> {
    let steps: Vec<Value> = (1..=6).map(|i| json!({ "kind": "pass_fail", "title": format!("Check {i}") })).collect();
    let body = json!({ "code": unique("MATRIX-FU"), "title": "Matrix checks", "language": "en",
                       "content": { "sections": [ { "title": null, "steps": steps } ] } });
    let id = id_of(&ok(admin, Method::POST, "/api/procedures", Some(&body), StatusCode::CREATED).await);
    ok(admin, Method::POST, &format!("/api/procedures/{id}/revisions/1/submit"), None, StatusCode::OK).await;
    let path = format!("/api/procedures/{id}/revisions/1/approve");
    let revision = ok(&world.reviewer().await, Method::POST, &path, Some(&json!({})), StatusCode::OK).await;
    let settings = json!({ "follow_up": "propose" });
    ok(admin, Method::PUT, &format!("/api/work/procedures/{id}/settings"), Some(&settings), StatusCode::OK).await;
    let run = id_of(
        &ok(
            admin,
            Method::POST,
            "/api/runs",
            Some(&json!({ "procedure_id": id, "asset_id": asset })),
            StatusCode::CREATED,
        )
        .await,
    );
    for step in revision["content"]["sections"][0]["steps"].as_array().unwrap() {
        let path = format!("/api/runs/{run}/steps/{}", step["id"].as_str().unwrap());
        let result = json!({ "result_id": new_id(), "value": "fail", "note": "Worn" });
        ok(admin, Method::PUT, &path, Some(&result), StatusCode::OK).await;
    }
    let path = format!("/api/runs/{run}/complete");
    ok(admin, Method::POST, &path, Some(&json!({ "signoff_name": "Matrix admin" })), StatusCode::OK).await;
    let path = format!("/api/work/orders?source=follow_up&status=proposed&asset={asset}");
    let orders = until(admin, &path, |v| v["items"].as_array().is_some_and(|i| i.len() >= 6)).await;
    let ids: Vec<String> = orders["items"].as_array().unwrap().iter().map(id_of).collect();
    assert_eq!(ids.len(), 6, "fixture: six proposed follow-ups: {orders}");
    ids
}

// ---------------------------------------------------------------------------------------------
// One call of a row

#[derive(Default)]
struct Call {
    params: Vec<(&'static str, String)>,
    query: String,
    body: Option<Value>,
    /// A PNG sent as the one file of a multipart body, instead of JSON.
    upload: bool,
    /// The caller's refresh cookie goes with the request.
    cookie: bool,
    /// A 2xx answer is a new session of the caller's (with this password, if it changed).
    renews: Option<Option<String>>,
    /// A signature: the caller types their password again first (`/api/auth/reauthenticate`),
    /// as the web UI asks, so the sign-in is recent whenever the row runs.
    signs: bool,
}

impl Call {
    fn at(params: &[(&'static str, &str)]) -> Self {
        Call { params: params.iter().map(|(k, v)| (*k, (*v).to_owned())).collect(), ..Call::default() }
    }

    fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    fn query(mut self, query: &str) -> Self {
        self.query = query.to_owned();
        self
    }

    fn signed(mut self) -> Self {
        self.signs = true;
        self
    }
}

/// The request of `row` for `caller`, with the fresh fixtures its writes need.
async fn prepare(w: &World, row: &Row, caller: Caller) -> Result<Call, String> {
    let admin = w.admin();
    let me = w.person(caller);
    let own_job = w.jobs.get(&caller).cloned().unwrap_or_else(|| w.jobs[&Caller::Admin].clone());
    let tech_id = w.person(Caller::Technician).unwrap().id();
    let published = w.published.as_str();
    let call = match (row.service.as_str(), row.operation.as_str(), row.case.as_str()) {
        ("auth", "jwks" | "me" | "status" | "list", "-") => Call::default(),
        ("auth", "login", "-") => {
            let (email, password) = me.map_or_else(
                || (format!("{}@gamme.test", unique("nobody")), "Not-a-password-1".to_owned()),
                |p| (p.email, p.password),
            );
            Call::default().body(json!({ "email": email, "password": password }))
        }
        ("auth", "logout", "-") => Call::default(),
        ("auth", "change_password", "-") => {
            let current = me.map_or_else(|| "Not-a-password-1".to_owned(), |p| p.password);
            let new = format!("Matrix-{}", unique("pw"));
            let mut call = Call::default().body(json!({ "current_password": current, "new_password": new }));
            call.renews = Some(Some(new));
            call
        }
        ("auth", "refresh", "-") => Call { cookie: true, renews: Some(None), ..Call::default() },
        ("auth", "reauthenticate", "-") => {
            let password = me.map_or_else(|| "Not-a-password-1".to_owned(), |p| p.password);
            Call { renews: Some(None), ..Call::default() }.body(json!({ "password": password }))
        }
        ("auth", "setup", "-") => Call::default().body(
            json!({ "email": format!("{}@gamme.test", unique("setup")), "password": "Setup-password-1", "display_name": "Setup" }),
        ),
        ("auth", "create", "-") => Call::default().body(
            json!({ "email": format!("{}@gamme.test", unique("matrix.new")), "display_name": "Matrix new", "role": "viewer" }),
        ),
        ("auth", "update", "own-role-to-admin") => {
            let id = me.map_or_else(|| w.person(Caller::Viewer).unwrap().id(), |p| p.id());
            Call::at(&[("id", &id)]).body(json!({ "role": "admin" }))
        }
        ("auth", "update", "-") => {
            let body = json!({ "email": format!("{}@gamme.test", unique("matrix.renamed")), "display_name": "Matrix", "role": "viewer" });
            let created = ok(&admin, Method::POST, "/api/auth/users", Some(&body), StatusCode::CREATED).await;
            Call::at(&[("id", &id_of(&created["user"]))]).body(json!({ "display_name": "Matrix renamed" }))
        }

        ("ai", "list" | "provider", "-") => Call::default(),
        ("ai", "list", "all-jobs") => Call::default().query("all=true"),
        ("ai", "create", "-") => Call::default().body(
            json!({ "kind": "draft_procedure", "prompt": "Monthly inspection of a centrifugal pump", "language": "en" }),
        ),
        ("ai", "create", "ask-published-document") => Call::default()
            .body(json!({ "kind": "ask_document", "file_ids": [w.published_photo], "question": "What is shown?" })),
        ("ai", "create", "ask-draft-attachment") => Call::default()
            .body(json!({ "kind": "ask_document", "file_ids": [w.draft_photo], "question": "What is shown?" })),
        ("ai", "get" | "cancel", "-") => Call::at(&[("id", &own_job)]),
        ("ai", "get" | "cancel", "other-persons-job") => Call::at(&[("id", &w.other_job)]),

        ("files", "list" | "limits", "-") => Call::default(),
        ("files", "upload", "-") => Call { upload: true, ..Call::default() },
        ("files", "get" | "content" | "thumbnail", "-") => Call::at(&[("id", &w.published_photo)]),
        ("files", "get" | "content" | "thumbnail", "draft-attachment") => Call::at(&[("id", &w.draft_photo)]),
        ("files", "get" | "content", "other-technicians-run-photo") => Call::at(&[("id", &w.other_run_photo)]),
        ("files", "delete", "-") => Call::at(&[("id", &w.upload(&admin).await)]),

        ("procedures", "assets_list" | "procedures_list" | "procedures_audit_log" | "procedures_verify_audit" | "runs_list", "-") => {
            Call::default()
        }
        ("procedures", "assets_create", "-") => {
            Call::default().body(json!({ "kind": "site", "code": unique("site"), "name": "Matrix new site" }))
        }
        ("procedures", "assets_get" | "assets_procedures" | "assets_runs", "-") => Call::at(&[("id", &w.equipment)]),
        ("procedures", "assets_update", "-") => {
            Call::at(&[("id", &w.asset("site", None).await)]).body(json!({ "name": "Matrix renamed" }))
        }
        ("procedures", "assets_archive", "-") => Call::at(&[("id", &w.asset("site", None).await)]),
        ("procedures", "procedures_create", "-") => Call::default().body(
            json!({ "code": unique("MATRIX-NEW"), "title": "Matrix new", "language": "en", "content": content(None) }),
        ),
        ("procedures", "procedures_import", "-") => {
            let path = format!("/api/procedures/{published}/export");
            let mut document = ok(&admin, Method::GET, &path, None, StatusCode::OK).await;
            document["procedure"]["code"] = json!(unique("MATRIX-IMPORT"));
            Call::default().body(document)
        }
        ("procedures", "procedures_get" | "procedures_audit" | "procedures_export" | "revisions_list", "-") => {
            Call::at(&[("id", published)])
        }
        ("procedures", "procedures_get" | "procedures_export", "draft-only-procedure") => {
            Call::at(&[("id", &w.draft_only)])
        }
        ("procedures", "procedures_update", "-") => {
            Call::at(&[("id", published)]).body(json!({ "asset_ids": [w.equipment] }))
        }
        ("procedures", "procedures_archive", "-") => Call::at(&[("id", &w.draft(&admin, None).await)]),
        ("procedures", "revisions_new_draft", "-") => Call::at(&[("id", &w.published().await)]),
        ("procedures", "revisions_diff", "-") => Call::at(&[("id", published), ("a", "1"), ("b", "2")]),
        ("procedures", "revisions_diff", "to-a-draft") => Call::at(&[("id", published), ("a", "2"), ("b", "3")]),
        ("procedures", "revisions_get" | "revisions_statistics" | "revisions_safety_review", "-") => Call::at(&[("id", published), ("n", "2")]),
        ("procedures", "revisions_get" | "revisions_statistics" | "revisions_safety_review", "draft-revision") => {
            Call::at(&[("id", published), ("n", "3")])
        }
        ("procedures", "revisions_update", "-") => {
            Call::at(&[("id", &w.draft(&admin, None).await), ("n", "1")]).body(json!({ "title": "Matrix retitled" }))
        }
        ("procedures", "revisions_approve" | "revisions_reject", "-") => {
            let call = Call::at(&[("id", &w.in_review().await), ("n", "1")]).body(json!({ "comment": "Matrix review" }));
            if row.operation == "revisions_approve" {
                call.signed()
            } else {
                call
            }
        }
        ("procedures", "revisions_archive" | "revisions_submit", "-") => {
            Call::at(&[("id", &w.draft(&admin, None).await), ("n", "1")])
        }
        ("procedures", "revisions_replace_content", "-") => {
            let mut new = content(None);
            new["sections"][0]["steps"][0]["title"] = json!("Lock out and tag out the pump");
            Call::at(&[("id", &w.draft(&admin, None).await), ("n", "1")]).body(new)
        }
        ("procedures", "runs_start", "-") => {
            Call::default().body(json!({ "procedure_id": published, "asset_id": w.equipment }))
        }
        ("procedures", "runs_start", case @ ("other-technicians-order" | "unassigned-order")) => {
            let assignee = if case == "unassigned-order" { Value::Null } else { json!(w.other.id()) };
            let body = json!({ "asset_id": w.equipment, "procedure_id": published, "assignee_id": assignee });
            let order = ok(&admin, Method::POST, "/api/work/orders", Some(&body), StatusCode::CREATED).await;
            Call::default().body(json!({ "procedure_id": published, "work_order_id": id_of(&order) }))
        }
        ("procedures", "runs_start", "draft-only-procedure") => {
            Call::default().body(json!({ "procedure_id": w.draft_only, "asset_id": w.equipment }))
        }
        ("procedures", "runs_complete", "someone-elses-signature") => {
            let run = w.run(&w.person(Caller::Technician).unwrap().session, true).await;
            Call::at(&[("id", &run)])
                .body(json!({ "signoff_name": "Matrix sign-off", "signature_file_id": w.draft_photo }))
                .signed()
        }
        ("procedures", "runs_verify", case @ ("-" | "own-run")) => {
            let by = if case == "-" { w.other.clone() } else { w.person(Caller::Technician).unwrap() };
            Call::at(&[("id", &w.signed_off(&by).await)]).signed()
        }
        ("procedures", "runs_record_step", "someone-elses-photo") => {
            let run = w.run(&w.person(Caller::Technician).unwrap().session, false).await;
            Call::at(&[("id", &run), ("step_id", &w.photo_step)])
                .body(json!({ "result_id": new_id(), "photo_ids": [w.draft_photo] }))
        }
        ("work", "work_orders_comment", "someone-elses-photo") => Call::at(&[("id", &w.tech_order)])
            .body(json!({ "body": "Matrix comment", "photo_ids": [w.other_run_photo] })),
        ("procedures", "runs_get", "-") => Call::at(&[("id", &w.tech_run)]),
        ("procedures", "runs_get", "other-technicians-run") => Call::at(&[("id", &w.other_run)]),
        ("procedures", "runs_get", "completed-run") => Call::at(&[("id", &w.completed_run)]),
        ("procedures", "runs_complete", case @ ("-" | "other-technicians-run")) => {
            let by = if case == "-" { w.person(Caller::Technician).unwrap() } else { w.other.clone() };
            let run = w.run(&by.session, true).await;
            Call::at(&[("id", &run)]).body(json!({ "signoff_name": "Matrix sign-off" })).signed()
        }
        ("procedures", "runs_record_step", case @ ("-" | "other-technicians-run")) => {
            let by = if case == "-" { w.person(Caller::Technician).unwrap() } else { w.other.clone() };
            let run = w.run(&by.session, false).await;
            Call::at(&[("id", &run), ("step_id", &w.step)]).body(json!({ "result_id": new_id(), "value": true }))
        }

        ("work", "work_assets_get" | "work_assets_labels", "-") => Call::at(&[("id", &w.equipment)]),
        ("work", "work_assets_set_team", "-") => {
            Call::at(&[("id", &w.asset("site", None).await)]).body(json!({ "team_id": w.team }))
        }
        (
            "work",
            "work_board" | "work_calendar" | "work_compliance" | "work_me" | "work_meters_list" | "work_orders_list"
            | "work_people" | "work_plans_list" | "work_teams_list" | "work_notifications_list"
            | "work_notifications_read_all" | "work_notifications_preferences",
            "-",
        ) => Call::default(),
        ("work", "work_notifications_read", "-") => Call::at(&[("id", &new_id())]),
        ("work", "work_notifications_set_preferences", "-") => {
            Call::default().body(json!({ "items": [{ "kind": "assigned", "in_app": true }] }))
        }
        ("work", "work_meters_create", "-") => {
            Call::default().body(json!({ "asset_id": w.equipment, "name": unique("Matrix hours"), "unit": "h" }))
        }
        ("work", "work_meters_get" | "work_meters_readings", "-") => Call::at(&[("id", &w.meter)]),
        ("work", "work_meters_record", "-") => Call::at(&[("id", &w.meter().await)]).body(json!({ "value": 12.5 })),
        ("work", "work_meters_sources", "-") => Call::at(&[("id", &w.meter().await)]).body(json!({ "sources": [] })),
        ("work", "work_orders_create", "-") => {
            Call::default().body(json!({ "asset_id": w.equipment, "title": unique("Matrix new order") }))
        }
        ("work", "work_orders_get" | "work_orders_comment", case) => {
            let order = if case == "-" { &w.tech_order } else { &w.other_order };
            let call = Call::at(&[("id", order)]);
            if row.operation == "work_orders_comment" {
                call.body(json!({ "body": "Matrix comment" }))
            } else {
                call
            }
        }
        ("work", "work_orders_update", "-") => {
            Call::at(&[("id", &w.order(&tech_id).await)]).body(json!({ "title": "Matrix retitled" }))
        }
        ("work", "work_orders_accept", "-") => {
            let order = w.proposed.lock().unwrap().pop().ok_or("no proposed follow-up left")?;
            Call::at(&[("id", &order)])
        }
        ("work", "work_orders_cancel", "-") => Call::at(&[("id", &w.order(&tech_id).await)]).body(json!({})),
        ("work", op @ ("work_orders_complete" | "work_orders_start"), case) => {
            let assignee = if case == "-" { tech_id.clone() } else { w.other.id() };
            let call = Call::at(&[("id", &w.order(&assignee).await)]);
            if op == "work_orders_complete" {
                call.body(json!({ "note": "Matrix done" }))
            } else {
                call
            }
        }
        ("work", "work_plans_create", "-") => Call::default().body(w.plan_body()),
        ("work", "work_plans_get", "-") => Call::at(&[("id", &w.plan)]),
        ("work", "work_plans_update", "-") => {
            Call::at(&[("id", &w.plan().await)]).body(json!({ "title": "Matrix retitled" }))
        }
        ("work", "work_plans_pause", "-") => Call::at(&[("id", &w.plan().await)]),
        ("work", "work_plans_resume", "-") => {
            let plan = w.plan().await;
            ok(&admin, Method::POST, &format!("/api/work/plans/{plan}/pause"), None, StatusCode::OK).await;
            Call::at(&[("id", &plan)])
        }
        ("work", "work_procedures_settings", "-") => Call::at(&[("id", published)]),
        ("work", "work_procedures_settings", "draft-only-procedure") => Call::at(&[("id", &w.draft_only)]),
        ("work", "work_procedures_set_settings", "-") => {
            Call::at(&[("id", published)]).body(json!({ "follow_up": "propose" }))
        }
        ("work", "work_sites_settings", "-") => Call::at(&[("id", &w.site)]),
        ("work", "work_sites_set_settings", "-") => {
            Call::at(&[("id", &w.asset("site", None).await)]).body(json!({ "time_zone": "Europe/Paris" }))
        }
        ("work", "work_teams_create", "-") => Call::default().body(json!({ "name": unique("Matrix new team") })),
        ("work", "work_teams_get", "-") => Call::at(&[("id", &w.team)]),
        ("work", "work_teams_update", "-") => {
            Call::at(&[("id", &w.team().await)]).body(json!({ "name": unique("Matrix renamed team") }))
        }
        ("work", "work_teams_delete", "-") => Call::at(&[("id", &w.team().await)]),
        ("work", "work_teams_add_member", "-") => Call::at(&[("id", &w.team().await), ("user_id", &w.other.id())]),
        ("work", "work_teams_remove_member", "-") => {
            let team = w.team().await;
            let path = format!("/api/work/teams/{team}/members/{}", w.other.id());
            ok(&admin, Method::PUT, &path, None, StatusCode::OK).await;
            Call::at(&[("id", &team), ("user_id", &w.other.id())])
        }
        ("work", "work_webhooks_list", "-") => Call::default(),
        ("work", "work_webhooks_create", "-") => Call::default()
            .body(json!({ "url": "http://127.0.0.1:9/matrix", "event_types": ["procedure.published"] })),
        ("work", "work_webhooks_get" | "work_webhooks_deliveries" | "work_webhooks_delete", "-") => {
            Call::at(&[("id", &w.webhook().await)])
        }
        ("work", "work_webhooks_update", "-") => Call::at(&[("id", &w.webhook().await)]).body(json!({ "active": false })),
        ("work", "work_webhooks_retry", "-") => {
            Call::at(&[("id", &w.webhook().await), ("delivery_id", &new_id())]).body(json!({}))
        }
        _ => return Err("matrix.rs has no request for this row".into()),
    };
    Ok(call)
}

fn matches(expected: &str, actual: StatusCode) -> bool {
    match expected {
        "2xx" => actual.is_success(),
        "4xx" => actual.is_client_error(),
        code => code.parse::<u16>().is_ok_and(|c| c == actual.as_u16()),
    }
}

/// Runs one cell; answers the status, or why it could not be asked.
async fn run_cell(w: &World, row: &Row, caller: Caller) -> Result<(StatusCode, Value), String> {
    let call = prepare(w, row, caller).await?;
    let mut path = row.path.clone();
    for (name, value) in &call.params {
        path = path.replace(&format!("{{{name}}}"), value);
    }
    if path.contains('{') {
        return Err(format!("no value for a parameter of {path}"));
    }
    if !call.query.is_empty() {
        path = format!("{path}?{}", call.query);
    }
    if call.signs {
        if let Some(person) = w.person(caller) {
            let body = json!({ "password": person.password });
            let (status, answer) =
                send(Some(&person.session.access_token), None, Method::POST, "/api/auth/reauthenticate", Some(&body))
                    .await;
            if status.is_success() {
                w.renew(caller, &answer, None);
            }
        }
    }
    let me = w.person(caller);
    let token = me.as_ref().map(|p| p.session.access_token.clone());
    let cookie = me.as_ref().filter(|_| call.cookie).map(|p| p.session.refresh_cookie.clone());
    let method = Method::from_bytes(row.method.as_bytes()).map_err(|e| e.to_string())?;
    let answer = if call.upload {
        let boundary = "gamme-matrix-boundary";
        let mut body = gamme_e2e::multipart_head(boundary, "matrix.png");
        body.extend_from_slice(&png());
        body.extend_from_slice(&gamme_e2e::multipart_tail(boundary));
        let mut req = client()
            .post(format!("{}{path}", base_url()))
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .body(body);
        if let Some(token) = &token {
            req = req.bearer_auth(token);
        }
        let res = req.send().await.map_err(|e| e.to_string())?;
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    } else {
        send(token.as_deref(), cookie.as_deref(), method, &path, call.body.as_ref()).await
    };
    if let Some(password) = &call.renews {
        if answer.0.is_success() {
            w.renew(caller, &answer.1, password.as_deref());
        }
    }
    Ok(answer)
}

/// The deactivated user's token is refused by every service before the rows run (each service
/// hears of the deactivation from auth's event).
async fn deactivate(w: &World) {
    let person = w.person(Caller::Deactivated).unwrap();
    let path = format!("/api/auth/users/{}", person.id());
    ok(&w.admin(), Method::PATCH, &path, Some(&json!({ "is_active": false })), StatusCode::OK).await;
    let token = person.session.access_token;
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    for path in ["/api/auth/me", "/api/procedures", "/api/files/limits", "/api/ai/provider", "/api/work/me"] {
        loop {
            let (status, _) = send(Some(&token), None, Method::GET, path, None).await;
            if status == StatusCode::UNAUTHORIZED || std::time::Instant::now() > deadline {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

#[tokio::test]
async fn every_caller_gets_what_the_access_matrix_says_of_every_operation() {
    let rows = table();
    let mut problems = coverage_problems(&rows);
    let world = World::build().await;
    deactivate(&world).await;
    // GAMME_E2E_MATRIX_SHOW=1 prints every cell's answer (status and problem code).
    let show = std::env::var("GAMME_E2E_MATRIX_SHOW").is_ok_and(|v| v == "1");
    let mut cells = 0;
    for row in &rows {
        for (i, caller) in CALLERS.iter().enumerate() {
            cells += 1;
            let expected = &row.expected[i];
            let answer = run_cell(&world, row, *caller).await;
            if let (true, Ok((status, body))) = (show, &answer) {
                let code = body["code"].as_str().unwrap_or_default();
                println!("{:<90} {:<12} {} {code}", row.name(), caller.name(), status.as_u16());
            }
            match answer {
                Ok((status, body)) if !matches(expected, status) => {
                    let mut body = body.to_string();
                    body.truncate(300);
                    problems.push(format!(
                        "line {}: {} as {}: expected {expected}, got {}: {body} ({})",
                        row.line,
                        row.name(),
                        caller.name(),
                        status.as_u16(),
                        row.comment
                    ));
                }
                Ok(_) => {}
                Err(why) => problems.push(format!("line {}: {} as {}: {why}", row.line, row.name(), caller.name())),
            }
        }
    }
    println!("access matrix: {} rows × {} callers = {cells} calls", rows.len(), CALLERS.len());
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}
