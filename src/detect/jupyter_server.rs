//! A single Jupyter Server: `api` answers `{"version": "2.x"}` without a redirect and without
//! the `X-JupyterHub-Version` header (`jupyter-server/jupyter_server:jupyter_server/base/handlers.py`,
//! `APIVersionHandler`). A request with a foreign `Origin` gets 404 unless `allow_origin`
//! admits it; a browser extension sends one only without access to the host, and then the
//! browser's CORS check fails the request before its answer reaches the core
//! (docs/protocols.md §1).

#[cfg(test)]
use super::{Answer, Example};
use super::{Answers, Classifier, Finding, HubKind, ProbeResponse};

/// A Jupyter Server at the candidate base.
pub(super) const SERVER: Classifier = Classifier {
    name: "jupyter server",
    classify,
    #[cfg(test)]
    examples: EXAMPLES,
};

fn classify(answers: &Answers<'_>) -> Option<Finding> {
    if answers.jupyterhub_header().is_some() {
        return None;
    }
    let version = answers.json("api")?.version()?;
    let pull_missing = answers.get("git-pull").is_some_and(pull_missing);
    let note = if pull_missing {
        "launches also need you logged in (token or password)"
    } else {
        "launches use nbgitpuller: the server must have it installed, and you must be logged in (token or password)"
    };
    Some(Finding {
        kind: HubKind::JupyterServer,
        version: Some(version),
        cors: None,
        launch_problem: pull_missing.then(|| {
            format!(
                "{NBGITPULLER_MISSING} (git-pull answers 404), so launches on it fail until it is: pip install nbgitpuller in the server's environment, or jupyter server extension enable nbgitpuller, then restart the server"
            )
        }),
        notes: vec![note.into()],
    })
}

/// What a Jupyter Server whose `git-pull` answers its own 404 lacks; hub health says it too
/// (`crate::health`).
pub(crate) const NBGITPULLER_MISSING: &str = "nbgitpuller is not installed or not enabled";

// A Jupyter Server's answers to `git-pull`, read alike by detection and hub health
// (docs/protocols.md §1, measured on jupyter_server 2.21.1): nbgitpuller sends a logged-out
// request to the login page (on a server without authentication it answers 400: no `repo`);
// without nbgitpuller the server has no such page and answers 404 itself.

/// Whether jupyter_server served this page itself: every page of its own, the login page and
/// its 404 included, names its CSP report handler (`report-uri <base_url>api/security/csp-report`).
/// A proxy in front may drop the header.
pub(crate) fn served_by_jupyter_server(r: &ProbeResponse) -> bool {
    r.headers
        .get("content-security-policy")
        .is_some_and(|c| c.contains("api/security/csp-report"))
}

/// Whether the answer came from the `git-pull` page itself (after any redirect, such as
/// http to https), not from another page a redirect led to.
pub(crate) fn at_git_pull(r: &ProbeResponse) -> bool {
    r.url
        .split(['?', '#'])
        .next()
        .is_some_and(|path| path.ends_with("/git-pull"))
}

/// Whether the answer says nbgitpuller is missing: the server's own 404 at `git-pull`. A
/// server that asks for a login before any page sends a missing one to the login page too, and
/// a 404 without the server's name is another program's: neither says anything either way.
pub(crate) fn pull_missing(r: &ProbeResponse) -> bool {
    r.status == 404 && at_git_pull(r) && served_by_jupyter_server(r)
}

/// The sentence about a Jupyter Server: its version, and why its launches fail when they would.
pub(super) fn describe(version: &str, launch_problem: Option<&str>) -> String {
    match launch_problem {
        Some(problem) => format!("Jupyter Server {version} — {problem}"),
        None => format!("Jupyter Server {version}"),
    }
}

#[cfg(test)]
const EXAMPLES: &[Example] = &[
    Example {
        what: "jupyter lab (jupyter_server 2.17): api answers its version, the rest 404 or the UI",
        kind: HubKind::JupyterServer,
        version: Some("2.17.0"),
        launch_problem: false,
        answers: &[
            Answer::html("versions", 404, ""),
            Answer::redirected("hub-api", 404, "hub/api/", ""),
            Answer::json("api", r#"{"version": "2.17.0"}"#),
            Answer::redirected("root", 200, "lab", "<html>"),
            Answer::html("service-versions", 404, ""),
            Answer::html("service-root", 404, ""),
            Answer::redirected("git-pull", 200, "login?next=%2Fgit-pull", "<html>"),
        ],
    },
    Example {
        what: "jupyter lab 2.21 without nbgitpuller (`--ServerApp.jpserver_extensions=nbgitpuller=False`): git-pull 404",
        kind: HubKind::JupyterServer,
        version: Some("2.21.1"),
        launch_problem: true,
        answers: &[
            Answer::json("api", r#"{"version": "2.21.1"}"#),
            Answer::html("git-pull", 404, "<html>").with_headers(&[(
                "content-security-policy",
                "frame-ancestors 'self'; report-uri /api/security/csp-report",
            )]),
        ],
    },
    Example {
        what: "a Jupyter Server behind a path prefix (`--ServerApp.base_url=/jupyter/`)",
        kind: HubKind::JupyterServer,
        version: Some("2.21.1"),
        launch_problem: false,
        answers: &[Answer::json("api", r#"{"version": "2.21.1"}"#)],
    },
];
