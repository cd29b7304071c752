//! The OpenAI-compatible client against a real HTTP server that speaks the API, failures
//! included; and the offline provider on sample manuals.

#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed

mod support;

use std::time::Duration;

use gamme_ai_worker::{
    provider::{
        offline,
        openai::{OpenAi, OpenAiConfig},
        Assistant, ProviderError, Task,
    },
    sources::Chunk,
};
use serde_json::{json, Value};
use support::{FakeLlm, Reply, MANUAL_EN, MANUEL_FR};
use uuid::Uuid;

fn client(llm: &FakeLlm, timeout: Duration) -> OpenAi {
    OpenAi::new(OpenAiConfig {
        base_url: llm.base_url.clone(),
        model: "fake-model".into(),
        api_key: "sk-test-not-a-real-key".to_owned().into(),
        timeout,
        max_tries: 4,
        backoff: Duration::from_millis(50),
    })
    .unwrap()
}

fn passage() -> Chunk {
    Chunk { file_id: Uuid::nil(), page: 3, body: "Serrer les vis du carter à 50 N·m.".into() }
}

fn good_answer() -> String {
    json!({ "answer": "50 N·m", "citations": [{ "file_id": Uuid::nil(), "page": 3, "text": "Serrer les vis du carter à 50 N·m." }] })
        .to_string()
}

async fn ask(client: &OpenAi) -> Result<gamme_ai_worker::provider::Answered, ProviderError> {
    let passages = [passage()];
    client.answer(&Task::Ask { question: "Quel couple pour les vis du carter ?", passages: &passages }).await
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried_after_the_delay() {
    let llm = FakeLlm::start().await;
    llm.push(Reply::Status {
        status: 429,
        retry_after: Some(1),
        body: r#"{"error":{"message":"rate limited"}}"#.into(),
    });
    llm.push(Reply::Content(good_answer()));
    let answered = ask(&client(&llm, Duration::from_secs(10))).await.unwrap();
    assert_eq!(answered.result["answer"], "50 N·m");
    let requests = llm.requests();
    assert_eq!(requests.len(), 2);
    let waited = requests[1].0 - requests[0].0;
    assert!(waited >= Duration::from_millis(950), "the client waited {waited:?}, not the second Retry-After asked");
    assert_eq!(answered.usage.prompt_tokens, 100);
}

#[tokio::test]
async fn two_server_errors_then_success() {
    let llm = FakeLlm::start().await;
    llm.push(Reply::Status { status: 500, retry_after: None, body: "{}".into() });
    llm.push(Reply::Status { status: 502, retry_after: None, body: "{}".into() });
    llm.push(Reply::Content(good_answer()));
    let answered = ask(&client(&llm, Duration::from_secs(10))).await.unwrap();
    assert_eq!(answered.result["citations"][0]["page"], 3);
    assert_eq!(llm.requests().len(), 3);
}

#[tokio::test]
async fn a_timeout_is_retried_and_one_that_lasts_is_transient() {
    let llm = FakeLlm::start().await;
    llm.push(Reply::Slow(Duration::from_secs(3), good_answer()));
    llm.push(Reply::Content(good_answer()));
    let answered = ask(&client(&llm, Duration::from_millis(500))).await.unwrap();
    assert_eq!(answered.result["answer"], "50 N·m");

    let slow = FakeLlm::start().await;
    slow.always(Reply::Slow(Duration::from_secs(3), good_answer()));
    match ask(&client(&slow, Duration::from_millis(300))).await {
        Err(ProviderError::Transient { reason, .. }) => assert!(reason.contains("timed out"), "{reason}"),
        other => panic!("expected a transient failure, got {other:?}"),
    }
    assert_eq!(slow.requests().len(), 4, "tried max_tries times");
}

#[tokio::test]
async fn malformed_output_is_repaired_once_then_fails_with_a_readable_error() {
    let llm = FakeLlm::start().await;
    llm.push(Reply::Content("Sure! The torque is 50 N·m.".into()));
    llm.push(Reply::Content(good_answer()));
    let answered = ask(&client(&llm, Duration::from_secs(10))).await.unwrap();
    assert_eq!(answered.result["answer"], "50 N·m");
    let requests = llm.requests();
    let retry: &Value = &requests[1].1;
    let last = retry["messages"].as_array().unwrap().last().unwrap()["content"].as_str().unwrap().to_owned();
    assert!(last.contains("cannot be used"), "the second request says what was wrong: {last}");
    assert_eq!(answered.usage.completion_tokens, 40, "tokens of both calls are counted");

    let bad = FakeLlm::start().await;
    bad.always(Reply::Content(
        json!({ "answer": "x", "citations": [{ "file_id": Uuid::nil(), "page": 99, "text": "?" }] }).to_string(),
    ));
    match ask(&client(&bad, Duration::from_secs(10))).await {
        Err(ProviderError::Permanent { message, usage }) => {
            assert!(message.contains("did not follow Gamme's format"), "{message}");
            assert!(message.contains("page 99"), "{message}");
            assert_eq!(usage.prompt_tokens, 200);
        }
        other => panic!("expected a permanent failure, got {other:?}"),
    }
    assert_eq!(bad.requests().len(), 2);
}

#[tokio::test]
async fn a_server_without_json_schema_gets_json_mode() {
    let llm = FakeLlm::start().await;
    llm.refuse_json_schema();
    llm.always(Reply::Content(good_answer()));
    let client = client(&llm, Duration::from_secs(10));
    ask(&client).await.unwrap();
    let requests = llm.requests();
    assert_eq!(requests[0].1["response_format"]["type"], "json_schema");
    assert_eq!(requests[1].1["response_format"]["type"], "json_object");
    let system = requests[1].1["messages"][0]["content"].as_str().unwrap().to_owned();
    assert!(system.contains("JSON Schema"), "JSON mode carries the schema in words");
    // Remembered: the next job goes straight to JSON mode.
    ask(&client).await.unwrap();
    assert_eq!(llm.requests()[2].1["response_format"]["type"], "json_object");
}

#[tokio::test]
async fn a_refused_key_fails_at_once_without_leaking_it() {
    let llm = FakeLlm::start().await;
    llm.always(Reply::Status { status: 401, retry_after: None, body: r#"{"error":{"message":"bad key"}}"#.into() });
    match ask(&client(&llm, Duration::from_secs(10))).await {
        Err(ProviderError::Permanent { message, .. }) => {
            assert!(message.contains("GAMME_LLM_API_KEY"));
            assert!(!message.contains("sk-test"));
        }
        other => panic!("expected a permanent failure, got {other:?}"),
    }
    assert_eq!(llm.requests().len(), 1);
}

fn chunk(text: &str) -> Vec<Chunk> {
    text.split("# ")
        .filter(|s| !s.trim().is_empty())
        .enumerate()
        .map(|(i, s)| Chunk { file_id: Uuid::nil(), page: i32::try_from(i).unwrap() + 1, body: format!("# {s}") })
        .collect()
}

fn steps(d: &gamme_ai_worker::proposal::DraftProposal) -> Vec<&gamme_ai_worker::proposal::ProposedStep> {
    d.sections.iter().flat_map(|s| s.steps.iter()).collect()
}

#[test]
fn the_offline_provider_drafts_a_french_manual_with_readings_and_warnings() {
    let doc = chunk(MANUEL_FR);
    let d = offline::draft("fr", Some("Révision pompe P-101"), &doc, &[]).unwrap();
    assert_eq!(d.title, "Révision pompe P-101");
    assert_eq!(
        d.sections.iter().map(|s| s.title.as_deref()).collect::<Vec<_>>(),
        vec![Some("Consignation"), Some("Remontage")]
    );
    let s = steps(&d);
    assert_eq!(s.len(), 7, "{s:#?}");
    assert_eq!(s[0].warning_level.as_deref(), Some("danger"));
    assert_eq!(s[0].warning_text.as_deref(), Some("tension 400 V dans l'armoire."));
    assert_eq!(s[1].kind, "pass_fail", "a verification becomes a pass/fail check");
    assert_eq!(s[2].title, "Porter des gants isolants et des lunettes.", "an imperative sentence becomes a step");
    assert_eq!(s[3].warning_level.as_deref(), Some("warning"));
    let torque = s[4];
    assert_eq!(
        (torque.kind.as_str(), torque.min, torque.max, torque.unit.as_deref()),
        ("number", Some(45.0), Some(55.0), Some("N·m"))
    );
    let pressure = s[5];
    assert_eq!(pressure.warning_level.as_deref(), Some("caution"));
    assert_eq!((pressure.min, pressure.max, pressure.unit.as_deref()), (Some(2.0), Some(3.0), Some("bar")));
    let temperature = s[6];
    assert_eq!((temperature.min, temperature.max, temperature.unit.as_deref()), (None, Some(80.0), Some("°C")));
    assert_eq!(s[4].citations[0].page, 2, "each step cites its page");
    assert!(d.ppe.contains(&"gants".to_owned()) && d.ppe.contains(&"lunettes".to_owned()));
    assert_eq!(d.tools, vec!["clé dynamométrique"]);
}

#[test]
fn the_offline_provider_drafts_an_english_manual() {
    let doc = chunk(MANUAL_EN);
    let d = offline::draft("en", None, &doc, &[(Uuid::nil(), "pump-manual.txt".into())]).unwrap();
    assert_eq!(d.title, "pump-manual");
    let s = steps(&d);
    let titles: Vec<&str> = s.iter().map(|x| x.title.as_str()).collect();
    assert_eq!(titles.len(), 5, "{titles:#?}");
    assert_eq!(s[0].warning_level.as_deref(), Some("warning"));
    assert_eq!(s[2].warning_level.as_deref(), Some("caution"));
    assert_eq!((s[2].min, s[2].max, s[2].unit.as_deref()), (Some(40.0), Some(50.0), Some("N·m")));
    assert_eq!(s[3].title, "Check the seal for leaks.");
    assert_eq!(s[3].kind, "pass_fail");
    let gap = s[4];
    assert_eq!(gap.unit.as_deref(), Some("mm"));
    assert!((gap.min.unwrap() - 0.4).abs() < 1e-9 && (gap.max.unwrap() - 0.6).abs() < 1e-9);
    assert_eq!(gap.warning_level.as_deref(), Some("note"), "a trailing note goes to the last step");
}

#[test]
fn the_offline_provider_says_so_when_nothing_looks_like_a_step() {
    let doc = vec![Chunk { file_id: Uuid::nil(), page: 1, body: "The pump was made in 1998 in Lyon.".into() }];
    match offline::draft("en", None, &doc, &[]) {
        Err(ProviderError::Permanent { message, .. }) => assert!(message.contains("No steps")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_committed_openapi_document_is_current() {
    gamme_service_kit::openapi::assert_committed("ai", &gamme_ai_worker::openapi::document());
}

fn revision(steps: Vec<gamme_ai_worker::sources::StepText>, ppe: &[&str]) -> gamme_ai_worker::sources::RevisionText {
    gamme_ai_worker::sources::RevisionText {
        revision_id: Uuid::nil(),
        procedure_id: Uuid::nil(),
        code: "PM-POMPE-001".into(),
        number: 1,
        status: "draft".into(),
        title: "Remplacement de la garniture de la pompe P-101".into(),
        description: String::new(),
        language: "fr".into(),
        tools: vec![],
        parts: vec![],
        ppe: ppe.iter().map(|s| (*s).to_owned()).collect(),
        sections: vec![gamme_ai_worker::sources::SectionText { title: None, steps }],
    }
}

fn step(number: i32, kind: &str, title: &str, limits: Option<(f64, f64)>) -> gamme_ai_worker::sources::StepText {
    gamme_ai_worker::sources::StepText {
        number,
        section: None,
        kind: kind.into(),
        title: title.into(),
        body: String::new(),
        warning_level: None,
        warning_text: None,
        required: true,
        unit: limits.map(|_| "bar".into()),
        min: limits.map(|l| l.0),
        max: limits.map(|l| l.1),
        options: vec![],
    }
}

#[test]
fn the_offline_review_finds_missing_lockout_zero_energy_ppe_and_limits() {
    let careless = revision(
        vec![
            step(1, "number", "Relever la pression", None),
            step(2, "instruction", "Démonter le corps de pompe", None),
            step(3, "instruction", "Remonter le corps de pompe", None),
            step(4, "instruction", "Serrer les vis", None),
        ],
        &[],
    );
    let review = offline::review(&careless);
    let categories: Vec<&str> = review.findings.iter().map(|f| f.category.as_str()).collect();
    assert_eq!(
        categories,
        ["lockout_tagout", "zero_energy", "ppe", "reading_without_limits", "vague_value", "no_verification"]
    );
    assert_eq!(review.findings[3].steps, vec![1]);
    assert_eq!(review.findings[4].steps, vec![4]);
    assert_eq!(review.findings[5].steps, vec![4]);
    assert_eq!(review.findings[0].severity, "high");

    let careful = revision(
        vec![
            step(1, "instruction", "Consigner la pompe et poser le cadenas", None),
            step(2, "pass_fail", "Vérifier l'absence de tension", None),
            step(3, "number", "Relever la pression", Some((2.0, 3.0))),
        ],
        &["gants"],
    );
    assert!(offline::review(&careful).findings.is_empty(), "{:?}", offline::review(&careful));
}

#[tokio::test]
async fn a_translation_keeps_kinds_and_limits_or_is_asked_again() {
    let source = revision(vec![step(1, "number", "Relever la pression", Some((2.0, 3.0)))], &[]);
    let translated = |max: f64| {
        json!({ "title": "Pump seal replacement", "description": "", "language": "en", "tools": [], "parts": [], "ppe": [],
            "sections": [{ "title": null, "steps": [{ "kind": "number", "title": "Read the pressure", "body": "",
                "warning_level": null, "warning_text": null, "required": true, "unit": "bar", "min": 2.0, "max": max,
                "options": [], "citations": [] }] }] })
        .to_string()
    };
    let llm = FakeLlm::start().await;
    llm.push(Reply::Content(translated(30.0)));
    llm.push(Reply::Content(translated(3.0)));
    let answered = client(&llm, Duration::from_secs(10))
        .answer(&Task::Translate { revision: &source, target_language: "en" })
        .await
        .unwrap();
    assert_eq!(answered.result["sections"][0]["steps"][0]["title"], "Read the pressure");
    assert_eq!(answered.result["sections"][0]["steps"][0]["max"], 3.0);
    let retry = &llm.requests()[1].1;
    let said = retry["messages"].as_array().unwrap().last().unwrap()["content"].as_str().unwrap().to_owned();
    assert!(said.contains("limits changed"), "{said}");
    // Offline, translation is refused in words a person understands.
    match offline::Offline.answer(&Task::Translate { revision: &source, target_language: "en" }).await {
        Err(ProviderError::Permanent { message, .. }) => assert!(message.contains("GAMME_LLM_API_KEY")),
        other => panic!("{other:?}"),
    }
}
