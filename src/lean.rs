//! The extension's hot path as text in, text out (docs/contracts.md, "The hot module"): a
//! batch of hrefs a browser normalised, one per line, answered as a JSON array of Rewrite
//! objects written here by hand, into one buffer. No serde, no `url` crate, no formatting
//! machinery: what the hot Wasm module (src/hot.rs) needs and nothing else. An href the
//! splitter cannot read is answered `{"status":"defer"}`: the caller asks the full model.

use crate::express::Express;
use crate::render::rewrite_href_answer;
use crate::{Rewrite, RewriteStatus, Target};

/// Answers a batch: `hrefs` holds one href per line (`\n`; an href never holds one: the
/// browser drops newlines from a URL, and the caller sends any that does to the full model).
/// Appends to `out` a JSON array with one object per line, in order:
/// `{"status":…,"output":…,"reason":…,"warnings":[…]}`, or `{"status":"defer"}`. Returns how
/// many answers are `defer`.
pub fn answer_batch(hrefs: &str, target: &Target, out: &mut String) -> usize {
    answer_batch_with(hrefs, target, out, |answer| answer())
}

/// [`answer_batch`], each link's work (its rewrite, and its answer appended to `out`) run
/// inside `around`: the hot module runs it in its allocation arena (src/arena.rs).
pub fn answer_batch_with(
    hrefs: &str,
    target: &Target,
    out: &mut String,
    around: impl Fn(&mut dyn FnMut()),
) -> usize {
    let express = Express::new(target);
    let mut deferred = 0;
    out.push('[');
    for (i, href) in crate::text::split_byte(hrefs, b'\n').enumerate() {
        if i > 0 {
            out.push(',');
        }
        // The common shapes are answered in place (src/express.rs); the rest by the model.
        if express.answer(href, out) {
            continue;
        }
        around(&mut || match rewrite_href_answer(href, target) {
            Some(r) => write_rewrite(&r, out),
            None => {
                out.push_str("{\"status\":\"defer\"}");
                deferred += 1;
            }
        });
    }
    out.push(']');
    deferred
}

/// One Rewrite as the JSON object the content script reads (no `input`, no `launch`).
pub fn write_rewrite(r: &Rewrite, out: &mut String) {
    out.push_str("{\"status\":\"");
    out.push_str(status_name(r.status));
    out.push_str("\",\"output\":");
    write_opt(r.output.as_deref(), out);
    out.push_str(",\"reason\":");
    write_opt(r.reason.as_deref(), out);
    out.push_str(",\"warnings\":[");
    for (i, w) in r.warnings.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_str(w, out);
    }
    out.push_str("]}");
}

/// The status as docs/contracts.md names it.
pub fn status_name(s: RewriteStatus) -> &'static str {
    match s {
        RewriteStatus::Rewritten => "rewritten",
        RewriteStatus::Unchanged => "unchanged",
        RewriteStatus::Refused => "refused",
        RewriteStatus::Skipped => "skipped",
        RewriteStatus::None => "none",
        RewriteStatus::Invalid => "invalid",
    }
}

fn write_opt(s: Option<&str>, out: &mut String) {
    match s {
        Some(s) => write_str(s, out),
        None => out.push_str("null"),
    }
}

/// A JSON string: `"` and `\` escaped, control characters as `\u00XX`; the rest as is.
fn write_str(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    // Almost every value (a URL, a warning) needs no escape: one pass without a branch per
    // byte says so (it vectorises natively), and the value is copied whole.
    let plain = s.bytes().fold(true, |plain, b| {
        plain & (b >= 0x20 && b != b'"' && b != b'\\')
    });
    if plain {
        out.push_str(s);
        out.push('"');
        return;
    }
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        if b >= 0x20 && b != b'"' && b != b'\\' {
            continue;
        }
        out.push_str(&s[run..i]);
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            _ => {
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 15)]));
            }
        }
        run = i + 1;
    }
    out.push_str(&s[run..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TargetKind;

    #[test]
    fn answers_a_batch_as_json_in_order_deferring_what_it_cannot_read() {
        let t = Target::new(TargetKind::JupyterHub, "https://hub.example.edu/").unwrap();
        let mut out = String::new();
        answer_batch(
            "https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/x.ipynb\nhttps://example.org/\nHTTPS://mybinder.org/v2/gh/o/r/main\nmailto:a@b",
            &t,
            &mut out,
        );
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let full = crate::rewrite(
            "https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/x.ipynb",
            &t,
        );
        assert_eq!(v[0]["status"], "rewritten");
        assert_eq!(v[0]["output"].as_str(), full.output.as_deref());
        assert_eq!(
            v[0]["warnings"][0].as_str(),
            Some(full.warnings[0].as_str())
        );
        assert_eq!(v[1]["status"], "none");
        assert_eq!(v[2], serde_json::json!({"status": "defer"}));
        assert_eq!(v[3]["reason"], "not a launch link: mailto url");
        assert_eq!(v.as_array().map(Vec::len), Some(4));
    }

    #[test]
    fn writes_any_text_as_a_json_string() {
        for s in ["", "a\"b\\c", "\u{0}\u{1f}\t\n", "é ✓ 𝄞", "</script>"] {
            let mut out = String::new();
            write_str(s, &mut out);
            assert_eq!(serde_json::from_str::<String>(&out).unwrap(), s);
        }
    }
}
