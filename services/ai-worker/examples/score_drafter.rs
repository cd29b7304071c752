//! Scores a drafter on the corpus of manual excerpts and prints the figures and every miss: the
//! offline provider, or the OpenAI-compatible model that `GAMME_LLM_API_KEY` (with
//! `GAMME_LLM_BASE_URL`, `GAMME_LLM_MODEL`, …) configures, built as the worker builds it.
//! Run by `scripts/score-drafter.sh`; the argument, if any, is another corpus folder.

#![allow(clippy::print_stdout)] // a report

#[path = "../tests/scoring/mod.rs"]
mod scoring;

use std::{path::PathBuf, time::Instant};

use gamme_ai_worker::provider::{offline::Offline, openai::OpenAi};
use gamme_service_kit::Env;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = std::env::args_os().nth(1).map_or_else(scoring::corpus_dir, PathBuf::from);
    let excerpts = scoring::load(&dir)?;
    let started = Instant::now();
    let report = match gamme_ai_worker::Application::config(&Env::from_process())?.llm {
        Some(llm) => scoring::run(&OpenAi::new(llm)?, &excerpts).await,
        None => scoring::run(&Offline, &excerpts).await,
    };
    let elapsed = started.elapsed();
    let bytes: usize = excerpts.iter().map(|e| e.text.len()).sum();
    println!(
        "corpus: {} ({} excerpts, {} kB), drafted in {:.1} ms",
        dir.display(),
        excerpts.len(),
        bytes / 1000,
        elapsed.as_secs_f64() * 1000.0
    );
    print!("{}", report.render());
    Ok(())
}
