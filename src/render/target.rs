//! The hub a link is rewritten for, and the reader's preferences that shape the rewrite.

// Hub URL cleaning lives in the leaf module `hub_url`, shared with detection.
pub use crate::hub_url::normalize_hub_url;
use crate::parse::{parse, Parsed};
use crate::provider::{read_spec, repo_for_clone_url};
use crate::{Error, LaunchKind, Provider, Repo, Ui};
use serde::{Deserialize, Serialize};

/// What kind of server a target is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TargetKind {
    /// A full BinderHub: launches `v2/<provider>/<spec>`.
    #[serde(rename = "binderhub")]
    BinderHub,
    /// A JupyterHub with nbgitpuller in its image: launches `hub/user-redirect/git-pull`.
    #[serde(rename = "jupyterhub")]
    JupyterHub,
    /// A single Jupyter Server with nbgitpuller: launches `git-pull`.
    #[serde(rename = "jupyter-server")]
    JupyterServer,
}

impl TargetKind {
    /// The name used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::BinderHub => "binderhub",
            TargetKind::JupyterHub => "jupyterhub",
            TargetKind::JupyterServer => "jupyter-server",
        }
    }
}

/// The reader's interface preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Interface {
    /// Open what the link opens.
    #[default]
    Follow,
    /// Always JupyterLab.
    Lab,
    /// Always Jupyter Notebook.
    Notebook,
}

impl Interface {
    /// The interface to open instead of `ui`, and whether that changes what the author chose.
    pub fn apply(self, ui: Ui) -> (Ui, bool) {
        match (self, ui) {
            (Interface::Lab, Ui::Notebook | Ui::Classic | Ui::Doc) => (Ui::Lab, true),
            (Interface::Lab, Ui::Default) => (Ui::Lab, false),
            (Interface::Notebook, Ui::Lab | Ui::Doc) => (Ui::Notebook, true),
            (Interface::Notebook, Ui::Default) => (Ui::Notebook, false),
            _ => (ui, false),
        }
    }
}

/// Which kinds of launch link to relaunch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LinkKinds {
    /// Binder links.
    pub binder: bool,
    /// nbgitpuller links.
    pub nbgitpuller: bool,
    /// Colab links.
    pub colab: bool,
}

impl Default for LinkKinds {
    fn default() -> Self {
        LinkKinds {
            binder: true,
            nbgitpuller: true,
            colab: true,
        }
    }
}

impl LinkKinds {
    /// Whether links of `kind` are relaunched.
    pub fn allows(self, kind: LaunchKind) -> bool {
        match kind {
            LaunchKind::Binder => self.binder,
            LaunchKind::Nbgitpuller => self.nbgitpuller,
            LaunchKind::Colab => self.colab,
        }
    }
}

/// A hub to rewrite links for. Serialised as the `Target` JSON of docs/contracts.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    /// What kind of server it is.
    pub kind: TargetKind,
    url: String,
    /// The reader's interface preference.
    #[serde(default)]
    pub interface: Interface,
    /// The environment repository for nbgitpuller content on a BinderHub.
    #[serde(default)]
    pub env_repo: Option<String>,
    /// Which link kinds to relaunch.
    #[serde(default)]
    pub link_kinds: LinkKinds,
    #[serde(skip)]
    env: Option<Repo>,
}

impl Target {
    /// A target of `kind` at `url` (normalised to a base URL ending in `/`), with default
    /// preferences.
    pub fn new(kind: TargetKind, url: &str) -> Result<Target, Error> {
        let url = normalize_hub_url(url)?;
        reads_back_as_itself(kind, &url)?;
        Ok(Target {
            kind,
            url,
            interface: Interface::Follow,
            env_repo: None,
            link_kinds: LinkKinds::default(),
            env: None,
        })
    }

    /// Sets the environment repository (a Binder URL, `gh/org/repo/ref`, or a repository URL).
    /// One that could not be written into a link (a `..` segment, a git spec that is not a
    /// clone URL) is refused here, rather than every link rewritten with it.
    pub fn with_env_repo(mut self, env: Option<&str>) -> Result<Target, Error> {
        self.env = env.map(parse_env_repo).transpose()?;
        if let Some(repo) = &self.env {
            super::v2_link(&self.url, repo, None)
                .map_err(|m| Error::InvalidSettings(format!("envRepo: {m}")))?;
        }
        self.env_repo = env.map(str::to_string);
        Ok(self)
    }

    /// Checks and normalises a target that was deserialised.
    pub fn validated(self) -> Result<Target, Error> {
        let env = self.env_repo.clone();
        let url = normalize_hub_url(&self.url)?;
        reads_back_as_itself(self.kind, &url)?;
        Target { url, ..self }.with_env_repo(env.as_deref())
    }

    /// The hub's base URL, ending in `/`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The parsed environment repository.
    pub fn env(&self) -> Option<&Repo> {
        self.env.as_ref()
    }
}

/// Refuses a base whose own links would be read as another hub's (a path that holds
/// `v2/gh/…` or `user-redirect/`): a rewritten link must read back as already on the hub, or
/// rewriting it again would change it.
fn reads_back_as_itself(kind: TargetKind, url: &str) -> Result<(), Error> {
    let probe = match kind {
        TargetKind::BinderHub => format!("{url}v2/gh/o/r/HEAD"),
        TargetKind::JupyterHub => format!("{url}hub/user-redirect/git-pull?repo=https://x.org/r"),
        TargetKind::JupyterServer => format!("{url}git-pull?repo=https://x.org/r"),
    };
    match parse(&probe) {
        Ok(Parsed::Launch(l)) if l.hub == url => Ok(()),
        _ => Err(Error::InvalidHub(format!(
            "'{url}' cannot be a {} base: links to it would be read as another hub's",
            kind.as_str()
        ))),
    }
}

/// Reads an environment repository: a Binder link, a spec (`gh/org/repo/ref`), or a repository URL.
pub fn parse_env_repo(s: &str) -> Result<Repo, Error> {
    let s = s.trim();
    if let Ok(Parsed::Launch(l)) = parse(s) {
        if let (LaunchKind::Binder, Some(repo)) = (l.kind, l.repo) {
            return Ok(repo);
        }
    }
    if let Some((id, rest)) = s.split_once('/') {
        if let Some(provider) = Provider::from_id(id) {
            let read = read_spec(provider, rest)
                .map_err(|m| Error::InvalidSettings(format!("envRepo: {m}")))?;
            return Ok(Repo {
                provider,
                spec: read.spec,
                git_ref: read.git_ref,
            });
        }
    }
    if s.starts_with("https://") || s.starts_with("http://") {
        // `https://github.com/o/r/tree/<ref>` names a branch.
        if let Some((repo, r)) = s.split_once("/tree/") {
            return Ok(repo_for_clone_url(
                repo,
                Some(r.trim_end_matches('/').to_string()),
            ));
        }
        return Ok(repo_for_clone_url(s, None));
    }
    Err(Error::InvalidSettings(format!(
        "envRepo: '{s}' is not a binder link, a spec like gh/org/repo/ref, or a repository url"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rewritten link must read back as already on the hub (idempotence): a base whose
    /// path holds what the parser reads as another hub's launch is refused.
    #[test]
    fn a_base_whose_links_read_as_another_hubs_is_refused() {
        assert_eq!(
            Target::new(TargetKind::BinderHub, "https://h.org/v2/gh/o/r/")
                .unwrap_err()
                .to_string(),
            "invalid hub url: 'https://h.org/v2/gh/o/r/' cannot be a binderhub base: links to it would be read as another hub's"
        );
        assert!(Target::new(TargetKind::JupyterServer, "https://h.org/user-redirect/").is_err());
        assert!(Target::new(TargetKind::JupyterHub, "https://h.org/hub/").is_ok());
        assert!(Target::new(TargetKind::BinderHub, "https://h.org/services/binder/").is_ok());
    }

    #[test]
    fn reads_environment_repositories() {
        let r = parse_env_repo("https://mybinder.org/v2/gh/o/env/main").unwrap();
        assert_eq!(
            (r.provider, r.spec.as_str(), r.git_ref.as_deref()),
            (Provider::Gh, "o/env", Some("main"))
        );
        assert_eq!(
            parse_env_repo("gh/o/env/v1").unwrap().git_ref.as_deref(),
            Some("v1")
        );
        assert_eq!(
            parse_env_repo("https://github.com/o/env/tree/dev")
                .unwrap()
                .git_ref
                .as_deref(),
            Some("dev")
        );
        assert_eq!(
            parse_env_repo("https://github.com/o/env")
                .unwrap()
                .git_ref
                .as_deref(),
            Some("HEAD")
        );
        assert!(parse_env_repo("not a repo").is_err());
    }
}
