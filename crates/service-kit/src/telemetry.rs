//! Tracing: JSON lines in containers (`GAMME_LOG_FORMAT=json`), readable lines on a terminal;
//! the filter comes from `GAMME_LOG` (default `info`).

use tracing_subscriber::{fmt, prelude::*, EnvFilter};

use crate::config::{Env, LogFormat};

/// Installs the global subscriber once; later calls (several apps in one test) are ignored.
pub fn init(env: &Env) {
    let filter = EnvFilter::try_new(env.get_or("GAMME_LOG", "info,lapin=warn,actix_server=warn"))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let format = env.log_format().unwrap_or(LogFormat::Pretty);
    let registry = tracing_subscriber::registry().with(filter);
    let result = match format {
        LogFormat::Json => registry
            .with(fmt::layer().json().with_current_span(false).with_span_list(true).flatten_event(true))
            .try_init(),
        LogFormat::Pretty => registry.with(fmt::layer().with_target(false)).try_init(),
    };
    let _ = result;
}
