//! JupyterHub: `hub/api/` answers exactly `{"version": "<version>"}`, unauthenticated
//! (`jupyterhub/jupyterhub:jupyterhub/apihandlers/hub.py`, `RootAPIHandler`), and every
//! response carries `X-JupyterHub-Version`. Since 5.3.0 `hub/api/` also sends
//! `Access-Control-Allow-Origin: *`, which lets books' own launch buttons detect the hub.
//!
//! Traps: `<root>/api` redirects to `hub/api` (a Jupyter Server look-alike), `versions`
//! redirects to `hub/versions` (404), and a BinderHub answers `hub/api/` with 200 HTML.

use super::read::lenient_version;
#[cfg(test)]
use super::{Answer, Example};
use super::{Answers, Classifier, Finding, HubKind};

/// A JupyterHub at the candidate base.
pub(super) const HUB: Classifier = Classifier {
    name: "jupyterhub",
    classify,
    #[cfg(test)]
    examples: EXAMPLES,
};

fn classify(answers: &Answers<'_>) -> Option<Finding> {
    let api = answers.get("hub-api");
    let from_json = answers.json("hub-api").and_then(|b| b.version());
    // `api` redirected to `hub/api` with the hub's JSON: also a JupyterHub.
    let from_redirect = answers
        .get("api")
        .filter(|r| r.url.contains("/hub/api"))
        .and_then(super::read::json_fields)
        .and_then(|b| b.version());
    let version = from_json
        .or(from_redirect)
        .or_else(|| answers.jupyterhub_header())?;
    let cors = api
        .filter(|r| r.status == 200)
        .map(|r| r.cors_checked || r.headers.contains_key("access-control-allow-origin"));
    let mut notes = Vec::new();
    if cors == Some(false) && lenient_version(&version).is_some_and(|v| v.at_least(5, 3, 0)) {
        notes.push(
            "JupyterHub 5.3 and later send CORS on /hub/api/ unless the admin set that header"
                .into(),
        );
    }
    notes.push("launches use nbgitpuller: the hub's image must have it installed".into());
    Some(Finding {
        kind: HubKind::JupyterHub,
        version: Some(version),
        cors,
        launch_problem: None,
        notes,
    })
}

/// The sentence about a JupyterHub: its version and what its CORS status means.
pub(super) fn describe(version: &str, cors: Option<bool>) -> String {
    match cors {
        Some(true) => format!(
            "JupyterHub {version} — CORS on /hub/api/: books' own launch buttons can detect it too"
        ),
        Some(false) => format!(
            "JupyterHub {version} — no CORS on /hub/api/: books' own launch buttons cannot detect it; this extension can"
        ),
        None => format!("JupyterHub {version}"),
    }
}

#[cfg(test)]
const HUB6: &[(&str, &str)] = &[("x-jupyterhub-version", "6.1.1")];
#[cfg(test)]
const HUB6_API: &[(&str, &str)] = &[
    ("x-jupyterhub-version", "6.1.1"),
    ("content-type", "application/json"),
    ("access-control-allow-origin", "*"),
];
#[cfg(test)]
const HUB52: &[(&str, &str)] = &[("x-jupyterhub-version", "5.2.1")];
#[cfg(test)]
const HUB52_API: &[(&str, &str)] = &[
    ("x-jupyterhub-version", "5.2.1"),
    ("content-type", "application/json"),
];

#[cfg(test)]
const EXAMPLES: &[Example] = &[
    Example {
        what: "JupyterHub 6.1.1 (CORS on hub/api/), as tests/servers' hub6 answers",
        kind: HubKind::JupyterHub,
        version: Some("6.1.1"),
        launch_problem: false,
        answers: &[
            Answer::redirected("versions", 404, "hub/versions", "").with_headers(HUB6),
            Answer::json("hub-api", r#"{"version": "6.1.1"}"#).with_headers(HUB6_API),
            Answer::redirected("api", 200, "hub/api", r#"{"version": "6.1.1"}"#).with_headers(HUB6),
            Answer::redirected("root", 200, "hub/login", "<html>login</html>").with_headers(HUB6),
            Answer::redirected("service-versions", 404, "hub/services/binder/versions", "")
                .with_headers(HUB6),
            Answer::redirected("service-root", 404, "hub/services/binder/", "").with_headers(HUB6),
        ],
    },
    Example {
        what: "JupyterHub 5.2.1 (no CORS header), as tests/servers' hub52 answers",
        kind: HubKind::JupyterHub,
        version: Some("5.2.1"),
        launch_problem: false,
        answers: &[
            Answer::redirected("versions", 404, "hub/versions", "").with_headers(HUB52),
            Answer::json("hub-api", r#"{"version": "5.2.1"}"#).with_headers(HUB52_API),
            Answer::redirected("api", 200, "hub/api", r#"{"version": "5.2.1"}"#)
                .with_headers(HUB52),
        ],
    },
    Example {
        what: "a JupyterHub whose hub/api/ failed: the header on another answer still says it",
        kind: HubKind::JupyterHub,
        version: Some("4.1.6"),
        launch_problem: false,
        answers: &[
            Answer::html("hub-api", 502, "<html>Bad Gateway</html>"),
            Answer::redirected("root", 200, "hub/login", "<html>login</html>")
                .with_headers(&[("x-jupyterhub-version", "4.1.6")]),
        ],
    },
];
