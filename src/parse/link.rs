//! A URL split into the parts the link forms read, borrowed from the text: the one input of
//! every form (`FORMS`). Two entry points fill it:
//!
//! * [`Link::of`] from a [`url::Url`], for raw input (the CLI, what a reader types): the `url`
//!   crate's WHATWG reading first;
//! * [`split`], a small splitter for hrefs a browser has already normalised (the extension's
//!   hot path): it reads a URL only when the text is already in the form the `url` crate would
//!   serialise it in, so that both entries give the forms the same parts, and says
//!   [`Split::Defer`] for anything else (the caller then takes the `url` crate's path).
//!
//! The rule that makes the two equivalent — whatever [`split`] reads, `url::Url::parse`
//! serialises unchanged, into the same parts — is checked by `invariants::check_lean`, which
//! tests/lean.rs and the `lean` fuzz target call, and by the tests below.

use url::Url;

/// The parts of an http(s) URL that the link forms read, borrowed.
#[derive(Clone, Copy)]
pub(crate) struct Link<'a> {
    /// `http` or `https`.
    pub scheme: &'a str,
    /// The host as serialised (lowercase, punycode, an IPv6 address in brackets).
    pub host: &'a str,
    /// The port, when it is not the scheme's default.
    pub port: Option<u16>,
    /// The path, starting with `/`.
    pub path: &'a str,
    /// The query, without `?`.
    pub query: Option<&'a str>,
    /// Everything from the path on (path, `?query`, `#fragment`), as written.
    pub tail: &'a str,
    /// The `url` crate's reading, when the link came through it: what a form asks when the
    /// splitter's parts are not enough (an LTI launch's `next` URL, a pasted link). `None` on
    /// the splitter's path, where such a form says [`Claim::Defer`](super::Claim::Defer). A
    /// trait object made only by [`Link::of`]: the hot Wasm module never reaches the `url`
    /// crate through it, so the linker leaves the crate out.
    pub full: Option<&'a dyn FullReader>,
}

/// What only the `url` crate can answer.
pub(crate) trait FullReader {
    /// Whether `reference`, resolved against this URL, stays on its origin; the parser's
    /// message when it cannot be resolved.
    fn stays_on_origin(&self, reference: &str) -> Result<bool, String>;
    /// The path of `raw` read as an http(s) URL; `None` when it is not one.
    fn path_of(&self, raw: &str) -> Option<String>;
}

impl FullReader for Url {
    fn stays_on_origin(&self, reference: &str) -> Result<bool, String> {
        let inner = super::join_url(self, reference)?;
        Ok(inner.origin() == self.origin())
    }

    fn path_of(&self, raw: &str) -> Option<String> {
        super::parse_url(raw).ok().map(|u| u.path().to_string())
    }
}

impl<'a> Link<'a> {
    /// The parts of a URL the `url` crate read.
    pub fn of(url: &'a Url) -> Link<'a> {
        Link {
            scheme: url.scheme(),
            host: url.host_str().unwrap_or_default(),
            port: url.port(),
            path: url.path(),
            query: url.query(),
            tail: &url[url::Position::BeforePath..],
            full: Some(url),
        }
    }

    /// `scheme://host[:port]`, without user info, written into `out`.
    pub fn write_origin(&self, out: &mut String) {
        out.push_str(self.scheme);
        out.push_str("://");
        out.push_str(self.host);
        if let Some(port) = self.port {
            out.push(':');
            crate::text::push_int(out, usize::from(port));
        }
    }

    /// The length of `scheme://host[:port]`.
    pub fn origin_len(&self) -> usize {
        let mut n = self.scheme.len() + 3 + self.host.len();
        if let Some(port) = self.port {
            n += 1 + crate::text::int_len(usize::from(port));
        }
        n
    }
}

/// What the splitter makes of a text.
pub(crate) enum Split<'a> {
    /// An http(s) URL in the form the `url` crate serialises it in.
    Web(Link<'a>),
    /// A URL of another scheme with an opaque path (`mailto:…`, `javascript:…`): its scheme.
    Other(&'a str),
    /// Anything else: the `url` crate must read it.
    Defer,
}

/// Splits `s` when it is already in the `url` crate's serialised form; [`Split::Defer`] when
/// it might not be (the caller reads it with the `url` crate). Conservative by design: a rare
/// shape (user info, an IPv6 host, `xn--` labels, a default port, a dot segment, a character
/// the URL standard would percent-encode) is deferred rather than read.
pub(crate) fn split(s: &str) -> Split<'_> {
    let b = s.as_bytes();
    let Some(colon) = b.iter().position(|&c| c == b':') else {
        return Split::Defer;
    };
    let scheme = &s[..colon];
    let lower_scheme = scheme.bytes().enumerate().all(|(i, c)| {
        c.is_ascii_lowercase() || (i > 0 && (c.is_ascii_digit() || matches!(c, b'+' | b'-' | b'.')))
    });
    if scheme.is_empty() || !lower_scheme {
        return Split::Defer;
    }
    let rest = &s[colon + 1..];
    let (default_port, after) = match scheme {
        "https" => (443, rest.strip_prefix("//")),
        "http" => (80, rest.strip_prefix("//")),
        // The special schemes read a host; only opaque paths are read here.
        "ftp" | "file" | "ws" | "wss" => return Split::Defer,
        _ => {
            // An opaque path (`mailto:a@b`, `javascript:…`) cannot fail to parse; anything
            // starting with `/` has an authority or a path the parser would normalise. byob's
            // own host check (`parse::non_ascii_host`) reads what follows the scheme, past any
            // `/` and `\`, up to the next `/ \ ? #`, as a host: an escape there is left to it.
            let host_like = rest
                .trim_start_matches(['/', '\\'])
                .split(['/', '\\', '?', '#'])
                .next()
                .unwrap_or_default();
            return if rest.starts_with('/')
                || host_like.contains('%')
                || !clean(rest, FRAGMENT)
                || ends_badly(s)
            {
                Split::Defer
            } else {
                Split::Other(scheme)
            };
        }
    };
    let Some(after) = after else {
        return Split::Defer;
    };
    let authority_end = after.bytes().position(|c| c == b'/').unwrap_or(after.len());
    let authority = &after[..authority_end];
    if authority_end == after.len() || authority.bytes().any(|c| matches!(c, b'?' | b'#' | b'@')) {
        return Split::Defer;
    }
    let (host, port) = match crate::text::split_once_byte(authority, b':') {
        Some((host, port)) => match read_port(port, default_port) {
            Some(p) => (host, Some(p)),
            None => return Split::Defer,
        },
        None => (authority, None),
    };
    if !plain_host(host) {
        return Split::Defer;
    }
    let tail = &after[authority_end..];
    // One pass over the path: where it ends, whether it is clean, and whether a segment may be
    // a dot segment (one starts right after a `/` with `.` or `%`: only then is it checked).
    // One lookup a byte: `bad` gathers the classes, `dots` the [`DOT`] bit of a byte whose
    // predecessor is a [`SLASH`] (the slash bit shifted onto the dot bit).
    let mut bad = 0u8;
    let mut dots = 0u8;
    let mut prev = 0u8;
    let mut path_end = tail.len();
    for (i, &c) in tail.as_bytes().iter().enumerate() {
        let k = CLASS[usize::from(c)];
        if k & STOP != 0 {
            path_end = i;
            break;
        }
        bad |= k;
        dots |= (prev >> 1) & k;
        prev = k;
    }
    let path = &tail[..path_end];
    if bad & PATH != 0 || (dots & DOT != 0 && has_dot_segment(path)) {
        return Split::Defer;
    }
    let rest = &tail[path_end..];
    let (query, fragment) = match rest.strip_prefix('?') {
        Some(q) => {
            // One pass over the query: where it ends, and whether it is clean.
            let mut bad = 0u8;
            let mut end = q.len();
            for (i, &c) in q.as_bytes().iter().enumerate() {
                if c == b'#' {
                    end = i;
                    break;
                }
                bad |= CLASS[usize::from(c)];
            }
            if bad & QUERY != 0 {
                return Split::Defer;
            }
            (Some(&q[..end]), q.get(end + 1..))
        }
        None => (None, rest.strip_prefix('#')),
    };
    if !fragment.is_none_or(|f| clean(f, FRAGMENT)) {
        return Split::Defer;
    }
    Split::Web(Link {
        scheme,
        host,
        port,
        path,
        query,
        tail,
        full: None,
    })
}

/// Which parts of a URL the standard percent-encodes a byte in ([`CLASS`]): controls, space
/// and non-ASCII in every part, and beyond them, in a path `"<>`{}\^|`, in a query (of a
/// special scheme) `"<>'`, in a fragment `"<>``. A text holding one is not in serialised form.
const PATH: u8 = 1;
const QUERY: u8 = 2;
const FRAGMENT: u8 = 4;
/// `?` and `#`: the end of a path.
const STOP: u8 = 8;
/// `.` and `%`: what may start a dot segment (`.`, `%2e`).
const DOT: u8 = 16;
/// `/`, one bit above [`DOT`] (the path's pass shifts it onto it).
const SLASH: u8 = 32;

/// [`PATH`], [`QUERY`], [`FRAGMENT`], [`STOP`], [`DOT`] and [`SLASH`] by byte: one lookup a
/// byte in the splitter's passes.
static CLASS: [u8; 256] = classes();

const fn classes() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = if c <= 0x20 || c >= 0x7f {
            PATH | QUERY | FRAGMENT
        } else {
            let b = c as u8;
            let mut class = 0;
            if matches!(
                b,
                b'"' | b'<' | b'>' | b'`' | b'{' | b'}' | b'\\' | b'^' | b'|'
            ) {
                class |= PATH;
            }
            if matches!(b, b'"' | b'<' | b'>' | b'\'') {
                class |= QUERY;
            }
            if matches!(b, b'"' | b'<' | b'>' | b'`') {
                class |= FRAGMENT;
            }
            if matches!(b, b'?' | b'#') {
                class |= STOP;
            }
            if matches!(b, b'.' | b'%') {
                class |= DOT;
            }
            if b == b'/' {
                class |= SLASH;
            }
            class
        };
        c += 1;
    }
    t
}

/// No control, space, non-ASCII or other character `part` encodes.
fn clean(s: &str, part: u8) -> bool {
    s.bytes().fold(0, |bad, c| bad | CLASS[usize::from(c)]) & part == 0
}

/// Leading or trailing characters a URL parser would trim.
fn ends_badly(s: &str) -> bool {
    s.bytes().next().is_none_or(|c| c <= b' ') || s.bytes().last().is_none_or(|c| c <= b' ')
}

/// A port as the `url` crate writes it: digits without a leading zero, not the default.
fn read_port(p: &str, default: u16) -> Option<u16> {
    if p.is_empty() || p.len() > 5 || !p.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if p.len() > 1 && p.starts_with('0') {
        return None;
    }
    let n = p.bytes().fold(0u32, |n, c| n * 10 + u32::from(c - b'0'));
    let n = u16::try_from(n).ok()?;
    (n != default).then_some(n)
}

/// A lowercase ASCII host name of plain labels (`a-z`, `0-9`, `-`, not at a label's ends,
/// no `xn--` or other `??--` label), or a dotted IPv4 address as the standard writes it.
pub(crate) fn plain_host(host: &str) -> bool {
    let b = host.as_bytes();
    if b.is_empty() || b.len() > 253 {
        return false;
    }
    let last = &b[b.iter().rposition(|&c| c == b'.').map_or(0, |i| i + 1)..];
    if (!last.is_empty() && last.iter().all(u8::is_ascii_digit)) || last.starts_with(b"0x") {
        // The standard reads a host ending in a number as an IPv4 address.
        return ipv4(host);
    }
    // One pass: each label of `a-z 0-9 -`, not empty, not starting or ending with `-`, no
    // `??--` (an `xn--` label and its like: IDNA would read them).
    let mut start = 0;
    for i in 0..=b.len() {
        if i == b.len() || b[i] == b'.' {
            let l = &b[start..i];
            if l.is_empty()
                || l.len() > 63
                || l[0] == b'-'
                || l[l.len() - 1] == b'-'
                || (l.len() >= 4 && l[2] == b'-' && l[3] == b'-')
            {
                return false;
            }
            start = i + 1;
        } else if !(b[i].is_ascii_lowercase() || b[i].is_ascii_digit() || b[i] == b'-') {
            return false;
        }
    }
    true
}

/// A dotted IPv4 address as the standard writes it: four decimal numbers up to 255, without
/// leading zeros.
fn ipv4(host: &str) -> bool {
    let labels = || host.split('.');
    let numeric = |l: &str| !l.is_empty() && l.bytes().all(|c| c.is_ascii_digit());
    labels().count() == 4
        && labels().all(|l| numeric(l) && l.len() <= 3 && (l == "0" || !l.starts_with('0')))
        && labels().all(|l| l.parse::<u16>().is_ok_and(|n| n <= 255))
}

/// A `.` or `..` segment, in any case of `%2e`, which the parser would have resolved.
fn has_dot_segment(path: &str) -> bool {
    let b = path.as_bytes();
    // Dots in the current segment (`%2e` counts as one), or -1 once it holds anything else.
    let mut dots: i32 = 0;
    let mut i = 0;
    loop {
        if i == b.len() || b[i] == b'/' {
            if dots == 1 || dots == 2 {
                return true;
            }
            if i == b.len() {
                return false;
            }
            dots = 0;
        } else if dots >= 0 {
            if b[i] == b'.' {
                dots += 1;
            } else if b[i] == b'%'
                && b.get(i + 1) == Some(&b'2')
                && matches!(b.get(i + 2), Some(b'e' | b'E'))
            {
                dots += 1;
                i += 2;
            } else {
                dots = -1;
            }
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn web(s: &str) -> Option<Link<'_>> {
        match split(s) {
            Split::Web(l) => Some(l),
            _ => None,
        }
    }

    #[test]
    fn splits_serialised_http_urls_into_the_url_crates_parts() {
        for s in [
            "https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/x.ipynb#top",
            "http://localhost:8888/git-pull?repo=x",
            "http://127.0.0.1:18002/hub/user-redirect/git-pull?repo=https%3A%2F%2Fx&a=%zz",
            "https://h.org/",
            "https://h.org/a?",
            "https://h.org/a#",
        ] {
            let l = web(s).unwrap_or_else(|| panic!("{s} deferred"));
            let u = Url::parse(s).unwrap();
            assert_eq!(u.as_str(), s);
            let o = Link::of(&u);
            assert_eq!(
                (l.scheme, l.host, l.port, l.path, l.query, l.tail),
                (o.scheme, o.host, o.port, o.path, o.query, o.tail),
                "{s}"
            );
        }
    }

    #[test]
    fn defers_what_the_url_crate_would_change() {
        for s in [
            "HTTPS://h.org/",
            " https://h.org/",
            "https://h.org",
            "https://H.org/",
            "https://h.org:443/",
            "https://h.org:08/",
            "https://u@h.org/",
            "https://[::1]/",
            "https://xn--e-ufa.org/",
            "https://h.org/a/../b",
            "https://h.org/a/%2E/b",
            "https://h.org/a b",
            "https://h.org/a\\b",
            "https://h.org/?a'b",
            "https://h.org/é",
            "https://1.2.3/",
            "https://01.2.3.4/",
            "https://h.org?x",
            "//h.org/",
            "ftp://h.org/",
            "foo://h/",
            "relative/path",
        ] {
            assert!(matches!(split(s), Split::Defer), "{s} was read");
        }
        assert!(matches!(split("mailto:a@b.c"), Split::Other("mailto")));
        // Found by the `lean` fuzz target: byob's own host check reads `%EF%BF%BD` here as a
        // host, and says "not ascii"; the splitter leaves it to it.
        assert!(matches!(
            split("httfs:%EF%BF%BD/mybinder.org/"),
            Split::Defer
        ));
        assert!(matches!(
            split("mainhttps:\\//github%EF%BF%BDcom/o/r"),
            Split::Defer
        ));
        assert!(matches!(
            split("javascript:alert(1)"),
            Split::Other("javascript")
        ));
    }
}
