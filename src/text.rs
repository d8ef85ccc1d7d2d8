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
    fn writes_integers_like_display() {
        for n in [0, 7, 10, 99, 100, 8192, 65535, usize::MAX] {
            let mut s = String::new();
            push_int(&mut s, n);
            assert_eq!(s, n.to_string());
            assert_eq!(int_len(n), s.len());
        }
    }
}
