//! BinderHub launch links: `<base>v2/<provider>/<spec>[?urlpath=…|labpath=…|filepath=…]`,
//! including Binder + nbgitpuller (a urlpath that is itself a `git-pull?…` link), and the
//! legacy `<base>repo/<owner>/<repo>[/<path>]` form.

use super::{base_url, nbgitpuller, split_urlpath, Claim, Form, FullReader, Link};
use crate::encoding::{binder_page_query, decode, pairs};
use crate::known::is_known_binderhub_host;
use crate::provider::read_spec;
use crate::{Error, Launch, LaunchKind, Open, Provider, Repo, Ui};

pub(crate) const FORM: Form = Form {
    name: "binder",
    parse: parse_v2,
    #[cfg(any(test, feature = "fuzzing"))]
    examples: &[
        "https://mybinder.org/v2/gh/binder-examples/requirements/HEAD",
        "https://mybinder.org/v2/gh/executablebooks/quantecon-mini-example/master?urlpath=tree/mini_book/docs/about_py.ipynb",
        "https://notebooks.gesis.org/binder/v2/gh/gesiscss/orc/master?labpath=README.ipynb",
        "https://mybinder.org/v2/gl/gitlab-org%2Fgitlab-foss/v10.0.6",
        "https://mybinder.org/v2/git/https%3A%2F%2Fframagit.org%2Fatooms%2Fpostprocessing/HEAD",
        "https://mybinder.org/v2/gist/parente/41a13f4c8fa6165d345cc7703be291a3/master",
        "https://mybinder.org/v2/zenodo/10.5281/zenodo.3242074/",
        "https://mybinder.org/v2/figshare/10.6084/m9.figshare.9782777.v1/",
        "https://mybinder.org/v2/hydroshare/https%3A%2F%2Fwww.hydroshare.org%2Fresource%2F4cac25933f6448409cab97b293129b4f/",
        "https://mybinder.org/v2/dataverse/10.7910/DVN/TJCLKP/",
        "https://mybinder.org/v2/ckan/https%3A%2F%2Fdemo.ckan.org%2Fdataset%2Fmy-sample-dataset-001/",
        "https://mybinder.org/v2/gh/jupyterhub/zero-to-jupyterhub-k8s/HEAD?urlpath=git-pull%3Frepo%3Dhttps%253A%252F%252Fgithub.com%252Fo%252Fc%26urlpath%3Dlab%252Ftree%252Fc%252Fx.ipynb%26branch%3Dmain",
    ],
};

pub(crate) const LEGACY_FORM: Form = Form {
    name: "binder-legacy-repo",
    parse: parse_legacy,
    #[cfg(any(test, feature = "fuzzing"))]
    examples: &[
        "https://mybinder.org/repo/binder-examples/requirements",
        "http://mybinder.org/repo/jupyter/notebook/notebooks/index.ipynb",
    ],
};

fn parse_v2(url: &Link<'_>) -> Result<Claim, Error> {
    let path = url.path;
    let file = crate::text::after_last_byte(path, b'/');
    if (file == "badge_logo.svg" || file == "badge.svg") && !path.contains("/v2/") {
        return Ok(Claim::NotLaunch(
            "not a launch link: a binder badge image".into(),
        ));
    }
    let Some(at) = find_v2(path) else {
        if is_known_binderhub_host(url.host) && path.contains("/v2/") {
            return Err(Error::InvalidLink(format!(
                "binder link has no known provider after v2/ in '{path}'"
            )));
        }
        return Ok(Claim::Pass);
    };
    let mut warnings = Vec::new();
    if at.first != at.last {
        warnings.push("doubled v2/ path; read the last one".into());
    }
    let hub = base_url(url, at.first + 1);
    let Some(repo) = read_v2_repo(path, &at, url.full, &mut warnings)? else {
        return Ok(Claim::Defer);
    };
    let query = super::repaired_query(url, &mut warnings);
    finish(hub, repo, &query, warnings).map(Claim::Launch)
}

/// Where a URL path's `/v2/<provider>/` parts are: the first ends the hub's base, the last
/// starts the spec (a doubled `v2/gh/…/v2/gh/…` path is read from its last copy).
pub(crate) struct V2At {
    /// Byte offset of the first `/v2/<provider>/`.
    pub first: usize,
    /// Byte offset of the last one.
    pub last: usize,
    /// The provider the last one names.
    pub provider: Provider,
}

/// Finds the `/v2/<provider>/` parts of a URL path (a provider followed by a spec); `None`
/// when there is none. The renderer checks with it that what it writes reads back the same.
pub(crate) fn find_v2(path: &str) -> Option<V2At> {
    let mut found: Option<V2At> = None;
    let mut search = 0;
    // A byte search: the paths are short, and a substring searcher's set-up costs more.
    while let Some(i) = path.as_bytes()[search..]
        .windows(4)
        .position(|w| w == b"/v2/")
    {
        let at = search + i;
        let after = &path[at + 4..];
        let id = crate::text::split_byte(after, b'/')
            .next()
            .unwrap_or_default();
        if let Some(provider) = Provider::from_id(id) {
            if after.len() > id.len() {
                let first = found.as_ref().map_or(at, |f| f.first);
                found = Some(V2At {
                    first,
                    last: at,
                    provider,
                });
            }
        }
        search = at + 1;
    }
    found
}

/// Reads the repository of the `v2/<provider>/<spec>` part that `at` found in `path`. A
/// pasted Binder link in a gh spec is read one level deep only (`allow_pasted`): a link
/// nested in itself costs no more than its length. `full` reads a pasted link the splitter
/// cannot; without it such a link gives `None` (the caller defers to the `url` crate's path).
pub(crate) fn read_v2_repo(
    path: &str,
    at: &V2At,
    full: Option<&dyn FullReader>,
    warnings: &mut Vec<String>,
) -> Result<Option<Repo>, Error> {
    read_v2_repo_at(path, at, Some(full), warnings)
}

/// [`read_v2_repo`]; `pasting` is `None` inside a pasted link (which is read one level deep).
fn read_v2_repo_at(
    path: &str,
    at: &V2At,
    pasting: Option<Option<&dyn FullReader>>,
    warnings: &mut Vec<String>,
) -> Result<Option<Repo>, Error> {
    let raw_spec = &path[at.last + 4 + at.provider.id().len() + 1..];
    match pasted_url(at.provider, raw_spec, pasting, warnings)? {
        Pasted::Read(repo) => return Ok(Some(repo)),
        Pasted::Defer => return Ok(None),
        Pasted::No => {}
    }
    let read = read_spec(at.provider, raw_spec)
        .map_err(|m| Error::InvalidLink(crate::text::concat(&["binder link: ", &m])))?;
    warnings.extend(read.warnings);
    Ok(Some(Repo {
        provider: at.provider,
        spec: read.spec,
        git_ref: read.git_ref,
    }))
}

/// What a gh spec's owner holds.
enum Pasted {
    /// A pasted Binder link, read for its repository.
    Read(Repo),
    /// A pasted URL only the `url` crate can read.
    Defer,
    /// Not a pasted URL.
    No,
}

/// A whole url-encoded URL pasted where a gh spec's owner goes (`v2/gh/https%3A%2F%2F…/ref`).
/// BinderHub rejects `%2F` in a gh spec; a pasted Binder link is read for its repository,
/// anything else is an error that says to use `v2/git/`.
fn pasted_url(
    provider: Provider,
    raw_spec: &str,
    pasting: Option<Option<&dyn FullReader>>,
    warnings: &mut Vec<String>,
) -> Result<Pasted, Error> {
    let first = crate::text::split_byte(raw_spec, b'/')
        .next()
        .unwrap_or_default();
    if provider != Provider::Gh || !contains_ignore_case(first, "%3a%2f%2f") {
        return Ok(Pasted::No);
    }
    let pasted = decode(first);
    let leaves = || {
        Error::InvalidLink(format!(
            "binder link: gh spec starts with the url-encoded url '{}'; BinderHub rejects it (other git servers use v2/git/)",
            super::shown(&pasted)
        ))
    };
    let Some(full) = pasting else {
        return Err(Error::InvalidLink(
            "binder link: a binder link pasted into a pasted binder link; byob reads one level"
                .into(),
        ));
    };
    // The pasted text is raw: the splitter reads it only when it is in serialised form.
    let path = match (super::split(&pasted), full) {
        (super::Split::Web(link), _) => link.path.to_string(),
        (_, Some(full)) => match full.path_of(&pasted) {
            Some(path) => path,
            None => return Err(leaves()),
        },
        (super::Split::Other(_), None) => return Err(leaves()),
        (super::Split::Defer, None) => return Ok(Pasted::Defer),
    };
    let Some(at) = find_v2(&path) else {
        return Err(leaves());
    };
    let Some(repo) = read_v2_repo_at(&path, &at, None, warnings)? else {
        return Ok(Pasted::Defer);
    };
    warnings.push("a binder link was pasted as the gh repository; read its repository".into());
    Ok(Pasted::Read(repo))
}

/// Whether `s` contains `needle` (lowercase ASCII), ignoring ASCII case, without a copy.
fn contains_ignore_case(s: &str, needle: &str) -> bool {
    s.as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Builds the launch from a Binder query: `labpath`, then `filepath`, override `urlpath`
/// (the current BinderHub client); a urlpath that is a `git-pull?` link adds a [`Pull`](crate::Pull).
/// The query is first decoded with `decodeURI`, as BinderHub's launch page does.
fn finish(
    hub: String,
    repo: Repo,
    query: &str,
    mut warnings: Vec<String>,
) -> Result<Launch, Error> {
    let query = binder_page_query(query);
    let query = query.as_ref();
    let ps = pairs(query);
    let first = |k: &str| ps.iter().find(|p| p.key == k);
    let urlpath = if let Some(p) = first("labpath").filter(|p| !p.value.is_empty()) {
        Some(crate::text::concat(&[
            "doc/tree/",
            crate::text::trim_start_byte(&p.value, b'/'),
        ]))
    } else if let Some(p) = first("filepath").filter(|p| !p.value.is_empty()) {
        Some(crate::text::concat(&[
            "tree/",
            crate::text::trim_start_byte(&p.value, b'/'),
        ]))
    } else {
        first("urlpath")
            .map(|p| crate::text::trim_start_byte(&p.value, b'/').to_string())
            .filter(|v| !v.is_empty())
    };
    if let Some(p) = first("urlpath") {
        let only_slashes = |prefix: &str| crate::text::trim_start_byte(prefix, b'/').is_empty();
        if let Some((_, inner)) = nbgitpuller::nested_query(p, query, only_slashes, &mut warnings) {
            let read = nbgitpuller::read_query(&inner, &mut warnings)?;
            return Ok(Launch {
                kind: LaunchKind::Binder,
                hub,
                repo: Some(repo),
                pull: Some(read.pull),
                open: read.open,
                warnings,
            });
        }
    }
    let split = split_urlpath(urlpath.as_deref());
    Ok(Launch {
        kind: LaunchKind::Binder,
        hub,
        repo: Some(repo),
        pull: None,
        open: Open {
            path: split.rest.filter(|_| split.ui != Ui::Other),
            urlpath,
            ui: split.ui,
        },
        warnings,
    })
}

fn parse_legacy(url: &Link<'_>) -> Result<Claim, Error> {
    let host = url.host;
    let path = url.path;
    if !is_known_binderhub_host(host) {
        return Ok(Claim::Pass);
    }
    let Some(i) = path.find("/repo/") else {
        return Ok(Claim::Pass);
    };
    let rest = crate::text::trim_end_byte(&path[i + 6..], b'/');
    let mut parts = rest.splitn(3, '/');
    let (Some(owner), Some(name)) = (parts.next(), parts.next()) else {
        return Err(Error::InvalidLink(format!(
            "legacy binder link '{path}' has no owner/repo"
        )));
    };
    let repo = Repo {
        provider: Provider::Gh,
        spec: crate::text::concat(&[&decode(owner), "/", &decode(name)]),
        git_ref: Some("master".into()),
    };
    let warnings = vec!["legacy binder /repo/ link: read as v2/gh/<owner>/<repo>/master".into()];
    let query = match parts.next() {
        Some(file) => crate::text::concat(&["urlpath=", file]),
        None => String::new(),
    };
    finish(base_url(url, i + 1), repo, &query, warnings).map(Claim::Launch)
}

#[cfg(test)]
mod tests {
    use crate::parse::launch_of as launch;
    use crate::{parse, Parsed, Provider, Ui};

    #[test]
    fn reads_hub_prefix_provider_spec_ref_and_urlpath() {
        let l = launch(
            "https://notebooks.gesis.org/binder/v2/gh/o/r.git/a/b/?urlpath=%2Flab%2Ftree%2Fx.ipynb",
        );
        assert_eq!(l.hub, "https://notebooks.gesis.org/binder/");
        let repo = l.repo.unwrap();
        assert_eq!(
            (repo.provider, repo.spec.as_str(), repo.git_ref.as_deref()),
            (Provider::Gh, "o/r", Some("a/b"))
        );
        assert_eq!(l.open.urlpath.as_deref(), Some("lab/tree/x.ipynb"));
        assert_eq!(
            (l.open.ui, l.open.path.as_deref()),
            (Ui::Lab, Some("x.ipynb"))
        );
        assert!(l.warnings.is_empty());
    }

    #[test]
    fn labpath_then_filepath_override_urlpath() {
        let l =
            launch("https://mybinder.org/v2/gh/o/r/HEAD?urlpath=lab&labpath=a.ipynb&filepath=b");
        assert_eq!(l.open.urlpath.as_deref(), Some("doc/tree/a.ipynb"));
        let l = launch("https://mybinder.org/v2/gh/o/r/HEAD?urlpath=lab&filepath=b");
        assert_eq!(
            (l.open.ui, l.open.path.as_deref()),
            (Ui::Notebook, Some("b"))
        );
    }

    #[test]
    fn reads_binder_plus_nbgitpuller_in_every_encoding() {
        for u in [
            "https://mybinder.org/v2/gh/e/env/main?urlpath=git-pull%3Frepo%3Dhttps%253A%252F%252Fgithub.com%252Fo%252Fc%26urlpath%3Dlab%252Ftree%252Fc%252Fx.ipynb%26branch%3Ddev",
            "https://mybinder.org/v2/gh/e/env/main?urlpath=git-pull%3Frepo%3Dhttps%3A%2F%2Fgithub.com%2Fo%2Fc%26urlpath%3Dlab%2Ftree%2Fc%2Fx.ipynb%26branch%3Ddev",
            "https://mybinder.org/v2/gh/e/env/main?urlpath=git-pull?repo=https://github.com/o/c&urlpath=lab/tree/c/x.ipynb&branch=dev",
        ] {
            let l = launch(u);
            let pull = l.pull.unwrap();
            assert_eq!(pull.repo, "https://github.com/o/c", "{u}");
            assert_eq!(pull.branch.as_deref(), Some("dev"), "{u}");
            assert_eq!(l.open.path.as_deref(), Some("x.ipynb"), "{u}");
            assert_eq!(l.repo.unwrap().spec, "e/env");
        }
    }

    #[test]
    fn repairs_malformed_links_from_the_wild() {
        let l = launch("https://mybinder.org/v2/gh/o/r/main/v2/gh/o/r/main?urlpath=lab");
        assert_eq!(l.repo.unwrap().git_ref.as_deref(), Some("main"));
        assert_eq!(l.warnings.len(), 1);
        let l = launch("https://mybinder.org/v2/gh/o/r/HEAD?urlpath=lab/tree/x.ipynb?foo=1");
        assert_eq!(l.open.path.as_deref(), Some("x.ipynb"));
        let l = launch("https://mybinder.org/v2/gh/o/r/HEAD#lab/tree/x");
        assert_eq!(l.repo.unwrap().git_ref.as_deref(), Some("HEAD"));
    }

    #[test]
    fn the_hub_base_ends_before_the_v2_that_names_a_provider() {
        assert_eq!(
            launch("https://h.org/api/v2/binder/v2/gh/o/r/HEAD").hub,
            "https://h.org/api/v2/binder/"
        );
        let l = launch("https://mybinder.org/v2/git/https%3A//framagit.org/a/b/feature%2Fx");
        let repo = l.repo.unwrap();
        assert_eq!(
            (repo.spec.as_str(), repo.git_ref.as_deref()),
            ("https://framagit.org/a/b", Some("feature/x"))
        );
    }

    #[test]
    fn badges_and_unknown_paths_are_not_launch_links() {
        for u in [
            "https://mybinder.org/badge_logo.svg",
            "https://mybinder.org/",
            "https://example.org/v2/docs/page",
        ] {
            assert!(matches!(parse(u), Ok(Parsed::NotLaunch(_))), "{u}");
        }
        assert!(parse("https://mybinder.org/v2/gh/onlyowner").is_err());
        assert!(parse("https://mybinder.org/v2/nosuch/x/y").is_err());
    }

    #[test]
    fn reads_the_legacy_repo_form() {
        let l = launch("https://mybinder.org/repo/o/r/notebooks/index.ipynb");
        assert_eq!(l.open.urlpath.as_deref(), Some("notebooks/index.ipynb"));
        assert_eq!(l.repo.unwrap().git_ref.as_deref(), Some("master"));
    }
}
