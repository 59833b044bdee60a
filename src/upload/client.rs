//! The HTTP client: rustls (ring) with the system's roots or the `--cert` bundle, an optional
//! client certificate, the proxy variables, a connect timeout, and no automatic redirects
//! (a streamed POST cannot be replayed blindly, and credentials must not follow a redirect to
//! another host).

use std::path::Path;
use std::time::Duration;

use reqwest::{Certificate, Client, Identity, redirect};

/// Why the client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("cannot read the CA bundle {path}: {reason}")]
    Cert { path: String, reason: String },
    #[error("cannot read the client certificate {path}: {reason}")]
    ClientCert { path: String, reason: String },
    #[error("cannot set up HTTPS: {0}")]
    Build(String),
}

/// The User-Agent hoist sends.
pub fn user_agent() -> String {
    format!("hoist/{}", env!("CARGO_PKG_VERSION"))
}

/// Builds the client for uploads and simple-API lookups.
pub fn build(ca_bundle: Option<&Path>, client_cert: Option<&Path>) -> Result<Client, ClientError> {
    // Several clients may be built in one process (tests); only the first install counts.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut b = Client::builder()
        .user_agent(user_agent())
        .connect_timeout(Duration::from_secs(30))
        .redirect(redirect::Policy::none())
        .tls_backend_rustls();
    if let Some(path) = ca_bundle {
        let err = |reason: String| ClientError::Cert {
            path: path.display().to_string(),
            reason,
        };
        let pem = std::fs::read(path).map_err(|e| err(e.to_string()))?;
        let certs = Certificate::from_pem_bundle(&pem).map_err(|e| err(e.to_string()))?;
        if certs.is_empty() {
            return Err(err("it holds no PEM certificate".into()));
        }
        b = b.tls_certs_only(certs);
    }
    if let Some(path) = client_cert {
        let err = |reason: String| ClientError::ClientCert {
            path: path.display().to_string(),
            reason,
        };
        let pem = std::fs::read(path).map_err(|e| err(e.to_string()))?;
        let id = Identity::from_pem(&pem).map_err(|e| err(e.to_string()))?;
        b = b.identity(id);
    }
    b.build().map_err(|e| ClientError::Build(e.to_string()))
}

/// The client for Sigstore's services (Fulcio, Rekor): the system's roots (never the `--cert`
/// bundle meant for the index), no client certificate, and a whole-request `timeout`, so a
/// service that accepts the connection and never answers cannot hang a release job.
pub fn build_for_services(timeout: Duration) -> Result<Client, ClientError> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::builder()
        .user_agent(user_agent())
        .connect_timeout(Duration::from_secs(30))
        .timeout(timeout)
        .redirect(redirect::Policy::none())
        .tls_backend_rustls()
        .build()
        .map_err(|e| ClientError::Build(e.to_string()))
}
