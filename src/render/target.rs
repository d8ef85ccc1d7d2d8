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

    /// The target as one line of text for the extension's hot module (docs/contracts.md,
    /// "The hot module"): a target validated here, kept by the background and handed over
    /// once, which [`Target::from_wire`] reads back without the `url` crate.
    pub fn wire(&self) -> String {
        let mut out = String::with_capacity(64 + self.url.len());
        out.push_str(WIRE_VERSION);
        for field in [self.kind.as_str(), &self.url, self.interface.as_str()] {
            out.push('\t');
            out.push_str(field);
        }
        out.push('\t');
        for (on, c) in [
            (self.link_kinds.binder, 'b'),
            (self.link_kinds.nbgitpuller, 'n'),
            (self.link_kinds.colab, 'c'),
        ] {
            out.push(if on { c } else { '-' });
        }
        if let Some(env) = &self.env {
            for field in [env.provider.id(), &env.spec] {
                out.push('\t');
                wire_escape(field, &mut out);
            }
            out.push('\t');
            match &env.git_ref {
                Some(r) => wire_escape(r, &mut out),
                None => out.push_str(NO_REF),
            }
            out.push('\t');
            wire_escape(self.env_repo.as_deref().unwrap_or_default(), &mut out);
        }
        out
    }

    /// Reads a target written by [`Target::wire`], checking what it can without the `url`
    /// crate: the fields, a base already in normalised form (read by the splitter, no query,
    /// ending in `/`), that its own links read back as already on it, and that the environment
    /// repository can be written into a link. The message names the field.
    ///
    /// This is the hot module's first call when the background wakes, and V8 compiles each
    /// Wasm function at its first call, on the calling thread: a base at its host's root (the
    /// common case) takes no parser, whose reading of the base's own links reached 67 more
    /// functions (docs/benchmarks.md, "first calls (fifth round)").
    pub fn from_wire(text: &str) -> Result<Target, Error> {
        Target::read_wire(text, true)
    }

    /// [`Target::from_wire`] with the parser's reading of the base's own links made for every
    /// base, a root too: what the shortcut must always agree with (tests, the `wire` fuzz
    /// target).
    #[cfg(any(test, feature = "fuzzing"))]
    pub(crate) fn from_wire_fully(text: &str) -> Result<Target, Error> {
        Target::read_wire(text, false)
    }

    /// [`Target::from_wire`], taking the shortcut for a base at its host's root or not.
    fn read_wire(text: &str, root_shortcut: bool) -> Result<Target, Error> {
        let mut fields = crate::text::split_byte(text, b'\t');
        if fields.next() != Some(WIRE_VERSION) {
            return Err(wire_error("not a target of this version"));
        }
        let kind = match fields.next() {
            Some("binderhub") => TargetKind::BinderHub,
            Some("jupyterhub") => TargetKind::JupyterHub,
            Some("jupyter-server") => TargetKind::JupyterServer,
            _ => return Err(wire_error("kind")),
        };
        let url = fields.next().unwrap_or_default();
        // The express lane's reading of an origin (a plain lowercase host, no port) followed by
        // the one `/`: a base at its host's root that the splitter would read as one too, found
        // without compiling the splitter (3.2 KB of function body) at a woken background's first
        // call (docs/benchmarks.md, "cold first call (sixth round)").
        let (normalised, root) = if root_shortcut && crate::express::is_plain_root(url) {
            (true, true)
        } else {
            match crate::parse::split(url) {
                crate::parse::Split::Web(link) => (
                    link.query.is_none() && link.tail == link.path && link.path.ends_with('/'),
                    link.path == "/",
                ),
                _ => (false, false),
            }
        };
        if !normalised {
            return Err(wire_error("url is not a normalised hub base"));
        }
        let interface = match fields.next() {
            Some("follow") => Interface::Follow,
            Some("lab") => Interface::Lab,
            Some("notebook") => Interface::Notebook,
            _ => return Err(wire_error("interface")),
        };
        let kinds = fields.next().unwrap_or_default().as_bytes();
        if kinds.len() != 3
            || !matches!(kinds[0], b'b' | b'-')
            || !matches!(kinds[1], b'n' | b'-')
            || !matches!(kinds[2], b'c' | b'-')
        {
            return Err(wire_error("link kinds"));
        }
        let link_kinds = LinkKinds {
            binder: kinds[0] == b'b',
            nbgitpuller: kinds[1] == b'n',
            colab: kinds[2] == b'c',
        };
        // A base at its host's root (`scheme://host[:port]/`: the splitter reads no user info)
        // is what every form's reading of its own links gives as their hub, since each form's
        // marker (`v2/`, `hub/user-redirect/git-pull`, `git-pull`) starts the path: only a base
        // with a path needs the parser's reading. `from_wire_fully` (the tests below, the `wire`
        // fuzz target) holds that the two agree.
        if !(root && root_shortcut) {
            wire_reads_back(kind, url)?;
        }
        let (env, env_repo) = match fields.next() {
            None => (None, None),
            Some(id) => wire_env(id, fields, url)?,
        };
        Ok(Target {
            kind,
            url: url.to_string(),
            interface,
            env_repo,
            link_kinds,
            env,
        })
    }
}

/// Target texts of each kind on bases at a host's root (names, known hosts, ports, addresses)
/// and under a path, some of which the parser reads as another hub's, with and without an
/// environment repository: the `wire` fuzz target's seeds and the tests'.
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn wire_examples() -> Vec<String> {
    let bases = [
        "https://hub.example.edu/",
        "http://localhost:8888/",
        "http://127.0.0.1:8000/",
        "http://[::1]:8888/",
        "https://mybinder.org/",
        "https://gke.mybinder.org/",
        "https://colab.research.google.com/",
        "https://github.com/",
        "https://xn--bcher-kva.example/",
        "https://h.org/services/binder/",
        "https://h.org/hub/",
        "https://h.org/v2/gh/o/r/",
        "https://h.org/user-redirect/",
        "https://h.org/git-pull/",
        "https://mybinder.org/repo/o/r/",
        "https://h.org/hub/lti/launch/",
    ];
    let mut texts = Vec::new();
    for base in bases {
        for kind in ["binderhub", "jupyterhub", "jupyter-server"] {
            for rest in [
                "follow\tbnc",
                "lab\tb-c\tgh\to/env/main\tmain\tgh/o/env/main",
                "notebook\t---\tgl\tg%2Fenv\t%-\t",
            ] {
                texts.push(crate::text::concat(&[
                    WIRE_VERSION,
                    "\t",
                    kind,
                    "\t",
                    base,
                    "\t",
                    rest,
                ]));
            }
        }
    }
    texts
}

/// A wire text's message, naming `what` is wrong.
#[cold]
fn wire_error(what: &str) -> Error {
    Error::InvalidHub(crate::text::concat(&["target text: ", what]))
}

/// [`reads_back_as_itself`] for [`Target::from_wire`], with the splitter's parser (no `url`
/// crate in the hot module).
fn wire_reads_back(kind: TargetKind, url: &str) -> Result<(), Error> {
    check_reads_back(kind, url, |probe| match crate::parse::split(probe) {
        crate::parse::Split::Web(link) => match crate::parse::parse_link(&link) {
            Ok(Some(Parsed::Launch(l))) => Some(l),
            _ => None,
        },
        _ => None,
    })
}

/// The environment repository's fields of a wire text, from its provider `id` on (the rest of
/// `fields`): the repository and the text the reader typed, checked to be writable into a
/// link on `url`.
// Out of line (and out of wasm-opt's inliner, mk/core.mk): a target with an environment
// repository is rare, and `byob_set_target` is compiled whole at a woken background's first call.
#[inline(never)]
fn wire_env<'a>(
    id: &str,
    mut fields: impl Iterator<Item = &'a str>,
    url: &str,
) -> Result<(Option<Repo>, Option<String>), Error> {
    let provider = Provider::from_id(id).ok_or_else(|| wire_error("env provider"))?;
    let spec = wire_unescape(fields.next().unwrap_or_default());
    let git_ref = fields.next().unwrap_or_default();
    let git_ref = (git_ref != NO_REF).then(|| wire_unescape(git_ref));
    let repo = Repo {
        provider,
        spec,
        git_ref,
    };
    let env_repo = fields.next().map(wire_unescape);
    super::v2_link(url, &repo, None).map_err(|m| wire_error(&m))?;
    Ok((Some(repo), env_repo))
}

/// The first field of [`Target::wire`]: the format's version.
const WIRE_VERSION: &str = "byob-target-1";

/// The ref field of a repository without a ref: no escaped text reads `%-`.
const NO_REF: &str = "%-";

/// A wire field: `%`, tab, newline and carriage return escaped, so fields split at tabs.
fn wire_escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\t' => out.push_str("%09"),
            '\n' => out.push_str("%0A"),
            '\r' => out.push_str("%0D"),
            c => out.push(c),
        }
    }
}

fn wire_unescape(s: &str) -> String {
    crate::encoding::decode(s).into_owned()
}

impl Interface {
    /// The name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Interface::Follow => "follow",
            Interface::Lab => "lab",
            Interface::Notebook => "notebook",
        }
    }
}

/// Refuses a base whose own links would be read as another hub's (a path that holds
/// `v2/gh/…` or `user-redirect/`): a rewritten link must read back as already on the hub, or
/// rewriting it again would change it.
fn reads_back_as_itself(kind: TargetKind, url: &str) -> Result<(), Error> {
    check_reads_back(kind, url, |probe| match parse(probe) {
        Ok(Parsed::Launch(l)) => Some(l),
        _ => None,
    })
}

/// [`reads_back_as_itself`] with the parser given (the full one, or the splitter's).
fn check_reads_back(
    kind: TargetKind,
    url: &str,
    parse: impl Fn(&str) -> Option<crate::Launch>,
) -> Result<(), Error> {
    let probe = match kind {
        TargetKind::BinderHub => format!("{url}v2/gh/o/r/HEAD"),
        TargetKind::JupyterHub => format!("{url}hub/user-redirect/git-pull?repo=https://x.org/r"),
        TargetKind::JupyterServer => format!("{url}git-pull?repo=https://x.org/r"),
    };
    match parse(&probe) {
        Some(l) if l.hub == url => Ok(()),
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

    /// The hot module's target text reads back as the target it was written from, and a
    /// text that is not a valid target is refused naming the field.
    #[test]
    fn a_target_reads_back_from_its_wire_text() {
        let mut t = Target::new(TargetKind::BinderHub, "https://h.org/services/binder/")
            .unwrap()
            .with_env_repo(Some("https://gitlab.com/g/%sub\tx/env"))
            .unwrap();
        t.interface = Interface::Notebook;
        t.link_kinds.nbgitpuller = false;
        assert_eq!(Target::from_wire(&t.wire()).unwrap(), t);
        let gist = Target::new(TargetKind::JupyterHub, "http://127.0.0.1:8000/")
            .unwrap()
            .with_env_repo(Some("gist/u/abc"))
            .unwrap();
        assert_eq!(gist.env().unwrap().git_ref, None);
        assert_eq!(Target::from_wire(&gist.wire()).unwrap(), gist);
        for (text, error) in [
            ("", "not a target of this version"),
            ("byob-target-1\tnope\thttps://h.org/", "kind"),
            (
                "byob-target-1\tjupyterhub\tHTTPS://h.org/\tfollow\tbnc",
                "url is not a normalised hub base",
            ),
            (
                "byob-target-1\tjupyterhub\thttps://h.org\tfollow\tbnc",
                "url is not a normalised hub base",
            ),
            (
                "byob-target-1\tjupyterhub\thttps://h.org/?x\tfollow\tbnc",
                "url is not a normalised hub base",
            ),
            (
                "byob-target-1\tjupyterhub\thttps://h.org/\tloud\tbnc",
                "interface",
            ),
            (
                "byob-target-1\tjupyterhub\thttps://h.org/\tlab\tbn",
                "link kinds",
            ),
            (
                "byob-target-1\tjupyterhub\thttps://h.org/\tlab\tbnc\tsvn\to/r\t%-",
                "env provider",
            ),
        ] {
            assert_eq!(
                Target::from_wire(text).unwrap_err().to_string(),
                format!("invalid hub url: target text: {error}"),
                "{text}"
            );
        }
        assert!(Target::from_wire(
            "byob-target-1\tbinderhub\thttps://h.org/v2/gh/o/r/\tfollow\tbnc"
        )
        .is_err());
        assert!(Target::from_wire(
            "byob-target-1\tbinderhub\thttps://h.org/\tfollow\tbnc\tgh\to/..\tmain\t"
        )
        .is_err());
    }

    /// The shortcut for a base at its host's root agrees with the parser's reading of the
    /// base's own links, for each kind, on names, known hosts, ports and addresses; a base
    /// under a path still gets the parser's reading (refused where it reads as another hub's).
    #[test]
    fn a_root_base_reads_as_the_full_check_reads_it() {
        let (mut kept, mut refused) = (0, 0);
        for text in wire_examples() {
            let read = Target::from_wire(&text);
            assert_eq!(read, Target::from_wire_fully(&text), "{text}");
            match read {
                Ok(_) => kept += 1,
                Err(_) => refused += 1,
            }
        }
        assert!(
            kept >= 60 && refused >= 20,
            "{kept} kept, {refused} refused"
        );
        assert_eq!(
            Target::from_wire("byob-target-1\tjupyter-server\thttps://h.org/user-redirect/\tfollow\tbnc")
                .unwrap_err()
                .to_string(),
            "invalid hub url: 'https://h.org/user-redirect/' cannot be a jupyter-server base: links to it would be read as another hub's"
        );
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
