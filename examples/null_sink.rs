//! A standalone null-sink HTTP server for `scripts/bench-upload`: reads and discards every
//! request body (Content-Length or chunked, with `Expect: 100-continue`), answers `200 OK`.
//! It reuses the test harness's [`netsupport::null_sink::serve`].
//!
//! Usage: `null_sink [PORT_FILE]` binds 127.0.0.1 on a free port, prints
//! `http://127.0.0.1:PORT/` on stdout (and into PORT_FILE when given), and serves until its pid
//! is killed.
//! Every 0.5 s, when something changed, it prints `requests=N body_bytes=N` on stderr.

#[path = "../tests/netsupport/mod.rs"]
mod netsupport;

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use netsupport::NullStats;

fn main() {
    let port_file = std::env::args().nth(1);
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind 127.0.0.1:0");
    listener
        .set_nonblocking(true)
        .expect("non-blocking listener");
    let url = format!(
        "http://127.0.0.1:{}/",
        listener.local_addr().expect("local address").port()
    );
    let stats = Arc::new(NullStats::default());
    // Two workers: parallel uploads (--jobs) are not serialised on one core by the sink.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("build the tokio runtime");
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener).expect("register the listener");
        if let Some(f) = port_file {
            std::fs::write(&f, format!("{url}\n")).expect("write the URL file");
        }
        println!("{url}");
        let _ = std::io::stdout().flush();
        let watch = Arc::clone(&stats);
        tokio::spawn(async move {
            let mut last = (0, 0);
            loop {
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                let now = (
                    watch.requests.load(Ordering::SeqCst),
                    watch.body_bytes.load(Ordering::SeqCst),
                );
                if now != last {
                    eprintln!("requests={} body_bytes={}", now.0, now.1);
                    last = now;
                }
            }
        });
        netsupport::null_sink::serve(listener, stats).await;
    });
}
