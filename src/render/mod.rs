//! Rendering a [`Launch`] for a target hub, and rewriting a link (docs/design.md §3).
//! One file per target kind: [`binderhub`] renders `v2/…` links, [`nbgitpuller`] renders
//! `git-pull` links for a JupyterHub or a Jupyter Server.

mod binderhub;
mod nbgitpuller;
mod target;

pub(crate) use crate::parse::compose_urlpath;
use crate::parse::{parse_link, parse_url, split, Link, Parsed, Split};

use crate::{Launch, LaunchKind, Ui};
use serde::{Deserialize, Serialize};

pub(crate) use binderhub::v2_link;
// The hot path's express lane (src/express.rs) writes what these decide.
pub(crate) use nbgitpuller::{endpoint as nbgitpuller_endpoint, is_commit, HUB_ENVIRONMENT};
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) use target::wire_examples;
pub use target::{normalize_hub_url, parse_env_repo, Interface, LinkKinds, Target, TargetKind};

/// What happened to one link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RewriteStatus {
    /// Converted: `output` is the link on the target hub.
    Rewritten,
    /// Already on the target hub: left as it is.
    Unchanged,
    /// A launch link the target cannot launch (a data provider on a JupyterHub, …); `reason` says why.
    Refused,
    /// A launch link of a kind the user turned off.
    Skipped,
    /// Not a launch link.
    None,
    /// Claims to be a launch link and cannot be read.
    Invalid,
}

/// The result of [`rewrite`]: serialised as the `Rewrite` JSON of docs/contracts.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rewrite {
    /// The link as given.
    pub input: String,
    /// What happened.
    pub status: RewriteStatus,
    /// The converted link, when rewritten.
    pub output: Option<String>,
    /// Why the link was not rewritten.
    pub reason: Option<String>,
    /// What the reader should know about the conversion (and what parsing repaired).
    pub warnings: Vec<String>,
    /// The parsed link, unless it was not a launch link.
    pub launch: Option<Launch>,
}

/// A rendered link and the warnings the conversion adds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The URL on the target hub.
    pub url: String,
    /// What changed compared with the author's link.
    pub warnings: Vec<String>,
}

/// Renders `launch` for `target`, or says why the target cannot launch it.
///
/// The result always starts with the target's URL: a rewrite never points anywhere else.
pub fn render(launch: &Launch, target: &Target) -> Result<Rendered, String> {
    let mut warnings = Vec::new();
    let (ui, changed) = target.interface.apply(launch.open.ui);
    if changed {
        warnings.push(format!(
            "opens in {} (your preference) instead of {}",
            ui_name(ui),
            ui_name(launch.open.ui)
        ));
    }
    let url = match target.kind {
        TargetKind::BinderHub => binderhub::render(launch, target, (ui, changed), &mut warnings)?,
        TargetKind::JupyterHub | TargetKind::JupyterServer => {
            nbgitpuller::render(launch, target, (ui, changed), &mut warnings)?
        }
    };
    debug_assert!(url.starts_with(target.url()));
    // A link byob could not read back (too long) would not be idempotent: rewriting it
    // again must say `unchanged`.
    if url.len() > crate::MAX_LINK_LEN {
        return Err(format!(
            "the rewritten link would be {} bytes long, more than the {} byob reads",
            url.len(),
            crate::MAX_LINK_LEN
        ));
    }
    Ok(Rendered { url, warnings })
}

/// Parses `input` and renders it for `target`: the whole conversion of one link. The input is
/// read as raw text, with the `url` crate (what the CLI and a reader give).
pub fn rewrite(input: &str, target: &Target) -> Rewrite {
    let mut out = Rewrite::of(input);
    if let Err(e) = crate::parse::check_len(input) {
        out.status = RewriteStatus::Invalid;
        out.reason = Some(e.to_string());
        return out;
    }
    let url = match parse_url(input) {
        Ok(url) => url,
        Err(reason) => {
            out.reason = Some(reason);
            return out;
        }
    };
    // The `url` crate's reading answers every question a form asks: a form never defers here
    // (the same outcome as `parse` gives if one did).
    if !rewrite_link(&mut out, &Link::of(&url), target, Whole::Yes) {
        out.status = RewriteStatus::Invalid;
        out.reason = Some("a link form asked for the url crate's reading it was given".into());
    }
    out
}

/// [`rewrite`] for an href a browser has already normalised (the extension's hot path): the
/// text is split, not parsed, when it is in the form the `url` crate would write it in, and
/// the result is then the same as [`rewrite`]'s (tests/lean.rs holds them side by side).
/// `None` when the splitter cannot read it, or a form needs the `url` crate's reading: the
/// caller then calls [`rewrite`].
pub fn rewrite_href(input: &str, target: &Target) -> Option<Rewrite> {
    rewrite_href_as(input, target, Whole::Yes)
}

/// [`rewrite_href`] for the hot path's answer ([`crate::lean`]), which writes neither the
/// input nor the launch: it leaves `input` empty and `launch` `None` (no copy of the link, of
/// its warnings or of its model). Every other field is [`rewrite_href`]'s: the one code path.
pub(crate) fn rewrite_href_answer(input: &str, target: &Target) -> Option<Rewrite> {
    rewrite_href_as(input, target, Whole::No)
}

/// Whether a [`Rewrite`] carries its input and launch (the public API) or not (the hot path).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Whole {
    Yes,
    No,
}

fn rewrite_href_as(input: &str, target: &Target, whole: Whole) -> Option<Rewrite> {
    let mut out = Rewrite::of(if whole == Whole::Yes { input } else { "" });
    if let Err(e) = crate::parse::check_len(input) {
        out.status = RewriteStatus::Invalid;
        out.reason = Some(e.to_string());
        return Some(out);
    }
    match split(input) {
        Split::Web(link) => rewrite_link(&mut out, &link, target, whole).then_some(out),
        Split::Other(scheme) => {
            out.reason = Some(crate::text::concat(&[
                "not a launch link: ",
                scheme,
                " url",
            ]));
            Some(out)
        }
        Split::Defer => None,
    }
}

impl Rewrite {
    /// A rewrite of `input` that found nothing yet (`none`, no reason).
    fn of(input: &str) -> Rewrite {
        Rewrite {
            input: input.to_string(),
            status: RewriteStatus::None,
            output: None,
            reason: None,
            warnings: Vec::new(),
            launch: None,
        }
    }
}

/// The conversion of a split link, into `out`; `false` when a form deferred to the `url`
/// crate's reading (only on the splitter's path).
fn rewrite_link(out: &mut Rewrite, link: &Link<'_>, target: &Target, whole: Whole) -> bool {
    let mut launch = match parse_link(link) {
        Ok(Some(Parsed::Launch(l))) => l,
        Ok(Some(Parsed::NotLaunch(reason))) => {
            out.reason = Some(reason);
            return true;
        }
        Ok(None) => return false,
        Err(e) => {
            out.status = RewriteStatus::Invalid;
            out.reason = Some(e.to_string());
            return true;
        }
    };
    // A link already on the hub is unchanged whatever its kind: rewriting a rewritten link
    // changes nothing, even for a kind the reader turned off.
    let rendered = if launch.hub == target.url() {
        out.status = RewriteStatus::Unchanged;
        out.reason = Some("already on this hub".into());
        None
    } else if !target.link_kinds.allows(launch.kind) {
        out.status = RewriteStatus::Skipped;
        out.reason = Some(crate::text::concat(&[
            kind_name(launch.kind),
            " links are turned off in settings",
        ]));
        None
    } else {
        Some(match verbatim_tail(link, &launch, target) {
            Some(url) => Ok(Rendered {
                url,
                warnings: Vec::new(),
            }),
            None => render(&launch, target),
        })
    };
    // The parser's warnings first, then the rendering's.
    out.warnings = match whole {
        Whole::Yes => launch.warnings.clone(),
        Whole::No => std::mem::take(&mut launch.warnings),
    };
    if let Some(rendered) = rendered {
        apply(out, rendered);
    }
    if whole == Whole::Yes {
        out.launch = Some(launch);
    }
    true
}

/// Records a rendering (or the reason there is none) in a [`Rewrite`].
fn apply(out: &mut Rewrite, rendered: Result<Rendered, String>) {
    match rendered {
        Ok(r) => {
            out.status = RewriteStatus::Rewritten;
            out.output = Some(r.url);
            out.warnings.extend(r.warnings);
        }
        Err(reason) => {
            out.status = RewriteStatus::Refused;
            out.reason = Some(reason);
        }
    }
}

/// Rewrites a plain GitHub repository or notebook page (the link context menu's "Open on
/// `hub`") as a launch of that repository; other links are rewritten as [`rewrite`] does.
pub fn rewrite_repo_link(input: &str, target: &Target) -> Rewrite {
    let Some(launch) = crate::parse::parse_repo_link(input) else {
        return rewrite(input, target);
    };
    let mut out = Rewrite {
        input: input.to_string(),
        status: RewriteStatus::Rewritten,
        output: None,
        reason: None,
        warnings: launch.warnings.clone(),
        launch: None,
    };
    apply(&mut out, render(&launch, target));
    out.launch = Some(launch);
    out
}

/// The byte-for-byte conversion of docs/design.md §3: a binder link on a BinderHub and an
/// nbgitpuller link on a JupyterHub keep their path and query exactly, unless parsing had to
/// repair the link or the reader's interface preference changes where it opens. The copied
/// part passes the same dot-segment rule as a rendered one (anything in it, decoded as often
/// as it can be, nested queries included); when it does not, the link is rendered from the
/// model, which refuses it if the part the hub reads is the culprit.
fn verbatim_tail(url: &Link<'_>, launch: &Launch, target: &Target) -> Option<String> {
    if !launch.warnings.is_empty() || target.interface.apply(launch.open.ui).1 {
        return None;
    }
    // The hub is the link's origin and a path prefix: the tail is the rest of the path.
    let hub_path = launch.hub.len().checked_sub(url.origin_len())?;
    let tail = url.tail.get(hub_path..)?;
    let copied = match (launch.kind, target.kind) {
        (LaunchKind::Binder, TargetKind::BinderHub) if tail.starts_with("v2/") => {
            crate::text::concat(&[target.url(), tail])
        }
        (LaunchKind::Nbgitpuller, TargetKind::JupyterHub | TargetKind::JupyterServer) => {
            let query = url.query?;
            crate::text::concat(&[target.url(), nbgitpuller::endpoint(target), "?", query])
        }
        _ => return None,
    };
    if copied.len() > crate::MAX_LINK_LEN {
        return None;
    }
    let after_base = copied.get(target.url().len()..)?;
    let before_fragment = crate::text::split_byte(after_base, b'#')
        .next()
        .unwrap_or_default();
    (!crate::encoding::has_dot_segment(before_fragment)).then_some(copied)
}

fn kind_name(kind: LaunchKind) -> &'static str {
    match kind {
        LaunchKind::Binder => "binder",
        LaunchKind::Nbgitpuller => "nbgitpuller",
        LaunchKind::Colab => "colab",
    }
}

/// A human name for an interface, for warnings.
pub(crate) fn ui_name(ui: Ui) -> &'static str {
    match ui {
        Ui::Lab => "JupyterLab",
        Ui::Notebook => "Jupyter Notebook",
        Ui::Classic => "the classic notebook",
        Ui::Doc => "JupyterLab's single-document mode",
        Ui::Voila => "Voilà",
        Ui::Rstudio => "RStudio",
        Ui::Shiny => "Shiny",
        Ui::Vscode => "VS Code",
        Ui::Default => "the server's default interface",
        Ui::Other => "a custom page",
    }
}

#[cfg(test)]
mod tests;
