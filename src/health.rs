//! Hub health (docs/design.md §6, issue 12 part 1): whether each saved hub is up, from the
//! cheapest request that proves it can launch, and when to ask again. Sans-IO like detection:
//! the core plans the requests ([`plan`]), a runner performs them (the extension's
//! `probe-runner.js`, with the wire contract's `errorKind`), and the core reads the answers
//! ([`read`]) and decides when a hub is due for another check ([`due`]). The clock is the
//! runner's: every time here is a number the caller passes in.
//!
//! What proves a hub can launch, per kind (docs/protocols.md §1):
//!
//! - a **BinderHub**: `health`, which BinderHub answers `{"ok": true, "checks": […]}`, or 503
//!   with the checks that failed (its JupyterHub, its image registry, its pod quota): a
//!   BinderHub whose JupyterHub is gone cannot launch, and `versions` would still answer;
//! - a **JupyterHub**: `hub/api/`, `{"version": …}` without authentication (the hub itself, not
//!   only its proxy, answered);
//! - a **Jupyter Server**: `git-pull`, nbgitpuller's page, which every launch opens: a server
//!   with nbgitpuller sends a logged-out request to its login page (or, without
//!   authentication, answers 400 for the missing `repo`); one without it answers 404 itself,
//!   and every page of its own names its CSP report handler (measured on jupyter_server 2.21.1;
//!   the servers tier checks the redirect, the 404 and the header, `check_servers.py`). Its
//!   `api` would answer either way, so fallback would send links to a server that opens a 404
//!   page (`jupyter_server_can_launch`).

use crate::detect::{Probe, ProbeErrorKind, ProbeResponse};
use crate::render::TargetKind;
use crate::settings::Hub;
use crate::str_map::StrMap;
use serde::{Deserialize, Serialize};

/// The deadline of a check: every hub's request ends by then. Shorter than detection's (a
/// saved hub is known; a check runs while pages wait for their links to follow).
pub const TIMEOUT_MS: u32 = 4000;

/// An answer slower than this makes a hub `slow` (still used; shown to the reader).
pub const SLOW_MS: u32 = 1500;

/// Bytes of an answer read: a BinderHub's and a JupyterHub's answers are a few hundred bytes (a
/// Jupyter Server's login page, a few KB, is read too, though only its status and headers count).
pub const MAX_BODY: u32 = 16384;

/// How often hubs are checked while pages with launch links are open (the background's alarm
/// period), and how old a check may be before a page with launch links asks for another.
pub const CHECK_EVERY_MINUTES: u32 = 3;

/// A check younger than this is not repeated when the popup or the options page opens (one
/// reader opening the popup three times in a row makes one request per hub).
pub const FRESH_MS: u64 = 10_000;

/// A hub's state, as last checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// It answered as a hub of its kind that can launch, in time.
    Up,
    /// It answered as one, but slower than [`SLOW_MS`]: still used.
    Slow,
    /// It did not answer, or answered that it cannot launch: passed over when fallback is on.
    Down,
    /// It answered, but this extension may not read the answer (no access to its origin, and
    /// no CORS): treated as up, shown as not checked.
    Unchecked,
}

impl State {
    /// Whether links may go to a hub in this state (everything but down).
    pub fn usable(self) -> bool {
        self != State::Down
    }
}

/// A hub's last check. `reason` says why it is down, how slow it was, or why it could not be
/// checked; `null` when it is up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    /// What the check found.
    pub state: State,
    /// When it was checked: milliseconds since the epoch, the runner's clock.
    pub checked_at: u64,
    /// How long the answer took, in milliseconds.
    pub ms: u32,
    /// Why it is down (`connection refused`, `HTTP 503 on health: JupyterHub API not ok`), how
    /// slow it was, or why it could not be checked.
    pub reason: Option<String>,
    /// The runner's error kind, when the request failed.
    #[serde(default)]
    pub error_kind: Option<ProbeErrorKind>,
    /// The HTTP status, when one came.
    #[serde(default)]
    pub status: Option<u16>,
}

/// Every saved hub's last check, by hub URL. A hub without an entry is not checked yet. A
/// sorted list, not a `BTreeMap` (src/str_map.rs: the same entries and JSON, less code).
pub type HealthMap = StrMap<Health>;

/// The stored health (`{<hub url>: Health}`), read by the small readers of
/// src/settings/read.rs rather than serde's derived ones (fewer bytes in the cold module):
/// what those accepted (a `Health` as an object or an array of its fields; `errorKind` and
/// `status` may be missing; an error kind this core does not know is `other`) and their
/// messages, the entry's path in front (`["https://hub.example.edu/"].ms: …`).
pub fn health_map_at(v: &serde_json::Value) -> Result<HealthMap, String> {
    use crate::settings::read::{self, Fields};
    let map = v
        .as_object()
        .ok_or_else(|| read::invalid_type(v, "", "a map"))?;
    let mut out = HealthMap::new();
    for (url, h) in map {
        let at = format!("[{url:?}]");
        let f = Fields::open(h, &at, "Health", HEALTH_FIELDS, 4, false)?;
        let health = Health {
            state: f.required("state", |v, at| {
                read::variant_at(
                    v,
                    at,
                    "State",
                    &[
                        ("up", State::Up),
                        ("slow", State::Slow),
                        ("down", State::Down),
                        ("unchecked", State::Unchecked),
                    ],
                )
            })?,
            checked_at: f.required("checkedAt", |v, at| read::uint_at(v, at, u64::MAX, "u64"))?,
            ms: f.required("ms", |v, at| {
                read::uint_at(v, at, u32::MAX.into(), "u32").map(|n| n as u32)
            })?,
            reason: read::optional(&f, "reason", read::string_at)?,
            error_kind: read::optional(&f, "errorKind", |v, at| {
                let name = read::string_at(v, at)?;
                // A kind this core does not know is `other`, as from a newer runner.
                Ok(ProbeErrorKind::ALL
                    .into_iter()
                    .find(|k| k.name() == name)
                    .unwrap_or(ProbeErrorKind::Other))
            })?,
            status: read::optional(&f, "status", |v, at| {
                read::uint_at(v, at, u16::MAX.into(), "u16").map(|n| n as u16)
            })?,
        };
        out.insert(url.clone(), health);
    }
    Ok(out)
}

/// `Health`'s fields in JSON, in order.
const HEALTH_FIELDS: &[&str] = &["state", "checkedAt", "ms", "reason", "errorKind", "status"];

/// The requests of a check: one per hub (its `id` is the hub's URL), all at once, one deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// One request per hub that can launch, in the order given.
    pub probes: Vec<Probe>,
    /// The deadline of the whole check, in milliseconds.
    pub timeout_ms: u32,
    /// Read at most this many bytes of an answer.
    pub max_body: u32,
}

/// What the runner brings back for one probe: the probe response, how long it took, and, when
/// the request failed without saying why (`network`), whether the server answered a request
/// this extension may not read (`fetch` with `mode: 'no-cors'`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Answer {
    /// The probe's response (`id` is the hub's URL).
    pub response: ProbeResponse,
    /// Milliseconds from the request to its end (answer, failure or deadline).
    pub ms: u32,
    /// For a `network` failure: a request the extension may not read got an answer.
    pub answers_without_access: bool,
}

impl Answer {
    /// The runner's answers, `[{response, ms, answersWithoutAccess}]` (`ms` and
    /// `answersWithoutAccess` may be missing), read as the detection readers read
    /// (src/detect/wire.rs): field by field, naming the one that is wrong.
    pub fn read_all(v: &serde_json::Value) -> Result<Vec<Answer>, String> {
        let kind = crate::detect::json_kind;
        let items = v
            .as_array()
            .ok_or_else(|| format!("not an array ({})", kind(v)))?;
        let mut answers = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let at = format!("[{i}]");
            let map = item
                .as_object()
                .ok_or_else(|| format!("{at}: not an object ({})", kind(item)))?;
            let response = map
                .get("response")
                .ok_or_else(|| format!("{at}.response: missing"))?;
            let ms = match map.get("ms") {
                None => 0,
                Some(m) => m
                    .as_u64()
                    .and_then(|n| u32::try_from(n).ok())
                    .ok_or_else(|| {
                        format!("{at}.ms: not a number of milliseconds ({})", kind(m))
                    })?,
            };
            let answers_without_access = match map.get("answersWithoutAccess") {
                None => false,
                Some(b) => b.as_bool().ok_or_else(|| {
                    format!("{at}.answersWithoutAccess: not a boolean ({})", kind(b))
                })?,
            };
            answers.push(Answer {
                response: ProbeResponse::read(response, &format!("{at}.response"))?,
                ms,
                answers_without_access,
            });
        }
        Ok(answers)
    }
}

/// What proves a hub of this kind can launch: the path below its URL, and how it reads.
fn check_path(kind: TargetKind) -> &'static str {
    match kind {
        TargetKind::BinderHub => "health",
        TargetKind::JupyterHub => "hub/api/",
        TargetKind::JupyterServer => "git-pull",
    }
}

/// The request that checks `hub`, or `None` for a hub nothing launches on (an API-only
/// BinderHub service, an unknown kind).
pub fn probe(hub: &Hub) -> Option<Probe> {
    let kind = crate::hubs::target_kind(hub.kind)?;
    Some(Probe {
        id: hub.url.clone(),
        url: format!("{}{}", hub.url, check_path(kind)),
    })
}

/// The check of `hubs` (those that can launch), all at once.
pub fn plan(hubs: &[Hub]) -> Plan {
    Plan {
        probes: hubs.iter().filter_map(probe).collect(),
        timeout_ms: TIMEOUT_MS,
        max_body: MAX_BODY,
    }
}

/// Why a hub is due for a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Why {
    /// The browser started: every hub.
    Startup,
    /// The popup or the options page opened: hubs not checked in the last [`FRESH_MS`].
    Opened,
    /// A page with launch links asked for them, or the alarm rang while such pages are open:
    /// hubs not checked for [`CHECK_EVERY_MINUTES`] (less a few seconds, so an alarm that
    /// rings a little early still checks).
    Pages,
}

/// The hubs to check now (URLs, in the order given), for `why`, at `now` (milliseconds since
/// the epoch). A hub nothing launches on is never checked; one checked "in the future" (the
/// clock went back) is checked again.
pub fn due(hubs: &[Hub], health: &HealthMap, now: u64, why: Why) -> Vec<String> {
    let max_age = match why {
        Why::Startup => 0,
        Why::Opened => FRESH_MS,
        Why::Pages => u64::from(CHECK_EVERY_MINUTES) * 60_000 - 5_000,
    };
    hubs.iter()
        .filter(|h| probe(h).is_some())
        .filter(|h| match health.get(&h.url) {
            None => true,
            Some(last) => {
                why == Why::Startup || last.checked_at > now || now - last.checked_at >= max_age
            }
        })
        .map(|h| h.url.clone())
        .collect()
}

/// Reads the answers of a check made at `now` (one per probe of its [`plan`]): each checked
/// hub's new [`Health`], merged over `previous` (hubs not in this check keep their last one;
/// hubs no longer saved are dropped, and so are answers about hubs that are not saved).
pub fn read(previous: &HealthMap, hubs: &[Hub], answers: &[Answer], now: u64) -> HealthMap {
    // Inserted one by one: `collect` into a map sorts, a copy of the standard sort (src/small.rs).
    let mut out = HealthMap::new();
    for (url, h) in previous {
        if hubs.iter().any(|hub| &hub.url == url) {
            out.insert(url.clone(), h.clone());
        }
    }
    for a in answers {
        let Some(hub) = hubs.iter().find(|h| h.url == a.response.id) else {
            continue;
        };
        let Some(kind) = crate::hubs::target_kind(hub.kind) else {
            continue;
        };
        out.insert(hub.url.clone(), judge(kind, check_path(kind), a, now));
    }
    out
}

/// One hub's health from its answer.
fn judge(kind: TargetKind, path: &str, a: &Answer, now: u64) -> Health {
    let r = &a.response;
    let mut h = Health {
        state: State::Down,
        checked_at: now,
        ms: a.ms,
        reason: None,
        error_kind: r.error_kind,
        status: (r.status != 0).then_some(r.status),
    };
    if r.status == 0 || r.error_kind.is_some() {
        if r.error_kind == Some(ProbeErrorKind::Network) && a.answers_without_access {
            h.state = State::Unchecked;
            h.reason = Some(
                "it answers, but this extension may not read its answers: allow access to it to check it"
                    .into(),
            );
        } else {
            h.reason = Some(failure(r, TIMEOUT_MS));
        }
        return h;
    }
    match reads_as_up(kind, r) {
        Ok(()) if a.ms > SLOW_MS => {
            h.state = State::Slow;
            h.reason = Some(format!("answered in {}", seconds(a.ms)));
        }
        Ok(()) => h.state = State::Up,
        Err(why) => h.reason = Some(format!("HTTP {} on {path}: {why}", r.status)),
    }
    h
}

/// The fields of a check's JSON answer that matter.
struct Body {
    /// JupyterHub: a `version` that is not `null` (its value does not matter).
    has_version: bool,
    /// BinderHub's `health`.
    ok: Option<bool>,
    /// BinderHub's `health`: each check with its service name.
    checks: Vec<Check>,
}

/// One of BinderHub's health checks.
struct Check {
    service: String,
    ok: Option<bool>,
}

impl Body {
    /// The answer's body, read by the small readers of src/settings/read.rs as serde's derived
    /// reader read it (an object, or an array of its fields; `checks`, a check's `service` and
    /// `ok` may be missing; other members ignored); `None` when it is not such JSON.
    fn read(text: &str) -> Option<Body> {
        use crate::settings::read::{self, Fields};
        let opt_bool = |v: &serde_json::Value, at: &str| match v {
            serde_json::Value::Null => Ok(None),
            other => read::bool_at(other, at).map(Some),
        };
        let check = |v: &serde_json::Value, at: &str| {
            let f = Fields::open(v, at, "Check", &["service", "ok"], 0, false)?;
            Ok(Check {
                service: f.or("service", read::string_at, String::new())?,
                ok: f.or("ok", opt_bool, None)?,
            })
        };
        let v = read::parse(text).ok()?;
        let f = Fields::open(&v, "", "Body", &["version", "ok", "checks"], 2, false).ok()?;
        Some(Body {
            has_version: f.or("version", |v, _| Ok(!v.is_null()), false).ok()?,
            ok: f.or("ok", opt_bool, None).ok()?,
            checks: f
                .or("checks", |v, at| read::seq_at(v, at, check), Vec::new())
                .ok()?,
        })
    }
}

/// `Ok` when the answer shows a hub of `kind` that can launch; else what it shows instead.
fn reads_as_up(kind: TargetKind, r: &ProbeResponse) -> Result<(), String> {
    if kind == TargetKind::JupyterServer {
        return jupyter_server_can_launch(r);
    }
    let body = r.body.as_deref().and_then(Body::read);
    match (kind, &body) {
        (TargetKind::BinderHub, Some(b)) if b.ok.is_some() => {
            let failed: Vec<String> = b
                .checks
                .iter()
                .filter(|c| c.ok == Some(false))
                .map(|c| format!("{} not ok", text(&c.service)))
                .collect();
            // fetch follows redirects: only a success is a success (found by fuzzing: a 1xx).
            if b.ok == Some(true) && (200..300).contains(&r.status) {
                Ok(())
            } else if failed.is_empty() {
                Err("the BinderHub says it is not ok".into())
            } else {
                Err(failed.join(", "))
            }
        }
        (TargetKind::JupyterHub, Some(b)) if b.has_version && r.status == 200 => Ok(()),
        _ if r.status >= 500 => Err(SERVER_PROBLEM.into()),
        _ => Err(format!(
            "not the answer of a {}",
            crate::hubs::kind_name(kind)
        )),
    }
}

/// What a 5xx answer says.
const SERVER_PROBLEM: &str = "the server has a problem";

/// `Ok` when a Jupyter Server's answer to `git-pull` (`r.id` is the server's URL) shows that
/// nbgitpuller would take a launch (docs/protocols.md §1):
///
/// - the login page a logged-out request is sent to (fetch follows the redirect), below the
///   server's URL; or a page in the server's own name: every page jupyter_server serves says
///   `report-uri <base_url>api/security/csp-report` in its CSP header (a proxy may drop the
///   header: the redirect alone is enough);
/// - nbgitpuller's 400 for the missing `repo`, on a server without authentication.
///
/// A 404 of `git-pull` itself in the server's name is a server without nbgitpuller. A 2xx of
/// another kind (a port now held by another program, a parked page, a captive portal) or a
/// 404 without that name (a proxy whose server has stopped) is not the answer of a Jupyter
/// Server: down either way, as it would be for `api`. A server that asks for a login before
/// every page sends a missing `git-pull` to its login page too, and reads as up.
fn jupyter_server_can_launch(r: &ProbeResponse) -> Result<(), String> {
    use crate::detect::{at_git_pull, pull_missing, served_by_jupyter_server};
    let below_server = r.redirected && r.url.starts_with(r.id.as_str());
    match r.status {
        200..=299 if below_server || served_by_jupyter_server(r) => Ok(()),
        400 if at_git_pull(r) => Ok(()),
        _ if pull_missing(r) => Err(crate::detect::NBGITPULLER_MISSING.into()),
        500.. => Err(SERVER_PROBLEM.into()),
        _ => Err("not the answer of a Jupyter Server with nbgitpuller".into()),
    }
}

/// Why a request got no answer, short (the hub is named beside it).
fn failure(r: &ProbeResponse, timeout_ms: u32) -> String {
    let deadline = seconds(timeout_ms);
    let detail = r.error.as_deref().map(text).unwrap_or_default();
    match r.error_kind {
        Some(ProbeErrorKind::Dns) => "host name not found".into(),
        Some(ProbeErrorKind::Refused) => "connection refused".into(),
        Some(ProbeErrorKind::Unreachable) => "no route to the host".into(),
        Some(ProbeErrorKind::ConnectTimeout) => format!("no connection within {deadline}"),
        // A browser cannot tell a host that never accepted from one that never answered.
        Some(ProbeErrorKind::Timeout | ProbeErrorKind::NoAnswer) => {
            format!("no answer within {deadline}")
        }
        Some(ProbeErrorKind::Incomplete) => {
            format!("the answer was still arriving after {deadline}")
        }
        Some(ProbeErrorKind::Closed) => "closed the connection without an answer".into(),
        Some(ProbeErrorKind::Tls) => format!("no secure connection: {detail}"),
        Some(ProbeErrorKind::Redirects) => "redirects that never end".into(),
        Some(ProbeErrorKind::BadResponse) => "answered, but not in HTTP".into(),
        Some(ProbeErrorKind::Network) => {
            "no answer (the host is down, refuses connections, or its certificate is not trusted)"
                .into()
        }
        Some(ProbeErrorKind::Other) | None if detail.is_empty() => "the request failed".into(),
        Some(ProbeErrorKind::Other) | None => format!("the request failed: {detail}"),
    }
}

/// What a hub says, cut to 120 characters and without control characters (it is shown).
fn text(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .take(120)
        .collect::<String>()
}

/// `4 s`, `2.3 s`: a duration in messages (health's and detection's), to a tenth of a second
/// as `format!("{:.1}", f64::from(ms) / 1000.0)` rounds it, written with integers: formatting
/// an `f64` would bring std's float formatting (about 20 KB before wasm-opt) into the cold
/// module for this alone (docs/benchmarks.md, "size (fourth round)"). A test holds the two
/// equal.
pub(crate) fn seconds(ms: u32) -> String {
    if ms % 1000 == 0 {
        return format!("{} s", ms / 1000);
    }
    let tenths = tenths_of(ms);
    format!("{}.{} s", tenths / 10, tenths % 10)
}

/// `ms / 100` rounded to the nearest: the tenths of a second `{:.1}` writes for the `f64`
/// nearest `ms / 1000`. Off a decimal tie that is the nearest integer. On one (`ms` ending in
/// 50: `(2t + 1) / 20` seconds) it is the side the `f64` falls on: the quotient scaled to 53
/// bits and rounded to the nearest (ties to even), as the division rounds it, then compared
/// with the exact value; when it is exact (`0.75`, `2t + 1` a multiple of 5), the even tenth.
fn tenths_of(ms: u32) -> u64 {
    let (t, r) = (u64::from(ms / 100), ms % 100);
    if r != 50 {
        return t + u64::from(r > 50);
    }
    let (num, den) = (u128::from(2 * t + 1), 20u128);
    let mut shift = 0;
    while (num << shift) / den < 1 << 52 {
        shift += 1;
    }
    let scaled = num << shift;
    let (mut m, rem) = (scaled / den, scaled % den);
    if rem * 2 > den || (rem * 2 == den && m % 2 == 1) {
        m += 1;
    }
    match (m * den).cmp(&scaled) {
        std::cmp::Ordering::Greater => t + 1,
        std::cmp::Ordering::Less => t,
        // Exact (`0.75`): a true tie, which the formatting rounds to even.
        std::cmp::Ordering::Equal => t + t % 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_are_written_as_float_formatting_rounds_them() {
        let float = |ms: u32| {
            if ms % 1000 == 0 {
                format!("{} s", ms / 1000)
            } else {
                format!("{:.1} s", f64::from(ms) / 1000.0)
            }
        };
        // Every millisecond up to an hour, then a spread of larger ones and the ends.
        let larger = (0..200_000u64).map(|i| (i * 21_473 + 3_600_050) as u32);
        for ms in (0..=3_600_000)
            .chain(larger)
            .chain([u32::MAX, u32::MAX - 50])
        {
            assert_eq!(seconds(ms), float(ms), "{ms}");
        }
        // Both sides of the decimal ties occur.
        assert_eq!(seconds(1_250), "1.2 s");
        assert_eq!(seconds(1_350), "1.4 s");
    }
    use crate::HubKind;
    use serde_json::json;

    fn hub(url: &str, kind: HubKind) -> Hub {
        Hub {
            url: url.into(),
            name: url.into(),
            kind,
            version: None,
            cors: None,
        }
    }

    fn hubs() -> Vec<Hub> {
        vec![
            hub("https://binder.example.edu/", HubKind::BinderHub),
            hub("https://hub.example.edu/", HubKind::JupyterHub),
            hub("http://localhost:8888/", HubKind::JupyterServer),
            hub(
                "https://hub.example.edu/services/binder/",
                HubKind::BinderHubService,
            ),
            hub("https://old.example.edu/", HubKind::Unknown),
        ]
    }

    #[test]
    fn each_kind_is_checked_with_the_request_that_proves_it_can_launch() {
        let p = plan(&hubs());
        let urls: Vec<(&str, &str)> = p
            .probes
            .iter()
            .map(|p| (p.id.as_str(), p.url.as_str()))
            .collect();
        assert_eq!(
            urls,
            [
                (
                    "https://binder.example.edu/",
                    "https://binder.example.edu/health"
                ),
                (
                    "https://hub.example.edu/",
                    "https://hub.example.edu/hub/api/"
                ),
                ("http://localhost:8888/", "http://localhost:8888/git-pull"),
            ]
        );
        assert_eq!((p.timeout_ms, p.max_body), (4000, 16384));
        // A BinderHub under a path is checked under it.
        assert_eq!(
            probe(&hub("https://h.org/services/binder/", HubKind::BinderHub))
                .unwrap()
                .url,
            "https://h.org/services/binder/health"
        );
    }

    /// An answer as the runner sends it.
    fn answer(id: &str, status: u16, body: &str, ms: u32) -> Answer {
        let mut read = Answer::read_all(
            &json!([{"response": {"id": id, "status": status, "url": id, "redirected": false,
            "headers": {"content-type": "application/json"}, "body": body, "error": null,
            "errorKind": null, "corsChecked": false}, "ms": ms}]),
        )
        .unwrap();
        read.remove(0)
    }

    /// An answer to http://localhost:8888/git-pull that ended at `to` (below the server, or a
    /// URL of its own; redirected unless it is `git-pull`), in jupyter_server's name (its CSP
    /// header) when `own`.
    fn lab(status: u16, to: &str, own: bool, ms: u32) -> Answer {
        let id = "http://localhost:8888/";
        let url = if to.contains("://") {
            to.to_string()
        } else {
            format!("{id}{to}")
        };
        let csp = "frame-ancestors 'self'; report-uri /api/security/csp-report";
        let headers = if own {
            json!({"content-type": "text/html", "content-security-policy": csp})
        } else {
            json!({"content-type": "text/html"})
        };
        let mut read = Answer::read_all(
            &json!([{"response": {"id": id, "status": status, "url": url, "redirected": to != "git-pull",
            "headers": headers, "body": "<html>", "error": null,
            "errorKind": null, "corsChecked": false}, "ms": ms}]),
        )
        .unwrap();
        read.remove(0)
    }

    fn failed(id: &str, kind: &str, error: &str) -> Answer {
        let mut read = Answer::read_all(&json!([{"response": {"id": id, "status": 0, "url": id, "redirected": false,
            "headers": {}, "body": "", "error": error, "errorKind": kind, "corsChecked": false}, "ms": 3}]))
        .unwrap();
        read.remove(0)
    }

    /// The state and reason a single answer gives a hub of `kind`.
    fn judged(kind: HubKind, a: Answer) -> (State, Option<String>) {
        let h = hub(&a.response.id, kind);
        let got = read(&HealthMap::new(), std::slice::from_ref(&h), &[a], 1_000);
        let health = got.get(&h.url).unwrap();
        assert_eq!(health.checked_at, 1_000);
        (health.state, health.reason.clone())
    }

    #[test]
    fn answers_read_as_up_slow_or_down_with_the_reason() {
        let b = "https://binder.example.edu/";
        let j = "https://hub.example.edu/";
        let up = |(state, reason): (State, Option<String>)| (state, reason.unwrap_or_default());
        let cases: Vec<(HubKind, Answer, State, &str)> = vec![
            // BinderHub's health, as binderhub/health.py answers it.
            (HubKind::BinderHub, answer(b, 200, r#"{"ok": true, "checks": [{"service": "JupyterHub API", "ok": true}]}"#, 40), State::Up, ""),
            (HubKind::BinderHub, answer(b, 503, r#"{"ok": false, "checks": [{"service": "Docker registry", "ok": true}, {"service": "JupyterHub API", "ok": false}]}"#, 40),
             State::Down, "HTTP 503 on health: JupyterHub API not ok"),
            (HubKind::BinderHub, answer(b, 200, r#"{"ok": true}"#, 2300), State::Slow, "answered in 2.3 s"),
            (HubKind::BinderHub, answer(b, 404, "<html>404</html>", 10), State::Down, "HTTP 404 on health: not the answer of a BinderHub"),
            (HubKind::BinderHub, answer(b, 502, "Bad Gateway", 10), State::Down, "HTTP 502 on health: the server has a problem"),
            // JupyterHub's hub/api/ and Jupyter Server's api.
            (HubKind::JupyterHub, answer(j, 200, r#"{"version": "5.2.1"}"#, 12), State::Up, ""),
            (HubKind::JupyterHub, answer(j, 503, r#"{"status": 503, "message": "proxy error"}"#, 12), State::Down, "HTTP 503 on hub/api/: the server has a problem"),
            (HubKind::JupyterHub, answer(j, 200, "<html>login</html>", 12), State::Down, "HTTP 200 on hub/api/: not the answer of a JupyterHub"),
            // Jupyter Server's git-pull, as jupyter_server 2.21.1 answers it: with nbgitpuller,
            // its login page (a redirect) or, without authentication, 400 (no `repo`).
            (HubKind::JupyterServer, lab(200, "login?next=%2Fgit-pull", true, 4), State::Up, ""),
            (HubKind::JupyterServer, lab(200, "login?next=%2Fgit-pull", false, 4), State::Up, ""),
            (HubKind::JupyterServer, lab(400, "git-pull", true, 4), State::Up, ""),
            (HubKind::JupyterServer, lab(200, "login?next=%2Fgit-pull", true, 1600), State::Slow, "answered in 1.6 s"),
            // Without nbgitpuller: its own 404 at git-pull.
            (HubKind::JupyterServer, lab(404, "git-pull", true, 4), State::Down, "HTTP 404 on git-pull: nbgitpuller is not installed or not enabled"),
            // Not a Jupyter Server's answer: a 404 without its name (a proxy whose server is
            // gone), another program's 200, a redirect to another origin, a 404 elsewhere.
            (HubKind::JupyterServer, lab(404, "git-pull", false, 4), State::Down, "HTTP 404 on git-pull: not the answer of a Jupyter Server with nbgitpuller"),
            (HubKind::JupyterServer, lab(200, "git-pull", false, 4), State::Down, "HTTP 200 on git-pull: not the answer of a Jupyter Server with nbgitpuller"),
            (HubKind::JupyterServer, lab(200, "https://portal.example.net/login", false, 4), State::Down, "HTTP 200 on git-pull: not the answer of a Jupyter Server with nbgitpuller"),
            (HubKind::JupyterServer, lab(404, "login", true, 4), State::Down, "HTTP 404 on git-pull: not the answer of a Jupyter Server with nbgitpuller"),
            (HubKind::JupyterServer, lab(403, "git-pull", true, 4), State::Down, "HTTP 403 on git-pull: not the answer of a Jupyter Server with nbgitpuller"),
            (HubKind::JupyterServer, lab(502, "git-pull", false, 4), State::Down, "HTTP 502 on git-pull: the server has a problem"),
            // No answer: why, from the runner's error kind.
            (HubKind::JupyterHub, failed(j, "refused", "connection refused (net::ERR_CONNECTION_REFUSED)"), State::Down, "connection refused"),
            (HubKind::JupyterHub, failed(j, "timeout", "no answer within 4000 ms"), State::Down, "no answer within 4 s"),
            (HubKind::JupyterHub, failed(j, "no-answer", "no answer within 4000 ms"), State::Down, "no answer within 4 s"),
            (HubKind::JupyterHub, failed(j, "dns", "host name not found"), State::Down, "host name not found"),
            (HubKind::JupyterHub, failed(j, "tls", "its HTTPS certificate is not trusted by this browser (net::ERR_CERT_AUTHORITY_INVALID)"),
             State::Down, "no secure connection: its HTTPS certificate is not trusted by this browser (net::ERR_CERT_AUTHORITY_INVALID)"),
            (HubKind::JupyterHub, failed(j, "bogus", "?"), State::Down, "the request failed: ?"),
        ];
        for (kind, a, state, reason) in cases {
            let what = format!("{kind:?} {:?}", a.response.body);
            assert_eq!(up(judged(kind, a)), (state, reason.to_string()), "{what}");
        }
        // A hub that answered a request the extension may not read is not called down.
        let mut no_access = failed(j, "network", "no answer");
        no_access.answers_without_access = true;
        let (state, reason) = judged(HubKind::JupyterHub, no_access);
        assert_eq!(state, State::Unchecked);
        assert!(reason.unwrap().contains("allow access"));
        assert!(State::Unchecked.usable() && State::Slow.usable() && !State::Down.usable());
    }

    #[test]
    fn a_check_keeps_the_other_hubs_last_state_and_forgets_removed_hubs() {
        let all = hubs();
        let first = read(
            &HealthMap::new(),
            &all,
            &[
                answer("https://binder.example.edu/", 200, r#"{"ok": true}"#, 5),
                failed("https://hub.example.edu/", "refused", "connection refused"),
                failed(
                    "http://localhost:8888/",
                    "timeout",
                    "no answer within 4000 ms",
                ),
                // Not a saved hub, and a kind nothing launches on: not kept.
                answer("https://stranger.example.edu/", 200, r#"{"ok": true}"#, 5),
                answer("https://old.example.edu/", 200, r#"{"ok": true}"#, 5),
            ],
            100,
        );
        let states: Vec<(&str, State)> = first.iter().map(|(u, h)| (u.as_str(), h.state)).collect();
        assert_eq!(
            states,
            [
                ("http://localhost:8888/", State::Down),
                ("https://binder.example.edu/", State::Up),
                ("https://hub.example.edu/", State::Down),
            ]
        );
        assert_eq!(
            first
                .get("http://localhost:8888/")
                .unwrap()
                .reason
                .as_deref(),
            Some("no answer within 4 s")
        );
        // Checking one hub later keeps the others; a hub removed from the settings is forgotten.
        let fewer: Vec<Hub> = all[1..].to_vec();
        let second = read(
            &first,
            &fewer,
            &[answer(
                "https://hub.example.edu/",
                200,
                r#"{"version": "5"}"#,
                5,
            )],
            200,
        );
        let states: Vec<(&str, State, u64)> = second
            .iter()
            .map(|(u, h)| (u.as_str(), h.state, h.checked_at))
            .collect();
        assert_eq!(
            states,
            [
                ("http://localhost:8888/", State::Down, 100),
                ("https://hub.example.edu/", State::Up, 200),
            ]
        );
        // As JSON, as the extension stores it.
        assert_eq!(
            serde_json::to_value(second.get("https://hub.example.edu/").unwrap()).unwrap(),
            json!({"state": "up", "checkedAt": 200, "ms": 5, "reason": null, "errorKind": null, "status": 200})
        );
    }

    #[test]
    fn hubs_are_due_when_the_browser_starts_a_page_opens_or_a_check_is_old() {
        let all = hubs();
        let mut health = HealthMap::new();
        let at = |t: u64| Health {
            state: State::Up,
            checked_at: t,
            ms: 1,
            reason: None,
            error_kind: None,
            status: Some(200),
        };
        health.insert("https://binder.example.edu/".into(), at(1_000_000));
        health.insert("https://hub.example.edu/".into(), at(1_000_000 - 9_000));
        let now = 1_000_000 + 2_000;
        // Never checked: always due; the kinds nothing launches on: never.
        assert_eq!(
            due(&all, &health, now, Why::Opened),
            ["https://hub.example.edu/", "http://localhost:8888/"]
        );
        assert_eq!(due(&all, &health, now, Why::Startup).len(), 3);
        assert_eq!(
            due(&all, &health, now, Why::Pages),
            ["http://localhost:8888/"]
        );
        // A few minutes later every hub is due for pages; a clock set back checks again.
        let later = 1_000_000 + u64::from(CHECK_EVERY_MINUTES) * 60_000;
        assert_eq!(due(&all, &health, later, Why::Pages).len(), 3);
        assert_eq!(due(&all, &health, 5, Why::Opened).len(), 3);
    }
}
