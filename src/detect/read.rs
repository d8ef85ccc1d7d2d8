//! Reading probe responses: the answers of one candidate base by probe name, the few JSON
//! fields detection needs, and what marks a page as BinderHub's UI. Everything here treats
//! the hub as untrusted: a body may be anything, cut anywhere.

use super::wire::ProbeResponse;
use serde_json::Value;

/// Longest version string shown; a hub may send anything in a version field.
const MAX_VERSION_CHARS: usize = 64;

/// The responses of one candidate base, by probe name: sorted by name, one per name (a
/// candidate has a handful of probes). A sorted list rather than a `BTreeMap`: the map's code
/// for this key and value type cost the cold Wasm about 3 KB (src/small.rs).
pub(crate) struct Answers<'a> {
    by_name: Vec<(&'a str, &'a ProbeResponse)>,
}

impl<'a> Answers<'a> {
    /// The responses whose id is `<index>:<name>`; of two with one name, the last.
    pub fn of_candidate(index: usize, responses: &'a [ProbeResponse]) -> Self {
        let prefix = format!("{index}:");
        let mut by_name: Vec<(&str, &ProbeResponse)> = Vec::new();
        for r in responses {
            if let Some(name) = r.id.strip_prefix(&prefix) {
                match by_name.binary_search_by(|(n, _)| (*n).cmp(name)) {
                    Ok(at) => {
                        if let Some(slot) = by_name.get_mut(at) {
                            *slot = (name, r);
                        }
                    }
                    Err(at) => by_name.insert(at, (name, r)),
                }
            }
        }
        Answers { by_name }
    }

    /// The response to probe `name`, if it came back with an HTTP status.
    pub fn get(&self, name: &str) -> Option<&'a ProbeResponse> {
        let at = self
            .by_name
            .binary_search_by(|(n, _)| (*n).cmp(name))
            .ok()?;
        self.by_name
            .get(at)
            .map(|(_, r)| *r)
            .filter(|r| r.status != 0)
    }

    /// The `X-JupyterHub-Version` header of any response (JupyterHub sends it on every one),
    /// the first in the order of the probes' names.
    pub fn jupyterhub_header(&self) -> Option<String> {
        self.by_name
            .iter()
            .find_map(|(_, r)| r.headers.get("x-jupyterhub-version"))
            .and_then(|v| version_text(v))
    }

    /// The JSON object of probe `name`'s 200 answer, when it was not redirected elsewhere.
    pub fn json(&self, name: &str) -> Option<Fields> {
        self.get(name)
            .filter(|r| !r.redirected)
            .and_then(json_fields)
    }

    /// Whether probe `name` reached BinderHub's UI: a 200 HTML page (`window.pageConfig` since
    /// 2024, `id="base-url"` before), or a redirect to a JupyterHub's login or OAuth page (a
    /// BinderHub with authentication sends anonymous readers there; the API-only mode has no
    /// pages at all and answers 404).
    pub fn binderhub_ui(&self, name: &str) -> bool {
        let Some(r) = self.get(name) else {
            return false;
        };
        if r.status != 200 {
            return false;
        }
        if r.redirected && (r.url.contains("/hub/login") || r.url.contains("/oauth2/authorize")) {
            return true;
        }
        !r.redirected && r.body.as_deref().is_some_and(is_html)
    }
}

/// The fields detection reads from a JSON object: `{"version": "…"}` (JupyterHub, Jupyter
/// Server) and `{"binderhub": "…", …}` (BinderHub `versions`). Other fields are not used.
#[derive(Debug, Default)]
pub(crate) struct Fields {
    /// `version`, unless missing or `null`.
    version: Option<Value>,
    /// `binderhub`, whatever its value (`null` included), when present.
    binderhub: Option<Value>,
}

impl Fields {
    /// The `version` field, when it is a string.
    pub fn version(&self) -> Option<String> {
        self.version
            .as_ref()
            .and_then(Value::as_str)
            .and_then(version_text)
    }

    /// The `binderhub` field: `None` without the key (not a BinderHub); the key with an odd
    /// value still marks one, of an unknown version.
    pub fn binderhub(&self) -> Option<String> {
        let v = self.binderhub.as_ref()?;
        Some(
            v.as_str()
                .and_then(version_text)
                .unwrap_or_else(|| "(unknown version)".into()),
        )
    }
}

/// The JSON object body of a 200 response (`None` for anything else, however malformed).
pub(crate) fn json_fields(r: &ProbeResponse) -> Option<Fields> {
    if r.status != 200 {
        return None;
    }
    let text = r.body.as_deref()?.trim_start();
    if !text.starts_with('{') {
        return None;
    }
    // Read from one `Value` (src/settings/read.rs), not by a derived deserialiser: fewer bytes
    // in the cold module.
    let v = crate::settings::read::parse(text).ok()?;
    let map = v.as_object()?;
    Some(Fields {
        version: map.get("version").filter(|v| !v.is_null()).cloned(),
        binderhub: map.get("binderhub").cloned(),
    })
}

/// A version as the hub wrote it, trimmed and cut to [`MAX_VERSION_CHARS`]; `None` when empty.
/// (What it may contain is the front ends' business: the CLI escapes control characters.)
fn version_text(v: &str) -> Option<String> {
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    Some(match v.char_indices().nth(MAX_VERSION_CHARS) {
        Some((cut, _)) => format!("{}…", &v[..cut]),
        None => v.to_string(),
    })
}

/// Whether a (possibly cut) body is an HTML page.
fn is_html(body: &str) -> bool {
    // A UI page says what it is in its first bytes; look no further than its head.
    let head: String = body
        .chars()
        .take(4096)
        .collect::<String>()
        .to_ascii_lowercase();
    head.contains("<html") || head.contains("<!doctype html") || head.contains("pageconfig")
}

/// A hub's version as far as detection compares it: its release numbers, and whether it is a
/// pre-release (which comes before the release of the same numbers). Read here rather than by
/// the `semver` crate (4 KB of the cold module for one comparison); its tests hold it to that
/// crate's reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pub pre_release: bool,
}

impl Version {
    /// Whether it is release `major.minor.patch` or later, by SemVer's precedence (a
    /// pre-release of that release is earlier; build metadata does not count).
    pub fn at_least(&self, major: u64, minor: u64, patch: u64) -> bool {
        match (self.major, self.minor, self.patch).cmp(&(major, minor, patch)) {
            std::cmp::Ordering::Greater => true,
            std::cmp::Ordering::Less => false,
            std::cmp::Ordering::Equal => !self.pre_release,
        }
    }
}

/// Parses a version leniently (`5.3.0`, `6.0.0b2`, `0.2.0+1763.gfaafab2`, `1.0.0-0.dev.git.3673.h040c9bbe`):
/// SemVer 2.0.0 when it is that ([`semver_of`]), otherwise its first one to three numbers (a
/// Python version's `6.0.0b2` is 6.0.0, a release).
pub(crate) fn lenient_version(v: &str) -> Option<Version> {
    if let Some(parsed) = semver_of(v.trim()) {
        return Some(parsed);
    }
    let mut nums = v
        .trim()
        .split(|c: char| !c.is_ascii_digit())
        .take_while(|s| !s.is_empty())
        .map(|s| s.parse::<u64>().ok());
    let major = nums.next()??;
    let minor = nums.next().flatten().unwrap_or(0);
    let patch = nums.next().flatten().unwrap_or(0);
    Some(Version {
        major,
        minor,
        patch,
        pre_release: false,
    })
}

/// A SemVer 2.0.0 version, strictly: `major.minor.patch` (numbers that fit in a `u64`, without
/// leading zeros), then maybe `-` and pre-release identifiers, then maybe `+` and build
/// identifiers; identifiers are dot-separated, not empty, of ASCII letters, digits and `-`, and
/// a pre-release identifier of digits only has no leading zero.
pub(super) fn semver_of(v: &str) -> Option<Version> {
    let (rest, build) = match v.split_once('+') {
        Some((rest, build)) => (rest, Some(build)),
        None => (v, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (rest, None),
    };
    let mut numbers = core.split('.').map(|n| {
        let digits = !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
        let leading_zero = n.len() > 1 && n.starts_with('0');
        (digits && !leading_zero).then(|| n.parse::<u64>().ok())?
    });
    let (major, minor, patch) = (numbers.next()??, numbers.next()??, numbers.next()??);
    let identifiers = |text: &str, pre: bool| {
        text.split('.').all(|id| {
            let numeric = id.bytes().all(|b| b.is_ascii_digit());
            !id.is_empty()
                && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !(pre && numeric && id.len() > 1 && id.starts_with('0'))
        })
    };
    let fits = numbers.next().is_none()
        && pre.is_none_or(|p| identifiers(p, true))
        && build.is_none_or(|b| identifiers(b, false));
    fits.then_some(Version {
        major,
        minor,
        patch,
        pre_release: pre.is_some(),
    })
}
