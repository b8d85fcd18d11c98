//! TLS to a real Backstage: certificates are checked unless an instance turns
//! that off, and then every run says so. The test Backstage speaks plain
//! HTTP, so a TLS front (rustls, certificates made by the `openssl` CLI) is
//! put before it; everything behind it is the real server.

#[path = "common/backstage.rs"]
mod backstage;

use backstage::{Backstage, TOKEN};
use callboard::config::Config;
use callboard::headless::Headless;
use callboard::source::{unix_now, Source};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

const TOKEN_ENV: &str = "CALLBOARD_TLS_TOKEN";
/// Entities in tests/backstage/fixtures/catalog, Location entities included.
const FIXTURE_ENTITIES: usize = 26;

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the openssl CLI (scripts/test.sh installs it)");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A private CA and a server certificate it signed for 127.0.0.1.
fn make_certs(dir: &Path) {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=callboard test CA",
        ],
    );
    openssl(
        dir,
        &["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=localhost"],
    );
    std::fs::write(
        dir.join("leaf.ext"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "leaf.pem",
            "-days",
            "2",
            "-extfile",
            "leaf.ext",
        ],
    );
}

/// Accept TLS on a loopback port and pass the plain bytes to `backend`.
/// Returns the port; the front lives as long as the test process.
fn tls_front(backend: String, cert: &Path, key: &Path) -> u16 {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let certs: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(cert).unwrap().collect::<Result<_, _>>().unwrap();
    let key = PrivateKeyDer::from_pem_file(key).unwrap();
    let config =
        tokio_rustls::rustls::ServerConfig::builder().with_no_client_auth().with_single_cert(certs, key).unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                let (acceptor, backend) = (acceptor.clone(), backend.clone());
                tokio::spawn(async move {
                    // A client that refuses the certificate ends here: nothing reaches the server.
                    let Ok(mut tls) = acceptor.accept(stream).await else { return };
                    let Ok(mut plain) = tokio::net::TcpStream::connect(&backend).await else { return };
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
                });
            }
        });
    });
    port
}

struct Env {
    dir: PathBuf,
    url: String,
}

impl Env {
    /// `callboard sync` with an instance whose extra config lines are `extra`.
    fn sync(&self, name: &str, extra: &str) -> (Output, PathBuf) {
        let config = self.dir.join(format!("{name}.toml"));
        let toml =
            format!("[[instance]]\nname = \"{name}\"\nurl = \"{}\"\ntoken_env = \"{TOKEN_ENV}\"\n{extra}", self.url);
        std::fs::write(&config, toml).unwrap();
        let cache_dir = self.dir.join(format!("cache-{name}"));
        let out = Command::new(env!("CARGO_BIN_EXE_callboard"))
            .arg("--config")
            .arg(&config)
            .arg("sync")
            .env("CALLBOARD_CACHE_DIR", &cache_dir)
            .env("CALLBOARD_STATE_DIR", self.dir.join("state"))
            .env(TOKEN_ENV, TOKEN)
            .output()
            .unwrap();
        (out, config)
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The instance of `config` as a source, its cache where `Env::sync` put it.
fn source_of(config: &Path, name: &str) -> Source {
    std::env::set_var("CALLBOARD_CACHE_DIR", config.parent().unwrap().join(format!("cache-{name}")));
    Source::Instance(Config::from_file(config).unwrap().instances.remove(0))
}

/// The status bar (the second line from the bottom) of a headless TUI on the instance.
fn status_bar(config: &Path, name: &str) -> String {
    let mut app = Headless::open(source_of(config, name), 120, 30, unix_now()).unwrap();
    let screen = app.screen();
    screen.lines().rev().nth(1).unwrap_or_default().to_string()
}

#[test]
fn certificates_are_checked_unless_an_instance_says_otherwise() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/backstage/fixtures/catalog");
    let Some(server) = Backstage::start(&fixtures, FIXTURE_ENTITIES, |_| {}) else { return };
    let work = tempfile::tempdir().unwrap();
    make_certs(work.path());
    let backend = server.url.trim_start_matches("http://").trim_end_matches('/').to_string();
    let port = tls_front(backend, &work.path().join("leaf.pem"), &work.path().join("leaf.key"));
    let env = Env { dir: work.path().to_path_buf(), url: format!("https://127.0.0.1:{port}") };

    // 1. By default a certificate from an unknown CA is refused, said plainly, and nothing is cached.
    let (out, config) = env.sync("strict", "");
    let stderr = text(&out.stderr);
    assert!(!out.status.success(), "a sync through an unknown CA succeeded: {}", text(&out.stdout));
    assert!(
        stderr.contains("sent a certificate callboard does not trust (invalid peer certificate: UnknownIssuer)")
            && stderr.contains("`ca_file`"),
        "the error does not name the certificate and the fix: {stderr}"
    );
    assert!(!stderr.contains(TOKEN));
    let cached =
        callboard::catalog::cache::Cache::open(&source_of(&config, "strict").cache_path()).unwrap().etags().unwrap();
    assert!(cached.is_empty(), "a refused server's entities were cached: {}", cached.len());

    // 2. The private CA named by `ca_file`: verified, synced, no warning.
    let (out, config) = env.sync("with-ca", &format!("ca_file = \"{}\"\n", env.dir.join("ca.pem").display()));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(&format!("{FIXTURE_ENTITIES} entities")), "{}", text(&out.stdout));
    assert!(!text(&out.stderr).contains("NOT verified"), "{}", text(&out.stderr));
    let bar = status_bar(&config, "with-ca");
    assert!(bar.contains("with-ca") && !bar.contains("TLS UNVERIFIED"), "{bar}");

    // 3. `insecure_skip_tls_verify`: the sync works, and the run says the certificates were not checked.
    let (out, config) = env.sync("unchecked", "insecure_skip_tls_verify = true\n");
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: TLS certificates of instance `unchecked`") && stderr.contains("NOT verified"),
        "no warning: {stderr}"
    );
    // The TUI says so in its status bar, right after the source's name.
    let bar = status_bar(&config, "unchecked");
    assert!(bar.trim_start().starts_with("unchecked · TLS UNVERIFIED ·"), "{bar}");
}
