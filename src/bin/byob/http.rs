//! The CLI's probe runner: performs a probe plan's requests in parallel before one deadline
//! (the plan's `timeoutMs`: connections, redirects and bodies included), follows redirects
//! itself so the final URL is known, reads at most the plan's body cap, and says why a request
//! failed in the terms of `ProbeErrorKind`.

use byob::{Probe, ProbeErrorKind, ProbePlan, ProbeResponse};
use std::error::Error as _;
use std::io::{self, Read};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

/// More redirects than a hub's discovery endpoints ever need (JupyterHub: one or two).
const MAX_REDIRECTS: usize = 10;

/// How long after the deadline to wait for a request's own error before calling it timed
/// out: each request is bounded by the deadline itself, so this only covers the DNS lookup,
/// which the HTTP client cannot bound.
const GRACE: Duration = Duration::from_millis(250);

/// The TLS settings every probe uses: the Mozilla roots (webpki-roots), plus the CAs of the
/// PEM file `SSL_CERT_FILE` names, the variable OpenSSL, curl and Python read for the same.
/// Set but empty, it names no file. A file that cannot be read, or holds no certificate, is an
/// error: byob does not check hubs against fewer CAs than it was told.
pub fn tls_config() -> Result<Arc<rustls::ClientConfig>, String> {
    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    if let Some(path) = std::env::var_os("SSL_CERT_FILE").filter(|p| !p.is_empty()) {
        use rustls_pki_types::pem::PemObject;
        let shown = path.to_string_lossy().into_owned();
        let unreadable = |e: rustls_pki_types::pem::Error| {
            format!("SSL_CERT_FILE {shown}: not a readable PEM file of CA certificates ({e})")
        };
        let certs = rustls_pki_types::CertificateDer::pem_file_iter(&path)
            .map_err(unreadable)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(unreadable)?;
        let (added, _) = roots.add_parsable_certificates(certs);
        if added == 0 {
            return Err(format!(
                "SSL_CERT_FILE {shown}: no certificate in it (a PEM file of CA certificates)"
            ));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS12, &rustls::version::TLS13])
        .map_err(|e| format!("tls: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Performs every probe of `plan` at once and returns one response per probe, in plan
/// order, by the plan's deadline (plus a moment for the requests to report why they stopped).
pub fn perform(plan: &ProbePlan, tls: &Arc<rustls::ClientConfig>) -> Vec<ProbeResponse> {
    let deadline = Instant::now() + Duration::from_millis(u64::from(plan.timeout_ms));
    let max_body = u64::from(plan.max_body);
    let (tx, rx) = mpsc::channel();
    let mut out: Vec<Option<ProbeResponse>> = vec![None; plan.probes.len()];
    for (i, probe) in plan.probes.iter().enumerate() {
        let (tx, probe_copy, tls) = (tx.clone(), probe.clone(), Arc::clone(tls));
        // Detached: a request stuck past the deadline (a DNS lookup) must not hold the answer.
        let started = std::thread::Builder::new()
            .name(format!("probe {}", probe.id))
            .spawn(move || {
                let r = fetch(&probe_copy, deadline, max_body, tls);
                // The receiver is gone only when the deadline passed: nothing to tell.
                let _ = tx.send((i, r));
            });
        if let Err(e) = started {
            out[i] = Some(failure(
                probe,
                &probe.url,
                ProbeErrorKind::Other,
                format!("could not start a request: {e}"),
            ));
        }
    }
    drop(tx);
    let waiting_until = deadline + GRACE;
    while out.iter().any(Option::is_none) {
        let left = waiting_until.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok((i, r)) => out[i] = Some(r),
            Err(_) => break,
        }
    }
    out.into_iter()
        .zip(&plan.probes)
        .map(|(r, probe)| {
            r.unwrap_or_else(|| {
                failure(
                    probe,
                    &probe.url,
                    ProbeErrorKind::ConnectTimeout,
                    "no connection before the deadline".into(),
                )
            })
        })
        .collect()
}

fn failure(probe: &Probe, url: &str, kind: ProbeErrorKind, error: String) -> ProbeResponse {
    ProbeResponse {
        id: probe.id.clone(),
        url: url.to_string(),
        error: Some(error),
        error_kind: Some(kind),
        ..Default::default()
    }
}

/// One probe, its redirects followed by hand (each hop gets what is left of the deadline).
fn fetch(
    probe: &Probe,
    deadline: Instant,
    max_body: u64,
    tls: Arc<rustls::ClientConfig>,
) -> ProbeResponse {
    let mut url = probe.url.clone();
    let mut trail = vec![url.clone()];
    loop {
        let redirected = trail.len() > 1;
        let fail = |url: &str, kind, error| ProbeResponse {
            redirected,
            ..failure(probe, url, kind, error)
        };
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            let kind = if trail.len() > 1 {
                ProbeErrorKind::Timeout
            } else {
                ProbeErrorKind::ConnectTimeout
            };
            return fail(&url, kind, "the deadline passed".into());
        }
        // One agent per hop: the connect timeout is the agent's, and must be what is left.
        let agent = ureq::AgentBuilder::new()
            .tls_config(Arc::clone(&tls))
            .timeout_connect(left)
            .timeout(left)
            .redirects(0)
            .user_agent(concat!("byob/", env!("CARGO_PKG_VERSION")))
            .build();
        let response = match agent.get(&url).call() {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(ureq::Error::Transport(t)) => {
                let (kind, error) = transport_failure(&t);
                return fail(&url, kind, error);
            }
        };
        let status = response.status();
        if (300..400).contains(&status) {
            if let Some(next) = response
                .header("location")
                .and_then(|l| url::Url::parse(&url).ok()?.join(l).ok())
            {
                let next = next.to_string();
                if trail.contains(&next) {
                    trail.push(next);
                    return fail(
                        &url,
                        ProbeErrorKind::Redirects,
                        format!("a redirect loop: {}", trail.join(" → ")),
                    );
                }
                if trail.len() > MAX_REDIRECTS {
                    return fail(
                        &url,
                        ProbeErrorKind::Redirects,
                        format!("more than {MAX_REDIRECTS} redirects, the last to {next}"),
                    );
                }
                trail.push(next.clone());
                url = next;
                continue;
            }
        }
        let mut out = ProbeResponse {
            id: probe.id.clone(),
            status,
            url: url.clone(),
            redirected: trail.len() > 1,
            ..Default::default()
        };
        for name in response.headers_names() {
            if let Some(v) = response.header(&name) {
                out.headers.insert(name.to_ascii_lowercase(), v.to_string());
            }
        }
        let mut body = Vec::new();
        if let Err(e) = response.into_reader().take(max_body).read_to_end(&mut body) {
            // What came before the failure still says what the server is; keep it, and why.
            let (kind, error) = io_failure(&e, Phase::Body);
            out.error = Some(error);
            out.error_kind = Some(kind);
        }
        out.body = Some(String::from_utf8_lossy(&body).into_owned());
        return out;
    }
}

/// Where a request was when it failed.
#[derive(Clone, Copy, PartialEq)]
enum Phase {
    /// Connecting (TCP).
    Connect,
    /// The TLS handshake, once connected.
    Handshake,
    /// Connected, waiting for the status line and headers.
    Answer,
    /// Reading the body.
    Body,
}

/// The kind and message of a failed request.
fn transport_failure(t: &ureq::Transport) -> (ProbeErrorKind, String) {
    if let Some(tls) = tls_error(t) {
        return (ProbeErrorKind::Tls, tls);
    }
    let phase = match (t.kind(), t.message()) {
        (ureq::ErrorKind::ConnectionFailed, Some(m)) if m.starts_with("tls") => Phase::Handshake,
        (ureq::ErrorKind::ConnectionFailed, _) => Phase::Connect,
        _ => Phase::Answer,
    };
    match t.kind() {
        ureq::ErrorKind::Dns => (ProbeErrorKind::Dns, "host name not found".into()),
        ureq::ErrorKind::BadStatus | ureq::ErrorKind::BadHeader => (
            ProbeErrorKind::BadResponse,
            format!("not an HTTP answer ({t})"),
        ),
        ureq::ErrorKind::TooManyRedirects => {
            (ProbeErrorKind::Redirects, "too many redirects".into())
        }
        ureq::ErrorKind::ConnectionFailed | ureq::ErrorKind::Io => match io_source(t) {
            Some(e) => io_failure(e, phase),
            None => (ProbeErrorKind::Other, t.to_string()),
        },
        _ => (ProbeErrorKind::Other, t.to_string()),
    }
}

/// The kind and message of an I/O error in `phase`.
fn io_failure(e: &io::Error, phase: Phase) -> (ProbeErrorKind, String) {
    use io::ErrorKind as K;
    match (e.kind(), phase) {
        (K::TimedOut | K::WouldBlock, Phase::Connect) => (
            ProbeErrorKind::ConnectTimeout,
            "no connection before the deadline".into(),
        ),
        (K::TimedOut | K::WouldBlock, Phase::Body) => (
            ProbeErrorKind::Incomplete,
            "the answer was still arriving at the deadline".into(),
        ),
        (K::TimedOut | K::WouldBlock, _) => (
            ProbeErrorKind::Timeout,
            "connected, but no answer before the deadline".into(),
        ),
        (K::ConnectionRefused, _) => (ProbeErrorKind::Refused, "connection refused".into()),
        (K::NetworkUnreachable | K::HostUnreachable, _) => {
            (ProbeErrorKind::Unreachable, "no route to the host".into())
        }
        (
            K::ConnectionReset | K::ConnectionAborted | K::UnexpectedEof | K::BrokenPipe,
            Phase::Body,
        ) => (
            ProbeErrorKind::Incomplete,
            "the connection closed in the middle of the answer".into(),
        ),
        (K::ConnectionReset | K::ConnectionAborted | K::UnexpectedEof | K::BrokenPipe, _) => (
            ProbeErrorKind::Closed,
            "the connection was closed without an answer".into(),
        ),
        _ => (ProbeErrorKind::Other, e.to_string()),
    }
}

/// The I/O error under a transport error, if any.
fn io_source(t: &ureq::Transport) -> Option<&io::Error> {
    let mut source = t.source();
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<io::Error>() {
            return Some(io);
        }
        source = e.source();
    }
    None
}

/// A TLS failure under a transport error, said for a person.
fn tls_error(t: &ureq::Transport) -> Option<String> {
    use rustls::CertificateError as C;
    let mut source = t.source();
    let mut found = None;
    while let Some(e) = source {
        found = found.or_else(|| e.downcast_ref::<rustls::Error>());
        let inner = e
            .downcast_ref::<io::Error>()
            .and_then(io::Error::get_ref)
            .and_then(|i| i.downcast_ref::<rustls::Error>());
        found = found.or(inner);
        source = e.source();
    }
    let found = found?;
    Some(match found {
        rustls::Error::InvalidCertificate(c) => match c {
            C::UnknownIssuer => {
                "the certificate is not trusted (self-signed, or signed by an unknown authority)"
                    .into()
            }
            C::NotValidForName => "the certificate is for another host".into(),
            C::NotValidForNameContext { presented, .. } => format!(
                "the certificate is for another host (it names {})",
                presented
                    .iter()
                    .map(|p| presented_name(p))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            C::Expired | C::ExpiredContext { .. } => "the certificate has expired".into(),
            C::NotValidYet | C::NotValidYetContext { .. } => {
                "the certificate is not valid yet".into()
            }
            // Anything else about the certificate (a CA certificate used for a server, a bad
            // signature, …) in rustls' own words.
            _ => format!("the certificate is not acceptable ({found})"),
        },
        rustls::Error::InvalidMessage(_) => {
            "the server does not speak TLS there (an http:// hub typed as https://?)".into()
        }
        other => format!("the TLS handshake failed ({other})"),
    })
}

/// A name as rustls presents it (`DnsName("host")`, `IpAddress(…)`), without the wrapping.
fn presented_name(p: &str) -> &str {
    match (p.find("(\""), p.rfind("\")")) {
        (Some(start), Some(end)) if start + 2 <= end => &p[start + 2..end],
        _ => p,
    }
}
