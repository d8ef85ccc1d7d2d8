//! Rendering for a JupyterHub (`<H>hub/user-redirect/git-pull?…`) or a Jupyter Server
//! (`<S>git-pull?…`) target: nbgitpuller clones the content, the hub's image is the environment.

use super::{compose_urlpath, Target, TargetKind};
use crate::encoding::build_query;
use crate::parse::{clone_dir, read_query, shown};
use crate::provider::{clone_url, no_dot_segments};
use crate::{Launch, Provider, Pull, Ui};

/// The `git-pull` endpoint of a target.
pub(super) fn endpoint(target: &Target) -> String {
    match target.kind {
        TargetKind::JupyterServer | TargetKind::BinderHub => format!("{}git-pull", target.url()),
        TargetKind::JupyterHub => format!("{}hub/user-redirect/git-pull", target.url()),
    }
}

/// An nbgitpuller query: `repo`, `branch`, `urlpath`, `targetPath`, values encoded like
/// `encodeURIComponent` (as nbgitpuller's link generator writes them). Fails when a value
/// would put a `.` or `..` segment into a path on the hub: the clone URL, the branch, the
/// urlpath, or the directory nbgitpuller clones into; or when the query would be read back as
/// another pull (a clone URL holding `&branch=`, which the reader's repair of encoded
/// separators would split): the parser's own reader checks it.
pub(crate) fn pull_query(pull: &Pull, urlpath: Option<&str>) -> Result<String, String> {
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
    no_dot_segments(
        "clone directory",
        &clone_dir(&pull.repo, pull.target_path.as_deref()),
    )?;
    if let Some(b) = &pull.branch {
        no_dot_segments("branch", b)?;
    }
    if let Some(u) = urlpath {
        no_dot_segments("urlpath", u)?;
    }
    let mut items = vec![("repo", pull.repo.as_str())];
    if let Some(b) = &pull.branch {
        items.push(("branch", b));
    }
    if let Some(u) = urlpath {
        items.push(("urlpath", u));
    }
    if let Some(t) = &pull.target_path {
        items.push(("targetPath", t));
    }
    let query = build_query(items);
    let mut warnings = Vec::new();
    let read = read_query(&query, &mut warnings).ok();
    let same = read.as_ref().is_some_and(|r| {
        r.pull == *pull && r.open.urlpath.as_deref() == urlpath.map(|u| u.trim_start_matches('/'))
    });
    if !same {
        return Err(format!(
            "the pull of '{}' would be read back as another link: left unchanged",
            shown(&pull.repo)
        ));
    }
    Ok(query)
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
            warnings
                .push("runs in the hub's environment, not the one the repository specifies".into());
            Pull {
                repo: clone,
                branch: branch_for(repo.provider, repo.git_ref.as_deref(), warnings),
                target_path: None,
            }
        }
        (None, None) => return Err("link has neither a repository nor a pull".into()),
    };
    let dir = clone_dir(&pull.repo, pull.target_path.as_deref());
    let urlpath = if launch.pull.is_some() {
        // An nbgitpuller urlpath already names the clone directory: keep it unless the
        // reader's preference changes the interface.
        if changed {
            compose_urlpath(ui, Some(&dir), launch.open.path.as_deref())
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
        compose_urlpath(ui, Some(&dir), launch.open.path.as_deref())
    };
    Ok(format!(
        "{}?{}",
        endpoint(target),
        pull_query(&pull, urlpath.as_deref())?
    ))
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
