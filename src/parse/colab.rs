//! Google Colab notebooks from a repository: `https://colab.research.google.com/github/<org>/<repo>/blob/<ref>/<path>`
//! and `…/gist/<user>/<id>[/<file>]`. Drive notebooks (`/drive/…`) are not in a repository.

use super::{file_path, Claim, Form};
use crate::encoding::decode;
use crate::{Error, Launch, LaunchKind, Open, Provider, Repo, Ui};
use url::Url;

pub(crate) const FORM: Form = Form {
    name: "colab",
    parse: parse_colab,
    examples: &[
        "https://colab.research.google.com/github/ProjectPythia/cookbook-template/blob/main/notebooks/notebook-template.ipynb",
        "https://colab.research.google.com/github/executablebooks/quantecon-mini-example/blob/master/mini_book/docs/about_py.ipynb",
        "https://colab.research.google.com/gist/parente/41a13f4c8fa6165d345cc7703be291a3/demo.ipynb",
    ],
};

const HUB: &str = "https://colab.research.google.com/";

fn parse_colab(url: &Url) -> Result<Claim, Error> {
    if url.host_str() != Some("colab.research.google.com") {
        return Ok(Claim::Pass);
    }
    let segs: Vec<String> = url
        .path()
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| decode(s).into_owned())
        .collect();
    let (repo, path) = match segs.first().map(String::as_str) {
        Some("github") => {
            let (Some(org), Some(name)) = (segs.get(1), segs.get(2)) else {
                return Err(Error::InvalidLink(format!(
                    "colab github link '{}' has no org/repo",
                    url.path()
                )));
            };
            // `blob/<ref>/<path>`; Colab's repository browser has no `blob/`.
            let (git_ref, path) = match (segs.get(3).map(String::as_str), segs.get(4)) {
                (Some("blob" | "tree"), Some(r)) => (r.clone(), segs[5..].join("/")),
                _ => ("HEAD".to_string(), String::new()),
            };
            let name = name.strip_suffix(".git").unwrap_or(name);
            (
                Repo {
                    provider: Provider::Gh,
                    spec: format!("{org}/{name}"),
                    git_ref: Some(git_ref),
                },
                path,
            )
        }
        Some("gist") => {
            let (Some(user), Some(id)) = (segs.get(1), segs.get(2)) else {
                return Err(Error::InvalidLink(format!(
                    "colab gist link '{}' has no user/id",
                    url.path()
                )));
            };
            (
                Repo {
                    provider: Provider::Gist,
                    spec: format!("{user}/{id}"),
                    git_ref: None,
                },
                segs[3..].join("/"),
            )
        }
        Some("drive") => {
            return Ok(Claim::NotLaunch(
                "not a launch link: a colab drive notebook is not in a repository".into(),
            ))
        }
        _ => {
            return Ok(Claim::NotLaunch(
                "not a launch link: a colab page that is not a github or gist notebook".into(),
            ))
        }
    };
    Ok(Claim::Launch(Launch {
        kind: LaunchKind::Colab,
        hub: HUB.into(),
        repo: Some(repo),
        pull: None,
        open: Open {
            urlpath: None,
            path: file_path(&path),
            ui: Ui::Default,
        },
        warnings: Vec::new(),
    }))
}
