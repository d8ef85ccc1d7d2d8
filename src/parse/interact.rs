//! nbgitpuller's predecessor: `<server>interact?account=<a>&repo=<r>&branch=<b>&path=<p>`
//! ⇒ a pull of `https://github.com/<a>/<r>` (account `data-8`, branch `gh-pages` by default).

use super::{base_url, compose_urlpath, file_path, nbgitpuller, Claim, Form};
use crate::encoding::{get, pairs};
use crate::{Error, Launch, LaunchKind, Open, Pull, Ui};
use url::Url;

pub(crate) const FORM: Form = Form {
    name: "interact",
    parse: parse_interact,
    examples: &[
        "https://datahub.berkeley.edu/user-redirect/interact?account=data-8&repo=materials-fa17&branch=master&path=lec/lec1.ipynb",
        "http://datahub.berkeley.edu/hub/user-redirect/interact?repo=data8assets&path=labs/lab01",
    ],
};

fn parse_interact(url: &Url) -> Result<Claim, Error> {
    let path = url.path().trim_end_matches('/');
    let Some(before) = path.strip_suffix("/interact") else {
        return Ok(Claim::Pass);
    };
    let mut warnings = Vec::new();
    let query = super::repaired_query(url, &mut warnings);
    let ps = pairs(&query);
    let Some(name) = get(&ps, "repo").filter(|r| !r.is_empty()) else {
        return Ok(Claim::Pass);
    };
    // An empty `account=` or `branch=` is the default, as an absent one.
    let account = get(&ps, "account")
        .filter(|a| !a.is_empty())
        .unwrap_or("data-8");
    let branch = get(&ps, "branch")
        .filter(|b| !b.is_empty())
        .unwrap_or("gh-pages");
    let file = get(&ps, "path").and_then(file_path);
    warnings.push("legacy interact link: read as an nbgitpuller pull".into());
    let ui = match &file {
        Some(f) if f.to_ascii_lowercase().ends_with(".ipynb") => Ui::Classic,
        _ => Ui::Notebook,
    };
    let repo = format!("https://github.com/{account}/{name}");
    // The pull's clone directory, as nbgitpuller names it.
    let urlpath = compose_urlpath(
        ui,
        Some(&nbgitpuller::clone_dir(&repo, None)),
        file.as_deref(),
    );
    let hub_end = nbgitpuller::hub_end(before, &mut warnings);
    Ok(Claim::Launch(Launch {
        kind: LaunchKind::Nbgitpuller,
        hub: base_url(url, hub_end),
        repo: None,
        pull: Some(Pull {
            repo,
            branch: Some(branch.to_string()),
            target_path: None,
        }),
        open: Open {
            urlpath,
            path: file,
            ui,
        },
        warnings,
    }))
}
