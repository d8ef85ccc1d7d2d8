//! Parsing: one file per link form. [`parse`] tries each form in turn; the first that claims
//! the link decides. A link no form claims is "not a launch link", a value, not an error.

mod binder;
mod colab;
mod github;
mod interact;
mod lti;
mod myst;
mod nbgitpuller;
mod urlpath;

use crate::{Error, Launch};
use url::Url;

pub use github::parse_repo_link;
pub use myst::{myst_binder_link, MystBinder};
pub(crate) use nbgitpuller::clone_dir;
pub(crate) use urlpath::split_urlpath;

/// The outcome of reading a link.
// A launch is the common outcome: boxing it would add an allocation per link.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// A launch link.
    Launch(Launch),
    /// Not a launch link; the reason says what it is instead.
    NotLaunch(String),
}

/// What a link form's parser says about a URL.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Claim {
    /// This form reads the link.
    Launch(Launch),
    /// This form recognises the URL as something that is not a launch (a badge image, …).
    NotLaunch(String),
    /// Not this form: try the next one.
    Pass,
}

/// One link form: a parser and the real examples it must read (checked by a test).
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) struct Form {
    /// The form's name, used in tests.
    pub name: &'static str,
    /// Reads the URL, or passes.
    pub parse: fn(&Url) -> Result<Claim, Error>,
    /// Real links of this form (one test checks each parses with this form and no other).
    pub examples: &'static [&'static str],
}

/// Every link form, most specific first.
pub(crate) const FORMS: &[Form] = &[
    binder::FORM,
    binder::LEGACY_FORM,
    lti::FORM,
    nbgitpuller::FORM,
    interact::FORM,
    colab::FORM,
];

/// Reads any launch link into a [`Launch`].
///
/// Returns [`Parsed::NotLaunch`] (with a reason) for anything that is not a launch link, and
/// an [`Error::InvalidLink`] for a link that claims to be one but cannot be read, even the
/// way the hub itself would read it.
pub fn parse(input: &str) -> Result<Parsed, Error> {
    match parse_url(input) {
        Ok(url) => parse_parsed(&url),
        Err(reason) => Ok(Parsed::NotLaunch(reason)),
    }
}

/// [`parse`] for a URL already parsed (the rewrite reuses it).
pub(crate) fn parse_parsed(url: &Url) -> Result<Parsed, Error> {
    for form in FORMS {
        match (form.parse)(url)? {
            Claim::Launch(launch) => return Ok(Parsed::Launch(launch)),
            Claim::NotLaunch(reason) => return Ok(Parsed::NotLaunch(reason)),
            Claim::Pass => {}
        }
    }
    Ok(Parsed::NotLaunch(
        "not a launch link: no binder, nbgitpuller or colab form matches".into(),
    ))
}

/// Parses an http(s) URL; anything else is not a launch link (the reason says why).
pub(crate) fn parse_url(input: &str) -> Result<Url, String> {
    let trimmed = input.trim();
    let url = Url::parse(trimmed).map_err(|e| format!("not a launch link: not a url ({e})"))?;
    match url.scheme() {
        "http" | "https" if url.host_str().is_some() => Ok(url),
        scheme => Err(format!("not a launch link: {scheme} url")),
    }
}

/// The part of `url` from its origin up to (not including) byte `end` of its path, as a hub base.
pub(crate) fn base_url(url: &Url, path_end: usize) -> String {
    let path = &url.path()[..path_end];
    let mut base = format!("{}{}", origin(url), path);
    if !base.ends_with('/') {
        base.push('/');
    }
    base
}

/// `scheme://host[:port]`, without user info.
pub(crate) fn origin(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{}://{}:{}", url.scheme(), host, port),
        None => format!("{}://{}", url.scheme(), host),
    }
}

/// The raw query with `&amp;` (HTML-escaped ampersands) repaired, and a warning when it was.
pub(crate) fn repaired_query(url: &Url, warnings: &mut Vec<String>) -> String {
    let q = url.query().unwrap_or_default();
    if q.contains("&amp;") || q.starts_with("amp;") {
        warnings.push("repaired html-escaped '&amp;' in the query".into());
        q.replace("&amp;", "&")
    } else {
        q.to_string()
    }
}

/// The launch a test link must parse into.
#[cfg(test)]
pub(crate) fn launch_of(u: &str) -> Launch {
    match parse(u) {
        Ok(Parsed::Launch(l)) => l,
        other => panic!("{u}: {other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_is_read_by_its_own_form_and_no_other() {
        for form in FORMS {
            assert!(
                !form.examples.is_empty(),
                "form {} has no examples",
                form.name
            );
            for example in form.examples {
                let url = Url::parse(example).unwrap();
                for other in FORMS {
                    let claimed = matches!((other.parse)(&url), Ok(Claim::Launch(_)));
                    assert_eq!(
                        claimed,
                        std::ptr::eq(other, form),
                        "{example}: form {} claimed={claimed}",
                        other.name
                    );
                }
            }
        }
    }

    #[test]
    fn non_urls_and_other_schemes_are_not_launch_links() {
        for input in [
            "",
            "hello",
            "mailto:a@b.c",
            "javascript:alert(1)",
            "/v2/gh/o/r/HEAD",
        ] {
            assert!(matches!(parse(input), Ok(Parsed::NotLaunch(_))), "{input}");
        }
    }
}
