//! Gamme's work service: maintenance plans (time- and meter-based), work orders and their
//! lifecycle, teams, follow-ups from runs, what is due (my work, boards, calendar, compliance),
//! asset labels and webhooks. It talks to the other services through events and read models only.

pub mod access;
pub mod comments;
pub mod config;
pub mod due;
pub mod emails;
pub mod error;
pub mod events;
pub mod follow_ups;
pub mod meters;
pub mod notifications;
pub mod openapi;
pub mod order_views;
pub mod orders;
pub mod planning;
pub mod plans;
pub mod refs;
pub mod routes;
pub mod runs;
pub mod schedule;
pub mod scheduler;
pub mod settings;
pub mod teams;
pub mod text;
pub mod webhook_sender;
pub mod webhooks;

use actix_web::{web, HttpResponse};
use chrono_tz::Tz;
use gamme_service_kit::{Backbone, Info, Parts, Service, Store};

pub use config::WorkConfig;

/// The time as Postgres keeps it (microseconds), so what a change answers is what a later
/// read shows.
pub use gamme_db::clock::now;

/// What handlers share.
pub struct AppState {
    pub store: Store,
    /// The time zone of sites without one of their own.
    pub default_zone: Tz,
    /// What labels' QR codes point to.
    pub public_url: String,
}

/// The work service, as the kit runs it.
pub struct Work;

impl Service for Work {
    const INFO: Info = Info::new("work", 8185).event_queues(&[runs::QUEUE, webhooks::QUEUE]);
    type Config = WorkConfig;

    async fn build(config: WorkConfig, backbone: &Backbone) -> anyhow::Result<Parts> {
        let (authenticator, user_events) = config.tokens.cached_authenticator(backbone);
        let authenticator = web::Data::new(authenticator);
        let store = backbone.store();
        let zone = config.default_time_zone;
        let state = web::Data::new(AppState {
            store: store.clone(),
            default_zone: zone,
            public_url: config.public_url.clone(),
        });
        let events = runs::RunEvents { store: store.clone(), default_zone: zone };
        let shutdown = backbone.shutdown.clone();
        let emails = config.smtp.clone().map(|smtp| emails::Sender {
            store: store.clone(),
            smtp,
            public_url: config.public_url.clone(),
            default_zone: zone,
            every: config.scheduler_interval.min(std::time::Duration::from_secs(10)),
        });
        let parts = Parts::new(move |cfg| {
            cfg.app_data(authenticator.clone())
                .app_data(state.clone())
                .route(
                    "/api/work/openapi.json",
                    web::get().to(|| async { HttpResponse::Ok().json(openapi::document()) }),
                )
                .configure(routes::configure);
        })
        .documented(&openapi::document())
        .task("run events", runs::run(events, backbone.bus.clone(), shutdown.clone()))
        .task("scheduler", scheduler::run(store.clone(), config.scheduler_interval, zone, shutdown))
        .task("user events", user_events)
        .task("webhook events", webhooks::consume(store.clone(), backbone.bus.clone(), backbone.shutdown.clone()))
        .task("webhook sender", webhook_sender::run(store.clone(), config.webhooks.clone(), backbone.shutdown.clone()));
        Ok(match emails {
            Some(sender) => parts.task("notification emails", emails::run(sender, backbone.shutdown.clone())),
            None => parts,
        })
    }
}

pub type Application = gamme_service_kit::Application<Work>;
