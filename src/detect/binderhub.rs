//! BinderHub: `versions` answers JSON with the key `binderhub` (public even on authenticated
//! BinderHubs). A full BinderHub also serves UI pages (`window.pageConfig`, and a 200 HTML
//! catch-all for `hub/api/`); the API-only binderhub-service serves none.
//!
//! Examples (docs/protocols.md §1): `{"builder_info": {"build_image": "quay.io/jupyterhub/repo2docker:…"},
//! "binderhub": "0.2.0+1763.gfaafab2", "builder": "quay.io/…"}` and the 2019–2023 shape
//! `{"builder": …, "binderhub": …}`.

use super::{json_body, Answers, Finding, HubKind};

fn version_of(answers: &Answers<'_>, probe: &str) -> Option<String> {
    let body = json_body(answers.get(probe)?)?;
    // The key is what marks a BinderHub; an odd value is still one.
    Some(
        body.binderhub?
            .0
            .unwrap_or_else(|| "(unknown version)".into()),
    )
}

/// Whether the base serves BinderHub's UI pages: any HTML home page (`window.pageConfig` since
/// 2024, `id="base-url"` in the 2019–2023 interface), or the 200 HTML catch-all on `hub/api/`.
/// The API-only service answers neither.
fn serves_ui(answers: &Answers<'_>) -> bool {
    let html = |name: &str| {
        answers.get(name).is_some_and(|r| {
            r.status == 200
                && r.body.as_deref().is_some_and(|b| {
                    let b = b.to_ascii_lowercase();
                    b.contains("<html") || b.contains("<!doctype html") || b.contains("pageconfig")
                })
        })
    };
    html("root") || html("hub-api")
}

/// A full BinderHub at this base.
pub(super) fn classify(answers: &Answers<'_>) -> Option<Finding> {
    let version = version_of(answers, "versions")?;
    if !serves_ui(answers) {
        return Some(Finding {
            kind: HubKind::BinderHubService,
            message: format!("BinderHub {version} in API-only mode (no launch pages)"),
            version: Some(version),
            cors: None,
            notes: vec![
                "an API-only BinderHub is not a launch target; use the JupyterHub in front of it"
                    .into(),
            ],
        });
    }
    Some(Finding {
        kind: HubKind::BinderHub,
        message: format!("BinderHub {version}"),
        version: Some(version),
        cors: None,
        notes: Vec::new(),
    })
}

/// A BinderHub service under `services/<name>/` of this base.
pub(super) fn classify_service(answers: &Answers<'_>) -> Option<Finding> {
    let version = version_of(answers, "service")?;
    Some(Finding {
        kind: HubKind::BinderHubService,
        message: format!("BinderHub {version} API-only service"),
        version: Some(version),
        cors: None,
        notes: Vec::new(),
    })
}
