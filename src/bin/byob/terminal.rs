//! Text from outside (a hub's version, a link from a file) shown on a terminal as text, never
//! interpreted: control characters (escape sequences, C1 controls, a carriage return that
//! overwrites the line) and the bidirectional overrides that reorder what is shown are
//! printed as `\u{…}` escapes (issue 9 defect 7).

/// Whether `c` would act on the terminal rather than be shown.
fn acts(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every character that would act on the terminal written as `\u{…}`.
pub fn text(s: &str) -> String {
    if !s.chars().any(acts) {
        return s.to_string();
    }
    s.chars()
        .map(|c| {
            if acts(c) {
                format!("\\u{{{:x}}}", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// JSON as serde writes it (C0 controls already escaped) with C1 controls and
/// bidirectional overrides escaped too, as `\uXXXX` (they only occur inside strings).
pub fn json(s: &str) -> String {
    if !s.chars().any(acts) {
        return s.to_string();
    }
    s.chars()
        .map(|c| {
            if acts(c) && c != '\n' {
                format!("\\u{:04x}", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// How many characters of a link longer than the core reads a message quotes (`link`).
const LINK_SHOWN: usize = 200;

/// A link as a message quotes it: `text(link)` whole when the core would read it (at most
/// `byob::MAX_LINK_LEN` bytes); a longer one, which the core refuses for its length, cut
/// after `LINK_SHOWN` characters with its length in bytes, so that one junk line of megabytes
/// in a batch gives a message of one short line, not the line again.
pub fn link(link: &str) -> String {
    if link.len() <= byob::MAX_LINK_LEN {
        return text(link);
    }
    match link.char_indices().nth(LINK_SHOWN) {
        None => text(link),
        Some((cut, _)) => format!("{}… ({} bytes)", text(&link[..cut]), link.len()),
    }
}

/// Writes `s` to stdout. A reader that went away (`byob … | head`) ends the program quietly
/// with success, as Unix tools do, instead of the panic `print!` gives on a closed pipe.
pub fn out(s: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_all(s.as_bytes()).and_then(|()| stdout.flush()) {
        quit_on_write_error(&e);
    }
}

/// What to do when writing the output failed: exit quietly when the reader closed the pipe,
/// else say why and exit 1.
pub fn quit_on_write_error(e: &std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("byob: writing the output failed: {e}");
    std::process::exit(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_links_are_quoted_cut() {
        // Every link the core reads is quoted whole, the longest too.
        assert_eq!(link("https://h.org/x"), "https://h.org/x");
        let longest = format!("https://h.org/{}", "a".repeat(byob::MAX_LINK_LEN - 14));
        assert_eq!(link(&longest), longest);
        // One byte more is refused by the core: cut after LINK_SHOWN characters.
        let over = format!("{longest}b");
        assert_eq!(
            link(&over),
            format!("{}… (8193 bytes)", &over[..LINK_SHOWN])
        );
        let long = format!("https://h.org/{}", "é".repeat(50_000));
        let head: String = long.chars().take(LINK_SHOWN).collect();
        assert_eq!(link(&long), format!("{head}… (100014 bytes)"));
        // Cut, then escaped: a control character just before the cut is shown escaped, whole.
        let escape = format!("{}\u{1b}{}", "a".repeat(LINK_SHOWN - 1), "a".repeat(9_000));
        assert_eq!(
            link(&escape),
            format!("{}\\u{{1b}}… (9200 bytes)", "a".repeat(LINK_SHOWN - 1))
        );
    }

    #[test]
    fn escape_sequences_are_shown_not_run() {
        assert_eq!(text("6.1.1"), "6.1.1");
        assert_eq!(
            text("6.1.1\u{1b}[2J\u{1b}]0;pwned\u{7}\r\n"),
            "6.1.1\\u{1b}[2J\\u{1b}]0;pwned\\u{7}\\u{d}\\u{a}"
        );
        assert_eq!(text("a\u{9b}31mb\u{202e}c"), "a\\u{9b}31mb\\u{202e}c");
        assert_eq!(text("é 中 🚀"), "é 中 🚀");
    }

    #[test]
    fn json_keeps_its_newlines_and_escapes_the_rest() {
        let v = serde_json::json!({"version": "1\u{1b}[31m\u{9b}\u{202e}"});
        let pretty = serde_json::to_string_pretty(&v).unwrap();
        let safe = json(&pretty);
        assert_eq!(safe, "{\n  \"version\": \"1\\u001b[31m\\u009b\\u202e\"\n}");
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, v);
    }
}
