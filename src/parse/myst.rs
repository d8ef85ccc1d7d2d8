//! Jupyter Book 2 (MyST) pages have no launch link: the page data holds the project's
//! `thebe.binder` config (`url`, `provider`, `repo`, `ref`) and the page's `location`
//! (docs/protocols.md §5). [`myst_binder_link`] builds the Binder link myst-theme would open —
//! without its `lab/tree//` double slash and with a GitLab namespace encoded as BinderHub
//! needs — so that it is rewritten like any other launch link.

use super::compose_urlpath;
use crate::render::v2_link;
use crate::{Error, Provider, Repo, Ui};
use serde::{Deserialize, Serialize};

/// A MyST project's `thebe.binder` config, as the page data has it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MystBinder {
    /// The BinderHub the author chose (default mybinder.org).
    pub url: Option<String>,
    /// `github` (default), `gitlab`, `git` or `gist` (BinderHub ids `gh`, `gl`, … also accepted).
    pub provider: Option<String>,
    /// `org/repo`, `group/sub/project`, a repository URL, or (git) a clone URL.
    pub repo: String,
    /// The ref (default `HEAD`).
    #[serde(rename = "ref")]
    pub git_ref: Option<String>,
}

/// The Binder link for a MyST page: `<url>v2/<provider>/<spec>/<ref>?urlpath=lab/tree/<location>`.
pub fn myst_binder_link(binder: &MystBinder, location: Option<&str>) -> Result<String, Error> {
    let provider = match binder
        .provider
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("" | "github" | "gh") => Provider::Gh,
        Some("gitlab" | "gl") => Provider::Gl,
        Some("git") => Provider::Git,
        Some("gist") => Provider::Gist,
        Some(other) => {
            return Err(Error::InvalidLink(format!(
                "myst binder config: provider '{other}' is not github, gitlab, git or gist"
            )))
        }
    };
    let repo = binder.repo.trim().trim_end_matches('/');
    if repo.is_empty() {
        return Err(Error::InvalidLink("myst binder config has no repo".into()));
    }
    let spec = match provider {
        // `https://github.com/org/repo` and `org/repo` both name the repository.
        Provider::Gh | Provider::Gl | Provider::Gist => {
            let path = repo.split_once("://").map_or(repo, |(_, rest)| {
                rest.split_once('/').map_or("", |(_, p)| p)
            });
            path.strip_suffix(".git").unwrap_or(path).to_string()
        }
        _ => repo.to_string(),
    };
    if spec.is_empty() {
        return Err(Error::InvalidLink(format!(
            "myst binder config: repo '{repo}' names no repository"
        )));
    }
    let git_ref = binder
        .git_ref
        .clone()
        .filter(|r| !r.trim().is_empty())
        .unwrap_or_else(|| "HEAD".into());
    let hub =
        crate::render::normalize_hub_url(binder.url.as_deref().unwrap_or("https://mybinder.org/"))
            .map_err(|e| Error::InvalidLink(format!("myst binder config: {e}")))?;
    let urlpath = location
        .map(|l| l.trim_matches('/'))
        .filter(|l| !l.is_empty())
        .and_then(|loc| compose_urlpath(Ui::Lab, None, Some(loc)));
    let repo = Repo {
        provider,
        spec,
        git_ref: Some(git_ref),
    };
    let link = v2_link(&hub, &repo, urlpath.as_deref())
        .map_err(|m| Error::InvalidLink(format!("myst binder config: {m}")))?;
    super::check_len(&link)?;
    Ok(link)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse, Parsed};

    fn binder(provider: &str, repo: &str) -> MystBinder {
        MystBinder {
            url: Some("https://mybinder.org/".into()),
            provider: Some(provider.into()),
            repo: repo.into(),
            git_ref: Some("HEAD".into()),
        }
    }

    #[test]
    fn builds_the_link_myst_theme_means() {
        // The fixture page: ProjectPythia/cookbook-template, mystmd 1.7.
        assert_eq!(
            myst_binder_link(&binder("github", "projectpythia/cookbook-template"), Some("/notebooks/notebook-template.ipynb")).unwrap(),
            "https://mybinder.org/v2/gh/projectpythia/cookbook-template/HEAD?urlpath=lab/tree/notebooks/notebook-template.ipynb"
        );
        assert_eq!(
            myst_binder_link(&binder("gitlab", "group/sub/project"), Some("/a b.ipynb")).unwrap(),
            "https://mybinder.org/v2/gl/group%2Fsub%2Fproject/HEAD?urlpath=lab/tree/a%20b.ipynb"
        );
        assert_eq!(
            myst_binder_link(&binder("git", "https://framagit.org/a/b.git"), None).unwrap(),
            "https://mybinder.org/v2/git/https%3A%2F%2Fframagit.org%2Fa%2Fb.git/HEAD"
        );
        assert_eq!(
            myst_binder_link(
                &MystBinder {
                    repo: "https://github.com/o/r".into(),
                    ..Default::default()
                },
                Some("/x.ipynb")
            )
            .unwrap(),
            "https://mybinder.org/v2/gh/o/r/HEAD?urlpath=lab/tree/x.ipynb"
        );
        assert!(myst_binder_link(&binder("svn", "o/r"), None).is_err());
        assert!(myst_binder_link(&binder("github", ""), None).is_err());
    }

    #[test]
    fn its_links_parse_back() {
        let link =
            myst_binder_link(&binder("gitlab", "group/sub/project"), Some("/nb/x.ipynb")).unwrap();
        let Ok(Parsed::Launch(l)) = parse(&link) else {
            panic!("{link}")
        };
        assert_eq!(l.repo.unwrap().spec, "group/sub/project");
        assert_eq!(l.open.path.as_deref(), Some("nb/x.ipynb"));
    }
}
