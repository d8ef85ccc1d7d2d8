//! Rendering for a BinderHub target: `<B>v2/<provider>/<spec>?urlpath=…`.

use super::{compose_urlpath, nbgitpuller::pull_query, Target};
use crate::encoding::{encode_component, encode_path_value};
use crate::provider::{repo_for_clone_url, write_spec};
use crate::{Launch, LaunchKind, Repo, Ui};

/// `B v2/<spec>` plus an encoded urlpath.
fn v2(target: &Target, repo: &Repo, urlpath: Option<&str>) -> String {
    let mut out = format!(
        "{}v2/{}/{}",
        target.url(),
        repo.provider.id(),
        write_spec(repo)
    );
    if let Some(u) = urlpath {
        out.push_str("?urlpath=");
        out.push_str(&encode_path_value(u));
    }
    out
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
    match (&launch.repo, &launch.pull) {
        // Binder + nbgitpuller: the same environment, the same pull.
        (Some(repo), Some(pull)) if launch.kind == LaunchKind::Binder => {
            let inner = format!(
                "git-pull?{}",
                pull_query(pull, urlpath(Some(&pull_dir(pull))).as_deref())
            );
            Ok(format!(
                "{}?urlpath={}",
                v2(target, repo, None),
                encode_component(&inner)
            ))
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
                let inner = format!(
                    "git-pull?{}",
                    pull_query(pull, urlpath(Some(&dir)).as_deref())
                );
                Ok(format!(
                    "{}?urlpath={}",
                    v2(target, env, None),
                    encode_component(&inner)
                ))
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
                Ok(v2(target, &repo, u.as_deref()))
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
                return Ok(v2(target, repo, u.as_deref()));
            }
            Ok(v2(target, repo, urlpath(None).as_deref()))
        }
        (None, None) => Err("link has neither a repository nor a pull".into()),
    }
}

fn pull_dir(pull: &crate::Pull) -> String {
    crate::parse::clone_dir(&pull.repo, pull.target_path.as_deref())
}

/// BinderHub's own default is JupyterLab; say so explicitly when composing a urlpath.
fn or_lab(ui: Ui) -> Ui {
    if ui == Ui::Default {
        Ui::Lab
    } else {
        ui
    }
}
