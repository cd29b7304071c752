//! Posts webhook deliveries. Each replica runs a sender with [`CONCURRENCY`] slots; a round
//! claims at most as many due deliveries as it has free slots, and never a second one of an
//! endpoint with a delivery in flight anywhere: a slow or dead receiver holds one slot (for at
//! most the [`TIMEOUT`]), and everything else goes on in the others.
//!
//! A claim is a lease (`lease_until`, [`LEASE`]): a replica that dies mid-post lets the delivery
//! go when it ends, and another posts it again (receivers dedupe on `webhook-id`). Claims are
//! taken one replica at a time (a transaction-scoped advisory lock), so "one in flight per
//! endpoint" holds across replicas.
//!
//! A 2xx answer delivers; anything else (another status, a timeout, no connection) is retried
//! after a wait that doubles from `GAMME_WEBHOOK_RETRY_BASE_MS` (30 s) up to 240 times that
//! (2 h), until a day has passed since the event: about 20 tries. Redirects are not followed.
//! Deliveries settled more than 30 days ago are dropped.
//!
//! Where a webhook may point: a receiver on the plant's network (private addresses) or the
//! internet, never the machine itself or its cloud's metadata service. An address that is
//! loopback, link-local (169.254.0.0/16, where metadata services answer, and fe80::/10),
//! unspecified, multicast or broadcast is refused, whether the URL names it or a name resolves
//! to it (the client's resolver drops such answers, so a name cannot be pointed there after
//! the check). Loopback is allowed only where asked (`GAMME_WEBHOOK_ALLOW_LOOPBACK`, on by
//! default in development, where receivers run beside the stack).

use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
    time::Duration,
};

use chrono::{DateTime, Utc};
use diesel::{prelude::*, sql_query, sql_types};
use gamme_db::{schema::webhook_deliveries, DbError};
use gamme_service_kit::{ConfigError, Env, Store};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::webhooks::{signature, DeliveryState};

/// Posts in flight per replica.
pub const CONCURRENCY: usize = 8;
/// How long a receiver has to answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// How long a claimed delivery stays with the replica posting it.
const LEASE: Duration = Duration::from_secs(60);
/// Retries stop this long after the event.
const RETRY_FOR: chrono::Duration = chrono::Duration::days(1);
/// How much of a receiver's answer is kept.
const RESPONSE_KEPT: usize = 2048;
/// The advisory lock of claims (any constant the other services do not use).
const CLAIM_LOCK: i64 = 0x6761_6d6d_6577_6801;

/// How the sender paces itself.
#[derive(Debug, Clone)]
pub struct SenderConfig {
    /// The first wait after a failure (`GAMME_WEBHOOK_RETRY_BASE_MS`).
    pub retry_base: Duration,
    /// How often an idle sender looks for due deliveries.
    pub poll: Duration,
    /// Whether receivers on loopback are posted to (`GAMME_WEBHOOK_ALLOW_LOOPBACK`).
    pub loopback_allowed: bool,
}

impl SenderConfig {
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let base: u64 = env.parse("GAMME_WEBHOOK_RETRY_BASE_MS", 30_000u64)?;
        if base == 0 {
            return Err(ConfigError::Invalid {
                key: "GAMME_WEBHOOK_RETRY_BASE_MS".into(),
                reason: "must be at least 1".into(),
            });
        }
        let development = !env.environment()?.is_production();
        let loopback_allowed = env.parse("GAMME_WEBHOOK_ALLOW_LOOPBACK", development)?;
        Ok(Self { retry_base: Duration::from_millis(base), poll: Duration::from_millis(500), loopback_allowed })
    }
}

/// Why webhooks may not reach `ip`, if they may not.
pub fn refused(ip: IpAddr, loopback_allowed: bool) -> Option<&'static str> {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    };
    if ip.is_loopback() {
        return (!loopback_allowed).then_some("a loopback address (this machine)");
    }
    match ip {
        _ if ip.is_unspecified() => Some("an unspecified address"),
        _ if ip.is_multicast() => Some("a multicast address"),
        IpAddr::V4(v4) if v4.is_link_local() => Some("a link-local address (where metadata services answer)"),
        IpAddr::V4(v4) if v4.is_broadcast() || v4.octets()[0] == 0 => Some("a broadcast or \"this network\" address"),
        IpAddr::V6(v6) if v6.is_unicast_link_local() => Some("a link-local address"),
        _ => None,
    }
}

/// The words of a refusal, so that a delivery's error names it.
const REFUSAL: &str = "webhooks may not reach";

/// Resolves receivers' names, keeping only addresses webhooks may reach.
struct ReachableOnly {
    loopback_allowed: bool,
}

impl reqwest::dns::Resolve for ReachableOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let loopback_allowed = self.loopback_allowed;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let mut why = None;
            let kept: Vec<SocketAddr> = found
                .into_iter()
                .filter(|a| match refused(a.ip(), loopback_allowed) {
                    Some(reason) => {
                        why = Some(format!("{host} is {reason}, which {REFUSAL}"));
                        false
                    }
                    None => true,
                })
                .collect();
            match (kept.is_empty(), why) {
                (true, Some(why)) => Err(why.into()),
                _ => Ok(Box::new(kept.into_iter()) as reqwest::dns::Addrs),
            }
        })
    }
}

/// Why the URL's host may not be posted to, when it is an address webhooks may not reach.
fn refused_literal(url: &str, loopback_allowed: bool) -> Option<String> {
    let parsed = reqwest::Url::parse(url).ok()?;
    let ip: IpAddr = parsed.host_str()?.trim_start_matches('[').trim_end_matches(']').parse().ok()?;
    refused(ip, loopback_allowed).map(|reason| format!("{ip} is {reason}, which {REFUSAL}"))
}

/// A delivery claimed for posting, with where and how (no `Debug`: it holds the secret).
#[derive(Clone, QueryableByName)]
struct Claimed {
    #[diesel(sql_type = sql_types::Uuid)]
    id: Uuid,
    #[diesel(sql_type = sql_types::Uuid)]
    message_id: Uuid,
    #[diesel(sql_type = sql_types::Text)]
    payload: String,
    #[diesel(sql_type = sql_types::Integer)]
    attempts: i32,
    #[diesel(sql_type = sql_types::Timestamptz)]
    created_at: DateTime<Utc>,
    #[diesel(sql_type = sql_types::Text)]
    url: String,
    #[diesel(sql_type = sql_types::Text)]
    secret: String,
}

/// Up to `n` due deliveries, one per endpoint, of endpoints with none in flight.
fn claim(conn: &mut PgConnection, n: i64) -> QueryResult<Vec<Claimed>> {
    conn.transaction(|c| {
        sql_query("SELECT pg_advisory_xact_lock($1)").bind::<sql_types::BigInt, _>(CLAIM_LOCK).execute(c)?;
        sql_query(
            "UPDATE webhook_deliveries d SET lease_until = now() + make_interval(secs => $2)
             FROM webhook_endpoints e
             WHERE e.id = d.endpoint_id AND d.id IN (
                 SELECT id FROM (
                     SELECT DISTINCT ON (p.endpoint_id) p.id, p.next_attempt_at
                     FROM webhook_deliveries p JOIN webhook_endpoints pe ON pe.id = p.endpoint_id AND pe.active
                     WHERE p.state = 'pending' AND p.next_attempt_at <= now()
                       AND NOT EXISTS (SELECT 1 FROM webhook_deliveries b
                                       WHERE b.endpoint_id = p.endpoint_id AND b.state = 'pending' AND b.lease_until > now())
                     ORDER BY p.endpoint_id, p.next_attempt_at, p.id
                 ) due ORDER BY next_attempt_at LIMIT $1)
             RETURNING d.id, d.message_id, d.payload, d.attempts, d.created_at, e.url, e.secret",
        )
        .bind::<sql_types::BigInt, _>(n)
        .bind::<sql_types::Double, _>(LEASE.as_secs_f64())
        .load(c)
    })
}

/// What one try got.
#[derive(Debug)]
struct Attempt {
    status: Option<u16>,
    response: Option<String>,
    error: Option<String>,
    duration: Duration,
}

impl Attempt {
    fn delivered(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

fn record(conn: &mut PgConnection, d: &Claimed, attempt: &Attempt, retry_base: Duration) -> QueryResult<()> {
    let now = crate::now();
    let attempts = d.attempts + 1;
    let (state, next) = if attempt.delivered() {
        (DeliveryState::Delivered, now)
    } else {
        let wait = gamme_backoff::Backoff::exponential(retry_base, retry_base * 240).nth(attempts.unsigned_abs());
        let next = now + chrono::Duration::from_std(wait).unwrap_or(RETRY_FOR);
        if next > d.created_at + RETRY_FOR {
            (DeliveryState::Failed, now)
        } else {
            (DeliveryState::Pending, next)
        }
    };
    diesel::update(webhook_deliveries::table.find(d.id))
        .set((
            webhook_deliveries::state.eq(state.to_string()),
            webhook_deliveries::attempts.eq(attempts),
            webhook_deliveries::next_attempt_at.eq(next),
            webhook_deliveries::lease_until.eq(None::<DateTime<Utc>>),
            webhook_deliveries::last_attempt_at.eq(now),
            webhook_deliveries::last_status.eq(attempt.status.map(i32::from)),
            webhook_deliveries::last_response.eq(&attempt.response),
            webhook_deliveries::last_error.eq(&attempt.error),
            webhook_deliveries::last_duration_ms.eq(i32::try_from(attempt.duration.as_millis()).unwrap_or(i32::MAX)),
            webhook_deliveries::delivered_at.eq((state == DeliveryState::Delivered).then_some(now)),
        ))
        .execute(conn)?;
    if state == DeliveryState::Failed {
        tracing::warn!(delivery = %d.id, attempts, "webhook delivery given up after a day of retries");
    }
    Ok(())
}

/// Drops deliveries settled more than 30 days ago.
fn prune(conn: &mut PgConnection) -> QueryResult<usize> {
    diesel::delete(
        webhook_deliveries::table
            .filter(webhook_deliveries::state.ne(DeliveryState::Pending.to_string()))
            .filter(webhook_deliveries::created_at.lt(crate::now() - chrono::Duration::days(30))),
    )
    .execute(conn)
}

/// The start of a body, as text.
async fn excerpt(mut response: reqwest::Response) -> String {
    let mut kept = Vec::new();
    while kept.len() < RESPONSE_KEPT {
        match response.chunk().await {
            Ok(Some(chunk)) => kept.extend_from_slice(&chunk),
            _ => break,
        }
    }
    kept.truncate(RESPONSE_KEPT);
    String::from_utf8_lossy(&kept).into_owned()
}

async fn post(client: &reqwest::Client, d: &Claimed, loopback_allowed: bool) -> Attempt {
    let started = std::time::Instant::now();
    if let Some(why) = refused_literal(&d.url, loopback_allowed) {
        return Attempt { status: None, response: None, error: Some(why), duration: started.elapsed() };
    }
    let timestamp = Utc::now().timestamp();
    let id = d.message_id.to_string();
    let sent = client
        .post(&d.url)
        .header("content-type", "application/json")
        .header("webhook-id", &id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature(&d.secret, &id, timestamp, &d.payload))
        .body(d.payload.clone())
        .send()
        .await;
    let (status, response, error) = match sent {
        Ok(r) => {
            let status = r.status();
            let body = tokio::time::timeout(TIMEOUT, excerpt(r)).await.unwrap_or_default();
            let error = (!status.is_success()).then(|| format!("the receiver answered {status}"));
            (Some(status.as_u16()), Some(body), error)
        }
        Err(e) if e.is_timeout() => (None, None, Some(format!("no answer within {} s", TIMEOUT.as_secs()))),
        Err(e) if e.is_connect() => {
            let chain = gamme_service_kit::problem::error_chain(&e);
            let refusal = chain.split(": ").find(|part| part.contains(REFUSAL)).map(str::to_owned);
            (None, None, Some(refusal.unwrap_or_else(|| "could not connect to the receiver".to_owned())))
        }
        Err(e) => (None, None, Some(gamme_service_kit::problem::error_chain(&e))),
    };
    Attempt { status, response, error, duration: started.elapsed() }
}

/// Posts due deliveries until `shutdown`.
pub async fn run(store: Store, config: SenderConfig, shutdown: CancellationToken) {
    let client = match reqwest::Client::builder()
        .timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .dns_resolver(Arc::new(ReachableOnly { loopback_allowed: config.loopback_allowed }))
        .user_agent(concat!("Gamme-Webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "cannot build the webhook client: no webhook will be posted");
            return;
        }
    };
    let slots = Arc::new(Semaphore::new(CONCURRENCY));
    let loopback_allowed = config.loopback_allowed;
    let mut rounds: u64 = 0;
    while !shutdown.is_cancelled() {
        rounds += 1;
        if rounds % 7200 == 1 {
            if let Err(e) = store.write(|c| prune(c).map_err(DbError::from)).await {
                tracing::warn!(error = %e, "old webhook deliveries not pruned");
            }
        }
        let free = i64::try_from(slots.available_permits()).unwrap_or(0);
        let claimed = if free > 0 {
            match store.write(move |c| claim(c, free).map_err(DbError::from)).await {
                Ok(claimed) => claimed,
                Err(e) => {
                    tracing::warn!(error = %gamme_service_kit::problem::error_chain(&e), "webhook round failed");
                    Vec::new()
                }
            }
        } else {
            Vec::new()
        };
        for delivery in claimed {
            let Ok(slot) = slots.clone().acquire_owned().await else { return };
            let (client, store, base) = (client.clone(), store.clone(), config.retry_base);
            tokio::spawn(async move {
                let attempt = post(&client, &delivery, loopback_allowed).await;
                if !attempt.delivered() {
                    tracing::info!(delivery = %delivery.id, attempt = delivery.attempts + 1, error = ?attempt.error, "webhook delivery failed");
                }
                if let Err(e) = store.write(move |c| record(c, &delivery, &attempt, base).map_err(DbError::from)).await
                {
                    // The lease runs out and the delivery is posted again.
                    tracing::warn!(error = %e, "webhook attempt not recorded");
                }
                drop(slot);
            });
        }
        tokio::select! {
            _ = shutdown.cancelled() => break,
            _ = tokio::time::sleep(config.poll) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_machine_itself_and_metadata_services_are_refused_the_plant_network_is_not() {
        for ip in ["127.0.0.1", "127.8.9.1", "::1", "::ffff:127.0.0.1"] {
            assert!(refused(ip.parse().unwrap(), false).is_some(), "{ip}");
            assert!(refused(ip.parse().unwrap(), true).is_none(), "{ip} with loopback allowed");
        }
        for ip in [
            "169.254.169.254",
            "fe80::1",
            "0.0.0.0",
            "::",
            "0.1.2.3",
            "224.0.0.1",
            "ff02::1",
            "255.255.255.255",
            "::ffff:169.254.169.254",
        ] {
            assert!(refused(ip.parse().unwrap(), true).is_some(), "{ip}");
        }
        for ip in ["10.1.2.3", "192.168.1.20", "172.16.0.5", "fd00::5", "100.64.1.1", "93.184.216.34", "2001:db8::1"] {
            assert!(refused(ip.parse().unwrap(), false).is_none(), "{ip}");
        }
        assert!(refused_literal("http://[::1]:8080/hook", false).is_some_and(|w| w.contains(REFUSAL)));
        assert!(refused_literal("http://169.254.169.254/latest/meta-data/", true).is_some());
        assert!(refused_literal("https://erp.usine.test/hook", false).is_none());
    }
}
