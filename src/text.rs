//! Writing numbers into text without the formatting machinery (`core::fmt`), which the
//! extension's hot Wasm module leaves out: the hot path builds every string with these and
//! `push_str`.

/// Appends the decimal digits of `n`.
pub(crate) fn push_int(out: &mut String, n: usize) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[i..] {
        out.push(char::from(d));
    }
}

/// The number of decimal digits of `n`.
pub(crate) fn int_len(n: usize) -> usize {
    let mut len = 1;
    let mut n = n / 10;
    while n > 0 {
        len += 1;
        n /= 10;
    }
    len
}

/// `s` without leading `c` (an ASCII byte): `str::trim_start_matches` for one ASCII
/// character, a byte loop instead of decoding characters (the hot path trims most values).
pub(crate) fn trim_start_byte(s: &str, c: u8) -> &str {
    let n = s.bytes().take_while(|&b| b == c).count();
    s.get(n..).unwrap_or_default()
}

/// `s` without trailing `c` (an ASCII byte), as [`trim_start_byte`].
pub(crate) fn trim_end_byte(s: &str, c: u8) -> &str {
    let n = s.bytes().rev().take_while(|&b| b == c).count();
    s.get(..s.len() - n).unwrap_or_default()
}

/// `s` without leading and trailing `c` (an ASCII byte), as [`trim_start_byte`].
pub(crate) fn trim_byte(s: &str, c: u8) -> &str {
    trim_end_byte(trim_start_byte(s, c), c)
}

/// The index of the first `c` (an ASCII byte) in `s`: `str::find` for one ASCII character,
/// without the `char` searcher. The hot path's values are short (a host, a name, a query
/// pair), where `find`'s searcher and its `memchr` cost more to set up than they save
/// (docs/benchmarks.md, "speed (the general path's per-link cost, fifth round)"); a word test
/// eight bytes a step, then the rest byte by byte ("cold first call (sixth round)").
pub(crate) fn find_byte(s: &str, c: u8) -> Option<usize> {
    let b = s.as_bytes();
    // Eight bytes a step: a byte of `word ^ every` is zero where `word` holds `c`, and the
    // lowest byte `has_zero` flags is the first such byte (a borrow only ever flags bytes above
    // a zero byte). A batch's first call runs in V8's baseline tier, which keeps a loop of one
    // byte a step as it is written.
    let every = u64::from_ne_bytes([c; 8]);
    let mut words = b.chunks_exact(8);
    let mut at = 0;
    for word in &mut words {
        let w = [
            word[0], word[1], word[2], word[3], word[4], word[5], word[6], word[7],
        ];
        let x = u64::from_le_bytes(w) ^ every;
        let has_zero = x.wrapping_sub(0x0101_0101_0101_0101) & !x & 0x8080_8080_8080_8080;
        if has_zero != 0 {
            return Some(at + (has_zero.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let rest = words.remainder();
    rest.iter().position(|&x| x == c).map(|i| at + i)
}

/// `s.split_once(c)` for one ASCII byte `c`, as [`find_byte`].
pub(crate) fn split_once_byte(s: &str, c: u8) -> Option<(&str, &str)> {
    let i = find_byte(s, c)?;
    Some((s.get(..i)?, s.get(i + 1..)?))
}

/// `s.rsplit(c).next()` for one ASCII byte `c`: what follows its last `c` (all of `s` without
/// one), as [`find_byte`] from the end.
pub(crate) fn after_last_byte(s: &str, c: u8) -> &str {
    match s.bytes().rposition(|b| b == c) {
        Some(i) => s.get(i + 1..).unwrap_or_default(),
        None => s,
    }
}

/// `s.split(c)` for one ASCII byte `c`, as [`find_byte`]: the same pieces, in order (an
/// ASCII byte is never inside a multi-byte character, so the cuts are the same).
pub(crate) fn split_byte(s: &str, c: u8) -> SplitByte<'_> {
    SplitByte { rest: Some(s), c }
}

/// The iterator of [`split_byte`].
pub(crate) struct SplitByte<'a> {
    rest: Option<&'a str>,
    c: u8,
}

impl<'a> Iterator for SplitByte<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        match split_once_byte(rest, self.c) {
            Some((piece, after)) => {
                self.rest = Some(after);
                Some(piece)
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
}

/// `parts` concatenated, in one allocation.
pub(crate) fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        out.push_str(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_one_ascii_byte_as_the_standard_splits_at_a_character() {
        for s in [
            "",
            "/",
            "//",
            "a",
            "/a/",
            "a//b",
            "é/x",
            "/é/",
            "a/é/b/",
            "\u{2f00}/",
        ] {
            assert_eq!(
                split_byte(s, b'/').collect::<Vec<_>>(),
                s.split('/').collect::<Vec<_>>(),
                "{s}"
            );
            assert_eq!(split_once_byte(s, b'/'), s.split_once('/'), "{s}");
            assert_eq!(find_byte(s, b'/'), s.find('/'), "{s}");
            assert_eq!(Some(after_last_byte(s, b'/')), s.rsplit('/').next(), "{s}");
        }
    }

    #[test]
    fn finds_a_byte_in_texts_of_every_length_at_every_place_as_the_standard_does() {
        // `find_byte` reads eight bytes a step, then the rest one by one: every length up to
        // three steps, the byte at each place (first, several, none), next to bytes that differ
        // from it by one bit or by the borrow of the zero-byte test (0x00, 0x01, 0x80, 0xff are
        // not text, so `é` and other multi-byte characters stand in for the high bytes).
        let fillers = ["a", "é", "\u{2f00}", ".", "0", "\u{7f}", "\u{1}"];
        for filler in fillers {
            for len in 0..26 {
                let base: Vec<&str> = std::iter::repeat_n(filler, len).collect();
                for at in 0..=len {
                    for also in [None, Some(at + 1), Some(len)] {
                        let mut parts = base.clone();
                        if at < len {
                            parts[at] = "/";
                        }
                        if let Some(j) = also.filter(|&j| j < len) {
                            parts[j] = "/";
                        }
                        let s = parts.concat();
                        assert_eq!(find_byte(&s, b'/'), s.find('/'), "{s:?}");
                        assert_eq!(find_byte(&s, b'.'), s.find('.'), "{s:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn trims_one_ascii_byte_as_the_standard_trims_a_character() {
        for s in [
            "", "/", "//", "a", "/a/", "//a//b//", "é/", "/é", "/a/é/", "a/",
        ] {
            assert_eq!(trim_byte(s, b'/'), s.trim_matches('/'), "{s}");
            assert_eq!(trim_start_byte(s, b'/'), s.trim_start_matches('/'), "{s}");
            assert_eq!(trim_end_byte(s, b'/'), s.trim_end_matches('/'), "{s}");
        }
    }

    #[test]
    fn writes_integers_like_display() {
        for n in [0, 7, 10, 99, 100, 8192, 65535, usize::MAX] {
            let mut s = String::new();
            push_int(&mut s, n);
            assert_eq!(s, n.to_string());
            assert_eq!(int_len(n), s.len());
        }
    }
}
