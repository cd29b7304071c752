//! Webhooks for integrations: an admin registers a URL for some event types (`work_order.*`,
//! `follow_up.created`, `run.completed`, `procedure.published`) and each such event is posted to
//! it, signed in the style of the Standard Webhooks spec.
//!
//! An event becomes one `webhook_deliveries` row per endpoint that wants it, written by this
//! service's consumer of those events ([`QUEUE`], [`fan_out`]) in one transaction before the
//! message is acknowledged; the `(endpoint_id, message_id)` key makes a redelivered message, or
//! one handled by two replicas, one delivery. The body is written then, once, so every try posts
//! the same bytes. [`crate::webhook_sender`] posts them.
//!
//! The secret is shown once, when the endpoint is made; lists never show it.

use base64::{engine::general_purpose::STANDARD, Engine};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use gamme_bus::{consumer, Bus, Envelope, EventQueue, Incoming, Outcome};
use gamme_db::schema::{webhook_deliveries, webhook_endpoints};
use gamme_service_kit::Store;
use ring::rand::SecureRandom;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::{Result, WorkError};

/// The events an endpoint may ask for. `work_order.*` asks for every `work_order.` one,
/// including kinds added later.
pub const EVENT_TYPES: &[&str] = &[
    "work_order.*",
    "work_order.created",
    "work_order.assigned",
    "work_order.started",
    "work_order.completed",
    "work_order.cancelled",
    "work_order.commented",
    "work_order.due",
    "work_order.overdue",
    "follow_up.created",
    "run.completed",
    "procedure.published",
];

pub const QUEUE: EventQueue = EventQueue {
    name: "work.webhooks",
    event_types: &["work_order.*", "follow_up.created", "run.completed", "procedure.published"],
};

/// Messages in flight per replica: each is one short transaction.
const PREFETCH: u16 = 16;
/// Endpoints one server keeps.
const MAX_ENDPOINTS: i64 = 100;
const SECRET_PREFIX: &str = "whsec_";

/// A registered URL.
/// No `Debug`: it holds the secret.
#[derive(Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = webhook_endpoints)]
pub struct Endpoint {
    pub id: Uuid,
    pub url: String,
    pub description: String,
    pub event_types: Vec<String>,
    pub secret: String,
    pub active: bool,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An endpoint as admins see it: everything but the secret.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EndpointView {
    pub id: Uuid,
    pub url: String,
    pub description: String,
    pub event_types: Vec<String>,
    pub active: bool,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Deliveries still to make (first tries and retries).
    pub pending: i64,
    /// Deliveries given up after a day of retries.
    pub failed: i64,
}

/// A new endpoint, with the secret its receiver checks signatures with: shown this once.
#[derive(Serialize, ToSchema)]
pub struct CreatedEndpoint {
    #[serde(flatten)]
    pub endpoint: EndpointView,
    /// `whsec_` and the base64 of the key (Standard Webhooks' format).
    pub secret: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointInput {
    /// `https://` (or `http://` on a trusted network) URL that receives the POSTs.
    pub url: String,
    #[serde(default)]
    pub description: String,
    /// Among `work_order.*`, `work_order.created` … `procedure.published`.
    pub event_types: Vec<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointPatch {
    pub url: Option<String>,
    pub description: Option<String>,
    pub event_types: Option<Vec<String>>,
    /// `false` stops deliveries (they wait); `true` sends them again.
    pub active: Option<bool>,
}

gamme_db::text_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum DeliveryState {
        Pending,
        Delivered,
        Failed,
    }
}

/// One event for one endpoint, with what the last try got back.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = webhook_deliveries)]
pub struct DeliveryView {
    pub id: Uuid,
    /// The `webhook-id` header.
    pub message_id: Uuid,
    pub event_type: String,
    pub state: DeliveryState,
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
    /// When the next try is due (pending only).
    pub next_attempt_at: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The HTTP status the receiver answered last (none: no answer).
    pub last_status: Option<i32>,
    /// The start of the receiver's last answer (up to 2 KiB).
    pub last_response: Option<String>,
    /// Why the last try failed: timeout, refused connection, a status outside 2xx.
    pub last_error: Option<String>,
    pub last_duration_ms: Option<i32>,
    pub delivered_at: Option<DateTime<Utc>>,
}

pub const DELIVERIES_PAGE: gamme_db::paging::PageSize = gamme_db::paging::PageSize::new(50, 200);

fn invalid_field(field: &str, message: &str) -> WorkError {
    WorkError::Validation { message: message.to_owned(), errors: Some(serde_json::json!({ field: [message] })) }
}

/// An `http(s)` URL with a host and no credentials in it.
fn checked_url(url: &str) -> Result<String> {
    let url = url.trim();
    let bad = |m: &str| invalid_field("url", m);
    if url.len() > 2000 {
        return Err(bad("The URL is longer than 2,000 characters."));
    }
    let parsed = reqwest::Url::parse(url).map_err(|e| bad(&format!("This is not a URL: {e}.")))?;
    if !matches!(parsed.scheme(), "https" | "http") {
        return Err(bad("The URL must start with https:// (or http:// on a trusted network)."));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(bad("The URL has no host."));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(bad("Put no user name or password in the URL: receivers check the signature instead."));
    }
    if parsed.fragment().is_some() {
        return Err(bad("The URL must not have a #fragment."));
    }
    Ok(parsed.to_string())
}

fn checked_event_types(types: Vec<String>) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for t in types {
        let t = t.trim().to_owned();
        if !EVENT_TYPES.contains(&t.as_str()) {
            return Err(invalid_field(
                "event_types",
                &format!("`{t}` is not an event a webhook can receive: use one of {}.", EVENT_TYPES.join(", ")),
            ));
        }
        if !out.contains(&t) {
            out.push(t);
        }
    }
    if out.is_empty() {
        return Err(invalid_field("event_types", "Choose at least one event."));
    }
    Ok(out)
}

fn checked_description(d: String) -> Result<String> {
    let d = d.trim().to_owned();
    if d.chars().count() > 500 {
        return Err(invalid_field("description", "The description is longer than 500 characters."));
    }
    Ok(d)
}

/// `whsec_` and the base64 of 24 random bytes.
fn new_secret() -> Result<String> {
    let mut key = [0u8; 24];
    ring::rand::SystemRandom::new()
        .fill(&mut key)
        .map_err(|_| WorkError::Unexpected(anyhow::anyhow!("the system's random generator failed")))?;
    Ok(format!("{SECRET_PREFIX}{}", STANDARD.encode(key)))
}

/// The HMAC key a secret stands for.
pub fn secret_key(secret: &str) -> Vec<u8> {
    STANDARD.decode(secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret)).unwrap_or_else(|_| secret.as_bytes().to_vec())
}

/// `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`: the `webhook-signature` header.
pub fn signature(secret: &str, message_id: &str, timestamp: i64, body: &str) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &secret_key(secret));
    let signed = ring::hmac::sign(&key, format!("{message_id}.{timestamp}.{body}").as_bytes());
    format!("v1,{}", STANDARD.encode(signed.as_ref()))
}

impl Endpoint {
    pub fn list(conn: &mut PgConnection) -> QueryResult<Vec<Endpoint>> {
        webhook_endpoints::table.order(webhook_endpoints::created_at.asc()).select(Endpoint::as_select()).load(conn)
    }

    pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<Endpoint> {
        webhook_endpoints::table
            .find(id)
            .select(Endpoint::as_select())
            .first(conn)
            .optional()?
            .ok_or(WorkError::NotFound("webhook"))
    }

    pub fn create(conn: &mut PgConnection, by: Uuid, input: EndpointInput) -> Result<CreatedEndpoint> {
        let url = checked_url(&input.url)?;
        let event_types = checked_event_types(input.event_types)?;
        let description = checked_description(input.description)?;
        let count: i64 = webhook_endpoints::table.count().get_result(conn)?;
        if count >= MAX_ENDPOINTS {
            return Err(WorkError::conflict(
                "too_many_webhooks",
                format!("A server keeps at most {MAX_ENDPOINTS} webhooks: delete one first."),
            ));
        }
        let now = crate::now();
        let secret = new_secret()?;
        let endpoint: Endpoint = diesel::insert_into(webhook_endpoints::table)
            .values((
                webhook_endpoints::id.eq(Uuid::now_v7()),
                webhook_endpoints::url.eq(url),
                webhook_endpoints::description.eq(description),
                webhook_endpoints::event_types.eq(event_types),
                webhook_endpoints::secret.eq(&secret),
                webhook_endpoints::created_by.eq(by),
                webhook_endpoints::created_at.eq(now),
                webhook_endpoints::updated_at.eq(now),
            ))
            .returning(Endpoint::as_returning())
            .get_result(conn)?;
        // The host only: a query string may hold a receiver's token.
        tracing::info!(webhook = %endpoint.id, host = reqwest::Url::parse(&endpoint.url).ok().and_then(|u| u.host_str().map(str::to_owned)).unwrap_or_default(), "webhook registered");
        Ok(CreatedEndpoint { endpoint: endpoint.view(conn)?, secret })
    }

    pub fn update(conn: &mut PgConnection, id: Uuid, patch: EndpointPatch) -> Result<Endpoint> {
        let mut endpoint = Endpoint::find(conn, id)?;
        if let Some(url) = patch.url {
            endpoint.url = checked_url(&url)?;
        }
        if let Some(types) = patch.event_types {
            endpoint.event_types = checked_event_types(types)?;
        }
        if let Some(d) = patch.description {
            endpoint.description = checked_description(d)?;
        }
        if let Some(active) = patch.active {
            endpoint.active = active;
        }
        Ok(diesel::update(webhook_endpoints::table.find(id))
            .set((
                webhook_endpoints::url.eq(&endpoint.url),
                webhook_endpoints::event_types.eq(&endpoint.event_types),
                webhook_endpoints::description.eq(&endpoint.description),
                webhook_endpoints::active.eq(endpoint.active),
                webhook_endpoints::updated_at.eq(crate::now()),
            ))
            .returning(Endpoint::as_returning())
            .get_result(conn)?)
    }

    /// Deletes the endpoint and its deliveries (those in flight finish, and are not recorded).
    pub fn delete(conn: &mut PgConnection, id: Uuid) -> Result<()> {
        match diesel::delete(webhook_endpoints::table.find(id)).execute(conn)? {
            0 => Err(WorkError::NotFound("webhook")),
            _ => Ok(()),
        }
    }

    pub fn view(&self, conn: &mut PgConnection) -> QueryResult<EndpointView> {
        let count = |conn: &mut PgConnection, state: DeliveryState| {
            webhook_deliveries::table
                .filter(webhook_deliveries::endpoint_id.eq(self.id))
                .filter(webhook_deliveries::state.eq(state.to_string()))
                .count()
                .get_result::<i64>(conn)
        };
        Ok(EndpointView {
            id: self.id,
            url: self.url.clone(),
            description: self.description.clone(),
            event_types: self.event_types.clone(),
            active: self.active,
            created_by: self.created_by,
            created_at: self.created_at,
            updated_at: self.updated_at,
            pending: count(conn, DeliveryState::Pending)?,
            failed: count(conn, DeliveryState::Failed)?,
        })
    }

    /// Whether this endpoint asked for events of `kind`.
    pub fn wants(&self, kind: &str) -> bool {
        self.event_types.iter().any(|t| match t.strip_suffix('*') {
            Some(prefix) => kind.starts_with(prefix),
            None => t == kind,
        })
    }

    /// An endpoint's deliveries, newest first, after the delivery `after`.
    pub fn deliveries(
        conn: &mut PgConnection,
        id: Uuid,
        state: Option<DeliveryState>,
        after: Option<Uuid>,
        fetch: i64,
    ) -> QueryResult<Vec<DeliveryView>> {
        let mut q = webhook_deliveries::table
            .filter(webhook_deliveries::endpoint_id.eq(id))
            .order(webhook_deliveries::id.desc())
            .limit(fetch)
            .select(DeliveryView::as_select())
            .into_boxed();
        if let Some(state) = state {
            q = q.filter(webhook_deliveries::state.eq(state.to_string()));
        }
        if let Some(after) = after {
            q = q.filter(webhook_deliveries::id.lt(after));
        }
        q.load(conn)
    }

    /// Sends a delivery given up (or still waiting) again now, with a new day of retries.
    pub fn retry(conn: &mut PgConnection, id: Uuid, delivery: Uuid) -> Result<DeliveryView> {
        let now = crate::now();
        diesel::update(
            webhook_deliveries::table
                .filter(webhook_deliveries::id.eq(delivery))
                .filter(webhook_deliveries::endpoint_id.eq(id))
                .filter(webhook_deliveries::state.ne(DeliveryState::Delivered.to_string())),
        )
        .set((
            webhook_deliveries::state.eq(DeliveryState::Pending.to_string()),
            webhook_deliveries::attempts.eq(0),
            webhook_deliveries::created_at.eq(now),
            webhook_deliveries::next_attempt_at.eq(now),
        ))
        .returning(DeliveryView::as_returning())
        .get_result(conn)
        .optional()?
        .ok_or(WorkError::conflict("not_retryable", "There is no such delivery of this webhook waiting or given up."))
    }
}

/// The body posted for `envelope`: `{type, timestamp, data}` as the Standard Webhooks spec
/// suggests, with the event's `id`.
pub fn payload(envelope: &Envelope) -> String {
    let event = serde_json::to_value(&envelope.event).unwrap_or_default();
    serde_json::json!({
        "id": envelope.message_id,
        "type": event["type"],
        "timestamp": envelope.occurred_at,
        "data": event["data"],
    })
    .to_string()
}

/// One delivery per active endpoint that wants `envelope`'s event; how many were new.
pub fn fan_out(conn: &mut PgConnection, envelope: &Envelope) -> QueryResult<usize> {
    let kind = envelope.event.kind();
    let endpoints: Vec<Endpoint> = Endpoint::list(conn)?.into_iter().filter(|e| e.active && e.wants(kind)).collect();
    if endpoints.is_empty() {
        return Ok(0);
    }
    let body = payload(envelope);
    let now = crate::now();
    let rows: Vec<_> = endpoints
        .iter()
        .map(|e| {
            (
                webhook_deliveries::id.eq(Uuid::now_v7()),
                webhook_deliveries::endpoint_id.eq(e.id),
                webhook_deliveries::message_id.eq(envelope.message_id),
                webhook_deliveries::event_type.eq(kind),
                webhook_deliveries::payload.eq(&body),
                webhook_deliveries::created_at.eq(now),
                webhook_deliveries::next_attempt_at.eq(now),
            )
        })
        .collect();
    diesel::insert_into(webhook_deliveries::table).values(rows).on_conflict_do_nothing().execute(conn)
}

/// Consumes [`QUEUE`] until `shutdown`, writing each event's deliveries.
pub async fn consume(store: Store, bus: Bus, shutdown: CancellationToken) {
    let queue = bus.topology().queue(QUEUE.name);
    consumer::run(bus, queue, PREFETCH, shutdown, move |incoming: Incoming| {
        let store = store.clone();
        async move {
            let envelope = match incoming.envelope() {
                Ok(envelope) => envelope,
                Err(outcome) => return outcome,
            };
            match store.write(move |c| fan_out(c, &envelope).map_err(WorkError::from)).await {
                Ok(_) => Outcome::Ack,
                Err(err) => {
                    tracing::warn!(error = %gamme_service_kit::problem::error_chain(&err), "webhook deliveries not written; retrying");
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    Outcome::Requeue
                }
            }
        }
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_standard_webhooks_one() {
        // The example of the Standard Webhooks spec's reference libraries.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn urls_and_event_types_are_checked() {
        assert!(checked_url("https://erp.usine.test/hooks/gamme").is_ok());
        assert!(checked_url("ftp://erp.usine.test/").is_err());
        assert!(checked_url("https://user:pw@erp.usine.test/").is_err());
        assert!(checked_url("pas une url").is_err());
        assert_eq!(
            checked_event_types(vec!["run.completed".into(), "run.completed".into()]).unwrap(),
            vec!["run.completed".to_owned()]
        );
        assert!(checked_event_types(vec![]).is_err());
        assert!(checked_event_types(vec!["user.created".into()]).is_err());
    }

    #[test]
    fn a_wildcard_takes_every_work_order_event() {
        let e = Endpoint {
            id: Uuid::nil(),
            url: String::new(),
            description: String::new(),
            event_types: vec!["work_order.*".into(), "run.completed".into()],
            secret: String::new(),
            active: true,
            created_by: Uuid::nil(),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        assert!(e.wants("work_order.completed"));
        assert!(e.wants("run.completed"));
        assert!(!e.wants("procedure.published"));
        assert!(!e.wants("follow_up.created"));
    }
}
