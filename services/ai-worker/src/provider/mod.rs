//! Who answers a job: an OpenAI-compatible model, or the built-in offline provider when no key
//! is configured. Both sit behind `Assistant`; the job records which one answered.

pub mod offline;
pub mod openai;

use std::time::Duration;

use serde_json::Value;

use crate::sources::{Chunk, RevisionText};

/// What a job asks, with what it reads already loaded.
pub enum Task<'a> {
    Draft { language: &'a str, prompt: Option<&'a str>, documents: &'a [Chunk], names: &'a [(uuid::Uuid, String)] },
    Translate { revision: &'a RevisionText, target_language: &'a str },
    Review { revision: &'a RevisionText },
    Ask { question: &'a str, passages: &'a [Chunk] },
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub prompt_tokens: i32,
    pub completion_tokens: i32,
}

impl std::ops::AddAssign for Usage {
    fn add_assign(&mut self, other: Self) {
        self.prompt_tokens = self.prompt_tokens.saturating_add(other.prompt_tokens);
        self.completion_tokens = self.completion_tokens.saturating_add(other.completion_tokens);
    }
}

/// A checked result (JSON of the job kind's schema) and the tokens it cost.
#[derive(Debug)]
pub struct Answered {
    pub result: Value,
    pub usage: Usage,
}

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// Worth trying again later: rate limits, 5xx, timeouts, connection trouble.
    #[error("the language model is unavailable for now: {reason}")]
    Transient { reason: String, retry_after: Option<Duration>, usage: Usage },
    /// Trying again will not help; the message is for the person who asked.
    #[error("{message}")]
    Permanent { message: String, usage: Usage },
}

impl ProviderError {
    pub fn permanent(message: impl Into<String>) -> Self {
        ProviderError::Permanent { message: message.into(), usage: Usage::default() }
    }

    pub fn usage(&self) -> Usage {
        match self {
            ProviderError::Transient { usage, .. } | ProviderError::Permanent { usage, .. } => *usage,
        }
    }
}

/// One of the providers.
pub trait Assistant: Send + Sync {
    /// `offline` or `openai`.
    fn name(&self) -> &'static str;
    fn model(&self) -> Option<&str>;
    fn answer(&self, task: &Task<'_>) -> impl std::future::Future<Output = Result<Answered, ProviderError>> + Send;
}

/// The provider this worker uses, chosen from the configuration at start.
pub enum Provider {
    Offline(offline::Offline),
    OpenAi(openai::OpenAi),
}

impl Assistant for Provider {
    fn name(&self) -> &'static str {
        match self {
            Provider::Offline(p) => p.name(),
            Provider::OpenAi(p) => p.name(),
        }
    }

    fn model(&self) -> Option<&str> {
        match self {
            Provider::Offline(p) => p.model(),
            Provider::OpenAi(p) => p.model(),
        }
    }

    async fn answer(&self, task: &Task<'_>) -> Result<Answered, ProviderError> {
        match self {
            Provider::Offline(p) => p.answer(task).await,
            Provider::OpenAi(p) => p.answer(task).await,
        }
    }
}
