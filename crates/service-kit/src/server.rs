//! Serving: bind, serve until SIGTERM/SIGINT (or a test's cancel), then stop accepting, let
//! requests in flight finish and tell background tasks to stop; and the `healthcheck` probe.

use std::{
    io::{Read, Write},
    net::{TcpListener, TcpStream, ToSocketAddrs},
    process::ExitCode,
    time::Duration,
};

use actix_web::dev::Server;
use tokio_util::sync::CancellationToken;

/// Binds `addr` (port 0 picks a free port, which tests use).
pub fn bind(addr: &str) -> std::io::Result<TcpListener> {
    let listener = TcpListener::bind(addr)?;
    listener.set_nonblocking(true)?;
    Ok(listener)
}

/// Resolves when the process is asked to stop.
pub async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(err) => {
                tracing::error!(error = %err, "cannot listen for SIGTERM");
                let _ = ctrl_c.await;
                return;
            }
        };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}

/// Serves until a signal arrives or `shutdown` is cancelled; then cancels `shutdown` so the
/// service's background tasks (relays, consumers) stop too, and stops the server gracefully.
/// The server must have been built with `.disable_signals()`.
pub async fn serve(server: Server, shutdown: CancellationToken) -> std::io::Result<()> {
    let handle = server.handle();
    let watcher = {
        let shutdown = shutdown.clone();
        tokio::spawn(async move {
            tokio::select! {
                _ = shutdown_signal() => tracing::info!("stop requested, finishing requests in flight"),
                _ = shutdown.cancelled() => {},
            }
            shutdown.cancel();
            handle.stop(true).await;
        })
    };
    let result = server.await;
    shutdown.cancel();
    watcher.abort();
    result
}

/// `gamme-<service> healthcheck`: exits 0 when the service's own `/healthz` answers 200.
/// Container healthchecks use it because the runtime image has no curl.
pub fn healthcheck(http_addr: &str) -> ExitCode {
    let addr = http_addr.replace("0.0.0.0", "127.0.0.1");
    let answer = (|| -> std::io::Result<String> {
        let target =
            addr.to_socket_addrs()?.next().ok_or_else(|| std::io::Error::other("address resolves to nothing"))?;
        let mut stream = TcpStream::connect_timeout(&target, Duration::from_secs(2))?;
        stream.set_read_timeout(Some(Duration::from_secs(3)))?;
        stream.write_all(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n")?;
        let mut buf = [0u8; 64];
        let n = stream.read(&mut buf)?;
        Ok(String::from_utf8_lossy(&buf[..n]).into_owned())
    })();
    match answer {
        Ok(status) if status.starts_with("HTTP/1.1 200") || status.starts_with("HTTP/1.0 200") => ExitCode::SUCCESS,
        Ok(status) => {
            eprintln!("unhealthy: {}", status.lines().next().unwrap_or_default());
            ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!("unhealthy: {err}");
            ExitCode::FAILURE
        }
    }
}
