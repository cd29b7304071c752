//! One broker connection per process, made on first use and made again after it broke (a
//! broker restart, a network cut): every publish, consumer and readiness check goes through
//! [`Bus`], which notices a dead connection and reconnects. Heartbeats detect silent cuts.

use std::{sync::Arc, time::Duration};

use lapin::{
    options::{BasicPublishOptions, ConfirmSelectOptions},
    publisher_confirm::Confirmation,
    BasicProperties, Channel, Connection, ConnectionProperties,
};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Mutex;

use crate::topology::Topology;

#[derive(Debug, thiserror::Error)]
pub enum BusError {
    #[error("the broker is unreachable: {0}")]
    Unreachable(String),
    #[error("broker error: {0}")]
    Amqp(#[from] lapin::Error),
    #[error("the broker refused the message (nack)")]
    Nacked,
    #[error("no queue takes messages with routing key `{0}`")]
    Unroutable(String),
    #[error("the broker did not confirm in time")]
    Timeout,
    #[error("the consumer was cancelled by the broker")]
    ConsumerEnded,
}

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const CONFIRM_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Clone)]
pub struct Bus {
    inner: Arc<Inner>,
}

struct Inner {
    url: SecretString,
    topology: Topology,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    connection: Option<Connection>,
    /// Publishing has its own channel, in confirm mode; consumers get channels of their own.
    publish_channel: Option<Channel>,
}

/// `heartbeat` lets both sides notice a dead peer; lapin reads it from the URI.
fn with_defaults(url: &str) -> String {
    let mut url = url.to_owned();
    for (key, value) in [("heartbeat", "10"), ("connection_timeout", "10000")] {
        if !url.contains(&format!("{key}=")) {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&format!("{key}={value}"));
        }
    }
    url
}

impl Bus {
    pub fn new(url: SecretString, topology: Topology) -> Self {
        Self { inner: Arc::new(Inner { url, topology, state: Mutex::new(State::default()) }) }
    }

    pub fn topology(&self) -> &Topology {
        &self.inner.topology
    }

    async fn ensure_connected<'a>(&self, state: &'a mut State) -> Result<&'a Connection, BusError> {
        let alive = state.connection.as_ref().is_some_and(|c| c.status().connected());
        if !alive {
            state.publish_channel = None;
            if let Some(old) = state.connection.take() {
                let _ = old.close(320, "reconnecting").await;
            }
            let props = ConnectionProperties::default()
                .with_executor(tokio_executor_trait::Tokio::current())
                .with_reactor(tokio_reactor_trait::Tokio)
                .with_connection_name(format!("{}-{}", self.inner.topology.prefix(), std::process::id()).into());
            let url = with_defaults(self.inner.url.expose_secret());
            let connection = tokio::time::timeout(CONNECT_TIMEOUT, Connection::connect(&url, props))
                .await
                .map_err(|_| BusError::Unreachable("connection timed out".into()))?
                .map_err(|e| BusError::Unreachable(e.to_string()))?;
            let channel = connection.create_channel().await?;
            self.inner.topology.declare(&channel).await?;
            let _ = channel.close(200, "topology declared").await;
            tracing::info!("connected to the broker");
            state.connection = Some(connection);
        }
        state.connection.as_ref().ok_or_else(|| BusError::Unreachable("no connection".into()))
    }

    /// A new channel on the (re)established connection, for a consumer.
    pub async fn channel(&self) -> Result<Channel, BusError> {
        let mut state = self.inner.state.lock().await;
        let connection = self.ensure_connected(&mut state).await?;
        Ok(connection.create_channel().await?)
    }

    /// Publishes one persistent message and waits for the broker's confirm. With `mandatory`,
    /// a message no queue takes is an error rather than silently dropped.
    pub async fn publish(
        &self,
        exchange: &str,
        routing_key: &str,
        body: &[u8],
        properties: BasicProperties,
        mandatory: bool,
    ) -> Result<(), BusError> {
        let mut state = self.inner.state.lock().await;
        let result = self.publish_locked(&mut state, exchange, routing_key, body, properties, mandatory).await;
        if matches!(result, Err(BusError::Amqp(_) | BusError::Timeout | BusError::Unreachable(_))) {
            // The channel (or the connection) is unusable: start afresh next time.
            state.publish_channel = None;
        }
        result
    }

    async fn publish_locked(
        &self,
        state: &mut State,
        exchange: &str,
        routing_key: &str,
        body: &[u8],
        properties: BasicProperties,
        mandatory: bool,
    ) -> Result<(), BusError> {
        self.ensure_connected(state).await?;
        let channel_ok = state.publish_channel.as_ref().is_some_and(|c| c.status().connected());
        if !channel_ok {
            let connection = state.connection.as_ref().ok_or_else(|| BusError::Unreachable("no connection".into()))?;
            let channel = connection.create_channel().await?;
            channel.confirm_select(ConfirmSelectOptions::default()).await?;
            state.publish_channel = Some(channel);
        }
        let channel = state.publish_channel.as_ref().ok_or_else(|| BusError::Unreachable("no channel".into()))?;
        let confirm = channel
            .basic_publish(
                exchange,
                routing_key,
                BasicPublishOptions { mandatory, ..Default::default() },
                body,
                properties,
            )
            .await?;
        match tokio::time::timeout(CONFIRM_TIMEOUT, confirm).await.map_err(|_| BusError::Timeout)?? {
            Confirmation::Ack(None) | Confirmation::NotRequested => Ok(()),
            Confirmation::Ack(Some(_returned)) => Err(BusError::Unroutable(routing_key.to_owned())),
            Confirmation::Nack(_) => Err(BusError::Nacked),
        }
    }

    /// `/readyz`: is there (or can there be) a live connection?
    pub async fn ping(&self) -> Result<(), String> {
        let mut state = self.inner.state.lock().await;
        self.ensure_connected(&mut state).await.map(|_| ()).map_err(|e| e.to_string())
    }

    pub async fn close(&self) {
        let mut state = self.inner.state.lock().await;
        state.publish_channel = None;
        if let Some(c) = state.connection.take() {
            let _ = c.close(200, "shutting down").await;
        }
    }
}

/// The pace of the reconnect loops (consumers, the outbox relay): 200 ms doubling up to 10 s,
/// with jitter so replicas that lost the broker together do not return together.
pub(crate) fn reconnect_backoff() -> gamme_backoff::Backoff {
    gamme_backoff::Backoff::exponential(Duration::from_millis(200), Duration::from_secs(10)).with_jitter()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heartbeat_is_added_unless_given() {
        assert_eq!(with_defaults("amqp://h/%2f"), "amqp://h/%2f?heartbeat=10&connection_timeout=10000");
        assert_eq!(with_defaults("amqp://h/%2f?heartbeat=30"), "amqp://h/%2f?heartbeat=30&connection_timeout=10000");
    }
}
