//! The probe plan: every request of every candidate base, decided up front so the runner can
//! make them all at once (one round trip, docs/design.md §4).

use super::wire::{Detection, HubKind, Probe, ProbePlan};
use crate::hub_url::read_typed;
use crate::known::is_known_binderhub;
use crate::Error;

/// The deadline of a whole detection (docs/design.md §4): a hub on the reader's network
/// answers in milliseconds, a hub across the world in well under a second.
pub(crate) const DEFAULT_TIMEOUT_MS: u32 = 5000;

/// Bytes of each body read: API answers are tiny, and a UI page says what it is in its head.
pub(crate) const MAX_BODY: u32 = 65536;

/// The service a BinderHub runs as when the input names none (`<hub>/services/binder/`).
const DEFAULT_SERVICE: &str = "services/binder/";

/// The probes of one candidate base: (name, path below the base). `{service}` is the
/// JupyterHub service path (the one typed, or `services/binder/`).
const PROBES: &[(&str, &str)] = &[
    // BinderHub: 200 JSON with the key `binderhub`; JupyterHub: 302 → hub/versions → 404.
    ("versions", "versions"),
    // JupyterHub: 200 {"version"}; a full BinderHub: its 200 HTML catch-all.
    ("hub-api", "hub/api/"),
    // Jupyter Server: 200 {"version"}; JupyterHub: 302 → hub/api.
    ("api", "api"),
    // A full BinderHub's home page carries `window.pageConfig`.
    ("root", ""),
    // A BinderHub as a JupyterHub service: its `versions`, and its home page, which tells a
    // full BinderHub (200 HTML) from the API-only mode (404).
    ("service-versions", "{service}versions"),
    ("service-root", "{service}"),
    // Jupyter Server: nbgitpuller's page, where launches go: with nbgitpuller a redirect to the
    // login page (302), without it 404.
    ("git-pull", "git-pull"),
];

/// Plans the probes for what the user typed (`hub.example.edu`, `https://h/hub/home`,
/// `https://h/user/alice/lab`, a Binder launch URL, `localhost:8888`, `https://h/services/binder/`).
pub fn probe_plan(input: &str) -> Result<ProbePlan, Error> {
    let typed = read_typed(input)?;
    let mut candidates = vec![typed.base.clone()];
    let root = format!("{}/", typed.origin);
    if typed.base != root {
        candidates.push(root);
    }
    let prefix = &typed.base[typed.origin.len()..];
    let known = is_known_binderhub(&typed.host, prefix).then(|| Detection {
        input: input.to_string(),
        url: typed.base.clone(),
        kind: HubKind::BinderHub,
        version: None,
        cors: None,
        known: true,
        launch_url: Some(typed.base.clone()),
        launch_kind: Some(HubKind::BinderHub),
        launch_version: None,
        launch_problem: None,
        message: "BinderHub (known public BinderHub, recognised without a request)".into(),
        notes: Vec::new(),
    });
    let service = typed
        .service
        .as_deref()
        .unwrap_or(DEFAULT_SERVICE)
        .to_string();
    let probes = if known.is_some() {
        Vec::new()
    } else {
        candidates
            .iter()
            .enumerate()
            .flat_map(|(i, base)| {
                let service = service.clone();
                PROBES.iter().map(move |(name, path)| Probe {
                    id: format!("{i}:{name}"),
                    url: format!("{base}{}", path.replace("{service}", &service)),
                })
            })
            .collect()
    };
    Ok(ProbePlan {
        input: input.to_string(),
        candidates,
        known,
        probes,
        timeout_ms: DEFAULT_TIMEOUT_MS,
        max_body: MAX_BODY,
        service: typed.service,
    })
}

/// The JupyterHub service path the plan probes: the one typed, or `services/binder/`.
pub(super) fn service_path(plan: &ProbePlan) -> &str {
    plan.service.as_deref().unwrap_or(DEFAULT_SERVICE)
}
