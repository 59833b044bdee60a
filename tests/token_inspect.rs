//! `hoist token inspect` and the token decoder, checked against fixed test-vector tokens
//! (macaroons signed with `bytes(range(32))`) and against tokens made by the test builder.

mod support_audit;

use hoist::audit::token::{self, CaveatInfo, TokenKind};
use support_audit::*;

#[test]
fn builder_reproduces_the_reference_tokens_and_signatures() {
    let id = "00000000-0000-4000-8000-000000000001";
    let user = [r#"[3,"11111111-1111-4111-8111-111111111111"]"#];
    let project = [
        r#"[1,["sampleproject"]]"#,
        r#"[2,["22222222-2222-4222-8222-222222222222"]]"#,
    ];
    let trusted = [
        r#"[4,"33333333-3333-4333-8333-333333333333",null]"#,
        r#"[2,["22222222-2222-4222-8222-222222222222"]]"#,
        "[0,1700000900,1700000000]",
    ];
    assert_eq!(build_token("pypi.org", id, &user), REF_USER);
    assert_eq!(build_token("pypi.org", id, &project), REF_PROJECT);
    assert_eq!(build_token("pypi.org", id, &trusted), REF_TRUSTED);
    let hex = |s: [u8; 32]| s.iter().map(|b| format!("{b:02x}")).collect::<String>();
    assert_eq!(
        hex(signature(id, &user, &ROOT_KEY)),
        "0a802f04fe34f7c26f0e5ae20a65a5ffcd6acffc8717e4cd3a7ff6bc30dff2fb"
    );
    assert_eq!(
        hex(signature(id, &project, &ROOT_KEY)),
        "09a50a7add9f8e228efd63d750f770254d95f3ce29d318cb2c35a4d7f395fa82"
    );
    assert_eq!(
        hex(signature(id, &trusted, &ROOT_KEY)),
        "f77afd792e8c4883e381bda54169aa4747e7e3b0e0e56fd39bbd99a9352a57da"
    );
}

#[test]
fn reference_user_token() {
    let info = token::inspect(REF_USER).unwrap();
    assert_eq!(info.kind, TokenKind::User);
    assert_eq!(info.location.as_deref(), Some("pypi.org"));
    assert_eq!(info.id, "00000000-0000-4000-8000-000000000001");
    assert_eq!(
        info.user_id.as_deref(),
        Some("11111111-1111-4111-8111-111111111111")
    );
    assert!(info.projects.is_empty());
    assert_eq!(info.expires_at, None);
    assert_eq!(info.redacted.prefix, "pypi-AgEIcHl");
}

#[test]
fn reference_project_token() {
    let info = token::inspect(REF_PROJECT).unwrap();
    assert_eq!(info.kind, TokenKind::Project);
    assert_eq!(info.projects, vec!["sampleproject"]);
    assert_eq!(
        info.project_ids,
        vec!["22222222-2222-4222-8222-222222222222"]
    );
    assert!(!info.legacy_caveats);
}

#[test]
fn reference_trusted_publishing_token() {
    let info = token::inspect(REF_TRUSTED).unwrap();
    assert_eq!(info.kind, TokenKind::TrustedPublishing);
    assert_eq!(
        info.publisher_id.as_deref(),
        Some("33333333-3333-4333-8333-333333333333")
    );
    assert_eq!(info.expires_at, Some(1_700_000_900));
    assert_eq!(info.not_before, Some(1_700_000_000));
    assert!(info.is_expired(1_700_000_900));
    assert!(!info.is_expired(1_700_000_899));
}

#[test]
fn legacy_caveat_forms_decode() {
    let t = build_token(
        "test.pypi.org",
        "00000000-0000-4000-8000-000000000009",
        &[
            r#"{"permissions":{"projects":["oldname"]},"version":1}"#,
            r#"{"exp":2000000000,"nbf":1000000000}"#,
            r#"{"project_ids":["44444444-4444-4444-8444-444444444444"]}"#,
        ],
    );
    let info = token::inspect(&t).unwrap();
    assert_eq!(info.kind, TokenKind::Project);
    assert_eq!(info.location.as_deref(), Some("test.pypi.org"));
    assert_eq!(info.projects, vec!["oldname"]);
    assert_eq!(info.expires_at, Some(2_000_000_000));
    assert_eq!(info.not_before, Some(1_000_000_000));
    assert!(info.legacy_caveats);

    let user = build_token("pypi.org", "x", &[r#"{"permissions":"user","version":1}"#]);
    let info = token::inspect(&user).unwrap();
    assert_eq!(info.kind, TokenKind::User);
    assert_eq!(
        info.caveats,
        vec![CaveatInfo::RequestUser {
            user_id: None,
            legacy: true
        }]
    );
}

#[test]
fn no_caveats_is_unknown_and_user_wins_over_project() {
    let none = build_token("pypi.org", "x", &[]);
    assert_eq!(token::inspect(&none).unwrap().kind, TokenKind::Unknown);
    let attenuated = build_token("pypi.org", "x", &[r#"[3,"u"]"#, r#"[1,["a"]]"#]);
    let info = token::inspect(&attenuated).unwrap();
    assert_eq!(info.kind, TokenKind::User);
    assert_eq!(info.projects, vec!["a"]);
}

#[test]
fn broken_tokens_are_errors() {
    assert!(token::inspect("").is_err());
    assert!(token::inspect("pypi-").is_err());
    assert!(token::inspect("pypi-!!!!").is_err());
    assert!(token::inspect("ghp_abcdef").is_err());
    // Every truncation of a real token fails cleanly (no panic).
    for cut in 5..REF_TRUSTED.len() {
        let _ = token::inspect(&REF_TRUSTED[..cut]);
    }
    assert!(token::inspect(&REF_TRUSTED[..REF_TRUSTED.len() - 4]).is_err());
}

#[test]
fn cli_reads_stdin_and_never_prints_the_token() {
    let out = hoist_stdin(&["token", "inspect"], &format!("{REF_PROJECT}\n"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("project-scoped"), "{text}");
    assert!(text.contains("sampleproject"), "{text}");
    assert!(text.contains("pypi-AgEIcHl…"), "{text}");
    assert!(
        text.contains(&token::redact(REF_PROJECT).fingerprint),
        "{text}"
    );
    assert!(!text.contains(REF_PROJECT));
    assert!(!stderr(&out).contains("warning"), "stdin needs no warning");
}

#[test]
fn cli_dash_and_argument() {
    let out = hoist_stdin(&["token", "inspect", "-"], REF_USER);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("user-wide"));

    let out = hoist_stdin(&["token", "inspect", REF_TRUSTED], "");
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("trusted-publishing"));
    assert!(stdout(&out).contains("expired 2023-11-14T22:28:20Z"));
    assert!(stderr(&out).contains("shell history"), "{}", stderr(&out));
}

#[test]
fn cli_json() {
    let out = hoist_stdin(&["token", "inspect", "--format", "json"], REF_TRUSTED);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["kind"], "trusted-publishing");
    assert_eq!(v["location"], "pypi.org");
    assert_eq!(v["id"], "00000000-0000-4000-8000-000000000001");
    assert_eq!(v["expires_at"], 1_700_000_900);
    assert_eq!(v["expires"], "2023-11-14T22:28:20Z");
    assert_eq!(v["expired"], true);
    assert_eq!(v["project_ids"][0], "22222222-2222-4222-8222-222222222222");
    assert_eq!(v["prefix"], "pypi-AgEIcHl");
    assert_eq!(v["fingerprint"].as_str().unwrap().len(), 16);
}

#[test]
fn cli_errors() {
    let out = hoist_stdin(&["token", "inspect"], "\n\n");
    assert_eq!(out.status.code(), Some(2));
    let bad = format!("{}XYZ", &REF_USER[..80]);
    let out = hoist_stdin(&["token", "inspect"], &bad);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("not a macaroon") || stderr(&out).contains("base64"));
    assert!(!stderr(&out).contains(&bad[12..40]), "{}", stderr(&out));
    let out = hoist_stdin(&["token", "inspect", "--format", "json"], "hunter2hunter2");
    assert_eq!(out.status.code(), Some(1));
    assert!(!stdout(&out).contains("hunter2"), "{}", stdout(&out));
}
