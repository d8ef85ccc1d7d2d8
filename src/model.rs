//! The canonical launch model (docs/design.md §2): every link form parses into a
//! [`Launch`], every target renders a [`Launch`] back into a URL.

use serde::{Deserialize, Serialize};

/// The launch protocol of a link as the author wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LaunchKind {
    /// A BinderHub `v2/<provider>/<spec>` link (or the legacy `repo/` form).
    Binder,
    /// An nbgitpuller `git-pull?repo=…` link (or the legacy `interact?…` form).
    Nbgitpuller,
    /// A Google Colab `github/…` or `gist/…` link.
    Colab,
}

/// A repository provider, as BinderHub names them in `v2/<provider>/…`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// GitHub: `owner/repo/ref`.
    Gh,
    /// gitlab.com: `url-encoded namespace/ref`.
    Gl,
    /// Any git server: `url-encoded clone URL/ref`.
    Git,
    /// A GitHub gist: `user/id[/ref]`.
    Gist,
    /// A Zenodo DOI.
    Zenodo,
    /// A Figshare DOI.
    Figshare,
    /// A HydroShare resource.
    Hydroshare,
    /// A Dataverse DOI.
    Dataverse,
    /// A CKAN dataset URL.
    Ckan,
}

impl Provider {
    /// Every provider, in BinderHub's order.
    pub const ALL: [Provider; 9] = [
        Provider::Gh,
        Provider::Gl,
        Provider::Git,
        Provider::Gist,
        Provider::Zenodo,
        Provider::Figshare,
        Provider::Hydroshare,
        Provider::Dataverse,
        Provider::Ckan,
    ];

    /// The path segment BinderHub uses for this provider (`gh`, `gl`, …).
    pub fn id(self) -> &'static str {
        match self {
            Provider::Gh => "gh",
            Provider::Gl => "gl",
            Provider::Git => "git",
            Provider::Gist => "gist",
            Provider::Zenodo => "zenodo",
            Provider::Figshare => "figshare",
            Provider::Hydroshare => "hydroshare",
            Provider::Dataverse => "dataverse",
            Provider::Ckan => "ckan",
        }
    }

    /// The provider whose path segment is `id`.
    pub fn from_id(id: &str) -> Option<Provider> {
        Provider::ALL.into_iter().find(|p| p.id() == id)
    }

    /// Whether the provider is a git repository that nbgitpuller can clone.
    pub fn is_git(self) -> bool {
        matches!(
            self,
            Provider::Gh | Provider::Gl | Provider::Git | Provider::Gist
        )
    }
}

/// A repository a BinderHub builds (or a Colab notebook's repository).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repo {
    /// Which provider serves it.
    pub provider: Provider,
    /// The decoded spec: `org/name`, `group/sub/project`, `https://host/x.git`, `10.5281/zenodo.1`.
    pub spec: String,
    /// The ref (branch, tag or commit); `None` for data providers.
    #[serde(rename = "ref")]
    pub git_ref: Option<String>,
}

/// The content repository nbgitpuller pulls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pull {
    /// The clone URL, anything `git clone` accepts.
    pub repo: String,
    /// A branch or tag; `None` means the remote's default branch.
    pub branch: Option<String>,
    /// The clone directory when the link names one.
    pub target_path: Option<String>,
}

/// The interface a link opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Ui {
    /// JupyterLab: `lab/tree/<path>`.
    Lab,
    /// Jupyter Notebook 7 (or the classic tree): `tree/<path>`.
    Notebook,
    /// The classic notebook page: `notebooks/<path>`.
    Classic,
    /// JupyterLab's single-document mode: `doc/tree/<path>`.
    Doc,
    /// Voilà: `voila/render/<path>`.
    Voila,
    /// RStudio: `rstudio/`.
    Rstudio,
    /// A Shiny app: `shiny/<path>`.
    Shiny,
    /// VS Code: `vscode/`.
    Vscode,
    /// Whatever the server opens by default (no urlpath).
    Default,
    /// Anything else (`proxy/5006/app`, `panel`, …): passed through verbatim.
    Other,
}

/// Where the launch lands inside the started server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Open {
    /// The decoded path inside the server, as it will be requested (`lab/tree/demo/x.ipynb`).
    pub urlpath: Option<String>,
    /// The file or folder to open, relative to the repository root (the pull repository when
    /// there is one).
    pub path: Option<String>,
    /// The interface the link opens.
    pub ui: Ui,
}

/// One launch link, whatever its form (docs/design.md §2). Serialised as camelCase JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Launch {
    /// The launch protocol of the link as written.
    pub kind: LaunchKind,
    /// The base URL of the hub the link points at, ending in `/`.
    pub hub: String,
    /// The environment repository a BinderHub builds (binder), or the notebook's repository (colab).
    pub repo: Option<Repo>,
    /// The content repository nbgitpuller pulls.
    pub pull: Option<Pull>,
    /// Where the launch lands.
    pub open: Open,
    /// What was odd or repaired while parsing.
    pub warnings: Vec<String>,
}

impl Repo {
    /// The URL `git clone` takes for this repository; `None` for data providers.
    pub fn clone_url(&self) -> Option<String> {
        crate::provider::clone_url(self)
    }
}
