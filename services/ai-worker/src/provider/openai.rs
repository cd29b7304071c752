//! An OpenAI-compatible chat-completions client (OpenAI, Azure-style gateways, Ollama, vLLM,
//! llama.cpp servers). It asks for structured output with a JSON Schema and falls back to JSON
//! mode where the server lacks it, checks the answer against Gamme's schema, asks once more
//! with the error on a bad answer, retries rate limits, server errors and timeouts with
//! exponential backoff honouring `Retry-After`, and counts tokens.

use std::{
    sync::atomic::{AtomicBool, Ordering},
    time::Duration,
};

use gamme_backoff::Backoff;
use reqwest::{header, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use super::{Answered, Assistant, ProviderError, Task, Usage};
use crate::proposal::{self, Answer, DraftProposal, ReviewResult};

#[derive(Debug, Clone)]
pub struct OpenAiConfig {
    /// e.g. `https://api.openai.com/v1` or `http://ollama:11434/v1`.
    pub base_url: String,
    pub model: String,
    pub api_key: SecretString,
    pub timeout: Duration,
    /// Tries per call for rate limits, 5xx and timeouts, before the job is given back to the queue.
    pub max_tries: u32,
    /// The first backoff; each retry doubles it (up to 60 s).
    pub backoff: Duration,
}

pub struct OpenAi {
    config: OpenAiConfig,
    client: reqwest::Client,
    /// Set once a server refused `json_schema`: JSON mode from then on.
    json_mode_only: AtomicBool,
}

enum Format {
    Schema,
    JsonMode,
}

impl OpenAi {
    pub fn new(config: OpenAiConfig) -> anyhow::Result<Self> {
        let client =
            reqwest::Client::builder().timeout(config.timeout).connect_timeout(Duration::from_secs(10)).build()?;
        Ok(Self { config, client, json_mode_only: AtomicBool::new(false) })
    }

    fn url(&self) -> String {
        format!("{}/chat/completions", self.config.base_url.trim_end_matches('/'))
    }

    /// One completion, retried while the failure is transient.
    #[tracing::instrument(skip_all, fields(model = %self.config.model, schema = schema_name))]
    async fn complete(
        &self,
        messages: &[Value],
        schema_name: &str,
        schema: &Value,
    ) -> Result<(String, Usage), ProviderError> {
        // Rate limits, 5xx and timeouts: the configured first pause, doubled per try up to a
        // minute, unless the server says how long to wait (`Retry-After`, up to two minutes).
        let mut backoff = Backoff::exponential(self.config.backoff, Duration::from_secs(60));
        let mut tries = 0;
        loop {
            tries += 1;
            let format = if self.json_mode_only.load(Ordering::Relaxed) { Format::JsonMode } else { Format::Schema };
            let response_format = match format {
                Format::Schema => {
                    json!({ "type": "json_schema", "json_schema": { "name": schema_name, "schema": schema, "strict": true } })
                }
                Format::JsonMode => json!({ "type": "json_object" }),
            };
            let mut messages = messages.to_vec();
            if matches!(format, Format::JsonMode) {
                // JSON mode does not carry the schema: say it in words.
                messages.insert(
                    0,
                    json!({ "role": "system", "content": format!("Answer with one JSON object that follows this JSON Schema:\n{schema}") }),
                );
            }
            let body = json!({ "model": self.config.model, "messages": messages, "temperature": 0.2, "response_format": response_format });
            let sent =
                self.client.post(self.url()).bearer_auth(self.config.api_key.expose_secret()).json(&body).send().await;
            let failure = match sent {
                Err(err) => {
                    // The error names the model server's URL: the log gets it, the job's
                    // reader a sentence.
                    tracing::warn!(error = %gamme_service_kit::problem::error_chain(&err), "cannot reach the model server");
                    let reason = if err.is_timeout() {
                        "the request timed out".to_owned()
                    } else {
                        "the language model could not be reached".to_owned()
                    };
                    ProviderError::Transient { reason, retry_after: None, usage: Usage::default() }
                }
                Ok(res) => {
                    let status = res.status();
                    let retry_after = retry_after(res.headers());
                    let text = res.text().await.unwrap_or_default();
                    if status.is_success() {
                        return parse_completion(&text);
                    }
                    if status == StatusCode::BAD_REQUEST
                        && matches!(format, Format::Schema)
                        && (text.contains("response_format") || text.contains("json_schema"))
                    {
                        tracing::warn!("the model server does not support json_schema output; using JSON mode");
                        self.json_mode_only.store(true, Ordering::Relaxed);
                        tries -= 1;
                        continue;
                    }
                    match status {
                        StatusCode::TOO_MANY_REQUESTS | StatusCode::REQUEST_TIMEOUT => ProviderError::Transient {
                            reason: format!("HTTP {}", status.as_u16()),
                            retry_after,
                            usage: Usage::default(),
                        },
                        s if s.is_server_error() => {
                            ProviderError::Transient { reason: format!("HTTP {}", s.as_u16()), retry_after, usage: Usage::default() }
                        }
                        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                            return Err(ProviderError::permanent(format!(
                                "The language model refused Gamme's key (HTTP {}). An administrator must check GAMME_LLM_API_KEY.",
                                status.as_u16()
                            )))
                        }
                        s => {
                            tracing::warn!(status = s.as_u16(), body = %truncate(&text, 500), "the model server refused the request");
                            return Err(ProviderError::permanent(format!(
                                "The language model refused the request (HTTP {}). An administrator can find the reason in the AI worker's log.",
                                s.as_u16()
                            )));
                        }
                    }
                }
            };
            if tries >= self.config.max_tries {
                return Err(failure);
            }
            let ProviderError::Transient { reason, retry_after, .. } = &failure else { return Err(failure) };
            let pause = backoff.next_delay();
            let delay = retry_after.unwrap_or(pause).min(Duration::from_secs(120));
            tracing::info!(%reason, try_number = tries, delay_ms = delay.as_millis() as u64, "the model is unavailable; retrying");
            tokio::time::sleep(delay).await;
        }
    }

    /// Asks, checks the answer, and on a bad one asks once more with the error.
    async fn structured<T: DeserializeOwned + serde::Serialize>(
        &self,
        system: &str,
        user: String,
        schema_name: &str,
        schema: &Value,
        check: impl Fn(&T) -> Result<(), String>,
    ) -> Result<Answered, ProviderError> {
        let mut messages =
            vec![json!({ "role": "system", "content": system }), json!({ "role": "user", "content": user })];
        let mut usage = Usage::default();
        let mut last_error = String::new();
        for attempt in 0..2 {
            let (content, used) =
                self.complete(&messages, schema_name, schema).await.map_err(|e| with_usage(e, usage))?;
            usage += used;
            let parsed = serde_json::from_str::<T>(strip_fences(&content))
                .map_err(|e| format!("the answer is not valid JSON for the schema ({e})"))
                .and_then(|v| check(&v).map(|()| v));
            match parsed {
                Ok(value) => {
                    let result = serde_json::to_value(&value).map_err(|e| ProviderError::permanent(e.to_string()))?;
                    return Ok(Answered { result, usage });
                }
                Err(error) => {
                    tracing::info!(attempt, %error, "the model's answer does not fit Gamme's schema");
                    last_error = error;
                    messages.push(json!({ "role": "assistant", "content": content }));
                    messages.push(json!({ "role": "user", "content": format!(
                        "That answer cannot be used: {last_error}. Answer again with only the corrected JSON object.") }));
                }
            }
        }
        Err(ProviderError::Permanent {
            message: format!("The language model's answer did not follow Gamme's format, twice: {last_error}."),
            usage,
        })
    }
}

fn with_usage(err: ProviderError, spent: Usage) -> ProviderError {
    match err {
        ProviderError::Transient { reason, retry_after, mut usage } => {
            usage += spent;
            ProviderError::Transient { reason, retry_after, usage }
        }
        ProviderError::Permanent { message, mut usage } => {
            usage += spent;
            ProviderError::Permanent { message, usage }
        }
    }
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// Some servers wrap JSON in a Markdown fence even in JSON mode.
fn strip_fences(s: &str) -> &str {
    let t = s.trim();
    let t = t.strip_prefix("```json").or_else(|| t.strip_prefix("```")).unwrap_or(t);
    t.strip_suffix("```").unwrap_or(t).trim()
}

/// `Retry-After` in seconds (HTTP dates are rare from model servers and are ignored).
fn retry_after(headers: &header::HeaderMap) -> Option<Duration> {
    let v = headers.get(header::RETRY_AFTER)?.to_str().ok()?;
    v.trim().parse::<f64>().ok().filter(|s| s.is_finite() && *s >= 0.0).map(Duration::from_secs_f64)
}

fn parse_completion(text: &str) -> Result<(String, Usage), ProviderError> {
    let v: Value = serde_json::from_str(text).map_err(|_| ProviderError::Transient {
        reason: "the server's reply is not JSON".into(),
        retry_after: None,
        usage: Usage::default(),
    })?;
    let usage = Usage {
        prompt_tokens: v["usage"]["prompt_tokens"].as_i64().and_then(|n| i32::try_from(n).ok()).unwrap_or(0),
        completion_tokens: v["usage"]["completion_tokens"].as_i64().and_then(|n| i32::try_from(n).ok()).unwrap_or(0),
    };
    let message = &v["choices"][0]["message"];
    if let Some(refusal) = message["refusal"].as_str().filter(|r| !r.is_empty()) {
        return Err(ProviderError::Permanent { message: format!("The language model declined: {refusal}"), usage });
    }
    let content = message["content"].as_str().unwrap_or_default().to_owned();
    Ok((content, usage))
}

const DRAFT_SYSTEM: &str = "You write maintenance procedures for Gamme. Use only what the documents say. \
Each step is one action or one check, with the kind that fits (number steps carry unit, min and max when the \
document gives them). Copy DANGER, WARNING, CAUTION and NOTE notices into warning_level and warning_text of the \
step they concern. Cite the file_id and page each step comes from. Write in the requested language.";

const TRANSLATE_SYSTEM: &str = "You translate a maintenance procedure for Gamme. Keep the structure, the order, \
the step kinds, the limits (min, max) and units exactly; translate only the words.";

const REVIEW_SYSTEM: &str = "You review a maintenance procedure for safety and quality: missing lock-out/tag-out, \
missing personal protective equipment, no verification of zero energy, readings without limits, vague values, steps \
without a verification. Name the step numbers concerned. Only report real problems.";

const ASK_SYSTEM: &str = "You answer a question about maintenance documents using only the passages given. \
Cite the passages you used (file_id, page, and the sentence). If the passages do not answer, say so.";

impl Assistant for OpenAi {
    fn name(&self) -> &'static str {
        "openai"
    }

    fn model(&self) -> Option<&str> {
        Some(&self.config.model)
    }

    async fn answer(&self, task: &Task<'_>) -> Result<Answered, ProviderError> {
        match task {
            Task::Draft { language, prompt, documents, .. } => {
                let user = json!({ "language": language, "request": prompt, "documents": documents }).to_string();
                self.structured::<DraftProposal>(DRAFT_SYSTEM, user, "gamme_draft", &proposal::draft_schema(), |d| {
                    d.check()
                })
                .await
            }
            Task::Translate { revision, target_language } => {
                let user = json!({ "target_language": target_language, "revision": revision }).to_string();
                let expected: Vec<(String, Option<f64>, Option<f64>)> =
                    revision.steps().map(|s| (s.kind.clone(), s.min, s.max)).collect();
                let target = (*target_language).to_owned();
                self.structured::<DraftProposal>(
                    TRANSLATE_SYSTEM,
                    user,
                    "gamme_draft",
                    &proposal::draft_schema(),
                    move |d| {
                        d.check()?;
                        if d.language != target {
                            return Err(format!("`language` must be `{target}`"));
                        }
                        let got: Vec<(String, Option<f64>, Option<f64>)> = d
                            .sections
                            .iter()
                            .flat_map(|s| s.steps.iter())
                            .map(|s| (s.kind.clone(), s.min, s.max))
                            .collect();
                        if got != expected {
                            return Err("the steps' number, order, kinds or limits changed; keep them exactly".into());
                        }
                        Ok(())
                    },
                )
                .await
            }
            Task::Review { revision } => {
                let count = revision.steps().count();
                let user = json!({ "revision": revision }).to_string();
                self.structured::<ReviewResult>(
                    REVIEW_SYSTEM,
                    user,
                    "gamme_review",
                    &proposal::review_schema(),
                    move |r| r.check(count),
                )
                .await
            }
            Task::Ask { question, passages } => {
                let user = json!({ "question": question, "passages": passages }).to_string();
                let known: Vec<(uuid::Uuid, i32)> = passages.iter().map(|p| (p.file_id, p.page)).collect();
                self.structured::<Answer>(
                    ASK_SYSTEM,
                    user,
                    "gamme_answer",
                    &proposal::answer_schema(),
                    move |a| match a.citations.iter().find(|c| !known.contains(&(c.file_id, c.page))) {
                        Some(c) => Err(format!(
                            "citation of page {} of {} is not one of the passages given",
                            c.page, c.file_id
                        )),
                        None => Ok(()),
                    },
                )
                .await
            }
        }
    }
}
