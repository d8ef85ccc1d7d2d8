//! BinderHub: `versions` answers JSON with the key `binderhub` (public even on authenticated
//! BinderHubs; `jupyterhub/binderhub:binderhub/base.py`, `VersionHandler`). A full BinderHub
//! also serves its UI (`binderhub/main.py`, `UIHandler`: every other path, `hub/api/` included,
//! is a 200 HTML page with `window.pageConfig`); in API-only mode (`enable_api_only_mode`, the
//! binderhub-service chart) it registers no UI and answers 404 there.
//!
//! A BinderHub runs standalone at a base (`https://binder.example.edu/`, `…/binder/`) or as a
//! JupyterHub service (`<hub>/services/binder/`): [`AT_BASE`] reads the first from the base's
//! own probes, [`AS_SERVICE`] the second from the `service-*` probes.

#[cfg(test)]
use super::{Answer, Example};
use super::{Answers, Classifier, Finding, HubKind};

/// A BinderHub at the candidate base itself.
pub(super) const AT_BASE: Classifier = Classifier {
    name: "binderhub",
    classify: at_base,
    #[cfg(test)]
    examples: BASE_EXAMPLES,
};

/// A BinderHub as a JupyterHub service under the candidate base.
pub(super) const AS_SERVICE: Classifier = Classifier {
    name: "binderhub as a service",
    classify: as_service,
    #[cfg(test)]
    examples: SERVICE_EXAMPLES,
};

fn at_base(answers: &Answers<'_>) -> Option<Finding> {
    read(answers, "versions", &["root", "hub-api"])
}

fn as_service(answers: &Answers<'_>) -> Option<Finding> {
    read(answers, "service-versions", &["service-root"])
}

/// A BinderHub whose `versions` is probe `versions`, full when any of `ui` reaches its UI.
fn read(answers: &Answers<'_>, versions: &str, ui: &[&str]) -> Option<Finding> {
    let version = answers.json(versions)?.binderhub()?;
    let full = ui.iter().any(|probe| answers.binderhub_ui(probe));
    Some(Finding {
        kind: if full {
            HubKind::BinderHub
        } else {
            HubKind::BinderHubService
        },
        version: Some(version),
        cors: None,
        launch_problem: None,
        notes: Vec::new(),
    })
}

/// The current `versions` shape (2024–), as mybinder.org and the upstream tests answer.
#[cfg(test)]
const VERSIONS: &str = r#"{"builder_info": {"build_image": "quay.io/jupyterhub/repo2docker:2024.07.0"}, "binderhub": "0.2.0+1763.gfaafab2", "builder": "quay.io/jupyterhub/repo2docker:2024.07.0"}"#;
/// The start of a UI page (`binderhub/templates/page.html`).
#[cfg(test)]
const PAGE: &str = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <meta charset=\"utf-8\">\n  <title>Binder</title>\n  <script>\n    window.pageConfig = {\"baseUrl\": \"/\", \"binderVersion\": \"0.2.0+1763.gfaafab2\"};\n  </script>";
#[cfg(test)]
const NOT_FOUND: &str = "<html><title>404: Not Found</title><body>404: Not Found</body></html>";

#[cfg(test)]
const BASE_EXAMPLES: &[Example] = &[
    Example {
        what: "a full BinderHub at / (current UI: pageConfig on every page, hub/api/ included)",
        kind: HubKind::BinderHub,
        version: Some("0.2.0+1763.gfaafab2"),
        launch_problem: false,
        answers: &[
            Answer::json("versions", VERSIONS),
            Answer::html("hub-api", 200, PAGE),
            Answer::html("api", 200, PAGE),
            Answer::html("root", 200, PAGE),
            Answer::html("service-versions", 200, PAGE),
            Answer::html("service-root", 200, PAGE),
        ],
    },
    Example {
        what: "the 2019–2023 BinderHub: the {builder, binderhub} shape, a home page without pageConfig",
        kind: HubKind::BinderHub,
        version: Some("0.2.0+625.g4da4b56"),
        launch_problem: false,
        answers: &[
            Answer::json(
                "versions",
                r#"{"builder": "jupyter/repo2docker:2021.08.0", "binderhub": "0.2.0+625.g4da4b56"}"#,
            ),
            Answer::html("hub-api", 404, NOT_FOUND),
            Answer::html(
                "root",
                200,
                "<!DOCTYPE html>\n<html><head><title>Binder</title></head><body><div id=\"base-url\" data-url=\"/\"></div>",
            ),
        ],
    },
    Example {
        what: "a BinderHub with authentication: anonymous readers are sent to the JupyterHub's login",
        kind: HubKind::BinderHub,
        version: Some("1.0.0-0.dev.git.3673.h040c9bbe"),
        launch_problem: false,
        answers: &[
            Answer::json("versions", r#"{"builder_info": {}, "binderhub": "1.0.0-0.dev.git.3673.h040c9bbe"}"#),
            Answer::redirected("root", 200, "hub/login?next=%2Fhub%2Fapi%2Foauth2%2Fauthorize", "<html>login</html>"),
        ],
    },
    Example {
        what: "BinderHub in API-only mode at its own base: versions, and 404 for every page",
        kind: HubKind::BinderHubService,
        version: Some("0+unknown"),
        launch_problem: false,
        answers: &[
            Answer::json("versions", r#"{"builder_info": {"build_image": "quay.io/jupyterhub/repo2docker:main"}, "binderhub": "0+unknown"}"#),
            Answer::html("hub-api", 404, NOT_FOUND),
            Answer::html("api", 404, NOT_FOUND),
            Answer::html("root", 404, NOT_FOUND),
        ],
    },
];

#[cfg(test)]
const SERVICE_EXAMPLES: &[Example] = &[
    Example {
        what:
            "a full BinderHub as the JupyterHub service `binder`: its home page under the service",
        kind: HubKind::BinderHub,
        version: Some("0.2.0+1763.gfaafab2"),
        launch_problem: false,
        answers: &[
            Answer::json("service-versions", VERSIONS),
            Answer::html("service-root", 200, PAGE),
        ],
    },
    Example {
        what: "the binderhub-service chart (API-only): versions, and 404 under the service",
        kind: HubKind::BinderHubService,
        version: Some("0.2.0+1763.gfaafab2"),
        launch_problem: false,
        answers: &[
            Answer::json("service-versions", VERSIONS),
            Answer::html("service-root", 404, NOT_FOUND),
        ],
    },
];
