//! `FaultProxy`: an HTTP/1.1 proxy on 127.0.0.1 between hoist and a real index (pypiserver,
//! devpi-server) that injects faults from a seeded generator, and logs each one so a seed
//! replays exactly.
//!
//! Per request it picks a [`Fault`]: pass through; reset the connection before forwarding,
//! during the body, or after forwarding (the upload landed, its answer is lost); forward, then
//! close without an answer or answer 502 (landed too); 503 or 429, with or without
//! `Retry-After`, without forwarding; stall past hoist's stall limit (then close); answer slowly
//! (forwarded, answer delayed under the limit). GETs (simple-API lookups) get the same, except
//! "during the body".
//!
//! The choice is a pure function of (seed, key, n): the key is `POST <filename>` (read from the
//! multipart body) or `GET <path>`, and n counts earlier requests with that key. So the faults a
//! file meets do not depend on how concurrent uploads interleave, and a seed replays exactly.
//! At most [`ProxyConfig::max_in_a_row`] faults hit one key in a row: with enough retries a
//! release always completes.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use super::http::{self, BodySink, Framing};
use super::{Background, bind_loopback, client};

/// What the proxy does with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fault {
    Pass,
    /// Reset (RST) after the head, nothing forwarded.
    ResetBefore,
    /// Reset after about half of the body, nothing forwarded (POST only).
    ResetDuring,
    /// Forward, read the index's answer, then reset: the request landed.
    ResetAfter,
    /// Forward, then close without an answer (FIN): the request landed.
    DropAnswer,
    /// Forward, then answer `502 Bad Gateway`: the request landed.
    BadGateway,
    /// `503` without forwarding; with `Retry-After: 1` when `true`.
    Unavailable(bool),
    /// `429` without forwarding; with `Retry-After: 1` when `true`.
    TooMany(bool),
    /// Read the request, answer nothing for [`ProxyConfig::stall`], then close.
    Stall,
    /// Forward, then hold the answer for [`ProxyConfig::slow`].
    Slow,
}

impl Fault {
    pub fn name(self) -> String {
        match self {
            Fault::Unavailable(true) => "503+retry-after".into(),
            Fault::Unavailable(false) => "503".into(),
            Fault::TooMany(true) => "429+retry-after".into(),
            Fault::TooMany(false) => "429".into(),
            other => format!("{other:?}")
                .chars()
                .flat_map(|c| {
                    if c.is_ascii_uppercase() {
                        vec!['-', c.to_ascii_lowercase()]
                    } else {
                        vec![c]
                    }
                })
                .skip(1)
                .collect(),
        }
    }

    /// Whether the index received the whole request.
    pub fn forwarded(self) -> bool {
        matches!(
            self,
            Fault::Pass | Fault::ResetAfter | Fault::DropAnswer | Fault::BadGateway | Fault::Slow
        )
    }
}

const POST_FAULTS: &[Fault] = &[
    Fault::ResetBefore,
    Fault::ResetDuring,
    Fault::ResetAfter,
    Fault::DropAnswer,
    Fault::BadGateway,
    Fault::Unavailable(true),
    Fault::Unavailable(false),
    Fault::TooMany(true),
    Fault::TooMany(false),
    Fault::Stall,
    Fault::Slow,
];

/// How the proxy misbehaves.
#[derive(Debug, Clone)]
pub struct ProxyConfig {
    pub seed: u64,
    /// The share of uploads (POST) that meet a fault, 0.0 to 1.0.
    pub post_rate: f64,
    /// The share of lookups (GET) that meet a fault.
    pub get_rate: f64,
    /// The most faults one key meets in a row.
    pub max_in_a_row: u32,
    /// How long a stall holds the connection (longer than hoist's stall limit).
    pub stall: Duration,
    /// How long a slow answer is held (shorter than hoist's stall limit).
    pub slow: Duration,
    /// Every request of this method (`POST`, `GET`) meets this fault, whatever the seed.
    pub always: Option<(&'static str, Fault)>,
    /// Removed from every key before choosing (a run's unique part of its project names), so
    /// a seed meets the same faults in every run.
    pub forget: Option<String>,
}

impl ProxyConfig {
    /// No faults at all, until `always` or the rates are set.
    pub fn quiet(seed: u64) -> ProxyConfig {
        ProxyConfig {
            seed,
            post_rate: 0.0,
            get_rate: 0.0,
            max_in_a_row: 2,
            stall: Duration::from_secs(3),
            slow: Duration::from_millis(300),
            always: None,
            forget: None,
        }
    }
}

/// One line of the log: what the proxy did with one request.
#[derive(Debug, Clone)]
pub struct Logged {
    pub key: String,
    pub n: u32,
    pub fault: Fault,
    /// The status the index gave, when the request was forwarded and answered.
    pub upstream_status: Option<u16>,
}

impl std::fmt::Display for Logged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} #{} {}", self.key, self.n, self.fault.name())?;
        if let Some(s) = self.upstream_status {
            write!(f, " (index: {s})")?;
        }
        Ok(())
    }
}

struct Shared {
    config: ProxyConfig,
    upstream: (String, u16),
    enabled: AtomicBool,
    /// Per key: the faults chosen so far, in order of n.
    history: Mutex<HashMap<String, Vec<Fault>>>,
    log: Mutex<Vec<Logged>>,
}

/// SplitMix64: a good 64-bit mix, for a choice that depends on nothing but its inputs.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The fault for the n-th request with `key`, given the faults before it.
pub fn choose(config: &ProxyConfig, key: &str, n: u32, before: &[Fault]) -> Fault {
    if let Some((method, fault)) = config.always
        && key.starts_with(&format!("{method} "))
    {
        return fault;
    }
    let in_a_row = before
        .iter()
        .rev()
        .take_while(|f| **f != Fault::Pass)
        .count() as u32;
    if in_a_row >= config.max_in_a_row {
        return Fault::Pass;
    }
    let r = mix(config.seed ^ mix(fnv(key)) ^ mix(u64::from(n) + 1));
    // A GET has no body to cut, and its answer is the whole point: no "during", no "drop".
    let get_menu: Vec<Fault> = POST_FAULTS
        .iter()
        .copied()
        .filter(|f| !matches!(f, Fault::ResetDuring | Fault::DropAnswer))
        .collect();
    let (rate, menu) = if key.starts_with("POST ") {
        (config.post_rate, POST_FAULTS)
    } else {
        (config.get_rate, get_menu.as_slice())
    };
    let unit = (r >> 11) as f64 / (1u64 << 53) as f64;
    if unit >= rate {
        return Fault::Pass;
    }
    menu[(mix(r) % menu.len() as u64) as usize]
}

/// A running proxy; stops when dropped.
pub struct FaultProxy {
    addr: std::net::SocketAddr,
    shared: Arc<Shared>,
    _bg: Background,
}

impl FaultProxy {
    /// A proxy in front of `upstream` (any `http://127.0.0.1:PORT/...` URL of the index).
    pub fn start(upstream: &str, config: ProxyConfig) -> FaultProxy {
        let (host, port, _) = client::split_url(upstream);
        let shared = Arc::new(Shared {
            config,
            upstream: (host, port),
            enabled: AtomicBool::new(true),
            history: Mutex::new(HashMap::new()),
            log: Mutex::new(Vec::new()),
        });
        let listener = bind_loopback();
        let addr = listener.local_addr().expect("proxy address");
        let s = shared.clone();
        let bg = Background::serve_each("fault-proxy", listener, move |stream| {
            connection(stream, s.clone())
        });
        FaultProxy {
            addr,
            shared,
            _bg: bg,
        }
    }

    /// `url` of the upstream index, through the proxy.
    pub fn url_for(&self, url: &str) -> String {
        let (host, port) = &self.shared.upstream;
        url.replacen(&format!("{host}:{port}"), &self.addr.to_string(), 1)
    }

    /// Switches faults on or off (off: everything passes, and nothing is logged).
    pub fn set_faults(&self, on: bool) {
        self.shared.enabled.store(on, Ordering::SeqCst);
    }

    /// Everything the proxy did so far, in order.
    pub fn log(&self) -> Vec<Logged> {
        self.shared
            .log
            .lock()
            .map(|l| l.clone())
            .unwrap_or_default()
    }

    /// How many requests met each fault, by method (`POST`/`GET`) and fault name.
    pub fn counts(&self) -> BTreeMap<(String, String), u32> {
        let mut out = BTreeMap::new();
        for l in self.log() {
            let method = l.key.split(' ').next().unwrap_or("").to_string();
            *out.entry((method, l.fault.name())).or_insert(0) += 1;
        }
        out
    }
}

/// The filename of the `content` part of a multipart body, once its part header has arrived.
fn content_filename(prefix: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(prefix);
    let at = text.find("name=\"content\"")?;
    let rest = &text[at..];
    let line_end = rest.find("\r\n")?;
    let start = rest[..line_end].find("filename=\"")? + "filename=\"".len();
    let end = rest[start..].find('"')? + start;
    Some(rest[start..end].to_string())
}

async fn connection(stream: TcpStream, shared: Arc<Shared>) {
    let mut rd = BufReader::new(stream);
    loop {
        let Ok(Some(head)) = http::read_head(&mut rd).await else {
            return;
        };
        let Ok(framing) = head.framing() else { return };
        let length = match framing {
            Framing::Length(n) => n,
            Framing::Chunked => return,
        };
        // Read the body up to the content part's header, to know which file this is.
        let mut sink = BodySink::new(usize::MAX);
        let mut key = format!("{} {}", head.method, head.target);
        if head.method == "POST" {
            while sink.len < length {
                let step = (length - sink.len).min(4096);
                if http::read_body(&mut rd, Framing::Length(step), None, &mut sink)
                    .await
                    .is_err()
                {
                    return;
                }
                if let Some(name) = content_filename(&sink.data) {
                    key = format!("POST {name}");
                    break;
                }
            }
        }
        if let Some(f) = &shared.config.forget {
            key = key.replace(f.as_str(), "");
        }
        let fault = if shared.enabled.load(Ordering::SeqCst) {
            let mut history = shared.history.lock().expect("history");
            let seen = history.entry(key.clone()).or_default();
            let n = seen.len() as u32;
            let f = choose(&shared.config, &key, n, seen);
            seen.push(f);
            Some((n, f))
        } else {
            None
        };
        let (n, fault) = fault.unwrap_or((0, Fault::Pass));
        let rest = length - sink.len;
        if fault == Fault::ResetBefore || fault == Fault::ResetDuring {
            if fault == Fault::ResetDuring {
                let _ = http::read_body(&mut rd, Framing::Length(rest / 2), None, &mut sink).await;
            }
            record(&shared, &key, n, fault, None);
            let _ = rd.get_ref().set_zero_linger();
            return;
        }
        if http::read_body(&mut rd, Framing::Length(rest), None, &mut sink)
            .await
            .is_err()
        {
            return;
        }
        let keep_open = head.keep_alive();
        let w = rd.get_mut();
        if !fault.forwarded() {
            record(&shared, &key, n, fault, None);
            match fault {
                Fault::Unavailable(ra) | Fault::TooMany(ra) => {
                    let (status, reason) = if matches!(fault, Fault::Unavailable(_)) {
                        (503, "Service Unavailable")
                    } else {
                        (429, "Too Many Requests")
                    };
                    let headers: Vec<(String, String)> = if ra {
                        vec![("Retry-After".into(), "1".into())]
                    } else {
                        Vec::new()
                    };
                    if http::write_response(w, status, reason, &headers, b"", !keep_open)
                        .await
                        .is_err()
                        || !keep_open
                    {
                        return;
                    }
                    continue;
                }
                _ => {
                    // A stall: hold the connection past hoist's limit, then close.
                    tokio::time::sleep(shared.config.stall).await;
                    let _ = w.shutdown().await;
                    return;
                }
            }
        }
        let answer = forward(&shared, &head, sink.data).await;
        let status = answer.as_ref().ok().map(|r| r.status);
        if shared.enabled.load(Ordering::SeqCst) {
            record(&shared, &key, n, fault, status);
        }
        let Ok(answer) = answer else {
            let _ = rd.get_ref().set_zero_linger();
            return;
        };
        let w = rd.get_mut();
        match fault {
            Fault::ResetAfter => {
                let _ = rd.get_ref().set_zero_linger();
                return;
            }
            Fault::DropAnswer => {
                let _ = w.shutdown().await;
                return;
            }
            Fault::BadGateway => {
                if http::write_response(w, 502, "Bad Gateway", &[], b"", !keep_open)
                    .await
                    .is_err()
                    || !keep_open
                {
                    return;
                }
                continue;
            }
            Fault::Slow => tokio::time::sleep(shared.config.slow).await,
            _ => {}
        }
        let headers: Vec<(String, String)> = answer
            .headers
            .into_iter()
            .filter(|(n, _)| {
                ![
                    "content-length",
                    "transfer-encoding",
                    "connection",
                    "keep-alive",
                ]
                .contains(&n.to_ascii_lowercase().as_str())
            })
            .collect();
        if http::write_response(
            w,
            answer.status,
            &answer.reason,
            &headers,
            &answer.body,
            !keep_open,
        )
        .await
        .is_err()
            || !keep_open
        {
            return;
        }
    }
}

fn record(shared: &Shared, key: &str, n: u32, fault: Fault, upstream_status: Option<u16>) {
    if !shared.enabled.load(Ordering::SeqCst) {
        return;
    }
    if let Ok(mut log) = shared.log.lock() {
        log.push(Logged {
            key: key.to_string(),
            n,
            fault,
            upstream_status,
        });
    }
}

/// Sends the request to the index on a connection of its own and reads the whole answer.
async fn forward(
    shared: &Shared,
    head: &http::Head,
    body: Vec<u8>,
) -> std::io::Result<client::Response> {
    let (host, port) = shared.upstream.clone();
    let method = head.method.clone();
    let target = head.target.clone();
    let headers: Vec<(String, String)> = head
        .headers
        .iter()
        .filter(|(n, _)| {
            ![
                "host",
                "connection",
                "keep-alive",
                "content-length",
                "expect",
            ]
            .contains(&n.to_ascii_lowercase().as_str())
        })
        .cloned()
        .collect();
    tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect((host.as_str(), port))?;
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        let refs: Vec<(&str, &str)> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        client::request_on(
            &mut stream,
            &format!("{host}:{port}"),
            &method,
            &target,
            &refs,
            &body,
        )
    })
    .await
    .map_err(std::io::Error::other)?
}
