//! What the reader typed for a hub, cleaned: a base URL ending in `/`, and the part of the path
//! that belongs to the hub rather than to a page on it. A leaf module: used by detection (which
//! candidates to probe) and by rendering (the target's base), depending on neither.
//!
//! Typed forms (docs/design.md §4): `hub.example.edu`, `https://hub/hub/home`,
//! `https://hub/user/alice/lab`, a Binder launch URL, `localhost:8888`,
//! `https://hub/services/binder/`.

use crate::Error;
use url::Url;

/// Path segments that start the part of a URL below a hub's base: JupyterHub's own pages
/// (`hub/`, `user/<name>/`, `services/<name>/`, `user-redirect/`), a Binder launch (`v2/`), a
/// Jupyter Server's pages (`lab/`, `tree/`, `api`, …).
const BELOW_BASE: &[&str] = &[
    "hub",
    "user",
    "v2",
    "services",
    "lab",
    "tree",
    "notebooks",
    "doc",
    "git-pull",
    "user-redirect",
    "api",
    "login",
];

/// Normalises a hub URL to its base: http(s), no user name, password, query or fragment,
/// ending in `/`.
/// A bare host (`hub.example.edu`) gets `https://`; `localhost` and `127.0.0.1` get `http://`.
/// The path is kept whole: a hub under `/binder/` or `/services/binder/` launches there.
pub fn normalize_hub_url(input: &str) -> Result<String, Error> {
    let url = typed_url(input)?;
    Ok(format!(
        "{}{}/",
        url.origin().ascii_serialization(),
        url.path().trim_end_matches('/')
    ))
}

/// The URL launches go under, in what the reader typed: the part before `hub/`, `user/<name>/`,
/// `v2/`, `lab/`, …, keeping a JupyterHub service's `services/<name>/` (a BinderHub running as a
/// JupyterHub service launches under it): `https://h/jupyter/hub/home` → `https://h/jupyter/`,
/// `https://h/services/binder/v2/gh/o/r/HEAD` → `https://h/services/binder/`.
pub fn hub_base(input: &str) -> Result<String, Error> {
    let typed = read_typed(input)?;
    Ok(typed.base + typed.service.as_deref().unwrap_or_default())
}

/// The base of a JupyterHub or a Jupyter Server in what the reader typed: like [`hub_base`],
/// but `services/<name>/` is below it (`https://h/services/binder/` → `https://h/`).
pub fn jupyterhub_base(input: &str) -> Result<String, Error> {
    Ok(read_typed(input)?.base)
}

/// What the reader typed, split at the hub's base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Typed {
    /// The hub's base, before any `hub/`, `services/<name>/`, `user/<name>/`, `v2/`, … segment.
    pub base: String,
    /// The JupyterHub service the input names (`services/<name>/`), if any.
    pub service: Option<String>,
    /// The host, lowercase.
    pub host: String,
    /// `scheme://host[:port]`.
    pub origin: String,
}

/// Splits what the reader typed at the hub's base (the first [`BELOW_BASE`] segment), and
/// refuses pages that are clearly not hubs (Colab, GitHub, GitLab).
pub(crate) fn read_typed(input: &str) -> Result<Typed, Error> {
    let url = typed_url(input)?;
    let host = url.host_str().unwrap_or_default().to_string();
    match host.as_str() {
        "colab.research.google.com" => {
            return Err(Error::InvalidHub(format!(
                "'{}' is a colab page, not a hub",
                input.trim()
            )))
        }
        "github.com" | "www.github.com" | "gitlab.com" => {
            return Err(Error::InvalidHub(format!(
                "'{}' is a repository page, not a hub",
                input.trim()
            )))
        }
        _ => {}
    }
    let origin = url.origin().ascii_serialization();
    let segments: Vec<&str> = url.path().split('/').filter(|s| !s.is_empty()).collect();
    let cut = segments
        .iter()
        .position(|s| BELOW_BASE.contains(s))
        .unwrap_or(segments.len());
    let service = match (segments.get(cut), segments.get(cut + 1)) {
        (Some(&"services"), Some(name)) => Some(format!("services/{name}/")),
        _ => None,
    };
    let base = segments[..cut]
        .iter()
        .fold(format!("{origin}/"), |base, s| base + s + "/");
    Ok(Typed {
        base,
        service,
        host,
        origin,
    })
}

/// The URL the reader means: a scheme added when there is none, checked to be http(s) with a host.
fn typed_url(input: &str) -> Result<Url, Error> {
    let s = input.trim();
    if s.is_empty() {
        return Err(Error::InvalidHub("empty".into()));
    }
    if s.contains(char::is_whitespace) {
        return Err(Error::InvalidHub(format!("'{s}' contains a space")));
    }
    let with_scheme = if s.contains("://") {
        s.to_string()
    } else if is_local(s) {
        format!("http://{s}")
    } else {
        format!("https://{s}")
    };
    let url = crate::parse::web_url(&with_scheme)
        .map_err(|e| Error::InvalidHub(format!("'{s}': {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::InvalidHub(format!(
            "'{s}': only http and https hubs are supported"
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::InvalidHub(format!("'{s}' has no host")));
    }
    Ok(url)
}

/// Whether a scheme-less input names this machine (served over plain http).
fn is_local(s: &str) -> bool {
    let host = s.split(['/', ':']).next().unwrap_or_default();
    host == "localhost" || host.starts_with("127.") || host == "[::1]"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_hub_urls() {
        for (typed, want) in [
            ("hub.example.edu", "https://hub.example.edu/"),
            ("localhost:8888", "http://localhost:8888/"),
            ("127.0.0.1:8000/hub/", "http://127.0.0.1:8000/hub/"),
            ("https://h.org/binder?x=1#y", "https://h.org/binder/"),
            // the base is an origin and a path: a user name and password go like the query
            ("https://alice:secret@h.org/hub/", "https://h.org/hub/"),
            ("HTTPS://H.ORG", "https://h.org/"),
            ("https://h.org:443/x//", "https://h.org/x/"),
            (
                "https://h.org/services/binder",
                "https://h.org/services/binder/",
            ),
        ] {
            assert_eq!(normalize_hub_url(typed).unwrap(), want, "{typed}");
        }
        for (typed, error) in [
            (
                "ftp://h.org",
                "invalid hub url: 'ftp://h.org': only http and https hubs are supported",
            ),
            ("", "invalid hub url: empty"),
            ("  ", "invalid hub url: empty"),
            ("h .org", "invalid hub url: 'h .org' contains a space"),
            ("http://", "invalid hub url: 'http://': empty host"),
        ] {
            assert_eq!(
                normalize_hub_url(typed).unwrap_err().to_string(),
                error,
                "{typed}"
            );
        }
    }

    /// Issue 13: a hub URL keeps every path prefix it launches under, one case per prefix form.
    #[test]
    fn hub_base_keeps_every_prefix_a_hub_launches_under() {
        for (typed, want) in [
            ("https://h.org/", "https://h.org/"),
            ("https://h.org/binder/", "https://h.org/binder/"),
            (
                "https://h.org/services/binder/",
                "https://h.org/services/binder/",
            ),
            (
                "https://h.org/services/my-binder/",
                "https://h.org/services/my-binder/",
            ),
            (
                "https://h.org/services/binder/v2/gh/o/r/HEAD?urlpath=lab",
                "https://h.org/services/binder/",
            ),
            ("https://h.org/jupyter/hub/home", "https://h.org/jupyter/"),
            ("https://alice:secret@h.org/hub/home", "https://h.org/"),
            (
                "https://h.org/user/alice/lab/tree/x.ipynb",
                "https://h.org/",
            ),
            (
                "https://b.org/binder/v2/gh/o/r/HEAD",
                "https://b.org/binder/",
            ),
            ("https://h.org/services", "https://h.org/"),
        ] {
            assert_eq!(hub_base(typed).unwrap(), want, "{typed}");
        }
        assert_eq!(
            jupyterhub_base("https://h.org/jupyter/services/binder/").unwrap(),
            "https://h.org/jupyter/"
        );
    }

    #[test]
    fn reads_the_service_a_typed_url_names() {
        let t = read_typed("https://h.org/services/binder/v2/gh/o/r/HEAD").unwrap();
        assert_eq!(
            (t.base.as_str(), t.service.as_deref(), t.host.as_str()),
            ("https://h.org/", Some("services/binder/"), "h.org")
        );
        assert_eq!(read_typed("h.org/hub/home").unwrap().service, None);
        assert_eq!(
            read_typed("https://colab.research.google.com/github/o/r/blob/main/x.ipynb")
                .unwrap_err()
                .to_string(),
            "invalid hub url: 'https://colab.research.google.com/github/o/r/blob/main/x.ipynb' is a colab page, not a hub"
        );
        assert_eq!(
            read_typed("github.com/o/r").unwrap_err().to_string(),
            "invalid hub url: 'github.com/o/r' is a repository page, not a hub"
        );
    }
}
