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

/// The storage key of the current schema version (`settings.v<N>` in `storage.sync`).
pub const SETTINGS_KEY: &str = "settings.v1";

/// `storage.sync` allows this many bytes per item: the key plus its value as JSON (Chrome and
/// Firefox alike: the e2e tests store 8,192 and see 8,193 refused). The settings are one item,
/// so this is the limit they must fit in.
pub const SYNC_ITEM_BYTES: usize = 8192;

/// `storage.sync` allows this many bytes in all. The settings item alone cannot reach it (it is
/// at most [`SYNC_ITEM_BYTES`]), even beside a newer version's item from another device.
pub const SYNC_TOTAL_BYTES: usize = 102_400;

/// The bytes the settings take in `storage.sync`: the key and the value as compact JSON, in
/// UTF-8 (what the browsers count against [`SYNC_ITEM_BYTES`]).
pub fn stored_size(s: &Settings) -> usize {
    serde_json::to_string(s).map_or(usize::MAX, |j| j.len().saturating_add(SETTINGS_KEY.len()))
}

/// Refuses settings the browser could never store, naming what takes the room.
fn check_fits(s: &Settings) -> Result<(), Error> {
    let size = stored_size(s);
    if size <= SYNC_ITEM_BYTES {
        return Ok(());
    }
    let (sites, hubs) = (json_len(&s.disabled_sites), json_len(&s.hubs));
    let what = if sites >= hubs {
        format!(
            "disabledSites ({} sites) take {sites} bytes",
            s.disabled_sites.len()
        )
    } else {
        format!("hubs ({} hubs) take {hubs} bytes", s.hubs.len())
    };
    Err(Error::InvalidSettings(format!(
        "too large to store: {size} bytes, and the browser's sync storage allows {SYNC_ITEM_BYTES} per item; {what}"
    )))
}

/// The length of a field as JSON, for the size message.
fn json_len<T: Serialize>(v: &T) -> usize {
    serde_json::to_string(v).map_or(0, |j| j.len())
}

/// A field as JSON text, for [`Change`].
fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// Validates settings JSON of the current version, normalising URLs and host names, and
/// refuses settings too large for the browser's sync storage. This is what every save goes
/// through. The message names the offending field; nothing partially valid is returned.
pub fn validate(json: &str) -> Result<Settings, Error> {
    let s: Settings =
        serde_json::from_str(json).map_err(|e| Error::InvalidSettings(e.to_string()))?;
    let s = check(s)?;
    check_fits(&s)?;
    Ok(s)
}

/// A hub checked and normalised (its URL as a base ending in `/`).
fn check_hub(mut hub: Hub) -> Result<Hub, String> {
    hub.url = crate::detect::hub_base(&hub.url).map_err(|e| format!("url: {e}"))?;
    if hub.name.trim().is_empty() {
        return Err("name is empty".into());
    }
    Ok(hub)
}

/// A turned-off site as a host name (`https://Example.org/page` is `example.org`).
fn check_site(site: &str) -> Result<String, String> {
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
        return Err(format!("'{site}' is not a host name"));
    }
    Ok(host)
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
    for (i, hub) in std::mem::take(&mut s.hubs).into_iter().enumerate() {
        let hub = check_hub(hub).map_err(|e| Error::InvalidSettings(format!("hubs[{i}].{e}")))?;
        if !seen.insert(hub.url.clone()) {
            return Err(Error::InvalidSettings(format!(
                "hubs[{i}].url {} is listed twice",
                hub.url
            )));
        }
        s.hubs.push(hub);
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
        *site = check_site(site)
            .map_err(|e| Error::InvalidSettings(format!("disabledSites[{i}] {e}")))?;
    }
    s.disabled_sites.sort();
    s.disabled_sites.dedup();
    Ok(s)
}

/// The schema version of a settings object, from its members. `version` absent or `null` is
/// version 0 only when the object looks like version 0 (it has `hub`): any other JSON object
/// is not settings.
fn version_of(members: &[(String, &str)]) -> Result<u32, Error> {
    let raw = members
        .iter()
        .find(|(k, _)| k == "version")
        .map(|(_, v)| *v);
    let version = match raw {
        None => None,
        Some(v) => serde_json::from_str::<Option<u32>>(v).map_err(|_| {
            Error::InvalidSettings(format!("version {v} is not a schema version number"))
        })?,
    };
    match version {
        Some(v) if v > SETTINGS_VERSION => Err(Error::InvalidSettings(format!(
            "version {v} is newer than this extension understands ({SETTINGS_VERSION}); update the extension"
        ))),
        Some(v) => Ok(v),
        None if members.iter().any(|(k, _)| k == "hub") => Ok(0),
        None => Err(Error::InvalidSettings(
            "not byob settings: no version, and no hub as version 0 had".into(),
        )),
    }
}

/// The members of a settings file, or why it is not a JSON object.
fn members_of(json: &str) -> Result<Vec<(String, &str)>, Error> {
    raw::members(json).ok_or_else(|| Error::InvalidSettings("not a json object".into()))
}

/// Version 0 (`{"hub": "<url>", "hubKind": "<kind>"}`) as current settings.
fn from_v0(members: &[(String, &str)]) -> Result<Settings, Error> {
    let field = |name: &str| members.iter().find(|(k, _)| k == name).map(|(_, v)| *v);
    let hub: Option<String> = match field("hub") {
        Some(v) => {
            serde_json::from_str(v).map_err(|e| Error::InvalidSettings(format!("hub: {e}")))?
        }
        None => None,
    };
    let kind: Option<HubKind> = match field("hubKind") {
        Some(v) => {
            serde_json::from_str(v).map_err(|e| Error::InvalidSettings(format!("hubKind: {e}")))?
        }
        None => None,
    };
    let mut s = Settings::default();
    if let Some(hub) = hub {
        let url = crate::detect::hub_base(&hub)
            .map_err(|e| Error::InvalidSettings(format!("hub: {e}")))?;
        s.hubs.push(Hub {
            name: host_name(&url),
            url: url.clone(),
            kind: kind.unwrap_or(HubKind::Unknown),
            version: None,
            cors: None,
        });
        s.active_hub = Some(url);
    }
    Ok(s)
}

/// Migrates stored settings JSON of any known version to the current one, then checks it.
/// Version 0 (no `version` field, a `hub`) was `{"hub": "<url>", "hubKind": "<kind>"}`; an
/// object with neither `version` nor `hub` is refused, never read as empty settings. Stored
/// settings are not held to the storage limits (the browser stored them): only saving is.
pub fn migrate(json: &str) -> Result<Settings, Error> {
    let members = members_of(json)?;
    match version_of(&members)? {
        0 => check(from_v0(&members)?),
        _ => {
            let s: Settings =
                serde_json::from_str(json).map_err(|e| Error::InvalidSettings(e.to_string()))?;
            check(s)
        }
    }
}

/// One setting an import would change: `field` (`hubs[<url>]` for one hub), its value now and
/// after, as JSON text (`null` for a hub the import adds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The setting.
    pub field: String,
    /// Its value now, as JSON.
    pub from: String,
    /// Its value after the import, as JSON.
    pub to: String,
}

/// A part of an imported file that is not taken, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    /// Where in the file (`hubs[2]`, `mode`, `extra`).
    pub field: String,
    /// Why (lowercase, names what is wrong).
    pub reason: String,
}

/// What importing a file would do: the settings after it, each change, each refusal. Nothing
/// the file does not (validly) set is touched: hubs are added or updated, never removed;
/// turned-off sites are added to those already off; a file without an active hub keeps the
/// one in use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Import {
    /// The settings after the import (valid, and small enough to store).
    pub settings: Settings,
    /// What would change.
    pub changes: Vec<Change>,
    /// What the file holds that is not taken, and why.
    pub refused: Vec<Refusal>,
}

/// Reads one part of a file as `T`, the error as text (without serde's position in the part,
/// which means nothing to the reader: the field is named instead).
fn read<'a, T: Deserialize<'a>>(raw: &'a str) -> Result<T, String> {
    serde_json::from_str(raw).map_err(|e| {
        let text = e.to_string();
        let at = format!(" at line {} column {}", e.line(), e.column());
        text.strip_suffix(&at).map_or(text.clone(), str::to_string)
    })
}

/// Previews importing `file` (settings JSON of any known version, as exported) over the
/// settings in use. Each field of the file is taken on its own: a bad one is refused with the
/// reason and the rest is still taken. A file that is not settings at all, or from a newer
/// version, or whose result could not be stored, is an error and changes nothing.
pub fn import(current: &Settings, file: &str) -> Result<Import, Error> {
    let members = members_of(file)?;
    let version = version_of(&members)?;
    let mut refused = Vec::new();
    let mut next = current.clone();
    if version == 0 {
        let v0 = from_v0(&members).map_err(|e| match e {
            Error::InvalidSettings(m) => Error::InvalidSettings(format!("version 0: {m}")),
            other => other,
        })?;
        merge_hubs(&mut next, v0.hubs);
        next.active_hub = v0.active_hub.or(next.active_hub);
        return finish(current, next, refused);
    }
    let mut refuse = |field: String, reason: String| refused.push(Refusal { field, reason });
    // Hubs first: activeHub must name one of them.
    if let Some((_, raw)) = members.iter().find(|(k, _)| k == "hubs") {
        match raw::elements(raw) {
            None => refuse("hubs".into(), format!("not a list: {raw}")),
            Some(items) => {
                let mut taken: Vec<Hub> = Vec::new();
                for (i, item) in items.into_iter().enumerate() {
                    match read::<Hub>(item).and_then(check_hub) {
                        Err(e) => refuse(format!("hubs[{i}]"), e),
                        Ok(h) if taken.iter().any(|t| t.url == h.url) => {
                            refuse(format!("hubs[{i}]"), format!("{} is listed twice", h.url))
                        }
                        Ok(h) => taken.push(h),
                    }
                }
                merge_hubs(&mut next, taken);
            }
        }
    }
    for (key, raw) in &members {
        let taken: Result<(), String> = match key.as_str() {
            "version" | "hubs" => Ok(()),
            "activeHub" => read::<Option<String>>(raw).and_then(|url| match url {
                // No active hub in the file (a fresh export): keep the one in use.
                None => Ok(()),
                Some(u) => {
                    let u = crate::detect::hub_base(&u).map_err(|e| e.to_string())?;
                    if next.hubs.iter().any(|h| h.url == u) {
                        next.active_hub = Some(u);
                        Ok(())
                    } else {
                        Err(format!("{u} is not one of the hubs"))
                    }
                }
            }),
            "interface" => read(raw).map(|v| next.interface = v),
            "linkKinds" => read(raw).map(|v| next.link_kinds = v),
            "mode" => read(raw).map(|v| next.mode = v),
            "envRepo" => read::<Option<String>>(raw).and_then(|v| {
                match v.filter(|e| !e.trim().is_empty()) {
                    None => next.env_repo = None,
                    Some(e) => {
                        parse_env_repo(&e).map_err(|err| err.to_string())?;
                        next.env_repo = Some(e.trim().to_string());
                    }
                }
                Ok(())
            }),
            "disabledSites" => match raw::elements(raw) {
                None => Err(format!("not a list: {raw}")),
                Some(items) => {
                    for (i, item) in items.into_iter().enumerate() {
                        match read::<String>(item)
                            .map_err(|_| format!("not a host name: {item}"))
                            .and_then(|s| check_site(&s))
                        {
                            Ok(host) => next.disabled_sites.push(host),
                            Err(e) => refuse(format!("disabledSites[{i}]"), e),
                        }
                    }
                    Ok(())
                }
            },
            _ => Err("not a setting of this extension".into()),
        };
        if let Err(reason) = taken {
            refuse(key.clone(), reason);
        }
    }
    finish(current, next, refused)
}

/// The hubs of a file first (in its order), then those in use that it does not name.
fn merge_hubs(s: &mut Settings, mut taken: Vec<Hub>) {
    let kept: Vec<Hub> = std::mem::take(&mut s.hubs)
        .into_iter()
        .filter(|h| !taken.iter().any(|t| t.url == h.url))
        .collect();
    taken.extend(kept);
    s.hubs = taken;
}

/// The merged settings checked as a whole (and against the storage limits), with the changes.
fn finish(current: &Settings, next: Settings, refused: Vec<Refusal>) -> Result<Import, Error> {
    let next = check(next)?;
    check_fits(&next)?;
    Ok(Import {
        changes: changes(current, &next),
        settings: next,
        refused,
    })
}

/// Every difference between two settings, one per hub and one per other field.
fn changes(before: &Settings, after: &Settings) -> Vec<Change> {
    let mut out = Vec::new();
    for hub in &after.hubs {
        let old = before.hubs.iter().find(|h| h.url == hub.url);
        if old != Some(hub) {
            out.push(Change {
                field: format!("hubs[{}]", hub.url),
                from: json(&old),
                to: json(hub),
            });
        }
    }
    let fields: [(&str, String, String); 6] = [
        (
            "activeHub",
            json(&before.active_hub),
            json(&after.active_hub),
        ),
        ("interface", json(&before.interface), json(&after.interface)),
        ("envRepo", json(&before.env_repo), json(&after.env_repo)),
        (
            "linkKinds",
            json(&before.link_kinds),
            json(&after.link_kinds),
        ),
        ("mode", json(&before.mode), json(&after.mode)),
        (
            "disabledSites",
            json(&before.disabled_sites),
            json(&after.disabled_sites),
        ),
    ];
    for (field, from, to) in fields {
        if from != to {
            out.push(Change {
                field: field.to_string(),
                from,
                to,
            });
        }
    }
    out
}

/// The top-level parts of JSON text as raw text: the members of an object, the elements of an
/// array. Each part is then read on its own with serde_json, so one bad part is refused alone;
/// serde_json's dynamic `Value` would do the same for about 19 KB more of gzipped Wasm.
/// Positions are only ever taken at ASCII bytes, so every slice is on a character boundary.
mod raw {
    fn skip_ws(b: &[u8], mut i: usize) -> usize {
        while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
        }
        i
    }

    /// Just past the string whose opening quote is at `i`.
    fn string_end(b: &[u8], i: usize) -> Option<usize> {
        let mut i = i + 1;
        while i < b.len() {
            match b[i] {
                b'\\' => i += 2,
                b'"' => return Some(i + 1),
                _ => i += 1,
            }
        }
        None
    }

    /// Just past the value starting at `i` (no leading whitespace). Its text is not checked
    /// here: the part is read with serde_json afterwards.
    fn value_end(b: &[u8], mut i: usize) -> Option<usize> {
        match *b.get(i)? {
            b'"' => string_end(b, i),
            b'{' | b'[' => {
                let mut depth = 0usize;
                while i < b.len() {
                    match b[i] {
                        b'"' => {
                            i = string_end(b, i)?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth = depth.checked_sub(1)?;
                            if depth == 0 {
                                return Some(i + 1);
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                None
            }
            _ => {
                let start = i;
                while i < b.len()
                    && !matches!(b[i], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                {
                    i += 1;
                }
                (i > start).then_some(i)
            }
        }
    }

    /// A part of an object or array: the span of its key (objects) and of its value.
    type Part = (Option<(usize, usize)>, usize, usize);

    /// The parts between `open` and `close` (`{…}` with `"key": value` members, or `[…]`).
    fn parts(text: &str, open: u8, close: u8) -> Option<Vec<Part>> {
        let b = text.as_bytes();
        let mut i = skip_ws(b, 0);
        if b.get(i) != Some(&open) {
            return None;
        }
        i = skip_ws(b, i + 1);
        let mut out = Vec::new();
        if b.get(i) == Some(&close) {
            return (skip_ws(b, i + 1) == b.len()).then_some(out);
        }
        loop {
            let key = if open == b'{' {
                if b.get(i) != Some(&b'"') {
                    return None;
                }
                let end = string_end(b, i)?;
                let colon = skip_ws(b, end);
                if b.get(colon) != Some(&b':') {
                    return None;
                }
                let key = (i, end);
                i = skip_ws(b, colon + 1);
                Some(key)
            } else {
                None
            };
            let end = value_end(b, i)?;
            out.push((key, i, end));
            i = skip_ws(b, end);
            match *b.get(i)? {
                b',' => i = skip_ws(b, i + 1),
                c if c == close => return (skip_ws(b, i + 1) == b.len()).then_some(out),
                _ => return None,
            }
        }
    }

    /// The members of a JSON object as (key, raw value), in order; None when `text` is not one.
    pub fn members(text: &str) -> Option<Vec<(String, &str)>> {
        let mut out = Vec::new();
        for (key, start, end) in parts(text, b'{', b'}')? {
            let (key_start, key_end) = key?;
            out.push((
                serde_json::from_str(&text[key_start..key_end]).ok()?,
                &text[start..end],
            ));
        }
        Some(out)
    }

    /// The elements of a JSON array as raw text; None when `text` is not one.
    pub fn elements(text: &str) -> Option<Vec<&str>> {
        Some(
            parts(text, b'[', b']')?
                .into_iter()
                .map(|(_, start, end)| &text[start..end])
                .collect(),
        )
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
        assert!(migrate(r#"{"version": 9}"#)
            .unwrap_err()
            .to_string()
            .contains("newer"));
        assert_eq!(
            migrate("[1]").unwrap_err().to_string(),
            "invalid settings: not a json object"
        );
    }

    fn hub(url: &str) -> serde_json::Value {
        json!({"url": url, "name": url.trim_start_matches("https://").trim_end_matches('/'), "kind": "jupyterhub"})
    }

    fn current() -> Settings {
        let mut v = serde_json::to_value(Settings::default()).unwrap();
        v["hubs"] = json!([hub("https://a.example.edu/"), hub("https://b.example.edu/")]);
        v["activeHub"] = json!("https://b.example.edu/");
        v["disabledSites"] = json!(["off.example.org"]);
        validate(&v.to_string()).unwrap()
    }

    #[test]
    fn a_json_object_without_version_is_not_read_as_version_0() {
        for json in [
            "{}",
            r#"{"version": null}"#,
            r#"{"hubs": [], "mode": "private"}"#,
        ] {
            assert_eq!(
                migrate(json).unwrap_err().to_string(),
                "invalid settings: not byob settings: no version, and no hub as version 0 had",
                "{json}"
            );
        }
        // Version 0 looks like version 0: it has a hub.
        let s = migrate(r#"{"version": null, "hub": "hub.example.edu"}"#).unwrap();
        assert_eq!(s.active_hub.as_deref(), Some("https://hub.example.edu/"));
        assert_eq!(
            migrate(r#"{"version": "1"}"#).unwrap_err().to_string(),
            r#"invalid settings: version "1" is not a schema version number"#
        );
    }

    #[test]
    fn an_import_never_wipes_settings() {
        let now = current();
        // Not settings at all, or from a newer version: an error, nothing to apply.
        for (file, message) in [
            (
                "{}",
                "not byob settings: no version, and no hub as version 0 had",
            ),
            (
                r#"{"version": null}"#,
                "not byob settings: no version, and no hub as version 0 had",
            ),
            (
                r#"{"version": 2, "hubs": []}"#,
                "version 2 is newer than this extension understands (1); update the extension",
            ),
            ("[1]", "not a json object"),
        ] {
            assert_eq!(
                import(&now, file).unwrap_err().to_string(),
                format!("invalid settings: {message}"),
                "{file}"
            );
        }
        // A file with one good hub, bad parts and an unknown field: the good part is taken,
        // each bad part refused with its reason, everything else kept.
        let file = json!({
            "version": 1,
            "hubs": [hub("https://c.example.edu/"), {"url": "ftp://x", "name": "x", "kind": "jupyterhub"}, hub("https://b.example.edu")],
            "activeHub": "https://gone.example.edu/",
            "mode": "loud",
            "interface": "lab",
            "disabledSites": ["new.example.org", 5],
            "extra": true
        });
        let preview = import(&now, &file.to_string()).unwrap();
        let urls: Vec<&str> = preview
            .settings
            .hubs
            .iter()
            .map(|h| h.url.as_str())
            .collect();
        assert_eq!(
            urls,
            [
                "https://c.example.edu/",
                "https://b.example.edu/",
                "https://a.example.edu/"
            ]
        );
        assert_eq!(preview.settings.active_hub, now.active_hub);
        assert_eq!(preview.settings.mode, Mode::Rewrite);
        assert_eq!(preview.settings.interface, Interface::Lab);
        assert_eq!(
            preview.settings.disabled_sites,
            ["new.example.org", "off.example.org"]
        );
        let refused: Vec<(String, String)> = preview
            .refused
            .iter()
            .map(|r| (r.field.clone(), r.reason.clone()))
            .collect();
        assert_eq!(
            refused,
            [
                (
                    "hubs[1]".into(),
                    "url: invalid hub url: 'ftp://x': only http and https hubs are supported"
                        .into()
                ),
                (
                    "activeHub".into(),
                    "https://gone.example.edu/ is not one of the hubs".into()
                ),
                ("disabledSites[1]".into(), "not a host name: 5".into()),
                ("extra".into(), "not a setting of this extension".into()),
                (
                    "mode".into(),
                    "unknown variant `loud`, expected `rewrite` or `private`".into()
                ),
            ]
        );
        let changed: Vec<&str> = preview.changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(
            changed,
            ["hubs[https://c.example.edu/]", "interface", "disabledSites"]
        );
        assert_eq!(preview.changes[0].from, "null");
        assert_eq!(preview.changes[1].to, r#""lab""#);
        // The result is valid settings, ready to save.
        assert_eq!(
            validate(&serde_json::to_string(&preview.settings).unwrap()).unwrap(),
            preview.settings
        );
    }

    #[test]
    fn an_export_imported_back_restores_what_was_removed_and_changes_nothing_else() {
        let now = current();
        let exported = serde_json::to_string(&now).unwrap();
        let mut fewer = now.clone();
        fewer.hubs.retain(|h| h.url != "https://a.example.edu/");
        let preview = import(&fewer, &exported).unwrap();
        assert_eq!(preview.settings, now);
        assert!(preview.refused.is_empty());
        assert_eq!(preview.changes.len(), 1);
        assert!(import(&now, &exported).unwrap().changes.is_empty());
        // Version 0 files import their hub.
        let v0 = import(
            &now,
            r#"{"hub": "https://d.example.edu/hub/home", "hubKind": "binderhub"}"#,
        )
        .unwrap();
        assert_eq!(
            v0.settings.active_hub.as_deref(),
            Some("https://d.example.edu/")
        );
        assert_eq!(v0.settings.hubs.len(), 3);
    }

    #[test]
    fn settings_too_large_for_sync_storage_are_refused_before_saving() {
        let mut v = serde_json::to_value(Settings::default()).unwrap();
        let sites: Vec<String> = (0..300)
            .map(|i| format!("site-{i:03}.books.example.org"))
            .collect();
        v["disabledSites"] = json!(sites);
        assert_eq!(
            validate(&v.to_string()).unwrap_err().to_string(),
            "invalid settings: too large to store: 8882 bytes, and the browser's sync storage allows 8192 per item; disabledSites (300 sites) take 8701 bytes"
        );
        // What the browser counts: the key and the compact JSON value.
        let fewer: Vec<String> = sites[..200].to_vec();
        v["disabledSites"] = json!(fewer);
        let s = validate(&v.to_string()).unwrap();
        assert_eq!(stored_size(&s), SETTINGS_KEY.len() + v.to_string().len());
        assert!(stored_size(&s) <= SYNC_ITEM_BYTES);
        // Stored settings are read whatever their size (the browser stored them).
        v["disabledSites"] = json!(sites);
        assert_eq!(migrate(&v.to_string()).unwrap().disabled_sites.len(), 300);
        // An import whose result could not be stored changes nothing.
        let file = json!({"version": 1, "disabledSites": sites});
        assert!(import(&Settings::default(), &file.to_string())
            .unwrap_err()
            .to_string()
            .contains("too large to store"));
    }

    #[test]
    fn files_are_split_into_parts_without_being_misread() {
        let m = raw::members(r#" {"a": "x}\"]", "b" : [1, {"c": "]"}], "é": null} "#).unwrap();
        let got: Vec<(&str, &str)> = m.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        assert_eq!(
            got,
            [
                ("a", r#""x}\"]""#),
                ("b", r#"[1, {"c": "]"}]"#),
                ("é", "null")
            ]
        );
        assert_eq!(
            raw::elements(r#"[ "a,b" , {"x": [1]} ,3 ]"#).unwrap(),
            [r#""a,b""#, r#"{"x": [1]}"#, "3"]
        );
        assert_eq!(raw::elements("[]").unwrap(), Vec::<&str>::new());
        for bad in [
            "",
            "{",
            r#"{"a" 1}"#,
            r#"{"a": 1,}"#,
            r#"{"a": 1} x"#,
            "[1 2]",
            r#"{"a": "x}"#,
            "[1",
            "{]",
        ] {
            assert!(
                raw::members(bad).is_none() && raw::elements(bad).is_none(),
                "{bad}"
            );
        }
        assert_eq!(
            import(&Settings::default(), r#"{"version": 1, "mode": "private""#)
                .unwrap_err()
                .to_string(),
            "invalid settings: not a json object"
        );
    }
}
