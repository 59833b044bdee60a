//! `NullSink`: an HTTP/1.1 server that reads and discards request bodies as fast as it can and
//! answers `200 OK`, counting bytes and requests. For benchmarks of the upload path, where the
//! server must not be the bottleneck. [`serve`] is the core, for a binary with its own runtime.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::io::{AsyncWriteExt, BufReader};

use super::http::{self, BodySink};
use super::{Background, bind_loopback};

/// What a null sink has seen. Bytes are counted when a request's body ends.
#[derive(Debug, Default)]
pub struct NullStats {
    pub connections: AtomicU64,
    pub requests: AtomicU64,
    pub body_bytes: AtomicU64,
}

/// A running null sink on 127.0.0.1; stops when dropped.
pub struct NullSink {
    url: String,
    stats: Arc<NullStats>,
    _background: Background,
}

impl NullSink {
    pub fn start() -> NullSink {
        let listener = bind_loopback();
        let port = listener.local_addr().expect("null sink address").port();
        let stats = Arc::new(NullStats::default());
        let bg_stats = Arc::clone(&stats);
        let background = Background::spawn("null-sink", move || async move {
            let listener =
                tokio::net::TcpListener::from_std(listener).expect("register the null sink");
            serve(listener, bg_stats).await
        });
        NullSink {
            url: format!("http://127.0.0.1:{port}/"),
            stats,
            _background: background,
        }
    }

    /// `http://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    pub fn stats(&self) -> &NullStats {
        &self.stats
    }

    /// Body bytes of every finished request so far.
    pub fn body_bytes(&self) -> u64 {
        self.stats.body_bytes.load(Ordering::SeqCst)
    }

    pub fn requests(&self) -> u64 {
        self.stats.requests.load(Ordering::SeqCst)
    }
}

/// Accepts connections on `listener` forever, discarding bodies and answering `200 OK`.
pub async fn serve(listener: tokio::net::TcpListener, stats: Arc<NullStats>) {
    loop {
        let Ok((tcp, _)) = listener.accept().await else {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            continue;
        };
        let _ = tcp.set_nodelay(true);
        stats.connections.fetch_add(1, Ordering::SeqCst);
        tokio::spawn(serve_connection(tcp, Arc::clone(&stats)));
    }
}

async fn serve_connection(tcp: tokio::net::TcpStream, stats: Arc<NullStats>) {
    let mut rd = BufReader::with_capacity(256 * 1024, tcp);
    loop {
        let Ok(Some(head)) = http::read_head(&mut rd).await else {
            return;
        };
        let Ok(framing) = head.framing() else {
            return;
        };
        if head.expects_continue() && http::write_continue(rd.get_mut()).await.is_err() {
            return;
        }
        let mut sink = BodySink::new(0);
        let end = http::read_body(&mut rd, framing, None, &mut sink).await;
        stats.body_bytes.fetch_add(sink.len, Ordering::SeqCst);
        if end.is_err() {
            return;
        }
        stats.requests.fetch_add(1, Ordering::SeqCst);
        let close = !head.keep_alive();
        let w = rd.get_mut();
        if http::write_response(w, 200, "OK", &[], b"", close)
            .await
            .is_err()
            || close
        {
            let _ = w.shutdown().await;
            return;
        }
    }
}
