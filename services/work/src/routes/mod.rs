//! HTTP routes under `/api/work`: one file per resource. A handler extracts, checks who is
//! asking (`Access`), calls the domain, answers.

pub mod assets;
pub mod due;
pub mod meters;
pub mod notifications;
pub mod orders;
pub mod people;
pub mod plans;
pub mod settings;
pub mod teams;
pub mod webhooks;

use actix_web::web;
use gamme_auth_token::AuthUser;
use gamme_service_kit::RequestId;

use crate::events::Actor;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/work")
            .configure(orders::configure)
            .configure(teams::configure)
            .configure(plans::configure)
            .configure(meters::configure)
            .configure(due::configure)
            .configure(assets::configure)
            .configure(settings::configure)
            .configure(people::configure)
            .configure(notifications::configure)
            .configure(webhooks::configure),
    );
}

/// The signed-in person behind a change, with the request it came in.
fn actor(user: &AuthUser, request_id: &RequestId) -> Actor {
    Actor::person(user.id, request_id.as_str())
}
