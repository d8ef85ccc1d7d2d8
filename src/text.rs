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
