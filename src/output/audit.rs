//! Rendering of `hoist audit` reports (human text, JSON, SARIF 2.1.0) and of
//! `hoist token inspect` (human text, JSON).
//!
//! Everything here prints what [`crate::audit`] found; nothing here decides anything. Tokens
//! only ever reach this module redacted.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use serde_json::{Value, json};

use crate::audit::leftover::{self, SecretStatus, Verdict};
use crate::audit::rules::{self, Severity};
use crate::audit::settings::{Scope, StoredSecret};
use crate::audit::token::{self, CaveatInfo, Redacted, TokenInfo};
use crate::audit::{Finding, Provider, Publisher, PublisherStatus, Report, publisher_summary};

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();

fn severity_style(s: Severity) -> Style {
    match s {
        Severity::Critical => Style::new()
            .bold()
            .fg_color(Some(AnsiColor::BrightRed.into())),
        Severity::High => Style::new().bold().fg_color(Some(AnsiColor::Red.into())),
        Severity::Medium => Style::new().bold().fg_color(Some(AnsiColor::Yellow.into())),
        Severity::Low => Style::new().fg_color(Some(AnsiColor::Cyan.into())),
        Severity::Info => DIM,
    }
}

fn short(oid: &str) -> &str {
    oid.get(..10).unwrap_or(oid)
}

fn date(unix: i64) -> String {
    token::format_time(unix)
        .split('T')
        .next()
        .unwrap_or_default()
        .to_string()
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

const SEVERITIES: [Severity; 5] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
    Severity::Info,
];

/// Most occurrences listed per finding in the human report.
const MAX_OCCURRENCES: usize = 5;
/// Most notes listed in the human report.
const MAX_NOTES: usize = 20;

/// The human report: findings grouped by severity (most severe first), then the trusted
/// publishers to register, then the notes and a summary line.
pub fn human(
    report: &Report,
    fail_on: Option<Severity>,
    show_suppressed: bool,
    w: &mut dyn Write,
) -> io::Result<()> {
    heading(report, w)?;
    findings_by_severity(report, show_suppressed, w)?;
    if !report.publishers.is_empty() {
        writeln!(
            w,
            "\n{BOLD}Trusted publishers that replace stored tokens ({}){BOLD:#}",
            report.publishers.len()
        )?;
        for p in &report.publishers {
            publisher(p, w)?;
        }
    }
    stored_secrets(report, w)?;
    notes(report, w)?;
    summary_line(report, fail_on, w)?;
    checklist(report, w)
}

/// The first line: what was scanned.
fn heading(report: &Report, w: &mut dyn Write) -> io::Result<()> {
    let s = &report.stats;
    let mut what = Vec::new();
    if report.git {
        if let Some(h) = &report.head {
            what.push(format!("HEAD {}", short(h)));
        }
        what.push(count(s.commits, "commit", "commits"));
        what.push(count(s.blobs_scanned, "blob scanned", "blobs scanned"));
    }
    what.push(count(
        s.files_scanned,
        "file on disk scanned",
        "files on disk scanned",
    ));
    what.push(count(s.workflows, "CI file", "CI files"));
    writeln!(
        w,
        "{BOLD}hoist audit{BOLD:#} {} {DIM}({}){DIM:#}",
        report.root.display(),
        what.join(", ")
    )
}

/// The findings grouped by severity, worst first, then the suppressed ones when asked for.
fn findings_by_severity(
    report: &Report,
    show_suppressed: bool,
    w: &mut dyn Write,
) -> io::Result<()> {
    for severity in SEVERITIES {
        let group: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .collect();
        if group.is_empty() {
            continue;
        }
        let style = severity_style(severity);
        writeln!(
            w,
            "\n{style}{} ({}){style:#}",
            severity.as_str().to_uppercase(),
            group.len()
        )?;
        for f in group {
            finding(f, w)?;
        }
    }
    if show_suppressed && !report.suppressed.is_empty() {
        writeln!(w, "\n{DIM}SUPPRESSED ({}){DIM:#}", report.suppressed.len())?;
        for f in &report.suppressed {
            finding(f, w)?;
        }
    }
    Ok(())
}

/// What was skipped and why (at most [`MAX_NOTES`]; JSON has them all).
fn notes(report: &Report, w: &mut dyn Write) -> io::Result<()> {
    if report.notes.is_empty() {
        return Ok(());
    }
    writeln!(w, "\n{BOLD}Notes ({}){BOLD:#}", report.notes.len())?;
    for n in report.notes.iter().take(MAX_NOTES) {
        let mut place = n.path.clone().unwrap_or_default();
        if let Some(o) = &n.object {
            place.push_str(&format!(" (blob {})", short(o)));
        }
        if place.is_empty() {
            writeln!(w, "  {}", n.reason)?;
        } else {
            writeln!(w, "  {place}: {}", n.reason)?;
        }
    }
    if report.notes.len() > MAX_NOTES {
        writeln!(
            w,
            "  … and {} more (all are in --format json)",
            report.notes.len() - MAX_NOTES
        )?;
    }
    Ok(())
}

/// The closing line: the counts per severity, the suppressed ones, and the `--fail-on` verdict.
fn summary_line(report: &Report, fail_on: Option<Severity>, w: &mut dyn Write) -> io::Result<()> {
    let counts: Vec<String> = SEVERITIES
        .iter()
        .filter_map(|&sev| {
            let n = report.findings.iter().filter(|f| f.severity == sev).count();
            (n > 0).then(|| format!("{n} {}", sev.as_str()))
        })
        .collect();
    let total = report.findings.len();
    let mut summary = if total == 0 {
        "\nNo findings".to_string()
    } else {
        format!(
            "\n{total} finding{} ({})",
            if total == 1 { "" } else { "s" },
            counts.join(", ")
        )
    };
    if !report.suppressed.is_empty() {
        summary.push_str(&format!(", {} suppressed", report.suppressed.len()));
    }
    let verdict = match fail_on {
        None => " (--fail-on never)".to_string(),
        Some(t) if report.fails(fail_on) => {
            format!("; failing: at least one is {} or worse", t.as_str())
        }
        Some(t) => format!("; nothing at or above {}", t.as_str()),
    };
    writeln!(w, "{BOLD}{summary}{verdict}.{BOLD:#}")
}

fn provider_name(p: Provider) -> &'static str {
    match p {
        Provider::GitHub => "GitHub",
        Provider::GitLab => "GitLab",
    }
}

/// The secrets read from the CI settings and what became of each upload credential.
fn stored_secrets(report: &Report, w: &mut dyn Write) -> io::Result<()> {
    for settings in &report.settings {
        let statuses: Vec<&SecretStatus> = report
            .stored
            .iter()
            .filter(|s| s.secret.provider == settings.provider)
            .collect();
        let related: Vec<&&SecretStatus> = statuses
            .iter()
            .filter(|s| s.verdict != Verdict::Unrelated)
            .collect();
        writeln!(
            w,
            "\n{BOLD}Stored secrets in {} {} ({}){BOLD:#} {DIM}(read from {} with {}; names and dates only){DIM:#}",
            provider_name(settings.provider),
            settings.repository,
            count(related.len(), "upload credential", "upload credentials"),
            settings.api,
            settings.credential
        )?;
        for s in related {
            let (label, detail) = match s.verdict {
                Verdict::Leftover => (
                    "leftover",
                    format!(
                        "no workflow on any ref uses it; {}",
                        leftover::history_phrase(s.last_change.as_ref())
                    ),
                ),
                Verdict::BesideOidc => (
                    "beside OIDC",
                    format!(
                        "used only by jobs that also have an OIDC identity: {}",
                        uses(s)
                    ),
                ),
                _ => ("in use", format!("used by {}", uses(s))),
            };
            writeln!(
                w,
                "  {BOLD}{}{BOLD:#}  {}  {DIM}{}{DIM:#}",
                s.secret.name,
                s.secret.place(),
                s.secret.dates()
            )?;
            writeln!(w, "    {label}: {detail}")?;
        }
        let other = statuses.len()
            - statuses
                .iter()
                .filter(|s| s.verdict != Verdict::Unrelated)
                .count();
        if other > 0 {
            writeln!(
                w,
                "  {DIM}{} not related to publishing{DIM:#}",
                count(other, "other secret", "other secrets")
            )?;
        }
        for n in &settings.notes {
            writeln!(w, "  {DIM}note{DIM:#} {n}")?;
        }
    }
    Ok(())
}

fn uses(s: &SecretStatus) -> String {
    // One entry per file and job, with the refs it is on.
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for u in &s.used_by {
        let file = u.file.rsplit('/').next().unwrap_or(&u.file);
        let key = format!("{file} job `{}`", u.job);
        let place = u
            .reference
            .strip_prefix("refs/heads/")
            .unwrap_or(&u.reference)
            .to_string();
        match out.iter_mut().find(|(k, _)| *k == key) {
            Some((_, refs)) if !refs.contains(&place) => refs.push(place),
            Some(_) => {}
            None => out.push((key, vec![place])),
        }
    }
    out.iter()
        .map(|(k, refs)| format!("{k} ({})", refs.join(", ")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The steps that retire the leftover secrets, in order: revoke on PyPI, delete the secret,
/// re-run. Only printed when `--github`/`--gitlab` found something to retire.
fn checklist(report: &Report, w: &mut dyn Write) -> io::Result<()> {
    if report.settings.is_empty() {
        return Ok(());
    }
    let retire: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| {
            f.code == rules::LEFTOVER_SECRET.code || f.code == rules::SECRET_BESIDE_OIDC.code
        })
        .collect();
    let in_use: Vec<&SecretStatus> = report
        .stored
        .iter()
        .filter(|s| s.verdict == Verdict::InUse)
        .collect();
    if retire.is_empty() && in_use.is_empty() {
        writeln!(w, "\n{BOLD}Stored secrets: nothing left to retire.{BOLD:#}")?;
        return Ok(());
    }
    writeln!(
        w,
        "\n{BOLD}Checklist: retire the stored tokens, in this order{BOLD:#}"
    )?;
    let secrets: Vec<&StoredSecret> = retire.iter().flat_map(|f| f.secrets.iter()).collect();
    let mut step = 0;
    let beside: Vec<&SecretStatus> = report
        .stored
        .iter()
        .filter(|s| s.verdict == Verdict::BesideOidc && secrets.contains(&&s.secret))
        .collect();
    if !beside.is_empty() {
        step += 1;
        writeln!(
            w,
            "  {step}. First drop these from the jobs that still pass them (they can already publish by trusted publishing), and check that one trusted upload works:"
        )?;
        for s in beside {
            writeln!(w, "       {}: {}", s.secret.name, uses(s))?;
        }
    }
    if !secrets.is_empty() {
        step = revoke_and_delete(report, &secrets, step, w)?;
    }
    for s in in_use {
        writeln!(
            w,
            "  {DIM}not yet:{DIM:#} `{}` ({}) is still used by {}: move that job to trusted publishing first, then retire it the same way.",
            s.secret.name,
            s.secret.place(),
            uses(s)
        )?;
    }
    step += 1;
    let again: Vec<String> = report
        .settings
        .iter()
        .map(|x| {
            let flag = match x.provider {
                Provider::GitHub => "--github",
                Provider::GitLab => "--gitlab",
            };
            format!("`hoist audit {flag} {}`", x.repository)
        })
        .collect();
    writeln!(
        w,
        "  {step}. Re-run {} to confirm nothing is left.",
        again.join(" and ")
    )
}

/// Steps `step + 1` (revoke on PyPI, with the names and dates to match) and `step + 2`
/// (delete the secrets); returns the last step number.
fn revoke_and_delete(
    report: &Report,
    secrets: &[&StoredSecret],
    mut step: usize,
    w: &mut dyn Write,
) -> io::Result<usize> {
    step += 1;
    writeln!(
        w,
        "  {step}. Revoke each token on PyPI before deleting any secret: https://pypi.org/manage/account/ → API tokens (and https://test.pypi.org/manage/account/ for TestPyPI tokens). The token's name is usually the only link to the secret: match them by name and by these dates."
    )?;
    let width = secrets.iter().map(|s| s.name.len()).max().unwrap_or(0);
    for s in secrets {
        let index = report
            .stored
            .iter()
            .find(|x| &x.secret == *s)
            .map_or("pypi.org", leftover::index_of);
        writeln!(
            w,
            "       {:<width$}  {}, {}  (on {index})",
            s.name,
            s.place(),
            s.dates()
        )?;
    }
    step += 1;
    writeln!(w, "  {step}. Then delete the secrets:")?;
    for s in secrets {
        let repository = report
            .settings
            .iter()
            .find(|x| x.provider == s.provider)
            .map_or("?", |x| x.repository.as_str());
        writeln!(w, "       {}", leftover::delete_command(s, repository))?;
        if matches!(s.scope, Scope::Organization(_) | Scope::Group(_)) {
            writeln!(
                w,
                "         {DIM}(shared: check no other repository uses it first){DIM:#}"
            )?;
        }
    }
    Ok(step)
}

fn finding(f: &Finding, w: &mut dyn Write) -> io::Result<()> {
    let style = severity_style(f.severity);
    writeln!(
        w,
        "  {style}{}{style:#} {BOLD}{}{BOLD:#}  {}:{}",
        f.code, f.name, f.path, f.line
    )?;
    writeln!(w, "    {}", f.message)?;
    if let Some(t) = &f.token {
        let mut line = format!("{t}");
        if let Some(info) = &f.scope {
            line.push_str(&format!("  id {}", info.id));
            if let Some(exp) = info.expires_at {
                line.push_str(&format!("  expires {}", token::format_time(exp)));
            }
        }
        writeln!(w, "    {DIM}token{DIM:#}  {line}")?;
    }
    if !f.occurrences.is_empty() {
        let shown: Vec<String> = f
            .occurrences
            .iter()
            .take(MAX_OCCURRENCES)
            .map(|o| {
                let mut s = format!("{}:{}", o.path, o.line);
                if o.at_head {
                    s.push_str(" at HEAD");
                } else if o.worktree {
                    s.push_str(" in the work tree");
                } else if let Some(c) = &o.commit {
                    s.push_str(&format!(" added in {}", short(c)));
                    if let Some(t) = o.commit_time {
                        s.push_str(&format!(" ({})", date(t)));
                    }
                }
                s
            })
            .collect();
        writeln!(w, "    {DIM}seen{DIM:#}   {}", shown.join("; "))?;
        if f.occurrences.len() > MAX_OCCURRENCES {
            writeln!(
                w,
                "           … and {} more",
                f.occurrences.len() - MAX_OCCURRENCES
            )?;
        }
    }
    for (i, step) in f.fix.iter().enumerate() {
        let label = if i == 0 { "fix" } else { "" };
        writeln!(w, "    {DIM}{label:<6}{DIM:#} {step}")?;
    }
    Ok(())
}

fn publisher(p: &Publisher, w: &mut dyn Write) -> io::Result<()> {
    let status = match p.status {
        PublisherStatus::StoredToken => "uses a stored token today",
        PublisherStatus::MissingIdToken => "no stored token, but cannot request an OIDC token",
        PublisherStatus::TrustedPublishing => "already set up for trusted publishing",
    };
    let provider = match p.provider {
        Provider::GitHub => "GitHub",
        Provider::GitLab => "GitLab",
    };
    writeln!(
        w,
        "  {BOLD}{}{BOLD:#} job `{}` {DIM}({provider}; {status}){DIM:#}",
        p.file, p.job
    )?;
    let unknown = "? (no git remote found)";
    let (owner, repo, wf) = match p.provider {
        Provider::GitHub => ("owner", "repository", "workflow name"),
        Provider::GitLab => ("namespace", "project", "pipeline file"),
    };
    let rows = [
        ("register at", p.register_url.clone().unwrap_or_default()),
        ("index", p.indexes.join(", ")),
        (
            "PyPI project",
            p.pypi_project
                .clone()
                .unwrap_or_else(|| "? (no name in pyproject.toml)".into()),
        ),
        (owner, p.owner.clone().unwrap_or_else(|| unknown.into())),
        (repo, p.repository.clone().unwrap_or_else(|| unknown.into())),
        (wf, p.workflow.clone()),
        (
            "environment",
            p.environment
                .clone()
                .unwrap_or_else(|| crate::auth::oidc::report::NO_ENVIRONMENT.into()),
        ),
    ];
    for (label, value) in rows {
        writeln!(w, "    {DIM}{label:<14}{DIM:#}{value}")?;
    }
    if !p.changes.is_empty() {
        writeln!(w, "    {DIM}then{DIM:#}")?;
        for (i, c) in p.changes.iter().enumerate() {
            match c.line {
                Some(l) => writeln!(w, "      {}. line {l}: {}", i + 1, c.text)?,
                None => writeln!(w, "      {}. {}", i + 1, c.text)?,
            }
        }
    }
    Ok(())
}

fn severity_counts(findings: &[Finding]) -> Value {
    let mut map = serde_json::Map::new();
    for sev in SEVERITIES {
        let n = findings.iter().filter(|f| f.severity == sev).count();
        map.insert(sev.as_str().to_string(), json!(n));
    }
    Value::Object(map)
}

/// The JSON report: the [`Report`] plus the verdict.
pub fn json(report: &Report, fail_on: Option<Severity>) -> String {
    let mut value = serde_json::to_value(report).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        map.insert("schema_version".into(), json!(1));
        map.insert(
            "tool".into(),
            json!({"name": "hoist", "version": env!("CARGO_PKG_VERSION")}),
        );
        map.insert(
            "fail_on".into(),
            json!(fail_on.map_or("never", Severity::as_str)),
        );
        map.insert("failed".into(), json!(report.fails(fail_on)));
        map.insert("summary".into(), severity_counts(&report.findings));
    }
    serde_json::to_string_pretty(&value).unwrap_or_default()
}

/// Percent-encodes a relative path for a SARIF `uri` (RFC 3986 unreserved characters and
/// `/` stay as they are).
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn sarif_result(f: &Finding, suppressed: bool) -> Value {
    let index = rules::ALL
        .iter()
        .position(|r| r.code == f.code)
        .unwrap_or(0);
    let mut text = f.message.clone();
    if let Some(t) = &f.token {
        text.push_str(&format!(" [token {t}]"));
    }
    if let Some(c) = &f.commit {
        text.push_str(&format!(" [commit {c}]"));
    }
    if !f.fix.is_empty() {
        text.push_str(&format!(" Fix: {}", f.fix.join(" ")));
    }
    let mut result = json!({
        "ruleId": f.code,
        "ruleIndex": index,
        "level": f.severity.sarif_level(),
        "message": {"text": text},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": uri(&f.path), "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": f.line.max(1)}
            }
        }],
        "partialFingerprints": {"hoistFinding/v1": f.fingerprint},
        "properties": {
            "severity": f.severity.as_str(),
            "commit": f.commit,
            "atHead": f.at_head,
        }
    });
    if !f.secrets.is_empty()
        && let Some(Value::Object(props)) = result.get_mut("properties")
    {
        props.insert("storedSecrets".into(), json!(f.secrets));
    }
    if suppressed && let Value::Object(map) = &mut result {
        map.insert(
            "suppressions".into(),
            json!([{"kind": "inSource", "justification": "hoist-audit: ignore comment or .hoist-audit-ignore entry"}]),
        );
    }
    result
}

/// The SARIF 2.1.0 log, for GitHub code scanning. Suppressed findings are included with a
/// `suppressions` entry, as the format intends.
pub fn sarif(report: &Report) -> String {
    let rules: Vec<Value> = rules::ALL
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": r.summary},
                "help": {"text": r.doc, "markdown": r.doc},
                "defaultConfiguration": {"level": r.severity.sarif_level()},
                "properties": {
                    "tags": ["security", "secrets", "pypi"],
                    "precision": "high",
                    "security-severity": r.severity.security_severity(),
                }
            })
        })
        .collect();
    let mut results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| sarif_result(f, false))
        .collect();
    results.extend(report.suppressed.iter().map(|f| sarif_result(f, true)));
    let notifications: Vec<Value> = report
        .notes
        .iter()
        .map(|n| {
            let mut text = n.reason.clone();
            if let Some(p) = &n.path {
                text = format!("{p}: {text}");
            }
            json!({"level": "note", "message": {"text": text}})
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "hoist",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "automationDetails": {"id": "hoist-audit/"},
            "results": results,
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications,
            }],
            "properties": {
                "trustedPublishers": report.publishers.iter().map(|p| json!({
                    "file": p.file, "job": p.job, "summary": publisher_summary(p),
                })).collect::<Vec<_>>(),
            }
        }]
    });
    serde_json::to_string_pretty(&log).unwrap_or_default()
}

fn caveat_line(c: &CaveatInfo) -> String {
    let legacy = |l: bool| if l { " (legacy form)" } else { "" };
    match c {
        CaveatInfo::Expiration {
            expires_at,
            not_before,
            legacy: l,
        } => format!(
            "expiration: not before {}, expires {}{}",
            token::format_time(*not_before),
            token::format_time(*expires_at),
            legacy(*l)
        ),
        CaveatInfo::ProjectNames { names, legacy: l } => {
            format!("project names: {}{}", names.join(", "), legacy(*l))
        }
        CaveatInfo::ProjectIds { ids, legacy: l } => {
            format!("project ids: {}{}", ids.join(", "), legacy(*l))
        }
        CaveatInfo::RequestUser { user_id, legacy: l } => format!(
            "user: {}{}",
            user_id.as_deref().unwrap_or("(the token's owner)"),
            legacy(*l)
        ),
        CaveatInfo::OidcPublisher { publisher_id } => {
            format!("trusted publisher: {publisher_id}")
        }
        CaveatInfo::Unrecognized { text, reason } => format!("unrecognized ({reason}): {text}"),
    }
}

fn validity(info: &TokenInfo, now: i64) -> String {
    match (info.not_before, info.expires_at) {
        (_, Some(exp)) if now >= exp => format!("expired {}", token::format_time(exp)),
        (Some(nbf), _) if now < nbf => format!("not valid yet (from {})", token::format_time(nbf)),
        (_, Some(exp)) => format!("valid until {}", token::format_time(exp)),
        (_, None) => "no expiry: valid until revoked".into(),
    }
}

/// `hoist token inspect` as text.
pub fn token_human(info: &TokenInfo, now: i64, w: &mut dyn Write) -> io::Result<()> {
    let rows: Vec<(&str, String)> = vec![
        ("token", format!("{}", info.redacted)),
        (
            "index",
            info.location
                .clone()
                .unwrap_or_else(|| "(no location)".into()),
        ),
        ("token id", info.id.clone()),
        ("kind", info.kind.describe().to_string()),
        (
            "projects",
            if info.projects.is_empty() && info.project_ids.is_empty() {
                match info.kind {
                    token::TokenKind::User => "every project of the user".into(),
                    _ => "(none named)".into(),
                }
            } else {
                let mut parts = Vec::new();
                if !info.projects.is_empty() {
                    parts.push(info.projects.join(", "));
                }
                if !info.project_ids.is_empty() {
                    parts.push(format!("ids {}", info.project_ids.join(", ")));
                }
                parts.join("; ")
            },
        ),
        (
            "not before",
            info.not_before
                .map_or_else(|| "(not set)".into(), token::format_time),
        ),
        (
            "expires",
            info.expires_at
                .map_or_else(|| "never (no expiry caveat)".into(), token::format_time),
        ),
        ("status", validity(info, now)),
    ];
    for (label, value) in rows {
        writeln!(w, "{DIM}{label:<11}{DIM:#}{value}")?;
    }
    if let Some(u) = &info.user_id {
        writeln!(w, "{DIM}{:<11}{DIM:#}{u}", "user id")?;
    }
    if let Some(p) = &info.publisher_id {
        writeln!(w, "{DIM}{:<11}{DIM:#}{p}", "publisher")?;
    }
    writeln!(w, "{DIM}caveats{DIM:#}    {}", info.caveats.len())?;
    for c in &info.caveats {
        writeln!(w, "  - {}", caveat_line(c))?;
    }
    writeln!(
        w,
        "{DIM}The signature cannot be checked offline: only the index holds the key. Revoked tokens decode too.{DIM:#}"
    )
}

/// `hoist token inspect --format json`.
pub fn token_json(info: &TokenInfo, now: i64) -> String {
    let mut value = serde_json::to_value(info).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        map.insert("expired".into(), json!(info.is_expired(now)));
        map.insert(
            "expires".into(),
            json!(info.expires_at.map(token::format_time)),
        );
        map.insert(
            "valid_from".into(),
            json!(info.not_before.map(token::format_time)),
        );
    }
    serde_json::to_string_pretty(&value).unwrap_or_default()
}

/// `hoist token inspect --format json` for text that does not decode.
pub fn token_error_json(redacted: &Redacted, error: &str) -> String {
    serde_json::to_string_pretty(&json!({
        "prefix": redacted.prefix,
        "fingerprint": redacted.fingerprint,
        "error": error,
    }))
    .unwrap_or_default()
}
