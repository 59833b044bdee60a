//! One attempt at sending a file: the streamed POST, the stall watchdog (no progress for the
//! stall limit, or no answer for the response limit, abandons the attempt), the answer read
//! into an [`Attempt`], and the early answer of a server that refuses on the headers alone.
//! What to do with the answer is in `super::answer`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::Url;
use reqwest::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, LOCATION, RETRY_AFTER};

use crate::auth::Credentials;
use crate::digest::Digests;

use super::multipart::MultipartBody;
use super::{ACCEPT_VALUE, BODY_LIMIT, Prepared, Uploader, describe_transport, retry, seconds};

/// The answer to one attempt.
#[derive(Debug)]
pub(super) enum Attempt {
    Response {
        status: u16,
        reason: String,
        body: String,
        location: Option<String>,
        retry_after: Option<Duration>,
        sent_all: bool,
        digests: Option<Digests>,
    },
    Transport {
        error: String,
        retryable: bool,
        sent_all: bool,
    },
}

impl Uploader {
    /// Sends `body` once to `url` and reads the answer. A file that cannot be read (or
    /// changed) is a transport error that is not retried.
    pub(super) async fn attempt(
        &self,
        url: &Url,
        body: &MultipartBody,
        p: &Prepared,
        creds: Option<&Credentials>,
    ) -> Attempt {
        let reporter = self.reporter.clone();
        let filename = p.filename.clone();
        let (rx, done) = body.stream(Arc::new(move |n| reporter.advance(&filename, n)));
        // Bytes the HTTP client has taken from the body: what may have reached the index, as
        // opposed to what the reader has queued.
        let pulled = Arc::new(AtomicU64::new(0));
        let stream = counted(rx, pulled.clone());
        let req = self.upload_request(url, body, creds, stream);
        let total = body.content_length();
        let result = self.watched(req.send(), &pulled, total).await;
        let sent_all = pulled.load(Ordering::Relaxed) >= total;
        let digests = match reader_digests(done).await {
            Ok(d) => d,
            // The file itself could not be read, or changed: retrying the network will not help.
            Err(error) => {
                return Attempt::Transport {
                    error,
                    retryable: false,
                    sent_all: false,
                };
            }
        };
        match result {
            None => Attempt::Transport {
                error: self.no_progress(sent_all),
                retryable: true,
                sent_all,
            },
            Some(Err(e)) => {
                let (error, retryable) = describe_transport(&e);
                if !sent_all
                    && closed_while_sending(&error)
                    && let Some(resp) = self.early_answer(url, body, creds).await
                {
                    return Self::read_answer(resp, false, digests).await;
                }
                Attempt::Transport {
                    error,
                    retryable,
                    sent_all,
                }
            }
            Some(Ok(resp)) => Self::read_answer(resp, sent_all, digests).await,
        }
    }

    /// Waits for `send`, watching `pulled` (bytes the client took of `total`): `None` when
    /// nothing moved for the stall limit while sending, or for the response limit once all
    /// was sent.
    async fn watched(
        &self,
        send: impl std::future::Future<Output = reqwest::Result<reqwest::Response>>,
        pulled: &AtomicU64,
        total: u64,
    ) -> Option<reqwest::Result<reqwest::Response>> {
        tokio::pin!(send);
        let mut last = 0u64;
        let mut since = Instant::now();
        loop {
            tokio::select! {
                r = &mut send => return Some(r),
                _ = tokio::time::sleep(Duration::from_millis(250)) => {
                    let now = pulled.load(Ordering::Relaxed);
                    if now != last {
                        last = now;
                        since = Instant::now();
                    }
                    let limit = if now >= total { self.options.response_timeout } else { self.options.stall_timeout };
                    if since.elapsed() > limit {
                        return None;
                    }
                }
            }
        }
    }

    /// Why the watchdog abandoned an attempt.
    fn no_progress(&self, sent_all: bool) -> String {
        if sent_all {
            format!(
                "no answer within {} after the whole file was sent",
                seconds(self.options.response_timeout)
            )
        } else {
            format!(
                "the upload stalled: no progress for {}",
                seconds(self.options.stall_timeout)
            )
        }
    }

    /// The upload POST: the multipart head for `body`, its content streamed from `content`.
    fn upload_request<S>(
        &self,
        url: &Url,
        body: &MultipartBody,
        creds: Option<&Credentials>,
        content: S,
    ) -> reqwest::RequestBuilder
    where
        S: futures_util::Stream<Item = std::io::Result<Bytes>> + Send + 'static,
    {
        let mut req = self
            .client
            .post(url.clone())
            .header(CONTENT_TYPE, body.content_type())
            .header(CONTENT_LENGTH, body.content_length())
            .header(ACCEPT, ACCEPT_VALUE)
            .body(reqwest::Body::wrap_stream(content));
        if let Some(c) = creds {
            req = req.basic_auth(&c.username, Some(c.password.expose()));
        }
        req
    }

    /// The index's answer to the request head alone, after it closed the connection while
    /// the body was still going out: a server that refuses on the headers (waitress, under
    /// devpi-server and pypiserver: `413 Request Entity Too Large` past its body limit; or 401
    /// and 403) answers and closes without reading the body, and the kernel then resets the
    /// connection. hyper reports the failed write and drops the answer that had arrived
    /// (`hyper/src/proto/h1/dispatch.rs`: a write error ends the connection before the next
    /// read), so the same head is sent again, with a body that never comes, and the answer read
    /// as soon as it arrives. Nothing of the file is sent again. `None` when the index does not
    /// answer the head alone within [`EARLY_ANSWER_WAIT`] (then it did not refuse on the
    /// headers: the failure was the network's).
    async fn early_answer(
        &self,
        url: &Url,
        body: &MultipartBody,
        creds: Option<&Credentials>,
    ) -> Option<reqwest::Response> {
        let never = futures_util::stream::pending::<std::io::Result<Bytes>>();
        let req = self.upload_request(url, body, creds, never);
        let resp = tokio::time::timeout(EARLY_ANSWER_WAIT, req.send())
            .await
            .ok()?
            .ok()?;
        // Only a refusal of the request itself can come before the body (413, 401, 403, …).
        // A success would be a server that answers without reading the file; a 5xx or a 408
        // (the server's own timeout) is about this head-only request, not about the upload.
        let status = resp.status();
        (status.is_client_error() && status != reqwest::StatusCode::REQUEST_TIMEOUT).then_some(resp)
    }

    /// Reads a response into an [`Attempt`]: status, reason phrase, the headers hoist acts on
    /// and at most [`BODY_LIMIT`] bytes of the body.
    async fn read_answer(
        resp: reqwest::Response,
        sent_all: bool,
        digests: Option<Digests>,
    ) -> Attempt {
        let status = resp.status().as_u16();
        let reason = resp
            .extensions()
            .get::<hyper::ext::ReasonPhrase>()
            .map(|r| String::from_utf8_lossy(r.as_bytes()).into_owned())
            .or_else(|| resp.status().canonical_reason().map(str::to_string))
            .unwrap_or_default();
        let header = |name| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let location = header(LOCATION);
        let retry_after = header(RETRY_AFTER).and_then(|v| retry::parse_retry_after(&v));
        let mut resp = resp;
        let mut collected = Vec::new();
        while collected.len() < BODY_LIMIT {
            match resp.chunk().await {
                Ok(Some(c)) => collected.extend_from_slice(&c),
                _ => break,
            }
        }
        collected.truncate(BODY_LIMIT);
        Attempt::Response {
            status,
            reason,
            body: String::from_utf8_lossy(&collected).into_owned(),
            location,
            retry_after,
            sent_all,
            digests,
        }
    }
}

/// How long to wait for an index to answer a request head alone (see
/// [`Uploader::early_answer`]).
const EARLY_ANSWER_WAIT: Duration = Duration::from_secs(3);

/// Whether a transport error says the server closed the connection while the body was being
/// written: the sign of an answer sent early (or of a dropped connection).
fn closed_while_sending(error: &str) -> bool {
    let lower = error.to_ascii_lowercase();
    [
        "broken pipe",
        "connection reset",
        "connection closed",
        "error writing",
        "write",
    ]
    .iter()
    .any(|s| lower.contains(s))
}

/// The body's chunks, counting into `pulled` the bytes the HTTP client takes.
fn counted(
    rx: tokio::sync::mpsc::Receiver<std::io::Result<Bytes>>,
    pulled: Arc<AtomicU64>,
) -> impl futures_util::Stream<Item = std::io::Result<Bytes>> + Send + 'static {
    futures_util::stream::unfold(rx, move |mut rx| {
        let counter = pulled.clone();
        async move {
            let item = rx.recv().await?;
            if let Ok(bytes) = &item {
                counter.fetch_add(bytes.len() as u64, Ordering::Relaxed);
            }
            Some((item, rx))
        }
    })
}

/// The digests, when the reader finished: it did if the whole body went out. Never waits
/// long: a reader blocked on a stalled connection must not hold the upload. `Err` when the
/// file could not be read.
async fn reader_digests(
    done: tokio::sync::oneshot::Receiver<std::io::Result<Digests>>,
) -> Result<Option<Digests>, String> {
    match tokio::time::timeout(Duration::from_secs(2), done).await {
        Ok(Ok(Ok(d))) => Ok(Some(d)),
        Ok(Ok(Err(e))) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.to_string()),
        _ => Ok(None),
    }
}
