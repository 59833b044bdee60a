//! What to do with the answer to one attempt ([`Attempt`]): a success; a redirect followed on
//! the same host; an expired trusted-publishing token renewed once; "already exists" confirmed
//! on the index (`--skip-existing`, or an earlier attempt that landed); a retryable answer or
//! transport error tried again after a pause; and the final failure with its hint, confirming
//! on the index first when a whole body went out before.

use std::time::Duration;

use reqwest::Url;

use crate::auth::Credentials;
use crate::digest::Digests;

use super::attempt::Attempt;
use super::{OnIndex, Outcome, Prepared, Uploader, existing, hints, landed_hint, retry};

/// One file's upload across its attempts: what carries from one attempt to the next.
pub(super) struct FileRun<'a> {
    pub p: &'a Prepared,
    pub creds: Option<Credentials>,
    /// The token was renewed once after an "expired" answer.
    pub renewed: bool,
    pub digests: Option<Digests>,
    /// Where the next attempt goes (a redirect changes it).
    pub url: Url,
    pub attempts: u32,
    pub redirects: u32,
    /// A whole body went out in an attempt that was retried: the file may be on the index.
    pub maybe_landed: bool,
}

/// After an answer: send again, or the file's outcome.
pub(super) enum Next {
    Again,
    Done(Outcome),
}

/// An HTTP answer, its reason and body scrubbed of secrets.
struct Answer {
    status: u16,
    reason: String,
    text: String,
    location: Option<String>,
    retry_after: Option<Duration>,
    sent_all: bool,
}

impl Uploader {
    /// What to do after `attempt`.
    pub(super) async fn on_attempt(&self, run: &mut FileRun<'_>, attempt: Attempt) -> Next {
        match attempt {
            Attempt::Response {
                status,
                reason,
                body,
                location,
                retry_after,
                sent_all,
                digests,
            } => {
                if digests.is_some() {
                    run.digests = digests;
                }
                let answer = Answer {
                    status,
                    reason: self.scrub(&reason),
                    text: self.scrub(&body),
                    location,
                    retry_after,
                    sent_all,
                };
                self.on_response(run, answer).await
            }
            Attempt::Transport {
                error,
                retryable,
                sent_all,
            } => self.on_transport(run, error, retryable, sent_all).await,
        }
    }

    /// An HTTP answer: success, redirect, expired token, already exists, retry, or failure.
    async fn on_response(&self, run: &mut FileRun<'_>, a: Answer) -> Next {
        let status = a.status;
        if self.options.verbose {
            self.reporter
                .note(&format!("Response from {}: {status} {}", run.url, a.reason));
        }
        if (200..300).contains(&status) {
            let note = if a.reason.to_ascii_lowercase().contains("identical file") {
                Some(format!(
                    "the index already had this identical file: {}",
                    a.reason
                ))
            } else {
                run.maybe_landed.then(|| {
                    "an earlier attempt may have landed; the index accepted this one".to_string()
                })
            };
            return Next::Done(Outcome::Uploaded {
                attempts: run.attempts,
                note,
            });
        }
        if (300..400).contains(&status) {
            return self.follow(run, status, a.location.as_deref());
        }
        if let Some(next) = self.renew_expired(run, &a).await {
            return next;
        }
        if existing::is_already_exists(status, &a.reason, &a.text) {
            return Next::Done(self.already_exists(run, status, a.reason).await);
        }
        if retry::retryable_status(status) && run.attempts <= self.options.retry.retries {
            run.maybe_landed |= a.sent_all;
            let wait = self.options.retry.delay(run.attempts, a.retry_after);
            let why = format!("{status} {}", a.reason);
            return self.pause_and_retry(run, &why, wait).await;
        }
        Next::Done(self.refused(run, a).await)
    }

    /// A redirect: followed on the same host, at most five times, not counted as an attempt.
    fn follow(&self, run: &mut FileRun<'_>, status: u16, location: Option<&str>) -> Next {
        match self.redirect(&run.url, status, location) {
            Ok(next) if run.redirects < 5 => {
                run.redirects += 1;
                self.reporter.note(&format!(
                    "{} redirected ({status}) to {next}; following it on the same host",
                    run.url
                ));
                run.url = next;
                run.attempts -= 1;
                Next::Again
            }
            Ok(next) => Next::Done(self.fail(
                Some(status),
                format!("too many redirects (last to {next})"),
                None,
                run.attempts,
            )),
            Err((why, hint)) => Next::Done(self.fail(Some(status), why, Some(hint), run.attempts)),
        }
    }

    /// An answer that says the token expired: once per file, a renewable source gives a fresh
    /// one and the file is sent again. `None` when this does not apply.
    async fn renew_expired(&self, run: &mut FileRun<'_>, a: &Answer) -> Option<Next> {
        if !Self::says_expired(a.status, &a.reason, &a.text) || run.renewed {
            return None;
        }
        let renewable = matches!(
            (&self.credentials, &run.creds),
            (Some(source), Some(_)) if source.renewable()
        );
        if !renewable {
            return None;
        }
        run.renewed = true;
        self.reporter.note(&format!(
            "{}: the index answered {} {}",
            run.p.filename, a.status, a.reason
        ));
        let (Some(source), Some(stale)) = (&self.credentials, &run.creds) else {
            return None;
        };
        let renewed = source.renew(stale).await;
        Some(match renewed {
            Ok(fresh) => {
                run.creds = Some(fresh);
                Next::Again
            }
            Err(why) => Next::Done(self.fail(
                Some(a.status),
                a.reason.clone(),
                Some(self.scrub(&why)),
                run.attempts,
            )),
        })
    }

    /// "File already exists": an earlier attempt of ours when the index has these bytes, a
    /// skip with `--skip-existing` when it really holds the file, else a failure.
    async fn already_exists(&self, run: &mut FileRun<'_>, status: u16, reason: String) -> Outcome {
        let (p, attempts) = (run.p, run.attempts);
        if run.maybe_landed {
            // An identical re-upload is a 200 on PyPI: "already exists" after a retry is our
            // earlier attempt only if the index has these bytes.
            return match self.on_index(p, run.creds.as_ref(), &mut run.digests).await {
                OnIndex::Same => Outcome::Uploaded {
                    attempts,
                    note: Some("an earlier attempt had landed; the index has the same sha256".into()),
                },
                OnIndex::Different(remote) => self.fail(Some(status), reason, Some(format!("The index has a different {} (sha256 {remote}); an index never replaces a file.", p.filename)), attempts),
                OnIndex::Absent => self.fail(Some(status), reason, Some("The index says the file exists but does not list it, asked again after a pause: this answer is about something else.".into()), attempts),
                other => self.fail(Some(status), reason, Some(landed_hint(&other)), attempts),
            };
        }
        if self.options.skip_existing {
            return self.skip_if_held(run, status, reason).await;
        }
        self.fail(Some(status), reason, Some("The index already has this file. Rerun with --skip-existing to treat files already uploaded as done.".into()), attempts)
    }

    /// `--skip-existing` and "already exists": skip only what the index really holds; a 409
    /// can also mean a project-name race, and some answers are about other files.
    async fn skip_if_held(&self, run: &mut FileRun<'_>, status: u16, reason: String) -> Outcome {
        let (p, attempts) = (run.p, run.attempts);
        let answered = format!("the index answered {status} {reason}");
        match self.on_index(p, run.creds.as_ref(), &mut run.digests).await {
            OnIndex::Same => Outcome::Skipped { reason: "already on the index with the same sha256".into() },
            OnIndex::ListedWithoutHash => Outcome::Skipped { reason: format!("{answered}; it lists the file (no hash to compare)") },
            OnIndex::Different(remote) => self.fail(Some(status), reason, Some(format!("A different {} is on the index (sha256 {remote}); an index never replaces a file: release a new version.", p.filename)), attempts),
            OnIndex::Absent => self.fail(Some(status), reason, Some("The index says the file exists but does not list it: this answer is about something else.".into()), attempts),
            OnIndex::Unknown if status == 409 && self.target.kind != crate::auth::IndexKind::Other => self.fail(Some(status), reason, Some("On PyPI a 409 is not \"File already exists\" (a project-name conflict, for example).".into()), attempts),
            OnIndex::Unknown => Outcome::Skipped { reason: answered },
        }
    }

    /// The final refusal, with its hint. When the retries ran out but a whole body went out
    /// before, the file may be on the index after all: asked first.
    async fn refused(&self, run: &mut FileRun<'_>, a: Answer) -> Outcome {
        let (status, attempts) = (a.status, run.attempts);
        let mut hint = hints::for_answer(
            status,
            &a.reason,
            self.target.kind,
            &run.url,
            run.creds.as_ref(),
        );
        let reason = if a.reason.is_empty() {
            a.text.lines().next().unwrap_or("").to_string()
        } else {
            a.reason
        };
        if retry::retryable_status(status) && (run.maybe_landed || a.sent_all) {
            match self
                .on_index(run.p, run.creds.as_ref(), &mut run.digests)
                .await
            {
                OnIndex::Same => {
                    return Outcome::Uploaded {
                        attempts,
                        note: Some(format!(
                            "the index answered {status} {reason}, but it has the file with the same sha256"
                        )),
                    };
                }
                other => hint = Some(landed_hint(&other)),
            }
        }
        self.fail(Some(status), reason, hint, attempts)
    }

    /// A transport error: tried again while retries remain, else a failure with a hint
    /// (the CA bundle, or whether the file landed after all).
    async fn on_transport(
        &self,
        run: &mut FileRun<'_>,
        error: String,
        retryable: bool,
        sent_all: bool,
    ) -> Next {
        let attempts = run.attempts;
        if retryable && attempts <= self.options.retry.retries {
            run.maybe_landed |= sent_all;
            let wait = self.options.retry.delay(attempts, None);
            return self.pause_and_retry(run, &error, wait).await;
        }
        let hint = if error.to_ascii_lowercase().contains("certificate") {
            Some("The index's TLS certificate is not trusted: pass its CA bundle with --cert (or TWINE_CERT).".to_string())
        } else if error.starts_with("cannot connect to") {
            Some("Nothing answers there: check the host and port in the repository URL, and that the index is running.".to_string())
        } else if error.starts_with("cannot find the host") {
            Some("Check the host name in the repository URL (a typo, or a name only a VPN or proxy knows).".to_string())
        } else if !retryable {
            None
        } else if run.maybe_landed || sent_all {
            match self
                .on_index(run.p, run.creds.as_ref(), &mut run.digests)
                .await
            {
                OnIndex::Same => {
                    return Next::Done(Outcome::Uploaded {
                        attempts,
                        note: Some("the last answer was lost, but the index has the file with the same sha256".into()),
                    });
                }
                other => Some(landed_hint(&other)),
            }
        } else {
            Some(format!(
                "Gave up after {attempts} attempt(s). Check the network and the URL, then rerun with --skip-existing."
            ))
        };
        Next::Done(self.fail(None, error, hint, attempts))
    }

    /// Reports the retry and waits; Ctrl-C during the pause ends the file.
    async fn pause_and_retry(&self, run: &FileRun<'_>, why: &str, wait: Duration) -> Next {
        self.reporter
            .retry(&run.p.filename, run.attempts, why, wait);
        if self.pause(wait).await {
            Next::Again
        } else {
            Next::Done(self.interrupted_outcome(run.maybe_landed, run.attempts))
        }
    }
}
