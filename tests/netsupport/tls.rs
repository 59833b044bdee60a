//! `TestPki`: a throwaway certificate authority made with rcgen at start-up, a server
//! certificate for `127.0.0.1` and `localhost`, and client certificates for mTLS, all written
//! as PEM files in a temp dir (deleted on drop) so a test can hand them to `hoist upload --cert`
//! and `--client-cert`. Also the rustls configurations (ring provider only) built from them.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use tokio_rustls::rustls::crypto::CryptoProvider;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::server::WebPkiClientVerifier;
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore, ServerConfig};

/// The ring crypto provider, passed explicitly so no process-wide default is needed.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A test CA, the certificates it signed, and their PEM files.
pub struct TestPki {
    dir: tempfile::TempDir,
    ca_pem: PathBuf,
    ca: CertificateDer<'static>,
    server_cert: CertificateDer<'static>,
    server_key: Vec<u8>,
    client_cert: CertificateDer<'static>,
    client_key: Vec<u8>,
}

fn ca(common_name: &str) -> (rcgen::Certificate, Issuer<'static, KeyPair>) {
    let key = KeyPair::generate().expect("generate a CA key");
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(DnType::CommonName, common_name);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let cert = params.self_signed(&key).expect("self-sign the test CA");
    (cert, Issuer::new(params, key))
}

fn leaf(
    issuer: &Issuer<'_, KeyPair>,
    names: &[&str],
    common_name: &str,
    usage: ExtendedKeyUsagePurpose,
) -> (rcgen::Certificate, KeyPair) {
    let key = KeyPair::generate().expect("generate a key");
    let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    let mut params = CertificateParams::new(names).expect("certificate parameters");
    params
        .distinguished_name
        .push(DnType::CommonName, common_name);
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![usage];
    let cert = params
        .signed_by(&key, issuer)
        .expect("sign a test certificate");
    (cert, key)
}

impl TestPki {
    /// Makes the CA and certificates (ECDSA P-256) and writes the PEM files:
    /// `ca.pem`; `client.pem` (certificate then key), also as `client-cert.pem` and
    /// `client-key.pem`; `other-ca.pem`, a CA that signed nothing here; and
    /// `untrusted-client.pem`, a client bundle signed by that other CA.
    pub fn generate() -> TestPki {
        let dir = tempfile::Builder::new()
            .prefix("hoist-test-pki-")
            .tempdir()
            .expect("temp dir for the test PKI");
        let (ca_cert, issuer) = ca("hoist test CA");
        let (server_cert, server_key) = leaf(
            &issuer,
            &["127.0.0.1", "localhost"],
            "hoist test server",
            ExtendedKeyUsagePurpose::ServerAuth,
        );
        let (client_cert, client_key) = leaf(
            &issuer,
            &[],
            "hoist test client",
            ExtendedKeyUsagePurpose::ClientAuth,
        );
        let (other_ca, other_issuer) = ca("hoist other test CA");
        let (stranger_cert, stranger_key) = leaf(
            &other_issuer,
            &[],
            "hoist untrusted client",
            ExtendedKeyUsagePurpose::ClientAuth,
        );
        let write = |name: &str, text: String| {
            std::fs::write(dir.path().join(name), text).expect("write a test PEM file");
        };
        write("ca.pem", ca_cert.pem());
        write("other-ca.pem", other_ca.pem());
        write("server.pem", server_cert.pem());
        write("client-cert.pem", client_cert.pem());
        write("client-key.pem", client_key.serialize_pem());
        write(
            "client.pem",
            format!("{}{}", client_cert.pem(), client_key.serialize_pem()),
        );
        write(
            "untrusted-client.pem",
            format!("{}{}", stranger_cert.pem(), stranger_key.serialize_pem()),
        );
        TestPki {
            ca_pem: dir.path().join("ca.pem"),
            ca: ca_cert.der().clone(),
            server_cert: server_cert.der().clone(),
            server_key: server_key.serialize_der(),
            client_cert: client_cert.der().clone(),
            client_key: client_key.serialize_der(),
            dir,
        }
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The CA certificate: what `--cert` takes.
    pub fn ca_pem_path(&self) -> &Path {
        &self.ca_pem
    }

    /// A CA that did not sign the server certificate: `--cert` with it must fail.
    pub fn other_ca_pem_path(&self) -> PathBuf {
        self.dir.path().join("other-ca.pem")
    }

    /// The client certificate and its PKCS#8 key in one PEM file: what `--client-cert` takes.
    pub fn client_pem_path(&self) -> PathBuf {
        self.dir.path().join("client.pem")
    }

    pub fn client_cert_pem_path(&self) -> PathBuf {
        self.dir.path().join("client-cert.pem")
    }

    pub fn client_key_pem_path(&self) -> PathBuf {
        self.dir.path().join("client-key.pem")
    }

    /// A client bundle signed by the other CA: an mTLS server must refuse it.
    pub fn untrusted_client_pem_path(&self) -> PathBuf {
        self.dir.path().join("untrusted-client.pem")
    }

    pub fn ca_der(&self) -> CertificateDer<'static> {
        self.ca.clone()
    }

    /// The server's rustls configuration; with `require_client_cert`, clients must present a
    /// certificate signed by this CA. ALPN offers only `http/1.1`.
    pub fn server_config(&self, require_client_cert: bool) -> Arc<ServerConfig> {
        let builder = ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .expect("TLS versions");
        let builder = if require_client_cert {
            let verifier =
                WebPkiClientVerifier::builder_with_provider(Arc::new(self.roots()), provider())
                    .build()
                    .expect("client certificate verifier");
            builder.with_client_cert_verifier(verifier)
        } else {
            builder.with_no_client_auth()
        };
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.server_key.clone()));
        let mut config = builder
            .with_single_cert(vec![self.server_cert.clone()], key)
            .expect("server certificate and key");
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Arc::new(config)
    }

    /// A root store holding only this CA.
    pub fn roots(&self) -> RootCertStore {
        let mut roots = RootCertStore::empty();
        roots.add(self.ca.clone()).expect("add the test CA");
        roots
    }

    /// A client configuration trusting this CA (for tests that talk TLS without hoist), with
    /// the client certificate when `with_client_cert`.
    pub fn client_config(&self, with_client_cert: bool) -> Arc<ClientConfig> {
        let builder = ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_root_certificates(self.roots());
        let config = if with_client_cert {
            let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.client_key.clone()));
            builder
                .with_client_auth_cert(vec![self.client_cert.clone()], key)
                .expect("client certificate and key")
        } else {
            builder.with_no_client_auth()
        };
        Arc::new(config)
    }
}

/// Reads every certificate of a PEM file (e.g. the CA file a test hands to hoist).
pub fn load_certs(path: &Path) -> Vec<CertificateDer<'static>> {
    CertificateDer::pem_file_iter(path)
        .unwrap_or_else(|e| panic!("read certificates from {}: {e}", path.display()))
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| panic!("parse certificates in {}: {e}", path.display()))
}

/// Reads the private key of a PEM file (e.g. a `--client-cert` bundle).
pub fn load_key(path: &Path) -> PrivateKeyDer<'static> {
    PrivateKeyDer::from_pem_file(path)
        .unwrap_or_else(|e| panic!("read a private key from {}: {e}", path.display()))
}
