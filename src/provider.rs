//! The nine BinderHub repository providers (docs/protocols.md §2): how each reads and writes
//! the `<spec>` part of `v2/<provider>/<spec>`, and how a git provider's repository is cloned.

use crate::encoding::{decode, encode_component, encode_path_value, has_dot_segment};
use crate::parse::shown;
use crate::{Provider, Repo};

/// A spec read from a link: the decoded spec, the ref, and what had to be repaired.
pub(crate) struct SpecRead {
    pub spec: String,
    pub git_ref: Option<String>,
    pub warnings: Vec<String>,
}

/// Reads the raw (still percent-encoded) spec of a `v2/<provider>/<spec>` path, the way
/// BinderHub's repo providers do, repairing the malformed forms seen in the wild.
pub(crate) fn read_spec(provider: Provider, raw: &str) -> Result<SpecRead, String> {
    let raw = crate::text::trim_end_byte(raw, b'/');
    if raw.is_empty() {
        return Err(format!("{} link has no repository", provider.id()));
    }
    let mut warnings = Vec::new();
    let (spec, git_ref) = match provider {
        Provider::Gh => {
            // tokenize_spec: split("/", 2), the ref may contain "/"; ".git" stripped.
            // `splitn(3, '/')`: owner, repository, and the ref with any `/` it holds.
            let (owner, rest) = crate::text::split_once_byte(raw, b'/').unwrap_or((raw, ""));
            let (repo, git_ref) = match crate::text::split_once_byte(rest, b'/') {
                Some((repo, git_ref)) => (repo, Some(git_ref)),
                None => (rest, None),
            };
            // Borrowed until the spec is written: one allocation for it, one for the ref.
            let owner = decode(owner);
            let repo = decode(repo);
            if owner.is_empty() || repo.is_empty() {
                return Err(format!("gh spec '{raw}' is not of the form owner/repo/ref"));
            }
            if owner.contains('/') || repo.contains('/') {
                return Err(format!(
                    "gh spec '{raw}' has an encoded '/' in the owner or repository name, which BinderHub rejects"
                ));
            }
            let repo = repo.strip_suffix(".git").unwrap_or(&repo);
            let git_ref = match git_ref {
                Some(r) => decode(r).into_owned(),
                None => {
                    warnings.push("no ref in the link: BinderHub requires one; using HEAD".into());
                    "HEAD".into()
                }
            };
            (crate::text::concat(&[&owner, "/", repo]), Some(git_ref))
        }
        Provider::Gl => {
            let (ns_raw, ref_raw) = raw.split_once('/').unwrap_or((raw, ""));
            let encoded = ns_raw.to_ascii_lowercase().contains("%2f");
            let (ns, git_ref) = if encoded {
                (decode(ns_raw).into_owned(), decode(ref_raw).into_owned())
            } else {
                // myst-theme writes `v2/gl/org/repo/<ref>`: the namespace is not encoded.
                // A GitLab project needs group/project, so every segment but the last is
                // the namespace.
                let segments: Vec<&str> = raw.split('/').collect();
                if segments.len() < 2 {
                    return Err(format!(
                        "gl spec '{raw}' has no group/project namespace (BinderHub wants it url-encoded: group%2Fproject/ref)"
                    ));
                }
                warnings.push(
                    "gitlab namespace was not url-encoded; read the last segment as the ref".into(),
                );
                if segments.len() == 2 {
                    (decode(raw).into_owned(), String::new())
                } else {
                    let (last, ns) = segments.split_last().unwrap_or((&"", &[]));
                    (
                        decode(&ns.join("/")).into_owned(),
                        decode(last).into_owned(),
                    )
                }
            };
            let ns = crate::text::trim_byte(&ns, b'/').to_string();
            let ns = ns.strip_suffix(".git").unwrap_or(&ns).to_string();
            (ns, Some(ref_or_head(git_ref, &mut warnings)))
        }
        Provider::Git => {
            let (url_raw, ref_raw) = raw.split_once('/').unwrap_or((raw, ""));
            let url = decode(url_raw).into_owned();
            if looks_like_clone_url(&url) {
                (
                    url,
                    Some(ref_or_head(decode(ref_raw).into_owned(), &mut warnings)),
                )
            } else {
                // sphinx-book-theme writes `v2/git/https%3A//host/path/<ref>`: the clone URL's
                // slashes are not encoded. Its last segment is the ref.
                let split = raw
                    .rsplit_once('/')
                    .map(|(u, r)| (decode(u).into_owned(), decode(r).into_owned()));
                match split {
                    Some((url, r)) if looks_like_clone_url(&url) => {
                        warnings.push(
                            "clone url was not fully url-encoded; read the last segment as the ref"
                                .into(),
                        );
                        (url, Some(r))
                    }
                    _ => return Err(format!("git spec '{raw}' has no clone url")),
                }
            }
        }
        Provider::Gist => {
            let mut parts = raw.splitn(3, '/');
            let user = decode(parts.next().unwrap_or_default()).into_owned();
            let id = decode(parts.next().unwrap_or_default()).into_owned();
            if user.is_empty() || id.is_empty() {
                return Err(format!("gist spec '{raw}' is not of the form user/gist-id"));
            }
            let git_ref = parts.next().map(|r| decode(r).into_owned());
            (crate::text::concat(&[&user, "/", &id]), git_ref)
        }
        Provider::Zenodo | Provider::Figshare | Provider::Dataverse => {
            (decode(raw).into_owned(), None)
        }
        Provider::Hydroshare | Provider::Ckan => (decode(raw).into_owned(), None),
    };
    if provider == Provider::Ckan && !spec.contains("/dataset/") {
        return Err(format!("ckan spec '{spec}' is not a dataset url"));
    }
    Ok(SpecRead {
        spec,
        git_ref,
        warnings,
    })
}

fn ref_or_head(r: String, warnings: &mut Vec<String>) -> String {
    if crate::text::trim_byte(&r, b'/').is_empty() {
        warnings.push("no ref in the link: BinderHub requires one; using HEAD".into());
        "HEAD".into()
    } else {
        crate::text::trim_byte(&r, b'/').to_string()
    }
}

fn looks_like_clone_url(s: &str) -> bool {
    match s.split_once("://") {
        Some((scheme, rest)) => {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '+')
                && rest.split('/').next().is_some_and(|h| !h.is_empty())
                && rest.contains('/')
        }
        // scp-like `git@host:org/repo.git`
        None => s.contains('@') && s.contains(':'),
    }
}

/// Writes the `<spec>` path of `v2/<provider>/<spec>` for a repository, or says why it
/// cannot be written: a spec or ref with a `.` or `..` segment in any encoding (a browser or
/// BinderHub would resolve it to another path on the hub), or a `git` spec that is not a
/// clone URL (BinderHub could not read it back).
pub(crate) fn write_spec(repo: &Repo) -> Result<String, String> {
    let git_ref = repo.git_ref.as_deref().unwrap_or("HEAD");
    no_dot_segments("repository", &repo.spec)?;
    no_dot_segments("ref", git_ref)?;
    if repo.provider == Provider::Git && !looks_like_clone_url(&repo.spec) {
        return Err(format!(
            "git repository '{}' is not a clone url a BinderHub can build",
            shown(&repo.spec)
        ));
    }
    let r = encode_path_value(git_ref);
    // Each segment of an `owner/repo` spec is encoded on its own, so a decoded `?`, `#` or
    // `/` inside a name cannot change what BinderHub reads.
    let segments = |spec: &str| {
        crate::text::split_byte(spec, b'/')
            .map(encode_component)
            .collect::<Vec<_>>()
            .join("/")
    };
    Ok(match repo.provider {
        Provider::Gh => crate::text::concat(&[&segments(&repo.spec), "/", &r]),
        Provider::Gl | Provider::Git => {
            crate::text::concat(&[&encode_component(&repo.spec), "/", &r])
        }
        Provider::Gist => match &repo.git_ref {
            Some(_) => crate::text::concat(&[&segments(&repo.spec), "/", &r]),
            None => segments(&repo.spec),
        },
        Provider::Zenodo | Provider::Figshare | Provider::Dataverse => {
            encode_path_value(&repo.spec)
        }
        Provider::Hydroshare | Provider::Ckan => {
            if repo.spec.contains("://") {
                encode_component(&repo.spec)
            } else {
                encode_path_value(&repo.spec)
            }
        }
    })
}

/// Refuses a value that would put a `.` or `..` segment into a URL path on the reader's hub
/// ([`has_dot_segment`]): every spec, ref, urlpath and directory byob writes passes here.
pub(crate) fn no_dot_segments(what: &str, value: &str) -> Result<(), String> {
    if has_dot_segment(value) {
        return Err(format!(
            "{what} '{}' has a '.' or '..' path segment: left unchanged so that it cannot lead elsewhere on your hub",
            shown(value)
        ));
    }
    Ok(())
}

/// The URL `git clone` takes for a git provider's repository; `None` for data providers.
pub(crate) fn clone_url(repo: &Repo) -> Option<String> {
    match repo.provider {
        Provider::Gh => Some(crate::text::concat(&["https://github.com/", &repo.spec])),
        Provider::Gl => Some(crate::text::concat(&["https://gitlab.com/", &repo.spec])),
        Provider::Git => Some(repo.spec.clone()),
        Provider::Gist => Some(crate::text::concat(&[
            "https://gist.github.com/",
            &repo.spec,
        ])),
        _ => None,
    }
}

/// The repository a BinderHub would build for a clone URL: `gh` for github.com, `gl` for
/// gitlab.com, `gist` for gists, `git` for any other server.
pub(crate) fn repo_for_clone_url(clone: &str, git_ref: Option<String>) -> Repo {
    let trimmed = crate::text::trim_end_byte(clone, b'/');
    let host_path = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .map(|rest| rest.split_once('/').unwrap_or((rest, "")));
    let strip_git = |p: &str| p.strip_suffix(".git").unwrap_or(p).to_string();
    if let Some((host, path)) = host_path {
        let host = host.to_ascii_lowercase();
        let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let segments = parts.len();
        let path = parts.join("/");
        let path = path.as_str();
        match host.as_str() {
            "github.com" | "www.github.com" if segments == 2 => {
                return Repo {
                    provider: Provider::Gh,
                    spec: strip_git(path),
                    git_ref: Some(git_ref.unwrap_or_else(|| "HEAD".into())),
                }
            }
            "gitlab.com" | "www.gitlab.com" if segments >= 2 => {
                return Repo {
                    provider: Provider::Gl,
                    spec: strip_git(path),
                    git_ref: Some(git_ref.unwrap_or_else(|| "HEAD".into())),
                }
            }
            "gist.github.com" if segments == 2 => {
                return Repo {
                    provider: Provider::Gist,
                    spec: strip_git(path),
                    git_ref,
                }
            }
            _ => {}
        }
    }
    Repo {
        provider: Provider::Git,
        spec: clone.to_string(),
        git_ref: Some(git_ref.unwrap_or_else(|| "HEAD".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(p: Provider, raw: &str) -> (String, Option<String>, usize) {
        let r = read_spec(p, raw).unwrap();
        (r.spec, r.git_ref, r.warnings.len())
    }

    #[test]
    fn reads_each_provider_like_binderhub() {
        assert_eq!(
            read(Provider::Gh, "o/r.git/feature/x/"),
            ("o/r".into(), Some("feature/x".into()), 0)
        );
        assert_eq!(
            read(Provider::Gh, "o/r"),
            ("o/r".into(), Some("HEAD".into()), 1)
        );
        assert_eq!(
            read(Provider::Gl, "a%2Fb%2Fc/v1"),
            ("a/b/c".into(), Some("v1".into()), 0)
        );
        assert_eq!(
            read(Provider::Gl, "org/repo/main"),
            ("org/repo".into(), Some("main".into()), 1)
        );
        assert_eq!(
            read(
                Provider::Git,
                "https%3A%2F%2Fframagit.org%2Fatooms%2Fpp/HEAD"
            ),
            (
                "https://framagit.org/atooms/pp".into(),
                Some("HEAD".into()),
                0
            )
        );
        assert_eq!(
            read(Provider::Git, "https%3A//framagit.org/atooms/pp/main"),
            (
                "https://framagit.org/atooms/pp".into(),
                Some("main".into()),
                1
            )
        );
        assert_eq!(read(Provider::Gist, "u/abc"), ("u/abc".into(), None, 0));
        assert_eq!(
            read(Provider::Zenodo, "10.5281/zenodo.3242074/"),
            ("10.5281/zenodo.3242074".into(), None, 0)
        );
        assert!(read_spec(Provider::Gh, "onlyowner").is_err());
        assert!(read_spec(Provider::Ckan, "https%3A%2F%2Fdemo.ckan.org%2Fx").is_err());
        assert!(read_spec(Provider::Git, "nonsense/HEAD").is_err());
    }

    #[test]
    fn writes_specs_binderhub_reads_back() {
        for (p, raw) in [
            (Provider::Gh, "o/r/feature/x"),
            (Provider::Gl, "a%2Fb%2Fc/v1"),
            (
                Provider::Git,
                "https%3A%2F%2Fframagit.org%2Fatooms%2Fpp/HEAD",
            ),
            (Provider::Gist, "u/abc/main"),
            (Provider::Zenodo, "10.5281/zenodo.3242074"),
            (
                Provider::Hydroshare,
                "https%3A%2F%2Fwww.hydroshare.org%2Fresource%2F4cac",
            ),
        ] {
            let r = read_spec(p, raw).unwrap();
            let repo = Repo {
                provider: p,
                spec: r.spec,
                git_ref: r.git_ref,
            };
            assert_eq!(write_spec(&repo).unwrap(), raw);
        }
    }

    #[test]
    fn maps_clone_urls_to_providers() {
        assert_eq!(
            repo_for_clone_url("https://github.com/o/r.git", None).spec,
            "o/r"
        );
        assert_eq!(
            repo_for_clone_url("https://gitlab.com/a/b/c", None).provider,
            Provider::Gl
        );
        assert_eq!(
            repo_for_clone_url("https://github.com/o/r/tree/x", None).provider,
            Provider::Git
        );
        assert_eq!(
            repo_for_clone_url("https://example.org/x.git", Some("v1".into()))
                .git_ref
                .as_deref(),
            Some("v1")
        );
    }
}
