//! Plain GitHub repository and notebook pages (`https://github.com/<org>/<repo>[/blob|tree/<ref>/<path>]`).
//! They are not launch links — [`parse`](super::parse) says so — but the reader may ask to open
//! one on their hub (the link context menu): [`parse_repo_link`] reads it as a Binder launch.

use super::file_path;
use crate::encoding::decode;
use crate::{Launch, LaunchKind, Open, Provider, Repo, Ui};

/// Reads a GitHub repository or file page as a launch of that repository on mybinder.org,
/// opening the file (if any) in the server's default interface. `None` for anything else.
pub fn parse_repo_link(input: &str) -> Option<Launch> {
    super::check_len(input).ok()?;
    let url = super::web_url(input.trim()).ok()?;
    if !matches!(url.host_str(), Some("github.com" | "www.github.com")) {
        return None;
    }
    let segs: Vec<String> = url
        .path_segments()?
        .filter(|s| !s.is_empty())
        .map(|s| decode(s).into_owned())
        .collect();
    let (org, name) = (segs.first()?, segs.get(1)?);
    const NOT_REPOS: &[&str] = &[
        "orgs",
        "settings",
        "marketplace",
        "topics",
        "collections",
        "sponsors",
        "features",
        "about",
        "login",
    ];
    if NOT_REPOS.contains(&org.as_str()) {
        return None;
    }
    let name = name.strip_suffix(".git").unwrap_or(name);
    let (git_ref, path) = match (segs.get(2).map(String::as_str), segs.get(3)) {
        (Some("blob" | "tree"), Some(r)) => (r.clone(), segs[4..].join("/")),
        (None, _) => ("HEAD".to_string(), String::new()),
        _ => return None,
    };
    Some(Launch {
        kind: LaunchKind::Binder,
        hub: "https://mybinder.org/".into(),
        repo: Some(Repo {
            provider: Provider::Gh,
            spec: format!("{org}/{name}"),
            git_ref: Some(git_ref),
        }),
        pull: None,
        open: Open {
            urlpath: None,
            path: file_path(&path),
            ui: Ui::Default,
        },
        warnings: vec![
            "a github page, not a launch link: launched as a binder link of its repository".into(),
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_repository_and_notebook_pages() {
        let l = parse_repo_link("https://github.com/o/r/blob/main/nb/x.ipynb").unwrap();
        let repo = l.repo.unwrap();
        assert_eq!(
            (repo.spec.as_str(), repo.git_ref.as_deref()),
            ("o/r", Some("main"))
        );
        assert_eq!(l.open.path.as_deref(), Some("nb/x.ipynb"));
        assert_eq!(
            parse_repo_link("https://github.com/o/r")
                .unwrap()
                .repo
                .unwrap()
                .git_ref
                .as_deref(),
            Some("HEAD")
        );
        for not in [
            "https://github.com/o/r/issues/1",
            "https://github.com/o",
            "https://gitlab.com/o/r",
            "https://github.com/orgs/x/people",
        ] {
            assert!(parse_repo_link(not).is_none(), "{not}");
        }
    }
}
