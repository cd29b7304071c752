//! The drafters on the corpus of manual excerpts (`corpus/`). The offline provider must reach
//! the goal: at least 95 % of the readings with value, unit and limits right, every DANGER,
//! WARNING and CAUTION (and their French words) at its level, and no limit the text does not
//! state. The OpenAI-compatible provider is scored by the same code, through the real client,
//! against a fake model that answers one fixed draft.

#![allow(clippy::unwrap_used, clippy::print_stdout)] // a test that cannot unwrap has failed

mod scoring;
mod support;

use std::time::Duration;

use gamme_ai_worker::provider::{
    offline::Offline,
    openai::{OpenAi, OpenAiConfig},
};
use serde_json::{json, Value};
use support::{FakeLlm, Reply};

fn corpus() -> Vec<scoring::Excerpt> {
    scoring::load(&scoring::corpus_dir()).unwrap()
}

#[test]
fn the_corpus_holds_forty_excerpts_in_both_languages_that_quote_their_own_text() {
    let excerpts = corpus();
    assert!(excerpts.len() >= 40, "{} excerpts", excerpts.len());
    for language in ["en", "fr"] {
        let n = excerpts.iter().filter(|e| e.expected.language == language).count();
        assert!(n * 5 >= excerpts.len() * 2, "{n} of {} excerpts are in {language}", excerpts.len());
    }
    for e in &excerpts {
        let pages = e.pages();
        let found = |page: i32, text: &str| {
            usize::try_from(page - 1)
                .ok()
                .and_then(|i| pages.get(i))
                .is_some_and(|p| scoring::normalise_passage(p).contains(&scoring::normalise_passage(text)))
        };
        for r in &e.expected.readings {
            assert!(found(r.page, &r.passage), "{}: “{}” is not on page {}", e.name, r.passage, r.page);
            assert!(
                r.value.is_some() != (r.min.is_some() || r.max.is_some()),
                "{}: “{}” needs a value, or a min and/or a max",
                e.name,
                r.passage
            );
        }
        for w in &e.expected.warnings {
            assert!(["note", "caution", "warning", "danger"].contains(&w.level.as_str()), "{}: {}", e.name, w.level);
            assert!(found(w.page, &w.text), "{}: warning “{}” is not on page {}", e.name, w.text, w.page);
        }
    }
}

#[tokio::test]
async fn the_offline_drafter_keeps_the_corpus_limits_and_warnings() {
    let report = scoring::run(&Offline, &corpus()).await;
    println!("{}", report.render());
    for language in report.languages() {
        let t = report.totals(Some(&language));
        assert!(
            t.readings_percent() >= 95.0,
            "{language}: {:.1} % of readings right\n{}",
            t.readings_percent(),
            report.render()
        );
    }
    let total = report.totals(None);
    assert!(total.readings_percent() >= 95.0, "{}", report.render());
    assert_eq!(total.safety_kept, total.safety, "every danger, warning and caution at its level\n{}", report.render());
    assert_eq!(total.invented, 0, "no invented limit\n{}", report.render());
    assert_eq!(total.failures, 0, "{}", report.render());
}

/// The draft the fake model answers for every excerpt: the readings and warnings of the first one.
fn fixed_draft() -> Value {
    let number = |title: &str, unit: &str, min: Option<f64>, max: Option<f64>| {
        json!({ "kind": "number", "title": title, "body": "", "warning_level": null, "warning_text": null,
                "required": true, "unit": unit, "min": min, "max": max, "options": [], "citations": [] })
    };
    let mut steps = vec![
        number("Measure the shaft end play. It must be between 0.05 and 0.15 mm.", "mm", Some(0.05), Some(0.15)),
        number("Replace the sleeve if grooves are deeper than 0.1 mm.", "mm", None, Some(0.1)),
        number("Tighten the impeller nut to 60–70 N·m (44–52 lbf·ft).", "N.m", Some(60.0), Some(70.0)),
        number(
            "Set the seal compression to 8.5 ± 0.5 mm, measured from the sleeve shoulder.",
            "mm",
            Some(8.0),
            Some(9.0),
        ),
        number("Tighten the casing nuts crosswise to 95 N·m.", "Nm", Some(95.0), Some(95.0)),
    ];
    for (step, (level, text)) in steps.iter_mut().zip([
        ("danger", "HAZARDOUS VOLTAGE. Contact with live parts will cause death."),
        ("warning", "The pump may contain hot, pressurised liquid."),
        ("note", "Never run the pump dry, even for a few seconds."),
    ]) {
        step["warning_level"] = json!(level);
        step["warning_text"] = json!(text);
    }
    json!({ "title": "Mechanical seal", "description": "", "language": "en", "tools": [], "parts": [], "ppe": [],
            "sections": [{ "title": null, "steps": steps }] })
}

#[tokio::test]
async fn the_openai_provider_is_scored_through_the_real_client() {
    let llm = FakeLlm::start().await;
    llm.always(Reply::Content(fixed_draft().to_string()));
    let client = OpenAi::new(OpenAiConfig {
        base_url: llm.base_url.clone(),
        model: "fake-model".into(),
        api_key: "sk-test-not-a-real-key".to_owned().into(),
        timeout: Duration::from_secs(10),
        max_tries: 1,
        backoff: Duration::from_millis(10),
    })
    .unwrap();
    let excerpts = corpus();
    let report = scoring::run(&client, &excerpts).await;
    println!("{}", report.render());

    let requests = llm.requests();
    assert_eq!(requests.len(), excerpts.len(), "one completion per excerpt");
    for (excerpt, (_, request)) in excerpts.iter().zip(&requests) {
        let user = request["messages"][1]["content"].as_str().unwrap();
        let sent: Value = serde_json::from_str(user).unwrap();
        assert_eq!(sent["language"], excerpt.expected.language);
        let first_page = excerpt.chunks().remove(0).body;
        assert_eq!(sent["documents"][0]["body"], first_page.as_str(), "{} was sent as it is", excerpt.name);
    }
    let first = &report.excerpts[0];
    assert_eq!(
        (first.kept, first.readings),
        (5, 5),
        "the fixed draft is the first excerpt's: {:?}",
        first.reading_misses
    );
    assert_eq!(first.invented.len(), 0);
    assert_eq!((first.safety_kept, first.safety), (2, 3), "the caution came back as a note");
    assert_eq!(first.warning_misses.len(), 1, "{:?}", first.warning_misses);
    let total = report.totals(None);
    assert_eq!(total.kept, 5, "no other excerpt states these limits");
    assert_eq!(total.invented, 5 * (excerpts.len() - 1), "on every other excerpt the five limits are invented");
    assert_eq!(total.failures, 0);
}
