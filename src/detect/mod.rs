//! Hub detection, sans-IO (docs/design.md §4): [`probe_plan`] says which requests to make,
//! the caller makes them all in parallel before one deadline, [`classify`] reads the answers.
//!
//! By concern: `wire` (the JSON types), `plan` (the probes), `read` (reading responses),
//! one file per hub kind with example responses beside its classifier (`binderhub`,
//! `jupyterhub`, `jupyter_server`), `unknown` (what to say when nothing claims the hub), and
//! here the orchestration. What the reader typed is cleaned by `crate::hub_url`.

mod binderhub;
mod jupyter_server;
mod jupyterhub;
mod plan;
mod read;
mod unknown;
mod wire;

/// A Jupyter Server's `git-pull` answers, read by hub health as detection reads them.
pub(crate) use jupyter_server::{
    at_git_pull, pull_missing, served_by_jupyter_server, NBGITPULLER_MISSING,
};
pub use plan::probe_plan;
/// What a JSON value is, for the messages of the readers of wire JSON (`crate::health`).
pub(crate) use wire::kind_of as json_kind;
pub use wire::{Detection, HubKind, Probe, ProbeErrorKind, ProbePlan, ProbeResponse};

/// Saved hub URLs are read with this too (`crate::settings`).
pub(crate) use crate::hub_url::hub_base;

use read::Answers;

/// What one classifier found at a candidate base.
pub(crate) struct Finding {
    pub kind: HubKind,
    pub version: Option<String>,
    pub cors: Option<bool>,
    /// Why launches on it would fail (`Detection.launch_problem`): a Jupyter Server whose
    /// `git-pull` answered 404 itself has no nbgitpuller.
    pub launch_problem: Option<String>,
    pub notes: Vec<String>,
}

/// One hub kind's reading of a candidate's answers, with real answers it must claim.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) struct Classifier {
    /// For test messages.
    pub name: &'static str,
    /// `Some` when the answers are this kind's.
    pub classify: fn(&Answers<'_>) -> Option<Finding>,
    /// Answers of real servers of this kind (docs/protocols.md §1): each is claimed by this
    /// classifier and by no other (`every_example_is_claimed_by_its_own_classifier_only`).
    /// Test builds only: the shipped Wasm carries no example answers.
    #[cfg(test)]
    pub examples: &'static [Example],
}

/// Real answers of one server, probe by probe, and what they mean.
#[cfg(test)]
pub(crate) struct Example {
    /// What server this is and where the shape comes from.
    pub what: &'static str,
    pub kind: HubKind,
    pub version: Option<&'static str>,
    /// Whether detection says launches would fail (`Detection.launch_problem`).
    pub launch_problem: bool,
    pub answers: &'static [Answer],
}

/// One probe's answer in an `Example`.
#[cfg(test)]
pub(crate) struct Answer {
    /// The probe's name (`versions`, `hub-api`, …).
    pub probe: &'static str,
    pub status: u16,
    /// Where redirects ended, relative to the candidate base (`None`: not redirected).
    pub redirected_to: Option<&'static str>,
    pub headers: &'static [(&'static str, &'static str)],
    pub body: &'static str,
}

#[cfg(test)]
impl Answer {
    /// A 200 JSON answer.
    pub const fn json(probe: &'static str, body: &'static str) -> Answer {
        Answer {
            probe,
            status: 200,
            redirected_to: None,
            headers: &[("content-type", "application/json")],
            body,
        }
    }

    /// An HTML (or empty) answer without a redirect.
    pub const fn html(probe: &'static str, status: u16, body: &'static str) -> Answer {
        Answer {
            probe,
            status,
            redirected_to: None,
            headers: &[("content-type", "text/html; charset=UTF-8")],
            body,
        }
    }

    /// An answer reached after redirects to `to` (relative to the base).
    pub const fn redirected(
        probe: &'static str,
        status: u16,
        to: &'static str,
        body: &'static str,
    ) -> Answer {
        Answer {
            probe,
            status,
            redirected_to: Some(to),
            headers: &[],
            body,
        }
    }

    /// The same answer with these headers.
    pub const fn with_headers(self, headers: &'static [(&'static str, &'static str)]) -> Answer {
        Answer { headers, ..self }
    }
}

/// The classifiers of a candidate base itself, in the order they are asked: a BinderHub first
/// (its UI answers `hub/api/` with HTML, which a JupyterHub reading must not take), then a
/// JupyterHub (whose `api` redirect a Jupyter Server reading must not take).
const AT_BASE: &[Classifier] = &[binderhub::AT_BASE, jupyterhub::HUB, jupyter_server::SERVER];

/// Every classifier, for the examples' cross-check.
#[cfg(test)]
pub(crate) const CLASSIFIERS: &[Classifier] = &[
    binderhub::AT_BASE,
    binderhub::AS_SERVICE,
    jupyterhub::HUB,
    jupyter_server::SERVER,
];

/// Classifies the responses to a plan's probes: the first candidate base that a classifier
/// claims decides; a BinderHub service under it is reported with it.
pub fn classify(plan: &ProbePlan, responses: &[ProbeResponse]) -> Detection {
    if let Some(known) = &plan.known {
        return known.clone();
    }
    for (i, base) in plan.candidates.iter().enumerate() {
        let answers = Answers::of_candidate(i, responses);
        let at_base = AT_BASE.iter().find_map(|c| (c.classify)(&answers));
        let service = (binderhub::AS_SERVICE.classify)(&answers);
        let service_url = format!("{base}{}", plan::service_path(plan));
        if plan.service.is_some() {
            if let Some(svc) = service {
                let hub = at_base.filter(|f| f.kind == HubKind::JupyterHub);
                return typed_service(plan, base, service_url, svc, hub);
            }
        }
        if let Some(mut found) = at_base {
            if plan.service.is_some() {
                found.notes.insert(
                    0,
                    format!("nothing answered as a BinderHub at {service_url}"),
                );
            }
            if found.kind == HubKind::JupyterHub {
                if let Some(svc) = service {
                    found.notes.push(service_note(&service_url, &svc));
                }
            }
            return at_base_detection(plan, base, found);
        }
    }
    let base = plan.candidates.first().cloned().unwrap_or_default();
    Detection {
        input: plan.input.clone(),
        message: unknown::message(plan, &base, responses),
        url: base,
        kind: HubKind::Unknown,
        version: None,
        cors: None,
        known: false,
        launch_url: None,
        launch_kind: None,
        launch_version: None,
        launch_problem: None,
        notes: Vec::new(),
    }
}

/// The version for messages (`(unknown version)` when none was said).
fn version_of(f: &Finding) -> &str {
    f.version.as_deref().unwrap_or("(unknown version)")
}

/// A hub found at a candidate base (not under a typed service path).
fn at_base_detection(plan: &ProbePlan, base: &str, found: Finding) -> Detection {
    let version = version_of(&found);
    let (message, launch_url) = match found.kind {
        HubKind::BinderHub => (format!("BinderHub {version}"), Some(base.to_string())),
        HubKind::BinderHubService => (
            format!("BinderHub {version} in API-only mode: it has no launch pages, so it is not a launch target"),
            None,
        ),
        HubKind::JupyterHub => (
            jupyterhub::describe(version, found.cors),
            Some(base.to_string()),
        ),
        HubKind::JupyterServer => (
            jupyter_server::describe(version, found.launch_problem.as_deref()),
            Some(base.to_string()),
        ),
        HubKind::Unknown => (String::new(), None),
    };
    let launch_version = launch_url.as_ref().and(found.version.clone());
    Detection {
        input: plan.input.clone(),
        url: base.to_string(),
        kind: found.kind,
        version: found.version,
        cors: found.cors,
        known: false,
        launch_kind: launch_url.as_ref().map(|_| found.kind),
        launch_version,
        launch_problem: launch_url.as_ref().and(found.launch_problem),
        launch_url,
        message,
        notes: found.notes,
    }
}

/// The reader typed `…/services/<name>/` and a BinderHub answers there: a full one is the
/// launch target itself; an API-only one is not, and launches go to the JupyterHub in front.
fn typed_service(
    plan: &ProbePlan,
    base: &str,
    service_url: String,
    svc: Finding,
    hub: Option<Finding>,
) -> Detection {
    let version = version_of(&svc);
    let (message, launch_url, notes) = match (svc.kind, &hub) {
        (HubKind::BinderHub, Some(h)) => (
            format!(
                "BinderHub {version}, running as a service of the JupyterHub {} at {base}",
                version_of(h)
            ),
            Some(service_url.clone()),
            Vec::new(),
        ),
        (HubKind::BinderHub, None) => (
            format!("BinderHub {version}"),
            Some(service_url.clone()),
            Vec::new(),
        ),
        (_, Some(h)) => {
            let mut notes = vec![jupyterhub::describe(version_of(h), h.cors)];
            notes.extend(h.notes.iter().cloned());
            (
                format!(
                    "BinderHub {version} in API-only mode (no launch pages): launches go to the JupyterHub {} in front of it",
                    version_of(h)
                ),
                Some(base.to_string()),
                notes,
            )
        }
        (_, None) => (
            format!(
                "BinderHub {version} in API-only mode (no launch pages), with no JupyterHub answering in front of it: not a launch target"
            ),
            None,
            Vec::new(),
        ),
    };
    // What launches go to: the service itself, or the JupyterHub in front of an API-only one.
    let launch_version = launch_url.as_ref().and(match svc.kind {
        HubKind::BinderHub => svc.version.clone(),
        _ => hub.as_ref().and_then(|h| h.version.clone()),
    });
    Detection {
        input: plan.input.clone(),
        url: service_url,
        kind: svc.kind,
        version: svc.version,
        cors: hub.as_ref().and_then(|h| h.cors),
        known: false,
        launch_kind: launch_url.as_ref().map(|_| match svc.kind {
            HubKind::BinderHub => HubKind::BinderHub,
            _ => HubKind::JupyterHub,
        }),
        launch_version,
        launch_problem: None,
        launch_url,
        message,
        notes,
    }
}

/// The note on a JupyterHub that has a BinderHub service.
fn service_note(service_url: &str, svc: &Finding) -> String {
    let version = version_of(svc);
    match svc.kind {
        HubKind::BinderHub => format!(
            "a full BinderHub {version} runs at {service_url}: save that URL as your hub to launch Binder links in the environments their repositories specify"
        ),
        _ => format!(
            "a BinderHub {version} in API-only mode runs at {service_url}: not a launch target (no launch pages)"
        ),
    }
}

#[cfg(test)]
mod tests;
