//! The Canvas/LTI wrapper: `<hub>hub/lti/launch?next=<encoded /hub/user-redirect/git-pull?…>`,
//! and on a hub served without `/hub/` (IllumiDesk), `<hub>lti/launch?next=/user-redirect/git-pull?…`
//! with the inner link not encoded.

use super::{base_url, join_url, nbgitpuller, Claim, Form};
use crate::encoding::pairs;
use crate::{Error, LaunchKind};
use url::Url;

pub(crate) const FORM: Form = Form {
    name: "nbgitpuller-lti",
    parse: parse_lti,
    examples: &[
        "https://hub.example.edu/hub/lti/launch?next=%2Fhub%2Fuser-redirect%2Fgit-pull%3Frepo%3Dhttps%253A%252F%252Fgithub.com%252Fo%252Fr%26urlpath%3Dlab%252Ftree%252Fr%252Fx.ipynb",
        // IllumiDesk/illumidesk README.md, "Defining Launch Requests to Clone / Merge Git-based Repos".
        "https://acme.illumidesk.com/lti/launch?next=/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Facme%2Fintro-to-python&branch=master&subPath=00_intro_00_content.ipynb&app=notebook",
    ],
};

fn parse_lti(url: &Url) -> Result<Claim, Error> {
    let path = url.path().trim_end_matches('/');
    let (before, hub_path) = match path.strip_suffix("/hub/lti/launch") {
        Some(before) => (before, true),
        None => match path.strip_suffix("/lti/launch") {
            Some(before) => (before, false),
            None => return Ok(Claim::Pass),
        },
    };
    let query = url.query().unwrap_or_default();
    let ps = pairs(query);
    let Some(next) = ps.iter().find(|p| p.key == "next") else {
        return Ok(if hub_path {
            Claim::NotLaunch("not a launch link: lti launch without a next url".into())
        } else {
            Claim::Pass
        });
    };
    let mut warnings = vec!["lti launch wrapper: read its git-pull link".into()];
    let Some((prefix, inner_query)) =
        nbgitpuller::nested_query(next, query, |_| true, &mut warnings)
    else {
        return Ok(if hub_path {
            Claim::NotLaunch(
                "not a launch link: lti launch whose next url is not a git-pull link".into(),
            )
        } else {
            Claim::Pass
        });
    };
    // The next URL is where the hub sends the reader after the LTI login: it must stay on it.
    let inner = join_url(url, &prefix).map_err(|e| {
        Error::InvalidLink(format!(
            "lti launch: next url '{}' ({e})",
            super::shown(&next.value)
        ))
    })?;
    if inner.origin() != url.origin() {
        return Err(Error::InvalidLink(format!(
            "lti launch: next url '{}' leaves the hub",
            super::shown(&next.value)
        )));
    }
    let read = nbgitpuller::read_query(&inner_query, &mut warnings)?;
    Ok(Claim::Launch(crate::Launch {
        kind: LaunchKind::Nbgitpuller,
        hub: base_url(url, before.len() + 1),
        repo: None,
        pull: Some(read.pull),
        open: read.open,
        warnings,
    }))
}

#[cfg(test)]
mod tests {
    use crate::parse::launch_of as launch;
    use crate::{parse, Parsed, Ui};

    /// Issue 9, defect 17: IllumiDesk's LTI launcher, on a hub served without `/hub/`, with
    /// the inner link not encoded (its parameters are the outer query's).
    #[test]
    fn an_lti_launch_on_a_hub_without_hub_path_is_read() {
        let l = launch("https://acme.illumidesk.com/lti/launch?next=/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Facme%2Fintro-to-python&branch=master&subPath=00_intro_00_content.ipynb&app=notebook");
        assert_eq!(l.hub, "https://acme.illumidesk.com/");
        let pull = l.pull.unwrap();
        assert_eq!(
            (pull.repo.as_str(), pull.branch.as_deref()),
            ("https://github.com/acme/intro-to-python", Some("master"))
        );
        assert_eq!(
            (l.open.ui, l.open.path.as_deref()),
            (Ui::Classic, Some("00_intro_00_content.ipynb"))
        );
        // A `lti/launch` that is not about a git-pull is not this form's.
        assert!(matches!(
            parse("https://h.org/lti/launch?next=/user-redirect/lab"),
            Ok(Parsed::NotLaunch(_))
        ));
        assert!(parse(
            "https://h.org/lti/launch?next=https://evil.example/user-redirect/git-pull?repo=x"
        )
        .is_err());
    }
}
