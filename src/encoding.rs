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
