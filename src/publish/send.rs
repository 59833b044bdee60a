//! Phase 8, send: the HTTP client and async runtime of the run (opened once, shared with
//! trusted publishing and signing), then the upload through `crate::upload::Uploader`, with
//! the progress going to the frontend's reporter and Ctrl-C stopping new files.

use std::sync::Arc;

use crate::auth::{CredentialSource, Target};
use crate::upload::{self, FileResult, Outcome, Prepared, Uploader};

use super::credentials::Chosen;
use super::{Frontend, Options, Sent};

/// Exit status after a second Ctrl-C (128 + SIGINT, as shells report it).
const EXIT_INTERRUPTED: i32 = 130;

/// Why the run cannot reach the network.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The client (CA bundle, client certificate) cannot be built.
    #[error(transparent)]
    Client(#[from] upload::client::ClientError),
    /// The async runtime cannot start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
}

/// The HTTP client and the async runtime of one run.
pub struct Session {
    pub client: reqwest::Client,
    pub runtime: tokio::runtime::Runtime,
}

impl Session {
    /// A client for `target` (its CA bundle and client certificate) and a two-thread runtime.
    ///
    /// Errors: [`SendError::Client`], [`SendError::Runtime`].
    pub fn open(target: &Target) -> Result<Session, SendError> {
        let client = upload::client::build(
            target.ca_cert.as_ref().map(|(p, _)| p.as_path()),
            target.client_cert.as_ref().map(|(p, _)| p.as_path()),
        )?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(SendError::Runtime)?;
        Ok(Session { client, runtime })
    }
}

/// Sends `prepared` to `target` with the chosen credentials; every file gets a result.
pub fn send(
    options: &Options,
    target: &Target,
    session: Session,
    chosen: Chosen,
    prepared: Vec<Prepared>,
    frontend: &dyn Frontend,
) -> Sent {
    // The header goes out before the bars start drawing.
    frontend.note(&format!(
        "Uploading {} file(s) to {}",
        prepared.len(),
        target.url
    ));
    let total: u64 = prepared.iter().map(|p| p.size).sum();
    let reporter = frontend.progress(total, prepared.len());
    let source: Arc<dyn CredentialSource> = chosen.0;
    let uploader = Uploader::with_source(
        session.client,
        target.clone(),
        Some(source),
        options.upload.clone(),
        reporter.clone(),
    );
    let (results, interrupted) = session.runtime.block_on(run_until_interrupted(
        &uploader,
        prepared,
        options.handle_ctrl_c,
        frontend,
    ));
    // The bars clear when the last reference goes, before the summary is printed.
    drop(uploader);
    drop(reporter);
    let view_at = view_at(target, &results);
    Sent {
        url: target.url.to_string(),
        results,
        view_at,
        interrupted,
    }
}

/// The project pages of the releases that got a file, once each.
fn view_at(target: &Target, results: &[FileResult]) -> Vec<String> {
    let mut view_at: Vec<String> = Vec::new();
    for r in results {
        if matches!(r.outcome, Outcome::Uploaded { .. })
            && let Some(u) = target.project_url(&r.name, &r.version)
            && !view_at.contains(&u)
        {
            view_at.push(u);
        }
    }
    view_at
}

/// Runs the upload; the first Ctrl-C stops new files and retries while the files in flight
/// finish, and the summary is printed as usual; a second one exits at once. `true` when
/// interrupted.
async fn run_until_interrupted(
    uploader: &Uploader,
    prepared: Vec<Prepared>,
    handle_ctrl_c: bool,
    frontend: &dyn Frontend,
) -> (Vec<FileResult>, bool) {
    let run = uploader.run(prepared);
    tokio::pin!(run);
    if !handle_ctrl_c {
        return ((&mut run).await, false);
    }
    let mut interrupted = false;
    loop {
        tokio::select! {
            results = &mut run => return (results, interrupted),
            signal = tokio::signal::ctrl_c() => {
                if signal.is_err() {
                    // No signal handling on this platform: just wait for the run.
                    return ((&mut run).await, interrupted);
                }
                if interrupted {
                    frontend.note("Interrupted again: stopping now. Files in flight may or may not be on the index: rerun with --skip-existing.");
                    std::process::exit(EXIT_INTERRUPTED);
                }
                interrupted = true;
                frontend.note("Interrupted: no new file starts; the files in flight finish (Ctrl-C again to stop at once).");
                uploader.interrupt();
            }
        }
    }
}
