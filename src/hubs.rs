//! Hub kinds, decided once for every front end (the options page, the popup, the context menu,
//! the CLI), which only render what this module says: which kinds exist and the message keys of
//! their labels, the target kind each one launches as, what a detection saves (where its
//! launches go, with that hub's own version, or a hub of the kind the reader chose), and how a
//! saved hub is shown (its name, label, notes, whether it is the active one).
//!
//! Adding a hub kind: its `HubKind` variant and classifier (`src/detect/`), its row in
//! [`KINDS`], its arm in [`target_kind`] (the compiler asks for it), and its label in the
//! strings (`extension/_locales/*/messages.json`).

use crate::detect::{Detection, HubKind};
use crate::hub_url::{hub_base, jupyterhub_base};
use crate::render::TargetKind;
use crate::settings::{Hub, Settings};
use crate::Error;
use serde::Serialize;

/// One kind of hub, as the front ends show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindInfo {
    /// The kind.
    pub kind: HubKind,
    /// The message key of its label (`_locales/<lang>/messages.json`).
    pub label: &'static str,
}

/// Every hub kind, in the order a reader is offered them.
pub const KINDS: &[KindInfo] = &[
    KindInfo {
        kind: HubKind::BinderHub,
        label: "kindBinderHub",
    },
    KindInfo {
        kind: HubKind::JupyterHub,
        label: "kindJupyterHub",
    },
    KindInfo {
        kind: HubKind::JupyterServer,
        label: "kindJupyterServer",
    },
    KindInfo {
        kind: HubKind::BinderHubService,
        label: "kindBinderHubService",
    },
    KindInfo {
        kind: HubKind::Unknown,
        label: "kindUnknown",
    },
];

/// What a target kind launches: the one place a detected kind becomes a target kind. `None`
/// for a kind nothing launches on (an API-only BinderHub service: launches go to the
/// JupyterHub in front of it, which the detection names as its `launchKind`).
pub fn target_kind(kind: HubKind) -> Option<TargetKind> {
    match kind {
        HubKind::BinderHub => Some(TargetKind::BinderHub),
        HubKind::JupyterHub => Some(TargetKind::JupyterHub),
        HubKind::JupyterServer => Some(TargetKind::JupyterServer),
        HubKind::BinderHubService | HubKind::Unknown => None,
    }
}

/// The hub kind a target kind is saved as.
pub fn hub_kind(kind: TargetKind) -> HubKind {
    match kind {
        TargetKind::BinderHub => HubKind::BinderHub,
        TargetKind::JupyterHub => HubKind::JupyterHub,
        TargetKind::JupyterServer => HubKind::JupyterServer,
    }
}

/// The target kind named `name` (`binderhub`, `jupyterhub`, `jupyter-server`), as the CLI's
/// `--kind` and the options page's kind choice name it.
pub fn target_kind_named(name: &str) -> Option<TargetKind> {
    target_kinds().find(|k| k.as_str() == name)
}

/// Every target kind, in [`KINDS`] order.
pub fn target_kinds() -> impl Iterator<Item = TargetKind> {
    KINDS.iter().filter_map(|k| target_kind(k.kind))
}

/// A target kind's name in an English sentence of the core ("not the answer of a JupyterHub").
pub fn kind_name(kind: TargetKind) -> &'static str {
    match kind {
        TargetKind::BinderHub => "BinderHub",
        TargetKind::JupyterHub => "JupyterHub",
        TargetKind::JupyterServer => "Jupyter Server",
    }
}

/// The label's message key of a kind.
fn label(kind: HubKind) -> &'static str {
    KINDS
        .iter()
        .find(|k| k.kind == kind)
        .map_or("kindUnknown", |k| k.label)
}

/// A kind as `hubKinds` gives it to the front ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KindView {
    /// The kind.
    pub kind: HubKind,
    /// The message key of its label.
    pub label: &'static str,
    /// A hub of this kind can be saved and launched on.
    pub target: bool,
}

/// Every kind with its label and whether it can be saved, in [`KINDS`] order.
pub fn kinds() -> Vec<KindView> {
    KINDS
        .iter()
        .map(|k| KindView {
            kind: k.kind,
            label: k.label,
            target: target_kind(k.kind).is_some(),
        })
        .collect()
}

/// The URL a hub of `kind` typed as `input` launches under: a BinderHub keeps every path
/// prefix, `services/<name>/` included (it launches under it); a JupyterHub or a Jupyter
/// Server is the base before `hub/`, `services/`, `user/`, ….
pub fn target_url(kind: TargetKind, input: &str) -> Result<String, Error> {
    match kind {
        TargetKind::BinderHub => hub_base(input),
        TargetKind::JupyterHub | TargetKind::JupyterServer => jupyterhub_base(input),
    }
}

/// Where a detection's launches go, and as what: its `launchKind` at its `launchUrl` (an
/// API-only BinderHub service: the JupyterHub in front of it). `None` when it cannot launch.
pub fn launch_target(d: &Detection) -> Option<(TargetKind, &str)> {
    Some((target_kind(d.launch_kind?)?, d.launch_url.as_deref()?))
}

/// The hub to save for a detection: where its launches go ([`launch_target`]), with that hub's
/// own version (an API-only BinderHub service is saved as the JupyterHub in front of it, with
/// the JupyterHub's version), named for the reader. `chosen`: the kind the reader picked
/// instead; a hub of another kind than the detection's gets no version. `None` when the
/// detection names no launch target and the reader chose no kind.
pub fn saved_hub(d: &Detection, chosen: Option<TargetKind>) -> Option<Hub> {
    let detected = launch_target(d);
    let (kind, url, as_detected) = match (chosen, detected) {
        (None, None) => return None,
        (None, Some((k, url))) => (k, url.to_string(), true),
        (Some(k), Some((dk, url))) if k == dk => (k, url.to_string(), true),
        (Some(k), _) => (k, target_url(k, &d.url).ok()?, false),
    };
    Some(Hub {
        name: display_name(&url),
        kind: hub_kind(kind),
        version: d.launch_version.clone().filter(|_| as_detected),
        // Only a JupyterHub's `hub/api/` CORS means anything to the reader.
        cors: d
            .cors
            .filter(|_| as_detected && kind == TargetKind::JupyterHub),
        url,
    })
}

/// The name a hub is shown by until the reader renames it: its host and path
/// (`https://hub.example.edu/jupyter/` → `hub.example.edu/jupyter`).
pub fn display_name(url: &str) -> String {
    let rest = url.split("://").nth(1).unwrap_or(url);
    rest.trim_end_matches('/').to_string()
}

/// A saved hub as the front ends show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HubView {
    /// Its base URL.
    pub url: String,
    /// Its name ("Launch on `name`").
    pub name: String,
    /// Its kind.
    pub kind: HubKind,
    /// The message key of its kind's label.
    pub label: &'static str,
    /// Its version, when detected.
    pub version: Option<String>,
    /// Message keys of what else the reader should know (a JupyterHub's CORS).
    pub notes: Vec<&'static str>,
    /// It is the hub links are rewritten for (the first in the reader's order).
    pub active: bool,
    /// The tab of a Jupyter Book 2 (MyST) launch form that takes this hub's URL (docs/protocols.md
    /// §5: `binder` or `jupyterhub`); `None` when the form has none for its kind.
    pub myst_tab: Option<&'static str>,
    /// Set by the reader's organisation (`locked` or `preset`, `crate::managed::views`), or not
    /// (then absent from the JSON).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub managed: Option<crate::managed::Managed>,
}

/// The saved hubs as the front ends show them, in the settings' order.
pub fn views(s: &Settings) -> Vec<HubView> {
    s.hubs
        .iter()
        .enumerate()
        .map(|(i, h)| HubView {
            url: h.url.clone(),
            name: h.name.clone(),
            kind: h.kind,
            label: label(h.kind),
            version: h.version.clone(),
            notes: match (target_kind(h.kind), h.cors) {
                (Some(TargetKind::JupyterHub), Some(false)) => vec!["noCors"],
                (Some(TargetKind::JupyterHub), Some(true)) => vec!["hasCors"],
                _ => Vec::new(),
            },
            active: i == 0,
            myst_tab: match target_kind(h.kind) {
                Some(TargetKind::BinderHub) => Some("binder"),
                Some(TargetKind::JupyterHub) => Some("jupyterhub"),
                Some(TargetKind::JupyterServer) | None => None,
            },
            managed: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A detection as `classify` makes them (only the fields these functions read matter).
    fn detection(v: serde_json::Value) -> Detection {
        let mut d = json!({"input": "x", "url": "https://hub.example.edu/", "kind": "unknown", "version": null,
            "cors": null, "known": false, "launchUrl": null, "launchKind": null, "launchVersion": null,
            "message": "", "notes": []});
        for (k, x) in v.as_object().unwrap() {
            d[k] = x.clone();
        }
        Detection::read(&d).unwrap()
    }

    #[test]
    fn every_hub_kind_is_listed_once() {
        // A new HubKind fails to compile here until it is listed in KINDS (and in target_kind).
        let all = [
            HubKind::BinderHub,
            HubKind::BinderHubService,
            HubKind::JupyterHub,
            HubKind::JupyterServer,
            HubKind::Unknown,
        ];
        for k in all {
            match k {
                HubKind::BinderHub
                | HubKind::BinderHubService
                | HubKind::JupyterHub
                | HubKind::JupyterServer
                | HubKind::Unknown => {
                    assert_eq!(KINDS.iter().filter(|i| i.kind == k).count(), 1, "{k:?}")
                }
            }
        }
        assert_eq!(KINDS.len(), all.len());
        let names: Vec<&str> = target_kinds().map(TargetKind::as_str).collect();
        assert_eq!(names, ["binderhub", "jupyterhub", "jupyter-server"]);
        for name in names {
            assert_eq!(target_kind_named(name).map(TargetKind::as_str), Some(name));
        }
        assert_eq!(target_kind_named("binderhub-service"), None);
        for t in target_kinds() {
            assert_eq!(target_kind(hub_kind(t)), Some(t));
        }
    }

    /// A saved hub as JSON, for comparing whole.
    fn saved(d: &Detection, chosen: Option<TargetKind>) -> serde_json::Value {
        serde_json::to_value(saved_hub(d, chosen)).unwrap()
    }

    #[test]
    fn a_detection_saves_where_its_launches_go() {
        let service = "https://hub.example.edu/services/binder/";
        let jupyterhub = json!({"kind": "jupyterhub", "version": "5.2.1", "cors": false, "launchUrl": "https://hub.example.edu/",
                                "launchKind": "jupyterhub", "launchVersion": "5.2.1"});
        let cases = [
            // A JupyterHub: itself, with its version and CORS.
            (
                jupyterhub.clone(),
                json!({"url": "https://hub.example.edu/", "name": "hub.example.edu", "kind": "jupyterhub", "version": "5.2.1", "cors": false}),
            ),
            // An API-only BinderHub service: the JupyterHub in front of it, with the hub's own version.
            (
                json!({"url": service, "kind": "binderhub-service", "version": "0.2.0+1763.gfaafab2", "cors": false,
                       "launchUrl": "https://hub.example.edu/", "launchKind": "jupyterhub", "launchVersion": "5.2.1"}),
                json!({"url": "https://hub.example.edu/", "name": "hub.example.edu", "kind": "jupyterhub", "version": "5.2.1", "cors": false}),
            ),
            // A full BinderHub service launches at its own URL, under services/binder/ (CORS is a JupyterHub's).
            (
                json!({"url": service, "kind": "binderhub", "version": "0.2.0+1763.gfaafab2", "cors": false,
                       "launchUrl": service, "launchKind": "binderhub", "launchVersion": "0.2.0+1763.gfaafab2"}),
                json!({"url": service, "name": "hub.example.edu/services/binder", "kind": "binderhub", "version": "0.2.0+1763.gfaafab2", "cors": null}),
            ),
            // No launch target: nothing to save unless the reader says what it is.
            (
                json!({"url": service, "kind": "binderhub-service", "version": "1.0"}),
                json!(null),
            ),
        ];
        for (d, want) in cases {
            assert_eq!(saved(&detection(d.clone()), None), want, "{d}");
        }
        // A kind the reader chose: at the URL that kind launches under, without a version
        // unless it is the one detected.
        let api_only =
            detection(json!({"url": service, "kind": "binderhub-service", "version": "1.0"}));
        assert_eq!(
            saved(&api_only, Some(TargetKind::BinderHub)),
            json!({"url": service, "name": "hub.example.edu/services/binder", "kind": "binderhub", "version": null, "cors": null})
        );
        assert_eq!(
            saved(&api_only, Some(TargetKind::JupyterServer))["url"],
            "https://hub.example.edu/"
        );
        let hub = detection(jupyterhub);
        assert_eq!(saved(&hub, Some(TargetKind::JupyterHub)), saved(&hub, None));
    }

    #[test]
    fn an_api_only_service_detected_for_real_is_saved_as_the_jupyterhub_with_its_version() {
        // The binderhub-service chart behind JupyterHub 5.2.1, as `classify` reads it.
        let plan = crate::probe_plan("https://hub.example.edu/services/binder/").unwrap();
        let responses: Vec<crate::ProbeResponse> = plan
            .probes
            .iter()
            .map(|p| {
                let (status, headers, body) = match p.id.split(':').nth(1) {
                    Some("hub-api") => (200, json!({"x-jupyterhub-version": "5.2.1", "content-type": "application/json"}), r#"{"version": "5.2.1"}"#),
                    Some("service-versions") => (200, json!({"content-type": "application/json"}), r#"{"builder_info": {}, "binderhub": "0.2.0+1763.gfaafab2"}"#),
                    _ => (404, json!({"x-jupyterhub-version": "5.2.1"}), "404 Not Found"),
                };
                crate::ProbeResponse::read(&json!({"id": p.id, "status": status, "url": p.url, "redirected": false,
                    "headers": headers, "body": body, "error": null, "corsChecked": false}), "[0]")
                .unwrap()
            })
            .collect();
        let d = crate::classify(&plan, &responses);
        assert_eq!(
            (d.kind, d.version.as_deref(), d.launch_version.as_deref()),
            (
                HubKind::BinderHubService,
                Some("0.2.0+1763.gfaafab2"),
                Some("5.2.1")
            )
        );
        assert_eq!(
            saved_hub(&d, None),
            Some(Hub {
                url: "https://hub.example.edu/".into(),
                name: "hub.example.edu".into(),
                kind: HubKind::JupyterHub,
                version: Some("5.2.1".into()),
                cors: Some(false)
            })
        );
    }

    #[test]
    fn saved_hubs_are_shown_with_their_label_notes_and_the_form_tab_that_takes_them() {
        let s: Settings = serde_json::from_value(json!({"version": 2,
            "hubs": [{"url": "https://b.example.edu/", "name": "B", "kind": "binderhub"},
                     {"url": "https://a.example.edu/", "name": "A", "kind": "jupyterhub", "version": "5.2.1", "cors": false},
                     {"url": "http://localhost:8888/", "name": "laptop", "kind": "jupyter-server", "cors": true},
                     {"url": "https://old.example.edu/", "name": "old", "kind": "unknown"}],
            "fallback": true, "siteHubs": [], "interface": "follow", "envRepo": null,
            "linkKinds": {"binder": true, "nbgitpuller": true, "colab": true}, "mode": "rewrite", "disabledSites": []}))
        .unwrap();
        let v = views(&s);
        /// Name, label, notes, active, MyST form tab.
        type Shown<'a> = (&'a str, &'a str, Vec<&'a str>, bool, Option<&'a str>);
        let shown: Vec<Shown<'_>> = v
            .iter()
            .map(|h| {
                (
                    h.name.as_str(),
                    h.label,
                    h.notes.clone(),
                    h.active,
                    h.myst_tab,
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                ("B", "kindBinderHub", vec![], true, Some("binder")),
                (
                    "A",
                    "kindJupyterHub",
                    vec!["noCors"],
                    false,
                    Some("jupyterhub")
                ),
                ("laptop", "kindJupyterServer", vec![], false, None),
                ("old", "kindUnknown", vec![], false, None),
            ]
        );
        assert_eq!(
            serde_json::to_value(&v[1]).unwrap(),
            json!({"url": "https://a.example.edu/", "name": "A", "kind": "jupyterhub", "label": "kindJupyterHub",
                   "version": "5.2.1", "notes": ["noCors"], "active": false, "mystTab": "jupyterhub"})
        );
    }
}
