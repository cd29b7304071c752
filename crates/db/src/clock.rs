//! The time as Postgres keeps it (microseconds), so what a change answers is what a later read
//! shows, and what a hash covers is what is read back.

use chrono::{DateTime, SubsecRound, Utc};

pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}
