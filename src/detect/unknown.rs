//! What to say when no classifier claims any candidate: why nothing answered (from the probe
//! runner's error kinds), or what did answer. One sentence, naming the base the reader typed.

use super::wire::{ProbeErrorKind, ProbePlan, ProbeResponse};

/// The sentence for an unknown hub at `base`.
pub(super) fn message(plan: &ProbePlan, base: &str, responses: &[ProbeResponse]) -> String {
    // A response whose body was cut off by a failure is not an answer to go by.
    let answered: Vec<&ProbeResponse> = responses
        .iter()
        .filter(|r| r.status != 0 && r.error_kind.is_none())
        .collect();
    if answered.is_empty() {
        return unreachable(plan, base, responses);
    }
    let statuses: Vec<String> = answered
        .iter()
        .take(4)
        .map(|r| format!("{} {}", r.status, r.url))
        .collect();
    if answered.iter().all(|r| r.status >= 500) {
        return format!(
            "{base} answered every request with a server error ({}): the server has a problem; try again later",
            statuses.join(", ")
        );
    }
    format!(
        "{base} answered, but not as a BinderHub, JupyterHub or Jupyter Server ({})",
        statuses.join(", ")
    )
}

/// Why nothing answered: the most telling failure among the probes. Failures nearer the
/// server (a certificate, a redirect loop) explain more than those further away (a refused
/// connection to a root that was only a second guess), so they are preferred.
fn unreachable(plan: &ProbePlan, base: &str, responses: &[ProbeResponse]) -> String {
    let worst = responses.iter().min_by_key(|r| rank(r.error_kind));
    let Some(r) = worst else {
        return format!("could not reach {base}: no response");
    };
    let text = r.error.as_deref().unwrap_or("no response");
    let deadline = seconds(plan.timeout_ms);
    let (host, host_port) = host_and_port(base);
    let after = if r.redirected {
        format!(", after redirects to {}", r.url)
    } else {
        String::new()
    };
    match r.error_kind {
        Some(ProbeErrorKind::Dns) => {
            format!("could not reach {base}: the host name {host} was not found (DNS)")
        }
        Some(ProbeErrorKind::Refused) => {
            format!("could not reach {base}: connection refused (nothing listens at {host_port}){after}")
        }
        Some(ProbeErrorKind::Unreachable) => {
            format!("could not reach {base}: no route to {host} (network unreachable){after}")
        }
        Some(ProbeErrorKind::ConnectTimeout) => format!(
            "could not reach {base}: no connection within {deadline} (the host is down, or drops connections){after}"
        ),
        Some(ProbeErrorKind::Timeout) => format!(
            "{base} accepted the connection but sent no answer within {deadline}{after}"
        ),
        Some(ProbeErrorKind::NoAnswer) => format!(
            "could not reach {base}: no answer within {deadline} (the host is down, drops connections, or never answers){after}"
        ),
        Some(ProbeErrorKind::Incomplete) => format!(
            "{base} started to answer, but the answer was still arriving after {deadline}{after}"
        ),
        Some(ProbeErrorKind::Closed) => {
            format!("{base} closed the connection without an answer{after}")
        }
        Some(ProbeErrorKind::Tls) => format!("could not reach {base} securely: {text}{after}"),
        Some(ProbeErrorKind::Redirects) => format!("{base} never stops redirecting: {text}"),
        Some(ProbeErrorKind::BadResponse) => {
            format!("{base} answered, but not in HTTP: {text}{after}")
        }
        Some(ProbeErrorKind::Network) => format!(
            "could not reach {base}: no answer (the address is wrong, the host is down or refuses connections, or its certificate is not trusted)"
        ),
        Some(ProbeErrorKind::Other) | None => format!("could not reach {base}: {text}{after}"),
    }
}

/// Lower is more telling (see [`unreachable`]).
fn rank(kind: Option<ProbeErrorKind>) -> u8 {
    match kind {
        Some(ProbeErrorKind::Tls) => 0,
        Some(ProbeErrorKind::Redirects) => 1,
        Some(ProbeErrorKind::BadResponse) => 2,
        Some(ProbeErrorKind::Incomplete) => 3,
        Some(ProbeErrorKind::Timeout) => 4,
        Some(ProbeErrorKind::Closed) => 5,
        Some(ProbeErrorKind::ConnectTimeout) => 6,
        Some(ProbeErrorKind::NoAnswer) => 7,
        Some(ProbeErrorKind::Refused) => 8,
        Some(ProbeErrorKind::Unreachable) => 9,
        Some(ProbeErrorKind::Dns) => 10,
        Some(ProbeErrorKind::Network) => 11,
        Some(ProbeErrorKind::Other) => 12,
        None => 13,
    }
}

/// `5 s`, `1.5 s` (written as health's messages write durations).
fn seconds(ms: u32) -> String {
    crate::health::seconds(ms)
}

/// The host and `host:port` of a base URL, for messages.
fn host_and_port(base: &str) -> (String, String) {
    let url = url::Url::parse(base).ok();
    let host = url
        .as_ref()
        .and_then(|u| u.host_str())
        .unwrap_or(base)
        .to_string();
    let port = url.as_ref().and_then(url::Url::port_or_known_default);
    let host_port = port.map_or_else(|| host.clone(), |p| format!("{host}:{p}"));
    (host, host_port)
}
