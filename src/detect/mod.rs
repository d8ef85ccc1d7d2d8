//! Hub detection, sans-IO (docs/design.md §4): [`probe_plan`] says which requests to make,
//! the caller makes them all in parallel, [`classify`] reads the answers. One file per hub kind.

mod binderhub;
mod jupyter_server;
mod jupyterhub;

use crate::known::is_known_binderhub;
use crate::render::normalize_hub_url;
use crate::Error;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What kind of server a URL is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum HubKind {
    /// A full BinderHub (launch target for `v2/` links).
    #[serde(rename = "binderhub")]
    BinderHub,
    /// BinderHub in API-only mode, a JupyterHub service: not a launch target.
    #[serde(rename = "binderhub-service")]
    BinderHubService,
    /// A JupyterHub.
    #[serde(rename = "jupyterhub")]
    JupyterHub,
    /// A single Jupyter Server.
    #[serde(rename = "jupyter-server")]
    JupyterServer,
    /// None of these, or unreachable.
    #[serde(rename = "unknown")]
    Unknown,
}

/// One request to make: `GET url`, no credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Probe {
    /// `<candidate index>:<probe name>`, echoed back in the [`ProbeResponse`].
    pub id: String,
    /// The absolute URL to fetch.
    pub url: String,
}

/// The requests that detect a hub. Serialised as the `ProbePlan` JSON of docs/contracts.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProbePlan {
    /// What the user typed.
    pub input: String,
    /// Candidate base URLs, most likely first.
    pub candidates: Vec<String>,
    /// The answer without any request, for a known public BinderHub.
    pub known: Option<Detection>,
    /// The requests to make, all at once.
    pub probes: Vec<Probe>,
    /// Give up on a request after this long.
    pub timeout_ms: u32,
    /// Read at most this many bytes of a body.
    pub max_body: u32,
    /// The JupyterHub service path the input named (`services/binder/`), if any.
    pub service: Option<String>,
}

/// The answer to one [`Probe`]; `status` 0 with `error` when the request failed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ProbeResponse {
    /// The probe's id.
    pub id: String,
    /// The HTTP status (0 when there was no response).
    pub status: u16,
    /// The final URL after redirects.
    pub url: String,
    /// Whether redirects were followed to get here.
    pub redirected: bool,
    /// Response headers, names in lowercase.
    pub headers: BTreeMap<String, String>,
    /// The body (capped), when there was one.
    pub body: Option<String>,
    /// Why the request failed (network error, timeout).
    pub error: Option<String>,
    /// The response was read under CORS (a browser without host access), so the browser has
    /// already checked `Access-Control-Allow-Origin`, and hides the header.
    #[serde(rename = "corsChecked")]
    pub cors_checked: bool,
}

/// What a hub is. Serialised as the `Detection` JSON of docs/contracts.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Detection {
    /// What the user typed.
    pub input: String,
    /// The base URL the answer is about.
    pub url: String,
    /// What it is.
    pub kind: HubKind,
    /// Its version, when it says.
    pub version: Option<String>,
    /// JupyterHub: whether `/hub/api/` sends `Access-Control-Allow-Origin`.
    pub cors: Option<bool>,
    /// Recognised offline as a known public BinderHub.
    pub known: bool,
    /// Where launches go (`None` when it cannot launch).
    pub launch_url: Option<String>,
    /// One line for the user.
    pub message: String,
    /// Further details.
    pub notes: Vec<String>,
}

/// Path segments that start the part of a URL below a hub's base.
const BELOW_BASE: &[&str] = &[
    "hub",
    "user",
    "v2",
    "services",
    "lab",
    "tree",
    "notebooks",
    "doc",
    "git-pull",
    "user-redirect",
    "api",
    "login",
];

/// The base URL of the hub in what the user typed: the part before `hub/`, `user/<name>/`,
/// `v2/`, `services/<x>/`, `lab/`, … (`https://h/jupyter/hub/home` → `https://h/jupyter/`).
pub fn hub_base(input: &str) -> Result<String, Error> {
    Ok(split_typed(input)?.0)
}

/// The base, the JupyterHub service path (`services/<name>/`) the input names, and the URL.
fn split_typed(input: &str) -> Result<(String, Option<String>, url::Url), Error> {
    let typed = normalize_hub_url(input)?;
    let url = url::Url::parse(&typed).map_err(|e| Error::InvalidHub(e.to_string()))?;
    match url.host_str() {
        Some("colab.research.google.com") => {
            return Err(Error::InvalidHub(format!(
                "'{input}' is a colab page, not a hub"
            )))
        }
        Some("github.com" | "www.github.com" | "gitlab.com") => {
            return Err(Error::InvalidHub(format!(
                "'{input}' is a repository page, not a hub"
            )))
        }
        _ => {}
    }
    let origin = crate::parse::origin(&url);
    let segments: Vec<&str> = url.path().split('/').filter(|s| !s.is_empty()).collect();
    let cut = segments
        .iter()
        .position(|s| BELOW_BASE.contains(s))
        .unwrap_or(segments.len());
    let service = match (segments.get(cut), segments.get(cut + 1)) {
        (Some(&"services"), Some(name)) => Some(format!("services/{name}/")),
        _ => None,
    };
    let base = format!(
        "{origin}/{}",
        segments[..cut]
            .iter()
            .map(|s| format!("{s}/"))
            .collect::<String>()
    );
    Ok((base, service, url))
}

/// Plans the probes for what the user typed (`hub.example.edu`, `https://h/hub/home`,
/// `https://h/user/alice/lab`, a Binder launch URL, `localhost:8888`).
pub fn probe_plan(input: &str) -> Result<ProbePlan, Error> {
    let (base, service, url) = split_typed(input)?;
    let origin = crate::parse::origin(&url);
    let mut candidates = vec![base.clone()];
    let root = format!("{origin}/");
    if base != root {
        candidates.push(root);
    }
    let host = url.host_str().unwrap_or_default();
    let prefix = &base[origin.len()..];
    let known = is_known_binderhub(host, prefix).then(|| Detection {
        input: input.to_string(),
        url: base.clone(),
        kind: HubKind::BinderHub,
        version: None,
        cors: None,
        known: true,
        launch_url: Some(base.clone()),
        message: "BinderHub (known public BinderHub, recognised without a request)".into(),
        notes: Vec::new(),
    });
    let mut probes = Vec::new();
    if known.is_none() {
        for (i, c) in candidates.iter().enumerate() {
            for (name, path) in [
                ("versions", "versions"),
                ("hub-api", "hub/api/"),
                ("api", "api"),
                ("root", ""),
            ] {
                probes.push(Probe {
                    id: format!("{i}:{name}"),
                    url: format!("{c}{path}"),
                });
            }
            probes.push(Probe {
                id: format!("{i}:service"),
                url: format!(
                    "{c}{}versions",
                    service.as_deref().unwrap_or("services/binder/")
                ),
            });
        }
    }
    Ok(ProbePlan {
        input: input.to_string(),
        candidates,
        known,
        probes,
        timeout_ms: 5000,
        max_body: 65536,
        service,
    })
}

/// The responses of one candidate base, by probe name.
pub(crate) struct Answers<'a> {
    by_name: BTreeMap<&'a str, &'a ProbeResponse>,
}

impl<'a> Answers<'a> {
    /// The response to probe `name`, if it came back with an HTTP status.
    pub fn get(&self, name: &str) -> Option<&'a ProbeResponse> {
        self.by_name.get(name).copied().filter(|r| r.status != 0)
    }

    /// The `X-JupyterHub-Version` header of any response, which JupyterHub sends on every one.
    pub fn jupyterhub_header(&self) -> Option<&'a str> {
        self.by_name
            .values()
            .find_map(|r| r.headers.get("x-jupyterhub-version"))
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

/// The fields of the JSON bodies detection reads: `{"version": "…"}` (JupyterHub, Jupyter
/// Server) and `{"binderhub": "…", …}` (BinderHub `versions`). Other fields are skipped.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Body {
    #[serde(default)]
    pub version: Option<Text>,
    #[serde(default)]
    pub binderhub: Option<Text>,
}

/// A JSON value read as text when it is a string (`None` otherwise), without failing.
#[derive(Debug)]
pub(crate) struct Text(pub Option<String>);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Text;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any json value")
            }
            fn visit_str<E>(self, v: &str) -> Result<Text, E> {
                Ok(Text(Some(v.to_string())))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Text, E> {
                Ok(Text(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Text, E> {
                Ok(Text(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Text, E> {
                Ok(Text(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Text, E> {
                Ok(Text(None))
            }
            fn visit_unit<E>(self) -> Result<Text, E> {
                Ok(Text(None))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Text, A::Error> {
                while a.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Text(None))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Text, A::Error> {
                while a
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Text(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// The JSON object body of a 200 response that was not redirected elsewhere.
pub(crate) fn json_body(r: &ProbeResponse) -> Option<Body> {
    if r.status != 200 || r.redirected {
        return None;
    }
    let text = r.body.as_deref()?.trim();
    if !text.starts_with('{') {
        return None;
    }
    serde_json::from_str(text).ok()
}

/// What one hub kind's classifier found on a candidate.
pub(crate) struct Finding {
    pub kind: HubKind,
    pub version: Option<String>,
    pub cors: Option<bool>,
    pub message: String,
    pub notes: Vec<String>,
}

/// Classifies the responses to a plan's probes.
pub fn classify(plan: &ProbePlan, responses: &[ProbeResponse]) -> Detection {
    if let Some(known) = &plan.known {
        return known.clone();
    }
    let answers_for = |i: usize| {
        let prefix = format!("{i}:");
        Answers {
            by_name: responses
                .iter()
                .filter_map(|r| r.id.strip_prefix(&prefix).map(|name| (name, r)))
                .collect(),
        }
    };
    for (i, base) in plan.candidates.iter().enumerate() {
        let answers = answers_for(i);
        let hub = jupyterhub::classify(&answers);
        if let (Some(service), Some(bh)) = (&plan.service, binderhub::classify_service(&answers)) {
            // The user typed `…/services/<x>/`: the service itself is not a launch target.
            let launch_url = hub.as_ref().map(|_| base.clone());
            let mut notes = bh.notes;
            let message = match &hub {
                Some(h) => format!(
                    "{} at {base}{service} (not a launch target); launches go to the {} in front of it",
                    bh.message, h.message
                ),
                None => format!("{} at {base}{service} (not a launch target)", bh.message),
            };
            if let Some(h) = hub {
                notes.extend(h.notes);
            }
            return detection(
                plan, base, bh.kind, bh.version, None, launch_url, message, notes,
            );
        }
        let found = binderhub::classify(&answers)
            .or(hub)
            .or_else(|| jupyter_server::classify(&answers));
        if let Some(mut f) = found {
            if f.kind == HubKind::JupyterHub {
                if let Some(bh) = binderhub::classify_service(&answers) {
                    f.notes.push(format!(
                        "{} runs at {base}services/binder/ (API only, not a launch target)",
                        bh.message
                    ));
                }
            }
            return detection(
                plan,
                base,
                f.kind,
                f.version,
                f.cors,
                (f.kind != HubKind::BinderHubService).then(|| base.clone()),
                f.message,
                f.notes,
            );
        }
    }
    let base = plan.candidates.first().cloned().unwrap_or_default();
    let message = unknown_message(&base, responses);
    detection(
        plan,
        &base,
        HubKind::Unknown,
        None,
        None,
        None,
        message,
        Vec::new(),
    )
}

#[allow(clippy::too_many_arguments)]
fn detection(
    plan: &ProbePlan,
    base: &str,
    kind: HubKind,
    version: Option<String>,
    cors: Option<bool>,
    launch_url: Option<String>,
    message: String,
    notes: Vec<String>,
) -> Detection {
    Detection {
        input: plan.input.clone(),
        url: base.to_string(),
        kind,
        version,
        cors,
        known: false,
        launch_url,
        message,
        notes,
    }
}

fn unknown_message(base: &str, responses: &[ProbeResponse]) -> String {
    let answered: Vec<&ProbeResponse> = responses.iter().filter(|r| r.status != 0).collect();
    if answered.is_empty() {
        let why = responses
            .iter()
            .find_map(|r| r.error.as_deref())
            .unwrap_or("no response");
        return format!("could not reach {base}: {why}");
    }
    let statuses: Vec<String> = answered
        .iter()
        .take(4)
        .map(|r| format!("{} {}", r.status, r.url))
        .collect();
    format!(
        "{base} answered, but not as a BinderHub, JupyterHub or Jupyter Server ({}); a Jupyter Server refuses browser extensions unless started with allow_origin",
        statuses.join(", ")
    )
}

/// Parses a version leniently (`5.3.0`, `6.0.0b2`, `0.2.0+1763.gfaafab2`, `1.0.0-0.dev.git.3673.h040c9bbe`).
pub(crate) fn lenient_version(v: &str) -> Option<semver::Version> {
    if let Ok(parsed) = semver::Version::parse(v.trim()) {
        return Some(parsed);
    }
    let mut nums = v
        .trim()
        .split(|c: char| !c.is_ascii_digit())
        .take_while(|s| !s.is_empty())
        .map(|s| s.parse::<u64>().ok());
    let major = nums.next()??;
    let minor = nums.next().flatten().unwrap_or(0);
    let patch = nums.next().flatten().unwrap_or(0);
    Some(semver::Version::new(major, minor, patch))
}

#[cfg(test)]
mod tests;
