//! Fakes of GitHub's REST API (Actions secrets) and GitLab's REST API (CI/CD variables) on
//! 127.0.0.1, following the documented endpoints and shapes:
//!
//! - GitHub: `GET /repos/{owner}/{repo}/actions/secrets`, `/environments`,
//!   `/environments/{env}/secrets`, `/actions/organization-secrets`; answers
//!   `{"total_count": N, "secrets": [{"name", "created_at", "updated_at"}]}` and
//!   `{"total_count": N, "environments": [{"id", "name", …}]}`; `page`/`per_page` with a `Link`
//!   header (`rel="next"`, `rel="last"`); `Authorization: Bearer …` else 401 "Bad credentials";
//!   403 "Resource not accessible by personal access token"; 404 "Not Found"; rate limits as
//!   403 with `x-ratelimit-remaining: 0` / `x-ratelimit-reset`, or 429 with `retry-after`.
//! - GitLab: `GET /api/v4/projects/{id}`, `/projects/{id}/variables`,
//!   `/groups/{id}/variables` (ids URL-encoded paths); variables carry their `value` (as GitLab's
//!   do); `x-next-page`/`x-page`/`x-total` and `Link` pagination; `PRIVATE-TOKEN` (or
//!   `JOB-TOKEN`, which the variables API refuses with 401).
//!
//! A plain blocking HTTP/1.1 server (one thread per connection, `Connection: close`), so it
//! needs nothing but std; every request is recorded.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// One recorded request.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
}

/// A stored secret as the fake lists it.
#[derive(Debug, Clone)]
pub struct FakeSecret {
    pub name: String,
    pub created_at: String,
    pub updated_at: String,
}

pub fn secret(name: &str, created: &str, updated: &str) -> FakeSecret {
    FakeSecret {
        name: name.into(),
        created_at: format!("{created}T10:00:00Z"),
        updated_at: format!("{updated}T12:30:00Z"),
    }
}

/// How the fake answers everything (before routing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Normal,
    /// 403 "Resource not accessible by personal access token" to every request.
    Forbidden,
    /// The first `n` requests: 403 with `x-ratelimit-remaining: 0` and a reset one second away.
    RateLimitedFor(usize),
    /// Always 429 with `retry-after: 3600`.
    RateLimitedLong,
}

/// What the fake holds.
#[derive(Debug, Clone)]
pub struct State {
    /// The API token that is accepted.
    pub token: String,
    /// Entries per page at most (the client's `per_page` is capped to this).
    pub page_size: usize,
    pub mode: Mode,
    /// GitHub: answer 403 to the organisation-secrets listing only (a token without access
    /// to the organisation's secrets).
    pub forbid_org: bool,
    /// GitHub: `owner/repo` → repository secrets.
    pub repo_secrets: BTreeMap<String, Vec<FakeSecret>>,
    /// GitHub: `owner/repo` → environment → secrets.
    pub environments: BTreeMap<String, BTreeMap<String, Vec<FakeSecret>>>,
    /// GitHub: `owner/repo` → organisation secrets shared with it.
    pub org_secrets: BTreeMap<String, Vec<FakeSecret>>,
    /// GitLab: project path → (namespace kind, namespace full path).
    pub projects: BTreeMap<String, (String, String)>,
    /// GitLab: project path or group path → variables (key, value, environment scope).
    pub variables: BTreeMap<String, Vec<(String, String, String)>>,
}

impl State {
    pub fn new(token: &str) -> State {
        State {
            token: token.into(),
            page_size: 100,
            mode: Mode::Normal,
            forbid_org: false,
            repo_secrets: BTreeMap::new(),
            environments: BTreeMap::new(),
            org_secrets: BTreeMap::new(),
            projects: BTreeMap::new(),
            variables: BTreeMap::new(),
        }
    }
}

/// A running fake; stops accepting when dropped (the port is left to time out).
pub struct FakeApi {
    pub url: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    pub state: Arc<Mutex<State>>,
}

impl FakeApi {
    pub fn start(state: State) -> FakeApi {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let state = Arc::new(Mutex::new(state));
        let (s2, st2, base) = (seen.clone(), state.clone(), url.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let (s3, st3, b3) = (s2.clone(), st2.clone(), base.clone());
                std::thread::spawn(move || serve(conn, &s3, &st3, &b3));
            }
        });
        FakeApi { url, seen, state }
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

fn answer(status: u16, body: serde_json::Value) -> Answer {
    Answer {
        status,
        headers: Vec::new(),
        body: body.to_string(),
    }
}

fn serve(conn: TcpStream, seen: &Mutex<Vec<Seen>>, state: &Mutex<State>, base: &str) {
    let mut reader = BufReader::new(conn.try_clone().expect("clone stream"));
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or_default().to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let req = Seen {
        method,
        target,
        headers,
    };
    seen.lock().unwrap().push(req.clone());
    let a = {
        let mut st = state.lock().unwrap();
        route(&req, &mut st, base)
    };
    let reason = match a.status {
        200 => "OK",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        _ => "Other",
    };
    let mut out = format!(
        "HTTP/1.1 {} {reason}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n",
        a.status,
        a.body.len()
    );
    for (k, v) in &a.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(&a.body);
    let mut conn = conn;
    let _ = conn.write_all(out.as_bytes());
    let _ = conn.flush();
}

fn header<'a>(req: &'a Seen, name: &str) -> Option<&'a str> {
    req.headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn query(target: &str) -> (String, BTreeMap<String, String>) {
    let (path, q) = target.split_once('?').unwrap_or((target, ""));
    let map = q
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    (path.to_string(), map)
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn route(req: &Seen, st: &mut State, base: &str) -> Answer {
    match st.mode.clone() {
        Mode::Forbidden => {
            return answer(
                403,
                serde_json::json!({"message": "Resource not accessible by personal access token", "documentation_url": "https://docs.github.com/rest/actions/secrets#list-repository-secrets", "status": "403"}),
            );
        }
        Mode::RateLimitedFor(n) if n > 0 => {
            st.mode = Mode::RateLimitedFor(n - 1);
            let mut a = answer(
                403,
                serde_json::json!({"message": "API rate limit exceeded for user ID 1.", "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"}),
            );
            a.headers = vec![
                ("x-ratelimit-limit".into(), "5000".into()),
                ("x-ratelimit-remaining".into(), "0".into()),
                ("x-ratelimit-reset".into(), (now() + 1).to_string()),
            ];
            return a;
        }
        Mode::RateLimitedLong => {
            let mut a = answer(
                429,
                serde_json::json!({"message": "You have exceeded a secondary rate limit."}),
            );
            a.headers = vec![("retry-after".into(), "3600".into())];
            return a;
        }
        _ => {}
    }
    if req.method != "GET" {
        return answer(405, serde_json::json!({"message": "only GET in this fake"}));
    }
    let (path, q) = query(&req.target);
    if let Some(rest) = path.strip_prefix("/api/v4/") {
        return gitlab(req, st, base, rest, &q);
    }
    github(req, st, base, &path, &q)
}

/// One page of `items` with GitHub's `Link` header.
fn page_of<T: Clone>(
    items: &[T],
    q: &BTreeMap<String, String>,
    st: &State,
    base: &str,
    path: &str,
) -> (Vec<T>, Vec<(String, String)>, usize, usize) {
    let per: usize = q
        .get("per_page")
        .and_then(|v| v.parse().ok())
        .unwrap_or(30)
        .min(st.page_size)
        .max(1);
    let page: usize = q
        .get("page")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1);
    let last = items.len().div_ceil(per).max(1);
    let slice = items
        .iter()
        .skip((page - 1) * per)
        .take(per)
        .cloned()
        .collect();
    let mut links = Vec::new();
    let link =
        |p: usize, rel: &str| format!("<{base}{path}?per_page={per}&page={p}>; rel=\"{rel}\"");
    if page < last {
        links.push(link(page + 1, "next"));
        links.push(link(last, "last"));
    }
    if page > 1 {
        links.push(link(1, "first"));
        links.push(link(page - 1, "prev"));
    }
    let mut headers = Vec::new();
    if !links.is_empty() {
        headers.push(("link".to_string(), links.join(", ")));
    }
    (slice, headers, page, last)
}

fn secrets_json(list: &[FakeSecret]) -> Vec<serde_json::Value> {
    list.iter()
        .map(|s| serde_json::json!({"name": s.name, "created_at": s.created_at, "updated_at": s.updated_at}))
        .collect()
}

fn github(req: &Seen, st: &State, base: &str, path: &str, q: &BTreeMap<String, String>) -> Answer {
    let auth = header(req, "authorization").unwrap_or_default();
    let given = auth
        .strip_prefix("Bearer ")
        .or_else(|| auth.strip_prefix("token "));
    if given != Some(st.token.as_str()) {
        return answer(
            401,
            serde_json::json!({"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest", "status": "401"}),
        );
    }
    let not_found = || {
        answer(
            404,
            serde_json::json!({"message": "Not Found", "documentation_url": "https://docs.github.com/rest/actions/secrets#list-repository-secrets", "status": "404"}),
        )
    };
    let segs: Vec<String> = path
        .trim_start_matches('/')
        .split('/')
        .map(decode)
        .collect();
    if segs.len() < 4 || segs[0] != "repos" {
        return not_found();
    }
    let repo = format!("{}/{}", segs[1], segs[2]);
    let Some(secrets) = st.repo_secrets.get(&repo) else {
        return not_found();
    };
    let envs = st.environments.get(&repo).cloned().unwrap_or_default();
    let rest: Vec<&str> = segs[3..].iter().map(String::as_str).collect();
    let (key, list): (&str, Vec<serde_json::Value>) = match rest.as_slice() {
        ["actions", "secrets"] => ("secrets", secrets_json(secrets)),
        ["actions", "organization-secrets"] if st.forbid_org => {
            return answer(
                403,
                serde_json::json!({"message": "Resource not accessible by personal access token", "status": "403"}),
            );
        }
        ["actions", "organization-secrets"] => (
            "secrets",
            secrets_json(&st.org_secrets.get(&repo).cloned().unwrap_or_default()),
        ),
        ["environments"] => (
            "environments",
            envs.keys()
                .enumerate()
                .map(|(i, name)| serde_json::json!({"id": 161088068 + i, "node_id": "MDExOkVudmlyb25tZW50MTYxMDg4MDY4", "name": name, "url": format!("{base}/repos/{repo}/environments/{name}"), "html_url": format!("https://github.com/{repo}/deployments/activity_log?environments_filter={name}"), "created_at": "2020-11-23T22:00:40Z", "updated_at": "2020-11-23T22:00:40Z", "protection_rules": [], "deployment_branch_policy": null}))
                .collect(),
        ),
        ["environments", env, "secrets"] => match envs.get(*env) {
            Some(list) => ("secrets", secrets_json(list)),
            None => return not_found(),
        },
        _ => return not_found(),
    };
    let (slice, headers, _, _) = page_of(&list, q, st, base, path);
    let mut a = answer(
        200,
        serde_json::json!({"total_count": list.len(), key: slice}),
    );
    a.headers = headers;
    a
}

fn gitlab(req: &Seen, st: &State, base: &str, rest: &str, q: &BTreeMap<String, String>) -> Answer {
    let unauthorized = || answer(401, serde_json::json!({"message": "401 Unauthorized"}));
    // A CI job token is not accepted by the variables API: 401, as for no token.
    if header(req, "private-token") != Some(st.token.as_str()) {
        return unauthorized();
    }
    let not_found = |what: &str| {
        answer(
            404,
            serde_json::json!({"message": format!("404 {what} Not Found")}),
        )
    };
    let segs: Vec<&str> = rest.split('/').collect();
    let (kind, id, tail) = match segs.as_slice() {
        [kind, id] => (*kind, decode(id), None),
        [kind, id, tail] => (*kind, decode(id), Some(*tail)),
        _ => return not_found("Endpoint"),
    };
    match (kind, tail) {
        ("projects", None) => match st.projects.get(&id) {
            Some((nkind, full)) => answer(
                200,
                serde_json::json!({"id": 42, "path_with_namespace": id, "namespace": {"id": 7, "name": full, "path": full, "kind": nkind, "full_path": full}}),
            ),
            None => not_found("Project"),
        },
        ("projects" | "groups", Some("variables")) => {
            if kind == "projects" && !st.projects.contains_key(&id) {
                return not_found("Project");
            }
            let Some(vars) = st.variables.get(&id) else {
                return not_found("Group");
            };
            let list: Vec<serde_json::Value> = vars
                .iter()
                .map(|(k, v, scope)| serde_json::json!({"variable_type": "env_var", "key": k, "value": v, "protected": false, "masked": true, "hidden": false, "raw": false, "environment_scope": scope, "description": null}))
                .collect();
            let path = format!("/api/v4/{rest}");
            let (slice, mut headers, page, last) = page_of(&list, q, st, base, &path);
            headers.push(("x-page".into(), page.to_string()));
            headers.push(("x-total".into(), list.len().to_string()));
            headers.push(("x-total-pages".into(), last.to_string()));
            headers.push((
                "x-next-page".into(),
                if page < last {
                    (page + 1).to_string()
                } else {
                    String::new()
                },
            ));
            let mut a = answer(200, serde_json::Value::Array(slice));
            a.headers = headers;
            a
        }
        _ => not_found("Endpoint"),
    }
}
