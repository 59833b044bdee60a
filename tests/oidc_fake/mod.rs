//! An in-process fake of everything trusted publishing talks to, on 127.0.0.1: the CI token
//! services (GitHub's `ACTIONS_ID_TOKEN_REQUEST_URL`, Google's metadata server and IAM
//! Credentials API) and the index (`/_/oidc/audience`, `/_/oidc/mint-token`, `/legacy/`).
//!
//! It follows Warehouse's `warehouse/oidc/views.py` (`/_/oidc/audience`, `/_/oidc/mint-token`): tokens are real RS256 JWTs signed with the
//! test key `test-key.pem` (made with
//! `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`), and mint-token checks the
//! payload, the issuer, the signature and `kid`, `aud`, `exp`/`iat`, the `jti` (once only), then
//! the publisher, answering 422 with Warehouse's codes and descriptions. The upload endpoint
//! accepts only `__token__` with a minted, unexpired token. Every request is recorded.

#![allow(dead_code)]

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::rand::SystemRandom;
use ring::signature::{self, KeyPair, RsaKeyPair};
use serde_json::{Value, json};
use tokio::io::BufReader;

use crate::netsupport::http::{self, BodySink};
use crate::netsupport::{Background, bind_loopback};

pub const GITHUB_ISS: &str = "https://token.actions.githubusercontent.com";
pub const GITLAB_ISS: &str = "https://gitlab.com";
pub const GOOGLE_ISS: &str = "https://accounts.google.com";
pub const BUILDKITE_ISS: &str = "https://agent.buildkite.com";
pub const CIRCLECI_ISS: &str = "https://oidc.circleci.com/org/fake";
pub const KID: &str = "fake-key-1";
/// The bearer token the fake's GitHub endpoint wants.
pub const GITHUB_REQUEST_TOKEN: &str = "ghs-request-token-FAKE-9f8e7d";
pub const GCP_ACCESS_TOKEN: &str = "ya29.fake-access-token-5c4b";

/// The publisher registered on the fake index, as Warehouse stores it.
#[derive(Debug, Clone)]
pub enum Publisher {
    GitHub {
        owner: String,
        repo: String,
        owner_id: String,
        workflow: String,
        environment: Option<String>,
    },
    GitLab {
        project_path: String,
        workflow_filepath: String,
    },
    Google {
        email: String,
    },
    /// Accepts any token with this issuer (what a private index might do for Buildkite/CircleCI).
    Issuer(String),
}

/// How the fake behaves.
#[derive(Debug, Clone)]
pub struct Config {
    pub audience: String,
    /// The audience endpoint's status (200, 404, 403).
    pub audience_status: u16,
    /// Seconds a minted token lives, and what `expires` says.
    pub lifetime: u64,
    pub publisher: Publisher,
    /// Issuers mint-token knows.
    pub issuers: Vec<String>,
    /// Claims of the GitHub tokens the fake hands out (aud, iss, iat, exp, jti added).
    pub github_claims: Value,
    /// Hand out one and the same GitHub token every time (a broken CI).
    pub github_same_token: bool,
    /// Answer mint-token with these statuses (503…) before handling it.
    pub mint_failures: Vec<u16>,
    /// Only once this many tokens were minted do `mint_failures` start (a renewal fails).
    pub mint_failures_from: usize,
    /// Answer the audience request with these statuses first.
    pub audience_failures: Vec<u16>,
    /// Answer GitHub's token request with these statuses first.
    pub github_failures: Vec<u16>,
    /// Answer every mint with this 422 (code, description) after the token checks.
    pub forced: Option<(String, String)>,
    /// After this many uploads with one minted token, the upload answers 403 expired.
    pub token_uses: Option<usize>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            audience: "pypi".into(),
            audience_status: 200,
            lifetime: 900,
            publisher: Publisher::GitHub {
                owner: "octo-org".into(),
                repo: "demo".into(),
                owner_id: "4242".into(),
                workflow: "release.yml".into(),
                environment: Some("pypi".into()),
            },
            issuers: vec![
                GITHUB_ISS.into(),
                GITLAB_ISS.into(),
                GOOGLE_ISS.into(),
                "https://platform.activestate.com/api/v1/oauth/oidc".into(),
            ],
            github_claims: github_claims(),
            github_same_token: false,
            mint_failures: Vec::new(),
            mint_failures_from: 0,
            audience_failures: Vec::new(),
            github_failures: Vec::new(),
            forced: None,
            token_uses: None,
        }
    }
}

/// The claims of a tag push of `octo-org/demo` running release.yml in environment `pypi`.
pub fn github_claims() -> Value {
    json!({
        "sub": "repo:octo-org/demo:environment:pypi",
        "repository": "octo-org/demo",
        "repository_owner": "octo-org",
        "repository_owner_id": "4242",
        "repository_id": "777",
        "workflow_ref": "octo-org/demo/.github/workflows/release.yml@refs/tags/v1.0",
        "job_workflow_ref": "octo-org/demo/.github/workflows/release.yml@refs/tags/v1.0",
        "ref": "refs/tags/v1.0",
        "sha": "0123456789abcdef0123456789abcdef01234567",
        "environment": "pypi",
        "event_name": "push",
    })
}

/// One request as received.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }
    pub fn query(&self) -> &str {
        self.target.split_once('?').map_or("", |(_, q)| q)
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        http::header(&self.headers, name)
    }
}

#[derive(Default)]
pub struct State {
    pub seen: Vec<Seen>,
    /// Every OIDC token handed out, in order.
    pub issued: Vec<String>,
    /// Every jti presented to mint-token, in order (accepted or not).
    pub presented: Vec<String>,
    used_jti: HashSet<String>,
    /// Minted token → (expires unix, uploads done).
    minted: HashMap<String, (u64, usize)>,
    pub minted_order: Vec<String>,
    /// (filename, minted token used) of each accepted upload.
    pub uploads: Vec<(String, String)>,
    mint_failures_left: Vec<u16>,
    audience_failures_left: Vec<u16>,
    github_failures_left: Vec<u16>,
    serial: u64,
}

pub struct Fake {
    addr: std::net::SocketAddr,
    pub state: Arc<Mutex<State>>,
    config: Arc<Mutex<Config>>,
    key: Arc<RsaKeyPair>,
    _server: Background,
}

/// Seconds since the Unix epoch.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The RSA key the fake signs its OIDC tokens with (also the one the Sigstore fake checks).
pub fn load_key() -> RsaKeyPair {
    let pem = include_str!("test-key.pem");
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = STANDARD.decode(b64).expect("test key is base64");
    RsaKeyPair::from_pkcs8(&der).expect("test key is PKCS#8 RSA")
}

/// Signs `claims` as an RS256 JWT with the test key.
pub fn sign(key: &RsaKeyPair, kid: &str, claims: &Value) -> String {
    let header = json!({"alg": "RS256", "typ": "JWT", "kid": kid});
    let msg = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let mut sig = vec![0u8; key.public().modulus_len()];
    key.sign(
        &signature::RSA_PKCS1_SHA256,
        &SystemRandom::new(),
        msg.as_bytes(),
        &mut sig,
    )
    .expect("sign");
    format!("{msg}.{}", URL_SAFE_NO_PAD.encode(sig))
}

impl Fake {
    pub fn start(config: Config) -> Fake {
        let listener = bind_loopback();
        let addr = listener.local_addr().expect("addr");
        let state = Arc::new(Mutex::new(State {
            mint_failures_left: config.mint_failures.clone(),
            audience_failures_left: config.audience_failures.clone(),
            github_failures_left: config.github_failures.clone(),
            ..State::default()
        }));
        let config = Arc::new(Mutex::new(config));
        let key = Arc::new(load_key());
        let (s, c, k) = (state.clone(), config.clone(), key.clone());
        let server = Background::serve_each("oidc-fake", listener, move |stream| {
            let (s, c, k) = (s.clone(), c.clone(), k.clone());
            async move {
                let _ = serve(stream, s, c, k).await;
            }
        });
        Fake {
            addr,
            state,
            config,
            key,
            _server: server,
        }
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }
    /// The upload URL.
    pub fn upload_url(&self) -> String {
        format!("{}/legacy/", self.base())
    }
    /// A GitHub-style request URL that already has a query.
    pub fn github_request_url(&self) -> String {
        format!("{}/github/token?api-version=2.0", self.base())
    }
    pub fn host_port(&self) -> String {
        self.addr.to_string()
    }

    /// A signed token with these claims, plus iss, aud, iat, exp and a fresh jti.
    pub fn token(&self, iss: &str, claims: Value) -> String {
        let aud = self.config.lock().expect("config").audience.clone();
        let mut st = self.state.lock().expect("state");
        let t = make_token(&self.key, &mut st, iss, &aud, claims);
        st.issued.push(t.clone());
        t
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.state.lock().expect("state").seen.clone()
    }
    pub fn paths(&self) -> Vec<String> {
        self.seen().iter().map(|s| s.path().to_string()).collect()
    }
    pub fn count(&self, path: &str) -> usize {
        self.seen().iter().filter(|s| s.path() == path).count()
    }
    pub fn issued(&self) -> Vec<String> {
        self.state.lock().expect("state").issued.clone()
    }
    pub fn minted(&self) -> Vec<String> {
        self.state.lock().expect("state").minted_order.clone()
    }
    pub fn presented(&self) -> Vec<String> {
        self.state.lock().expect("state").presented.clone()
    }
    pub fn uploads(&self) -> Vec<(String, String)> {
        self.state.lock().expect("state").uploads.clone()
    }
    /// Every secret the fake handed out: OIDC tokens, minted tokens, request tokens.
    pub fn secrets(&self) -> Vec<String> {
        let st = self.state.lock().expect("state");
        let mut v = st.issued.clone();
        v.extend(st.minted_order.iter().cloned());
        v.push(GITHUB_REQUEST_TOKEN.to_string());
        v.push(GCP_ACCESS_TOKEN.to_string());
        v
    }
}

fn make_token(key: &RsaKeyPair, st: &mut State, iss: &str, aud: &str, claims: Value) -> String {
    st.serial += 1;
    let mut c = match claims {
        Value::Object(m) => m,
        _ => serde_json::Map::new(),
    };
    let t = now();
    c.insert("iss".into(), json!(iss));
    c.entry("aud").or_insert(json!(aud));
    c.insert("iat".into(), json!(t));
    c.insert("nbf".into(), json!(t));
    c.insert("exp".into(), json!(t + 300));
    c.insert("jti".into(), json!(format!("jti-{}-{}", st.serial, t)));
    sign(key, KID, &Value::Object(c))
}

struct Answer {
    status: u16,
    reason: &'static str,
    body: Vec<u8>,
    content_type: &'static str,
}

fn json_answer(status: u16, body: Value) -> Answer {
    Answer {
        status,
        reason: match status {
            200 => "OK",
            403 => "Forbidden",
            404 => "Not Found",
            422 => "Unprocessable Entity",
            503 => "Service Unavailable",
            _ => "Error",
        },
        body: body.to_string().into_bytes(),
        content_type: "application/json",
    }
}

fn mint_error(code: &str, description: &str) -> Answer {
    json_answer(
        422,
        json!({"message": "Token request failed", "errors": [{"code": code, "description": description}]}),
    )
}

async fn serve(
    stream: tokio::net::TcpStream,
    state: Arc<Mutex<State>>,
    config: Arc<Mutex<Config>>,
    key: Arc<RsaKeyPair>,
) -> std::io::Result<()> {
    let mut stream = BufReader::new(stream);
    loop {
        let Some(head) = http::read_head(&mut stream).await? else {
            return Ok(());
        };
        if head.expects_continue() {
            http::write_continue(stream.get_mut()).await?;
        }
        let mut sink = BodySink::new(16 * 1024 * 1024);
        http::read_body(&mut stream, head.framing()?, None, &mut sink).await?;
        let seen = Seen {
            method: head.method.clone(),
            target: head.target.clone(),
            headers: head.headers.clone(),
            body: sink.data,
        };
        state.lock().expect("state").seen.push(seen.clone());
        let cfg = config.lock().expect("config").clone();
        let answer = handle(&seen, &state, &cfg, &key);
        let (reason_status, reason) = (answer.status, answer.reason);
        let reason = if reason_status == 403 && answer.content_type == "text/plain" {
            std::str::from_utf8(&answer.body)
                .unwrap_or(reason)
                .to_string()
        } else {
            reason.to_string()
        };
        http::write_response(
            stream.get_mut(),
            answer.status,
            &reason,
            &[("Content-Type".into(), answer.content_type.into())],
            &answer.body,
            !head.keep_alive(),
        )
        .await?;
        if !head.keep_alive() {
            return Ok(());
        }
    }
}

fn query_pairs(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                k.to_string(),
                v.replace('+', " ").replace("%3A", ":").replace("%2F", "/"),
            )
        })
        .collect()
}

fn handle(req: &Seen, state: &Mutex<State>, cfg: &Config, key: &RsaKeyPair) -> Answer {
    let path = req.path().to_string();
    match (req.method.as_str(), path.as_str()) {
        ("GET", "/github/token")
            if !state.lock().expect("state").github_failures_left.is_empty() =>
        {
            let s = state.lock().expect("state").github_failures_left.remove(0);
            json_answer(s, json!({"message": "unavailable"}))
        }
        ("GET", "/_/oidc/audience")
            if !state
                .lock()
                .expect("state")
                .audience_failures_left
                .is_empty() =>
        {
            let s = state
                .lock()
                .expect("state")
                .audience_failures_left
                .remove(0);
            json_answer(s, json!({"message": "unavailable"}))
        }
        ("GET", "/github/token") => {
            let auth = req.header("authorization").unwrap_or("");
            if auth != format!("bearer {GITHUB_REQUEST_TOKEN}") {
                return json_answer(401, json!({"message": "bad request token"}));
            }
            let q = query_pairs(req.query());
            // The URL already had `api-version=2.0`: it must still be there, once, with audience.
            let api = q.iter().filter(|(k, _)| k == "api-version").count();
            let aud: Vec<&String> = q
                .iter()
                .filter(|(k, _)| k == "audience")
                .map(|(_, v)| v)
                .collect();
            if api != 1 || aud.len() != 1 || req.query().contains('?') {
                return json_answer(400, json!({"message": "bad query"}));
            }
            let mut st = state.lock().expect("state");
            let token = if cfg.github_same_token && !st.issued.is_empty() {
                st.issued[0].clone()
            } else {
                let claims = {
                    let mut c = cfg.github_claims.clone();
                    if let Value::Object(m) = &mut c {
                        m.entry("aud").or_insert(json!(aud[0]));
                    }
                    c
                };
                make_token(key, &mut st, GITHUB_ISS, aud[0], claims)
            };
            st.issued.push(token.clone());
            json_answer(200, json!({"count": 1, "value": token}))
        }
        ("GET", "/computeMetadata/v1/instance/service-accounts/default/identity") => {
            if req.header("metadata-flavor") != Some("Google") {
                return json_answer(403, json!({"error": "missing Metadata-Flavor"}));
            }
            let q = query_pairs(req.query());
            let aud = q
                .iter()
                .find(|(k, _)| k == "audience")
                .map(|(_, v)| v.clone());
            let full = q.iter().any(|(k, v)| k == "format" && v == "full");
            let Some(aud) = aud.filter(|_| full) else {
                return json_answer(400, json!({"error": "audience and format=full required"}));
            };
            let mut st = state.lock().expect("state");
            let t = make_token(
                key,
                &mut st,
                GOOGLE_ISS,
                &aud,
                json!({"email": "publisher@demo.iam.gserviceaccount.com", "email_verified": true, "sub": "1122334455", "aud": aud}),
            );
            st.issued.push(t.clone());
            Answer {
                status: 200,
                reason: "OK",
                body: t.into_bytes(),
                content_type: "text/plain",
            }
        }
        ("GET", "/computeMetadata/v1/instance/service-accounts/default/token") => {
            if req.header("metadata-flavor") != Some("Google") {
                return json_answer(403, json!({"error": "missing Metadata-Flavor"}));
            }
            json_answer(
                200,
                json!({"access_token": GCP_ACCESS_TOKEN, "expires_in": 3599, "token_type": "Bearer"}),
            )
        }
        ("POST", p)
            if p.starts_with("/v1/projects/-/serviceAccounts/")
                && p.ends_with(":generateIdToken") =>
        {
            if req.header("authorization") != Some(&format!("Bearer {GCP_ACCESS_TOKEN}")) {
                return json_answer(401, json!({"error": "bad access token"}));
            }
            let email = p
                .trim_start_matches("/v1/projects/-/serviceAccounts/")
                .trim_end_matches(":generateIdToken")
                .to_string();
            let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
            let Some(aud) = body.get("audience").and_then(Value::as_str) else {
                return json_answer(400, json!({"error": "audience required"}));
            };
            if body.get("includeEmail") != Some(&json!(true)) {
                return json_answer(400, json!({"error": "includeEmail required"}));
            }
            let mut st = state.lock().expect("state");
            let t = make_token(
                key,
                &mut st,
                GOOGLE_ISS,
                aud,
                json!({"email": email, "email_verified": true, "sub": "99887766", "aud": aud}),
            );
            st.issued.push(t.clone());
            json_answer(200, json!({"token": t}))
        }
        ("GET", "/_/oidc/audience") => match cfg.audience_status {
            200 => json_answer(200, json!({"audience": cfg.audience})),
            403 => json_answer(
                403,
                json!({"message": "Trusted publishing functionality not enabled"}),
            ),
            s => json_answer(s, json!({"message": "Not Found"})),
        },
        ("POST", "/_/oidc/mint-token") => mint(req, state, cfg, key),
        ("POST", "/legacy/") => upload(req, state, cfg),
        _ => json_answer(404, json!({"message": "Not Found"})),
    }
}

fn b64_json(part: &str) -> Option<Value> {
    let bytes = URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn mint(req: &Seen, state: &Mutex<State>, cfg: &Config, key: &RsaKeyPair) -> Answer {
    {
        let mut st = state.lock().expect("state");
        if !st.mint_failures_left.is_empty() && st.minted_order.len() >= cfg.mint_failures_from {
            let s = st.mint_failures_left.remove(0);
            // The token in the body is consumed all the same (Warehouse claims the jti late, but
            // a retry must never count on that).
            if let Ok(v) = serde_json::from_slice::<Value>(&req.body)
                && let Some(t) = v.get("token").and_then(Value::as_str)
                && let Some(c) = t.split('.').nth(1).and_then(b64_json)
                && let Some(j) = c.get("jti").and_then(Value::as_str)
            {
                st.presented.push(j.to_string());
                st.used_jti.insert(j.to_string());
            }
            return json_answer(s, json!({"message": "unavailable"}));
        }
    }
    // 1. The payload: a JSON object with a string `token`.
    let token = match serde_json::from_slice::<Value>(&req.body) {
        Ok(Value::Object(m)) => match m.get("token") {
            Some(Value::String(t)) => t.clone(),
            _ => {
                return mint_error(
                    "invalid-payload",
                    "1 validation error for TokenPayload\ntoken\n  Input should be a valid string",
                );
            }
        },
        _ => {
            return mint_error(
                "invalid-payload",
                "1 validation error for TokenPayload\n  Input should be a valid dictionary or instance of TokenPayload",
            );
        }
    };
    // 2. Unverified decode; `iss` required.
    let parts: Vec<&str> = token.split('.').collect();
    let (Some(header), Some(claims)) = (
        parts.first().and_then(|h| b64_json(h)),
        parts.get(1).and_then(|c| b64_json(c)),
    ) else {
        return mint_error("invalid-payload", "malformed JWT");
    };
    let Some(iss) = claims
        .get("iss")
        .and_then(Value::as_str)
        .map(str::to_string)
    else {
        return mint_error("invalid-payload", "malformed JWT");
    };
    // 3. A known issuer.
    if !cfg.issuers.contains(&iss) {
        return mint_error("invalid-payload", "unknown trusted publishing issuer");
    }
    // 4. Per-provider switch (forced), then 5. signature and claims.
    if let Some((code, desc)) = &cfg.forced
        && code == "not-enabled"
    {
        return mint_error(code, desc);
    }
    let verified = parts.len() == 3
        && header.get("alg") == Some(&json!("RS256"))
        && header.get("kid") == Some(&json!(KID))
        && URL_SAFE_NO_PAD.decode(parts[2]).is_ok_and(|sig| {
            signature::UnparsedPublicKey::new(
                &signature::RSA_PKCS1_2048_8192_SHA256,
                key.public_key().as_ref(),
            )
            .verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &sig)
            .is_ok()
        });
    let t = now();
    let num = |k: &str| claims.get(k).and_then(Value::as_u64);
    let times_ok = matches!((num("iat"), num("exp")), (Some(iat), Some(exp)) if iat <= t + 30 && exp + 30 >= t);
    let aud_ok = claims.get("aud") == Some(&json!(cfg.audience));
    if !verified || !times_ok || !aud_ok {
        return mint_error("invalid-token", "malformed or invalid token");
    }
    if let Some((code, desc)) = &cfg.forced {
        return mint_error(code, desc);
    }
    // 8. The jti, once only.
    let jti = claims
        .get("jti")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    {
        let mut st = state.lock().expect("state");
        st.presented.push(jti.clone());
        if !st.used_jti.insert(jti) {
            return mint_error("invalid-reuse-token", "invalid token: already used");
        }
    }
    // 9. The publisher.
    let s = |k: &str| {
        claims
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let matched: Result<(), String> = match &cfg.publisher {
        Publisher::GitHub {
            owner,
            repo,
            owner_id,
            workflow,
            environment,
        } => {
            let repository = s("repository");
            let expected_ref = format!("{owner}/{repo}/.github/workflows/{workflow}@{}", s("ref"));
            if !repository.eq_ignore_ascii_case(&format!("{owner}/{repo}"))
                || s("repository_owner") != *owner
            {
                Err("Publisher with matching claims was not found".into())
            } else if s("repository_owner_id") != *owner_id {
                Err("Check failed for required claim 'repository_owner_id'".into())
            } else if s("event_name") == "pull_request_target" {
                Err("Publishing from a workflow invoked via 'pull_request_target' is not supported.".into())
            } else if s("job_workflow_ref") != expected_ref {
                Err(format!(
                    "The job_workflow_ref claim does not match, expecting one of ['{expected_ref}'], got '{}'",
                    s("job_workflow_ref")
                ))
            } else if let Some(env) = environment
                && !s("environment").eq_ignore_ascii_case(env)
            {
                Err("Check failed for optional claim 'environment'".into())
            } else {
                Ok(())
            }
        }
        Publisher::GitLab {
            project_path,
            workflow_filepath,
        } => {
            let uri = s("ci_config_ref_uri");
            let expected = format!(
                "gitlab.com/{project_path}//{workflow_filepath}@{}",
                s("ref_path")
            );
            if !s("project_path").eq_ignore_ascii_case(project_path) {
                Err("Publisher with matching claims was not found".into())
            } else if uri != expected {
                Err(format!(
                    "The ci_config_ref_uri claim does not match, expecting one of ['{expected}'], got '{uri}'"
                ))
            } else {
                Ok(())
            }
        }
        Publisher::Google { email } => {
            if s("email") != *email || claims.get("email_verified") != Some(&json!(true)) {
                Err("Publisher with matching claims was not found".into())
            } else {
                Ok(())
            }
        }
        Publisher::Issuer(i) => {
            if iss == *i {
                Ok(())
            } else {
                Err("Publisher with matching claims was not found".into())
            }
        }
    };
    if let Err(why) = matched {
        return mint_error(
            "invalid-publisher",
            &format!("valid token, but no corresponding publisher ({why})"),
        );
    }
    let mut st = state.lock().expect("state");
    st.serial += 1;
    let minted = format!("pypi-FAKEMINTED{:04}x{}", st.serial, t % 100000);
    let expires = t + cfg.lifetime;
    st.minted.insert(minted.clone(), (expires, 0));
    st.minted_order.push(minted.clone());
    json_answer(
        200,
        json!({"success": true, "token": minted, "expires": expires}),
    )
}

fn basic(req: &Seen) -> Option<(String, String)> {
    let v = req.header("authorization")?;
    let (scheme, b64) = v.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let text = String::from_utf8(STANDARD.decode(b64.trim()).ok()?).ok()?;
    let (u, p) = text.split_once(':')?;
    Some((u.to_string(), p.to_string()))
}

fn upload(req: &Seen, state: &Mutex<State>, cfg: &Config) -> Answer {
    let forbidden = |why: &str| Answer {
        status: 403,
        reason: "Forbidden",
        body: why.as_bytes().to_vec(),
        content_type: "text/plain",
    };
    let Some((user, pass)) = basic(req) else {
        return forbidden(
            "Invalid or non-existent authentication information. See https://pypi.org/help/#invalid-auth for more information.",
        );
    };
    let mut st = state.lock().expect("state");
    let uses_limit = st.minted.get(&pass).map(|(e, n)| (*e, *n));
    let Some((expires, uses)) = uses_limit.filter(|_| user == "__token__") else {
        return forbidden(
            "Invalid or non-existent authentication information. See https://pypi.org/help/#invalid-auth for more information.",
        );
    };
    if now() > expires || cfg.token_uses.is_some_and(|limit| uses >= limit) {
        return forbidden("Invalid API Token: token is expired");
    }
    let filename = req
        .header("content-type")
        .and_then(|ct| crate::netsupport::multipart::parse(ct, &req.body).ok())
        .and_then(|parts| {
            parts
                .into_iter()
                .find(|p| p.name == "content")
                .and_then(|p| p.filename)
        })
        .unwrap_or_default();
    if let Some(entry) = st.minted.get_mut(&pass) {
        entry.1 = uses + 1;
    }
    st.uploads.push((filename, pass));
    Answer {
        status: 200,
        reason: "OK",
        body: b"OK".to_vec(),
        content_type: "text/plain",
    }
}

pub fn wait() -> Duration {
    Duration::from_secs(20)
}
