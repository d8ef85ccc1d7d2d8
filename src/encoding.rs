//! Percent-encoding and query-string helpers shared by the parsers and renderers.

use std::borrow::Cow;

/// A set of bytes left as they are (every other byte is escaped): one bit of [`KEEP`].
type Keep = u8;

/// What `encodeURIComponent` leaves alone: `A-Z a-z 0-9 - _ . ! ~ * ' ( )`.
const COMPONENT: Keep = 1;

/// Like [`COMPONENT`] but keeps `/` readable, for urlpath values of Binder links.
const PATH_VALUE: Keep = 2;

/// The sets that keep each byte: one lookup a byte in the encoder's loop (a bit set over ASCII
/// cost a range test, a shift and a mask more, on every byte of every value written).
static KEEP: [Keep; 256] = keep_table();

const fn keep_table() -> [Keep; 256] {
    let mut t = [0; 256];
    let mut c = 0u8;
    while c < 0x80 {
        if c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')'
            )
        {
            t[c as usize] = COMPONENT | PATH_VALUE;
        } else if c == b'/' {
            t[c as usize] = PATH_VALUE;
        }
        c += 1;
    }
    t
}

/// Percent-encodes like JavaScript's `encodeURIComponent`.
pub(crate) fn encode_component(s: &str) -> String {
    let mut out = String::new();
    encode_into(&mut out, s, COMPONENT, "%25");
    out
}

/// Percent-encodes a path-like query value, leaving `/` as is.
pub(crate) fn encode_path_value(s: &str) -> String {
    let mut out = String::new();
    encode_into(&mut out, s, PATH_VALUE, "%25");
    out
}

/// Appends `s` to `out` with every byte `set` does not keep written `%XX` (uppercase hex, as
/// the `percent-encoding` crate and `encodeURIComponent` write it), and `%` written as
/// `percent`. `out` grows once for a value with up to one escape in four bytes (the hot path:
/// growing a string step by step costs a copy each time); runs of kept bytes are copied whole.
fn encode_into(out: &mut String, s: &str, set: Keep, percent: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.reserve(s.len() + s.len() / 2 + 8);
    let mut run = 0;
    for (i, &c) in s.as_bytes().iter().enumerate() {
        if KEEP[usize::from(c)] & set != 0 {
            continue;
        }
        // Every byte of a non-ASCII character is escaped: runs are ASCII, cut at boundaries.
        out.push_str(s.get(run..i).unwrap_or_default());
        if c == b'%' {
            out.push_str(percent);
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(c >> 4)]));
            out.push(char::from(HEX[usize::from(c & 15)]));
        }
        run = i + 1;
    }
    out.push_str(s.get(run..).unwrap_or_default());
}

/// Percent-encodes a value of a Binder link's query for BinderHub's launch page, which reads
/// its query with `decodeURI` before `URLSearchParams`: that is two decodings, where a hub's
/// server (tornado, nbgitpuller) does one. `decodeURI` undoes only `%25` among the escapes
/// `encodeURIComponent` writes (the others encode characters it keeps: `/?&=+#:;,@$`, or
/// characters that decode harmlessly: spaces, letters). So the value is encoded like
/// `encodeURIComponent` (`/` kept readable when `keep_slash`), and each `%` of the value is
/// written `%2525`: `decodeURI` leaves `%25`, `URLSearchParams` leaves `%`. A nested
/// `git-pull?…` query is such a value: its own escapes arrive intact for nbgitpuller.
/// The value is appended to `out`: the renderer writes the link in one buffer.
pub(crate) fn encode_binder_value_into(out: &mut String, s: &str, keep_slash: bool) {
    let set = if keep_slash { PATH_VALUE } else { COMPONENT };
    encode_into(out, s, set, "%2525");
}

/// [`encode_binder_value_into`] into a new string (the tests).
#[cfg(test)]
pub(crate) fn encode_binder_value(s: &str, keep_slash: bool) -> String {
    let mut out = String::new();
    encode_binder_value_into(&mut out, s, keep_slash);
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
        let (dots, escapes) = segments_have_dots(&v);
        if dots {
            return true;
        }
        // Most values have no escape at all: the one pass above said so.
        if !escapes || !decoding_matters(&v) {
            return false;
        }
        // `decode` borrows exactly when nothing decodes: then the value is final.
        let next = match decode(&v) {
            Cow::Borrowed(_) => return false,
            Cow::Owned(next) => next,
        };
        v = Cow::Owned(next);
    }
    true
}

/// Whether decoding `v` once could make a dot segment appear: only escapes of a dot, of `%`
/// (a deeper layer), of a hex digit (`%%32e` and `%2%65` decode to `%2e`, a deeper layer
/// too), of a segment separator or of a tab or newline can. Most values have none, and are
/// not decoded at all (the rewrite's hot path).
fn decoding_matters(v: &str) -> bool {
    v.as_bytes().windows(3).any(|w| {
        w[0] == b'%'
            && matches!(
                (w[1].to_ascii_lowercase(), w[2].to_ascii_lowercase()),
                (b'2', b'e' | b'5' | b'f' | b'3' | b'6')
                    | (b'5', b'c')
                    | (b'3', b'f' | b'd' | b'0'..=b'9')
                    | (b'4' | b'6', b'1'..=b'6')
                    | (b'0', b'9' | b'a' | b'd')
            )
    })
}

/// Whether a segment of `v` is dotty (one or two dots, and otherwise only tabs and newlines),
/// and whether `v` holds a `%`. Only the dots are visited (found with `memchr`, as `find`
/// does for one byte), each with the run of dots, tabs and newlines around it: most values
/// have a few dots inside names (`github.com`, `x.ipynb`), and this runs on every rewritten link.
fn segments_have_dots(v: &str) -> (bool, bool) {
    let b = v.as_bytes();
    let escapes = b.contains(&b'%');
    let run = |c: u8| matches!(c, b'.' | b'\t' | b'\n' | b'\r');
    let mut from = 0;
    while let Some(i) = v.get(from..).and_then(|rest| rest.find('.')) {
        let dot = from + i;
        let mut start = dot;
        while start > 0 && run(b[start - 1]) {
            start -= 1;
        }
        let mut end = dot + 1;
        while end < b.len() && run(b[end]) {
            end += 1;
        }
        let whole = (start == 0 || ends_segment(b[start - 1]))
            && b.get(end).is_none_or(|&c| ends_segment(c));
        if whole && matches!(b[start..end].iter().filter(|&&c| c == b'.').count(), 1 | 2) {
            return (true, escapes);
        }
        from = end;
    }
    (false, escapes)
}

/// The bytes that end a segment for [`has_dot_segment`].
fn ends_segment(c: u8) -> bool {
    matches!(c, b'/' | b'\\' | b'?' | b'#' | b'&' | b'=')
}

/// Escapes a decoded file or directory name for a urlpath (a URL path inside the server):
/// `%`, `?`, `#`, `\` and control characters would change what the path names, so they are
/// percent-encoded; everything else stays readable. [`crate::parse`] decodes it back.
pub(crate) fn escape_path(s: &str) -> Cow<'_, str> {
    let special = |c: char| matches!(c, '%' | '?' | '#' | '\\') || c.is_ascii_control();
    // The same test on bytes (every special character is ASCII): no decoding of characters
    // for the names that need no escape, nearly all of them.
    if !s.bytes().any(|b| special(char::from(b))) {
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

/// Decodes `%XX` escapes (invalid UTF-8 is replaced, never an error). Text without `%` is
/// returned as it is, without a copy.
pub(crate) fn decode(s: &str) -> Cow<'_, str> {
    let b = s.as_bytes();
    let Some(first) = b.iter().position(|&c| c == b'%') else {
        return Cow::Borrowed(s);
    };
    let hex = |c: Option<&u8>| match c {
        Some(c @ b'0'..=b'9') => Some(c - b'0'),
        Some(c @ b'a'..=b'f') => Some(c - b'a' + 10),
        Some(c @ b'A'..=b'F') => Some(c - b'A' + 10),
        _ => None,
    };
    let mut out = Vec::with_capacity(b.len());
    let mut decoded = false;
    // Bytes between escapes are copied in runs: `run` is where the current one starts.
    let mut run = 0;
    let mut i = first;
    while i < b.len() {
        if b[i] == b'%' {
            if let (Some(h), Some(l)) = (hex(b.get(i + 1)), hex(b.get(i + 2))) {
                out.extend_from_slice(&b[run..i]);
                out.push(h * 16 + l);
                decoded = true;
                i += 3;
                run = i;
                continue;
            }
        }
        i += 1;
    }
    if !decoded {
        return Cow::Borrowed(s);
    }
    out.extend_from_slice(&b[run..]);
    match String::from_utf8(out) {
        Ok(text) => Cow::Owned(text),
        Err(e) => Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned()),
    }
}

/// Decodes a form value: `+` is a space, then `%XX` escapes (as tornado and URLSearchParams do).
pub(crate) fn decode_form(s: &str) -> String {
    decode_form_cow(s).into_owned()
}

/// [`decode_form`], without a copy when there is nothing to decode.
pub(crate) fn decode_form_cow(s: &str) -> Cow<'_, str> {
    if s.as_bytes().contains(&b'+') {
        Cow::Owned(decode(&s.replace('+', " ")).into_owned())
    } else {
        decode(s)
    }
}

/// One `key=value` pair of a query string, with the raw value kept for re-encoding checks.
#[derive(Debug, Clone)]
pub(crate) struct Pair<'a> {
    pub key: Cow<'a, str>,
    pub raw: &'a str,
    pub value: Cow<'a, str>,
    /// Byte offset of the raw value inside the query string.
    pub offset: usize,
}

/// Splits a raw query string (without `?`) into decoded pairs, in order, keeping repeats.
pub(crate) fn pairs(query: &str) -> Vec<Pair<'_>> {
    let b = query.as_bytes();
    // One allocation: at most one pair per `&`-separated part.
    let mut out = Vec::with_capacity(1 + b.iter().filter(|&&c| c == b'&').count());
    let mut offset = 0;
    while offset <= b.len() {
        let end = b[offset..]
            .iter()
            .position(|&c| c == b'&')
            .map_or(b.len(), |i| offset + i);
        let part = &query[offset..end];
        let part_at = offset;
        offset = end + 1;
        if part.is_empty() {
            continue;
        }
        let (k, v, voff) = match part.bytes().position(|c| c == b'=') {
            Some(i) => (&part[..i], &part[i + 1..], part_at + i + 1),
            None => (part, "", part_at + part.len()),
        };
        // A key is nearly always a plain name (`urlpath`, `repo`): tested in place, without
        // the decoder's two searches.
        let plain = |s: &str| !s.bytes().any(|c| c == b'%' || c == b'+');
        out.push(Pair {
            key: if plain(k) {
                Cow::Borrowed(k)
            } else {
                decode_form_cow(k)
            },
            raw: v,
            value: decode_form_cow(v),
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
        .map(|p| p.value.as_ref())
}

/// Appends a query string of the `(key, value)` pairs that have a value to `out`, encoding
/// values like `encodeURIComponent`.
pub(crate) fn build_query_into<'a>(
    out: &mut String,
    items: impl IntoIterator<Item = (&'a str, Option<&'a str>)>,
) {
    let mut first = true;
    for (k, v) in items {
        let Some(v) = v else { continue };
        if !first {
            out.push('&');
        }
        first = false;
        out.push_str(k);
        out.push('=');
        encode_into(out, v, COMPONENT, "%25");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use percent_encoding::percent_decode_str;

    /// The byte-by-byte reading [`segments_have_dots`] replaced (issue 11, third round): the
    /// two agree on every text.
    fn segments_have_dots_by_bytes(v: &str) -> bool {
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

    #[test]
    fn a_dot_spelt_with_escaped_hex_digits_is_found() {
        // `%%32e` decodes to `%2e` and that to `.`; `%2%65` and `%%32%65` likewise.
        for v in [
            "a/%%32e/b",
            "%%32E%%32E",
            "%2%65",
            "x/%2%45%2%45",
            "%%32%65%%32%65/hub",
            "%25%2532e",
        ] {
            assert!(has_dot_segment(v), "{v}");
        }
        for v in ["a/%32e/b", "%41%42", "v1%2e0", "%%32ex"] {
            assert!(!has_dot_segment(v), "{v}");
        }
    }

    #[test]
    fn dotty_segments_are_found_as_the_byte_by_byte_reading_finds_them() {
        // Every text of up to 6 bytes over the bytes that matter, and some longer ones.
        let alphabet = [b'.', b'/', b'a', b'\t', b'%', b'?', b'\\', b'='];
        let mut texts: Vec<String> = vec![
            String::new(),
            "https://github.com/o/r.git".into(),
            "lab/tree/a/../b".into(),
            "a/\t.\n./b".into(),
            "...".into(),
            "a/.../b/.".into(),
        ];
        for len in 1..=6u32 {
            for mut n in 0..8usize.pow(len) {
                let mut t = Vec::new();
                for _ in 0..len {
                    t.push(alphabet[n % 8]);
                    n /= 8;
                }
                texts.push(String::from_utf8(t).unwrap());
            }
        }
        for t in &texts {
            assert_eq!(
                segments_have_dots(t),
                (segments_have_dots_by_bytes(t), t.contains('%')),
                "{t:?}"
            );
        }
    }

    /// The hand-written encoder writes what the `percent-encoding` crate writes for the same
    /// sets (the crate it replaced on the hot path, issue 11, third round).
    #[test]
    fn encodes_as_percent_encoding_does() {
        use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
        const C: &AsciiSet = &NON_ALPHANUMERIC
            .remove(b'-')
            .remove(b'_')
            .remove(b'.')
            .remove(b'!')
            .remove(b'~')
            .remove(b'*')
            .remove(b'\'')
            .remove(b'(')
            .remove(b')');
        const P: &AsciiSet = &C.remove(b'/');
        let all: String = (0u8..0x80).map(char::from).collect();
        for s in [
            "",
            "abc",
            "a b/c?d=e&f#g%h+i",
            "é ✓ 𝄞 x",
            "%25%",
            all.as_str(),
        ] {
            assert_eq!(
                encode_component(s),
                utf8_percent_encode(s, C).to_string(),
                "{s}"
            );
            assert_eq!(
                encode_path_value(s),
                utf8_percent_encode(s, P).to_string(),
                "{s}"
            );
            let binder: String = utf8_percent_encode(s, C)
                .map(|c| if c == "%25" { "%2525" } else { c })
                .collect();
            assert_eq!(encode_binder_value(s, false), binder, "{s}");
        }
    }

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

    /// The hand-written decoder is the `percent-encoding` crate's, lossy UTF-8 included.
    #[test]
    fn decodes_as_percent_encoding_does() {
        for s in [
            "",
            "a",
            "%",
            "%2",
            "%2f",
            "%2F%2f",
            "%zz%41",
            "a%20b%",
            "%C3%A9",
            "%C3",
            "%FF%FE",
            "%E2%82%AC%E2%82",
            "%%41",
            "100%",
            "é%20ü",
        ] {
            assert_eq!(decode(s), percent_decode_str(s).decode_utf8_lossy(), "{s}");
        }
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
