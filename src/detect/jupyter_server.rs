//! A single Jupyter Server: `api` answers `{"version": "2.x"}` without a redirect and without
//! the `X-JupyterHub-Version` header. A request with a foreign `Origin` (a browser extension's)
//! gets 404 unless the server was started with `allow_origin`.

use super::{json_body, Answers, Finding, HubKind};

/// A Jupyter Server at this base.
pub(super) fn classify(answers: &Answers<'_>) -> Option<Finding> {
    if answers.jupyterhub_header().is_some() {
        return None;
    }
    let r = answers.get("api")?;
    if r.url.contains("/hub/api") {
        return None;
    }
    let version = json_body(r)?.version?.0?;
    Some(Finding {
        kind: HubKind::JupyterServer,
        message: format!("Jupyter Server {version}"),
        version: Some(version),
        cors: None,
        notes: vec!["launches use nbgitpuller: the server must have it installed, and you must be logged in (token or password)".into()],
    })
}
