//! The extension's settings: schema (version 2), defaults, validation with messages that name
//! the field, the `storage.sync` size limits, migration from every older version, and `import`
//! (a file previewed field by field). The UI never stores a value this module has not
//! validated.
//!
//! Version 2 (docs/contracts.md "Settings") orders the saved hubs: links go to the first, and,
//! with `fallback` on, to the first in that order that is up and can launch them
//! (`crate::routes`). `siteHubs` chooses a hub for a site; `disabledSites` leaves a site's links
//! alone. Version 1 had one `activeHub` instead of an order: migrating puts it first and keeps
//! the others in their order.
//!
//! Room for an institution's managed layer (issue 12 part 4): managed hubs are never stored
//! here. They are merged in at read time from the browser's managed storage; the stored
//! `hubs` are the reader's own, so nothing the reader stores can remove or reorder a hub the
//! policy locks.

use crate::detect::HubKind;
use crate::render::{parse_env_repo, Interface, LinkKinds, Target};
use crate::Error;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub(crate) mod read;
pub use read::settings_from_json;
use read::{bool_at, opt_string_at, string_at};

/// The schema version this build writes.
pub const SETTINGS_VERSION: u32 = 2;

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

/// A site whose launch links go to a chosen hub ("on this site, use &lt;hub&gt;").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SiteHub {
    /// A host name: the rule covers it and its subdomains.
    pub site: String,
    /// The URL of one of the saved hubs.
    pub hub: String,
}

/// Everything the reader configures. Serialised as the `Settings` JSON of docs/contracts.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Settings {
    /// The schema version.
    pub version: u32,
    /// Saved hubs, in the reader's order: links go to the first (the hub in use).
    pub hubs: Vec<Hub>,
    /// When the hub a link would go to is down or cannot launch it, use the next hub in order
    /// that is up and can.
    pub fallback: bool,
    /// Sites whose links go to a hub of their own (it comes first for them).
    pub site_hubs: Vec<SiteHub>,
    /// The interface preference.
    pub interface: Interface,
    /// The environment repository for nbgitpuller content on a BinderHub.
    pub env_repo: Option<String>,
    /// Which link kinds to relaunch.
    pub link_kinds: LinkKinds,
    /// Rewrite hrefs, or redirect clicks privately.
    pub mode: Mode,
    /// Host names where the extension leaves the links alone.
    pub disabled_sites: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            version: SETTINGS_VERSION,
            hubs: Vec::new(),
            fallback: true,
            site_hubs: Vec::new(),
            interface: Interface::Follow,
            env_repo: None,
            link_kinds: LinkKinds::default(),
            mode: Mode::Rewrite,
            disabled_sites: Vec::new(),
        }
    }
}

impl Settings {
    /// The hub in use: the first in the reader's order.
    pub fn first_hub(&self) -> Option<&Hub> {
        self.hubs.first()
    }

    /// The target links are rewritten for when every hub is up: the first hub, if it can launch.
    pub fn active_target(&self) -> Option<Target> {
        self.target_of(self.first_hub()?)
    }

    /// The target of a saved hub with the reader's preferences, or `None` when its kind cannot
    /// launch (an API-only BinderHub service, an unknown kind).
    pub fn target_of(&self, hub: &Hub) -> Option<Target> {
        let mut target = Target::new(crate::hubs::target_kind(hub.kind)?, &hub.url)
            .ok()?
            .with_env_repo(self.env_repo.as_deref())
            .ok()?;
        target.interface = self.interface;
        target.link_kinds = self.link_kinds;
        Some(target)
    }
}

/// The storage key of the current schema version (`settings.v<N>` in `storage.sync`).
pub const SETTINGS_KEY: &str = "settings.v2";

/// `storage.sync` allows this many bytes per item: the key plus its value as JSON (Chrome and
/// Firefox alike: the e2e tests store 8,192 and see 8,193 refused). The settings are one item,
/// so this is the limit they must fit in.
pub const SYNC_ITEM_BYTES: usize = 8192;

/// `storage.sync` allows this many bytes in all. The settings item alone cannot reach it (it is
/// at most [`SYNC_ITEM_BYTES`]), even beside another version's item from another device.
pub const SYNC_TOTAL_BYTES: usize = 102_400;

/// The bytes the settings take in `storage.sync`: the key and the value as compact JSON, in
/// UTF-8 (what the browsers count against [`SYNC_ITEM_BYTES`]).
pub fn stored_size(s: &Settings) -> usize {
    crate::json_out::to_string(s).map_or(usize::MAX, |j| j.len().saturating_add(SETTINGS_KEY.len()))
}

/// Refuses settings the browser could never store, naming what takes the room.
fn check_fits(s: &Settings) -> Result<(), Error> {
    let size = stored_size(s);
    if size <= SYNC_ITEM_BYTES {
        return Ok(());
    }
    let parts = [
        (
            json_len(&s.disabled_sites),
            format!("disabledSites ({} sites)", s.disabled_sites.len()),
        ),
        (json_len(&s.hubs), format!("hubs ({} hubs)", s.hubs.len())),
        (
            json_len(&s.site_hubs),
            format!("siteHubs ({} sites)", s.site_hubs.len()),
        ),
    ];
    let (bytes, what) = parts
        .iter()
        .max_by_key(|(bytes, _)| *bytes)
        .map_or((0, String::new()), |(b, w)| (*b, w.clone()));
    Err(Error::InvalidSettings(format!(
        "too large to store: {size} bytes, and the browser's sync storage allows {SYNC_ITEM_BYTES} per item; {what} take {bytes} bytes"
    )))
}

/// The length of a field as JSON, for the size message.
fn json_len<T: Serialize>(v: &T) -> usize {
    crate::json_out::to_string(v).map_or(0, |j| j.len())
}

/// A field as JSON text, for [`Change`].
fn json<T: Serialize>(v: &T) -> String {
    crate::json_out::to_string(v).unwrap_or_default()
}

/// Validates settings JSON of the current version, normalising URLs and host names, and
/// refuses settings too large for the browser's sync storage. This is what every save goes
/// through. The message names the offending field; nothing partially valid is returned.
pub fn validate(json: &str) -> Result<Settings, Error> {
    let s = settings_from_json(json).map_err(Error::InvalidSettings)?;
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

/// A site as a host name (`https://Example.org/page` is `example.org`).
pub(crate) fn check_site(site: &str) -> Result<String, String> {
    let host = site.trim().to_ascii_lowercase();
    let host = host
        .split("://")
        .last()
        .unwrap_or_default()
        .split('/')
        .next()
        .unwrap_or_default()
        .trim_start_matches("*.")
        .trim_end_matches('.')
        .to_string();
    if host.is_empty() || host.contains(char::is_whitespace) {
        return Err(format!("'{site}' is not a host name"));
    }
    Ok(host)
}

/// A site's hub rule checked against the saved hubs (`urls`), normalised.
fn check_site_hub(rule: SiteHub, urls: &[String]) -> Result<SiteHub, String> {
    let site = check_site(&rule.site).map_err(|e| format!("site {e}"))?;
    let hub = crate::detect::hub_base(&rule.hub).map_err(|e| format!("hub: {e}"))?;
    if !urls.contains(&hub) {
        return Err(format!("hub {hub} is not one of hubs"));
    }
    Ok(SiteHub { site, hub })
}

/// Checks and normalises settings of the current version.
fn check(mut s: Settings) -> Result<Settings, Error> {
    if s.version != SETTINGS_VERSION {
        return Err(Error::InvalidSettings(format!(
            "version {} is not {SETTINGS_VERSION}; migrate first",
            s.version
        )));
    }
    let mut urls: Vec<String> = Vec::new();
    for (i, hub) in std::mem::take(&mut s.hubs).into_iter().enumerate() {
        let hub = check_hub(hub).map_err(|e| Error::InvalidSettings(format!("hubs[{i}].{e}")))?;
        if urls.contains(&hub.url) {
            return Err(Error::InvalidSettings(format!(
                "hubs[{i}].url {} is listed twice",
                hub.url
            )));
        }
        urls.push(hub.url.clone());
        s.hubs.push(hub);
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
    crate::small::sort_by_key(&mut s.disabled_sites, String::as_str);
    s.disabled_sites.dedup();
    let mut sites: Vec<SiteHub> = Vec::new();
    for (i, rule) in std::mem::take(&mut s.site_hubs).into_iter().enumerate() {
        let rule = check_site_hub(rule, &urls)
            .map_err(|e| Error::InvalidSettings(format!("siteHubs[{i}].{e}")))?;
        if sites.iter().any(|r| r.site == rule.site) {
            return Err(Error::InvalidSettings(format!(
                "siteHubs[{i}].site {} is listed twice",
                rule.site
            )));
        }
        if s.disabled_sites.contains(&rule.site) {
            return Err(Error::InvalidSettings(format!(
                "siteHubs[{i}].site {} is also in disabledSites: its links are either left alone or sent to a hub",
                rule.site
            )));
        }
        sites.push(rule);
    }
    crate::small::sort_by_key(&mut sites, |r| r.site.as_str());
    s.site_hubs = sites;
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
        Some(v) => {
            let not_a_version =
                || Error::InvalidSettings(format!("version {v} is not a schema version number"));
            match read::part(v) {
                Ok(Value::Null) => None,
                Ok(Value::Number(n)) if !n.is_f64() => Some(
                    n.as_u64()
                        .and_then(|n| u32::try_from(n).ok())
                        .ok_or_else(not_a_version)?,
                ),
                _ => return Err(not_a_version()),
            }
        }
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
            read_part(v, opt_string_at).map_err(|e| Error::InvalidSettings(format!("hub: {e}")))?
        }
        None => None,
    };
    let kind: Option<HubKind> = match field("hubKind") {
        Some(v) => read_part(v, |v, at| match v {
            Value::Null => Ok(None),
            other => read::hub_kind_at(other, at).map(Some),
        })
        .map_err(|e| Error::InvalidSettings(format!("hubKind: {e}")))?,
        None => None,
    };
    let mut s = Settings::default();
    if let Some(hub) = hub {
        let url = crate::detect::hub_base(&hub)
            .map_err(|e| Error::InvalidSettings(format!("hub: {e}")))?;
        s.hubs.push(Hub {
            name: crate::hubs::display_name(&url),
            url,
            kind: kind.unwrap_or(HubKind::Unknown),
            version: None,
            cors: None,
        });
    }
    Ok(s)
}

/// Version 1: one active hub among the saved ones (no order, no fallback, no per-site hubs).
struct V1 {
    version: u32,
    hubs: Vec<Hub>,
    active_hub: Option<String>,
    interface: Interface,
    env_repo: Option<String>,
    link_kinds: LinkKinds,
    mode: Mode,
    disabled_sites: Vec<String>,
}

impl V1 {
    /// As version 2: the active hub first, the others in their order; fallback on (a reader
    /// with one hub sees no difference; one with several is no longer stranded when the first
    /// is down); no per-site hubs yet. Every other field as it was.
    fn into_current(self) -> Result<Settings, Error> {
        debug_assert_eq!(self.version, 1);
        let mut hubs = self.hubs;
        if let Some(active) = &self.active_hub {
            let active = crate::detect::hub_base(active)
                .map_err(|e| Error::InvalidSettings(format!("activeHub: {e}")))?;
            let at = hubs
                .iter()
                .position(|h| crate::detect::hub_base(&h.url).ok().as_ref() == Some(&active))
                .ok_or_else(|| {
                    Error::InvalidSettings(format!("activeHub {active} is not one of hubs"))
                })?;
            let first = hubs.remove(at);
            hubs.insert(0, first);
        }
        Ok(Settings {
            version: SETTINGS_VERSION,
            hubs,
            fallback: true,
            site_hubs: Vec::new(),
            interface: self.interface,
            env_repo: self.env_repo,
            link_kinds: self.link_kinds,
            mode: self.mode,
            disabled_sites: self.disabled_sites,
        })
    }
}

/// Migrates stored settings JSON of any known version to the current one, then checks it.
/// Version 0 (no `version` field, a `hub`) was `{"hub": "<url>", "hubKind": "<kind>"}`; an
/// object with neither `version` nor `hub` is refused, never read as empty settings. Version 1
/// had an `activeHub`: it becomes the first hub. Stored settings are not held to the storage
/// limits (the browser stored them): only saving is.
pub fn migrate(json: &str) -> Result<Settings, Error> {
    let members = members_of(json)?;
    let version = version_of(&members)?;
    if version == 0 {
        return check(from_v0(&members)?);
    }
    let value = read::parse(json).map_err(|e| Error::InvalidSettings(e.to_string()))?;
    match version {
        1 => check(
            read::v1_at(&value)
                .map_err(Error::InvalidSettings)?
                .into_current()?,
        ),
        _ => check(read::settings_at(&value, "").map_err(Error::InvalidSettings)?),
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
/// turned-off sites and per-site hubs are added to those there are; a version 1 file without
/// an active hub keeps the hub in use first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Import {
    /// The settings after the import (valid, and small enough to store).
    pub settings: Settings,
    /// What would change.
    pub changes: Vec<Change>,
    /// What the file holds that is not taken, and why.
    pub refused: Vec<Refusal>,
}

/// Reads one part of a file (a member's JSON text) with `read`, the error as text (without
/// serde's position in the part, which means nothing to the reader: the field is named
/// instead; a path inside the part is named from the part).
fn read_part<T>(raw: &str, read: impl Fn(&Value, &str) -> Result<T, String>) -> Result<T, String> {
    read::part(raw).and_then(|v| read(&v, ""))
}

/// Moves the hub at `url` to the front, when it is saved.
fn put_first(s: &mut Settings, url: &str) -> bool {
    match s.hubs.iter().position(|h| h.url == url) {
        Some(at) => {
            let hub = s.hubs.remove(at);
            s.hubs.insert(0, hub);
            true
        }
        None => false,
    }
}

/// Previews importing `file` (settings JSON of any known version, as exported) over the
/// settings in use. Each field of the file is taken on its own: a bad one is refused with the
/// reason and the rest is still taken. A file that is not settings at all, or from a newer
/// version, or whose result could not be stored, is an error and changes nothing.
///
/// Hubs: the file's come first, in its order (a version 2 file's first hub is the one it
/// uses), then those in use that it does not name; a version 1 file's `activeHub` is put
/// first, and without one the hub in use stays first.
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
        return finish(current, next, refused);
    }
    let mut refuse = |field: String, reason: String| refused.push(Refusal { field, reason });
    // Hubs first: activeHub and siteHubs must name one of them.
    if let Some((_, raw)) = members.iter().find(|(k, _)| k == "hubs") {
        match raw::elements(raw) {
            None => refuse("hubs".into(), format!("not a list: {raw}")),
            Some(items) => {
                let mut taken: Vec<Hub> = Vec::new();
                for (i, item) in items.into_iter().enumerate() {
                    match read_part(item, read::hub_at).and_then(check_hub) {
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
    // Version 1 named its active hub apart from the order: without a valid one in the file,
    // the hub in use stays first.
    if version == 1 {
        if let Some(first) = current.hubs.first() {
            put_first(&mut next, &first.url);
        }
    }
    // A site the file turns off is no longer sent to a hub here, and one it sends to a hub is
    // no longer off: the file's choice for a site replaces the one in use. A file that both
    // turns a site off and sends it to a hub is read as turning it off.
    let file_off: Vec<String> = members
        .iter()
        .find(|(k, _)| k == "disabledSites")
        .and_then(|(_, raw)| raw::elements(raw))
        .map(|items| {
            items
                .into_iter()
                .filter_map(|item| read_part(item, string_at).ok())
                .filter_map(|s| check_site(&s).ok())
                .collect()
        })
        .unwrap_or_default();
    for (key, raw) in &members {
        let taken: Result<(), String> = match (version, key.as_str()) {
            (_, "version" | "hubs") => Ok(()),
            (1, "activeHub") => read_part(raw, opt_string_at).and_then(|url| match url {
                None => Ok(()),
                Some(u) => {
                    let u = crate::detect::hub_base(&u).map_err(|e| e.to_string())?;
                    if put_first(&mut next, &u) {
                        Ok(())
                    } else {
                        Err(format!("{u} is not one of the hubs"))
                    }
                }
            }),
            (2, "fallback") => read_part(raw, bool_at).map(|v| next.fallback = v),
            (2, "siteHubs") => match raw::elements(raw) {
                None => Err(format!("not a list: {raw}")),
                Some(items) => {
                    let urls: Vec<String> = next.hubs.iter().map(|h| h.url.clone()).collect();
                    for (i, item) in items.into_iter().enumerate() {
                        match read_part(item, read::site_hub_at)
                            .and_then(|r| check_site_hub(r, &urls))
                        {
                            Ok(rule) if file_off.contains(&rule.site) => refuse(
                                format!("siteHubs[{i}]"),
                                format!("{} is also in this file's disabledSites", rule.site),
                            ),
                            Ok(rule) => {
                                next.disabled_sites.retain(|s| *s != rule.site);
                                next.site_hubs.retain(|r| r.site != rule.site);
                                next.site_hubs.push(rule);
                            }
                            Err(e) => refuse(format!("siteHubs[{i}]"), e),
                        }
                    }
                    Ok(())
                }
            },
            (_, "interface") => read_part(raw, read::interface_at).map(|v| next.interface = v),
            (_, "linkKinds") => read_part(raw, read::link_kinds_at).map(|v| next.link_kinds = v),
            (_, "mode") => read_part(raw, read::mode_at).map(|v| next.mode = v),
            (_, "envRepo") => read_part(raw, opt_string_at).and_then(|v| {
                match v.filter(|e| !e.trim().is_empty()) {
                    None => next.env_repo = None,
                    Some(e) => {
                        parse_env_repo(&e).map_err(|err| err.to_string())?;
                        next.env_repo = Some(e.trim().to_string());
                    }
                }
                Ok(())
            }),
            (_, "disabledSites") => match raw::elements(raw) {
                None => Err(format!("not a list: {raw}")),
                Some(items) => {
                    for (i, item) in items.into_iter().enumerate() {
                        match read_part(item, string_at)
                            .map_err(|_| format!("not a host name: {item}"))
                            .and_then(|s| check_site(&s))
                        {
                            Ok(host) => {
                                next.site_hubs.retain(|r| r.site != host);
                                next.disabled_sites.push(host);
                            }
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

/// Every difference between two settings: one per hub, the hubs' order, and one per other field.
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
    // The order matters when another hub comes first (the hub in use changes) or hubs already
    // saved change places; a hub added after the others changes neither.
    let order = |s: &Settings| -> Vec<String> { s.hubs.iter().map(|h| h.url.clone()).collect() };
    let (was, now) = (order(before), order(after));
    let kept: Vec<&String> = now.iter().filter(|u| was.contains(u)).collect();
    let reordered = was.first() != now.first() || !kept.iter().copied().eq(was.iter());
    if reordered {
        out.push(Change {
            field: "hubs (order)".into(),
            from: json(&was),
            to: json(&now),
        });
    }
    let fields: [(&str, String, String); 7] = [
        ("fallback", json(&before.fallback), json(&after.fallback)),
        ("siteHubs", json(&before.site_hubs), json(&after.site_hubs)),
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

pub(crate) mod raw {
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
            let key = match super::read::parse(&text[key_start..key_end]).ok()? {
                serde_json::Value::String(key) => key,
                _ => return None,
            };
            out.push((key, &text[start..end]));
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_validate_and_round_trip() {
        let d = serde_json::to_value(Settings::default()).unwrap();
        assert_eq!(d["version"], 2);
        assert_eq!(d["fallback"], true);
        assert_eq!(d["siteHubs"], json!([]));
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
        v["siteHubs"] = json!([{"site": "books.example.org", "hub": "https://other.org/"}]);
        assert_eq!(
            validate(&v.to_string()).unwrap_err().to_string(),
            "invalid settings: siteHubs[0].hub https://other.org/ is not one of hubs"
        );
        v["siteHubs"] = json!([{"site": "https://Books.Example.org/page", "hub": "https://hub.example.edu"},
                               {"site": "books.example.org", "hub": "https://hub.example.edu/"}]);
        assert_eq!(
            validate(&v.to_string()).unwrap_err().to_string(),
            "invalid settings: siteHubs[1].site books.example.org is listed twice"
        );
        v["siteHubs"] = json!([{"site": " ", "hub": "https://hub.example.edu/"}]);
        assert_eq!(
            validate(&v.to_string()).unwrap_err().to_string(),
            "invalid settings: siteHubs[0].site ' ' is not a host name"
        );
        v["siteHubs"] =
            json!([{"site": "https://Books.Example.org/page", "hub": "https://hub.example.edu"}]);
        v["disabledSites"] = json!(["books.example.org"]);
        assert_eq!(
            validate(&v.to_string()).unwrap_err().to_string(),
            "invalid settings: siteHubs[0].site books.example.org is also in disabledSites: its links are either left alone or sent to a hub"
        );
        v["disabledSites"] = json!(["https://Example.org/page", "example.org", "*.example.com."]);
        let s = validate(&v.to_string()).unwrap();
        assert_eq!(s.hubs[0].url, "https://hub.example.edu/");
        assert_eq!(s.disabled_sites, ["example.com", "example.org"]);
        assert_eq!(
            s.site_hubs,
            [SiteHub {
                site: "books.example.org".into(),
                hub: "https://hub.example.edu/".into()
            }]
        );
        assert_eq!(s.active_target().unwrap().url(), "https://hub.example.edu/");
        v["fallback"] = json!("yes");
        assert!(validate(&v.to_string())
            .unwrap_err()
            .to_string()
            .contains("invalid type: string \"yes\", expected a boolean"));
        v["fallback"] = json!(false);
        v["mode"] = json!("loud");
        assert!(validate(&v.to_string())
            .unwrap_err()
            .to_string()
            .contains("unknown variant `loud`"));
        v["mode"] = json!("private");
        v["activeHub"] = json!("https://hub.example.edu/");
        assert!(validate(&v.to_string())
            .unwrap_err()
            .to_string()
            .contains("unknown field `activeHub`"));
    }

    #[test]
    fn migrates_version_0_and_refuses_the_future() {
        let s = migrate(
            &json!({"hub": "https://hub.example.edu/hub/home", "hubKind": "jupyterhub"})
                .to_string(),
        )
        .unwrap();
        assert_eq!(s.first_hub().unwrap().url, "https://hub.example.edu/");
        assert_eq!(s.hubs[0].name, "hub.example.edu");
        assert_eq!(s.hubs[0].kind, HubKind::JupyterHub);
        assert_eq!(
            migrate(r#"{"version": 3}"#).unwrap_err().to_string(),
            "invalid settings: version 3 is newer than this extension understands (2); update the extension"
        );
        assert_eq!(
            migrate("[1]").unwrap_err().to_string(),
            "invalid settings: not a json object"
        );
    }

    /// Settings exported by release 0.1.0's options page (schema version 1): three hubs, the
    /// second active, every preference away from its default.
    const RELEASE_0_1_0_EXPORT: &str =
        include_str!("../tests/fixtures/settings/v1-export-0.1.0.json");

    /// The fixture as version 2 must have it: every field of the file, the active hub first.
    fn release_0_1_0_as_v2() -> Settings {
        let hub = |url: &str, name: &str, kind, version: &str, cors| Hub {
            url: url.into(),
            name: name.into(),
            kind,
            version: Some(version.into()),
            cors,
        };
        Settings {
            version: 2,
            hubs: vec![
                hub(
                    "https://hub.example.edu/services/binder/",
                    "hub.example.edu/services/binder",
                    HubKind::BinderHub,
                    "0.2.0+1763.gfaafab2",
                    None,
                ),
                hub(
                    "https://hub.example.edu/",
                    "University hub",
                    HubKind::JupyterHub,
                    "5.2.1",
                    Some(false),
                ),
                hub(
                    "http://localhost:8888/",
                    "laptop",
                    HubKind::JupyterServer,
                    "2.14.0",
                    None,
                ),
            ],
            fallback: true,
            site_hubs: Vec::new(),
            interface: Interface::Lab,
            env_repo: Some("gh/org/env/main".into()),
            link_kinds: LinkKinds {
                binder: true,
                nbgitpuller: true,
                colab: false,
            },
            mode: Mode::Private,
            disabled_sites: vec!["books.example.com".into(), "news.example.org".into()],
        }
    }

    #[test]
    fn a_settings_file_saved_by_release_0_1_0_migrates_with_nothing_lost() {
        let want = release_0_1_0_as_v2();
        // Read from storage (settings.v1), and imported as a file over fresh settings.
        assert_eq!(migrate(RELEASE_0_1_0_EXPORT).unwrap(), want);
        let imported = import(&Settings::default(), RELEASE_0_1_0_EXPORT).unwrap();
        assert_eq!(imported.settings, want);
        assert!(imported.refused.is_empty(), "{:?}", imported.refused);
        // The hub that was active is the one links go to.
        assert_eq!(
            want.active_target().unwrap().url(),
            "https://hub.example.edu/services/binder/"
        );
        // Nothing of the file is left out: each of its fields is in the result, as it was.
        let file: serde_json::Value = serde_json::from_str(RELEASE_0_1_0_EXPORT).unwrap();
        let got = serde_json::to_value(&want).unwrap();
        for (key, value) in file.as_object().unwrap() {
            match key.as_str() {
                "version" => assert_eq!(value, 1),
                "activeHub" => assert_eq!(&got["hubs"][0]["url"], value),
                "hubs" => {
                    let mut urls: Vec<&str> = value
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|h| h["url"].as_str().unwrap())
                        .collect();
                    urls.sort_unstable();
                    for h in value.as_array().unwrap() {
                        let saved = got["hubs"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .find(|g| g["url"] == h["url"]);
                        assert_eq!(saved, Some(h), "hub {}", h["url"]);
                    }
                    assert_eq!(got["hubs"].as_array().unwrap().len(), urls.len());
                }
                _ => assert_eq!(&got[key], value, "{key}"),
            }
        }
        // Stored again and read back: the same (version 2 round trip).
        let stored = serde_json::to_string(&want).unwrap();
        assert_eq!(validate(&stored).unwrap(), want);
        assert_eq!(migrate(&stored).unwrap(), want);
    }

    #[test]
    fn version_1_is_read_as_it_meant() {
        let v1 = |active: serde_json::Value| {
            json!({"version": 1, "hubs": [hub("https://a.example.edu/"), hub("https://b.example.edu/")],
                   "activeHub": active, "interface": "follow", "envRepo": null,
                   "linkKinds": {"binder": true, "nbgitpuller": true, "colab": true},
                   "mode": "rewrite", "disabledSites": []})
            .to_string()
        };
        let urls = |s: &Settings| -> Vec<String> { s.hubs.iter().map(|h| h.url.clone()).collect() };
        // The active hub, however it was written, comes first.
        let s = migrate(&v1(json!("b.example.edu"))).unwrap();
        assert_eq!(
            urls(&s),
            ["https://b.example.edu/", "https://a.example.edu/"]
        );
        // No active hub (only a hand-edited import could leave that): the first is used.
        assert_eq!(
            urls(&migrate(&v1(json!(null))).unwrap()),
            ["https://a.example.edu/", "https://b.example.edu/"]
        );
        assert_eq!(
            migrate(&v1(json!("https://gone.example.edu/")))
                .unwrap_err()
                .to_string(),
            "invalid settings: activeHub https://gone.example.edu/ is not one of hubs"
        );
        // Version 1 never had version 2's fields.
        let mut with_fallback: serde_json::Value = serde_json::from_str(&v1(json!(null))).unwrap();
        with_fallback["fallback"] = json!(false);
        assert!(migrate(&with_fallback.to_string())
            .unwrap_err()
            .to_string()
            .contains("unknown field `fallback`"));
    }

    fn hub(url: &str) -> serde_json::Value {
        json!({"url": url, "name": url.trim_start_matches("https://").trim_end_matches('/'), "kind": "jupyterhub"})
    }

    /// Hubs b (in use), then a; one site off.
    fn current() -> Settings {
        let mut v = serde_json::to_value(Settings::default()).unwrap();
        v["hubs"] = json!([hub("https://b.example.edu/"), hub("https://a.example.edu/")]);
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
        assert_eq!(s.first_hub().unwrap().url, "https://hub.example.edu/");
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
                r#"{"version": 3, "hubs": []}"#,
                "version 3 is newer than this extension understands (2); update the extension",
            ),
            ("[1]", "not a json object"),
        ] {
            assert_eq!(
                import(&now, file).unwrap_err().to_string(),
                format!("invalid settings: {message}"),
                "{file}"
            );
        }
        // A version 1 file with one good hub, bad parts and an unknown field: the good part is
        // taken, each bad part refused with its reason, everything else kept. Its active hub
        // is not one of the hubs: the hub in use stays first.
        let file = json!({
            "version": 1,
            "hubs": [hub("https://c.example.edu/"), {"url": "ftp://x", "name": "x", "kind": "jupyterhub"}, hub("https://a.example.edu")],
            "activeHub": "https://gone.example.edu/",
            "mode": "loud",
            "interface": "lab",
            "disabledSites": ["new.example.org", 5],
            "fallback": false,
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
                "https://b.example.edu/",
                "https://c.example.edu/",
                "https://a.example.edu/"
            ]
        );
        assert_eq!(preview.settings.mode, Mode::Rewrite);
        assert!(preview.settings.fallback);
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
                ("fallback".into(), "not a setting of this extension".into()),
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
    fn an_import_takes_the_order_fallback_and_site_choices_of_a_version_2_file() {
        let now = current();
        let file = json!({
            "version": 2,
            "hubs": [hub("https://a.example.edu/"), hub("https://c.example.edu/")],
            "fallback": false,
            "siteHubs": [{"site": "off.example.org", "hub": "https://c.example.edu/"},
                         {"site": "books.example.org", "hub": "https://gone.example.edu/"},
                         {"site": "course.example.org", "hub": "https://b.example.edu/"}],
            "disabledSites": ["course.example.org"],
            "activeHub": "https://a.example.edu/"
        });
        let preview = import(&now, &file.to_string()).unwrap();
        let s = &preview.settings;
        let urls: Vec<&str> = s.hubs.iter().map(|h| h.url.as_str()).collect();
        // The file's order first (the hub it uses comes first), then the hub it does not name.
        assert_eq!(
            urls,
            [
                "https://a.example.edu/",
                "https://c.example.edu/",
                "https://b.example.edu/"
            ]
        );
        assert!(!s.fallback);
        // A site the file sends to a hub is no longer off here, and the reverse; a site the
        // file both turns off and sends to a hub is off (course.example.org).
        let rules: Vec<(&str, &str)> = s
            .site_hubs
            .iter()
            .map(|r| (r.site.as_str(), r.hub.as_str()))
            .collect();
        assert_eq!(rules, [("off.example.org", "https://c.example.edu/")]);
        assert_eq!(s.disabled_sites, ["course.example.org"]);
        let refused: Vec<(&str, &str)> = preview
            .refused
            .iter()
            .map(|r| (r.field.as_str(), r.reason.as_str()))
            .collect();
        assert_eq!(
            refused,
            [
                ("activeHub", "not a setting of this extension"),
                (
                    "siteHubs[1]",
                    "hub https://gone.example.edu/ is not one of hubs"
                ),
                (
                    "siteHubs[2]",
                    "course.example.org is also in this file's disabledSites"
                ),
            ]
        );
        let changed: Vec<(&str, &str)> = preview
            .changes
            .iter()
            .map(|c| (c.field.as_str(), c.to.as_str()))
            .collect();
        assert_eq!(
            changed,
            [
                (
                    "hubs[https://c.example.edu/]",
                    &*hub_json("https://c.example.edu/")
                ),
                (
                    "hubs (order)",
                    r#"["https://a.example.edu/","https://c.example.edu/","https://b.example.edu/"]"#
                ),
                ("fallback", "false"),
                (
                    "siteHubs",
                    r#"[{"site":"off.example.org","hub":"https://c.example.edu/"}]"#
                ),
                ("disabledSites", r#"["course.example.org"]"#),
            ]
        );
    }

    fn hub_json(url: &str) -> String {
        let h: Hub = serde_json::from_value(hub(url)).unwrap();
        serde_json::to_string(&h).unwrap()
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
        // The hub added back after the others: the order of those there were is the same.
        let changed: Vec<&str> = preview.changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(changed, ["hubs[https://a.example.edu/]"]);
        assert!(import(&now, &exported).unwrap().changes.is_empty());
        // Version 0 files import their hub, first.
        let v0 = import(
            &now,
            r#"{"hub": "https://d.example.edu/hub/home", "hubKind": "binderhub"}"#,
        )
        .unwrap();
        assert_eq!(
            v0.settings.first_hub().map(|h| h.url.as_str()),
            Some("https://d.example.edu/")
        );
        assert_eq!(v0.settings.hubs.len(), 3);
        // A version 1 export with its active hub: that hub first.
        let v1 = json!({"version": 1, "hubs": [hub("https://a.example.edu/")], "activeHub": "https://a.example.edu/"});
        let preview = import(&now, &v1.to_string()).unwrap();
        assert_eq!(
            preview.settings.first_hub().map(|h| h.url.as_str()),
            Some("https://a.example.edu/")
        );
        assert_eq!(
            preview
                .changes
                .iter()
                .map(|c| c.field.as_str())
                .collect::<Vec<_>>(),
            ["hubs (order)"]
        );
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
            "invalid settings: too large to store: 8895 bytes, and the browser's sync storage allows 8192 per item; disabledSites (300 sites) take 8701 bytes"
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
        let file = json!({"version": 2, "disabledSites": sites});
        assert!(import(&Settings::default(), &file.to_string())
            .unwrap_err()
            .to_string()
            .contains("too large to store"));
        // Per-site hubs are named when they take the room.
        v["disabledSites"] = json!([]);
        v["hubs"] = json!([hub("https://hub.example.edu/")]);
        v["siteHubs"] = json!(sites[..120]
            .iter()
            .map(|s| json!({"site": s, "hub": "https://hub.example.edu/"}))
            .collect::<Vec<_>>());
        assert!(
            validate(&v.to_string())
                .unwrap_err()
                .to_string()
                .ends_with("siteHubs (120 sites) take 8521 bytes"),
            "{}",
            validate(&v.to_string()).unwrap_err()
        );
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
            import(&Settings::default(), r#"{"version": 2, "mode": "private""#)
                .unwrap_err()
                .to_string(),
            "invalid settings: not a json object"
        );
    }
}
