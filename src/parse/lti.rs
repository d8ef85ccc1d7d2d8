//! The Canvas/LTI wrapper: `<hub>hub/lti/launch?next=<encoded /hub/user-redirect/git-pull?…>`.

use super::{base_url, nbgitpuller, Claim, Form};
use crate::encoding::{get, pairs};
use crate::{Error, LaunchKind};
use url::Url;

pub(crate) const FORM: Form = Form {
    name: "nbgitpuller-lti",
    parse: parse_lti,
    examples: &[
        "https://hub.example.edu/hub/lti/launch?next=%2Fhub%2Fuser-redirect%2Fgit-pull%3Frepo%3Dhttps%253A%252F%252Fgithub.com%252Fo%252Fr%26urlpath%3Dlab%252Ftree%252Fr%252Fx.ipynb",
    ],
};

fn parse_lti(url: &Url) -> Result<Claim, Error> {
    let path = url.path().trim_end_matches('/');
    let Some(before) = path.strip_suffix("/hub/lti/launch") else {
        return Ok(Claim::Pass);
    };
    let query = url.query().unwrap_or_default();
    let ps = pairs(query);
    let Some(next) = get(&ps, "next") else {
        return Ok(Claim::NotLaunch(
            "not a launch link: lti launch without a next url".into(),
        ));
    };
    let inner = url
        .join(next)
        .map_err(|e| Error::InvalidLink(format!("lti launch: next url '{next}' ({e})")))?;
    let Some((_, inner_query)) = next.split_once("git-pull?") else {
        return Ok(Claim::NotLaunch(
            "not a launch link: lti launch whose next url is not a git-pull link".into(),
        ));
    };
    if inner.origin() != url.origin() {
        return Err(Error::InvalidLink(format!(
            "lti launch: next url '{next}' leaves the hub"
        )));
    }
    let mut warnings = vec!["lti launch wrapper: read its git-pull link".into()];
    let read = nbgitpuller::read_query(inner_query, &mut warnings)?;
    Ok(Claim::Launch(crate::Launch {
        kind: LaunchKind::Nbgitpuller,
        hub: base_url(url, before.len() + 1),
        repo: None,
        pull: Some(read.pull),
        open: read.open,
        warnings,
    }))
}
