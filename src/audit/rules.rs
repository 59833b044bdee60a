//! The audit rules: a stable code, a kebab-case name, a default severity and documentation in
//! the fixed shape ("What it does / Why is this bad? / Fix"), shown in SARIF and the README.
//!
//! Codes are `AUD` and three digits: `AUD0xx` for token strings found in files, `AUD1xx` for
//! configuration that depends on a stored credential.

use serde::Serialize;

/// How urgent a finding is, from `info` (nothing to do) to `critical` (a live secret in the
/// files everyone can read). Ordered: `Info < Low < Medium < High < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// SARIF `level`.
    pub fn sarif_level(self) -> &'static str {
        match self {
            Severity::Critical | Severity::High => "error",
            Severity::Medium => "warning",
            Severity::Low | Severity::Info => "note",
        }
    }

    /// GitHub code scanning's `security-severity` (0.0–10.0).
    pub fn security_severity(self) -> &'static str {
        match self {
            Severity::Critical => "9.5",
            Severity::High => "8.0",
            Severity::Medium => "5.5",
            Severity::Low => "3.0",
            Severity::Info => "0.0",
        }
    }
}

/// An audit rule. Its code and name never change once released.
#[derive(Debug)]
pub struct AuditRule {
    pub code: &'static str,
    pub name: &'static str,
    /// The highest severity a finding of this rule can have.
    pub severity: Severity,
    /// One sentence: what a finding means.
    pub summary: &'static str,
    /// Markdown: What it does / Why is this bad? / Fix.
    pub doc: &'static str,
}

pub static COMMITTED_TOKEN: AuditRule = AuditRule {
    code: "AUD001",
    name: "committed-token",
    severity: Severity::Critical,
    summary: "A PyPI API token is committed to the repository's history.",
    doc: "## What it does\nFinds PyPI API tokens (`pypi-…`) in every blob reachable from any ref, once per blob, and \
names the commit that added each, the path, the line, and whether it is still present at HEAD.\n\n\
## Why is this bad?\nA committed token is readable by everyone who can clone the repository, now and in every \
fork and mirror, even after the line is deleted. Until it is revoked it can upload to every project it is scoped \
to. Critical when still present at HEAD, high when only in history, low when its own expiry caveat has passed.\n\n\
## Fix\nRevoke the token on the index (Account settings → API tokens), then delete it from the file. Rewriting \
history does not make a published token safe; revoking does.",
};

pub static UNCOMMITTED_TOKEN: AuditRule = AuditRule {
    code: "AUD002",
    name: "uncommitted-token",
    severity: Severity::High,
    summary: "A PyPI API token sits in a file of the work tree that git would commit.",
    doc: "## What it does\nFinds PyPI API tokens in modified and untracked (not ignored) files of the work tree.\n\n\
## Why is this bad?\nThe next `git add .` commits it.\n\n\
## Fix\nMove the token out of the repository (a keyring, a CI secret), or better, replace it with trusted \
publishing and revoke it.",
};

pub static TOKEN_LIKE: AuditRule = AuditRule {
    code: "AUD003",
    name: "token-like-string",
    severity: Severity::Low,
    summary: "A string that starts like a PyPI token does not decode as one.",
    doc: "## What it does\nReports `pypi-Ag…` strings long enough to be tokens that do not decode as a macaroon.\n\n\
## Why is this bad?\nUsually a truncated or altered copy of a real token (still worth revoking), sometimes a \
placeholder.\n\n## Fix\nIf it was ever a real token, revoke it. A placeholder can be suppressed.",
};

pub static WORKFLOW_STORED_TOKEN: AuditRule = AuditRule {
    code: "AUD101",
    name: "workflow-stored-token",
    severity: Severity::High,
    summary: "A GitHub Actions workflow publishes with a stored PyPI token.",
    doc: "## What it does\nFinds GitHub workflow jobs that hand a stored secret to an upload: the `password:` input \
of pypa/gh-action-pypi-publish, `TWINE_PASSWORD` and other upload-tool variables, `-p`/`--password`/`--token` on \
`twine upload` and `uv publish`, and any `secrets.*PYPI*`.\n\n\
## Why is this bad?\nA long-lived token stored as a secret can be read by any workflow change that reaches it, \
and keeps working after it leaks. Trusted publishing mints a 15-minute token for this one workflow instead.\n\n\
## Fix\nRegister the trusted publisher hoist prints, add `permissions: id-token: write` to the job, drop the \
password input, then delete the secret and revoke the token. With `--github`, the finding also gives the \
stored secret's scope and its creation and update dates, to find the matching token on PyPI.",
};

pub static MISSING_ID_TOKEN: AuditRule = AuditRule {
    code: "AUD102",
    name: "missing-id-token",
    severity: Severity::Medium,
    summary: "A job publishes without a stored token but cannot request an OIDC token.",
    doc: "## What it does\nFinds publishing jobs written for trusted publishing (no password) that lack \
`permissions: id-token: write` (GitHub) or an `id_tokens:` entry with a PyPI audience (GitLab).\n\n\
## Why is this bad?\nThe upload fails: the CI system only hands out an OIDC token when asked to.\n\n\
## Fix\nGitHub: add `permissions:` / `id-token: write` to the job. GitLab: add \
`id_tokens:` / `PYPI_ID_TOKEN:` / `aud: pypi` to the job.",
};

pub static GITLAB_STORED_TOKEN: AuditRule = AuditRule {
    code: "AUD103",
    name: "gitlab-stored-token",
    severity: Severity::High,
    summary: "A GitLab CI job publishes with a stored PyPI token.",
    doc: "## What it does\nFinds GitLab CI jobs that pass a CI/CD variable holding a PyPI credential to an upload: \
`TWINE_PASSWORD` and other upload-tool variables, `$PYPI_TOKEN`-style variables, `-p`/`--password` on upload \
commands.\n\n## Why is this bad?\nSee AUD101: a stored token outlives every leak; trusted publishing does not.\n\n\
## Fix\nRegister the GitLab trusted publisher hoist prints, add `id_tokens:` / `PYPI_ID_TOKEN:` / `aud: pypi` to \
the job, drop the password, then delete the CI/CD variable and revoke the token.",
};

pub static PYPIRC_PASSWORD: AuditRule = AuditRule {
    code: "AUD104",
    name: "pypirc-password",
    severity: Severity::High,
    summary: "A .pypirc file in the repository holds a password or token.",
    doc: "## What it does\nReads `.pypirc` files in the work tree (tracked, untracked or ignored) and reports each \
`password` entry, decoding it when it is a token.\n\n## Why is this bad?\nA plain-text credential next to the code \
is one `git add` from being published; a tracked one already is (high).\n\n\
## Fix\nDelete the entry and use a keyring or trusted publishing; revoke the token if the file was ever \
committed or shared.",
};

pub static LEFTOVER_SECRET: AuditRule = AuditRule {
    code: "AUD105",
    name: "leftover-secret",
    severity: Severity::High,
    summary: "An upload credential is still stored in the CI settings, but no workflow uses it any more.",
    doc: "## What it does\nWith `--github` or `--gitlab`, lists the secrets stored in the CI settings (GitHub \
repository, environment and organisation secrets; GitLab project and group CI/CD variables: names and dates, \
never values). For each whose name suggests an upload credential (`PYPI`, `TWINE`, `PUBLISH`, `TESTPYPI`, …) or \
that a publishing job ever referred to, it searches the workflows of every branch and tag, and reports it when \
none refers to it, with the commit, file and job that last did and what that job does now.\n\n\
## Why is this bad?\nMoving a job to trusted publishing does not retire the token: the secret, and the PyPI \
token behind it, stay alive and usable by any workflow change that names them, with nothing in the repository \
to show it.\n\n\
## Fix\nRevoke the token on PyPI first (Account settings → API tokens; match it by name and by the secret's \
dates), then delete the secret (`gh secret delete NAME --repo OWNER/REPO`, `--env ENV`, `--org ORG`; \
`glab variable delete NAME`), then re-run `hoist audit --github` to confirm nothing is left.",
};

pub static SECRET_BESIDE_OIDC: AuditRule = AuditRule {
    code: "AUD106",
    name: "secret-beside-oidc",
    severity: Severity::Medium,
    summary: "A stored upload credential is used only by jobs that can already publish by trusted publishing.",
    doc: "## What it does\nWith `--github` or `--gitlab`, reports a stored secret whose every current use is in \
a publishing job that can also request an OIDC token (`id-token: write`, or an `id_tokens:` entry for PyPI).\n\n\
## Why is this bad?\nThe job has two ways to publish: the short-lived OIDC token and the long-lived stored \
one. The stored one adds nothing but risk; while it is passed, tools use it instead of trusted publishing.\n\n\
## Fix\nRegister the trusted publisher if needed, drop the secret from the job (AUD101 shows the lines), \
then revoke the token on PyPI and delete the secret.",
};

/// Every audit rule, in code order.
pub static ALL: &[&AuditRule] = &[
    &COMMITTED_TOKEN,
    &UNCOMMITTED_TOKEN,
    &TOKEN_LIKE,
    &WORKFLOW_STORED_TOKEN,
    &MISSING_ID_TOKEN,
    &GITLAB_STORED_TOKEN,
    &PYPIRC_PASSWORD,
    &LEFTOVER_SECRET,
    &SECRET_BESIDE_OIDC,
];

/// The rule with this code (`AUD001`) or name (`committed-token`), case-insensitively.
pub fn find(code_or_name: &str) -> Option<&'static AuditRule> {
    ALL.iter().copied().find(|r| {
        r.code.eq_ignore_ascii_case(code_or_name) || r.name.eq_ignore_ascii_case(code_or_name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        for (i, a) in ALL.iter().enumerate() {
            assert!(a.code.starts_with("AUD") && a.code.len() == 6, "{}", a.code);
            assert!(
                a.doc.contains("## What it does") && a.doc.contains("## Fix"),
                "{}",
                a.code
            );
            for b in &ALL[i + 1..] {
                assert_ne!(a.code, b.code);
                assert_ne!(a.name, b.name);
            }
        }
        assert_eq!(find("committed-token").map(|r| r.code), Some("AUD001"));
    }
}
