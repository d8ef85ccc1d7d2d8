//! Rendering for a BinderHub target: `<B>v2/<provider>/<spec>?urlpath=…`.

use super::{compose_urlpath, nbgitpuller::pull_query, Target};
use crate::encoding::encode_binder_value_into;
use crate::parse::{find_v2, read_v2_repo, shown};
use crate::provider::{no_dot_segments, repo_for_clone_url, write_spec};
use crate::{Launch, LaunchKind, Repo, Ui};

/// `<base>v2/<provider>/<spec>`, plus a urlpath encoded for BinderHub's launch page
/// ([`encode_binder_value_into`]). Fails when the repository or the urlpath cannot be written
/// ([`write_spec`], [`no_dot_segments`]), or when the link would be read back as another
/// repository (a ref or DOI holding `v2/gh/…`): the same reader the parser uses checks it.
pub(crate) fn v2_link(base: &str, repo: &Repo, urlpath: Option<&str>) -> Result<String, String> {
    let tail = crate::text::concat(&["/v2/", repo.provider.id(), "/", &write_spec(repo)?]);
    let mut warnings = Vec::new();
    let read = find_v2(&tail)
        .filter(|at| at.first == 0 && at.last == 0)
        .and_then(|at| read_v2_repo(&tail, &at, None, &mut warnings).ok().flatten());
    // What it must read back as: the same repository, a git provider's missing ref as `HEAD`
    // (compared field by field: no copy of the repository to compare with).
    let expected_ref = match repo.provider {
        crate::Provider::Gh | crate::Provider::Gl | crate::Provider::Git => {
            Some(repo.git_ref.as_deref().unwrap_or("HEAD"))
        }
        _ => repo.git_ref.as_deref(),
    };
    let same = read.as_ref().is_some_and(|r| {
        r.provider == repo.provider && r.spec == repo.spec && r.git_ref.as_deref() == expected_ref
    });
    if !same {
        return Err(format!(
            "{} repository '{}' at '{}' would be read back as another link: left unchanged",
            repo.provider.id(),
            shown(&repo.spec),
            shown(repo.git_ref.as_deref().unwrap_or("HEAD"))
        ));
    }
    let mut out = crate::text::concat(&[base, &tail[1..]]);
    if let Some(u) = urlpath {
        no_dot_segments("urlpath", u)?;
        out.push_str("?urlpath=");
        encode_binder_value_into(&mut out, u, !u.starts_with("git-pull?"));
    }
    Ok(out)
}

pub(super) fn render(
    launch: &Launch,
    target: &Target,
    (ui, changed): (Ui, bool),
    warnings: &mut Vec<String>,
) -> Result<String, String> {
    // The author's urlpath is kept unless the reader's preference changes the interface.
    let urlpath = |dir: Option<&str>| {
        if changed {
            compose_urlpath(ui, dir, launch.open.path.as_deref())
        } else {
            launch.open.urlpath.clone()
        }
    };
    let base = target.url();
    match (&launch.repo, &launch.pull) {
        // Binder + nbgitpuller: the same environment, the same pull.
        (Some(repo), Some(pull)) if launch.kind == LaunchKind::Binder => {
            let inner = crate::text::concat(&[
                "git-pull?",
                &pull_query(pull, urlpath(Some(pull_dir(pull))).as_deref())?,
            ]);
            v2_link(base, repo, Some(&inner))
        }
        // nbgitpuller content: in the reader's environment repository, or in its own.
        (_, Some(pull)) => {
            let dir = pull_dir(pull);
            if let Some(env) = target.env() {
                warnings.push(format!(
                    "runs in your environment repository {}/{} instead of the original hub's environment",
                    env.provider.id(),
                    env.spec
                ));
                let inner = crate::text::concat(&[
                    "git-pull?",
                    &pull_query(pull, urlpath(Some(dir)).as_deref())?,
                ]);
                v2_link(base, env, Some(&inner))
            } else {
                warnings.push(
                    "no environment repository set: BinderHub builds the content repository's own environment"
                        .into(),
                );
                let repo = repo_for_clone_url(&pull.repo, pull.branch.clone());
                // The content repository is now the server root: the clone directory goes.
                let u = match (ui, launch.open.path.as_deref()) {
                    (Ui::Default, None) => None,
                    (ui, path) => compose_urlpath(or_lab(ui), None, path),
                };
                v2_link(base, &repo, u.as_deref())
            }
        }
        (Some(repo), None) => {
            if launch.kind == LaunchKind::Colab {
                warnings
                    .push("BinderHub builds the repository's own environment, not Colab's".into());
            }
            // Colab links and GitHub pages name a file but no urlpath.
            if launch.open.urlpath.is_none() && launch.open.path.is_some() {
                let u = compose_urlpath(or_lab(ui), None, launch.open.path.as_deref());
                return v2_link(base, repo, u.as_deref());
            }
            v2_link(base, repo, urlpath(None).as_deref())
        }
        (None, None) => Err("link has neither a repository nor a pull".into()),
    }
}

fn pull_dir(pull: &crate::Pull) -> &str {
    crate::parse::clone_dir_of(&pull.repo, pull.target_path.as_deref())
}

/// BinderHub's own default is JupyterLab; say so explicitly when composing a urlpath.
fn or_lab(ui: Ui) -> Ui {
    if ui == Ui::Default {
        Ui::Lab
    } else {
        ui
    }
}
