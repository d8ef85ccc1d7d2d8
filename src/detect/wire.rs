//! The JSON that crosses the detection boundary (docs/contracts.md "Detection"): the plan the
//! core hands to a probe runner (the CLI's HTTP client, the extension's `detect.js`), the
//! responses it hands back, and the answer.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What kind of server a URL is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum HubKind {
    /// A full BinderHub (launch target for `v2/` links), standalone or as a JupyterHub service.
    #[serde(rename = "binderhub")]
    BinderHub,
    /// BinderHub in API-only mode (no launch pages): not a launch target.
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
    /// The deadline of the whole detection, in milliseconds: every probe, its connection and
    /// its redirects included, ends by then.
    pub timeout_ms: u32,
    /// Read at most this many bytes of a body.
    pub max_body: u32,
    /// The JupyterHub service path the input named (`services/binder/`), if any.
    pub service: Option<String>,
}

/// Why a probe got no (complete) HTTP answer, as far as the probe runner could tell. The human
/// message stays in [`ProbeResponse::error`]; this is what the core phrases its answer from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProbeErrorKind {
    /// The host name does not resolve.
    Dns,
    /// Nothing listens on the port (connection refused).
    Refused,
    /// No route to the host or its network.
    Unreachable,
    /// No connection before the deadline: the host drops connection attempts (down, a
    /// firewall, or a full accept queue).
    ConnectTimeout,
    /// Connected, but no answer before the deadline.
    Timeout,
    /// No answer before the deadline, from a runner that cannot tell whether a connection was
    /// made (a browser's `fetch` aborted at the deadline): the host may be down, drop
    /// connections, or have accepted and never answered.
    NoAnswer,
    /// An answer started (status and headers) but its body was still arriving at the deadline.
    Incomplete,
    /// The connection was closed or reset before an answer.
    Closed,
    /// The TLS handshake failed: an untrusted or wrong certificate, or no common protocol.
    Tls,
    /// Too many redirects, or a redirect loop.
    Redirects,
    /// Something answered that is not HTTP.
    BadResponse,
    /// A failure the runner cannot tell apart (a browser's `fetch` reports every network
    /// error as one `TypeError`).
    Network,
    /// Anything else (and any kind a newer runner sends that this core does not know).
    #[serde(other)]
    Other,
}

impl ProbeErrorKind {
    /// Every kind, in declaration order.
    pub const ALL: [ProbeErrorKind; 13] = [
        Self::Dns,
        Self::Refused,
        Self::Unreachable,
        Self::ConnectTimeout,
        Self::Timeout,
        Self::NoAnswer,
        Self::Incomplete,
        Self::Closed,
        Self::Tls,
        Self::Redirects,
        Self::BadResponse,
        Self::Network,
        Self::Other,
    ];
}

/// The answer to one [`Probe`]; `status` 0 with `error` (and `errorKind`) when the request
/// failed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ProbeResponse {
    /// The probe's id.
    pub id: String,
    /// The HTTP status (0 when there was no response).
    pub status: u16,
    /// The final URL after redirects (where the request was when it failed).
    pub url: String,
    /// Whether redirects were followed to get here.
    pub redirected: bool,
    /// Response headers, names in lowercase.
    pub headers: BTreeMap<String, String>,
    /// The body (capped), when there was one.
    pub body: Option<String>,
    /// Why the request failed, for a person.
    pub error: Option<String>,
    /// Why the request failed, for the core (absent from older runners).
    #[serde(rename = "errorKind")]
    pub error_kind: Option<ProbeErrorKind>,
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
    /// What `launch_url` is (`binderhub`, `jupyterhub` or `jupyter-server`): the kind of target
    /// a front end saves or rewrites for; `None` when it cannot launch. Differs from `kind`
    /// for an API-only BinderHub service, whose launches go to the JupyterHub in front of it.
    pub launch_kind: Option<HubKind>,
    /// The version of what `launch_url` is: the hub's own for an API-only BinderHub service
    /// (launches go to the JupyterHub in front of it), else `version`. What a front end saves.
    #[serde(default)]
    pub launch_version: Option<String>,
    /// One sentence for the user.
    pub message: String,
    /// Further details, one sentence each.
    pub notes: Vec<String>,
}
