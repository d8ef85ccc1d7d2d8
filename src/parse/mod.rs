//! Parsing: one file per link form. [`parse`] tries each form in turn; the first that claims
//! the link decides. A link no form claims is "not a launch link", a value, not an error.

mod binder;
mod colab;
mod github;
mod interact;
mod link;
mod lti;
mod myst;
mod nbgitpuller;
mod urlpath;

use crate::{Error, Launch};
use url::Url;

#[cfg(test)]
pub(crate) use link::plain_host;
pub(crate) use link::{split, FullReader, Link, Split};

pub(crate) use binder::{find_v2, read_v2_repo};
pub use github::parse_repo_link;
pub use myst::{myst_binder_link, MystBinder};
pub(crate) use nbgitpuller::clone_dir_of;
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) use nbgitpuller::read_query;
pub(crate) use urlpath::{compose_urlpath, split_urlpath};

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
    /// Only the `url` crate's reading can decide (the splitter's path gave too little: an LTI
    /// `next` URL that may leave the hub, a pasted link not in serialised form).
    Defer,
}

/// One link form: a parser and the real examples it must read (checked by a test).
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) struct Form {
    /// The form's name, used in tests.
    pub name: &'static str,
    /// Reads the URL, or passes.
    pub parse: fn(&Link<'_>) -> Result<Claim, Error>,
    /// Real links of this form (one test checks each parses with this form and no other).
    /// Test-only: the shipped Wasm leaves them out.
    #[cfg(any(test, feature = "fuzzing"))]
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

/// The longest link byob reads, in bytes. Real launch links are under 2 KB; the extension's
/// message guard passes hrefs of up to 8,192 characters. A longer link is refused on its own
/// ([`Error::InvalidLink`], a rewrite's status `invalid`) before any of it is read, so no page
/// can make one link cost more than this.
pub const MAX_LINK_LEN: usize = 8192;

/// Refuses a link longer than [`MAX_LINK_LEN`].
pub(crate) fn check_len(input: &str) -> Result<(), Error> {
    if input.len() > MAX_LINK_LEN {
        return Err(Error::InvalidLink(format!(
            "link is {} bytes long; byob reads links of at most {MAX_LINK_LEN} bytes",
            input.len()
        )));
    }
    Ok(())
}

/// Reads any launch link into a [`Launch`].
///
/// Returns [`Parsed::NotLaunch`] (with a reason) for anything that is not a launch link, and
/// an [`Error::InvalidLink`] for a link that claims to be one but cannot be read, even the
/// way the hub itself would read it, or that is longer than [`MAX_LINK_LEN`].
pub fn parse(input: &str) -> Result<Parsed, Error> {
    check_len(input)?;
    match parse_url(input) {
        Ok(url) => match parse_link(&Link::of(&url))? {
            Some(parsed) => Ok(parsed),
            // A form defers only when the `url` crate's reading is not at hand: never here.
            None => Err(Error::InvalidLink(
                "a link form asked for the url crate's reading it was given".into(),
            )),
        },
        Err(reason) => Ok(Parsed::NotLaunch(reason)),
    }
}

/// [`parse`] for a URL already split (the rewrite reuses it); `None` when a form needs the
/// `url` crate's reading and the link came from the splitter ([`Claim::Defer`]).
pub(crate) fn parse_link(link: &Link<'_>) -> Result<Option<Parsed>, Error> {
    for form in FORMS {
        match (form.parse)(link)? {
            Claim::Launch(launch) => return Ok(Some(Parsed::Launch(launch))),
            Claim::NotLaunch(reason) => return Ok(Some(Parsed::NotLaunch(reason))),
            Claim::Defer => return Ok(None),
            Claim::Pass => {}
        }
    }
    Ok(Some(Parsed::NotLaunch(
        "not a launch link: no binder, nbgitpuller or colab form matches".into(),
    )))
}

/// Parses an http(s) URL; anything else is not a launch link (the reason says why).
pub(crate) fn parse_url(input: &str) -> Result<Url, String> {
    let trimmed = input.trim();
    let url = web_url(trimmed).map_err(|e| format!("not a launch link: not a url ({e})"))?;
    match url.scheme() {
        "http" | "https" if url.host_str().is_some() => Ok(url),
        scheme => Err(format!("not a launch link: {scheme} url")),
    }
}

/// [`Url::parse`], except that a host name that is not ASCII is an error of its own. The
/// ASCII-only IDNA adapter (ARCHITECTURE.md, dependencies) cannot read one anyway, and in a
/// debug build it asserts on one that also has uppercase letters: every URL the core reads
/// goes through here or [`join_url`].
pub(crate) fn web_url(input: &str) -> Result<Url, String> {
    non_ascii_host(input)?;
    Url::parse(input).map_err(|e| e.to_string())
}

/// [`Url::join`] with the host check of [`web_url`].
pub(crate) fn join_url(base: &Url, input: &str) -> Result<Url, String> {
    non_ascii_host(input)?;
    base.join(input).map_err(|e| e.to_string())
}

/// Fails when the host a URL parser would read in `input` (an absolute URL or a
/// scheme-relative reference) is not ASCII once percent-decoded. Conservative: it looks at
/// everything between the scheme (or `//`) and the first `/`, `\`, `?` or `#`, after the last `@`.
fn non_ascii_host(input: &str) -> Result<(), String> {
    // Bytes, not chars: this runs on every link. A URL parser drops leading and trailing
    // spaces and controls, and tabs and newlines anywhere (rare: only then is the input copied).
    let owned: String;
    let s = if input.bytes().any(|b| matches!(b, b'\t' | b'\n' | b'\r')) {
        owned = input
            .chars()
            .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
            .collect();
        owned.as_str()
    } else {
        input
    };
    let s = s.trim_matches(|c: char| c <= ' ').as_bytes();
    let scheme_end = s.iter().position(|&b| b == b':').filter(|&i| {
        s[..i].first().is_some_and(u8::is_ascii_alphabetic)
            && s[..i]
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
    });
    let slash = |b: &u8| matches!(b, b'/' | b'\\');
    let rest = match scheme_end {
        Some(i) => &s[i + 1..],
        None if s.len() >= 2 && slash(&s[0]) && slash(&s[1]) => s,
        None => return Ok(()),
    };
    let start = rest.iter().position(|b| !slash(b)).unwrap_or(rest.len());
    let authority = &rest[start..];
    let end = authority
        .iter()
        .position(|b| matches!(b, b'/' | b'\\' | b'?' | b'#'))
        .unwrap_or(authority.len());
    let authority = &authority[..end];
    let host = match authority.iter().rposition(|&b| b == b'@') {
        Some(at) => &authority[at + 1..],
        None => authority,
    };
    if host.is_ascii() && !host.contains(&b'%') {
        return Ok(());
    }
    let decoded = percent_encoding::percent_decode(host).decode_utf8_lossy();
    if decoded.is_ascii() {
        Ok(())
    } else {
        Err(format!(
            "host '{decoded}' is not ascii: byob reads host names in their xn-- (punycode) form"
        ))
    }
}

/// A file path inside a repository as the model holds it: no leading or trailing `/` (a
/// server ignores them; [`compose_urlpath`] writes none), `None` when nothing is left or
/// only `.` (the root, as nothing).
pub(crate) fn file_path(p: &str) -> Option<String> {
    let p = crate::text::trim_byte(p, b'/');
    (!p.is_empty() && p != ".").then(|| p.to_string())
}

/// At most 100 characters of `s`, for a message.
pub(crate) fn shown(s: &str) -> String {
    match s.char_indices().nth(100) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// The part of `link` from its origin up to (not including) byte `end` of its path, as a hub base.
pub(crate) fn base_url(link: &Link<'_>, path_end: usize) -> String {
    let path = &link.path[..path_end];
    let mut base = String::with_capacity(link.origin_len() + path.len() + 1);
    link.write_origin(&mut base);
    base.push_str(path);
    if !base.ends_with('/') {
        base.push('/');
    }
    base
}

/// The raw query with `&amp;` (HTML-escaped ampersands) repaired, and a warning when it was;
/// borrowed when there was nothing to repair.
pub(crate) fn repaired_query<'a>(
    link: &Link<'a>,
    warnings: &mut Vec<String>,
) -> std::borrow::Cow<'a, str> {
    let q = link.query.unwrap_or_default();
    if q.contains("&amp;") || q.starts_with("amp;") {
        warnings.push("repaired html-escaped '&amp;' in the query".into());
        q.replace("&amp;", "&").into()
    } else {
        q.into()
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
                    let claimed = matches!((other.parse)(&Link::of(&url)), Ok(Claim::Launch(_)));
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

    /// Issue 9, defect 8: the ASCII-only IDNA adapter asserted (debug builds) on a host with
    /// uppercase and non-ASCII letters: `byob parse 'https://Aé/'` exited 101.
    #[test]
    fn a_non_ascii_host_is_a_reason_not_a_panic() {
        for input in [
            "https://Aé/",
            "https://éA.org/v2/gh/o/r/HEAD",
            "https://%41%C3%A9/v2/gh/o/r/HEAD",
            "HTTPS://user@Bé.Org:8080/x",
            "https:\\\\Aé/",
            " \thttps://A\né/",
        ] {
            match parse(input) {
                Ok(Parsed::NotLaunch(reason)) => assert!(
                    reason.contains(
                        "is not ascii: byob reads host names in their xn-- (punycode) form"
                    ),
                    "{input}: {reason}"
                ),
                other => panic!("{input}: {other:?}"),
            }
        }
        // Found by libFuzzer: an `xn--` label that decodes to U+200F hit a debug assertion of
        // `idna` that assumes Unicode data the ASCII-only adapter does not have (Cargo.toml).
        let xn = format!("https:\\xn--e-we{}ek/o6D", "n".repeat(96));
        assert!(matches!(parse(&xn), Ok(Parsed::NotLaunch(_))), "{xn}");
        let lti = "https://h.org/hub/lti/launch?next=%2F%2FA%C3%A9%2Fhub%2Fuser-redirect%2Fgit-pull%3Frepo%3Dx";
        assert!(parse(lti).is_err(), "{lti}");
        assert!(crate::normalize_hub_url("Aé.org").is_err());
        assert!(crate::myst_binder_link(
            &MystBinder {
                url: Some("https://Aé/".into()),
                repo: "o/r".into(),
                ..Default::default()
            },
            None
        )
        .is_err());
        assert_eq!(
            parse("https://Ab.org/v2/gh/o/r/HEAD").map(|p| matches!(p, Parsed::Launch(_))),
            Ok(true)
        );
    }

    /// Issue 9, defect 9: a link longer than [`MAX_LINK_LEN`] is refused before it is read.
    #[test]
    fn a_link_longer_than_the_limit_is_refused_with_its_length() {
        let long = format!(
            "https://mybinder.org/v2/gh/o/r/HEAD?urlpath={}",
            "a".repeat(MAX_LINK_LEN)
        );
        assert_eq!(
            parse(&long).unwrap_err().to_string(),
            format!(
                "invalid launch link: link is {} bytes long; byob reads links of at most 8192 bytes",
                long.len()
            )
        );
        let just = &long[..MAX_LINK_LEN];
        assert!(matches!(parse(just), Ok(Parsed::Launch(_))));
        assert!(parse_repo_link(&format!(
            "https://github.com/o/r/blob/main/{}",
            "a".repeat(MAX_LINK_LEN)
        ))
        .is_none());
    }

    /// A Binder link pasted into a gh spec is read one level deep: a link nested in itself
    /// costs no more than its length (issue 9, defect 9).
    #[test]
    fn a_pasted_binder_link_is_read_one_level_deep() {
        let inner = "https://mybinder.org/v2/gh/o/r/main";
        let once = format!(
            "https://mybinder.org/v2/gh/{}/HEAD",
            crate::encoding::encode_component(inner)
        );
        let l = launch_of(&once);
        assert_eq!(l.repo.map(|r| r.spec), Some("o/r".to_string()));
        let twice = format!(
            "https://mybinder.org/v2/gh/{}/HEAD",
            crate::encoding::encode_component(&once)
        );
        assert_eq!(
            parse(&twice).unwrap_err().to_string(),
            "invalid launch link: binder link: a binder link pasted into a pasted binder link; byob reads one level"
        );
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
