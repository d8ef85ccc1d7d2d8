//! JupyterHub: `hub/api/` answers exactly `{"version": "<version>"}`, unauthenticated, and every
//! response carries `X-JupyterHub-Version`. Since 5.3.0 `hub/api/` also sends
//! `Access-Control-Allow-Origin: *`, which lets books' own launch buttons detect the hub.
//!
//! Traps: `<root>/api` redirects to `hub/api` (a Jupyter Server look-alike), `versions`
//! redirects to `hub/versions` (404), and a BinderHub answers `hub/api/` with 200 HTML.

use super::{json_body, lenient_version, Answers, Finding, HubKind};

/// A JupyterHub at this base.
pub(super) fn classify(answers: &Answers<'_>) -> Option<Finding> {
    let api = answers.get("hub-api");
    let from_json = api.and_then(json_body).and_then(|b| b.version?.0);
    // `api` redirected to `hub/api` with the hub's JSON: also a JupyterHub.
    let from_redirect = answers
        .get("api")
        .filter(|r| r.url.contains("/hub/api"))
        .and_then(|r| {
            let mut unredirected = r.clone();
            unredirected.redirected = false;
            json_body(&unredirected)?.version?.0
        });
    let version = from_json
        .or(from_redirect)
        .or_else(|| answers.jupyterhub_header().map(str::to_string))?;
    let cors = api
        .filter(|r| r.status == 200)
        .map(|r| r.cors_checked || r.headers.contains_key("access-control-allow-origin"));
    let mut notes = Vec::new();
    let message = match cors {
        Some(true) => format!(
            "JupyterHub {version} — CORS on /hub/api/: books' own launch buttons can detect it too"
        ),
        Some(false) => {
            if lenient_version(&version).is_some_and(|v| v >= semver::Version::new(5, 3, 0)) {
                notes.push("JupyterHub 5.3 and later send CORS on /hub/api/ unless the admin set that header".into());
            }
            format!(
                "JupyterHub {version} — no CORS on /hub/api/: books' own launch buttons cannot detect it; this extension can"
            )
        }
        None => format!("JupyterHub {version}"),
    };
    notes.push("launches use nbgitpuller: the hub's image must have it installed".into());
    Some(Finding {
        kind: HubKind::JupyterHub,
        version: Some(version),
        cors,
        message,
        notes,
    })
}
