//! Rendering for a JupyterHub (`<H>hub/user-redirect/git-pull?…`) or a Jupyter Server
//! (`<S>git-pull?…`) target: nbgitpuller clones the content, the hub's image is the environment.

use super::{compose_urlpath, Target, TargetKind};
use crate::encoding::build_query_into;
#[cfg(any(test, feature = "fuzzing"))]
use crate::parse::read_query;
use crate::parse::{clone_dir_of, shown};
use crate::provider::{clone_url, no_dot_segments};
use crate::{Launch, Provider, Pull, Ui};

/// The warning of a repository (Binder, Colab) launched on a JupyterHub or a Jupyter Server
/// (the hot path's express lane, src/express.rs, writes it too).
pub(crate) const HUB_ENVIRONMENT: &str =
    "runs in the hub's environment, not the one the repository specifies";

/// The `git-pull` endpoint of a target, after its URL.
pub(crate) fn endpoint(target: &Target) -> &'static str {
    match target.kind {
        TargetKind::JupyterServer | TargetKind::BinderHub => "git-pull",
        TargetKind::JupyterHub => "hub/user-redirect/git-pull",
    }
}

/// An nbgitpuller query: `repo`, `branch`, `urlpath`, `targetPath`, values encoded like
/// `encodeURIComponent` (as nbgitpuller's link generator writes them). Fails when a value
/// would put a `.` or `..` segment into a path on the hub: the clone URL, the branch, the
/// urlpath, or the directory nbgitpuller clones into; or when the query would be read back as
/// another pull (a clone URL holding `&branch=`, which the reader's repair of encoded
/// separators would split), as the parser's own reader reads it ([`reads_back`]).
pub(crate) fn pull_query(pull: &Pull, urlpath: Option<&str>) -> Result<String, String> {
    let mut query = String::new();
    pull_query_into(&mut query, pull, urlpath)?;
    Ok(query)
}

/// [`pull_query`], appended to `out` (the renderer writes the link in one buffer); `out` is
/// left as it was when the query is refused.
pub(crate) fn pull_query_into(
    out: &mut String,
    pull: &Pull,
    urlpath: Option<&str>,
) -> Result<(), String> {
    // nbgitpuller links are read with their values trimmed (crate::parse), so a value that
    // begins or ends with a space would be read back as another one.
    for (what, value) in [
        ("repository", Some(pull.repo.as_str())),
        ("branch", pull.branch.as_deref()),
        ("urlpath", urlpath),
        ("targetPath", pull.target_path.as_deref()),
    ] {
        if let Some(v) = value.filter(|v| v.trim() != *v) {
            return Err(format!(
                "{what} '{}' begins or ends with a space, which an nbgitpuller link cannot carry",
                shown(v)
            ));
        }
    }
    no_dot_segments("repository", &pull.repo)?;
    // Without a targetPath the clone directory is the repository's last segment, cut at
    // separators (`/`) that decoding keeps: its segments, at every depth of decoding, are
    // segments of the repository's, which passed. Only a targetPath needs its own check.
    if let Some(target_path) = pull.target_path.as_deref() {
        no_dot_segments(
            "clone directory",
            clone_dir_of(&pull.repo, Some(target_path)),
        )?;
    }
    // The skipped check, made where debug assertions are on (the tests, the fuzz targets).
    #[cfg(any(test, feature = "fuzzing"))]
    debug_assert!(
        !crate::encoding::has_dot_segment(clone_dir_of(&pull.repo, pull.target_path.as_deref())),
        "the clone directory of {} passed unchecked",
        pull.repo
    );
    if let Some(b) = &pull.branch {
        no_dot_segments("branch", b)?;
    }
    if let Some(u) = urlpath {
        no_dot_segments("urlpath", u)?;
    }
    let start = out.len();
    build_query_into(
        out,
        [
            ("repo", Some(pull.repo.as_str())),
            ("branch", pull.branch.as_deref()),
            ("urlpath", urlpath),
            ("targetPath", pull.target_path.as_deref()),
        ],
    );
    let same = reads_back(pull, urlpath);
    // The rule above is the parser's reading of this query, decided on the values; every test
    // and fuzz target also reads the query back with the parser and requires the same answer.
    // Only where debug assertions are on (the tests, the fuzz profile, cargo-fuzz): the
    // examples get the `fuzzing` feature too (a dev-dependency), and `make bench-core` must
    // time the code that ships, not this check (a fifth of the native hot path's time).
    #[cfg(any(test, feature = "fuzzing"))]
    debug_assert_eq!(
        same,
        read_back_by_parsing(&out[start..], pull, urlpath),
        "pull_query's read-back rule for {}",
        &out[start..]
    );
    if !same {
        out.truncate(start);
        return Err(format!(
            "the pull of '{}' would be read back as another link: left unchanged",
            shown(&pull.repo)
        ));
    }
    Ok(())
}

/// Whether the parser's reader ([`crate::parse::read_query`]) reads the query that
/// [`build_query_into`] writes for `pull` and `urlpath` back as the same pull and urlpath, decided on
/// the values (values that begin or end with a space were refused before). The values are written like
/// `encodeURIComponent`, so that `&`, `=`, `+` and `%` in them are escaped: the query splits
/// into the pairs written, each decoding to its value exactly, and holds no `&amp;`. What the
/// reader does beyond that: it drops empty values, reads a leading `/` off the urlpath, and
/// splits a `repo` value holding `&key=value` at its `&`s (the repair of url-encoded
/// separators).
fn reads_back(pull: &Pull, urlpath: Option<&str>) -> bool {
    let joined = pull.repo.contains('&')
        && pull
            .repo
            .replace("&amp;", "&")
            .split('&')
            .skip(1)
            .any(|kv| kv.contains('='));
    !pull.repo.is_empty()
        && !joined
        && pull.branch.as_deref() != Some("")
        && pull.target_path.as_deref() != Some("")
        && urlpath != Some("")
}

/// [`reads_back`] as the parser decides it: the query read back with [`read_query`]
/// (test support: the tests and fuzz targets hold the two equal).
#[cfg(any(test, feature = "fuzzing"))]
fn read_back_by_parsing(query: &str, pull: &Pull, urlpath: Option<&str>) -> bool {
    let mut warnings = Vec::new();
    read_query(query, &mut warnings).is_ok_and(|r| {
        r.pull == *pull && r.open.urlpath.as_deref() == urlpath.map(|u| u.trim_start_matches('/'))
    })
}

pub(super) fn render(
    launch: &Launch,
    target: &Target,
    (ui, changed): (Ui, bool),
    warnings: &mut Vec<String>,
) -> Result<String, String> {
    let pull = match (&launch.pull, &launch.repo) {
        (Some(pull), repo) => {
            if let Some(env) = repo {
                warnings.push(format!(
                    "runs in the hub's environment, not the author's environment repository {}/{}",
                    env.provider.id(),
                    env.spec
                ));
            }
            pull.clone()
        }
        (None, Some(repo)) => {
            let Some(clone) = clone_url(repo) else {
                return Err(format!(
                    "{} content cannot be pulled with nbgitpuller: only a BinderHub can launch it",
                    repo.provider.id()
                ));
            };
            warnings.push(HUB_ENVIRONMENT.into());
            Pull {
                repo: clone,
                branch: branch_for(repo.provider, repo.git_ref.as_deref(), warnings),
                target_path: None,
            }
        }
        (None, None) => return Err("link has neither a repository nor a pull".into()),
    };
    let dir = clone_dir_of(&pull.repo, pull.target_path.as_deref());
    let urlpath = if launch.pull.is_some() {
        // An nbgitpuller urlpath already names the clone directory: keep it unless the
        // reader's preference changes the interface.
        if changed {
            compose_urlpath(ui, Some(dir), launch.open.path.as_deref())
        } else {
            launch.open.urlpath.clone()
        }
    } else if ui == Ui::Other {
        warnings
            .push("the link's urlpath is kept as written: it may not open inside the clone".into());
        launch.open.urlpath.clone()
    } else {
        // A Binder or Colab path is relative to the repository root, which is now the clone.
        let ui = if ui == Ui::Default { Ui::Lab } else { ui };
        compose_urlpath(ui, Some(dir), launch.open.path.as_deref())
    };
    // The link in one buffer, sized for values that are mostly left as they are.
    let values = pull.repo.len()
        + pull.branch.as_ref().map_or(0, String::len)
        + urlpath.as_ref().map_or(0, String::len)
        + pull.target_path.as_ref().map_or(0, String::len);
    let mut url = String::with_capacity(target.url().len() + 64 + values + values / 2);
    url.push_str(target.url());
    url.push_str(endpoint(target));
    url.push('?');
    pull_query_into(&mut url, &pull, urlpath.as_deref())?;
    Ok(url)
}

/// The nbgitpuller `branch` for a Binder ref: none for `HEAD` or a gist's latest; a pinned
/// commit cannot be checked out by nbgitpuller, so it becomes the default branch, with a warning.
fn branch_for(
    provider: Provider,
    git_ref: Option<&str>,
    warnings: &mut Vec<String>,
) -> Option<String> {
    // Not trimmed: a ref with spaces is written as it is, and refused by `pull_query`.
    let r = git_ref?;
    if r.is_empty() || r == "HEAD" {
        return None;
    }
    if provider == Provider::Gist && matches!(r, "master" | "main") {
        return None;
    }
    if is_commit(r) {
        warnings.push(format!(
            "pinned commit {r} dropped: nbgitpuller cannot check out a commit, so the default branch is used"
        ));
        return None;
    }
    Some(r.to_string())
}

/// Whether a ref looks like a commit SHA (7 to 40 hex digits).
pub(crate) fn is_commit(r: &str) -> bool {
    (7..=40).contains(&r.len()) && r.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pull(repo: &str, branch: Option<&str>, target_path: Option<&str>) -> Pull {
        Pull {
            repo: repo.into(),
            branch: branch.map(str::to_string),
            target_path: target_path.map(str::to_string),
        }
    }

    /// A repository that passes the dot-segment rule has a clone directory that passes it
    /// (`pull_query_into` checks only a targetPath): its last segment, encoded, nested or cut
    /// by separators decoding makes.
    #[test]
    fn a_clone_directory_passes_the_dot_rule_when_its_repository_does() {
        use crate::encoding::has_dot_segment;
        let repos = [
            "https://github.com/o/r",
            "https://github.com/o/r/",
            "https://github.com/o/..",
            "https://github.com/o/%2e%2E",
            "https://github.com/o/%252e.",
            "https://github.com/o/a%2F..",
            "https://github.com/o/a%252F%252E%252E",
            "https://github.com/o/a\\..",
            "https://github.com/o/.%09.",
            "https://github.com/o/x?..",
            "https://github.com/o/x#.",
            "https://github.com/o/x&.=y",
            "https://github.com/o/..//",
            "https://github.com/o/r.git",
            "..",
            "%2e",
            "",
            "/",
            "a/%25%32%65",
            "a/%%32e",
        ];
        for repo in repos {
            let dir = clone_dir_of(repo, None);
            assert!(
                has_dot_segment(repo) || !has_dot_segment(dir),
                "{repo}: {dir}"
            );
        }
    }

    /// The rule on the values is the parser's reading of the written query, case by case
    /// (`pull_query` also asserts it on every query the tests and fuzz targets write).
    #[test]
    fn the_read_back_rule_on_values_is_the_parsers_reading() {
        let cases = [
            (
                pull("https://github.com/o/r", Some("main"), None),
                Some("lab/tree/r/x.ipynb"),
                true,
            ),
            (
                pull("https://github.com/o/r", None, Some("d")),
                Some("/lab"),
                true,
            ),
            (pull("https://x.org/a&b", None, None), None, true),
            (
                pull("https://x.org/a?x=1&branch=dev", None, None),
                None,
                false,
            ),
            (pull("https://x.org/a&amp;b=c", None, None), None, false),
            (pull("https://x.org/a=1&b", None, None), None, true),
            (pull("", None, None), None, false),
            (pull("r", Some(""), None), None, false),
            (pull("r", None, Some("")), None, false),
            (pull("r", None, None), Some(""), false),
            (pull("r", None, None), Some("/"), true),
            (
                pull("r+s %25 é", Some("a+b&c=d"), Some("t=1&u")),
                Some("tree/x&y=z"),
                true,
            ),
        ];
        for (p, urlpath, expected) in cases {
            let mut query = String::new();
            crate::encoding::build_query_into(
                &mut query,
                [
                    ("repo", Some(p.repo.as_str())),
                    ("branch", p.branch.as_deref()),
                    ("urlpath", urlpath),
                    ("targetPath", p.target_path.as_deref()),
                ],
            );
            assert_eq!(
                read_back_by_parsing(&query, &p, urlpath),
                expected,
                "{query}"
            );
            assert_eq!(reads_back(&p, urlpath), expected, "{query}");
        }
    }

    #[test]
    fn a_pull_read_back_as_another_is_refused_with_the_repository() {
        assert_eq!(
            pull_query(&pull("https://x.org/a?x=1&branch=dev", None, None), None),
            Err("the pull of 'https://x.org/a?x=1&branch=dev' would be read back as another link: left unchanged".into())
        );
        assert!(pull_query(&pull("https://x.org/r", Some(""), None), None).is_err());
        assert_eq!(
            pull_query(&pull("https://x.org/r", Some("main"), None), Some("lab")),
            Ok("repo=https%3A%2F%2Fx.org%2Fr&branch=main&urlpath=lab".into())
        );
    }
}
