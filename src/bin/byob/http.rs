//! The CLI's native HTTP client: performs a probe plan's requests in parallel, with the plan's
//! timeout and body cap, following redirects itself so the final URL is known.

use byob::{Probe, ProbePlan, ProbeResponse};
use std::io::Read;
use std::time::Duration;

const MAX_REDIRECTS: usize = 5;

/// Performs every probe of `plan` at once and returns one response per probe, in order.
pub fn perform(plan: &ProbePlan) -> Vec<ProbeResponse> {
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_millis(u64::from(plan.timeout_ms)))
        .redirects(0)
        .user_agent(concat!("byob/", env!("CARGO_PKG_VERSION")))
        .build();
    std::thread::scope(|scope| {
        let handles: Vec<_> = plan
            .probes
            .iter()
            .map(|probe| {
                let agent = agent.clone();
                scope.spawn(move || fetch(&agent, probe, plan.max_body as usize))
            })
            .collect();
        handles
            .into_iter()
            .zip(&plan.probes)
            .map(|(h, probe)| {
                h.join().unwrap_or_else(|_| ProbeResponse {
                    id: probe.id.clone(),
                    error: Some("request thread panicked".into()),
                    ..Default::default()
                })
            })
            .collect()
    })
}

fn fetch(agent: &ureq::Agent, probe: &Probe, max_body: usize) -> ProbeResponse {
    let mut url = probe.url.clone();
    let mut out = ProbeResponse {
        id: probe.id.clone(),
        ..Default::default()
    };
    for hop in 0..=MAX_REDIRECTS {
        let response = match agent.get(&url).call() {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(ureq::Error::Transport(t)) => {
                out.url = url;
                out.error = Some(transport_message(&t));
                return out;
            }
        };
        let status = response.status();
        if (300..400).contains(&status) && hop < MAX_REDIRECTS {
            if let Some(next) = response
                .header("location")
                .and_then(|l| url::Url::parse(&url).ok()?.join(l).ok())
            {
                url = next.to_string();
                out.redirected = true;
                continue;
            }
        }
        out.status = status;
        out.url = url;
        for name in response.headers_names() {
            if let Some(v) = response.header(&name) {
                out.headers.insert(name.to_ascii_lowercase(), v.to_string());
            }
        }
        let mut body = Vec::new();
        match response
            .into_reader()
            .take(max_body as u64)
            .read_to_end(&mut body)
        {
            Ok(_) => out.body = Some(String::from_utf8_lossy(&body).into_owned()),
            Err(e) => out.error = Some(format!("reading the body: {e}")),
        }
        return out;
    }
    out.url = url;
    out.error = Some("too many redirects".into());
    out
}

fn transport_message(t: &ureq::Transport) -> String {
    let text = t.to_string();
    // ureq's messages start with the URL; the kind and cause are what the user needs.
    match t.kind() {
        ureq::ErrorKind::ConnectionFailed => "connection refused or unreachable".into(),
        ureq::ErrorKind::Dns => "host name not found".into(),
        ureq::ErrorKind::Io if text.contains("timed out") => "timed out".into(),
        _ => text,
    }
}
