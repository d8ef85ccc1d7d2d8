//! The extension's settings: schema, defaults, validation with messages, and versioned
//! migration. The UI never stores a value this module has not validated.

use crate::detect::HubKind;
use crate::render::{parse_env_repo, Interface, LinkKinds, Target, TargetKind};
use crate::Error;
use serde::{Deserialize, Serialize};

/// The schema version this build writes.
pub const SETTINGS_VERSION: u32 = 1;

/// How converted links reach the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Rewrite hrefs in the page.
    #[default]
    Rewrite,
    /// Keep the page's hrefs; send clicks to the hub from the extension (the page never sees the hub).
    Private,
}

/// A saved hub.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Hub {
    /// Its base URL, ending in `/`.
    pub url: String,
    /// The name shown to the reader ("Launch on `name`").
    pub name: String,
    /// Its kind, as detected or as the reader set it.
    pub kind: HubKind,
    /// Its version, when detected.
    #[serde(default)]
    pub version: Option<String>,
    /// JupyterHub: whether `/hub/api/` sends CORS.
    #[serde(default)]
    pub cors: Option<bool>,
}

/// Everything the reader configures. Serialised as the `Settings` JSON of docs/contracts.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Settings {
    /// The schema version.
    pub version: u32,
    /// Saved hubs.
    pub hubs: Vec<Hub>,
    /// The URL of the active hub (one of `hubs`).
    pub active_hub: Option<String>,
    /// The interface preference.
    pub interface: Interface,
    /// The environment repository for nbgitpuller content on a BinderHub.
    pub env_repo: Option<String>,
    /// Which link kinds to relaunch.
    pub link_kinds: LinkKinds,
    /// Rewrite hrefs, or redirect clicks privately.
    pub mode: Mode,
    /// Host names where the extension does nothing.
    pub disabled_sites: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            version: SETTINGS_VERSION,
            hubs: Vec::new(),
            active_hub: None,
            interface: Interface::Follow,
            env_repo: None,
            link_kinds: LinkKinds::default(),
            mode: Mode::Rewrite,
            disabled_sites: Vec::new(),
        }
    }
}

impl Settings {
    /// The target links are rewritten for: the active hub, if it can launch.
    pub fn active_target(&self) -> Option<Target> {
        let url = self.active_hub.as_deref()?;
        let hub = self.hubs.iter().find(|h| h.url == url)?;
        let kind = match hub.kind {
            HubKind::BinderHub => TargetKind::BinderHub,
            HubKind::JupyterHub => TargetKind::JupyterHub,
            HubKind::JupyterServer => TargetKind::JupyterServer,
            HubKind::BinderHubService | HubKind::Unknown => return None,
        };
        let mut target = Target::new(kind, &hub.url)
            .ok()?
            .with_env_repo(self.env_repo.as_deref())
            .ok()?;
        target.interface = self.interface;
        target.link_kinds = self.link_kinds;
        Some(target)
    }
}

/// Validates settings JSON of the current version, normalising URLs and host names.
/// The message names the offending field; nothing partially valid is returned.
pub fn validate(json: &str) -> Result<Settings, Error> {
    let s: Settings =
        serde_json::from_str(json).map_err(|e| Error::InvalidSettings(e.to_string()))?;
    check(s)
}

/// Checks and normalises settings of the current version.
fn check(mut s: Settings) -> Result<Settings, Error> {
    if s.version != SETTINGS_VERSION {
        return Err(Error::InvalidSettings(format!(
            "version {} is not {SETTINGS_VERSION}; migrate first",
            s.version
        )));
    }
    let mut seen = std::collections::BTreeSet::new();
    for (i, hub) in s.hubs.iter_mut().enumerate() {
        hub.url = crate::detect::hub_base(&hub.url)
            .map_err(|e| Error::InvalidSettings(format!("hubs[{i}].url: {e}")))?;
        if hub.name.trim().is_empty() {
            return Err(Error::InvalidSettings(format!("hubs[{i}].name is empty")));
        }
        if !seen.insert(hub.url.clone()) {
            return Err(Error::InvalidSettings(format!(
                "hubs[{i}].url {} is listed twice",
                hub.url
            )));
        }
    }
    if let Some(active) = &s.active_hub {
        let active = crate::detect::hub_base(active)
            .map_err(|e| Error::InvalidSettings(format!("activeHub: {e}")))?;
        if !seen.contains(&active) {
            return Err(Error::InvalidSettings(format!(
                "activeHub {active} is not one of hubs"
            )));
        }
        s.active_hub = Some(active);
    }
    if let Some(env) = &s.env_repo {
        if env.trim().is_empty() {
            s.env_repo = None;
        } else {
            parse_env_repo(env)?;
        }
    }
    for (i, site) in s.disabled_sites.iter_mut().enumerate() {
        let host = site.trim().to_ascii_lowercase();
        let host = host
            .split("://")
            .last()
            .unwrap_or_default()
            .split('/')
            .next()
            .unwrap_or_default()
            .to_string();
        if host.is_empty() || host.contains(char::is_whitespace) {
            return Err(Error::InvalidSettings(format!(
                "disabledSites[{i}] '{site}' is not a host name"
            )));
        }
        *site = host;
    }
    s.disabled_sites.sort();
    s.disabled_sites.dedup();
    Ok(s)
}

/// What every stored version has in common: a version number (absent in version 0).
#[derive(Deserialize)]
struct Versioned {
    version: Option<u64>,
}

/// Version 0: one hub.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct V0 {
    hub: Option<String>,
    hub_kind: Option<HubKind>,
}

/// Migrates stored settings JSON of any known version to the current one, then validates it.
/// Version 0 (no `version` field) was `{"hub": "<url>", "hubKind": "<kind>"}`.
pub fn migrate(json: &str) -> Result<Settings, Error> {
    let bad = |e: serde_json::Error| Error::InvalidSettings(e.to_string());
    if !json.trim_start().starts_with('{') {
        return Err(Error::InvalidSettings("not a json object".into()));
    }
    let version = serde_json::from_str::<Versioned>(json)
        .map_err(bad)?
        .version
        .unwrap_or(0);
    match version {
        0 => {
            let old: V0 = serde_json::from_str(json).map_err(bad)?;
            let mut s = Settings::default();
            if let Some(hub) = old.hub {
                let url = crate::detect::hub_base(&hub)
                    .map_err(|e| Error::InvalidSettings(format!("hub: {e}")))?;
                s.hubs.push(Hub {
                    name: host_name(&url),
                    url: url.clone(),
                    kind: old.hub_kind.unwrap_or(HubKind::Unknown),
                    version: None,
                    cors: None,
                });
                s.active_hub = Some(url);
            }
            check(s)
        }
        1 => validate(json),
        v => Err(Error::InvalidSettings(format!(
            "version {v} is newer than this extension understands ({SETTINGS_VERSION}); update the extension"
        ))),
    }
}

/// A default display name for a hub: its host (and path, when it has one).
pub fn host_name(url: &str) -> String {
    let rest = url.split("://").nth(1).unwrap_or(url);
    rest.trim_end_matches('/').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_validate_and_round_trip() {
        let d = serde_json::to_value(Settings::default()).unwrap();
        assert_eq!(d["version"], 1);
        assert_eq!(
            d["linkKinds"],
            json!({"binder": true, "nbgitpuller": true, "colab": true})
        );
        assert_eq!(validate(&d.to_string()).unwrap(), Settings::default());
    }

    #[test]
    fn validation_names_the_offending_field() {
        let mut v = serde_json::to_value(Settings::default()).unwrap();
        v["hubs"] = json!([{"url": "ftp://x", "name": "x", "kind": "jupyterhub"}]);
        assert_eq!(
            validate(&v.to_string()).unwrap_err().to_string(),
            "invalid settings: hubs[0].url: invalid hub url: 'ftp://x': only http and https hubs are supported"
        );
        v["hubs"] = json!([{"url": "hub.example.edu", "name": "Uni", "kind": "jupyterhub"}]);
        v["activeHub"] = json!("https://other.org/");
        assert_eq!(
            validate(&v.to_string()).unwrap_err().to_string(),
            "invalid settings: activeHub https://other.org/ is not one of hubs"
        );
        v["activeHub"] = json!("https://hub.example.edu");
        v["disabledSites"] = json!(["https://Example.org/page", "example.org"]);
        let s = validate(&v.to_string()).unwrap();
        assert_eq!(s.hubs[0].url, "https://hub.example.edu/");
        assert_eq!(s.disabled_sites, ["example.org"]);
        assert_eq!(s.active_target().unwrap().url(), "https://hub.example.edu/");
        v["mode"] = json!("loud");
        assert!(validate(&v.to_string())
            .unwrap_err()
            .to_string()
            .contains("unknown variant `loud`"));
        v["mode"] = json!("private");
        v["extra"] = json!(1);
        assert!(validate(&v.to_string())
            .unwrap_err()
            .to_string()
            .contains("unknown field `extra`"));
    }

    #[test]
    fn migrates_version_0_and_refuses_the_future() {
        let s = migrate(
            &json!({"hub": "https://hub.example.edu/hub/home", "hubKind": "jupyterhub"})
                .to_string(),
        )
        .unwrap();
        assert_eq!(s.active_hub.as_deref(), Some("https://hub.example.edu/"));
        assert_eq!(s.hubs[0].name, "hub.example.edu");
        assert_eq!(migrate("{}").unwrap(), Settings::default());
        assert!(migrate(r#"{"version": 9}"#)
            .unwrap_err()
            .to_string()
            .contains("newer"));
        assert_eq!(
            migrate("[1]").unwrap_err().to_string(),
            "invalid settings: not a json object"
        );
    }
}
