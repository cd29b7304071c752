//! Procedures as readers see them, kept serialized between requests: `GET /api/procedures/{id}`
//! is the most frequent read (every technician opening a procedure), and what a reader sees
//! changes only when the procedure does: a revision is published, it is archived, its assets
//! are relinked or renamed (or a person it names is renamed: auth's `user.updated`).
//!
//! Every such write enqueues `procedure.changed` or `asset.changed` (`Procedure::save`,
//! `Procedure::link_assets`, `Asset::record`) and every replica forgets what the event names
//! as soon as it hears it; the replica that wrote forgets before it answers (the routes'
//! [`forget_written`] wrapper), so its own next read is fresh too. While the listener is not
//! hearing, nothing is kept ([`HeardCache`]). Editors see drafts and are not served from here.
//!
//! Each answer carries a strong `ETag` (a digest of the exact bytes); `If-None-Match` with it
//! answers 304 with no body.

use std::{future::Future, sync::Arc, time::Duration};

use actix_web::{
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::{
        header::{self, HeaderValue},
        Method,
    },
    web::{self, Bytes},
    HttpRequest, HttpResponse,
};
use gamme_bus::{
    heard_cache::{Forget, HeardCache},
    Bus, Envelope, Event,
};
use gamme_service_kit::Problem;
use serde::Serialize;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// The events after which a reader's view may differ (a view names its authors and reviewers,
/// so a renamed user forgets them all).
pub const EVENTS: &[&str] = &["procedure.changed", "procedure.published", "asset.changed", "user.updated"];

/// How long a view may serve when no event cleared it (an event lost in flight).
const TTL: Duration = Duration::from_secs(60);

/// A serialized answer and its strong validator.
#[derive(Debug)]
pub struct Rendered {
    /// `"<hex>"`: the first 128 bits of the body's SHA-256.
    pub etag: HeaderValue,
    pub body: Bytes,
}

impl Rendered {
    pub fn json(value: &impl Serialize) -> Result<Self, Problem> {
        let body = serde_json::to_vec(value).map_err(|e| Problem::internal(&e))?;
        let digest = ring::digest::digest(&ring::digest::SHA256, &body);
        let hex = crate::hex(&digest.as_ref()[..16]);
        let etag = HeaderValue::try_from(format!("\"{hex}\"")).map_err(|e| Problem::internal(&e))?;
        Ok(Self { etag, body: Bytes::from(body) })
    }

    /// 304 when the client holds these bytes already (`If-None-Match`), else 200 with them.
    /// `private, no-cache`: a browser may keep it but asks again each time, with the validator.
    pub fn respond(&self, req: &HttpRequest) -> HttpResponse {
        let etag = self.etag.as_bytes();
        let held = req.headers().get_all(header::IF_NONE_MATCH).any(|list| {
            list.as_bytes()
                .split(|b| *b == b',')
                .map(<[u8]>::trim_ascii)
                .any(|tag| tag == b"*" || tag.strip_prefix(b"W/").unwrap_or(tag) == etag)
        });
        let mut response = if held { HttpResponse::NotModified() } else { HttpResponse::Ok() };
        response
            .insert_header((header::ETAG, self.etag.clone()))
            .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache")))
            .insert_header((header::VARY, HeaderValue::from_static("Authorization")));
        if held {
            response.finish()
        } else {
            response.content_type("application/json").body(self.body.clone())
        }
    }
}

/// The readers' views of procedures, by procedure id, up to a number of bytes.
pub struct ReaderViews {
    cache: HeardCache<Uuid, Arc<Rendered>>,
}

impl ReaderViews {
    pub fn new(max_bytes: usize) -> Self {
        Self { cache: HeardCache::new(TTL, max_bytes) }
    }

    /// The view of procedure `id`, from memory or made by `render` (and kept).
    pub async fn get<F, Fut, E>(&self, id: Uuid, render: F) -> Result<Arc<Rendered>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Rendered, E>>,
    {
        if let Some(kept) = self.cache.get(&id) {
            return Ok(kept);
        }
        let seen = self.cache.begin();
        let rendered = Arc::new(render().await?);
        self.cache.keep(seen, id, rendered.clone(), rendered.body.len());
        Ok(rendered)
    }

    pub fn forget(&self, what: Forget<Uuid>) {
        self.cache.forget(what);
    }

    /// Hears the events that change views, until `shutdown`.
    pub fn listen(self: Arc<Self>, bus: Bus, shutdown: CancellationToken) -> impl Future<Output = ()> + Send + 'static {
        gamme_bus::consumer::listen(bus, EVENTS, shutdown, move |heard| self.cache.heard(heard, meaning))
    }
}

fn meaning(envelope: &Envelope) -> Forget<Uuid> {
    match envelope.event {
        Event::ProcedureChanged { procedure_id } | Event::ProcedurePublished { procedure_id, .. } => {
            Forget::One(procedure_id)
        }
        Event::AssetChanged { .. } | Event::UserUpdated { .. } => Forget::All,
        _ => Forget::Nothing,
    }
}

/// After a write through this replica (any method but GET and HEAD), forgets what it may have
/// changed before the answer leaves: the procedure its path names (`/api/procedures/{id}/…`),
/// or every view (assets, imports). Other replicas hear the write's event.
pub async fn forget_written<B: MessageBody>(
    req: ServiceRequest,
    next: actix_web::middleware::Next<B>,
) -> Result<ServiceResponse<B>, actix_web::Error> {
    if matches!(*req.method(), Method::GET | Method::HEAD) {
        return next.call(req).await;
    }
    let what = match req.path().strip_prefix("/api/procedures/").and_then(|rest| rest.split('/').next()) {
        Some(id) => id.parse().map_or(Forget::All, Forget::One),
        None => Forget::All,
    };
    let views = req.app_data::<web::Data<ReaderViews>>().cloned();
    let response = next.call(req).await;
    if let Some(views) = views {
        views.forget(what);
    }
    response
}
