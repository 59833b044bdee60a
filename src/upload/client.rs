//! The HTTP client: rustls (ring) with the system's roots (which honour `SSL_CERT_FILE` and
//! `SSL_CERT_DIR`) or the CA bundle [`crate::auth::Target::ca_cert`] names, an optional
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
        let certs = read_ca_certs(path).map_err(err)?;
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

/// The certificates of a PEM bundle, or of every PEM file in a directory (what requests does
/// with a directory in `REQUESTS_CA_BUNDLE`: OpenSSL's `CApath`; files that hold no PEM
/// certificate are passed over there, as OpenSSL does).
fn read_ca_certs(path: &Path) -> Result<Vec<Certificate>, String> {
    if !path.is_dir() {
        let pem = std::fs::read(path).map_err(|e| e.to_string())?;
        return Certificate::from_pem_bundle(&pem).map_err(|e| e.to_string());
    }
    let mut entries: Vec<_> = std::fs::read_dir(path)
        .map_err(|e| e.to_string())?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    entries.sort();
    let mut certs = Vec::new();
    for file in entries {
        if let Ok(pem) = std::fs::read(&file)
            && let Ok(found) = Certificate::from_pem_bundle(&pem)
        {
            certs.extend(found);
        }
    }
    Ok(certs)
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
