//! The JSON that crosses the detection boundary (docs/contracts.md "Detection"): the plan the
//! core hands to a probe runner (the CLI's HTTP client, the extension's `detect.js`), the
//! responses it hands back, and the answer.
//!
//! Written with serde's derived serialisers; read back (the plan and the responses `classify`
//! gets, the detection `savedHub` gets) by the small readers at the end of this file, from one
//! `serde_json::Value`: derived deserialisers cost the cold Wasm module a few KB each
//! (docs/benchmarks.md, "size (third round)"), these a few hundred bytes. They accept what the
//! derived ones accepted (missing `Option`s are `None`; `ProbeResponse`'s fields all default;
//! unknown fields are ignored) and name the offending field (`probes[1].url: not a string
//! (a number)`).

use crate::str_map::StrMap;
use serde::Serialize;
use serde_json::{Map, Value};

/// What kind of server a URL is.
/// Settings read it with serde (its messages name the kinds a saved hub may have).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Probe {
    /// `<candidate index>:<probe name>`, echoed back in the [`ProbeResponse`].
    pub id: String,
    /// The absolute URL to fetch.
    pub url: String,
}

/// The requests that detect a hub. Serialised as the `ProbePlan` JSON of docs/contracts.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ProbeResponse {
    /// The probe's id.
    pub id: String,
    /// The HTTP status (0 when there was no response).
    pub status: u16,
    /// The final URL after redirects (where the request was when it failed).
    pub url: String,
    /// Whether redirects were followed to get here.
    pub redirected: bool,
    /// Response headers, names in lowercase (a sorted list: src/str_map.rs).
    pub headers: StrMap<String>,
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
    pub launch_version: Option<String>,
    /// Why launches on `launch_url` would fail, when detection saw it (a Jupyter Server without
    /// nbgitpuller): one sentence, also said in `message`. A front end warns with it (the
    /// options page's warning style, the CLI's `warning:` line); `None` when none was seen.
    pub launch_problem: Option<String>,
    /// One sentence for the user.
    pub message: String,
    /// Further details, one sentence each.
    pub notes: Vec<String>,
}

// ---- Reading the wire JSON back (the derives above serialise only). ----

/// What a JSON value is, for messages.
pub(crate) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// One JSON object being read, and where it is (`probes[1]`, empty at the top) for messages.
struct Fields<'a> {
    map: &'a Map<String, Value>,
    at: &'a str,
}

impl<'a> Fields<'a> {
    fn of(v: &'a Value, at: &'a str) -> Result<Fields<'a>, String> {
        match v {
            Value::Object(map) => Ok(Fields { map, at }),
            other => Err(format!("{}not an object ({})", prefix(at), kind_of(other))),
        }
    }

    /// The field `key`: `None` when it is missing.
    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key)
    }

    /// An error about the field `key`.
    fn wrong(&self, key: &str, what: &str, v: &Value) -> String {
        format!("{}{key}: not {what} ({})", prefix(self.at), kind_of(v))
    }

    fn missing(&self, key: &str) -> String {
        format!("{}{key}: missing", prefix(self.at))
    }

    /// A required field, read by `read` (which says what it wanted, on failure).
    fn required<T>(
        &self,
        key: &str,
        read: impl Fn(&Value) -> Option<T>,
        what: &str,
    ) -> Result<T, String> {
        let v = self.get(key).ok_or_else(|| self.missing(key))?;
        read(v).ok_or_else(|| self.wrong(key, what, v))
    }

    /// A field that may be missing (then `default`), but not of another type (`null` included,
    /// as serde's `#[serde(default)]` reads it).
    fn or_default<T>(
        &self,
        key: &str,
        read: impl Fn(&Value) -> Option<T>,
        what: &str,
        default: T,
    ) -> Result<T, String> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => read(v).ok_or_else(|| self.wrong(key, what, v)),
        }
    }

    /// An optional field: missing or `null` is `None`.
    fn optional<T>(
        &self,
        key: &str,
        read: impl Fn(&Value) -> Option<T>,
        what: &str,
    ) -> Result<Option<T>, String> {
        match self.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => read(v).map(Some).ok_or_else(|| self.wrong(key, what, v)),
        }
    }
}

/// `at: ` for a nested value, nothing at the top.
fn prefix(at: &str) -> String {
    if at.is_empty() {
        String::new()
    } else {
        format!("{at}.")
    }
}

fn string(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

fn strings(v: &Value) -> Option<Vec<String>> {
    v.as_array()?.iter().map(string).collect()
}

fn u32_of(v: &Value) -> Option<u32> {
    v.as_u64().and_then(|n| u32::try_from(n).ok())
}

/// A hub kind by its name (serde's, the one settings read).
fn hub_kind(v: &Value) -> Option<HubKind> {
    crate::settings::read::hub_kind_at(v, "").ok()
}

/// An error kind a runner sent: one this core does not know is `Other` (newer runners).
fn error_kind(v: &Value) -> Option<ProbeErrorKind> {
    let name = v.as_str()?;
    Some(
        ProbeErrorKind::ALL
            .into_iter()
            .find(|k| k.name() == name)
            .unwrap_or(ProbeErrorKind::Other),
    )
}

/// Each element of the array `key` read by `read`, which gets the element and where it is.
fn each<T>(
    f: &Fields,
    key: &str,
    read: impl Fn(&Value, &str) -> Result<T, String>,
) -> Result<Vec<T>, String> {
    let v = f.get(key).ok_or_else(|| f.missing(key))?;
    let items = v.as_array().ok_or_else(|| f.wrong(key, "an array", v))?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| read(item, &format!("{}{key}[{i}]", prefix(f.at))))
        .collect()
}

const HUB_KIND: &str = "a hub kind";

/// Read from its name (stored health keeps it): a kind this core does not know is `Other`, as a
/// newer runner's is in [`ProbeResponse::read`].
impl<'de> serde::Deserialize<'de> for ProbeErrorKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Ok(error_kind(&Value::String(name)).unwrap_or(ProbeErrorKind::Other))
    }
}

impl ProbeErrorKind {
    /// The name it has in JSON (what `Serialize` writes; a test holds them equal).
    pub fn name(self) -> &'static str {
        match self {
            Self::Dns => "dns",
            Self::Refused => "refused",
            Self::Unreachable => "unreachable",
            Self::ConnectTimeout => "connect-timeout",
            Self::Timeout => "timeout",
            Self::NoAnswer => "no-answer",
            Self::Incomplete => "incomplete",
            Self::Closed => "closed",
            Self::Tls => "tls",
            Self::Redirects => "redirects",
            Self::BadResponse => "bad-response",
            Self::Network => "network",
            Self::Other => "other",
        }
    }
}

impl Probe {
    fn read(v: &Value, at: &str) -> Result<Probe, String> {
        let f = Fields::of(v, at)?;
        Ok(Probe {
            id: f.required("id", string, "a string")?,
            url: f.required("url", string, "a string")?,
        })
    }
}

impl ProbePlan {
    /// A plan as [`crate::probe_plan`] wrote it (a front end hands it back to `classify`).
    pub fn read(v: &Value) -> Result<ProbePlan, String> {
        let f = Fields::of(v, "")?;
        Ok(ProbePlan {
            input: f.required("input", string, "a string")?,
            candidates: f.required("candidates", strings, "an array of strings")?,
            known: match f.get("known") {
                None | Some(Value::Null) => None,
                Some(d) => Some(Detection::read_at(d, "known")?),
            },
            probes: each(&f, "probes", Probe::read)?,
            timeout_ms: f.required("timeoutMs", u32_of, "a number of milliseconds")?,
            max_body: f.required("maxBody", u32_of, "a number of bytes")?,
            service: f.optional("service", string, "a string")?,
        })
    }
}

impl ProbeResponse {
    /// A probe runner's responses (an array); every field may be missing.
    pub fn read_all(v: &Value) -> Result<Vec<ProbeResponse>, String> {
        let items = v
            .as_array()
            .ok_or_else(|| format!("not an array ({})", kind_of(v)))?;
        items
            .iter()
            .enumerate()
            .map(|(i, item)| ProbeResponse::read(item, &format!("[{i}]")))
            .collect()
    }

    /// One response; `at` names it in messages.
    pub fn read(v: &Value, at: &str) -> Result<ProbeResponse, String> {
        let f = Fields::of(v, at)?;
        let headers = match f.get("headers") {
            None => StrMap::new(),
            Some(h) => {
                let map = h
                    .as_object()
                    .ok_or_else(|| f.wrong("headers", "an object", h))?;
                let mut headers = StrMap::new();
                for (name, value) in map {
                    let value = value
                        .as_str()
                        .ok_or_else(|| f.wrong(&format!("headers.{name}"), "a string", value))?;
                    headers.insert(name.clone(), value.to_string());
                }
                headers
            }
        };
        Ok(ProbeResponse {
            id: f.or_default("id", string, "a string", String::new())?,
            status: f.or_default(
                "status",
                |s| s.as_u64().and_then(|n| u16::try_from(n).ok()),
                "an http status",
                0,
            )?,
            url: f.or_default("url", string, "a string", String::new())?,
            redirected: f.or_default("redirected", Value::as_bool, "a boolean", false)?,
            headers,
            body: f.optional("body", string, "a string")?,
            error: f.optional("error", string, "a string")?,
            error_kind: f.optional("errorKind", error_kind, "an error kind")?,
            cors_checked: f.or_default("corsChecked", Value::as_bool, "a boolean", false)?,
        })
    }
}

impl Detection {
    /// A detection as [`crate::classify`] wrote it (a front end hands it to `savedHub`).
    pub fn read(v: &Value) -> Result<Detection, String> {
        Detection::read_at(v, "")
    }

    fn read_at(v: &Value, at: &str) -> Result<Detection, String> {
        let f = Fields::of(v, at)?;
        Ok(Detection {
            input: f.required("input", string, "a string")?,
            url: f.required("url", string, "a string")?,
            kind: f.required("kind", hub_kind, HUB_KIND)?,
            version: f.optional("version", string, "a string")?,
            cors: f.optional("cors", Value::as_bool, "a boolean")?,
            known: f.required("known", Value::as_bool, "a boolean")?,
            launch_url: f.optional("launchUrl", string, "a string")?,
            launch_kind: f.optional("launchKind", hub_kind, HUB_KIND)?,
            launch_version: f.optional("launchVersion", string, "a string")?,
            launch_problem: f.optional("launchProblem", string, "a string")?,
            message: f.required("message", string, "a string")?,
            notes: f.required("notes", strings, "an array of strings")?,
        })
    }
}
