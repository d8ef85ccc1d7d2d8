//! Percent-encoding and query-string helpers shared by the parsers and renderers.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::borrow::Cow;

/// What `encodeURIComponent` leaves alone: `A-Z a-z 0-9 - _ . ! ~ * ' ( )`.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// Like [`COMPONENT`] but keeps `/` readable, for urlpath values of Binder links.
const PATH_VALUE: &AsciiSet = &COMPONENT.remove(b'/');

/// Percent-encodes like JavaScript's `encodeURIComponent`.
pub(crate) fn encode_component(s: &str) -> String {
    // Collecting the chunks avoids the formatting machinery of `to_string` (hot path).
    utf8_percent_encode(s, COMPONENT).collect()
}

/// Percent-encodes a path-like query value, leaving `/` as is.
pub(crate) fn encode_path_value(s: &str) -> String {
    utf8_percent_encode(s, PATH_VALUE).collect()
}

/// Percent-encodes a value of a Binder link's query for BinderHub's launch page, which reads
/// its query with `decodeURI` before `URLSearchParams`: that is two decodings, where a hub's
/// server (tornado, nbgitpuller) does one. `decodeURI` undoes only `%25` among the escapes
/// `encodeURIComponent` writes (the others encode characters it keeps: `/?&=+#:;,@$`, or
/// characters that decode harmlessly: spaces, letters). So the value is encoded like
/// `encodeURIComponent` (`/` kept readable when `keep_slash`), and each `%` of the value is
/// written `%2525`: `decodeURI` leaves `%25`, `URLSearchParams` leaves `%`. A nested
/// `git-pull?…` query is such a value: its own escapes arrive intact for nbgitpuller.
pub(crate) fn encode_binder_value(s: &str, keep_slash: bool) -> String {
    let set = if keep_slash { PATH_VALUE } else { COMPONENT };
    let mut out = String::with_capacity(s.len() + 8);
    for chunk in utf8_percent_encode(s, set) {
        // Chunks are runs of kept bytes or single `%XX` escapes; `%25` is the escape of `%`.
        out.push_str(if chunk == "%25" { "%2525" } else { chunk });
    }
    out
}

/// JavaScript's `decodeURI`: decodes `%XX` escapes, except those of the characters it keeps
/// (`;/?:@&=+$,#`). `None` where `decodeURI` throws (a bad escape or invalid UTF-8).
pub(crate) fn decode_uri(s: &str) -> Option<Cow<'_, str>> {
    if !s.contains('%') {
        return Some(Cow::Borrowed(s));
    }
    let b = s.as_bytes();
    let hex = |i: usize| -> Option<u8> {
        let h = |c: u8| (c as char).to_digit(16);
        Some((h(*b.get(i + 1)?)? * 16 + h(*b.get(i + 2)?)?) as u8)
    };
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut run = 0;
    let mut changed = false;
    while i < b.len() {
        if b[i] != b'%' {
            i += 1;
            continue;
        }
        out.push_str(&s[run..i]);
        let first = hex(i)?;
        let len = match first {
            0x00..=0x7f => 1,
            0xc2..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xf4 => 4,
            _ => return None,
        };
        let mut bytes = [first, 0, 0, 0];
        for (k, slot) in bytes.iter_mut().enumerate().take(len).skip(1) {
            if b.get(i + 3 * k) != Some(&b'%') {
                return None;
            }
            *slot = hex(i + 3 * k)?;
        }
        let decoded = std::str::from_utf8(&bytes[..len]).ok()?;
        if len == 1 && ";/?:@&=+$,#".contains(decoded) {
            out.push_str(&s[i..i + 3]);
        } else {
            out.push_str(decoded);
            changed = true;
        }
        i += 3 * len;
        run = i;
    }
    if !changed {
        // Only escapes decodeURI keeps (`%2F`, `%26`, …): the query as it is.
        return Some(Cow::Borrowed(s));
    }
    out.push_str(&s[run..]);
    Some(Cow::Owned(out))
}

/// Decodes a Binder link's query the way BinderHub's launch page does before it splits it
/// (`decodeURI`); a query `decodeURI` would throw on is kept as it is.
pub(crate) fn binder_page_query(query: &str) -> Cow<'_, str> {
    decode_uri(query).unwrap_or(Cow::Borrowed(query))
}

/// How many times [`has_dot_segment`] decodes a value before it gives up on it.
const MAX_DECODINGS: usize = 8;

/// Whether `value`, written into a URL path or into a value that becomes one (a spec, a ref,
/// a urlpath, a clone directory), has a `.` or `..` segment in any encoding: as written, or
/// once the browser, a hub or nbgitpuller decodes it, however many times. Segments end at
/// `/`, `\` (a browser reads it as `/`), `?` and `#`; tabs and newlines are dropped (a browser
/// drops them). A value still changing after [`MAX_DECODINGS`] decodings counts as one: no
/// real name is encoded that deeply. `&` and `=` end segments too, so that a whole query, or a
/// query nested in a value, is checked at once (no real name or ref is `..` between them).
pub(crate) fn has_dot_segment(value: &str) -> bool {
    let mut v = Cow::Borrowed(value);
    for _ in 0..MAX_DECODINGS {
        if segments_have_dots(&v) {
            return true;
        }
        if !decoding_matters(&v) {
            return false;
        }
        let next = decode(&v).into_owned();
        if next == v {
            return false;
        }
        v = Cow::Owned(next);
    }
    true
}

/// Whether decoding `v` once could make a dot segment appear: only escapes of a dot, of `%`
/// (a deeper layer), of a segment separator or of a tab or newline can. Most values have none,
/// and are not decoded at all (the rewrite's hot path).
fn decoding_matters(v: &str) -> bool {
    v.as_bytes().windows(3).any(|w| {
        w[0] == b'%'
            && matches!(
                (w[1].to_ascii_lowercase(), w[2].to_ascii_lowercase()),
                (b'2', b'e' | b'5' | b'f' | b'3' | b'6')
                    | (b'5', b'c')
                    | (b'3', b'f' | b'd')
                    | (b'0', b'9' | b'a' | b'd')
            )
    })
}

fn segments_have_dots(v: &str) -> bool {
    // Bytes, not chars: this runs on every rewritten link. A segment is dotty when it holds one
    // or two dots and otherwise only tabs and newlines.
    let mut dots = 0u8;
    let mut other = false;
    for &b in v.as_bytes() {
        match b {
            b'/' | b'\\' | b'?' | b'#' | b'&' | b'=' => {
                if !other && (dots == 1 || dots == 2) {
                    return true;
                }
                dots = 0;
                other = false;
            }
            b'.' => dots = dots.saturating_add(1),
            b'\t' | b'\n' | b'\r' => {}
            _ => other = true,
        }
    }
    !other && (dots == 1 || dots == 2)
}

/// Escapes a decoded file or directory name for a urlpath (a URL path inside the server):
/// `%`, `?`, `#`, `\` and control characters would change what the path names, so they are
/// percent-encoded; everything else stays readable. [`crate::parse`] decodes it back.
pub(crate) fn escape_path(s: &str) -> Cow<'_, str> {
    let special = |c: char| matches!(c, '%' | '?' | '#' | '\\') || c.is_ascii_control();
    if !s.contains(special) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if special(c) {
            out.push_str(&format!("%{:02X}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Decodes `%XX` escapes (invalid UTF-8 is replaced, never an error).
pub(crate) fn decode(s: &str) -> Cow<'_, str> {
    percent_decode_str(s).decode_utf8_lossy()
}

/// Decodes a form value: `+` is a space, then `%XX` escapes (as tornado and URLSearchParams do).
pub(crate) fn decode_form(s: &str) -> String {
    if s.contains('+') {
        decode(&s.replace('+', " ")).into_owned()
    } else {
        decode(s).into_owned()
    }
}

/// One `key=value` pair of a query string, with the raw value kept for re-encoding checks.
#[derive(Debug, Clone)]
pub(crate) struct Pair<'a> {
    pub key: String,
    pub raw: &'a str,
    pub value: String,
    /// Byte offset of the raw value inside the query string.
    pub offset: usize,
}

/// Splits a raw query string (without `?`) into decoded pairs, in order, keeping repeats.
pub(crate) fn pairs(query: &str) -> Vec<Pair<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    for part in query.split('&') {
        let offset = start;
        start += part.len() + 1;
        if part.is_empty() {
            continue;
        }
        let (k, v, voff) = match part.find('=') {
            Some(i) => (&part[..i], &part[i + 1..], offset + i + 1),
            None => (part, "", offset + part.len()),
        };
        out.push(Pair {
            key: decode_form(k),
            raw: v,
            value: decode_form(v),
            offset: voff,
        });
    }
    out
}

/// The decoded value of the first pair named `key`.
pub(crate) fn get<'p>(pairs: &'p [Pair<'_>], key: &str) -> Option<&'p str> {
    pairs
        .iter()
        .find(|p| p.key == key)
        .map(|p| p.value.as_str())
}

/// Builds a query string from `(key, value)` pairs, encoding values like `encodeURIComponent`.
pub(crate) fn build_query<'a>(items: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = String::new();
    for (k, v) in items {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.extend(utf8_percent_encode(v, COMPONENT));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_encode_uri_component() {
        assert_eq!(
            encode_component("https://github.com/o/r?a=b&c"),
            "https%3A%2F%2Fgithub.com%2Fo%2Fr%3Fa%3Db%26c"
        );
        assert_eq!(
            encode_component("a-b_c.d!e~f*g'h(i)j k"),
            "a-b_c.d!e~f*g'h(i)j%20k"
        );
        assert_eq!(
            encode_path_value("lab/tree/a b.ipynb"),
            "lab/tree/a%20b.ipynb"
        );
    }

    #[test]
    fn splits_queries_keeping_raw_values_and_offsets() {
        let q = "repo=https%3A%2F%2Fx&&branch=a+b&flag";
        let p = pairs(q);
        assert_eq!(p.len(), 3);
        assert_eq!(p[0].value, "https://x");
        assert_eq!(&q[p[0].offset..p[0].offset + p[0].raw.len()], p[0].raw);
        assert_eq!(p[1].value, "a b");
        assert_eq!(p[2].key, "flag");
        assert_eq!(get(&p, "branch"), Some("a b"));
    }
}
