//! Presets from an institution (issue 12 part 4): the hubs an organisation sets, their order,
//! the default, and whether the reader may change them. They come from the browser's managed
//! storage (docs/it-departments.md: Chrome's policy for the extension, checked against
//! `extension/managed_schema.json`; Firefox's `policies.json` under `3rdparty.Extensions`,
//! not checked by the browser at all), so a policy is read here like any untrusted file:
//! field by field, each part that cannot be used left out with the reason, never an error
//! that could stop the extension or touch the reader's own settings.
//!
//! Managed hubs are never written into the reader's settings by the policy. The settings in
//! use are the stored ones with the policy merged in at read time ([`merge`]); what a change
//! made in the front ends stores is worked out by [`store`]:
//!
//! - **Locked** (`"locked": true`): the organisation's hubs come first, in its order, its
//!   default first; the reader cannot remove them or put another hub before them. The
//!   reader's own hubs follow, in the reader's order. None of the organisation's hubs is
//!   stored, unless the reader had saved the same hub before (kept as it was) or sends a
//!   site to it (the rule needs it): when the policy goes, the reader has what they had.
//! - **Not locked** (presets): hubs the reader has not seen yet come first (so the default
//!   is the hub in use for a reader who has not chosen otherwise); once the reader changes
//!   anything they are stored like the reader's own hubs, to be ordered or removed. A preset
//!   the reader removed is remembered (`presets.v1`, [`PresetChoices`]) so that it does not
//!   come back while the policy still names it.
//!
//! Every other setting (fallback, per-site choices, preferences) stays the reader's.

use crate::hubs::{display_name, target_kind_named, target_url};
use crate::settings::{raw, Hub, Settings};
use crate::Error;
use serde::{Deserialize, Serialize};

/// At most this many hubs are taken from a policy.
pub const MAX_POLICY_HUBS: usize = 20;
/// A hub's name from a policy is at most this many characters (the toolbar and the pages show it).
pub const MAX_NAME_CHARS: usize = 80;
/// At most this many problems are listed; the rest are counted.
pub const MAX_PROBLEMS: usize = 20;
/// The storage key of the reader's choices about presets (`storage.sync`).
pub const PRESETS_KEY: &str = "presets.v1";

/// A part of a policy that is not used, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Where in the policy (`hubs[1].url`, `defaultHub`, `colour`).
    pub field: String,
    /// Why (lowercase, names what is wrong).
    pub reason: String,
}

/// What the organisation sets, as the extension uses it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Policy {
    /// The organisation's hubs, in its order, its default first.
    pub hubs: Vec<Hub>,
    /// The reader may not remove the organisation's hubs nor put another hub before them.
    pub locked: bool,
    /// What the policy holds that is not used, and why.
    pub problems: Vec<Problem>,
}

impl Policy {
    /// Whether the organisation sets any hub (a policy without one changes nothing).
    pub fn sets_hubs(&self) -> bool {
        !self.hubs.is_empty()
    }

    /// Whether `url` is one of the organisation's hubs.
    pub fn has(&self, url: &str) -> bool {
        self.hubs.iter().any(|h| h.url == url)
    }

    fn problem(&mut self, field: impl Into<String>, reason: impl Into<String>) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(Problem {
                field: field.into(),
                reason: reason.into(),
            });
        } else if self.problems.len() == MAX_PROBLEMS {
            self.problems.push(Problem {
                field: "policy".into(),
                reason: format!("more than {MAX_PROBLEMS} problems; the rest are not listed"),
            });
        }
    }
}

/// The reader's choices about the organisation's presets, stored beside the settings
/// (`presets.v1`): the presets they removed, which stay away while the policy names them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PresetChoices {
    /// URLs of presets the reader removed.
    #[serde(default)]
    pub removed: Vec<String>,
}

impl PresetChoices {
    /// What is stored, read leniently: anything that is not a list of hub URLs counts as
    /// nothing removed (the worst a bad item can do is bring a preset back).
    pub fn read(json: &str) -> PresetChoices {
        let mut removed: Vec<String> = removed_of(json)
            .unwrap_or_default()
            .iter()
            .filter_map(|u| crate::hub_base(u).ok())
            .collect();
        crate::small::sort_by_key(&mut removed, String::as_str);
        removed.dedup();
        PresetChoices { removed }
    }
}

/// The `removed` list of stored choices, read as serde's derived reader of [`PresetChoices`]
/// read it (an object, or an array of its one field; `removed` may be missing; other members
/// are ignored), by the small readers of src/settings/read.rs; `None` for anything else.
fn removed_of(json: &str) -> Option<Vec<String>> {
    use crate::settings::read::{self, Fields};
    let v = read::parse(json).ok()?;
    let f = Fields::open(&v, "", "PresetChoices", &["removed"], 0, false).ok()?;
    f.or(
        "removed",
        |v, at| read::seq_at(v, at, read::string_at),
        Vec::new(),
    )
    .ok()
}

/// A JSON text's string, if it is one.
fn string_of(raw: &str) -> Option<String> {
    match crate::settings::read::parse(raw).ok()? {
        serde_json::Value::String(s) => Some(s),
        _ => None,
    }
}

/// A value of the policy as the reader's message shows it: its JSON, cut short.
fn shown(raw: &str) -> String {
    const MAX: usize = 60;
    match raw.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &raw[..at]),
        None => raw.to_string(),
    }
}

/// Reads the policy the browser's managed storage holds (its JSON; `{}` when there is none).
/// Never fails: whatever cannot be used is a [`Problem`], and the rest is used.
pub fn read(json: &str) -> Policy {
    let mut policy = Policy::default();
    let Some(members) = raw::members(json) else {
        policy.problem("policy", format!("not a json object: {}", shown(json)));
        return policy;
    };
    let mut default: Option<(String, String)> = None;
    for (key, value) in &members {
        match key.as_str() {
            "hubs" => read_hubs(value, &mut policy),
            "defaultHub" => match string_of(value) {
                Some(url) => default = Some((url, (*value).to_string())),
                None => policy.problem("defaultHub", format!("not a string: {}", shown(value))),
            },
            "locked" => match crate::settings::read::parse(value)
                .ok()
                .and_then(|v| v.as_bool())
            {
                Some(locked) => policy.locked = locked,
                None => policy.problem(
                    "locked",
                    format!(
                        "not true or false: {}; the reader may change the hubs",
                        shown(value)
                    ),
                ),
            },
            other => policy.problem(shown(other), "not a policy of this extension"),
        }
    }
    if let Some((url, value)) = default {
        let at = crate::hub_base(&url)
            .ok()
            .and_then(|u| policy.hubs.iter().position(|h| h.url == u));
        match at {
            Some(at) => {
                let hub = policy.hubs.remove(at);
                policy.hubs.insert(0, hub);
            }
            None => policy.problem(
                "defaultHub",
                format!(
                    "{} is not one of hubs; the first of hubs is the default",
                    shown(&value)
                ),
            ),
        }
    }
    policy
}

/// The organisation's hubs, each taken on its own.
fn read_hubs(value: &str, policy: &mut Policy) {
    let Some(items) = raw::elements(value) else {
        policy.problem("hubs", format!("not a list: {}", shown(value)));
        return;
    };
    if items.len() > MAX_POLICY_HUBS {
        policy.problem(
            "hubs",
            format!(
                "{} hubs; only the first {MAX_POLICY_HUBS} are used",
                items.len()
            ),
        );
    }
    for (i, item) in items.into_iter().take(MAX_POLICY_HUBS).enumerate() {
        match read_hub(item, i, policy) {
            Ok(hub) if policy.has(&hub.url) => {
                policy.problem(format!("hubs[{i}]"), format!("{} is listed twice", hub.url))
            }
            Ok(hub) => policy.hubs.push(hub),
            Err(reason) => policy.problem(format!("hubs[{i}]"), reason),
        }
    }
}

/// One hub of the policy: `url` and `kind` (a kind that launches) needed, `name` optional.
/// A field it does not know, or a name that cannot be shown, is a problem of its own; the hub
/// is still taken.
fn read_hub(item: &str, i: usize, policy: &mut Policy) -> Result<Hub, String> {
    let members = raw::members(item).ok_or_else(|| format!("not an object: {}", shown(item)))?;
    let field = |name: &str| members.iter().find(|(k, _)| k == name).map(|(_, v)| *v);
    let string = |name: &str| -> Result<Option<String>, String> {
        field(name)
            .map(|v| string_of(v).ok_or_else(|| format!("{name}: not a string: {}", shown(v))))
            .transpose()
    };
    let kind_name =
        string("kind")?.ok_or("kind: missing (binderhub, jupyterhub or jupyter-server)")?;
    let kind = target_kind_named(&kind_name).ok_or_else(|| {
        format!(
            "kind: '{}' is not binderhub, jupyterhub or jupyter-server",
            shown(&kind_name)
        )
    })?;
    let typed = string("url")?.ok_or("url: missing")?;
    let url = target_url(kind, &typed).map_err(|e| format!("url: {e}"))?;
    let mut name = display_name(&url);
    match string("name") {
        Ok(Some(n)) if n.trim().is_empty() => {}
        Ok(Some(n)) if n.trim().chars().count() > MAX_NAME_CHARS || n.chars().any(char::is_control) => {
            policy.problem(
                format!("hubs[{i}].name"),
                format!("longer than {MAX_NAME_CHARS} characters or not one line; the hub is shown as {name}"),
            )
        }
        Ok(Some(n)) => name = n.trim().to_string(),
        Ok(None) => {}
        Err(e) => policy.problem(format!("hubs[{i}].name"), e),
    }
    for (key, _) in &members {
        if !matches!(key.as_str(), "url" | "kind" | "name") {
            policy.problem(format!("hubs[{i}].{}", shown(key)), "not a field of a hub");
        }
    }
    Ok(Hub {
        url,
        name,
        kind: crate::hubs::hub_kind(kind),
        version: None,
        cors: None,
    })
}

/// The organisation's hub, with what the reader's copy knows that the policy does not (the
/// version and CORS found by "Check again"), when the copy is of the same kind.
fn with_copy(managed: &Hub, stored: &Settings) -> Hub {
    let mut hub = managed.clone();
    if let Some(copy) = stored
        .hubs
        .iter()
        .find(|h| h.url == hub.url && h.kind == hub.kind)
    {
        hub.version = copy.version.clone();
        hub.cors = copy.cors;
    }
    hub
}

/// The settings in use: the stored ones with the organisation's hubs merged in (module doc).
/// Without hubs in the policy, the stored settings as they are.
pub fn merge(stored: &Settings, policy: &Policy, choices: &PresetChoices) -> Settings {
    if !policy.sets_hubs() {
        return stored.clone();
    }
    let mut out = stored.clone();
    out.hubs = if policy.locked {
        let mut hubs: Vec<Hub> = policy.hubs.iter().map(|m| with_copy(m, stored)).collect();
        hubs.extend(stored.hubs.iter().filter(|h| !policy.has(&h.url)).cloned());
        hubs
    } else {
        let unseen = policy.hubs.iter().filter(|m| {
            !stored.hubs.iter().any(|h| h.url == m.url) && !choices.removed.contains(&m.url)
        });
        let mut hubs: Vec<Hub> = unseen.cloned().collect();
        hubs.extend(stored.hubs.iter().map(
            |h| match policy.hubs.iter().find(|m| m.url == h.url) {
                Some(m) => with_copy(m, stored),
                None => h.clone(),
            },
        ));
        hubs
    };
    out
}

/// What the stored settings and preset choices become after a front end changed the settings
/// in use into `next` (module doc). Removing a locked hub is refused with a message naming
/// it; a locked policy's hubs come first whatever order `next` has them in.
pub fn store(
    next: &Settings,
    stored: &Settings,
    policy: &Policy,
    choices: &PresetChoices,
) -> Result<(Settings, PresetChoices), Error> {
    if !policy.sets_hubs() {
        return Ok((next.clone(), choices.clone()));
    }
    let mut out = next.clone();
    let mut removed = choices.removed.clone();
    if policy.locked {
        if let Some(gone) = policy
            .hubs
            .iter()
            .find(|m| !next.hubs.iter().any(|h| h.url == m.url))
        {
            return Err(Error::InvalidSettings(format!(
                "hubs: {} is set by your organisation and cannot be removed",
                gone.url
            )));
        }
        let sent_to = |url: &str| next.site_hubs.iter().any(|r| r.hub == url);
        let mut hubs: Vec<Hub> = next
            .hubs
            .iter()
            .filter(|h| !policy.has(&h.url))
            .cloned()
            .collect();
        for m in &policy.hubs {
            if let Some(copy) = stored.hubs.iter().find(|h| h.url == m.url) {
                // The reader's own copy, with what a check found since (when of the same kind).
                let mut copy = copy.clone();
                if let Some(now) = next
                    .hubs
                    .iter()
                    .find(|h| h.url == m.url && h.kind == copy.kind)
                {
                    copy.version.clone_from(&now.version);
                    copy.cors = now.cors;
                }
                hubs.push(copy);
            } else if sent_to(&m.url) {
                hubs.push(m.clone());
            }
        }
        out.hubs = hubs;
    } else {
        let before = merge(stored, policy, choices);
        for m in &policy.hubs {
            let was = before.hubs.iter().any(|h| h.url == m.url);
            let is = next.hubs.iter().any(|h| h.url == m.url);
            if was && !is && !removed.contains(&m.url) {
                removed.push(m.url.clone());
            } else if is {
                removed.retain(|u| *u != m.url);
            }
        }
    }
    // Only presets the policy still names are remembered.
    removed.retain(|u| policy.has(u));
    crate::small::sort_by_key(&mut removed, String::as_str);
    Ok((out, PresetChoices { removed }))
}

/// How a saved hub is managed, for the front ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Managed {
    /// Set by the organisation, and the reader may not remove it nor put another hub first.
    Locked,
    /// Set by the organisation; the reader may order or remove it.
    Preset,
}

/// How `url` is managed under `policy`, if it is.
pub fn managed(policy: &Policy, url: &str) -> Option<Managed> {
    policy.has(url).then_some(if policy.locked {
        Managed::Locked
    } else {
        Managed::Preset
    })
}

/// The saved hubs as the front ends show them ([`crate::hubs::views`]), each marked with how
/// the organisation manages it.
pub fn views(settings: &Settings, policy: &Policy) -> Vec<crate::hubs::HubView> {
    let mut views = crate::hubs::views(settings);
    for v in &mut views {
        v.managed = managed(policy, &v.url);
    }
    views
}

#[cfg(test)]
mod tests;
