//! Network test support for the upload tests: servers on 127.0.0.1 that hoist's client talks to.
//!
//! - [`FaultServer`]: an in-process HTTP/1.1 server that plays a script, one [`Behavior`] per
//!   request (the last one repeats), and records every request (head, body, whether the body
//!   arrived whole). With [`FaultServer::builder`]`.tls()` or `.mtls()` it speaks HTTPS with a
//!   throwaway CA ([`TestPki`]) whose PEM file a test passes to `hoist upload --cert`.
//! - [`NullSink`]: reads and discards request bodies as fast as it can and answers 200, for
//!   benchmarks.
//! - [`multipart`]: parses a recorded `multipart/form-data` body into ordered parts.
//! - [`servers`]: the real pypiserver and devpi-server that `scripts/test` starts
//!   (`scripts/test-servers`), read from `HOIST_TEST_*` variables; missing variables fail the test.
//! - [`client`]: a tiny blocking HTTP/1.1 client, to drive the servers without hoist.
//! - [`proxy`]: [`FaultProxy`], a seeded fault-injecting proxy between hoist and a real index,
//!   for the soak (tests/upload_soak.rs).
//!
//! Use it from an integration test with `mod netsupport;`. A bench or example binary can take it
//! too: `#[path = "../tests/netsupport/mod.rs"] mod netsupport;`.
//!
//! Every server runs on its own thread with its own tokio runtime, so plain `#[test]` functions
//! (and `#[tokio::test]` ones) can use it, and it stops when dropped.

#![allow(dead_code, unused_imports)]

pub mod client;
pub mod fault;
pub mod http;
pub mod multipart;
pub mod null_sink;
pub mod proxy;
pub mod servers;
pub mod tls;

pub use fault::{Behavior, FaultServer, FaultServerBuilder, RecordedRequest, Reply};
pub use multipart::Part;
pub use null_sink::{NullSink, NullStats};
pub use proxy::{Fault, FaultProxy, ProxyConfig};
pub use tls::TestPki;

use std::future::Future;
use std::thread::JoinHandle;

/// A future running on a thread of its own (a current-thread tokio runtime) until dropped.
/// Dropping it stops the future and every task it spawned, closing their connections.
pub(crate) struct Background {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Background {
    pub(crate) fn spawn<F, Fut>(name: &str, make: F) -> Background
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = ()> + 'static,
    {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name(name.to_string())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("build a tokio runtime for a test server");
                rt.block_on(async move {
                    tokio::select! {
                        _ = make() => {}
                        _ = stopped => {}
                    }
                });
                // Dropping the runtime drops every spawned connection task.
                drop(rt);
            })
            .expect("spawn a test server thread");
        Background {
            stop: Some(stop),
            thread: Some(thread),
        }
    }
}

impl Background {
    /// A server on `listener` (non-blocking): each connection is handled by `handle` in a task
    /// of its own, until the `Background` is dropped.
    pub(crate) fn serve_each<H, Fut>(
        name: &str,
        listener: std::net::TcpListener,
        handle: H,
    ) -> Background
    where
        H: Fn(tokio::net::TcpStream) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        Background::spawn(name, move || async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                tokio::spawn(handle(stream));
            }
        })
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Binds 127.0.0.1:0 (a free port) with std, so the address is known before the runtime starts.
pub(crate) fn bind_loopback() -> std::net::TcpListener {
    let listener =
        std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind a test server on 127.0.0.1:0");
    listener
        .set_nonblocking(true)
        .expect("make the test listener non-blocking");
    listener
}
